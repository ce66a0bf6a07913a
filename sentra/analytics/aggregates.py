"""The count of active IKM per village × 5-digit KBLI (analytics.models.KbliCount), kept current by every
write of the registry in the write's own transaction, so each figure read from it is the last saved record.

Who writes what (docs/analytics.md, "Fresh figures"):

- registry.services (create, update, delete; facilitators' accepted proposals go through them): the
  signal registry.signals.enterprise_written carries the counted facts before and after; `apply_change`
  turns them into one statement per (village, KBLI) touched — one UPDATE for an edit of workers,
  production value or status in place, an upsert for a new row, and an UPDATE then a DELETE of an emptied
  row when the last active IKM of a village × KBLI leaves it.
- the import's bulk path (registry.imports): registry.signals.enterprise_villages_written names the
  villages written to; `rebuild_kbli_counts(villages)` counts them again with one GROUP BY.
- audit's restore of a version and the rollback of an import: audit.signals.placed_records_written, the
  same recount of the villages before and after.

Every statement on the village count has its twin on `KbliRollup` (the same sums per district and per
regency, both levels in one statement), so the rollups are exact whenever the village count is; a recount
of villages recounts their districts and regencies from the village count.

Only status "active" (registry.choices.EnterpriseStatus) is counted. `kbli_count_drift()` compares the
table with a fresh GROUP BY; the tests run it after many mixed writes, and an operator can too
(`sentra rebuild-kbli-counts --check`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connections, router, transaction

from sentra.core.indexes import IndexesSetAside
from sentra.registry.choices import EnterpriseStatus
from sentra.registry.models import Enterprise
from sentra.registry.signals import Facts

from .models import KbliCount, KbliRollup


def _among(codes: list[str]) -> tuple[str, object]:
    """`IN` a list of codes given as one parameter, so that a recount is one statement however many
    villages an import touched: PostgreSQL `= ANY(array)`, SQLite `IN (… json_each)`. (Slices of 500
    cost one scan each where the planner did not yet know an import's new rows: 102 statements and
    10 s on PostgreSQL for 100,000 rows into an empty table, against one.)"""
    if _connection().vendor == "postgresql":
        return "= ANY(%s)", list(codes)
    return "IN (SELECT value FROM json_each(%s))", json.dumps(list(codes))


def _connection():
    return connections[router.db_for_write(KbliCount)]


def _names():
    """Quoted table and column names of the count and of the enterprises (no value is interpolated)."""
    connection = _connection()
    quote = connection.ops.quote_name
    enterprise = Enterprise._meta
    return {
        "kc": quote(KbliCount._meta.db_table),
        "ru": quote(KbliRollup._meta.db_table),
        "e": quote(enterprise.db_table),
        "village": quote(enterprise.get_field("village").column),
        "kbli": quote(enterprise.get_field("kbli").column),
        "workers": quote(enterprise.get_field("workers").column),
        "value": quote(enterprise.get_field("production_value").column),
        "status": quote(enterprise.get_field("status").column),
    }


# --- one record: exact deltas -------------------------------------------------------------------------


def apply_change(before: Facts | None, after: Facts | None) -> int:
    """Brings the count up to date for one enterprise written from `before` to `after`
    (registry.signals.counted_facts: village, KBLI, workers, production value; None = not counted).
    Returns the number of statements run (0 when nothing counted changed)."""
    deltas: dict[tuple[str, str], list[int]] = {}
    for facts, sign in ((before, -1), (after, 1)):
        if facts is None:
            continue
        village, kbli, workers, value = facts
        delta = deltas.setdefault((village, kbli), [0, 0, 0])
        delta[0] += sign
        delta[1] += sign * int(workers or 0)
        delta[2] += sign * int(value or 0)
    names = _names()
    statements = 0
    with _connection().cursor() as cursor:
        # In key order: two moves in opposite directions lock the rows in the same order (no deadlock).
        for (village, kbli), (count, workers, value) in sorted(deltas.items()):
            if count == 0 and workers == 0 and value == 0:
                continue
            if count > 0:
                # A record arriving (created, activated, moved in): its row may not exist yet. All three
                # deltas are positive here (the row's facts alone), so the proposed row passes the
                # tables' CHECK (>= 0) constraints before ON CONFLICT turns it into an addition.
                cursor.execute(
                    f"INSERT INTO {names['kc']} (village_code, district_code, regency_code, province_code, "  # nosec B608
                    "kbli, enterprises, workers, production_value) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT (village_code, kbli) DO UPDATE SET "
                    f"enterprises = {names['kc']}.enterprises + excluded.enterprises, "
                    f"workers = {names['kc']}.workers + excluded.workers, "
                    f"production_value = {names['kc']}.production_value + excluded.production_value",
                    [village, village[:8], village[:5], village[:2], kbli, count, workers, value],
                )
                cursor.execute(
                    f"INSERT INTO {names['ru']} {ROLLUP_COLUMNS} VALUES {FOUR_ROWS} "  # nosec B608: quoted model names only
                    "ON CONFLICT (level, region_code, kbli) DO UPDATE SET "
                    f"enterprises = {names['ru']}.enterprises + excluded.enterprises, "
                    f"workers = {names['ru']}.workers + excluded.workers, "
                    f"production_value = {names['ru']}.production_value + excluded.production_value",
                    [
                        *(DISTRICT, village[:8], village[:5], village[:2], kbli, count, workers, value),
                        *(REGENCY, village[:5], village[:5], village[:2], kbli, count, workers, value),
                        *(PROVINCE, village[:2], "", village[:2], kbli, count, workers, value),
                        *(NATION, "", "", "", kbli, count, workers, value),
                    ],
                )
                statements += 2
                continue
            # An edit in place (count 0) or a record leaving (-1). Floored at zero: a count that drifted
            # (a write outside the services) never fails the user's save on the CHECK constraint.
            deltas_sql = (
                "enterprises = CASE WHEN enterprises + %s < 0 THEN 0 ELSE enterprises + %s END, "
                "workers = CASE WHEN workers + %s < 0 THEN 0 ELSE workers + %s END, "
                "production_value = CASE WHEN production_value + %s < 0 THEN 0 "
                "ELSE production_value + %s END "
            )
            deltas_params = [count, count, workers, workers, value, value]
            cursor.execute(
                f"UPDATE {names['kc']} SET {deltas_sql}"  # nosec B608: quoted model names only
                "WHERE village_code = %s AND kbli = %s",
                [*deltas_params, village, kbli],
            )
            rollups_where = (
                "kbli = %s AND ((level = %s AND region_code = %s) OR (level = %s AND region_code = %s) "
                "OR (level = %s AND region_code = %s) OR (level = %s AND region_code = %s))"
            )
            rollups_params = [
                kbli,
                DISTRICT,
                village[:8],
                REGENCY,
                village[:5],
                PROVINCE,
                village[:2],
                NATION,
                "",
            ]
            cursor.execute(
                f"UPDATE {names['ru']} SET {deltas_sql}WHERE {rollups_where}",  # nosec B608: quoted names only
                [*deltas_params, *rollups_params],
            )
            statements += 2
            if count < 0:
                cursor.execute(
                    f"DELETE FROM {names['kc']} WHERE village_code = %s AND kbli = %s AND enterprises = 0",  # nosec B608
                    [village, kbli],
                )
                cursor.execute(
                    f"DELETE FROM {names['ru']} WHERE {rollups_where} AND enterprises = 0",  # nosec B608
                    rollups_params,
                )
                statements += 2
    return statements


# --- many records: a recount ---------------------------------------------------------------------------


def _select(names: dict[str, str], where: str = "") -> str:
    """SELECT of the count per village × KBLI from the enterprises, in KbliCount's column order."""
    v = names["village"]
    return (
        f"SELECT {v}, SUBSTR({v}, 1, 8), SUBSTR({v}, 1, 5), SUBSTR({v}, 1, 2), {names['kbli']}, "  # nosec B608
        f"COUNT(*), COALESCE(SUM({names['workers']}), 0), COALESCE(SUM(COALESCE({names['value']}, 0)), 0) "
        f"FROM {names['e']} WHERE {names['status']} = %s {where}"
        f"GROUP BY {v}, {names['kbli']}"
    )


