"""GeoJSON of province and regency boundaries with registry counts joined into the properties."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from sentra.accounts.scope import actor_for_request
from sentra.analytics.selectors import cached, child_totals, dashboard_region, province_totals, regency_totals
from sentra.core.errors import NotFound
from sentra.regions.codes import normalise_code
from sentra.regions.models import Region

GEO_DIR = Path(__file__).resolve().parents[2] / "regions" / "data" / "geo"


@cache
def _features(name: str) -> tuple[dict, ...]:
    with (GEO_DIR / name).open(encoding="utf-8") as handle:
        return tuple(json.load(handle)["features"])


def _collection(features, totals) -> HttpResponse:
    by_code = {t.code: t for t in totals}
    out = []
    for feature in features:
        code = feature["properties"]["code"]
        t = by_code.get(code)
        properties = {
            **feature["properties"],
            "name": t.name if t else feature["properties"].get("name", code),
            "centres": t.centres if t else 0,
            "enterprises": t.enterprises if t else 0,
            "workers": t.workers if t else 0,
        }
        out.append({"type": "Feature", "properties": properties, "geometry": feature["geometry"]})
    body = json.dumps({"type": "FeatureCollection", "features": out}, separators=(",", ":"))
    return HttpResponse(body, content_type="application/geo+json")


@login_required
@require_GET
@gzip_page
@cache_control(private=True, max_age=300)
def provinces_geojson(request):
    actor = actor_for_request(request)
    return _collection(
        _features("provinces.geojson"), cached("provinces", actor, lambda: province_totals(actor=actor))
    )


@login_required
@require_GET
@gzip_page
@cache_control(private=True, max_age=300)
def regencies_geojson(request, code: str):
    actor = actor_for_request(request)
    province = normalise_code(code)
    if not province or len(province) != 2:
        raise Http404
    features = [
        f for f in _features("regencies.geojson") if f["properties"]["code"].startswith(province + ".")
    ]
    if not features:
        raise Http404
    totals = cached(
        f"regencies:{province}", actor, lambda: regency_totals(actor=actor, province_code=province)
    )
    return _collection(features, totals)


@login_required
@require_GET
@gzip_page
@cache_control(private=True, max_age=300)
def region_geojson(request):
    """The dashboard's map of one region (`?wilayah=`, else the reader's own, else the country): the
    level below it, with the same counts as the dashboard's table (analytics.child_totals).

    Provinces and regencies/cities are their boundaries. Districts and villages have no boundary file
    here: each is a point at the mean position of its geolocated IKM (none when none has a position),
    drawn over the outline of the regency they lie in. `url` in each feature opens its dashboard."""
    actor = actor_for_request(request)
    asked = request.GET.get("wilayah", "").strip()
    code = normalise_code(asked) if asked else None
    if asked and not code:
        raise Http404
    try:
        region = dashboard_region(actor=actor, code=code)
    except NotFound:
        raise Http404 from None
    key = region.code if region else "all"
    totals = cached(f"children:{key}", actor, lambda: child_totals(actor=actor, parent=region))
    level = region.level if region else 0
    drill = level < Region.Level.DISTRICT
    base = reverse("web:dashboard")
    features = []
    if level <= Region.Level.PROVINCE:
        shapes = _features("provinces.geojson" if region is None else "regencies.geojson")
        by_code = {t.code: t for t in totals}
        for feature in shapes:
            t = by_code.get(feature["properties"]["code"])
            if t is not None:
                features.append(
                    {
                        "type": "Feature",
                        "properties": _properties(t, base, drill),
                        "geometry": feature["geometry"],
                    }
                )
    else:
        regency = region.code[:5]
        for feature in _features("regencies.geojson"):
            if feature["properties"]["code"] == regency:
                outline = {
                    "code": regency,
                    "name": feature["properties"].get("name", regency),
                    "outline": True,
                }
                features.append({"type": "Feature", "properties": outline, "geometry": feature["geometry"]})
        for t in totals:
            if t.latitude is None or t.longitude is None:
                continue
            point = {"type": "Point", "coordinates": [t.longitude, t.latitude]}
            features.append({"type": "Feature", "properties": _properties(t, base, drill), "geometry": point})
    body = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    return HttpResponse(body, content_type="application/geo+json")


def _properties(t, base: str, drill: bool) -> dict:
    return {
        "code": t.code,
        "name": t.name,
        "centres": t.centres,
        "enterprises": t.enterprises,
        "workers": t.workers,
        "url": f"{base}?{urlencode({'wilayah': t.code})}" if drill else "",
    }
