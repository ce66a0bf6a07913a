"""Pins of the budget-control and plan rules at their exact boundaries (issue 14.7), each written
against a single plausible mistake that the other tests let through:

- deviation: a month with spending and no plan deviates 100 % (domain-facts §3), not 0;
- lag = plan % − realisation % is signed: an activity ahead of its plan has a negative lag and
  never lands on the early-warning list;
- an activity lags when its lag is ABOVE the threshold: exactly at the threshold is no warning, and
  "months lagging" counts only the consecutive months strictly above it;
- the current month is not in the future: its realisation may be recorded today;
- a one-day activity (start = end) is a valid schedule.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sentra.core.errors import DomainError
from sentra.programmes import services
from sentra.programmes.models import Activity, BudgetDocument, DisbursementPlan
from sentra.programmes.selectors import (
    ControlFigures,
    ControlFilter,
    Lag,
    lagging_activities,
    lagging_page,
    lagging_rows,
)
from sentra.programmes.services import check_realisation
from sentra.registry.tests.factories import AgencyFactory

from .factories import YEAR, BudgetDocumentFactory, BudgetLineFactory, RealisationFactory

M = 1_000_000


def funded(agency, pagu: int, plan: list[int], realised: dict[int, int]):
    """An activity with one budget line, its RPD and realisation by month."""
    document = BudgetDocument.objects.filter(agency=agency, kind="apbn").first()
    document = document or BudgetDocumentFactory(agency=agency, kind="apbn")
    line = BudgetLineFactory(document=document, amount=pagu)
    DisbursementPlan.objects.create(line=line, **{f"m{m:02d}": v for m, v in enumerate(plan, 1)})
    for month, amount in realised.items():
        RealisationFactory(activity=line.activity, month=month, amount=amount)
    return line.activity


# --- deviation -----------------------------------------------------------------------------------


def test_a_month_with_spending_but_no_plan_deviates_a_hundred_percent():
    figures = ControlFigures(
        pagu=100 * M, plan=[0, 10 * M, 0] + [0] * 9, realised=[5 * M, 10 * M, 0] + [0] * 9, month=3
    )
    # January: spent without a plan (100 %); February: as planned (0); March: neither (0).
    assert figures.monthly_deviation() == [100.0, 0.0, 0.0]
    assert figures.deviation == pytest.approx(33.33)


# --- lag -----------------------------------------------------------------------------------------


def test_the_lag_of_an_activity_ahead_of_its_plan_is_negative():
    ahead = ControlFigures(pagu=100 * M, plan=[10 * M] * 10 + [0, 0], realised=[30 * M] + [0] * 11, month=1)
    assert ahead.planned_absorption == 10.0 and ahead.absorption == 30.0
    assert ahead.lag == -20.0
    assert Lag(activity_id=1, pagu=100 * M, plan_to_date=10 * M, realised_to_date=30 * M).lag == -20.0


@pytest.fixture
def agency(db):
    return AgencyFactory(name="Disperindagkop Kaltim", kind="province_industry", region_id="64")


def test_an_activity_far_ahead_of_its_plan_is_no_early_warning(system_actor, agency):
    funded(agency, 100 * M, [10 * M] * 10 + [0, 0], {1: 40 * M})  # 30 points ahead in January
    f = ControlFilter(YEAR, 1)
    assert lagging_rows(actor=system_actor, f=f) == []
    assert lagging_activities(actor=system_actor, f=f) == []
    assert lagging_page(actor=system_actor, f=f, limit=10) == (0, [])


# --- the early-warning threshold (default 10 points) ---------------------------------------------


def test_a_lag_exactly_at_the_threshold_is_no_warning_just_above_it_is(system_actor, agency):
    plan = [10 * M] * 10 + [0, 0]  # 60 M planned by June
    at = funded(agency, 100 * M, plan, {1: 50 * M})  # 60 % − 50 % = 10 points: at the threshold
    above = funded(agency, 100 * M, plan, {1: 49 * M})  # 11 points: above it
    f = ControlFilter(YEAR, 6)
    assert [row.activity_id for row in lagging_rows(actor=system_actor, f=f)] == [above.pk]
    assert [w.activity for w in lagging_activities(actor=system_actor, f=f)] == [above]
    count, rows = lagging_page(actor=system_actor, f=f, limit=10)
    assert (count, [row.activity_id for row in rows]) == (1, [above.pk])
    assert at.pk not in {row.activity_id for row in rows}
    # the threshold passed by the caller follows the same strict rule
    assert [row.activity_id for row in lagging_rows(actor=system_actor, f=f, threshold=11)] == []


def test_months_lagging_counts_only_the_consecutive_months_above_the_threshold(system_actor, agency):
    # Cumulative lag: January 0, February 0, March exactly 10, April 20, May 30, June 40 points.
    activity = funded(agency, 100 * M, [10 * M] * 10 + [0, 0], {1: 10 * M, 2: 10 * M})
    warnings = lagging_activities(actor=system_actor, f=ControlFilter(YEAR, 6))
    assert [w.activity for w in warnings] == [activity]
    assert warnings[0].months_lagging == 3  # April, May, June; March is at the threshold
    assert lagging_activities(actor=system_actor, f=ControlFilter(YEAR, 4))[0].months_lagging == 1


def test_months_ahead_of_the_plan_do_not_count_as_months_lagging(system_actor, agency):
    # January: 20 points ahead (nothing planned, 20 M spent); February: 30 points behind.
    activity = funded(agency, 100 * M, [0, 50 * M, 50 * M] + [0] * 9, {1: 20 * M})
    warnings = lagging_activities(actor=system_actor, f=ControlFilter(YEAR, 2))
    assert [(w.activity, w.months_lagging) for w in warnings] == [(activity, 1)]


# --- realisation months --------------------------------------------------------------------------


def month_errors(month: int, today: dt.date) -> list[str]:
    activity = Activity(fiscal_year=YEAR)
    errors = check_realisation(
        activity=activity,
        month=month,
        amount=0,
        physical_progress=0,
        other_months_total=0,
        pagu=0,
        today=today,
    )
    return [error.code for error in errors]


def test_the_current_month_may_be_recorded_the_next_one_not(fixed_clock):
    today = timezone.localdate()
    assert (today.year, today.month) == (YEAR, 11)  # the suite's fixed clock
    assert month_errors(11, today) == []
    assert month_errors(12, today) == ["future_month"]
    first_of_month = dt.date(YEAR, 11, 1)
    assert month_errors(11, first_of_month) == []


def test_the_service_records_this_months_realisation_on_the_fixed_clock(system_actor, agency):
    activity = funded(agency, 120 * M, [10 * M] * 12, {})
    record = services.realisation_record(
        actor=system_actor, activity=activity, month=11, amount=10 * M, physical_progress=50
    )
    assert record.pk and record.month == 11
    with pytest.raises(DomainError) as raised:
        services.realisation_record(
            actor=system_actor, activity=activity, month=12, amount=10 * M, physical_progress=50
        )
    assert raised.value.code == "future_month"


# --- activity schedule ---------------------------------------------------------------------------


def test_a_one_day_activity_is_a_valid_schedule(system_actor, agency):
    programme = services.programme_create(
        actor=system_actor, fiscal_year=YEAR, agency=agency, code="P1", name="Program"
    )
    day = dt.date(YEAR, 3, 10)
    activity = services.activity_create(
        actor=system_actor,
        programme=programme,
        code="A1",
        name="Temu bisnis sehari",
        kind="training",
        funding_source="dekon",
        start_date=day,
        end_date=day,
    )
    activity.refresh_from_db()
    assert (activity.start_date, activity.end_date) == (day, day)
    with pytest.raises(DomainError) as raised:
        services.activity_create(
            actor=system_actor,
            programme=programme,
            code="A2",
            name="Terbalik",
            kind="training",
            funding_source="dekon",
            start_date=day,
            end_date=day - dt.timedelta(days=1),
        )
    assert raised.value.code == "end_before_start"
