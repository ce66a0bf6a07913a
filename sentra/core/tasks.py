"""Celery tasks (autodiscovered by sentra.celery); used only when SENTRA_BROKER_URL is set."""

from django.db import close_old_connections

from sentra.celery import app

from .jobs import job_run


@app.task(bind=True, name="sentra.core.run_job", ignore_result=True)
def run_job(self, job_id: int) -> None:
    # A worker lives for days: drop connections the database closed meanwhile, as requests do.
    # Not when run eagerly, where the connection belongs to the caller (and its transaction).
    eager = bool(self.request.is_eager)
    if not eager:
        close_old_connections()
    try:
        job_run(job_id)
    finally:
        if not eager:
            close_old_connections()
