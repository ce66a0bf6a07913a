"""GET /api/v1/facilitators/coverage: coverage and performance of the facilitators (issue 16 §6), the
same rows as the web page /pendamping/cakupan/ (facilitators/coverage.py): per province nationally,
per regency/city in a province, the regency itself with its facilitators at a regency.

Registered in api/urls.py before the facilitators router: `/facilitators/{facilitator_id}` would
otherwise take "coverage" for an id.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Query, Router, Schema

from sentra.facilitators import coverage as cov

from .auth import api_actor
from .coordination_dashboard import RegionCode
from .schemas import ErrorOut

router = Router(tags=["pendamping"])

Month = Annotated[str, Field(pattern=r"^20\d{2}-(0[1-9]|1[0-2])$", description="Bulan, YYYY-MM.")]


class CoverageQuery(Schema):
    region: RegionCode | None = Field(
        None,
        description="Nasional, provinsi atau kabupaten/kota (bawaan: wilayah kerja Anda; kosong untuk "
        "pengguna pusat: nasional). Di luar wilayah kerja atau di bawah kabupaten/kota: 404.",
    )
    month: Month | None = Field(None, description="Bulan kunjungan (bawaan: bulan ini).")


class CoverageRowOut(Schema):
    code: str = Field(description="Kode wilayah; kosong pada baris jumlah.")
    name: str
    facilitators: int = Field(description="Pendamping berstatus aktif.")
    centres: int
    centres_covered: int = Field(description="Sentra dengan penugasan aktif ke seorang pendamping.")
    centres_uncovered: int
    centre_share: float | None = Field(description="Persen sentra yang didampingi; null tanpa sentra.")
    enterprises: int
    enterprises_covered: int
    enterprises_uncovered: int
    visits_month: int = Field(description="Kunjungan pada bulan ini.")
    visits_by_month: list[int] = Field(description="Kunjungan enam bulan sampai bulan ini, terlama dulu.")
    visits_per_facilitator: float | None = Field(
        description="Rata-rata kunjungan per pendamping aktif per bulan (enam bulan)."
    )
    not_visited_90: int = Field(description="IKM binaan aktif yang tidak dikunjungi 90 hari.")
    contracts_ending: int = Field(description="Kontrak berakhir dalam 60 hari dan belum diperpanjang.")
    reports_on_time: int
    reports_late: int
    reports_missing: int


class FacilitatorCoverageOut(Schema):
    id: int
    name: str
    cohort: int
    status: str
    centres: int
    enterprises: int
    not_visited_90: int
    last_visit: dt.datetime | None
    visits_month: int
    contract_end: dt.date | None
    contract_ending: bool
    report_status: str = Field(description="Status verifikasi laporan bulan lalu; kosong: belum dibuat.")
    report_timeliness: Literal["on_time", "late", "missing"]


class CoverageOut(Schema):
    on: dt.date
    region: str
    level: Literal["province", "regency", "facilitator"] = Field(
        description="Isi `rows`: per provinsi, per kabupaten/kota, atau kabupaten/kota itu sendiri "
        "(dengan `facilitators`)."
    )
    month: str
    months: list[str]
    report_month: str = Field(description="Bulan laporan yang dinilai ketepatannya (bulan sebelumnya).")
    report_due_passed: bool
    total: CoverageRowOut
    rows: list[CoverageRowOut]
    facilitators: list[FacilitatorCoverageOut]


ROW_FIELDS = tuple(name for name in CoverageRowOut.model_fields)


def _row(row: cov.CoverageRow) -> dict:
    return {name: getattr(row, name) for name in ROW_FIELDS}


def _facilitator(row: cov.FacilitatorRow) -> dict:
    f = row.facilitator
    return {
        "id": f.pk,
        "name": f.name,
        "cohort": f.cohort,
        "status": f.status,
        "centres": row.centres,
        "enterprises": row.enterprises,
        "not_visited_90": row.not_visited_90,
        "last_visit": row.last_visit,
        "visits_month": row.visits_month,
        "contract_end": row.contract_end,
        "contract_ending": row.contract_ending,
        "report_status": row.report_status,
        "report_timeliness": row.report_timeliness,
    }


@router.get(
    "/facilitators/coverage",
    response={200: CoverageOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Cakupan dan kinerja pendamping lapangan (TPL-IKM)",
    description="Per wilayah: pendamping aktif, sentra dan IKM dengan/tanpa pendamping aktif, kunjungan "
    "bulan ini dan per pendamping per bulan (enam bulan), IKM binaan tidak dikunjungi 90 hari, kontrak "
    "berakhir dalam 60 hari, ketepatan laporan bulanan bulan sebelumnya; di kabupaten/kota juga daftar "
    "pendampingnya. Sama dengan halaman /pendamping/cakupan/. Untuk Dinas, provinsi dan kementerian: "
    "pendamping (peran facilitator) mendapat 403.",
)
def facilitator_coverage(request, query: Query[CoverageQuery]):
    actor = api_actor(request)
    region = cov.coverage_region(actor=actor, code=query.region)
    month = cov.parse_month(query.month)
    data = cov.region_coverage(actor=actor, region=region, month=month)
    return {
        "on": data.today,
        "region": region.code if region else "",
        "level": data.level,
        "month": f"{data.month:%Y-%m}",
        "months": [f"{m:%Y-%m}" for m in data.months],
        "report_month": f"{data.report_month:%Y-%m}",
        "report_due_passed": data.report_due_passed,
        "total": _row(data.total),
        "rows": [_row(row) for row in sorted(data.rows, key=lambda r: r.code)],
        "facilitators": [_facilitator(row) for row in data.facilitators],
    }
