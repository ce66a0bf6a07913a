"""Demo data for part 3: one complete fiscal year of plans, DIPA, dekonsentrasi or tugas pembantuan,
RPD and realisation.

`demo_fiscal_year` writes, with bulk_create and no per-row service call (the rows are valid by
construction and the rules of services.py are kept: lines of a DIPA belong to its satker and source,
no capital spending on dekon, every RPD adds up to its pagu, the dekon shares add up to the total,
no realisation above the pagu or in a month that has not ended):

- the ministry (Ditjen IKMA) with an APBN DIPA of several national activities;
- the ministry's allocation to provinces (DekonAllocation) split across all 38 provinces (Rp0.5–3
  billion each, larger where there are more IKM) and, per province, the Disperindag(kop)'s DIPA with
  3–6 non-physical activities: dekonsentrasi for years before 2024, tugas pembantuan from TA 2024, when
  Ditjen IKMA's provincial work became TP in every province (PP 19/2022; domain-facts 7.1)
  (bimtek, WUB, halal/SNI/HKI, e-Smart IKM, exhibitions, studies) whose lines add up to the share;
  activities target real regencies of the province and the demo centres and their members there
  (the PPU sentra of SK Bupati 518/176/2020 for Kalimantan Timur);
- the PPU dinas with a tugas pembantuan DIPA (machine aid and sentra revitalisation, with capital
  spending) and APBD plans; Kota Balikpapan with an APBD plan for the Somber sentra;
- RPD back-loaded as Indonesian budgets are; realisation for every month that has ended as at
  `as_of`, with several provinces clearly behind their plan, a few on track, the rest in between;
- verification states by age (old months accepted, recent ones submitted or draft, one returned);
- one DIPA revision (Kalimantan Timur, revision 1 in July) so that versions can be compared;
- the year's BudgetPolicy with the defaults.

Amounts, DIPA numbers and codes are illustrative (the codes follow the shapes of the real ones but
are not taken from a real DIPA). Running it again for the same year writes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from sentra.agencies.demo import demo_agencies_by_name, province_agencies
from sentra.agencies.demo_facts import AGENCIES, MINISTRY_AGENCY, PPU, PPU_AGENCY
from sentra.agencies.models import Agency
from sentra.agencies.services import agency_get_or_create
from sentra.audit.models import AuditAction, AuditEvent
from sentra.audit.services import object_type
from sentra.core.demo import DemoContext, DemoReport, person_name
from sentra.regions.demo import PROVINCE_WEIGHTS
from sentra.regions.models import Region
from sentra.registry.models import Centre, CentreMembership

from .choices import DIPA_SOURCES, AccountGroup, ActivityKind, FundingSource
from .models import (
    DEFAULT_LAG_THRESHOLD,
    DEFAULT_QUARTER_TARGETS,
    RPD_FIELDS,
    Activity,
    BudgetDocument,
    BudgetDocumentVersion,
    BudgetLine,
    BudgetPolicy,
    DekonAllocation,
    DekonShare,
    DisbursementPlan,
    Output,
    Programme,
    Realisation,
)

DEMO_BY = "sentra demo"
PROGRAMME_NAME = "Program Nilai Tambah dan Daya Saing Industri"
PROGRAMME_CODE = "019.05.DL"  # illustrative: Kemenperin (019), Ditjen IKMA (05), programme
KEGIATAN = "5305"  # illustrative code of the kegiatan "Penumbuhan dan Pengembangan IKMA"
KEGIATAN_NAME = "Penumbuhan dan Pengembangan IKMA"
APBD_PROGRAMME = ("3.31.02", "Program Perencanaan dan Pembangunan Industri")  # Permendagri 90/2019

# Provinces' dekon shares, in rupiah: a floor and a ceiling (brief: Rp0.5–3 billion).
SHARE_MIN, SHARE_MAX = 500_000_000, 3_000_000_000
# From TA 2024 Ditjen IKMA's deconcentration work became tugas pembantuan in every province (egindo.com,
# Rakor 9–12 Oct 2023; domain-facts 7.1): the demo's provincial DIPA and allocation follow the year.
TP_FROM_YEAR = 2024


# SAKTI coding of the demo's DIPA lines (domain-facts 7.1), illustrative like the amounts: every DIPA
# activity of kegiatan 5305 gets KRO "RBS", an RO from its own code and komponen 051, and each line an
# akun of its account group, so that a SAKTI-style realisation file can be imported against the demo.
DEMO_KRO, DEMO_COMPONENT = "RBS", "051"
DEMO_ACCOUNTS = {"51": "511111", "52": "521211", "53": "532111", "57": "572111"}


def provincial_source(year: int) -> FundingSource:
    """The funding of the provinces' Kemenperin work in `year`: dekon before 2024, TP from 2024."""
    return FundingSource.TP if year >= TP_FROM_YEAR else FundingSource.DEKON


THOUSAND = 1_000

# A back-loaded year, as most Indonesian budgets are, planned to about the SMART/IKPA quarter targets:
# 12 % by March, 38 % by June, 62 % by September, 72 % by October, a sixth of the year in December.
BACK_LOADED = (2, 4, 6, 8, 9, 9, 8, 8, 8, 10, 12, 16)
# Capital spending is paid in terms: down payment, two progress payments, handover.
TERMS = (0, 0, 0, 20, 0, 0, 30, 0, 30, 0, 20, 0)
# Dekon work starts from March, but its preparation (meetings, selection of participants) is paid
# from February.
PREPARATION = 2


