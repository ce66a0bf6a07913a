"""Which query needs which index of the enterprise table (issue 14 §6): measured, not guessed.

For a loaded bench database (bench/generate.py) it runs a catalogue of the application's own reads
of `registry_enterprise` — the list selectors (filters, sorts, scope of every level, search), the
capped counts, the verification queues and the menu's badge count, the dashboards, the per-NIB
page, suggestions, the import's lookups and the delete checks of the tables that point at an
enterprise's foreign keys — through the real selectors, capturing the SQL they send. Every
captured statement is EXPLAINed (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN (FORMAT JSON))
and timed (best of --runs). Then, for every secondary index of the table in turn, the index is
dropped inside a transaction, every statement's plan is taken again and, where it changed, the
statement is timed again; the transaction is rolled back (the index stays).

Output: per index, the statements whose plan uses it, and those that get slower without it (time
with → without); a Markdown table on stdout and bench/out/index_audit-<db>-<timestamp>.{json,md}.

    .venv/bin/python bench/index_audit.py --db sqlite   --name sentra_perf_440000
    .venv/bin/python bench/index_audit.py --db postgres --name sentra_perf_4400000
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (bench/generate.py)

OUT = generate.OUT_DIR
TABLE = "registry_enterprise"
SLOWER = 2.0  # a statement at least this many times slower without an index "needs" it
SLOWER_MS = 5.0  # … and by at least this many milliseconds


def catalogue():
    """(name, callable) of every read of the enterprise table the application makes."""
    from django.db.models import Count, Sum

    from sentra.accounts.models import Role
    from sentra.accounts.scope import Actor, region_q
    from sentra.analytics import selectors as analytics
    from sentra.regions.models import Region
    from sentra.registry import selectors as registry
    from sentra.registry.models import Enterprise
    from sentra.registry.selectors import RegistryFilter

    national = Actor(1, "audit", Role.MINISTRY_ADMIN, None, None, is_superuser=True)
    province = Actor(1, "audit", Role.PROVINCE_OFFICER, "33", None)
    regency = Actor(1, "audit", Role.REGENCY_OFFICER, "33.06", None)
    district = Actor(1, "audit", Role.FACILITATOR, "33.06.01", None)
    sample = Enterprise.objects.filter(nib__isnull=False, province_code="33").order_by("id").first()
    nibs = list(Enterprise.objects.filter(nib__isnull=False).values_list("nib", flat=True)[:2000])
    villages = list(Region.objects.filter(level=4, code__startswith="33.06").values_list("code", flat=True))
    kbli = sample.kbli_id
    high_water = Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first()

    def page_and_count(actor, per_page=50, **filters):
        def run():
            qs = registry.enterprise_list(actor=actor, filters=RegistryFilter(**filters))
            rows = list(qs[:per_page])
            if len(rows) == per_page:
                qs.order_by()[:10_001].count()

        return run

    def queue(actor):
        return lambda: (
            registry.enterprise_list(actor=actor, filters=RegistryFilter(waiting=True))
            .order_by()[:100]
            .count()
        )

    def region(code):
        return Region.objects.get(code=code)

    entries = [
        ("list: country, by name", page_and_count(national)),
        ("list: country, by name descending", page_and_count(national, sort="-name")),
        ("list: province 33 (scope or filter), by name", page_and_count(province)),
        ("list: regency 33.06 (scope), by name", page_and_count(regency)),
        ("list: district 33.06.01 (scope), by name", page_and_count(district)),
        ("list: country, filter regency 33.06", page_and_count(national, region="33.06")),
        ("list: country, filter village", page_and_count(national, region=sample.village_id)),
        ("list: country, filter KBLI 5 digits", page_and_count(national, kbli=kbli)),
        ("list: country, filter KBLI 2 digits", page_and_count(national, kbli=kbli[:2])),
        ("list: province 33, filter KBLI 5 digits", page_and_count(province, kbli=kbli)),
        ("list: regency 33.06, filter KBLI 5 digits", page_and_count(regency, kbli=kbli)),
        ("list: province 33, filter status inactive", page_and_count(province, status="inactive")),
        ("list: province 33, filter size medium", page_and_count(province, size_class="medium")),
        (
            "list: province 33, filter verification submitted",
            page_and_count(province, verification="submitted"),
        ),
        ("list: regency 33.06, sort by workers", page_and_count(regency, sort="-workers")),
        ("list: regency 33.06, sort by last change", page_and_count(regency, sort="-updated")),
        ("list: country, sort by investment", page_and_count(national, sort="-investment")),
        ("list: country, search NIB", page_and_count(national, q=sample.nib)),
        ("list: country, search two letters", page_and_count(national, per_page=25, q="ba")),
        ("list: country, search common word", page_and_count(national, per_page=25, q="tempe")),
        ("list: country, search rare name", page_and_count(national, per_page=25, q=sample.name)),
        ("list: province 33, search common word", page_and_count(province, per_page=25, q="tempe")),
        ("list: regency 33.06, search common word", page_and_count(regency, per_page=25, q="tempe")),
        ("verification queue + menu badge: country (accept)", queue(national)),
        ("verification queue + menu badge: province 33 (verify)", queue(province)),
        ("verification queue + menu badge: regency 33.06 (submit)", queue(regency)),
        ("dashboard: country by province", lambda: analytics.child_totals(actor=national, parent=None)),
        (
            "dashboard: province 33 by regency",
            lambda: analytics.child_totals(actor=national, parent=region("33")),
        ),
        (
            "dashboard: regency 33.06 by district",
            lambda: analytics.child_totals(actor=national, parent=region("33.06")),
        ),
        (
            "dashboard: district by village",
            lambda: analytics.child_totals(actor=national, parent=region("33.06.01")),
        ),
        (
            "dashboard: regency totals of province 33",
            lambda: analytics.regency_totals(actor=national, province_code="33"),
        ),
        ("detail page", lambda: registry.enterprise_get(actor=province, pk=sample.pk)),
        (
            "per-NIB page (business units)",
            lambda: list(registry.business_units(actor=province, nib=sample.nib)),
        ),
        ("suggestions: NIB prefix", lambda: registry.enterprise_suggestions(province, sample.nib[:6], 10)),
        ("suggestions: name", lambda: registry.enterprise_suggestions(regency, sample.name[:8], 10)),
        (
            "form: unit key free (NIB, KBLI, village)",
            lambda: (
                Enterprise.objects.filter(
                    nib=sample.nib, kbli_id=sample.kbli_id, village_id=sample.village_id
                )
                .exclude(pk=sample.pk)
                .values_list("pk", "name")
                .first()
            ),
        ),
        (
            "import: records by NIB (batch of 2,000)",
            lambda: list(
                Enterprise.objects.filter(pk__lte=high_water, nib__in=nibs).values_list(
                    "id", "nib", "kbli_id", "village_id"
                )
            ),
        ),
        (
            "import: records by village (batch's villages)",
            lambda: list(
                Enterprise.objects.filter(pk__lte=high_water, village_id__in=villages[:300]).values_list(
                    "id", "name"
                )
            ),
        ),
        (
            "import: centre members readable by NIB (regency)",
            lambda: sum(
                1
                for _ in Enterprise.objects.filter(region_q(regency), nib__isnull=False)
                .values_list("nib", "id")
                .iterator()
            ),
        ),
        ("delete check: KBLI code (PROTECT)", lambda: Enterprise.objects.filter(kbli_id__in=[kbli]).exists()),
        (
            "delete check: village (PROTECT)",
            lambda: Enterprise.objects.filter(village_id__in=[sample.village_id]).exists(),
        ),
        (
            "delete check: agency (PROTECT)",
            lambda: Enterprise.objects.filter(agency_id__in=[sample.agency_id]).exists(),
        ),
        (
            "delete check: user (SET_NULL of submitted_by)",
            lambda: Enterprise.objects.filter(submitted_by_id__in=[1]).exists(),
        ),
        (
            "totals: country (aggregate)",
            lambda: Enterprise.objects.aggregate(n=Count("id"), w=Sum("workers")),
        ),
    ]
    return entries


def capture(entries):
    """name → the SQL statements on the enterprise table that the entry sends."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    statements = []
    for name, run in entries:
        with CaptureQueriesContext(connection) as captured:
            run()
        for number, query in enumerate(q["sql"] for q in captured.captured_queries):
            if not query.lstrip().upper().startswith("SELECT") or "set_config(" in query:
                continue  # savepoints, the search's own EXPLAIN and its planner setting
            if TABLE in query and "registry_enterprise_fts" not in query.split("FROM", 1)[-1][:40]:
                statements.append({"name": name if number == 0 else f"{name} [{number + 1}]", "sql": query})
    return statements


