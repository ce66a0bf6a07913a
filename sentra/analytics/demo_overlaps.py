"""`sentra demo` step "analytics_overlaps" (order 65, after analytics' own step): overlaps, links, pathways.

1. The Kutai Timur case (demo-facts: after the Rakernas Dekranas 2022 Dekranasda Kutai Timur signed an MoU
   with the Bupati and PKs with the regency's agencies). Illustrative, not a fact: Dekranasda Kutai Timur
   and the Dinas Koperasi dan UKM Kutai Timur each plan a weaving training (tenun ulap doyo) for the same
   two villages of Kab. Kutai Timur (64.08) in the same quarter. The overlap check
   (analytics.overlaps.overlaps_for) flags the pair, and the planners link them as a sequence
   (analytics.links.link_activities): the Dekranasda's basic training first, the Dinas's advanced one after.
2. Generated overlaps: in a few provinces, for some regencies, the regency's industry office and its
   cooperatives office plan the same training (same village, same quarter, other words) — left undecided,
   so the overlap panels and the regional report have something to show.
3. Generated pathways: IKM of those regencies receive a training the year before, then a halal
   certification and an exhibition this year (the pathway timeline and its "next step" have substance).

Records are read by query (agencies by name and region, villages and IKM from the registry), never from
another domain's demo module. Deterministic: the same seed gives the same rows (own random stream from
the seed and this step's key); a second run finds the Kutai Timur programme and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from sentra.accounts.scope import system_actor
from sentra.agencies.models import Agency, AgencyKind
from sentra.agencies.services import agency_get_or_create
from sentra.core.demo import DemoContext
from sentra.programmes.choices import ActivityKind, FundingSource
from sentra.programmes.models import Activity, Programme
from sentra.regions.models import Region
from sentra.registry.models import Enterprise

from .links import link_activities
from .models import ActivityLink, LinkKind
from .overlaps import overlaps_for

KUTIM = "64.08"
DEKRANASDA_KUTIM = "Dekranasda Kabupaten Kutai Timur"
DISKOP_KUTIM = "Dinas Koperasi dan UKM Kabupaten Kutai Timur"
PROGRAMME_CODE = "DEMO-ANALITIK"
BASIC_CODE = "DEMO-ANALITIK.TENUN-DASAR"
ADVANCED_CODE = "DEMO-ANALITIK.TENUN-LANJUT"
SEQUENCE_REASON = (
    "Pelatihan dasar Dekranasda (April) menjadi bekal pelatihan lanjutan Dinas Koperasi dan UKM (Juni) "
    "untuk IKM tenun yang sama; disepakati dalam rapat koordinasi pelaksanaan PK Dekranasda Kutai Timur "
    "(data contoh)."
)
# Provinces of the generated overlaps and pathways: Jawa Tengah, Jawa Timur, Nusa Tenggara Barat.
PROVINCES = ("33", "35", "52")
REGENCIES_PER_PROVINCE = 3
# The same topic as planners of two offices write it.
TOPICS = (
    ("Pelatihan Batik Tulis bagi IKM", "Bimtek Membatik untuk Perajin"),
    ("Pelatihan Anyaman Bambu", "Bimtek Kerajinan Anyaman Bambu"),
    ("Pelatihan Tenun Ikat", "Diklat Menenun bagi Perajin"),
)


def _period(year: int, first_month: int, months: int = 1) -> tuple[dt.date, dt.date]:
    end_month = first_month + months - 1
    last_day = (dt.date(year + (end_month == 12), end_month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, first_month, 10), dt.date(year, end_month, min(last_day, 25))


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=dt.UTC)


def _programme(agency: Agency, year: int) -> Programme:
    programme = Programme.objects.filter(agency=agency, fiscal_year=year, code=PROGRAMME_CODE).first()
    if programme is None:
        programme = Programme(
            fiscal_year=year, code=PROGRAMME_CODE, name="Pengembangan IKM (data contoh analisis)"
        )
        programme.place_at_agency(agency)
        programme.save()
    return programme


def _activity(
    agency: Agency,
    year: int,
    *,
    code: str,
    name: str,
    kind: str,
    period: tuple[dt.date, dt.date],
    villages: list[str],
    enterprises: list[int],
    description: str = "",
) -> Activity:
    source = FundingSource.GRANT if agency.kind == AgencyKind.DEKRANAS else FundingSource.APBD_REGENCY
    activity = Activity(
        programme=_programme(agency, year),
        fiscal_year=year,
        code=code,
        name=name,
        kind=kind,
        funding_source=source,
        description=description,
        start_date=period[0],
        end_date=period[1],
        verification_status="accepted",
        submitted_at=_moment(dt.date(year - 1, 12, 5)),
        verified_at=_moment(dt.date(year - 1, 12, 12)),
        accepted_at=_moment(dt.date(year - 1, 12, 26)),
    )
    activity.place_at_agency(agency)
    activity.save()
    activity.locations.set(villages)
    activity.enterprises.set(enterprises)
    return activity


def _villages(regency: str, count: int) -> list[str]:
    return list(
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=regency + ".")
        .order_by("code")
        .values_list("code", flat=True)[:count]
    )


def _enterprises(villages: list[str], regency: str, count: int) -> list[int]:
    """Active IKM of these villages (the regency's when the villages have too few), lowest ids first."""
    found = list(
        Enterprise.objects.filter(village_id__in=villages, status="active")
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    if len(found) < count:
        more = (
            Enterprise.objects.filter(regency_code=regency, status="active")
            .exclude(pk__in=found)
            .order_by("pk")
            .values_list("pk", flat=True)[: count - len(found)]
        )
        found += list(more)
    return found


def _regency_agencies(regency: Region) -> tuple[Agency, Agency]:
    industry = agency_get_or_create(
        name=f"Dinas Perindustrian {regency.name}",
        kind=AgencyKind.REGENCY_INDUSTRY,
        region_code=regency.code,
        short_name="Disperindag",
    )
    cooperatives = agency_get_or_create(
        name=f"Dinas Koperasi dan UKM {regency.name}",
        kind=AgencyKind.COOPERATIVES,
        region_code=regency.code,
        short_name="Diskop UKM",
    )
    return industry, cooperatives


def kutai_timur(year: int) -> tuple[Activity, Activity, ActivityLink] | None:
    """The Kutai Timur pair, checked and linked as a sequence; None when the regency is not loaded."""
    if not Region.objects.filter(code=KUTIM).exists():
        return None
    dekranasda = agency_get_or_create(
        name=DEKRANASDA_KUTIM, kind=AgencyKind.DEKRANAS, region_code=KUTIM, short_name="Dekranasda Kutim"
    )
    diskop = agency_get_or_create(
        name=DISKOP_KUTIM, kind=AgencyKind.COOPERATIVES, region_code=KUTIM, short_name="Diskop UKM Kutim"
    )
    villages = _villages(KUTIM, 2)
    members = _enterprises(villages, KUTIM, 8)
    basic = _activity(
        dekranasda,
        year,
        code=BASIC_CODE,
        name="Pelatihan Tenun Ulap Doyo Tingkat Dasar bagi Perajin Kutai Timur",
        kind=ActivityKind.TRAINING,
        period=(dt.date(year, 4, 13), dt.date(year, 4, 17)),
        villages=villages,
        enterprises=members[:6],
        description="Pelaksanaan PK Dekranasda Kutai Timur: teknik dasar menenun ulap doyo (data contoh).",
    )
    advanced = _activity(
        diskop,
        year,
        code=ADVANCED_CODE,
        name="Bimtek Tenun Ulap Doyo Lanjutan untuk IKM Tenun",
        kind=ActivityKind.TRAINING,
        period=(dt.date(year, 6, 8), dt.date(year, 6, 12)),
        villages=villages,
        enterprises=members[2:8],
        description="Motif dan pewarnaan alami bagi perajin tenun ulap doyo (data contoh).",
    )
    actor = system_actor()
    flagged = [o.activity_id for o in overlaps_for(actor=actor, activity=basic)]
    if advanced.pk not in flagged:
        # The demo shows a flagged pair; a check that no longer flags it must be noticed, not hidden.
        raise RuntimeError("Demo analitik: pemeriksaan tumpang tindih tidak menandai pasangan Kutai Timur.")
    link = link_activities(
        actor=actor, first=basic, second=advanced, kind=LinkKind.SEQUENCE, reason=SEQUENCE_REASON
    )
    return basic, advanced, link


def generated(year: int, rng: random.Random) -> tuple[int, int]:
    """Duplicate trainings across two offices per regency, and pathways over two years.

    Returns (overlapping pairs, pathway activities)."""
    pairs = pathway_acts = 0
    for province in PROVINCES:
        regencies = list(
            Region.objects.filter(level=Region.Level.REGENCY, parent_id=province).order_by("code")
        )
        for regency in rng.sample(regencies, min(REGENCIES_PER_PROVINCE, len(regencies))):
            villages = _villages(regency.code, 3)
            if not villages:
                continue
            industry, cooperatives = _regency_agencies(regency)
            village = rng.choice(villages)
            members = _enterprises([village], regency.code, 6)
            first, second = rng.choice(TOPICS)
            month = rng.choice((3, 4, 5, 7, 8, 9))
            tag = regency.code.replace(".", "")
            _activity(
                industry,
                year,
                code=f"{PROGRAMME_CODE}.{tag}.A",
                name=first,
                kind=ActivityKind.TRAINING,
                period=_period(year, month),
                villages=[village],
                enterprises=members[:4],
            )
            _activity(
                cooperatives,
                year,
                code=f"{PROGRAMME_CODE}.{tag}.B",
                name=second,
                kind=ActivityKind.TRAINING,
                period=_period(year, month + rng.choice((0, 1)), 2),
                villages=[village],
                enterprises=members[2:6],
            )
            pairs += 1
            # A pathway: last year's training, then this year's halal certification and exhibition.
            steps = (
                (
                    year - 1,
                    "P",
                    f"{first} (angkatan {year - 1})",
                    ActivityKind.TRAINING,
                    rng.choice((5, 6, 7)),
                ),
                (year, "H", "Fasilitasi Sertifikasi Halal bagi IKM", ActivityKind.HALAL, 2),
                (year, "E", "Pameran Produk IKM Daerah", ActivityKind.EXHIBITION, 10),
            )
            for step_year, suffix, name, kind, step_month in steps:
                _activity(
                    industry,
                    step_year,
                    code=f"{PROGRAMME_CODE}.{tag}.{suffix}",
                    name=name,
                    kind=kind,
                    period=_period(step_year, step_month),
                    villages=[village],
                    enterprises=members,
                )
                pathway_acts += 1
    return pairs, pathway_acts


@transaction.atomic
def seed(*, seed: int = 1, report=None) -> dict[str, int]:
    counts = {"overlap demo activities": 0, "activity links": 0}
    if (
        Activity.objects.filter(code=BASIC_CODE).exists()
        or Programme.objects.filter(code=PROGRAMME_CODE).exists()
    ):
        return counts  # already loaded
    year = timezone.localdate().year
    before = Activity.objects.count()
    case = kutai_timur(year)
    generated(year, random.Random(f"{seed}:analytics_overlaps"))  # nosec B311 - reproducible demo data
    counts["overlap demo activities"] = Activity.objects.count() - before
    counts["activity links"] = 1 if case else 0
    if report is not None:
        for name, value in counts.items():
            report.created[name] += value
    return counts


def demo_step(context: DemoContext) -> None:
    """The overlaps/links/pathways step of `sentra demo` (core.demo, order 65)."""
    seed(seed=context.seed, report=context.report)
