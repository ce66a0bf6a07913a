"""Import schemas for the registries: IKM units (enterprises) and sentra IKM (centres).

The engine (sentra.core.imports) streams the file; these schemas say what each column means.
Validation never queries per row. Enterprises use the engine's one pass: `prepare` loads the small
reference sets (village codes, KBLI leaves), each batch of 2,000 rows looks up the records it names
(two or three queries: by NIB, by village for name + village), and new rows are inserted as plain
values (executemany on SQLite, COPY on PostgreSQL) with their audit events, existing ones updated with
bulk_update, all in the import's one transaction. Centres, which number in the thousands nationally,
use two passes: `prepare` loads the existing centres and members' NIBs, and they are written one by
one with their links.

Every import runs as an Actor (accounts.scope) that needs Action.IMPORT. A row is refused with
`out_of_scope` when its village lies outside the actor's region, or when it would update a record
outside that region (or, for own-agency-only roles, another agency's record); with `locked` when it
would update an accepted record. A committed import is one AuditBatch with one AuditEvent per
created or updated record, written in bulk, so that it can be rolled back as a whole.
"""

from __future__ import annotations

import enum
import operator
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, router
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sentra.accounts.permissions import OWN_AGENCY_ONLY, Area
from sentra.accounts.scope import Actor, code_in_scope, region_q
from sentra.agencies.models import Agency, AgencyKind
from sentra.audit.models import AuditAction
from sentra.audit.services import (
    BulkEvents,
    batch_start,
    diff,
    record_change,
    snapshot,
)
from sentra.core.import_kinds import ImportKind, import_file, register_kind
from sentra.core.imports import (
    BackgroundWrites,
    CellError,
    Column,
    ImportReport,
    ImportSchema,
    ProgressCallback,
    Row,
    WriteRefused,
    cell_text,
    insert_many,
    is_blank,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_text,
)
from sentra.core.indexes import IndexesSetAside
from sentra.core.versioning import VERSION_FIELD, bump
from sentra.regions.codes import normalise_code
from sentra.regions.models import Kbli, Region
from sentra.verification.models import VerificationStatus
from sentra.verification.services import mark_edited

from .choices import CentreStatus, DecreeKind, EnterpriseStatus, RawMaterialOrigin
from .models import (
    MANUFACTURING_DIVISIONS,
    Centre,
    CentreMembership,
    CentreVillage,
    Decree,
    Enterprise,
    is_manufacturing_kbli,
    kbli_not_manufacturing_message,
)
from .services import (
    ENTERPRISE_FIELDS,
    centre_members_other_kbli,
    centre_members_other_raw_material,
    centre_warning_items,
    enterprise_size_class,
    owning_agency,
)
from .signals import enterprise_villages_written

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


# ---------------------------------------------------------------------------------------------------
# Scope and history

# Whether an existing record may be updated by the importing actor; small ints so that the maps of
# existing records (millions of entries nationally) stay as small as before: pk << 2 | guard.
MAY_UPDATE, OUTSIDE, OTHER_AGENCY, LOCKED = 0, 1, 2, 3
AMBIGUOUS = -1  # a row without a NIB that names several units, or a unit with a NIB (EnterpriseSchema)


class _Guard:
    """The importing actor's rights, asked once per existing record (prepare) and once per row (check)."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.everywhere = actor.is_superuser or actor.is_national
        self.own_agency_only = not actor.is_superuser and actor.role in OWN_AGENCY_ONLY

    def place(self, village: str | None) -> bool:
        return self.everywhere or code_in_scope(self.actor, village)

    def record(self, village: str, agency_id: int, status: str) -> int:
        if not self.place(village):
            return OUTSIDE
        if self.own_agency_only and agency_id != self.actor.agency_id:
            return OTHER_AGENCY
        if status == VerificationStatus.ACCEPTED:
            return LOCKED
        return MAY_UPDATE

    @staticmethod
    def place_error(report: ImportReport, row: Row, village: str) -> None:
        column = "kode_wilayah" if row.text("kode_wilayah") else "desa"
        report.error(
            row.number,
            column,
            row.text(column),
            "out_of_scope",
            _("Desa/kelurahan %(code)s berada di luar wilayah kerja Anda.") % {"code": village},
        )

    @staticmethod
    def record_error(report: ImportReport, row: Row, column: str, guard: int, kind: str) -> None:
        if guard == OUTSIDE and column == "nib":
            # A NIB is unique nationally: the row cannot be written, but the record holding it lies
            # outside what the actor may read, so the answer names nothing of it (nor where it is).
            report_nib_taken(report, row.number, row.text(column))
            return
        if guard == LOCKED:
            code = "locked"
            message = _(
                "%(kind)s ini sudah diterima kementerian dan terkunci; minta pembukaan kembali untuk "
                "mengubahnya."
            )
        elif guard == OTHER_AGENCY:
            code = "out_of_scope"
            message = _("%(kind)s ini milik instansi lain; Anda hanya dapat mengubah data instansi Anda.")
        else:
            code = "out_of_scope"
            message = _("%(kind)s ini terdaftar di luar wilayah kerja Anda; Anda tidak dapat mengubahnya.")
        report.error(row.number, column, row.text(column), code, message % {"kind": kind})


def report_nib_taken(report: ImportReport, row_number: int, nib: str) -> None:
    """The one answer for a row whose unit (NIB, KBLI, village) another record holds that this import
    cannot update: someone registered it while the import ran. It names no record or agency (the
    actor may not be allowed to read them)."""
    report.error(
        row_number,
        "nib",
        nib,
        "nib_taken",
        _(
            "Unit usaha dengan NIB %(nib)s, KBLI dan desa/kelurahan ini sudah dipakai IKM lain yang "
            "tidak dapat diperbarui dari berkas ini; tidak ada data yang ditulis. Periksa NIB, KBLI dan "
            "kode wilayahnya, lalu unggah ulang berkas."
        )
        % {"nib": nib},
    )


def _json(value: Any) -> Any:
    """A column value as audit.services.snapshot stores it."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# Verification columns of a record the import creates (the database fills them: draft, nothing else).
NEW_RECORD_STATE = {
    "verification_status": str(VerificationStatus.DRAFT),
    "submitted_by_id": None,
    "submitted_at": None,
    "verified_at": None,
    "accepted_at": None,
    "return_reason": "",
}


class _History:
    """The import's audit batch and its events, written as plain rows in batches (audit.BulkEvents)."""

    def __init__(self, actor: Actor, description: str, model: type) -> None:
        self.actor = actor
        self.batch = batch_start(actor=actor, kind="import", description=description)
        self.events = BulkEvents(actor=actor, batch=self.batch, model=model, size=BATCH_SIZE)

    def updated(
        self, pk: int, name: str, village: str, before: dict[str, Any], after: dict[str, Any]
    ) -> None:
        changes = diff(before, after)
        if changes:  # as record_change: an update that changed nothing leaves no trace
            self.events.add(AuditAction.UPDATE, pk, name, village, changes, after)

    def flush(self) -> None:
        self.events.flush()


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
        if text in self.villages:  # already the canonical 64.09.01.1001
            return text, "", ""
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

