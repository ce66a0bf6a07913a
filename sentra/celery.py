"""Celery app, used only when SENTRA_BROKER_URL is set (see sentra.core.jobs)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sentra.settings")

app = Celery("sentra")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["sentra.core"])
