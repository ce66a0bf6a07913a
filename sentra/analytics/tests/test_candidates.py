"""Where a sentra fits: constructed villages (4 vs 5 IKM, inactive not counted, an existing sentra of the
same KBLI excludes, of another KBLI does not), district clusters, raw materials, growth, weak designated
sentra, scope, errors and the one-step proposal."""

import datetime as dt

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.analytics import candidates as cand
from sentra.analytics.aggregates import rebuild_kbli_counts
from sentra.analytics.models import RegistrySnapshot, SnapshotCount
from sentra.audit.models import AuditEvent
from sentra.conftest import KUDUS, PPU
from sentra.core.errors import DomainError, NotFound
from sentra.registry.choices import CentreStatus, EnterpriseStatus
from sentra.registry.models import Centre, CentreMembership
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

SALOLOANG, NENANG, THIRD = "64.09.01.1002", "64.09.01.1001", "64.09.01.1003"
KUDUS_VILLAGE = "33.19.01.2001"
AMPLANG, TENUN = "10794", "13121"


def ikm(village, kbli=AMPLANG, n=1, **data):
    return [EnterpriseFactory(village_id=village, kbli_id=kbli, **data) for _ in range(n)]


def listed(actor, **kw):
    rebuild_kbli_counts()
    return cand.candidates(actor=actor, **kw).items


def keys(items):
    return {(c.kind, c.place_code, c.kbli or c.raw_material) for c in items}


def test_five_active_ikm_of_one_kbli_make_a_village_candidate_four_do_not(actor):
    ikm(SALOLOANG, n=5, workers=3)
    ikm(NENANG, n=4)
    ikm(NENANG, n=3, status=EnterpriseStatus.INACTIVE)  # inactive ones are not counted
    ikm(THIRD, n=5, status=EnterpriseStatus.CLOSED)
    items = listed(actor, region=PPU)
    village = [c for c in items if c.kind == cand.KIND_VILLAGE]
    assert [(c.place_code, c.kbli, c.enterprises, c.workers) for c in village] == [
        (SALOLOANG, AMPLANG, 5, 15)
    ]
    assert village[0].place_name and village[0].kbli_title
    assert village[0].suggested_name.startswith("Sentra ")


def test_existing_sentra_of_the_same_kbli_excludes_another_kbli_does_not(actor):
    ikm(SALOLOANG, n=5)
    ikm(SALOLOANG, kbli=TENUN, n=5)
    CentreFactory(village_id=SALOLOANG, kbli_id=AMPLANG, status=CentreStatus.PROPOSED)
    CentreFactory(village_id=SALOLOANG, kbli_id="10421", status=CentreStatus.DESIGNATED)
    assert keys(listed(actor, region=PPU)) == {("village", SALOLOANG, TENUN)}


def test_an_inactive_sentra_does_not_exclude(actor):
    ikm(SALOLOANG, n=5)
    CentreFactory(
        village_id=SALOLOANG, kbli_id=AMPLANG, status=CentreStatus.INACTIVE, inactive_reason="bubar"
    )
    assert keys(listed(actor, region=PPU)) == {("village", SALOLOANG, AMPLANG)}


def test_villages_of_one_district_together_make_a_cluster(actor):
    ikm(SALOLOANG, n=3)
    ikm(NENANG, n=2)
    ikm(KUDUS_VILLAGE, n=4)  # another district: no cluster with these
    items = listed(actor)
    assert keys(items) == {("district", "64.09.01", AMPLANG)}
    assert items[0].villages == sorted([SALOLOANG, NENANG]) and items[0].enterprises == 5


def test_no_cluster_where_a_village_reaches_five_alone_or_a_sentra_lies_in_the_district(actor):
    ikm(SALOLOANG, n=5)
    ikm(NENANG, n=2)
    assert keys(listed(actor, region=PPU)) == {("village", SALOLOANG, AMPLANG)}
    CentreFactory(village_id=SALOLOANG, kbli_id=AMPLANG)
    assert keys(listed(actor, region=PPU)) == set()


def test_shared_raw_material_within_a_regency(actor):
    for kbli in ("10794", "10421", "13121", "16291", "10794"):
        ikm(THIRD, kbli=kbli, raw_material="Rotan  alam")
    ikm(THIRD, kbli="10421", raw_material="rotan, ALAM.")
    items = listed(actor, region=PPU)
    raw = [c for c in items if c.kind == cand.KIND_RAW]
    assert [(c.place_code, c.raw_material, c.enterprises) for c in raw] == [(THIRD, "rotan alam", 6)]
    assert not [c for c in listed(actor) if c.kind == cand.KIND_RAW]  # never nationally
    CentreFactory(village_id=THIRD, kbli_id="10421", raw_material="Rotan alam")
    assert not [c for c in listed(actor, region=PPU) if c.kind == cand.KIND_RAW]


