"""Time the registry migrations of issue 13 forwards on a national-size enterprise table.

    .venv/bin/python bench/migrations.py --db sqlite --rows 4400000
    .venv/bin/python bench/migrations.py --db postgres --rows 1000000

A fresh database (bench/out/sentra_bench_migrations.sqlite3, or PostgreSQL database
sentra_bench_migrations) is migrated to the state before the first migration under test (registry
0006; every other app to its latest), filled with `--rows` enterprises by the national generator
(bench/generate.py: the same rows, villages, KBLI and NIB share), then each migration is applied in
turn and timed on its own (with the executor `migrate` uses; the first line, "0006" again, applies
nothing and is the fixed cost of a step):

- registry 0007_manufacturing_and_lifecycle: size class "unknown" for rows without figures (one UPDATE)
- registry 0008_enterprise_unit: NIB unique → unique (nib, kbli, village) where a NIB is present
  (SQLite copies the table once and puts the search triggers back; PostgreSQL drops a constraint and
  builds one index)
- registry 0009_siinas_items: 19 columns added in place

Before and after: the number of enterprises and audit events, a checksum of (id, nib, kbli, village),
and on SQLite that the full-text search triggers still fire. The load average before and after each
step is printed beside its time, because the machine is shared. Output: a Markdown table on stdout and
bench/out/migrations-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import generate  # noqa: E402

NAME = "sentra_bench_migrations"
START = ("registry", "0006_record_version")
STEPS = [
    ("registry", "0007_manufacturing_and_lifecycle"),
    ("registry", "0008_enterprise_unit"),
    ("registry", "0009_siinas_items"),
]


def setup(db: str) -> None:
    """A fresh database, every app migrated except registry, which stops at START."""
    generate.OUT_DIR.mkdir(exist_ok=True)
    if db == "sqlite":
        path = generate.OUT_DIR / f"{NAME}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        generate.pg_create_database(NAME, drop=True)
    os.environ["DATABASE_URL"] = generate.database_url(db, NAME)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sentra.settings")
    os.environ.setdefault("SENTRA_DATA_DIR", str(generate.OUT_DIR / "data"))
    (generate.OUT_DIR / "data" / "static").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("migrate", *START, verbosity=0)
    from sentra.regions.services import reference_is_loaded, reference_load

    if not reference_is_loaded():
        reference_load()


def load(rows: int, seed: int) -> float:
    """The national rows into the enterprise table as it is at START (the generator's columns all
    exist there; the others have database defaults)."""
    started = time.perf_counter()
    agencies = generate.bench_agencies()
    maker = generate.RowMaker.from_database(seed)
    generate.bulk_load(
        "registry_enterprise",
        generate.ENTERPRISE_COLUMNS,
        (generate.table_row(record, agencies) for record in maker.records(rows)),
    )
    generate.analyze()
    return time.perf_counter() - started


def facts() -> dict:
    """What must not change: row counts, a checksum of the unit columns, the search triggers."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM registry_enterprise")
        enterprises = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM audit_auditevent")
        events = cursor.fetchone()[0]
        # Sum of ids and of the NIBs' last 6 digits, per KBLI division: cheap, order-free.
        cursor.execute(
            "SELECT COALESCE(SUM(id), 0), COUNT(nib), "
            "COALESCE(SUM(CAST(SUBSTR(nib, 8, 6) AS INTEGER)), 0), COUNT(DISTINCT kbli_id), "
            "COUNT(DISTINCT village_id) FROM registry_enterprise"
        )
        checksum = [int(value) for value in cursor.fetchone()]
        triggers = None
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT COUNT(*) FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'registry_enterprise'"
            )
            triggers = cursor.fetchone()[0]
    return {"enterprises": enterprises, "events": events, "checksum": checksum, "search_triggers": triggers}


def search_still_follows_names() -> bool | None:
    """SQLite: rename one row and find it through the FTS table (the triggers of migration 0003)."""
    from django.db import connection, transaction

    if connection.vendor != "sqlite":
        return None
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id) FROM registry_enterprise")
        pk = cursor.fetchone()[0]
        cursor.execute("UPDATE registry_enterprise SET name = 'Zqxwv Uji Migrasi' WHERE id = %s", [pk])
        cursor.execute(
            "SELECT rowid FROM registry_enterprise_fts WHERE registry_enterprise_fts MATCH %s",
            ['"Zqxwv Uji"'],
        )
        found = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return found == [pk]


def apply_migration(app: str, name: str) -> None:
    """Migrate to (app, name) with the executor `migrate` uses, without its post_migrate signal
    handlers (permissions, content types), which cost the same whatever the table size."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = [(app, name)]
    executor.migrate(targets, plan=executor.migration_plan(targets))


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--rows", type=int, default=generate.NATIONAL_ROWS)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    setup(args.db)
    from django.db import connection

    result: dict = {
        "db": args.db,
        "rows": args.rows,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_before_load": load_average(),
    }
    if args.db == "postgres":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            result["server"] = "PostgreSQL " + cursor.fetchone()[0]
    else:
        import sqlite3

        result["server"] = "SQLite " + sqlite3.sqlite_version
    print(f"loading {args.rows:,} enterprises ({args.db}) …", flush=True)
    result["load_seconds"] = round(load(args.rows, args.seed), 1)
    before = facts()
    result["before"] = before
    print(f"  loaded in {result['load_seconds']} s: {before}", flush=True)
    steps = []
    for app, name in [START, *STEPS]:  # START first: nothing to apply, the fixed cost of a step
        load_before = load_average()
        started = time.perf_counter()
        apply_migration(app, name)
        seconds = time.perf_counter() - started
        steps.append(
            {
                "migration": f"{app} {name}",
                "seconds": round(seconds, 1),
                "load": [load_before, load_average()],
            }
        )
        print(f"  {app} {name}: {seconds:.1f} s (load {load_before} → {load_average()})", flush=True)
    after = facts()
    result.update(steps=steps, after=after, search_follows_names=search_still_follows_names())
    result["unchanged"] = before == after
    print(f"  after: {after}; unchanged: {result['unchanged']}; search: {result['search_follows_names']}")

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    out = generate.OUT_DIR / f"migrations-{args.db}-{stamp}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    print()
    print(f"| migration | {args.db} {args.rows:,} rows: seconds | load (1/5/15 min) before → after |")
    print("|---|---:|---|")
    for step in steps:
        print(f"| {step['migration']} | {step['seconds']} | {step['load'][0]} → {step['load'][1]} |")
    print(f"\nraw: {out}")


if __name__ == "__main__":
    main()
