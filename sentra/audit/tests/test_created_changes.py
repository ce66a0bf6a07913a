"""A creation's changes follow from its snapshot: stored as {} by bulk writers, read back whole."""

from __future__ import annotations

import pytest

from sentra.audit.models import AuditAction, AuditEvent, created_changes
from sentra.audit.services import diff

pytestmark = pytest.mark.django_db

SNAPSHOT = {"name": "Tenun Ulos", "workers": 3, "nib": None, "latitude": "-1.250000"}


def event(action: str, changes: dict, snapshot: dict) -> AuditEvent:
    return AuditEvent.objects.create(
        channel="web",
        action=action,
        object_type="test.thing",
        object_id=1,
        object_repr="thing",
        changes=changes,
        snapshot=snapshot,
    )


def test_created_changes_are_what_diff_from_nothing_gives():
    assert created_changes(SNAPSHOT) == diff(None, SNAPSHOT)
    assert created_changes(SNAPSHOT) == {
        "latitude": [None, "-1.250000"],
        "name": [None, "Tenun Ulos"],
        "workers": [None, 3],
    }


def test_a_creation_stored_without_changes_is_read_with_them():
    pk = event(AuditAction.CREATE, {}, SNAPSHOT).pk
    assert AuditEvent.objects.filter(pk=pk).values_list("changes", flat=True).get() == {}
    assert AuditEvent.objects.get(pk=pk).changes == diff(None, SNAPSHOT)


@pytest.mark.parametrize("action", [AuditAction.UPDATE, AuditAction.RESTORE, AuditAction.VERIFY])
def test_other_events_without_changes_stay_without(action):
    pk = event(action, {}, SNAPSHOT).pk
    assert AuditEvent.objects.get(pk=pk).changes == {}


def test_stored_changes_of_a_creation_are_kept_as_they_are():
    kept = {"name": [None, "Tenun Ulos"]}  # e.g. a private field left out on purpose
    pk = event(AuditAction.CREATE, kept, SNAPSHOT).pk
    assert AuditEvent.objects.get(pk=pk).changes == kept


def test_a_partial_load_does_not_derive_from_what_it_did_not_read():
    pk = event(AuditAction.CREATE, {}, SNAPSHOT).pk
    assert AuditEvent.objects.only("id", "action", "changes").get(pk=pk).changes == {}
