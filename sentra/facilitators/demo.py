"""The facilitators' step of `sentra demo` (core.demo), after coordination: the NTT 2019 contract
signing at the Belu Rakor, the PPU facilitator `tpl.ppu` with a year of work, and generated TPL-IKM
across the country so the coverage pages have substance.

Facts and what is illustrative (../shared/docs/demo-facts.md, domain-facts.md §2 and §7.3):
- the Belu Rakor (24–26 April 2019) is the meeting the coordination step wrote, found here by its
  title; cohorts 2014 and 2015 signed their contracts there, three representatives. The three
  people, their regencies and their contract numbers are illustrative (the facts give none), the
  numbers in the real format ("3.8.2 /IKM/KK/1/2018"), read here as
  `<n>.<province>.<contract year> /IKM/KK/<month>/<year>`;
- the PPU facilitator is the demo login `tpl.ppu`; the person, contracts, visits, photos and reports
  are illustrative; the sentra (Saloloang coir, Kab. Penajam Paser Utara) and its Dinas are real;
- generated facilitators: cohorts 2012–2019 (graduates of the Kemenperin polytechnics), placed in
  their home regency's industry office, first contract four years after their cohort (cohort 2013's
  second-year contract was 2018, the facts' example), renewed yearly; their names and numbers are
  generated.

Dates follow the day the demo is built (`build_day()`: django.utils.timezone.localdate(), WIB), so
whoever opens it sees this month's work: the visits run up to the day before (tpl.ppu's last 18 visit
days, the generated ones over the six months ending with it), tpl.ppu's contracts are the four yearly
ones up to the one running that day, and the monthly reports are the four months before the current
one: the last complete month approved, the one before returned with a reason, the two older ones
approved. Built on 16 November 2026 (the tests' clock) that is visits to 15 November, reports
July-October (September returned). The same seed
and the same build day give the same rows. Generated rows are written with
bulk_create (valid by construction, no per-row audit, as the registry's generated data); the real
records are few and written the same way for now, each marked in its notes as demo data. Running the
demo again writes nothing twice: each part first looks for what it wrote.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import uuid
from collections import defaultdict
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sentra.accounts.scope import Actor, Channel, actor_for_user, system_actor
from sentra.agencies.demo_facts import MINISTRY_AGENCY, PPU_AGENCY
from sentra.agencies.models import Agency, AgencyKind
from sentra.coordination.calendar import zone_of_region
from sentra.coordination.models import Meeting
from sentra.core.demo import DemoContext, DemoReport, person_name
from sentra.regions.models import Region
from sentra.registry.models import Centre, CentreMembership, Enterprise

from . import services
from .choices import (
    ContractParty,
    FacilitatorStatus,
    Polytechnic,
    VisitKind,
)
from .models import (
    Assignment,
    Contract,
    Facilitator,
    MonthlyReport,
    Placement,
    Visit,
    VisitCentre,
    VisitEnterprise,
)

# Generated facilitators per demo size (issue 16: "about 1,000"; the national figure is the
# 2,730 graduates of 2007–2015, domain-facts §2).
GENERATED = {"small": 1_000, "regional": 1_600, "national": 2_700}
COHORTS = tuple(range(2012, 2020))
VISIT_MONTHS = 6  # generated visits: the six months ending with the build day's yesterday
PPU_VISITS = 18  # tpl.ppu's visits: the last 18 of the days 3, 10, 17 and 24 before the build day
PPU_VISIT_DAYS = (3, 10, 17, 24)
PPU_REPORTS = 4  # the months before the build day's month with a report (the last one returned)
MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
GENERATED_NOTE = "Data contoh bangkitan (sentra demo)."
ILLUSTRATIVE = "Data contoh: orang, nomor kontrak dan isinya ilustratif."
BELU_MEETING = "Rakor Pelaksanaan Kegiatan 2019 dan Penyusunan Program IKM 2020"
SALOLOANG_CENTRE = "Sentra Kelapa dan Kerajinannya"
PPU = "64.09"
TPL_USERNAME = "tpl.ppu"
SUPERVISOR_USERNAME = "dinas.ppu"
DG_PARTY = "Direktur Jenderal Industri Kecil, Menengah dan Aneka"

# Polytechnics weighted as the scholarship drew on them (the textile and leather schools most).
POLYTECHNIC_WEIGHTS = {
    Polytechnic.STTT_BANDUNG: 30,
    Polytechnic.ATK_YOGYAKARTA: 20,
    Polytechnic.ATI_PADANG: 18,
    Polytechnic.ATIM_MAKASSAR: 18,
    Polytechnic.POLITEKNIK_MEDAN: 14,
}
STUDY_PROGRAMMES = {
    Polytechnic.STTT_BANDUNG: ["Teknik Tekstil", "Kimia Tekstil", "Produksi Garmen"],
    Polytechnic.ATK_YOGYAKARTA: ["Teknologi Pengolahan Kulit", "Teknologi Produk Kulit"],
    Polytechnic.ATI_PADANG: ["Teknik Industri Agro", "Teknik Kimia"],
    Polytechnic.ATIM_MAKASSAR: ["Teknik Industri", "Teknik Kimia Mineral", "Teknik Manufaktur"],
    Polytechnic.POLITEKNIK_MEDAN: ["Teknik Kimia Industri", "Analisis Kimia"],
}
STATUS_WEIGHTS = {
    FacilitatorStatus.ACTIVE: 78,
    FacilitatorStatus.ON_LEAVE: 4,
    FacilitatorStatus.ENDED: 14,
    FacilitatorStatus.RESIGNED: 4,
}
VISIT_KIND_WEIGHTS = {
    VisitKind.COACHING: 35,
    VisitKind.DATA_COLLECTION: 20,
    VisitKind.MONITORING: 15,
    VisitKind.CERTIFICATION: 10,
    VisitKind.MARKETING: 10,
    VisitKind.NEW_ENTREPRENEUR: 7,
    VisitKind.OTHER: 3,
}
FINDINGS = [
    "Produksi berjalan; bahan baku cukup untuk dua minggu.",
    "Pencatatan keuangan belum dipisahkan dari keuangan rumah tangga.",
    "Kemasan belum mencantumkan komposisi dan tanggal kedaluwarsa.",
    "Pesanan meningkat menjelang hari raya; tenaga kerja tambahan direkrut.",
    "Mesin utama rusak sejak bulan lalu; produksi dikerjakan manual.",
    "Sudah memiliki NIB; belum mengurus sertifikat halal.",
]
PROBLEMS = [
    "Harga bahan baku naik.",
    "Pemasaran masih terbatas di pasar lokal.",
    "Belum ada izin edar PIRT.",
    "Modal kerja terbatas.",
    "",
]
ADVICE = [
    "Dibimbing membuat buku kas sederhana.",
    "Diarahkan mendaftar sertifikasi halal gratis (SEHATI).",
    "Diperkenalkan ke marketplace dan e-Smart IKM.",
    "Disarankan mengajukan PIRT ke Dinas Kesehatan.",
    "Dibantu menyusun proposal bantuan mesin ke Dinas.",
]
ACTIONS = [
    "Mengurus PIRT ke Dinas Kesehatan",
    "Melengkapi data NIB di OSS",
    "Mengikuti pelatihan kemasan Dinas",
    "Mengirim contoh produk untuk pameran",
]


def _uuid(rng: random.Random) -> uuid.UUID:
    """A client id as a phone makes them (version 4), drawn from the demo's stream."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def contract_number(n: int, province: str, contract_year: int, month: int, year: int) -> str:
    """A contract number in the format of the Ditjen's contracts ("3.8.2 /IKM/KK/1/2018")."""
    return f"{n}.{int(province)}.{contract_year} /IKM/KK/{month}/{year}"


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


