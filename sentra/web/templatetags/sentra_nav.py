"""The navigation's unread notification badge: one indexed count query per page."""

from __future__ import annotations

from django import template

from sentra.accounts.models import Notification

register = template.Library()

BADGE_CAP = 99  # counts no further than this; the badge shows "99+"


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at=None)[: BADGE_CAP + 1].count()


@register.simple_tag(takes_context=True)
def main_menu(context) -> dict:
    """The menu groups and utilities this user may use (web/navigation.py), marking the current page."""
    from sentra.web.navigation import menu

    request = context.get("request")
    may = context.get("may")
    if request is None or may is None:
        return {"groups": [], "utilities": []}
    groups, utilities = menu(may, request.path)
    return {"groups": groups, "utilities": utilities}


@register.simple_tag(takes_context=True)
def my_follow_ups(context) -> dict:
    """The badge on "Tindak lanjut": the follow-ups the user's agency owns and has still to do, and
    how many are overdue (coordination.dashboard.my_follow_up_counts, one query), counted once per
    request however often the menu asks."""
    from sentra.accounts.scope import actor_for_request
    from sentra.coordination.dashboard import my_follow_up_counts

    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"pending": 0, "overdue": 0}
    if not hasattr(request, "_sentra_my_follow_ups"):
        request._sentra_my_follow_ups = my_follow_up_counts(actor=actor_for_request(request))
    return request._sentra_my_follow_ups
