"""Reads of the follow-up dashboard: completion and overdue per owner agency or region, national →
province → regency, as the control dashboard drills down budgets (issue 15 §2).

Definitions (docs/coordination.md, "Follow-up dashboard"):
- counted = every follow-up − those dropped (a dropped follow-up was decided not to be done: it
  neither completes nor lowers the rate);
- completion = done / counted, in percent (None when nothing is counted);
- pending = open + in progress; overdue = pending whose due date is before today (computed when
  read, as selectors.overdue_q; Asia/Jakarta's date).
A follow-up is counted where its owner agency is placed (its `province_code` / `regency_code`); the
ministry's own follow-ups group as national, a province office's as the province level.

Which follow-ups: those the actor reads (selectors.follow_up_visible_q: the one scope rule), in one
GROUP BY query per table, whatever the number of follow-ups; the totals are summed from the groups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, require
from sentra.agencies.models import Agency
from sentra.regions.models import Region
from sentra.regions.selectors import region_filter_q

from .choices import FOLLOW_UP_PENDING, FollowUpStatus
from .models import FollowUp
from .selectors import follow_up_visible_q, today

GROUPS = {"province": "province_code", "regency": "regency_code", "agency": "agency_id"}
COUNTS = ("total", "done", "dropped", "pending", "overdue")


@dataclass(frozen=True)
class DashboardFilter:
    region: str = ""  # the owner agency's region, any level ("" : everything the actor reads)
    year: int | None = None  # the year the follow-ups are due (their fiscal_year)
    meeting_kind: str = ""


@dataclass
class FollowUpFigures:
    """Counts of one group (key: a province or regency code, an agency id; None for the total)."""

    key: object = None
    total: int = 0
    done: int = 0
    dropped: int = 0
    pending: int = 0
    overdue: int = 0

    @property
    def counted(self) -> int:
        return self.total - self.dropped

    @property
    def completion(self) -> float | None:
        """done / (all − dropped), percent to one decimal; None when nothing is counted."""
        return round(100 * self.done / self.counted, 1) if self.counted else None

    @property
    def overdue_share(self) -> float | None:
        """overdue / (all − dropped), percent to one decimal."""
        return round(100 * self.overdue / self.counted, 1) if self.counted else None

    def add(self, other: FollowUpFigures) -> None:
        self.total += other.total
        self.done += other.done
        self.dropped += other.dropped
        self.pending += other.pending
        self.overdue += other.overdue


@dataclass
class DashboardSummary:
    group: str
    groups: list[FollowUpFigures]
    total: FollowUpFigures
    on: dt.date


def default_group(region: str) -> str:
    """Drill-down: national → provinces, province → regencies, regency (or lower) → owner agencies."""
    if not region:
        return "province"
    if len(region) == 2:
        return "regency"
    return "agency"


def dashboard_follow_ups(*, actor: Actor, f: DashboardFilter):
    """The follow-ups the dashboard counts: read by the actor, in the filter."""
    qs = FollowUp.objects.filter(follow_up_visible_q(actor))
    if f.region:
        qs = qs.filter(region_filter_q("region_id", f.region))
    if f.year:
        qs = qs.filter(fiscal_year=f.year)
    if f.meeting_kind:
        qs = qs.filter(meeting__kind=f.meeting_kind)
    return qs


def follow_up_summary(
    *, actor: Actor, f: DashboardFilter | None = None, group: str = "", on: dt.date | None = None
) -> DashboardSummary:
    """Figures per group (by default the drill-down level of the filter's region) and in total: one
    aggregate query."""
    require(actor, Action.LIST, Area.COORDINATION)
    f = f or DashboardFilter()
    group = group or default_group(f.region)
    key = GROUPS[group]
    on = on or today()
    pending = Q(status__in=FOLLOW_UP_PENDING)
    rows = (
        dashboard_follow_ups(actor=actor, f=f)
        .values(key)
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=FollowUpStatus.DONE)),
            dropped=Count("pk", filter=Q(status=FollowUpStatus.DROPPED)),
            pending=Count("pk", filter=pending),
            overdue=Count("pk", filter=pending & Q(due_on__lt=on)),
        )
        .order_by()
    )
    by_key: dict[object, FollowUpFigures] = {}
    for row in rows:
        # "" and NULL both mean "not placed at this level" (a national or a province-level owner).
        group_key = row[key] if row[key] != "" else None
        figures = by_key.setdefault(group_key, FollowUpFigures(key=group_key))
        figures.add(FollowUpFigures(**{name: row[name] for name in COUNTS}))
    groups = sorted(by_key.values(), key=lambda g: (g.key is not None, str(g.key or "")))
    total = FollowUpFigures()
    for figures in groups:
        total.add(figures)
    return DashboardSummary(group=group, groups=groups, total=total, on=on)


def group_labels(summary: DashboardSummary) -> dict[object, str]:
    """The name of every group key of a summary (a region's name, an agency's): one query."""
    keys = [g.key for g in summary.groups if g.key is not None]
    if summary.group == "agency":
        return dict(Agency.objects.filter(pk__in=keys).values_list("pk", "name"))
    return dict(Region.objects.filter(code__in=keys).values_list("code", "name"))


def unplaced_label(group: str) -> str:
    """The group of follow-ups owned above the level shown: the ministry's, a province office's."""
    if group == "regency":
        return _("Instansi tingkat provinsi")
    if group == "province":
        return _("Instansi pusat")
    return _("Tanpa instansi")


def my_follow_up_counts(*, actor: Actor, on: dt.date | None = None) -> dict[str, int]:
    """The navigation badge: how many follow-ups the actor's agency owns and has still to do
    (`pending`: open or in progress) and how many of them are `overdue`. One indexed query
    (coord_followup_owner); nothing for a user without an agency."""
    if actor.agency_id is None or not actor.can(Action.LIST, Area.COORDINATION):
        return {"pending": 0, "overdue": 0}
    return FollowUp.objects.filter(agency_id=actor.agency_id, status__in=FOLLOW_UP_PENDING).aggregate(
        pending=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=on or today()))
    )