def build_day() -> dt.date:
    """The day the demo is built, in the project's zone (WIB): its dated records lead up to the day
    before, so a demo built any day has this month's and last month's work to show."""
    return timezone.localdate()


def last_visit_day(today: dt.date) -> dt.date:
    """The demo's visits end the day before it is built (none in the future, none on a day half done)."""
    return today - dt.timedelta(days=1)


def ppu_contract_starts(today: dt.date) -> list[dt.date]:
    """tpl.ppu's four yearly contracts (1 May – 30 April), the last one running on the build day."""
    year = today.year if today >= dt.date(today.year, 5, 1) else today.year - 1
    return [dt.date(y, 5, 1) for y in range(year - 3, year + 1)]


def ppu_visit_days(today: dt.date) -> list[dt.date]:
    """tpl.ppu's visit days, oldest first: the last PPU_VISITS days 3, 10, 17 and 24 before today
    (built on 16 November 2026: 3 July to 10 November; on 6 December: 24 July to 3 December)."""
    days: list[dt.date] = []
    month = last_visit_day(today).replace(day=1)
    while len(days) < PPU_VISITS:
        days.extend(d for d in (month.replace(day=n) for n in reversed(PPU_VISIT_DAYS)) if d < today)
        month = _add_months(month, -1)
    return sorted(days[:PPU_VISITS])


