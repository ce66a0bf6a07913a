"""Rules of sentra candidates that no test held before the mutation pass of 2026-12-06
(docs/analytics.md, "Mutation pass"): each test here failed with one deliberate change of
analytics/candidates.py."""

import pytest

from sentra.analytics import candidates as cand
from sentra.analytics.aggregates import rebuild_kbli_counts
from sentra.conftest import PPU
from sentra.core.errors import DomainError
from sentra.registry.choices import CentreStatus
from sentra.registry.models import CentreMembership
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

SALOLOANG, NENANG, THIRD = "64.09.01.1002", "64.09.01.1001", "64.09.01.1003"  # one district, 64.09.01
AMPLANG, TENUN = "10794", "13121"


def ikm(village, kbli=AMPLANG, n=1, **data):
    return [EnterpriseFactory(village_id=village, kbli_id=kbli, **data) for _ in range(n)]


def keys(actor, **kw):
    rebuild_kbli_counts()
    return {
        (c.kind, c.place_code, c.kbli or c.raw_material) for c in cand.candidates(actor=actor, **kw).items
    }


@pytest.mark.parametrize("status", ["proposed", "designated", "developing", "self_reliant"])
def test_a_sentra_of_every_status_but_inactive_covers_its_village(actor, status):
    ikm(SALOLOANG, n=5)
    CentreFactory(village_id=SALOLOANG, kbli_id=AMPLANG, status=status)
    assert keys(actor, region=PPU) == set()


def test_a_sentra_in_another_village_of_the_district_does_not_cover_a_village(actor):
    ikm(SALOLOANG, n=5)
    CentreFactory(village_id=NENANG, kbli_id=AMPLANG, status=CentreStatus.DESIGNATED)
    assert keys(actor, region=PPU) == {("village", SALOLOANG, AMPLANG)}


def test_no_cluster_where_a_sentra_of_the_kbli_lies_in_the_district(actor):
    ikm(SALOLOANG, n=3)
    ikm(NENANG, n=2)
    assert keys(actor, region=PPU) == {("district", "64.09.01", AMPLANG)}
    CentreFactory(village_id=THIRD, kbli_id=AMPLANG, status=CentreStatus.DESIGNATED)
    assert keys(actor, region=PPU) == set()


@pytest.mark.parametrize("value", ["1", 1, "0", -5])
def test_the_minimum_is_at_least_two(actor, value):
    with pytest.raises(DomainError) as err:
        cand.candidates(actor=actor, min_enterprises=value)
    assert err.value.code == "invalid_min_enterprises"


def test_a_minimum_of_two_is_accepted(actor):
    ikm(SALOLOANG, n=2)
    assert keys(actor, region=PPU, min_enterprises="2") == {("village", SALOLOANG, AMPLANG)}


def test_a_self_reliant_sentra_under_five_active_members_is_weak(actor):
    centre = CentreFactory(status=CentreStatus.SELF_RELIANT)
    for e in ikm(SALOLOANG, n=4):
        CentreMembership.objects.create(centre=centre, enterprise=e)
    assert [(w.centre, w.active_members) for w in cand.weak_centres(actor=actor, region=PPU)] == [(centre, 4)]


def test_exactly_five_ikm_sharing_a_raw_material_make_a_candidate(actor):
    for kbli in ("10794", "10421", "13121", "16291", "31001"):
        ikm(THIRD, kbli=kbli, raw_material="Rotan alam")
    assert ("raw_material", THIRD, "rotan alam") in keys(actor, region=PPU)


def test_a_proposal_takes_as_members_only_the_ikm_of_the_candidates_kbli(actor):
    amplang = ikm(SALOLOANG, n=5)
    ikm(SALOLOANG, kbli=TENUN, n=2)
    rebuild_kbli_counts()
    centre = cand.propose_centre(actor=actor, kind="village", place_code=SALOLOANG, kbli=AMPLANG)
    assert set(centre.members.values_list("pk", flat=True)) == {e.pk for e in amplang}
