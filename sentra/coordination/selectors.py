"""Reads of meetings, follow-ups and agreements, each applying the scope rule (accounts/scope.py).

Who reads what (issue 15 point 7), composed from the one rule (scope.region_q / within_region_q) so a
user's region means the same thing here as in the registries:
- a meeting: users whose region contains the organiser's region, a co-organiser's region or the host
  region, and users of every invited agency or co-organiser (a national Rakornas is read by the
  provinces it invites; a regency's internal Rakor is not read by the next regency);
- a follow-up: the readers of its meeting, plus its owner agency and users whose region contains the
  owner agency's region (a province follows its regencies' follow-ups);
- an agreement: users whose region contains the owning agency's region, the region of a party agency
  or a party's own region, and users of every party agency.
Outside that the record does not exist for the user: `*_get` raise NotFound (404), lists leave it out.

Overdue is computed here (`overdue_q`), never stored: a follow-up still open or in progress whose due
date is before today (Asia/Jakarta's date: settings.TIME_ZONE).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, region_q, require, within_region_q
from sentra.core.errors import DomainError, FieldError, NotFound
from sentra.regions.selectors import region_filter_q

from .choices import FOLLOW_UP_PENDING, AgreementStatus
from .models import (
    Agreement,
    AgreementParty,
    CalendarFeed,
    FollowUp,
    Invitation,
    Meeting,
    MeetingSeries,
    Participant,
)


def today() -> dt.date:
    return timezone.localdate()


# --- who reads what ----------------------------------------------------------------------------------


def _own_agency_q(actor: Actor, field: str) -> Q:
    return Q(**{field: actor.agency_id}) if actor.agency_id is not None else Q(pk__in=[])


def meeting_visible_q(actor: Actor, prefix: str = "") -> Q:
    """Meetings the actor reads (the rule in the module doc). `prefix` reaches a meeting through a
    relation ("meeting__")."""
    if not actor.is_authenticated:
        return Q(pk__in=[])
    if actor.is_national:
        return Q()
    p = prefix
    placed = region_q(
        actor, province=f"{p}province_code", regency=f"{p}regency_code", village=f"{p}region_id"
    )
    host = within_region_q(actor, f"{p}host_region_id")
    co_organiser = Meeting.co_organisers.through.objects.filter(
        meeting_id=OuterRef(f"{p}pk" if p else "pk")
    ).filter(within_region_q(actor, "agency__region_id") | _own_agency_q(actor, "agency_id"))
    invited = Invitation.objects.filter(meeting_id=OuterRef(f"{p}pk" if p else "pk")).filter(
        _own_agency_q(actor, "agency_id")
    )
    return placed | host | Q(Exists(co_organiser)) | Q(Exists(invited))


def follow_up_visible_q(actor: Actor) -> Q:
    if not actor.is_authenticated:
        return Q(pk__in=[])
    if actor.is_national:
        return Q()
    owner = region_q(actor, village="region_id") | _own_agency_q(actor, "agency_id")
    meetings = Meeting.objects.filter(meeting_visible_q(actor)).values("pk")
    return owner | Q(meeting_id__in=meetings)


def agreement_visible_q(actor: Actor) -> Q:
    if not actor.is_authenticated:
        return Q(pk__in=[])
    if actor.is_national:
        return Q()
    placed = region_q(actor, village="region_id")
    parties = AgreementParty.objects.filter(agreement_id=OuterRef("pk")).filter(
        within_region_q(actor, "agency__region_id")
        | within_region_q(actor, "region_id")
        | _own_agency_q(actor, "agency_id")
    )
    return placed | Q(Exists(parties))


# --- meetings ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingFilter:
    q: str = ""
    kind: str = ""
    status: str = ""
    region: str = ""  # the organiser's or the host's region, any level
    series: int | None = None
    year: int | None = None
    sort: str = ""  # a key of MEETING_SORTS


# Sortable columns (web headers and the API's `sort`); every order ends with the id so it is stable.
MEETING_SORTS = {
    "": ["-starts_at", "-pk"],
    "starts_at": ["starts_at", "pk"],
    "-starts_at": ["-starts_at", "-pk"],
    "title": ["title", "pk"],
    "-title": ["-title", "-pk"],
    "status": ["status", "pk"],
    "-status": ["-status", "-pk"],
}


def _sorted(qs: QuerySet, sorts: dict[str, list[str]], sort: str) -> QuerySet:
    return qs.order_by(*sorts.get(sort, sorts[""]))


def meeting_list(*, actor: Actor, filters: MeetingFilter | None = None) -> QuerySet[Meeting]:
    require(actor, Action.LIST, Area.COORDINATION)
    f = filters or MeetingFilter()
    qs = Meeting.objects.filter(meeting_visible_q(actor)).select_related("agency", "host_region", "series")
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(venue__icontains=f.q) | Q(theme__icontains=f.q))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.region:
        qs = qs.filter(region_filter_q("region_id", f.region) | region_filter_q("host_region_id", f.region))
    if f.series:
        qs = qs.filter(series_id=f.series)
    if f.year:
        qs = qs.filter(fiscal_year=f.year)
    return _sorted(qs, MEETING_SORTS, f.sort)


def meeting_get(*, actor: Actor, pk: int) -> Meeting:
    require(actor, Action.VIEW, Area.COORDINATION)
    meeting = (
        Meeting.objects.filter(meeting_visible_q(actor), pk=pk)
        .select_related("agency", "host_region", "series", "visited_centre")
        .first()
    )
    if meeting is None:
        raise NotFound
    return meeting


def participant_list(*, actor: Actor, meeting: Meeting) -> QuerySet[Participant]:
    """The participants of a meeting the actor reads (meeting_get first: 404 outside)."""
    return meeting.participants.select_related("agency").order_by("name", "pk")


def attendance_summary(meeting: Meeting) -> dict[str, int]:
    rows = meeting.participants.values("attendance").annotate(n=Count("pk"))
    return {row["attendance"]: row["n"] for row in rows}


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The meeting of the same series held before this one (None without a series)."""
    if meeting.series_id is None:
        return None
    return (
        Meeting.objects.filter(series_id=meeting.series_id, starts_at__lt=meeting.starts_at)
        .order_by("-starts_at", "-pk")
        .first()
    )


