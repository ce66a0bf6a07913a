"""Celery app, used only when SENTRA_BROKER_URL is set (see sentra.core.jobs)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sentra.settings")

app = Celery("sentra")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["sentra.core", "sentra.coordination", "sentra.facilitators", "sentra.analytics"])

# `celery -A sentra beat`: end the jobs whose worker died (a heartbeat older than
# SENTRA_JOB_STALE_SECONDS), also when nobody opens their page. Without a broker, run
# `sentra jobs sweep` from cron instead.
# Coordination's reminders and weekly digest once a day at 07:00 WIB (crontab reads the app's
# timezone, Django's TIME_ZONE Asia/Jakarta); each is sent once however often it runs. Without a
# broker, `sentra digest` from cron.
app.conf.beat_schedule = {
    "sentra-jobs-sweep": {"task": "sentra.core.sweep_jobs", "schedule": 60.0},
    "sentra-coordination-reminders": {
        "task": "sentra.coordination.send_reminders_and_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    # Facilitators' contracts ending in 60 and 30 days (facilitators/expiry.py), each notice once.
    # Without a broker, `sentra notify-contracts` from cron.
    "sentra-facilitators-contract-notices": {
        "task": "sentra.facilitators.notify_expiring_contracts",
        "schedule": crontab(hour=7, minute=5),
    },
    # The year's registry snapshot for shift-share (analytics/snapshots.py), on 31 December at 23:30 WIB,
    # replacing one taken earlier that year. Without a broker, `sentra snapshot-registry --replace` from cron.
    "sentra-analytics-registry-snapshot": {
        "task": "sentra.analytics.snapshot_registry",
        "schedule": crontab(month_of_year=12, day_of_month=31, hour=23, minute=30),
    },
}
