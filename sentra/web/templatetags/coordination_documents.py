"""The documents block of a meeting's or an agreement's page: `{% documents_block meeting %}`.

A tag rather than context from the detail views, so that the pages of meetings and agreements
(web/views/coordination.py) need not know about documents; the list is read through
coordination.documents like every other read (404 outside the parent's readers)."""

from __future__ import annotations

from django import template

from sentra.accounts.scope import actor_for_request

register = template.Library()


@register.inclusion_tag("web/coordination/_documents.html", takes_context=True)
def documents_block(context, parent):
    from sentra.web.views.coordination_documents import document_block

    block = document_block(actor_for_request(context["request"]), parent)
    block["csrf_token"] = context.get("csrf_token")
    return block
