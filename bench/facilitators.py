"""Field facilitators at national scale: a year of TPL-IKM visits (issue 16).

    .venv/bin/python bench/facilitators.py --db sqlite
    .venv/bin/python bench/facilitators.py --db postgres --requests 30
    .venv/bin/python bench/facilitators.py --db sqlite --rows 200000 --facilitators 300   # smoke run

Generates, into the bench database `sentra_fg_bench` (bench/out/sentra_fg_bench.sqlite3 or the
PostgreSQL database of that name), reused while `bench_meta` says it holds the same sizes:

- the national registry of bench/generate.py (`--rows` enterprises, default 4,400,000, and ~10,500
  centres) on the real regions, for the caseloads and the coverage of centres and enterprises;
- an industry office per regency/city (the facilitators' host Dinas) and `--facilitators` TPL-IKM
  (default 2,700, the issue's figure) placed across the regencies in proportion to their enterprises,
  each with two yearly contracts (a renewal chain; about one in six ending within 60 days), a placement,
  a caseload of 2 centres and 25 enterprises of their regency (never shared);
- `--visits-per-month` visits (default 20) per facilitator for the twelve full months before this one
  and this month so far (~650,000 visits), each at an enterprise of the caseload (one in five also at
  a centre), with the caseload's `last_visit_on` kept as the visit services keep it;
- the monthly reports of the twelve past months (most approved on time, some late, some missing).

Visits and their links are written as raw tuples by the database's fastest path (generate.bulk_load:
executemany on SQLite, COPY on PostgreSQL), the rest with bulk_create: the services' rules are tested
in the suite; here the shape and the size matter. Then, through Django's test Client with force_login
(the whole stack), it measures:

- **sync**: a phone's queue of 200 visits, each with a photo (1600 × 1200 JPEG as the phone app
  downscales them), sent as the phone app sends them: one POST /api/v1/visits with the 200 visits, then
  one POST /api/v1/visits/photos per photo; best of `--sync-repeat` fresh queues, and the replay of the
  same queue (every item answered "existing", nothing written twice). Its baseline, alternated run by
  run: the same 200 visits and photos written straight to the tables and the media storage
  (bulk_create + storage.save, no checks), the least any sync must do;
- **pages**: the coverage page national, per province (33, Jawa Tengah: the most facilitators) and as
  the province's officer, its API, the monthly report of one facilitator (page and PDF) and the lists a
  supervisor opens; p50/p95 over `--requests` requests, each alternated with a **baseline** request (the
  help page: middleware, session, menu, base template, no query of its own), and p95 / baseline p95.
  The goal of the issue: every p95 under 300 ms on SQLite and PostgreSQL.

The 1-minute load average is printed before and after every measure, because the machine is shared.
Pages whose URL does not exist (yet) are skipped and listed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (bench/generate.py)

OUT = generate.OUT_DIR
NAME = "sentra_fg_bench"
PROVINCE = "33"  # Jawa Tengah
CENTRES_EACH = 2
ENTERPRISES_EACH = 25
SYNC_BATCH = 200


def load() -> float:
    return round(os.getloadavg()[0], 2)


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": round(cuts[49] * 1000, 1), "p95": round(cuts[94] * 1000, 1), "n": len(samples)}


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


# ---------------------------------------------------------------- data


def meta_get(key: str) -> str | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (key varchar(50) PRIMARY KEY, value text)")
        cursor.execute("SELECT value FROM bench_meta WHERE key = %s", [key])
        row = cursor.fetchone()
    return row[0] if row else None


def meta_set(key: str, value: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_meta WHERE key = %s", [key])
        cursor.execute("INSERT INTO bench_meta VALUES (%s, %s)", [key, value])


class Raw:
    """Values as the database's bulk path wants them (what Django would write for the field)."""

    def __init__(self, vendor: str):
        self.sqlite = vendor == "sqlite"

    def moment(self, value: dt.datetime) -> str:
        utc = value.astimezone(dt.UTC).replace(tzinfo=None)
        return utc.isoformat(" ", timespec="seconds") + ("" if self.sqlite else "+00")

    def uuid(self, value: uuid.UUID) -> str:
        return value.hex if self.sqlite else str(value)


