"""Meetings as a calendar: the month grid of the calendar page and iCalendar (RFC 5545) files.

Pure presentation of meetings already read through the scope rule (coordination.selectors): nothing
here queries who may see what. Built with `icalendar` (a VCALENDAR of VEVENTs):
- UID `sentra-meeting-<id>@sentra` never changes for a meeting, so a subscribed calendar updates the
  event instead of adding a copy; SEQUENCE is the meeting's version (each saved edit raises it);
- DTSTART/DTEND carry the time zone of the place the meeting is held (host region, else organiser's
  region: WIB, WITA or WIT), with its VTIMEZONE, so a Balikpapan Rakor shows at its local hour;
- LOCATION is the venue and the host region's name; URL the meeting's page (the caller's `url_for`:
  the domain does not know the web's routes); DESCRIPTION kind, organisers, theme and online room;
- STATUS CONFIRMED once the meeting is held (or its minutes are final), TENTATIVE while planned.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from .choices import MeetingStatus
from .models import Meeting

PRODID = "-//Kementerian Perindustrian//Sentra//ID"
UID_DOMAIN = "sentra"

# Indonesia's three zones by province code (Kemendagri). West Kalimantan and Central Kalimantan keep
# WIB under their own tz name; every province not listed is WIB (Asia/Jakarta).
WITA_PROVINCES = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})
WIT_PROVINCES = frozenset({"81", "82", "91", "92", "93", "94", "95", "96"})
PONTIANAK_PROVINCES = frozenset({"61", "62"})


def zone_of_region(code: str | None) -> ZoneInfo:
    """The time zone clocks show in a region (any level): by its province."""
    province = (code or "")[:2]
    if province in WITA_PROVINCES:
        return ZoneInfo("Asia/Makassar")
    if province in WIT_PROVINCES:
        return ZoneInfo("Asia/Jayapura")
    if province in PONTIANAK_PROVINCES:
        return ZoneInfo("Asia/Pontianak")
    return ZoneInfo(settings.TIME_ZONE if settings.TIME_ZONE.startswith("Asia/") else "Asia/Jakarta")


def meeting_zone(meeting: Meeting) -> ZoneInfo:
    """Where the meeting is held decides its clock: the host region, else the organiser's region."""
    return zone_of_region(meeting.host_region_id or meeting.region_id)


def meeting_uid(meeting: Meeting) -> str:
    return f"sentra-meeting-{meeting.pk}@{UID_DOMAIN}"


def meeting_days(meeting: Meeting) -> list[dt.date]:
    """Every local day (Sentra's time zone, like the rest of the pages) the meeting spans. A meeting
    ending exactly at midnight does not take the next day."""
    first = timezone.localtime(meeting.starts_at).date()
    end = timezone.localtime(meeting.ends_at)
    last = end.date()
    if end.time() == dt.time(0, 0) and last > first:
        last -= dt.timedelta(days=1)
    last = max(last, first)
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


# --- the month grid ---------------------------------------------------------------------------------


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    meetings: list[Meeting] = field(default_factory=list)


