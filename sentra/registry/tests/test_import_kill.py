"""Fault test: an import killed with SIGKILL in its write phase leaves nothing behind.

`sentra import enterprises FILE --commit --as-system` runs as a separate process against the test
database. Once it is well into its write phase (more than a third of the rows sent to the database,
inside the one write transaction of core.imports.run_import), it receives SIGKILL: no Python cleanup,
no rollback by Django. The database alone must then show that nothing happened: no enterprise, no
audit batch or event, no new agency, no job left running, and the lock released. The same file is
then imported again and every row is there exactly once.

How the write phase is seen, without sleeping and without any hook in the production code:

- the command's own progress bar (stderr): the enterprise import reads the file once
  (core.imports one pass) and counts each batch of rows before checking and writing it, so a count
  of N/2 means at least two batches (core.imports.ONE_PASS_BATCH rows each) have been written
  (executemany/COPY every registry.imports.BATCH_SIZE rows) inside the one transaction;
- the database confirms that a write transaction is open at that moment: on PostgreSQL the
  command's backend (found by its application_name) has a transaction id and holds a
  RowExclusiveLock on the enterprise table, i.e. it has inserted enterprises; on SQLite another
  connection's `BEGIN IMMEDIATE` fails with "database is locked".

A subprocess cannot see pytest-django's in-memory SQLite test database, so on SQLite the test copies
it (reference data included) to a file with SQLite's online backup API and runs the command against
that file; every check reads the same file. On PostgreSQL the command connects to the test database
itself (the test is transactional, so the reference data and the command's commits are visible).
"""

from __future__ import annotations

import csv
import os
import re
import select
import signal
import sqlite3
import subprocess  # nosec B404: runs this project's own `sentra` command with fixed arguments
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from sentra.agencies.models import Agency
from sentra.audit.models import AuditBatch, AuditEvent
from sentra.core.import_kinds import import_schema
from sentra.core.imports import ONE_PASS_BATCH
from sentra.core.models import Job
from sentra.regions.models import Kbli, Region
from sentra.registry.imports import BATCH_SIZE
from sentra.registry.models import Enterprise

ROWS = 12_000  # the kill lands after 4,000 written rows, with 6,000 (seconds of work) still to go
APP_NAME = "sentra_import_kill_test"
DEADLINE = 90  # seconds, a generous limit for each wait; the whole test takes far less

# Transactional test: flush only these apps' tables afterwards, never the session's reference data.
KILL_APPS = [
    "sentra.core",
    "sentra.accounts",
    "sentra.audit",
    "sentra.agencies",
    "sentra.registry",
    "django.contrib.auth",
    "django.contrib.contenttypes",
]

PROGRESS = re.compile(rb"(\d+)/(\d+) \[")


def write_csv(path: Path) -> None:
    """ROWS valid, distinct enterprises (unique NIB) in real villages with real KBLI 2020 codes."""
    villages = list(
        Region.objects.filter(level=Region.Level.VILLAGE)
        .order_by("code")
        .values_list("code", flat=True)[:500]
    )
    kbli = list(
        Kbli.objects.filter(level=5, code__gte="10", code__lt="34")  # manufacturing (section C)
        .order_by("code")
        .values_list("code", flat=True)[:200]
    )
    assert len(villages) == 500 and len(kbli) == 200
    columns = [c.key for c in import_schema("enterprises").columns]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        for n in range(ROWS):
            writer.writerow(
                {
                    "nama_usaha": f"UD Uji Henti {n}",
                    "nama_pemilik": f"Pemilik {n}",
                    "nib": str(9_130_000_000_000 + n),
                    "kbli": kbli[n % len(kbli)],
                    "kode_wilayah": villages[n % len(villages)],
                    "alamat": f"Jl. Uji No. {n}",
                    "tenaga_kerja": str(1 + n % 40),
                    "investasi": str(10_000_000 * (1 + n % 50)),
                    "tahun_mulai": str(1990 + n % 30),
                    "status": "Aktif",
                }
            )


class Target:
    """The database the command writes to, and SQL counts read from it (committed data only)."""

    def __init__(self, tmp_path: Path) -> None:
        self.vendor = connection.vendor
        settings = connection.settings_dict
        if self.vendor == "sqlite":
            self.file = tmp_path / "kill.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(self.file) as copy:
                connection.connection.backup(copy)
            copy.close()
            self.url = f"sqlite:///{self.file}"
        elif self.vendor == "postgresql":
            password = f":{quote(settings['PASSWORD'], safe='')}" if settings.get("PASSWORD") else ""
            host = settings.get("HOST") or "127.0.0.1"
            port = settings.get("PORT") or 5432
            self.url = (
                f"postgres://{quote(settings['USER'], safe='')}{password}@{host}:{port}/{settings['NAME']}"
            )
        else:
            pytest.skip(f"no fault test for the {self.vendor} backend")

    def scalar(self, sql: str) -> int:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.file) as db:
                value = db.execute(sql).fetchone()[0]
            db.close()
            return value
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    def schema(self) -> list[tuple]:
        """The enterprise table's indexes and triggers with their SQL, as committed."""
        if self.vendor == "sqlite":
            with sqlite3.connect(self.file) as db:
                rows = db.execute(
                    "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'registry_enterprise' "
                    "AND sql IS NOT NULL ORDER BY type, name"
                ).fetchall()
            db.close()
            return rows
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'registry_enterprise' "
                "ORDER BY indexname"
            )
            return cursor.fetchall()

    def count(self, model, where: str = "") -> int:
        return self.scalar(f"SELECT COUNT(*) FROM {model._meta.db_table} {where}")

    def writing(self) -> bool:
        """Whether the command holds an open write transaction (that has inserted enterprises, on PG)."""
        if self.vendor == "sqlite":
            db = sqlite3.connect(self.file, timeout=0, isolation_level=None)
            try:
                db.execute("BEGIN IMMEDIATE")
                db.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError as exc:
                assert "locked" in str(exc), exc
                return True
            finally:
                db.close()
        return bool(
            self.scalar(
                "SELECT COUNT(*) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
                f"WHERE a.application_name = '{APP_NAME}' AND a.backend_xid IS NOT NULL "
                f"AND l.relation = '{Enterprise._meta.db_table}'::regclass "
                "AND l.mode = 'RowExclusiveLock' AND l.granted"
            )
        )

    def command_connected(self) -> bool:
        if self.vendor == "sqlite":
            return self.writing()
        return bool(
            self.scalar(f"SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '{APP_NAME}'")
        )


