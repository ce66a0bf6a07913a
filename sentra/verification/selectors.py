"""What waits for whom: each level's verification queue."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sentra.accounts.permissions import Action
from sentra.accounts.scope import Actor

from .models import VerificationStatus as S


def waiting_statuses(actor: Actor) -> list[str]:
    """Statuses the actor is expected to act on next: the ministry accepts what provinces verified,
    the province verifies what regencies submitted, the regency submits its drafts and returned data."""
    if actor.can(Action.ACCEPT):
        return [S.VERIFIED]
    if actor.can(Action.VERIFY):
        return [S.SUBMITTED]
    if actor.can(Action.SUBMIT):
        return [S.DRAFT, S.RETURNED]
    return []


def waiting_q(actor: Actor) -> Q:
    statuses = waiting_statuses(actor)
    if not statuses:
        return Q(pk__in=[])
    return Q(verification_status__in=statuses)


def queue(*, actor: Actor, qs: QuerySet) -> QuerySet:
    """`qs` must already be scoped to the actor (a registry selector's list)."""
    return qs.filter(waiting_q(actor))
