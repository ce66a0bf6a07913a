"""Leading potential (issue 17 §3): GET /api/v1/analytics/location-quotient, /analytics/shift-share and
/analytics/leading-commodities — the same tables as the web page /analisis/potensi/ (analytics/potential.py).
Each answers JSON, or the table as a file with `?format=csv` or `?format=xlsx`.

Parameters are plain text so that an unknown level, KBLI level or measure is answered 400 with the rule's
code (`unknown_level`, `unknown_kbli_digits`, `unknown_measure`, …) and an Indonesian message, as the web
page shows it, rather than the schema's generic 422.
"""

from __future__ import annotations

from typing import Literal

from ninja import Field, Query, Router, Schema

from sentra.analytics import potential

from .auth import api_actor
from .schemas import ApiError, ErrorOut

router = Router(tags=["analisis"])

FORMAT = Field(
    None,
    description="Kosong: JSON. `csv` atau `xlsx`: tabel yang sama sebagai berkas (kolom seperti ekspor web).",
)


class LQQuery(Schema):
    region: str | None = Field(
        None,
        description="Kode wilayah (provinsi, kabupaten/kota atau kecamatan) yang wilayah di dalamnya "
        "dihitung; bawaan: wilayah kerja Anda (pengguna pusat: nasional). Tidak dikenal: 400 "
        "`unknown_region`; di luar wilayah kerja: 404.",
    )
    level: str = Field("regency", description="Tingkat baris: `province`, `regency` atau `district`.")
    kbli_digits: str = Field("2", description="Tingkat KBLI: `2`, `3` atau `5` digit.")
    measure: str = Field(
        "enterprises", description="Ukuran: `enterprises` (IKM aktif), `workers` atau `production_value`."
    )
    reference: str = Field(
        "nation", description="Pembanding: `nation` (nasional) atau `parent` (provinsi/kabupaten induk)."
    )
    format: Literal["csv", "xlsx"] | None = FORMAT


class LQRowOut(Schema):
    region_code: str
    region_name: str
    kbli: str
    kbli_title: str
    value: int = Field(description="e_ij: nilai ukuran KBLI j di wilayah i.")
    region_total: int = Field(description="e_i: total wilayah, semua KBLI.")
    share: float | None = Field(description="e_ij / e_i.")
    reference_code: str = Field(description="Wilayah pembanding; kosong: nasional.")
    reference_value: int = Field(description="E_j.")
    reference_total: int = Field(description="E.")
    reference_share: float | None = Field(description="E_j / E.")
    lq: float | None = Field(
        description="LQ = (e_ij/e_i)/(E_j/E). > 1: KBLI lebih menonjol di wilayah daripada di pembanding."
    )
    enterprises: int = Field(description="IKM aktif di sel ini.")
    region_enterprises: int = Field(description="IKM aktif di wilayah, semua KBLI.")
    few_enterprises: bool = Field(
        description=f"Wilayah < {potential.MIN_REGION_ENTERPRISES} IKM atau sel < "
        f"{potential.MIN_CELL_ENTERPRISES} IKM: LQ ditampilkan tetapi kurang stabil."
    )


class LQOut(Schema):
    region: str = Field(description="Wilayah yang dihitung; kosong: nasional.")
    level: str
    kbli_digits: int
    measure: str
    reference: str
    rows: list[LQRowOut]


def _lq_row(row: potential.LQRow) -> dict:
    return {name: getattr(row, name) for name in LQRowOut.model_fields}


