"""Coverage and performance of field facilitation (issue 16 §6), for the Dinas, the province and the
ministry: national → provinces, a province → its regencies/cities, a regency/city → its facilitators.

Per region row (definitions also in docs/facilitators.md, "Coverage and performance"):
- `facilitators`: facilitators with status active, placed in the region;
- `centres` / `enterprises`: every sentra and IKM of the region the reader reads (the dashboard's
  counts: analytics.child_totals, cached two minutes like the dashboard, so 4.4 M IKM are not counted
  on every page); `*_covered`: those with an active assignment (starts_on ≤ today, ends_on empty or
  ≥ today) to a facilitator, counted at the facilitator's placement (an assignment lies inside the
  placement regency: facilitators.services refuses any other); `*_uncovered` the rest;
- `visits_month`: visits in the month shown; `visits_by_month`: the six months ending with it, oldest
  first; `visits_per_facilitator`: their mean per month per active facilitator;
- `not_visited_90`: enterprises of an active caseload whose last visit (Assignment.last_visit_on) is
  more than 90 days ago, or never visited though assigned more than 90 days ago;
- `contracts_ending`: contracts ending within 60 days (today included) that have no renewal yet;
- reports of the month before the month shown, of active facilitators: `reports_on_time` submitted on
  or before their due date (the latest submission counts), `reports_late` after it, `reports_missing`
  not in: never submitted, a draft, or returned and not sent again (as reports.late_reports counts;
  not yet late while the due date has not passed: `Coverage.reports_due_passed`).

Every figure is one GROUP BY query per level over an indexed column of the facilitators' tables
(whatever the number of regions), scoped by facilitators.selectors.scope_q; the regency level adds one
query per figure keyed by facilitator. Months are calendar months in Asia/Jakarta (settings.TIME_ZONE).
A facilitator-role user reads no coverage (it is the managers' view; their own work is on their pages).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count, IntegerField, Max, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, code_in_scope, require
from sentra.analytics.selectors import cached, child_totals
from sentra.core.errors import AccessDenied, NotFound
from sentra.regions.models import Region

from .choices import FacilitatorStatus
from .models import Assignment, Contract, Facilitator, MonthlyReport, Visit
from .reports import OPEN_STATUSES
from .selectors import contracts_expiring, own_work_only, scope_q

MONTHS_BACK = 6
NOT_VISITED_DAYS = 90
CONTRACT_WINDOW_DAYS = 60


@dataclass
class CoverageRow:
    """The figures of one region (or of the total, code "")."""

    code: str
    name: str
    facilitators: int = 0
    centres: int = 0
    centres_covered: int = 0
    enterprises: int = 0
    enterprises_covered: int = 0
    visits_month: int = 0
    visits_by_month: list[int] = field(default_factory=lambda: [0] * MONTHS_BACK)
    not_visited_90: int = 0
    contracts_ending: int = 0
    reports_on_time: int = 0
    reports_late: int = 0
    reports_missing: int = 0

    @property
    def centres_uncovered(self) -> int:
        return max(self.centres - self.centres_covered, 0)

    @property
    def enterprises_uncovered(self) -> int:
        return max(self.enterprises - self.enterprises_covered, 0)

    @property
    def centre_share(self) -> float | None:
        """Percent of the region's centres with an active facilitator; None without centres."""
        return (
            round(100 * min(self.centres_covered, self.centres) / self.centres, 1) if self.centres else None
        )

    @property
    def enterprise_share(self) -> float | None:
        if not self.enterprises:
            return None
        return round(100 * min(self.enterprises_covered, self.enterprises) / self.enterprises, 2)

    @property
    def visits_per_facilitator(self) -> float | None:
        """Visits per active facilitator per month over the six months; None without facilitators."""
        if not self.facilitators:
            return None
        return round(sum(self.visits_by_month) / MONTHS_BACK / self.facilitators, 1)

    def add(self, other: CoverageRow) -> None:
        for name in (
            "facilitators",
            "centres",
            "centres_covered",
            "enterprises",
            "enterprises_covered",
            "visits_month",
            "not_visited_90",
            "contracts_ending",
            "reports_on_time",
            "reports_late",
            "reports_missing",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.visits_by_month = [
            a + b for a, b in zip(self.visits_by_month, other.visits_by_month, strict=True)
        ]


@dataclass
class FacilitatorRow:
    """A facilitator of a regency/city: caseload, visits, contract and last month's report."""

    facilitator: Facilitator
    centres: int = 0
    enterprises: int = 0
    not_visited_90: int = 0
    last_visit: dt.datetime | None = None
    visits_month: int = 0
    contract_end: dt.date | None = None
    report_status: str = ""  # "" (none), or the report's verification status
    report_timeliness: str = "missing"  # on_time | late | missing

    @property
    def contract_ending(self) -> bool:
        today = timezone.localdate()
        return self.contract_end is not None and today <= self.contract_end <= today + dt.timedelta(
            days=CONTRACT_WINDOW_DAYS
        )


@dataclass
class Coverage:
    region: Region | None  # None: the country
    level: str  # what the rows are: "province", "regency" or "facilitator"
    month: dt.date  # the first day of the month shown
    months: list[dt.date]  # the six months of visits_by_month, oldest first
    report_month: dt.date
    report_due_passed: bool
    today: dt.date
    rows: list[CoverageRow]
    total: CoverageRow
    facilitators: list[FacilitatorRow] = field(default_factory=list)


# --- the parameters -----------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_month(value: str | None) -> dt.date | None:
    """A month typed as YYYY-MM (2026-11 → 2026-11-01); empty → None; anything else ValueError."""
    value = (value or "").strip()
    if not value:
        return None
    year, _sep, month = value.partition("-")
    if not (year.isdigit() and month.isdigit() and len(year) == 4 and 1 <= int(month) <= 12):
        raise ValueError(value)
    if not 2000 <= int(year) <= 2100:
        raise ValueError(value)
    return dt.date(int(year), int(month), 1)


def _require_reader(actor: Actor) -> None:
    require(actor, Action.LIST, Area.FACILITATORS)
    if own_work_only(actor):
        raise AccessDenied(
            _(
                "Cakupan pendampingan adalah halaman Dinas, provinsi dan kementerian; pekerjaan Anda "
                "sendiri ada di halaman pendamping dan aplikasi lapangan."
            )
        )


def coverage_region(*, actor: Actor, code: str | None) -> Region | None:
    """The region a coverage page shows: the one asked for, else the reader's own (None: the country).
    Only the country, a province or a regency/city; one outside the reader's scope is not found."""
    _require_reader(actor)
    code = code or actor.region_code
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None or region.level > Region.Level.REGENCY or not code_in_scope(actor, code):
        raise NotFound(_("Wilayah tidak ditemukan."))
    return region


def report_due_on(report_month: dt.date) -> dt.date:
    """The usual due date of a month's reports: SENTRA_REPORT_DUE_DAY (default the 5th) of the next
    month. Each report keeps its own `due_on`, which decides whether it was late."""
    return add_months(report_month, 1).replace(day=getattr(settings, "SENTRA_REPORT_DUE_DAY", 5))


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day))


