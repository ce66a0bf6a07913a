"""Background jobs on both paths: a thread of this process, and Celery (eager, broker, real worker).

Jobs end: a running job beats (a heartbeat published through the jobs cache, from a thread of its
own) and publishes its progress there, where another connection reads it even while the job holds
SQLite's only write lock; a reader ends a job whose worker is gone. The server-crash test with a real
kill -9 is sentra/web/tests/test_import_job_crash.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from sentra.core.jobs import (
    _Heartbeat,
    job_last_beat,
    job_live,
    job_observe,
    job_run,
    job_start,
    jobs_sweep,
    wait_for_jobs,
)
from sentra.core.models import Job

# Transactional tests flush only these apps' tables, never the reference data loaded once per session.
JOB_APPS = ["sentra.core", "django.contrib.auth", "django.contrib.contenttypes"]
BROKER = "redis://127.0.0.1:6379/15"


@pytest.fixture(autouse=True)
def _own_jobs_cache(settings, tmp_path):
    """Each test reads and writes live job state in a cache of its own (never another run's entries)."""
    settings.CACHES = {
        **settings.CACHES,
        "jobs": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "jobs-cache"),
        },
    }


def sample_runner(*, job, params, progress):
    for done in range(1, 4):
        progress(done, 3)
    if params.get("fail"):
        raise RuntimeError("boom")
    return {"echo": params["value"], "job": job.pk}


RUNNER = "sentra.core.tests.test_jobs.sample_runner"

WORKER_LOST = (
    "Pekerjaan terhenti karena proses pengolahnya berhenti; tidak ada data yang tersimpan. "
    "Unggah ulang berkas."
)
NOT_STARTED = (
    "Pekerjaan tidak pernah dimulai karena tidak ada proses pengolah yang menjalankannya; "
    "tidak ada data yang tersimpan. Unggah ulang berkas."
)
WAIT = 30  # seconds, a safety limit on waiting for another thread; never a measured duration


class Holding:
    """A runner's rendezvous with the test: the runner says where it stands and waits to be let go."""

    reported = threading.Event()
    release = threading.Event()

    @classmethod
    def reset(cls) -> None:
        cls.reported.clear()
        cls.release.clear()


def holding_runner(*, job, params, progress):
    """Like an import: everything in one transaction that has written (on SQLite it now holds the only
    write lock), progress reported inside it, then more work until the test lets it go."""
    from django.contrib.auth.models import Group

    with transaction.atomic():
        Group.objects.create(name=f"impor-{job.pk}")
        progress(2, 4)
        Holding.reported.set()
        assert Holding.release.wait(WAIT)
    return {"done": True}


HOLDING = "sentra.core.tests.test_jobs.holding_runner"


def running_job(worker: str = "thread:0000@host:1", **fields) -> Job:
    """A job as a worker leaves it while running: claimed, stamped, beating."""
    from django.utils import timezone

    now = timezone.now()
    return Job.objects.create(
        kind="test",
        status=Job.Status.RUNNING,
        worker=worker,
        started_at=fields.pop("started_at", now),
        heartbeat_at=fields.pop("heartbeat_at", now),
        params={"runner": RUNNER},
        **fields,
    )


@pytest.mark.django_db(transaction=True, available_apps=JOB_APPS)
def test_in_process_thread_runs_the_job_and_records_the_result(settings):
    settings.SENTRA_BROKER_URL = ""
    job = job_start(kind="test", runner=RUNNER, params={"value": 42})
    wait_for_jobs(timeout=30)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"echo": 42, "job": job.pk}
    assert (job.progress, job.total, job.percent) == (3, 3, 100)
    assert job.finished_at is not None


@pytest.mark.django_db(transaction=True, available_apps=JOB_APPS)
def test_a_failing_job_is_marked_failed_with_a_message_not_a_traceback(settings):
    settings.SENTRA_BROKER_URL = ""
    job = job_start(kind="test", runner=RUNNER, params={"value": 1, "fail": True})
    wait_for_jobs(timeout=30)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "boom" not in json.dumps(job.result) and job.result["error"]


def test_runner_outside_the_project_is_refused(db):
    with pytest.raises(ValueError):
        job_start(kind="test", runner="os.system", params={})


