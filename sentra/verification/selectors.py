"""What waits for whom: each level's verification queue."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sentra.accounts.permissions import Action
from sentra.accounts.scope import Actor

from .models import VerificationStatus as S


def waiting_q(actor: Actor) -> Q:
    """Statuses the actor is expected to act on next: the ministry accepts what provinces verified,
    the province verifies what regencies submitted, the regency submits its drafts and returned data."""
    if actor.can(Action.ACCEPT):
        return Q(verification_status=S.VERIFIED)
    if actor.can(Action.VERIFY):
        return Q(verification_status=S.SUBMITTED)
    if actor.can(Action.SUBMIT):
        return Q(verification_status__in=[S.DRAFT, S.RETURNED])
    return Q(pk__in=[])


def queue(*, actor: Actor, qs: QuerySet) -> QuerySet:
    """`qs` must already be scoped to the actor (a registry selector's list)."""
    return qs.filter(waiting_q(actor))