@router.get(
    "/analytics/location-quotient",
    response={200: LQOut, 400: ApiError, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Location quotient (LQ) per wilayah dan KBLI",
    description="LQ tiap KBLI di tiap wilayah pada tingkat `level` di dalam `region`, menurut jumlah IKM "
    "aktif, tenaga kerja atau nilai produksi, terhadap nasional atau wilayah induk. Dari hitungan "
    "registri yang dipelihara (selalu terkini). Hanya wilayah dalam wilayah kerja Anda; "
    "pembanding (nasional/induk) berupa jumlah agregat. Baris berurutan per wilayah, LQ tertinggi dulu.",
)
def location_quotient(request, query: Query[LQQuery]):
    actor = api_actor(request)
    table = potential.location_quotient(
        actor=actor,
        region=query.region,
        level=query.level,
        kbli_digits=query.kbli_digits,
        measure=query.measure,
        reference=query.reference,
    )
    if query.format:
        name = f"sentra-lq-{table.level}-kbli{table.kbli_digits}-{table.measure}"
        name += f"-{table.region.code}" if table.region else ""
        return potential.export_response("lq", name, table.rows, query.format)
    return {
        "region": table.region.code if table.region else "",
        "level": table.level,
        "kbli_digits": table.kbli_digits,
        "measure": table.measure,
        "reference": table.reference,
        "rows": [_lq_row(row) for row in table.rows],
    }


class ShiftShareQuery(Schema):
    region: str = Field(description="Kode provinsi, kabupaten/kota atau kecamatan.")
    from_year: str = Field(description="Tahun potret registri awal.")
    to_year: str = Field("now", description="Tahun potret registri akhir, atau `now` (hitungan terkini).")
    kbli_digits: str = Field("2", description="`2`, `3` atau `5`.")
    measure: str = Field("enterprises", description="`enterprises`, `workers` atau `production_value`.")
    format: Literal["csv", "xlsx"] | None = FORMAT


class ShiftShareRowOut(Schema):
    kbli: str
    kbli_title: str
    start: int
    end: int
    change: int = Field(description="end − start = NS + IM + RS.")
    region_growth: float | None = Field(description="g_ij; null bila KBLI baru di wilayah.")
    kbli_growth: float | None = Field(description="G_j: pertumbuhan KBLI secara nasional.")
    national_share: float = Field(description="NS = e_ij0·G: bila tumbuh seperti ekonomi IKM nasional.")
    industry_mix: float = Field(
        description="IM = e_ij0·(G_j − G): karena KBLI ini tumbuh cepat/lambat nasional."
    )
    regional_shift: float = Field(description="RS = e_ij0·(g_ij − G_j): keunggulan (RS > 0) wilayah sendiri.")


class ShiftShareOut(Schema):
    region: str
    from_year: int
    to_year: int | None = Field(description="null: hitungan terkini.")
    kbli_digits: int
    measure: str
    national_growth: float | None = Field(description="G = E1/E0 − 1.")
    rows: list[ShiftShareRowOut]


@router.get(
    "/analytics/shift-share",
    response={200: ShiftShareOut, 400: ApiError, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Analisis shift-share per KBLI antara dua potret registri",
    description="Perubahan tiap KBLI di wilayah dipecah menjadi pertumbuhan nasional (NS), bauran industri "
    "(IM) dan keunggulan kompetitif wilayah (RS), NS + IM + RS = perubahan. Tahun tanpa potret registri: "
    "400 `no_snapshot`; tahun akhir tidak sesudah tahun awal: 400 `invalid_years`.",
)
def shift_share(request, query: Query[ShiftShareQuery]):
    actor = api_actor(request)
    result = potential.shift_share(
        actor=actor,
        region=query.region,
        from_year=query.from_year,
        to_year=query.to_year,
        kbli_digits=query.kbli_digits,
        measure=query.measure,
    )
    if query.format:
        name = f"sentra-shift-share-{result.region.code}-{result.from_year}-{result.to_year or 'kini'}"
        return potential.export_response("shift_share", name, result.rows, query.format)
    return {
        "region": result.region.code,
        "from_year": result.from_year,
        "to_year": result.to_year,
        "kbli_digits": result.kbli_digits,
        "measure": result.measure,
        "national_growth": result.national_growth,
        "rows": [{name: getattr(row, name) for name in ShiftShareRowOut.model_fields} for row in result.rows],
    }


class LeadingQuery(Schema):
    region: str = Field(description="Kode provinsi, kabupaten/kota atau kecamatan.")
    kbli_digits: str = Field("5", description="`2`, `3` atau `5`.")
    measure: str = Field("enterprises", description="`enterprises`, `workers` atau `production_value`.")
    limit: int = Field(10, ge=1, le=500)
    format: Literal["csv", "xlsx"] | None = FORMAT


class LeadingItemOut(Schema):
    rank: int
    kbli: str
    kbli_title: str
    value: int
    share: float | None
    lq_nation: float | None
    lq_parent: float | None = Field(description="Terhadap wilayah induk; null untuk provinsi.")
    enterprises: int
    few_enterprises: bool
    growth: float | None = Field(description="Pertumbuhan dari potret `growth_from` sampai sekarang.")
    national_share: float | None
    industry_mix: float | None
    regional_shift: float | None


class LeadingOut(Schema):
    region: str
    kbli_digits: int
    measure: str
    growth_from: int | None = Field(description="Tahun potret awal pertumbuhan; null: belum ada potret.")
    items: list[LeadingItemOut]


@router.get(
    "/analytics/leading-commodities",
    response={200: LeadingOut, 400: ApiError, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Komoditas unggulan suatu wilayah, berperingkat",
    description="KBLI wilayah diurutkan: yang cukup IKM dulu, lalu LQ terhadap nasional tertinggi, lalu "
    "nilainya; dengan pangsa, LQ terhadap nasional dan wilayah induk, pertumbuhan dan komponen shift-share "
    "sejak potret terakhir sebelum tahun ini.",
)
def leading_commodities(request, query: Query[LeadingQuery]):
    actor = api_actor(request)
    result = potential.leading_commodities(
        actor=actor,
        region_code=query.region,
        digits=query.kbli_digits,
        measure=query.measure,
        limit=query.limit,
    )
    if query.format:
        name = f"sentra-komoditas-unggulan-{result.region.code}"
        return potential.export_response("leading", name, result.items, query.format)
    return {
        "region": result.region.code,
        "kbli_digits": result.digits,
        "measure": result.measure,
        "growth_from": result.growth_from,
        "items": [
            {name: getattr(item, name) for name in LeadingItemOut.model_fields} for item in result.items
        ],
    }
