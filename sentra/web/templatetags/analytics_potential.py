"""Filters of the leading-potential page (web/analytics/potential/page.html)."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value) -> str:
    """A share (0.253) as the page writes it: "25,3%" in Indonesian; "—" when there is none."""
    if value in (None, ""):
        return "—"
    return f"{number_format(float(value) * 100, 1)}%"
