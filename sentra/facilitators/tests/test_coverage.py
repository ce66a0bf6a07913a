"""Coverage and performance of the facilitators (issue 16 §6): hand-counted figures per province, per
regency and per facilitator of a regency, each persona's scope (404 outside, none for a facilitator),
and a number of queries that does not grow with the data. The clock stands at 16 November 2026 (WIB).
"""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from sentra.conftest import KALTIM, KUDUS, PPU
from sentra.core.errors import AccessDenied, NotFound
from sentra.facilitators import coverage
from sentra.facilitators.models import MonthlyReport, Visit
from sentra.regions.models import Region
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

from .factories import AssignmentFactory, ContractFactory, FacilitatorFactory

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
KUTIM = "64.08"  # Kabupaten Kutai Timur: a centre, no facilitator


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # the centre and IKM totals are the dashboard's cached counts
    yield
    cache.clear()


def village_of(regency: str) -> str:
    return (
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=regency + ".")
        .order_by("code")[0]
        .code
    )


def visit(facilitator, when: dt.datetime) -> Visit:
    return Visit.objects.create(
        client_id=uuid.uuid4(),
        facilitator=facilitator,
        visited_at=when,
        kind="coaching",
        province_code=facilitator.province_code,
        regency_code=facilitator.regency_code,
    )


def report(facilitator, submitted: dt.datetime | None, status: str = "submitted") -> MonthlyReport:
    return MonthlyReport.objects.create(
        facilitator=facilitator,
        month=dt.date(2026, 10, 1),
        due_on=dt.date(2026, 11, 5),
        verification_status=status,
        submitted_at=submitted,
        province_code=facilitator.province_code,
        regency_code=facilitator.regency_code,
    )


