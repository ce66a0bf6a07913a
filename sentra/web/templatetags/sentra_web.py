from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def optional_url(name: str) -> str:
    """The URL of `name`, or "" when no such page exists (yet)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@register.filter
def rupiah(value) -> str:
    if value in (None, ""):
        return "—"
    return "Rp" + f"{int(value):,}".replace(",", ".")


@register.filter
def thousands(value) -> str:
    if value in (None, ""):
        return "—"
    return f"{int(value):,}".replace(",", ".")


@register.simple_tag(takes_context=True)
def nav_class(context, prefix: str) -> str:
    request = context.get("request")
    if request is None:
        return ""
    path = request.path
    active = path == "/" if prefix == "/" else path.startswith(prefix)
    return "active" if active else ""
