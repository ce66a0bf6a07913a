"""`sentra demo`: every app's demo step in order (core.demo): reference data, real IKM facts plus
generated registries on real regions and the demo logins, a fiscal year of plans and budgets, …"""

from django.core.management.base import BaseCommand

from sentra.core.demo import SIZES, demo_counts, demo_describe, demo_run


class Command(BaseCommand):
    help = "Isi basis data dengan data contoh: fakta nyata (PPU, Tarakan, Balikpapan) dan data bangkitan."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=list(SIZES), default="small", help="small, regional, national")
        parser.add_argument("--seed", type=int, default=2026, help="Data yang sama untuk seed yang sama.")

    def handle(self, *args, size: str, seed: int, **options):
        self.stdout.write(f"Data contoh '{size}' ({demo_describe(size)}), seed {seed}…")
        report = demo_run(size=size, seed=seed, stdout=self.stdout)

        self.stdout.write(self.style.MIGRATE_HEADING("Dibuat:"))
        for name in demo_counts():
            self.stdout.write(f"  {name}: {report.created.get(name, 0):,}")
        if report.unresolved:
            self.stdout.write(self.style.WARNING(f"Tempat yang tidak dikenali ({len(report.unresolved)}):"))
            for line in report.unresolved:
                self.stdout.write(f"  - {line}")
        else:
            self.stdout.write("Semua tempat dikenali.")
        for note in report.notes:
            self.stdout.write(self.style.WARNING(f"  ! {note}"))
        if report.users:
            self.stdout.write(self.style.MIGRATE_HEADING(f"Akun demo (kata sandi {report.password}):"))
        for persona, username, agency in report.users:
            self.stdout.write(f"  {persona} → {username} / {report.password} → {agency}")
