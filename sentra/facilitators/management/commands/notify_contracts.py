"""`sentra notify-contracts [--date YYYY-MM-DD] [--dry-run]`: the notices of facilitators' contracts
ending in 60 and in 30 days, to the facilitator, the host Dinas and the province
(facilitators/expiry.py). Run it daily from cron when no Celery broker is set:

    0 7 * * *  cd /srv/sentra && .venv/bin/sentra notify-contracts

Each notice is sent once, whatever the number of runs.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sentra.facilitators import expiry


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("%(value)s bukan tanggal (YYYY-MM-DD).") % {"value": value}) from error


class Command(BaseCommand):
    help = (
        "Beri tahu pendamping, Dinas dan provinsi tentang kontrak TPL-IKM yang berakhir dalam 60 dan 30 hari."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", default="", help="Tanggal pengiriman (bawaan: hari ini, WIB)")
        parser.add_argument(
            "--dry-run", action="store_true", help="Hitung saja apa yang akan dikirim; tidak ada yang dikirim"
        )

    def handle(self, *args, **options) -> None:
        on = _date(options["date"]) if options["date"] else None
        if options["dry_run"]:
            self.stdout.write(_("Uji coba: tidak ada yang dikirim atau dicatat."))
        counts = expiry.notify_expiring_contracts(on=on, dry_run=options["dry_run"])
        self.stdout.write(
            _(
                "Kontrak berakhir: %(d60)d pemberitahuan 60 hari, %(d30)d pemberitahuan 30 hari; "
                "%(n)d notifikasi."
            )
            % {"d60": counts.days_60, "d30": counts.days_30, "n": counts.notifications}
        )
