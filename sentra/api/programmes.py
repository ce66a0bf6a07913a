"""Plans, budgets, realisation and budget-control figures (part 3).

A thin layer, like api/registry.py: reads go through programmes.selectors, writes through
programmes.services, whose DomainError the API turns into a 400 with field errors (see api/urls.py).
A record outside the caller's region answers 404 (a path id) or 400 `unknown_reference` (an id in a
body, as the registry does); a readable record the caller may not change answers 403.

Every integer parameter is bounded here. Rules that are the domain's own (month 1–12 of a realisation,
no negative rupiah, totals within the pagu, twelve RPD months adding up to the pagu) are not: they
reach the services and come back as a 400 with the service's `code` (e.g. `month_out_of_year`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, require, require_record
from sentra.agencies.models import Agency
from sentra.core.errors import DomainError, FieldError, NotFound
from sentra.programmes import selectors, services
from sentra.programmes.choices import AccountGroup, ActivityKind, FundingSource
from sentra.programmes.models import Activity, BudgetLine, Programme
from sentra.programmes.sakti import ACTIVITY_CODE_FIELDS, social_aid_warning
from sentra.regions.models import Region
from sentra.verification.models import VerificationStatus
from sentra.verification.services import bulk_transition, transition

from .auth import api_actor
from .etag import IF_MATCH_DESCRIPTION, STALE, if_match, tagged
from .registry import Page
from .schemas import ApiError, ErrorOut
from .workflow import BulkResultOut, TransitionIn

router = Router(tags=["program dan anggaran"])

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1

# --- bounded types (the API's own limits; the domain's rules are checked by the services) -----------

NoNul = r"^[^\x00]*$"  # PostgreSQL cannot store a NUL character
Str = Annotated[str, Field(pattern=NoNul)]
Id = Annotated[int, Field(ge=1, le=INT32_MAX, description="Id data (1 … 2³¹−1).")]
PageNo = Annotated[int, Field(ge=1, le=10_000)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE, description=f"Maksimum {MAX_PAGE_SIZE}.")]
Year = Annotated[int, Field(ge=2000, le=2100, description="Tahun anggaran.")]
MonthNo = Annotated[int, Field(ge=1, le=12, description="Bulan 1–12.")]
Rupiah = Annotated[int, Field(ge=-INT64_MAX - 1, le=INT64_MAX, description="Rupiah (bilangan bulat).")]
Number = Annotated[float, Field(allow_inf_nan=False)]

NOT_FOUND = {404: ErrorOut}
REFUSED = {401: ErrorOut, 403: ErrorOut}
READ = {401: ErrorOut, 403: ErrorOut}
WRITE = {400: ApiError, 401: ErrorOut, 403: ErrorOut}


def _reader(request, action: str = Action.LIST) -> Actor:
    actor = api_actor(request)
    require(actor, action, Area.PROGRAMMES)
    return actor


def _writer(request, action: str = Action.CREATE) -> Actor:
    """The caller's actor; a role that may not write plans and budgets is refused (403) before any field check
    (accounts.permissions, area programmes)."""
    actor = api_actor(request)
    require(actor, action, Area.PROGRAMMES)
    return actor


def _unknown(field: str, pk: Any) -> DomainError:
    return DomainError(
        _("Data terkait tidak ditemukan."),
        code="unknown_reference",
        errors=[FieldError(field, _("Data dengan id %(id)s tidak ada.") % {"id": pk}, "unknown")],
    )


def _referenced(obj, field: str, pk: Any):
    """A record named in the payload: missing (or outside the caller's scope) is a 400 on its field."""
    if obj is None:
        raise _unknown(field, pk)
    return obj


def _agency_or_none(agency_id: int | None) -> Agency | None:
    """No agency: the caller's own (services.owning_agency decides who may name another)."""
    if agency_id is None:
        return None
    return _referenced(Agency.objects.filter(pk=agency_id).first(), "agency_id", agency_id)


def _or_404(obj):
    if obj is None:
        raise NotFound
    return obj


def _editable(actor: Actor, obj):
    """The record of the URL: 404 outside the caller's scope, then 403 when the caller may not change
    it, both before any field of the payload is looked at."""
    require_record(actor, Action.EDIT, _or_404(obj))
    return obj


def _page(qs, page: int, page_size: int) -> dict[str, Any]:
    size = min(page_size, MAX_PAGE_SIZE)
    start = (page - 1) * size
    return {
        "count": qs.count(),  # plans and budgets: thousands of rows, not millions
        "count_exact": True,
        "page": page,
        "page_size": size,
        "results": list(qs[start : start + size]),
    }


# --- filters -----------------------------------------------------------------------------------------


class PlanFilters(Schema):
    fiscal_year: Year | None = None
    region: Str = Field("", description="Kode wilayah (provinsi, kab/kota), mis. 64 atau 64.09.")
    kind: ActivityKind | None = Field(None, description="Jenis kegiatan.")
    funding_source: FundingSource | None = Field(None, description="Sumber dana (DIPA: jenis DIPA).")
    agency: Id | None = Field(None, description="Id instansi/satker.")
    programme: Id | None = Field(None, description="Id program.")
    verification: VerificationStatus | None = Field(None, description="Status verifikasi.")
    waiting: bool = Field(False, description="Hanya data yang menunggu tindakan tingkat Anda.")
    q: Str = Field("", max_length=200, description="Cari kode atau nama.")
    page: PageNo = 1
    page_size: PageSize = DEFAULT_PAGE_SIZE

    def plan_filter(self) -> selectors.PlanFilter:
        return selectors.PlanFilter(
            fiscal_year=self.fiscal_year,
            region=self.region,
            q=self.q.strip(),
            kind=self.kind or "",
            funding_source=self.funding_source or "",
            agency=self.agency,
            programme=self.programme,
            verification=self.verification or "",
            waiting=self.waiting,
        )


class ProgrammeFilters(Schema):
    fiscal_year: Year | None = None
    region: Str = Field("", description="Kode wilayah, mis. 64 atau 64.09.")
    agency: Id | None = None
    q: Str = Field("", max_length=200)
    page: PageNo = 1
    page_size: PageSize = DEFAULT_PAGE_SIZE


class BudgetFilters(Schema):
    fiscal_year: Year | None = None
    region: Str = Field("", description="Kode wilayah, mis. 64 atau 64.09.")
    kind: FundingSource | None = Field(None, description="Sumber dana dokumen (DIPA, DPA, hibah …).")
    agency: Id | None = None
    q: Str = Field("", max_length=200, description="Cari nomor DIPA atau nama satker.")
    page: PageNo = 1
    page_size: PageSize = DEFAULT_PAGE_SIZE


class RealisationFilters(Schema):
    fiscal_year: Year | None = None
    month: MonthNo | None = None
    region: Str = Field("", description="Kode wilayah, mis. 64 atau 64.09.")
    agency: Id | None = None
    verification: VerificationStatus | None = None
    waiting: bool = Field(False, description="Hanya data yang menunggu tindakan tingkat Anda.")
    q: Str = Field("", max_length=200, description="Cari kode atau nama kegiatan.")
    page: PageNo = 1
    page_size: PageSize = DEFAULT_PAGE_SIZE


# --- programmes ----------------------------------------------------------------------------------------


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str
    fiscal_year: int
    agency_id: int
    agency_name: str = Field(alias="agency.name")
    region: str | None = Field(None, alias="region_id")
    province_code: str
    regency_code: str
    version: int = Field(description="Versi data; sama dengan ETag.")


class ProgrammeIn(Schema):
    fiscal_year: Year
    agency_id: Id | None = Field(None, description="Instansi pemilik; bawaan: instansi Anda.")
    code: Str = Field(max_length=40)
    name: Str = Field(max_length=250)


@router.get("/programmes", response={200: Page[ProgrammeOut], **READ}, summary="Daftar program")
def programme_list(request, filters: Query[ProgrammeFilters]):
    actor = _reader(request)
    f = selectors.PlanFilter(
        fiscal_year=filters.fiscal_year, region=filters.region, agency=filters.agency, q=filters.q.strip()
    )
    return _page(selectors.programme_list(actor=actor, filters=f), filters.page, filters.page_size)


@router.post("/programmes", response={201: ProgrammeOut, **WRITE}, summary="Tambah program")
def programme_create(request, payload: ProgrammeIn):
    actor = _writer(request)
    agency = _agency_or_none(payload.agency_id)
    programme = services.programme_create(
        actor=actor, fiscal_year=payload.fiscal_year, agency=agency, code=payload.code, name=payload.name
    )
    return 201, selectors.programme_get(actor=actor, pk=programme.pk)


# --- activities ----------------------------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    code: str
    name: str
    fiscal_year: int
    programme_id: int
    programme_code: str = Field(alias="programme.code")
    agency_id: int
    agency_name: str = Field(alias="agency.name")
    region: str | None = Field(None, alias="region_id")
    province_code: str
    regency_code: str
    kind: ActivityKind
    funding_source: FundingSource
    description: str
    start_date: date | None
    end_date: date | None
    plan_reference: str
    officer_name: str = Field(description="Penanggung jawab kegiatan (nama pejabat/petugas).")
    kegiatan_code: str = Field(description="Kode kegiatan SAKTI (4 digit); kosong bila tidak di DIPA.")
    kro_code: str = Field(description="Kode KRO SAKTI (3 karakter).")
    ro_code: str = Field(description="Kode RO SAKTI (3 digit).")
    component_code: str = Field(description="Kode komponen SAKTI (3 digit).")
    verification_status: VerificationStatus
    return_reason: str
    submitted_at: datetime | None
    verified_at: datetime | None
    accepted_at: datetime | None
    version: int = Field(description="Versi data; sama dengan ETag.")


class OutputOut(Schema):
    id: int
    indicator: str
    unit: str
    target: float


class RegionRef(Schema):
    code: str
    name: str


class RecordRef(Schema):
    id: int
    name: str


class ActivityDetailOut(ActivityOut):
    pagu: int = Field(description="Total pagu kegiatan di semua DIPA (Rp).")
    outputs: list[OutputOut] = Field(description="Keluaran; yang pertama keluaran utama.")
    locations: list[RegionRef]
    centres: list[RecordRef] = Field(description="Sentra IKM penerima.")
    enterprises: list[RecordRef] = Field(description="IKM penerima.")

    @staticmethod
    def resolve_outputs(obj):
        return list(obj.outputs.all())

    @staticmethod
    def resolve_locations(obj):
        return list(obj.locations.all())

    @staticmethod
    def resolve_centres(obj):
        return list(obj.centres.all())

    @staticmethod
    def resolve_enterprises(obj):
        return list(obj.enterprises.all())

    @staticmethod
    def resolve_pagu(obj):
        return selectors.activity_pagu(obj)


class OutputIn(Schema):
    indicator: Str = Field(max_length=250)
    unit: Str = Field(max_length=40)
    target: Number = Field(description="Target tahunan, dalam satuannya.")


class ActivityIn(Schema):
    programme_id: Id
    code: Str = Field(max_length=40)
    name: Str = Field(max_length=250)
    kind: ActivityKind
    funding_source: FundingSource
    description: Str = Field("", max_length=5000)
    start_date: date | None = None
    end_date: date | None = None
    plan_reference: Str = Field("", max_length=300)
    officer_name: Str = Field("", max_length=150, description="Penanggung jawab kegiatan.")
    kegiatan_code: Str = Field(
        "", max_length=20, description="Kode kegiatan SAKTI, 4 digit (`invalid_kegiatan_code`)."
    )
    kro_code: Str = Field("", max_length=20, description="Kode KRO, 3 huruf/angka (`invalid_kro_code`).")
    ro_code: Str = Field("", max_length=20, description="Kode RO, 3 digit (`invalid_ro_code`).")
    component_code: Str = Field(
        "", max_length=20, description="Kode komponen, 3 digit (`invalid_component_code`)."
    )
    locations: list[Str] = Field([], max_length=500, description="Kode wilayah lokasi kegiatan.")
    centres: list[Id] = Field([], max_length=500, description="Id sentra IKM penerima.")
    enterprises: list[Id] = Field([], max_length=5000, description="Id IKM penerima.")
    outputs: list[OutputIn] = Field([], max_length=20)


class ActivityPatch(Schema):
    code: Str | None = Field(None, max_length=40)
    name: Str | None = Field(None, max_length=250)
    kind: ActivityKind | None = None
    funding_source: FundingSource | None = None
    description: Str | None = Field(None, max_length=5000)
    start_date: date | None = None
    end_date: date | None = None
    plan_reference: Str | None = Field(None, max_length=300)
    officer_name: Str | None = Field(None, max_length=150)
    kegiatan_code: Str | None = Field(None, max_length=20)
    kro_code: Str | None = Field(None, max_length=20)
    ro_code: Str | None = Field(None, max_length=20)
    component_code: Str | None = Field(None, max_length=20)
    locations: list[Str] | None = Field(None, max_length=500)
    centres: list[Id] | None = Field(None, max_length=500)
    enterprises: list[Id] | None = Field(None, max_length=5000)
    reason: Str = Field("", max_length=500, description="Alasan perubahan (riwayat).")


def _activity_or_404(actor: Actor, pk: int) -> Activity:
    return _or_404(selectors.activity_get(actor=actor, pk=pk))


@router.get("/activities", response={200: Page[ActivityOut], **READ}, summary="Daftar kegiatan")
def activity_list(request, filters: Query[PlanFilters]):
    actor = _reader(request)
    qs = selectors.activity_list(actor=actor, filters=filters.plan_filter())
    return _page(qs, filters.page, filters.page_size)


@router.get(
    "/activities/{activity_id}",
    response={200: ActivityDetailOut, **NOT_FOUND, **READ},
    summary="Detail kegiatan",
)
def activity_detail(request, activity_id: Id, response: HttpResponse):
    return tagged(response, _activity_or_404(_reader(request, Action.VIEW), activity_id))


@router.post("/activities", response={201: ActivityDetailOut, **WRITE}, summary="Tambah kegiatan")
def activity_create(request, payload: ActivityIn, response: HttpResponse):
    actor = _writer(request)
    data = payload.dict()
    programme: Programme = _referenced(
        selectors.programme_get(actor=actor, pk=data.pop("programme_id")),
        "programme_id",
        payload.programme_id,
    )
    activity = services.activity_create(
        actor=actor,
        programme=programme,
        location_codes=data.pop("locations"),
        centre_ids=data.pop("centres"),
        enterprise_ids=data.pop("enterprises"),
        outputs=data.pop("outputs"),
        **data,
    )
    return 201, tagged(response, selectors.activity_get(actor=actor, pk=activity.pk))


@router.patch(
    "/activities/{activity_id}",
    response={200: ActivityDetailOut, **NOT_FOUND, **WRITE, **STALE},
    summary="Ubah sebagian data kegiatan",
    description=IF_MATCH_DESCRIPTION,
)
def activity_patch(request, activity_id: Id, payload: ActivityPatch, response: HttpResponse):
    actor = api_actor(request)
    activity = _editable(actor, selectors.activity_get(actor=actor, pk=activity_id))
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", "")
    for name in ("code", "name", "kind", "funding_source"):
        if name in data and data[name] is None:  # required columns: null means "unchanged"
            data.pop(name)
    for name in ("description", "plan_reference", "officer_name", *ACTIVITY_CODE_FIELDS):
        if name in data and data[name] is None:
            data[name] = ""
    services.activity_update(
        actor=actor,
        activity=activity,
        location_codes=data.pop("locations", None),
        centre_ids=data.pop("centres", None),
        enterprise_ids=data.pop("enterprises", None),
        reason=reason,
        expected_version=if_match(request),
        **data,
    )
    return tagged(response, selectors.activity_get(actor=actor, pk=activity_id))


# --- budget documents (DIPA), lines and RPD -------------------------------------------------------------


class BudgetOut(Schema):
    id: int
    number: str
    kind: FundingSource = Field(
        description="Sumber dana: DIPA (APBN, dekon, TP), DPA (APBD) atau perjanjian."
    )
    fiscal_year: int
    agency_id: int
    agency_name: str = Field(alias="agency.name")
    region: str | None = Field(None, alias="region_id")
    province_code: str
    regency_code: str
    issued_on: date
    revision: int
    revision_number: str
    revised_on: date | None
    total: int = Field(0, description="Total pagu (Rp).")
    version: int = Field(description="Versi data; sama dengan ETag.")

    @staticmethod
    def resolve_total(obj):
        total = getattr(obj, "total", None)
        if total is None:
            total = sum(line.amount for line in obj.lines.all())
        return total


class PlanVersionOut(Schema):
    number: int = Field(description="0: RPD pertama; 1, 2…: revisi.")
    effective_from: int = Field(description="Bulan pertama yang diubah versi ini (awal triwulan revisi).")
    took_effect_on: date
    months: list[int] = Field(description="RPD Januari–Desember versi ini (Rp).")


class BudgetLineOut(Schema):
    id: int
    document_id: int
    activity_id: int
    activity_code: str = Field(alias="activity.code")
    activity_name: str = Field(alias="activity.name")
    account_group: AccountGroup
    account_code: str = Field(description="Akun SAKTI 6 digit (dua digit pertama = jenis belanja).")
    amount: int = Field(description="Pagu (Rp).")
    warnings: list[dict[str, str]] = Field(
        description="Peringatan yang tidak menolak data (`code`, `field`, `message`), mis. "
        "`social_aid_for_ikm`: belanja bansos (57) untuk IKM dipertanyakan (PMK 254/2015 jo. 228/2016)."
    )
    plan: list[int] | None = Field(description="RPD Januari–Desember (Rp); null bila belum ada.")
    plan_balanced: bool = Field(description="Jumlah RPD 12 bulan sama dengan pagu.")
    revised_quarters: list[int] = Field(description="Triwulan saat RPD sudah direvisi.")
    plan_version: int = Field(description="Versi RPD (0: belum ada); ETag dari PUT …/plan.")

    @staticmethod
    def _plan(obj):
        try:
            return obj.plan
        except BudgetLine.plan.RelatedObjectDoesNotExist:
            return None

    @staticmethod
    def resolve_plan(obj):
        plan = BudgetLineOut._plan(obj)
        return plan.months() if plan else None

    @staticmethod
    def resolve_warnings(obj):
        warning = social_aid_warning(obj.account_group, obj.account_code)
        return [warning.as_dict()] if warning else []

    @staticmethod
    def resolve_plan_balanced(obj):
        plan = BudgetLineOut._plan(obj)
        return bool(plan) and sum(plan.months()) == obj.amount

    @staticmethod
    def resolve_plan_version(obj):
        plan = BudgetLineOut._plan(obj)
        return plan.version if plan else 0

    @staticmethod
    def resolve_revised_quarters(obj):
        plan = BudgetLineOut._plan(obj)
        return list(plan.revised_quarters) if plan else []

    blocked: int = Field(description="Blokir (Rp): bagian pagu yang belum boleh dibelanjakan.")
    available: int = Field(
        description="Pagu dikurangi blokir (Rp): dasar penyerapan (PER-5/PB/2024 Pasal 9)."
    )
    version: int = Field(description="Versi pagu; ETag dari PUT …/blocked (If-Match untuk blokir).")
    plan_versions: list[PlanVersionOut] = Field(
        description="Versi RPD: tiap penetapan dan revisi, bulan mulai berlakunya dan 12 bulannya."
    )

    @staticmethod
    def resolve_plan_versions(obj):
        plan = BudgetLineOut._plan(obj)
        return selectors.plan_versions(plan) if plan else []


class BlockIn(Schema):
    blocked: Rupiah = Field(
        description="Blokir (Rp), 0 s.d. pagu yang belum direalisasikan; 0 membuka blokir."
    )
    reason: Str = Field("", max_length=500, description="Alasan (riwayat).")


class BudgetDetailOut(BudgetOut):
    lines: list[BudgetLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("activity", "plan").order_by("activity__code", "account_group"))


class VersionLineOut(Schema):
    activity: int
    code: str
    name: str
    account_group: str
    amount: int


class VersionOut(Schema):
    revision: int
    number: str
    dated: date
    total: int
    created_at: datetime
    created_by: str
    lines: list[VersionLineOut]


class VersionDiffRow(Schema):
    code: str
    name: str
    account_group: str
    before: int
    after: int
    change: int


class VersionCompareOut(Schema):
    a: VersionOut
    b: VersionOut
    change: int = Field(description="Total b − total a (Rp).")
    rows: list[VersionDiffRow]


class PlanIn(Schema):
    months: list[Rupiah] = Field(
        max_length=24, description="RPD Januari–Desember (12 angka rupiah) yang jumlahnya sama dengan pagu."
    )
    reason: Str = Field("", max_length=500, description="Alasan revisi (riwayat).")


def _budget_or_404(actor: Actor, pk: int):
    return _or_404(selectors.budget_document_get(actor=actor, pk=pk))


@router.get("/budgets", response={200: Page[BudgetOut], **READ}, summary="Daftar DIPA")
def budget_list(request, filters: Query[BudgetFilters]):
    actor = _reader(request)
    f = selectors.PlanFilter(
        fiscal_year=filters.fiscal_year,
        region=filters.region,
        funding_source=filters.kind or "",
        agency=filters.agency,
        q=filters.q.strip(),
    )
    return _page(selectors.budget_document_list(actor=actor, filters=f), filters.page, filters.page_size)


@router.get(
    "/budgets/{budget_id}",
    response={200: BudgetDetailOut, **NOT_FOUND, **READ},
    summary="Detail DIPA: pagu per kegiatan dan jenis belanja, dengan RPD",
)
def budget_detail(request, budget_id: Id):
    return _budget_or_404(_reader(request, Action.VIEW), budget_id)


@router.get(
    "/budgets/{budget_id}/versions",
    response={200: list[VersionOut], **NOT_FOUND, **READ},
    summary="Versi DIPA (revisi ke-0, 1, …)",
)
def budget_versions(request, budget_id: Id):
    document = _budget_or_404(_reader(request, Action.VIEW), budget_id)
    return list(document.versions.order_by("revision"))


@router.get(
    "/budgets/{budget_id}/versions/compare",
    response={200: VersionCompareOut, **NOT_FOUND, **READ},
    summary="Bandingkan dua versi DIPA",
)
def budget_versions_compare(
    request,
    budget_id: Id,
    a: Annotated[int, Field(ge=0, le=32767, description="Revisi pertama.")] = 0,
    b: Annotated[int | None, Field(ge=0, le=32767, description="Revisi kedua; bawaan: terakhir.")] = None,
):
    document = _budget_or_404(_reader(request, Action.VIEW), budget_id)
    versions = {v.revision: v for v in document.versions.all()}
    b = document.revision if b is None else b
    if a not in versions or b not in versions:
        raise NotFound
    old, new = versions[a], versions[b]
    return {
        "a": old,
        "b": new,
        "change": new.total - old.total,
        "rows": selectors.version_diff(old.lines, new.lines),
    }


class BudgetIn(Schema):
    fiscal_year: Year
    kind: FundingSource = Field(
        description="Sumber dana: DIPA (APBN, dekon, TP), DPA (APBD) atau perjanjian (hibah, CSR …)."
    )
    number: Str = Field(max_length=80, description="Nomor DIPA/DPA/perjanjian.")
    issued_on: date = Field(description="Tanggal dokumen.")
    agency_id: Id | None = Field(None, description="Satker pemilik; bawaan: instansi Anda.")


class BudgetLineIn(Schema):
    activity_id: Id = Field(description="Kegiatan satker DIPA ini, tahun dan sumber dana yang sama.")
    account_group: AccountGroup = Field(description="Jenis belanja (51, 52, 53, 57 …).")
    amount: Rupiah = Field(description="Pagu (Rp), tidak negatif.")
    account_code: Str | None = Field(
        None,
        max_length=20,
        description="Akun SAKTI 6 digit, dua digit pertamanya = jenis belanja (`invalid_account_code`, "
        "`account_group_mismatch`); tidak diisi: akun tidak berubah. Hanya untuk pagu, bukan revisi.",
    )


class BudgetRevisionIn(Schema):
    revision_number: Str = Field(max_length=80, description="Nomor revisi DIPA.")
    revised_on: date = Field(description="Tanggal revisi; tidak sebelum tanggal versi sebelumnya.")
    lines: list[BudgetLineIn] = Field(
        [], max_length=500, description="Pagu yang berubah atau baru; pagu lain tidak berubah."
    )
    reason: Str = Field("", max_length=500, description="Alasan revisi (riwayat).")


def _editable_budget(actor: Actor, pk: int):
    return _editable(actor, selectors.budget_document_get(actor=actor, pk=pk))


def _referenced_activity(actor: Actor, activity_id: int, field: str = "activity_id") -> Activity:
    return _referenced(selectors.activity_get(actor=actor, pk=activity_id), field, activity_id)


@router.post(
    "/budgets",
    response={201: BudgetDetailOut, **WRITE},
    summary="Tambah DIPA (atau DPA/perjanjian)",
    description=(
        "Satu dokumen per satker, tahun anggaran dan sumber dana; versi revisi ke-0 tersimpan. "
        "Aturan (400): `dekon_not_province` (DIPA dekonsentrasi hanya untuk satker provinsi), "
        "`validation` (mis. dokumen jenis itu sudah ada), `unknown_reference` (satker tidak ada)."
    ),
)
def budget_create(request, payload: BudgetIn):
    actor = _writer(request)
    agency = _agency_or_none(payload.agency_id)
    document = services.budget_document_create(
        actor=actor,
        fiscal_year=payload.fiscal_year,
        kind=payload.kind,
        number=payload.number.strip(),
        issued_on=payload.issued_on,
        agency=agency,
    )
    return 201, _budget_or_404(actor, document.pk)


@router.post(
    "/budgets/{budget_id}/lines",
    response={200: BudgetLineOut, 201: BudgetLineOut, **NOT_FOUND, **WRITE},
    summary="Tambah atau ubah pagu versi DIPA yang berlaku",
    description=(
        "Satu pagu per kegiatan × jenis belanja: bila sudah ada, jumlahnya diubah (200); bila belum, "
        "dibuat (201). Untuk perubahan sesudah DIPA ditetapkan gunakan revisi. Aturan (400): "
        "`activity_not_in_dipa`, `dekon_capital` (belanja modal pada DIPA dekonsentrasi), "
        "`negative_amount`, `unknown_reference`."
    ),
)
def budget_line_set(request, budget_id: Id, payload: BudgetLineIn):
    actor = api_actor(request)
    document = _editable_budget(actor, budget_id)
    activity = _referenced_activity(actor, payload.activity_id)
    existed = document.lines.filter(activity=activity, account_group=payload.account_group).exists()
    line = services.budget_line_set(
        actor=actor,
        document=document,
        activity=activity,
        account_group=payload.account_group,
        amount=payload.amount,
        account_code=payload.account_code,
    )
    return (200 if existed else 201), BudgetLine.objects.select_related("activity", "plan").get(pk=line.pk)


@router.post(
    "/budgets/{budget_id}/revisions",
    response={201: BudgetDetailOut, **NOT_FOUND, **WRITE},
    summary="Revisi DIPA: versi baru dengan nomor dan tanggal",
    description=(
        "Pagu yang disebut menggantikan pagu kegiatan × jenis belanja yang sama (atau ditambahkan); "
        "versi sebelumnya tetap tersimpan (lihat `/versions`). Aturan (400): `required` (nomor revisi), "
        "`revision_before_issue`, `activity_not_in_dipa`, `dekon_capital`, `negative_amount`, "
        "`unknown_reference`. Semua atau tidak sama sekali."
    ),
)
def budget_revise(request, budget_id: Id, payload: BudgetRevisionIn):
    actor = api_actor(request)
    document = _editable_budget(actor, budget_id)
    lines = [
        (
            _referenced_activity(actor, row.activity_id, f"lines.{i}.activity_id"),
            row.account_group,
            row.amount,
        )
        for i, row in enumerate(payload.lines)
    ]
    services.budget_revise(
        actor=actor,
        document=document,
        revision_number=payload.revision_number,
        revised_on=payload.revised_on,
        lines=lines,
        reason=payload.reason,
    )
    return 201, _budget_or_404(actor, budget_id)


@router.put(
    "/budget-lines/{line_id}/plan",
    response={200: BudgetLineOut, **NOT_FOUND, **WRITE, **STALE},
    summary="Tetapkan atau revisi RPD satu pagu",
    description=(
        "Dua belas bulan yang jumlahnya sama dengan pagu (`rpd_sum`). RPD pertama bebas; sesudahnya "
        "revisi sekali per triwulan di dalam jendela revisi tahun anggaran (`rpd_window_closed`, "
        "`rpd_already_revised`). "
        "`If-Match` berisi `plan_version` (ETag jawaban ini): RPD yang sudah diubah orang lain sejak itu "
        "tidak ditimpa (412, `stale`)."
    ),
)
def budget_line_plan(request, line_id: Id, payload: PlanIn, response: HttpResponse):
    actor = api_actor(request)
    line = _editable(actor, selectors.budget_line_get(actor=actor, pk=line_id))
    plan = services.disbursement_plan_set(
        actor=actor,
        line=line,
        months=payload.months,
        reason=payload.reason,
        expected_version=if_match(request),
    )
    tagged(response, plan)
    return BudgetLine.objects.select_related("activity", "plan").get(pk=line.pk)


@router.put(
    "/budget-lines/{line_id}/blocked",
    response={200: BudgetLineOut, **NOT_FOUND, **WRITE, **STALE},
    summary="Tetapkan blokir satu pagu",
    description=(
        "Blokir mengurangi dasar penyerapan (pagu − blokir). Aturan (400): `invalid_amount`, "
        "`blocked_above_pagu` (melebihi pagu yang belum direalisasikan). Dicatat di riwayat pagu. "
        "`If-Match` berisi `version` pagu (ETag jawaban ini): pagu yang sudah diubah orang lain sejak "
        "itu tidak ditimpa (412, `stale`)."
    ),
)
def budget_line_blocked(request, line_id: Id, payload: BlockIn, response: HttpResponse):
    actor = api_actor(request)
    line = _editable(actor, selectors.budget_line_get(actor=actor, pk=line_id))
    line = services.budget_line_block(
        actor=actor,
        line=line,
        blocked=payload.blocked,
        reason=payload.reason,
        expected_version=if_match(request),
    )
    tagged(response, line)
    return BudgetLine.objects.select_related("activity", "plan").get(pk=line.pk)


# --- realisation ---------------------------------------------------------------------------------------


class RealisationOut(Schema):
    id: int
    activity_id: int
    activity_code: str = Field(alias="activity.code")
    activity_name: str = Field(alias="activity.name")
    fiscal_year: int
    month: int
    account_group: str = Field(
        description="Jenis belanja (51/52/53/57); kosong pada bulan yang dicatat sebelum jenis belanja "
        "diminta."
    )
    budget_line_id: int | None = Field(description="Pagu tempat realisasi dibelanjakan.")
    amount: int = Field(description="Realisasi keuangan bulan ini (Rp).")
    physical_progress: float = Field(description="Progres fisik kumulatif (%).")
    output_achieved: float = Field(description="Capaian kumulatif keluaran utama, dalam satuannya.")
    obstacles: str
    agency_id: int
    region: str | None = Field(None, alias="region_id")
    province_code: str
    regency_code: str
    is_locked: bool
    verification_status: VerificationStatus
    return_reason: str
    submitted_at: datetime | None
    verified_at: datetime | None
    accepted_at: datetime | None
    version: int = Field(description="Versi data; sama dengan ETag.")


class RealisationIn(Schema):
    activity_id: Id
    month: int = Field(
        ge=-INT32_MAX - 1,
        le=INT32_MAX,
        description=(
            "Bulan 1–12 tahun anggaran kegiatan, tidak di masa depan (`month_out_of_year`, `future_month`)."
        ),
    )
    account_group: Str = Field(
        "",
        max_length=2,
        description=(
            "Jenis belanja 51/52/53/57. Wajib bila kegiatan memiliki pagu beberapa jenis belanja "
            "(`account_group_required`); harus salah satu jenis pagunya (`account_group_not_in_pagu`); "
            "kosong: pagu satu-satunya."
        ),
    )
    amount: Rupiah = Field(description="Realisasi keuangan bulan ini; tidak negatif, total ≤ pagu − blokir.")
    physical_progress: Number = Field(description="Progres fisik kumulatif, 0–100 %.")
    output_achieved: Number = Field(0, description="Capaian kumulatif keluaran utama.")
    obstacles: Str = Field("", max_length=500, description="Kendala.")
    reason: Str = Field("", max_length=500, description="Alasan koreksi (riwayat).")


class BulkIn(TransitionIn):
    ids: list[Id] = Field(min_length=1, max_length=500)


def _realisation_out(actor: Actor, pk: int):
    return selectors.realisation_get(actor=actor, pk=pk)


@router.get("/realisations", response={200: Page[RealisationOut], **READ}, summary="Daftar realisasi bulanan")
def realisation_list(request, filters: Query[RealisationFilters]):
    actor = _reader(request)
    f = selectors.PlanFilter(
        fiscal_year=filters.fiscal_year,
        region=filters.region,
        agency=filters.agency,
        verification=filters.verification or "",
        waiting=filters.waiting,
        q=filters.q.strip(),
    )
    qs = selectors.realisation_list(actor=actor, filters=f, month=filters.month)
    return _page(qs, filters.page, filters.page_size)


@router.post(
    "/realisations",
    response={200: RealisationOut, 201: RealisationOut, **WRITE},
    summary="Catat atau koreksi realisasi satu bulan",
    description=(
        "Satu baris per kegiatan × bulan × jenis belanja: bila sudah tercatat, datanya dikoreksi (200) dan "
        "statusnya kembali draf; bila belum, dibuat (201). Aturan (400): `month_out_of_year`, "
        "`future_month`, `negative_amount`, `above_pagu` (total realisasi melebihi pagu), "
        "`invalid_progress`, `locked` (bulan sudah diverifikasi/diterima)."
    ),
)
def realisation_record(request, payload: RealisationIn):
    actor = _writer(request)
    activity = _referenced_activity(actor, payload.activity_id)
    existed = _realisation_exists(activity, payload.month, payload.account_group)
    record = services.realisation_record(
        actor=actor,
        activity=activity,
        month=payload.month,
        amount=payload.amount,
        physical_progress=payload.physical_progress,
        output_achieved=payload.output_achieved,
        obstacles=payload.obstacles,
        account_group=payload.account_group,
        reason=payload.reason,
    )
    return (200 if existed else 201), _realisation_out(actor, record.pk)


def _realisation_exists(activity: Activity, month: int, account_group: str) -> bool:
    """Whether the call corrects a stored month (200) rather than recording one (201); the service
    itself refuses what is wrong (a type not in the pagu, a month outside the year)."""
    if not 1 <= month <= 12:
        return False
    try:
        line = services.realisation_line(activity, account_group)
    except DomainError:
        return False
    groups = {line.account_group, ""} if line else {""}
    return activity.realisations.filter(month=month, account_group__in=groups).exists()


@router.post(
    "/realisations/verification",
    response={200: BulkResultOut, 400: ApiError, **REFUSED},
    summary="Langkah verifikasi massal (realisasi)",
)
def realisation_verification_bulk(request, payload: BulkIn):
    actor = api_actor(request)
    ids = list(dict.fromkeys(payload.ids))
    records = selectors.realisation_list(actor=actor).filter(pk__in=ids).order_by("pk")
    found = {record.pk: record for record in records}
    result = bulk_transition(actor=actor, name=payload.action, records=found.values(), reason=payload.reason)
    failed = [{"id": pk, "reason": reason} for pk, reason in result.failed]
    failed += [{"id": pk, "reason": _("Data tidak ditemukan.")} for pk in ids if pk not in found]
    return {"done": result.done, "failed": failed}


@router.get(
    "/realisations/{realisation_id}",
    response={200: RealisationOut, **NOT_FOUND, **READ},
    summary="Detail realisasi",
)
def realisation_detail(request, realisation_id: Id):
    return _or_404(_realisation_out(_reader(request, Action.VIEW), realisation_id))


@router.post(
    "/realisations/{realisation_id}/verification",
    response={200: RealisationOut, **NOT_FOUND, **WRITE},
    summary="Langkah verifikasi (realisasi)",
    description="submit, verify, accept, return, reopen — aturan yang sama dengan registri. "
    "Bulan yang sudah diverifikasi atau diterima terkunci sampai dibuka kembali (`reopen`).",
)
def realisation_verification(request, realisation_id: Id, payload: TransitionIn):
    actor = api_actor(request)
    record = _or_404(selectors.realisation_get(actor=actor, pk=realisation_id))
    transition(actor=actor, name=payload.action, record=record, reason=payload.reason)
    return _realisation_out(actor, realisation_id)


@router.post(
    "/activities/{activity_id}/verification",
    response={200: ActivityDetailOut, **NOT_FOUND, **WRITE},
    summary="Langkah verifikasi (kegiatan)",
)
def activity_verification(request, activity_id: Id, payload: TransitionIn):
    actor = api_actor(request)
    transition(
        actor=actor, name=payload.action, record=_activity_or_404(actor, activity_id), reason=payload.reason
    )
    return selectors.activity_get(actor=actor, pk=activity_id)


# --- budget control ------------------------------------------------------------------------------------

Group = Literal["province", "regency", "agency", "programme", "kind", "funding_source", "activity"]


class ControlQuery(Schema):
    fiscal_year: Year | None = Field(None, description="Bawaan: tahun berjalan.")
    month: MonthNo | None = Field(None, description="Posisi akhir bulan; bawaan: bulan berjalan.")
    region: Str = Field("", description="Kode wilayah, mis. 64 atau 64.09.")
    kind: ActivityKind | None = None
    funding_source: FundingSource | None = None
    agency: Id | None = None
    programme: Id | None = None

    def control_filter(self) -> selectors.ControlFilter:
        year = self.fiscal_year or selectors.default_fiscal_year()
        return selectors.ControlFilter(
            fiscal_year=year,
            month=self.month or selectors.default_month(year),
            region=self.region,
            kind=self.kind or "",
            funding_source=self.funding_source or "",
            agency=self.agency,
            programme=self.programme,
        )


class ControlRowOut(Schema):
    key: str | None = Field(description="Kode/id kelompok; null untuk keseluruhan.")
    label: str
    pagu: int
    plan_to_date: int = Field(description="RPD kumulatif s.d. bulan (Rp).")
    realised_to_date: int = Field(description="Realisasi kumulatif s.d. bulan (Rp).")
    blocked: int = Field(description="Blokir (Rp).")
    absorption: float = Field(description="Penyerapan: realisasi kumulatif / (pagu − blokir) (%).")
    planned_absorption: float = Field(description="Rencana kumulatif / pagu (%).")
    quarter_target: int = Field(description="Target penyerapan triwulan bulan itu (%).")
    deviation: float = Field(
        description="Rata-rata deviasi bulanan halaman III DIPA (%): per jenis belanja, digabung menurut "
        "aturan tahun itu (tertimbang pagu sejak 2024, rata-rata sebelumnya)."
    )
    lag: float = Field(description="Rencana % − realisasi % (poin persen).")
    activities: int


class ControlTypeOut(Schema):
    account_group: str
    pagu: int
    blocked: int
    absorption: float = Field(description="Realisasi kumulatif jenis ini / (pagu − blokir) (%).")
    quarter_target: int = Field(description="Target penyerapan jenis ini untuk triwulan bulan itu (%).")
    deviation: float = Field(description="Rata-rata deviasi bulanan jenis ini (%).")
    monthly_deviation: list[float]


class ControlSummaryOut(ControlRowOut):
    fiscal_year: int
    month: int
    lag_threshold: int
    deviation_rule: str = Field(description="`weighted` (tertimbang pagu, PER-5/PB/2024) atau `mean` (2022).")
    monthly_deviation: list[float]
    types: list[ControlTypeOut] = Field(description="Angka per jenis belanja.")
    output_achievement: float | None = Field(description="Rata-rata capaian keluaran utama (%).")


class ControlGroupOut(Schema):
    fiscal_year: int
    month: int
    group: Group
    quarter_target: int
    rows: list[ControlRowOut]


class SCurvePoint(Schema):
    month: int
    plan: float = Field(description="Rencana kumulatif (% pagu).")
    realised: float | None = Field(description="Realisasi kumulatif (% pagu); null setelah bulan posisi.")


class SCurveOut(Schema):
    fiscal_year: int
    month: int
    pagu: int
    points: list[SCurvePoint]


class LaggingOut(Schema):
    activity_id: int
    code: str
    name: str
    agency_id: int
    agency_name: str
    officer_name: str = Field(description="Penanggung jawab kegiatan; kosong bila belum diisi.")
    region: str | None
    province_code: str
    regency_code: str
    pagu: int
    planned_absorption: float
    absorption: float
    lag: float
    months_lagging: int
    output_achievement: float | None


class LaggingListOut(Schema):
    fiscal_year: int
    month: int
    threshold: int
    count: int = Field(description="Jumlah seluruh kegiatan tertinggal.")
    page: int
    page_size: int
    results: list[LaggingOut]


def _labels(group: str | None, keys: list) -> dict:
    keys = [k for k in keys if k not in (None, "")]
    if group in ("province", "regency"):
        return dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    if group == "agency":
        return dict(Agency.objects.filter(pk__in=keys).values_list("pk", "name"))
    if group == "programme":
        return {p.pk: str(p) for p in Programme.objects.filter(pk__in=keys)}
    if group == "activity":
        return {a.pk: str(a) for a in Activity.objects.filter(pk__in=keys)}
    if group == "kind":
        return {k: str(ActivityKind(k).label) for k in keys if k in ActivityKind.values}
    if group == "funding_source":
        return {k: str(FundingSource(k).label) for k in keys if k in FundingSource.values}
    return {}


def _type_rows(figures: selectors.ControlFigures, f: selectors.ControlFilter) -> list[dict[str, Any]]:
    deviations = figures.type_deviation()
    absorption = figures.type_absorption()
    targets = selectors.type_quarter_targets(f.fiscal_year, f.month, deviations)
    return [
        {
            "account_group": group,
            "pagu": figures.types[group].pagu,
            "blocked": figures.types[group].blocked,
            "absorption": absorption[group],
            "quarter_target": targets[group],
            "deviation": round(sum(months) / len(months), 2) if months else 0.0,
            "monthly_deviation": months,
        }
        for group, months in deviations.items()
    ]


def _row(figures: selectors.ControlFigures, label: str, target: int) -> dict[str, Any]:
    return {
        "key": None if figures.key in (None, "") else str(figures.key),
        "label": label,
        "pagu": figures.pagu,
        "plan_to_date": figures.plan_to_date,
        "realised_to_date": figures.realised_to_date,
        "blocked": figures.blocked,
        "absorption": figures.absorption,
        "planned_absorption": figures.planned_absorption,
        "quarter_target": target,
        "deviation": figures.deviation,
        "lag": figures.lag,
        "activities": figures.activities,
    }


@router.get(
    "/control/summary",
    response={200: ControlSummaryOut, **READ},
    summary="Pengendalian anggaran: angka keseluruhan",
    description="Pagu, rencana dan realisasi kumulatif, penyerapan, target triwulan, deviasi dan "
    "keterlambatan dari data saat ini, dalam wilayah kerja Anda.",
)
def control_summary(request, query: Query[ControlQuery]):
    actor = _reader(request)
    f = query.control_filter()
    figures = selectors.control_total(actor=actor, f=f)
    return {
        **_row(figures, _("Semua kegiatan"), selectors.quarter_target(f.fiscal_year, f.month)),
        "key": None,
        "fiscal_year": f.fiscal_year,
        "month": f.month,
        "lag_threshold": selectors.policy_for(f.fiscal_year).lag_threshold,
        "deviation_rule": figures.rule,
        "monthly_deviation": figures.monthly_deviation(),
        "types": _type_rows(figures, f),
        "output_achievement": selectors.output_achievement_total(actor=actor, f=f),
    }


@router.get(
    "/control/by/{group}",
    response={200: ControlGroupOut, **READ},
    summary="Pengendalian anggaran per kelompok",
)
def control_by_group(request, group: Group, query: Query[ControlQuery]):
    actor = _reader(request)
    f = query.control_filter()
    rows = selectors.control_figures(actor=actor, f=f, group=group)
    labels = _labels(group, [row.key for row in rows])
    target = selectors.quarter_target(f.fiscal_year, f.month)
    national = _("Pusat / nasional")
    return {
        "fiscal_year": f.fiscal_year,
        "month": f.month,
        "group": group,
        "quarter_target": target,
        "rows": [_row(row, str(labels.get(row.key, row.key or national)), target) for row in rows],
    }


@router.get("/control/s-curve", response={200: SCurveOut, **READ}, summary="Kurva S rencana dan realisasi")
def control_s_curve(request, query: Query[ControlQuery]):
    actor = _reader(request)
    f = query.control_filter()
    figures = selectors.control_total(actor=actor, f=f)
    return {"fiscal_year": f.fiscal_year, "month": f.month, "pagu": figures.pagu, "points": figures.s_curve()}


@router.get(
    "/control/lagging",
    response={200: LaggingListOut, **READ},
    summary="Peringatan dini: kegiatan yang terlambat dari rencana",
    description="Kegiatan yang realisasinya tertinggal dari RPD lebih dari ambang (poin persen), "
    "terburuk lebih dahulu; `months_lagging` menghitung bulan berturut-turut sampai bulan posisi.",
)
def control_lagging(
    request,
    query: Query[ControlQuery],
    threshold: Annotated[int | None, Field(ge=0, le=100, description="Bawaan: ambang tahun itu.")] = None,
    page: PageNo = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
):
    actor = _reader(request)
    f = query.control_filter()
    threshold = selectors.policy_for(f.fiscal_year).lag_threshold if threshold is None else threshold
    # Worst first, a page at a time: a national year has thousands of lagging activities.
    lagging = selectors.lagging_rows(actor=actor, f=f, threshold=threshold)
    start = (page - 1) * page_size
    rows = selectors.lagging_activities(
        actor=actor, f=f, threshold=threshold, rows=lagging[start : start + page_size]
    )
    return {
        "fiscal_year": f.fiscal_year,
        "month": f.month,
        "threshold": threshold,
        "count": len(lagging),
        "page": page,
        "page_size": page_size,
        "results": [
            {
                "activity_id": row.activity.pk,
                "code": row.activity.code,
                "name": row.activity.name,
                "agency_id": row.activity.agency_id,
                "agency_name": row.activity.agency.name,
                "officer_name": row.activity.officer_name,
                "region": row.activity.region_id,
                "province_code": row.activity.province_code,
                "regency_code": row.activity.regency_code,
                "pagu": row.figures.pagu,
                "planned_absorption": row.figures.planned_absorption,
                "absorption": row.figures.absorption,
                "lag": row.figures.lag,
                "months_lagging": row.months_lagging,
                "output_achievement": row.output_achievement,
            }
            for row in rows
        ],
    }


# --- dekonsentrasi and tugas pembantuan ---------------------------------------------------------------
# The same allocation, split and balance rule for both kinds (PP 19/2022, which replaced PP 7/2008):
# /dekon/{year} and /tp/{year}. From TA 2024 Ditjen IKMA's provincial work is tugas pembantuan.


class DekonShareOut(Schema):
    province: str
    province_name: str
    amount: int


class DekonOut(Schema):
    fiscal_year: int
    kind: str = Field(description="`dekon` (dekonsentrasi) atau `tp` (tugas pembantuan).")
    total: int = Field(description="Total alokasi kementerian (Rp).")
    legal_basis: str
    agency_id: int
    agency_name: str
    shares: list[DekonShareOut] = Field(
        description="Alokasi per provinsi; pengguna daerah hanya melihat provinsinya sendiri."
    )


class DekonShareIn(Schema):
    province: Str = Field(max_length=13, description="Kode provinsi, mis. 64.")
    amount: Rupiah


class DekonIn(Schema):
    total: Rupiah
    shares: list[DekonShareIn] = Field(
        max_length=100, description="Alokasi per provinsi; jumlahnya sama dengan total."
    )
    legal_basis: Str = Field("", max_length=200)
    agency_id: Id | None = Field(None, description="Instansi kementerian; bawaan: instansi Anda.")


def _dekon_out(actor: Actor, fiscal_year: int, kind: str = "dekon"):
    allocation = _or_404(selectors.dekon_allocation(fiscal_year=fiscal_year, kind=kind))
    shares = list(allocation.shares.all())
    if not (actor.is_superuser or actor.is_national):
        province = (actor.region_code or "")[:2]
        shares = [share for share in shares if share.province_id == province]
    return {
        "fiscal_year": allocation.fiscal_year,
        "kind": allocation.kind,
        "total": allocation.total,
        "legal_basis": allocation.legal_basis,
        "agency_id": allocation.agency_id,
        "agency_name": allocation.agency.name,
        "shares": [
            {"province": s.province_id, "province_name": s.province.name, "amount": s.amount} for s in shares
        ],
    }


@router.get(
    "/dekon/{fiscal_year}",
    response={200: DekonOut, **NOT_FOUND, **READ},
    summary="Alokasi dekonsentrasi per provinsi",
)
def dekon_get(request, fiscal_year: Year):
    return _dekon_out(_reader(request, Action.VIEW), fiscal_year)


@router.get(
    "/tp/{fiscal_year}",
    response={200: DekonOut, **NOT_FOUND, **READ},
    summary="Alokasi tugas pembantuan per provinsi",
)
def tp_get(request, fiscal_year: Year):
    return _dekon_out(_reader(request, Action.VIEW), fiscal_year, "tp")


def _shares(rows: list[DekonShareIn]) -> dict[str, int]:
    shares: dict[str, int] = {}
    for row in rows:
        if row.province in shares:
            raise DomainError(
                _("Provinsi %(code)s disebut lebih dari sekali.") % {"code": row.province},
                code="duplicate_province",
                errors=[FieldError(f"shares.{row.province}", _("Provinsi ganda."), "duplicate_province")],
            )
        shares[row.province] = row.amount
    return shares


def _allocation_put(request, fiscal_year: int, payload: DekonIn, kind: str):
    actor = _writer(request, Action.EDIT)
    agency = _agency_or_none(payload.agency_id)
    services.dekon_allocation_set(
        actor=actor,
        fiscal_year=fiscal_year,
        total=payload.total,
        shares=_shares(payload.shares),
        legal_basis=payload.legal_basis,
        agency=agency,
        kind=kind,
    )
    return _dekon_out(actor, fiscal_year, kind)


@router.put(
    "/dekon/{fiscal_year}",
    response={200: DekonOut, **WRITE},
    summary="Tetapkan alokasi dekonsentrasi (kementerian)",
    description="Hanya kementerian. Jumlah alokasi provinsi harus sama dengan total (`dekon_unbalanced`).",
)
def dekon_put(request, fiscal_year: Year, payload: DekonIn):
    return _allocation_put(request, fiscal_year, payload, "dekon")


@router.put(
    "/tp/{fiscal_year}",
    response={200: DekonOut, **WRITE},
    summary="Tetapkan alokasi tugas pembantuan (kementerian)",
    description=(
        "Hanya kementerian; aturan yang sama dengan dekonsentrasi: jumlah alokasi provinsi harus sama "
        "dengan total (`dekon_unbalanced`). Sejak TA 2024 kegiatan Ditjen IKMA di provinsi adalah tugas "
        "pembantuan (PP 19/2022)."
    ),
)
def tp_put(request, fiscal_year: Year, payload: DekonIn):
    return _allocation_put(request, fiscal_year, payload, "tp")
