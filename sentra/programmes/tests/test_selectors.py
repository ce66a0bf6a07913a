"""Budget-control figures: absorption, deviation, lag and early warnings, against hand-computed values."""

from __future__ import annotations

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.conftest import KALTIM, KUDUS, PPU
from sentra.programmes.models import BudgetDocument, BudgetPolicy, DisbursementPlan
from sentra.programmes.selectors import (
    ControlFilter,
    control_figures,
    control_total,
    lagging_activities,
    output_achievement_total,
    quarter_target,
)
from sentra.registry.tests.factories import AgencyFactory

from .factories import YEAR, BudgetDocumentFactory, BudgetLineFactory, OutputFactory, RealisationFactory

pytestmark = pytest.mark.django_db

M = 1_000_000


def funded(agency, pagu: int, plan: list[int], realised: dict[int, int], kind="apbn"):
    """An activity with one budget line, its RPD and realisation by month."""
    document = BudgetDocument.objects.filter(agency=agency, kind=kind).first()
    line = BudgetLineFactory(
        document=document or BudgetDocumentFactory(agency=agency, kind=kind), amount=pagu
    )
    DisbursementPlan.objects.create(line=line, **{f"m{m:02d}": v for m, v in enumerate(plan, 1)})
    for month, amount in realised.items():
        RealisationFactory(activity=line.activity, month=month, amount=amount)
    return line.activity


@pytest.fixture
def kaltim():
    return AgencyFactory(name="Disperindagkop Kaltim", kind="province_industry", region_id=KALTIM)


@pytest.fixture
def kudus():
    return AgencyFactory(name="Dinas Perindustrian Kudus", kind="regency_industry", region_id=KUDUS)


@pytest.fixture
def year(kaltim, kudus):
    """Kaltim plans 10 M a month and spends it; Kudus plans the same and spends half."""
    on_track = funded(kaltim, 120 * M, [10 * M] * 12, {m: 10 * M for m in range(1, 7)})
    lagging = funded(kudus, 120 * M, [10 * M] * 12, {m: 5 * M for m in range(1, 7)})
    return on_track, lagging


def test_absorption_is_realisation_to_date_over_pagu(system_actor, year):
    total = control_total(actor=system_actor, f=ControlFilter(fiscal_year=YEAR, month=6))
    assert total.pagu == 240 * M
    assert total.realised_to_date == 90 * M  # 60 M + 30 M
    assert total.absorption == pytest.approx(37.5)
    assert total.planned_absorption == pytest.approx(50.0)
    assert total.activities == 2


def test_figures_group_by_province(system_actor, year):
    rows = {r.key: r for r in control_figures(actor=system_actor, f=ControlFilter(YEAR, 6), group="province")}
    assert rows[KALTIM].absorption == pytest.approx(50.0)
    assert rows["33"].absorption == pytest.approx(25.0)


def test_deviation_is_the_monthly_gap_to_the_rpd_averaged(system_actor, year):
    rows = {r.key: r for r in control_figures(actor=system_actor, f=ControlFilter(YEAR, 6), group="province")}
    assert rows[KALTIM].deviation == 0
    assert rows["33"].monthly_deviation() == [50.0] * 6
    assert rows["33"].deviation == 50.0


def test_s_curve_is_cumulative_and_stops_at_the_month(system_actor, year):
    curve = control_total(actor=system_actor, f=ControlFilter(YEAR, 6)).s_curve()
    assert curve[5] == {"month": 6, "plan": 50.0, "realised": 37.5}
    assert curve[11]["plan"] == 100.0 and curve[11]["realised"] is None


def test_the_lagging_activity_is_flagged_with_how_long_it_lags(system_actor, year):
    on_track, lagging = year
    warnings = lagging_activities(actor=system_actor, f=ControlFilter(YEAR, 6))
    assert [w.activity for w in warnings] == [lagging]
    # plan − realisation: 4.17, 8.33, 12.5, 16.67, 20.83, 25 points; above 10 since March
    assert warnings[0].months_lagging == 4
    assert warnings[0].figures.lag == pytest.approx(25.0)


