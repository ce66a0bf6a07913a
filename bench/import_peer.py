"""Enterprise import side by side (issue 14 §6): Sentra, django-import-export, a raw insert.

The same N enterprise rows (a CSV in the import template's format, bench/generate.py) go into
Sentra's own enterprise table three ways, each into the emptied table (history too) with every
index and trigger of the schema in place:

  A  Sentra's import engine, the code path of `sentra import enterprises FILE --commit`:
     sentra.registry.imports.import_enterprises(commit=True) — every row validated, looked up,
     written in one transaction with one audit event per row.
  B  django-import-export 4.4.3 (dev dependency): a ModelResource on Sentra's Enterprise model
     (ForeignKeyWidget for KBLI and village, province/regency codes, agency and size class set in
     before_save_instance), `import_data(dry_run=False, use_transactions=True)` on a tablib
     Dataset loaded from the same CSV. Library defaults otherwise (a save and a diff per row).
  C  A raw insert: the CSV parsed with `csv`, the derived columns computed, then plain
     `cursor.executemany` INSERTs of 2,000 rows on Django's connection (same connection settings
     as A) in one transaction; no COPY, no validation, no audit.

The three alternate (A, B, C, A, B, C, …) --repeat times; the best of each counts. The 1-minute
load average is recorded before and after every run. Each database runs in its own process on a
fresh database: SQLite bench/out/sentra_perf_import.sqlite3, PostgreSQL sentra_perf_import.

    nice -n 5 .venv/bin/python bench/import_peer.py --db both --rows 100000 --repeat 3
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
DB_NAME = "sentra_perf_import"
PROVINCE = "33"
RAW_BATCH = 2_000


def load() -> float:
    return round(os.getloadavg()[0], 2)


def empty_enterprises() -> None:
    """Empty enterprise table and history (bench/registry.py's), then the WAL folded back, so that
    every run starts from the same state."""
    import registry  # bench/registry.py
    from django.db import connection

    registry.empty_enterprises()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def enterprise_count() -> int:
    from sentra.registry.models import Enterprise

    return Enterprise.objects.count()


# ---------------------------------------------------------------- A: Sentra


def run_sentra(path: Path, agency, user) -> int:
    from sentra.registry.imports import import_enterprises

    report = import_enterprises(path=path, actor=user, commit=True, agency=agency)
    assert report.ok and report.committed, f"Sentra import failed: {report.errors[:3]}"
    return report.created


# ---------------------------------------------------------------- B: django-import-export


def peer_resource(agency_id: int):
    from import_export import fields, resources, widgets

    from sentra.regions.models import Kbli, Region
    from sentra.registry.models import Enterprise
    from sentra.registry.services import enterprise_size_class

    headers = generate.csv_headers()

    class EnterpriseResource(resources.ModelResource):
        """Sentra's Enterprise model as a django-import-export user would map the template."""

        name = fields.Field(attribute="name", column_name=headers["name"])
        owner_name = fields.Field(attribute="owner_name", column_name=headers["owner_name"])
        nib = fields.Field(attribute="nib", column_name=headers["nib"])
        kbli = fields.Field(
            attribute="kbli", column_name=headers["kbli"], widget=widgets.ForeignKeyWidget(Kbli, "code")
        )
        village = fields.Field(
            attribute="village",
            column_name=headers["village"],
            widget=widgets.ForeignKeyWidget(Region, "code"),
        )
        address = fields.Field(attribute="address", column_name=headers["address"])
        workers = fields.Field(
            attribute="workers", column_name=headers["workers"], widget=widgets.IntegerWidget()
        )
        investment = fields.Field(
            attribute="investment", column_name=headers["investment"], widget=widgets.IntegerWidget()
        )
        year_started = fields.Field(
            attribute="year_started", column_name=headers["year_started"], widget=widgets.IntegerWidget()
        )
        status = fields.Field(attribute="status", column_name=headers["status"])

        class Meta:
            model = Enterprise
            fields = (
                "id", "name", "owner_name", "nib", "kbli", "village", "address", "workers", "investment",
                "year_started", "status",
            )  # fmt: skip

        def before_save_instance(self, instance, row, **kwargs):
            instance.nib = instance.nib or None
            instance.place_in(instance.village_id)
            instance.agency_id = agency_id
            instance.size_class = enterprise_size_class(
                workers=instance.workers, investment=instance.investment
            )

    return EnterpriseResource()


def run_peer(path: Path, agency, user) -> int:
    import tablib

    dataset = tablib.Dataset().load(path.read_text(encoding="utf-8"), format="csv")
    result = peer_resource(agency.pk).import_data(dataset, dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors(), "peer import failed"
    return result.totals["new"]


# ---------------------------------------------------------------- C: raw insert


RAW_COLUMNS = [c for c in generate.ENTERPRISE_COLUMNS if c != "id"]


def raw_rows(path: Path, agency_id: int, now):
    from sentra.registry.services import enterprise_size_class

    headers = generate.csv_headers()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            village = row[headers["village"]]
            workers, investment = int(row[headers["workers"]]), int(row[headers["investment"]])
            size = str(enterprise_size_class(workers=workers, investment=investment))
            yield (
                now, now, village, village[:2], village[:5], agency_id, row[headers["name"]],
                row[headers["owner_name"]], row[headers["nib"]] or None, row[headers["kbli"]],
                row[headers["address"]], None, None, workers, investment, None, "", None,
                int(row[headers["year_started"]]), size, row[headers["status"]],
            )  # fmt: skip


def run_raw(path: Path, agency, user) -> int:
    import itertools

    from django.db import connection, transaction
    from django.utils import timezone

    from sentra.registry.models import Enterprise

    now = Enterprise._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO registry_enterprise ({', '.join(quote(c) for c in RAW_COLUMNS)}) "  # nosec B608
        f"VALUES ({', '.join(['%s'] * len(RAW_COLUMNS))})"
    )
    count = 0
    rows = raw_rows(path, agency.pk, now)
    with transaction.atomic(), connection.cursor() as cursor:
        while chunk := list(itertools.islice(rows, RAW_BATCH)):
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


METHODS = {"sentra": run_sentra, "django-import-export": run_peer, "raw insert": run_raw}


def phase(args) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from sentra.agencies.models import Agency

    csv_path = OUT / f"ikm-{args.rows}-seed{args.seed + 100}.csv"
    if not csv_path.exists():
        generate.write_csv(csv_path, args.rows, args.seed + 100)
    agencies = generate.bench_agencies()
    agency = Agency.objects.get(pk=agencies[PROVINCE])
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'registry_enterprise'")
            indexes = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'registry_enterprise'::regclass "
                "AND NOT tgisinternal"
            )
            triggers = cursor.fetchone()[0]
        else:
            cursor.execute(
                "SELECT sum(type = 'index'), sum(type = 'trigger') FROM sqlite_master "
                "WHERE tbl_name = 'registry_enterprise'"
            )
            indexes, triggers = cursor.fetchone()
    # The peer is ~20-100× slower: with --peer-rows it imports the first N rows of the same file.
    peer_rows = min(args.peer_rows or args.rows, args.rows)
    peer_path = csv_path
    if peer_rows < args.rows:
        peer_path = OUT / f"{csv_path.stem}-first{peer_rows}.csv"
        with csv_path.open(encoding="utf-8") as source, peer_path.open("w", encoding="utf-8") as target:
            for _ in range(peer_rows + 1):
                target.write(source.readline())
    result = {
        "db": args.db,
        "peer_rows": peer_rows,
        "rows": args.rows,
        "repeat": args.repeat,
        "indexes": indexes,
        "triggers": triggers,
        "runs": [],
    }
    only = args.only.split(",") if args.only else list(METHODS)
    for attempt in range(args.repeat):
        for name in only:
            empty_enterprises()
            before = load()
            started = time.perf_counter()
            rows, path = (peer_rows, peer_path) if name == "django-import-export" else (args.rows, csv_path)
            written = METHODS[name](path, agency, user)
            seconds = time.perf_counter() - started
            after = load()
            assert written == rows == enterprise_count(), (name, written, enterprise_count())
            run = {"method": name, "attempt": attempt + 1, "rows": rows, "seconds": round(seconds, 2)}
            run.update(rows_per_s=round(rows / seconds), load_before=before, load_after=after)
            result["runs"].append(run)
            print(json.dumps(run), file=sys.stderr, flush=True)
    best = {}
    for name in only:
        fastest = min((r for r in result["runs"] if r["method"] == name), key=lambda r: r["seconds"])
        best[name] = {
            "rows": fastest["rows"],
            "seconds": fastest["seconds"],
            "rows_per_s": fastest["rows_per_s"],
        }
    result["best"] = best
    if "sentra" in best:
        sentra = best["sentra"]["rows_per_s"]
        if "django-import-export" in best:
            result["sentra_vs_peer"] = round(sentra / best["django-import-export"]["rows_per_s"], 1)
        if "raw insert" in best:
            result["sentra_vs_raw"] = round(sentra / best["raw insert"]["rows_per_s"], 2)
    return result


