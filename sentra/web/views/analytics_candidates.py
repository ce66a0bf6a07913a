"""Where a sentra fits (Kandidat sentra, issue 17 §4) at /analisis/kandidat-sentra/: villages and district
clusters with at least five active IKM of one KBLI (or, for a regency, one raw material) and no sentra,
ranked; designated sentra with fewer than five active members; CSV/XLSX exports; and "Usulkan sentra",
which creates the sentra *diusulkan* in one step and lands the planner on its page.

Figures from analytics/candidates.py; a parameter error is shown on the page with its message (never a
traceback), and a region outside the reader's own answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import actor_for_request, require
from sentra.analytics import candidates as cand
from sentra.core.errors import AccessDenied, DomainError

MAX_ROWS = 500
PARAMS = ("wilayah", "kbli", "min")


def _params(request) -> dict:
    return {name: request.GET.get(name, "").strip() for name in PARAMS}


def _run(actor, params, limit=None):
    return cand.candidates(
        actor=actor,
        region=params["wilayah"] or None,
        kbli=params["kbli"] or None,
        min_enterprises=params["min"] or cand.MIN_ENTERPRISES,
        limit=limit,
    )


@login_required
@require_GET
def candidates_page(request):
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.ANALYTICS)
    params = _params(request)
    context = {
        "params": params,
        "query": urlencode({k: v for k, v in params.items() if v}),
        "minimum": cand.MIN_ENTERPRISES,
        "can_export": actor.can(Action.EXPORT, Area.ANALYTICS),
        "can_propose": actor.can(Action.CREATE, Area.REGISTRY),
        "error": None,
        "result": None,
        "weak": [],
    }
    status = 200
    try:
        result = _run(actor, params, limit=MAX_ROWS)  # nationally: hundreds of thousands
        context["result"] = result
        context["rows"] = result.items
        context["truncated"] = result.total > MAX_ROWS
        context["weak"] = cand.weak_centres(
            actor=actor, region=result.region, kbli=result.kbli, min_enterprises=result.min_enterprises
        )
    except DomainError as exc:
        context["error"] = exc.message
        status = 400
    return render(request, "web/analytics/candidates/page.html", context, status=status)


@login_required
@require_GET
def candidates_export(request):
    actor = actor_for_request(request)
    require(actor, Action.EXPORT, Area.ANALYTICS)
    try:
        result = _run(actor, _params(request))
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    return cand.export_response(result, "xlsx" if request.GET.get("format") == "xlsx" else "csv")


@login_required
@require_POST
def candidate_propose(request):
    actor = actor_for_request(request)
    post = request.POST
    try:
        centre = cand.propose_centre(
            actor=actor,
            kind=post.get("kind", ""),
            place_code=post.get("place", ""),
            kbli=post.get("kbli", ""),
            raw_material=post.get("raw_material", ""),
            name=post.get("name", ""),
        )
    except (DomainError, AccessDenied) as error:
        messages.error(request, getattr(error, "message", None) or str(error))
        back = post.get("back", "")
        return redirect(reverse("web:analytics_candidates") + (f"?{back}" if back else ""))
    messages.success(
        request,
        _("Sentra '%(name)s' diusulkan dengan %(n)s anggota. Lengkapi datanya lalu ajukan penetapan.")
        % {"name": centre.name, "n": centre.members.count()},
    )
    return redirect("web:centre_detail", pk=centre.pk)
