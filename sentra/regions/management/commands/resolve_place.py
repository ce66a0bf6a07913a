import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sentra.regions.gazetteer import resolve_place


class Command(BaseCommand):
    help = _(
        "Mencocokkan nama tempat bebas (mis. 'Kel. Saloloang, Kec. Penajam, Kab. Penajam Paser Utara') "
        "dengan kode wilayah Kemendagri dan mencetak hasilnya sebagai JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("text", help=_("Nama tempat atau kode wilayah."))
        parser.add_argument(
            "--level",
            type=int,
            choices=[1, 2, 3, 4],
            help=_("Tingkat hasil: 1 provinsi, 2 kabupaten/kota, 3 kecamatan, 4 desa/kelurahan."),
        )
        parser.add_argument("--within", help=_("Kode wilayah tempat hasil harus berada, mis. 64.09."))

    def handle(self, *args, **options):
        if not options["text"].strip():
            raise CommandError(_("Teks nama tempat kosong."))
        resolution = resolve_place(options["text"], level=options["level"], within=options["within"])
        self.stdout.write(json.dumps(resolution.as_dict(), ensure_ascii=False, indent=2))