@pytest.fixture
def world(facilitator, colleague, kudus_facilitator, ppu_dinas, kudus_agency):
    """PPU: Nur Aisyah and Andi Saputra active, Budi on leave; three centres and four IKM. Kudus: Siti
    Rohmah with one centre and two IKM. Kutai Timur: one centre, nobody."""
    on_leave = FacilitatorFactory(
        name="Budi Santoso", agency=ppu_dinas, home_region_id=PPU, status="on_leave"
    )
    c1, c2, c3 = (CentreFactory(name=f"Sentra PPU {i}", agency=ppu_dinas) for i in (1, 2, 3))
    e1, e2, e3, e4 = (EnterpriseFactory(name=f"IKM PPU {i}", agency=ppu_dinas) for i in (1, 2, 3, 4))
    kudus_village = village_of(KUDUS)
    k1 = CentreFactory(name="Sentra Jenang Kudus", agency=kudus_agency, village_id=kudus_village)
    e5 = EnterpriseFactory(name="IKM Kudus 1", agency=kudus_agency, village_id=kudus_village)
    EnterpriseFactory(name="IKM Kudus 2", agency=kudus_agency, village_id=kudus_village)
    CentreFactory(name="Sentra Kutai Timur", agency=ppu_dinas, village_id=village_of(KUTIM))

    a, b = facilitator, colleague
    AssignmentFactory(facilitator=a, centre=c1)
    AssignmentFactory(facilitator=a, enterprise=e1, last_visit_on=dt.date(2026, 11, 1))
    AssignmentFactory(facilitator=a, enterprise=e2, last_visit_on=dt.date(2026, 7, 1))  # > 90 days ago
    AssignmentFactory(facilitator=a, enterprise=e3, ends_on=dt.date(2026, 6, 30))  # ended: not covered
    AssignmentFactory(facilitator=a, centre=c3, starts_on=dt.date(2026, 12, 1))  # not started yet
    AssignmentFactory(facilitator=b, centre=c1)  # a centre with two facilitators counts once
    AssignmentFactory(facilitator=b, centre=c2)
    AssignmentFactory(facilitator=b, enterprise=e1, last_visit_on=dt.date(2026, 10, 20))
    # Assigned six weeks ago and not visited yet: not "90 days without a visit".
    AssignmentFactory(facilitator=b, enterprise=e4, starts_on=dt.date(2026, 10, 1))
    AssignmentFactory(facilitator=kudus_facilitator, centre=k1)
    AssignmentFactory(facilitator=kudus_facilitator, enterprise=e5)  # never visited, since January

    visit(a, dt.datetime(2026, 11, 3, 10, 0, tzinfo=WIB))
    visit(a, dt.datetime(2026, 11, 1, 0, 30, tzinfo=WIB))  # November in WIB (still 31 Oct in UTC)
    visit(a, dt.datetime(2026, 10, 31, 23, 30, tzinfo=WIB))
    visit(a, dt.datetime(2026, 6, 10, 9, 0, tzinfo=WIB))
    visit(a, dt.datetime(2026, 5, 20, 9, 0, tzinfo=WIB))  # before the six months
    visit(b, dt.datetime(2026, 11, 5, 9, 0, tzinfo=WIB))
    visit(kudus_facilitator, dt.datetime(2026, 11, 2, 9, 0, tzinfo=WIB))

    ContractFactory(facilitator=a, period_end=dt.date(2026, 12, 31))  # ends in 45 days
    renewed = ContractFactory(facilitator=b, period_end=dt.date(2026, 12, 31))
    ContractFactory(
        facilitator=b,
        previous=renewed,
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
        contract_year=2,
    )
    ContractFactory(facilitator=on_leave, period_end=dt.date(2026, 12, 10))
    ContractFactory(facilitator=kudus_facilitator, period_end=dt.date(2027, 6, 30))  # too far
    ContractFactory(  # ended last week
        facilitator=kudus_facilitator, period_start=dt.date(2025, 11, 1), period_end=dt.date(2026, 11, 10)
    )

    report(a, dt.datetime(2026, 11, 5, 23, 0, tzinfo=WIB))  # on the due date, late evening: on time
    report(b, dt.datetime(2026, 11, 6, 0, 30, tzinfo=WIB))  # after it: late (5 Nov in UTC)
    # Sent on time, returned by the Dinas and not sent again: not in (as reports.late_reports counts).
    report(kudus_facilitator, dt.datetime(2026, 11, 3, 9, 0, tzinfo=WIB), status="returned")
    report(on_leave, dt.datetime(2026, 11, 1, 9, 0, tzinfo=WIB))  # not active: not counted
    return {"a": a, "b": b, "on_leave": on_leave}


def figures(row) -> dict:
    return {
        "facilitators": row.facilitators,
        "centres": (row.centres, row.centres_covered, row.centres_uncovered, row.centre_share),
        "enterprises": (row.enterprises, row.enterprises_covered, row.enterprises_uncovered),
        "visits": (row.visits_month, row.visits_by_month, row.visits_per_facilitator),
        "not_visited_90": row.not_visited_90,
        "contracts_ending": row.contracts_ending,
        "reports": (row.reports_on_time, row.reports_late, row.reports_missing),
    }


