"""Rules of activity links that no test held before the mutation pass of 2026-12-06 (docs/analytics.md,
"Mutation pass"): each test here failed with one deliberate change of analytics/links.py."""

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.analytics import links
from sentra.analytics.models import ActivityLink, LinkKind
from sentra.analytics.tests.test_links import activity
from sentra.conftest import KUDUS, PPU
from sentra.core.errors import AccessDenied, DomainError, StaleVersion
from sentra.programmes.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def test_a_dekranasda_may_link_a_pair_whose_second_activity_is_its_own(pair, dekranasda):
    actor = actor_of(persona(Role.DEKRANAS_OFFICER, agency=dekranasda))
    own = activity(dekranasda, "Pelatihan tenun lanjutan Dekranasda")
    link = links.link_activities(actor=actor, first=pair[0], second=own, kind=LinkKind.SEQUENCE)
    assert (link.first_id, link.second_id) == (pair[0].pk, own.pk)


def test_a_dekranasda_cannot_change_a_link_between_other_agencies_activities(officer, pair, dekranasda):
    link = links.link_activities(actor=officer, first=pair[0], second=pair[1], kind=LinkKind.SEQUENCE)
    actor = actor_of(persona(Role.DEKRANAS_OFFICER, agency=dekranasda))
    with pytest.raises(AccessDenied):
        links.update_link(actor=actor, link_id=link.pk, kind="separate", reason="Bukan urusan kami")
    link.refresh_from_db()
    assert link.kind == LinkKind.SEQUENCE


def test_a_reason_is_at_most_2000_characters(officer, pair):
    with pytest.raises(DomainError) as err:
        links.link_activities(actor=officer, first=pair[0], second=pair[1], kind="merge", reason="a" * 2001)
    assert err.value.code == "link_reason_too_long"
    link = links.link_activities(
        actor=officer, first=pair[0], second=pair[1], kind="merge", reason="a" * 2000
    )
    assert len(link.reason) == 2000


def test_an_update_on_a_version_someone_else_changed_is_refused(officer, pair):
    link = links.link_activities(actor=officer, first=pair[0], second=pair[1], kind=LinkKind.SEQUENCE)
    opened = link.version
    links.update_link(actor=officer, link_id=link.pk, kind="separate", reason="Sasaran beda", version=opened)
    with pytest.raises(StaleVersion):
        links.update_link(actor=officer, link_id=link.pk, kind="merge", reason="Dana bersama", version=opened)
    link.refresh_from_db()
    assert (link.kind, link.reason) == ("separate", "Sasaran beda")


@pytest.fixture
def across_regions(pair, kudus_agency):
    """A link (written by the ministry) between a PPU activity and one of Kudus."""
    kudus = ActivityFactory(agency=kudus_agency, name="Pelatihan tenun Kudus")
    return ActivityLink.objects.create(first=pair[0], second=kudus, kind=LinkKind.SEQUENCE), kudus


def test_a_link_is_read_only_by_who_reads_both_activities(officer, actor, across_regions):
    link, _kudus = across_regions
    assert links.link_get(actor=officer, pk=link.pk) is None  # PPU reads the first, not the second
    assert links.link_get(actor=actor, pk=link.pk) == link  # the ministry reads both
    assert KUDUS != PPU


def test_a_link_to_an_activity_outside_the_region_shows_but_cannot_be_changed(officer, pair, across_regions):
    _link, kudus = across_regions
    [row] = links.links_of(actor=officer, activity=pair[0])
    assert (row.other_id, row.other_name) == (kudus.pk, "Pelatihan tenun Kudus")
    assert not row.other_visible and not row.can_change


def test_a_dekranasda_may_link_only_from_its_own_activity(pair, dekranasda, dinas):
    actor = actor_of(persona(Role.DEKRANAS_OFFICER, agency=dekranasda))
    own = activity(dekranasda, "Pelatihan tenun Dekranasda")
    assert links.can_link(actor, own)
    assert not links.can_link(actor, pair[0])
    assert links.can_link(actor_of(persona(Role.REGENCY_OFFICER, agency=dinas)), pair[1])
    assert not links.can_link(actor_of(persona(Role.VIEWER, agency=dinas)), pair[0])