def completion_rate(meeting: Meeting) -> tuple[int, int]:
    """(done, counted) of a meeting's follow-ups; dropped ones are not counted."""
    counts = meeting.follow_ups.exclude(status="dropped").aggregate(
        counted=Count("pk"), done=Count("pk", filter=Q(status="done"))
    )
    return counts["done"], counts["counted"]


def series_list(*, actor: Actor) -> QuerySet[MeetingSeries]:
    """Series names are not confidential (a Rakornas is public knowledge): every reader lists them."""
    require(actor, Action.LIST, Area.COORDINATION)
    return MeetingSeries.objects.select_related("organiser").order_by("name")


def series_usable(*, actor: Actor, keep: int | None = None) -> QuerySet[MeetingSeries]:
    """The series a user may plan a meeting in: those organised inside their region (a province's
    officer uses the province's and its regencies' series, the ministry every one). `keep`: the series
    a meeting being edited already has, kept even if someone with a wider region chose it."""
    require(actor, Action.LIST, Area.COORDINATION)
    q = within_region_q(actor, "organiser__region_id")
    if keep is not None:
        q |= Q(pk=keep)
    return MeetingSeries.objects.filter(q).order_by("name")


def series_get(*, actor: Actor, pk: int) -> MeetingSeries:
    """Any reader opens a series (its name is public, as in series_list); its meetings stay scoped."""
    require(actor, Action.VIEW, Area.COORDINATION)
    series = MeetingSeries.objects.select_related("organiser").filter(pk=pk).first()
    if series is None:
        raise NotFound
    return series


