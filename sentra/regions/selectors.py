"""Reads over regions and KBLI."""

from __future__ import annotations

from django.db.models import QuerySet

from .codes import normalise_code, prefix_range
from .models import Kbli, Region


def region_get(*, code: str) -> Region | None:
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return Region.objects.filter(code=normalised).first()


def region_children(*, code: str | None) -> QuerySet[Region]:
    if not code:
        return Region.objects.filter(level=Region.Level.PROVINCE)
    return Region.objects.filter(parent_id=code)


def region_path(*, code: str) -> list[Region]:
    """The region and its ancestors, province first, in one query."""
    codes = [code[:n] for n in (2, 5, 8, 13) if n <= len(code)]
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def region_filter_q(field: str, code: str):
    """A Q object matching `field` (a region code column) against `code` and everything under it."""
    from django.db.models import Q

    lo, hi = prefix_range(code)
    return Q(**{f"{field}__gte": lo, f"{field}__lt": hi})


def kbli_search(*, query: str = "", manufacturing_only: bool = True, limit: int = 30) -> QuerySet[Kbli]:
    qs = Kbli.objects.filter(level=5)
    if manufacturing_only:
        qs = qs.filter(code__gte="10", code__lt="34")
    if query:
        qs = qs.filter(code__startswith=query) if query.isdigit() else qs.filter(title__icontains=query)
    return qs.order_by("code")[:limit]
