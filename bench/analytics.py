"""Regional analysis at scale (issue 17 quality bars): LQ, sentra candidates, a province profile.

    .venv/bin/python bench/analytics.py --db sqlite --rows 300000
    .venv/bin/python bench/analytics.py --db postgres --rows 300000 --requests 15

Into the bench database `--name` (default sentra_pd_bench: bench/out/sentra_pd_bench.sqlite3 or that
PostgreSQL database), reused while `bench_meta` says it holds the same rows and seed:

- `--rows` IKM of bench/generate.py (spread like the real population over the real villages, weighted
  KBLI 5-digit codes) and its centres; the national size is 4,400,000 (`--rows 4400000`, hours on this
  shared machine); then the maintained count per village × KBLI is rebuilt once
  (analytics.aggregates.rebuild_kbli_counts, what `sentra rebuild-kbli-counts` does), timed.

Then, alternating call by call with a **baseline** (one primary-key read of a region: the cost of a
round trip to the database under the same load), it times the domain functions the pages call, as a
national reader (system actor), `--requests` times each:

- LQ of every regency/city × KBLI 2-digit against the nation (analytics.potential.location_quotient;
  goal < 1 s);
- sentra candidates for the whole country (analytics.candidates.candidates; goal < 2 s), as the web page
  asks for them: every candidate found and counted, the first 500 ranked built with names, villages and
  growth (the API pages the same way; the CSV/XLSX export builds them all);
- the profile of a province, Jawa Tengah (analytics.profiles.region_profile; goal p95 < 300 ms), when
  that module is present.

Best, p50, p95 in ms, the ratio p95 / baseline p95, and the 1-minute load average before and after each
(the machine is shared). The overlap check's speed among 200,000 activities is bench/overlaps.py's.
Raw results: bench/out/analytics-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (bench/generate.py)

OUT = generate.OUT_DIR
NAME = "sentra_pd_bench"
PROVINCE = "33"  # Jawa Tengah: the province with most IKM


def load() -> float:
    return round(os.getloadavg()[0], 2)


def stats(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else samples * 99
    return {
        "best": round(min(samples) * 1000, 1),
        "p50": round(cuts[49] * 1000, 1),
        "p95": round(cuts[94] * 1000, 1),
        "n": len(samples),
    }


def counts_are_built(marker: str) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_meta WHERE key = 'kbli_counts'")
        row = cursor.fetchone()
    return bool(row) and row[0] == marker


def build_counts(marker: str, log) -> float:
    from django.db import connection

    from sentra.analytics.aggregates import rebuild_kbli_counts

    started = time.perf_counter()
    rebuild_kbli_counts()
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_meta WHERE key = 'kbli_counts'")
        cursor.execute("INSERT INTO bench_meta VALUES ('kbli_counts', %s)", [marker])
    log(f"  KBLI counts rebuilt in {seconds:.1f} s")
    return seconds


def cases():
    from sentra.accounts.scope import system_actor
    from sentra.analytics.candidates import candidates
    from sentra.analytics.potential import location_quotient

    actor = system_actor()
    found = [
        ("LQ 514 regencies × KBLI 2-digit", 1000.0, "max",
         lambda: location_quotient(actor=actor, level="regency", kbli_digits=2)),
        ("sentra candidates, whole country (ranked page of 500 + total)", 2000.0, "max",
         lambda: candidates(actor=actor, limit=500)),
    ]  # fmt: skip
    try:
        from sentra.analytics.profiles import region_profile
    except ImportError:
        pass
    else:
        found.append(
            (
                "province profile (Jawa Tengah)",
                300.0,
                "p95",
                lambda: region_profile(actor=actor, code=PROVINCE),
            )
        )
    return found


def baseline():
    from sentra.regions.models import Region

    Region.objects.filter(pk=PROVINCE).values_list("name", flat=True).first()


def measure(requests: int, log) -> list[dict]:
    results = []
    for label, goal, goal_on, call in cases():
        call()  # warm: imports, the database's cache
        before = load()
        samples, base = [], []
        for _ in range(requests):
            started = time.perf_counter()
            call()
            samples.append(time.perf_counter() - started)
            started = time.perf_counter()
            baseline()
            base.append(time.perf_counter() - started)
        row = {"case": label, **stats(samples), "max": round(max(samples) * 1000, 1)}
        floor = stats(base)
        row |= {
            "goal_ms": goal,
            "goal_on": goal_on,
            "met": row[goal_on] < goal,
            "baseline_p95": floor["p95"],
            "ratio_p95": round(row["p95"] / floor["p95"], 1) if floor["p95"] else None,
            "load_before": before,
            "load_after": load(),
        }
        log(
            f"  {label}: best {row['best']} ms, p50 {row['p50']} ms, p95 {row['p95']} ms, "
            f"max {row['max']} ms "
            f"(goal {goal_on} < {goal:.0f} ms: {'met' if row['met'] else 'MISSED'}; "
            f"baseline p95 {floor['p95']} ms; load {before} → {row['load_after']})"
        )
        results.append(row)
    return results


def table(results: list[dict]) -> str:
    lines = [
        "| case | best ms | p50 ms | p95 ms | max ms | goal | met | baseline p95 ms | p95 / baseline "
        "| load |",
        "|---|---:|---:|---:|---:|---|---|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['case']} | {r['best']} | {r['p50']} | {r['p95']} | {r['max']} | {r['goal_on']} < "
            f"{r['goal_ms']:.0f} ms | {'yes' if r['met'] else '**no**'} | {r['baseline_p95']} | "
            f"{r['ratio_p95']} | {r['load_before']} → {r['load_after']} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=300_000, help="IKM (national: 4,400,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=15, help="timed calls per case (default 15)")
    parser.add_argument("--name", default=NAME, help=f"bench database (default {NAME})")
    args = parser.parse_args(argv)
    log = print
    generate.setup_django(args.db, args.name)
    info: dict = {"db": args.db, "rows": args.rows, "seed": args.seed, "requests": args.requests}
    if not generate.national_is_loaded(args.rows, args.seed):
        log(f"generating {args.rows:,} IKM …")
        info["generate"] = generate.generate_national(args.rows, args.seed, log=log)
        generate.analyze()
    marker = f"rows={args.rows} seed={args.seed}"
    if not counts_are_built(marker):
        info["rebuild_counts_seconds"] = round(build_counts(marker, log), 1)
    from sentra.analytics.models import KbliCount

    info["kbli_count_rows"] = KbliCount.objects.count()
    log(f"{args.db}: {args.rows:,} IKM, {info['kbli_count_rows']:,} count rows; load {load()}")
    info["results"] = measure(args.requests, log)
    text = table(info["results"])
    print(text)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    path = OUT / f"analytics-{args.db}-{stamp}.json"
    path.write_text(json.dumps(info, indent=2, default=str))
    log(f"raw results: {path.relative_to(generate.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
