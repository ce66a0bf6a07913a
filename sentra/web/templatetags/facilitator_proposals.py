"""Field proposals waiting for a decision, on the enterprise's page: `{% pending_proposals obj %}`.

A tag rather than context from the registry's detail view, so that the registry's pages need not know
about facilitators; the proposals are read through facilitators.selectors (the reader's scope: a
facilitator sees their own, a Dinas its regency's). Nothing is rendered when none waits."""

from __future__ import annotations

from django import template

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import actor_for_request

register = template.Library()


@register.inclusion_tag("web/facilitators/proposals/_enterprise_pending.html", takes_context=True)
def pending_proposals(context, enterprise):
    from sentra.facilitators import proposals, selectors
    from sentra.facilitators.choices import ProposalStatus

    actor = actor_for_request(context["request"])
    if not actor.can(Action.LIST, Area.FACILITATORS):
        return {"waiting": []}
    waiting = list(
        selectors.visible_proposals(actor)
        .filter(enterprise_id=enterprise.pk, outcome__in=[ProposalStatus.PENDING, ProposalStatus.CONFLICT])
        .select_related("facilitator")
        .order_by("-created_at", "-pk")[:10]
    )
    for proposal in waiting:
        proposal.field_labels = ", ".join(proposals.field_label(name) for name in proposal.changes)
    return {"waiting": waiting}
