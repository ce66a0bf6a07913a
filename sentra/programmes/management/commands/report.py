"""`sentra report dekon-quarterly|tp-quarterly|rakor ... --format xlsx|pdf -o OUT --as USER`.

    sentra report tp-quarterly --year 2026 --quarter 3 --province 64 --format pdf -o out.pdf --as USER
    sentra report rakor --year 2026 --date 2026-10-31 --format xlsx -o pack.xlsx --as USER

The same figures, scope and files as the reports page: a province officer gets only their province.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sentra.accounts.cli import actor_from_options, add_actor_arguments
from sentra.core.errors import AccessDenied, DomainError, NotFound
from sentra.programmes import reports


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("%(value)s bukan tanggal (YYYY-MM-DD).") % {"value": value}) from error


class Command(BaseCommand):
    help = "Buat laporan triwulanan dekonsentrasi (Form A/B/C) atau bahan Rakor Pengendalian DIPA."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "which",
            choices=["dekon-quarterly", "tp-quarterly", "rakor"],
            help="dekon-quarterly, tp-quarterly (tugas pembantuan, sejak TA 2024) atau rakor",
        )
        parser.add_argument("--year", type=int, help="Tahun anggaran (bawaan: tahun --date atau tahun ini)")
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="Triwulan (dekon-quarterly)")
        parser.add_argument("--province", default="", help="Kode provinsi, mis. 64 (dekon-quarterly)")
        parser.add_argument(
            "--date", default="", help="Tanggal: keadaan per (rakor) / tanggal laporan (dekon)"
        )
        parser.add_argument("--region", default="", help="rakor: hanya wilayah ini (dalam wilayah kerja)")
        parser.add_argument("--source", default="", help="rakor: hanya satu sumber DIPA (apbn, dekon, tp)")
        parser.add_argument(
            "--format", choices=list(reports.FORMATS), help="xlsx atau pdf (bawaan: akhiran -o)"
        )
        parser.add_argument("-o", "--output", required=True, help="Berkas tujuan")
        add_actor_arguments(parser)

    def handle(self, *args, which: str, **options) -> None:
        actor = actor_from_options(options)
        path = Path(options["output"])
        fmt = options["format"] or path.suffix.lower().lstrip(".")
        if fmt not in reports.FORMATS:
            raise CommandError(_("Pilih --format xlsx atau pdf (atau akhiran berkas .xlsx/.pdf)."))
        if not path.parent.is_dir():
            raise CommandError(_("Folder %(dir)s tidak ada.") % {"dir": path.parent})
        day = _date(options["date"]) if options["date"] else None
        year = options["year"] or (day.year if day else dt.date.today().year)
        try:
            if which in ("dekon-quarterly", "tp-quarterly"):
                if not options["quarter"] or not options["province"]:
                    raise CommandError(_("%(which)s memerlukan --quarter dan --province.") % {"which": which})
                report = reports.dekon_quarterly(
                    actor=actor,
                    fiscal_year=year,
                    quarter=options["quarter"],
                    province=options["province"],
                    report_date=day,
                    funding_kind=which.split("-")[0],
                )
            else:
                if day is None:
                    raise CommandError(_("rakor memerlukan --date."))
                report = reports.rakor_pack(
                    actor=actor,
                    fiscal_year=year,
                    as_of=day,
                    region=options["region"],
                    funding_source=options["source"],
                )
        except (NotFound, AccessDenied, DomainError) as error:
            raise CommandError(str(error) or _("Laporan tidak dapat dibuat.")) from error
        data = reports.render(report, fmt)
        path.write_bytes(data)
        self.stdout.write(
            _("%(name)s ditulis ke %(path)s (%(size)d bita, sebagai %(user)s).")
            % {"name": report.filename, "path": path, "size": len(data), "user": actor.username}
        )