def series_meetings(*, actor: Actor, series: MeetingSeries) -> QuerySet[Meeting]:
    """The series' meetings the actor reads, in order: year, edition, date (the host rotation)."""
    require(actor, Action.LIST, Area.COORDINATION)
    return (
        Meeting.objects.filter(meeting_visible_q(actor), series=series)
        .select_related("host_region")
        .order_by("fiscal_year", "edition", "starts_at", "pk")
    )


@dataclass(frozen=True)
class SeriesSummary:
    meetings: int
    latest_year: int | None
    latest_edition: int | None


def series_summaries(*, actor: Actor) -> dict[int, SeriesSummary]:
    """Per series id: how many of its meetings the actor reads and the latest (year, edition) among
    them; a meeting the actor may not read is not counted (its existence is not public)."""
    require(actor, Action.LIST, Area.COORDINATION)
    rows = (
        Meeting.objects.filter(meeting_visible_q(actor), series__isnull=False)
        .order_by()
        .values_list("series_id", "fiscal_year", "edition")
    )
    counts: dict[int, int] = {}
    latest: dict[int, tuple[int, int]] = {}
    for series_id, year, edition in rows:
        counts[series_id] = counts.get(series_id, 0) + 1
        key = (year or 0, edition or 0)
        if key > latest.get(series_id, (0, 0)):
            latest[series_id] = key
    summaries = {}
    for series_id, count in counts.items():
        year, edition = latest.get(series_id, (0, 0))
        summaries[series_id] = SeriesSummary(count, year or None, edition or None)
    return summaries


# --- follow-ups ----------------------------------------------------------------------------------------


def overdue_q(on: dt.date | None = None) -> Q:
    return Q(status__in=FOLLOW_UP_PENDING, due_on__lt=on or today())


@dataclass(frozen=True)
class FollowUpFilter:
    q: str = ""
    owner: int | None = None  # owner agency id
    region: str = ""  # the owner agency's region, any level
    status: str = ""
    overdue: bool | None = None
    meeting: int | None = None
    sort: str = ""  # a key of FOLLOW_UP_SORTS


FOLLOW_UP_SORTS = {
    "": ["due_on", "pk"],
    "due_on": ["due_on", "pk"],
    "-due_on": ["-due_on", "-pk"],
    "status": ["status", "pk"],
    "-status": ["-status", "-pk"],
    "owner": ["agency__name", "pk"],
    "-owner": ["-agency__name", "-pk"],
}


def follow_up_list(*, actor: Actor, filters: FollowUpFilter | None = None) -> QuerySet[FollowUp]:
    require(actor, Action.LIST, Area.COORDINATION)
    f = filters or FollowUpFilter()
    qs = FollowUp.objects.filter(follow_up_visible_q(actor)).select_related("agency", "meeting", "decision")
    if f.q:
        qs = qs.filter(Q(description__icontains=f.q) | Q(owner_person__icontains=f.q))
    if f.owner:
        qs = qs.filter(agency_id=f.owner)
    if f.region:
        qs = qs.filter(region_filter_q("region_id", f.region))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.overdue is True:
        qs = qs.filter(overdue_q())
    elif f.overdue is False:
        qs = qs.exclude(overdue_q())
    if f.meeting:
        qs = qs.filter(meeting_id=f.meeting)
    return _sorted(qs, FOLLOW_UP_SORTS, f.sort)


def follow_up_get(*, actor: Actor, pk: int) -> FollowUp:
    require(actor, Action.VIEW, Area.COORDINATION)
    found = (
        FollowUp.objects.filter(follow_up_visible_q(actor), pk=pk)
        .select_related("agency", "meeting", "decision")
        .first()
    )
    if found is None:
        raise NotFound
    return found


def is_overdue(follow_up: FollowUp, on: dt.date | None = None) -> bool:
    return follow_up.is_pending and follow_up.due_on < (on or today())


