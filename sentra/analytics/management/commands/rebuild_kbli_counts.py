"""`sentra rebuild-kbli-counts [--check]`: count the registry's active IKM per village × KBLI again from
the enterprises (analytics/aggregates.py). The count is kept current by every write; this is for after a
bulk load outside Sentra's services, or to prove it: --check compares without writing (exit 1 on a
difference)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sentra.analytics import aggregates


class Command(BaseCommand):
    help = "Hitung ulang jumlah IKM aktif per desa × KBLI dari data IKM (--check: bandingkan saja)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="Bandingkan saja; tidak ada yang ditulis")

    def handle(self, *args, **options) -> None:
        if options["check"]:
            drift = aggregates.kbli_count_drift()
            if drift:
                raise CommandError(
                    _("%(n)d baris desa × KBLI berbeda dari hitungan ulang, mis. %(first)s.")
                    % {"n": len(drift), "first": drift[0]}
                )
            self.stdout.write(_("Jumlah IKM per desa × KBLI sesuai dengan data IKM."))
            return
        rows = aggregates.rebuild_kbli_counts()
        self.stdout.write(_("Dihitung ulang: %(rows)d baris desa × KBLI.") % {"rows": rows})
