import time

from django.core.management.base import BaseCommand

from sentra.regions.services import reference_load


class Command(BaseCommand):
    help = (
        "Memuat data rujukan: wilayah Kemendagri (provinsi s.d. desa) dan KBLI 2020. Aman dijalankan ulang."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        counts = reference_load()
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Provinsi: {counts.provinces:,} · Kabupaten/kota: {counts.regencies:,} · "
            f"Kecamatan: {counts.districts:,} · Desa/kelurahan: {counts.villages:,} · "
            f"KBLI: {counts.kbli:,} · Nama lokalitas: {counts.localities:,}"
        )
        self.stdout.write(self.style.SUCCESS(f"Data rujukan dimuat dalam {elapsed:.1f} detik."))
