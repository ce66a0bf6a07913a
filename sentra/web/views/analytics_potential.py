"""Leading potential (Potensi unggulan, issue 17 §3) at /analisis/potensi/: the ranked leading commodities
of a region, the location-quotient table of the regions inside it, a map of one commodity (regencies
shaded by LQ), the shift-share between two registry snapshots, and the exports of each table.

Figures from analytics/potential.py; the view reads the query (Indonesian names: wilayah, tingkat, digit,
ukuran, pembanding, kbli, dari, sampai), shows a parameter error on the page with its message (never a
traceback), and a region outside the reader's own answers 404.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import actor_for_request, require
from sentra.analytics import potential
from sentra.analytics.models import RegistrySnapshot
from sentra.core.errors import DomainError

from .maps import _features

MEASURE_LABELS = {
    "enterprises": gettext_lazy("Jumlah IKM aktif"),
    "workers": gettext_lazy("Tenaga kerja"),
    "production_value": gettext_lazy("Nilai produksi (Rp)"),
}
LEVEL_LABELS = {
    "province": gettext_lazy("Provinsi"),
    "regency": gettext_lazy("Kabupaten/kota"),
    "district": gettext_lazy("Kecamatan"),
}
REFERENCE_LABELS = {
    "nation": gettext_lazy("Nasional"),
    "parent": gettext_lazy("Wilayah induk (provinsi/kabupaten)"),
}
PARAMS = ("wilayah", "tingkat", "digit", "ukuran", "pembanding", "kbli", "dari", "sampai")


def _params(request) -> dict:
    get = request.GET
    return {
        "wilayah": get.get("wilayah", "").strip(),
        "tingkat": get.get("tingkat", "").strip(),
        "digit": get.get("digit", "").strip() or "2",
        "ukuran": get.get("ukuran", "").strip() or "enterprises",
        "pembanding": get.get("pembanding", "").strip() or "nation",
        "kbli": get.get("kbli", "").strip(),
        "dari": get.get("dari", "").strip(),
        "sampai": get.get("sampai", "").strip() or "now",
    }


def _default_level(actor, region) -> str:
    """One level below the region asked for (the country: regencies), at most districts."""
    level = region.level if region is not None else 1 if actor.region_code is None else None
    if level is None:
        level = len(actor.region_code.split("."))
    return {1: "regency", 2: "district"}.get(level, "district")


def _query(params: dict, **changes) -> str:
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v and k in PARAMS})


def _lq_table(actor, params):
    region = potential.find_region(actor, params["wilayah"] or None)
    level = params["tingkat"] or _default_level(actor, region)
    params["tingkat"] = level
    return potential.location_quotient(
        actor=actor,
        region=region,
        level=level,
        kbli_digits=params["digit"],
        measure=params["ukuran"],
        reference=params["pembanding"],
    )


def _map_kbli(params: dict, table, leading) -> str:
    """The commodity the map shows: the one asked for, else the region's first leading commodity, else
    (the whole country) the KBLI with the most active IKM in the table, the lower code on a tie: its map
    shades regencies all over the country, where the highest LQ is one IKM in one small regency."""
    if params["kbli"]:
        return params["kbli"]
    if leading is not None and leading.items:
        return leading.items[0].kbli
    totals: dict[str, int] = {}
    for row in table.rows:
        totals[row.kbli] = totals.get(row.kbli, 0) + row.enterprises
    return min(totals, key=lambda kbli: (-totals[kbli], kbli)) if totals else ""


def _kbli_title(kbli: str, table, leading) -> str:
    """The map's commodity by name (the heading "Peta LQ KBLI 12" alone tells a reader nothing)."""
    for item in [*(leading.items if leading is not None else []), *table.rows]:
        if item.kbli == kbli:
            return item.kbli_title
    return ""


