"""Celery task of facilitators (autodiscovered by sentra.celery; beat runs it daily when a broker is
set, `sentra notify-contracts` from cron otherwise)."""

from django.db import close_old_connections

from sentra.celery import app

from . import expiry


@app.task(bind=True, name="sentra.facilitators.notify_expiring_contracts", ignore_result=True)
def notify_expiring_contracts(self) -> dict:
    """Today's 60/30-day notices of contracts ending (facilitators/expiry.py); each sent once."""
    eager = bool(self.request.is_eager)
    if not eager:
        close_old_connections()
    try:
        counts = expiry.notify_expiring_contracts()
        return {"notices": counts.notices, "notifications": counts.notifications}
    finally:
        if not eager:
            close_old_connections()
