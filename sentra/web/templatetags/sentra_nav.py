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
