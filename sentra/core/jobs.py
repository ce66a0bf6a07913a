"""Background jobs: a thread of this process by default, a Celery worker when SENTRA_BROKER_URL is set.

Either way the work is a plain function named by its dotted path (so a worker can import it) with
the signature `runner(*, job, params, progress) -> dict`; its return value becomes `Job.result` and
`progress(done, total)` is what the page polls.

Jobs end, even when their worker dies. The Job row keeps the durable state (status, worker, start,
result). While a job runs, its worker publishes a heartbeat (every SENTRA_JOB_HEARTBEAT_SECONDS, from
a thread of its own, so a long write phase beats too) and its progress through the "jobs" cache
(files under SENTRA_DATA_DIR, or Redis): not through the database, because an import holds SQLite's
only write lock for its whole transaction, so a second connection could not write there until the
end. On PostgreSQL the heartbeat thread also stamps the row (its own connection, autocommit), so a
worker on another machine is seen alive without a shared cache.

Readers (the job's page and API, `sentra jobs sweep`, the Celery beat task) see the job through
`job_observe`: live progress merged in, and a job whose worker is gone — a running job whose last
heartbeat is older than SENTRA_JOB_STALE_SECONDS, or a queued one nobody started — marked FAILED
with a clear message. A dead worker wrote nothing: an import runs in one transaction, which the
database rolls back when its connection goes away.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import Job

logger = logging.getLogger(__name__)

# Runners a job may name; a job's params come from our own views, but the allowlist keeps a
# forged or stale row from importing arbitrary code in a worker.
ALLOWED_RUNNER_PREFIXES = ("sentra.",)
PROGRESS_INTERVAL_SECONDS = 0.5
# The cache alias of live job state (settings.CACHES); its entries outlive any job by far.
JOBS_CACHE = "jobs"
LIVE_TTL_SECONDS = 24 * 3600

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


def job_run(job_id: int, *, task_id: str | None = None) -> None:
    """Run one job to the end, recording success or failure; never raises.

    The job is claimed (QUEUED → RUNNING, with this worker's identity) in one conditional UPDATE, so
    two workers never run it twice and a job already ended by a reader is left alone.
    """
    now = timezone.now()
    worker = _worker_identity(task_id)
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, worker=worker, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    heartbeat = _Heartbeat(job)
    heartbeat.start()
    try:
        try:
            runner: Callable[..., dict[str, Any]] = import_string(job.params["runner"])
            result = runner(job=job, params=job.params, progress=heartbeat)
        except Exception:
            logger.exception("Job %s failed", job_id)
            Job.objects.filter(pk=job_id).update(
                status=Job.Status.FAILED,
                result={"error": _("Pekerjaan gagal karena kesalahan sistem; hubungi pengelola.")},
                finished_at=timezone.now(),
            )
            return
        # Written whatever a reader decided meanwhile: the work is done, and this is its outcome.
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.SUCCEEDED,
            result=result,
            progress=max(heartbeat.done, heartbeat.total),
            total=heartbeat.total,
            finished_at=timezone.now(),
        )
    finally:
        # Only now: the job keeps beating until its outcome is in the row.
        heartbeat.stop()


def _worker_identity(task_id: str | None) -> str:
    where = f"{socket.gethostname()}:{os.getpid()}"
    if task_id:
        return f"celery:{task_id}@{where}"[:200]
    # The nonce tells apart two runs of the same job id (a test database, a restored backup).
    return f"thread:{secrets.token_hex(4)}@{where}"[:200]


def _jobs_cache():
    from django.core.cache import caches

    return caches[JOBS_CACHE if JOBS_CACHE in settings.CACHES else "default"]


def _live_key(job_id: int, worker: str) -> str:
    return f"job:{job_id}:{worker}"


def job_live(job: Job) -> dict[str, Any] | None:
    """What the job's worker last published: {"beat": epoch seconds, "done": n, "total": n}, or None."""
    if not job.worker:
        return None
    try:
        return _jobs_cache().get(_live_key(job.pk, job.worker))
    except Exception:
        logger.warning("Job %s: live state unreadable", job.pk, exc_info=True)
        return None


def job_last_beat(job: Job, live: dict[str, Any] | None = None) -> dt.datetime:
    """The last sign of life of a running job: its latest heartbeat, in the row or in the cache."""
    live = job_live(job) if live is None else live
    moments = [moment for moment in (job.created_at, job.started_at, job.heartbeat_at) if moment]
    if live and live.get("beat"):
        moments.append(dt.datetime.fromtimestamp(float(live["beat"]), tz=dt.UTC))
    return max(moments)


class JobEnd:
    """Why a reader ended a job: a stable code and the message the user reads."""

    WORKER_LOST = "worker_lost"
    NOT_STARTED = "not_started"

    @staticmethod
    def message(code: str) -> str:
        if code == JobEnd.NOT_STARTED:
            return _(
                "Pekerjaan tidak pernah dimulai karena tidak ada proses pengolah yang menjalankannya; "
                "tidak ada data yang tersimpan. Unggah ulang berkas."
            )
        return _(
            "Pekerjaan terhenti karena proses pengolahnya berhenti; tidak ada data yang tersimpan. "
            "Unggah ulang berkas."
        )


def _abandoned(job: Job, live: dict[str, Any] | None, now: dt.datetime) -> str | None:
    if job.status == Job.Status.RUNNING:
        if now - job_last_beat(job, live) > dt.timedelta(seconds=settings.SENTRA_JOB_STALE_SECONDS):
            return JobEnd.WORKER_LOST
    elif job.status == Job.Status.QUEUED:
        # Without a broker the thread starts as the request commits; a Celery job may wait its turn.
        bound = settings.SENTRA_JOB_STALE_SECONDS
        if settings.SENTRA_BROKER_URL:
            bound = settings.SENTRA_JOB_QUEUE_SECONDS
        if now - job.created_at > dt.timedelta(seconds=bound):
            return JobEnd.NOT_STARTED
    return None


def job_observe(job: Job) -> Job:
    """The job as a reader must see it, for the page, the API and the sweep.

    A running job gets its live progress (from the jobs cache); a job whose worker is gone is
    ended here: FAILED, with a message and a code, so its page stops polling. The UPDATE is
    conditional on the state read, so a worker that was alive after all (a new heartbeat in the
    row, or it claimed the queued job meanwhile) is not overruled.
    """
    if job.is_finished:
        return job
    live = job_live(job)
    if live:
        job.progress, job.total = int(live.get("done") or 0), int(live.get("total") or 0)
    now = timezone.now()
    code = _abandoned(job, live, now)
    if code is None:
        return job
    result = {"error": JobEnd.message(code), "code": code}
    try:
        ended = Job.objects.filter(pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at).update(
            status=Job.Status.FAILED, result=result, finished_at=now
        )
    except DatabaseError:
        # SQLite: another import holds the write lock. The reader still sees the job as it is;
        # the next reader records it.
        logger.warning("Job %s: could not record its end yet", job.pk, exc_info=True)
        ended = 0
        job.status, job.result, job.finished_at = Job.Status.FAILED, result, now
        return job
    if not ended:
        job.refresh_from_db()
        return job
    logger.warning("Job %s ended by a reader: %s (worker %s)", job.pk, code, job.worker or "-")
    job.status, job.result, job.finished_at = Job.Status.FAILED, result, now
    if job.worker:
        try:
            _jobs_cache().delete(_live_key(job.pk, job.worker))
        except Exception:
            logger.warning("Job %s: live state not deleted", job.pk, exc_info=True)
    return job


def jobs_sweep() -> list[Job]:
    """End every job whose worker is gone (`job_observe` on each unfinished job); returns those ended."""
    ended = []
    for job in Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).order_by("pk"):
        if job_observe(job).status == Job.Status.FAILED:
            ended.append(job)
    return ended


