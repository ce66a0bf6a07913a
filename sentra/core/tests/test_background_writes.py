"""BackgroundWrites: one write job at a time beside the import's thread (PostgreSQL), at once on SQLite."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import IntegrityError, connection

from sentra.core.imports import BackgroundWrites

pytestmark = pytest.mark.django_db


def test_a_job_runs_beside_the_caller_on_postgresql_and_in_its_thread_on_sqlite():
    writes = BackgroundWrites(connection)
    ran_in = []
    writes.submit(lambda: ran_in.append(threading.current_thread()))
    writes.close()
    assert (ran_in[0] is threading.current_thread()) == (connection.vendor == "sqlite")


def test_submit_waits_for_the_job_before_and_jobs_keep_their_order():
    writes = BackgroundWrites(connection)
    done = []

    def slow(n):
        time.sleep(0.05)
        done.append(n)

    for n in range(3):
        writes.submit(slow, n)
        # the jobs before have finished when the next is sent (SQLite: this one too, run at once)
        assert done[:n] == list(range(n))
        assert len(done) == n + 1 if connection.vendor == "sqlite" else len(done) in (n, n + 1)
    writes.close()
    assert done == [0, 1, 2]


def test_a_job_s_error_is_raised_in_the_caller_s_thread_by_the_next_wait():
    writes = BackgroundWrites(connection)

    def fails():
        raise IntegrityError("unit taken")

    if writes.threaded:
        writes.submit(fails)  # sent; the error waits for the caller
        with pytest.raises(IntegrityError, match="unit taken"):
            writes.wait()
        writes.wait()  # reported once
    else:
        with pytest.raises(IntegrityError, match="unit taken"):
            writes.submit(fails)
    writes.close()


def test_a_job_writes_in_the_caller_s_transaction_through_the_driver_cursor():
    from sentra.regions.models import Region

    writes = BackgroundWrites(connection)
    table = connection.ops.quote_name(Region._meta.db_table)
    found = []

    def count():
        with writes.driver_cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE code = %s", ["99.99"])  # nosec B608
            found.append(cursor.fetchone()[0])

    Region.objects.create(code="99.99", name="Wilayah Uji", level=2)  # not committed: the test's transaction
    writes.submit(count)
    writes.close()
    assert found == [1]