COLUMNS = (
    "(village_code, district_code, regency_code, province_code, kbli, enterprises, workers, production_value)"
)
ROLLUP_COLUMNS = (
    "(level, region_code, regency_code, province_code, kbli, enterprises, workers, production_value)"
)
NATION, PROVINCE, REGENCY, DISTRICT = (level.value for level in KbliRollup.Level)
LEVELS = (DISTRICT, REGENCY, PROVINCE, NATION)  # finest first: each is recounted from the one before
# The code of each rollup level as a prefix of the village code (the copied columns are not trusted).
PREFIX = {DISTRICT: 8, REGENCY: 5, PROVINCE: 2, NATION: 0}


# One row per level (district, regency, province, nation) in the upsert of a unit arriving.
FOUR_ROWS = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * 4)


def _places(level: int, region: str) -> tuple[str, str]:
    """The regency and province codes a rollup row of `level` for `region` carries."""
    if level >= REGENCY:
        return region[:5], region[:2]
    return "", region


def _rollup_select(level: int, where: str = "") -> str:
    """SELECT of the village count summed per `level` × KBLI, in ROLLUP_COLUMNS' order."""
    code = f"SUBSTR(village_code, 1, {PREFIX[level]})" if level != NATION else "''"
    regency = "SUBSTR(village_code, 1, 5)" if level >= REGENCY else "''"
    province = "SUBSTR(village_code, 1, 2)" if level >= PROVINCE else "''"
    # PostgreSQL refuses a constant in GROUP BY: only the expressions that vary.
    group = ", ".join([e for e in dict.fromkeys((code, regency, province)) if e != "''"] + ["kbli"])
    return (
        f"SELECT {level}, {code}, {regency}, {province}, kbli, "  # nosec B608: fixed expressions only
        "SUM(enterprises), SUM(workers), SUM(production_value) "
        f"FROM {{kc}} WHERE enterprises > 0 {where}GROUP BY {group}"
    )


