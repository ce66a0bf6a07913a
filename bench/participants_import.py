"""Attendance-list import benchmark (issue 15 quality bar: 1,000 participants under 5 s).

For each database (SQLite, PostgreSQL), in its own process and a fresh database:

1. one national Rakernas organised by the ministry, with the industry office of every province
   and regency/city (552 agencies, as bench/realisation_import.py makes them) invited;
2. an attendance list of --rows people as a secretariat types it (sentra/coordination/tests/
   conftest.py): XLSX with two title rows, the header over two rows with merged cells (Kontak over
   HP and E-mail), a row of column numbers, names and positions in one cell ("Nama / Jabatan" or on
   two lines), attendance written as H, ✓, hadir, zoom, online, diwakilkan, izin; 1 % of the people
   listed twice, 3 % from organisations Sentra does not know (walk-ins), a blank row every 50;
3. `sentra.core.import_kinds.import_file(kind="participants", target=meeting, commit=True)` — what
   `sentra import participants FILE --meeting ID --commit --as USER` runs — as the ministry's
   administrator, into a meeting without participants: every check, the audit batch and one event
   per participant. The dry run is timed too. Best of --repeat runs of each.

    .venv/bin/python bench/participants_import.py                    # both databases, 1,000 and 5,000
    .venv/bin/python bench/participants_import.py --db sqlite --rows 1000 --repeat 1   # smoke test

PostgreSQL: the database `sentra_imp` (SENTRA_BENCH_DB), recreated by every run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import generate  # noqa: E402  (bench/generate.py)

OUT = generate.OUT_DIR
DB_NAME = os.environ.get("SENTRA_BENCH_DB", "sentra_imp")
GOAL_SECONDS = 5.0
WRITTEN_ATTENDANCE = ["H", "✓", "hadir", "Hadir", "zoom", "online", "daring", "izin", "tidak hadir"]
POSITIONS = ["Kepala Dinas", "Kepala Bidang Perindustrian", "Kepala Seksi IKM", "Staf", "Pendamping IKM"]
UNKNOWN_ORGANISATIONS = ["Bank NTT", "Universitas Nusa Cendana", "Kadin Provinsi", "PT Sarana Kriya"]


def national_meeting():
    """The ministry, an industry office per province and regency/city, one Rakernas inviting them all;
    returns (meeting, organiser user, agency names)."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from sentra.accounts.models import Profile, Role
    from sentra.agencies.models import Agency, AgencyKind
    from sentra.coordination.models import Invitation, Meeting
    from sentra.regions.models import Region

    regions = Region.objects.filter(level__in=[Region.Level.PROVINCE, Region.Level.REGENCY]).order_by("code")
    agencies = [Agency(name="Direktorat Jenderal IKMA", kind=AgencyKind.MINISTRY, region_id=None)]
    for code, level, name in regions.values_list("code", "level", "name"):
        kind = AgencyKind.PROVINCE_INDUSTRY if level == Region.Level.PROVINCE else AgencyKind.REGENCY_INDUSTRY
        agencies.append(Agency(name=f"Dinas Perindustrian {name} ({code})", kind=kind, region_id=code))
    Agency.objects.bulk_create(agencies, batch_size=1000)
    ministry, *offices = list(Agency.objects.order_by("id"))
    user, _ = get_user_model().objects.get_or_create(username="bench-ministry")
    Profile.objects.get_or_create(user=user, defaults={"role": Role.MINISTRY_ADMIN, "agency": ministry})
    wib = dt.timezone(dt.timedelta(hours=7))
    meeting = Meeting(
        kind="rakernas",
        title="Rakernas Dekranas 2022",
        starts_at=dt.datetime(2022, 9, 20, 9, tzinfo=wib),
        ends_at=dt.datetime(2022, 9, 22, 16, tzinfo=wib),
        fiscal_year=2022,
        mode="hybrid",
        online_link="https://zoom.us/j/123",
    )
    meeting.place_at_agency(ministry)
    meeting.save()
    Invitation.objects.bulk_create([Invitation(meeting=meeting, agency=a) for a in offices], batch_size=1000)
    return meeting, user, [a.name for a in offices]


