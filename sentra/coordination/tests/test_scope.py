"""Who reads which meeting, follow-up and agreement: a persona per level, 404 outside."""

from __future__ import annotations

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.coordination import selectors
from sentra.core.errors import NotFound
from sentra.registry.tests.factories import AgencyFactory

from .factories import (
    AgreementFactory,
    AgreementPartyFactory,
    DecisionFactory,
    FollowUpFactory,
    InvitationFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A ministry, two provinces (Kaltim, NTT) and two regencies of Kaltim (PPU, Kutai Timur), each
    with its industry office and an officer."""
    agencies = {
        "ministry": AgencyFactory(name="Direktorat Jenderal IKMA", kind="ministry", region_id=None),
        "kaltim": AgencyFactory(name="Disperindagkop Kaltim", kind="province_industry", region_id="64"),
        "ntt": AgencyFactory(name="Disperindag NTT", kind="province_industry", region_id="53"),
        "ppu": AgencyFactory(name="Dinas Perindustrian PPU", kind="regency_industry", region_id="64.09"),
        "kutim": AgencyFactory(
            name="Dinas Perindustrian Kutai Timur", kind="regency_industry", region_id="64.08"
        ),
    }
    roles = {
        "ministry": Role.MINISTRY_ANALYST,
        "kaltim": Role.PROVINCE_OFFICER,
        "ntt": Role.PROVINCE_OFFICER,
        "ppu": Role.REGENCY_OFFICER,
        "kutim": Role.REGENCY_OFFICER,
    }
    actors = {key: actor_of(persona(roles[key], agency=agency)) for key, agency in agencies.items()}
    return agencies, actors


def readers(actors, get, pk) -> set[str]:
    found = set()
    for key, actor in actors.items():
        try:
            get(actor=actor, pk=pk)
            found.add(key)
        except NotFound:
            pass
    return found


def test_a_regencys_internal_rakor_is_not_seen_by_the_next_regency(world):
    agencies, actors = world
    meeting = MeetingFactory(agency=agencies["ppu"], host_region_id="64.09")
    assert readers(actors, selectors.meeting_get, meeting.pk) == {"ministry", "kaltim", "ppu"}
    assert meeting not in selectors.meeting_list(actor=actors["kutim"])


def test_a_national_rakornas_is_seen_by_the_provinces_it_invites_and_its_host(world):
    agencies, actors = world
    rakornas = MeetingFactory(agency=agencies["ministry"], kind="rakornas", host_region_id="64.71")
    InvitationFactory(meeting=rakornas, agency=agencies["ntt"])
    # NTT is invited; Kaltim hosts (Balikpapan), so Kaltim and its regencies' superior read it; PPU
    # is neither invited nor host.
    assert readers(actors, selectors.meeting_get, rakornas.pk) == {"ministry", "ntt", "kaltim"}


def test_a_co_organisers_region_reads_the_meeting(world):
    agencies, actors = world
    meeting = MeetingFactory(agency=agencies["ntt"], host_region_id="53.04")
    meeting.co_organisers.add(agencies["kutim"])
    assert readers(actors, selectors.meeting_get, meeting.pk) == {"ministry", "ntt", "kutim", "kaltim"}


def test_a_follow_up_is_also_read_by_its_owner_and_the_owners_superiors(world):
    agencies, actors = world
    meeting = MeetingFactory(agency=agencies["ntt"])
    follow_up = FollowUpFactory(decision=DecisionFactory(meeting=meeting), agency=agencies["ppu"])
    assert readers(actors, selectors.follow_up_get, follow_up.pk) == {"ministry", "ntt", "ppu", "kaltim"}
    # The owner reads the follow-up, not the whole meeting.
    with pytest.raises(NotFound):
        selectors.meeting_get(actor=actors["ppu"], pk=meeting.pk)


def test_an_agreement_is_read_by_its_parties_and_their_regions(world):
    agencies, actors = world
    agreement = AgreementFactory(agency=agencies["kutim"])
    AgreementPartyFactory(agreement=agreement, agency=agencies["ntt"])
    assert readers(actors, selectors.agreement_get, agreement.pk) == {"ministry", "kutim", "kaltim", "ntt"}
    regional = AgreementFactory(agency=agencies["ministry"])
    AgreementPartyFactory(
        agreement=regional, agency=None, kind="regional_head", name="Bupati PPU", region_id="64.09"
    )
    assert readers(actors, selectors.agreement_get, regional.pk) == {"ministry", "ppu", "kaltim"}


def test_an_anonymous_reader_sees_nothing(world):
    from sentra.accounts.scope import ANONYMOUS

    agencies, _ = world
    MeetingFactory(agency=agencies["ppu"])
    assert not selectors.Meeting.objects.filter(selectors.meeting_visible_q(ANONYMOUS)).exists()
