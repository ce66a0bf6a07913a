"""`sentra import enterprises|centres FILE [--commit] [--agency ID]` and `sentra import template KIND OUT`.

A dry run unless --commit. Every problem is printed as row, column, value, code and reason; the
exit status is 1 when any error was found, so scripts can stop on it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from sentra.agencies.models import Agency
from sentra.core.imports import template_csv, template_xlsx
from sentra.registry.imports import SCHEMAS, import_file, import_schema


class Command(BaseCommand):
    help = "Impor IKM atau sentra dari CSV/XLSX (uji coba kecuali --commit), atau tulis templatnya."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "what", choices=[*SCHEMAS, "template"], help="enterprises, centres, atau template"
        )
        parser.add_argument(
            "args", nargs="+", metavar="FILE", help="FILE, atau KIND OUT.xlsx|OUT.csv untuk template"
        )
        parser.add_argument("--commit", action="store_true", help="Tulis ke basis data (bawaan: uji coba).")
        parser.add_argument("--agency", type=int, help="ID instansi pemilik data (bawaan: Ditjen IKMA).")
        parser.add_argument("--no-progress", action="store_true", help="Tanpa bilah kemajuan.")

    def handle(
        self, *args: str, what: str, commit: bool, agency: int | None, no_progress: bool, **options
    ) -> None:
        if what == "template":
            self._template(*args)
            return
        if len(args) != 1:
            raise CommandError(_("Sebutkan tepat satu berkas."))
        path = Path(args[0])
        if not path.is_file():
            raise CommandError(_("Berkas %(path)s tidak ada.") % {"path": path})
        owner = None
        if agency is not None:
            owner = Agency.objects.filter(pk=agency).first()
            if owner is None:
                raise CommandError(_("Instansi dengan ID %(id)s tidak ada.") % {"id": agency})
        bar = tqdm(total=0, unit=" baris", disable=no_progress, file=sys.stderr, desc=path.name)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = min(done, total)
            bar.refresh()

        try:
            report = import_file(kind=what, path=path, commit=commit, agency=owner, on_progress=progress)
        finally:
            bar.close()
        for label, issues in ((_("GALAT"), report.errors), (_("PERINGATAN"), report.warnings)):
            for issue in issues:
                row = _("berkas") if issue.row is None else _("baris %(n)d") % {"n": issue.row}
                column = f" [{issue.column}]" if issue.column else ""
                value = f" {issue.value!r}" if issue.value else ""
                self.stdout.write(f"{label} {row}{column}{value} {issue.code}: {issue.message}")
        summary = _(
            "%(rows)d baris, %(errors)d galat, %(warnings)d peringatan; "
            "%(created)d baru, %(updated)d diperbarui."
        ) % {
            "rows": report.rows_total,
            "errors": report.error_count,
            "warnings": report.warning_count,
            "created": report.created,
            "updated": report.updated,
        }
        self.stdout.write(summary)
        if not report.ok:
            self.stdout.write(_("Tidak ada data yang ditulis; perbaiki galat di atas lalu ulangi."))
            raise SystemExit(1)
        if not report.committed:
            self.stdout.write(_("Uji coba: tidak ada yang ditulis. Ulangi dengan --commit untuk menyimpan."))

    def _template(self, *args: str) -> None:
        if len(args) != 2 or args[0] not in SCHEMAS:
            raise CommandError(_("Gunakan: sentra import template enterprises|centres OUT.xlsx|OUT.csv"))
        schema = import_schema(args[0])
        out = Path(args[1])
        if out.suffix.lower() == ".csv":
            out.write_text(template_csv(schema), encoding="utf-8")
        else:
            out.write_bytes(template_xlsx(schema))
        self.stdout.write(_("Templat ditulis ke %(path)s") % {"path": out})
