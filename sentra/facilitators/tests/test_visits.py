"""Recording a visit: idempotent on the phone's id, the rules with their codes, place and caseload."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sentra.audit.models import AuditEvent
from sentra.conftest import KUDUS, SALOLOANG
from sentra.core.errors import DomainError
from sentra.facilitators import visits
from sentra.facilitators.choices import LocationFlag
from sentra.facilitators.models import Visit, VisitAction, VisitEnterprise
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

from .factories import AssignmentFactory

WITA = ZoneInfo("Asia/Makassar")
# Kab. Penajam Paser Utara: a point inland of Penajam, another in Kota Balikpapan across the bay
# (next door, under 25 km), one in Kab. Kudus (Java, ~840 km away), one in Singapore, one in the sea.
PPU_POINT = (Decimal("-1.250000"), Decimal("116.700000"))
BALIKPAPAN_POINT = (Decimal("-1.240000"), Decimal("116.860000"))
KUDUS_POINT = (Decimal("-6.800000"), Decimal("110.840000"))
SINGAPORE_POINT = (Decimal("1.300000"), Decimal("103.800000"))
JAVA_SEA_POINT = (Decimal("-5.000000"), Decimal("112.000000"))


def body(**overrides):
    lat, lon = PPU_POINT
    data = {
        "client_id": str(uuid.uuid4()),
        "visited_at": dt.datetime(2026, 11, 14, 9, 30, tzinfo=WITA).isoformat(),
        "latitude": str(lat),
        "longitude": str(lon),
        "accuracy_m": 12.5,
        "kind": "coaching",
        "findings": "Produksi amplang naik; kemasan belum berlabel halal.",
        "problems": "Belum punya PIRT.",
        "advice": "Urus PIRT ke Dinkes.",
        "centre_ids": [],
        "enterprise_ids": [],
        "actions": [],
    }
    data.update(overrides)
    return data


@pytest.fixture
def working(facilitator, placement, contract):
    """The PPU facilitator with a placement (from 2025-01-02) and the 2026 contract."""
    return facilitator


def make_amplang(ppu_dinas):
    """An IKM of Salo Loang with coordinates 60 m from PPU_POINT."""
    return EnterpriseFactory(
        name="UD Amplang Salo Loang",
        agency=ppu_dinas,
        village_id=SALOLOANG,
        latitude=Decimal("-1.250500"),
        longitude=Decimal("116.700800"),
    )


@pytest.fixture
def amplang(ppu_dinas):
    return make_amplang(ppu_dinas)


def codes(exc: DomainError) -> list[str]:
    return [e.code for e in exc.errors]


# --- idempotency ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_visit_is_written_once_per_client_id(tpl, working, amplang):
    data = body(enterprise_ids=[amplang.pk], actions=[{"description": "Urus PIRT", "due_on": "2026-12-30"}])
    visit, created, notices = visits.record_visit(tpl, data)
    assert created and notices == []
    again, created_again, notices_again = visits.record_visit(tpl, data)
    assert (again.pk, created_again, notices_again) == (visit.pk, False, [])
    assert Visit.objects.count() == 1
    assert VisitAction.objects.count() == 1
    assert VisitEnterprise.objects.count() == 1


@pytest.mark.django_db
def test_a_replay_with_another_body_overwrites_nothing_and_says_so(tpl, working):
    data = body()
    visit, _, _ = visits.record_visit(tpl, data)
    changed = {**data, "findings": "Isi lain yang diketik ulang"}
    again, created, notices = visits.record_visit(tpl, changed)
    assert again.pk == visit.pk and not created
    assert [n.code for n in notices] == ["already_synced"]
    visit.refresh_from_db()
    assert visit.findings.startswith("Produksi amplang")


@pytest.mark.django_db
def test_a_client_id_of_someone_elses_visit_is_not_revealed(tpl, working, colleague_actor, colleague):
    data = body()
    visits.record_visit(tpl, data)
    with pytest.raises(DomainError) as caught:
        visits.record_visit(colleague_actor, data)
    assert caught.value.code == "client_id_in_use"


@pytest.mark.django_db
def test_the_same_batch_twice_gives_the_same_visits(tpl, working):
    batch = [body() for _ in range(5)]
    first = visits.sync_batch(tpl, batch)
    assert [r.status for r in first] == ["created"] * 5
    second = visits.sync_batch(tpl, batch)
    assert [r.status for r in second] == ["existing"] * 5
    assert [r.id for r in second] == [r.id for r in first]
    assert Visit.objects.count() == 5


@pytest.mark.django_db
def test_half_a_batch_then_the_whole_batch(tpl, working):
    batch = [body() for _ in range(6)]
    visits.sync_batch(tpl, batch[:3])  # the connection dropped after three
    results = visits.sync_batch(tpl, batch)
    assert [r.status for r in results] == ["existing"] * 3 + ["created"] * 3
    assert Visit.objects.count() == 6


@pytest.mark.django_db
def test_a_bad_item_does_not_stop_the_batch_and_writes_nothing_of_itself(tpl, working):
    good, bad = body(), body(kind="", actions=[{"description": "x"}])
    results = visits.sync_batch(tpl, [bad, good])
    assert [r.status for r in results] == ["error", "created"]
    assert "required" in [e.code for e in results[0].errors]
    assert Visit.objects.count() == 1 and VisitAction.objects.count() == 0


@pytest.mark.django_db
def test_more_than_200_visits_in_one_request_are_refused(tpl, working):
    with pytest.raises(DomainError) as caught:
        visits.sync_batch(tpl, [body() for _ in range(201)])
    assert caught.value.code == "too_many_visits"
    assert Visit.objects.count() == 0


# --- rules ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_visit_in_the_future_is_refused_but_a_fast_phone_clock_is_not(tpl, working):
    now = dt.datetime.now(tz=WITA)
    with pytest.raises(DomainError) as caught:
        visits.record_visit(tpl, body(visited_at=(now + dt.timedelta(hours=1)).isoformat()))
    assert codes(caught.value) == ["future_date"]
    assert "masa depan" in caught.value.errors[0].message
    _, created, _ = visits.record_visit(tpl, body(visited_at=(now + dt.timedelta(minutes=5)).isoformat()))
    assert created


@pytest.mark.django_db
def test_a_visit_before_the_first_contract_or_placement_is_refused(tpl, working):
    # the placement began 2025-01-02 (before the 2026 contract): that day counts, the day before not
    with pytest.raises(DomainError) as caught:
        visits.record_visit(tpl, body(visited_at="2025-01-01T16:00:00+08:00"))
    assert codes(caught.value) == ["before_contract"]
    assert "2025-01-02" in caught.value.errors[0].message
    _, created, _ = visits.record_visit(tpl, body(visited_at="2025-01-02T08:00:00+08:00"))
    assert created


@pytest.mark.django_db
@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "1999-12-31T10:00:00+07:00", "kemarin"])
def test_an_absurd_or_unreadable_time_is_refused_as_invalid(tpl, working, when):
    with pytest.raises(DomainError) as caught:
        visits.record_visit(tpl, body(visited_at=when))
    assert [(e.field, e.code) for e in caught.value.errors] == [("visited_at", "invalid")]


@pytest.mark.django_db
def test_unknown_or_unreadable_enterprises_and_centres_are_refused(tpl, working, kudus_agency):
    outside = EnterpriseFactory(village_id="33.19.01.2001", agency=kudus_agency)
    centre_outside = CentreFactory(village_id="33.19.01.2001", agency=kudus_agency)
    with pytest.raises(DomainError) as caught:
        visits.record_visit(tpl, body(enterprise_ids=[outside.pk, 999_999], centre_ids=[centre_outside.pk]))
    assert codes(caught.value) == ["unknown_enterprise", "unknown_enterprise", "unknown_centre"]
    assert [e.field for e in caught.value.errors] == ["enterprise_ids.0", "enterprise_ids.1", "centre_ids.0"]
    assert Visit.objects.count() == 0


@pytest.mark.django_db
def test_kind_is_required_and_must_be_known(tpl, working):
    with pytest.raises(DomainError) as caught:
        visits.record_visit(tpl, body(kind=""))
    assert codes(caught.value) == ["required"]
    with pytest.raises(DomainError) as caught:
        visits.record_visit(tpl, body(kind="arisan"))
    assert codes(caught.value) == ["invalid_choice"]


@pytest.mark.django_db
def test_a_malformed_client_id_is_refused(tpl, working):
    with pytest.raises(DomainError) as caught:
        visits.record_visit(tpl, body(client_id="kunjungan-1"))
    assert caught.value.code == "invalid_client_id"


@pytest.mark.django_db
def test_a_facilitator_account_without_a_record_is_told(ppu_dinas):
    from sentra.accounts.models import Role
    from sentra.accounts.tests.factories import actor_of, persona

    lonely = actor_of(persona(Role.FACILITATOR, agency=ppu_dinas, username="tpl.tanpa.data"))
    with pytest.raises(DomainError) as caught:
        visits.record_visit(lonely, body())
    assert caught.value.code == "no_facilitator"


@pytest.mark.django_db
def test_a_manager_records_for_a_facilitator_in_their_region_only(ppu_officer, kudus_officer, working):
    visit, created, _ = visits.record_visit(ppu_officer, body(facilitator_id=working.pk))
    assert created and visit.facilitator == working and visit.recorded_by_id == ppu_officer.user_id
    with pytest.raises(DomainError) as caught:
        visits.record_visit(kudus_officer, body(facilitator_id=working.pk))
    assert caught.value.code == "unknown_facilitator"
    with pytest.raises(DomainError) as caught:
        visits.record_visit(ppu_officer, body())
    assert caught.value.code == "facilitator_required"


@pytest.mark.django_db
def test_a_facilitator_cannot_record_for_a_colleague(tpl, working, colleague):
    with pytest.raises(DomainError) as caught:
        visits.record_visit(tpl, body(facilitator_id=colleague.pk))
    assert caught.value.code == "unknown_facilitator"


# --- coordinates: accepted, flagged --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("point", "accuracy", "flag", "warning"),
    [
        (PPU_POINT, 10, LocationFlag.NONE, []),
        (BALIKPAPAN_POINT, 10, LocationFlag.NONE, []),  # next door: a visit across the bay is normal
        (KUDUS_POINT, 10, LocationFlag.OUTSIDE_PLACEMENT, ["outside_placement"]),
        (SINGAPORE_POINT, 10, LocationFlag.OUTSIDE_INDONESIA, ["outside_indonesia"]),
        (JAVA_SEA_POINT, 10, LocationFlag.OUTSIDE_INDONESIA, ["outside_indonesia"]),
        (PPU_POINT, 0, LocationFlag.SUSPECT_MOCK, ["suspect_mock"]),
        ((None, None), None, LocationFlag.NO_FIX, ["no_location"]),
    ],
)
def test_odd_coordinates_are_accepted_with_a_warning_and_flagged(
    tpl, working, point, accuracy, flag, warning
):
    visit, created, notices = visits.record_visit(
        tpl, body(latitude=point[0], longitude=point[1], accuracy_m=accuracy)
    )
    assert created
    assert visit.location_flag == flag
    assert [n.code for n in notices] == warning
    assert all(n.message for n in notices)


# Each once alone (one index read per visit) and once as in a sync batch (the regency's points read
# once into a grid of GRID_DEG cells: PPU_POINT lies on a cell corner, so the offsets cross cells).
BATCH = pytest.mark.parametrize("batch", [False, True], ids=["alone", "batch"])


def cache_for(batch: bool):
    return visits.BatchCache() if batch else None


@BATCH
@pytest.mark.django_db
def test_the_village_comes_from_the_nearest_registered_enterprise(tpl, working, amplang, batch):
    visit, _, _ = visits.record_visit(tpl, body(), cache_for(batch))
    assert visit.village_id == SALOLOANG


@BATCH
@pytest.mark.django_db
def test_an_enterprise_under_2_km_away_in_any_direction_places_the_visit(tpl, working, amplang, batch):
    lat, lon = PPU_POINT
    cache = cache_for(batch)
    for dlat, dlon in [
        ("0.006", "0.006"),
        ("-0.006", "0.006"),
        ("0.006", "-0.006"),
        ("-0.006", "-0.006"),
        ("0", "-0.015"),
    ]:
        visit, _, _ = visits.record_visit(
            tpl,
            body(
                client_id=str(uuid.uuid4()),
                latitude=str(lat + Decimal(dlat)),
                longitude=str(lon + Decimal(dlon)),
            ),
            cache,
        )
        assert visit.village_id == SALOLOANG, (dlat, dlon)


@BATCH
@pytest.mark.django_db
def test_an_enterprise_further_than_2_km_does_not_place_the_visit(tpl, working, amplang, batch):
    lat, lon = PPU_POINT
    # 0.015° north and east: inside the index read's box (±2 km), but 2.4 km away diagonally
    off = Decimal("0.015")
    visit, _, _ = visits.record_visit(
        tpl, body(latitude=str(lat + off), longitude=str(lon + off)), cache_for(batch)
    )
    assert visit.village_id is None


@pytest.mark.django_db
def test_a_chosen_village_must_lie_in_the_placement_regency(tpl, working):
    visit, _, _ = visits.record_visit(tpl, body(latitude=None, longitude=None, village_code="64.09.01.1002"))
    assert visit.village_id == "64.09.01.1002"
    with pytest.raises(DomainError) as caught:
        visits.record_visit(tpl, body(latitude=None, longitude=None, village_code="33.19.01.2001"))
    assert codes(caught.value) == ["village_outside_placement"]
    with pytest.raises(DomainError) as caught:
        visits.record_visit(tpl, body(village_code="64.09.99.9999"))
    assert codes(caught.value) == ["unknown_village"]


# --- what a visit writes beside itself -----------------------------------------------------------


@pytest.mark.django_db
def test_the_caseload_remembers_the_latest_visit_only(tpl, working, amplang):
    centre = CentreFactory(agency=working.agency)
    ent_assignment = AssignmentFactory(facilitator=working, enterprise=amplang)
    centre_assignment = AssignmentFactory(facilitator=working, centre=centre)
    visits.record_visit(
        tpl, body(visited_at="2026-11-10T10:00:00+08:00", enterprise_ids=[amplang.pk], centre_ids=[centre.pk])
    )
    visits.record_visit(tpl, body(visited_at="2026-10-01T10:00:00+08:00", enterprise_ids=[amplang.pk]))
    ent_assignment.refresh_from_db()
    centre_assignment.refresh_from_db()
    assert ent_assignment.last_visit_on == dt.date(2026, 11, 10)  # the older visit synced later: no step back
    assert centre_assignment.last_visit_on == dt.date(2026, 11, 10)
    assert set(VisitEnterprise.objects.values_list("visited_on", flat=True)) == {
        dt.date(2026, 11, 10),
        dt.date(2026, 10, 1),
    }


@pytest.mark.django_db
def test_the_visit_day_is_the_phones_local_day(tpl, working, amplang):
    # 00:30 WITA on 14 Nov is 23:30 WIB on 13 Nov: the facilitator visited on the 14th
    visit, _, _ = visits.record_visit(
        tpl, body(visited_at="2026-11-14T00:30:00+08:00", enterprise_ids=[amplang.pk])
    )
    assert VisitEnterprise.objects.get(visit=visit).visited_on == dt.date(2026, 11, 14)


@pytest.mark.django_db
def test_a_visit_is_placed_and_audited(tpl, working):
    visit, _, _ = visits.record_visit(
        tpl,
        body(
            actions=[{"description": "Daftar SIINas", "due_on": "2026-12-01"}, {"description": "Foto produk"}]
        ),
    )
    assert (visit.regency_code, visit.province_code) == ("64.09", "64")
    assert list(visit.actions.order_by("pk").values_list("description", "due_on")) == [
        ("Daftar SIINas", dt.date(2026, 12, 1)),
        ("Foto produk", None),
    ]
    events = AuditEvent.objects.filter(object_type__in=["facilitators.visit", "facilitators.visitaction"])
    assert events.count() == 3 and {e.username for e in events} == {tpl.username}


@pytest.mark.django_db
def test_the_history_of_a_visit_names_the_places_visited(tpl, working, amplang):
    centre = CentreFactory(agency=working.agency)
    visit, _, _ = visits.record_visit(tpl, body(enterprise_ids=[amplang.pk], centre_ids=[centre.pk]))
    event = AuditEvent.objects.get(object_type="facilitators.visit", object_id=visit.pk)
    assert event.snapshot["enterprises"] == [amplang.pk] and event.snapshot["centres"] == [centre.pk]


@pytest.mark.django_db
def test_a_proposal_in_a_visit_goes_with_it_and_a_bad_one_writes_nothing(tpl, working, amplang):
    from sentra.facilitators.models import EnterpriseProposal

    proposal = {
        "client_id": str(uuid.uuid4()),
        "enterprise_id": amplang.pk,
        "changes": {"workers": 9},
        "base_version": 1,
    }
    visit, created, _ = visits.record_visit(tpl, body(enterprise_ids=[amplang.pk], proposals=[proposal]))
    assert created
    assert EnterpriseProposal.objects.get().visit == visit
    bad = {**proposal, "client_id": str(uuid.uuid4()), "changes": {"no_such_field": 1}}
    with pytest.raises(DomainError) as caught:
        visits.record_visit(tpl, body(proposals=[bad]))
    assert all(e.field.startswith("proposals.0") for e in caught.value.errors)
    assert Visit.objects.count() == 1 and EnterpriseProposal.objects.count() == 1


# --- reads ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_lists_follow_the_scope_rule(tpl, working, colleague_actor, ppu_officer, kudus_officer):
    visits.record_visit(tpl, body())
    visits.record_visit(tpl, body(latitude=KUDUS_POINT[0], longitude=KUDUS_POINT[1]))
    assert visits.visit_list(tpl).count() == 2
    assert visits.visit_list(ppu_officer).count() == 2
    assert visits.visit_list(ppu_officer, flagged=True).count() == 1
    assert visits.visit_list(colleague_actor).count() == 0
    assert visits.visit_list(kudus_officer).count() == 0
    assert KUDUS[:2] != "64"
