"""Registry benchmark: list latency at national scale, import throughput and import memory.

For each database (SQLite, PostgreSQL) it

(b) loads 4.4 million enterprises (bench/generate.py; reused from bench/out/ or the
    sentra_bench_<rows> PostgreSQL database when already loaded with the same seed), ANALYZEs, then
    times the enterprise list API and web page filtered to province 33 (Jawa Tengah), the biggest
    regency and the smallest regency: warm-up, then --requests requests each through Django's test
    Client (force_login), p50/p95. Baselines from the same run: the raw SQL of the same page and
    count queries, and a request through the same stack that finds nothing (an unknown NIB);
(a) writes a CSV of --import-rows rows and, into an empty enterprise table (fresh database),
    runs the validated import (commit) and then the raw bulk insert of the same rows by the
    database's fastest path (SQLite executemany in one transaction, PostgreSQL COPY), and prints
    rows/s and the ratio import/raw; with --repeat N they alternate N times each (tables emptied,
    audit history included, before every run) and the best of each is compared;
(c) reports the peak RSS of the import process at --small-import-rows and --import-rows rows.

Each phase runs in its own process (a fresh peak RSS, one database per process).

    .venv/bin/python bench/registry.py                 # both databases, full size
    .venv/bin/python bench/registry.py --quick --db sqlite
"""

from __future__ import annotations

import argparse
import csv
import inspect
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (bench/generate.py)

OUT = generate.OUT_DIR
API_URL = "/api/v1/enterprises"
PROVINCE = "33"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": round(cuts[49] * 1000, 1), "p95": round(cuts[94] * 1000, 1), "n": len(samples)}


def timed(fn, requests: int, warmup: int = 5) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


# ---------------------------------------------------------------- (b) list latency


def web_list_url() -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("web:enterprise_list")
    except NoReverseMatch:
        return None


def api_available() -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(API_URL)
    except Resolver404:
        return False
    return True


