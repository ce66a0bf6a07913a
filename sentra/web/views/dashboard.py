from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from sentra.analytics.selectors import cached, national_totals


@login_required
def dashboard(request):
    totals = cached("national", national_totals)
    return render(request, "web/dashboard.html", {"totals": totals})
