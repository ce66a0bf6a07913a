"""Restoring an earlier version is a write: it follows the rule that writes the record (only a
meeting's organisers, only an agreement's owning office or the offices above it), not only the region."""

from __future__ import annotations

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditEvent
from sentra.audit.services import restore_version
from sentra.coordination import services
from sentra.core.errors import AccessDenied
from sentra.registry.tests.factories import AgencyFactory

from .factories import AgreementFactory, FollowUpFactory, wib

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices():
    return {
        "kaltim": AgencyFactory(name="Disperindagkop Kaltim", kind="province_industry", region_id="64"),
        "kutim": AgencyFactory(
            name="Dinas Perindustrian Kutai Timur", kind="regency_industry", region_id="64.08"
        ),
    }


def first_event(record) -> AuditEvent:
    return AuditEvent.objects.filter(object_type=record._meta.label_lower, object_id=record.pk).earliest(
        "at", "pk"
    )


def test_the_province_reads_a_regency_meeting_but_only_its_organiser_restores_it(offices):
    organiser = actor_of(persona(Role.REGENCY_OFFICER, agency=offices["kutim"]))
    province = actor_of(persona(Role.PROVINCE_OFFICER, agency=offices["kaltim"]))
    meeting = services.meeting_create(
        actor=organiser,
        agency=offices["kutim"],
        kind="rakor_programme",
        title="Rakor Kutai Timur",
        starts_at=wib(2026, 11, 20, 9),
        ends_at=wib(2026, 11, 20, 15),
    )
    services.meeting_update(
        actor=organiser, meeting=meeting, title="Rakor diganti", expected_version=meeting.version
    )
    created = first_event(meeting)

    with pytest.raises(AccessDenied):
        restore_version(actor=province, event=created)
    meeting.refresh_from_db()
    assert meeting.title == "Rakor diganti"

    restore_version(actor=organiser, event=created)
    meeting.refresh_from_db()
    assert meeting.title == "Rakor Kutai Timur"


def test_a_follow_ups_owner_updates_its_progress_but_does_not_restore_its_text(offices):
    follow_up = FollowUpFactory(agency=offices["kutim"])
    owner = actor_of(persona(Role.REGENCY_OFFICER, agency=offices["kutim"]))
    services.follow_up_update(
        actor=owner, follow_up=follow_up, status="in_progress", expected_version=follow_up.version
    )
    event = first_event(follow_up)
    with pytest.raises(AccessDenied):
        restore_version(actor=owner, event=event)


def test_an_agreement_is_restored_by_its_owning_office_and_the_province_above_it(offices):
    agreement = AgreementFactory(agency=offices["kutim"], title="PK Kutai Timur")
    owner = actor_of(persona(Role.REGENCY_OFFICER, agency=offices["kutim"]))
    services.agreement_update(actor=owner, agreement=agreement, title="PK pertama")
    services.agreement_update(actor=owner, agreement=agreement, title="PK diganti")
    event = first_event(agreement)  # after the first change
    other = AgencyFactory(name="Dinas Koperasi Kutai Timur", kind="cooperatives", region_id="64.08")
    with pytest.raises(AccessDenied):
        restore_version(actor=actor_of(persona(Role.DEKRANAS_OFFICER, agency=other)), event=event)
    restore_version(actor=actor_of(persona(Role.PROVINCE_OFFICER, agency=offices["kaltim"])), event=event)
    agreement.refresh_from_db()
    assert agreement.title == "PK pertama"
