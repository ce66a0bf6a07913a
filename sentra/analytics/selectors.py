"""Dashboard aggregates, scoped like every read; each is one GROUP BY query whatever the provinces."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from sentra.accounts.scope import Actor, region_q
from sentra.regions.models import Region
from sentra.registry.models import Centre, Enterprise, Product


@dataclass
class RegionTotals:
    code: str
    name: str
    enterprises: int = 0
    centres: int = 0
    workers: int = 0


@dataclass
class NationalTotals:
    enterprises: int = 0
    centres: int = 0
    workers: int = 0
    products: int = 0
    by_region: list[RegionTotals] = field(default_factory=list)


def _totals(group_field: str, regions: list[Region], scope: Q, **filters) -> list[RegionTotals]:
    rows = {r.code: RegionTotals(code=r.code, name=r.name) for r in regions}
    enterprise_rows = (
        Enterprise.objects.filter(scope, **filters)
        .order_by()
        .values(group_field)
        .annotate(n=Count("id"), workers=Sum("workers"))
    )
    for row in enterprise_rows:
        code = row[group_field]
        if code in rows:
            rows[code].enterprises = row["n"]
            rows[code].workers = row["workers"] or 0
    for row in Centre.objects.filter(scope, **filters).order_by().values(group_field).annotate(n=Count("id")):
        code = row[group_field]
        if code in rows:
            rows[code].centres = row["n"]
    return list(rows.values())


def province_totals(*, actor: Actor) -> list[RegionTotals]:
    """Enterprises, centres and workers of every province (zeros included, and outside the actor's
    region), by code."""
    provinces = list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("code"))
    return _totals("province_code", provinces, region_q(actor))


def regency_totals(*, actor: Actor, province_code: str) -> list[RegionTotals]:
    """The same per regency/city of one province."""
    regencies = list(Region.objects.filter(parent_id=province_code).order_by("code"))
    return _totals("regency_code", regencies, region_q(actor), province_code=province_code)


def national_totals(*, actor: Actor) -> NationalTotals:
    by_region = province_totals(actor=actor)
    return NationalTotals(
        enterprises=sum(r.enterprises for r in by_region),
        centres=sum(r.centres for r in by_region),
        workers=sum(r.workers for r in by_region),
        products=Product.objects.filter(region_q(actor)).count(),
        by_region=by_region,
    )


DASHBOARD_CACHE_SECONDS = 120


def cached(key: str, actor: Actor, compute, timeout: int = DASHBOARD_CACHE_SECONDS):
    """Aggregates over millions of rows are computed at most once per `timeout` seconds, per region
    of readers (users of one regency share one entry; nobody sees another scope's figures)."""
    from django.core.cache import cache

    scope = actor.region_code or "all" if actor.is_authenticated else "none"
    return cache.get_or_set(f"sentra:analytics:{scope}:{key}", compute, timeout)