# --- the figures ---------------------------------------------------------------------------------------


def _level(region: Region | None) -> tuple[str, str, Q]:
    """(what the rows are, the column grouping them, the filter to the region)."""
    if region is None:
        return "province", "province_code", Q()
    if region.level == Region.Level.PROVINCE:
        return "regency", "regency_code", Q(province_code=region.code)
    return "facilitator", "regency_code", Q(regency_code=region.code)


def _region_totals(actor: Actor, region: Region | None) -> dict[str, tuple[str, int, int]]:
    """code → (name, centres, enterprises) of every region of the level shown (zeros included), from
    the dashboard's cached counts (the same cache entries as the dashboard's map)."""
    parent = region
    if region is not None and region.level == Region.Level.REGENCY:
        parent = region.parent
    key = parent.code if parent else "all"
    totals = cached(f"children:{key}", actor, lambda: child_totals(actor=actor, parent=parent))
    rows = {t.code: (t.name, t.centres, t.enterprises) for t in totals}
    if region is not None and region.level == Region.Level.REGENCY:
        rows = {region.code: rows.get(region.code, (region.name, 0, 0))}
    return rows


def _active_assignments(on: dt.date) -> Q:
    return Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def _not_visited(on: dt.date) -> Q:
    limit = on - dt.timedelta(days=NOT_VISITED_DAYS)
    return Q(enterprise__isnull=False) & (
        Q(last_visit_on__lt=limit) | Q(last_visit_on__isnull=True, starts_on__lt=limit)
    )


def _month_q(month: dt.date) -> Q:
    """Visits of a calendar month (WIB)."""
    return Q(visited_at__gte=_aware(month), visited_at__lt=_aware(add_months(month, 1)))


