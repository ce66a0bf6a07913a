"""core.indexes.IndexesSetAside: a table's secondary indexes dropped for a bulk write and built again
with their own SQL; unique indexes and those `keep` names stay."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from sentra.core.indexes import IndexesSetAside
from sentra.core.models import Job

pytestmark = pytest.mark.django_db

TABLE = Job._meta.db_table


def indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
                [TABLE],
            )
        else:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [TABLE])
        return dict(cursor.fetchall())


def test_secondary_indexes_are_dropped_and_built_again_as_they_were():
    before = indexes()
    aside = IndexesSetAside(connection, TABLE, keep=lambda name, sql: name == "core_job_status_idx")
    with transaction.atomic():
        assert aside.drop() and aside.set_aside
        during = indexes()
        aside.restore()
    unique = {name for name, sql in before.items() if "UNIQUE" in sql.upper() or not sql}
    assert set(during) == unique | {"core_job_status_idx"}
    assert len(before) > len(during) and indexes() == before
    assert aside.deferred == [] and aside.set_aside


def test_a_rolled_back_write_leaves_every_index_in_place():
    before = indexes()
    with pytest.raises(RuntimeError), transaction.atomic():
        IndexesSetAside(connection, TABLE).drop()
        raise RuntimeError("the write failed")
    assert indexes() == before
