"""Where a sentra fits (issue 17 §4): GET /api/v1/analytics/sentra-candidates (JSON, or the table as a file
with `?format=csv|xlsx`), GET /api/v1/analytics/weak-centres and
POST /api/v1/analytics/sentra-candidates/propose
— the same check as the web page /analisis/kandidat-sentra/ (analytics/candidates.py).

Parameters are plain text so that an unknown region or KBLI is answered 400 with the rule's code
(`unknown_region`, `unknown_kbli`, `invalid_min_enterprises`) and an Indonesian message.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from sentra.analytics import candidates as cand

from .auth import api_actor
from .schemas import ApiError, ErrorOut

router = Router(tags=["analisis"])

ERRORS = {400: ApiError, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
# Nationally there can be hundreds of thousands of candidates: JSON comes a page at a time.
MAX_LIMIT = 1000
MAX_OFFSET = 100_000


class CandidateQuery(Schema):
    region: str | None = Field(
        None,
        description="Kode wilayah (provinsi, kabupaten/kota, kecamatan atau desa); kosong: wilayah kerja "
        "Anda (pengguna pusat: nasional). Tidak dikenal: 400 `unknown_region`; di luar wilayah kerja: 404. "
        "Kandidat bahan baku sama hanya dihitung bila dipilih kabupaten/kota atau wilayah lebih kecil.",
    )
    kbli: str | None = Field(None, description="KBLI 2020 lima digit; tidak dikenal: 400 `unknown_kbli`.")
    min: str = Field("5", description="Minimal IKM aktif (PP 29/2018: 5).")
    format: Literal["csv", "xlsx"] | None = Field(
        None, description="Kosong: JSON. `csv` atau `xlsx`: berkas (semua kandidat, tanpa halaman)."
    )
    limit: int = Field(
        100,
        ge=1,
        le=MAX_LIMIT,
        description=f"Kandidat per halaman JSON (1–{MAX_LIMIT}); `total` menghitung semua.",
    )
    offset: int = Field(
        0, ge=0, le=MAX_OFFSET, description="Lewati sekian kandidat teratas (halaman berikutnya)."
    )


class SentraCandidateOut(Schema):
    rank: int
    kind: str = Field(
        description="`village`: satu desa, KBLI sama; `district`: gabungan desa satu kecamatan yang bersama "
        "mencapai minimal (tak satu desa pun sendiri); `raw_material`: satu desa, bahan baku sama."
    )
    place_code: str = Field(description="Desa (village, raw_material) atau kecamatan (district).")
    place_name: str
    district_code: str
    district_name: str
    regency_code: str
    regency_name: str
    kbli: str
    kbli_title: str
    raw_material: str
    enterprises: int = Field(description="IKM aktif.")
    workers: int
    production_value: int
    villages: list[str]
    growth: float | None = Field(
        description="Pertumbuhan IKM aktif kecamatan × KBLI sejak potret `growth_from` (0.1 = +10 %)."
    )
    suggested_name: str


class CandidatesOut(Schema):
    region: str = Field(description="Kosong: nasional.")
    kbli: str
    min_enterprises: int
    growth_from: int | None
    raw_material_checked: bool
    total: int = Field(description="Semua kandidat yang ditemukan (`items` hanya halaman ini).")
    offset: int
    items: list[SentraCandidateOut]


@router.get(
    "/analytics/sentra-candidates",
    response={200: CandidatesOut, **ERRORS},
    summary="Kandidat sentra IKM (PP 29/2018)",
    description="Desa dengan minimal 5 IKM aktif satu KBLI lima digit tanpa sentra KBLI itu (sentra "
    "berstatus apa pun kecuali tidak aktif), gabungan desa satu kecamatan yang bersama mencapai 5, "
    "dan (untuk satu kabupaten/kota atau lebih kecil) desa dengan 5 IKM berbahan baku sama. "
    "Urut menurut jumlah IKM, tenaga kerja, lalu pertumbuhan.",
)
def sentra_candidates(request, query: Query[CandidateQuery]):
    actor = api_actor(request)
    result = cand.candidates(
        actor=actor,
        region=query.region,
        kbli=query.kbli,
        min_enterprises=query.min,
        limit=None if query.format else query.offset + query.limit,
    )
    if query.format:
        return cand.export_response(result, query.format)
    return {
        "total": result.total,
        "offset": query.offset,
        "region": result.region.code if result.region else "",
        "kbli": result.kbli or "",
        "min_enterprises": result.min_enterprises,
        "growth_from": result.growth_from,
        "raw_material_checked": result.raw_material_checked,
        "items": [
            {name: getattr(c, name) for name in SentraCandidateOut.model_fields}
            for c in result.items[query.offset :]
        ],
    }


class WeakQuery(Schema):
    region: str | None = None
    kbli: str | None = None
    min: str = "5"


class WeakOut(Schema):
    id: int
    name: str
    status: str
    village: str
    kbli: str
    active_members: int = Field(description="Anggota berstatus aktif; kurang dari minimal.")


@router.get(
    "/analytics/weak-centres",
    response={200: list[WeakOut], **ERRORS},
    summary="Sentra ditetapkan yang tidak lagi memenuhi syarat",
    description="Sentra berstatus ditetapkan, berkembang atau mandiri dengan kurang dari 5 anggota aktif.",
)
def weak_centres(request, query: Query[WeakQuery]):
    actor = api_actor(request)
    rows = cand.weak_centres(actor=actor, region=query.region, kbli=query.kbli, min_enterprises=query.min)
    return [
        {
            "id": w.centre.pk,
            "name": w.centre.name,
            "status": w.centre.status,
            "village": w.centre.village_id,
            "kbli": w.centre.kbli_id,
            "active_members": w.active_members,
        }
        for w in rows
    ]


class ProposeIn(Schema):
    kind: str = Field(description="`village`, `district` atau `raw_material` (dari daftar kandidat).")
    place_code: str
    kbli: str = ""
    raw_material: str = ""
    name: str = Field("", description="Kosong: nama usulan.")


class ProposedOut(Schema):
    id: int
    name: str
    status: str
    members: int


@router.post(
    "/analytics/sentra-candidates/propose",
    response={201: ProposedOut, **ERRORS},
    summary="Usulkan sentra dari satu kandidat",
    description="Membuat sentra berstatus diusulkan (desa, KBLI, nama usulan, anggota = IKM aktif kandidat) "
    "dengan validasi dan jejak audit biasa. Bukan (lagi) kandidat: 400 `not_a_candidate`.",
)
def propose(request, payload: ProposeIn, response: HttpResponse):
    actor = api_actor(request)
    centre = cand.propose_centre(
        actor=actor,
        kind=payload.kind,
        place_code=payload.place_code,
        kbli=payload.kbli,
        raw_material=payload.raw_material,
        name=payload.name,
    )
    return 201, {
        "id": centre.pk,
        "name": centre.name,
        "status": centre.status,
        "members": centre.members.count(),
    }