def test_the_threshold_is_configurable(system_actor, year):
    BudgetPolicy.objects.create(fiscal_year=YEAR, lag_threshold=30)
    assert lagging_activities(actor=system_actor, f=ControlFilter(YEAR, 6)) == []


def test_quarter_targets_default_and_configurable():
    assert [quarter_target(YEAR, m) for m in (3, 6, 9, 12)] == [15, 40, 60, 90]
    BudgetPolicy.objects.create(fiscal_year=YEAR, target_q2=45)
    assert quarter_target(YEAR, 5) == 45


def test_output_achievement_uses_the_latest_month(system_actor, kaltim):
    activity = funded(kaltim, 12 * M, [M] * 12, {})
    OutputFactory(activity=activity, target=40)
    RealisationFactory(activity=activity, month=1, amount=M, output_achieved=10)
    RealisationFactory(activity=activity, month=2, amount=M, output_achieved=30)
    assert output_achievement_total(actor=system_actor, f=ControlFilter(YEAR, 2)) == 75.0
    assert output_achievement_total(actor=system_actor, f=ControlFilter(YEAR, 1)) == 25.0


def test_figures_are_scoped_to_the_reader(year):
    officer = actor_of(persona(Role.PROVINCE_OFFICER, region=KALTIM))
    rows = control_figures(actor=officer, f=ControlFilter(YEAR, 6), group="province")
    assert [r.key for r in rows] == [KALTIM]
    regency = actor_of(persona(Role.REGENCY_OFFICER, region=PPU))
    assert control_total(actor=regency, f=ControlFilter(YEAR, 6)).pagu == 0


def test_a_new_realisation_shows_at_once(system_actor, year):
    on_track, _ = year
    before = control_total(actor=system_actor, f=ControlFilter(YEAR, 7)).realised_to_date
    RealisationFactory(activity=on_track, month=7, amount=10 * M)
    after = control_total(actor=system_actor, f=ControlFilter(YEAR, 7)).realised_to_date
    assert after - before == 10 * M


def test_the_early_warning_list_can_be_cut_to_the_worst(system_actor, year, kaltim):
    worse = funded(kaltim, 120 * M, [10 * M] * 12, {1: M})
    _, lagging = year
    warnings = lagging_activities(actor=system_actor, f=ControlFilter(YEAR, 6), limit=1)
    assert [w.activity for w in warnings] == [worse]
    assert [w.activity for w in lagging_activities(actor=system_actor, f=ControlFilter(YEAR, 6))] == [
        worse,
        lagging,
    ]


def test_output_achievement_by_group_averages_capped_activities(system_actor, kaltim, kudus):
    from sentra.programmes.selectors import output_achievement_by

    for agency, achieved in ((kaltim, 10), (kaltim, 50), (kudus, 80)):
        activity = funded(agency, 12 * M, [M] * 12, {})
        OutputFactory(activity=activity, target=40)
        RealisationFactory(activity=activity, month=1, amount=M, output_achieved=achieved)
    by_province = output_achievement_by(actor=system_actor, f=ControlFilter(YEAR, 1), group="province")
    assert by_province == {KALTIM: 62.5, "33": 100.0}  # (25 + 125 capped to 100) / 2; 200 capped


def _mixed_year(kaltim, kudus):
    """Activities with and without a plan, a realisation, an output, or a pagu; two outputs on one."""
    on_track = funded(kaltim, 120 * M, [10 * M] * 12, {m: 10 * M for m in range(1, 7)})
    OutputFactory(activity=on_track, target=40)
    OutputFactory(activity=on_track, target=5)  # not the main output
    RealisationFactory(activity=on_track, month=7, amount=M, output_achieved=12)
    behind = funded(kudus, 60 * M, [5 * M] * 12, {1: M, 4: 2 * M})
    OutputFactory(activity=behind, target=0)  # no target: no achievement
    unplanned = funded(kudus, 30 * M, [0] * 12, {2: 3 * M}, kind="dekon")
    OutputFactory(activity=unplanned, target=8)
    funded(kaltim, 0, [0] * 12, {})  # no pagu: never lagging
    return on_track, behind, unplanned


