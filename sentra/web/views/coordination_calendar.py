"""The meetings calendar (issue 15 §4): a month grid and a list of the meetings a user reads, filtered
by region and kind; the user's secret calendar address (iCal feed) and a meeting's single .ics.

Reads go through coordination.selectors (the one scope rule), files are built by
coordination.calendar. The calendar address needs no login: its token is the credential, and each
request re-reads the meetings with the user's scope as it is now (a revoked address, an unknown one
or an inactive user answers 404).
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_POST

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import actor_for_request, actor_for_user, require
from sentra.coordination import calendar, selectors, services
from sentra.coordination.choices import MeetingKind
from sentra.regions.codes import normalise_code
from sentra.regions.selectors import region_get

from ..generic import COUNT_CAP, CappedPaginator, effective_region, region_selects_for

PER_PAGE = 25
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
ICS_TYPE = "text/calendar; charset=utf-8"
WEEKDAYS = (_l("Sen"), _l("Sel"), _l("Rab"), _l("Kam"), _l("Jum"), _l("Sab"), _l("Min"))


class CalendarFilterForm(forms.Form):
    """The month (`bulan`, YYYY-MM), the kind and the region (cascading selects or a code)."""

    bulan = forms.CharField(label=_l("Bulan"), required=False)
    kind = forms.ChoiceField(
        label=_l("Jenis rapat"),
        choices=[("", _l("Semua")), *MeetingKind.choices],
        required=False,
        error_messages={"invalid_choice": _l("Jenis rapat tidak dikenal: %(value)s.")},
    )
    region = forms.CharField(label=_l("Kode wilayah"), required=False, max_length=20)

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.region_code = effective_region(data)

    def clean_bulan(self) -> tuple[int, int] | None:
        text = (self.cleaned_data.get("bulan") or "").strip()
        if not text:
            return None
        found = MONTH.match(text)
        if not found or not (2000 <= int(found[1]) <= 2100 and 1 <= int(found[2]) <= 12):
            raise forms.ValidationError(
                _("Bulan tidak dikenal: tulis tahun dan bulan seperti 2026-11."), code="bad_month"
            )
        return int(found[1]), int(found[2])

    def clean(self):
        cleaned = super().clean()
        if self.region_code:
            code = normalise_code(self.region_code)
            if code is None or region_get(code=code) is None:
                self.add_error(
                    "region", _("Kode wilayah tidak dikenal: %(code)s.") % {"code": self.region_code}
                )
            else:
                cleaned["region_code"] = code
        return cleaned


def _filters(request) -> tuple[CalendarFilterForm, dict]:
    form = CalendarFilterForm(request.GET)
    valid = form.is_valid()
    query = request.GET.copy()
    for name in ("bulan", "page"):
        query.pop(name, None)
    context = {
        "form": form,
        "valid": valid,
        "region_selects": region_selects_for(form.cleaned_data.get("region_code", "") if valid else ""),
        "filter_query": query.urlencode(),
        "today": selectors.today(),
        "weekdays": WEEKDAYS,
    }
    return form, context


def _scope(form: CalendarFilterForm) -> dict:
    return {"region": form.cleaned_data.get("region_code", ""), "kind": form.cleaned_data.get("kind") or ""}


@login_required
@require_GET
def calendar_month(request):
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.COORDINATION)
    form, context = _filters(request)
    if not context["valid"]:
        return render(request, "web/coordination/calendar_month.html", context, status=400)
    today = context["today"]
    year, month = form.cleaned_data.get("bulan") or (today.year, today.month)
    start, end = calendar.month_bounds(year, month)
    # The grid shows titles and times only: co-organisers (prefetched for the iCal events) are not read.
    meetings = selectors.calendar_meetings(
        actor=actor, start=start, end=end, **_scope(form)
    ).prefetch_related(None)
    weeks = calendar.month_weeks(year, month, meetings, today=today)
    previous, following = calendar.shift_month(year, month, -1), calendar.shift_month(year, month, 1)
    context.update(
        weeks=weeks,
        month_days=[day for week in weeks for day in week if day.in_month and day.meetings],
        month_start=dt.date(year, month, 1),
        previous_month=f"{previous[0]:04d}-{previous[1]:02d}",
        next_month=f"{following[0]:04d}-{following[1]:02d}",
        this_month=f"{today.year:04d}-{today.month:02d}",
    )
    return render(request, "web/coordination/calendar_month.html", context)


@login_required
@require_GET
def calendar_list(request):
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.COORDINATION)
    form, context = _filters(request)
    past = request.GET.get("lewat") == "1"
    context["past"] = past
    if not context["valid"]:
        return render(request, "web/coordination/calendar_list.html", context, status=400)
    qs = selectors.calendar_upcoming(actor=actor, past=past, **_scope(form))
    paginator = CappedPaginator(qs, PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        page=paginator.get_page(request.GET.get("page")),
        paginator=paginator,
        query=query.urlencode(),
        count_cap=COUNT_CAP,
        rows_template="web/coordination/_calendar_rows.html",
    )
    return render(request, "web/coordination/calendar_list.html", context)


# --- the calendar address (iCal feed) and single .ics --------------------------------------------------


def _ics(content: bytes, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(content, content_type=ICS_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The address is a secret: no shared cache keeps it, no search engine lists it.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _meeting_url(request):
    return lambda meeting: request.build_absolute_uri(reverse("web:meeting_detail", args=[meeting.pk]))


@login_required
@require_GET
def calendar_subscription(request):
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.COORDINATION)
    feed = selectors.calendar_feed_of(actor=actor)
    feed_url = request.build_absolute_uri(reverse("web:calendar_feed", args=[feed.token])) if feed else ""
    return render(
        request,
        "web/coordination/calendar_subscription.html",
        {
            "feed": feed,
            "feed_url": feed_url,
            "webcal_url": re.sub(r"^https?://", "webcal://", feed_url),
            "days_back": selectors.FEED_DAYS_BACK,
            "days_ahead": selectors.FEED_DAYS_AHEAD,
        },
    )


@login_required
@require_POST
def calendar_feed_create(request):
    services.calendar_feed_create(actor=actor_for_request(request))
    messages.success(request, _("Alamat kalender baru dibuat; alamat lama tidak berlaku lagi."))
    return redirect("web:calendar_subscription")


@login_required
@require_POST
def calendar_feed_revoke(request):
    if services.calendar_feed_revoke(actor=actor_for_request(request)):
        messages.success(
            request, _("Alamat kalender dicabut; aplikasi kalender tidak dapat membacanya lagi.")
        )
    else:
        messages.info(request, _("Tidak ada alamat kalender yang berlaku."))
    return redirect("web:calendar_subscription")


@require_GET
def calendar_feed(request, token: str):
    """The user's meetings as iCal, for a calendar client (no login: the token is the credential)."""
    feed = selectors.calendar_feed_by_token(token)
    if feed is None:
        raise Http404
    actor = actor_for_user(feed.user)
    if not actor.can(Action.LIST, Area.COORDINATION):
        raise Http404
    meetings = selectors.calendar_feed_meetings(actor=actor)
    name = _("Rapat Sentra — %(user)s") % {"user": feed.user.get_full_name() or feed.user.username}
    owner = (feed.user_id, request.build_absolute_uri("/"))
    content = calendar.cached_calendar(meetings, name=name, url_for=_meeting_url(request), owner=owner)
    services.calendar_feed_used(feed)
    return _ics(content)


@login_required
@require_GET
def meeting_ics(request, pk: int):
    actor = actor_for_request(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    content = calendar.build_calendar([meeting], name=meeting.title, url_for=_meeting_url(request))
    return _ics(content, filename=calendar.ics_filename(meeting))