def test_job_run_ignores_a_job_that_already_ran(db):
    job = Job.objects.create(kind="test", status=Job.Status.SUCCEEDED, params={"runner": RUNNER})
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result == {}


def test_celery_eager_path(db, settings, django_capture_on_commit_callbacks):
    from sentra.celery import app

    settings.SENTRA_BROKER_URL = BROKER
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(kind="test", runner=RUNNER, params={"value": "eager"})
    finally:
        app.conf.task_always_eager = False
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result["echo"] == "eager"


def _redis():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(BROKER)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {BROKER}")
    return client


def test_with_a_broker_the_job_is_sent_to_redis(db, settings, django_capture_on_commit_callbacks):
    client = _redis()
    client.delete("celery")
    settings.SENTRA_BROKER_URL = BROKER
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(kind="test", runner=RUNNER, params={"value": "queued"})
        messages = client.lrange("celery", 0, -1)
        assert len(messages) == 1
        envelope = json.loads(messages[0])
        assert envelope["headers"]["task"] == "sentra.core.run_job"
        assert f"[[{job.pk}]" in envelope["body"] or str(job.pk) in _body(envelope)
        job.refresh_from_db()
        assert job.status == Job.Status.QUEUED
    finally:
        client.delete("celery")


def _body(envelope) -> str:
    import base64

    return base64.b64decode(envelope["body"]).decode()