def attendance_rows(count: int, agencies: list[str], seed: int) -> list[list]:
    rng = random.Random(seed)
    rows, people = [], []
    for n in range(1, count + 1):
        if people and rng.random() < 0.01:  # listed twice
            name, organisation = rng.choice(people)
        else:
            name = f"Peserta {n:05d} {rng.choice(['Santoso', 'Lake', 'Bria', 'Goreti', 'Lay'])}"
            unknown = rng.random() < 0.03
            organisation = rng.choice(UNKNOWN_ORGANISATIONS if unknown else agencies)
            people.append((name, organisation))
        position = rng.choice(POSITIONS)
        cell = f"{name} / {position}" if rng.random() < 0.5 else f"{name}, S.E.\n{position}"
        attendance = rng.choice(WRITTEN_ATTENDANCE)
        represented = ""
        if rng.random() < 0.05:
            attendance, represented = "diwakilkan", f"Wakil {n}"
        rows.append(
            [
                n,
                cell,
                organisation,
                f"0812{n:07d}",
                f"peserta{n}@example.go.id",
                attendance,
                represented,
                None,
            ]
        )
        if n % 50 == 0:
            rows.append([])
    return rows


def write_file(path: Path, rows: list[list]) -> None:
    from sentra.coordination.tests.conftest import attendance_workbook

    attendance_workbook(path, rows)


def phase(args) -> dict:
    from django.db import connection

    from sentra.accounts.scope import Channel, actor_for_user
    from sentra.audit.models import AuditBatch, AuditEvent
    from sentra.coordination.models import Participant
    from sentra.core.import_kinds import import_file

    started = time.perf_counter()
    meeting, user, agencies = national_meeting()
    setup_seconds = time.perf_counter() - started
    actor = actor_for_user(user, channel=Channel.IMPORT)
    results = []
    for rows in args.rows:
        path = OUT / f"daftar-hadir-{rows}.xlsx"
        write_file(path, attendance_rows(rows, agencies, args.seed))
        dry_times, commit_times = [], []
        for _run in range(args.repeat):
            Participant.objects.all().delete()
            AuditEvent.objects.all().delete()
            AuditBatch.objects.all().delete()
            started = time.perf_counter()
            dry = import_file(kind="participants", path=path, actor=actor, target=meeting.pk)
            dry_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            report = import_file(kind="participants", path=path, actor=actor, target=meeting.pk, commit=True)
            commit_times.append(time.perf_counter() - started)
            if not report.committed:
                raise SystemExit(f"import refused the file: {report.errors[:5]}")
            print(
                f"{connection.vendor} {rows}: dry run {dry_times[-1]:.2f} s, commit {commit_times[-1]:.2f} s",
                file=sys.stderr,
            )
        results.append(
            {
                "db": connection.vendor,
                "rows": rows,
                "file_kb": round(path.stat().st_size / 1024),
                "participants": Participant.objects.count(),
                "warnings": dry.warning_count,
                "audit_events": AuditEvent.objects.count(),
                "dry_run_seconds": round(min(dry_times), 2),
                "commit_seconds": round(min(commit_times), 2),
                "dry_runs": [round(t, 2) for t in dry_times],
                "commit_runs": [round(t, 2) for t in commit_times],
                "setup_seconds": round(setup_seconds, 1),
                "goal_met": min(commit_times) < GOAL_SECONDS if rows <= 1000 else None,
            }
        )
    return {"results": results}


def run(db: str, args) -> list[dict]:
    command = [sys.executable, __file__, "--phase", "--db", db, "--seed", str(args.seed)]
    command += ["--repeat", str(args.repeat), "--rows", *map(str, args.rows)]
    print(f"$ {' '.join(command[1:])}", file=sys.stderr, flush=True)
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if completed.returncode:
        return [{"db": db, "error": f"exit {completed.returncode}"}]
    return json.loads(completed.stdout.strip().splitlines()[-1])["results"]


def table(results: list[dict]) -> str:
    lines = [
        "| database | people in the file | participants | warnings | dry run s | commit s (best of runs) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['db']} | error: {r['error']} | | | | |")
            continue
        lines.append(
            f"| {r['db']} | {r['rows']:,} | {r['participants']:,} | {r['warnings']} | {r['dry_run_seconds']} "
            f"| **{r['commit_seconds']}** ({', '.join(map(str, r['commit_runs']))}) |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 5_000], help="people in each file")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    parser.add_argument("--phase", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:  # a child process: one database, JSON on the last stdout line
        generate.setup_django(args.db, DB_NAME, fresh=True)
        print(json.dumps(phase(args)))
        return
    results = [
        r for db in (["sqlite", "postgres"] if args.db == "both" else [args.db]) for r in run(db, args)
    ]
    print(table(results))
    OUT.mkdir(exist_ok=True)
    (OUT / f"participants-import-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(
        json.dumps(results, indent=1)
    )


if __name__ == "__main__":
    main()
