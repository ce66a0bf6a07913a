"""Realisation import benchmark: the validated import against the raw bulk insert of the same rows.

For each database (SQLite, PostgreSQL), in its own process and a fresh database:

1. generates a national fiscal year: 1 ministry agency + one agency per province (38) + one per
   regency/city (514), each with one programme of --activities activities (≈ 11,000 in all), one
   DIPA per agency (APBN for the ministry, dekonsentrasi for provinces, tugas pembantuan for
   regencies) and one pagu line per activity;
2. writes a realisation file of --rows rows (activity × month, January onwards, each activity's
   months within its pagu) in the import template's format, with the kode_satker column (activity
   codes repeat across agencies, as they do in real plans);
3. (a) raw: Realisation.objects.bulk_create of the same rows as prepared model instances (ids of
   activities and agencies already known, no validation), batch_size=2000, one transaction;
   (b) import: sentra.programmes.imports.import_realisation(commit=True) — the function behind
   `sentra import realisation FILE --commit --as USER` — as a ministry administrator: the file
   read once, every check, the audit batch and one AuditEvent per row;
   both into an empty realisation table, and prints raw_time / import_time (goal ≥ 0.50).

    .venv/bin/python bench/realisation_import.py                       # both databases, 100,000 rows
    .venv/bin/python bench/realisation_import.py --db sqlite --quick   # smoke test: 10,000 rows
    .venv/bin/python bench/realisation_import.py --format xlsx         # the same through an .xlsx file
    .venv/bin/python bench/realisation_import.py --format xlsx --reader openpyxl   # without calamine
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (bench/generate.py)

OUT = generate.OUT_DIR
# SENTRA_BENCH_DB names another database, so that two checkouts can be measured side by side.
DB_NAME = os.environ.get("SENTRA_BENCH_DB", "sentra_benchimp")
YEAR = 2026
HEADER = [
    "kode_satker",
    "tahun_anggaran",
    "kode_kegiatan",
    "bulan",
    "realisasi_rp",
    "progres_fisik",
    "capaian_keluaran",
    "kendala",
]
PAGU = 1_200_000_000


# ---------------------------------------------------------------- data


def national_year(activities_per_agency: int) -> list[tuple[int, int, str, str, str, str]]:
    """Agencies, programmes, activities, DIPA and pagu; returns the activities as
    (activity id, agency id, code, region id, province code, regency code)."""
    from django.contrib.auth import get_user_model

    from sentra.accounts.models import Profile, Role
    from sentra.agencies.models import Agency, AgencyKind
    from sentra.programmes.models import Activity, BudgetDocument, BudgetLine, Programme
    from sentra.regions.models import Region

    regions = list(
        Region.objects.filter(level__in=[Region.Level.PROVINCE, Region.Level.REGENCY])
        .order_by("code")
        .values_list("code", "level", "name")
    )
    agencies = [Agency(name="Direktorat Jenderal IKMA", kind=AgencyKind.MINISTRY, region_id=None)]
    for code, level, name in regions:
        kind = AgencyKind.PROVINCE_INDUSTRY if level == Region.Level.PROVINCE else AgencyKind.REGENCY_INDUSTRY
        agencies.append(Agency(name=f"Dinas Perindustrian {name} ({code})", kind=kind, region_id=code))
    Agency.objects.bulk_create(agencies, batch_size=1000)
    agencies = list(Agency.objects.order_by("id"))
    user, _ = get_user_model().objects.get_or_create(username="bench-ministry")
    Profile.objects.get_or_create(user=user, defaults={"role": Role.MINISTRY_ADMIN, "agency": agencies[0]})

    def placed(model, agency, **fields):
        code = agency.region_id or ""
        return model(
            agency=agency,
            fiscal_year=YEAR,
            region_id=code or None,
            province_code=code[:2],
            regency_code=code[:5] if len(code) >= 5 else "",
            **fields,
        )

    def source(agency) -> str:
        return {"ministry": "apbn", "province_industry": "dekon"}.get(agency.kind, "tp")

    Programme.objects.bulk_create(
        [
            placed(Programme, a, code="019.05.WA", name="Program Nilai Tambah dan Daya Saing Industri")
            for a in agencies
        ],
        batch_size=1000,
    )
    programmes = {p.agency_id: p for p in Programme.objects.all()}
    activities = [
        placed(
            Activity,
            a,
            programme=programmes[a.pk],
            code=f"5305.{n:03d}",
            name=f"Bimtek dan fasilitasi IKM {n}",
            kind="training",
            funding_source=source(a),
        )
        for a in agencies
        for n in range(1, activities_per_agency + 1)
    ]
    Activity.objects.bulk_create(activities, batch_size=1000)
    BudgetDocument.objects.bulk_create(
        [
            placed(
                BudgetDocument,
                a,
                kind=source(a),
                number=f"SP DIPA-019.05.{a.pk:06d}/{YEAR}",
                issued_on=f"{YEAR - 1}-12-05",
            )
            for a in agencies
        ],
        batch_size=1000,
    )
    documents = {d.agency_id: d.pk for d in BudgetDocument.objects.all()}
    rows = list(
        Activity.objects.order_by("id").values_list(
            "id", "agency_id", "code", "region_id", "province_code", "regency_code"
        )
    )
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(document_id=documents[agency_id], activity_id=pk, account_group="52", amount=PAGU)
            for pk, agency_id, *_rest in rows
        ],
        batch_size=2000,
    )
    return rows


def file_rows(activities, rows: int, seed: int):
    """(agency id, year, code, month, amount, progress, output, obstacles) for `rows` (activity, month)
    pairs: every activity's January, then every activity's February, …"""
    rng = random.Random(seed)
    count = 0
    for month in range(1, 13):
        for _pk, agency_id, code, *_rest in activities:
            if count == rows:
                return
            amount = rng.randrange(1, PAGU // 12 // 1000) * 1000
            progress = f"{min(100, month * 8 + rng.random() * 4):.2f}"
            obstacles = "" if rng.random() < 0.8 else "Pengadaan bahan baku terlambat"
            yield (agency_id, YEAR, code, month, amount, progress, month * 2, obstacles)
            count += 1
    raise SystemExit(f"only {count} (activity, month) pairs for {rows} rows; raise --activities")


def write_file(path: Path, data: list[tuple]) -> None:
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Data")
        sheet.append(HEADER)
        for row in data:
            sheet.append(list(row))
        book.save(path)
        return
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(data)


def empty_realisation() -> None:
    from django.db import connection

    tables = ["audit_auditevent", "audit_auditbatch", "programmes_realisation"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


# ---------------------------------------------------------------- the measured phase


def phase(args) -> dict:
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from sentra.accounts.scope import Channel, actor_for_user
    from sentra.programmes.imports import import_realisation
    from sentra.programmes.models import Realisation

    if args.reader == "openpyxl":  # every XLSX read by openpyxl, as before python-calamine
        from sentra.core import imports

        imports._open_fast_sheet = lambda path: None

    started = time.perf_counter()
    activities = national_year(args.activities)
    setup_seconds = time.perf_counter() - started
    data = list(file_rows(activities, args.rows, args.seed))
    path = OUT / f"realisasi-{args.rows}.{args.format}"
    started = time.perf_counter()
    write_file(path, data)
    write_seconds = time.perf_counter() - started
    by_key = {(agency_id, code): rest for _pk, agency_id, code, *rest in activities}
    ids = {(agency_id, code): pk for pk, agency_id, code, *_rest in activities}

    def prepared() -> list[Realisation]:
        objects = []
        for agency_id, year, code, month, amount, progress, output, obstacles in data:
            region, province, regency = by_key[(agency_id, code)]
            objects.append(
                Realisation(
                    activity_id=ids[(agency_id, code)],
                    agency_id=agency_id,
                    fiscal_year=year,
                    region_id=region,
                    province_code=province,
                    regency_code=regency,
                    month=month,
                    amount=amount,
                    physical_progress=Decimal(progress),
                    output_achieved=Decimal(output),
                    obstacles=obstacles,
                )
            )
        return objects

    user = get_user_model().objects.get(username="bench-ministry")
    actor = actor_for_user(user, channel=Channel.IMPORT)
    result = {
        "db": connection.vendor,
        "rows": args.rows,
        "format": args.format,
        "reader": args.reader if args.format == "xlsx" else "",
        "activities": len(activities),
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "setup_seconds": round(setup_seconds, 1),
        "file_write_seconds": round(write_seconds, 1),
    }

    # Other work on the machine makes single timings noisy: --repeat alternating runs of (b) then (a),
    # each into an empty table, keeping every time and reporting the best of each.
    from sentra.audit.models import AuditEvent

    import_times, raw_times = [], []
    for _run in range(args.repeat):
        # (b) the import, as `sentra import realisation FILE --commit --as bench-ministry` runs it
        empty_realisation()
        started = time.perf_counter()
        report = import_realisation(path=path, actor=actor, commit=True, description=path.name)
        import_times.append(time.perf_counter() - started)
        if not report.ok:
            raise SystemExit(f"import refused the file: {report.errors[:5]}")
        result["imported"] = Realisation.objects.count()
        result["audit_events"] = AuditEvent.objects.count()

        # (a) raw: bulk_create of prepared objects, no validation, into the same empty table
        empty_realisation()
        objects = prepared()
        started = time.perf_counter()
        with transaction.atomic():
            Realisation.objects.bulk_create(objects, batch_size=2000)
        raw_times.append(time.perf_counter() - started)
        print(f"run {_run + 1}: import {import_times[-1]:.2f} s, raw {raw_times[-1]:.2f} s", file=sys.stderr)
    import_seconds, raw_seconds = min(import_times), min(raw_times)
    result["import_runs"] = [round(t, 2) for t in import_times]
    result["raw_runs"] = [round(t, 2) for t in raw_times]
    result["import_seconds"] = round(import_seconds, 2)
    result["import_rows_per_s"] = round(args.rows / import_seconds)
    result["raw_seconds"] = round(raw_seconds, 2)
    result["raw_rows_per_s"] = round(args.rows / raw_seconds)
    result["ratio_raw_over_import"] = round(raw_seconds / import_seconds, 2)
    result["ratio_per_run"] = [round(r / i, 2) for r, i in zip(raw_times, import_times, strict=True)]
    result["goal_met"] = raw_seconds / import_seconds >= 0.5
    return result


# ---------------------------------------------------------------- orchestration


def run(db: str, args) -> dict:
    command = [sys.executable, __file__, "--phase", "--db", db, "--rows", str(args.rows)]
    command += ["--activities", str(args.activities), "--seed", str(args.seed), "--format", args.format]
    command += ["--repeat", str(args.repeat), "--reader", args.reader]
    print(f"$ {' '.join(command[1:])}", file=sys.stderr, flush=True)
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if completed.returncode:
        return {"db": db, "error": f"exit {completed.returncode}"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def report(results: list[dict]) -> str:
    lines = [
        "| database | rows | file | activities | import s (rows/s) | raw bulk_create s (rows/s) "
        "| raw/import |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['db']} | error: {r['error']} | | | | | |")
            continue
        lines.append(
            f"| {r['db']} | {r['rows']:,} | {r['format']} {r.get('reader', '')} {r['file_mb']} MB "
            f"| {r['activities']:,} "
            f"| {r['import_seconds']} ({r['import_rows_per_s']:,}) "
            f"| {r['raw_seconds']} ({r['raw_rows_per_s']:,}) "
            f"| **{r['ratio_raw_over_import']}** |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, default=100_000, help="realisation rows in the file")
    parser.add_argument("--activities", type=int, default=20, help="activities per agency (553 agencies)")
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument(
        "--reader",
        choices=["default", "openpyxl"],
        default="default",
        help="XLSX: the import's reader (python-calamine when it can) or openpyxl for every file",
    )
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs of each; best of each kept")
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 10,000 rows, 2 activities per agency"
    )
    parser.add_argument("--phase", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.activities, args.repeat = 10_000, 2, 1

    if args.phase:  # a child process: one database, JSON on the last stdout line
        generate.setup_django(args.db, DB_NAME, fresh=True)
        print(json.dumps(phase(args)))
        return

    results = [run(db, args) for db in (["sqlite", "postgres"] if args.db == "both" else [args.db])]
    text = report(results)
    print(text)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    OUT.mkdir(exist_ok=True)
    (OUT / f"realisation-import-{stamp}.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
