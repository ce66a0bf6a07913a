"""Import kind `visits`: field visits typed in a spreadsheet (`sentra import visits FILE --as USER`).

One row per visit, written by facilitators.visits.record_visit, so an imported visit obeys every rule
of a synced one (codes and messages in the report, per cell) and is placed, flagged and audited alike.
The core engine (sentra.core.imports) gives the dry run, all or nothing, the report and the rollback.

Columns: `id_pendamping` (the facilitator's id; a manager's import must name it, a facilitator's own
rows may leave it empty), `waktu_kunjungan` (2026-11-14 09:30, 14/11/2026 09:30, or a date alone,
read as 12:00 on Sentra's clock; an offset such as +08:00 may be written), `tujuan` (code or label),
`ikm` (enterprises by NIB — 13 digits, which must name one unit the importer reads — or by id, several
separated by `;`), `sentra` (centre ids, `;`), `lintang`, `bujur`, `akurasi_m`, `kode_desa`, `temuan`,
`permasalahan`, `saran`, `tindak_lanjut` (one action per line, `uraian | 2026-12-31` with an optional
due date), `id_perangkat` (the visit's UUID; when empty one is derived from the facilitator, the time
and the kind, so importing the same file twice never writes a visit twice: the second time the rows
are reported `already_synced`/existing and nothing is written).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sentra.accounts.permissions import Area
from sentra.accounts.scope import Actor, region_q
from sentra.agencies.models import Agency
from sentra.audit.models import AuditEvent
from sentra.audit.services import batch_start, object_type
from sentra.core.errors import AccessDenied, DomainError, NotFound
from sentra.core.import_kinds import ImportKind, register_kind
from sentra.core.imports import (
    CellError,
    Column,
    ImportReport,
    ImportSchema,
    Row,
    WriteRefused,
    cell_text,
    is_blank,
    parse_choice,
    parse_decimal,
    parse_int,
    parse_text,
)
from sentra.registry.models import Enterprise

from . import visits
from .choices import VisitKind
from .models import Visit, VisitAction

VISITS_KIND = "visits"
# The namespace of the client ids derived for rows without one (stable: the same row, the same id).
IMPORT_NAMESPACE = uuid.UUID("6f0c1f4e-5a55-4b8e-9a53-7e1a0f5b1c16")
NIB = re.compile(r"^\d{13}$")

COLUMNS = (
    Column("id_pendamping", _l("ID pendamping (TPL-IKM); kosongkan bila Anda sendiri pendampingnya."), "12"),
    Column(
        "waktu_kunjungan",
        _l("Tanggal dan jam kunjungan: 2026-11-14 09:30 atau 14/11/2026 09:30 (tanggal saja: pukul 12.00)."),
        "2026-11-14 09:30",
        aliases=("waktu", "tanggal", "tanggal kunjungan"),
    ),
    Column(
        "tujuan",
        _l("Tujuan kunjungan (kode atau nama), mis. coaching / Pendampingan/bimbingan teknis."),
        "coaching",
        aliases=("jenis", "tujuan kunjungan"),
    ),
    Column("ikm", _l("IKM yang dikunjungi: NIB (13 angka) atau ID, dipisah titik koma."), "9120001234567"),
    Column("sentra", _l("ID sentra IKM yang dikunjungi, dipisah titik koma."), "", aliases=("sentra ikm",)),
    Column("lintang", _l("Lintang GPS (desimal, mis. -1.25)."), "-1.25", aliases=("latitude",)),
    Column("bujur", _l("Bujur GPS (desimal, mis. 116.7)."), "116.7", aliases=("longitude",)),
    Column("akurasi_m", _l("Akurasi GPS dalam meter."), "12", aliases=("akurasi",)),
    Column("kode_desa", _l("Kode desa/kelurahan (Kemendagri) bila tanpa GPS."), "64.09.01.1002"),
    Column("temuan", _l("Temuan."), "Produksi naik", multiline=True),
    Column("permasalahan", _l("Permasalahan."), "Belum PIRT", aliases=("masalah",), multiline=True),
    Column("saran", _l("Saran/bimbingan yang diberikan."), "Urus PIRT", multiline=True),
    Column(
        "tindak_lanjut",
        _l("Tindak lanjut, satu per baris: uraian | tenggat (YYYY-MM-DD, boleh kosong)."),
        "Urus PIRT | 2026-12-31",
        multiline=True,
    ),
    Column(
        "id_perangkat", _l("UUID kunjungan (opsional; dari aplikasi ponsel)."), "", aliases=("client_id",)
    ),
)

# Where the services' field errors are reported.
FIELD_COLUMNS = {
    "client_id": "id_perangkat",
    "facilitator_id": "id_pendamping",
    "visited_at": "waktu_kunjungan",
    "kind": "tujuan",
    "latitude": "lintang",
    "longitude": "bujur",
    "accuracy_m": "akurasi_m",
    "village_code": "kode_desa",
    "findings": "temuan",
    "problems": "permasalahan",
    "advice": "saran",
    "enterprise_ids": "ikm",
    "centre_ids": "sentra",
    "actions": "tindak_lanjut",
}
_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H.%M",
)
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def parse_visit_time(value: Any) -> dt.datetime | None:
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        return timezone.make_aware(dt.datetime.combine(value, dt.time(12, 0)))
    text = str(value).strip().replace("T", " ")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # a date alone: midday, not midnight
        text += " 12:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    except ValueError:
        pass
    for fmt in _DATETIME_FORMATS:
        try:
            return timezone.make_aware(dt.datetime.strptime(text, fmt))
        except ValueError:
            continue
    for fmt in _DATE_FORMATS:
        try:
            return timezone.make_aware(
                dt.datetime.combine(dt.datetime.strptime(text, fmt).date(), dt.time(12))
            )
        except ValueError:
            continue
    raise CellError("invalid", _("Waktu tidak dikenali; tulis 2026-11-14 09:30 atau 14/11/2026 09:30."))


def _split(value: Any) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", cell_text(value)) if part.strip()]


def _actions(value: Any) -> list[dict[str, Any]]:
    result = []
    for line in cell_text(value).splitlines():
        if not line.strip():
            continue
        description, _sep, due = line.partition("|")
        result.append({"description": description.strip(), "due_on": due.strip() or None})
    return result


class VisitSchema(ImportSchema):
    kind = VISITS_KIND
    title = _l("Kunjungan pendamping (TPL-IKM)")
    columns = COLUMNS

    def __init__(
        self, *, actor: Actor | None = None, agency: Agency | None = None, description: str = ""
    ) -> None:
        self.actor = actor
        self.description = description
        self.parsed: dict[int, dict[str, Any]] = {}

    def missing_columns(self, present: set[str]) -> list[str]:
        return [key for key in ("waktu_kunjungan", "tujuan") if key not in present]

    def _enterprise_ids(self, cells: list[str]) -> list[Any]:
        """NIB → the one unit the importer reads with that NIB; an id stays an id (checked later)."""
        assert self.actor is not None
        ids: list[Any] = []
        for cell in cells:
            if NIB.match(cell):
                units = list(
                    Enterprise.objects.filter(region_q(self.actor), nib=cell).values_list("pk", flat=True)[:2]
                )
                if len(units) != 1:
                    raise CellError(
                        "unknown_enterprise" if not units else "ambiguous_nib",
                        _("NIB %(nib)s tidak ditemukan di wilayah Anda.") % {"nib": cell}
                        if not units
                        else _("NIB %(nib)s memiliki beberapa unit usaha; tulis ID IKM-nya.") % {"nib": cell},
                    )
                ids.append(units[0])
            else:
                ids.append(cell)
        return ids

    def check(self, row: Row, report: ImportReport) -> Any:
        assert self.actor is not None

        def fail(column: str, code: str, message: str) -> None:
            report.error(row.number, column, row.text(column), code, message)

        data: dict[str, Any] = {}
        parsers: tuple[tuple[str, str, Callable[[Any], Any]], ...] = (
            ("facilitator_id", "id_pendamping", lambda v: parse_int(v, minimum=1)),
            ("visited_at", "waktu_kunjungan", parse_visit_time),
            ("kind", "tujuan", lambda v: parse_choice(v, VisitKind)),
            (
                "latitude",
                "lintang",
                lambda v: parse_decimal(v, minimum=Decimal(-90), maximum=Decimal(90), places=6),
            ),
            (
                "longitude",
                "bujur",
                lambda v: parse_decimal(v, minimum=Decimal(-180), maximum=Decimal(180), places=6),
            ),
            ("accuracy_m", "akurasi_m", lambda v: parse_decimal(v, minimum=Decimal(0), places=1)),
            ("village_code", "kode_desa", lambda v: parse_text(v, max_length=13) or None),
            ("enterprise_ids", "ikm", lambda v: self._enterprise_ids(_split(v))),
            ("centre_ids", "sentra", _split),
            ("actions", "tindak_lanjut", _actions),
            ("client_id", "id_perangkat", lambda v: parse_text(v, max_length=64)),
        )
        failed = False
        for key, column, parse in parsers:
            try:
                data[key] = parse(row.get(column))
            except CellError as exc:
                fail(column, exc.code, exc.message)
                failed = True
        for key, column in (("findings", "temuan"), ("problems", "permasalahan"), ("advice", "saran")):
            data[key] = row.text(column)
        if failed:
            return None
        if data["accuracy_m"] is not None:
            data["accuracy_m"] = float(data["accuracy_m"])
        try:
            facilitator = visits.facilitator_for(self.actor, data["facilitator_id"])
        except DomainError as exc:
            _report(report, row, exc)
            return None
        except (AccessDenied, NotFound) as exc:
            fail("id_pendamping", "forbidden", str(exc))
            return None
        data["facilitator_id"] = facilitator.pk
        if not data["client_id"]:
            stamp = data["visited_at"].isoformat() if data["visited_at"] else ""
            data["client_id"] = str(uuid.uuid5(IMPORT_NAMESPACE, f"{facilitator.pk}|{stamp}|{data['kind']}"))
        try:
            client_id = visits.parse_client_id(data["client_id"])
            existing = visits.existing_visit(self.actor, client_id)
            if existing is None:
                visits.check_visit(self.actor, facilitator, data)  # reads only: the write runs it again
        except DomainError as exc:
            _report(report, row, exc)
            return None
        if existing is not None:
            report.warn(
                row.number,
                "id_perangkat",
                str(client_id),
                "already_synced",
                _("Kunjungan ini sudah tersimpan (impor atau sinkronisasi sebelumnya); tidak ditulis ulang."),
            )
        self.parsed[row.number] = data
        return str(client_id)

    def duplicate_key_message(self, first_row: int) -> tuple[str, str]:
        return "waktu_kunjungan", _(
            "Kunjungan yang sama (pendamping, waktu dan tujuan, atau ID perangkat) sudah ada di "
            "baris %(row)d."
        ) % {"row": first_row}

    def write(self, rows: Iterator[Row], report: ImportReport, on_row: Callable[[], None]) -> None:
        assert self.actor is not None
        batch = batch_start(actor=self.actor, kind="import", description=self.description or str(self.title))
        report.batch_id = batch.pk
        since = AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0
        written: set[int] = set()
        for row in rows:
            on_row()
            data = self.parsed.get(row.number)
            if data is None:
                continue
            try:
                visit, created, _notices = visits.record_visit(self.actor, data)
            except DomainError as exc:
                _report(report, row, exc)
                raise WriteRefused from exc
            except (AccessDenied, NotFound) as exc:
                report.error(row.number, "id_pendamping", row.text("id_pendamping"), "forbidden", str(exc))
                raise WriteRefused from exc
            if created:
                report.created += 1
                written.add(visit.pk)
        # record_visit audits each visit and action on its own; this import's events join its batch so
        # that `sentra import rollback` undoes it as a whole.
        mine = AuditEvent.objects.filter(pk__gt=since, batch__isnull=True, username=self.actor.username)
        mine.filter(object_type=object_type(Visit), object_id__in=written).update(batch=batch)
        actions = VisitAction.objects.filter(visit_id__in=written).values_list("pk", flat=True)
        mine.filter(object_type=object_type(VisitAction), object_id__in=list(actions)).update(batch=batch)


def _report(report: ImportReport, row: Row, exc: DomainError) -> None:
    errors = exc.errors or []
    if not errors:
        report.error(row.number, "", "", exc.code, exc.message)
        return
    for error in errors:
        column = FIELD_COLUMNS.get(error.field.split(".")[0], "")
        report.error(row.number, column, row.text(column) if column else "", error.code, error.message)


def register_import_kinds() -> None:
    """Called from FacilitatorsConfig.ready()."""
    register_kind(
        ImportKind(
            key=VISITS_KIND,
            label=_l("Kunjungan pendamping (TPL-IKM)"),
            schema=f"{__name__}.VisitSchema",
            area=Area.FACILITATORS,
        )
    )
