"""What a registry export holds: the columns of each list, shared by the web export and `sentra export`."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from sentra.core.exports import Column, csv_response, xlsx_response

XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row; CSV has no limit
CHUNK = 2000


def _village_name(obj) -> str:
    return obj.village.name if obj.village_id else ""


def unit_key(obj) -> str:
    """The unit key as one text, NIB/KBLI/village code ("" without a NIB: such a unit is told apart
    by name and village)."""
    return f"{obj.nib}/{obj.kbli_id}/{obj.village_id}" if obj.nib else ""


ENTERPRISE_COLUMNS = [
    Column("ID", lambda o: o.pk),
    Column("Nama usaha", lambda o: o.name),
    Column("Nama pemilik", lambda o: o.owner_name),
    Column("NIB", lambda o: o.nib),
    Column("KBLI", lambda o: o.kbli_id),
    Column("Kode desa", lambda o: o.village_id),
    Column("Desa/kelurahan", _village_name),
    Column("Alamat", lambda o: o.address),
    Column("Lintang", lambda o: o.latitude),
    Column("Bujur", lambda o: o.longitude),
    Column("Tenaga kerja", lambda o: o.workers),
    Column("Investasi (Rp)", lambda o: o.investment),
    Column("Tahun mulai", lambda o: o.year_started),
    Column("Skala", lambda o: o.get_size_class_display()),
    Column("Status", lambda o: o.get_status_display()),
    # Added after the columns files already rely on by position (issue 13 points 4 and 6).
    Column("Kunci unit (NIB/KBLI/desa)", unit_key),
    Column("Kapasitas produksi", lambda o: o.production_capacity),
    Column("Kapasitas terpasang", lambda o: o.installed_capacity),
    Column("Satuan kapasitas", lambda o: o.capacity_unit),
    Column("Jumlah produksi", lambda o: o.production_quantity),
    Column("Satuan produksi", lambda o: o.production_unit),
    Column("Nilai produksi (Rp)", lambda o: o.production_value),
    Column("Bahan baku utama", lambda o: o.raw_material),
    Column("Nilai tanah dan bangunan (Rp)", lambda o: o.land_building_value),
    Column("Tahun data", lambda o: o.data_year),
]

# Laid out for SIINas reporting of small industry: identity of the unit, the year, then the items of
# Permenperin 13/2025 Pasal 7 in its order, numbered as there (domain-facts §7.2; quantities per
# year). One row per unit: SIINas reports per unit, and a NIB with several units has several rows.
SIINAS_COLUMNS = [
    Column("NIB", lambda o: o.nib),
    Column("KBLI", lambda o: o.kbli_id),
    Column("Judul KBLI", lambda o: o.kbli.title),
    Column("Kode desa/kelurahan", lambda o: o.village_id),
    Column("Desa/kelurahan", _village_name),
    Column("Nama usaha", lambda o: o.name),
    Column("Nama pemilik", lambda o: o.owner_name),
    Column("Alamat", lambda o: o.address),
    Column("Tahun data", lambda o: o.data_year),
    Column("1. Investasi, tidak termasuk tanah dan bangunan (Rp)", lambda o: o.investment),
    Column("2. Kapasitas produksi", lambda o: o.production_capacity),
    Column("3. Kapasitas terpasang", lambda o: o.installed_capacity),
    Column("2-3. Satuan kapasitas", lambda o: o.capacity_unit),
    Column("4. Produksi: jumlah", lambda o: o.production_quantity),
    Column("4. Produksi: satuan", lambda o: o.production_unit),
    Column("4. Produksi: nilai (Rp)", lambda o: o.production_value),
    Column("5. Bahan baku utama", lambda o: o.raw_material),
    Column("5. Bahan baku: jumlah", lambda o: o.raw_material_quantity),
    Column("5. Bahan baku: satuan", lambda o: o.raw_material_unit),
    Column(
        "5. Bahan baku: asal", lambda o: o.get_raw_material_origin_display() if o.raw_material_origin else ""
    ),
    Column("5. Bahan baku lain", lambda o: o.other_raw_materials),
    Column("6. Nilai tanah dan bangunan (Rp)", lambda o: o.land_building_value),
    Column("7. Tenaga kerja (orang)", lambda o: o.workers),
    Column("8. Air: jumlah", lambda o: o.water_use),
    Column("8. Air: satuan", lambda o: o.water_unit),
    Column("9. Bahan bakar: jenis", lambda o: o.fuel_type),
    Column("9. Bahan bakar: jumlah", lambda o: o.fuel_use),
    Column("9. Bahan bakar: satuan", lambda o: o.fuel_unit),
    Column("10. Listrik: jumlah", lambda o: o.electricity_use),
    Column("10. Listrik: satuan", lambda o: o.electricity_unit),
    Column("11. Mesin/peralatan: jumlah", lambda o: o.machine_count),
    Column("11. Mesin/peralatan: uraian", lambda o: o.machines),
]
SIINAS_SHEET = "SIINas IKM"

CENTRE_COLUMNS = [
    Column("ID", lambda o: o.pk),
    Column("Nama sentra", lambda o: o.name),
    Column("Komoditas", lambda o: o.commodity),
    Column("KBLI", lambda o: o.kbli_id),
    Column("Kode desa", lambda o: o.village_id),
    Column("Desa/kelurahan", _village_name),
    Column("Jumlah anggota", lambda o: o.member_count),
    Column("Status", lambda o: o.get_status_display()),
    Column("Dasar hukum", lambda o: str(o.decree) if o.decree_id else ""),
    Column("Tanggal ditetapkan", lambda o: o.designated_on),
]
PRODUCT_COLUMNS = [
    Column("ID", lambda o: o.pk),
    Column("Nama produk", lambda o: o.name),
    Column("IKM", lambda o: o.enterprise.name if o.enterprise_id else ""),
    Column("Sentra", lambda o: o.centre.name if o.centre_id else ""),
    Column("KBLI", lambda o: o.kbli_id),
    Column("Kode desa", lambda o: o.village_id),
    Column("Harga terendah (Rp)", lambda o: o.price_min),
    Column("Harga tertinggi (Rp)", lambda o: o.price_max),
    Column("Jangkauan pasar", lambda o: o.get_market_reach_display()),
]

COLUMNS = {
    "enterprise": ENTERPRISE_COLUMNS,
    "centre": CENTRE_COLUMNS,
    "product": PRODUCT_COLUMNS,
    "siinas": SIINAS_COLUMNS,  # enterprises, laid out for SIINas reporting (siinas_response)
}


def export_response(
    key: str, qs: QuerySet, *, fmt: str, title: str, wrap=lambda rows: rows
) -> StreamingHttpResponse:
    """A streamed CSV or XLSX of an already scoped and filtered list. `wrap` may observe the rows
    (the CLI counts them)."""
    name = f"sentra-{key}"
    if fmt == "xlsx":
        rows: Iterable = wrap(qs[:XLSX_MAX_ROWS].iterator(chunk_size=CHUNK))
        return xlsx_response(name, rows, COLUMNS[key], sheet_title=title)
    return csv_response(name, wrap(qs.iterator(chunk_size=CHUNK)), COLUMNS[key])


def siinas_response(qs: QuerySet, *, wrap=lambda rows: rows) -> StreamingHttpResponse:
    """The scoped enterprise list `qs` as the SIINas reporting sheet (XLSX, SIINAS_COLUMNS)."""
    return export_response("siinas", qs, fmt="xlsx", title=SIINAS_SHEET, wrap=wrap)