def month_weeks(year: int, month: int, meetings: Iterable[Meeting], *, today: dt.date) -> list[list[Day]]:
    """The weeks (Monday to Sunday) that show `month`, each meeting placed on every day it spans."""
    weeks = [
        [Day(date=d, in_month=d.month == month, is_today=d == today) for d in week]
        for week in _calendar.Calendar(firstweekday=_calendar.MONDAY).monthdatescalendar(year, month)
    ]
    by_date = {day.date: day for week in weeks for day in week}
    for meeting in meetings:
        for date in meeting_days(meeting):
            if date in by_date:
                by_date[date].meetings.append(meeting)
    return weeks


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first day shown by the grid of `month` and the day after its last (whole weeks)."""
    weeks = _calendar.Calendar(firstweekday=_calendar.MONDAY).monthdatescalendar(year, month)
    return weeks[0][0], weeks[-1][-1] + dt.timedelta(days=1)


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


# --- iCalendar --------------------------------------------------------------------------------------


def _description(meeting: Meeting, co_organisers: list[str]) -> str:
    lines = [
        _("Jenis: %(kind)s") % {"kind": meeting.get_kind_display()},
        _("Penyelenggara: %(names)s") % {"names": ", ".join([meeting.agency.name, *co_organisers])},
        _("Bentuk: %(mode)s") % {"mode": meeting.get_mode_display()},
        _("Status: %(status)s") % {"status": meeting.get_status_display()},
    ]
    if meeting.theme:
        lines.append(_("Tema: %(theme)s") % {"theme": meeting.theme})
    if meeting.online_link:
        lines.append(_("Ruang daring: %(url)s") % {"url": meeting.online_link})
    return "\n".join(lines)


def _location(meeting: Meeting) -> str:
    host = meeting.host_region.name if meeting.host_region_id and meeting.host_region else ""
    return ", ".join(part for part in (meeting.venue, host) if part)


def meeting_event(meeting: Meeting, *, url: str, stamp: dt.datetime) -> Event:
    zone = meeting_zone(meeting)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", max(meeting.ends_at, meeting.starts_at).astimezone(zone))
    event.add("summary", meeting.title)
    co_organisers = [a.name for a in meeting.co_organisers.all()]
    event.add("description", _description(meeting, co_organisers))
    if location := _location(meeting):
        event.add("location", location)
    if url:
        event.add("url", url)
    event.add("categories", [str(meeting.get_kind_display())])
    confirmed = meeting.status in (MeetingStatus.HELD, MeetingStatus.MINUTES_FINAL)
    event.add("status", "CONFIRMED" if confirmed else "TENTATIVE")
    event.add("sequence", meeting.version)
    if meeting.updated_at:
        event.add("last-modified", meeting.updated_at)
    return event


# Building a VEVENT with icalendar costs about 1.5 ms, and a national user's address holds thousands:
# each meeting's event is kept (by id, version, last change, language and link) and reused by every file that
# holds it, so only new or edited meetings are built again. What the version cannot see (an agency or
# region renamed) shows within EVENT_CACHE_SECONDS.
EVENT_CACHE_SECONDS = 3600
END_CALENDAR = b"END:VCALENDAR\r\n"


def _event_key(meeting: Meeting, url: str) -> str:
    source = f"{meeting.pk}:{meeting.version}:{meeting.updated_at}:{get_language()}:{url}"
    return "coordination:vevent:" + hashlib.sha256(source.encode()).hexdigest()


def build_calendar(meetings: Iterable[Meeting], *, name: str, url_for: Callable[[Meeting], str]) -> bytes:
    """A VCALENDAR with one VEVENT per meeting (iterate a queryset with co_organisers prefetched),
    and one VTIMEZONE per zone its events use."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    meetings = list(meetings)
    urls = {meeting.pk: url_for(meeting) for meeting in meetings}
    keys = {meeting.pk: _event_key(meeting, urls[meeting.pk]) for meeting in meetings}
    kept = cache.get_many(list(keys.values()))
    built = {}
    events = []
    zones = {}
    for meeting in meetings:
        zone = meeting_zone(meeting)
        zones[zone.key] = zone
        content = kept.get(keys[meeting.pk])
        if content is None:
            content = meeting_event(meeting, url=urls[meeting.pk], stamp=stamp).to_ical()
            built[keys[meeting.pk]] = content
        events.append(content)
    if built:
        cache.set_many(built, EVENT_CACHE_SECONDS)
    for key in sorted(zones):
        cal.add_component(Timezone.from_tzinfo(zones[key]))
    head = cal.to_ical()
    return head[: -len(END_CALENDAR)] + b"".join(events) + END_CALENDAR


# A national user's address holds thousands of meetings (about 1.5 ms each to build): what was built is
# kept and served again while nothing it holds has changed. The fingerprint is read with the caller's
# scope at every request, so a meeting entering or leaving the scope, or edited, makes a new file.
# What the fingerprint cannot see (an agency or region renamed) shows within the hour.
CACHE_SECONDS = 3600


def fingerprint(meetings: QuerySet[Meeting]) -> tuple:
    """What identifies the content of a calendar: which meetings, and their latest versions."""
    found = meetings.order_by().aggregate(
        count=Count("pk"), ids=Sum("pk"), versions=Sum("version"), last=Max("updated_at")
    )
    return found["count"], found["ids"], found["versions"], str(found["last"])


def cached_calendar(
    meetings: QuerySet[Meeting], *, name: str, url_for: Callable[[Meeting], str], owner: tuple
) -> bytes:
    """build_calendar, served from the cache while `meetings` (the caller's scope, read now) is
    unchanged. `owner` names whose file it is and where its links point (user id, site)."""
    key_source = repr((owner, name, timezone.localdate().isoformat(), fingerprint(meetings)))
    key = "coordination:calendar:" + hashlib.sha256(key_source.encode()).hexdigest()
    content = cache.get(key)
    if content is None:
        content = build_calendar(meetings, name=name, url_for=url_for)
        cache.set(key, content, CACHE_SECONDS)
    return content


def ics_filename(meeting: Meeting) -> str:
    return f"rapat-{meeting.pk}.ics"
