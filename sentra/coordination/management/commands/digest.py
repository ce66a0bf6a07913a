"""`sentra digest [--date YYYY-MM-DD] [--dry-run] [--only reminders|digest]`: today's reminders (a
follow-up due or overdue, an agreement expiring in 90 or 30 days) and this week's e-mail digest per
agency (coordination/reminders.py). Run it daily from cron when no Celery broker is set:

    0 7 * * *  cd /srv/sentra && .venv/bin/sentra digest

Each reminder and each weekly digest is sent once, whatever the number of runs.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sentra.coordination import reminders


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("%(value)s bukan tanggal (YYYY-MM-DD).") % {"value": value}) from error


class Command(BaseCommand):
    help = "Kirim pengingat tindak lanjut dan kerja sama, dan ringkasan mingguan per instansi melalui surel."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", default="", help="Tanggal pengiriman (bawaan: hari ini, WIB)")
        parser.add_argument(
            "--dry-run", action="store_true", help="Hitung saja apa yang akan dikirim; tidak ada yang dikirim"
        )
        parser.add_argument(
            "--only", choices=["reminders", "digest"], help="Hanya pengingat atau hanya ringkasan mingguan"
        )

    def handle(self, *args, **options) -> None:
        on = _date(options["date"]) if options["date"] else None
        dry_run = options["dry_run"]
        only = options["only"]
        if dry_run:
            self.stdout.write(_("Uji coba: tidak ada yang dikirim atau dicatat."))
        if only in (None, "reminders"):
            counts = reminders.send_due_reminders(on=on, dry_run=dry_run)
            self.stdout.write(
                _(
                    "Pengingat: %(due)d jatuh tempo, %(overdue)d terlambat, %(a90)d kerja sama 90 hari, "
                    "%(a30)d kerja sama 30 hari; %(notifications)d notifikasi."
                )
                % {
                    "due": counts.follow_up_due,
                    "overdue": counts.follow_up_overdue,
                    "a90": counts.agreement_90,
                    "a30": counts.agreement_30,
                    "notifications": counts.notifications,
                }
            )
        if only in (None, "digest"):
            digest = reminders.send_weekly_digest(on=on, dry_run=dry_run)
            self.stdout.write(
                _(
                    "Ringkasan mingguan: %(sent)d surel ke %(recipients)d penerima; "
                    "%(already)d instansi sudah menerimanya minggu ini."
                )
                % {"sent": digest.sent, "recipients": digest.recipients, "already": digest.already_sent}
            )
