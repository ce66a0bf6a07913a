"""Import schemas for the registries: IKM units (enterprises) and sentra IKM (centres).

The engine (sentra.core.imports) streams the file; these schemas say what each column means.
Validation never queries per row: `prepare` loads one set or dict per referenced table (village
codes, KBLI leaves, existing NIB → id, existing (name, village) → id) and every row is checked
against them in memory. Enterprises are written with bulk_create / bulk_update in batches; centres,
which number in the thousands nationally, are written one by one with their links.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sentra.agencies.models import Agency, AgencyKind
from sentra.core.imports import (
    CellError,
    Column,
    ImportReport,
    ImportSchema,
    ProgressCallback,
    Row,
    cell_text,
    is_blank,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_text,
    run_import,
)
from sentra.regions.codes import normalise_code
from sentra.regions.models import Kbli, Region

from .choices import CentreStatus, DecreeKind, EnterpriseStatus
from .models import Centre, CentreMembership, CentreVillage, Decree, Enterprise
from .services import ENTERPRISE_FIELDS, centre_warnings, enterprise_size_class

BATCH_SIZE = 2_000
MAX_INT = 2_147_483_647
MAX_BIGINT = 9_223_372_036_854_775_807
DEFAULT_AGENCY_NAME = "Direktorat Jenderal IKMA"

PLACE_COLUMNS = ("provinsi", "kabupaten_kota", "kecamatan", "desa")


def default_import_agency() -> Agency:
    """The first ministry agency, created as Ditjen IKMA when there is none."""
    from sentra.agencies.services import agency_get_or_create

    agency = Agency.objects.filter(kind=AgencyKind.MINISTRY).order_by("id").first()
    return agency or agency_get_or_create(
        name=DEFAULT_AGENCY_NAME, kind=AgencyKind.MINISTRY, region_code=None
    )


def natural_name(name: str) -> str:
    """Names compare case- and space-insensitively: 'UD  Amplang' and 'ud amplang' are one unit."""
    return " ".join(name.split()).casefold()


class _Places:
    """Village codes from a `kode_wilayah` cell or from names resolved by the gazetteer."""

    def __init__(self, present: set[str]) -> None:
        self.villages: set[str] = set(
            Region.objects.filter(level=Region.Level.VILLAGE).values_list("code", flat=True)
        )
        self.has_names = any(column in present for column in PLACE_COLUMNS)
        # One entry per distinct combination of names in the file, not per row.
        self._resolved: dict[tuple[str, ...], tuple[str | None, str, str, str]] = {}

    def code(self, text: str) -> tuple[str | None, str, str]:
        """(village code, error code, message) for one code as written in the file."""
        code = normalise_code(text)
        if code is None:
            return (
                None,
                "invalid_region_code",
                _("Kode wilayah tidak valid; tulis kode desa/kelurahan Kemendagri, misalnya 64.09.01.1001."),
            )
        if len(code) != 13:
            return (
                None,
                "not_village",
                _("Kode wilayah harus kode desa/kelurahan (10 digit), bukan %(c)s.") % {"c": code},
            )
        if code not in self.villages:
            return None, "unknown_village", _("Kode desa/kelurahan %(code)s tidak dikenal.") % {"code": code}
        return code, "", ""

    def by_names(self, row: Row) -> tuple[str | None, str, str, str]:
        """(village code, column, error code, message) from the name columns."""
        names = tuple(row.text(column) for column in PLACE_COLUMNS)
        key = tuple(natural_name(n) for n in names)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(dict(zip(PLACE_COLUMNS, names, strict=True)))
        return self._resolved[key]

    def _resolve(self, names: dict[str, str]) -> tuple[str | None, str, str, str]:
        if not names["desa"]:
            return None, "desa", "required", _("Isi kode_wilayah, atau nama desa beserta wilayah di atasnya.")
        try:
            from sentra.regions.gazetteer import get_gazetteer
        except ImportError:
            return (
                None,
                "desa",
                "region_unavailable",
                _("Pencarian nama wilayah belum tersedia; isi kode_wilayah."),
            )
        # One query with the whole address, village first: the gazetteer checks that each name
        # lies inside the next and reports a contradiction rather than guessing.
        text = ", ".join(names[c] for c in reversed(PLACE_COLUMNS) if names[c])
        resolution = get_gazetteer().resolve(text, level=4)
        if resolution.status != "resolved" or resolution.best is None:
            return None, "desa", *self._explain(resolution, text)
        return resolution.best.code, "", "", ""

    @staticmethod
    def _explain(resolution: Any, text: str) -> tuple[str, str]:
        options = "; ".join(
            f"{c.code} {', '.join(c.path) if isinstance(c.path, list | tuple) else c.name}"
            for c in (resolution.candidates or [])[:5]
        )
        if resolution.status == "ambiguous":
            message = _(
                'Nama wilayah "%(t)s" cocok dengan beberapa wilayah: %(o)s. Isi kode_wilayah '
                "atau lengkapi kecamatan/kabupaten."
            ) % {"t": text, "o": options}
            return "region_ambiguous", message
        if resolution.status == "contradictory":
            return "region_contradictory", _(
                'Nama wilayah "%(t)s" tidak berada di wilayah induk yang disebut. %(r)s'
            ) % {"t": text, "r": resolution.reason or ""}
        return "region_not_found", _('Nama wilayah "%(t)s" tidak ditemukan.') % {"t": text}


def _kbli_text(value: Any) -> str:
    text = cell_text(value)
    # Excel turns 01111 into the number 1111; a 4-digit number from a typed cell lost its zero.
    if isinstance(value, int | float) and text.isdigit() and len(text) < 5:
        text = text.zfill(5)
    return text


def _field(row: Row, report: ImportReport | None, column: str, parse: Callable[[Any], Any]) -> Any:
    try:
        return parse(row.get(column))
    except CellError as exc:
        if report is not None:
            report.error(row.number, column, row.get(column), exc.code, exc.message)
        return None


# ---------------------------------------------------------------------------------------------------
# Enterprises

# Names above the village, read by the gazetteer when no region code is given; both schemas take them.
PARENT_PLACE_COLUMNS = (
    Column("kecamatan", _l("Nama kecamatan."), "Penajam"),
    Column(
        "kabupaten_kota",
        _l("Nama kabupaten/kota."),
        "Penajam Paser Utara",
        aliases=("kabupaten", "kota", "kab_kota"),
    ),
    Column("provinsi", _l("Nama provinsi."), "Kalimantan Timur"),
)

ENTERPRISE_COLUMNS = (
    Column("nama_usaha", _l("Nama usaha (wajib), paling banyak 200 karakter."), "UD Amplang Saloloang"),
    Column("nama_pemilik", _l("Nama pemilik."), "Siti Aminah"),
    Column(
        "nib",
        _l("Nomor Induk Berusaha, 13 angka. Kunci pembaruan: NIB yang sama memperbarui data."),
        "9120001234567",
    ),
    Column("kbli", _l("Kode KBLI 2020 lima digit (wajib)."), "10794"),
    Column(
        "kode_wilayah",
        _l("Kode desa/kelurahan Kemendagri; boleh dikosongkan bila nama wilayah diisi."),
        "64.09.01.1001",
        aliases=("kode_desa",),
    ),
    Column(
        "desa",
        _l("Nama desa/kelurahan (bila kode_wilayah kosong)."),
        "Saloloang",
        aliases=("kelurahan", "desa_kelurahan"),
    ),
    *PARENT_PLACE_COLUMNS,
    Column("alamat", _l("Alamat."), "Jl. Propinsi Km 1"),
    Column("lintang", _l("Lintang (derajat desimal, -11,5 s.d. 6,5)."), "-1,2534", aliases=("latitude",)),
    Column("bujur", _l("Bujur (derajat desimal, 94,5 s.d. 141,5)."), "116,7021", aliases=("longitude",)),
    Column("tenaga_kerja", _l("Jumlah tenaga kerja."), "4"),
    Column("investasi", _l("Nilai investasi dalam rupiah, tidak termasuk tanah dan bangunan."), "50.000.000"),
    Column("kapasitas_produksi", _l("Kapasitas produksi per tahun."), "1200"),
    Column("satuan_kapasitas", _l("Satuan kapasitas, misalnya kg."), "kg"),
    Column("nilai_produksi", _l("Nilai produksi per tahun (Rp)."), "120.000.000"),
    Column("tahun_mulai", _l("Tahun mulai usaha."), "2015"),
    Column("status", _l("Aktif, Tidak aktif, atau Tutup (kosong = Aktif)."), "Aktif"),
)

# column → model fields it sets, for updating only what the file carries
ENTERPRISE_FIELDS_BY_COLUMN = {
    "nama_usaha": ("name",),
    "nama_pemilik": ("owner_name",),
    "nib": ("nib",),
    "kbli": ("kbli",),
    "alamat": ("address",),
    "lintang": ("latitude",),
    "bujur": ("longitude",),
    "tenaga_kerja": ("workers",),
    "investasi": ("investment",),
    "kapasitas_produksi": ("production_capacity",),
    "satuan_kapasitas": ("capacity_unit",),
    "nilai_produksi": ("production_value",),
    "tahun_mulai": ("year_started",),
    "status": ("status",),
}
PLACE_FIELDS = ("village", "province_code", "regency_code")


class EnterpriseSchema(ImportSchema):
    kind = "enterprises"
    title = _l("IKM")
    columns = ENTERPRISE_COLUMNS

    def __init__(self, *, agency: Agency | None = None) -> None:
        self.agency = agency

    def missing_columns(self, present: set[str]) -> list[str]:
        missing = [c for c in ("nama_usaha", "kbli") if c not in present]
        if "kode_wilayah" not in present and "desa" not in present:
            missing.append("kode_wilayah/desa")
        return missing

    def prepare(self, present: set[str]) -> None:
        self.present = present
        self.places = _Places(present)
        self.kbli: set[str] = set(Kbli.objects.filter(level=5).values_list("code", flat=True))
        self.by_nib: dict[str, int] = {}
        # (name, village) → id, negated when that record has a NIB (see _existing_id)
        self.by_name: dict[tuple[str, str], int] = {}
        rows = Enterprise.objects.values_list("id", "nib", "name", "village_id").iterator(chunk_size=20_000)
        for pk, nib, name, village in rows:
            if nib:
                self.by_nib[nib] = pk
            self.by_name[(natural_name(name), village)] = -pk if nib else pk

    def _existing_id(self, nib: str | None, name: str, village: str) -> int | None:
        if nib and nib in self.by_nib:
            return self.by_nib[nib]
        found = self.by_name.get((natural_name(name), village))
        if found is None:
            return None
        if found > 0 or not nib:
            return abs(found)
        return None  # same name and village but another NIB: a different unit

    def parse(self, row: Row, report: ImportReport | None) -> dict[str, Any] | None:
        """Row → field values; errors go to `report`. Returns None when the row has errors."""
        before = report.error_count if report else 0
        data: dict[str, Any] = {}
        data["name"] = _field(row, report, "nama_usaha", lambda v: parse_text(v, max_length=200))
        if data["name"] == "" and report is not None:
            report.error(row.number, "nama_usaha", "", "required", _("Nama usaha wajib diisi."))
        data["owner_name"] = _field(row, report, "nama_pemilik", lambda v: parse_text(v, max_length=150))
        data["nib"] = _field(row, report, "nib", _parse_nib)
        data["kbli"] = _field(row, report, "kbli", self._parse_kbli)
        data["village"] = self._village(row, report)
        data["address"] = _field(row, report, "alamat", lambda v: parse_text(v, max_length=300))
        data["latitude"] = _field(
            row,
            report,
            "lintang",
            lambda v: parse_decimal(
                v, minimum=Decimal("-11.5"), maximum=Decimal("6.5"), places=6, max_digits=9
            ),
        )
        data["longitude"] = _field(
            row,
            report,
            "bujur",
            lambda v: parse_decimal(
                v, minimum=Decimal("94.5"), maximum=Decimal("141.5"), places=6, max_digits=9
            ),
        )
        data["workers"] = _field(row, report, "tenaga_kerja", lambda v: parse_int(v, maximum=MAX_INT)) or 0
        data["investment"] = _field(row, report, "investasi", lambda v: parse_int(v, maximum=MAX_BIGINT)) or 0
        data["production_capacity"] = _field(
            row,
            report,
            "kapasitas_produksi",
            lambda v: parse_decimal(v, minimum=Decimal(0), places=2, max_digits=14),
        )
        data["capacity_unit"] = _field(
            row, report, "satuan_kapasitas", lambda v: parse_text(v, max_length=30)
        )
        data["production_value"] = _field(
            row, report, "nilai_produksi", lambda v: parse_int(v, maximum=MAX_BIGINT)
        )
        data["year_started"] = _field(
            row, report, "tahun_mulai", lambda v: parse_int(v, minimum=1900, maximum=2100)
        )
        data["status"] = _field(row, report, "status", lambda v: parse_choice(v, EnterpriseStatus)) or (
            EnterpriseStatus.ACTIVE
        )
        if report is not None and report.error_count > before:
            return None
        return data

    def _parse_kbli(self, value: Any) -> str:
        text = _kbli_text(value)
        if not text:
            raise CellError("required", _("KBLI wajib diisi."))
        if text not in self.kbli:
            raise CellError(
                "unknown_kbli", _("Kode KBLI 2020 5 digit %(code)s tidak dikenal.") % {"code": text}
            )
        return text

    def _village(self, row: Row, report: ImportReport | None) -> str | None:
        return _row_village(self.places, row, report)

    def check(self, row: Row, report: ImportReport) -> Any:
        data = self.parse(row, report)
        if data is None:
            return None
        return ("nib", data["nib"]) if data["nib"] else ("name", natural_name(data["name"]), data["village"])

    def duplicate_key_message(self, first_row: int) -> tuple[str, str]:
        return "nib", _(
            "IKM yang sama (NIB yang sama, atau nama dan desa yang sama) sudah ada di baris %(row)d."
        ) % {"row": first_row}

    def write(self, rows: Iterator[Row], report: ImportReport, on_row: Callable[[], None]) -> None:
        agency = self.agency or default_import_agency()
        update_fields = sorted(
            {
                f
                for column, fields in ENTERPRISE_FIELDS_BY_COLUMN.items()
                if column in self.present
                for f in fields
            }
            | set(PLACE_FIELDS)
            | {"size_class", "updated_at"}
        )
        both_size_inputs = {"tenaga_kerja", "investasi"} <= self.present
        inserter = _EnterpriseInserter(agency_id=agency.pk)
        changed: list[Enterprise] = []
        for row in rows:
            on_row()
            data = self.parse(row, None)
            assert data is not None  # pass 1 found no error
            village, kbli = data.pop("village"), data.pop("kbli")
            pk = self._existing_id(data["nib"], data["name"], village)
            if pk is None:
                # New rows skip model instances and the SQL compiler: plain tuples, executemany.
                report.created += inserter.add(data, kbli, village)
                continue
            enterprise = Enterprise(pk=pk, agency=agency, kbli_id=kbli, **data)
            enterprise.place_in(village)
            enterprise.size_class = enterprise_size_class(
                workers=enterprise.workers, investment=enterprise.investment
            )
            enterprise.updated_at = timezone.now()
            changed.append(enterprise)
            if len(changed) >= BATCH_SIZE:
                report.updated += self._update(changed, update_fields, both_size_inputs)
                changed = []
        report.created += inserter.flush()
        if changed:
            report.updated += self._update(changed, update_fields, both_size_inputs)

    @staticmethod
    def _update(objects: list[Enterprise], fields: list[str], both_size_inputs: bool) -> int:
        if not both_size_inputs:
            # The size class needs both inputs; take the missing one from the stored record, one query
            # per batch.
            stored = dict(
                (pk, (w, i))
                for pk, w, i in Enterprise.objects.filter(pk__in=[o.pk for o in objects]).values_list(
                    "pk", "workers", "investment"
                )
            )
            for obj in objects:
                workers, investment = stored[obj.pk]
                obj.size_class = enterprise_size_class(
                    workers=obj.workers if "workers" in fields else workers,
                    investment=obj.investment if "investment" in fields else investment,
                )
        Enterprise.objects.bulk_update(objects, fields, batch_size=500)
        return len(objects)


class _EnterpriseInserter:
    """New enterprises as plain tuples written with `cursor.executemany` in batches of BATCH_SIZE.

    bulk_create spent most of its time in Django's insert compiler and in building model instances;
    the values here are already validated by pass 1, so only the few types a driver cannot take as
    they are (datetimes) go through the field's `get_db_prep_save`, once per import. Runs inside the
    engine's transaction, so an error still leaves nothing written.
    """

    ROW_FIELDS = ENTERPRISE_FIELDS

    def __init__(self, *, agency_id: int) -> None:
        self.connection = connections[router.db_for_write(Enterprise)]
        meta = Enterprise._meta
        fields = {f.attname: f for f in meta.concrete_fields}
        now = timezone.now()
        stamp = fields["created_at"].get_db_prep_save(now, self.connection)
        self.prefix = (
            stamp,
            fields["updated_at"].get_db_prep_save(now, self.connection),
            fields["agency_id"].get_db_prep_save(agency_id, self.connection),
        )
        columns = ("created_at", "updated_at", "agency_id", "village_id", "province_code", "regency_code")
        columns += ("kbli_id", "size_class", *self.ROW_FIELDS)
        # Columns the database fills itself (verification state of a new record) may be left out.
        missing = {
            name
            for name in set(fields) - set(columns) - {meta.pk.attname}
            if not (fields[name].has_db_default() or fields[name].null)
        }
        assert not missing, f"_EnterpriseInserter does not fill {sorted(missing)}"
        quote = self.connection.ops.quote_name
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(meta.db_table),
            ", ".join(quote(fields[c].column) for c in columns),
            ", ".join(["%s"] * len(columns)),
        )
        self.pending: list[tuple[Any, ...]] = []

    def add(self, data: dict[str, Any], kbli: str, village: str) -> int:
        """Queue one row; returns the number of rows written now (0 or a batch)."""
        size = enterprise_size_class(workers=data["workers"], investment=data["investment"])
        data["status"] = str(data["status"])  # a TextChoices member when the cell was blank
        self.pending.append(
            (
                *self.prefix,
                village,
                village[:2],
                village[:5],
                kbli,
                str(size),
                *(data[f] for f in self.ROW_FIELDS),
            )
        )
        return self.flush() if len(self.pending) >= BATCH_SIZE else 0

    def flush(self) -> int:
        if not self.pending:
            return 0
        with self.connection.cursor() as cursor:
            cursor.executemany(self.sql, self.pending)
        written, self.pending = len(self.pending), []
        return written


def _parse_nib(value: Any) -> str | None:
    text = cell_text(value).replace(" ", "")
    if not text:
        return None
    if not re.fullmatch(r"\d{13}", text):
        raise CellError("nib_format", _("NIB harus terdiri dari 13 angka."))
    return text


def _row_village(places: _Places, row: Row, report: ImportReport | None) -> str | None:
    text = row.text("kode_wilayah")
    if text:
        code, error, message = places.code(text)
        if code is None and report is not None:
            report.error(row.number, "kode_wilayah", text, error, message)
        return code
    code, column, error, message = places.by_names(row)
    if code is None and report is not None:
        report.error(row.number, column or "kode_wilayah", row.text(column) if column else "", error, message)
    return code


# ---------------------------------------------------------------------------------------------------
# Centres

CENTRE_COLUMNS = (
    Column("nama_sentra", _l("Nama sentra (wajib)."), "Sentra Amplang Penajam"),
    Column("komoditas", _l("Komoditas (wajib)."), "Amplang ikan"),
    Column("kbli", _l("Kode KBLI 2020 lima digit (wajib)."), "10794"),
    Column("bahan_baku", _l("Bahan baku utama."), "Ikan tenggiri"),
    Column("keterangan", _l("Keterangan."), ""),
    Column(
        "kode_wilayah",
        _l("Satu atau lebih kode desa/kelurahan dipisah titik koma; yang pertama desa utama."),
        "64.09.01.1001;64.09.01.1002",
        aliases=("kode_desa",),
    ),
    Column(
        "desa",
        _l("Nama desa/kelurahan utama (bila kode_wilayah kosong)."),
        "Saloloang",
        aliases=("kelurahan", "desa_kelurahan"),
    ),
    *PARENT_PLACE_COLUMNS,
    Column("status", _l("Diusulkan, Ditetapkan, Berkembang, atau Mandiri."), "Ditetapkan"),
    Column("jenis_dasar_hukum", _l("SK Bupati, SK Walikota, Peraturan Bupati, …"), "SK Bupati"),
    Column("nomor_dasar_hukum", _l("Nomor dasar hukum."), "518/176/2020"),
    Column("tanggal_dasar_hukum", _l("Tanggal dasar hukum (2020-03-31 atau 31/03/2020)."), "2020-03-31"),
    Column("penanda_tangan", _l("Penanda tangan dasar hukum."), "Bupati Penajam Paser Utara"),
    Column("ketua_pengurus", _l("Ketua pengurus sentra."), ""),
    Column(
        "nib_anggota",
        _l("NIB anggota yang sudah terdaftar, dipisah titik koma."),
        "9120001234567;9120001234568",
    ),
)

PROVINCIAL_DECREES = {DecreeKind.PERGUB}


class CentreSchema(ImportSchema):
    kind = "centres"
    title = _l("Sentra IKM")
    columns = CENTRE_COLUMNS

    def __init__(self, *, agency: Agency | None = None) -> None:
        self.agency = agency

    def missing_columns(self, present: set[str]) -> list[str]:
        missing = [c for c in ("nama_sentra", "komoditas", "kbli") if c not in present]
        if "kode_wilayah" not in present and "desa" not in present:
            missing.append("kode_wilayah/desa")
        return missing

    def prepare(self, present: set[str]) -> None:
        self.present = present
        self.places = _Places(present)
        self.kbli = set(Kbli.objects.filter(level=5).values_list("code", flat=True))
        self.members: dict[str, int] = dict(
            Enterprise.objects.filter(nib__isnull=False).values_list("nib", "id").iterator(chunk_size=20_000)
        )
        self.existing: dict[tuple[str, str], int] = {
            (natural_name(name), village): pk
            for pk, name, village in Centre.objects.values_list("id", "name", "village_id")
        }

    def parse(self, row: Row, report: ImportReport | None) -> dict[str, Any] | None:
        before = report.error_count if report else 0
        data: dict[str, Any] = {}
        for column, field, limit, label in (
            ("nama_sentra", "name", 200, _("Nama sentra wajib diisi.")),
            ("komoditas", "commodity", 150, _("Komoditas wajib diisi.")),
        ):
            data[field] = _field(row, report, column, lambda v, n=limit: parse_text(v, max_length=n))
            if data[field] == "" and report is not None:
                report.error(row.number, column, "", "required", label)
        data["raw_material"] = _field(row, report, "bahan_baku", lambda v: parse_text(v, max_length=200))
        data["description"] = cell_text(row.get("keterangan"))
        data["board_chair"] = _field(row, report, "ketua_pengurus", lambda v: parse_text(v, max_length=150))
        data["kbli"] = _field(row, report, "kbli", self._parse_kbli)
        data["villages"] = self._villages(row, report)
        data["decree"] = self._decree(row, report, data["villages"])
        status = _field(row, report, "status", lambda v: parse_choice(v, CentreStatus))
        data["status"] = status or (CentreStatus.DESIGNATED if data["decree"] else CentreStatus.PROPOSED)
        data["members"] = self._members(row, report)
        if report is not None and report.error_count > before:
            return None
        return data

    _parse_kbli = EnterpriseSchema._parse_kbli

    def _villages(self, row: Row, report: ImportReport | None) -> list[str]:
        text = row.text("kode_wilayah")
        if not text:
            code = _row_village(self.places, row, report)
            return [code] if code else []
        codes: list[str] = []
        for part in filter(None, (p.strip() for p in re.split(r"[;\n]", text))):
            code, error, message = self.places.code(part)
            if code is None:
                if report is not None:
                    report.error(row.number, "kode_wilayah", part, error, message)
            elif code not in codes:
                codes.append(code)
        return codes

    def _decree(self, row: Row, report: ImportReport | None, villages: list[str]) -> dict[str, Any] | None:
        number = row.text("nomor_dasar_hukum")
        if not number:
            return None
        kind = _field(row, report, "jenis_dasar_hukum", lambda v: parse_choice(v, DecreeKind))
        issued_on = _field(row, report, "tanggal_dasar_hukum", parse_date)
        if report is not None:
            if kind is None and is_blank(row.get("jenis_dasar_hukum")):
                report.error(
                    row.number,
                    "jenis_dasar_hukum",
                    "",
                    "required",
                    _("Jenis dasar hukum wajib diisi bila nomornya diisi."),
                )
            if issued_on is None and is_blank(row.get("tanggal_dasar_hukum")):
                report.error(
                    row.number,
                    "tanggal_dasar_hukum",
                    "",
                    "required",
                    _("Tanggal dasar hukum wajib diisi bila nomornya diisi."),
                )
        if not (kind and issued_on and villages):
            return None
        region = villages[0][:2] if kind in PROVINCIAL_DECREES else villages[0][:5]
        return {
            "region_id": region,
            "kind": kind,
            "number": number[:100],
            "issued_on": issued_on,
            "signatory": row.text("penanda_tangan")[:150],
        }

    def _members(self, row: Row, report: ImportReport | None) -> list[int] | None:
        if "nib_anggota" not in self.present:
            return None
        ids: list[int] = []
        for nib in filter(None, (p.strip() for p in re.split(r"[;,\n]", row.text("nib_anggota")))):
            if nib not in self.members:
                if report is not None:
                    report.error(
                        row.number,
                        "nib_anggota",
                        nib,
                        "unknown_member",
                        _("Tidak ada IKM terdaftar dengan NIB %(nib)s; impor IKM-nya dulu.") % {"nib": nib},
                    )
            elif self.members[nib] not in ids:
                ids.append(self.members[nib])
        return ids

    def check(self, row: Row, report: ImportReport) -> Any:
        data = self.parse(row, report)
        if data is None:
            return None
        if data["members"] is not None:
            for message in centre_warnings(member_count=len(data["members"])):
                report.warn(row.number, "nib_anggota", row.text("nib_anggota"), "few_members", message)
        return (natural_name(data["name"]), data["villages"][0])

    def duplicate_key_message(self, first_row: int) -> tuple[str, str]:
        return "nama_sentra", _("Sentra dengan nama dan desa utama yang sama sudah ada di baris %(row)d.") % {
            "row": first_row
        }

    def write(self, rows: Iterator[Row], report: ImportReport, on_row: Callable[[], None]) -> None:
        agency = self.agency or default_import_agency()
        decrees: dict[tuple[str, str, str], Decree] = {}
        for row in rows:
            on_row()
            data = self.parse(row, None)
            assert data is not None
            villages, members, decree_data = data.pop("villages"), data.pop("members"), data.pop("decree")
            pk = self.existing.get((natural_name(data["name"]), villages[0]))
            centre = Centre.objects.get(pk=pk) if pk else Centre(agency=agency)
            centre.kbli_id = data.pop("kbli")
            for name, value in data.items():
                setattr(centre, name, value)
            if decree_data:
                key = (decree_data["region_id"], decree_data["kind"], decree_data["number"])
                if key not in decrees:
                    decrees[key] = Decree.objects.filter(
                        region_id=key[0], kind=key[1], number=key[2]
                    ).first() or Decree.objects.create(**decree_data)
                centre.decree = decrees[key]
                if centre.designated_on is None:
                    centre.designated_on = decree_data["issued_on"]
            centre.place_in(villages[0])
            centre.save()
            if pk:
                report.updated += 1
                CentreVillage.objects.filter(centre=centre).exclude(village_id__in=villages).delete()
            else:
                report.created += 1
                self.existing[(natural_name(centre.name), villages[0])] = centre.pk
            have = set(CentreVillage.objects.filter(centre=centre).values_list("village_id", flat=True))
            CentreVillage.objects.bulk_create(
                [CentreVillage(centre=centre, village_id=c) for c in villages if c not in have]
            )
            if members is not None:
                CentreMembership.objects.filter(centre=centre).exclude(enterprise_id__in=members).delete()
                have = set(
                    CentreMembership.objects.filter(centre=centre).values_list("enterprise_id", flat=True)
                )
                CentreMembership.objects.bulk_create(
                    [CentreMembership(centre=centre, enterprise_id=i) for i in members if i not in have]
                )


# ---------------------------------------------------------------------------------------------------
# Entry points

SCHEMAS: dict[str, type[ImportSchema]] = {"enterprises": EnterpriseSchema, "centres": CentreSchema}


def import_schema(kind: str, *, agency: Agency | None = None) -> ImportSchema:
    try:
        return SCHEMAS[kind](agency=agency)  # type: ignore[call-arg]
    except KeyError:
        raise ValueError(f"Unknown import kind {kind!r}; use one of {sorted(SCHEMAS)}") from None


def import_file(
    *,
    kind: str,
    path: Path | str,
    commit: bool = False,
    agency: Agency | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import enterprises or centres from a CSV/XLSX file; writes only if `commit` and no error."""
    return run_import(
        path=path, schema=import_schema(kind, agency=agency), commit=commit, on_progress=on_progress
    )


