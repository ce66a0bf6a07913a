"""Meeting series pages (issue 15 §1): the list of series with a "Seri baru" form, and a series' page
with its meetings by year and edition and the host rotation across years as a table.

Reads go through coordination/selectors.py: every reader lists and opens a series (its name is
public), but only the meetings the user reads are counted and shown. The series is written through
services.series_create (a rule answers on its field; a user who may not create gets 403).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_http_methods

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import actor_for_request, require
from sentra.coordination import selectors, services
from sentra.coordination.choices import MeetingKind
from sentra.core.errors import DomainError

from ..forms import add_domain_errors


class SeriesForm(forms.Form):
    name = forms.CharField(
        label=_l("Nama seri"),
        max_length=200,
        help_text=_l("Mis. “Rakornas Dekon Ditjen IKMA”: satu nama untuk semua edisi setiap tahun."),
    )
    kind = forms.ChoiceField(label=_l("Jenis rapat"), choices=MeetingKind.choices)


@login_required
@require_http_methods(["GET", "POST"])
def series_list(request):
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.COORDINATION)
    can_create = actor.can(Action.CREATE, Area.COORDINATION)
    form = SeriesForm()
    status = 200
    if request.method == "POST":
        require(actor, Action.CREATE, Area.COORDINATION)
        form = SeriesForm(request.POST)
        if form.is_valid():
            try:
                series = services.series_create(actor=actor, **form.cleaned_data)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Seri “%(name)s” tersimpan.") % {"name": series})
                return redirect("web:series_detail", pk=series.pk)
        status = 400
    summaries = selectors.series_summaries(actor=actor)
    rows = [(series, summaries.get(series.pk)) for series in selectors.series_list(actor=actor)]
    context = {"rows": rows, "form": form, "can_create": can_create}
    return render(request, "web/coordination/series_list.html", context, status=status)


def rotation_table(meetings) -> tuple[list[int | None], list[tuple[int, list[list]]]]:
    """(editions, rows): one row per year, one cell per edition, each cell the meetings of that year
    and edition (usually one; a meeting without an edition has its own column at the end)."""
    editions = sorted({m.edition for m in meetings if m.edition is not None})
    if any(m.edition is None for m in meetings):
        editions.append(None)
    by_year: dict[int, dict[int | None, list]] = {}
    for meeting in meetings:
        by_year.setdefault(meeting.fiscal_year, {}).setdefault(meeting.edition, []).append(meeting)
    rows = [(year, [cells.get(edition, []) for edition in editions]) for year, cells in by_year.items()]
    return editions, rows


def next_edition(meetings, year: int) -> int:
    """The edition a new meeting of the series would have this year: one after this year's last."""
    return max((m.edition or 0 for m in meetings if m.fiscal_year == year), default=0) + 1


@login_required
@require_GET
def series_detail(request, pk: int):
    actor = actor_for_request(request)
    series = selectors.series_get(actor=actor, pk=pk)
    meetings = list(selectors.series_meetings(actor=actor, series=series))
    editions, rotation = rotation_table(meetings)
    year = selectors.today().year
    context = {
        "series": series,
        "meetings": meetings,
        "editions": editions,
        "rotation": rotation,
        "next_year": year,
        "next_edition": next_edition(meetings, year),
        "can_plan": actor.can(Action.CREATE, Area.COORDINATION),
    }
    return render(request, "web/coordination/series_detail.html", context)
