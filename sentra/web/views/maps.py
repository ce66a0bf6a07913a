"""GeoJSON of province and regency boundaries with registry counts joined into the properties."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from sentra.accounts.scope import actor_for_request
from sentra.analytics.selectors import cached, province_totals, regency_totals
from sentra.regions.codes import normalise_code

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
