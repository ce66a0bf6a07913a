"""Reads over plans, budgets and realisation: scoped lists and the budget-control figures.

Every figure is computed from the rows as they are now (no nightly batch): a realisation saved a
second ago is in the next dashboard. The control figures group a scoped set of activities by a key
(province, regency, agency, programme, activity type or activity) and read, per group and month, the
pagu (BudgetLine), the plan (DisbursementPlan, DIPA page III) and the realisation — two GROUP BY
queries (lines with their plans; realisations) whatever the number of activities.

Definitions (domain-facts §3 and §7.1, PER-5/PB/2024 Pasal 7 and 9; docs/budget-control.md):
- absorption (penyerapan) = cumulative realisation to the month / (pagu − blokir), overall and per
  spending type against the type's quarter target (BudgetPolicy.targets_for);
- deviation (deviasi halaman III DIPA, as IKPA) per month and spending type (51/52/53/57) =
  |realisation − RPD| / RPD (no plan and no spending: 0; spending without plan: 100 %), the types
  combined weighted by their share of the pagu (from TA 2024) or as a plain mean (the 2022 rule), as
  the year's BudgetPolicy.deviation_rule says; the year's figure is the mean over the months so far.
  Realisation recorded without a type (legacy rows of activities with several lines) is spread over
  the group's types in proportion to that month's plan (to the pagu when nothing was planned);
- the RPD of a month is the plan in force for it: a revision never changes months before its
  quarter (services.disbursement_plan_set), so the plan's current months are the ones in force and
  DisbursementPlanVersion keeps how each version looked;
- lag = cumulative plan % − cumulative realisation %, in percentage points; an activity lags when it is
  above the year's threshold, and "months lagging" counts the consecutive months up to the as-of month;
- output achievement = the main output's cumulative achievement / its target.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Count,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone

from sentra.accounts.scope import Actor, region_q
from sentra.agencies.models import Agency, AgencyKind
from sentra.regions.codes import normalise_code
from sentra.verification.selectors import waiting_q

from .choices import FundingSource, quarter_of
from .models import (
    DEFAULT_LAG_THRESHOLD,
    DEFAULT_QUARTER_TARGETS,
    MONTHS,
    RPD_FIELDS,
    Activity,
    BudgetDocument,
    BudgetLine,
    BudgetPolicy,
    DekonAllocation,
    DeviationRule,
    DisbursementPlan,
    DisbursementPlanVersion,
    Output,
    Programme,
    Realisation,
    default_deviation_rule,
)


def policy_for(fiscal_year: int) -> BudgetPolicy:
    """The year's control settings; an unsaved default when nobody configured the year."""
    policy = BudgetPolicy.objects.filter(fiscal_year=fiscal_year).first()
    if policy is None:
        policy = BudgetPolicy(
            fiscal_year=fiscal_year,
            target_q1=DEFAULT_QUARTER_TARGETS[0],
            target_q2=DEFAULT_QUARTER_TARGETS[1],
            target_q3=DEFAULT_QUARTER_TARGETS[2],
            target_q4=DEFAULT_QUARTER_TARGETS[3],
            lag_threshold=DEFAULT_LAG_THRESHOLD,
            deviation_rule=default_deviation_rule(fiscal_year),
        )
    return policy


def plan_versions(plan: DisbursementPlan) -> list[DisbursementPlanVersion]:
    """The versions of an RPD, first to last, for its history."""
    return list(plan.versions.order_by("number"))


def activity_pagu(activity: Activity) -> int:
    return BudgetLine.objects.filter(activity=activity).aggregate(total=Sum("amount"))["total"] or 0


def default_funding_source(actor: Actor) -> str:
    """The funding source a new activity of the actor's agency starts with: a crafts council
    (Dekranas/Dekranasda) spends its own or granted funds, not the APBN; "" leaves the form's first."""
    if actor.agency_id is None:
        return ""
    kind = Agency.objects.filter(pk=actor.agency_id).values_list("kind", flat=True).first()
    return FundingSource.DEKRANAS if kind == AgencyKind.DEKRANAS else ""


def default_fiscal_year() -> int:
    return timezone.localdate().year


def default_month(fiscal_year: int, today: dt.date | None = None) -> int:
    """The month a dashboard shows: the current one during the year, December afterwards."""
    today = today or timezone.localdate()
    if fiscal_year < today.year:
        return 12
    if fiscal_year > today.year:
        return 1
    return today.month


# --- scoped lists --------------------------------------------------------------------------------