# SIINas reporting items (Permenperin 13/2025 Pasal 7), all optional: a file without them imports
# as before and leaves them unchanged on the records it updates. Quantities are per year.
SIINAS_COLUMNS = (
    Column("kapasitas_terpasang", _l("Kapasitas terpasang per tahun (satuan kapasitas)."), "1500"),
    Column("jumlah_produksi", _l("Jumlah produksi per tahun."), "1000"),
    Column("satuan_produksi", _l("Satuan produksi, misalnya kg."), "kg"),
    Column("bahan_baku", _l("Bahan baku utama."), "Ikan tenggiri"),
    Column("jumlah_bahan_baku", _l("Jumlah bahan baku utama per tahun."), "800"),
    Column("satuan_bahan_baku", _l("Satuan bahan baku, misalnya kg."), "kg"),
    Column("asal_bahan_baku", _l("Dalam negeri atau Impor."), "Dalam negeri"),
    Column(
        "bahan_baku_lain",
        _l("Bahan baku lain, satu per baris: nama, jumlah, satuan, asal."),
        "Tepung tapioka, 300, kg, dalam negeri",
        multiline=True,
    ),
    Column("nilai_tanah_bangunan", _l("Nilai tanah dan bangunan (Rp)."), "150.000.000"),
    Column("pemakaian_air", _l("Pemakaian air per tahun."), "120"),
    Column("satuan_air", _l("Satuan air, misalnya m3."), "m3"),
    Column("jenis_bahan_bakar", _l("Jenis bahan bakar, misalnya LPG."), "LPG"),
    Column("pemakaian_bahan_bakar", _l("Pemakaian bahan bakar per tahun."), "360"),
    Column("satuan_bahan_bakar", _l("Satuan bahan bakar, misalnya kg atau liter."), "kg"),
    Column("pemakaian_listrik", _l("Pemakaian listrik per tahun."), "2400"),
    Column("satuan_listrik", _l("Satuan listrik, misalnya kWh."), "kWh"),
    Column("jumlah_mesin", _l("Jumlah mesin/peralatan produksi."), "3"),
    Column(
        "mesin",
        _l("Mesin/peralatan utama: jenis dan jumlahnya."),
        "Penggorengan 2, pengemas 1",
        multiline=True,
    ),
    Column("tahun_data", _l("Tahun yang diwakili data produksi dan pemakaian."), "2025"),
)

