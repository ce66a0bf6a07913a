"""Fault test: a rollback that meets a locked database, or is killed with SIGKILL half-way, leaves the
import exactly as it was; the next rollback then succeeds (issue 12, point 1).

Set-up, through the `sentra` command in a separate process as in test_import_kill.py (same Target:
a file copy of the SQLite test database, or the PostgreSQL test database itself): import A creates
BASE enterprises; import B updates them all (new names, new workers) and creates NEW more. Then B is
rolled back three times:

1. while another connection holds the lock (SQLite: the write lock, `BEGIN IMMEDIATE`; PostgreSQL:
   a row lock on one of the records B updated, `SELECT … FOR UPDATE`), with `--wait 1`: the command
   exits 1 with the "try again" message (code `busy`), and nothing changed;
2. killed with SIGKILL once its progress bar shows more than half of the records undone (so the
   restores and some deletes have been sent to the database inside its one transaction), with the
   write transaction confirmed open from outside: every enterprise row, every audit event and batch
   is as it was before the rollback, B is not marked rolled back, no undo batch;
3. to the end: B's records are gone, A's are back as A wrote them, B is marked.
"""

from __future__ import annotations

import csv
import os
import select
import signal
import subprocess  # nosec B404: runs this project's own `sentra` command with fixed arguments
import time
from pathlib import Path

import pytest
from django.db import connection, transaction

from sentra.audit.models import AuditBatch, AuditEvent
from sentra.core.import_kinds import import_schema
from sentra.regions.models import Kbli, Region
from sentra.registry.models import Enterprise
from sentra.registry.tests.test_import_kill import (
    DEADLINE,
    KILL_APPS,
    PROGRESS,
    Target,
    sentra,
    wait_until,
)

BASE = 500  # created by import A, updated by import B
NEW = 8_000  # created by import B; the kill lands among their deletes
NIB = 9_140_000_000_000


def write_csv(path: Path, start: int, count: int, label: str) -> None:
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
    columns = [c.key for c in import_schema("enterprises").columns]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        for n in range(start, start + count):
            writer.writerow(
                {
                    "nama_usaha": f"UD {label} {n}",
                    "nib": str(NIB + n),
                    "kbli": kbli[n % len(kbli)],
                    "kode_wilayah": villages[n % len(villages)],
                    "tenaga_kerja": str(1 + (n + len(label)) % 40),
                    "investasi": str(10_000_000 * (1 + n % 50)),
                    "status": "Aktif",
                }
            )


class Database(Target):
    def rows(self, sql: str) -> list[tuple]:
        if self.vendor == "sqlite":
            import sqlite3

            with sqlite3.connect(self.file) as db:
                found = db.execute(sql).fetchall()
            db.close()
            return [tuple(r) for r in found]
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [tuple(r) for r in cursor.fetchall()]

    def state(self) -> dict:
        """Every row a rollback of B may touch (enterprise columns as stored, the history)."""
        table = Enterprise._meta.db_table
        return {
            "enterprises": self.rows(f"SELECT * FROM {table} ORDER BY id"),  # nosec B608: model table
            "events": self.count(AuditEvent),
            "batches": self.rows(
                f"SELECT id, kind, rolled_back_at FROM {AuditBatch._meta.db_table} ORDER BY id"  # nosec B608
            ),
        }


def run(target: Database, tmp_path: Path, *args: str) -> tuple[int, str]:
    process = sentra(target, tmp_path, *args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, _ = process.communicate(timeout=DEADLINE * 2)
    return process.returncode, output.decode()


def kill_half_way(process: subprocess.Popen, target: Database, total: int) -> int:
    """Follow the rollback's progress bar until more than half of the records are undone, then SIGKILL."""
    assert process.stderr is not None
    fd = process.stderr.fileno()
    output = b""
    deadline = time.monotonic() + DEADLINE
    while True:
        assert time.monotonic() < deadline, f"the rollback never got half-way: {output[-2000:]!r}"
        ready, _w, _x = select.select([fd], [], [], 1.0)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        assert chunk, f"the rollback ended before it was killed: {output[-2000:]!r}"
        output += chunk
        counts = [int(done) for done, _total in PROGRESS.findall(output[-4096:])]
        if counts and total // 2 < max(counts) < total:
            break
    assert target.writing(), "the progress bar is half-way but no write transaction is open"
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=DEADLINE) == -signal.SIGKILL
    return max(counts)


@pytest.mark.django_db(transaction=True, available_apps=KILL_APPS)
def test_rollback_locked_out_or_killed_leaves_the_import_as_it_was_and_can_be_repeated(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    write_csv(first, 0, BASE, "Awal")
    write_csv(second, 0, BASE + NEW, "Ubah")
    target = Database(tmp_path)
    for path in (first, second):
        code, output = run(target, tmp_path, "import", "enterprises", str(path), "--commit", "--as-system")
        assert code == 0, output[-2000:]
    a, b = (pk for (pk,) in target.rows(f"SELECT id FROM {AuditBatch._meta.db_table} ORDER BY id"))
    before = target.state()
    assert len(before["enterprises"]) == BASE + NEW
    rollback = ("import", "rollback", str(b), "--as-system")

    # 1. Another connection holds the lock: a clear "try again", nothing changed.
    if target.vendor == "sqlite":
        import sqlite3

        holder = sqlite3.connect(target.file, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            code, output = run(target, tmp_path, *rollback, "--wait", "1", "--no-progress")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    else:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id FROM {Enterprise._meta.db_table} WHERE nib = %s FOR UPDATE",  # nosec B608
                    [str(NIB + BASE // 2)],
                )
            code, output = run(target, tmp_path, *rollback, "--wait", "1", "--no-progress")
    assert code == 1, output[-2000:]
    assert "coba lagi" in output and "Traceback" not in output
    assert target.state() == before

    # 2. Killed half-way through.
    process = sentra(target, tmp_path, *rollback, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        reached = kill_half_way(process, target, BASE + NEW)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    assert (BASE + NEW) // 2 < reached < BASE + NEW
    wait_until(lambda: not target.command_connected(), "the killed rollback's connection to go away")
    assert target.state() == before  # every record, event and batch as before; B not rolled back
    if target.vendor == "sqlite":
        assert target.scalar("PRAGMA integrity_check") == "ok"

    # 3. Again, to the end.
    code, output = run(target, tmp_path, *rollback, "--no-progress")
    assert code == 0, output[-2000:]
    assert f"{BASE + NEW} data dikembalikan" in output
    names = target.rows(f"SELECT name FROM {Enterprise._meta.db_table} ORDER BY id")  # nosec B608
    assert names == [(f"UD Awal {n}",) for n in range(BASE)]
    batches = target.rows(f"SELECT id, kind, rolled_back_at FROM {AuditBatch._meta.db_table} ORDER BY id")
    assert [(pk, kind, done is not None) for pk, kind, done in batches] == [
        (a, "import", False),
        (b, "import", True),
        (batches[2][0], "rollback", False),
    ]