@dataclass
class PlanFilter:
    fiscal_year: int | None = None
    region: str = ""
    q: str = ""
    kind: str = ""
    funding_source: str = ""
    agency: int | None = None
    programme: int | None = None
    verification: str = ""
    waiting: bool = False


def _scoped(qs: QuerySet, actor: Actor) -> QuerySet:
    return qs.filter(region_q(actor, village="region_id"))


def _matching(qs: QuerySet, **lookups) -> QuerySet:
    """The filters whose value is set; an empty value (None, "", ()) means "all"."""
    return qs.filter(**{name: value for name, value in lookups.items() if value not in (None, "", ())})


def _region(qs: QuerySet, code: str, prefix: str = "") -> QuerySet:
    code = normalise_code(code) if code else None
    if not code:
        return qs
    if len(code) == 2:
        return qs.filter(**{f"{prefix}province_code": code})
    if len(code) == 5:
        return qs.filter(**{f"{prefix}regency_code": code})
    return qs.filter(**{f"{prefix}region_id": code})


def programme_list(*, actor: Actor, filters: PlanFilter | None = None) -> QuerySet[Programme]:
    f = filters or PlanFilter()
    qs = _matching(
        _scoped(Programme.objects.select_related("agency"), actor),
        fiscal_year=f.fiscal_year,
        agency_id=f.agency,
    )
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(code__icontains=f.q))
    return _region(qs, f.region).order_by("fiscal_year", "province_code", "code")


def programme_get(*, actor: Actor, pk: int) -> Programme | None:
    return _scoped(Programme.objects.select_related("agency"), actor).filter(pk=pk).first()


def activity_list(*, actor: Actor, filters: PlanFilter | None = None) -> QuerySet[Activity]:
    f = filters or PlanFilter()
    qs = _matching(
        _scoped(Activity.objects.select_related("agency", "programme"), actor),
        fiscal_year=f.fiscal_year,
        kind=f.kind,
        funding_source=f.funding_source,
        agency_id=f.agency,
        programme_id=f.programme,
        verification_status=f.verification,
    )
    if f.waiting:
        qs = qs.filter(waiting_q(actor))
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(code__icontains=f.q))
    return _region(qs, f.region).order_by("fiscal_year", "province_code", "regency_code", "code")


def activity_get(*, actor: Actor, pk: int) -> Activity | None:
    return (
        _scoped(Activity.objects.select_related("agency", "programme"), actor)
        .prefetch_related("outputs", "locations", "centres", "enterprises")
        .filter(pk=pk)
        .first()
    )


def budget_document_list(*, actor: Actor, filters: PlanFilter | None = None) -> QuerySet[BudgetDocument]:
    f = filters or PlanFilter()
    qs = _matching(
        _scoped(BudgetDocument.objects.select_related("agency", "region"), actor),
        fiscal_year=f.fiscal_year,
        kind=f.funding_source,
        agency_id=f.agency,
    )
    if f.q:
        qs = qs.filter(Q(number__icontains=f.q) | Q(agency__name__icontains=f.q))
    qs = qs.annotate(total=Sum("lines__amount"))
    return _region(qs, f.region).order_by("fiscal_year", "province_code", "regency_code", "number")


def budget_document_get(*, actor: Actor, pk: int) -> BudgetDocument | None:
    return _scoped(BudgetDocument.objects.select_related("agency", "region"), actor).filter(pk=pk).first()


def budget_line_get(*, actor: Actor, pk: int) -> BudgetLine | None:
    return (
        BudgetLine.objects.select_related("document", "activity")
        .filter(document__in=_scoped(BudgetDocument.objects.all(), actor))
        .filter(pk=pk)
        .first()
    )


def realisation_list(
    *, actor: Actor, filters: PlanFilter | None = None, month: int | None = None
) -> QuerySet[Realisation]:
    f = filters or PlanFilter()
    qs = _matching(
        _scoped(Realisation.objects.select_related("activity", "agency"), actor),
        fiscal_year=f.fiscal_year,
        month=month,
        agency_id=f.agency,
        verification_status=f.verification,
    )
    if f.waiting:
        qs = qs.filter(waiting_q(actor))
    if f.q:
        qs = qs.filter(Q(activity__name__icontains=f.q) | Q(activity__code__icontains=f.q))
    return _region(qs, f.region).order_by("fiscal_year", "province_code", "activity__code", "month")


def realisation_get(*, actor: Actor, pk: int) -> Realisation | None:
    return _scoped(Realisation.objects.select_related("activity", "agency"), actor).filter(pk=pk).first()


