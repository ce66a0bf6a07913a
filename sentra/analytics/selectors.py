"""Dashboard aggregates, scoped like every read; each is one GROUP BY query whatever the provinces."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import Substr

from sentra.accounts.scope import Actor, code_in_scope, region_q
from sentra.core.errors import NotFound
from sentra.regions.models import Region
from sentra.regions.selectors import region_filter_q
from sentra.registry.models import Centre, Enterprise, Product


@dataclass
class RegionTotals:
    code: str
    name: str
    enterprises: int = 0
    centres: int = 0
    workers: int = 0
    # Districts and villages have no boundary file: the mean position of their geolocated IKM.
    latitude: float | None = None
    longitude: float | None = None


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


# --- a dashboard per level: the region and the level below it ------------------------------------------


@dataclass
class AreaTotals:
    """One region's dashboard (None: the country): its figures and those of each region one level
    below it (provinces, regencies/cities, districts, villages), which add up to it."""

    region: Region | None
    child_level: int | None  # Region.Level of the rows; None for a village (nothing below)
    enterprises: int = 0
    centres: int = 0
    workers: int = 0
    products: int = 0
    by_region: list[RegionTotals] = field(default_factory=list)


def _child_group(parent: Region | None):
    """(the column or expression grouping records by the child region, the filter to the parent)."""
    if parent is None:
        return "province_code", Q()
    if parent.level == Region.Level.PROVINCE:
        return "regency_code", Q(province_code=parent.code)
    if parent.level == Region.Level.REGENCY:
        # No district column: the village code's first 8 characters ("64.09.01"), within one regency.
        return Substr("village_id", 1, 8), Q(regency_code=parent.code)
    return "village_id", Q(regency_code=parent.code[:5]) & region_filter_q("village_id", parent.code)


def child_totals(*, actor: Actor, parent: Region | None) -> list[RegionTotals]:
    """Every region one level below `parent` (zeros included), with the records the actor may read;
    districts and villages also carry the mean position of their geolocated IKM (for the map)."""
    if parent is not None and parent.level == Region.Level.VILLAGE:
        return []
    children = Region.objects.filter(parent=parent) if parent else Region.objects.filter(level=1)
    rows = {r.code: RegionTotals(code=r.code, name=r.name) for r in children.order_by("code")}
    group, within = _child_group(parent)
    scope = region_q(actor) & within
    keyed = {"child": group} if not isinstance(group, str) else {}
    key = "child" if keyed else group
    positioned = parent is not None and parent.level >= Region.Level.REGENCY
    extra = {"lat": Avg("latitude"), "lon": Avg("longitude")} if positioned else {}
    enterprises = (
        Enterprise.objects.filter(scope)
        .annotate(**keyed)
        .order_by()
        .values(key)
        .annotate(n=Count("id"), workers=Sum("workers"), **extra)
    )
    for row in enterprises:
        target = rows.get(row[key])
        if target is not None:
            target.enterprises, target.workers = row["n"], row["workers"] or 0
            if row.get("lat") is not None and row.get("lon") is not None:
                target.latitude, target.longitude = round(float(row["lat"]), 5), round(float(row["lon"]), 5)
    centres = Centre.objects.filter(scope).annotate(**keyed).order_by().values(key).annotate(n=Count("id"))
    for row in centres:
        target = rows.get(row[key])
        if target is not None:
            target.centres = row["n"]
    return list(rows.values())


def dashboard_region(*, actor: Actor, code: str | None) -> Region | None:
    """The region a dashboard shows: the one asked for, else the reader's own (None: the country).
    A region outside what the reader may read is not found (its existence is not confirmed)."""
    code = code or actor.region_code
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None or not code_in_scope(actor, code):
        raise NotFound("region")
    return region


def area_totals(*, actor: Actor, region: Region | None) -> AreaTotals:
    """The dashboard of `region` as the actor may read it: its totals are the sum of its children's,
    so a regency's figures are shown under the regency's name, never under its province's."""
    by_region = child_totals(actor=actor, parent=region)
    products = Product.objects.filter(region_q(actor))
    if region is not None:
        products = products.filter(region_filter_q("village_id", region.code))
    totals = AreaTotals(
        region=region,
        child_level=(region.level + 1 if region.level < Region.Level.VILLAGE else None) if region else 1,
        products=products.count(),
        by_region=by_region,
    )
    if region is not None and region.level == Region.Level.VILLAGE:
        records = Q(village_id=region.code) & region_q(actor)
        figures = Enterprise.objects.filter(records).aggregate(n=Count("id"), workers=Sum("workers"))
        totals.enterprises, totals.workers = figures["n"], figures["workers"] or 0
        totals.centres = Centre.objects.filter(records).count()
        return totals
    totals.enterprises = sum(r.enterprises for r in by_region)
    totals.centres = sum(r.centres for r in by_region)
    totals.workers = sum(r.workers for r in by_region)
    return totals


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