def plan(cursor, vendor: str, sql: str) -> tuple[list[str], str]:
    """(indexes the plan uses, the plan as text)."""
    if vendor == "sqlite":
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        rows = [r[-1] for r in cursor.fetchall()]
        used = sorted({m for r in rows for m in re.findall(r"USING (?:COVERING )?INDEX (\w+)", r)})
        used += ["(primary key)"] if any("PRIMARY KEY" in r for r in rows) else []
        return used, "\n".join(rows)
    cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
    tree = cursor.fetchone()[0]
    tree = json.loads(tree) if isinstance(tree, str) else tree
    used: set[str] = set()
    lines: list[str] = []

    def walk(node, depth=0):
        name = node.get("Index Name")
        if name:
            used.add(name)
        relation = node.get("Relation Name", "")
        lines.append(f"{'  ' * depth}{node['Node Type']} {relation} {name or ''}".rstrip())
        for child in node.get("Plans", []):
            walk(child, depth + 1)

    walk(tree[0]["Plan"])
    return sorted(used), "\n".join(lines)


def timed(cursor, sql: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        cursor.execute(sql)
        cursor.fetchall()
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 2)


def secondary_indexes(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL "
            "ORDER BY name",
            [TABLE],
        )
    else:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE '%%_pkey' "
            "ORDER BY indexname",
            [TABLE],
        )
    return [r[0] for r in cursor.fetchall()]