def dekon_allocation(*, fiscal_year: int, kind: str = DekonAllocation.Kind.DEKON) -> DekonAllocation | None:
    """The year's allocation of one kind: dekonsentrasi (default) or tugas pembantuan."""
    return (
        DekonAllocation.objects.filter(fiscal_year=fiscal_year, kind=kind)
        .prefetch_related("shares__province")
        .first()
    )


def version_diff(old: list[dict], new: list[dict]) -> list[dict]:
    """Lines of two DIPA versions side by side: code, account group, before, after, change."""
    key = lambda line: (line["code"], line["account_group"])  # noqa: E731
    before = {key(line): line for line in old}
    after = {key(line): line for line in new}
    rows = []
    for k in sorted(before.keys() | after.keys()):
        a = before.get(k, {}).get("amount", 0)
        b = after.get(k, {}).get("amount", 0)
        rows.append(
            {
                "code": k[0],
                "name": (after.get(k) or before.get(k))["name"],
                "account_group": k[1],
                "before": a,
                "after": b,
                "change": b - a,
            }
        )
    return rows


def plans_out_of_balance(*, actor: Actor, fiscal_year: int) -> QuerySet[BudgetLine]:
    """Budget lines whose RPD does not add up to the pagu (after a revision), or that have none."""
    total = sum((F(f"plan__{name}") for name in RPD_FIELDS[1:]), F(f"plan__{RPD_FIELDS[0]}"))
    lines = BudgetLine.objects.filter(
        document__in=_scoped(BudgetDocument.objects.filter(fiscal_year=fiscal_year), actor)
    ).select_related("activity", "document")
    return lines.filter(Q(plan__isnull=True) | ~Q(amount=total))


# --- control figures -------------------------------------------------------------------------------

GROUPS = {
    "province": "province_code",
    "regency": "regency_code",
    "agency": "agency_id",
    "programme": "programme_id",
    "kind": "kind",
    "funding_source": "funding_source",
    "activity": "id",
}


@dataclass
class ControlFilter:
    fiscal_year: int
    month: int = 12  # figures as at the end of this month
    region: str = ""
    kind: str = ""
    funding_source: str = ""
    agency: int | None = None
    programme: int | None = None
    funding_sources: tuple[str, ...] = ()  # several sources at once (e.g. every DIPA source)
    # The year's BudgetPolicy.deviation_rule; "" reads it (once: the filter keeps it for later calls).
    deviation_rule: str = ""


@dataclass
class TypeFigures:
    """Pagu, blokir, plan and realisation of one spending type (account group) within a group."""

    account_group: str
    pagu: int = 0
    blocked: int = 0
    plan: list[int] = field(default_factory=lambda: [0] * 12)
    realised: list[int] = field(default_factory=lambda: [0] * 12)

    def add(self, other: TypeFigures) -> None:
        self.pagu += other.pagu
        self.blocked += other.blocked
        self.plan = [a + b for a, b in zip(self.plan, other.plan, strict=True)]
        self.realised = [a + b for a, b in zip(self.realised, other.realised, strict=True)]