def test_national_figures_per_province(world, ministry_admin):
    data = coverage.region_coverage(actor=ministry_admin, region=None)

    assert data.level == "province"
    assert data.month == dt.date(2026, 11, 1)
    assert data.months[0] == dt.date(2026, 6, 1)
    assert data.report_month == dt.date(2026, 10, 1)
    assert data.report_due_passed is True
    rows = {row.code: row for row in data.rows}
    assert len(rows) == Region.objects.filter(level=Region.Level.PROVINCE).count()  # zeros included
    assert figures(rows[KALTIM]) == {
        "facilitators": 2,  # Budi is on leave
        "centres": (4, 2, 2, 50.0),  # c1 (twice) and c2 of 3 in PPU + 1 in Kutai Timur
        "enterprises": (4, 3, 1),  # e1 (twice), e2, e4; e3's assignment has ended
        "visits": (3, [1, 0, 0, 0, 1, 3], 0.4),  # June .. November; 5 visits ÷ 6 months ÷ 2
        "not_visited_90": 1,  # e2; e4 was assigned too recently
        "contracts_ending": 2,  # Nur Aisyah's and Budi's; Andi's is renewed
        "reports": (1, 1, 0),
    }
    assert figures(rows[KUDUS[:2]]) == {
        "facilitators": 1,
        "centres": (1, 1, 0, 100.0),
        "enterprises": (2, 1, 1),
        "visits": (1, [0, 0, 0, 0, 0, 1], 0.2),
        "not_visited_90": 1,  # assigned in January, never visited
        "contracts_ending": 0,
        "reports": (0, 0, 1),  # a returned report is not in
    }
    assert figures(rows["11"]) == figures(coverage.CoverageRow(code="11", name=""))
    assert (data.total.facilitators, data.total.centres, data.total.centres_covered) == (3, 5, 3)
    assert (data.total.visits_month, data.total.reports_missing) == (4, 1)


def test_a_province_has_a_row_per_regency(world, kaltim_officer):
    data = coverage.region_coverage(actor=kaltim_officer, region=Region.objects.get(code=KALTIM))

    assert data.level == "regency"
    rows = {row.code: row for row in data.rows}
    assert set(rows) == set(Region.objects.filter(parent_id=KALTIM).values_list("code", flat=True))
    assert figures(rows[PPU])["centres"] == (3, 2, 1, 66.7)
    assert figures(rows[PPU])["facilitators"] == 2
    assert figures(rows[KUTIM])["centres"] == (1, 0, 1, 0.0)
    assert rows[KUTIM].facilitators == 0 and rows[KUTIM].visits_per_facilitator is None


def test_a_regency_lists_its_facilitators(world, ppu_officer):
    data = coverage.region_coverage(actor=ppu_officer, region=Region.objects.get(code=PPU))

    assert data.level == "facilitator"
    assert [row.code for row in data.rows] == [PPU]
    by_name = {row.facilitator.name: row for row in data.facilitators}
    assert list(by_name) == ["Andi Saputra", "Budi Santoso", "Nur Aisyah"]
    a, b, c = by_name["Nur Aisyah"], by_name["Andi Saputra"], by_name["Budi Santoso"]
    assert (a.centres, a.enterprises, a.not_visited_90, a.visits_month) == (1, 2, 1, 2)
    assert a.last_visit == dt.datetime(2026, 11, 3, 10, 0, tzinfo=WIB)
    assert (a.contract_end, a.contract_ending) == (dt.date(2026, 12, 31), True)
    assert (a.report_status, a.report_timeliness) == ("submitted", "on_time")
    assert (b.centres, b.enterprises, b.not_visited_90, b.visits_month) == (2, 2, 0, 1)
    assert (b.contract_end, b.contract_ending) == (dt.date(2027, 12, 31), False)  # renewed
    assert b.report_timeliness == "late"
    assert (c.centres, c.last_visit, c.report_timeliness) == (0, None, "on_time")


def test_another_month_moves_the_visits_and_the_reports(world, ministry_admin):
    data = coverage.region_coverage(actor=ministry_admin, region=None, month=dt.date(2026, 10, 1))

    kaltim = next(row for row in data.rows if row.code == KALTIM)
    assert (kaltim.visits_month, kaltim.visits_by_month) == (1, [1, 1, 0, 0, 0, 1])  # May .. October
    assert data.report_month == dt.date(2026, 9, 1)
    assert (kaltim.reports_on_time, kaltim.reports_late, kaltim.reports_missing) == (0, 0, 2)


