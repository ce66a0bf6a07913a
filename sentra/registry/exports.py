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
]
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

COLUMNS = {"enterprise": ENTERPRISE_COLUMNS, "centre": CENTRE_COLUMNS, "product": PRODUCT_COLUMNS}


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
