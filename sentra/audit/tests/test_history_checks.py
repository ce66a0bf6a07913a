"""The history's JSON columns: no per-row JSON_VALID check on SQLite (every writer writes JSON by
construction; the check parsed each event again), jsonb on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

from sentra.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_history_s_json_columns_are_not_parsed_again_on_write():
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
            assert "JSON_VALID" not in cursor.fetchone()[0].upper()
        else:
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = %s AND column_name IN ('changes', 'snapshot') ORDER BY column_name",
                [table],
            )
            assert cursor.fetchall() == [("changes", "jsonb"), ("snapshot", "jsonb")]


def test_an_event_written_by_the_orm_reads_back_the_same():
    event = AuditEvent.objects.create(
        channel="web",
        action="update",
        object_type="registry.enterprise",
        object_id=1,
        changes={"name": ["Lama", 'Baru "kutip" \u00e9']},
        snapshot={"name": 'Baru "kutip" \u00e9', "workers": 3, "latitude": None},
    )
    event.refresh_from_db()
    assert event.changes == {"name": ["Lama", 'Baru "kutip" é']}
    assert event.snapshot == {"name": 'Baru "kutip" é', "workers": 3, "latitude": None}
