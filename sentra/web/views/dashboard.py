from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from sentra.accounts.scope import actor_for_request
from sentra.analytics.selectors import cached, national_totals


@login_required
def dashboard(request):
    actor = actor_for_request(request)
    totals = cached("national", actor, lambda: national_totals(actor=actor))
    return render(request, "web/dashboard.html", {"totals": totals})