def pick_regions() -> dict[str, tuple[str, int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT regency_code, COUNT(*) FROM registry_enterprise GROUP BY regency_code ORDER BY 2 DESC"
        )
        regencies = cursor.fetchall()
        cursor.execute("SELECT COUNT(*) FROM registry_enterprise WHERE province_code = %s", [PROVINCE])
        province_rows = cursor.fetchone()[0]
    big, small = regencies[0], regencies[-1]
    return {
        "province": (PROVINCE, province_rows),
        "big regency": (f"{big[0][:2]}.{big[0][3:5]}", big[1]),
        "small regency": (f"{small[0][:2]}.{small[0][3:5]}", small[1]),
    }


def explain(sql: str, params) -> str:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    return "\n".join(" | ".join(str(c) for c in row[-1:]) for row in rows)


def phase_list(args) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    name = f"sentra_bench_{args.rows}"
    started = time.perf_counter()
    if args.force or not generate.national_is_loaded(args.rows, args.seed):
        generate.generate_national(args.rows, args.seed, log=lambda m: print(m, file=sys.stderr))
        generate.analyze()
        load_seconds = round(time.perf_counter() - started, 1)
    else:
        load_seconds = None  # reused
    from sentra.accounts.scope import system_actor
    from sentra.registry.selectors import RegistryFilter, enterprise_list

    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    web_url = web_list_url()
    result = {
        "db": args.db,
        "database": name,
        "rows": args.rows,
        "load_seconds": load_seconds,
        "api_landed": api_available(),
        "web_landed": web_url is not None,
        "cases": [],
        "plans": {},
    }

    def get(url, **params):
        response = client.get(url, params)
        if response.status_code != 200:
            raise RuntimeError(f"{url} {params} -> {response.status_code}: {response.content[:300]!r}")
        return response

    for label, (code, count) in pick_regions().items():
        qs = enterprise_list(actor=system_actor(), filters=RegistryFilter(region=code))
        page_sql, page_params = qs[:50].query.sql_with_params()
        count_sql, count_params = qs.order_by().values("pk")[:10_001].query.sql_with_params()
        count_sql = f"SELECT COUNT(*) FROM ({count_sql}) capped"

        def raw(sql=page_sql, params=page_params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        case = {"region": label, "code": code, "rows": count}
        case["raw page SQL"] = timed(raw, args.requests)
        case["raw capped count SQL"] = timed(lambda s=count_sql, p=count_params: raw(s, p), args.requests)
        if result["api_landed"]:
            case["API"] = timed(lambda c=code: get(API_URL, region=c), args.requests)
        if web_url:
            case["web page"] = timed(lambda c=code: get(web_url, region=c), args.requests)
        result["cases"].append(case)
        print(json.dumps(case), file=sys.stderr)
        result["plans"][label] = {
            "page": explain(page_sql, page_params),
            "count": explain(count_sql, count_params),
        }
    baseline = {"region": "baseline: unknown NIB (same stack, empty result)", "code": "", "rows": 0}
    if result["api_landed"]:
        baseline["API"] = timed(lambda: get(API_URL, q="0000000000000"), args.requests)
    if web_url:
        baseline["web page"] = timed(lambda: get(web_url, q="0000000000000"), args.requests)
    result["cases"].append(baseline)
    return result


# ---------------------------------------------------------------- (a) + (c) import


def import_function():
    """The import engine's enterprise CSV import with commit, or None if it has not landed."""
    try:
        from sentra.registry import imports
    except ImportError:
        return None
    for name in ("import_enterprises", "enterprise_import", "import_enterprise_csv", "run_enterprise_import"):
        fn = getattr(imports, name, None)
        if callable(fn):
            return fn
    return None


def call_import(fn, path: Path, agency, user):
    """Call the import function with whatever of path/file/agency/user/commit it accepts."""
    params = inspect.signature(fn).parameters
    kwargs = {}
    handle = None
    for key in params:
        if key in ("path", "file_path", "filename"):
            kwargs[key] = path
        elif key in ("file", "fileobj", "stream", "source", "upload"):
            handle = path.open("rb")
            kwargs[key] = handle
        elif key == "agency":
            kwargs[key] = agency
        elif key in ("user", "created_by", "actor"):
            kwargs[key] = user
        elif key in ("commit",):
            kwargs[key] = True
        elif key in ("dry_run",):
            kwargs[key] = False
    try:
        return fn(**kwargs)
    finally:
        if handle:
            handle.close()


def raw_rows(path: Path, agencies: dict[str, int], headers: dict[str, str]):
    """The CSV's rows as enterprise table rows: the same rows, no validation beyond the database's."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for i, row in enumerate(reader, 1):
            village = row[headers["village"]]
            workers, investment = int(row[headers["workers"]]), int(row[headers["investment"]])
            if workers <= 19:
                size = "small" if investment < 1_000_000_000 else "medium"
            else:
                size = "medium" if investment <= 15_000_000_000 else "large"
            yield (
                i, generate.TIMESTAMP, generate.TIMESTAMP, village, village[:2], village[:5],
                agencies[village[:2]], row[headers["name"]], row[headers["owner_name"]],
                row[headers["nib"]] or None, row[headers["kbli"]], row[headers["address"]], None, None,
                workers, investment, None, "", None, int(row[headers["year_started"]]), size,
                row[headers["status"]],
            )  # fmt: skip


def empty_enterprises() -> None:
    """An empty enterprise table, no history and no counts of it (analytics' village × KBLI count and
    its rollups, kept by every registry write): every import or raw run starts from the same state,
    the one a new installation has. (Before 2026-12-07 the counts stayed: each Sentra run first
    deleted the previous run's 175,000 count rows, which an import into an empty table never does.)"""
    from django.db import connection

    tables = [
        "registry_centremembership",
        "registry_certification",
        "registry_product",
        "registry_enterprise",
        "audit_auditevent",
        "audit_auditbatch",
        "analytics_kblicount",
        "analytics_kblirollup",
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def phase_import(args) -> dict:
    from django.contrib.auth import get_user_model

    rows = args.import_rows
    csv_path = OUT / f"ikm-{rows}-seed{args.seed + 100}.csv"
    if not csv_path.exists():
        generate.write_csv(csv_path, rows, args.seed + 100)
    agencies = generate.bench_agencies()
    from sentra.agencies.models import Agency

    agency = Agency.objects.get(pk=agencies[PROVINCE])
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    result = {"db": args.db, "rows": rows, "csv_mb": round(csv_path.stat().st_size / 2**20, 1)}
    fn = import_function()
    result["import_landed"] = fn is not None
    result["rss_before_mb"] = round(rss_mb(), 1)
    result["repeat"] = args.repeat
    imports: list[float] = []
    raws: list[float] = []
    # Import and raw alternate, --repeat times each, and the best of each counts: the machine is
    # shared, and a burst of someone else's work during one run should not decide the ratio.
    for attempt in range(args.repeat):
        if fn is not None:
            empty_enterprises()
            started = time.perf_counter()
            outcome = call_import(fn, csv_path, agency, user)
            imports.append(time.perf_counter() - started)
            if attempt == 0:
                # The first import's peak, before the raw insert (its own connection, 1 GB of page
                # cache on SQLite) raises the process's high-water mark.
                result["import_peak_rss_mb"] = round(rss_mb(), 1)
                result["import_outcome"] = repr(outcome)[:300]
                from sentra.registry.models import Enterprise

                result["imported_rows"] = Enterprise.objects.count()
            print(f"import {attempt + 1}: {imports[-1]:.1f} s", file=sys.stderr)
        if not args.skip_raw:
            empty_enterprises()
            headers = generate.csv_headers()
            started = time.perf_counter()
            generate.bulk_load(
                "registry_enterprise",
                generate.ENTERPRISE_COLUMNS,
                raw_rows(csv_path, agencies, headers),
                rebuild_indexes=False,
            )
            raws.append(time.perf_counter() - started)
            print(f"raw {attempt + 1}: {raws[-1]:.1f} s", file=sys.stderr)
    if imports:
        result["import_seconds_each"] = [round(s, 1) for s in imports]
        result["import_seconds"] = round(min(imports), 1)
        result["import_rows_per_s"] = round(rows / min(imports))
    if raws:
        result["raw_seconds_each"] = [round(s, 1) for s in raws]
        result["raw_seconds"] = round(min(raws), 1)
        result["raw_rows_per_s"] = round(rows / min(raws))
        if "import_rows_per_s" in result:
            result["import_vs_raw"] = round(result["import_rows_per_s"] / result["raw_rows_per_s"], 2)
    return result


# ---------------------------------------------------------------- orchestration and report


def run_phase(phase: str, db: str, args) -> dict:
    name, _, rows = phase.partition(":")
    command = [sys.executable, __file__, "--phase", name, "--db", db]
    command += ["--rows", str(args.rows), "--seed", str(args.seed), "--requests", str(args.requests)]
    if name == "import":
        command += ["--import-rows", rows]
        if args.skip_raw:
            command.append("--skip-raw")
        command += ["--repeat", str(args.repeat)]
    if args.force:
        command.append("--force")
    print(f"$ {' '.join(command[1:])}", flush=True)
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if completed.returncode:
        return {"db": db, "phase": phase, "error": f"exit {completed.returncode}"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def report(results: list[dict]) -> str:
    lines = []
    for r in results:
        if "cases" in r:
            lines.append(
                f"\n### {r['db']}: list, {r['rows']:,} enterprises "
                f"(API landed: {r['api_landed']}, web page landed: {r['web_landed']})\n"
            )
            lines.append("| filter | rows matched | measurement | p50 ms | p95 ms |")
            lines.append("|---|---:|---|---:|---:|")
            for case in r["cases"]:
                for key, value in case.items():
                    if isinstance(value, dict):
                        lines.append(
                            f"| {case['region']} {case['code']} | {case['rows']:,} | {key} "
                            f"| {value['p50']} | {value['p95']} |"
                        )
        elif "error" in r:
            lines.append(f"\n{r['db']} {r['phase']}: {r['error']}")
        else:
            lines.append(f"\n{r['db']} import of {r['rows']:,} rows ({r['csv_mb']} MB CSV): " + json.dumps(r))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, default=generate.NATIONAL_ROWS, help="national enterprises")
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument("--small-import-rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="440k national rows, 100k/10k import rows")
    parser.add_argument("--skip-list", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-raw", action="store_true", help="import only, no raw bulk insert")
    parser.add_argument(
        "--repeat", type=int, default=1, help="import and raw alternately N times each; best of N counts"
    )
    parser.add_argument("--force", action="store_true", help="regenerate the national data")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.import_rows, args.small_import_rows = 440_000, 100_000, 10_000

    if args.phase:  # a child process: one phase, one database, JSON on the last stdout line
        if args.phase == "list":
            generate.setup_django(args.db, f"sentra_bench_{args.rows}")
            result = phase_list(args)
        else:
            generate.setup_django(args.db, "sentra_bench_import", fresh=True)
            result = phase_import(args)
        print(json.dumps(result))
        return

    results = []
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        if not args.skip_list:
            results.append(run_phase("list", db, args))
        if not args.skip_import:
            for rows in (args.small_import_rows, args.import_rows):
                results.append(run_phase(f"import:{rows}", db, args))
    text = report(results)
    print(text)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (OUT / f"registry-{stamp}.json").write_text(json.dumps(results, indent=1))
    (OUT / f"registry-{stamp}.md").write_text(text)


if __name__ == "__main__":
    main()