@dataclass
class ControlFigures:
    """Plan and realisation of one group (or of everything), month by month, in total and per type."""

    key: object = None
    label: str = ""
    pagu: int = 0
    plan: list[int] = field(default_factory=lambda: [0] * 12)
    realised: list[int] = field(default_factory=lambda: [0] * 12)
    month: int = 12
    activities: int = 0
    types: dict[str, TypeFigures] = field(default_factory=dict)
    untyped: list[int] = field(default_factory=lambda: [0] * 12)  # realisation recorded without a type
    rule: str = DeviationRule.WEIGHTED

    def cumulative(self, values: list[int], month: int | None = None) -> int:
        return sum(values[: (month or self.month)])

    @property
    def blocked(self) -> int:
        return sum(t.blocked for t in self.types.values())

    @property
    def available(self) -> int:
        """Pagu minus blokir: the base of absorption (PER-5/PB/2024 Pasal 9)."""
        return self.pagu - self.blocked

    @property
    def plan_to_date(self) -> int:
        return self.cumulative(self.plan)

    @property
    def realised_to_date(self) -> int:
        return self.cumulative(self.realised)

    @property
    def absorption(self) -> float:
        return _percent(self.realised_to_date, self.available)

    @property
    def planned_absorption(self) -> float:
        return _percent(self.plan_to_date, self.pagu)

    @property
    def lag(self) -> float:
        return round(self.planned_absorption - self.absorption, 2)

    def realised_by_type(self) -> dict[str, list[float]]:
        """Each type's realisation per month, with the untyped realisation of the month spread over
        the types in proportion to their plan for the month (to their pagu when none was planned)."""
        out = {group: [float(v) for v in t.realised] for group, t in self.types.items()}
        for m in range(12):
            if not self.untyped[m] or not self.types:
                continue
            weights = {g: t.plan[m] for g, t in self.types.items()}
            if not sum(weights.values()):
                weights = {g: t.pagu for g, t in self.types.items()}
            total = sum(weights.values())
            for group, weight in weights.items():
                out[group][m] += self.untyped[m] * (weight / total if total else 1 / len(weights))
        return out

    def type_deviation(self) -> dict[str, list[float]]:
        """Monthly deviation (%) of each type with pagu, months 1..month."""
        realised = self.realised_by_type()
        return {
            group: [_deviation(t.plan[m], realised[group][m]) for m in range(self.month)]
            for group, t in sorted(self.types.items())
            if t.pagu > 0
        }

    def monthly_deviation(self) -> list[float]:
        """Per month, the types' deviations combined by the year's rule: weighted by each type's
        share of the pagu (PER-5/PB/2024 Pasal 7) or their plain mean (2022). A group without any
        pagu falls back to the deviation of its totals."""
        per_type = self.type_deviation()
        if not per_type:
            return [_deviation(self.plan[m], self.realised[m]) for m in range(self.month)]
        out = []
        for m in range(self.month):
            if self.rule == DeviationRule.MEAN:
                value = sum(values[m] for values in per_type.values()) / len(per_type)
            else:
                pagu = sum(self.types[g].pagu for g in per_type)
                value = sum(self.types[g].pagu / pagu * values[m] for g, values in per_type.items())
            out.append(round(value, 2))
        return out

    @property
    def deviation(self) -> float:
        months = self.monthly_deviation()
        return round(sum(months) / len(months), 2) if months else 0.0

    def type_absorption(self) -> dict[str, float]:
        """Absorption (%) of each type with pagu to the month, against its pagu minus blokir."""
        realised = self.realised_by_type()
        return {
            group: _percent(round(sum(realised[group][: self.month])), t.pagu - t.blocked)
            for group, t in sorted(self.types.items())
            if t.pagu > 0
        }

    def s_curve(self) -> list[dict]:
        """Cumulative plan and realisation in % of pagu, month by month (realisation up to `month`)."""
        rows, plan, real = [], 0, 0
        for m in range(12):
            plan += self.plan[m]
            real += self.realised[m]
            rows.append(
                {
                    "month": m + 1,
                    "plan": _percent(plan, self.pagu),
                    "realised": _percent(real, self.pagu) if m < self.month else None,
                }
            )
        return rows


def _deviation(plan: float, realised: float) -> float:
    """One month's deviation in %: |realisation − plan| / plan; without a plan 100 % when money was
    spent, 0 otherwise. Not capped at 100 % (whether IKPA caps it is unconfirmed, domain-facts 7.1)."""
    if plan:
        return round(abs(realised - plan) / plan * 100, 2)
    return 100.0 if realised else 0.0


def combined(rows: list[ControlFigures], month: int) -> ControlFigures:
    """The figures of several groups together (every activity is in exactly one group)."""
    total = ControlFigures(month=month)
    for row in rows:
        total.rule = row.rule
        total.pagu += row.pagu
        total.activities += row.activities
        total.plan = [a + b for a, b in zip(total.plan, row.plan, strict=True)]
        total.realised = [a + b for a, b in zip(total.realised, row.realised, strict=True)]
        total.untyped = [a + b for a, b in zip(total.untyped, row.untyped, strict=True)]
        for group, figures in row.types.items():
            total.types.setdefault(group, TypeFigures(group)).add(figures)
    return total


def _percent(part: int, whole: int) -> float:
    return round(part / whole * 100, 2) if whole else 0.0


def quarter_target(fiscal_year: int, month: int) -> int:
    """The absorption target of the quarter the month falls in (TW I–IV)."""
    return policy_for(fiscal_year).quarter_targets[quarter_of(month) - 1]


def type_quarter_targets(fiscal_year: int, month: int, groups) -> dict[str, int]:
    """The absorption target of each spending type for the quarter the month falls in."""
    policy = policy_for(fiscal_year)
    return {group: policy.targets_for(group)[quarter_of(month) - 1] for group in groups}