ENTERPRISE_COLUMNS = (
    Column("nama_usaha", _l("Nama usaha (wajib), paling banyak 200 karakter."), "UD Amplang Saloloang"),
    Column("nama_pemilik", _l("Nama pemilik."), "Siti Aminah"),
    Column(
        "nib",
        _l(
            "Nomor Induk Berusaha, 13 angka. Kunci pembaruan: unit usaha dengan NIB, KBLI dan desa yang "
            "sama diperbarui; NIB yang sama dengan KBLI atau desa lain menjadi unit baru."
        ),
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
    *SIINAS_COLUMNS,
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
    "kapasitas_terpasang": ("installed_capacity",),
    "jumlah_produksi": ("production_quantity",),
    "satuan_produksi": ("production_unit",),
    "bahan_baku": ("raw_material",),
    "jumlah_bahan_baku": ("raw_material_quantity",),
    "satuan_bahan_baku": ("raw_material_unit",),
    "asal_bahan_baku": ("raw_material_origin",),
    "bahan_baku_lain": ("other_raw_materials",),
    "nilai_tanah_bangunan": ("land_building_value",),
    "pemakaian_air": ("water_use",),
    "satuan_air": ("water_unit",),
    "jenis_bahan_bakar": ("fuel_type",),
    "pemakaian_bahan_bakar": ("fuel_use",),
    "satuan_bahan_bakar": ("fuel_unit",),
    "pemakaian_listrik": ("electricity_use",),
    "satuan_listrik": ("electricity_unit",),
    "jumlah_mesin": ("machine_count",),
    "mesin": ("machines",),
    "tahun_data": ("data_year",),
}
PLACE_FIELDS = ("village", "province_code", "regency_code")


class _RegistrySchema(ImportSchema):
    """What both registry schemas share: the acting user, the owning agency and the audit batch."""

    model: type = Enterprise

    def __init__(
        self, *, actor: Actor | None = None, agency: Agency | None = None, description: str = ""
    ) -> None:
        self.actor = actor
        self.agency = agency
        self.description = description
        self.history: _History | None = None

    def begin(self, report: ImportReport) -> _History:
        """Start the write phase: the audit batch, inside the engine's transaction."""
        if self.actor is None:
            raise ValueError("An import that writes needs an actor")
        self.history = _History(self.actor, self.description or str(self.title), self.model)
        report.batch_id = self.history.batch.pk
        return self.history

    def _guard(self) -> _Guard:
        if self.actor is None:
            raise ValueError("An import needs an actor")
        return _Guard(self.actor)


class EnterpriseSchema(_RegistrySchema):
    kind = "enterprises"
    title = _l("IKM")
    columns = ENTERPRISE_COLUMNS
    model = Enterprise

    def missing_columns(self, present: set[str]) -> list[str]:
        missing = [c for c in ("nama_usaha", "kbli") if c not in present]
        if "kode_wilayah" not in present and "desa" not in present:
            missing.append("kode_wilayah/desa")
        return missing

    # One pass (core.imports.run_import): each batch of rows is parsed once, checked against the
    # records it names (two queries per batch, never a map of the whole table), and written at once
    # while the file has shown no error; an error later rolls everything back.
    one_pass = True

    def prepare(self, present: set[str]) -> None:
        self.present = present
        self.guard = self._guard()
        self.places = _Places(present)
        self.kbli: set[str] = set(Kbli.objects.filter(level=5).values_list("code", flat=True))
        # A column the file lacks gives every row the same value: worked out once here (26 of the 36
        # columns of a typical file, 2.6 million parser calls per 100,000 rows otherwise). A parser
        # that refuses an empty cell keeps running per row, so each row still reports it.
        self.parsers: list[tuple[str, str, Callable[[Any], Any] | None]] = []
        self.absent: dict[str, Any] = {}
        for column, field, parse in self._parsers():
            if parse is not None and column not in present:
                try:
                    self.absent[field] = parse(None)
                    continue
                except CellError:
                    pass
            self.parsers.append((column, field, parse))
        # Lookups see the records that existed when the import began (ids up to this mark), as a
        # map loaded here would: not those this import creates (a row matching one of them is a
        # duplicate inside the file, reported so). Records created meanwhile by someone else are
        # not seen either; a unit key among them makes the write fail on its unique index, all undone.
        self.now = timezone.now()
        self.high_water = Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        # The current batch's existing records as pk << 2 | guard (may this actor update it?): by
        # unit key (NIB, KBLI, village); the units of each NIB that the actor may read (for the
        # "new unit of a known NIB" warning); and by (name, village) as (value, nib, kbli) for rows
        # matched by name (see _existing).
        self.by_unit: dict[tuple[str, str, str], int] = {}
        self.nib_units: dict[str, list[tuple[str, str]]] = {}
        self.by_name: dict[tuple[str, str], list[tuple[int, str | None, str]]] = {}
        self.batch: list[tuple[Row, dict[str, Any], int | None]] = []

    def _load_existing(self, parsed: list[dict[str, Any]]) -> None:
        """The records the batch's rows may update: by unit key (NIB, KBLI, village), then by (name,
        village) for rows without a NIB and rows whose unit is not registered (see _existing)."""
        self.by_unit, self.nib_units, self.by_name = {}, {}, {}
        if not self.high_water:  # the table was empty when the import began: every row is new
            return
        stored = Enterprise.objects.filter(pk__lte=self.high_water)
        record, place = self.guard.record, self.guard.place
        nibs = {data["nib"] for data in parsed if data["nib"]}
        if nibs:
            for pk, nib, kbli, village, agency_id, status in stored.filter(nib__in=nibs).values_list(
                "id", "nib", "kbli_id", "village_id", "agency_id", "verification_status"
            ):
                self.by_unit[(nib, kbli, village)] = pk << 2 | record(village, agency_id, status)
                if place(village):  # units outside the actor's region are not named to them
                    self.nib_units.setdefault(nib, []).append((kbli, village))
        any_record = {data["village"] for data in parsed if not data["nib"]}
        without_nib = {
            data["village"]
            for data in parsed
            if data["nib"] and (data["nib"], data["kbli"], data["village"]) not in self.by_unit
        }
        without_nib -= any_record
        for villages, records in ((any_record, stored), (without_nib, stored.filter(nib__isnull=True))):
            if not villages:
                continue
            for pk, nib, kbli, name, village, agency_id, status in records.filter(
                village_id__in=villages
            ).values_list("id", "nib", "kbli_id", "name", "village_id", "agency_id", "verification_status"):
                value = pk << 2 | record(village, agency_id, status)
                self.by_name.setdefault((natural_name(name), village), []).append((value, nib, kbli))

    def _existing(self, nib: str | None, kbli: str, name: str, village: str) -> int | None:
        """pk << 2 | guard of the record this row updates, None for a new record, or AMBIGUOUS.

        A row with a NIB updates its unit (NIB, KBLI, village); otherwise a record without a NIB of
        the same name and village (the NIB is filled in): the one with the row's KBLI, else the only
        one. Another NIB or another KBLI of a known NIB is a different unit: a new record.
        A row without a NIB updates the record of its name and village with its KBLI, else the only
        record of that name and village if it has no NIB (as before units; its KBLI may change).
        A record with a NIB and another KBLI, or several, cannot be told apart without the NIB."""
        if nib:
            found = self.by_unit.get((nib, kbli, village))
            if found is not None:
                return found
        candidates = self.by_name.get((natural_name(name), village), [])
        if nib:
            candidates = [c for c in candidates if not c[1]]
        same_kbli = [value for value, _nib, other in candidates if other == kbli]
        if len(same_kbli) == 1:
            return same_kbli[0]
        if len(candidates) == 1 and not candidates[0][1] and not same_kbli:
            return candidates[0][0]
        if candidates and not nib:
            return AMBIGUOUS
        return None

    def _parsers(self) -> tuple[tuple[str, str, Callable[[Any], Any]], ...]:
        """(column, field, parser) in the order errors are reported; the village comes after kbli."""
        return (
            ("nama_usaha", "name", _text(200)),
            ("nama_pemilik", "owner_name", _text(150)),
            ("nib", "nib", _parse_nib),
            ("kbli", "kbli", self._parse_kbli),
            ("", "village", None),
            ("alamat", "address", _text(300)),
            ("lintang", "latitude", _decimal(Decimal("-11.5"), Decimal("6.5"), places=6, max_digits=9)),
            ("bujur", "longitude", _decimal(Decimal("94.5"), Decimal("141.5"), places=6, max_digits=9)),
            ("tenaga_kerja", "workers", _whole(0, MAX_INT)),
            ("investasi", "investment", _whole(0, MAX_BIGINT)),
            (
                "kapasitas_produksi",
                "production_capacity",
                _decimal(Decimal(0), None, places=2, max_digits=14),
            ),
            ("satuan_kapasitas", "capacity_unit", _text(30)),
            ("nilai_produksi", "production_value", _whole(0, MAX_BIGINT)),
            ("tahun_mulai", "year_started", _whole(1900, 2100)),
            ("status", "status", _choice(EnterpriseStatus)),
            ("kapasitas_terpasang", "installed_capacity", _quantity()),
            ("jumlah_produksi", "production_quantity", _quantity()),
            ("satuan_produksi", "production_unit", _text(30)),
            ("bahan_baku", "raw_material", _text(200)),
            ("jumlah_bahan_baku", "raw_material_quantity", _quantity()),
            ("satuan_bahan_baku", "raw_material_unit", _text(30)),
            ("asal_bahan_baku", "raw_material_origin", _choice(RawMaterialOrigin)),
            ("bahan_baku_lain", "other_raw_materials", _text(2000)),
            ("nilai_tanah_bangunan", "land_building_value", _whole(0, MAX_BIGINT)),
            ("pemakaian_air", "water_use", _quantity()),
            ("satuan_air", "water_unit", _text(20)),
            ("jenis_bahan_bakar", "fuel_type", _text(50)),
            ("pemakaian_bahan_bakar", "fuel_use", _quantity()),
            ("satuan_bahan_bakar", "fuel_unit", _text(20)),
            ("pemakaian_listrik", "electricity_use", _quantity()),
            ("satuan_listrik", "electricity_unit", _text(20)),
            ("jumlah_mesin", "machine_count", _whole(0, MAX_INT)),
            ("mesin", "machines", _text(2000)),
            ("tahun_data", "data_year", _whole(1900, 2100)),
        )

    def parse(self, row: Row, report: ImportReport | None) -> dict[str, Any] | None:
        """Row → field values; errors go to `report`. Returns None when the row has errors."""
        failed = False
        values = row.values
        data: dict[str, Any] = dict(self.absent)
        for column, field, parse in self.parsers:
            if parse is None:
                data[field] = village = self._village(row, report)
                failed = failed or village is None
                continue
            value = values.get(column)
            try:
                data[field] = parse(value)
            except CellError as exc:
                failed = True
                data[field] = None
                if report is not None:
                    report.error(row.number, column, value, exc.code, exc.message)
                continue
            if field == "name" and data["name"] == "":
                failed = True
                if report is not None:
                    report.error(row.number, "nama_usaha", "", "required", _("Nama usaha wajib diisi."))
        if failed:
            return None
        return self._completed(data)

    # What an empty cell stands for where the record needs a value.
    EMPTY_MEANS = (
        ("workers", 0),
        ("investment", 0),
        ("status", EnterpriseStatus.ACTIVE),
        ("raw_material_origin", ""),
    )

    @classmethod
    def _completed(cls, data: dict[str, Any]) -> dict[str, Any]:
        """`data` with EMPTY_MEANS filled in (of the fields it holds)."""
        for field, value in cls.EMPTY_MEANS:
            if field in data and not data[field]:
                data[field] = value
        return data

    def _parse_kbli(self, value: Any) -> str:
        if value.__class__ is str and value in self.kbli and value[:2] in MANUFACTURING_DIVISIONS:
            return value
        text = _kbli_text(value)
        if not text:
            raise CellError("required", _("KBLI wajib diisi."))
        if text not in self.kbli:
            raise CellError(
                "unknown_kbli", _("Kode KBLI 2020 5 digit %(code)s tidak dikenal.") % {"code": text}
            )
        if not is_manufacturing_kbli(text):
            raise CellError("kbli_not_manufacturing", kbli_not_manufacturing_message(text))
        return text

    def _village(self, row: Row, report: ImportReport | None) -> str | None:
        return _row_village(self.places, row, report)

    def check_batch(self, rows: list[Row], report: ImportReport) -> list[Any]:
        parsed = [(row, self.parse(row, report)) for row in rows]
        self._load_existing([data for _row, data in parsed if data is not None])
        self.batch = []
        keys: list[Any] = []
        for row, data in parsed:
            if data is None:
                keys.append(None)
                continue
            village, nib, kbli = data["village"], data["nib"], data["kbli"]
            found = None
            if not self.guard.place(village):
                self.guard.place_error(report, row, village)
            else:
                found = self._existing(nib, kbli, data["name"], village)
                if found == AMBIGUOUS:
                    found = None
                    report.error(
                        row.number,
                        "nib",
                        "",
                        "unit_ambiguous",
                        _(
                            "Di desa/kelurahan ini ada lebih dari satu unit usaha bernama “%(name)s” atau "
                            "unitnya ber-NIB dengan KBLI lain; isi NIB dan KBLI unit yang dimaksud."
                        )
                        % {"name": data["name"]},
                    )
                elif found is not None and found & 3:
                    column = "nib" if nib and (nib, kbli, village) in self.by_unit else "nama_usaha"
                    self.guard.record_error(report, row, column, found & 3, _("IKM"))
                elif found is None and nib in self.nib_units:
                    self._new_unit_warning(report, row, nib, kbli, village)
            self.batch.append((row, data, found))
            keys.append(
                ("unit", nib, kbli, village) if nib else ("name", natural_name(data["name"]), village)
            )
        return keys

    def _new_unit_warning(self, report: ImportReport, row: Row, nib: str, kbli: str, village: str) -> None:
        """A row with a known NIB and a KBLI or village none of its units has: a new unit of that
        business actor, not an update. Said in the report (dry run and commit) so that a mistyped
        KBLI or village code is seen before it becomes a second unit."""
        units = sorted(self.nib_units[nib])
        known = "; ".join(f"KBLI {k} di {v}" for k, v in units[:5]) + ("; …" if len(units) > 5 else "")
        report.warn(
            row.number,
            "nib",
            nib,
            "new_unit",
            _(
                "NIB %(nib)s sudah terdaftar dengan unit lain (%(known)s); baris ini menjadi unit usaha "
                "baru dengan KBLI %(kbli)s di %(village)s, bukan pembaruan. Periksa KBLI dan kode "
                "wilayahnya bila yang dimaksud unit yang sudah ada."
            )
            % {"nib": nib, "known": known, "kbli": kbli, "village": village},
        )

    def duplicate_key_message(self, first_row: int) -> tuple[str, str]:
        return "nib", _(
            "Unit usaha yang sama (NIB, KBLI dan desa yang sama, atau tanpa NIB: nama dan desa yang sama) "
            "sudah ada di baris %(row)d."
        ) % {"row": first_row}

    def begin_write(self, report: ImportReport) -> None:
        history = self.begin(report)
        self.owner = agency = self.agency or default_import_agency()
        update_fields = sorted(
            {
                f
                for column, fields in ENTERPRISE_FIELDS_BY_COLUMN.items()
                if column in self.present
                for f in fields
            }
            | set(PLACE_FIELDS)
            | {"size_class", "updated_at", "verification_status", "verified_at"}
        )
        both_size_inputs = {"tenaga_kerja", "investasi"} <= self.present
        # Fields every row leaves None or '' (the file lacks their column): written as literals.
        fixed = {f: v for f, v in self._completed(dict(self.absent)).items() if v is None or v == ""}
        self.inserter = _EnterpriseInserter(
            agency_id=agency.pk, history=history, report=report, now=self.now, fixed=fixed
        )
        self.updater = _EnterpriseUpdater(self.guard, history, update_fields, both_size_inputs, report)
        # Villages the import writes to (new rows, updated rows before and after): analytics recounts
        # them in end_write, in the import's transaction (registry.signals).
        self.touched: set[str] = self.updater.touched
        self.indexes = _DeferredIndexes(
            self.inserter.connection, start_rows=self.high_water, expected_rows=self.expected_rows
        )

    def write_batch(self, rows: list[Row], report: ImportReport) -> None:
        inserter, updater, agency = self.inserter, self.updater, self.owner
        for row, data, found in self.batch:
            village, kbli = data.pop("village"), data.pop("kbli")
            self.touched.add(village)
            if found is None:
                # New rows skip model instances and the SQL compiler: plain tuples, executemany/COPY.
                report.created += inserter.add(data, kbli, village, row.number)
                continue
            enterprise = Enterprise(pk=found >> 2, agency=agency, kbli_id=kbli, **data)
            enterprise.place_in(village)
            enterprise.size_class = enterprise_size_class(
                workers=enterprise.workers, investment=enterprise.investment
            )
            enterprise.updated_at = timezone.now()
            report.updated += updater.add(enterprise, row)
        self.batch = []
        if self.indexes.due(report.created):
            inserter.settle()  # the rows written so far are in the table, and their ids known
            self.indexes.defer(inserter.high_water)

    def end_write(self, report: ImportReport) -> None:
        report.created += self.inserter.flush()
        self.inserter.settle()
        report.updated += self.updater.flush()
        report.unchanged = self.updater.unchanged
        self.inserter.history.flush()
        self.indexes.restore()
        if self.touched:
            # An import as large as the table is most of the count too: analytics may set its
            # indexes aside for the recount as well.
            enterprise_villages_written.send(
                sender=Enterprise, villages=self.touched, most_of_table=self.indexes.set_aside
            )

    def stop_write(self) -> None:
        inserter = getattr(self, "inserter", None)
        if inserter is not None:
            inserter.close()


def _quantity() -> Callable[[Any], Decimal | None]:
    """A yearly quantity (capacity, production, raw material, water, fuel, electricity): 0 or more,
    two decimals, as the model's DecimalField(14, 2) stores it."""
    return _decimal(Decimal(0), None, places=2, max_digits=14)


def _text(limit: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value.__class__ is str and len(value) <= limit:  # the reader has stripped it already
            return value
        return parse_text(value, max_length=limit)

    return parse


def _whole(minimum: int, maximum: int) -> Callable[[Any], int | None]:
    def parse(value: Any) -> int | None:
        if value.__class__ is str and value.isdigit() and value.isascii() and len(value) < 19:
            number = int(value)
            if minimum <= number <= maximum:
                return number
        return parse_int(value, minimum=minimum, maximum=maximum)

    return parse


def _decimal(
    minimum: Decimal | None, maximum: Decimal | None, *, places: int, max_digits: int
) -> Callable[[Any], Decimal | None]:
    def parse(value: Any) -> Decimal | None:
        if value is None or value == "":
            return None
        return parse_decimal(value, minimum=minimum, maximum=maximum, places=places, max_digits=max_digits)

    return parse


def _choice(choices: Any) -> Callable[[Any], str | None]:
    """parse_choice remembering its answers (a status column takes a handful of values)."""
    seen: dict[Any, str | None] = {}

    def parse(value: Any) -> str | None:
        try:
            return seen[value]
        except (KeyError, TypeError):
            pass
        found = parse_choice(value, choices)
        if len(seen) < 1_000 and value.__class__ is str:
            seen[value] = found
        return found

    return parse


# Audited columns: what audit.services.snapshot records (no primary key, no bookkeeping timestamps).
AUDITED_FIELDS = tuple(
    f.attname
    for f in Enterprise._meta.concrete_fields
    if not f.primary_key and f.name not in ("created_at", "updated_at", "version")
)


class _EnterpriseUpdater:
    """Updates existing enterprises with bulk_update in batches, recording before → after per record.

    Each batch reads its records' stored values once (one query): they are the history's "before",
    they fill the size class when the file carries only one of its inputs, and they are checked again
    under the write transaction (a record accepted or moved since pass 1 refuses the whole import).
    An edit of a submitted or verified record sends it back to draft, as verification.mark_edited.
    The read locks the rows (select_for_update) until the import commits, so no edit can slip in
    between the "before" and the write, and the write counts each record's version up (an edit form
    opened before the import then sees the import's change instead of overwriting it).
    """

    def __init__(
        self,
        guard: _Guard,
        history: _History,
        fields: list[str],
        both_size_inputs: bool,
        report: ImportReport,
    ) -> None:
        self.guard, self.history, self.fields, self.report = guard, history, fields, report
        self.both_size_inputs = both_size_inputs
        self.attnames = [Enterprise._meta.get_field(f).attname for f in fields if f != "updated_at"]
        self.fields = [*fields, VERSION_FIELD]
        self.pending: list[tuple[Enterprise, Row]] = []
        self.touched: set[str] = set()  # the villages the updated records were in before
        self.unchanged = 0  # rows that matched a record and said what it already holds

    def add(self, enterprise: Enterprise, row: Row) -> int:
        self.pending.append((enterprise, row))
        return self.flush() if len(self.pending) >= BATCH_SIZE else 0

    def flush(self) -> int:
        if not self.pending:
            return 0
        pending, self.pending = self.pending, []
        stored = {
            values["id"]: values
            for values in Enterprise.objects.select_for_update()
            .filter(pk__in=[e.pk for e, _row in pending])
            .values("id", *AUDITED_FIELDS)
        }
        self.touched.update(values["village_id"] for values in stored.values())
        refused = False
        changed: list[Enterprise] = []
        for enterprise, row in pending:
            before = {name: _json(stored[enterprise.pk][name]) for name in AUDITED_FIELDS}
            guard = self.guard.record(
                before["village_id"], before["agency_id"], before["verification_status"]
            )
            if not self.guard.place(enterprise.village_id):
                self.guard.place_error(self.report, row, enterprise.village_id)
                refused = True
                continue
            if guard:
                column = "nib" if enterprise.nib else "nama_usaha"
                self.guard.record_error(self.report, row, column, guard, _("IKM"))
                refused = True
                continue
            enterprise.verification_status = before["verification_status"]
            enterprise.verified_at = stored[enterprise.pk]["verified_at"]
            if not self.both_size_inputs:
                # The size class needs both inputs; the one the file lacks is the stored one.
                enterprise.size_class = enterprise_size_class(
                    workers=enterprise.workers if "workers" in self.fields else before["workers"],
                    investment=enterprise.investment if "investment" in self.fields else before["investment"],
                )
            after = dict(before)
            for name in self.attnames:
                after[name] = _json(getattr(enterprise, name))
            if after == before:
                # The row says what is stored: nothing is written, and a checked record stays checked
                # (a file imported again would otherwise send every verified record back to draft).
                self.unchanged += 1
                continue
            mark_edited(enterprise)
            after["verification_status"] = _json(enterprise.verification_status)
            after["verified_at"] = _json(enterprise.verified_at)
            enterprise.version = bump()
            self.history.updated(enterprise.pk, enterprise.name, enterprise.village_id, before, after)
            changed.append(enterprise)
        if refused:
            raise WriteRefused
        Enterprise.objects.bulk_update(changed, self.fields, batch_size=500)
        return len(changed)


class _DeferredIndexes:
    """An import that is most of the table builds the enterprise indexes once, at its end.

    Every new row costs an insert into each of the table's secondary indexes (and on SQLite, by
    trigger, into the FTS5 search table): for an import into an empty or small table that is most of
    its time, and a sorted build of each index at the end is cheaper, as the national demo loads.
    Once the import has written SENTRA_IMPORT_DEFER_INDEXES_ROWS new rows and at least as many as the
    table held when it began (or, when the file's lines already say so, `ImportSchema.expected_rows`,
    after its first batch), `defer` drops those indexes (SQLite: and the search insert
    trigger); `restore` (end_write) creates them again with their own SQL (SQLite: and indexes the
    rows written meanwhile for search). Kept: the primary key, the unique unit key (its duplicates
    must fail on the row that makes them) and the village index, which the import's own lookups use.

    The dropping and building is core.indexes.IndexesSetAside's, inside the import's one transaction:
    an error, or a process killed mid-import, rolls it back with the rows, so the table never lacks
    an index or its search (registry tests: test_import_kill and the deferred tests in test_imports).
    PostgreSQL's readers of the enterprise table wait for such an import — which is why only an
    import at least as large as the table does this (a first load of a region, never 100,000 rows
    into a national table of millions) — unless one holds the table longer than
    IndexesSetAside.LOCK_TIMEOUT, when the indexes stay.
    """

    KEPT = ("enterprise_unit",)
    SEARCH_TRIGGER = "registry_enterprise_fts_ai"

    def __init__(self, connection: Any, start_rows: int, expected_rows: int = 0) -> None:
        self.connection = connection
        self.start_rows = start_rows  # an upper bound of the table's rows when the import began
        self.after = max(settings.SENTRA_IMPORT_DEFER_INDEXES_ROWS, start_rows)
        # A file announcing that many rows (its lines) sets the indexes aside after its first batch:
        # the rows written before that, with every index kept row by row, cost SQLite 3 of the 11 s
        # of 100,000 rows into an empty table. Its rows may turn out to be updates or errors: the
        # end's build then covers at most the table plus the file, as the threshold allows anyway.
        if expected_rows >= self.after:
            self.after = 1
        self.enabled = settings.SENTRA_IMPORT_DEFER_INDEXES_ROWS > 0
        village = Enterprise._meta.get_field("village").column
        self.aside = IndexesSetAside(
            connection,
            Enterprise._meta.db_table,
            # the unit key and the village index serve the import's own lookups
            keep=lambda name, sql: name in self.KEPT or sql.endswith((f'("{village}")', f"({village})")),
            triggers=(self.SEARCH_TRIGGER,),
        )
        self.search_from = 0  # new rows above this id have no search entry yet (SQLite)
        self.tried = False

    @property
    def deferred(self) -> list[str]:
        return self.aside.deferred

    @property
    def set_aside(self) -> bool:
        """Whether this import set the indexes aside (stays True once they are built again)."""
        return self.aside.set_aside

    def due(self, written: int) -> bool:
        """Whether the indexes are to be set aside now, `written` new rows into the import."""
        return self.enabled and not self.tried and written >= self.after

    def defer(self, last_id: int) -> None:
        """Set the indexes aside; `last_id`: the highest id written so far (all of it in the table)."""
        self.tried = True
        self.search_from = last_id
        self.aside.drop()

    def restore(self) -> None:
        self.aside.restore(before_triggers=self._fill_search)

    def _fill_search(self, cursor: Any) -> None:
        """SQLite: the rows written while the search trigger was away, into the search table."""
        if self.connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO registry_enterprise_fts(rowid, name, owner_name) "
                "SELECT id, name, owner_name FROM registry_enterprise WHERE id > %s",
                [self.search_from],
            )


class _EnterpriseInserter:
    """New enterprises as plain tuples written with `cursor.executemany` in batches of BATCH_SIZE.

    bulk_create spent most of its time in Django's insert compiler and in building model instances;
    the values here are already validated by pass 1, so only the few types a driver cannot take as
    they are (datetimes) go through the field's `get_db_prep_save`, once per import. Runs inside the
    engine's transaction, so an error still leaves nothing written.

    After each batch one INSERT … SELECT writes the batch's audit events from the rows just inserted
    (ids above the last batch's, with this import's creation stamp): the database builds each event's
    snapshot as audit.services.snapshot would (decimals as text, every audited column, the verification
    state of a new record), so no value travels back to Python and no JSON is encoded there. Its
    changes are stored as {} and read back from the snapshot (audit.models.created_changes).
    """

    ROW_FIELDS = ENTERPRISE_FIELDS

    def __init__(
        self,
        *,
        agency_id: int,
        history: _History,
        report: ImportReport,
        now: datetime | None = None,
        fixed: dict[str, None | str] | None = None,
    ) -> None:
        """`fixed`: fields that every row of the file leaves None or '' (columns it lacks): left out of
        the rows' tuples and written as literals (core.imports.insert_many)."""
        self.connection = connections[router.db_for_write(Enterprise)]
        self.history = history
        self.report = report
        self.agency_id = agency_id
        meta = Enterprise._meta
        fields = {f.attname: f for f in meta.concrete_fields}
        self.now = now = now or timezone.now()
        self.prefix = (
            fields["created_at"].get_db_prep_save(now, self.connection),
            fields["updated_at"].get_db_prep_save(now, self.connection),
            fields["agency_id"].get_db_prep_save(agency_id, self.connection),
        )
        columns = ("created_at", "updated_at", "agency_id", "village_id", "province_code", "regency_code")
        fixed = fixed or {}
        self.row_fields = tuple(f for f in self.ROW_FIELDS if f not in fixed)
        columns += ("kbli_id", "size_class", *self.row_fields)
        # Columns the database fills itself (verification state of a new record) may be left out.
        missing = {
            name
            for name in set(fields) - set(columns) - set(fixed) - {meta.pk.attname}
            if not (fields[name].has_db_default() or fields[name].null)
        }
        assert not missing, f"_EnterpriseInserter does not fill {sorted(missing)}"
        unaudited = set(AUDITED_FIELDS) - set(columns) - set(fixed) - set(NEW_RECORD_STATE)
        assert not unaudited, f"_EnterpriseInserter does not record {sorted(unaudited)}"
        self.table = meta.db_table
        self.db_columns = tuple(fields[c].column for c in columns)
        self.fixed = {fields[name].column: value for name, value in fixed.items()}
        # A row's values in column order, by itemgetter (in C; a tuple from two names on).
        self.row_values = (
            operator.itemgetter(*self.row_fields)
            if len(self.row_fields) > 1
            else lambda data: tuple(data[f] for f in self.row_fields)
        )
        self.pending: list[tuple[Any, ...]] = []
        # (NIB, KBLI, village) → file row, for the batch not yet written
        self.pending_units: dict[tuple[str, str, str], int] = {}
        self.writes = BackgroundWrites(self.connection)
        self.high_water = Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.events_sql, self.events_params = self._events_statement(fields)
        # A batch's rows are the ids between the last batch's highest and the highest id this
        # connection has just been given, with this import's stamp. `agency_id + 0` keeps the planner
        # off the agency index: every row of an import shares its agency, so PostgreSQL would read
        # all rows imported so far for every batch, and the import would slow down as it grows.
        # PostgreSQL: with the snapshot's row (_events_statement), each value under its key's name.
        lateral = f"CROSS JOIN LATERAL (SELECT {self.snapshot_row}) s " if self.snapshot_row else ""
        self.new_rows = (
            f"FROM {self.connection.ops.quote_name(self.table)} e {lateral}"  # nosec B608: model names only
            "WHERE e.id > %s AND e.id <= %s AND e.created_at = %s AND e.agency_id + 0 = %s"
        )
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [self.table, meta.pk.column])
                sequence = cursor.fetchone()[0]
            # currval is this session's own last id, whatever other sessions insert meanwhile.
            self.last_id_sql, self.last_id_params = "SELECT currval(%s::regclass)", [sequence]
        else:  # SQLite holds the write lock from the first batch on: the last rowid is this import's
            self.last_id_sql, self.last_id_params = "SELECT last_insert_rowid()", []

    def _events_statement(self, fields: dict[str, Any]) -> tuple[str, list[Any]]:
        """INSERT … SELECT of one CREATE event per enterprise of the batch (see the class docstring)."""
        postgres = self.connection.vendor == "postgresql"
        quote = self.connection.ops.quote_name
        values: list[tuple[str, str, list[Any]]] = []  # (attname, SQL expression, its parameters)
        for name in AUDITED_FIELDS:
            field = fields[name]
            column = f"e.{quote(field.column)}"
            if name in NEW_RECORD_STATE:  # filled by the database; the state of every new record
                constant = NEW_RECORD_STATE[name]
                if constant is None:
                    values.append((name, "NULL::text" if postgres else "NULL", []))
                else:
                    values.append((name, "%s::text" if postgres else "%s", [constant]))
            elif field.get_internal_type() == "DecimalField":  # str(Decimal), as snapshot() stores it
                places = field.decimal_places
                expression = (
                    f"{column}::text"
                    if postgres
                    else f"CASE WHEN {column} IS NULL THEN NULL ELSE printf('%%.{places}f', {column}) END"
                )
                values.append((name, expression, []))
            else:
                assert field.get_internal_type() not in ("DateTimeField", "DateField", "BooleanField"), name
                values.append((name, column, []))
        params = [p for _name, _expression, extra in values for p in extra]
        self.snapshot_row = ""
        # A creation's changes are left {}: they follow from the snapshot (audit.models.created_changes),
        # and writing them too cost as much as the snapshot itself.
        if postgres:
            # to_jsonb of a row whose columns are named as the keys (joined LATERAL in new_rows):
            # 1.04 s per 100,000 rows where jsonb_build_object of 90 arguments took 1.30.
            self.snapshot_row = ", ".join(f'{expression} AS "{name}"' for name, expression, _ in values)
            snapshot_sql = "to_jsonb(s)"
            changes_sql = "'{}'::jsonb"
        else:
            pairs = ", ".join(f"'{name}', {expression}" for name, expression, _extra in values)
            snapshot_sql = f"json_object({pairs})"
            changes_sql = "'{}'"
        events = self.history.events
        sql = (
            f"INSERT INTO {quote(events.table)} ({', '.join(quote(c) for c in events.db_columns)}) "
            f"SELECT {', '.join(['%s'] * (len(events.prefix) + 1))}, e.id, "
            f"SUBSTR(e.{quote('name')}, 1, 200), e.{quote(fields['village_id'].column)}, "
            f"{changes_sql}, {snapshot_sql} "
        )
        assert events.COLUMNS[len(events.prefix) :] == (
            "action",
            "object_id",
            "object_repr",
            "region_code",
            "changes",
            "snapshot",
        )
        return sql, [*events.prefix, str(AuditAction.CREATE), *params]

    def add(self, data: dict[str, Any], kbli: str, village: str, row_number: int) -> int:
        """Queue one row; returns the number of rows written now (0 or a batch)."""
        if data["nib"]:
            self.pending_units[(data["nib"], kbli, village)] = row_number
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
                *self.row_values(data),
            )
        )
        return self.flush() if len(self.pending) >= BATCH_SIZE else 0

    def flush(self) -> int:
        """Write the queued rows; their audit events are written by the worker thread while the import
        reads on (PostgreSQL; see core.imports.BackgroundWrites). Returns how many rows."""
        if not self.pending:
            return 0
        rows, units = self.pending, self.pending_units
        self.pending, self.pending_units = [], {}
        try:
            insert_many(self.connection, self.table, self.db_columns, rows, self.fixed)
        except IntegrityError as exc:
            self._nib_taken(exc, units)
            raise
        with self.connection.cursor() as cursor:
            cursor.execute(self.last_id_sql, self.last_id_params)
            last_id = cursor.fetchone()[0]
        # submit waits for the batch before's events first (their error is raised here)
        self.writes.submit(self._record_events, self.high_water, last_id, len(rows))
        self.high_water = last_id
        return len(rows)

    def settle(self) -> None:
        """Wait until the events of every batch written are written too (a job's error is raised here)."""
        self.writes.wait()

    def close(self) -> None:
        self.writes.close()

    def _record_events(self, after: int, last_id: int, written: int) -> None:
        """The CREATE events of the rows with ids in (after, last_id] (a BackgroundWrites job: the
        driver cursor only)."""
        with self.writes.driver_cursor() as cursor:
            batch = [after, last_id, self.prefix[0], self.prefix[2]]
            # Only quote_name()d model names and fixed SQL are interpolated; values are parameters.
            cursor.execute(self.events_sql + self.new_rows + " ORDER BY e.id", [*self.events_params, *batch])
            recorded = cursor.rowcount
        assert recorded == written, f"recorded {recorded} events for {written} new enterprises"

    def _nib_taken(self, exc: IntegrityError, units: dict[tuple[str, str, str], int]) -> None:
        """Name the row whose unit (NIB, KBLI, village) someone else registered after the file was
        checked, and refuse (report_nib_taken: nothing of the record that took it is named).

        The check saw no such unit; another user's save in between is the only way here (the file's
        own duplicates were refused earlier). PostgreSQL names the key in the error's detail;
        SQLite does not, but its transaction is still usable, so the batch's units that a record not
        of this import now holds are looked up."""
        if not units:
            return
        detail = getattr(getattr(exc.__cause__, "diag", None), "message_detail", None) or ""
        taken = {
            (nib, kbli, village)
            for nib, kbli, village in re.findall(
                r"\(nib, kbli_id, village_id\)=\((\d{13}), (\d{5}), ([\d.]+)\)", detail
            )
        } & set(units)
        if not taken and self.connection.vendor == "sqlite":
            nibs = {nib for nib, _kbli, _village in units}
            taken = {
                unit
                for unit in Enterprise.objects.filter(nib__in=nibs)
                .exclude(created_at=self.now, agency_id=self.agency_id)
                .values_list("nib", "kbli_id", "village_id")
                if unit in units
            }
        for unit in sorted(taken, key=units.__getitem__):
            # Whether the actor may read the record that took it is not asked (PostgreSQL's
            # transaction is aborted here): the answer is the one of a unit held outside their region.
            report_nib_taken(self.report, units[unit], unit[0])
        if taken:
            raise WriteRefused from exc


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
    Column("keterangan", _l("Keterangan."), "", multiline=True),
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
        multiline=True,
    ),
)

