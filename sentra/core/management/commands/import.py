"""Imports from the command line, as a user.

    sentra import KIND FILE [--commit] [--agency ID] [--target ID] --as USERNAME
    sentra import rollback BATCH_ID --as USERNAME [--keep-changed] [--wait SECONDS]
    sentra import template KIND OUT.xlsx|OUT.csv

KIND is any kind an app registered (core.import_kinds): enterprises, centres, realisation,
beneficiaries, …

`--as USERNAME` runs the import with that user's role, region and agency, exactly as the web and API
would (it needs the import right; rows outside the user's region are refused). Operators may use
`--as-system` instead: every right, everywhere, recorded in the history as "sistem".

A dry run unless --commit. Every problem is printed as row, column, value, code and reason; the
exit status is 1 when any error was found, so scripts can stop on it. A committed import prints its
batch number, which `sentra import rollback` takes. A rollback is all or nothing (one transaction);
it refuses when records of the import changed since (listing them) unless --keep-changed, which rolls
back the rest and leaves those as they are; a database busy with another writer for longer than
--wait seconds (default 30) is refused with "try again". Either way the exit status is 1 and nothing
changed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils.translation import gettext as _
from tqdm import tqdm

from sentra.accounts.cli import actor_from_options, add_actor_arguments
from sentra.accounts.scope import Channel
from sentra.agencies.models import Agency
from sentra.core.errors import DomainError
from sentra.core.import_kinds import import_file, import_rollback, is_import_kind, kind_keys, template_file


class Command(BaseCommand):
    help = (
        "Impor IKM, sentra atau realisasi kegiatan dari CSV/XLSX (uji coba kecuali --commit), "
        "batalkan impor, atau tulis templatnya."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "what",
            choices=[*kind_keys(), "rollback", "template"],
            help=", ".join([*kind_keys(), "rollback", "template"]),
        )
        parser.add_argument(
            "args",
            nargs="+",
            metavar="FILE",
            help="FILE; BATCH_ID untuk rollback; KIND OUT.xlsx|OUT.csv untuk template",
        )
        parser.add_argument("--commit", action="store_true", help="Tulis ke basis data (bawaan: uji coba).")
        parser.add_argument(
            "--agency", type=int, help="ID instansi pemilik data baru (hanya untuk pengguna tingkat pusat)."
        )
        parser.add_argument(
            "--target",
            "--meeting",
            dest="target",
            type=int,
            help="ID data tujuan impor, untuk jenis yang diimpor ke satu data (participants: ID rapat).",
        )
        add_actor_arguments(parser, allow_system=True)
        parser.add_argument("--reason", default="", help="Alasan pembatalan (rollback).")
        parser.add_argument(
            "--keep-changed",
            action="store_true",
            help="Rollback: batalkan sisanya dan biarkan data yang berubah setelah impor seperti sekarang.",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=None,
            help="Rollback: detik menunggu bila data sedang diubah pengguna lain (bawaan 30).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Tanpa bilah kemajuan.")

    def handle(self, *args: str, what: str, **options) -> None:
        if what == "template":
            self._template(*args)
            return
        try:
            if what == "rollback":
                self._rollback(args, options)
            else:
                self._import(what, args, options)
        except (PermissionDenied, Http404, DomainError) as exc:
            raise CommandError(str(exc) or _("Tidak diizinkan.")) from exc

    def _import(self, what: str, args: tuple[str, ...], options) -> None:
        if len(args) != 1:
            raise CommandError(_("Sebutkan tepat satu berkas."))
        path = Path(args[0])
        if not path.is_file():
            raise CommandError(_("Berkas %(path)s tidak ada.") % {"path": path})
        actor = actor_from_options(options, Channel.IMPORT)
        owner = None
        if options["agency"] is not None:
            owner = Agency.objects.filter(pk=options["agency"]).first()
            if owner is None:
                raise CommandError(_("Instansi dengan ID %(id)s tidak ada.") % {"id": options["agency"]})
        bar = tqdm(total=0, unit=" baris", disable=options["no_progress"], file=sys.stderr, desc=path.name)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = min(done, total)
            bar.refresh()

        try:
            report = import_file(
                kind=what,
                path=path,
                actor=actor,
                commit=options["commit"],
                agency=owner,
                on_progress=progress,
                target=options["target"],
            )
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
        if report.unchanged:
            summary += " " + _("%(n)d baris sama dengan data yang ada dan tidak ditulis ulang.") % {
                "n": report.unchanged
            }
        self.stdout.write(summary)
        if not report.ok:
            self.stdout.write(_("Tidak ada data yang ditulis; perbaiki galat di atas lalu ulangi."))
            raise SystemExit(1)
        if not report.committed:
            self.stdout.write(_("Uji coba: tidak ada yang ditulis. Ulangi dengan --commit untuk menyimpan."))
        elif report.batch_id:
            self.stdout.write(
                _("Kelompok perubahan #%(id)d; batalkan dengan: sentra import rollback %(id)d --as …")
                % {"id": report.batch_id}
            )

    def _rollback(self, args: tuple[str, ...], options) -> None:
        if len(args) != 1 or not args[0].isdigit():
            raise CommandError(_("Gunakan: sentra import rollback BATCH_ID --as USERNAME"))
        actor = actor_from_options(options, Channel.CLI)
        bar = tqdm(total=0, unit=" data", disable=options["no_progress"], file=sys.stderr, desc=f"#{args[0]}")

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = min(done, total)
            bar.refresh()

        try:
            count = import_rollback(
                actor=actor,
                batch_id=int(args[0]),
                reason=options["reason"],
                keep_changed=options["keep_changed"],
                wait=options["wait"],
                on_progress=progress,
            )
        finally:
            bar.close()
        self.stdout.write(
            _("Impor #%(id)s dibatalkan: %(n)d data dikembalikan.") % {"id": args[0], "n": count}
        )
        for record in getattr(count, "kept", ()):
            self.stdout.write(
                _("Dibiarkan (berubah setelah impor): %(name)s (#%(id)s)")
                % {"name": record["name"], "id": record["object_id"]}
            )
        if getattr(count, "kept", ()):
            self.stdout.write(_("%(n)d data yang berubah dibiarkan.") % {"n": len(count.kept)})

    def _template(self, *args: str) -> None:
        if len(args) != 2 or not is_import_kind(args[0]):
            raise CommandError(
                _("Gunakan: sentra import template %(kinds)s OUT.xlsx|OUT.csv")
                % {"kinds": "|".join(kind_keys())}
            )
        out = Path(args[1])
        content, _type = template_file(args[0], "csv" if out.suffix.lower() == ".csv" else "xlsx")
        if isinstance(content, str):
            out.write_text(content, encoding="utf-8")
        else:
            out.write_bytes(content)
        self.stdout.write(_("Templat ditulis ke %(path)s") % {"path": out})
