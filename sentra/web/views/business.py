"""The per-NIB page: every unit of one business actor (OSS-RBA: one NIB, several units with their
KBLI and location; issue 13 point 4), inside the reader's region, and the SIINas download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sentra.accounts.permissions import Action
from sentra.accounts.scope import actor_for_request, require
from sentra.registry import selectors
from sentra.registry.exports import siinas_response


@login_required
@require_GET
def business_detail(request, nib: str):
    actor = actor_for_request(request)
    require(actor, Action.LIST)
    units = list(selectors.business_units(actor=actor, nib=nib))
    if not units:  # no unit of this NIB in the reader's region: as a record outside it, 404
        raise Http404
    return render(
        request,
        "web/registry/business_detail.html",
        {"nib": nib, "units": units, "summary": selectors.business_summary(units, nib)},
    )


@login_required
@require_GET
def enterprise_siinas_export(request):
    """The enterprise list as filtered on the page, laid out for SIINas reporting (XLSX)."""
    from .registry import ENTITIES, _filters

    entity = ENTITIES["enterprise"]
    filters, _form = _filters(entity, request)
    actor = actor_for_request(request)
    require(actor, Action.EXPORT)
    return siinas_response(entity.list_fn(actor=actor, filters=filters))