def _control_q(actor: Actor, f: ControlFilter, prefix: str = "") -> Q:
    """The activities of the filter in the actor's scope, as conditions on the fields of Activity
    reached through `prefix` ("" on Activity itself, "activity__" from a realisation…)."""
    q = Q(**{f"{prefix}fiscal_year": f.fiscal_year}) & region_q(
        actor,
        province=f"{prefix}province_code",
        regency=f"{prefix}regency_code",
        village=f"{prefix}region_id",
    )
    for name, value in (
        ("kind", f.kind),
        ("funding_source", f.funding_source),
        ("funding_source__in", f.funding_sources),
        ("agency_id", f.agency),
        ("programme_id", f.programme),
    ):
        if value not in (None, "", ()):
            q &= Q(**{f"{prefix}{name}": value})
    code = normalise_code(f.region) if f.region else None
    if code:
        field = "province_code" if len(code) == 2 else "regency_code" if len(code) == 5 else "region_id"
        q &= Q(**{f"{prefix}{field}": code})
    return q


def control_activities(*, actor: Actor, f: ControlFilter) -> QuerySet[Activity]:
    return Activity.objects.filter(_control_q(actor, f))


def control_figures(*, actor: Actor, f: ControlFilter, group: str | None = None) -> list[ControlFigures]:
    """Figures per group (None: one row for everything), sorted by key. Two aggregate queries, each
    joining its table to the activity and filtering there (an `activity_id IN (…)` subquery on top
    of the join it needs for the group key costs twice as much on a national year)."""
    return _figures(
        control_activities(actor=actor, f=f), f, group, scope=lambda prefix: _control_q(actor, f, prefix)
    )


def _figures(
    activities: QuerySet[Activity], f: ControlFilter, group: str | None, scope=None
) -> list[ControlFigures]:
    """`scope(prefix)`: the activities as conditions through a join (see _control_q); without it the
    tables are filtered by `activity_id IN (activities)`."""
    key = GROUPS[group] if group else None
    if not f.deviation_rule:
        f.deviation_rule = policy_for(f.fiscal_year).deviation_rule
    rule = f.deviation_rule
    rows: dict[object, ControlFigures] = defaultdict(lambda: ControlFigures(month=f.month, rule=rule))

    def grouped(qs: QuerySet, prefix: str, **named):
        """One row per group and spending type."""
        fields = [f"{prefix}{key}", "account_group"] if key else ["account_group"]
        return qs.values(*fields).annotate(**named).order_by()

    ids = activities.values("id").order_by()  # a set: no ORDER BY inside IN (...)
    if scope is None:
        lines = BudgetLine.objects.filter(activity_id__in=ids)
        realisations = Realisation.objects.filter(activity_id__in=ids)
    else:
        lines = BudgetLine.objects.filter(scope("activity__"))
        realisations = Realisation.objects.filter(scope("activity__"))
    counts = activities.values(*([key] if key else [])).annotate(n=Count("id")).order_by() if key else None
    # Pagu and RPD from one pass over the lines: a plan belongs to exactly one line (LEFT JOIN, no
    # duplicates), a line without a plan adds its pagu and no plan.
    plan_sums = {name: Sum(f"plan__{name}") for name in RPD_FIELDS}
    for row in grouped(lines, "activity__", pagu=Sum("amount"), blocked=Sum("blocked"), **plan_sums):
        target = rows[row.get(f"activity__{key}") if key else None]
        figures = target.types.setdefault(row["account_group"], TypeFigures(row["account_group"]))
        figures.pagu += row["pagu"] or 0
        figures.blocked += row["blocked"] or 0
        figures.plan = [a + (row[name] or 0) for a, name in zip(figures.plan, RPD_FIELDS, strict=True)]
        target.pagu += row["pagu"] or 0
        target.plan = [a + (row[name] or 0) for a, name in zip(target.plan, RPD_FIELDS, strict=True)]
    # One row per group with twelve filtered sums: ~11,000 rows for a national year by activity,
    # not the ~133,000 (activity, month) pairs. (GROUP BY (group, month) instead was no faster on
    # PostgreSQL and slower on SQLite, which then sorts every row: its activity index already
    # yields activities in province order.)
    month_sums = {f"r{m:02d}": Sum("amount", filter=Q(month=m)) for m in MONTHS}
    for row in grouped(realisations, "activity__", **month_sums):
        target = rows[row.get(f"activity__{key}") if key else None]
        values = [row[f"r{m:02d}"] or 0 for m in MONTHS]
        target.realised = [a + b for a, b in zip(target.realised, values, strict=True)]
        group_type = target.types.get(row["account_group"]) if row["account_group"] else None
        if group_type is None and row["account_group"]:
            # Spent on a type without pagu in this group: a type of its own (deviates 100 % where
            # it spends, with no weight in the pagu-weighted rule).
            group_type = target.types.setdefault(row["account_group"], TypeFigures(row["account_group"]))
        if group_type is None:
            target.untyped = [a + b for a, b in zip(target.untyped, values, strict=True)]
        else:
            group_type.realised = [a + b for a, b in zip(group_type.realised, values, strict=True)]
    if counts is not None:
        for row in counts:
            rows[row[key]].activities = row["n"]
    else:
        rows[None].activities = activities.count()
    for k, figures in rows.items():
        figures.key = k
    return sorted(rows.values(), key=lambda r: (r.key is None, str(r.key)))