LQ_PER_PAGE = 50  # rows of the LQ table per page (a province at 5 digits has thousands); exports hold all
# The LQ table's orders (?urut=key, "-key" descending), applied to every row before a page is cut, so a
# click on a heading orders the whole table, not the page shown. No ?urut: region, then LQ (highest first).
LQ_SORTS = {
    "wilayah": (gettext_lazy("Wilayah"), lambda r: (r.region_name, r.region_code)),
    "kbli": ("KBLI", lambda r: r.kbli),
    "lq": ("LQ", lambda r: r.lq),  # next to the KBLI: what a phone shows before scrolling sideways
    "ikm": (gettext_lazy("IKM aktif"), lambda r: r.enterprises),
    "nilai": (gettext_lazy("Nilai"), lambda r: r.value),
    "pangsa": (gettext_lazy("Pangsa di wilayah"), lambda r: r.share),
    "pembanding": (gettext_lazy("Pangsa di pembanding"), lambda r: r.reference_share),
}
TEXT_SORTS = frozenset({"wilayah", "kbli"})  # first click: A–Z; the figures: highest first


def _labels(table) -> dict:
    return {
        "level_label": LEVEL_LABELS[table.level].lower(),
        "measure_label": MEASURE_LABELS[table.measure],
        "reference_label": REFERENCE_LABELS[table.reference],
    }


def _sorted(rows: list, sort: str) -> tuple[list, str]:
    """The rows in the order ?urut= asks (an unknown key: as computed); rows without the value last."""
    key = sort.lstrip("-")
    if key not in LQ_SORTS:
        return rows, ""
    value = LQ_SORTS[key][1]
    present = [r for r in rows if value(r) is not None]
    present.sort(key=value, reverse=sort.startswith("-"))
    return present + [r for r in rows if value(r) is None], sort


def _sort_headers(sort: str) -> list[dict]:
    headers = []
    for key, (label, _value) in LQ_SORTS.items():
        active = sort.lstrip("-") == key
        descending = sort.startswith("-")
        if active:
            following = key if descending else f"-{key}"
        else:
            following = key if key in TEXT_SORTS else f"-{key}"
        headers.append(
            {
                "key": key,
                "label": label,
                "active": active,
                "descending": active and descending,
                "next": following,
                "numeric": key not in TEXT_SORTS,
            }
        )
    return headers


def _lq_page(request, table, params: dict) -> dict:
    """One page of the LQ table in the order asked, with the links its rows and headings need (the
    filters kept in every link, the page's anchor #lq so the reader stays on the table)."""
    rows, sort = _sorted(table.rows, request.GET.get("urut", "").strip())
    paginator = Paginator(rows, LQ_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    url = reverse("web:analytics_potential")
    query = _query(params)
    return {
        "rows": [
            {
                "row": row,
                "region_url": url + "?" + _query(params, wilayah=row.region_code, tingkat="", kbli=""),
                "map_url": url + "?" + _query(params, kbli=row.kbli) + "#potential-map",
            }
            for row in page.object_list
        ],
        "lq_page": page,
        "lq_paginator": paginator,
        "lq_sort": sort,
        "lq_sort_headers": _sort_headers(sort),
        "lq_sort_query": query,  # a heading's link: the filters, a new order, the first page
        "lq_page_query": "&".join(q for q in (query, urlencode({"urut": sort}) if sort else "") if q),
    }


@login_required
@require_GET
def potential_page(request):
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.ANALYTICS)
    params = _params(request)
    context = {
        "params": params,
        "measure_labels": MEASURE_LABELS,
        "level_labels": LEVEL_LABELS,
        "reference_labels": REFERENCE_LABELS,
        "digits": potential.DIGITS,
        "min_region": potential.MIN_REGION_ENTERPRISES,
        "min_cell": potential.MIN_CELL_ENTERPRISES,
        "years": list(RegistrySnapshot.objects.order_by("-year").values_list("year", flat=True)),
        "can_export": actor.can(Action.EXPORT, Area.ANALYTICS),
        "error": None,
        "table": None,
        "leading": None,
        "shift": None,
        "shift_error": None,
    }
    status = 200
    try:
        table = _lq_table(actor, params)
        context["table"] = table
        region = table.region
        if region is not None:
            context["leading"] = potential.leading_commodities(
                actor=actor,
                region_code=region.code,
                digits=table.kbli_digits,
                measure=table.measure,
                limit=10,
            )
        if region is not None and params["dari"]:
            try:
                context["shift"] = potential.shift_share(
                    actor=actor,
                    region=region,
                    from_year=params["dari"],
                    to_year=params["sampai"],
                    kbli_digits=table.kbli_digits,
                    measure=table.measure,
                )
            except DomainError as exc:
                context["shift_error"] = exc.message
                status = 400
        kbli = _map_kbli(params, table, context["leading"])
        context["map_kbli"] = kbli
        context["map_kbli_title"] = _kbli_title(kbli, table, context["leading"]) if kbli else ""
        if kbli:
            map_params = {**params, "kbli": kbli}
            context["map_url"] = reverse("web:analytics_potential_map") + "?" + _query(map_params)
        context["query"] = _query(params)
        context.update(_labels(table))
        context.update(_lq_page(request, table, params))
    except DomainError as exc:
        context["error"] = exc.message
        status = 400
    return render(request, "web/analytics/potential/page.html", context, status=status)


