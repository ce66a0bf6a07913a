"""`sentra export enterprises|centres|products OUT.csv|OUT.xlsx --as USER [--region CODE]`, and
`sentra export enterprises OUT.xlsx --format siinas --as USER`: the enterprises laid out for SIINas
reporting (registry.exports.SIINAS_COLUMNS).

Writes the same list, columns and file as the web export, read through the same scoped selectors:
a regency officer's export holds only their regency's rows.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sentra.accounts.cli import actor_from_options, add_actor_arguments
from sentra.accounts.permissions import Action
from sentra.accounts.scope import code_in_scope, require
from sentra.core.errors import AccessDenied
from sentra.regions.codes import normalise_code
from sentra.registry import selectors
from sentra.registry.exports import export_response, siinas_response
from sentra.registry.selectors import RegistryFilter

KINDS = {
    "enterprises": ("enterprise", selectors.enterprise_list, "IKM"),
    "centres": ("centre", selectors.centre_list, "Sentra IKM"),
    "products": ("product", selectors.product_list, "Produk"),
}


class Command(BaseCommand):
    help = "Ekspor daftar IKM, sentra atau produk ke CSV/XLSX, sebatas wilayah kerja pengguna --as."

    def add_arguments(self, parser) -> None:
        parser.add_argument("what", choices=list(KINDS), help="enterprises, centres, atau products")
        parser.add_argument("out", metavar="OUT", help="Berkas tujuan, .csv atau .xlsx")
        parser.add_argument("--region", default="", help="Hanya wilayah ini (kode di tingkat mana pun).")
        parser.add_argument(
            "--format",
            dest="layout",
            choices=["list", "siinas"],
            default="list",
            help="list (bawaan): kolom daftar; siinas: IKM dengan butir laporan SIINas (hanya .xlsx).",
        )
        add_actor_arguments(parser)

    def handle(self, *args, what: str, out: str, region: str, layout: str = "list", **options) -> None:
        actor = actor_from_options(options)
        path = Path(out)
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise CommandError(_("Berkas tujuan harus berakhiran .csv atau .xlsx."))
        if layout == "siinas" and (what != "enterprises" or suffix != ".xlsx"):
            raise CommandError(_("Format siinas hanya untuk enterprises ke berkas .xlsx."))
        if not path.parent.is_dir():
            raise CommandError(_("Folder %(dir)s tidak ada.") % {"dir": path.parent})
        try:
            require(actor, Action.EXPORT)
        except AccessDenied as error:
            raise CommandError(str(error)) from error
        code = ""
        if region:
            code = normalise_code(region)
            if code is None:
                raise CommandError(_("%(code)s bukan kode wilayah.") % {"code": region})
            if not code_in_scope(actor, code):
                raise CommandError(_("Wilayah %(code)s berada di luar wilayah kerja Anda.") % {"code": code})

        key, list_fn, title = KINDS[what]
        qs = list_fn(actor=actor, filters=RegistryFilter(region=code))
        written = 0

        def counted(objects):
            nonlocal written
            for obj in objects:
                written += 1
                yield obj

        if layout == "siinas":
            response = siinas_response(qs, wrap=counted)
        else:
            response = export_response(key, qs, fmt=suffix[1:], title=title, wrap=counted)
        with path.open("wb") as handle:
            for chunk in response.streaming_content:
                handle.write(chunk)
        # No response.close(): it sends request_finished, which closes the database connection
        # under a command that is not a request.
        self.stdout.write(
            _("%(n)d baris ditulis ke %(path)s (sebagai %(user)s).")
            % {"n": written, "path": path, "user": actor.username}
        )