class _Heartbeat:
    """A running job's sign of life and its progress, published through the jobs cache.

    Called as `progress(done, total)` by the runner (published at most twice a second, and at the
    end); a thread of its own publishes every SENTRA_JOB_HEARTBEAT_SECONDS whatever the runner is
    doing. On PostgreSQL that thread also stamps the row through its own autocommit connection.
    """

    def __init__(self, job: Job) -> None:
        self.job_id = job.pk
        self.key = _live_key(job.pk, job.worker)
        self.done = self.total = 0
        self._lock = threading.Lock()
        self._last_progress = float("-inf")  # the first report is published at once
        self._stop = threading.Event()
        self._stamp_row = connection.vendor != "sqlite"
        self._thread = threading.Thread(target=self._beat, name=f"sentra-job-{job.pk}-heartbeat", daemon=True)

    def start(self) -> None:
        self._publish()
        self._thread.start()

    def __call__(self, done: int, total: int) -> None:
        with self._lock:
            self.done, self.total = done, total
        now = time.monotonic()
        if now - self._last_progress < PROGRESS_INTERVAL_SECONDS and done < total:
            return
        self._last_progress = now
        self._publish()

    def _publish(self) -> None:
        with self._lock:
            state = {"beat": time.time(), "done": self.done, "total": self.total}
        try:
            _jobs_cache().set(self.key, state, LIVE_TTL_SECONDS)
        except Exception:
            logger.warning("Job %s: heartbeat not published", self.job_id, exc_info=True)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(settings.SENTRA_JOB_HEARTBEAT_SECONDS):
                self._publish()
                if self._stamp_row:
                    self._stamp()
        finally:
            # This thread's own connection (Django's connections are per thread).
            connections.close_all()

    def _stamp(self) -> None:
        try:
            Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(
                heartbeat_at=timezone.now(), progress=self.done, total=self.total
            )
        except DatabaseError:
            logger.warning("Job %s: heartbeat not stamped in the row", self.job_id, exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        try:
            _jobs_cache().delete(self.key)
        except Exception:
            logger.warning("Job %s: live state not deleted", self.job_id, exc_info=True)
