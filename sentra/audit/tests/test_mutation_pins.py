"""Pins of two history rules (issue 14.7): a delete event records what was deleted, field by field
(every value → None), and its snapshot is the last state; a restore brings back a version's fields
but never its verification status — the record's checks stay where they are now."""

from __future__ import annotations

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditAction, AuditEvent
from sentra.audit.services import record_change, restore_version, snapshot
from sentra.registry.models import Enterprise
from sentra.registry.services import record_delete
from sentra.registry.tests.factories import EnterpriseFactory
from sentra.verification.models import VerificationStatus as S
from sentra.verification.services import transition

pytestmark = pytest.mark.django_db


def test_a_delete_event_lists_every_deleted_value(actor, regency_agency):
    enterprise = EnterpriseFactory(name="UD Amplang Bahari", agency=regency_agency)
    pk, last = enterprise.pk, snapshot(enterprise)
    record_delete(actor=actor, record=enterprise, reason="Data ganda")
    assert not Enterprise.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(object_type="registry.enterprise", object_id=pk, action=AuditAction.DELETE)
    assert event.changes, "a delete that records no changes"
    assert event.changes["name"] == ["UD Amplang Bahari", None]
    assert event.changes["nib"] == [last["nib"], None]
    assert all(after is None for _before, after in event.changes.values())
    assert set(event.changes) == {name for name, value in last.items() if value is not None}
    assert event.snapshot == last and event.reason == "Data ganda"


def test_record_change_for_a_delete_diffs_against_nothing(actor, regency_agency):
    enterprise = EnterpriseFactory(name="UD Kerupuk Udang", agency=regency_agency)
    event = record_change(actor=actor, action=AuditAction.DELETE, obj=enterprise, before=snapshot(enterprise))
    assert event is not None and event.changes["name"] == ["UD Kerupuk Udang", None]


def test_a_restore_keeps_the_current_verification_status(regency_agency, kaltim_agency):
    regency = persona(Role.REGENCY_OFFICER, agency=regency_agency, username="kab_ppu")
    province = persona(Role.PROVINCE_OFFICER, agency=kaltim_agency, username="prov_kaltim")
    enterprise = EnterpriseFactory(name="UD Amplang Bahari", agency=regency_agency)
    created = record_change(actor=actor_of(regency), action=AuditAction.CREATE, obj=enterprise)
    assert created.snapshot["verification_status"] == S.DRAFT
    transition(actor=actor_of(regency), name="submit", record=enterprise)
    transition(actor=actor_of(province), name="return", record=enterprise, reason="NIB belum dicek")
    enterprise.refresh_from_db()
    Enterprise.objects.filter(pk=enterprise.pk).update(name="UD Amplang Bahari Jaya")
    submitted_by, submitted_at = enterprise.submitted_by_id, enterprise.submitted_at

    restored = restore_version(actor=actor_of(regency), event=created)
    restored.refresh_from_db()
    assert restored.name == "UD Amplang Bahari"  # the version's fields come back…
    # …its verification does not: the record stays returned, with the province's reason
    assert restored.verification_status == S.RETURNED
    assert restored.return_reason == "NIB belum dicek"
    assert (restored.submitted_by_id, restored.submitted_at) == (submitted_by, submitted_at)