def import_enterprises(
    *,
    path: Path | str,
    commit: bool = False,
    agency: Agency | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    return import_file(kind="enterprises", path=path, commit=commit, agency=agency, on_progress=on_progress)


def import_centres(
    *,
    path: Path | str,
    commit: bool = False,
    agency: Agency | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    return import_file(kind="centres", path=path, commit=commit, agency=agency, on_progress=on_progress)


def run_import_job(*, job: Any, params: dict[str, Any], progress: ProgressCallback) -> dict[str, Any]:
    """Background-job runner (see sentra.core.jobs): imports the stored upload, then deletes it."""
    agency = Agency.objects.filter(pk=params["agency_id"]).first() if params.get("agency_id") else None
    path = Path(params["path"])
    try:
        report = import_file(
            kind=params["kind"],
            path=path,
            commit=bool(params.get("commit")),
            agency=agency,
            on_progress=progress,
        )
    finally:
        path.unlink(missing_ok=True)
    return report.as_dict()


JOB_RUNNER = "sentra.registry.imports.run_import_job"
JOB_KIND_PREFIX = "import_"


def _job_kind(kind: str) -> str:
    return JOB_KIND_PREFIX + kind


def import_upload(*, kind: str, upload: Any, commit: bool, user: Any = None, agency: Agency | None = None):
    """Import an uploaded file for the web and the API; returns the Job that holds (or will hold) the report.

    Small files are imported in the request and the returned job is already finished, so the web
    and the API show every result, and offer its errors CSV, the same way. Files larger than
    SENTRA_IMPORT_BACKGROUND_BYTES become a background job (sentra.core.jobs).
    """
    import uuid

    from django.conf import settings

    from sentra.core.jobs import job_start
    from sentra.core.models import Job

    import_schema(kind)  # unknown kind → ValueError before anything is stored
    params = {
        "kind": kind,
        "commit": bool(commit),
        "agency_id": agency.pk if agency else None,
        "filename": str(getattr(upload, "name", ""))[:200],
    }
    owner = user if getattr(user, "is_authenticated", False) else None
    if upload.size > settings.SENTRA_IMPORT_MAX_BYTES:
        # Refused before a byte is copied to disk.
        report = ImportReport(kind=kind)
        report.error(
            None,
            "",
            "",
            "too_large",
            _("Berkas melebihi batas %(limit)s MB; pecah menjadi beberapa berkas.")
            % {"limit": settings.SENTRA_IMPORT_MAX_BYTES // (1024 * 1024)},
        )
        return Job.objects.create(
            kind=_job_kind(kind),
            status=Job.Status.SUCCEEDED,
            params=params,
            result=report.as_dict(),
            created_by=owner,
            finished_at=timezone.now(),
        )
    directory = Path(settings.DATA_DIR) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4().hex}.upload"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    params["path"] = str(path)
    if upload.size > settings.SENTRA_IMPORT_BACKGROUND_BYTES:
        return job_start(kind=_job_kind(kind), runner=JOB_RUNNER, params=params, user=owner)
    try:
        report = import_file(kind=kind, path=path, commit=commit, agency=agency)
    finally:
        path.unlink(missing_ok=True)
    return Job.objects.create(
        kind=_job_kind(kind),
        status=Job.Status.SUCCEEDED,
        params=params,
        result=report.as_dict(),
        progress=report.rows_total,
        total=report.rows_total,
        created_by=owner,
        finished_at=timezone.now(),
    )


def import_job_for(*, pk: int, user: Any):
    """An import job the user may see: their own, or any for staff."""
    from sentra.core.models import Job

    jobs = Job.objects.filter(pk=pk, kind__startswith=JOB_KIND_PREFIX)
    if not getattr(user, "is_staff", False):
        jobs = jobs.filter(created_by_id=getattr(user, "pk", None))
    return jobs.first()
