"""Reads of field facilitation. The scope rule of facilitators lives here, once:

- everyone reads what is placed inside their region (accounts.scope.region_q on the copied
  province/regency codes): a Dinas its regency's facilitators, a province its regencies', the ministry all;
- a facilitator-role user reads only their own facilitator record and their own work (contracts,
  placements, caseload, visits, proposals, reports) — not their colleagues' in the same regency;
- anything else is answered as not found (accounts.scope.require_record), never as forbidden.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.accounts.models import Role
from sentra.accounts.permissions import Action
from sentra.accounts.scope import Actor, code_in_scope, region_q, require_record
from sentra.audit.models import AuditAction, AuditEvent
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


# --- placement, personal data, expiring contracts (helper A) ------------------------------------------


def current_placement(facilitator: Facilitator, on: dt.date | None = None) -> Placement | None:
    """The placement the facilitator works under: the latest-starting one not ended before `on`
    (today). A placement dated to start later counts once it is the only open one, so the new Dinas
    manages the facilitator from the day it records the move."""
    on = on or timezone.localdate()
    return (
        Placement.objects.filter(facilitator=facilitator)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("region", "host_agency")
        .order_by("-starts_on", "-pk")
        .first()
    )


def may_read_identity_number(actor: Actor, facilitator: Facilitator) -> bool:
    """Managers only: the Dinas of the facilitator's regency, their province, the ministry's admins
    (and superusers). Never the facilitators themselves, analysts, viewers or councils."""
    if actor.is_superuser:
        return True
    if actor.role not in (Role.REGENCY_OFFICER, Role.PROVINCE_OFFICER, Role.MINISTRY_ADMIN):
        return False
    return code_in_scope(actor, facilitator.regency_code)


def identity_number_for(actor: Actor, facilitator: Facilitator) -> str | None:
    """The facilitator's NIK for a manager (None for anyone else; "" when none is kept). Every reading
    is written to the audit log as an access (UU 27/2022 PDP); lists and exports never hold it."""
    get_visible(actor, visible_facilitators(actor), facilitator.pk)
    if not may_read_identity_number(actor, facilitator):
        return None
    number = Facilitator.objects.filter(pk=facilitator.pk).values_list("identity_number", flat=True).get()
    if number:
        AuditEvent.objects.create(
            user_id=actor.user_id,
            username=actor.username,
            channel=actor.channel,
            ip=actor.ip,
            action=AuditAction.ACCESS,
            object_type=Facilitator._meta.label_lower,
            object_id=facilitator.pk,
            object_repr=str(facilitator)[:200],
            region_code=facilitator.regency_code or "",
            changes={},
            snapshot={},
            reason=_("NIK dibaca"),
        )
    return number


def contracts_expiring(actor: Actor, within_days: int = 60, on: dt.date | None = None) -> QuerySet[Contract]:
    """Contracts the actor reads that end within `within_days` of `on` (today) and are not renewed,
    soonest first."""
    on = on or timezone.localdate()
    return (
        visible_contracts(actor)
        .filter(period_end__gte=on, period_end__lte=on + dt.timedelta(days=within_days), renewal__isnull=True)
        .select_related("facilitator")
        .order_by("period_end", "pk")
    )
