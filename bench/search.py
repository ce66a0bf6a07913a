"""Search benchmark: the enterprise list API and web page with ?q= at national scale.

For each database (SQLite, PostgreSQL) it migrates the national bench database (bench/generate.py,
generated when missing) — which builds the search indexes of registry migration 0003 (SQLite: FTS5
trigram table; PostgreSQL: pg_trgm GIN indexes) and prints how long that took when it ran — and
times, through Django's test Client (force_login, superuser: the whole country), warm-up then
--requests requests each, p50/p95 in ms:

- a common word of the name ("tempe", ~3 % of rows), a common person name found in the name or
  the owner ("slamet"), a rare name (the full name of one enterprise: a handful of rows), a
  word that is nowhere ("rendang"), a two-letter term (name prefix), and the common word and the
  rare name combined with a province filter (33, Jawa Tengah), the common word with a regency
  filter (33.19, Kudus), and the common word sorted by name on request (`sort=name`: since a
  search without a sort comes newest first, this is the explicit, slower order);
- for each: the API (/api/v1/enterprises?q=…) and the web page, and the raw SQL of the
  selector's first page and capped count.

Baselines from the same run: the same request stack with a filter that finds nothing by an index
(an unknown NIB; the registry bench's baseline), and the search as it was before the indexes
(`name ILIKE %q% OR owner_name ILIKE %q%` as Django's icontains, a full scan; on PostgreSQL with
bitmap scans off so that the new trigram indexes are not used) on its raw SQL.

    .venv/bin/python bench/search.py --rows 1000000                     # both databases
    .venv/bin/python bench/search.py --rows 1000000 --db sqlite --requests 20
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (bench/generate.py)
from registry import explain, timed  # noqa: E402  (bench/registry.py, read only)

OUT = generate.OUT_DIR
API_URL = "/api/v1/enterprises"
PROVINCE = "33"
REGENCY = "33.19"
PAGE = 50


def pick_rare(province: str | None = None) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if province:
            cursor.execute(
                "SELECT name FROM registry_enterprise WHERE province_code = %s "
                "ORDER BY id LIMIT 1 OFFSET 4242",
                [province],
            )
        else:
            cursor.execute("SELECT name FROM registry_enterprise ORDER BY id LIMIT 1 OFFSET 4242")
        return cursor.fetchone()[0]


def without_search_indexes(raw, sql, params):
    """The query as it ran before migration 0003: PostgreSQL may not use the trigram indexes
    (GIN is only read through bitmap scans, switched off here); SQLite's old query never reads
    the FTS5 table."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        return raw(sql, params)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        return raw(sql, params)


