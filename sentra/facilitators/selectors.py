"""Reads of field facilitation. The scope rule of facilitators lives here, once:

- everyone reads what is placed inside their region (accounts.scope.region_q on the copied
  province/regency codes): a Dinas its regency's facilitators, a province its regencies', the ministry all;
- a facilitator-role user reads only their own facilitator record and their own work (contracts,
  placements, caseload, visits, proposals, reports) — not their colleagues' in the same regency;
- anything else is answered as not found (accounts.scope.require_record), never as forbidden.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sentra.accounts.models import Role
from sentra.accounts.permissions import Action
from sentra.accounts.scope import Actor, region_q, require_record
from sentra.core.errors import NotFound

from .models import (
    Assignment,
    Contract,
    EnterpriseProposal,
    Facilitator,
    MonthlyReport,
    Placement,
    Visit,
)


def own_work_only(actor: Actor) -> bool:
    """A facilitator reads their own work only; every other role reads by region."""
    return actor.role == Role.FACILITATOR and not actor.is_superuser


def scope_q(actor: Actor, *, facilitator: str = "facilitator") -> Q:
    """The one filter of every facilitators list: the region, then own work for a facilitator.

    `facilitator` is the path from the model to Facilitator ("" for Facilitator itself).
    """
    q = region_q(actor)
    if own_work_only(actor):
        user_field = f"{facilitator}__user_id" if facilitator else "user_id"
        q &= Q(**{user_field: actor.user_id})
    return q


def visible_facilitators(actor: Actor) -> QuerySet[Facilitator]:
    return Facilitator.objects.filter(scope_q(actor, facilitator=""))


def visible_contracts(actor: Actor) -> QuerySet[Contract]:
    return Contract.objects.filter(scope_q(actor))


def visible_placements(actor: Actor) -> QuerySet[Placement]:
    return Placement.objects.filter(scope_q(actor))


def visible_assignments(actor: Actor) -> QuerySet[Assignment]:
    return Assignment.objects.filter(scope_q(actor))


def visible_visits(actor: Actor) -> QuerySet[Visit]:
    return Visit.objects.filter(scope_q(actor))


def visible_proposals(actor: Actor) -> QuerySet[EnterpriseProposal]:
    return EnterpriseProposal.objects.filter(scope_q(actor))


def visible_reports(actor: Actor) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.filter(scope_q(actor))


def own_facilitator(actor: Actor) -> Facilitator | None:
    """The facilitator record of a facilitator-role user (None for anyone else or when unlinked)."""
    if actor.user_id is None:
        return None
    return Facilitator.objects.filter(user_id=actor.user_id).first()


def get_visible(actor: Actor, queryset: QuerySet, pk, action: str = Action.VIEW):
    """One record through a visible_* queryset: outside it → NotFound; then the role's right to act."""
    try:
        record = queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    require_record(actor, action, record)
    return record