def empty_facilitators() -> None:
    from django.db import connection

    from sentra.facilitators import models

    tables = [
        models.VisitPhoto,
        models.VisitAction,
        models.VisitCentre,
        models.VisitEnterprise,
        models.EnterpriseProposal,
        models.MonthlyReport,
        models.Visit,
        models.Assignment,
        models.Contract,
        models.Placement,
        models.Facilitator,
    ]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE facilitators_contract SET previous_id = NULL")
        for model in tables:
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
        for model in tables:
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
        cursor.execute("DELETE FROM bench_meta WHERE key = 'facilitators'")


def generate_facilitators(args, *, log=print) -> dict:
    """`args.facilitators` TPL-IKM with contracts, placements, caseloads, a year of visits, reports."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from sentra.accounts.models import Profile, Role
    from sentra.agencies.models import Agency, AgencyKind
    from sentra.facilitators.choices import VisitKind
    from sentra.facilitators.demo import contract_number, regency_points
    from sentra.facilitators.models import (
        Assignment,
        Contract,
        Facilitator,
        MonthlyReport,
        Placement,
        Visit,
        VisitCentre,
        VisitEnterprise,
    )
    from sentra.regions.models import Region
    from sentra.registry.models import Centre, Enterprise

    started = time.perf_counter()
    rng = random.Random(args.seed)
    raw = Raw(connection.vendor)
    today = timezone.localdate()
    User = get_user_model()
    empty_facilitators()

    names = dict(Region.objects.filter(level=Region.Level.REGENCY).values_list("code", "name"))
    weights = dict(
        Enterprise.objects.values_list("regency_code")
        .annotate(n=Count("pk"))
        .values_list("regency_code", "n")
    )
    regencies = sorted(names)
    with transaction.atomic():
        have = dict(
            Agency.objects.filter(kind=AgencyKind.REGENCY_INDUSTRY, region_id__in=regencies)
            .order_by("-pk")
            .values_list("region_id", "pk")
        )
        new = Agency.objects.bulk_create(
            Agency(name=f"Dinas Perindustrian {names[c]}", kind=AgencyKind.REGENCY_INDUSTRY, region_id=c)
            for c in regencies
            if c not in have
        )
        have.update({a.region_id: a.pk for a in new})
    homes = rng.choices(regencies, weights=[weights.get(c, 0) + 200 for c in regencies], k=args.facilitators)
    homes.sort()

    first_name = ["Budi", "Siti", "Agus", "Dewi", "Rina", "Yohanes", "Made", "Nur", "Andi", "Maria"]
    last_name = ["Santoso", "Rahmawati", "Wibowo", "Lestari", "Pratama", "Hasibuan", "Ndun", "Saputra"]
    facilitators = []
    for i, home in enumerate(homes):
        f = Facilitator(
            name=f"{rng.choice(first_name)} {rng.choice(last_name)} {i}",
            sex=rng.choice("mf"),
            cohort=rng.randint(2012, 2019),
            polytechnic=rng.choice(["sttt_bandung", "atk_yogyakarta", "ati_padang", "atim_makassar"]),
            home_region_id=home,
            agency_id=have[home],
        )
        f.place_at(home)
        facilitators.append(f)
    with transaction.atomic():
        Facilitator.objects.bulk_create(facilitators, batch_size=2000)
        firsts, renewals, placements, start_of = [], [], [], {}
        for i, f in enumerate(facilitators):
            # Anniversaries spread over the year: the current contract ends within 60 days for ~1/6.
            start = add_months(today.replace(day=1), -rng.randint(12, 23))
            start_of[f.pk] = start
            for year_no, wave in ((1, firsts), (2, renewals)):
                begin = add_months(start, 12 * (year_no - 1))
                contract = Contract(
                    facilitator=f,
                    number=contract_number(i + 1, f.province_code, year_no, begin.month, begin.year),
                    signed_on=begin - dt.timedelta(days=7),
                    contract_year=year_no,
                    period_start=begin,
                    period_end=add_months(begin, 12) - dt.timedelta(days=1),
                    honorarium=Decimal(3_500_000),
                    operating_costs=Decimal(750_000),
                )
                contract.place_at(f.regency_code)
                wave.append(contract)
            placement = Placement(
                facilitator=f, region_id=f.regency_code, host_agency_id=f.agency_id, starts_on=start
            )
            placement.place_at(f.regency_code)
            placements.append(placement)
        Contract.objects.bulk_create(firsts, batch_size=2000)
        for first, renewal in zip(firsts, renewals, strict=True):
            renewal.previous = first
        Contract.objects.bulk_create(renewals, batch_size=2000)
        Placement.objects.bulk_create(placements, batch_size=2000)
    log(
        f"  {len(facilitators):,} facilitators, {len(firsts) * 2:,} contracts "
        f"({time.perf_counter() - started:.0f} s)"
    )

    # Caseloads: the first centres and enterprises of each regency (by the regency+name index).
    by_regency: dict[str, list] = {}
    for f in facilitators:
        by_regency.setdefault(f.regency_code, []).append(f)
    assignments, caseload = [], {}
    for code, people in by_regency.items():
        centres = list(
            Centre.objects.filter(regency_code=code)
            .order_by("name", "pk")
            .values_list("pk", "village_id")[: CENTRES_EACH * len(people)]
        )
        enterprises = list(
            Enterprise.objects.filter(regency_code=code)
            .order_by("name", "pk")
            .values_list("pk", "village_id")[: ENTERPRISES_EACH * len(people)]
        )
        for n, f in enumerate(people):
            own = []
            for pk, village in centres[n * CENTRES_EACH : (n + 1) * CENTRES_EACH]:
                a = Assignment(facilitator=f, centre_id=pk, starts_on=start_of[f.pk])
                own.append((a, village))
            for pk, village in enterprises[n * ENTERPRISES_EACH : (n + 1) * ENTERPRISES_EACH]:
                a = Assignment(facilitator=f, enterprise_id=pk, starts_on=start_of[f.pk])
                own.append((a, village))
            for a, _ in own:
                a.place_at(code)
            assignments.extend(a for a, _ in own)
            caseload[f.pk] = own
    with transaction.atomic():
        Assignment.objects.bulk_create(assignments, batch_size=5000)
    log(f"  {len(assignments):,} caseload entries ({time.perf_counter() - started:.0f} s)")

    # A year of visits, as raw rows with explicit ids.
    points = regency_points()
    kinds = list(VisitKind.values)
    visit_columns = [f.column for f in Visit._meta.concrete_fields]
    zone = dt.timezone(dt.timedelta(hours=7))
    first_day = add_months(today.replace(day=1), -12)  # twelve full months and this month so far
    stamp = raw.moment(timezone.now())
    links_e, links_c, last_seen = [], [], {}
    counts = {"visits": 0}

    def visit_rows():
        visit_id = 0
        for f in facilitators:
            own = caseload.get(f.pk) or []
            enterprises_own = [x for x in own if x[0].enterprise_id]
            centres_own = [x for x in own if x[0].centre_id]
            lat0, lng0 = points.get(f.regency_code, (-2.5, 118.0))
            for month_no in range(13):
                month = add_months(first_day, month_no)
                days = (add_months(month, 1) - month).days
                for _ in range(args.visits_per_month):
                    day = month + dt.timedelta(days=rng.randrange(days))
                    if day > today:
                        continue
                    moment = dt.datetime(
                        day.year, day.month, day.day, rng.randint(8, 15), rng.randrange(60), tzinfo=zone
                    )
                    visit_id += 1
                    target = rng.choice(enterprises_own) if enterprises_own else None
                    values = {
                        "id": visit_id,
                        "created_at": stamp,
                        "updated_at": stamp,
                        "province_code": f.province_code,
                        "regency_code": f.regency_code,
                        "version": 1,
                        "client_id": raw.uuid(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        "facilitator_id": f.pk,
                        "visited_at": raw.moment(moment),
                        "latitude": f"{lat0 + rng.uniform(-0.05, 0.05):.6f}",
                        "longitude": f"{lng0 + rng.uniform(-0.05, 0.05):.6f}",
                        "accuracy_m": round(rng.uniform(4, 40), 1),
                        "village_id": target[1] if target else None,
                        "location_flag": "",
                        "kind": rng.choice(kinds),
                        "findings": "Produksi berjalan; pencatatan keuangan dibimbing.",
                        "problems": "Harga bahan baku naik." if rng.random() < 0.4 else "",
                        "advice": "Didampingi menyusun kemasan dan PIRT.",
                        "recorded_by_id": None,
                    }
                    if target:
                        assignment = target[0]
                        links_e.append(
                            (len(links_e) + 1, visit_id, assignment.enterprise_id, day.isoformat())
                        )
                        last_seen[assignment] = max(last_seen.get(assignment, day), day)
                    if centres_own and rng.random() < 0.2:
                        assignment = rng.choice(centres_own)[0]
                        links_c.append((len(links_c) + 1, visit_id, assignment.centre_id))
                        last_seen[assignment] = max(last_seen.get(assignment, day), day)
                    counts["visits"] = visit_id
                    yield tuple(values[c] for c in visit_columns)

    generate.bulk_load(Visit._meta.db_table, visit_columns, visit_rows())
    log(f"  {counts['visits']:,} visits ({time.perf_counter() - started:.0f} s)")
    generate.bulk_load(
        VisitEnterprise._meta.db_table, ["id", "visit_id", "enterprise_id", "visited_on"], links_e
    )
    generate.bulk_load(VisitCentre._meta.db_table, ["id", "visit_id", "centre_id"], links_c)
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE facilitators_assignment SET last_visit_on = %s WHERE id = %s",
            [(day.isoformat(), a.pk) for a, day in last_seen.items()],
        )
    log(
        f"  {len(links_e):,} enterprise and {len(links_c):,} centre visit links "
        f"({time.perf_counter() - started:.0f} s)"
    )

    # Reports of the twelve past months: approved on time, a few late, a few missing, some returned;
    # last month's submitted and not yet approved.
    reports = []
    for f in facilitators:
        for month_no in range(12):
            month = add_months(first_day, month_no)
            due = add_months(month, 1).replace(day=5)
            fate = rng.random()
            if fate < 0.05:
                continue  # missing
            submitted = dt.datetime.combine(due - dt.timedelta(days=rng.randint(0, 4)), dt.time(9), zone)
            if fate < 0.15:
                submitted += dt.timedelta(days=rng.randint(2, 20))  # late
            status = "returned" if fate > 0.97 else "verified" if month_no < 11 else "submitted"
            report = MonthlyReport(
                facilitator=f,
                month=month,
                due_on=due,
                figures={"visits": args.visits_per_month},
                verification_status=status,
                submitted_at=submitted,
                verified_at=submitted + dt.timedelta(days=3) if status == "verified" else None,
                return_reason="Lengkapi foto kunjungan." if status == "returned" else "",
                results="Pendampingan berjalan.",
            )
            report.place_at(f.regency_code)
            reports.append(report)
    with transaction.atomic():
        MonthlyReport.objects.bulk_create(reports, batch_size=5000)
    log(f"  {len(reports):,} monthly reports ({time.perf_counter() - started:.0f} s)")

    # Users: the ministry, province 33, the regency officer and a facilitator of its busiest regency.
    busiest = max((c for c in by_regency if c.startswith(PROVINCE)), key=lambda c: len(by_regency[c]))
    tpl = by_regency[busiest][0]
    users = {}
    with transaction.atomic():
        province_office = Agency.objects.filter(kind=AgencyKind.PROVINCE_INDUSTRY, region_id=PROVINCE).first()
        for key, role, agency_id, region in (
            ("ministry", Role.MINISTRY_ADMIN, None, None),
            ("province", Role.PROVINCE_OFFICER, province_office.pk if province_office else None, PROVINCE),
            ("regency", Role.REGENCY_OFFICER, have[busiest], busiest),
            ("facilitator", Role.FACILITATOR, have[busiest], busiest),
        ):
            user, _ = User.objects.get_or_create(username=f"bench_fg_{key}")
            Profile.objects.update_or_create(
                user=user, defaults={"role": role, "agency_id": agency_id, "region_id": region}
            )
            users[key] = user.pk
        Facilitator.objects.filter(pk=tpl.pk).update(user_id=users["facilitator"])
    counts.update(
        facilitators=len(facilitators),
        contracts=len(firsts) * 2,
        assignments=len(assignments),
        visit_enterprise_links=len(links_e),
        visit_centre_links=len(links_c),
        reports=len(reports),
        users=users,
        facilitator=tpl.pk,
        regency=busiest,
        seconds=round(time.perf_counter() - started, 1),
    )
    return counts


# ---------------------------------------------------------------- timing


def url_or_none(name: str, *args, query: str = "") -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def first_url(names: list[str], *args, query: str = "") -> str | None:
    for name in names:
        if url := url_or_none(name, *args, query=query):
            return url
    return None


def api_path(path: str) -> str | None:
    """The API path when the API routes it (a GET that is not 404 from the resolver)."""
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return None
    return path


def photo_bytes() -> bytes:
    """A 1600 x 1200 JPEG, as the phone app downscales a camera photo (quality 0.8)."""
    from PIL import Image, ImageDraw

    rng = random.Random(5)
    image = Image.new("RGB", (1600, 1200), (140, 190, 235))
    draw = ImageDraw.Draw(image)
    for _ in range(400):  # texture, so the JPEG has a phone photo's weight
        x, y = rng.randrange(1600), rng.randrange(1200)
        draw.ellipse(
            [x, y, x + 60, y + 40], fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256))
        )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def queue(facilitator, rng: random.Random, size: int) -> list[dict]:
    """A phone's queue: `size` visits of the last week at the facilitator's caseload."""
    from django.utils import timezone

    from sentra.facilitators.demo import regency_points
    from sentra.facilitators.models import Assignment

    enterprises = list(
        Assignment.objects.filter(facilitator=facilitator, enterprise__isnull=False).values_list(
            "enterprise_id", flat=True
        )
    )
    lat, lng = regency_points()[facilitator.regency_code]
    now = timezone.localtime()
    items = []
    for i in range(size):
        moment = now - dt.timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 8), minutes=i)
        items.append(
            {
                "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "visited_at": moment.isoformat(timespec="seconds"),
                "latitude": round(lat + rng.uniform(-0.01, 0.01), 6),
                "longitude": round(lng + rng.uniform(-0.01, 0.01), 6),
                "accuracy_m": 12.0,
                "kind": "coaching",
                "findings": "Produksi berjalan.",
                "problems": "",
                "advice": "Dibimbing pencatatan.",
                "enterprise_ids": [rng.choice(enterprises)] if enterprises else [],
                "centre_ids": [],
                "actions": [
                    {
                        "description": "Mengurus PIRT",
                        "due_on": (now.date() + dt.timedelta(days=30)).isoformat(),
                    }
                ],
                "proposals": [],
            }
        )
    return items


def send(client, items: list[dict], photo: bytes) -> dict:
    """The phone app's sync: the visits in one POST, then each photo; returns times and statuses."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    started = time.perf_counter()
    answer = client.post(
        "/api/v1/visits", data=json.dumps({"visits": items}), content_type="application/json"
    )
    visits_s = time.perf_counter() - started
    statuses: dict[str, int] = {}
    if answer.status_code == 200:
        for result in answer.json().get("results", []):
            statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    else:
        statuses[f"HTTP {answer.status_code}"] = len(items)
    photo_times, photo_status = [], {}
    for item in items:
        began = time.perf_counter()
        response = client.post(
            "/api/v1/visits/photos",
            data={
                "client_id": str(uuid.uuid5(uuid.NAMESPACE_URL, item["client_id"])),
                "visit_client_id": item["client_id"],
                "taken_at": item["visited_at"],
                "file": SimpleUploadedFile("foto.jpg", photo, content_type="image/jpeg"),
            },
        )
        photo_times.append(time.perf_counter() - began)
        photo_status[response.status_code] = photo_status.get(response.status_code, 0) + 1
    return {
        "total_s": round(time.perf_counter() - started, 2),
        "visits_post_s": round(visits_s, 2),
        "photos": percentiles(photo_times),
        "statuses": statuses,
        "photo_statuses": photo_status,
    }


