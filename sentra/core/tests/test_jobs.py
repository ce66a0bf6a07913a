"""Background jobs on both paths: a thread of this process, and Celery (eager, broker, real worker)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from sentra.core.jobs import job_run, job_start, wait_for_jobs
from sentra.core.models import Job

# Transactional tests flush only these apps' tables, never the reference data loaded once per session.
JOB_APPS = ["sentra.core", "django.contrib.auth", "django.contrib.contenttypes"]
BROKER = "redis://127.0.0.1:6379/15"


def sample_runner(*, job, params, progress):
    for done in range(1, 4):
        progress(done, 3)
    if params.get("fail"):
        raise RuntimeError("boom")
    return {"echo": params["value"], "job": job.pk}


RUNNER = "sentra.core.tests.test_jobs.sample_runner"


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
