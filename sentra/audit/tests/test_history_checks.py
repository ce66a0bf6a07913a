"""What the database checks of each history event as it is written: its JSON is jsonb on PostgreSQL
and not parsed again on SQLite (every writer writes JSON by construction), and its user and batch
are plain columns, their deletes handled by Django (SET_NULL, PROTECT) as the foreign keys were."""

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


def test_the_history_s_user_and_batch_are_links_the_database_does_not_check_on_write():
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        foreign = {
            name: info["foreign_key"]
            for name, info in connection.introspection.get_constraints(cursor, table).items()
            if info["foreign_key"]
        }
    assert foreign == {}


def test_a_deleted_user_s_events_stay_with_their_name_and_a_batch_with_events_is_kept(django_user_model):
    from django.db.models import ProtectedError

    from sentra.audit.models import AuditBatch

    user = django_user_model.objects.create_user("petugas.hapus", password="x")  # noqa: S106
    batch = AuditBatch.objects.create(kind="import", user=user, username=user.username, channel="import")
    event = AuditEvent.objects.create(
        user=user,
        username=user.username,
        channel="import",
        action="create",
        object_type="registry.enterprise",
        object_id=1,
        batch=batch,
    )
    user.delete()  # Django's SET_NULL, as the database's own foreign key did before
    event.refresh_from_db()
    assert (event.user_id, event.username, event.batch_id) == (None, "petugas.hapus", batch.pk)
    with pytest.raises(ProtectedError):
        batch.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()
