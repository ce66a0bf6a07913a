"""Celery task of coordination (autodiscovered by sentra.celery; beat runs it daily when a broker is
set, `sentra digest` from cron otherwise)."""

from django.db import close_old_connections

from sentra.celery import app

from . import reminders


@app.task(bind=True, name="sentra.coordination.send_reminders_and_digest", ignore_result=True)
def send_reminders_and_digest(self) -> dict:
    """Today's reminders and this week's digest (coordination/reminders.py); each sent once."""
    # As core.tasks.run_job: a worker drops connections the database closed meanwhile; not when run
    # eagerly, where the connection belongs to the caller.
    eager = bool(self.request.is_eager)
    if not eager:
        close_old_connections()
    try:
        sent = reminders.send_due_reminders()
        digest = reminders.send_weekly_digest()
        return {"reminders": sent.reminders, "notifications": sent.notifications, "digests": digest.sent}
    finally:
        if not eager:
            close_old_connections()