def test_each_report_is_timed_against_its_own_due_date(world, ministry_admin):
    """A report given a later due date (an extension) is on time until the end of that day (WIB)."""
    a, b = world["a"], world["b"]
    MonthlyReport.objects.filter(facilitator=b).update(due_on=dt.date(2026, 11, 6))  # 00:30 on the 6th
    rows = {row.code: row for row in coverage.region_coverage(actor=ministry_admin, region=None).rows}
    assert (rows[KALTIM].reports_on_time, rows[KALTIM].reports_late) == (2, 0)
    MonthlyReport.objects.filter(facilitator=a).update(due_on=dt.date(2026, 11, 4))  # 23:00 on the 5th
    rows = {row.code: row for row in coverage.region_coverage(actor=ministry_admin, region=None).rows}
    assert (rows[KALTIM].reports_on_time, rows[KALTIM].reports_late) == (1, 1)


def test_reports_not_yet_due_are_not_late(world, ministry_admin):
    data = coverage.region_coverage(actor=ministry_admin, region=None, month=dt.date(2026, 12, 1))

    assert data.report_month == dt.date(2026, 11, 1)
    assert data.report_due_passed is False


def test_each_reader_sees_their_own_scope(world, ppu_officer, kaltim_officer, kudus_officer, tpl, viewer):
    assert coverage.coverage_region(actor=ppu_officer, code=None).code == PPU  # lands on its regency
    assert coverage.coverage_region(actor=kaltim_officer, code=PPU).code == PPU
    for actor, code in [(ppu_officer, KUDUS), (ppu_officer, KALTIM), (kudus_officer, PPU), (viewer, "33")]:
        with pytest.raises(NotFound):
            coverage.coverage_region(actor=actor, code=code)
    with pytest.raises(NotFound):
        coverage.coverage_region(actor=kaltim_officer, code="64.09.01")  # below a regency
    with pytest.raises(AccessDenied):
        coverage.coverage_region(actor=tpl, code=None)
    with pytest.raises(AccessDenied):
        coverage.region_coverage(actor=tpl, region=None)

    data = coverage.region_coverage(actor=kudus_officer, region=Region.objects.get(code=KUDUS))
    assert [f.facilitator.name for f in data.facilitators] == ["Siti Rohmah"]
    assert data.total.centres == 1 and data.total.enterprises == 2


def test_a_regency_officer_reading_the_country_sees_only_its_regency(world, ppu_officer):
    data = coverage.region_coverage(actor=ppu_officer, region=None)

    assert data.total.facilitators == 2 and data.total.centres == 3  # Kudus and Kutai Timur unseen
    assert data.total.reports_missing == 0


def test_the_number_of_queries_does_not_grow_with_the_data(
    world, ministry_admin, ppu_officer, django_assert_max_num_queries, kudus_agency
):
    # regions, IKM, centres (cached after), then 5 figures and the month's report due dates
    with django_assert_max_num_queries(9):
        coverage.region_coverage(actor=ministry_admin, region=None)
    for i in range(5):
        f = FacilitatorFactory(name=f"Tambahan {i}", agency=kudus_agency, home_region_id=KUDUS)
        visit(f, dt.datetime(2026, 11, 4, 9, 0, tzinfo=WIB))
        ContractFactory(facilitator=f)
        report(f, dt.datetime(2026, 11, 2, 9, 0, tzinfo=WIB))
    cache.clear()
    with django_assert_max_num_queries(9):
        coverage.region_coverage(actor=ministry_admin, region=None)
    with django_assert_max_num_queries(6):  # the totals come from the cache now
        coverage.region_coverage(actor=ministry_admin, region=None)
    regency = Region.objects.get(code=PPU)
    with django_assert_max_num_queries(17):
        coverage.region_coverage(actor=ppu_officer, region=regency)


def test_parse_month():
    assert coverage.parse_month("2026-02") == dt.date(2026, 2, 1)
    assert coverage.parse_month("") is None
    for bad in ("2026-13", "26-01", "2026/01", "abcd-ef", "1999-12"):
        with pytest.raises(ValueError):
            coverage.parse_month(bad)