def _forget_rollups(cursor, names: dict[str, str], level: int, regions: list[str]) -> tuple[str, object]:
    """Deletes the rollup rows of `regions` at `level` before they are summed again; -> _among(regions)."""
    among, codes = _among(regions)
    cursor.execute(
        f"DELETE FROM {names['ru']} WHERE level = %s AND region_code {among}",  # nosec B608: quoted names
        [level, codes],
    )
    return among, codes


def rebuild_rollups(villages: Iterable[str] | None = None) -> int:
    """Sums the village count again into KbliRollup: every district and regency (None), or those of the
    villages given. Returns the rows written. (Runs inside the caller's transaction.)"""
    names = _names()
    written = 0
    with _connection().cursor() as cursor:
        if villages is None:
            cursor.execute(f"DELETE FROM {names['ru']}")  # nosec B608: quoted model names only
            for level in LEVELS:
                select = _rollup_select(level).format(kc=names["kc"])
                cursor.execute(f"INSERT INTO {names['ru']} {ROLLUP_COLUMNS} {select}")  # nosec B608
                written += max(cursor.rowcount, 0)
            return written
        codes = {v for v in villages if v}
        if not codes:
            return 0
        for level in (DISTRICT, REGENCY):
            regions = sorted({v[: PREFIX[level]] for v in codes})
            column = {DISTRICT: "district_code", REGENCY: "regency_code"}[level]
            among, param = _forget_rollups(cursor, names, level, regions)
            # The village count's own prefix column picks the rows by index; the sums group on the
            # village code itself.
            select = _rollup_select(level, f"AND {column} {among} ").format(kc=names["kc"])
            cursor.execute(f"INSERT INTO {names['ru']} {ROLLUP_COLUMNS} {select}", [param])  # nosec B608
            written += max(cursor.rowcount, 0)
        # The provinces from their regency rows, the nation from the province rows: a few thousand rows
        # each, never the village count again.
        provinces = sorted({v[:2] for v in codes})
        among, param = _forget_rollups(cursor, names, PROVINCE, provinces)
        cursor.execute(
            f"INSERT INTO {names['ru']} {ROLLUP_COLUMNS} SELECT %s, province_code, '', province_code, "  # nosec B608
            "kbli, SUM(enterprises), SUM(workers), SUM(production_value) "
            f"FROM {names['ru']} WHERE level = %s AND province_code {among} "
            "GROUP BY province_code, kbli",
            [PROVINCE, REGENCY, param],
        )
        written += max(cursor.rowcount, 0)
        cursor.execute(f"DELETE FROM {names['ru']} WHERE level = %s", [NATION])  # nosec B608
        cursor.execute(
            f"INSERT INTO {names['ru']} {ROLLUP_COLUMNS} SELECT %s, '', '', '', kbli, "  # nosec B608
            f"SUM(enterprises), SUM(workers), SUM(production_value) FROM {names['ru']} "
            "WHERE level = %s GROUP BY kbli",
            [NATION, PROVINCE],
        )
        written += max(cursor.rowcount, 0)
    return written


