"""The caller's meetings as an iCalendar file: GET /api/v1/calendar.ics (issue 15 §4, §8).

Authenticated like the rest of the API (token or session); the meetings are those the caller reads
(coordination.selectors.calendar_meetings: the one scope rule), filtered by region, kind and a date
range (`from` inclusive, `to` exclusive; without them the window of the calendar address, a year
back to two years ahead). A range that is empty or longer than that window answers 400 with its code.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import require
from sentra.coordination import calendar, selectors
from sentra.coordination.choices import MeetingKind

from .auth import api_actor

router = Router(tags=["koordinasi"])

RegionCode = Annotated[
    str,
    Field(
        pattern=r"^(\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)?$",
        description="Kode wilayah (penyelenggara atau tuan rumah).",
    ),
]
Day = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]


class CalendarFilters(Schema):
    region: RegionCode = ""
    kind: MeetingKind | None = None
    date_from: Day | None = Field(None, alias="from", description="Tanggal awal (termasuk).")
    date_to: Day | None = Field(None, alias="to", description="Tanggal akhir (tidak termasuk).")


ICS_RESPONSE = {
    200: {
        "description": "Rapat sebagai berkas iCalendar (RFC 5545), satu VEVENT per rapat.",
        "content": {"text/calendar": {"schema": {"type": "string"}}},
    }
}


@router.get(
    "/calendar.ics",
    response={200: None},
    summary="Kalender rapat (iCal)",
    description=(
        "Rapat yang dapat dibaca pemanggil sebagai iCalendar. Tanpa `from`/`to`: setahun ke belakang "
        f"sampai dua tahun ke depan; rentang paling panjang {selectors.CALENDAR_MAX_DAYS} hari "
        "(kode `calendar_range_too_long`), `to` sesudah `from` (kode `calendar_range_empty`)."
    ),
    openapi_extra={"responses": ICS_RESPONSE},
)
def calendar_ics(request, filters: Query[CalendarFilters]):
    actor = api_actor(request)
    require(actor, Action.LIST, Area.COORDINATION)
    today = selectors.today()
    start = filters.date_from or (
        filters.date_to - dt.timedelta(days=selectors.FEED_DAYS_BACK + selectors.FEED_DAYS_AHEAD)
        if filters.date_to
        else today - dt.timedelta(days=selectors.FEED_DAYS_BACK)
    )
    end = filters.date_to or min(
        start + dt.timedelta(days=selectors.CALENDAR_MAX_DAYS),
        max(today, start) + dt.timedelta(days=selectors.FEED_DAYS_AHEAD + 1),
    )
    meetings = selectors.calendar_meetings(
        actor=actor, start=start, end=end, region=filters.region, kind=filters.kind or ""
    )
    content = calendar.cached_calendar(
        meetings,
        name=_("Rapat Sentra — %(user)s") % {"user": actor.username},
        url_for=lambda m: request.build_absolute_uri(reverse("web:meeting_detail", args=[m.pk])),
        owner=(actor.user_id, request.build_absolute_uri("/")),
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="sentra-rapat.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