@dataclass(frozen=True)
class Template:
    code: str  # suffix of the activity code, stable so that a second run finds the same rows
    name: str
    kind: str
    indicator: str
    unit: str
    target: tuple[int, int]
    weight: float  # relative size inside a province's share
    beneficiaries: str = ""  # "centres": centres and their members; "food": food IKM; "ikm": any IKM
    start: int = 2
    end: int = 11


# Non-physical work only (dekon: PP 7/2008 Pasal 20(3), now PP 19/2022): every provincial line is
# belanja barang (52), in the TP years too, where the work (WUB, product development) stays the same.
DEKON_TEMPLATES: dict[str, Template] = {
    t.kind: t
    for t in (
        Template(
            "01",
            "Bimbingan teknis peningkatan mutu dan desain produk IKM",
            ActivityKind.TRAINING,
            "IKM yang mengikuti bimtek",
            "IKM",
            (30, 80),
            1.4,
            "centres",
            3,
            10,
        ),
        Template(
            "02",
            "Penumbuhan wirausaha baru (WUB) IKM",
            ActivityKind.WUB,
            "Wirausaha baru IKM yang tumbuh",
            "unit usaha",
            (20, 60),
            1.6,
            "",
            4,
            11,
        ),
        Template(
            "03",
            "Fasilitasi sertifikasi halal produk IKM pangan",
            ActivityKind.HALAL,
            "IKM yang memperoleh sertifikat halal",
            "sertifikat",
            (15, 50),
            0.8,
            "food",
            3,
            11,
        ),
        Template(
            "04",
            "Fasilitasi sertifikasi SNI produk IKM",
            ActivityKind.SNI,
            "IKM yang memperoleh SPPT-SNI",
            "sertifikat",
            (3, 10),
            0.9,
            "ikm",
            4,
            11,
        ),
        Template(
            "05",
            "Fasilitasi pendaftaran merek (HKI) IKM",
            ActivityKind.HKI,
            "Merek IKM yang didaftarkan",
            "merek",
            (20, 60),
            0.5,
            "ikm",
            3,
            10,
        ),
        Template(
            "06",
            "Onboarding e-commerce IKM melalui e-Smart IKM",
            ActivityKind.ECOMMERCE,
            "IKM yang bergabung di lokapasar",
            "IKM",
            (40, 100),
            0.8,
            "ikm",
            2,
            11,
        ),
        Template(
            "07",
            "Partisipasi pameran dan promosi produk IKM",
            ActivityKind.EXHIBITION,
            "IKM yang difasilitasi pameran",
            "IKM",
            (10, 30),
            1.0,
            "centres",
            5,
            11,
        ),
        Template(
            "08",
            "Kajian potensi dan pemetaan sentra IKM",
            ActivityKind.STUDY,
            "Dokumen kajian",
            "dokumen",
            (1, 1),
            0.4,
            "",
            3,
            9,
        ),
    )
}
OPTIONAL_KINDS = [k for k in DEKON_TEMPLATES if k not in (ActivityKind.TRAINING, ActivityKind.WUB)]

# (code, name, kind, indicator, unit, target, {account group: amount}, profile per group)
MINISTRY_ACTIVITIES: list[tuple[str, str, str, str, str, int, dict[str, int]]] = [
    (
        "01",
        "Pengembangan dan pengelolaan e-Smart IKM nasional",
        ActivityKind.ECOMMERCE,
        "IKM yang terdaftar di e-Smart IKM",
        "IKM",
        5_000,
        {"52": 8_750_000_000},
    ),
    (
        "02",
        "Restrukturisasi mesin dan peralatan IKM",
        ActivityKind.MACHINE_AID,
        "IKM penerima potongan harga mesin",
        "IKM",
        120,
        {"52": 2_400_000_000, "53": 14_600_000_000},
    ),
    (
        "03",
        "Pameran produk IKM tingkat nasional dan internasional",
        ActivityKind.EXHIBITION,
        "IKM yang difasilitasi pameran",
        "IKM",
        400,
        {"52": 11_200_000_000},
    ),
    (
        "04",
        "Kajian kebijakan pengembangan sentra IKM",
        ActivityKind.STUDY,
        "Dokumen kajian kebijakan",
        "dokumen",
        3,
        {"52": 1_850_000_000},
    ),
    (
        "05",
        "Pendampingan tenaga penyuluh lapangan (TPL) IKM",
        ActivityKind.TRAINING,
        "TPL IKM yang ditugaskan",
        "orang",
        150,
        {"51": 6_300_000_000, "52": 1_700_000_000},
    ),
]

OBSTACLES = [
    "Calon peserta belum lengkap; menunggu penetapan penerima oleh Kepala Dinas.",
    "Pengadaan jasa penyelenggara kegiatan terlambat (lelang ulang).",
    "Revisi POK masih menunggu persetujuan Kanwil DJPb.",
    "Narasumber dari pusat menjadwal ulang kegiatan.",
    "Bukti pertanggungjawaban dari peserta belum lengkap sehingga SPM belum diajukan.",
]
RETURN_REASON = (
    "Realisasi keuangan belum sesuai SP2D pada OM-SPAN; lampirkan bukti SP2D dan perbaiki angka bulan ini."
)