PROVINCIAL_DECREES = {DecreeKind.PERGUB, DecreeKind.KEPGUB}


class CentreSchema(_RegistrySchema):
    kind = "centres"
    title = _l("Sentra IKM")
    columns = CENTRE_COLUMNS
    model = Centre

    def missing_columns(self, present: set[str]) -> list[str]:
        missing = [c for c in ("nama_sentra", "komoditas", "kbli") if c not in present]
        if "kode_wilayah" not in present and "desa" not in present:
            missing.append("kode_wilayah/desa")
        return missing

    def prepare(self, present: set[str]) -> None:
        self.present = present
        self.guard = self._guard()
        self.places = _Places(present)
        self.kbli = set(Kbli.objects.filter(level=5).values_list("code", flat=True))
        # Members are named by NIB; only enterprises the actor may read can be named. A NIB of
        # several units (issue 13 point 4) maps to its units (id, KBLI, village), loaded apart: few.
        readable = Enterprise.objects.filter(region_q(self.guard.actor), nib__isnull=False)
        self.members: dict[str, int] = {}
        several: set[str] = set()
        for nib, pk in readable.values_list("nib", "id").iterator(chunk_size=20_000):
            if self.members.setdefault(nib, pk) != pk:
                several.add(nib)
        self.member_units: dict[str, list[tuple[int, str, str]]] = {}
        for pk, nib, kbli, village in readable.filter(nib__in=several).values_list(
            "id", "nib", "kbli_id", "village_id"
        ):
            self.member_units.setdefault(nib, []).append((pk, kbli, village))
        # (name, main village) → pk << 2 | guard
        self.existing: dict[tuple[str, str], int] = {
            (natural_name(name), village): pk << 2 | self.guard.record(village, agency_id, status)
            for pk, name, village, agency_id, status in Centre.objects.values_list(
                "id", "name", "village_id", "agency_id", "verification_status"
            )
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
        data["members"] = self._members(row, report, data["villages"], data["kbli"])
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

    def _members(
        self, row: Row, report: ImportReport | None, villages: list[str], kbli: str | None
    ) -> list[int] | None:
        if "nib_anggota" not in self.present:
            return None
        ids: list[int] = []
        for entry in filter(None, (p.strip() for p in re.split(r"[;,\n]", row.text("nib_anggota")))):
            found, message = self._member(entry, villages, kbli)
            if found is None:
                if report is not None:
                    code = "unknown_member" if message is None else "member_ambiguous"
                    report.error(
                        row.number,
                        "nib_anggota",
                        entry,
                        code,
                        message
                        or _("Tidak ada IKM terdaftar dengan NIB %(nib)s; impor IKM-nya dulu.")
                        % {"nib": entry},
                    )
            elif found not in ids:
                ids.append(found)
        return ids

    def _member(self, entry: str, villages: list[str], kbli: str | None) -> tuple[int | None, str | None]:
        """The enterprise a member entry names: a NIB, or a unit key NIB/KBLI/village code as the
        enterprise export writes it. A NIB of several units means its unit in one of the centre's
        villages, else its unit with the centre's KBLI; (None, message) when that is still not one
        unit, (None, None) when none is known."""
        nib, _slash, rest = entry.partition("/")
        if nib not in self.members:
            return None, None
        units = self.member_units.get(nib)
        if units is None:
            return (self.members[nib], None) if not rest else self._member_by_key(nib, rest, [])
        if rest:
            return self._member_by_key(nib, rest, units)
        for narrowed in ([u for u in units if u[2] in villages], [u for u in units if u[1] == kbli]):
            if len(narrowed) == 1:
                return narrowed[0][0], None
        listed = "; ".join(f"{nib}/{k}/{v}" for _pk, k, v in sorted(units, key=lambda u: (u[1], u[2]))[:5])
        return None, _(
            "NIB %(nib)s memiliki beberapa unit usaha (%(units)s); tulis kunci unit anggota yang dimaksud "
            "sebagai NIB/KBLI/kode desa."
        ) % {"nib": nib, "units": listed}

    def _member_by_key(
        self, nib: str, rest: str, units: list[tuple[int, str, str]]
    ) -> tuple[int | None, str | None]:
        kbli, _slash, village = rest.partition("/")
        if not units:  # the NIB's only unit: read its key
            units = [
                (pk, k, v)
                for pk, k, v in Enterprise.objects.filter(pk=self.members[nib]).values_list(
                    "id", "kbli_id", "village_id"
                )
            ]
        for pk, unit_kbli, unit_village in units:
            if unit_kbli == kbli and unit_village == (normalise_code(village) or village):
                return pk, None
        return None, None

    def check(self, row: Row, report: ImportReport) -> Any:
        data = self.parse(row, report)
        if data is None:
            return None
        outside = [code for code in data["villages"] if not self.guard.place(code)]
        if outside:
            self.guard.place_error(report, row, ", ".join(outside))
        else:
            found = self.existing.get((natural_name(data["name"]), data["villages"][0]))
            if found is not None and found & 3:
                self.guard.record_error(report, row, "nama_sentra", found & 3, _("Sentra"))
        if data["members"] is not None:
            other = centre_members_other_kbli(kbli_code=data["kbli"], enterprise_ids=data["members"])
            other_material = centre_members_other_raw_material(
                raw_material=data["raw_material"] or "", enterprise_ids=data["members"]
            )
            for code, message in centre_warning_items(
                member_count=len(data["members"]),
                members_other_kbli=other,
                kbli_code=data["kbli"],
                members_other_raw_material=other_material,
                raw_material=data["raw_material"] or "",
            ):
                report.warn(row.number, "nib_anggota", row.text("nib_anggota"), code, message)
        return (natural_name(data["name"]), data["villages"][0])

    def duplicate_key_message(self, first_row: int) -> tuple[str, str]:
        return "nama_sentra", _("Sentra dengan nama dan desa utama yang sama sudah ada di baris %(row)d.") % {
            "row": first_row
        }

    def write(self, rows: Iterator[Row], report: ImportReport, on_row: Callable[[], None]) -> None:
        history = self.begin(report)
        agency = self.agency or default_import_agency()
        decrees: dict[tuple[str, str, str], Decree] = {}
        new_decrees: list[Decree] = []
        refused = False
        for row in rows:
            on_row()
            data = self.parse(row, None)
            assert data is not None
            villages, members, decree_data = data.pop("villages"), data.pop("members"), data.pop("decree")
            found = self.existing.get((natural_name(data["name"]), villages[0]))
            pk = None if found is None else found >> 2
            centre = Centre.objects.select_for_update().get(pk=pk) if pk else Centre(agency=agency)
            before = None
            if pk:
                # Checked again under the write transaction: accepted or moved since pass 1?
                guard = self.guard.record(centre.village_id, centre.agency_id, centre.verification_status)
                if guard:
                    self.guard.record_error(report, row, "nama_sentra", guard, _("Sentra"))
                    refused = True
                    continue
                before = snapshot(centre)  # its villages and members included (audit.links)
                mark_edited(centre)
            centre.kbli_id = data.pop("kbli")
            for name, value in data.items():
                setattr(centre, name, value)
            if decree_data:
                key = (decree_data["region_id"], decree_data["kind"], decree_data["number"])
                if key not in decrees:
                    decrees[key] = Decree.objects.filter(region_id=key[0], kind=key[1], number=key[2]).first()
                    if decrees[key] is None:
                        decrees[key] = Decree.objects.create(**decree_data)
                        new_decrees.append(decrees[key])
                centre.decree = decrees[key]
                if centre.designated_on is None:
                    centre.designated_on = decree_data["issued_on"]
            centre.place_in(villages[0])
            centre.save()
            if pk:
                CentreVillage.objects.filter(centre=centre).exclude(village_id__in=villages).delete()
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
            # Recorded once its links are written: the event lists the villages and members added and
            # removed, and its snapshot holds them for a restore (audit.links).
            if pk:
                report.updated += 1
                record_change(
                    actor=history.actor,
                    action=AuditAction.UPDATE,
                    obj=centre,
                    before=before,
                    batch=history.batch,
                )
            else:
                report.created += 1
                record_change(actor=history.actor, action=AuditAction.CREATE, obj=centre, batch=history.batch)
                self.existing[(natural_name(centre.name), villages[0])] = centre.pk << 2
        if refused:
            raise WriteRefused
        # Decrees the file brought are created records of the batch like the centres (a rollback
        # deletes them after the centres that name them).
        for decree in new_decrees:
            event = record_change(
                actor=history.actor, action=AuditAction.CREATE, obj=decree, batch=history.batch
            )
            # Placed at the issuing region, so the batch reads as inside it (import_batch_for).
            event.region_code = decree.region_id
            event.save(update_fields=["region_code"])


# ---------------------------------------------------------------------------------------------------
# Entry points: the registry's kinds, registered with the core (sentra.core.import_kinds), which owns
# upload, jobs, reports, rollback and templates for every kind.


def import_owner(actor: Actor, agency: Agency | None) -> Agency | None:
    """The agency that will own created records: registry.services.owning_agency, except that a
    national actor without an agency of their own gets the default ministry agency (None here,
    created if needed only when rows are written)."""
    if agency is None and actor.agency_id is None and (actor.is_national or actor.is_superuser):
        return None
    return owning_agency(actor, agency)


def import_enterprises(
    *,
    path: Path | str,
    actor: Actor | Any,
    commit: bool = False,
    agency: Agency | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    return import_file(
        kind="enterprises", path=path, actor=actor, commit=commit, agency=agency, on_progress=on_progress
    )


def import_centres(
    *,
    path: Path | str,
    actor: Actor | Any,
    commit: bool = False,
    agency: Agency | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    return import_file(
        kind="centres", path=path, actor=actor, commit=commit, agency=agency, on_progress=on_progress
    )


def register_import_kinds() -> None:
    """Called from RegistryConfig.ready(): IKM units and sentra, in the registries' permission area."""
    for key, label, schema in (
        ("enterprises", _l("IKM (unit usaha)"), "EnterpriseSchema"),
        ("centres", _l("Sentra IKM"), "CentreSchema"),
    ):
        register_kind(
            ImportKind(
                key=key,
                label=label,
                schema=f"{__name__}.{schema}",
                area=Area.REGISTRY,
                owner=f"{__name__}.import_owner",
            )
        )
