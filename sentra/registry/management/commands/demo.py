"""`sentra demo`: real IKM facts plus generated registries on real regions, and demo logins."""

from django.core.management.base import BaseCommand

from sentra.registry.demo import SIZES, demo_run
from sentra.registry.demo_facts import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Isi basis data dengan data contoh: fakta nyata (PPU, Tarakan, Balikpapan) dan data bangkitan."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=list(SIZES), default="small", help="small, regional, national")
        parser.add_argument("--seed", type=int, default=2026, help="Data yang sama untuk seed yang sama.")

    def handle(self, *args, size: str, seed: int, **options):
        enterprises, centres = SIZES[size]
        self.stdout.write(f"Data contoh '{size}' (±{enterprises:,} IKM, ±{centres:,} sentra), seed {seed}…")
        report = demo_run(size=size, seed=seed, stdout=self.stdout)

        self.stdout.write(self.style.MIGRATE_HEADING("Dibuat:"))
        for name in (
            *("agencies", "decrees", "centres", "enterprises", "users"),
            *("programmes", "activities", "budget documents", "budget lines", "realisations"),
        ):
            self.stdout.write(f"  {name}: {report.created.get(name, 0):,}")
        if report.unresolved:
            self.stdout.write(self.style.WARNING(f"Tempat yang tidak dikenali ({len(report.unresolved)}):"))
            for line in report.unresolved:
                self.stdout.write(f"  - {line}")
        else:
            self.stdout.write("Semua tempat dikenali.")
        for note in report.notes:
            self.stdout.write(self.style.WARNING(f"  ! {note}"))
        self.stdout.write(self.style.MIGRATE_HEADING(f"Akun demo (kata sandi {DEMO_PASSWORD}):"))
        for persona, username, agency in report.users:
            self.stdout.write(f"  {persona} → {username} / {DEMO_PASSWORD} → {agency}")
