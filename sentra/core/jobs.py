"""Background jobs: a thread of this process by default, a Celery worker when SENTRA_BROKER_URL is set.

Either way the work is a plain function named by its dotted path (so a worker can import it) with
the signature `runner(*, job, params, progress) -> dict`; its return value becomes `Job.result` and
`progress(done, total)` is what the page polls.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import Job

logger = logging.getLogger(__name__)

# Runners a job may name; a job's params come from our own views, but the allowlist keeps a
# forged or stale row from importing arbitrary code in a worker.
ALLOWED_RUNNER_PREFIXES = ("sentra.",)
PROGRESS_INTERVAL_SECONDS = 0.5

_threads: list[threading.Thread] = []


def job_start(*, kind: str, runner: str, params: dict[str, Any], user: Any = None) -> Job:
    """Record a job and start it after the current transaction commits; returns at once."""
    if not runner.startswith(ALLOWED_RUNNER_PREFIXES):
        raise ValueError(f"Runner {runner!r} is not allowed")
    job = Job.objects.create(
        kind=kind,
        params={**params, "runner": runner},
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if settings.SENTRA_BROKER_URL:
        transaction.on_commit(lambda: _dispatch_to_celery(job.pk))
    else:
        transaction.on_commit(lambda: _start_thread(job.pk))
    return job


def job_actor(job: Job, *, channel: str):
    """The Actor a job runs as: rebuilt from the user who started it, in the thread or on a Celery
    worker alike, so a job has exactly that user's rights (role, region, agency) at the time it runs.
    AccessDenied when the job has no user (or the user was deactivated since)."""
    from sentra.accounts.scope import actor_for_user
    from sentra.core.errors import AccessDenied

    user = job.created_by
    if user is None or not user.is_active:
        raise AccessDenied(_("Pekerjaan ini tidak memiliki pengguna aktif; unggah ulang setelah masuk."))
    return actor_for_user(user, channel=channel)


def _dispatch_to_celery(job_id: int) -> None:
    from sentra.celery import app

    from .tasks import run_job

    if app.conf.task_always_eager:
        run_job.apply(args=[job_id])
        return
    # The URL is read here rather than when the Celery app was configured, so the setting (and a
    # test's override of it) always decides where the message goes.
    with app.connection_for_write(url=settings.SENTRA_BROKER_URL) as conn:
        run_job.apply_async(args=[job_id], connection=conn)


def _start_thread(job_id: int) -> None:
    thread = threading.Thread(target=_thread_main, args=(job_id,), name=f"sentra-job-{job_id}", daemon=True)
    _threads[:] = [t for t in _threads if t.is_alive()]
    _threads.append(thread)
    thread.start()


def _thread_main(job_id: int) -> None:
    try:
        job_run(job_id)
    finally:
        # A thread gets its own connections; leaving them open leaks one per job.
        connections.close_all()


def wait_for_jobs(timeout: float | None = None) -> None:
    """Join the in-process job threads (tests, and a clean shutdown)."""
    for thread in list(_threads):
        thread.join(timeout)


def job_run(job_id: int) -> None:
    """Run one job to the end, recording success or failure; never raises."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.status != Job.Status.QUEUED:
        return
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING)
    reporter = _ProgressReporter(job_id)
    try:
        runner: Callable[..., dict[str, Any]] = import_string(job.params["runner"])
        result = runner(job=job, params=job.params, progress=reporter)
    except Exception:
        logger.exception("Job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED,
            result={"error": _("Pekerjaan gagal karena kesalahan sistem; hubungi pengelola.")},
            finished_at=timezone.now(),
        )
        return
    finally:
        reporter.close()
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.SUCCEEDED,
        result=result,
        progress=max(reporter.last_done, reporter.last_total),
        total=reporter.last_total,
        finished_at=timezone.now(),
    )


class _ProgressReporter:
    """Writes progress at most twice a second.

    The import writes inside one long transaction; progress written on that same connection would
    stay invisible until the end. So on PostgreSQL progress goes through a second, autocommit
    connection. SQLite allows one writer at a time, so there progress is only written outside the
    import's transaction (the bar then waits at the end of validation while rows are written).
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last_done = self.last_total = 0
        self._last_write = 0.0
        self._side = None

    def __call__(self, done: int, total: int) -> None:
        self.last_done, self.last_total = done, total
        now = time.monotonic()
        if now - self._last_write < PROGRESS_INTERVAL_SECONDS and done < total:
            return
        self._last_write = now
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job_id).update(progress=done, total=total)
        elif connection.vendor == "postgresql":
            if self._side is None:
                self._side = connections.create_connection("default")
            with self._side.cursor() as cursor:
                # The table name is the model's own and every value is a parameter (bandit B608).
                sql = f"UPDATE {Job._meta.db_table} SET progress = %s, total = %s WHERE id = %s"  # nosec B608
                cursor.execute(sql, [done, total, self.job_id])

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