def my_follow_ups(*, actor: Actor) -> dict[str, QuerySet[FollowUp]]:
    """The follow-ups the actor's agency owns and has still to do, for the home page and the
    navigation badge: `pending` (open or in progress) and, among them, `overdue`."""
    if actor.agency_id is None:
        none = FollowUp.objects.none()
        return {"pending": none, "overdue": none}
    pending = FollowUp.objects.filter(agency_id=actor.agency_id, status__in=FOLLOW_UP_PENDING).select_related(
        "meeting"
    )
    return {
        "pending": pending.order_by("due_on", "pk"),
        "overdue": pending.filter(overdue_q()).order_by("due_on"),
    }


def open_follow_ups_of_series(meeting: Meeting) -> QuerySet[FollowUp]:
    """What earlier meetings of the series still have to do: the next meeting's agenda carries it."""
    if meeting.series_id is None:
        return FollowUp.objects.none()
    return FollowUp.objects.filter(
        meeting__series_id=meeting.series_id,
        meeting__starts_at__lt=meeting.starts_at,
        status__in=FOLLOW_UP_PENDING,
    ).select_related("agency", "meeting")


# --- agreements ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementFilter:
    q: str = ""
    kind: str = ""
    status: str = ""
    region: str = ""
    expiring_within_days: int | None = None
    sort: str = ""  # a key of AGREEMENT_SORTS


AGREEMENT_SORTS = {
    "": ["-valid_from", "-pk"],
    "valid_from": ["valid_from", "pk"],
    "-valid_from": ["-valid_from", "-pk"],
    "valid_until": ["valid_until", "pk"],
    "-valid_until": ["-valid_until", "-pk"],
    "title": ["title", "pk"],
    "-title": ["-title", "-pk"],
}


def agreement_list(*, actor: Actor, filters: AgreementFilter | None = None) -> QuerySet[Agreement]:
    require(actor, Action.LIST, Area.COORDINATION)
    f = filters or AgreementFilter()
    qs = Agreement.objects.filter(agreement_visible_q(actor)).select_related("agency", "parent")
    if f.q:
        qs = qs.filter(
            Q(title__icontains=f.q)
            | Q(
                Exists(
                    AgreementParty.objects.filter(agreement_id=OuterRef("pk"), document_number__icontains=f.q)
                )
            )
        )
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.region:
        qs = qs.filter(region_filter_q("region_id", f.region))
    if f.expiring_within_days is not None:
        start = today()
        qs = qs.filter(
            status__in=(AgreementStatus.SIGNED, AgreementStatus.ACTIVE),
            valid_until__gte=start,
            valid_until__lte=start + dt.timedelta(days=f.expiring_within_days),
        )
    return _sorted(qs, AGREEMENT_SORTS, f.sort)


def agreement_get(*, actor: Actor, pk: int) -> Agreement:
    require(actor, Action.VIEW, Area.COORDINATION)
    found = (
        Agreement.objects.filter(agreement_visible_q(actor), pk=pk).select_related("agency", "parent").first()
    )
    if found is None:
        raise NotFound
    return found


def effective_status(agreement: Agreement, on: dt.date | None = None) -> str:
    """A signed or active agreement past its end date reads as expired (never stored stale)."""
    if (
        agreement.status in (AgreementStatus.SIGNED, AgreementStatus.ACTIVE)
        and agreement.valid_until is not None
        and agreement.valid_until < (on or today())
    ):
        return AgreementStatus.EXPIRED
    return agreement.status


