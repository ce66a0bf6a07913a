"""Rollback benchmark: undoing an enterprise import, against the import itself (issue 12, point 1).

For each database (SQLite, PostgreSQL), in a fresh database of its own (`bench/out/sentra_bench_rollback
.sqlite3`, PostgreSQL `sentra_bench_rollback`), with a CSV of --rows generated enterprises
(bench/generate.py, the import template's columns):

- created: an import of the CSV into an empty enterprise table (every row a new record), then the
  rollback of that import (every record deleted, one DELETE event each);
- updated (unless --skip-updates): the CSV imported once more with another address and number of
  workers on every row (every row an update of the first import's record), then the rollback of that
  second import (every record given its earlier values back, one ROLLBACK event each).

Import and rollback alternate --repeat times (tables emptied, audit history included, before every
created run); the best of each counts, and the ratio rollback / import is printed. The goal: a rollback
within 3× the import's time. Both run as a ministry administrator (not a superuser, so the scope check
runs) through registry.imports.import_enterprises / core.import_kinds.import_rollback, as the CLI
does. The machine's load average is printed with the results.

    .venv/bin/python bench/rollback.py --db both --rows 50000 --repeat 2
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (bench/generate.py)

OUT = generate.OUT_DIR
DATABASE = "sentra_bench_rollback"


def empty() -> None:
    """No enterprise, no history: every created run starts from the same state."""
    from django.db import connection

    tables = [
        "registry_centremembership",
        "registry_certification",
        "registry_product",
        "registry_enterprise",
        "audit_auditevent",
        "audit_auditbatch",
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # nosec B608: fixed table names


def changed_copy(source: Path, target: Path) -> Path:
    """The same rows (same NIB, or same name and village), another address and number of workers."""
    headers = generate.csv_headers()
    with (
        source.open(encoding="utf-8", newline="") as inp,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        reader = csv.DictReader(inp)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames)
        writer.writeheader()
        for row in reader:
            row[headers["address"]] = f"{row[headers['address']]} (pindah)"
            row[headers["workers"]] = str(int(row[headers["workers"]]) % 19 + 1)
            writer.writerow(row)
    return target


def bench_actor():
    from django.contrib.auth import get_user_model

    from sentra.accounts.models import Profile, Role
    from sentra.accounts.scope import Channel, actor_for_user
    from sentra.agencies.models import Agency

    user, created = get_user_model().objects.get_or_create(username="bench-rollback")
    if created or not hasattr(user, "profile"):
        agency = Agency.objects.filter(region_id=None).first() or Agency.objects.create(
            name="Direktorat Jenderal IKMA (bench)", kind="ministry", region_id=None
        )
        Profile.objects.update_or_create(user=user, defaults={"role": Role.MINISTRY_ADMIN, "agency": agency})
        user.refresh_from_db()
    return actor_for_user(user, channel=Channel.CLI)


def timed(fn):
    started = time.perf_counter()
    outcome = fn()
    return time.perf_counter() - started, outcome


def phase(args) -> dict:
    from sentra.core.import_kinds import import_rollback
    from sentra.registry.imports import import_enterprises
    from sentra.registry.models import Enterprise

    rows = args.rows
    source = OUT / f"ikm-{rows}-seed{args.seed + 200}.csv"
    if not source.exists():
        generate.write_csv(source, rows, args.seed + 200)
    changed = changed_copy(source, OUT / f"ikm-{rows}-seed{args.seed + 200}-changed.csv")
    actor = bench_actor()
    result: dict = {"db": args.db, "rows": rows, "repeat": args.repeat, "load_start": os.getloadavg()}
    runs: dict[str, list[float]] = {k: [] for k in ("import", "rollback", "update_import", "update_rollback")}

    def log(name: str, seconds: float) -> None:
        runs[name].append(seconds)
        print(f"{args.db} {name} {len(runs[name])}: {seconds:.1f} s", file=sys.stderr, flush=True)

    for _attempt in range(args.repeat):
        empty()
        seconds, report = timed(lambda: import_enterprises(path=source, actor=actor, commit=True))
        assert report.ok and report.created == Enterprise.objects.count(), report.errors[:3]
        result["created"] = report.created
        log("import", seconds)
        seconds, undone = timed(lambda b=report.batch_id: import_rollback(actor=actor, batch_id=b))
        assert undone == report.created and not Enterprise.objects.exists()
        log("rollback", seconds)
        if args.skip_updates:
            continue
        first = import_enterprises(path=source, actor=actor, commit=True)
        seconds, report = timed(lambda: import_enterprises(path=changed, actor=actor, commit=True))
        assert report.ok and report.updated == first.created, (report.updated, report.errors[:3])
        result["updated"] = report.updated
        log("update_import", seconds)
        seconds, undone = timed(lambda b=report.batch_id: import_rollback(actor=actor, batch_id=b))
        assert undone == report.updated
        log("update_rollback", seconds)
    for name, values in runs.items():
        if values:
            result[f"{name}_seconds_each"] = [round(v, 1) for v in values]
            result[f"{name}_seconds"] = round(min(values), 1)
    result["rollback_vs_import"] = round(result["rollback_seconds"] / result["import_seconds"], 2)
    if runs["update_rollback"]:
        result["update_rollback_vs_import"] = round(
            result["update_rollback_seconds"] / result["update_import_seconds"], 2
        )
    result["load_end"] = os.getloadavg()
    return result


def run_phase(db: str, args) -> dict:
    command = [sys.executable, __file__, "--phase", "--db", db, "--rows", str(args.rows)]
    command += ["--seed", str(args.seed), "--repeat", str(args.repeat)]
    if args.skip_updates:
        command.append("--skip-updates")
    print(f"$ {' '.join(command[1:])}", flush=True)
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True)  # nosec B603: fixed arguments
    if completed.returncode:
        return {"db": db, "error": f"exit {completed.returncode}"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def report(results: list[dict]) -> str:
    lines = [
        "| database | rows | import s | rollback s | rollback / import | update import s | its rollback s "
        "| rollback / import | load (1, 5, 15 min) start → end |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['db']} | error: {r['error']} |")
            continue
        start, end = (", ".join(f"{v:.1f}" for v in r[k]) for k in ("load_start", "load_end"))
        load = f"{start} → {end}"
        lines.append(
            f"| {r['db']} | {r['rows']:,} | {r['import_seconds']} | {r['rollback_seconds']} "
            f"| {r['rollback_vs_import']} | {r.get('update_import_seconds', '–')} "
            f"| {r.get('update_rollback_seconds', '–')} | {r.get('update_rollback_vs_import', '–')} "
            f"| {load} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2, help="import and rollback N times each; best of N")
    parser.add_argument("--skip-updates", action="store_true", help="only the import of new records")
    parser.add_argument("--phase", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:  # a child process: one database, JSON on the last stdout line
        generate.setup_django(args.db, DATABASE, fresh=True)
        print(json.dumps(phase(args)))
        return

    results = [run_phase(db, args) for db in (["sqlite", "postgres"] if args.db == "both" else [args.db])]
    text = report(results)
    print(text)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (OUT / f"rollback-{stamp}.json").write_text(json.dumps(results, indent=1))
    (OUT / f"rollback-{stamp}.md").write_text(text)


if __name__ == "__main__":
    main()
