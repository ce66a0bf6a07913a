"""`sentra rebuild-topics`: bring the stored topic of every activity (analytics.ActivityTopic, what the
overlap check filters on in SQL) up to date. Every save keeps it current; this is for after a bulk load
outside Sentra's services (raw SQL, a restored dump) or a change of analytics/normalise.py. Only the
missing and out-of-date topics are written; a second run writes nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from sentra.analytics import overlaps


class Command(BaseCommand):
    help = "Perbarui topik tersimpan kegiatan (pemeriksaan tumpang tindih) yang belum ada atau usang."

    def handle(self, *args, **options) -> None:
        written = overlaps.rebuild_topics()
        self.stdout.write(_("Topik kegiatan diperbarui: %(n)d.") % {"n": written})