def _visits_by_month(scope: Q, within: Q, group: str, months: list[dt.date]) -> dict[str, list[int]]:
    """code → visits in each of `months`, counted per database as its planner does it fastest.

    SQLite: one grouped count per month as one UNION ALL, each a range of the (code, visited_at) index
    counted without reading a row (six filtered counts over the whole range cost ~6 times more).
    PostgreSQL planned each UNION branch as a scan of the whole visits table (743 of the page's 943 ms
    at 650,000 visits, bench/RESULTS.md); one pass over the six months' range with a filtered count per
    month took 148 ms on the same data.
    """
    found: dict[str, list[int]] = {}
    if connection.vendor == "postgresql":
        span = Q(visited_at__gte=_aware(months[0]), visited_at__lt=_aware(add_months(months[-1], 1)))
        counts = {f"m{i}": Count("pk", filter=_month_q(m)) for i, m in enumerate(months)}
        rows = Visit.objects.filter(scope, within, span).order_by().values(group).annotate(**counts)
        for row in rows:
            found[row[group]] = [row[f"m{i}"] for i in range(len(months))]
        return found
    per_month = [
        Visit.objects.filter(scope, within, _month_q(m))
        .annotate(month_index=Value(i, output_field=IntegerField()))
        .order_by()
        .values(group, "month_index")
        .annotate(n=Count("pk"))
        for i, m in enumerate(months)
    ]
    for row in per_month[0].union(*per_month[1:], all=True):
        found.setdefault(row[group], [0] * len(months))[row["month_index"]] = row["n"]
    return found


def _reports_q(report_month: dt.date) -> Q:
    """Reports in: submitted and not back with the facilitator (a draft, or returned and not sent again,
    is not in — as reports.late_reports counts it)."""
    return Q(
        month=report_month,
        facilitator__status=FacilitatorStatus.ACTIVE,
        submitted_at__isnull=False,
    ) & ~Q(verification_status__in=OPEN_STATUSES)


def region_coverage(*, actor: Actor, region: Region | None, month: dt.date | None = None) -> Coverage:
    """The coverage of `region` (None: the country) for `month` (default: this month), as the actor
    reads it: a row per region one level below (per province nationally, per regency/city in a
    province, the regency itself for a regency, with its facilitators listed)."""
    _require_reader(actor)
    today = timezone.localdate()
    month = month_start(month or today)
    months = [add_months(month, i - MONTHS_BACK + 1) for i in range(MONTHS_BACK)]
    report_month = add_months(month, -1)
    level, group, within = _level(region)

    rows = {
        code: CoverageRow(code=code, name=name, centres=centres, enterprises=enterprises)
        for code, (name, centres, enterprises) in _region_totals(actor, region).items()
    }
    if level == "regency":
        # By its regencies rather than by province_code: the (regency_code, …) indexes then hold every
        # column read (visits: 250 → 16 ms for Jawa Tengah's 6 months on SQLite, the bench's data).
        within = Q(regency_code__in=list(rows))
    elif level == "province":
        # The provinces named: PostgreSQL (before 18: no skip scan) then seeks each province's range of
        # the (province_code, visited_at) index instead of reading the whole index once per month.
        within = Q(province_code__in=list(rows))

    # Inside the reader's region the region filter implies the scope rule's (facilitators, who read
    # only their own work, are refused above); left out, it lets the indexes cover the counts.
    implied = actor.region_code is None or (region is not None and code_in_scope(actor, region.code))

    def scope(facilitator: str = "facilitator") -> Q:
        return Q() if implied else scope_q(actor, facilitator=facilitator)

    def grouped(model, *annotations_q, facilitator: str = "facilitator", **annotations):
        qs = model.objects.filter(scope(facilitator), within, *annotations_q)
        return qs.order_by().values(group).annotate(**annotations)

    for row in grouped(Facilitator, Q(status=FacilitatorStatus.ACTIVE), facilitator="", n=Count("pk")):
        if (target := rows.get(row[group])) is not None:
            target.facilitators = row["n"]

    for row in grouped(
        Assignment,
        _active_assignments(today),
        centres=Count("centre_id", distinct=True),
        enterprises=Count("enterprise_id", distinct=True),
        not_visited=Count("enterprise_id", distinct=True, filter=_not_visited(today)),
    ):
        if (target := rows.get(row[group])) is not None:
            target.centres_covered = row["centres"]
            target.enterprises_covered = row["enterprises"]
            target.not_visited_90 = row["not_visited"]

    for code, by_month in _visits_by_month(scope(), within, group, months).items():
        if (target := rows.get(code)) is not None:
            target.visits_by_month = by_month
    for row in rows.values():
        row.visits_month = row.visits_by_month[-1]

    # Not renewed and ending within 60 days: the notifier's list (selectors.contracts_expiring), counted.
    ending = contracts_expiring(actor, within_days=CONTRACT_WINDOW_DAYS, on=today).filter(within)
    for row in ending.order_by().values(group).annotate(n=Count("pk")):
        if (target := rows.get(row[group])) is not None:
            target.contracts_ending = row["n"]

    # On time: submitted by the end (WIB) of the report's own due day. Compared with a constant bound per
    # due date (a month's reports share one or a few) instead of casting every submitted_at to a date,
    # which SQLite does row by row in Python.
    dues = MonthlyReport.objects.filter(_reports_q(report_month)).order_by().values_list("due_on", flat=True)
    on_time = Q()
    for due_on in sorted(set(dues.distinct())):
        on_time |= Q(due_on=due_on, submitted_at__lt=_aware(due_on + dt.timedelta(days=1)))
    for row in (
        grouped(
            MonthlyReport,
            _reports_q(report_month),
            on_time=Count("pk", filter=on_time),
            late=Count("pk", filter=~on_time),
        )
        if on_time  # no report in: nothing to count
        else []
    ):
        if (target := rows.get(row[group])) is not None:
            target.reports_on_time, target.reports_late = row["on_time"], row["late"]

    total = CoverageRow(code="", name=_("Jumlah"))
    for row in rows.values():
        row.reports_missing = max(row.facilitators - row.reports_on_time - row.reports_late, 0)
        total.add(row)
    due = report_due_on(report_month)
    coverage = Coverage(
        region=region,
        level=level,
        month=month,
        months=months,
        report_month=report_month,
        report_due_passed=today > due,
        today=today,
        rows=list(rows.values()),
        total=total,
    )
    if level == "facilitator":
        coverage.facilitators = regency_facilitators(actor=actor, region=region, month=month, today=today)
    return coverage


