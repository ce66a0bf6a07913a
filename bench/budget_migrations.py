"""Time the programmes migrations of issue 13 (budget scoring) forwards on a national fiscal year.

    .venv/bin/python bench/budget_migrations.py --db sqlite
    .venv/bin/python bench/budget_migrations.py --db postgres --activities 20

A fresh database (bench/out/sentra_bench_budget_migrations.sqlite3, or PostgreSQL database
sentra_bench_budget_migrations) is migrated to the latest state and filled with the national year of
bench/budget.py (1 ministry + 38 provinces + 514 regencies × --activities activities, each with one
budget line, its RPD and twelve months of realisation: about 11,000 activities and 133,000
realisation rows at the default 20); programmes is then taken back to 0005 (before budget scoring)
and each migration is applied forwards and timed on its own:

- programmes 0006_budget_scoring: realisation type and line, blokir, policy fields, RPD versions
  (schema only)
- programmes 0007_policy_rule_of_the_year: the rule's default (no data)
- programmes 0008_budget_scoring_data: policies' rule and dates (one row per year), realisation of
  single-line activities typed (two UPDATEs), version 0 of every RPD (bulk inserts of 2,000)

Before and after: row counts of realisations, budget lines, plans and audit events, and a checksum of
(id, activity, month, amount) of the realisations; after: how many realisations got their type and
how many plans their version 0. The load average is printed beside each time (shared machine).
Output: a Markdown table on stdout and bench/out/budget-migrations-<db>-<timestamp>.json.
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
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

NAME = "sentra_bench_budget_migrations"
START = ("programmes", "0005_tp_and_sakti_codes")
STEPS = [
    ("programmes", "0006_budget_scoring"),
    ("programmes", "0007_policy_rule_of_the_year"),
    ("programmes", "0008_budget_scoring_data"),
]


def facts() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:

        def one(sql: str):
            cursor.execute(sql)
            return cursor.fetchone()[0]

        return {
            "realisations": one("SELECT COUNT(*) FROM programmes_realisation"),
            "budget_lines": one("SELECT COUNT(*) FROM programmes_budgetline"),
            "plans": one("SELECT COUNT(*) FROM programmes_disbursementplan"),
            "audit_events": one("SELECT COUNT(*) FROM audit_auditevent"),
            "checksum": one(
                "SELECT COALESCE(SUM((id % 1000003) * 7 + activity_id * 13 + month * 17 "
                "+ (amount % 1000003)), 0) FROM programmes_realisation"
            ),
        }


def after_facts() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM programmes_realisation WHERE budget_line_id IS NOT NULL")
        typed = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM programmes_disbursementplanversion WHERE number = 0")
        versions = cursor.fetchone()[0]
    return {"typed_realisations": typed, "plan_versions": versions}


def apply_migration(app: str, name: str) -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan([(app, name)])
    executor.migrate([(app, name)], plan=plan)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--activities", type=int, default=20, help="activities per agency")
    args = parser.parse_args(argv)

    generate.setup_django(args.db, NAME, fresh=True)
    import budget  # noqa: E402  (bench/budget.py, after Django is set up)

    budget.is_loaded(args.activities)  # creates the bench_meta table generate_year writes to
    loaded = budget.generate_year(args.activities)
    from django.core.management import call_command

    call_command("migrate", *START, verbosity=0)
    before = facts()
    rows = []
    for app, name in STEPS:
        load = os.getloadavg()[0]
        started = time.perf_counter()
        apply_migration(app, name)
        seconds = round(time.perf_counter() - started, 2)
        rows.append({"migration": f"{app} {name}", "seconds": seconds, "load_before": round(load, 2)})
    after = facts()
    result = {
        "db": args.db,
        "loaded": loaded,
        "before": before,
        "after": after,
        "kept": before == after,
        **after_facts(),
        "steps": rows,
    }
    print(f"| migration ({args.db}, {before['realisations']:,} realisations) | seconds | load before |")
    print("|---|---:|---:|")
    for row in rows:
        print(f"| {row['migration']} | {row['seconds']} | {row['load_before']} |")
    print(
        f"\nkept every row and event: {result['kept']}; typed realisations: "
        f"{result['typed_realisations']:,}; plan versions 0: {result['plan_versions']:,}"
    )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    out = generate.OUT_DIR / f"budget-migrations-{args.db}-{stamp}.json"
    out.write_text(json.dumps(result, indent=2, default=str))  # PostgreSQL sums are Decimals


if __name__ == "__main__":
    main()