def agreement_chain(*, actor: Actor, agreement: Agreement) -> list[Agreement]:
    """The MoU at the root of an agreement's chain, then every PK/addendum under it, depth first
    (`depth` set on each), as far as the actor reads them: a link to an unreadable one is left out."""
    visible = Agreement.objects.filter(agreement_visible_q(actor))
    root = agreement
    seen = {root.pk}
    while root.parent_id is not None and root.parent_id not in seen:
        parent = visible.filter(pk=root.parent_id).first()
        if parent is None:
            break
        root = parent
        seen.add(root.pk)
    chain: list[Agreement] = []
    walked: set[int] = set()

    def walk(node: Agreement, depth: int) -> None:
        walked.add(node.pk)
        node.depth = depth
        chain.append(node)
        for child in visible.filter(parent_id=node.pk).order_by("valid_from", "pk"):
            if child.pk not in walked:
                walk(child, depth + 1)

    walk(root, 0)
    return chain


# --- calendar ------------------------------------------------------------------------------------------

# What a calendar address (iCal feed) carries: a year back and two ahead, so that a calendar client
# polling every few minutes reads a bounded number of meetings whatever the archive holds.
FEED_DAYS_BACK = 365
FEED_DAYS_AHEAD = 730
# The longest span one request may ask for (API `from`/`to`): the feed's own window.
CALENDAR_MAX_DAYS = FEED_DAYS_BACK + FEED_DAYS_AHEAD + 1


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def calendar_range_check(start: dt.date, end: dt.date) -> None:
    """A calendar is read over at least one day and at most CALENDAR_MAX_DAYS (errors on `to`)."""
    if end <= start:
        message = _("Tanggal akhir harus sesudah tanggal awal.")
        raise DomainError(message, code="calendar_range_empty", errors=[FieldError("to", message, "invalid")])
    if (end - start).days > CALENDAR_MAX_DAYS:
        message = _("Rentang kalender paling panjang %(days)s hari.") % {"days": CALENDAR_MAX_DAYS}
        raise DomainError(
            message, code="calendar_range_too_long", errors=[FieldError("to", message, "invalid")]
        )


def calendar_meetings(
    *, actor: Actor, start: dt.date, end: dt.date, region: str = "", kind: str = ""
) -> QuerySet[Meeting]:
    """The meetings the actor reads (meeting_list: the one scope rule) held at least partly on a day
    from `start` up to, not including, `end` (Sentra's local days), earliest first."""
    calendar_range_check(start, end)
    qs = meeting_list(actor=actor, filters=MeetingFilter(kind=kind, region=region))
    return (
        qs.filter(starts_at__lt=_day_start(end), ends_at__gt=_day_start(start))
        .prefetch_related("co_organisers")
        .order_by("starts_at", "pk")
    )


def calendar_upcoming(
    *, actor: Actor, region: str = "", kind: str = "", past: bool = False
) -> QuerySet[Meeting]:
    """The calendar's list: meetings not yet over, soonest first; with `past`, those over, latest first."""
    qs = meeting_list(actor=actor, filters=MeetingFilter(kind=kind, region=region))
    now = timezone.now()
    if past:
        return qs.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    return qs.filter(ends_at__gte=now).order_by("starts_at", "pk")


def calendar_feed_meetings(*, actor: Actor, on: dt.date | None = None) -> QuerySet[Meeting]:
    """What a user's calendar address carries: their meetings from a year back to two years ahead."""
    day = on or today()
    return calendar_meetings(
        actor=actor,
        start=day - dt.timedelta(days=FEED_DAYS_BACK),
        end=day + dt.timedelta(days=FEED_DAYS_AHEAD + 1),
    )


def calendar_feed_of(*, actor: Actor) -> CalendarFeed | None:
    """The actor's own calendar address still in force (none: never made, or revoked)."""
    if actor.user_id is None:
        return None
    return CalendarFeed.objects.filter(user_id=actor.user_id, revoked_at__isnull=True).order_by("-pk").first()


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """The feed a calendar address names, if it still works: not revoked and its user still active.
    The token is the credential (a calendar client cannot log in); None answers 404."""
    if not token or len(token) > 64:
        return None
    return (
        CalendarFeed.objects.filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
