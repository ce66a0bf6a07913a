"""`sentra jobs sweep`: end the background jobs whose worker is gone (for cron; Celery beat runs the
same sweep every minute when a broker is configured)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from sentra.core.jobs import jobs_sweep


class Command(BaseCommand):
    help = "Pekerjaan latar: akhiri pekerjaan yang proses pengolahnya berhenti."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "sweep",
            help="Tandai gagal pekerjaan yang tanda hidupnya terlalu lama atau tidak pernah dimulai.",
        )

    def handle(self, *args, action: str, **options) -> None:
        ended = jobs_sweep()
        for job in ended:
            self.stdout.write(f"{job.pk}\t{job.kind}\t{job.result.get('code', '')}")
        self.stderr.write(_("%(n)d pekerjaan diakhiri.") % {"n": len(ended)})