@pytest.mark.parametrize("month", [3, 6, 12])
def test_a_page_of_lagging_activities_is_the_same_slice_of_the_whole_list(system_actor, kaltim, kudus, month):
    from sentra.programmes.selectors import lagging_page, lagging_rows

    _mixed_year(kaltim, kudus)
    for n in range(5):  # more lagging activities, some with the same lag
        funded(kudus, 12 * M, [M] * 12, {1: n * M // 4})
        funded(kaltim, 24 * M, [2 * M] * 12, {1: n * M // 2})
    f = ControlFilter(YEAR, month)
    everything = lagging_rows(actor=system_actor, f=f)
    assert len(everything) > 5
    for offset, limit in ((0, 3), (3, 3), (0, 100), (len(everything), 5)):
        count, page = lagging_page(actor=system_actor, f=f, limit=limit, offset=offset)
        assert count == len(everything)
        assert page == everything[offset : offset + limit]


def test_a_page_of_lagging_activities_is_scoped_and_uses_the_threshold(kaltim, kudus):
    from sentra.programmes.selectors import lagging_page

    _on_track, behind, _unplanned = _mixed_year(kaltim, kudus)
    officer = actor_of(persona(Role.PROVINCE_OFFICER, region=KALTIM))
    # Kaltim spends its plan
    assert lagging_page(actor=officer, f=ControlFilter(YEAR, 6), limit=10) == (0, [])
    national = actor_of(persona(Role.MINISTRY_ADMIN))
    count, rows = lagging_page(actor=national, f=ControlFilter(YEAR, 6), limit=10)
    assert (count, [row.activity_id for row in rows]) == (1, [behind.pk])  # 50 % planned, 5 % spent
    assert lagging_page(actor=national, f=ControlFilter(YEAR, 6), limit=10, threshold=50) == (0, [])


@pytest.mark.parametrize("group", ["province", "regency", "agency", "kind", "activity"])
def test_output_achievement_per_group_reads_each_activity_once(system_actor, kaltim, kudus, group):
    from sentra.programmes.selectors import (
        control_activities,
        output_achievement_rows,
        output_achievement_summary,
        output_achievements,
    )

    on_track, behind, unplanned = _mixed_year(kaltim, kudus)
    f = ControlFilter(YEAR, 12)
    rows = output_achievement_rows(actor=system_actor, f=f, group=group)
    assert {pk: value for pk, _key, value in rows} == output_achievements(
        activity_ids=control_activities(actor=system_actor, f=f).values("id"), month=12
    )
    assert {pk: value for pk, _key, value in rows} == {on_track.pk: 30.0, behind.pk: None, unplanned.pk: 0.0}
    summary, total = output_achievement_summary(actor=system_actor, f=f, group=group)
    assert total == 15.0  # (30 + 0) / 2: the activity without a target does not count
    if group == "province":
        assert summary == {KALTIM: 30.0, "33": 0.0}


def test_output_achievement_takes_the_first_output_and_the_latest_month_up_to_the_date(system_actor, kaltim):
    from sentra.programmes.selectors import output_achievements

    activity = funded(kaltim, 12 * M, [M] * 12, {})
    OutputFactory(activity=activity, target=40)
    OutputFactory(activity=activity, target=4)
    RealisationFactory(activity=activity, month=2, amount=M, output_achieved=10)
    RealisationFactory(activity=activity, month=5, amount=M, output_achieved=30)
    assert output_achievements(activity_ids=[activity.pk], month=4) == {activity.pk: 25.0}
    assert output_achievements(activity_ids=[activity.pk], month=12) == {activity.pk: 75.0}
    assert output_achievements(activity_ids=[activity.pk], month=1) == {activity.pk: 0.0}
    assert output_achievements(activity_ids=[], month=12) == {}


@pytest.mark.parametrize(
    "group", [None, "province", "regency", "agency", "kind", "funding_source", "activity"]
)
def test_figures_are_the_sums_of_lines_plans_and_realisations(system_actor, kaltim, kudus, group):
    """Pagu and plan come from one pass over the lines, the realisation by (group, month) or per
    activity by month: whatever the query shape, each group adds up exactly its own rows."""
    from sentra.programmes.models import Activity, BudgetLine, Realisation
    from sentra.programmes.selectors import GROUPS

    on_track, behind, _unplanned = _mixed_year(kaltim, kudus)
    # A second line without a plan (its pagu counts, no plan) and a realisation in December.
    BudgetLineFactory(
        document=BudgetDocument.objects.filter(agency=kudus).first(),
        activity=behind,
        account_group="53",
        amount=7 * M,
    )
    RealisationFactory(activity=on_track, month=12, amount=3 * M)
    key = GROUPS[group] if group else None
    expected: dict = {}

    def of(activity):
        k = getattr(activity, key) if key else None
        return expected.setdefault(k, {"pagu": 0, "plan": [0] * 12, "realised": [0] * 12, "activities": 0})

    for activity in Activity.objects.all():
        of(activity)["activities"] += 1
    for line in BudgetLine.objects.select_related("activity", "plan"):
        row = of(line.activity)
        row["pagu"] += line.amount
        plan = getattr(line, "plan", None)
        if plan is not None:
            row["plan"] = [a + getattr(plan, f"m{m:02d}") for m, a in enumerate(row["plan"], 1)]
    for realisation in Realisation.objects.select_related("activity"):
        of(realisation.activity)["realised"][realisation.month - 1] += realisation.amount

    rows = control_figures(actor=system_actor, f=ControlFilter(YEAR, 9), group=group)
    assert {
        r.key: {"pagu": r.pagu, "plan": r.plan, "realised": r.realised, "activities": r.activities}
        for r in rows
    } == expected


def test_lagging_rows_read_pagu_plan_and_realisation_to_the_month(system_actor, kaltim, kudus):
    from sentra.programmes.selectors import Lag, lagging_rows

    _on_track, behind, unplanned = _mixed_year(kaltim, kudus)
    extra = BudgetDocument.objects.filter(agency=kudus, kind="apbn").first()
    BudgetLineFactory(document=extra, activity=behind, account_group="53", amount=7 * M)  # pagu only, no plan
    RealisationFactory(activity=behind, month=7, amount=50 * M)  # after the month: not counted
    rows = lagging_rows(actor=system_actor, f=ControlFilter(YEAR, 6), threshold=10)
    # behind: pagu 60 + 7 M, planned 6 × 5 M, realised 1 + 2 M to June
    assert rows == [Lag(behind.pk, 67 * M, 30 * M, 3 * M)]
    assert unplanned.pk not in [row.activity_id for row in rows]


def test_output_achievement_is_read_without_jit_on_postgresql(system_actor, kaltim):
    """The national year's achievement query is priced above jit_above_cost but runs faster
    uncompiled: JIT is off for that query only and the session's setting is restored."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("JIT is a PostgreSQL setting")
    activity = funded(kaltim, 12 * M, [M] * 12, {})
    OutputFactory(activity=activity, target=40)
    RealisationFactory(activity=activity, month=1, amount=M, output_achieved=10)
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        before = cursor.fetchone()[0]
    with CaptureQueriesContext(connection) as queries:
        assert output_achievement_total(actor=system_actor, f=ControlFilter(YEAR, 1)) == 25.0
    sql = [q["sql"] for q in queries.captured_queries]
    read = next(i for i, text in enumerate(sql) if "programmes_output" in text)
    assert (sql[read - 1], sql[read + 1]) == ("SET jit = off", "RESET jit")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == before