@transaction.atomic
def rebuild_kbli_counts(villages: Iterable[str] | None = None, *, set_indexes_aside: bool = False) -> int:
    """Counts again, from the enterprises, every village (None) or the villages given: a DELETE and an
    INSERT … SELECT … GROUP BY per slice of villages, in one transaction. Returns the rows written.

    `set_indexes_aside`: the recount is most of the count (after an import at least as large as the
    registry it began with): the count's and rollups' secondary indexes are dropped for it and built
    again after it (core.indexes.IndexesSetAside), not updated row by row — 0.7 of the 8.8 s of
    100,000 rows into PostgreSQL. Their readers wait for the import's commit."""
    if set_indexes_aside and villages is not None:
        return _with_indexes_set_aside(lambda: rebuild_kbli_counts(villages))
    names = _names()
    active = str(EnterpriseStatus.ACTIVE)
    written = 0
    with _connection().cursor() as cursor:
        if villages is None:
            cursor.execute(f"DELETE FROM {names['kc']}")  # nosec B608
            cursor.execute(f"INSERT INTO {names['kc']} {COLUMNS} {_select(names)}", [active])  # nosec B608
            written = max(cursor.rowcount, 0)
            rebuild_rollups()
            return written
        codes = sorted({v for v in villages if v})
        if not codes:
            return 0
        among, param = _among(codes)
        cursor.execute(f"DELETE FROM {names['kc']} WHERE village_code {among}", [param])  # nosec B608
        where = f"AND {names['village']} {among} "
        cursor.execute(f"INSERT INTO {names['kc']} {COLUMNS} {_select(names, where)}", [active, param])  # nosec B608
        written = max(cursor.rowcount, 0)
    rebuild_rollups(codes)
    return written


def _with_indexes_set_aside(recount) -> int:
    connection = _connection()
    aside = [IndexesSetAside(connection, model._meta.db_table) for model in (KbliCount, KbliRollup)]
    for table in aside:
        table.drop()
    written = recount()
    for table in aside:
        table.restore()
    return written


# --- the check ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    """One village × KBLI where the table and a fresh count disagree: (enterprises, workers, value) each."""

    village_code: str  # for a rollup row, the district or regency code
    kbli: str
    stored: tuple[int, int, int] | None
    counted: tuple[int, int, int] | None
    level: int = 4  # 4 the village count; 3, 2 its rollups per district, regency


