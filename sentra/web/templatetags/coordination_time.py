"""A meeting's hours on the clock of the place it is held: `{% meeting_span meeting %}`.

The zone is coordination.calendar.meeting_zone (host region, else the organiser's region), the same
the .ics files and the meeting form use, so a Balikpapan Rakor typed 09:00 reads "09:00 WITA" on its
page. The calendar grid and the lists keep Sentra's zone (WIB)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import template
from django.utils.formats import date_format

from sentra.coordination.calendar import meeting_zone

register = template.Library()

# Indonesia's own names of its zones (Asia/Pontianak keeps WIB under its own tz name).
ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone_abbreviation(zone: ZoneInfo) -> str:
    return ZONE_ABBREVIATIONS.get(zone.key, zone.key)


def _clock(value: dt.datetime, zone: ZoneInfo, fmt: str) -> str:
    return date_format(value.astimezone(zone), fmt)


@register.simple_tag
def meeting_span(meeting) -> str:
    """Start – end in the meeting's zone, followed by the zone's abbreviation (WIB, WITA, WIT)."""
    zone = meeting_zone(meeting)
    start = _clock(meeting.starts_at, zone, "j F Y H:i")
    end = _clock(meeting.ends_at, zone, "j F Y H:i")
    return f"{start} – {end} {zone_abbreviation(zone)}"