def _honorarium(year: int) -> Decimal:
    """Illustrative monthly honorarium, rising with the years (Rp)."""
    return Decimal(2_500_000 + 100_000 * max(0, year - 2016))


@cache
def regency_points() -> dict[str, tuple[float, float]]:
    """A point inside each regency/city (the label point the shipped boundaries carry)."""
    path = Path(__file__).resolve().parents[1] / "regions" / "data" / "geo" / "regencies.geojson"
    with path.open(encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    return {f["properties"]["code"]: (f["properties"]["lat"], f["properties"]["lng"]) for f in features}


def _near(rng: random.Random, code: str, spread: float = 0.03) -> tuple[Decimal, Decimal] | tuple[None, None]:
    point = regency_points().get(code[:5])
    if point is None:
        return None, None
    lat, lng = point
    return (
        Decimal(f"{lat + rng.uniform(-spread, spread):.6f}"),
        Decimal(f"{lng + rng.uniform(-spread, spread):.6f}"),
    )


def _regency_dinas(codes: set[str], report: DemoReport) -> dict[str, int]:
    """The industry office of each regency/city (the first recorded), written where there is none,
    named as the coordination step names NTT's ("Dinas Perindustrian <regency>")."""
    found: dict[str, int] = {}
    for agency_id, region_id in (
        Agency.objects.filter(kind=AgencyKind.REGENCY_INDUSTRY, region_id__in=codes)
        .order_by("-pk")
        .values_list("pk", "region_id")
    ):
        found[region_id] = agency_id  # ordered by -pk: the first recorded wins
    missing = Region.objects.filter(code__in=codes - set(found)).order_by("code")
    created = Agency.objects.bulk_create(
        Agency(
            name=f"Dinas Perindustrian {region.name}",
            short_name="Disperindag",
            kind=AgencyKind.REGENCY_INDUSTRY,
            region=region,
        )
        for region in missing
    )
    report.created["agencies"] += len(created)
    found.update({agency.region_id: agency.pk for agency in created})
    return found


def _photo_bytes(rng: random.Random, label: str) -> tuple[bytes, int, int]:
    """A generated JPEG (a field-like scene: sky, ground, a building and a caption), no metadata."""
    from PIL import Image, ImageDraw

    width, height = 800, 600
    image = Image.new("RGB", (width, height), (rng.randint(120, 170), rng.randint(170, 210), 235))
    draw = ImageDraw.Draw(image)
    ground = (rng.randint(90, 140), rng.randint(110, 150), rng.randint(50, 80))
    draw.rectangle([0, height * 3 // 5, width, height], fill=ground)
    left = rng.randint(80, 400)
    draw.rectangle([left, 220, left + 300, 380], fill=(rng.randint(150, 200), 110, 70))
    draw.polygon([(left - 20, 220), (left + 150, 130), (left + 320, 220)], fill=(120, 60, 40))
    draw.rectangle([0, height - 60, width, height], fill=(20, 20, 20))
    draw.text((16, height - 42), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue(), width, height


# --- the NTT 2019 signing at the Belu Rakor ----------------------------------------------------------

# (name, sex, cohort, regency, polytechnic, contract year, n) — illustrative people; the facts give the
# cohorts (2014 and 2015), the number (three representatives), the place and the dates.
NTT_REPRESENTATIVES = [
    ("Maria Goreti Bere", "f", 2014, "53.04", Polytechnic.ATIM_MAKASSAR, 2, 1),
    ("Yohanes Seran", "m", 2015, "53.21", Polytechnic.ATK_YOGYAKARTA, 1, 2),
    ("Agustina Tefa", "f", 2015, "53.03", Polytechnic.STTT_BANDUNG, 1, 3),
]


def _ntt_signing(actor: Actor, report: DemoReport) -> None:
    """Through the facilitators' services as the system actor, so it is audited like any change."""
    if Contract.objects.filter(signed_at_meeting__title__startswith=BELU_MEETING).exists():
        return
    meeting = (
        Meeting.objects.filter(title__startswith=BELU_MEETING, starts_at__year=2019).order_by("pk").first()
    )
    if meeting is None:
        report.unresolved.append("facilitators: the Belu Rakor 2019 not found (coordination step first)")
        return
    dinas = _regency_dinas({spec[3] for spec in NTT_REPRESENTATIVES}, report)
    for name, sex, cohort, regency, polytechnic, contract_year, n in NTT_REPRESENTATIVES:
        region = Region.objects.get(code=regency)
        host = Agency.objects.get(pk=dinas[regency])
        facilitator = services.facilitator_create(
            actor=actor,
            name=name,
            sex=sex,
            cohort=cohort,
            home_region=region,
            agency=host,
            polytechnic=polytechnic,
            notes=f"Perwakilan TPL-IKM angkatan {cohort} pada penandatanganan kontrak di Rakor Belu 2019. "
            + ILLUSTRATIVE,
        )
        start = dt.date(2019, 5, 1)
        services.placement_create(
            actor=actor,
            facilitator=facilitator,
            region=region,
            host_agency=host,
            starts_on=dt.date(2018, 5, 1) if contract_year == 2 else start,
        )
        previous = None
        if contract_year == 2:  # the first-year contract of cohort 2014, signed at the province in 2018
            previous = services.contract_create(
                actor=actor,
                facilitator=facilitator,
                number=contract_number(n, "53", 1, 4, 2018),
                period_start=dt.date(2018, 5, 1),
                period_end=dt.date(2019, 4, 30),
                party=ContractParty.DIRECTOR_GENERAL,
                signed_on=dt.date(2018, 4, 20),
                signed_place="Kantor Disperindag Provinsi Nusa Tenggara Timur, Kupang",
                funding_source="APBN, DIPA Ditjen IKMA 2018",
                honorarium=_honorarium(2018),
                operating_costs=Decimal(750_000),
                notes=ILLUSTRATIVE,
            )
            report.created["facilitator contracts"] += 1
        services.contract_create(
            actor=actor,
            facilitator=facilitator,
            number=contract_number(n, "53", contract_year, 4, 2019),
            period_start=start,
            period_end=dt.date(2020, 4, 30),
            previous=previous,
            contract_year=contract_year,
            party=ContractParty.DIRECTOR_GENERAL,
            signed_on=dt.date(2019, 4, 25),
            signed_place="Aula Hotel Matahari, Atambua (Kab. Belu)",
            signed_at_meeting=meeting,
            funding_source="APBN, DIPA Ditjen IKMA 2019",
            honorarium=_honorarium(2019),
            operating_costs=Decimal(750_000),
            notes=f"Ditandatangani {DG_PARTY} pada Rakor Belu, 25 April 2019. {ILLUSTRATIVE}",
        )
        report.created["facilitators"] += 1
        report.created["facilitator contracts"] += 1


# --- the PPU facilitator `tpl.ppu` -------------------------------------------------------------------


def _ppu(actor: Actor, rng: random.Random, report: DemoReport, today: dt.date) -> None:
    """The PPU facilitator's year, written as the people would: the records by the system through the
    facilitators' services, the visits, photos, proposals and reports by `tpl.ppu` through the visit,
    photo, proposal and report services, the reports decided by `dinas.ppu`."""
    User = get_user_model()
    user = User.objects.filter(username=TPL_USERNAME).first()
    if user is None:
        report.unresolved.append("facilitators: the demo login tpl.ppu not found (registry step first)")
        return
    if Facilitator.objects.filter(user=user).exists():
        return
    agency = Agency.objects.filter(name=PPU_AGENCY).order_by("pk").first()
    centre = Centre.objects.filter(name=SALOLOANG_CENTRE, regency_code=PPU).order_by("pk").first()
    if agency is None or centre is None:
        report.unresolved.append("facilitators: the PPU Dinas or the Saloloang sentra not found")
        return
    supervisor = User.objects.filter(username=SUPERVISOR_USERNAME).first()
    region = Region.objects.get(code=PPU)
    facilitator = services.facilitator_create(
        actor=actor,
        user=user,
        name="Rahmat Hidayat",
        sex="m",
        birth_year=1996,
        cohort=2015,
        education="d3",
        polytechnic=Polytechnic.ATIM_MAKASSAR,
        study_programme="Teknik Industri",
        phone="0812-5500-2026",
        email=f"{TPL_USERNAME}@demo.sentra.example",
        home_region=region,
        agency=agency,
        notes="Pendamping sentra sabut kelapa Saloloang. " + ILLUSTRATIVE,
    )
    report.created["facilitators"] += 1
    # Two placements: the first two contract years, then the current one supervised by dinas.ppu.
    contract_starts = ppu_contract_starts(today)
    services.placement_create(
        actor=actor,
        facilitator=facilitator,
        region=region,
        host_agency=agency,
        starts_on=contract_starts[0],
        ends_on=contract_starts[2] - dt.timedelta(days=1),
    )
    services.placement_create(
        actor=actor,
        facilitator=facilitator,
        region=region,
        host_agency=agency,
        supervisor=supervisor,
        starts_on=contract_starts[2],
    )
    previous = None
    for year_no, start in enumerate(contract_starts, start=1):
        previous = services.contract_create(
            actor=actor,
            facilitator=facilitator,
            number=contract_number(7, "64", year_no, 4, start.year),
            period_start=start,
            period_end=dt.date(start.year + 1, 4, 30),
            previous=previous,
            party=ContractParty.DIRECTOR_GENERAL,
            signed_on=start - dt.timedelta(days=10),
            signed_place="Kantor Disperindagkop Provinsi Kalimantan Timur, Samarinda",
            funding_source=f"APBN, DIPA Ditjen IKMA {start.year}",
            honorarium=_honorarium(start.year),
            operating_costs=Decimal(1_000_000),
            notes=ILLUSTRATIVE,
        )
        report.created["facilitator contracts"] += 1

    # Caseload: the Saloloang coir sentra and six of its members (the first by id), from the current
    # placement on.
    members = list(
        Enterprise.objects.filter(
            pk__in=CentreMembership.objects.filter(centre=centre).values("enterprise_id")
        ).order_by("pk")[:6]
    )
    start = contract_starts[2]
    services.assignment_create(actor=actor, facilitator=facilitator, starts_on=start, centre=centre)
    for enterprise in members:
        services.assignment_create(
            actor=actor, facilitator=facilitator, starts_on=start, enterprise=enterprise
        )

    tpl = actor_for_user(user, channel=Channel.API)
    visits, photos = _ppu_visits(tpl, rng, facilitator, centre, members, today)
    report.created["visits"] += len(visits)
    report.created["visit photos"] += photos
    _ppu_proposals(tpl, rng, facilitator, visits, report)
    if supervisor is not None:
        _ppu_reports(tpl, actor_for_user(supervisor), facilitator, report, today)


def _ppu_visits(tpl: Actor, rng, facilitator, centre, members, today: dt.date) -> tuple[list, int]:
    """Four visits a month (days 3, 10, 17, 24), the last 18 before the build day, sent as the phone
    app sends them (the sync service), each with a photo or two (generated images) re-encoded by the
    photo service. The follow-ups of the visits before last month are done."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from . import photos as photo_service
    from . import visits as visit_service

    zone = zone_of_region(PPU)
    written: list[tuple[Visit, list[Enterprise]]] = []
    count = 0
    done_before = _add_months(today.replace(day=1), -1)
    for visit_day in ppu_visit_days(today):
        day = visit_day.day
        when = dt.datetime(
            *visit_day.timetuple()[:3], rng.randint(8, 15), rng.choice((0, 15, 30, 45)), tzinfo=zone
        )
        visited = rng.sample(members, k=min(len(members), rng.randint(1, 3)))
        latitude, longitude = _near(rng, PPU, 0.01)
        kind = rng.choices(list(VISIT_KIND_WEIGHTS), weights=list(VISIT_KIND_WEIGHTS.values()))[0]
        actions = []
        if day in (3, 17):
            due = when.date() + dt.timedelta(days=30)
            actions = [{"description": rng.choice(ACTIONS), "due_on": due.isoformat()}]
        visit, _, _ = visit_service.record_visit(
            tpl,
            {
                "client_id": str(_uuid(rng)),
                "visited_at": when.isoformat(),
                "latitude": str(latitude) if latitude is not None else None,
                "longitude": str(longitude) if longitude is not None else None,
                "accuracy_m": round(rng.uniform(4, 25), 1),
                "kind": kind,
                "findings": rng.choice(FINDINGS),
                "problems": rng.choice(PROBLEMS),
                "advice": rng.choice(ADVICE),
                "village_code": centre.village_id,  # chosen on the phone: Saloloang
                "centre_ids": [centre.pk],
                "enterprise_ids": [e.pk for e in visited],
                "actions": actions,
            },
        )
        if actions and visit_day < done_before:  # the follow-ups before last month are done
            visit.actions.update(done_on=when.date() + dt.timedelta(days=20))
        for index in range(1 if day != 10 else 2):
            content, _width, _height = _photo_bytes(
                rng, f"{centre.name} - {when:%d-%m-%Y %H:%M} ({index + 1})"
            )
            photo_service.add_photo(
                tpl,
                visit_client_id=str(visit.client_id),
                client_id=str(_uuid(rng)),
                upload=SimpleUploadedFile("foto.jpg", content, content_type="image/jpeg"),
                taken_at=when + dt.timedelta(minutes=5 * index),
                latitude=latitude,
                longitude=longitude,
                caption="Proses pengolahan sabut kelapa" if index == 0 else "Produk jadi",
            )
            count += 1
        written.append((visit, visited))
    return written, count


def _ppu_reports(
    tpl: Actor, dinas: Actor, facilitator: Facilitator, report: DemoReport, today: dt.date
) -> None:
    """The reports of the four months before the build day's, through the reports' services: the last
    complete month's approved (what the coverage page shows by default), the one before returned with a
    reason (tpl.ppu's to complete), the two older ones approved; built on 16 November 2026: July,
    August and October approved, September returned. Each was submitted two days before its due date
    and decided two days later, as a facilitator on time would have: the services stamp the build's
    time, so those two stamps are set back afterwards (never later than now), the history keeps the
    build's."""
    from . import reports

    current = today.replace(day=1)
    returned = _add_months(current, -2)
    reason = (
        f"Foto kunjungan 24 {MONTHS_ID[returned.month - 1]} belum ada dan rencana bulan "
        f"{MONTHS_ID[_add_months(returned, 1).month - 1]} belum menyebut jadwal pelatihan "
        "kemasan. Mohon dilengkapi."
    )
    zone = zone_of_region(PPU)
    now = timezone.now()
    for n in range(PPU_REPORTS, 0, -1):
        month = _add_months(current, -n)
        monthly = reports.generate(actor=tpl, facilitator=facilitator, month=month)
        monthly = reports.update_text(
            actor=tpl,
            report=monthly,
            results=f"{monthly.figures.get('visits', 0)} kunjungan ke Sentra Kelapa dan Kerajinannya "
            "(Saloloang); anggota sentra dibimbing pencatatan produksi serat sabut dan kemasan.",
            problems="Harga sabut kelapa dari pengepul naik; mesin pengurai serat sering macet.",
            plan_next_month="Pendampingan pengajuan bantuan mesin pengurai serat dan pelatihan kemasan.",
        )
        monthly = reports.submit(actor=tpl, report=monthly)
        if month == returned:
            reports.return_report(actor=dinas, report=monthly, reason=reason)
        else:
            reports.approve(actor=dinas, report=monthly)
        due = monthly.due_on
        submitted = min(
            now, dt.datetime(due.year, due.month, due.day, 16, 0, tzinfo=zone) - dt.timedelta(days=2)
        )
        stamps = {"submitted_at": submitted}
        if month != returned:
            stamps["verified_at"] = min(now, submitted + dt.timedelta(days=2))
        MonthlyReport.objects.filter(pk=monthly.pk).update(**stamps)
        report.created["monthly reports"] += 1


def _ppu_proposals(tpl: Actor, rng, facilitator, visits, report: DemoReport) -> None:
    """Two field updates of member enterprises seen on the last visit, waiting for the Dinas."""
    from .proposals import propose

    if not visits:
        return
    last_visit, seen = visits[-1]
    for enterprise in (seen + [e for _, es in visits for e in es])[:2]:
        enterprise = Enterprise.objects.get(pk=enterprise.pk)
        propose(
            actor=tpl,
            facilitator=facilitator,
            enterprise_id=enterprise.pk,
            changes={"workers": (enterprise.workers or 0) + rng.randint(1, 3)},
            base_version=enterprise.version,
            client_id=str(_uuid(rng)),
            visit=last_visit,
        )
        report.created["proposals"] += 1


# --- generated facilitators --------------------------------------------------------------------------


def _generated(rng: random.Random, report: DemoReport, size: str, today: dt.date) -> None:
    if Facilitator.objects.filter(notes=GENERATED_NOTE).exists():
        return
    last_day = last_visit_day(today)
    regencies = list(
        Region.objects.filter(level=Region.Level.REGENCY).order_by("code").values_list("code", flat=True)
    )
    count = GENERATED[size]
    homes = [rng.choice(regencies) for _ in range(count)]
    dinas = _regency_dinas(set(homes), report)
    polytechnics = list(POLYTECHNIC_WEIGHTS)
    statuses = list(STATUS_WEIGHTS)
    facilitators, plans = [], []
    for index, home in enumerate(homes):
        cohort = rng.choice(COHORTS)
        polytechnic = rng.choices(polytechnics, weights=list(POLYTECHNIC_WEIGHTS.values()))[0]
        status = rng.choices(statuses, weights=list(STATUS_WEIGHTS.values()))[0]
        first = dt.date(cohort + 4, rng.randint(1, 12), 1)
        name = person_name(rng)
        facilitator = Facilitator(
            name=name,
            sex=rng.choice("mf"),
            birth_year=cohort - rng.randint(18, 21),
            education="d3",
            polytechnic=polytechnic,
            study_programme=rng.choice(STUDY_PROGRAMMES[polytechnic]),
            phone=f"08{rng.randint(11, 99)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
            cohort=cohort,
            home_region_id=home,
            agency_id=dinas[home],
            status=status,
            notes=GENERATED_NOTE,
        )
        facilitator.place_at(home)
        facilitators.append(facilitator)
        # Yearly contracts from the first up to the one running on the build day; ended and
        # resigned people stopped one to four years earlier.
        months = (today.year - first.year) * 12 + today.month - first.month
        years = months // 12 + 1
        if status in (FacilitatorStatus.ENDED, FacilitatorStatus.RESIGNED):
            years = max(1, years - rng.randint(1, 4))
        plans.append((index, first, years))
    Facilitator.objects.bulk_create(facilitators, batch_size=2000)
    report.created["facilitators"] += len(facilitators)

    contracts_by_wave: dict[int, list[Contract]] = defaultdict(list)
    placements = []
    for (index, first, years), facilitator in zip(plans, facilitators, strict=True):
        code = facilitator.regency_code
        last_end = None
        for year_no in range(1, years + 1):
            start = _add_months(first, 12 * (year_no - 1))
            end = _add_months(start, 12) - dt.timedelta(days=1)
            contract = Contract(
                facilitator=facilitator,
                number=contract_number(100 + index, code[:2], year_no, start.month, start.year),
                party=ContractParty.DIRECTOR_GENERAL,
                signed_on=start - dt.timedelta(days=rng.randint(3, 20)),
                signed_place=f"Kantor {_province_office_place(code)}",
                contract_year=year_no,
                period_start=start,
                period_end=end,
                funding_source=f"APBN, DIPA Ditjen IKMA {start.year}",
                honorarium=_honorarium(start.year),
                operating_costs=Decimal(750_000),
            )
            contract.place_at(code)
            contracts_by_wave[year_no].append(contract)
            last_end = end
        ended = facilitator.status in (FacilitatorStatus.ENDED, FacilitatorStatus.RESIGNED)
        placement = Placement(
            facilitator=facilitator,
            region_id=code,
            host_agency_id=facilitator.agency_id,
            starts_on=first,
            ends_on=last_end if ended else None,
        )
        placement.place_at(code)
        placements.append(placement)
    # A renewal points to the contract before it: written wave by wave (contract year 1, 2, …).
    previous_of: dict[int, Contract] = {}
    total = 0
    for year_no in sorted(contracts_by_wave):
        wave = contracts_by_wave[year_no]
        for contract in wave:
            contract.previous = previous_of.get(id(contract.facilitator))
        Contract.objects.bulk_create(wave, batch_size=2000)
        for contract in wave:
            previous_of[id(contract.facilitator)] = contract
        total += len(wave)
    Placement.objects.bulk_create(placements, batch_size=2000)
    report.created["facilitator contracts"] += total
    active = [f for f in facilitators if f.status in (FacilitatorStatus.ACTIVE, FacilitatorStatus.ON_LEAVE)]
    _caseloads_and_visits(rng, active, report, last_day)


@cache
def _province_names() -> dict[str, str]:
    return dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name"))


def _province_office_place(code: str) -> str:
    return f"Disperindag Provinsi {_province_names().get(code[:2], code[:2])}"


def _caseloads_and_visits(
    rng: random.Random, facilitators: list[Facilitator], report: DemoReport, last_day: dt.date
) -> None:
    """Up to 2 centres and 6 enterprises of their regency each (none shared), assigned from the
    first of the month ten months before the last visit day back two years; visits over the
    VISIT_MONTHS months ending with the last visit day (the day before the build)."""
    regencies = sorted({f.regency_code for f in facilitators})
    centres: dict[str, list[tuple[int, str]]] = {}
    enterprises: dict[str, list[tuple[int, str]]] = {}
    taken = Assignment.objects.filter(ends_on__isnull=True)  # one facilitator per target (tpl.ppu's)
    for code in regencies:
        centres[code] = list(
            Centre.objects.filter(regency_code=code)
            .exclude(pk__in=taken.filter(centre__isnull=False).values("centre_id"))
            .order_by("pk")
            .values_list("pk", "village_id")[:20]
        )
        enterprises[code] = list(
            Enterprise.objects.filter(regency_code=code)
            .exclude(pk__in=taken.filter(enterprise__isnull=False).values("enterprise_id"))
            .order_by("pk")
            .values_list("pk", "village_id")[:60]
        )
        rng.shuffle(centres[code])
        rng.shuffle(enterprises[code])
    assignments: list[tuple[Facilitator, Assignment, str]] = []
    assigned_by = _add_months(last_day.replace(day=1), -10)  # 1 January 2026 for visits to 15 November
    for facilitator in facilitators:
        code = facilitator.regency_code
        start = assigned_by - dt.timedelta(days=rng.randint(0, 700))
        for _ in range(min(2, len(centres[code]))):
            pk, village = centres[code].pop()
            assignments.append(
                (facilitator, Assignment(facilitator=facilitator, centre_id=pk, starts_on=start), village)
            )
        for _ in range(min(rng.randint(2, 6), len(enterprises[code]))):
            pk, village = enterprises[code].pop()
            assignments.append(
                (facilitator, Assignment(facilitator=facilitator, enterprise_id=pk, starts_on=start), village)
            )
    for facilitator, assignment, _ in assignments:
        assignment.place_at(facilitator.regency_code)
    caseload: dict[int, list[tuple[Assignment, str]]] = defaultdict(list)
    for facilitator, assignment, village in assignments:
        caseload[id(facilitator)].append((assignment, village))

    kinds, kind_weights = list(VISIT_KIND_WEIGHTS), list(VISIT_KIND_WEIGHTS.values())
    visits, links = [], []  # links: (visit, assignment)
    first_month = _add_months(last_day.replace(day=1), 1 - VISIT_MONTHS)
    for facilitator in facilitators:
        own = caseload.get(id(facilitator), [])
        zone = zone_of_region(facilitator.regency_code)
        busy = facilitator.status == FacilitatorStatus.ACTIVE
        for month_no in range(VISIT_MONTHS):
            month = _add_months(first_month, month_no)
            for _ in range(rng.randint(1, 3) if busy else rng.randint(0, 1)):
                day = month + dt.timedelta(days=rng.randint(0, 27))
                if day > last_day:
                    continue
                targets = rng.sample(own, k=min(len(own), rng.randint(1, 2))) if own else []
                latitude, longitude = _near(rng, facilitator.regency_code)
                visit = Visit(
                    client_id=_uuid(rng),
                    facilitator=facilitator,
                    visited_at=dt.datetime(
                        day.year, day.month, day.day, rng.randint(8, 15), rng.choice((0, 30)), tzinfo=zone
                    ),
                    latitude=latitude,
                    longitude=longitude,
                    accuracy_m=round(rng.uniform(4, 40), 1),
                    village_id=targets[0][1] if targets else None,
                    kind=rng.choices(kinds, weights=kind_weights)[0],
                    findings=rng.choice(FINDINGS),
                    problems=rng.choice(PROBLEMS),
                    advice=rng.choice(ADVICE),
                )
                visit.place_at(facilitator.regency_code)
                visits.append(visit)
                links.extend((visit, assignment) for assignment, _ in targets)
    Assignment.objects.bulk_create([a for _, a, _ in assignments], batch_size=2000)
    Visit.objects.bulk_create(visits, batch_size=2000)
    visit_centres, visit_enterprises = [], []
    for visit, assignment in links:
        day = visit.visited_at.date()
        if assignment.last_visit_on is None or day > assignment.last_visit_on:
            assignment.last_visit_on = day
        if assignment.centre_id:
            visit_centres.append(VisitCentre(visit=visit, centre_id=assignment.centre_id))
        else:
            visit_enterprises.append(
                VisitEnterprise(visit=visit, enterprise_id=assignment.enterprise_id, visited_on=day)
            )
    VisitCentre.objects.bulk_create(visit_centres, batch_size=5000)
    VisitEnterprise.objects.bulk_create(visit_enterprises, batch_size=5000)
    Assignment.objects.bulk_update([a for _, a, _ in assignments], ["last_visit_on"], batch_size=2000)
    report.created["visits"] += len(visits)


# --- the step ----------------------------------------------------------------------------------------


def seed(*, seed: int, report: DemoReport, size: str = "small") -> None:
    """Everything the facilitators' demo writes; safe to run again. Streams are named from the seed."""
    if not Agency.objects.filter(name=MINISTRY_AGENCY).exists():
        report.unresolved.append("facilitators: the demo agencies not found (registry step first)")
        return
    today = build_day()
    actor = system_actor()
    with transaction.atomic():
        _ntt_signing(actor, report)
    with transaction.atomic():
        _ppu(actor, random.Random(f"{seed}:facilitators:ppu"), report, today)  # nosec B311 - reproducible demo data
    with transaction.atomic():
        _generated(random.Random(f"{seed}:facilitators:generated"), report, size, today)  # nosec B311


def demo_step(context: DemoContext) -> None:
    """The facilitators' step of `sentra demo` (core.demo), after coordination's (it reads the Belu Rakor)."""
    seed(seed=context.seed, report=context.report, size=context.size)


def demo_describe(size: str) -> str:
    return f"±{GENERATED[size]:,} TPL-IKM"