def kbli_count_drift(villages: Iterable[str] | None = None) -> list[Drift]:
    """Where KbliCount differs from a fresh GROUP BY of the active enterprises (empty: it is exact).
    Rows of the table with zero enterprises count as missing rows (they should have been deleted)."""
    names = _names()
    codes = None if villages is None else sorted(set(villages))
    stored_rows = KbliCount.objects.all()
    where, params = "", [str(EnterpriseStatus.ACTIVE)]
    if codes is not None:
        stored_rows = stored_rows.filter(village_code__in=codes)
        marks = ", ".join(["%s"] * len(codes)) or "NULL"
        where, params = f"AND {names['village']} IN ({marks}) ", [*params, *codes]
    stored = {
        (r.village_code, r.kbli): (r.enterprises, r.workers, r.production_value)
        for r in stored_rows
        if r.enterprises or r.workers or r.production_value
    }
    places = {
        (r.village_code, r.kbli): (r.district_code, r.regency_code, r.province_code) for r in stored_rows
    }
    with _connection().cursor() as cursor:
        cursor.execute(_select(names, where), params)
        counted = {(row[0], row[4]): (int(row[5]), int(row[6]), int(row[7])) for row in cursor.fetchall()}
    drift = [
        Drift(village, kbli, stored.get((village, kbli)), counted.get((village, kbli)))
        for village, kbli in sorted(set(stored) | set(counted))
        if stored.get((village, kbli)) != counted.get((village, kbli))
    ]
    # The copied prefixes must follow the village code too.
    drift += [
        Drift(village, kbli, stored.get((village, kbli)), counted.get((village, kbli)))
        for (village, kbli), place in sorted(places.items())
        if place != (village[:8], village[:5], village[:2]) and (village, kbli) in stored
    ]
    return drift + rollup_drift(codes)


def rollup_drift(villages: Iterable[str] | None = None) -> list[Drift]:
    """Where KbliRollup differs from the village count summed afresh (all regions, or those of `villages`)."""
    names = _names()
    codes = None if villages is None else sorted(set(villages))
    drift: list[Drift] = []
    with _connection().cursor() as cursor:
        for level in LEVELS:
            stored_rows = KbliRollup.objects.filter(level=level)
            where, params = "", []
            if codes is not None and level != NATION:
                regions = sorted({v[: PREFIX[level]] for v in codes})
                stored_rows = stored_rows.filter(region_code__in=regions)
                marks = ", ".join(["%s"] * len(regions)) or "NULL"
                where = f"AND SUBSTR(village_code, 1, {PREFIX[level]}) IN ({marks}) "
                params = regions
            stored = {
                (r.region_code, r.kbli): (r.enterprises, r.workers, r.production_value)
                for r in stored_rows
                if r.enterprises or r.workers or r.production_value
            }
            places = {(r.region_code, r.kbli): (r.regency_code, r.province_code) for r in stored_rows}
            cursor.execute(_rollup_select(level, where).format(kc=names["kc"]), params)
            counted = {(row[1], row[4]): (int(row[5]), int(row[6]), int(row[7])) for row in cursor.fetchall()}
            drift += [
                Drift(region, kbli, stored.get((region, kbli)), counted.get((region, kbli)), level)
                for region, kbli in sorted(set(stored) | set(counted))
                if stored.get((region, kbli)) != counted.get((region, kbli))
                or places.get((region, kbli), _places(level, region)) != _places(level, region)
            ]
    return drift


# --- receivers (connected in analytics.apps) ---------------------------------------------------------


def on_enterprise_written(
    sender, *, before: Facts | None = None, after: Facts | None = None, **kwargs
) -> None:
    apply_change(before, after)


def on_villages_written(
    sender, *, villages: Iterable[str] = (), most_of_table: bool = False, **kwargs
) -> None:
    rebuild_kbli_counts(villages, set_indexes_aside=most_of_table)


def on_placed_records_written(sender, *, places: Iterable[str] = (), **kwargs) -> None:
    if sender is Enterprise:
        rebuild_kbli_counts(places)
