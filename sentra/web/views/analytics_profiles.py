"""Province and regency profile (issue 17 §5) at /analisis/profil/<code>/: leading commodities, existing
sentra, programme spending and absorption by commodity, facilitator coverage and open follow-ups of one
region (analytics.profiles), and the same as a PDF annex for a Rakor (?format=pdf).

An unknown code or a district answers 400 with the rule's message on the page; a region outside the
reader's own answers 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import actor_for_request, require
from sentra.analytics import profiles
from sentra.analytics.potential import MIN_CELL_ENTERPRISES, MIN_REGION_ENTERPRISES
from sentra.analytics.profile_pdf import profile_pdf
from sentra.core.errors import DomainError, NotFound
from sentra.programmes.choices import Month


def _year(request) -> int | None:
    value = request.GET.get("tahun", "").strip()
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


@login_required
@require_GET
def region_profile(request, code: str):
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.ANALYTICS)
    try:
        p = profiles.region_profile(actor=actor, code=code, fiscal_year=_year(request))
    except NotFound as error:
        raise Http404(str(error)) from error
    except DomainError as error:
        return render(
            request,
            "web/analytics/profiles/profile.html",
            {"p": None, "error": error, "code": code},
            status=400,
        )
    if request.GET.get("format") == "pdf":
        response = HttpResponse(profile_pdf(p), content_type="application/pdf")
        name = _("profil-%(code)s.pdf") % {"code": p.region.code}
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "web/analytics/profiles/profile.html",
        {
            "p": p,
            "error": None,
            "code": code,
            "min_region": MIN_REGION_ENTERPRISES,
            "min_cell": MIN_CELL_ENTERPRISES,
            "regencies": profiles.child_regencies(p.region),
            "month_label": Month(p.spending.month).label,  # "sampai bulan Desember", not "bulan 12"
        },
    )


@login_required
@require_GET
def profile_index(request):
    """The provinces and regencies whose profile the reader may open: a national reader the provinces
    (a province's page links its regencies), a province its own and its regencies, a regency its own."""
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.ANALYTICS)
    return render(
        request, "web/analytics/profiles/index.html", {"regions": profiles.profile_regions(actor=actor)}
    )
