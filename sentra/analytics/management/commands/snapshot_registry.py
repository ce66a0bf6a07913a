"""`sentra snapshot-registry [--year Y] [--replace]`: the registry counted now (the maintained count per
village × KBLI, summed per district × KBLI) kept as the snapshot of a year, for shift-share
(analytics/snapshots.py). Run it on 31 December from cron when no Celery broker is set:

    55 23 31 12 *  cd /srv/sentra && .venv/bin/sentra snapshot-registry --replace

A year that has a snapshot is refused (exit 1) unless --replace.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Sum
from django.utils.translation import gettext as _

from sentra.analytics import snapshots
from sentra.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Simpan jumlah IKM aktif per kecamatan × KBLI sebagai potret registri satu tahun (untuk shift-share)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--year", type=int, default=None, help="Tahun potret (bawaan: tahun berjalan, WIB)"
        )
        parser.add_argument("--replace", action="store_true", help="Ganti potret tahun itu bila sudah ada")

    def handle(self, *args, **options) -> None:
        try:
            snapshot = snapshots.take_snapshot(options["year"], replace=options["replace"])
        except DomainError as error:
            raise CommandError(f"{error} [{error.code}]") from error
        totals = snapshot.counts.aggregate(enterprises=Sum("enterprises"), workers=Sum("workers"))
        self.stdout.write(
            _(
                "Potret registri %(year)d (%(on)s): %(rows)d baris kecamatan × KBLI, %(n)d IKM aktif, "
                "%(workers)d tenaga kerja."
            )
            % {
                "year": snapshot.year,
                "on": snapshot.taken_on.isoformat(),
                "rows": snapshot.counts.count(),
                "n": totals["enterprises"] or 0,
                "workers": totals["workers"] or 0,
            }
        )