def control_total(*, actor: Actor, f: ControlFilter) -> ControlFigures:
    rows = control_figures(actor=actor, f=f)
    return rows[0] if rows else ControlFigures(month=f.month)


@dataclass
class LaggingActivity:
    activity: Activity
    figures: ControlFigures
    months_lagging: int
    output_achievement: float | None


@dataclass(frozen=True)
class Lag:
    activity_id: int
    pagu: int
    plan_to_date: int
    realised_to_date: int

    @property
    def lag(self) -> float:
        return (self.plan_to_date - self.realised_to_date) * 100.0 / self.pagu


LAG_SQL = """
    SELECT b.activity_id, b.pagu, COALESCE(b.planned, 0) AS planned, COALESCE(r.realised, 0) AS realised
    FROM ({pagu}) b
    LEFT JOIN ({realised}) r ON r.activity_id = b.activity_id
    WHERE b.pagu > 0
      AND (COALESCE(b.planned, 0) - COALESCE(r.realised, 0)) * 100.0 > %s * b.pagu
"""


# Worst first: the same double-precision arithmetic as Lag.lag, ties by activity id.
LAG_ORDER = """
    SELECT activity_id, pagu, planned, realised, COUNT(*) OVER () FROM ({lagging}) lagging
    ORDER BY CAST(planned - realised AS DOUBLE PRECISION) * 100 / CAST(pagu AS DOUBLE PRECISION) DESC,
             activity_id
    LIMIT %s OFFSET %s
"""


def lagging_page(
    *, actor: Actor, f: ControlFilter, limit: int, offset: int = 0, threshold: int | None = None
) -> tuple[int, list[Lag]]:
    """How many activities lag (as lagging_rows) and `limit` of them from `offset`, worst first.

    The database counts, sorts and cuts: a page or a pack shows the worst few of thousands."""
    threshold = policy_for(f.fiscal_year).lag_threshold if threshold is None else threshold
    sql, params = _lag_sql(actor, f, threshold)
    with connection.cursor() as cursor:
        cursor.execute(LAG_ORDER.format(lagging=sql), [*params, limit, offset])  # nosec B608
        rows = cursor.fetchall()
    if not rows and offset:  # past the end: count without a page
        return len(lagging_rows(actor=actor, f=f, threshold=threshold)), []
    count = int(rows[0][4]) if rows else 0
    return count, [Lag(*(int(value) for value in row[:4])) for row in rows]


def _lag_sql(actor: Actor, f: ControlFilter, threshold) -> tuple[str, list]:
    """Pagu, plan to date and realisation to date per activity: two GROUP BYs (pagu and plan from
    one pass over the lines, as in control_figures; the realisation), each joining its table to the
    activity and filtering there, joined by activity."""
    months = [F(f"plan__{name}") for name in RPD_FIELDS[: f.month]]
    pagu = (
        BudgetLine.objects.filter(_control_q(actor, f, "activity__"))
        .values("activity_id")
        .annotate(pagu=Sum("amount"), planned=Sum(sum(months[1:], months[0])))
        .order_by()
    )
    realised = (
        Realisation.objects.filter(_control_q(actor, f, "activity__"), month__lte=f.month)
        .values("activity_id")
        .annotate(realised=Sum("amount"))
        .order_by()
    )
    parts, params = {}, []
    for name, qs in (("pagu", pagu), ("realised", realised)):
        parts[name], part_params = qs.query.sql_with_params()
        params += part_params
    # Interpolated: ORM-compiled SQL whose values stay parameters.
    return LAG_SQL.format(**parts), [*params, threshold]  # nosec B608


