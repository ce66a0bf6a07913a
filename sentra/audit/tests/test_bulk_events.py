"""BulkEvents: many events written as plain rows store what record_change stores, one by one."""

from __future__ import annotations

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditAction, AuditEvent
from sentra.audit.services import BulkEvents, batch_start, diff, record_change, snapshot
from sentra.programmes.models import Realisation
from sentra.programmes.tests.factories import RealisationFactory

pytestmark = pytest.mark.django_db

COMPARED = (
    "user_id",
    "username",
    "channel",
    "ip",
    "action",
    "object_type",
    "object_id",
    "region_code",
    "changes",
    "snapshot",
    "reason",
    "batch_id",
)


def test_bulk_events_store_what_record_change_stores(regency_agency):
    actor = actor_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))
    record = RealisationFactory(obstacles="Hujan — “lebat”", physical_progress="12.50")
    record.refresh_from_db()  # the stored values, as an import reads them
    batch = batch_start(actor=actor, kind="import", description="uji")
    one = record_change(actor=actor, action=AuditAction.CREATE, obj=record, batch=batch)
    events = BulkEvents(actor=actor, batch=batch, model=Realisation, size=1)
    after = snapshot(record)
    events.add(AuditAction.CREATE, record.pk, str(record), record.scope_code, diff(None, after), after)
    events.flush()
    bulk = AuditEvent.objects.exclude(pk=one.pk).get()
    assert {f: getattr(bulk, f) for f in COMPARED} == {f: getattr(one, f) for f in COMPARED}
    assert bulk.object_repr == one.object_repr and bulk.at is not None