@pytest.mark.django_db(transaction=True, available_apps=JOB_APPS)
def test_a_real_celery_worker_runs_the_job(settings):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot see SQLite's in-memory test database; run with DATABASE_URL")
    client = _redis()
    client.delete("celery")
    settings.SENTRA_BROKER_URL = BROKER
    db = connection.settings_dict
    env = {
        **os.environ,
        "SENTRA_BROKER_URL": BROKER,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    celery = Path(sys.executable).with_name("celery")
    worker = subprocess.Popen(
        [str(celery), "-A", "sentra", "worker", "--pool=solo", "--concurrency=1", "--loglevel=WARNING"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        job = job_start(kind="test", runner=RUNNER, params={"value": "worker"})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.3)
        assert job.status == Job.Status.SUCCEEDED, worker.stderr and job.status
        assert job.result["echo"] == "worker"
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        client.delete("celery")


# ---------------------------------------------------------------------------------------------------
# Jobs end: heartbeat, live progress, and the reader that ends a job whose worker is gone


@pytest.mark.django_db(transaction=True, available_apps=JOB_APPS)
def test_progress_reported_inside_the_runners_transaction_is_seen_by_another_connection(settings):
    """On SQLite an import holds the only write lock for its whole transaction: progress written to the
    database from anywhere would wait for the end. Through the jobs cache the page sees it move."""
    settings.SENTRA_BROKER_URL = ""
    Holding.reset()
    job = job_start(kind="test", runner=HOLDING, params={})
    try:
        assert Holding.reported.wait(WAIT), "the runner never reported progress"
        # This thread has its own database connection; the runner's transaction is still open.
        seen = job_observe(Job.objects.get(pk=job.pk))
        assert seen.status == Job.Status.RUNNING
        assert (seen.progress, seen.total, seen.percent) == (2, 4, 50)
    finally:
        Holding.release.set()
        wait_for_jobs(timeout=WAIT)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result == {"done": True}
    assert job.worker.startswith("thread:") and job.started_at is not None
    assert job_live(job) is None  # the live state goes with the job


@pytest.mark.django_db(transaction=True, available_apps=JOB_APPS)
def test_a_running_job_beats_on_its_own_while_the_runner_works(settings):
    """The heartbeat comes from a thread of its own: a long phase that reports nothing still beats."""
    settings.SENTRA_BROKER_URL = ""
    settings.SENTRA_JOB_HEARTBEAT_SECONDS = 0.01
    Holding.reset()
    job = job_start(kind="test", runner=HOLDING, params={})
    try:
        assert Holding.reported.wait(WAIT)
        job.refresh_from_db()
        first = job_live(job)["beat"]
        stamped = job.heartbeat_at
        deadline = time.monotonic() + WAIT
        while job_live(job)["beat"] == first:
            assert time.monotonic() < deadline, "no heartbeat while the runner worked"
            time.sleep(0.01)
        if connection.vendor == "postgresql":
            # Also in the row (its own autocommit connection), for workers on other machines.
            while Job.objects.get(pk=job.pk).heartbeat_at == stamped:
                assert time.monotonic() < deadline, "the heartbeat never reached the row"
                time.sleep(0.01)
    finally:
        Holding.release.set()
        wait_for_jobs(timeout=WAIT)


def test_a_job_whose_worker_stopped_beating_is_failed_by_the_next_reader(db, settings, time_machine):
    settings.SENTRA_JOB_STALE_SECONDS = 60
    job = running_job(total=0)
    _Heartbeat(job)(40, 100)  # the worker's last publication, then it died (no heartbeat thread)
    last = job_last_beat(job)

    time_machine.move_to(last + dt.timedelta(seconds=59), tick=False)
    seen = job_observe(Job.objects.get(pk=job.pk))
    assert seen.status == Job.Status.RUNNING and (seen.progress, seen.total) == (40, 100)

    time_machine.move_to(last + dt.timedelta(seconds=61), tick=False)
    seen = job_observe(Job.objects.get(pk=job.pk))
    assert seen.status == Job.Status.FAILED and seen.is_finished
    assert seen.result == {"error": WORKER_LOST, "code": "worker_lost"}
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.result["code"] == "worker_lost"
    assert job.finished_at is not None
    assert job_live(job) is None


def test_a_fresh_heartbeat_in_the_cache_keeps_a_long_job_alive(db, settings, time_machine):
    """On SQLite the row keeps the start time for the whole write phase; the cache says it lives."""
    from django.utils import timezone

    settings.SENTRA_JOB_STALE_SECONDS = 60
    started = timezone.now() - dt.timedelta(hours=2)
    job = running_job(started_at=started, heartbeat_at=started)
    Job.objects.filter(pk=job.pk).update(created_at=started)
    _Heartbeat(job)(10, 20)
    assert job_observe(Job.objects.get(pk=job.pk)).status == Job.Status.RUNNING
    assert jobs_sweep() == []


def test_a_queued_job_nobody_started_ends_with_a_message(db, settings, time_machine):
    settings.SENTRA_JOB_STALE_SECONDS = 60
    settings.SENTRA_JOB_QUEUE_SECONDS = 3600
    job = Job.objects.create(kind="test", params={"runner": RUNNER, "value": 1})

    # Without a broker the thread starts as the request commits: the stale bound applies.
    settings.SENTRA_BROKER_URL = ""
    time_machine.move_to(job.created_at + dt.timedelta(seconds=59), tick=False)
    assert job_observe(Job.objects.get(pk=job.pk)).status == Job.Status.QUEUED
    # With a broker a job may wait its turn behind others, up to SENTRA_JOB_QUEUE_SECONDS.
    settings.SENTRA_BROKER_URL = BROKER
    time_machine.move_to(job.created_at + dt.timedelta(seconds=3599), tick=False)
    assert job_observe(Job.objects.get(pk=job.pk)).status == Job.Status.QUEUED
    time_machine.move_to(job.created_at + dt.timedelta(seconds=3601), tick=False)
    seen = job_observe(Job.objects.get(pk=job.pk))
    assert seen.status == Job.Status.FAILED
    assert seen.result == {"error": NOT_STARTED, "code": "not_started"}

    # A worker that picks it up after all leaves it ended.
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.result["code"] == "not_started"


def test_sweep_command_ends_every_job_whose_worker_is_gone(db, settings, time_machine, capsys):
    settings.SENTRA_JOB_STALE_SECONDS = 60
    dead = running_job()
    alive = running_job(worker="thread:1111@host:2")
    finished = Job.objects.create(kind="test", status=Job.Status.SUCCEEDED, params={"runner": RUNNER})
    time_machine.move_to(dead.heartbeat_at + dt.timedelta(seconds=120), tick=False)
    _Heartbeat(alive)(1, 2)  # published now: this one still lives

    call_command("jobs", "sweep")

    assert capsys.readouterr().out.split() == [str(dead.pk), "test", "worker_lost"]
    states = dict(Job.objects.values_list("pk", "status"))
    assert states == {dead.pk: "failed", alive.pk: "running", finished.pk: "succeeded"}


def test_celery_beat_runs_the_sweep():
    from sentra.celery import app
    from sentra.core.tasks import sweep_jobs

    assert sweep_jobs.name in {entry["task"] for entry in app.conf.beat_schedule.values()}
