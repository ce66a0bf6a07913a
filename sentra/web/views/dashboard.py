from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from sentra.accounts.scope import actor_for_request
from sentra.analytics.selectors import cached, national_totals
from sentra.regions.models import Region


@login_required
def dashboard(request):
    actor = actor_for_request(request)
    totals = cached("national", actor, lambda: national_totals(actor=actor))
    # A regional reader sees their own region's figures: name it, and list only their province.
    region = Region.objects.filter(code=actor.region_code).first() if actor.region_code else None
    rows = [r for r in totals.by_region if region is None or region.code[:2] == r.code]
    return render(request, "web/dashboard.html", {"totals": totals, "region": region, "rows": rows})
