"""Province and regency profile (issue 17 §5): GET /api/v1/analytics/profile/{code} — the same blocks as
the page /analisis/profil/<code>/ (analytics.profiles). Unknown code 400 `unknown_region`, a district or
village 400 `profile_level` / `region_too_small`, a region outside the reader's 404.
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Query, Router, Schema

from sentra.analytics.profiles import Profile, region_profile

from .auth import api_actor
from .schemas import ApiError, ErrorOut

router = Router(tags=["analisis"])


class ProfileLeadingOut(Schema):
    rank: int
    kbli: str
    kbli_title: str
    enterprises: int = Field(description="IKM aktif di wilayah dengan KBLI ini.")
    share: float | None = Field(description="Pangsa dari seluruh IKM aktif wilayah (0–1).")
    lq_nation: float | None = Field(
        description="LQ terhadap nasional; > 1: lebih menonjol daripada nasional."
    )
    lq_parent: float | None = Field(
        description="LQ terhadap provinsi (untuk kabupaten/kota); null untuk provinsi."
    )
    few_enterprises: bool = Field(description="true: dihitung dari sedikit IKM, angkanya mudah berubah.")
    growth: float | None


class ProfileCountOut(Schema):
    key: str
    label: str
    count: int


class LargestCentreOut(Schema):
    id: int
    name: str
    commodity: str
    kbli: str
    village: str
    status: str
    members: int


class CentresOut(Schema):
    total: int
    active: int = Field(description="Semua status kecuali tidak aktif.")
    by_status: list[ProfileCountOut]
    by_kbli: list[ProfileCountOut] = Field(description="Sentra aktif per KBLI 2 digit.")
    largest: list[LargestCentreOut] = Field(description="Sentra aktif dengan anggota terbanyak (10).")


class SpendingRowOut(Schema):
    kbli: str = Field(description="KBLI 2 digit mayoritas penerima manfaat kegiatan; kosong: tanpa penerima.")
    label: str
    activities: int
    pagu: int
    blocked: int
    realised: int = Field(description="Realisasi sampai bulan `month`.")
    absorption: float | None = Field(description="realised / (pagu − blocked) × 100; null bila tanpa pagu.")


class SpendingOut(Schema):
    fiscal_year: int
    month: int
    rows: list[SpendingRowOut]
    total: SpendingRowOut


class ProfileCoverageOut(Schema):
    facilitators: int
    centres: int
    centres_covered: int
    enterprises: int
    enterprises_covered: int
    visits_month: int
    not_visited_90: int


class FollowUpItemOut(Schema):
    id: int
    description: str
    agency: str
    due_on: date | None
    status: str


class FollowUpsOut(Schema):
    open: int = Field(description="Belum dikerjakan atau sedang dikerjakan.")
    overdue: int = Field(description="Yang terbuka dan lewat tenggat.")
    items: list[FollowUpItemOut] = Field(description="Sepuluh dengan tenggat paling awal.")


class ProfileOut(Schema):
    code: str
    name: str
    title: str
    level: int = Field(description="1 provinsi, 2 kabupaten/kota.")
    generated_at: datetime
    leading: list[ProfileLeadingOut]
    leading_note: str
    centres: CentresOut
    spending: SpendingOut
    coverage: ProfileCoverageOut | None = Field(
        description="null bila peran Anda tidak boleh melihat pendamping."
    )
    coverage_note: str
    follow_ups: FollowUpsOut | None
    follow_ups_note: str


def _row(r) -> dict:
    return {
        **{k: getattr(r, k) for k in ("kbli", "label", "activities", "pagu", "blocked", "realised")},
        "absorption": r.absorption,
    }


def _out(p: Profile) -> dict:
    c, s, cov, f = p.centres, p.spending, p.coverage, p.follow_ups
    return {
        "code": p.region.code,
        "name": p.region.name,
        "title": p.title,
        "level": p.region.level,
        "generated_at": p.generated_at,
        "leading": [vars(item) for item in p.leading.items] if p.leading else [],
        "leading_note": p.leading_note,
        "centres": {
            "total": c.total,
            "active": c.active,
            "by_status": [vars(r) for r in c.by_status],
            "by_kbli": [vars(r) for r in c.by_kbli],
            "largest": [
                {
                    "id": r["id"],
                    "name": r["name"],
                    "commodity": r["commodity"],
                    "kbli": r["kbli_id"],
                    "village": r["village__name"],
                    "status": r["status"],
                    "members": r["member_count"],
                }
                for r in c.largest
            ],
        },
        "spending": {
            "fiscal_year": s.fiscal_year,
            "month": s.month,
            "rows": [_row(r) for r in s.rows],
            "total": _row(s.total),
        },
        "coverage": None if cov is None else {k: getattr(cov, k) for k in ProfileCoverageOut.model_fields},
        "coverage_note": p.coverage_note,
        "follow_ups": None
        if f is None
        else {
            "open": f.open,
            "overdue": f.overdue,
            "items": [
                {
                    "id": i.pk,
                    "description": i.description,
                    "agency": i.agency.name,
                    "due_on": i.due_on,
                    "status": i.status,
                }
                for i in f.items
            ],
        },
        "follow_ups_note": p.follow_ups_note,
    }


@router.get(
    "/analytics/profile/{code}",
    response={200: ProfileOut, 400: ApiError, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Profil provinsi atau kabupaten/kota (lampiran Rakor)",
    description=(
        "Komoditas unggulan (KBLI 5 digit, LQ), sentra yang ada (per status, per KBLI 2 digit, "
        "terbesar), belanja program dan penyerapan per komoditas (KBLI 2 digit mayoritas penerima "
        "manfaat kegiatan; penyerapan = realisasi ÷ (pagu − blokir)), cakupan pendamping dan tindak "
        "lanjut rapat yang masih terbuka, langsung dari data terakhir. Kode tidak dikenal: 400 "
        "`unknown_region`; kecamatan: 400 `profile_level`; desa: 400 `region_too_small`; wilayah di "
        "luar wilayah Anda: 404."
    ),
)
def analytics_profile(request, code: str, tahun: Query[int | None] = None):
    return _out(region_profile(actor=api_actor(request), code=code, fiscal_year=tahun))