def regency_facilitators(
    *, actor: Actor, region: Region, month: dt.date, today: dt.date | None = None
) -> list[FacilitatorRow]:
    """The facilitators of a regency/city (active or on leave) with their caseload, visits of the
    month, last visit, current contract's end and last month's report: one query per figure."""
    today = today or timezone.localdate()
    report_month = add_months(month, -1)
    facilitators = (
        Facilitator.objects.filter(scope_q(actor, facilitator=""), regency_code=region.code)
        .filter(status__in=[FacilitatorStatus.ACTIVE, FacilitatorStatus.ON_LEAVE])
        .order_by("name", "pk")
    )
    rows = {f.pk: FacilitatorRow(facilitator=f) for f in facilitators}
    if not rows:
        return []
    ids = list(rows)
    caseload = (
        Assignment.objects.filter(_active_assignments(today), facilitator_id__in=ids)
        .order_by()
        .values("facilitator_id")
        .annotate(
            centres=Count("centre_id", distinct=True),
            enterprises=Count("enterprise_id", distinct=True),
            not_visited=Count("enterprise_id", distinct=True, filter=_not_visited(today)),
        )
    )
    for row in caseload:
        target = rows[row["facilitator_id"]]
        target.centres, target.enterprises = row["centres"], row["enterprises"]
        target.not_visited_90 = row["not_visited"]
    this_month = _month_q(month)
    visits = (
        Visit.objects.filter(facilitator_id__in=ids)
        .order_by()
        .values("facilitator_id")
        .annotate(last=Max("visited_at"), month=Count("pk", filter=this_month))
    )
    for row in visits:
        target = rows[row["facilitator_id"]]
        target.last_visit, target.visits_month = row["last"], row["month"]
    contracts = (
        Contract.objects.filter(facilitator_id__in=ids)
        .order_by()
        .values("facilitator_id")
        .annotate(end=Max("period_end"))
    )
    for row in contracts:
        rows[row["facilitator_id"]].contract_end = row["end"]
    reports = MonthlyReport.objects.filter(facilitator_id__in=ids, month=report_month).values_list(
        "facilitator_id", "verification_status", "submitted_at", "due_on"
    )
    for facilitator_id, status, submitted_at, due_on in reports:
        target = rows[facilitator_id]
        target.report_status = status
        if submitted_at is not None and status not in OPEN_STATUSES:
            late = timezone.localtime(submitted_at).date() > due_on
            target.report_timeliness = "late" if late else "on_time"
    return list(rows.values())
