"""Coordination at national scale: a year of meetings, follow-ups and agreements (issue 15).

    .venv/bin/python bench/coordination.py --db sqlite
    .venv/bin/python bench/coordination.py --db postgres --requests 40

Generates, into a fresh bench database (bench/out/sentra_bench_coordination.sqlite3 or PostgreSQL
database sentra_bench_coordination), one national coordination year on the real regions:

- agencies: the ministry, 38 provincial and 514 regency/city industry offices, each with an officer;
- 2 Rakornas (ministry; every province invited, ~600 participants each), 38 provincial Rakor (every
  regency of the province invited, ~150 participants each) and 514 × 4 regency meetings (~25
  participants each): ~2,100 meetings and ~60,000 participants;
- ~5 decisions per meeting and ~50,000 follow-ups owned by the offices below the organiser (or the
  organiser itself), due over the year: done, in progress, open (part of them overdue) and dropped;
- ~5,000 agreements (MoU and PK) with two or three parties each.

Rows are written with bulk_create (the services' rules are tested in the suite; here the shape and
the size matter). Then it times, through Django's test Client with force_login (the whole stack:
middleware, scope, template), each page the issue names, and beside it, alternated request by
request, a **baseline**: the same stack answering a page that reads nothing of its own (the help
page: middleware, session, menu badges, base template). p50/p95 in ms and the ratio p95 / baseline
p95. The goal of the issue: every p95 under 300 ms on SQLite and PostgreSQL. Load average before and
after each page is printed, because the machine is shared. Pages without a URL are skipped and listed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (bench/generate.py)

OUT = generate.OUT_DIR
NAME = "sentra_bench_coordination"
YEAR = 2026
PROVINCE = "33"  # Jawa Tengah: 35 regencies/cities, the province with most meetings below it


def load() -> float:
    return round(os.getloadavg()[0], 2)


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": round(cuts[49] * 1000, 1), "p95": round(cuts[94] * 1000, 1), "n": len(samples)}


# ---------------------------------------------------------------- data


def generate_year(seed: int, *, scale: float = 1.0, log=print) -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from sentra.accounts.models import Profile, Role
    from sentra.agencies.models import Agency, AgencyKind
    from sentra.coordination.choices import (
        AgreementKind,
        AgreementStatus,
        Attendance,
        FollowUpStatus,
        MeetingKind,
        MeetingStatus,
        PartyKind,
    )
    from sentra.coordination.models import (
        Agreement,
        AgreementParty,
        Decision,
        FollowUp,
        Invitation,
        Meeting,
        MeetingSeries,
        Participant,
    )
    from sentra.regions.models import Region

    rng = random.Random(seed)
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    User = get_user_model()

    provinces = list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("code"))
    regencies = list(Region.objects.filter(level=Region.Level.REGENCY).order_by("code"))
    with transaction.atomic():
        ministry = Agency.objects.create(name="Ditjen IKMA Kemenperin", kind=AgencyKind.MINISTRY, region=None)
        province_agencies = Agency.objects.bulk_create(
            Agency(name=f"Disperindag {p.name}", kind=AgencyKind.PROVINCE_INDUSTRY, region=p)
            for p in provinces
        )
        regency_agencies = Agency.objects.bulk_create(
            Agency(name=f"Dinas Perindustrian {r.name}", kind=AgencyKind.REGENCY_INDUSTRY, region=r)
            for r in regencies
        )
    by_province = {a.region_id: a for a in province_agencies}
    below: dict[str, list] = {}
    for agency in regency_agencies:
        below.setdefault(agency.region_id[:2], []).append(agency)

    def when(day: dt.date, hour: int = 9) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, tzinfo=tz)

    def day_of_year() -> dt.date:
        return dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(0, 330))

    def placed(model, agency, **fields):
        record = model(fiscal_year=YEAR, **fields)
        record.place_at_agency(agency)
        return record

    meetings: list = []  # (Meeting, participants wanted, owners of its follow-ups)
    series = MeetingSeries.objects.create(
        name="Rakornas Dekon Ditjen IKMA (bench)", kind=MeetingKind.RAKORNAS, organiser=ministry
    )
    for edition, month in ((1, 3), (2, 9)):
        host = rng.choice(provinces)
        start = dt.date(YEAR, month, 10)
        meeting = placed(
            Meeting,
            ministry,
            kind=MeetingKind.RAKORNAS,
            title=f"Rakornas Dekonsentrasi {YEAR} edisi {edition}",
            host_region=host,
            venue=f"Hotel di {host.name}",
            starts_at=when(start),
            ends_at=when(start + dt.timedelta(days=2), 16),
            series=series,
            edition=edition,
            status=MeetingStatus.HELD if start < today else MeetingStatus.PLANNED,
        )
        meetings.append((meeting, int(600 * scale), province_agencies, province_agencies))
    for province in provinces:
        agency = by_province[province.code]
        start = day_of_year()
        meeting = placed(
            Meeting,
            agency,
            kind=MeetingKind.RAKOR_PROGRAMME,
            title=f"Rakor Program IKM {province.name} {YEAR}",
            host_region=province,
            starts_at=when(start),
            ends_at=when(start + dt.timedelta(days=1), 16),
            status=MeetingStatus.HELD if start < today else MeetingStatus.PLANNED,
        )
        regs = below.get(province.code, [])
        meetings.append((meeting, int(150 * scale), regs, regs or [agency]))
    kinds = [
        MeetingKind.RAKOR_DIPA,
        MeetingKind.RAKOR_PROGRAMME,
        MeetingKind.FORUM_SKPD,
        MeetingKind.FIELD_VISIT,
    ]
    for agency in regency_agencies:
        for quarter, kind in enumerate(kinds):
            start = dt.date(YEAR, 1 + quarter * 3, 1) + dt.timedelta(days=rng.randrange(0, 80))
            meeting = placed(
                Meeting,
                agency,
                kind=kind,
                title=f"{kind.label} {agency.region.name} triwulan {quarter + 1}",
                host_region_id=agency.region_id,
                starts_at=when(start),
                ends_at=when(start, 15),
                status=MeetingStatus.HELD if start < today else MeetingStatus.PLANNED,
            )
            meetings.append((meeting, int(25 * scale), [], [agency]))
    with transaction.atomic():
        Meeting.objects.bulk_create([m for m, *_ in meetings], batch_size=2000)
        Invitation.objects.bulk_create(
            [Invitation(meeting=m, agency=a) for m, _, invited, _ in meetings for a in invited],
            batch_size=5000,
        )
    log(f"  {len(meetings):,} meetings")

    first = ["Budi", "Siti", "Agus", "Dewi", "Rina", "Yohanes", "Made", "Nur", "Andi", "Maria"]
    last = ["Santoso", "Rahmawati", "Wibowo", "Lestari", "Pratama", "Hasibuan", "Ndun", "Saputra"]
    attendance = [Attendance.PRESENT] * 7 + [Attendance.ONLINE] * 2 + [Attendance.ABSENT]
    participants, decisions = [], []
    for meeting, wanted, invited, _owners in meetings:
        pool = invited or [meeting.agency]
        for i in range(wanted):
            participants.append(
                Participant(
                    meeting=meeting,
                    name=f"{rng.choice(first)} {rng.choice(last)} {i}",
                    position="Kepala Bidang IKM",
                    agency=pool[i % len(pool)],
                    attendance=rng.choice(attendance)
                    if meeting.status != MeetingStatus.PLANNED
                    else "unknown",
                )
            )
        for number in range(1, 6):
            decisions.append(
                Decision(meeting=meeting, number=number, text=f"Kesimpulan {number}: {meeting.title}")
            )
    with transaction.atomic():
        Participant.objects.bulk_create(participants, batch_size=5000)
        Decision.objects.bulk_create(decisions, batch_size=5000)
    log(f"  {len(participants):,} participants, {len(decisions):,} decisions")

    statuses = (
        [FollowUpStatus.DONE] * 9
        + [FollowUpStatus.IN_PROGRESS] * 4
        + [FollowUpStatus.OPEN] * 6
        + [FollowUpStatus.DROPPED]
    )
    follow_ups = []
    decisions_of: dict[int, list] = {}
    for decision in decisions:
        decisions_of.setdefault(decision.meeting_id, []).append(decision)
    per_meeting = {"rakornas": int(1500 * scale), "province": int(120 * scale), "regency": int(20 * scale)}
    for meeting, _wanted, _invited, owners in meetings:
        size = (
            per_meeting["rakornas"]
            if meeting.kind == MeetingKind.RAKORNAS
            else per_meeting["province"]
            if meeting.agency.kind == AgencyKind.PROVINCE_INDUSTRY
            else per_meeting["regency"]
        )
        start = meeting.starts_at.date()
        for i in range(size):
            status = rng.choice(statuses)
            due = start + dt.timedelta(days=rng.randrange(14, 150))
            follow_ups.append(
                placed(
                    FollowUp,
                    owners[i % len(owners)],
                    meeting=meeting,
                    decision=rng.choice(decisions_of[meeting.pk]),
                    description=f"Tindak lanjut {i + 1} dari {meeting.title}",
                    due_on=due,
                    status=status,
                    drop_reason="Anggaran dialihkan" if status == FollowUpStatus.DROPPED else "",
                    completed_on=min(due, today) if status == FollowUpStatus.DONE else None,
                )
            )
    with transaction.atomic():
        FollowUp.objects.bulk_create(follow_ups, batch_size=5000)
    log(f"  {len(follow_ups):,} follow-ups")

    agreements, parties = [], []
    for i in range(int(5000 * scale)):
        agency = regency_agencies[i % len(regency_agencies)]
        start = dt.date(YEAR - rng.randrange(0, 4), rng.randrange(1, 13), 1)
        kind = AgreementKind.MOU if i % 5 == 0 else AgreementKind.PK
        agreement = placed(
            Agreement,
            agency,
            kind=kind,
            title=f"Kerja sama pengembangan IKM {agency.region.name} {i}",
            signed_on=start,
            valid_from=start,
            valid_until=start + dt.timedelta(days=365 * rng.choice((1, 2, 3, 5))),
            status=AgreementStatus.ACTIVE,
        )
        agreement.fiscal_year = start.year
        agreements.append(agreement)
    with transaction.atomic():
        Agreement.objects.bulk_create(agreements, batch_size=5000)
        for i, agreement in enumerate(agreements):
            parties.append(
                AgreementParty(
                    agreement=agreement,
                    kind=PartyKind.AGENCY,
                    name=agreement.agency.name,
                    agency=agreement.agency,
                    document_number=f"500/{i}/DISPERIN",
                )
            )
            parties.append(
                AgreementParty(
                    agreement=agreement,
                    kind=PartyKind.COMPANY,
                    name=f"PT Mitra Usaha {i}",
                    document_number=f"PKS/{i}/MU",
                )
            )
        AgreementParty.objects.bulk_create(parties, batch_size=5000)
    log(f"  {len(agreements):,} agreements, {len(parties):,} parties")

    users = {}
    for key, role, agency in (
        ("ministry", Role.MINISTRY_ADMIN, ministry),
        ("province", Role.PROVINCE_OFFICER, by_province[PROVINCE]),
        # The regency office owning most pending follow-ups: the longest home-page list.
        (
            "regency",
            Role.REGENCY_OFFICER,
            max(below[PROVINCE], key=lambda a: sum(1 for f in follow_ups if f.agency_id == a.pk)),
        ),
    ):
        user = User.objects.create(username=f"bench_{key}")
        Profile.objects.create(user=user, role=role, agency=agency, region_id=agency.region_id)
        users[key] = user.pk
    return {
        "meetings": len(meetings),
        "participants": len(participants),
        "decisions": len(decisions),
        "follow_ups": len(follow_ups),
        "agreements": len(agreements),
        "users": users,
    }


# ---------------------------------------------------------------- timing


def url_or_none(name: str, *args, query: str = "") -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def feed_url(user) -> str:
    """The user's secret iCal address, made through the calendar's service."""
    from sentra.accounts.scope import actor_for_user
    from sentra.coordination.services import calendar_feed_create

    return url_or_none("web:calendar_feed", calendar_feed_create(actor=actor_for_user(user)).token)


def measure(args) -> dict:
    generate.setup_django(args.db, NAME, fresh=not args.reuse)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from sentra.coordination.models import FollowUp

    meta_path = OUT / f"{NAME}-{args.db}.json"
    if args.reuse and meta_path.exists() and FollowUp.objects.exists():
        counts = json.loads(meta_path.read_text())
    else:
        print(f"generating a national coordination year ({args.db}) …", flush=True)
        started = time.perf_counter()
        counts = generate_year(args.seed, scale=args.scale)
        counts["generate_seconds"] = round(time.perf_counter() - started, 1)
        meta_path.write_text(json.dumps(counts))
        generate.analyze()
    print({k: v for k, v in counts.items() if k != "users"}, flush=True)

    User = get_user_model()
    clients = {}
    for key, pk in counts["users"].items():
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(pk=pk))
        clients[key] = client
    month = f"?bulan={YEAR}-11"
    pages = [
        ("follow-up dashboard, national", "ministry", url_or_none("web:follow_up_dashboard")),
        (
            "follow-up dashboard, province 33",
            "ministry",
            url_or_none("web:follow_up_dashboard", query="?region=33"),
        ),
        ("follow-up dashboard, as province 33", "province", url_or_none("web:follow_up_dashboard")),
        ("home page with overdue list, regency", "regency", url_or_none("web:dashboard")),
        ("home page, province", "province", url_or_none("web:dashboard")),
        ("calendar month, national", "ministry", url_or_none("web:calendar_month", query=month)),
        ("calendar month, province 33", "province", url_or_none("web:calendar_month", query=month)),
        (
            "follow-up list, overdue, province",
            "province",
            url_or_none("web:follow_up_list", query="?overdue=1"),
        ),
        ("meeting list, national", "ministry", url_or_none("web:meeting_list")),
        (
            "agreement list, expiring 90 days",
            "ministry",
            url_or_none("web:agreement_list", query="?expiring=90"),
        ),
        ("API follow-ups overdue, regency", "regency", "/api/v1/follow-ups?overdue=true"),
        ("API calendar.ics, province", "province", "/api/v1/calendar.ics"),
    ]
    for key in ("province", "regency"):
        url = feed_url(User.objects.get(pk=counts["users"][key]))
        pages.append((f"iCal feed (secret URL), {key}", None, url))
    baseline_url = url_or_none("web:help")  # the stack and the menu, no query of its own
    results, skipped = [], []
    for label, who, url in pages:
        if not url:
            skipped.append(label)
            continue
        client = clients[who] if who else Client(HTTP_HOST="localhost")
        base_client = clients[who or "province"]
        first = client.get(url)
        if first.status_code != 200:
            skipped.append(f"{label} (HTTP {first.status_code})")
            continue
        samples, base = [], []
        before = load()
        for _ in range(5):
            client.get(url)
            base_client.get(baseline_url)
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - started)
            started = time.perf_counter()
            base_client.get(baseline_url)
            base.append(time.perf_counter() - started)
        page, floor = percentiles(samples), percentiles(base)
        results.append(
            {
                "page": label,
                "url": url if who else "(secret feed URL)",
                **page,
                "baseline_p95": floor["p95"],
                "ratio_p95": round(page["p95"] / floor["p95"], 2) if floor["p95"] else None,
                "load_before": before,
                "load_after": load(),
            }
        )
        print(
            f"  {label}: p50 {page['p50']} ms, p95 {page['p95']} ms (baseline p95 {floor['p95']} ms)",
            flush=True,
        )
    return {
        "db": args.db,
        "counts": {k: v for k, v in counts.items() if k != "users"},
        "pages": results,
        "skipped": skipped,
    }


def report(result: dict) -> str:
    lines = [
        f"### {result['db']}",
        "",
        "| page | p50 ms | p95 ms | baseline p95 ms | p95 / baseline | load before → after |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in result["pages"]:
        lines.append(
            f"| {row['page']} | {row['p50']} | {row['p95']} | {row['baseline_p95']} | "
            f"{row['ratio_p95']} | {row['load_before']} → {row['load_after']} |"
        )
    if result["skipped"]:
        lines.append("")
        lines.append("Skipped: " + "; ".join(result["skipped"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fraction of the national sizes (smoke runs)"
    )
    parser.add_argument("--reuse", action="store_true", help="reuse the generated database of an earlier run")
    args = parser.parse_args(argv)
    result = measure(args)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    (OUT / f"coordination-{args.db}-{stamp}.json").write_text(json.dumps(result, indent=2))
    print()
    print(report(result))


if __name__ == "__main__":
    main()
