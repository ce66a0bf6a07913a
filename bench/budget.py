"""Budget-control benchmark: a national fiscal year, the dashboards and the reports.

Generates (once per database; reused when the bench_meta row matches) the issue's national year:
1 ministry + 38 provinces + 514 regencies/cities, --activities activities each (default 20, about
11,000), each with one budget line, its RPD and twelve months of realisation (about 133,000 rows).
Then, as a national reader and as one province's officer, it times through Django's test Client
every dashboard and report URL that exists (web:control_*, web:report_*, the /api/v1/control/*
endpoints) and the selectors behind them, --requests times each after a warm-up: p50/p95 in ms.

Baseline from the same run: the raw SQL that any dashboard needs at least — one GROUP BY of the
realisation table by province — so figures compare across machines as ratios.

    .venv/bin/python bench/budget.py                    # SQLite and PostgreSQL
    .venv/bin/python bench/budget.py --db sqlite --quick
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (bench/generate.py)
from registry import percentiles  # noqa: E402

YEAR = 2026
BIG_PROVINCE = "33"  # Jawa Tengah: 35 regencies/cities


def timed(fn, requests: int, warmup: int = 5) -> dict[str, float]:
    """p50/p95 of the elapsed time and the median CPU time of this process (ms). On SQLite the CPU
    time is all of the work; on PostgreSQL only the Django side, the rest is the server's and waits —
    and on a loaded machine the elapsed time grows while the CPU time does not."""
    for _ in range(warmup):
        fn()
    samples, cpu = [], []
    for _ in range(requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        fn()
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return {**percentiles(samples), "cpu": round(sorted(cpu)[len(cpu) // 2] * 1000, 1)}


def meta_key(activities: int) -> str:
    return f"budget:{YEAR}:{activities}"


def is_loaded(activities: int) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (key varchar(100) PRIMARY KEY, value text)")
        cursor.execute("SELECT value FROM bench_meta WHERE key = %s", [meta_key(activities)])
        return cursor.fetchone() is not None


def mark_loaded(activities: int, counts: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_meta WHERE key = %s", [meta_key(activities)])
        cursor.execute(
            "INSERT INTO bench_meta (key, value) VALUES (%s, %s)", [meta_key(activities), json.dumps(counts)]
        )


def generate_year(activities_each: int, seed: int = 1) -> dict:
    """Bulk-creates the national year (no validation: the services' rules are tested elsewhere)."""
    from django.db import transaction

    from sentra.agencies.models import Agency, AgencyKind
    from sentra.programmes.models import (
        Activity,
        BudgetDocument,
        BudgetLine,
        DisbursementPlan,
        Output,
        Programme,
        Realisation,
    )
    from sentra.regions.models import Region

    rnd = random.Random(seed)
    started = time.perf_counter()
    with transaction.atomic():
        for model in (Realisation, DisbursementPlan, BudgetLine, Output, Activity, BudgetDocument, Programme):
            model.objects.filter(fiscal_year=YEAR).delete() if hasattr(model, "fiscal_year") else None
        places = [(None, AgencyKind.MINISTRY, "Direktorat Jenderal IKMA (bench)")]
        for region in Region.objects.filter(level=Region.Level.PROVINCE).order_by("code"):
            places.append((region.code, AgencyKind.PROVINCE_INDUSTRY, f"Disperindag {region.name} (bench)"))
        for region in Region.objects.filter(level=Region.Level.REGENCY).order_by("code"):
            places.append(
                (region.code, AgencyKind.REGENCY_INDUSTRY, f"Dinas Perindustrian {region.name} (bench)")
            )
        agencies = []
        for code, kind, name in places:
            agency, _ = Agency.objects.get_or_create(name=name, region_id=code, defaults={"kind": kind})
            agencies.append(agency)

        def placed(agency) -> dict:
            code = agency.region_id or ""
            return {
                "agency": agency,
                "fiscal_year": YEAR,
                "region_id": code or None,
                "province_code": code[:2],
                "regency_code": code[:5] if len(code) >= 5 else "",
            }

        programmes = Programme.objects.bulk_create(
            Programme(code="019.05.WA", name="Program Nilai Tambah dan Daya Saing Industri", **placed(a))
            for a in agencies
        )
        source = {AgencyKind.MINISTRY: "apbn", AgencyKind.PROVINCE_INDUSTRY: "dekon"}
        documents = BudgetDocument.objects.bulk_create(
            BudgetDocument(
                kind=source.get(a.kind, "tp"),
                number=f"SP DIPA-019.05.{i:06d}/{YEAR}",
                issued_on=dt.date(YEAR - 1, 12, 5),
                **placed(a),
            )
            for i, a in enumerate(agencies)
        )
        activities = Activity.objects.bulk_create(
            (
                Activity(
                    programme=p,
                    code=f"5305.{n:03d}",
                    name=f"Kegiatan {n} {p.agency.name}",
                    kind=rnd.choice(["training", "cert_halal", "ecommerce", "wub", "exhibition"]),
                    funding_source=d.kind,
                    verification_status="accepted",
                    **placed(p.agency),
                )
                for p, d in zip(programmes, documents, strict=True)
                for n in range(activities_each)
            ),
            batch_size=2000,
        )
        by_agency = {d.agency_id: d for d in documents}
        Output.objects.bulk_create(
            (
                Output(activity=a, indicator="IKM dibina", unit="IKM", target=rnd.randint(10, 100))
                for a in activities
            ),
            batch_size=5000,
        )
        lines = BudgetLine.objects.bulk_create(
            (
                BudgetLine(
                    document=by_agency[a.agency_id],
                    activity=a,
                    account_group="52",
                    amount=rnd.randint(50, 2000) * 1_000_000,
                )
                for a in activities
            ),
            batch_size=5000,
        )
        plans, realisations = [], []
        for line, activity in zip(lines, activities, strict=True):
            weights = [1, 2, 4, 6, 8, 9, 10, 11, 12, 12, 13, 12]
            months = [line.amount * w // sum(weights) for w in weights]
            months[-1] += line.amount - sum(months)
            plans.append(DisbursementPlan(line=line, **{f"m{m:02d}": v for m, v in enumerate(months, 1)}))
            pace = rnd.uniform(0.5, 1.0)  # some activities lag their plan
            progress = 0
            for month, planned in enumerate(months, 1):
                progress = min(100, progress + rnd.randint(3, 12))
                realisations.append(
                    Realisation(
                        activity=activity,
                        month=month,
                        amount=int(planned * pace),
                        physical_progress=progress,
                        output_achieved=month,
                        verification_status="verified",
                        **placed(activity.agency),
                    )
                )
        DisbursementPlan.objects.bulk_create(plans, batch_size=5000)
        Realisation.objects.bulk_create(realisations, batch_size=5000)
    counts = {
        "agencies": len(agencies),
        "activities": len(activities),
        "budget_lines": len(lines),
        "realisations": len(realisations),
        "seconds": round(time.perf_counter() - started, 1),
    }
    mark_loaded(activities_each, counts)
    return counts


def candidate_urls() -> dict[str, str]:
    """Every dashboard, report and control API URL that exists in this checkout."""
    from django.urls import NoReverseMatch, get_resolver, reverse

    urls = {}
    web = get_resolver().namespace_dict["web"][1]
    for name in sorted(n for n in web.reverse_dict.keys() if isinstance(n, str)):
        if not name.startswith(("control", "report")):
            continue
        try:
            urls[f"web:{name}"] = reverse(f"web:{name}")
        except NoReverseMatch:
            continue  # needs arguments
    return urls


def phase(args) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from sentra.accounts.models import Profile, Role
    from sentra.accounts.scope import actor_for_user
    from sentra.agencies.models import Agency
    from sentra.programmes import selectors as s

    generated = None
    if args.force or not is_loaded(args.activities):
        generated = generate_year(args.activities)
    if args.generate_only:
        return {"db": connection.vendor, "generated": generated, "error": "generated only, nothing timed"}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    users = {}
    for label, role, agency_region in (
        ("national", Role.MINISTRY_ADMIN, None),
        ("province", Role.PROVINCE_OFFICER, BIG_PROVINCE),
    ):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-{label}")
        agency = Agency.objects.filter(region_id=agency_region, name__endswith="(bench)").first()
        Profile.objects.update_or_create(
            user=user, defaults={"role": role, "agency": agency, "region_id": agency_region}
        )
        user.refresh_from_db()
        users[label] = user

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT province_code, SUM(amount) FROM programmes_realisation "
                "WHERE fiscal_year = %s AND month <= %s GROUP BY province_code",
                [YEAR, 10],
            )
            cursor.fetchall()

    results = {
        "db": connection.vendor,
        "generated": generated,
        "cases": [],
        "started": time.strftime("%H:%M:%S", time.gmtime()),
        "load_start": [round(v, 2) for v in os.getloadavg()],
    }
    base = timed(baseline, args.requests)
    results["baseline"] = base
    f = s.ControlFilter(fiscal_year=YEAR, month=10)
    for label, user in users.items():
        if args.reader not in ("both", label):
            continue
        actor = actor_for_user(user)
        selector_cases = {
            "selector total": lambda actor=actor: s.control_total(actor=actor, f=f),
            "selector by province": lambda actor=actor: s.control_figures(actor=actor, f=f, group="province"),
            "selector by regency": lambda actor=actor: s.control_figures(actor=actor, f=f, group="regency"),
            "selector lagging rows": lambda actor=actor: s.lagging_rows(actor=actor, f=f),
            "selector lagging, worst 50": lambda actor=actor: s.lagging_activities(
                actor=actor, f=f, limit=50
            ),
            "selector output achievement": lambda actor=actor: s.output_achievement_total(actor=actor, f=f),
        }
        for name, fn in selector_cases.items():
            if args.match and args.match not in name:
                continue
            results["cases"].append({"reader": label, "case": name, **timed(fn, args.requests)})
        client = Client()
        client.force_login(user)
        pages = {name: (url, ("", f"?tahun={YEAR}&bulan=10")) for name, url in candidate_urls().items()}
        # The reports answer a filled form (a GET): both formats, the big province's dekon report.
        for fmt in ("xlsx", "pdf"):
            dekon = f"?year={YEAR}&quarter=3&province={BIG_PROVINCE}&report_date={YEAR}-10-05&format={fmt}"
            rakor = f"?year={YEAR}&date={YEAR}-10-31&format={fmt}"
            pages[f"web:report_dekon {fmt}"] = ("/laporan/dekonsentrasi/", (dekon,))
            pages[f"web:report_rakor {fmt}"] = ("/laporan/rakor/", (rakor,))
        for key in ("web:report_dekon", "web:report_rakor"):
            pages.pop(key, None)
        for name, (url, queries) in pages.items():
            for query in queries:
                if args.match and args.match not in f"GET {url}{query}":
                    continue
                try:
                    response = client.get(url + query)
                except Exception as exc:  # a page still being built must not stop the bench
                    results["cases"].append(
                        {"reader": label, "case": f"{name}{query}", "status": repr(exc)[:80]}
                    )
                    continue
                if response.status_code != 200:
                    results["cases"].append(
                        {"reader": label, "case": f"{name}{query}", "status": response.status_code}
                    )
                    continue
                results["cases"].append(
                    {
                        "reader": label,
                        "case": f"GET {url}{query}",
                        **timed(lambda c=client, u=url + query: c.get(u), args.requests, warmup=2),
                    }
                )
    results["finished"] = time.strftime("%H:%M:%S", time.gmtime())
    results["load_end"] = [round(v, 2) for v in os.getloadavg()]
    for case in results["cases"]:
        if "p95" in case:
            case["x_baseline_p95"] = round(case["p95"] / max(base["p95"], 0.001), 1)
    return results


def report(results: list[dict]) -> str:
    lines = []
    for r in results:
        if "error" in r:
            lines.append(f"\n{r['db']}: {r['error']}")
            continue
        lines.append(f"\n### {r['db']}: national year {YEAR} (generated: {r['generated']})\n")
        if "load_start" in r:  # the machine's load average (1, 5, 15 min) around the run, UTC times
            lines.append(
                f"Run {r['started']}–{r['finished']} UTC, load average {r['load_start']} at the start, "
                f"{r['load_end']} at the end\n"
            )
        lines.append(
            f"Baseline (raw GROUP BY province of realisation): p50 {r['baseline']['p50']} ms, "
            f"p95 {r['baseline']['p95']} ms\n"
        )
        lines.append("| reader | case | p50 ms | p95 ms | p95 / baseline | CPU ms (median) |")
        lines.append("|---|---|---:|---:|---:|---:|")
        for c in r["cases"]:
            if "p95" in c:
                lines.append(
                    f"| {c['reader']} | {c['case']} | {c['p50']} | {c['p95']} | {c['x_baseline_p95']} "
                    f"| {c.get('cpu', '')} |"
                )
            else:
                lines.append(f"| {c['reader']} | {c['case']} | status {c['status']} | | | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--activities", type=int, default=20, help="activities per agency")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="2 activities per agency, 5 requests")
    parser.add_argument("--force", action="store_true", help="regenerate the year")
    parser.add_argument("--reader", choices=["national", "province", "both"], default="both")
    parser.add_argument(
        "--match", default="", help="only the cases whose name contains this (e.g. 'rakor', '/pengendalian/')"
    )
    parser.add_argument("--generate-only", action="store_true", help="generate the year, time nothing")
    parser.add_argument("--phase", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.activities, args.requests = 2, 5
    if args.phase:
        generate.setup_django(args.db, f"sentra_bench_budget_{args.activities}")
        print(json.dumps(phase(args)))
        return
    results = []
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        command = [sys.executable, __file__, "--phase", "--db", db, "--activities", str(args.activities)]
        command += ["--requests", str(args.requests)] + (["--force"] if args.force else [])
        command += ["--reader", args.reader, "--match", args.match]
        command += ["--generate-only"] if args.generate_only else []
        completed = subprocess.run(command, stdout=subprocess.PIPE, text=True)
        if completed.returncode:
            results.append({"db": db, "error": f"exit {completed.returncode}"})
            continue
        results.append(json.loads(completed.stdout.strip().splitlines()[-1]))
    text = report(results)
    print(text)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    generate.OUT_DIR.mkdir(exist_ok=True)  # a fresh checkout has no bench/out until a phase made it
    (generate.OUT_DIR / f"budget-{stamp}.md").write_text(text)


if __name__ == "__main__":
    main()