def sentra(target: Target, tmp_path: Path, *args: str, **kwargs) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": target.url,
        "SENTRA_DATA_DIR": str(tmp_path),
        "PGAPPNAME": APP_NAME,  # libpq: lets the test find the command's backend in pg_stat_activity
        "PYTHONUNBUFFERED": "1",
        # SQLite: the indexes and the search trigger are set aside after the first batch, so the
        # kill lands while the table has none of them (registry.imports._DeferredIndexes).
        "SENTRA_IMPORT_DEFER_INDEXES_ROWS": str(BATCH_SIZE),
    }
    command = [str(Path(sys.executable).with_name("sentra")), *args]
    return subprocess.Popen(command, env=env, **kwargs)  # nosec B603: fixed arguments, no shell


def wait_until(condition, what: str, timeout: float = DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def kill_in_write_phase(process: subprocess.Popen, target: Target) -> int:
    """Follow the progress bar until half of the rows are read (two batches written), then SIGKILL;
    returns the count."""
    assert process.stderr is not None
    fd = process.stderr.fileno()
    threshold = ROWS // 2
    # at least two batches checked and written before the one being counted
    assert threshold >= 2 * ONE_PASS_BATCH + BATCH_SIZE and ONE_PASS_BATCH == BATCH_SIZE
    output = b""
    deadline = time.monotonic() + DEADLINE
    while True:
        assert time.monotonic() < deadline, f"the import never reached its write phase: {output[-2000:]!r}"
        ready, _w, _x = select.select([fd], [], [], 1.0)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        assert chunk, f"the import ended before it was killed: {output[-2000:]!r}"
        output += chunk
        counts = [int(done) for done, _total in PROGRESS.findall(output[-4096:])]
        if counts and max(counts) >= threshold and max(counts) < ROWS:
            break
    assert target.writing(), "the progress bar is in the write phase but no write transaction is open"
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=DEADLINE) == -signal.SIGKILL
    return max(counts)


@pytest.mark.django_db(transaction=True, available_apps=KILL_APPS)
def test_import_killed_in_its_write_phase_leaves_nothing_and_can_be_repeated(tmp_path):
    source = tmp_path / "ikm.csv"
    write_csv(source)
    target = Target(tmp_path)
    agencies = target.count(Agency)
    schema = target.schema()
    assert len(schema) > 10  # every index and (SQLite) the search triggers
    args = ("import", "enterprises", str(source), "--commit", "--as-system")

    # 1. Killed in the write phase.
    process = sentra(target, tmp_path, *args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        reached = kill_in_write_phase(process, target)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    assert ROWS // 2 <= reached < ROWS
    # The server notices the dead client and rolls back; the lock goes with it.
    wait_until(lambda: not target.command_connected(), "the killed import's connection to go away")

    assert target.count(Enterprise) == 0
    assert target.count(AuditBatch) == 0
    assert target.count(AuditEvent) == 0
    assert target.count(Agency) == agencies  # not even the default ministry agency it would create
    assert target.count(Job, f"WHERE status = '{Job.Status.RUNNING}'") == 0
    if target.vendor == "sqlite":
        assert target.scalar("PRAGMA integrity_check") == "ok"
    assert target.schema() == schema  # no index or search trigger left out by the killed import

    # 2. The same file again, to the end.
    process = sentra(
        target, tmp_path, *args, "--no-progress", stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output, _ = process.communicate(timeout=DEADLINE * 2)
    assert process.returncode == 0, output.decode()[-2000:]
    assert f"{ROWS} baru, 0 diperbarui" in output.decode()

    assert target.count(Enterprise) == ROWS
    assert target.scalar(f"SELECT COUNT(DISTINCT nib) FROM {Enterprise._meta.db_table}") == ROWS
    assert target.count(AuditBatch) == 1
    assert target.count(AuditEvent) == ROWS
    assert target.count(Job, f"WHERE status = '{Job.Status.RUNNING}'") == 0
    assert target.schema() == schema
    if target.vendor == "sqlite":
        # The search index matches the table (FTS5's own check raises otherwise), rows written before
        # the indexes were set aside (1234) and after (11234) alike.
        with sqlite3.connect(target.file) as db:
            db.execute(
                "INSERT INTO registry_enterprise_fts(registry_enterprise_fts) VALUES ('integrity-check')"
            )
        db.close()
        match = "SELECT COUNT(*) FROM registry_enterprise_fts WHERE registry_enterprise_fts MATCH '{}'"
        assert target.scalar(match.format('"1234"')) == 2  # UD Uji Henti 1234 and 11234