def direct(facilitator, items: list[dict], photo: bytes) -> float:
    """The baseline: the same visits and photo files written straight away (no checks, no audit)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import transaction

    from sentra.facilitators.models import Visit, VisitEnterprise, VisitPhoto

    started = time.perf_counter()
    with transaction.atomic():
        visits = []
        for item in items:
            visit = Visit(
                client_id=uuid.uuid5(uuid.NAMESPACE_DNS, item["client_id"]),
                facilitator=facilitator,
                visited_at=dt.datetime.fromisoformat(item["visited_at"]),
                latitude=Decimal(str(item["latitude"])),
                longitude=Decimal(str(item["longitude"])),
                kind=item["kind"],
                findings=item["findings"],
                advice=item["advice"],
            )
            visit.place_at(facilitator.regency_code)
            visits.append(visit)
        Visit.objects.bulk_create(visits)
        VisitEnterprise.objects.bulk_create(
            VisitEnterprise(visit=v, enterprise_id=i["enterprise_ids"][0], visited_on=v.visited_at.date())
            for v, i in zip(visits, items, strict=True)
            if i["enterprise_ids"]
        )
        photos = []
        for visit in visits:
            client_id = uuid.uuid4()
            name = default_storage.save(f"visits/{client_id}.jpg", ContentFile(photo))
            photos.append(VisitPhoto(client_id=client_id, visit=visit, image=name, size_bytes=len(photo)))
        VisitPhoto.objects.bulk_create(photos)
    return time.perf_counter() - started


def measure_sync(args, users: dict, facilitator_pk: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from sentra.facilitators.models import Facilitator, Visit

    if not url_or_none("api-1.0.0:openapi-json") and not api_path("/api/v1/visits"):
        return {"skipped": "POST /api/v1/visits is not routed yet"}
    facilitator = Facilitator.objects.get(pk=facilitator_pk)
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(pk=users["facilitator"]))
    photo = photo_bytes()
    # Fresh client ids on every run: a rerun on the kept database must not replay the previous run's queue.
    rng = random.Random(f"{args.seed + 7}-{time.time_ns()}")
    runs, bases = [], []
    before = load()
    last_items = None
    for _ in range(args.sync_repeat):
        items = queue(facilitator, rng, SYNC_BATCH)
        count_before = Visit.objects.count()
        run = send(client, items, photo)
        run["written"] = Visit.objects.count() - count_before
        runs.append(run)
        bases.append(direct(facilitator, queue(facilitator, rng, SYNC_BATCH), photo))
        last_items = items
        print(
            f"  sync: {run['total_s']} s (baseline {bases[-1]:.2f} s) "
            f"{run['statuses']} {run['photo_statuses']}",
            flush=True,
        )
    count_before = Visit.objects.count()
    replay = send(client, last_items, photo)
    replay["written"] = Visit.objects.count() - count_before
    print(
        f"  replay: {replay['total_s']} s {replay['statuses']} {replay['photo_statuses']}, "
        f"{replay['written']} written",
        flush=True,
    )
    best = min(runs, key=lambda r: r["total_s"])
    return {
        "best": best,
        "runs": [r["total_s"] for r in runs],
        "baseline_best_s": round(min(bases), 2),
        "ratio": round(best["total_s"] / min(bases), 1) if min(bases) else None,
        "replay": replay,
        "load_before": before,
        "load_after": load(),
    }


def measure_pages(args, users: dict, counts: dict) -> tuple[list, list]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from sentra.facilitators.models import MonthlyReport

    User = get_user_model()
    clients = {}
    for key, pk in users.items():
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(pk=pk))
        clients[key] = client
    report = (
        MonthlyReport.objects.filter(facilitator_id=counts["facilitator"], verification_status="verified")
        .order_by("-month")
        .first()
    )
    report_page = ["web:monthly_report_detail", "web:facilitator_report_detail"]
    report_pdf = ["web:monthly_report_pdf", "web:facilitator_report_pdf"]
    pages = [
        ("coverage, national", "ministry", url_or_none("web:facilitator_coverage")),
        (
            "coverage, province 33",
            "ministry",
            url_or_none("web:facilitator_coverage", query=f"?wilayah={PROVINCE}"),
        ),
        ("coverage, as province 33", "province", url_or_none("web:facilitator_coverage")),
        ("coverage, regency (facilitators)", "regency", url_or_none("web:facilitator_coverage")),
        ("API coverage, national", "ministry", api_path("/api/v1/facilitators/coverage")),
        (
            "API coverage, province 33",
            "ministry",
            api_path(f"/api/v1/facilitators/coverage?region={PROVINCE}"),
        ),
        ("monthly report page, one facilitator", "regency", report and first_url(report_page, report.pk)),
        ("monthly report PDF, one facilitator", "regency", report and first_url(report_pdf, report.pk)),
        ("facilitator list, national", "ministry", url_or_none("web:facilitator_list")),
        ("visit list, regency", "regency", url_or_none("web:visit_list")),
        ("facilitator detail", "regency", url_or_none("web:facilitator_detail", counts["facilitator"])),
        ("API visits, regency", "regency", api_path("/api/v1/visits")),
    ]
    baseline_url = url_or_none("web:help")
    results, skipped = [], []
    for label, who, url in pages:
        if not url:
            skipped.append(label)
            continue
        client = clients[who]
        try:
            began = time.perf_counter()
            first = client.get(url)
            cold = round((time.perf_counter() - began) * 1000, 1)
        except Exception as exc:  # a page that fails is reported, the others still measured
            skipped.append(f"{label} (error: {type(exc).__name__}: {str(exc)[:120]})")
            continue
        if first.status_code != 200:
            skipped.append(f"{label} (HTTP {first.status_code})")
            continue
        samples, base = [], []
        before = load()
        for _ in range(3):
            client.get(url)
            client.get(baseline_url)
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - started)
            started = time.perf_counter()
            client.get(baseline_url)
            base.append(time.perf_counter() - started)
        page, floor = percentiles(samples), percentiles(base)
        results.append(
            {
                "page": label,
                "url": url,
                "first_ms": cold,
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
    return results, skipped


def prepare(args) -> dict:
    generate.setup_django(args.db, args.name, fresh=args.fresh)
    if not generate.national_is_loaded(args.rows, 1):
        print(f"generating {args.rows:,} enterprises ({args.db}) …", flush=True)
        generate.generate_national(args.rows, 1)
        generate.analyze()
    wanted = f"v2 rows={args.rows} n={args.facilitators} vpm={args.visits_per_month} seed={args.seed}"
    meta_path = OUT / f"{args.name}-{args.db}.json"
    if meta_get("facilitators") == wanted and meta_path.exists():
        return json.loads(meta_path.read_text())
    print(f"generating {args.facilitators:,} facilitators and a year of visits ({args.db}) …", flush=True)
    counts = generate_facilitators(args)
    generate.analyze()
    meta_set("facilitators", wanted)
    meta_path.write_text(json.dumps(counts))
    return counts


def report_markdown(result: dict) -> str:
    lines = [f"### {result['db']}", ""]
    counts = result["counts"]
    lines.append(
        f"{counts['facilitators']:,} facilitators, {counts['visits']:,} visits "
        f"({counts['visit_enterprise_links']:,} enterprise links), "
        f"{counts['assignments']:,} caseload entries, "
        f"{counts['reports']:,} monthly reports over {result['rows']:,} enterprises; generated in "
        f"{counts['seconds']} s."
    )
    lines.append("")
    sync = result.get("sync") or {}
    if "best" in sync:
        best = sync["best"]
        lines += [
            "| sync of 200 visits + 200 photos | best total s | visits POST s | photo p50 ms | photo p95 ms "
            "| baseline s | total / baseline | statuses | load before → after |",
            "|---|---:|---:|---:|---:|---:|---:|---|---|",
            f"| best of {len(sync['runs'])} ({', '.join(map(str, sync['runs']))} s) | {best['total_s']} "
            f"| {best['visits_post_s']} | {best['photos']['p50']} | {best['photos']['p95']} "
            f"| {sync['baseline_best_s']} | {sync['ratio']} | {best['statuses']} {best['photo_statuses']} "
            f"| {sync['load_before']} → {sync['load_after']} |",
            f"| replay of the same queue | {sync['replay']['total_s']} | {sync['replay']['visits_post_s']} "
            f"| {sync['replay']['photos']['p50']} | {sync['replay']['photos']['p95']} | | "
            f"| {sync['replay']['statuses']} {sync['replay']['photo_statuses']}, "
            f"{sync['replay']['written']} written | |",
            "",
        ]
    elif sync:
        lines += [f"Sync skipped: {sync.get('skipped')}", ""]
    lines += [
        "| page | first ms | p50 ms | p95 ms | baseline p95 ms | p95 / baseline | load before → after |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in result["pages"]:
        lines.append(
            f"| {row['page']} | {row['first_ms']} | {row['p50']} | {row['p95']} | {row['baseline_p95']} | "
            f"{row['ratio_p95']} | {row['load_before']} → {row['load_after']} |"
        )
    if result["skipped"]:
        lines += ["", "Skipped: " + "; ".join(result["skipped"])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--rows", type=int, default=generate.NATIONAL_ROWS, help="enterprises")
    parser.add_argument("--facilitators", type=int, default=2700)
    parser.add_argument("--visits-per-month", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--sync-repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--name", default=NAME, help="bench database (SQLite file in bench/out or PostgreSQL)"
    )
    parser.add_argument("--fresh", action="store_true", help="drop the bench database and generate again")
    parser.add_argument("--only", choices=["generate", "pages", "sync"], help="one phase only")
    args = parser.parse_args(argv)
    os.environ.setdefault("SENTRA_MEDIA_ROOT", str(OUT / "fg-media"))
    counts = prepare(args)
    print({k: v for k, v in counts.items() if k != "users"}, flush=True)
    result = {"db": args.db, "rows": args.rows, "counts": counts, "pages": [], "skipped": []}
    if args.only in (None, "pages"):
        result["pages"], result["skipped"] = measure_pages(args, counts["users"], counts)
    if args.only in (None, "sync"):
        result["sync"] = measure_sync(args, counts["users"], counts["facilitator"])
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    (OUT / f"facilitators-{args.db}-{stamp}.json").write_text(json.dumps(result, indent=2, default=str))
    print()
    print(report_markdown(result))


if __name__ == "__main__":
    main()