def lagging_rows(*, actor: Actor, f: ControlFilter, threshold: int | None = None) -> list[Lag]:
    """Activities whose cumulative plan exceeds their cumulative realisation by more than `threshold`
    points of their pagu at the month, worst first.

    One SQL statement joining two GROUP BYs (pagu with plan to date, realisation to date) over the
    scoped activities: each table is read once, where per-activity subqueries in the ORM would be
    evaluated once per row and per reference (seconds for a national year)."""
    threshold = policy_for(f.fiscal_year).lag_threshold if threshold is None else threshold
    sql, params = _lag_sql(actor, f, threshold)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # PostgreSQL sums bigints as numeric (Decimal): whole rupiah either way.
        rows = [Lag(*(int(value) for value in row)) for row in cursor.fetchall()]
    return sorted(rows, key=lambda row: (-row.lag, row.activity_id))


def lagging_activities(
    *,
    actor: Actor,
    f: ControlFilter,
    threshold: int | None = None,
    limit: int | None = None,
    offset: int = 0,
    rows: list[Lag] | None = None,
    achievements: dict[int, float | None] | None = None,
) -> list[LaggingActivity]:
    """Activities behind their plan by more than the threshold at the month, worst first, with how many
    consecutive months they have lagged and their output achievement. Pages of a long list: `offset`
    and `limit`, or the `rows` of one page of lagging_rows(...). `achievements`: the output
    achievement per activity id (output_achievements) when the caller already read it for a
    superset of these activities."""
    threshold = policy_for(f.fiscal_year).lag_threshold if threshold is None else threshold
    if rows is None:  # callers that count or paginate pass the rows they already have
        rows = lagging_rows(actor=actor, f=f, threshold=threshold)
    rows = rows[offset : offset + limit] if limit else rows[offset:]
    by_id = Activity.objects.select_related("agency", "programme").in_bulk([row.activity_id for row in rows])
    activities = [by_id[row.activity_id] for row in rows if row.activity_id in by_id]
    figures = {
        row.key: row
        for row in _figures(Activity.objects.filter(pk__in=[a.pk for a in activities]), f, "activity")
    }
    if achievements is None:
        achievements = output_achievements(activity_ids=[a.pk for a in activities], month=f.month)
    result = []
    for activity in activities:
        row = figures[activity.pk]
        months = 0
        for m in range(f.month, 0, -1):
            plan = _percent(row.cumulative(row.plan, m), row.pagu)
            real = _percent(row.cumulative(row.realised, m), row.pagu)
            if plan - real <= threshold:
                break
            months += 1
        result.append(LaggingActivity(activity, row, months, achievements.get(activity.pk)))
    return result


@contextmanager
def _without_jit():
    """PostgreSQL: run the enclosed queries without JIT compilation.

    The planner prices 11,000 activities × two index lookups (national year) above
    jit_above_cost, so PostgreSQL compiles the query with LLVM: measured on the national year,
    ~75 ms without JIT and 105–180 ms with it, most of it loading and compiling in a backend that
    has not yet done so (a new connection per request with CONN_MAX_AGE=0). A query this short
    never wins that back."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    yield
    # Not in a `finally`: after an error inside a transaction PostgreSQL refuses any statement and
    # undoes the SET itself with the rollback; outside one, JIT merely stays off for this connection.
    with connection.cursor() as cursor:
        cursor.execute("RESET jit")


def _achievement_rows(activities: QuerySet[Activity], month: int, key: str = "id"):
    """(activity id, group key, achievement %) of the activities that have an output: the main
    output's last reported cumulative figure up to `month` over its target.

    Two correlated subqueries per activity, served by the (activity, month) unique index, so the
    answer is one row per activity rather than every month of every activity. Activities without an
    output are skipped here, not by a WHERE on the target: the ORM would repeat the target's
    subquery there (a third lookup per activity). Both values are read as floats (they are divided
    as floats anyway): no Decimal built and quantized per row."""
    latest = Realisation.objects.filter(activity=OuterRef("pk"), month__lte=month).order_by("-month")
    main_output = Output.objects.filter(activity=OuterRef("pk")).order_by("id")
    rows = activities.annotate(
        target=Subquery(main_output.values("target")[:1], output_field=FloatField()),
        achieved=Subquery(latest.values("output_achieved")[:1], output_field=FloatField()),
    ).values_list("pk", key, "target", "achieved")
    with _without_jit():
        rows = list(rows)
    # In the activities' order (as before): the averages add the same floats in the same order.
    for pk, group, target, achieved in rows:
        if target is None:
            continue
        yield pk, group, (round(float(achieved or 0) / float(target) * 100, 2) if target else None)


def output_achievements(*, activity_ids, month: int) -> dict[int, float | None]:
    """Main output achievement (%) per activity at the month: the last reported cumulative figure
    over the first output's target. `activity_ids`: a list or a values("id") queryset."""
    activities = Activity.objects.filter(pk__in=activity_ids)
    return {pk: value for pk, _key, value in _achievement_rows(activities, month)}


