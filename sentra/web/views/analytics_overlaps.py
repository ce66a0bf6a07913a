"""Overlaps in planning (issue 17 §1) on the web:

- the panel "Kegiatan terkait / kemungkinan tumpang tindih" on an activity's page (`overlap_panel`, called
  by web.views.programmes.activity_detail): the links recorded on it and the overlap check's findings not
  yet linked, each with its score and reasons, and a form to record a decision;
- the draft check of the activity form (htmx, `overlap_draft`): as the planner types, the panel lists likely
  overlaps of the values in the form, without blocking the save;
- link and unlink (POST), back to the activity page with a message;
- the report /analisis/tumpang-tindih/ (likely duplicates not yet linked, trainings not followed up) and
  its CSV/XLSX export.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, actor_for_request
from sentra.analytics import links, overlap_report
from sentra.analytics.models import LinkKind
from sentra.analytics.overlaps import THRESHOLD, overlaps_for
from sentra.core.errors import AccessDenied, DomainError
from sentra.programmes import selectors as programme_selectors
from sentra.programmes.choices import ActivityKind


def overlap_panel(actor: Actor, activity) -> dict:
    """Context of the activity page's panel (web/analytics/overlaps/_panel.html)."""
    rows = links.links_of(actor=actor, activity=activity)
    linked = {row.other_id for row in rows}
    found = [f for f in overlaps_for(actor=actor, activity=activity) if f.activity_id not in linked]
    return {
        "overlap_links": rows,
        "overlap_found": found,
        "overlap_threshold": THRESHOLD,
        "overlap_can_link": links.can_link(actor, activity),
        "overlap_kinds": LinkKind.choices,
    }


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).strip().isdigit()]


@login_required
@require_GET
def overlap_draft(request):
    """htmx: likely overlaps of the activity form's current values (a draft; nothing is saved)."""
    actor = actor_for_request(request)
    get = request.GET
    activity = None
    if get.get("kegiatan", "").isdigit():
        activity = programme_selectors.activity_get(actor=actor, pk=int(get["kegiatan"]))
    agency_id = activity.agency_id if activity else None
    year = activity.fiscal_year if activity else None
    if get.get("programme", "").isdigit():
        programme = programme_selectors.programme_get(actor=actor, pk=int(get["programme"]))
        if programme is not None:
            agency_id, year = programme.agency_id, programme.fiscal_year
    draft = {
        "name": get.get("name", ""),
        "description": get.get("description", ""),
        "kind": get.get("kind", ""),
        "agency_id": agency_id or actor.agency_id,
        "fiscal_year": year,
        "start_date": get.get("start_date", "") or None,
        "end_date": get.get("end_date", "") or None,
        "location_codes": [c.strip() for c in get.get("location_codes", "").split(",") if c.strip()],
        "centre_ids": _ids(get.getlist("centres")),
        "enterprise_ids": _ids(get.getlist("enterprises")),
    }
    try:
        found = overlaps_for(actor=actor, activity=activity, draft=draft, limit=10)
    except (DomainError, ValueError):
        found = []
    return render(
        request,
        "web/analytics/overlaps/_draft.html",
        {"overlap_found": found, "overlap_threshold": THRESHOLD},
    )


@login_required
@require_POST
def activity_link(request, pk: int):
    actor = actor_for_request(request)
    activity = programme_selectors.activity_get(actor=actor, pk=pk)
    if activity is None:
        raise Http404
    other = request.POST.get("other", "")
    this_first = request.POST.get("order", "this_first") != "other_first"
    first, second = (activity.pk, other) if this_first else (other, activity.pk)
    try:
        links.link_activities(
            actor=actor,
            first=first,
            second=second,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    except AccessDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Keputusan atas kedua kegiatan tercatat dan tampil di halaman keduanya."))
    return redirect("web:activity_detail", pk=activity.pk)


@login_required
@require_POST
def activity_unlink(request, pk: int, link_id: int):
    actor = actor_for_request(request)
    activity = programme_selectors.activity_get(actor=actor, pk=pk)
    link = links.link_get(actor=actor, pk=link_id)
    if activity is None or link is None or activity.pk not in (link.first_id, link.second_id):
        raise Http404
    try:
        links.unlink(actor=actor, link_id=link.pk, reason=request.POST.get("reason", ""))
    except AccessDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Tautan kedua kegiatan dihapus."))
    return redirect("web:activity_detail", pk=activity.pk)


def _report(request, actor: Actor):
    get = request.GET
    f = overlap_report.clean_filter(
        actor, year=get.get("tahun", ""), region=get.get("wilayah", ""), kind=get.get("jenis", "")
    )
    return overlap_report.build(actor=actor, f=f)


@login_required
@require_GET
def overlap_report_page(request):
    actor = actor_for_request(request)
    if not (actor.can(Action.LIST, Area.ANALYTICS) and actor.can(Action.LIST, Area.PROGRAMMES)):
        raise AccessDenied(_("Peran Anda tidak diizinkan membuka laporan ini."))
    context = {
        "params": {k: request.GET.get(k, "").strip() for k in ("tahun", "wilayah", "jenis")},
        "kinds": ActivityKind.choices,
        "threshold": THRESHOLD,
        "max_checked": overlap_report.MAX_CHECKED,
        "report": None,
        "error": None,
        "query": request.GET.urlencode(),
    }
    status = 200
    try:
        context["report"] = report = _report(request, actor)
        context["pages_duplikat"] = _table_page(request, "duplikat", report.duplicates, "duplicates")
        context["pages_pelatihan"] = _table_page(request, "pelatihan", report.trainings, "trainings")
    except DomainError as error:
        context["error"] = error.message
        status = 400
    return render(request, "web/analytics/overlaps/report.html", context, status=status)


REPORT_PER_PAGE = 25  # rows per table of the report: a phone shows a page without scrolling for minutes


def _table_page(request, table: str, rows: list, anchor: str) -> dict:
    """One page of a report table, its own parameter (`hal_duplikat`, `hal_pelatihan`) so that paging
    one table keeps the other's page, and the query of its links."""
    param = f"hal_{table}"
    page = Paginator(rows, REPORT_PER_PAGE).get_page(request.GET.get(param))
    others = QueryDict(mutable=True)
    others.update(request.GET)
    others.pop(param, None)
    return {"page": page, "param": param, "query": others.urlencode(), "anchor": anchor}


@login_required
@require_GET
def overlap_report_export(request):
    actor = actor_for_request(request)
    if not actor.can(Action.EXPORT, Area.ANALYTICS):
        raise AccessDenied(_("Peran Anda tidak diizinkan mengekspor laporan ini."))
    try:
        report = _report(request, actor)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:analytics_overlaps")
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return overlap_report.export_response(report, request.GET.get("tabel", "duplikat"), fmt)