def report(results: list[dict]) -> str:
    lines = [
        "| database | method | rows | best s | rows/s | every run: s (load before → after) |",
        "|---|---|---:|---:|---:|---|",
    ]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['db']} | error: {r['error']} | | | | |")
            continue
        for name, best in r["best"].items():
            runs = "; ".join(
                f"{x['seconds']} ({x['load_before']} → {x['load_after']})"
                for x in r["runs"]
                if x["method"] == name
            )
            lines.append(
                f"| {r['db']} | {name} | {best['rows']:,} | {best['seconds']} "
                f"| {best['rows_per_s']:,} | {runs} |"
            )
    for r in results:
        if "best" in r:
            lines.append(
                f"\n{r['db']}: {r['rows']:,} rows, {r['indexes']} indexes and {r['triggers']} triggers on "
                f"the table; Sentra ÷ django-import-export = {r.get('sentra_vs_peer')}×, "
                f"Sentra ÷ raw insert = {r.get('sentra_vs_raw')}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--peer-rows", type=int, default=0, help="django-import-export imports only the first N rows"
    )
    parser.add_argument("--db-name", default=DB_NAME, help="bench database (recreated)")
    parser.add_argument("--only", help="comma-separated subset: sentra,django-import-export,raw insert")
    parser.add_argument("--phase", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:  # a child process: one database, JSON on the last stdout line
        generate.setup_django(args.db, args.db_name, fresh=True)
        print(json.dumps(phase(args)))
        return

    results = []
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        command = [sys.executable, __file__, "--phase", "--db", db, "--rows", str(args.rows)]
        command += [
            "--repeat",
            str(args.repeat),
            "--seed",
            str(args.seed),
            "--peer-rows",
            str(args.peer_rows),
        ]
        command += ["--db-name", args.db_name]
        if args.only:
            command += ["--only", args.only]
        print(f"$ {' '.join(command[1:])}", flush=True)
        completed = subprocess.run(command, stdout=subprocess.PIPE, text=True)
        if completed.returncode:
            results.append({"db": db, "error": f"exit {completed.returncode}"})
        else:
            results.append(json.loads(completed.stdout.strip().splitlines()[-1]))
    text = report(results)
    print(text)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (OUT / f"import_peer-{stamp}.json").write_text(json.dumps(results, indent=1))
    (OUT / f"import_peer-{stamp}.md").write_text(text)


if __name__ == "__main__":
    main()
