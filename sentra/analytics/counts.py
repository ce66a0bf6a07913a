"""Which maintained count a regional figure reads (analytics.models): the coarsest one that still tells
the regions it needs apart. A national total reads the nation rows of `KbliRollup` (one per KBLI), a
figure by province its province rows, by regency its regency rows (~200,000 nationally at 4.4 million
IKM), by district its district rows, and only a figure inside one village reads `KbliCount` itself. All
are kept exact by analytics.aggregates in the write's transaction, so the choice changes the speed,
never the figure."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import KbliCount, KbliRollup

NATION, PROVINCE, REGENCY, DISTRICT, VILLAGE = 0, 1, 2, 3, 4

# The column holding each level's code, per table.
ROLLUP_PROVINCE_FIELDS = {PROVINCE: "province_code"}
ROLLUP_REGENCY_FIELDS = {PROVINCE: "province_code", REGENCY: "regency_code"}
ROLLUP_DISTRICT_FIELDS = {**ROLLUP_REGENCY_FIELDS, DISTRICT: "region_code"}
VILLAGE_FIELDS = {PROVINCE: "province_code", REGENCY: "regency_code", DISTRICT: "district_code"}
VILLAGE_FIELDS[VILLAGE] = "village_code"


def level_of(code: str) -> int:
    """1 province (64), 2 regency (64.09), 3 district (64.09.01), 4 village (64.09.01.1002)."""
    return len(code.split("."))


def live_counts(finest: int) -> tuple[QuerySet, dict[int, str]]:
    """The live count rows fine enough for level `finest`, and the column of each level in them."""
    if finest == NATION:  # one row per KBLI
        return KbliRollup.objects.filter(level=KbliRollup.Level.NATION), {}
    if finest == PROVINCE:
        return KbliRollup.objects.filter(level=KbliRollup.Level.PROVINCE), ROLLUP_PROVINCE_FIELDS
    if finest == REGENCY:
        return KbliRollup.objects.filter(level=KbliRollup.Level.REGENCY), ROLLUP_REGENCY_FIELDS
    if finest == DISTRICT:
        return KbliRollup.objects.filter(level=KbliRollup.Level.DISTRICT), ROLLUP_DISTRICT_FIELDS
    return KbliCount.objects.all(), VILLAGE_FIELDS


def within(fields: dict[int, str], code: str | None) -> Q:
    """Rows inside the region `code` (every row for None: the nation)."""
    if not code:
        return Q()
    return Q(**{fields[level_of(code)]: code})