EXPORT_KINDS = {"lq": "lq", "unggulan": "leading", "shift-share": "shift_share"}


@login_required
@require_GET
def potential_export(request):
    """One table as CSV (default) or XLSX (?format=xlsx): ?tabel=lq|unggulan|shift-share."""
    actor = actor_for_request(request)
    require(actor, Action.EXPORT, Area.ANALYTICS)
    params = _params(request)
    kind = EXPORT_KINDS.get(request.GET.get("tabel", "lq"))
    if kind is None:
        raise Http404
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    try:
        if kind == "lq":
            table = _lq_table(actor, params)
            name = f"sentra-lq-{table.level}-kbli{table.kbli_digits}-{table.measure}"
            name += f"-{table.region.code}" if table.region else ""
            return potential.export_response("lq", name, table.rows, file_format)
        if kind == "leading":
            result = potential.leading_commodities(
                actor=actor,
                region_code=params["wilayah"],
                digits=params["digit"],
                measure=params["ukuran"],
                limit=500,
            )
            return potential.export_response(
                "leading", f"sentra-komoditas-unggulan-{result.region.code}", result.items, file_format
            )
        result = potential.shift_share(
            actor=actor,
            region=params["wilayah"],
            from_year=params["dari"],
            to_year=params["sampai"],
            kbli_digits=params["digit"],
            measure=params["ukuran"],
        )
        name = f"sentra-shift-share-{result.region.code}-{result.from_year}-{result.to_year or 'kini'}"
        return potential.export_response("shift_share", name, result.rows, file_format)
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def potential_map(request):
    """Regencies (of the region's province; the whole country for a national reader without a region)
    with their LQ against the nation for one KBLI (?kbli=), by the page's measure, as GeoJSON."""
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.ANALYTICS)
    params = _params(request)
    kbli = params["kbli"]
    try:
        region = potential.find_region(actor, params["wilayah"] or None)
        if region is None and actor.region_code is not None:
            region = potential.find_region(actor, actor.region_code)
        province = region.code[:2] if region is not None else None
        if province is not None and actor.region_code is not None and len(actor.region_code) > 2:
            within = actor.region_code[:5]  # a regency reader sees their own regency only
        else:
            within = province
        table = potential.location_quotient(
            actor=actor,
            region=within,
            level="regency",
            kbli_digits=len(kbli) if len(kbli) in potential.DIGITS else params["digit"],
            measure=params["ukuran"],
            reference="nation",
        )
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    by_code = {row.region_code: row for row in table.rows if row.kbli == kbli}
    page = reverse("web:analytics_potential")
    features = []
    for feature in _features("regencies.geojson"):
        code = feature["properties"]["code"]
        if within is not None and not code.startswith(within):
            continue
        row = by_code.get(code)
        properties = {
            "code": code,
            "name": row.region_name if row else feature["properties"].get("name", code),
            "lq": round(row.lq, 3) if row and row.lq is not None else None,
            "value": row.value if row else 0,
            "enterprises": row.enterprises if row else 0,
            "few": bool(row.few_enterprises) if row else False,
            "url": page + "?" + _query(params, wilayah=code, tingkat="", kbli=kbli),
        }
        features.append({"type": "Feature", "properties": properties, "geometry": feature["geometry"]})
    body = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    return HttpResponse(body, content_type="application/geo+json")
