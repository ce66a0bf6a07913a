"""The dashboard of a region and the level below it: the country by province, a province by regency/
city, a regency by district, a district by village. A regional reader lands on their own region;
every row leads one level down (the same page for the child region) and to the lists it counts."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from sentra.accounts.scope import actor_for_request, code_in_scope
from sentra.analytics.selectors import area_totals, cached, dashboard_region
from sentra.core.errors import NotFound
from sentra.regions.codes import normalise_code
from sentra.regions.models import Region
from sentra.regions.selectors import region_path
from sentra.web.views.coordination import my_follow_ups_context
from sentra.web.views.coordination_programmes import pending_adoptions_context


def dashboard_url(code: str = "") -> str:
    return reverse("web:dashboard") + ("?" + urlencode({"wilayah": code}) if code else "")


def _crumbs(actor, region: Region | None) -> list[dict]:
    """Indonesia › province › regency › district, each level the reader may open."""
    if region is None:
        return []
    crumbs = [{"name": "Indonesia", "url": dashboard_url()}] if actor.is_national else []
    for place in region_path(code=region.code):
        if code_in_scope(actor, place.code):
            crumbs.append({"name": place.name, "url": dashboard_url(place.code)})
    return crumbs


@login_required
def dashboard(request):
    actor = actor_for_request(request)
    asked = request.GET.get("wilayah", "").strip()
    code = normalise_code(asked) if asked else None
    if asked and not code:
        raise Http404
    try:
        region = dashboard_region(actor=actor, code=code)
    except NotFound:
        raise Http404 from None
    totals = cached(
        f"area:{region.code if region else 'all'}", actor, lambda: area_totals(actor=actor, region=region)
    )
    rows = [
        {
            "region": row,
            # A village has nothing below it: its row leads to the lists only.
            "drill_url": dashboard_url(row.code) if totals.child_level != Region.Level.VILLAGE else "",
            "list_query": urlencode({"region": row.code}),
        }
        for row in totals.by_region
    ]
    return render(
        request,
        "web/dashboard.html",
        {
            "totals": totals,
            "region": region,
            "rows": rows,
            "child_level": Region.Level(totals.child_level).label if totals.child_level else "",
            "crumbs": _crumbs(actor, region),
            "region_query": urlencode({"region": region.code}) if region else "",
            "map_url": reverse("web:map_region")
            + ("?" + urlencode({"wilayah": region.code}) if region else ""),
            # Part 4: what the user's agency still has to do from meetings, on the page it opens daily.
            "my_follow_ups": my_follow_ups_context(actor) if actor.agency_id else None,
            # National programmes the user's agency has still to adopt or decline (issue 15 §6).
            "pending_adoptions": pending_adoptions_context(actor) if actor.agency_id else None,
        },
    )