def audit(args) -> dict:
    from django.db import connection, transaction

    vendor = connection.vendor
    statements = capture(catalogue())
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("ANALYZE")
        else:
            cursor.execute(f"ANALYZE {TABLE}")
        indexes = secondary_indexes(cursor, vendor)
        for s in statements:
            s["uses"], s["plan"] = plan(cursor, vendor, s["sql"])
            s["ms"] = timed(cursor, s["sql"], args.runs) if args.runs else None
    result = {"db": vendor, "name": args.name, "runs": args.runs, "statements": statements, "indexes": {}}
    for index in indexes:
        entry = {"used_by": [s["name"] for s in statements if index in s["uses"]], "without": []}
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'DROP INDEX "{index}"')
            for s in statements:
                uses, text = plan(cursor, vendor, s["sql"])
                if text == s["plan"]:
                    continue
                ms = timed(cursor, s["sql"], args.runs) if args.runs else None
                entry["without"].append({"name": s["name"], "ms": s["ms"], "ms_without": ms, "uses": uses})
            transaction.set_rollback(True)
        if vendor == "sqlite":
            connection.close()  # a fresh connection: no schema of the rolled-back DROP cached
        slower = [
            w
            for w in entry["without"]
            if w["ms_without"] is not None
            and w["ms"] is not None
            and w["ms_without"] >= SLOWER * w["ms"]
            and w["ms_without"] - w["ms"] >= SLOWER_MS
        ]
        entry["needed_by"] = [f"{w['name']} ({w['ms']} → {w['ms_without']} ms)" for w in slower]
        result["indexes"][index] = entry
        print(
            f"{index}: used by {len(entry['used_by'])}, needed by {len(slower)}", file=sys.stderr, flush=True
        )
    return result


def report(result: dict) -> str:
    lines = [
        f"### {result['db']} ({result['name']})",
        "",
        "| index | plans that use it | slower without it (best ms with → without) |",
        "|---|---|---|",
    ]
    for index, entry in result["indexes"].items():
        used = "; ".join(entry["used_by"]) or "—"
        needed = "; ".join(entry["needed_by"]) or ("none" if result["runs"] else "(not timed)")
        if not result["runs"] and entry["without"]:
            needed += "; plan changes without it: " + "; ".join(
                f"{w['name']} → {', '.join(w['uses']) or 'scan'}" for w in entry["without"]
            )
        lines.append(f"| `{index}` | {used} | {needed} |")
    lines += ["", "| statement | indexes in its plan | best ms |", "|---|---|---:|"]
    for s in result["statements"]:
        lines.append(f"| {s['name']} | {', '.join(s['uses']) or 'none (scan)'} | {s['ms']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--name", required=True, help="bench database (bench/generate.py --name)")
    parser.add_argument(
        "--runs", type=int, default=3, help="timed runs per statement, best counts (0: plans only)"
    )
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="audit the schema as it is (e.g. after migrate registry 0009)",
    )
    args = parser.parse_args(argv)
    if args.no_migrate:
        import os

        os.environ["DATABASE_URL"] = generate.database_url(args.db, args.name)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sentra.settings")
        os.environ.setdefault("SENTRA_DATA_DIR", str(OUT / "data"))
        import django

        django.setup()
    else:
        generate.setup_django(args.db, args.name)
    result = audit(args)
    text = report(result)
    print(text)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (OUT / f"index_audit-{args.db}-{stamp}.json").write_text(json.dumps(result, indent=1))
    (OUT / f"index_audit-{args.db}-{stamp}.md").write_text(text)


if __name__ == "__main__":
    main()
