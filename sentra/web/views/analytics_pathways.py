"""Training pathway (issue 17 §2) on the web: /analisis/jalur/ikm/<id>/ and /analisis/jalur/sentra/<id>/
— a vertical timeline (analytics.pathways) with the suggested next step, and its CSV/XLSX export
(?format=csv|xlsx). Outside the reader's region: 404. Linked from the enterprise and centre pages.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import actor_for_request
from sentra.analytics import pathways
from sentra.core.errors import AccessDenied, NotFound


def _page(request, **subject):
    actor = actor_for_request(request)
    fmt = request.GET.get("format", "")
    if fmt and not actor.can(Action.EXPORT, Area.ANALYTICS):
        raise AccessDenied(_("Peran Anda tidak diizinkan mengekspor jalur pembinaan."))
    try:
        p = pathways.pathway(actor=actor, **subject)
    except NotFound as error:
        raise Http404(str(error)) from error
    if fmt in ("csv", "xlsx"):
        return pathways.export_response(p, fmt)
    return render(
        request,
        "web/analytics/pathways/pathway.html",
        {"p": p, "result_days": pathways.RESULT_DAYS, "can_export": actor.can(Action.EXPORT, Area.ANALYTICS)},
    )


@login_required
@require_GET
def enterprise_pathway(request, pk: int):
    return _page(request, enterprise=pk)


@login_required
@require_GET
def centre_pathway(request, pk: int):
    return _page(request, centre=pk)
