"""Celery app, used only when SENTRA_BROKER_URL is set (see sentra.core.jobs)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sentra.settings")

app = Celery("sentra")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["sentra.core"])

# `celery -A sentra beat`: end the jobs whose worker died (a heartbeat older than
# SENTRA_JOB_STALE_SECONDS), also when nobody opens their page. Without a broker, run
# `sentra jobs sweep` from cron instead.
app.conf.beat_schedule = {
    "sentra-jobs-sweep": {"task": "sentra.core.sweep_jobs", "schedule": 60.0},
}