@dataclass
class _Act:
    """One activity being built: the model object plus what its lines, plan and realisation need."""

    obj: Activity
    lines: dict[str, int]  # account group → pagu (the current version)
    outputs: list[tuple[str, str, int]]
    profile: dict[str, tuple[int, ...]]  # account group → monthly weights
    pace: float  # realisation ÷ plan
    locations: list[str]
    centres: list[int]
    enterprises: list[int]
    original: dict[str, int] | None = None  # the lines before the revision, if revised


def _round(amount: float) -> int:
    return int(amount) // THOUSAND * THOUSAND


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` split by weights into thousands of rupiah; the last positive weight takes the rest."""
    whole = sum(weights)
    parts = [_round(total * w / whole) for w in weights]
    last = max(i for i, w in enumerate(weights) if w > 0)
    parts[last] += total - sum(parts)
    return parts


def _profile(base: tuple[int, ...], start: int, end: int) -> tuple[int, ...]:
    """Monthly weights of `base`, zero outside the activity's months (start..end, 1-based)."""
    weights = tuple(w if start <= m <= end else 0 for m, w in enumerate(base, start=1))
    return weights if any(weights) else base


def _moment(year: int, month: int, day: int) -> dt.datetime:
    if month > 12:
        year, month = year + 1, month - 12
    return dt.datetime(year, month, day, 9, 0, tzinfo=dt.UTC)


def _verification(status: str, *, year: int, month: int, reason: str = "") -> dict[str, Any]:
    """Field values of a state reached in the usual order: submitted by the 5th of the next month,
    verified a week later, accepted two weeks after that."""
    state: dict[str, Any] = {"verification_status": status}
    if status != "draft":
        state["submitted_at"] = _moment(year, month + 1, 5)
    if status in ("verified", "accepted"):
        state["verified_at"] = _moment(year, month + 1, 12)
    if status == "accepted":
        state["accepted_at"] = _moment(year, month + 1, 26)
    if status == "returned":
        state["return_reason"] = reason
    return state


def _month_state(month: int, last: int, rng: random.Random) -> str:
    """Older months are closed; the last ended month is still being reported."""
    age = last - month
    if age >= 3:
        return "accepted"
    if age == 2:
        return "verified" if rng.random() < 0.7 else "accepted"
    if age == 1:
        return "submitted" if rng.random() < 0.6 else "verified"
    return "draft" if rng.random() < 0.5 else "submitted"


class _Builder:
    def __init__(self, *, year: int, seed: int, as_of: dt.date, report: DemoReport):
        self.year, self.seed, self.as_of, self.report = year, seed, as_of, report
        self.rng = random.Random(f"fiscal-year:{seed}:{year}")  # nosec B311 - reproducible demo data
        # Officers drawn from their own stream, so that naming them leaves every other figure of the
        # year as it was for the same seed.
        self.officer_rng = random.Random(f"officers:{seed}:{year}")  # nosec B311 - reproducible demo data
        self.acts: list[_Act] = []
        self.documents: list[tuple[BudgetDocument, list[_Act]]] = []
        # APBD plans of the regencies (no pagu): programme, code, name, kind, centre, output, …
        self.apbd_plans: list[dict[str, Any]] = []
        self.lines: list[BudgetLine] = []
        self.plans: dict[int, list[int]] = {}  # id(line) → its RPD
        self.regencies = self._regencies()

    # --- reference ---------------------------------------------------------------------------------

    @staticmethod
    def _regencies() -> dict[str, list[tuple[str, str]]]:
        grouped: dict[str, list[tuple[str, str]]] = {}
        for code, name in Region.objects.filter(level=Region.Level.REGENCY).values_list("code", "name"):
            grouped.setdefault(code[:2], []).append((code, name))
        return grouped

    def last_month(self) -> int:
        """The last month that has ended as at `as_of` (0: none yet)."""
        if self.as_of.year > self.year:
            return 12
        if self.as_of.year < self.year:
            return 0
        return self.as_of.month - 1

    # --- records -------------------------------------------------------------------------------------

    def programme(self, agency: Agency, code: str, name: str) -> Programme:
        programme = Programme(fiscal_year=self.year, code=code, name=name)
        programme.place_at_agency(agency)
        return programme

    def activity(
        self,
        programme: Programme,
        *,
        code: str,
        name: str,
        kind: str,
        source: str,
        start: int,
        end: int,
        description: str = "",
        plan_reference: str = "",
        status: str = "accepted",
    ) -> Activity:
        activity = Activity(
            programme=programme,
            fiscal_year=self.year,
            code=code,
            name=name,
            kind=kind,
            funding_source=source,
            description=description,
            plan_reference=plan_reference,
            officer_name=person_name(self.officer_rng),
            start_date=dt.date(self.year, start, 1),
            end_date=dt.date(self.year, end, 28 if end == 2 else 30 if end != 12 else 31),
            **_verification(status, year=self.year - 1, month=12),
        )
        activity.place_at_agency(programme.agency)
        parts = code.split(".")
        if parts[0] == KEGIATAN and source in DIPA_SOURCES:  # kegiatan.KRO.RO.komponen as in SAKTI
            activity.kegiatan_code, activity.kro_code = KEGIATAN, DEMO_KRO
            activity.ro_code, activity.component_code = parts[-1].zfill(3)[-3:], DEMO_COMPONENT
        return activity

    def document(self, agency: Agency, kind: str, number: str, acts: list[_Act]) -> BudgetDocument:
        document = BudgetDocument(
            fiscal_year=self.year, kind=kind, number=number, issued_on=dt.date(self.year - 1, 12, 5)
        )
        document.place_at_agency(agency)
        # The satker code is the DIPA number's (SP DIPA-019.05.<authority>.<satker>/<year>); an agency
        # keeps a code it already has, and a code another agency holds is left to it.
        satker = number.split("/")[0].rsplit(".", 1)[-1]
        if len(satker) == 6 and satker.isdigit() and not Agency.objects.filter(satker_code=satker).exists():
            Agency.objects.filter(pk=agency.pk, satker_code="").update(satker_code=satker)
        self.documents.append((document, acts))
        self.acts.extend(acts)
        return document


def _centre_pool(province: str) -> list[dict[str, Any]]:
    """The province's demo centres, the real ones first, with their members. The real ones are those
    recorded through the registry's service, with their history (the generated ones are bulk-written
    without): read from the database, not from the registry's demo facts."""
    centres = list(
        Centre.objects.filter(province_code=province)
        .order_by("pk")
        .values("pk", "name", "regency_code", "kbli_id")
    )
    real = set(
        AuditEvent.objects.filter(
            object_type=object_type(Centre),
            action=AuditAction.CREATE,
            object_id__in=[c["pk"] for c in centres],
        ).values_list("object_id", flat=True)
    )
    centres.sort(key=lambda c: (c["pk"] not in real, c["pk"]))
    members: dict[int, list[int]] = {}
    for centre_id, enterprise_id in (
        CentreMembership.objects.filter(centre_id__in=[c["pk"] for c in centres])
        .order_by("centre_id", "enterprise_id")
        .values_list("centre_id", "enterprise_id")
    ):
        members.setdefault(centre_id, []).append(enterprise_id)
    for centre in centres:
        centre["members"] = members.get(centre["pk"], [])
    return centres


def _ministry(report: DemoReport) -> Agency:
    name, short_name, kind, _place, _level = next(a for a in AGENCIES if a[0] == MINISTRY_AGENCY)
    before = Agency.objects.count()
    agency = agency_get_or_create(name=name, kind=kind, region_code=None, short_name=short_name)
    report.created["agencies"] += Agency.objects.count() - before
    return agency


def _regency_agency(name: str, short_name: str, regency: str, report: DemoReport) -> Agency | None:
    region = Region.objects.filter(level=Region.Level.REGENCY, name=regency).first()
    if region is None:
        report.notes.append(f"{regency} tidak ada di data referensi; {name} tidak dibuat.")
        return None
    existing = Agency.objects.filter(kind="regency_industry", region=region).order_by("pk").first()
    if existing:
        return existing
    report.created["agencies"] += 1
    return agency_get_or_create(
        name=name, kind="regency_industry", region_code=region.code, short_name=short_name
    )


def demo_fiscal_year(
    year: int | None = None, *, seed: int, as_of: dt.date | None = None, report: DemoReport | None = None
) -> DemoReport:
    """Write one fiscal year of demo plans, budgets and realisation; a second run writes nothing."""
    as_of = as_of or timezone.localdate()
    year = year or as_of.year
    report = report or DemoReport()
    ministry = _ministry(report)
    if BudgetDocument.objects.filter(agency=ministry, fiscal_year=year, kind=FundingSource.APBN).exists():
        report.notes.append(f"Data anggaran contoh TA {year} sudah ada; tidak ditulis ulang.")
        return report
    if DekonAllocation.objects.filter(fiscal_year=year).exists():
        report.notes.append(
            f"Alokasi dekonsentrasi/tugas pembantuan TA {year} sudah diisi; "
            "data anggaran contoh tidak ditulis."
        )
        return report
    with transaction.atomic():
        _write(year=year, seed=seed, as_of=as_of, ministry=ministry, report=report)
    return report


def _write(*, year: int, seed: int, as_of: dt.date, ministry: Agency, report: DemoReport) -> None:
    b = _Builder(year=year, seed=seed, as_of=as_of, report=report)
    rng = b.rng
    BudgetPolicy.objects.get_or_create(
        fiscal_year=year,
        defaults={
            "target_q1": DEFAULT_QUARTER_TARGETS[0],
            "target_q2": DEFAULT_QUARTER_TARGETS[1],
            "target_q3": DEFAULT_QUARTER_TARGETS[2],
            "target_q4": DEFAULT_QUARTER_TARGETS[3],
            "lag_threshold": DEFAULT_LAG_THRESHOLD,
        },
    )
    programmes: list[Programme] = []

    # --- the ministry's APBN DIPA --------------------------------------------------------------------
    prog = b.programme(ministry, PROGRAMME_CODE, PROGRAMME_NAME)
    programmes.append(prog)
    kaltim_centres = _centre_pool("64")
    ministry_acts = []
    for code, name, kind, indicator, unit, target, lines in MINISTRY_ACTIVITIES:
        profile = {g: TERMS if g == AccountGroup.CAPITAL else BACK_LOADED for g in lines}
        centres, enterprises, locations = [], [], []
        if kind == ActivityKind.MACHINE_AID:  # a few machines for the PPU sentra
            for centre in kaltim_centres[:2]:
                centres.append(centre["pk"])
                enterprises.extend(centre["members"][:3])
                locations.append(centre["regency_code"])
        ministry_acts.append(
            _Act(
                obj=b.activity(
                    prog,
                    code=f"{KEGIATAN}.{code}",
                    name=name,
                    kind=kind,
                    source=FundingSource.APBN,
                    start=1,
                    end=12,
                    description=f"Kegiatan {KEGIATAN_NAME}, dilaksanakan oleh Ditjen IKMA.",
                ),
                lines=dict(lines),
                outputs=[(indicator, unit, target)],
                profile=profile,
                pace=rng.uniform(0.9, 1.0),
                locations=sorted(set(locations)),
                centres=centres,
                enterprises=enterprises,
            )
        )
    b.document(ministry, FundingSource.APBN, f"SP DIPA-019.05.1.465570/{year}", ministry_acts)

    # --- dekonsentrasi (to 2023) or tugas pembantuan (2024 on): the allocation, one DIPA per province ---
    source = provincial_source(year)
    # DIPA numbers carry the authority: 3 dekonsentrasi, 4 tugas pembantuan (as PPU's TP DIPA below).
    authority = "4" if source == FundingSource.TP else "3"
    funds = "tugas pembantuan" if source == FundingSource.TP else "dekonsentrasi"
    provinces = list(
        Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").values_list("code", "name")
    )
    owners = province_agencies(demo_agencies_by_name(), report)
    agencies = Agency.objects.in_bulk(list(owners.values()))
    others = [code for code, _ in provinces if code != "64"]
    lagging = set(rng.sample(others, 7))
    on_track = set(rng.sample([c for c in others if c not in lagging], 6))
    shares: dict[str, int] = {}
    heaviest = max(PROVINCE_WEIGHTS.values())
    for index, (province, province_name) in enumerate(provinces):
        weight = PROVINCE_WEIGHTS.get(province, 0.1) / heaviest
        share = SHARE_MIN + (SHARE_MAX - SHARE_MIN) * weight**0.6 * rng.uniform(0.85, 1.0)
        shares[province] = min(SHARE_MAX, max(SHARE_MIN, round(share / 1_000_000) * 1_000_000))
        agency = agencies[owners[province]]
        prog = b.programme(agency, PROGRAMME_CODE, PROGRAMME_NAME)
        programmes.append(prog)
        kinds = [ActivityKind.TRAINING, ActivityKind.WUB] + rng.sample(OPTIONAL_KINDS, rng.randint(1, 4))
        if province == "64":  # Kalimantan Timur: every kind the demo personas need to see
            kinds = [ActivityKind.TRAINING, ActivityKind.WUB, ActivityKind.HALAL, ActivityKind.ECOMMERCE]
            kinds.append(ActivityKind.EXHIBITION)
        templates = [DEKON_TEMPLATES[k] for k in kinds]
        amounts = _split(shares[province], [t.weight * rng.uniform(0.8, 1.2) for t in templates])
        pool = kaltim_centres if province == "64" else _centre_pool(province)
        regencies = b.regencies.get(province, [])
        acts = []
        for number, (template, amount) in enumerate(zip(templates, amounts, strict=True)):
            if province in lagging:
                pace = rng.uniform(0.35, 0.6)
            elif province in on_track:
                pace = rng.uniform(0.97, 1.03)
            elif province == "64":  # on track but for the e-commerce onboarding
                pace = 0.45 if template.kind == ActivityKind.ECOMMERCE else rng.uniform(0.93, 1.0)
            else:
                pace = rng.uniform(0.86, 0.98)
            centres, enterprises = _beneficiaries(template, pool, number, rng)
            places = {c["regency_code"] for c in pool if c["pk"] in centres}
            if regencies:
                places.update(
                    code for code, _ in rng.sample(regencies, min(len(regencies), rng.randint(1, 3)))
                )
            target = rng.randint(*template.target)
            status = "accepted" if rng.random() < 0.85 else rng.choice(["verified", "submitted"])
            acts.append(
                _Act(
                    obj=b.activity(
                        prog,
                        code=f"{KEGIATAN}.{province}.{template.code}",
                        name=f"{template.name} Provinsi {province_name}",
                        kind=template.kind,
                        source=source,
                        start=template.start,
                        end=template.end,
                        description=(
                            f"Dana {funds} Kemenperin, kegiatan {KEGIATAN_NAME}, "
                            f"dilaksanakan oleh {agency.name}."
                        ),
                        status=status,
                    ),
                    lines={AccountGroup.GOODS: amount},
                    outputs=[(template.indicator, template.unit, target)],
                    # paid from February to December (claims trail the work)
                    profile={AccountGroup.GOODS: _profile(BACK_LOADED, PREPARATION, 12)},
                    pace=pace,
                    locations=sorted(places),
                    centres=centres,
                    enterprises=enterprises,
                )
            )
        satker = f"{int(province):02d}{index + 1:02d}10"
        b.document(agency, source, f"SP DIPA-019.05.{authority}.{satker}/{year}", acts)
        if province == "64":
            _revise(acts)
    allocation_total = sum(shares.values())

    # --- the demo regencies ----------------------------------------------------------------------------
    ppu = Agency.objects.filter(name=PPU_AGENCY).first() or _regency_agency(
        PPU_AGENCY, "Disperindag UKM PPU", PPU, report
    )
    if ppu is not None:
        programmes.extend(_ppu(b, ppu, kaltim_centres))
    balikpapan = _regency_agency(
        "Dinas Koperasi, UMKM dan Perindustrian Kota Balikpapan",
        "DKUMKMP Balikpapan",
        "Kota Balikpapan",
        report,
    )
    if balikpapan is not None:
        programmes.append(_balikpapan(b, balikpapan, kaltim_centres))

    # --- write ---------------------------------------------------------------------------------------------
    Programme.objects.bulk_create(programmes)
    for act in b.acts:
        act.obj.programme_id = act.obj.programme.pk
    plan_only = _plan_only_acts(b)
    Activity.objects.bulk_create([a.obj for a in b.acts + plan_only])
    _write_relations(b.acts + plan_only)
    if source == FundingSource.TP:
        basis = (
            f"PP 19/2022; Peraturan Menteri Perindustrian tentang penugasan sebagian urusan pemerintahan "
            f"bidang perindustrian kepada pemerintah provinsi dalam rangka tugas pembantuan TA {year} "
            f"(data contoh)"
        )
    else:
        basis = (
            f"Peraturan Menteri Perindustrian tentang pelimpahan sebagian urusan pemerintahan bidang "
            f"perindustrian kepada gubernur dalam rangka dekonsentrasi TA {year} (data contoh)"
        )
    allocation = DekonAllocation.objects.create(
        fiscal_year=year, kind=source, agency=ministry, total=allocation_total, legal_basis=basis
    )
    DekonShare.objects.bulk_create(
        DekonShare(allocation=allocation, province_id=code, amount=amount) for code, amount in shares.items()
    )
    _write_budgets(b)
    _write_realisation(b)
    report.created["programmes"] += len(programmes)
    report.created["activities"] += len(b.acts) + len(plan_only)
    report.created["budget documents"] += len(b.documents)
    report.created["budget lines"] += sum(len(a.lines) for a in b.acts)
    report.created["realisations"] += Realisation.objects.filter(fiscal_year=year).count()


def _beneficiaries(
    template: Template, pool: list[dict[str, Any]], number: int, rng: random.Random
) -> tuple[list[int], list[int]]:
    if not pool or not template.beneficiaries:
        return [], []
    if template.beneficiaries == "centres":
        # a different pair of centres for each activity, the real ones first
        chosen = [pool[(number * 2 + i) % len(pool)] for i in range(min(2, len(pool)))]
        centres = sorted({c["pk"] for c in chosen})
        enterprises = sorted({e for c in chosen for e in c["members"][:6]})
        return centres, enterprises
    candidates = [
        c for c in pool if template.beneficiaries == "ikm" or (c["kbli_id"] or "").startswith(("10", "11"))
    ]
    members = sorted({e for c in candidates[:4] for e in c["members"]})
    return [], sorted(rng.sample(members, min(len(members), 8)))


def _revise(acts: list[_Act]) -> None:
    """Revision 1 of a province DIPA (July): money moves from the exhibition to e-commerce onboarding
    and the bimtek; the total, and so the dekon share, stays the same."""
    by_kind = {a.obj.kind: a for a in acts}
    source = by_kind[ActivityKind.EXHIBITION]
    gains = [by_kind[ActivityKind.ECOMMERCE], by_kind[ActivityKind.TRAINING]]
    moved = _round(source.lines[AccountGroup.GOODS] * 0.3)
    for act in acts:
        act.original = dict(act.lines)
    source.lines[AccountGroup.GOODS] -= moved
    first = _round(moved * 0.6)
    gains[0].lines[AccountGroup.GOODS] += first
    gains[1].lines[AccountGroup.GOODS] += moved - first


def _ppu(b: _Builder, agency: Agency, kaltim_centres: list[dict[str, Any]]) -> list[Programme]:
    """Penajam Paser Utara: a tugas pembantuan DIPA with capital spending for its sentra (machines,
    revitalisation), and APBD plans (the APBD has no DIPA, so they carry no pagu here)."""
    ppu_centres = {c["name"]: c for c in kaltim_centres if c["regency_code"] == agency.region_id}
    kemenperin = b.programme(agency, PROGRAMME_CODE, PROGRAMME_NAME)
    apbd = b.programme(agency, *APBD_PROGRAMME)
    acts = []
    for code, name, kind, centre_name, lines, pace, output in (
        (
            "01",
            "Bantuan mesin pengolahan kelapa terpadu",
            ActivityKind.MACHINE_AID,
            "Sentra Kelapa dan Kerajinannya",
            {AccountGroup.GOODS: 180_000_000, AccountGroup.CAPITAL: 1_450_000_000},
            0.95,
            ("Paket mesin yang diserahkan", "paket", 4),
        ),
        (
            "02",
            "Revitalisasi Sentra Gula Aren: rumah produksi bersama",
            ActivityKind.REVITALISATION,
            "Sentra Gula Aren",
            {AccountGroup.GOODS: 240_000_000, AccountGroup.CAPITAL: 2_100_000_000},
            0.3,  # the tender failed and was repeated
            ("Sentra yang direvitalisasi", "sentra", 1),
        ),
    ):
        centre = ppu_centres.get(centre_name)
        acts.append(
            _Act(
                obj=b.activity(
                    kemenperin,
                    code=f"{KEGIATAN}.TP.{code}",
                    name=f"{name} — {centre_name}",
                    kind=kind,
                    source=FundingSource.TP,
                    start=3,
                    end=12,
                    description="Tugas pembantuan Kemenperin kepada Pemkab Penajam Paser Utara.",
                    plan_reference="RPJMD PPU: meningkatnya nilai tambah produk unggulan sentra IKM",
                ),
                lines=lines,
                outputs=[output],
                profile={
                    AccountGroup.GOODS: _profile(BACK_LOADED, 3, 12),
                    AccountGroup.CAPITAL: TERMS,
                },
                pace=pace,
                locations=[agency.region_id],
                centres=[centre["pk"]] if centre else [],
                enterprises=centre["members"][:6] if centre else [],
            )
        )
    b.document(agency, FundingSource.TP, f"SP DIPA-019.05.4.640901/{b.year}", acts)
    reference = "RPJMD PPU: meningkatnya nilai tambah produk unggulan sentra IKM"
    b.apbd_plans += [
        {
            "programme": apbd,
            "code": "3.31.02.2.01.01",
            "name": "Pelatihan desain motif dan pewarnaan alam Sentra Batik",
            "kind": ActivityKind.TRAINING,
            "centre": ppu_centres.get("Sentra Batik"),
            "output": ("IKM yang mengikuti pelatihan", "IKM", 15),
            "status": "submitted",
            "months": (4, 9),
            "plan_reference": reference,
        },
        {
            "programme": apbd,
            "code": "3.31.02.2.01.02",
            "name": "Fasilitasi kemasan dan label produk Sentra Terasi",
            "kind": ActivityKind.OTHER,
            "centre": ppu_centres.get("Sentra Terasi"),
            "output": ("IKM yang difasilitasi kemasan", "IKM", 12),
            "status": "submitted",
            "months": (5, 10),
            "plan_reference": reference,
        },
    ]
    return [kemenperin, apbd]


def _balikpapan(b: _Builder, agency: Agency, kaltim_centres: list[dict[str, Any]]) -> Programme:
    apbd = b.programme(agency, *APBD_PROGRAMME)
    somber = next((c for c in kaltim_centres if c["name"] == "Sentra IKM Tahu Tempe Somber"), None)
    b.apbd_plans.append(
        {
            "programme": apbd,
            "code": "3.31.02.2.02.01",
            "name": "Revitalisasi Sentra IKM Tahu Tempe Somber: instalasi pengolahan air limbah",
            "kind": ActivityKind.REVITALISATION,
            "centre": somber,
            "output": ("Sentra yang direvitalisasi", "sentra", 1),
            "status": "draft",
            "months": (5, 12),
            "plan_reference": "",
        }
    )
    return apbd


def _plan_only_acts(b: _Builder) -> list[_Act]:
    """APBD activities: planned, with outputs and beneficiaries, but without a pagu (the model keeps
    budgets only for DIPA sources: APBN, dekon, TP)."""
    acts = []
    for plan in b.apbd_plans:
        programme, centre = plan["programme"], plan["centre"]
        activity = b.activity(
            programme,
            code=plan["code"],
            name=plan["name"],
            kind=plan["kind"],
            source=FundingSource.APBD_REGENCY,
            start=plan["months"][0],
            end=plan["months"][1],
            plan_reference=plan["plan_reference"],
            status=plan["status"],
        )
        activity.programme_id = programme.pk
        acts.append(
            _Act(
                obj=activity,
                lines={},
                outputs=[plan["output"]],
                profile={},
                pace=0,
                locations=[programme.agency.region_id],
                centres=[centre["pk"]] if centre else [],
                enterprises=centre["members"][:6] if centre else [],
            )
        )
    return acts


def _write_relations(acts: list[_Act]) -> None:
    Output.objects.bulk_create(
        Output(activity=a.obj, indicator=indicator, unit=unit, target=Decimal(target))
        for a in acts
        for indicator, unit, target in a.outputs
    )
    through = Activity.locations.through
    through.objects.bulk_create(
        through(activity_id=a.obj.pk, region_id=code) for a in acts for code in a.locations
    )
    through = Activity.centres.through
    through.objects.bulk_create(through(activity_id=a.obj.pk, centre_id=pk) for a in acts for pk in a.centres)
    through = Activity.enterprises.through
    through.objects.bulk_create(
        through(activity_id=a.obj.pk, enterprise_id=pk) for a in acts for pk in a.enterprises
    )


def _version_lines(acts: list[_Act], amounts) -> list[dict[str, Any]]:
    rows = [
        {
            "activity": a.obj.pk,
            "code": a.obj.code,
            "name": a.obj.name,
            "account_group": group,
            "amount": amount,
        }
        for a in acts
        for group, amount in amounts(a).items()
    ]
    return sorted(rows, key=lambda r: (r["code"], r["account_group"]))


def _write_budgets(b: _Builder) -> None:
    documents = [d for d, _ in b.documents]
    revised = {id(d) for d, acts in b.documents if any(a.original for a in acts)}
    for document in documents:
        if id(document) in revised:
            document.revision = 1
            document.revision_number = f"{document.number} (revisi ke-1)"
            document.revised_on = dt.date(b.year, 7, 8)
    BudgetDocument.objects.bulk_create(documents)
    versions, lines, plans = [], [], []
    for document, acts in b.documents:
        current = _version_lines(acts, lambda a: a.lines)
        if document.revision:
            original = _version_lines(acts, lambda a: a.original or a.lines)
            versions.append(_version(document, 0, document.number, document.issued_on, original))
            versions.append(_version(document, 1, document.revision_number, document.revised_on, current))
        else:
            versions.append(_version(document, 0, document.number, document.issued_on, current))
        for act in acts:
            for group, amount in act.lines.items():
                line = BudgetLine(
                    document=document,
                    activity=act.obj,
                    account_group=group,
                    account_code=DEMO_ACCOUNTS.get(group, "") if act.obj.kegiatan_code else "",
                    amount=amount,
                )
                lines.append(line)
                months = _split(amount, list(act.profile[group]))
                plans.append(
                    (line, months, [3] if act.original and act.original.get(group) != amount else [])
                )
    BudgetDocumentVersion.objects.bulk_create(versions)
    BudgetLine.objects.bulk_create(lines)
    DisbursementPlan.objects.bulk_create(
        DisbursementPlan(line=line, revised_quarters=quarters, **dict(zip(RPD_FIELDS, months, strict=True)))
        for line, months, quarters in plans
    )
    b.plans = {id(line): months for line, months, _ in plans}
    b.lines = lines


def _version(document, revision, number, dated, lines) -> BudgetDocumentVersion:
    return BudgetDocumentVersion(
        document=document,
        revision=revision,
        number=number,
        dated=dated,
        lines=lines,
        total=sum(line["amount"] for line in lines),
        created_by=DEMO_BY,
    )


def _write_realisation(b: _Builder) -> None:
    """Each ended month: the plan times the activity's pace (with some noise), never above the pagu;
    physical progress and output achieved rise with the money."""
    last = b.last_month()
    if last <= 0:
        return
    plan_by_activity: dict[int, list[int]] = {}
    for line in b.lines:
        months = b.plans[id(line)]
        total = plan_by_activity.setdefault(line.activity.pk, [0] * 12)
        for m in range(12):
            total[m] += months[m]
    rng = random.Random(f"realisation:{b.seed}:{b.year}")  # nosec B311 - reproducible demo data
    rows = []
    returned = None
    for act in b.acts:
        plan = plan_by_activity.get(act.obj.pk)
        pagu = sum(act.lines.values())
        if not plan or not pagu:
            continue
        spent = 0
        achieved = progress = Decimal(0)
        target = Decimal(act.outputs[0][2]) if act.outputs else Decimal(0)
        lagging = act.pace < 0.7
        for month in range(1, last + 1):
            planned = plan[month - 1]
            if not planned and not spent:
                continue  # not started yet
            amount = _round(planned * act.pace * rng.uniform(0.85, 1.15))
            amount = max(0, min(amount, pagu - spent))
            spent += amount
            money = spent / pagu * 100
            progress = max(progress, Decimal(str(round(min(100.0, money * rng.uniform(1.0, 1.15)), 2))))
            achieved = max(achieved, (target * progress / 100).quantize(Decimal(1)))
            state = _month_state(month, last, rng)
            obstacles = rng.choice(OBSTACLES) if lagging and month >= last - 2 else ""
            row = Realisation(
                activity=act.obj,
                fiscal_year=b.year,
                month=month,
                amount=amount,
                physical_progress=progress,
                output_achieved=achieved,
                obstacles=obstacles,
                **_verification(state, year=b.year, month=month),
            )
            row.place_at_agency(act.obj.agency)
            rows.append(row)
            if (
                returned is None
                and lagging
                and act.obj.province_code == "64"
                and not act.obj.regency_code  # the province's own dekon/TP work, not PPU's
                and act.obj.funding_source == provincial_source(b.year)
                and month == last
            ):
                returned = row
    if returned is not None:
        for name, value in _verification(
            "returned", year=b.year, month=returned.month, reason=RETURN_REASON
        ).items():
            setattr(returned, name, value)
        returned.verified_at = returned.accepted_at = None
    Realisation.objects.bulk_create(rows, batch_size=2_000)


def demo_step(context: DemoContext) -> None:
    """The programmes' step of `sentra demo` (core.demo), after the registry's: the current fiscal year.
    Its streams are named from the seed and the year, so the other steps' data never shifts it."""
    demo_fiscal_year(seed=context.seed, report=context.report)
