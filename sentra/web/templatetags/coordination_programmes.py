"""`{% programme_status meeting %}`: on a national meeting's page (Rakornas, Rakernas), how the regions
took up the programmes presented at the previous meeting, as the reader sees it (coordination.cascade)."""

from __future__ import annotations

from django import template

from sentra.accounts.scope import actor_for_request
from sentra.coordination import cascade, services

register = template.Library()


@register.inclusion_tag("web/coordination/_programme_status_block.html", takes_context=True)
def programme_status(context, meeting) -> dict:
    actor = actor_for_request(context["request"])
    statuses = cascade.adoption_status_of(actor=actor, meeting=meeting)
    can_add = (
        bool(statuses)
        and services.can_edit_meeting(actor, meeting)
        and not meeting.agendaitems.filter(title=str(cascade.ADOPTION_AGENDA_TITLE)).exists()
    )
    return {"statuses": statuses, "meeting": meeting, "can_add": can_add, "request": context["request"]}