def phase(args) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import EmptyResultSet
    from django.db import connection
    from django.db.models import Q
    from django.test import Client
    from django.urls import reverse

    from sentra.accounts.scope import system_actor
    from sentra.registry.models import Enterprise
    from sentra.registry.selectors import RegistryFilter, enterprise_list
    from sentra.web.generic import SEARCH_COUNT_CAP

    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    web_url = reverse("web:enterprise_list")

    def get(url, **params):
        response = client.get(url, params)
        if response.status_code != 200:
            raise RuntimeError(f"{url} {params} -> {response.status_code}: {response.content[:300]!r}")
        return response

    def raw(sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    rare, rare_33 = pick_rare(), pick_rare(PROVINCE)
    cases = [
        ("common word", "tempe", "", ""),
        ("common person (name or owner)", "slamet", "", ""),
        ("rare name", rare, "", ""),
        ("nowhere", "rendang", "", ""),
        ("two letters (name prefix)", "ba", "", ""),
        ("common word + province", "tempe", PROVINCE, ""),
        ("rare name + province", rare_33, PROVINCE, ""),
        ("common word + regency", "tempe", REGENCY, ""),
        ("common word, sorted by name", "tempe", "", "name"),
    ]
    result = {
        "db": args.db,
        "rows": args.rows,
        "migrate_seconds": args.migrate_seconds,
        "cases": [],
        "plans": {},
    }
    for label, q, region, sort in cases:
        filters = RegistryFilter(q=q, region=region, sort=sort)
        qs = enterprise_list(actor=system_actor(), filters=filters)
        try:
            page_sql, page_params = qs[:PAGE].query.sql_with_params()
            # As the pages and the API count a text search: to SEARCH_COUNT_CAP + 1 ("more than 1,000").
            capped = qs.order_by().values("pk")[: SEARCH_COUNT_CAP + 1]
            count_sql, count_params = capped.query.sql_with_params()
            count_sql = f"SELECT COUNT(*) FROM ({count_sql}) capped"
        except EmptyResultSet:  # the selector already knows there is no match (an empty id list)
            page_sql, page_params = "SELECT 1 WHERE false", []
            count_sql, count_params = "SELECT 0", []
        params = {"q": q, **({"region": region} if region else {}), **({"sort": sort} if sort else {})}
        case = {"case": label, "q": q, "region": region, "sort": sort}
        case["matched (capped)"] = raw(count_sql, count_params)[0][0]
        case["count cap"] = SEARCH_COUNT_CAP
        case["raw page SQL"] = timed(lambda s=page_sql, p=page_params: raw(s, p), args.requests)
        case["raw capped count SQL"] = timed(lambda s=count_sql, p=count_params: raw(s, p), args.requests)
        case["API"] = timed(lambda p=params: get(API_URL, **p), args.requests)
        case["web page"] = timed(lambda p=params: get(web_url, **p), args.requests)
        if args.old_requests and label in ("common word", "rare name", "common word + province"):
            old = Enterprise.objects.filter(Q(name__icontains=q) | Q(owner_name__icontains=q))
            if region:
                old = old.filter(province_code=region)
            old_sql, old_params = old.order_by("name", "id").values("pk")[:PAGE].query.sql_with_params()
            case["before: icontains scan, page SQL"] = timed(
                lambda s=old_sql, p=old_params: without_search_indexes(raw, s, p), args.old_requests, warmup=1
            )
        result["cases"].append(case)
        result["plans"][label] = {
            "page": explain(page_sql, page_params),
            "count": explain(count_sql, count_params),
        }
        print(json.dumps(case), file=sys.stderr, flush=True)
    baseline = {
        "case": "baseline: unknown NIB (same stack, empty result)",
        "q": "0000000000000",
        "region": "",
        "sort": "",
    }
    baseline["API"] = timed(lambda: get(API_URL, q="0000000000000"), args.requests)
    baseline["web page"] = timed(lambda: get(web_url, q="0000000000000"), args.requests)
    result["cases"].append(baseline)
    return result


def report(results: list[dict]) -> str:
    lines = []
    for r in results:
        if "error" in r:
            lines.append(f"\n{r['db']}: {r['error']}")
            continue
        built = (
            f"; search indexes built by migrate in {r['migrate_seconds']} s" if r["migrate_seconds"] else ""
        )
        lines.append(f"\n### {r['db']}: search, {r['rows']:,} enterprises{built}\n")
        base = {k: r["cases"][-1][k]["p95"] for k in ("API", "web page")}
        lines.append("| case | q | matched | measurement | p50 ms | p95 ms | p95 / baseline |")
        lines.append("|---|---|---:|---|---:|---:|---:|")
        for case in r["cases"]:
            where = f"{case['q']}" + (f" + region {case['region']}" if case["region"] else "")
            where += f", sort={case['sort']}" if case.get("sort") else ""
            matched = case.get("matched (capped)", "")
            cap = case.get("count cap", 0)
            matched = f"> {cap:,}" if matched == cap + 1 else (f"{matched:,}" if matched != "" else "")
            for key, value in case.items():
                if isinstance(value, dict):
                    ratio = f"{value['p95'] / base[key]:.1f}" if key in base else ""
                    figures = f"{value['p50']} | {value['p95']} | {ratio}"
                    lines.append(f"| {case['case']} | {where} | {matched} | {key} | {figures} |")
    return "\n".join(lines)


def run_phase(db: str, args) -> dict:
    command = [sys.executable, __file__, "--phase", "--db", db, "--rows", str(args.rows)]
    command += ["--requests", str(args.requests), "--old-requests", str(args.old_requests)]
    command += ["--seed", str(args.seed)] + (["--name", args.name] if args.name else [])
    print(f"$ {' '.join(command[1:])}", flush=True)
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if completed.returncode:
        return {"db": db, "error": f"exit {completed.returncode}"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, default=generate.NATIONAL_ROWS, help="national enterprises")
    parser.add_argument("--name", help="bench database name (default sentra_bench_<rows>)")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--old-requests", type=int, default=5, help="runs of the full-scan baseline (0: skip it)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--phase", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:  # a child process: one database, JSON on the last stdout line
        started = time.perf_counter()
        generate.setup_django(args.db, args.name or f"sentra_bench_{args.rows}")  # migrates
        args.migrate_seconds = round(time.perf_counter() - started, 1)
        if not generate.national_is_loaded(args.rows, args.seed):
            generate.generate_national(args.rows, args.seed, log=lambda m: print(m, file=sys.stderr))
            generate.analyze()
            args.migrate_seconds = None  # the indexes were filled while loading
        elif args.migrate_seconds < 5:
            args.migrate_seconds = None  # nothing to build: migrated before
        else:
            generate.analyze()  # statistics of the new expression indexes (PostgreSQL)
        print(json.dumps(phase(args)))
        return

    results = [run_phase(db, args) for db in (["sqlite", "postgres"] if args.db == "both" else [args.db])]
    text = report(results)
    print(text)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (OUT / f"search-{stamp}.json").write_text(json.dumps(results, indent=1))
    (OUT / f"search-{stamp}.md").write_text(text)


if __name__ == "__main__":
    main()
