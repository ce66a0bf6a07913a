"""Fault test: the server running an import job is killed (SIGKILL) mid-import; the job ends.

A web server runs a background import in a thread of its own process. Here that process is
`sentra shell`, which starts the job exactly as the upload page does (core.import_kinds.import_upload,
thread mode) and waits for it. While the import writes, its progress moves where another process can
read it (the jobs cache, here files under the subprocess's SENTRA_DATA_DIR): the test follows it
there and sends SIGKILL once at least half of the rows are checked and written in the import's one
transaction. Then, like the page polling it:

- within SENTRA_JOB_STALE_SECONDS of the last heartbeat the job still reads "running" and the page
  keeps polling (a dead worker cannot be told from a slow one sooner);
- past that bound, reading the job (the page, the API) ends it: FAILED with a clear message and a
  code, the page stops polling, and nothing of the import was written.

The clock is moved (time-machine) instead of waiting. Like sentra/registry/tests/test_import_kill.py,
on SQLite the in-memory test database is copied to a file the subprocess writes to, and copied back
after the kill so that the pages read what the dead server left; on PostgreSQL the subprocess writes
to the test database itself.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess  # nosec B404: runs this project's own `sentra` command with fixed arguments
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.agencies.models import Agency
from sentra.audit.models import AuditBatch, AuditEvent
from sentra.core.jobs import job_last_beat, job_live
from sentra.core.models import Job
from sentra.registry.models import Enterprise
from sentra.registry.tests.test_import_kill import APP_NAME, DEADLINE, ROWS, Target, wait_until, write_csv

CRASH_APPS = [
    "sentra.core",
    "sentra.accounts",
    "sentra.audit",
    "sentra.agencies",
    "sentra.registry",
    "sentra.web",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
]
USERNAME = "pengimpor_terhenti"
WORKER_LOST = (
    "Pekerjaan terhenti karena proses pengolahnya berhenti; tidak ada data yang tersimpan. "
    "Unggah ulang berkas."
)

# The "server": starts the import job as the upload page does, then keeps the process alive for it.
# Progress is published at every report of the engine (every core.imports.PROGRESS_EVERY rows) so
# that the test sees the write phase; the production throttle is only about write frequency.
SERVER = """
from django.contrib.auth import get_user_model
from django.core.files import File

import sentra.core.jobs as jobs
from sentra.accounts.scope import Channel, actor_for_user
from sentra.core.import_kinds import import_upload

jobs.PROGRESS_INTERVAL_SECONDS = 0
user = get_user_model().objects.get(username={username!r})
with open({source!r}, "rb") as handle:
    job = import_upload(
        kind="enterprises",
        upload=File(handle, name="ikm.csv"),
        commit=True,
        actor=actor_for_user(user, channel=Channel.IMPORT),
        user=user,
    )
print("JOB", job.pk, flush=True)
jobs.wait_for_jobs()
"""


def start_server(target: Target, tmp_path: Path, source: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": target.url,
        "SENTRA_DATA_DIR": str(tmp_path),
        "SENTRA_BROKER_URL": "",  # thread mode, as a server without a broker
        "SENTRA_CACHE_URL": "",
        "SENTRA_IMPORT_BACKGROUND_BYTES": "1",
        "PGAPPNAME": APP_NAME,
        "PYTHONUNBUFFERED": "1",
    }
    code = SERVER.format(username=USERNAME, source=str(source))
    command = [str(Path(sys.executable).with_name("sentra")), "shell", "-c", code]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # nosec B603


def job_id_from(process: subprocess.Popen) -> int:
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith(b"JOB "):
            return int(line.split()[1])
    raise AssertionError(f"the server never started the job: {process.stderr.read()[-2000:]!r}")


def kill_while_writing(process: subprocess.Popen, target: Target, job_id: int) -> int:
    """Follow the job's live progress, read as the page reads it, and SIGKILL the server once at least
    half of the rows are checked and written in the open transaction; returns the progress seen."""
    deadline = time.monotonic() + DEADLINE
    while True:
        assert process.poll() is None, f"the server ended before it was killed: {process.stderr.read()!r}"
        assert time.monotonic() < deadline, "the import never reached its write phase"
        worker = target.scalar(f"SELECT worker FROM {Job._meta.db_table} WHERE id = {int(job_id)}")
        live = job_live(Job(pk=job_id, worker=worker or "")) if worker else None
        if live and ROWS // 2 <= live["done"] < ROWS and target.writing():
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=DEADLINE) == -signal.SIGKILL
    return live["done"]


@pytest.mark.django_db(transaction=True, available_apps=CRASH_APPS)
def test_a_job_whose_server_was_killed_mid_import_ends_failed_and_its_page_stops_polling(
    tmp_path, settings, client, time_machine
):
    settings.SENTRA_BROKER_URL = ""
    settings.SENTRA_JOB_STALE_SECONDS = 60
    # Read the live state where the server writes it (its SENTRA_DATA_DIR).
    settings.CACHES = {
        **settings.CACHES,
        "jobs": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache" / "jobs"),
        },
    }
    user = persona(Role.MINISTRY_ADMIN, username=USERNAME)
    source = tmp_path / "ikm.csv"
    write_csv(source)
    target = Target(tmp_path)
    agencies = target.count(Agency)

    process = start_server(target, tmp_path, source)
    try:
        job_id = job_id_from(process)
        reached = kill_while_writing(process, target, job_id)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
    assert ROWS // 2 <= reached < ROWS  # progress moved during the run, seen from another process
    wait_until(lambda: not target.command_connected(), "the killed server's connection to go away")
    if target.vendor == "sqlite":
        # Read what the dead server left through this process's pages.
        with sqlite3.connect(target.file) as left:
            left.backup(connection.connection)
        left.close()

    job = Job.objects.get(pk=job_id)
    assert job.status == Job.Status.RUNNING and job.worker.startswith("thread:")
    last = job_last_beat(job)
    page = reverse("web:import_job", kwargs={"job_id": job_id})
    api = f"/api/v1/imports/jobs/{job_id}"

    # Within the bound: a dead worker cannot be told from a slow one yet; the page keeps polling.
    time_machine.move_to(last + dt.timedelta(seconds=59), tick=False)
    client.force_login(user)  # on the moved clock (the server ran on the real one)
    assert 'hx-trigger="every 1s"' in client.get(page, HTTP_HX_REQUEST="true").content.decode()
    assert client.get(api).json()["status"] == "running"

    # Past it: the next reader ends the job, with a message, and the page stops polling.
    time_machine.move_to(last + dt.timedelta(seconds=61), tick=False)
    fragment = client.get(page, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "hx-get" not in fragment
    assert WORKER_LOST in fragment
    body = client.get(api).json()
    assert (body["status"], body["finished"], body["error"], body["error_code"]) == (
        "failed",
        True,
        WORKER_LOST,
        "worker_lost",
    )
    assert WORKER_LOST in client.get(page).content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None

    # The import ran in one transaction: nothing of it was written.
    assert Enterprise.objects.count() == 0
    assert AuditBatch.objects.count() == 0 and AuditEvent.objects.count() == 0
    assert Agency.objects.count() == agencies
