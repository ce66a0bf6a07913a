"""Coverage and performance of the facilitators (Cakupan pendampingan, issue 16 §6): a map and a table
national → province → regency/city, drilled down like the control dashboard, and at a regency the list
of its facilitators. Figures from facilitators/coverage.py; the view parses the query, adds the links,
exports the table (CSV/XLSX) and serves the map's GeoJSON (the boundaries of web/views/maps.py).
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, actor_for_request, require
from sentra.core.exports import Column, csv_response, xlsx_response
from sentra.facilitators import coverage as cov
from sentra.facilitators.choices import FacilitatorStatus
from sentra.regions.codes import normalise_code
from sentra.regions.models import Region
from sentra.regions.selectors import region_path
from sentra.verification.models import VerificationStatus

from .maps import _features

LEVEL_LABELS = {
    "province": gettext_lazy("Provinsi"),
    "regency": gettext_lazy("Kabupaten/kota"),
    "facilitator": gettext_lazy("Kabupaten/kota"),
}
TIMELINESS = {
    "on_time": gettext_lazy("Tepat waktu"),
    "late": gettext_lazy("Terlambat"),
    "missing": gettext_lazy("Belum masuk"),
}


def _params(request, actor: Actor) -> tuple[Region | None, object]:
    """The region (`wilayah`, else the reader's own) and the month (`bulan`, YYYY-MM) of the page.
    A malformed or out-of-scope region, or a malformed month, answers 404."""
    asked = request.GET.get("wilayah", "").strip()
    code = normalise_code(asked) if asked else None
    if asked and not code:
        raise Http404
    region = cov.coverage_region(actor=actor, code=code)
    try:
        month = cov.parse_month(request.GET.get("bulan"))
    except ValueError:
        raise Http404 from None
    return region, month


def _query(region: str, month, **extra) -> str:
    params = {"wilayah": region, "bulan": month.strftime("%Y-%m") if month else ""}
    params.update(extra)
    return urlencode({k: v for k, v in params.items() if v})


def _page_url(region: str = "", month=None) -> str:
    query = _query(region, month)
    return reverse("web:facilitator_coverage") + (f"?{query}" if query else "")


def _month_nav(region: Region | None, data: cov.Coverage) -> dict:
    """The month shown, said plainly, with the month before one click away (and the month after, up to
    the current one). The current month is the default, whatever its day: on its first days it holds
    few visits, so the page says how far it runs and offers the last complete month next to it."""
    code = region.code if region else ""
    current = cov.month_start(data.today)
    previous, following = cov.add_months(data.month, -1), cov.add_months(data.month, 1)
    return {
        "previous": {"month": previous, "url": _page_url(code, previous)},
        "next": {"month": following, "url": _page_url(code, following)} if following <= current else None,
        "is_current": data.month == current,
        "days": data.today.day,
    }


def _crumbs(actor: Actor, region: Region | None, month) -> list[dict]:
    crumbs = [{"label": _("Nasional"), "url": _page_url("", month)}] if actor.is_national else []
    if region is not None:
        for place in region_path(code=region.code):
            if actor.region_code and len(place.code) < len(actor.region_code):
                continue
            crumbs.append({"label": place.name, "url": _page_url(place.code, month)})
    return crumbs


def _summary(request):
    actor = actor_for_request(request)
    region, month = _params(request, actor)
    data = cov.region_coverage(actor=actor, region=region, month=month)
    return actor, region, month, data


def _rows(data: cov.Coverage, asked_month) -> list[dict]:
    drill = data.level != "facilitator"
    return [
        {"row": row, "url": _page_url(row.code, asked_month) if drill else ""}
        for row in sorted(data.rows, key=lambda r: r.code)
    ]


def _facilitator_rows(data: cov.Coverage) -> list[dict]:
    statuses = dict(VerificationStatus.choices)
    return [
        {
            "row": row,
            "url": row.facilitator.get_absolute_url(),
            "status_label": FacilitatorStatus(row.facilitator.status).label,
            "report_label": statuses.get(row.report_status, _("Belum dibuat")),
            "timeliness_label": TIMELINESS[row.report_timeliness],
        }
        for row in data.facilitators
    ]


@login_required
@require_GET
def coverage_page(request):
    actor, region, month, data = _summary(request)
    query = _query(region.code if region else "", month)
    context = {
        "data": data,
        "region": region,
        "rows": _rows(data, month),
        "facilitators": _facilitator_rows(data),
        "level_label": LEVEL_LABELS[data.level],
        "crumbs": _crumbs(actor, region, month),
        "month_value": data.month.strftime("%Y-%m"),
        "month_nav": _month_nav(region, data),
        "export_query": query,
        "map_url": reverse("web:facilitator_coverage_map") + (f"?{query}" if query else ""),
        "show_map": data.level != "facilitator",
        "can_export": actor.can(Action.EXPORT, Area.FACILITATORS),
    }
    return render(request, "web/facilitators/coverage/page.html", context)


def _share(value):
    return "" if value is None else value


EXPORT_COLUMNS = [
    Column("Kode wilayah", lambda r: r.code),
    Column("Wilayah", lambda r: r.name),
    Column("Pendamping aktif", lambda r: r.facilitators),
    Column("Sentra", lambda r: r.centres),
    Column("Sentra didampingi", lambda r: r.centres_covered),
    Column("Sentra tanpa pendamping", lambda r: r.centres_uncovered),
    Column("Sentra didampingi (%)", lambda r: _share(r.centre_share)),
    Column("IKM", lambda r: r.enterprises),
    Column("IKM didampingi", lambda r: r.enterprises_covered),
    Column("IKM tanpa pendamping", lambda r: r.enterprises_uncovered),
    Column("Kunjungan bulan ini", lambda r: r.visits_month),
    Column("Kunjungan per pendamping per bulan (6 bulan)", lambda r: _share(r.visits_per_facilitator)),
    Column("IKM binaan tidak dikunjungi 90 hari", lambda r: r.not_visited_90),
    Column("Kontrak berakhir dalam 60 hari", lambda r: r.contracts_ending),
    Column("Laporan tepat waktu", lambda r: r.reports_on_time),
    Column("Laporan terlambat", lambda r: r.reports_late),
    Column("Laporan belum masuk", lambda r: r.reports_missing),
]


@login_required
@require_GET
def coverage_export(request):
    """The table as CSV (default) or XLSX (?format=xlsx), with its total row."""
    actor, region, _month, data = _summary(request)
    require(actor, Action.EXPORT, Area.FACILITATORS)
    rows = [*sorted(data.rows, key=lambda r: r.code), data.total]
    name = f"sentra-cakupan-pendamping-{data.month:%Y-%m}" + (f"-{region.code}" if region else "")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(name, rows, EXPORT_COLUMNS, sheet_title=_("Cakupan"))
    return csv_response(name, rows, EXPORT_COLUMNS)


@login_required
@require_GET
def coverage_map(request):
    """The boundaries of the level shown (provinces, or the regencies of a province) with each
    region's share of centres covered, its facilitators and uncovered centres, and its page's URL."""
    _actor, region, month, data = _summary(request)
    if data.level == "facilitator":
        raise Http404
    by_code = {row.code: row for row in data.rows}
    shapes = _features("provinces.geojson" if region is None else "regencies.geojson")
    features = []
    for feature in shapes:
        row = by_code.get(feature["properties"]["code"])
        if row is None:
            continue
        properties = {
            "code": row.code,
            "name": row.name,
            "share": row.centre_share,
            "centres": row.centres,
            "uncovered": row.centres_uncovered,
            "facilitators": row.facilitators,
            "visits": row.visits_month,
            "url": _page_url(row.code, month),
        }
        features.append({"type": "Feature", "properties": properties, "geometry": feature["geometry"]})
    body = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    return HttpResponse(body, content_type="application/geo+json")
