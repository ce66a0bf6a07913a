"""Budget-control pages (Pengendalian): dashboards, early warning, map data and realisation entry."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET


@login_required
@require_GET
def control_dashboard(request):
    return HttpResponse("")
