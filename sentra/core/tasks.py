"""Celery tasks (autodiscovered by sentra.celery); used only when SENTRA_BROKER_URL is set."""

from django.db import close_old_connections

from sentra.celery import app

from .jobs import job_run, jobs_sweep


@app.task(bind=True, name="sentra.core.run_job", ignore_result=True)
def run_job(self, job_id: int) -> None:
    # A worker lives for days: drop connections the database closed meanwhile, as requests do.
    # Not when run eagerly, where the connection belongs to the caller (and its transaction).
    eager = bool(self.request.is_eager)
    if not eager:
        close_old_connections()
    try:
        # The task id is the job's worker identity: the row says which Celery task runs it.
        job_run(job_id, task_id=self.request.id)
    finally:
        if not eager:
            close_old_connections()


@app.task(name="sentra.core.sweep_jobs", ignore_result=True)
def sweep_jobs() -> int:
    """End the jobs whose worker is gone (sentra.core.jobs.jobs_sweep); run by Celery beat."""
    close_old_connections()
    try:
        return len(jobs_sweep())
    finally:
        close_old_connections()