def output_achievement_rows(*, actor: Actor, f: ControlFilter, group: str) -> list[tuple]:
    """(activity id, group key, achievement % or None without a target) of each scoped activity with
    an output, in the activities' order: the achievement and its group from one query."""
    return list(_achievement_rows(control_activities(actor=actor, f=f), f.month, GROUPS[group]))


def output_achievement_values(*, actor: Actor, f: ControlFilter, group: str) -> dict[object, list]:
    """Per group key, the achievement (%, None without a target) of each activity with an output."""
    values: dict[object, list] = defaultdict(list)
    for _pk, key, value in output_achievement_rows(actor=actor, f=f, group=group):
        values[key].append(value)
    return values


def output_achievement_by(*, actor: Actor, f: ControlFilter, group: str) -> dict[object, float]:
    """Average main-output achievement (%, each activity capped at 100) per group key, in one pass."""
    return output_achievement_summary(actor=actor, f=f, group=group)[0]


def output_achievement_summary(
    *, actor: Actor, f: ControlFilter, group: str
) -> tuple[dict[object, float], float | None]:
    """Per group and over everything (what output_achievement_total gives) from the same pass."""
    per_group: dict[object, list[float]] = defaultdict(list)
    for key, values in output_achievement_values(actor=actor, f=f, group=group).items():
        per_group[key] = [min(value, 100.0) for value in values if value is not None]
    per_group = {k: v for k, v in per_group.items() if v}
    everything = [v for values in per_group.values() for v in values]
    total = round(sum(everything) / len(everything), 2) if everything else None
    return {k: round(sum(v) / len(v), 2) for k, v in per_group.items()}, total


@dataclass
class ControlSummary:
    """The headline figures of a control view, one definition for every place that shows them: the
    control dashboard and the Rakor pack read this, so on the same date, scope and sources they show
    the same activity count, absorption and output achievement (issue 14.2: they once differed,
    178 vs 181 activities, 77.88 % vs 76.6 %)."""

    groups: list[ControlFigures]  # per group key (control_figures)
    total: ControlFigures  # every activity of the filter (the groups added up)
    achievements: list[tuple]  # (activity id, group key, achievement % or None) per activity with an output
    output_by_group: dict[object, float]  # mean achievement per group, each activity capped at 100 %
    output_achievement: float | None  # the same over every activity with an output

    @property
    def activities(self) -> int:
        return self.total.activities


def capped_mean(values) -> float | None:
    """Mean output achievement: each activity counted at most 100 %, activities without a target left out."""
    present = [min(v, 100.0) for v in values if v is not None]
    return round(sum(present) / len(present), 2) if present else None


def control_summary(*, actor: Actor, f: ControlFilter, group: str = "province") -> ControlSummary:
    """Figures per group and in total, and output achievement per group and in total, for the filter
    (its month, region, and funding source or sources) in the actor's scope."""
    groups = control_figures(actor=actor, f=f, group=group)
    achievements = output_achievement_rows(actor=actor, f=f, group=group)
    per_group: dict[object, list] = defaultdict(list)
    for _pk, key, value in achievements:
        per_group[key].append(value)
    output_by_group = {
        key: mean for key, values in per_group.items() if (mean := capped_mean(values)) is not None
    }
    return ControlSummary(
        groups=groups,
        total=combined(groups, f.month),
        achievements=achievements,
        output_by_group=output_by_group,
        output_achievement=capped_mean([value for _pk, _key, value in achievements]),
    )


def output_achievement_total(*, actor: Actor, f: ControlFilter) -> float | None:
    """Average main-output achievement (%) over the scoped activities that have an output."""
    ids = control_activities(actor=actor, f=f).values("id")
    values = [v for v in output_achievements(activity_ids=ids, month=f.month).values() if v is not None]
    return round(sum(min(v, 100.0) for v in values) / len(values), 2) if values else None