def test_ranked_by_size_then_workers_then_growth(actor):
    ikm(SALOLOANG, n=6, workers=1)
    ikm(NENANG, n=6, workers=2)
    ikm(SALOLOANG, kbli=TENUN, n=7, workers=1)
    items = listed(actor, region=PPU)
    assert [(c.place_code, c.kbli) for c in items] == [
        (SALOLOANG, TENUN),
        (NENANG, AMPLANG),
        (SALOLOANG, AMPLANG),
    ]
    assert [c.rank for c in items] == [1, 2, 3]


def test_growth_from_the_latest_snapshot(actor):
    ikm(SALOLOANG, n=6)
    shot = RegistrySnapshot.objects.create(year=2025, taken_on=dt.date(2025, 12, 31))
    SnapshotCount.objects.create(
        snapshot=shot,
        district_code="64.09.01",
        regency_code=PPU,
        province_code="64",
        kbli=AMPLANG,
        enterprises=4,
    )
    result = (rebuild_kbli_counts(), cand.candidates(actor=actor, region=PPU))[1]
    assert result.growth_from == 2025
    assert result.items[0].growth == pytest.approx(0.5)


def test_weak_designated_sentra_flagged(actor):
    weak = CentreFactory(status=CentreStatus.DESIGNATED)
    strong = CentreFactory(status=CentreStatus.DEVELOPING)
    proposed = CentreFactory(status=CentreStatus.PROPOSED)
    for e in ikm(SALOLOANG, n=4) + ikm(SALOLOANG, n=2, status=EnterpriseStatus.INACTIVE):
        CentreMembership.objects.create(centre=weak, enterprise=e)
    for e in ikm(SALOLOANG, n=5):
        CentreMembership.objects.create(centre=strong, enterprise=e)
    flagged = cand.weak_centres(actor=actor, region=PPU)
    assert [(w.centre, w.active_members) for w in flagged] == [(weak, 4)]
    assert proposed not in [w.centre for w in flagged]


def test_scope_a_regency_sees_its_own_and_not_another(regency_agency):
    ikm(SALOLOANG, n=5)
    ikm(KUDUS_VILLAGE, n=5)
    officer = actor_of(persona(Role.REGENCY_OFFICER, region=KUDUS))
    assert keys(listed(officer)) == {("village", KUDUS_VILLAGE, AMPLANG)}
    with pytest.raises(NotFound):
        cand.candidates(actor=officer, region=PPU)
    assert cand.weak_centres(actor=officer) == []


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"region": "99.99"}, "unknown_region"),
        ({"kbli": "99999"}, "unknown_kbli"),
        ({"kbli": "10"}, "unknown_kbli"),
        ({"min_enterprises": "x"}, "invalid_min_enterprises"),
    ],
)
def test_bad_input_has_a_code(actor, kw, code):
    with pytest.raises(DomainError) as err:
        cand.candidates(actor=actor, **kw)
    assert err.value.code == code


def test_a_candidate_becomes_a_proposal_in_one_step(regency_agency):
    planner = actor_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))
    members = ikm(SALOLOANG, n=3) + ikm(NENANG, n=2)
    ikm(NENANG, n=1, status=EnterpriseStatus.INACTIVE)
    rebuild_kbli_counts()
    centre = cand.propose_centre(actor=planner, kind="district", place_code="64.09.01", kbli=AMPLANG)
    assert centre.status == CentreStatus.PROPOSED and centre.proposed_on == dt.date(2026, 11, 16)
    assert centre.kbli_id == AMPLANG and centre.name.startswith("Sentra ")
    assert set(centre.members.values_list("pk", flat=True)) == {e.pk for e in members}
    assert sorted(centre.villages.values_list("code", flat=True)) == sorted([SALOLOANG, NENANG])
    assert AuditEvent.objects.filter(object_id=centre.pk).exists()
    # proposed once: the place is no longer a candidate
    with pytest.raises(DomainError) as err:
        cand.propose_centre(actor=planner, kind="district", place_code="64.09.01", kbli=AMPLANG)
    assert err.value.code == "not_a_candidate"
    assert Centre.objects.count() == 1


def test_a_non_candidate_is_refused_and_nothing_written(actor):
    ikm(SALOLOANG, n=4)
    rebuild_kbli_counts()
    with pytest.raises(DomainError) as err:
        cand.propose_centre(actor=actor, kind="village", place_code=SALOLOANG, kbli=AMPLANG)
    assert err.value.code == "not_a_candidate"
    assert not Centre.objects.exists()
