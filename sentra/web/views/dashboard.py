from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from sentra.analytics.selectors import national_totals


@login_required
def dashboard(request):
    totals = national_totals()
    return render(request, "web/dashboard.html", {"totals": totals})
