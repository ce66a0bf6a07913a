"""Import of monthly realisation: money spent, physical progress and output per activity and month.

The same engine as the registries (sentra.core.imports: one pass, all or nothing, stable error
codes) and the same entry points (sentra.core.import_kinds.import_file / import_upload, kind
"realisation", registered below). Every row is checked by services.check_realisation, the rule the
form and the API use, plus what only a file can get wrong:

- `unknown_activity`: no activity with that code in that fiscal year (of the named agency) that the
  importing actor may read: a code used only outside their region gets this same answer;
- `out_of_scope`: for own-agency-only roles, the activity belongs to another agency;
- `ambiguous_activity`: several agencies in the actor's region use the code; add `kode_satker`;
- `locked`: the month is already verified or accepted (a closed period; reopen it first);
- `duplicate_key` / `duplicate_row`: the same activity and month twice in the file;
- `above_pagu`: the activity's months — stored ones the file does not replace plus every row of the
  file for it — add up to more than its pagu (reported once, on the activity's last row).

Re-importing updates existing months (natural key activity + month); a submitted month that is
edited goes back to draft (verification.mark_edited), exactly as services.realisation_record does.

Speed: the file is read once (the engine's one pass), in batches of the engine's size, inside one
transaction. The activities, their pagu and their stored months are loaded with one query each per
fiscal year the file names; each batch is checked in memory and, while the file has shown no error,
written at once: new months with `cursor.executemany` (SQLite) or COPY (PostgreSQL), existing ones
with bulk_update, reading the batch's stored values once (one query) for the history and to re-check
locks under the write transaction. Any error, in a later row or in the pagu check at the end, rolls
the whole transaction back. The history is one AuditBatch with one AuditEvent per written month
(audit.BulkEvents), so the whole import can be rolled back (core.import_kinds.import_rollback).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sentra.accounts.permissions import OWN_AGENCY_ONLY, Area
from sentra.accounts.scope import Actor, code_in_scope
from sentra.agencies.models import Agency
from sentra.audit.models import AuditAction
from sentra.audit.services import BulkEvents, batch_start, diff
from sentra.core.import_kinds import ImportKind, import_file, register_kind
from sentra.core.imports import (
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
    normalise_header,
    parse_decimal,
    parse_int,
    parse_text,
)
from sentra.core.versioning import VERSION_FIELD, bump
from sentra.verification.models import VerificationStatus
from sentra.verification.services import mark_edited

from . import sakti
from .choices import AccountGroup
from .models import Activity, BudgetLine, Realisation
from .services import check_realisation

BATCH_SIZE = 2_000
MAX_BIGINT = 9_223_372_036_854_775_807
NO_LIMIT = sys.maxsize  # pagu given to the per-row check; the pagu itself is checked per activity

COLUMNS = (
    Column(
        "kode_satker",
        _l(
            "Opsional: ID atau nama instansi/satker pemilik kegiatan. Wajib bila kode kegiatan yang "
            "sama dipakai beberapa instansi di wilayah Anda."
        ),
        "",
        aliases=("kode_instansi", "kode_satker_instansi", "satker", "instansi", "id_instansi"),
    ),
    Column("tahun_anggaran", _l("Tahun anggaran (wajib)."), "2026", aliases=("tahun", "ta")),
    Column(
        "kode_kegiatan",
        _l("Kode kegiatan seperti tercatat di Sentra (wajib)."),
        "5305.001",
        aliases=("kegiatan",),
    ),
    Column(
        "bulan",
        _l("Bulan realisasi (wajib): 1–12 atau nama bulan, misalnya Januari atau Jan."),
        "Maret",
    ),
    Column(
        "jenis_belanja",
        _l(
            "Jenis belanja: 51, 52, 53 atau 57, atau kode akun 6 digit (mis. 526111). Wajib bila "
            "kegiatan memiliki pagu lebih dari satu jenis belanja; kosong: pagu satu-satunya."
        ),
        "52",
        aliases=("akun", "kode_akun", "kelompok_akun"),
    ),
    Column(
        "realisasi_rp",
        _l("Realisasi keuangan bulan itu dalam rupiah (wajib), tidak negatif."),
        "15.000.000",
        aliases=("realisasi", "realisasi_keuangan", "jumlah"),
    ),
    Column(
        "progres_fisik",
        _l("Progres fisik kumulatif pada akhir bulan, 0–100 (wajib)."),
        "35,5",
        aliases=("progres_fisik_persen", "progres"),
    ),
    Column(
        "capaian_keluaran",
        _l("Capaian kumulatif keluaran utama, dalam satuannya."),
        "12",
        aliases=("capaian",),
    ),
    Column(
        "kendala",
        _l("Kendala pelaksanaan, paling banyak 500 karakter."),
        "",
        aliases=("hambatan",),
        multiline=True,
    ),
)

REQUIRED = ("tahun_anggaran", "kode_kegiatan", "bulan", "realisasi_rp", "progres_fisik")

# Field errors of services.check_realisation → the column that holds the value.
FIELD_COLUMNS = {
    "month": "bulan",
    "amount": "realisasi_rp",
    "physical_progress": "progres_fisik",
    "account_group": "jenis_belanja",
}

MONTH_NAMES: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("januari", "jan", "january"),
        ("februari", "pebruari", "feb", "peb", "february"),
        ("maret", "mar", "march"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "jun", "june"),
        ("juli", "jul", "july"),
        ("agustus", "agu", "agt", "ags", "agus", "aug", "august"),
        ("september", "sep", "sept"),
        ("oktober", "okt", "oct", "october"),
        ("november", "nov", "nop", "nopember"),
        ("desember", "des", "dec", "december"),
    ),
    start=1,
):
    for _name in _names:
        MONTH_NAMES[_name] = _number


def parse_month(value: Any) -> int | None:
    """1–12 as a number ("3", 3, "03") or an Indonesian (or English) month name or abbreviation.

    A number outside 1–12 is returned as it is, for check_realisation to refuse (month_out_of_year)."""
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise CellError("month_out_of_year", _("Bulan harus 1–12 (Januari–Desember)."))
        return int(value)
    text = str(value).strip().lower().rstrip(".")
    if text.lstrip("-").isdigit():
        return int(text)
    found = MONTH_NAMES.get(text)
    if found is None:
        raise CellError(
            "invalid_month",
            _("Bulan tidak dikenali; tulis 1–12 atau nama bulan, misalnya Januari atau Jan."),
        )
    return found


def _cached(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A parser remembering its answer per cell value: years and months take few distinct values."""
    seen: dict[Any, Any] = {}

    def cached(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            pass
        except TypeError:  # unhashable: not a cell value a reader produces
            return parse(value)
        result = seen[value] = parse(value)
        if len(seen) > 1_000:
            seen.clear()
        return result

    return cached


def _amount(value: Any) -> int | None:
    if value.__class__ is str and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return parse_int(value, minimum=None, maximum=MAX_BIGINT)


CENT = Decimal("0.01")


def _decimal(minimum: Decimal | None) -> Callable[[Any], Decimal | None]:
    def parse(value: Any) -> Decimal | None:
        # "35.5", "100": digits with at most one point and two decimals, the common case
        if (
            value.__class__ is str
            and 0 < len(value) < 13
            and value.isascii()
            and value.replace(".", "", 1).isdigit()
        ):
            return Decimal(value).quantize(CENT)
        return parse_decimal(value, minimum=minimum, places=2, max_digits=14)

    return parse


def _account_group(value: Any) -> str:
    """'52', '526111' (a SAKTI akun: its first two digits) or blank → the account group ('' if blank)."""
    text = cell_text(value)
    if not text:
        return ""
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell read as float
        text = text[:-2]
    if text.isdigit() and len(text) in (2, 6) and text[:2] in AccountGroup.values:
        return text[:2]
    raise CellError(
        "invalid_account",
        _("Jenis belanja %(value)s tidak dikenal: tulis 51, 52, 53, 57 atau kode akun 6 digit.")
        % {"value": text},
    )


def _obstacles(value: Any) -> str:
    if value.__class__ is str and len(value) <= 500:
        return value
    return parse_text(value, max_length=500)


class _Year:
    """fiscal_year attribute for check_realisation (it reads nothing else of the activity)."""

    __slots__ = ("fiscal_year",)

    def __init__(self, fiscal_year: int) -> None:
        self.fiscal_year = fiscal_year


# Per activity, the tuple the lookup keeps: (id, agency_id, region_id, province_code, regency_code)
ActivityInfo = tuple[int, int, str | None, str, str]

LOCKED_STATES = frozenset(str(s) for s in Realisation.REOPENABLE)
AUDITED_FIELDS = tuple(
    f.attname
    for f in Realisation._meta.concrete_fields
    if not f.primary_key and f.name not in ("created_at", "updated_at", "version")
)


def _json(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class ActivityLookup:
    """Finds a file's activity by fiscal year, code and optional kode_satker (agency ID or name), with
    the actor's scope: shared by the realisation and beneficiary imports (same codes, same messages).

    `_init_activity_lookup` (from prepare) loads the agencies; a fiscal year's activities are loaded
    with one query the first time the file names that year (`_load_year`, which subclasses extend)."""

    actor: Actor | None

    def _init_activity_lookup(self) -> None:
        actor = self.actor
        assert actor is not None
        self.everywhere = actor.is_superuser or actor.is_national
        self.own_agency_only = not actor.is_superuser and actor.role in OWN_AGENCY_ONLY
        self.years: set[int] = set()
        # (fiscal year, activity code) → activities with that code (one per agency)
        self.activities: dict[tuple[int, str], list[ActivityInfo]] = {}
        # (year, code, agency cell) → resolved activity, or an error (code, message, column)
        self.resolved: dict[tuple[int, str, str], ActivityInfo | tuple[str, str, str]] = {}
        self.agencies_by_id: dict[int, str] = {}
        self.agencies_by_name: dict[str, list[int]] = {}
        for pk, name, short in Agency.objects.values_list("id", "name", "short_name"):
            self.agencies_by_id[pk] = name
            for text in {name, short}:
                if text:
                    self.agencies_by_name.setdefault(normalise_header(text), []).append(pk)

    def _load_activities(self, year: int) -> None:
        self.years.add(year)
        for pk, code, agency_id, region, province, regency in Activity.objects.filter(
            fiscal_year=year
        ).values_list("id", "code", "agency_id", "region_id", "province_code", "regency_code"):
            self.activities.setdefault((year, code.strip().casefold()), []).append(
                (pk, agency_id, region, province, regency)
            )

    def _load_year(self, year: int) -> None:
        self._load_activities(year)

    def _agency_ids(self, text: str) -> list[int] | None:
        if not text:
            return None
        if text.isdigit() and int(text) in self.agencies_by_id:
            return [int(text)]
        return self.agencies_by_name.get(normalise_header(text), [])

    def _in_scope(self, info: ActivityInfo) -> bool:
        if not (self.everywhere or code_in_scope(self.actor, info[2])):
            return False
        return not (self.own_agency_only and info[1] != self.actor.agency_id)

    def resolve(self, year: int, code: str, agency_text: str) -> ActivityInfo | tuple[str, str, str]:
        key = (year, code.casefold(), agency_text)
        found = self.resolved.get(key)
        if found is None:
            found = self.resolved[key] = self._resolve(year, code, agency_text)
        return found

    def _resolve(self, year: int, code: str, agency_text: str) -> ActivityInfo | tuple[str, str, str]:
        if year not in self.years:
            self._load_year(year)
        candidates = self.activities.get((year, code.casefold()), [])
        agency_ids = self._agency_ids(agency_text)
        if agency_ids is not None:
            if not agency_ids:
                return (
                    "unknown_agency",
                    _("Instansi/satker %(a)s tidak dikenal; tulis ID atau nama instansi.")
                    % {"a": agency_text},
                    "kode_satker",
                )
            candidates = [c for c in candidates if c[1] in agency_ids]
        # An activity the actor may not read is answered as one that does not exist: a code used
        # only outside their region gets the unknown_activity answer, word for word.
        candidates = [c for c in candidates if self.everywhere or code_in_scope(self.actor, c[2])]
        if not candidates:
            return (
                "unknown_activity",
                _("Tidak ada kegiatan berkode %(code)s pada tahun anggaran %(year)s%(of)s.")
                % {
                    "code": code,
                    "year": year,
                    "of": _(" milik instansi %(a)s") % {"a": agency_text} if agency_text else "",
                },
                "kode_kegiatan",
            )
        mine = [c for c in candidates if self._in_scope(c)]
        if not mine:  # readable, but another agency's (own-agency-only roles)
            message = _(
                "Kegiatan %(code)s milik instansi lain; Anda hanya dapat mengisi kegiatan instansi Anda."
            )
            return ("out_of_scope", message % {"code": code}, "kode_kegiatan")
        if len(mine) > 1:
            names = "; ".join(f"{c[1]} {self.agencies_by_id.get(c[1], '')}" for c in mine[:5])
            return (
                "ambiguous_activity",
                _(
                    "Kode kegiatan %(code)s dipakai beberapa instansi di wilayah Anda (%(names)s); "
                    "isi kolom kode_satker dengan ID atau nama instansinya."
                )
                % {"code": code, "names": names},
                "kode_kegiatan",
            )
        return mine[0]


class RealisationSchema(ActivityLookup, ImportSchema):
    kind = "realisation"
    title = _l("Realisasi kegiatan")
    columns = COLUMNS
    # One pass (core.imports.run_import): each batch is parsed and checked once and written at once
    # while the file has shown no error; an error later (a row, the pagu at the end) undoes it all.
    one_pass = True

    def __init__(
        self,
        *,
        actor: Actor | None = None,
        agency: Agency | None = None,
        description: str = "",
        today: dt.date | None = None,
    ) -> None:
        self.actor = actor
        self.agency = agency
        self.description = description
        self.today = today

    def missing_columns(self, present: set[str]) -> list[str]:
        return [c for c in REQUIRED if c not in present]

    # --- checking ----------------------------------------------------------------------------------

    def prepare(self, present: set[str]) -> None:
        if self.actor is None:
            raise ValueError("An import needs an actor")
        self.present = present
        self.today = self.today or timezone.localdate()
        self._init_activity_lookup()
        self.pagu: dict[int, int] = {}
        # activity id → {account group: (budget line id, pagu minus blokir)}
        self.lines: dict[int, dict[str, tuple[int, int]]] = {}
        # (activity id, month, account group) → (realisation id, amount, status)
        self.stored: dict[tuple[int, int, str], tuple[int, int, str]] = {}
        self.stored_total: dict[tuple[int, str], int] = {}
        # Untyped months (recorded before types) that a typed row of the file takes over: (activity,
        # month) → the account group that claimed it first.
        self.claimed: dict[tuple[int, int], str] = {}
        # per (activity, type) in the file: [sum of its rows, bit mask of its months, last row, its
        # amount, month]
        self.in_file: dict[tuple[int, str], list[int]] = {}
        self.batch: list[tuple[Row, dict[str, Any]]] = []  # the checked batch's rows, parsed

    def _load_year(self, year: int) -> None:
        """One query each for the year's activities, their pagu and their stored months."""
        self._load_activities(year)
        lines = BudgetLine.objects.filter(activity__fiscal_year=year).order_by("id")
        for pk, activity_id, group, amount, blocked in lines.values_list(
            "id", "activity_id", "account_group", "amount", "blocked"
        ):
            self.pagu[activity_id] = self.pagu.get(activity_id, 0) + amount
            self.lines.setdefault(activity_id, {}).setdefault(group, (pk, amount - blocked))
        rows = (
            Realisation.objects.filter(fiscal_year=year)
            .values_list("id", "activity_id", "month", "account_group", "amount", "verification_status")
            .iterator(chunk_size=20_000)
        )
        for pk, activity_id, month, group, amount, status in rows:
            if not group:
                only = self.lines.get(activity_id, {})
                if len(only) == 1:  # recorded before types, spent from the activity's only line
                    group = next(iter(only))
            self.stored[(activity_id, month, group)] = (pk, amount, status)
            key = (activity_id, group)
            self.stored_total[key] = self.stored_total.get(key, 0) + amount

    def parse(self, row: Row, report: ImportReport | None) -> dict[str, Any] | None:
        """Row → values; errors go to `report`. None when the row cannot be checked further.

        Called for every row of files of a million rows, so the common cells take fast paths: years
        and months through a cache of the texts met, plain digits without the general number parser."""
        failed = False
        values = row.values
        data: dict[str, Any] = {}
        for column, key, parse in self._parsers:
            value = values.get(column)
            try:
                data[key] = parse(value)
            except CellError as exc:
                failed = True
                if report is not None:
                    report.error(row.number, column, value, exc.code, exc.message)
        data["code"] = code = cell_text(values.get("kode_kegiatan"))
        if report is not None:
            for column, key in (
                ("tahun_anggaran", "year"),
                ("kode_kegiatan", "code"),
                ("bulan", "month"),
                ("realisasi_rp", "amount"),
                ("progres_fisik", "progress"),
            ):
                if data.get(key) in (None, "") and is_blank(values.get(column)):
                    report.error(
                        row.number, column, "", "required", _("Kolom %(c)s wajib diisi.") % {"c": column}
                    )
                    failed = True
        elif not code or any(data.get(k) is None for k in ("year", "month", "amount", "progress")):
            failed = True
        if failed:
            return None
        found = self.resolve(data["year"], code, cell_text(values.get("kode_satker")))
        if len(found) == 3:
            if report is not None:
                error, message, column = found  # type: ignore[misc]
                report.error(row.number, column, row.text(column), error, message)
            return None
        data["activity"] = found
        return data

    @property
    def _parsers(self) -> tuple[tuple[str, str, Callable[[Any], Any]], ...]:
        parsers = self.__dict__.get("_parser_list")
        if parsers is None:
            parsers = self.__dict__["_parser_list"] = (
                ("tahun_anggaran", "year", _cached(lambda v: parse_int(v, minimum=2000, maximum=2100))),
                ("bulan", "month", _cached(parse_month)),
                ("realisasi_rp", "amount", _amount),
                ("jenis_belanja", "group", _account_group),
                ("progres_fisik", "progress", _decimal(None)),
                ("capaian_keluaran", "output", _decimal(Decimal(0))),
                ("kendala", "obstacles", _obstacles),
            )
        return parsers

    def check(self, row: Row, report: ImportReport) -> Any:
        data = self.parse(row, report)
        return None if data is None else self._check_parsed(row, data, report)

    def check_batch(self, rows: list[Row], report: ImportReport) -> list[Any]:
        """Parse and check each row once; write_batch writes the parsed rows kept here."""
        self.batch = []
        keys: list[Any] = []
        for row in rows:
            data = self.parse(row, report)
            if data is None:
                keys.append(None)
                continue
            keys.append(self._check_parsed(row, data, report))
            self.batch.append((row, data))
        return keys

    def _line(self, row: Row, activity: ActivityInfo, group: str, report: ImportReport) -> str | None:
        """The row's account group: the one given, or the activity's only one ('' without pagu);
        None (with the error reported) when it is not in the activity's pagu or left open."""
        lines = self.lines.get(activity[0], {})
        code = row.text("kode_kegiatan")
        if group:
            if group in lines:
                return group
            report.error(
                row.number,
                "jenis_belanja",
                row.text("jenis_belanja"),
                "account_group_not_in_pagu",
                _("Kegiatan %(code)s tidak memiliki pagu jenis belanja %(group)s (ada: %(groups)s).")
                % {"code": code, "group": group, "groups": ", ".join(sorted(lines)) or "-"},
            )
            return None
        if len(lines) > 1:
            report.error(
                row.number,
                "jenis_belanja",
                "",
                "account_group_required",
                _(
                    "Kegiatan %(code)s memiliki pagu beberapa jenis belanja (%(groups)s): "
                    "isi kolom jenis_belanja."
                )
                % {"code": code, "groups": ", ".join(sorted(lines))},
            )
            return None
        return next(iter(lines), "")

    def _stored(self, activity_id: int, month: int, group: str) -> tuple[int, int, str] | None:
        """The stored month this row writes: its own type's, or an untyped month it takes over."""
        stored = self.stored.get((activity_id, month, group))
        if stored is None and group and (activity_id, month, "") in self.stored:
            if self.claimed.setdefault((activity_id, month), group) == group:
                return self.stored[(activity_id, month, "")]
        return stored

    def _check_parsed(self, row: Row, data: dict[str, Any], report: ImportReport) -> Any:
        activity: ActivityInfo = data["activity"]
        month, amount = data["month"], data["amount"]
        group = self._line(row, activity, data.get("group") or "", report)
        if group is None:
            return None
        data["group"] = group
        warning = sakti.social_aid_warning(group)
        if warning:  # questioned, not refused (domain-facts 7.1)
            report.warn(
                row.number, "jenis_belanja", row.text("jenis_belanja") or group, warning.code, warning.message
            )
        errors = check_realisation(
            activity=_Year(data["year"]),  # type: ignore[arg-type]
            month=month,
            amount=amount,
            physical_progress=data["progress"],
            other_months_total=0,
            pagu=NO_LIMIT,
            today=self.today,
        )
        for error in errors:
            column = FIELD_COLUMNS.get(error.field, "")
            report.error(row.number, column, row.get(column), error.code, error.message)
        stored = self._stored(activity[0], month, group) if 1 <= month <= 12 else None
        data["stored"] = stored
        if stored is not None and stored[2] in LOCKED_STATES:
            report.error(
                row.number,
                "bulan",
                row.text("bulan"),
                "locked",
                _(
                    "Realisasi bulan ini sudah diverifikasi dan terkunci; minta pembukaan kembali "
                    "untuk mengubahnya."
                ),
            )
        if not errors and 1 <= month <= 12:
            state = self.in_file.get((activity[0], group))
            if state is None:
                state = self.in_file[(activity[0], group)] = [0, 0, 0, 0, 0]
            if not state[1] & (1 << month):  # a duplicate month is reported by the engine
                state[0] += amount
                state[1] |= 1 << month
            state[2], state[3], state[4] = row.number, amount, month
        return (activity[0], month, group)

    def duplicate_key_message(self, first_row: int) -> tuple[str, str]:
        return "bulan", _(
            "Realisasi kegiatan, bulan dan jenis belanja yang sama sudah ada di baris %(row)d."
        ) % {"row": first_row}

    def finish_check(self, report: ImportReport) -> None:
        """The pagu rule per activity and spending type (pagu minus blokir; the activity's whole pagu
        for one without lines): stored months the file does not replace plus the file's."""
        for (activity_id, group), (file_sum, months, last_row, last_amount, _month) in self.in_file.items():
            kept = self.stored_total.get((activity_id, group), 0)
            if kept:
                kept -= sum(
                    self.stored[(activity_id, m, group)][1]
                    for m in range(1, 13)
                    if months & (1 << m) and (activity_id, m, group) in self.stored
                )
            line = self.lines.get(activity_id, {}).get(group)
            errors = check_realisation(
                activity=_Year(self.today.year),  # type: ignore[arg-type]
                month=1,
                amount=last_amount,
                physical_progress=0,
                other_months_total=kept + file_sum - last_amount,
                pagu=line[1] if line else self.pagu.get(activity_id, 0),
                today=self.today,
            )
            for error in errors:
                if error.code == "above_pagu":
                    report.error(last_row, "realisasi_rp", last_amount, error.code, error.message)

    # --- writing -----------------------------------------------------------------------------------

    def begin_write(self, report: ImportReport) -> None:
        assert self.actor is not None
        batch = batch_start(actor=self.actor, kind="import", description=self.description or str(self.title))
        report.batch_id = batch.pk
        self.events = BulkEvents(actor=self.actor, batch=batch, model=Realisation, size=BATCH_SIZE)
        self.inserter = _Inserter(self.events)
        self.updater = _Updater(self.events, report, self.present)

    def write_batch(self, rows: list[Row], report: ImportReport) -> None:
        # `self.stored` is the table as the import began: a month this import inserted that a later
        # row names again is a duplicate in the file, an error that rolls everything back.
        for row, data in self.batch:
            stored = data["stored"]
            line = self.lines.get(data["activity"][0], {}).get(data["group"])
            data["line"] = line[0] if line else None
            if stored is None:
                report.created += self.inserter.add(data["activity"], data, row)
            else:
                report.updated += self.updater.add(stored[0], data, row)
        self.batch = []

    def end_write(self, report: ImportReport) -> None:
        report.created += self.inserter.flush()
        report.updated += self.updater.flush()
        self.events.flush()


def _sum(field: str):
    from django.db.models import Sum

    return Sum(field)


# Verification columns of a month the import creates (the database fills them).
NEW_RECORD_STATE = {
    "verification_status": str(VerificationStatus.DRAFT),
    "submitted_by_id": None,
    "submitted_at": None,
    "verified_at": None,
    "accepted_at": None,
    "return_reason": "",
}


class _Inserter:
    """New months as plain tuples written by core.imports.insert_many; ids read back by (activity,
    month). Their history goes through audit.BulkEvents, with the values record_change would store."""

    COLUMNS = (
        "created_at",
        "updated_at",
        "agency_id",
        "fiscal_year",
        "region_id",
        "province_code",
        "regency_code",
        "activity_id",
        "month",
        "account_group",
        "budget_line_id",
        "amount",
        "physical_progress",
        "output_achieved",
        "obstacles",
    )

    def __init__(self, events: BulkEvents) -> None:
        self.events = events
        self.connection = connection = connections[router.db_for_write(Realisation)]
        meta = Realisation._meta
        fields = {f.attname: f for f in meta.concrete_fields}
        now = timezone.now()
        self.stamp = (
            fields["created_at"].get_db_prep_save(now, connection),
            fields["updated_at"].get_db_prep_save(now, connection),
        )
        missing = {
            name
            for name in set(fields) - set(self.COLUMNS) - {meta.pk.attname}
            if not (fields[name].has_db_default() or fields[name].null)
        }
        assert not missing, f"_Inserter does not fill {sorted(missing)}"
        self.table = meta.db_table
        self.db_columns = tuple(fields[c].column for c in self.COLUMNS)
        self.adapt_decimal = connection.vendor == "sqlite"
        self.pending: list[tuple[Any, ...]] = []

    def add(self, activity: ActivityInfo, data: dict[str, Any], row: Row) -> int:
        progress = data["progress"]
        output = data["output"] if data["output"] is not None else Decimal("0.00")
        self.pending.append(
            (
                *self.stamp,
                activity[1],
                data["year"],
                activity[2],
                activity[3],
                activity[4],
                activity[0],
                data["month"],
                data["group"],
                data["line"],
                data["amount"],
                str(progress) if self.adapt_decimal else progress,
                str(output) if self.adapt_decimal else output,
                data["obstacles"] or "",
                row.text("kode_kegiatan"),
            )
        )
        return self.flush() if len(self.pending) >= BATCH_SIZE else 0

    def flush(self) -> int:
        if not self.pending:
            return 0
        pending, self.pending = self.pending, []
        insert_many(self.connection, self.table, self.db_columns, [values[:-1] for values in pending])
        index = {name: i for i, name in enumerate(self.COLUMNS)}
        activity, month, group = index["activity_id"], index["month"], index["account_group"]
        ids = {
            (a, m, g): pk
            for pk, a, m, g in Realisation.objects.filter(
                activity_id__in={values[activity] for values in pending}
            ).values_list("id", "activity_id", "month", "account_group")
        }
        names = self.COLUMNS[2:]
        for values in pending:
            after = {n: _json(v) for n, v in zip(names, values[2:-1], strict=True)}
            after["physical_progress"] = str(values[index["physical_progress"]])
            after["output_achieved"] = str(values[index["output_achieved"]])
            after.update(NEW_RECORD_STATE)
            self.events.add(
                AuditAction.CREATE,
                ids[(values[activity], values[month], values[group])],
                f"{values[-1]} — {values[month]:02d}/{values[index['fiscal_year']]}",
                values[index["region_id"]],
                diff(None, after),
                after,
            )
        return len(pending)


class _Updater:
    """Stored months changed with bulk_update in batches. Each batch reads its months' stored values
    once, under the write transaction: they are the history's "before", and a month verified since
    the import began refuses the whole import (locked)."""

    def __init__(self, events: BulkEvents, report: ImportReport, present: set[str]) -> None:
        self.events, self.report = events, report
        fields = [
            "amount",
            "physical_progress",
            "account_group",  # an untyped month taken over by a typed row gets its type and line
            "budget_line",
            "verification_status",
            "verified_at",
            "updated_at",
        ]
        self.fields = [*fields, VERSION_FIELD]  # every changed month counts its version up
        if "capaian_keluaran" in present:
            self.fields.append("output_achieved")
        if "kendala" in present:
            self.fields.append("obstacles")
        self.pending: list[tuple[int, dict[str, Any], Row]] = []

    def add(self, pk: int, data: dict[str, Any], row: Row) -> int:
        self.pending.append((pk, data, row))
        return self.flush() if len(self.pending) >= BATCH_SIZE else 0

    def flush(self) -> int:
        if not self.pending:
            return 0
        pending, self.pending = self.pending, []
        records = {
            r.pk: r
            for r in Realisation.objects.select_for_update().filter(pk__in=[pk for pk, _d, _r in pending])
        }
        refused = False
        now = timezone.now()
        changed = []
        for pk, data, row in pending:
            record = records[pk]
            if record.verification_status in LOCKED_STATES:
                self.report.error(
                    row.number,
                    "bulan",
                    row.text("bulan"),
                    "locked",
                    _("Realisasi bulan ini diverifikasi sementara impor berjalan; ulangi impor."),
                )
                refused = True
                continue
            before = {name: _json(getattr(record, name)) for name in AUDITED_FIELDS}
            record.amount = data["amount"]
            record.physical_progress = data["progress"]
            record.account_group = data["group"]
            record.budget_line_id = data["line"]
            if "output_achieved" in self.fields:
                record.output_achieved = data["output"] if data["output"] is not None else Decimal("0.00")
            if "obstacles" in self.fields:
                record.obstacles = data["obstacles"] or ""
            after_values = {name: _json(getattr(record, name)) for name in AUDITED_FIELDS}
            if after_values != before:
                # An edit sends a submitted month back to draft, as realisation_record does.
                mark_edited(record)
                after_values["verification_status"] = str(record.verification_status)
                after_values["verified_at"] = _json(record.verified_at)
                record.updated_at = now
                record.version = bump()
                changed.append(record)
                self.events.add(
                    AuditAction.UPDATE,
                    pk,
                    f"{row.text('kode_kegiatan')} — {record.month:02d}/{record.fiscal_year}",
                    record.region_id or "",
                    diff(before, after_values),
                    after_values,
                )
        if refused:
            raise WriteRefused
        Realisation.objects.bulk_update(changed, self.fields, batch_size=500)
        return len(pending)


# ---------------------------------------------------------------------------------------------------
# Beneficiaries: centres and enterprises linked to activities

BENEFICIARY_COLUMNS = (
    COLUMNS[0],  # kode_satker, as in the realisation import
    Column("tahun_anggaran", _l("Tahun anggaran kegiatan (wajib)."), "2026", aliases=("tahun", "ta")),
    Column(
        "kode_kegiatan",
        _l("Kode kegiatan seperti tercatat di Sentra (wajib)."),
        "5305.001",
        aliases=("kegiatan",),
    ),
    Column(
        "nib",
        _l("NIB 13 digit IKM penerima. Isi NIB, atau kolom sentra, tidak keduanya."),
        "9120001234567",
        aliases=("nib_ikm",),
    ),
    Column(
        "id_sentra",
        _l(
            "ID sentra penerima (angka di alamat halaman sentra). Bila diisi, nama dan kode "
            "wilayah tidak dibaca."
        ),
        "",
        aliases=("sentra_id",),
    ),
    Column(
        "nama_sentra",
        _l("Nama sentra penerima, bersama Kode wilayah, bila ID sentra kosong."),
        "Sentra Tenun Ikat Sukamaju",
        aliases=("sentra",),
    ),
    Column(
        "kode_wilayah",
        _l(
            "Kode desa/kelurahan sentra (desa utama atau salah satu desa cakupannya), atau desa unit IKM "
            "bila NIB memiliki beberapa unit usaha; 10 digit."
        ),
        "64.09.01.2001",
        aliases=("kode_desa", "desa"),
    ),
)

BENEFICIARY_BATCH_KIND = "import_beneficiaries"
NOT_ROLLED_BACK = _l(
    "Impor penerima manfaat tidak dapat dibatalkan dengan sentra import rollback atau tombol Batalkan "
    "(kelompok perubahan #%(id)d, %(n)d tautan baru); lepaskan tautan yang salah dari halaman kegiatan."
)


class BeneficiarySchema(ActivityLookup, ImportSchema):
    """Links centres and enterprises to activities as beneficiaries (Activity.centres/.enterprises).

    One row = one activity (Tahun anggaran, Kode kegiatan, optional kode_satker: the realisation
    import's lookup and scope) and one beneficiary: an enterprise by NIB, or a centre by ID sentra,
    or by Nama sentra + Kode wilayah (its main village or one of its villages). The beneficiary must
    be readable by the importer (registry.selectors, as services._set_beneficiaries checks). Links
    are only added, never removed; a link that exists already is a warning. An accepted (locked)
    activity refuses the row.

    History: one AuditBatch (kind "import_beneficiaries") with one UPDATE event per activity whose
    `changes` list the centre and enterprise ids before → after, recorded as every link change is
    (audit.links: the event's snapshot holds the links, so an earlier version can be restored from the
    activity's history). The batch is not an "import" batch and rollback is not offered (a rollback
    request answers "not found"): links are only added, and a wrong one is removed on the activity."""

    kind = "beneficiaries"
    title = _l("Penerima manfaat kegiatan")
    columns = BENEFICIARY_COLUMNS
    # One pass (core.imports.run_import): each row is parsed and checked once; the links wanted are
    # gathered batch by batch and written at the end (end_write), one history event per activity.
    one_pass = True

    def __init__(
        self, *, actor: Actor | None = None, agency: Agency | None = None, description: str = ""
    ) -> None:
        self.actor = actor
        self.agency = agency
        self.description = description

    def missing_columns(self, present: set[str]) -> list[str]:
        missing = [c for c in ("tahun_anggaran", "kode_kegiatan") if c not in present]
        if not present & {"nib", "id_sentra", "nama_sentra"}:
            missing.append("nib/id_sentra/nama_sentra")
        elif "nama_sentra" in present and "kode_wilayah" not in present:
            missing.append("kode_wilayah")
        return missing

    def prepare(self, present: set[str]) -> None:
        if self.actor is None:
            raise ValueError("An import needs an actor")
        self._init_activity_lookup()
        self.locked: set[int] = set()
        # lookup key → (kind "c"/"e", id, name) or an error (code, message)
        self.beneficiaries: dict[tuple[str, ...], tuple[str, int, str] | tuple[str, str]] = {}
        self.linked: dict[tuple[str, int], set[int]] = {}
        self.batch: list[tuple[Row, tuple[ActivityInfo, str, int, str]]] = []  # the checked batch
        # activity id → the centre ("c") and enterprise ("e") ids the file links to it
        self.wanted: dict[int, dict[str, set[int]]] = {}
        self.names: dict[tuple[str, int], str] = {}
        self.first_row: dict[int, Row] = {}

    def _load_year(self, year: int) -> None:
        from sentra.verification.models import VerificationStatus

        self._load_activities(year)
        self.locked.update(
            Activity.objects.filter(
                fiscal_year=year, verification_status=VerificationStatus.ACCEPTED
            ).values_list("id", flat=True)
        )

    # --- the beneficiary ----------------------------------------------------------------------------

    def _beneficiary(self, row: Row) -> tuple[str, tuple[str, ...]] | tuple[str, str, str]:
        """(column, lookup key) of the row's beneficiary, or an error (code, message, column)."""
        nib = row.text("nib")
        centre_id = row.text("id_sentra")
        name = " ".join(row.text("nama_sentra").split())
        village = row.text("kode_wilayah")
        if nib:
            if centre_id or name:
                return (
                    "one_beneficiary",
                    _("Satu baris satu penerima: isi NIB atau kolom sentra, tidak keduanya."),
                    "nib",
                )
            if not (nib.isascii() and nib.isdigit() and len(nib) == 13):
                return ("invalid_nib", _("NIB harus 13 digit angka."), "nib")
            if village:
                # One NIB may hold several units (OSS; issue 13.4): the village names the unit.
                from sentra.regions.codes import normalise_code

                code = normalise_code(village)
                if code is None or code.count(".") != 3:
                    return (
                        "invalid_region",
                        _("Kode wilayah harus kode desa/kelurahan, misalnya 64.09.01.2001."),
                        "kode_wilayah",
                    )
                return ("nib", ("e", nib, code))
            return ("nib", ("e", nib))
        if centre_id:
            if not (centre_id.isascii() and centre_id.isdigit()):
                return ("not_integer", _("ID sentra harus bilangan bulat."), "id_sentra")
            return ("id_sentra", ("c", centre_id))
        if name or village:
            if not name:
                return ("required", _("Kolom nama_sentra wajib diisi bersama kode_wilayah."), "nama_sentra")
            from sentra.regions.codes import normalise_code

            code = normalise_code(village) if village else None
            if code is None or code.count(".") != 3:
                return (
                    "invalid_region",
                    _("Kode wilayah harus kode desa/kelurahan, misalnya 64.09.01.2001."),
                    "kode_wilayah",
                )
            return ("nama_sentra", ("n", name.casefold(), code))
        return (
            "required",
            _("Isi NIB (IKM) atau ID sentra, atau Nama sentra dan Kode wilayah (sentra)."),
            "nib",
        )

    def _find(self, key: tuple[str, ...]) -> tuple[str, int, str] | tuple[str, str]:
        found = self.beneficiaries.get(key)
        if found is None:
            found = self.beneficiaries[key] = self._lookup(key)
        return found

    def _lookup(self, key: tuple[str, ...]) -> tuple[str, int, str] | tuple[str, str]:
        from django.db.models import Q

        from sentra.registry.selectors import RegistryFilter, centre_list, enterprise_list

        everything = RegistryFilter()
        if key[0] == "e":
            units = enterprise_list(actor=self.actor, filters=everything).filter(nib=key[1])
            if len(key) > 2:
                units = units.filter(village_id=key[2])
            rows = list(units.values_list("id", "name")[:2])
            what = _("IKM dengan NIB %(v)s") % {"v": key[1]}
            if len(rows) > 1:
                return (
                    "ambiguous_beneficiary",
                    _(
                        "NIB %(v)s memiliki beberapa unit usaha di wilayah kerja Anda; isi kolom "
                        "kode_wilayah dengan kode desa unit yang dimaksud."
                    )
                    % {"v": key[1]},
                )
        elif key[0] == "c":
            rows = list(
                centre_list(actor=self.actor, filters=everything)
                .filter(pk=int(key[1]))
                .values_list("id", "name")[:2]
            )
            what = _("Sentra dengan ID %(v)s") % {"v": key[1]}
        else:
            rows = list(
                centre_list(actor=self.actor, filters=everything)
                .filter(Q(village_id=key[2]) | Q(village_links__village_id=key[2]), name__iexact=key[1])
                .values_list("id", "name")
                .distinct()[:2]
            )
            what = _("Sentra bernama %(n)s di desa %(v)s") % {"n": key[1], "v": key[2]}
        if not rows:
            return (
                "unknown_beneficiary",
                _("%(what)s tidak ditemukan di wilayah kerja Anda.") % {"what": what},
            )
        if len(rows) > 1:
            return (
                "ambiguous_beneficiary",
                _("%(what)s lebih dari satu; isi kolom id_sentra.") % {"what": what},
            )
        pk, name = rows[0]
        return ("c" if key[0] in ("c", "n") else "e", pk, name)

    def _is_linked(self, kind: str, activity_id: int, pk: int) -> bool:
        """Whether the link exists already (one query per activity and kind met in the file)."""
        links = self.linked.get((kind, activity_id))
        if links is None:
            through = (Activity.centres if kind == "c" else Activity.enterprises).through
            column = "centre_id" if kind == "c" else "enterprise_id"
            links = self.linked[(kind, activity_id)] = set(
                through.objects.filter(activity_id=activity_id).values_list(column, flat=True)
            )
        return pk in links

    # --- checking ----------------------------------------------------------------------------------

    def parse(self, row: Row, report: ImportReport | None) -> tuple[ActivityInfo, str, int, str] | None:
        """(activity, "c"/"e", beneficiary id, its name); errors go to `report` (when given)."""
        failed = False

        def fail(column: str, code: str, message: str) -> None:
            nonlocal failed
            failed = True
            if report is not None:
                report.error(row.number, column, row.text(column), code, message)

        year = None
        try:
            year = parse_int(row.get("tahun_anggaran"), minimum=2000, maximum=2100)
        except CellError as exc:
            fail("tahun_anggaran", exc.code, exc.message)
        code = row.text("kode_kegiatan")
        for column, value in (("tahun_anggaran", year), ("kode_kegiatan", code)):
            if value in (None, "") and is_blank(row.get(column)):
                fail(column, "required", _("Kolom %(c)s wajib diisi.") % {"c": column})
        activity = None
        if year is not None and code:
            found = self.resolve(year, code, row.text("kode_satker"))
            if len(found) == 3:
                error, message, column = found  # type: ignore[misc]
                fail(column, error, message)
            else:
                activity = found
                if activity[0] in self.locked:
                    fail(
                        "kode_kegiatan",
                        "locked",
                        _(
                            "Kegiatan %(code)s sudah diterima kementerian dan terkunci; minta pembukaan "
                            "kembali untuk menambah penerima manfaat."
                        )
                        % {"code": code},
                    )
        target = self._beneficiary(row)
        beneficiary = None
        if len(target) == 3:
            error, message, column = target  # type: ignore[misc]
            fail(column, error, message)
        else:
            column, key = target  # type: ignore[misc]
            beneficiary = self._find(key)
            if len(beneficiary) == 2:
                fail(column, *beneficiary)  # type: ignore[arg-type]
        if failed or activity is None or beneficiary is None:
            return None
        kind, pk, name = beneficiary  # type: ignore[misc]
        return activity, kind, pk, name  # type: ignore[return-value]

    def check(self, row: Row, report: ImportReport) -> Any:
        parsed = self.parse(row, report)
        return None if parsed is None else self._check_parsed(row, parsed, report)

    def check_batch(self, rows: list[Row], report: ImportReport) -> list[Any]:
        self.batch = []
        keys: list[Any] = []
        for row in rows:
            parsed = self.parse(row, report)
            if parsed is None:
                keys.append(None)
                continue
            keys.append(self._check_parsed(row, parsed, report))
            self.batch.append((row, parsed))
        return keys

    def _check_parsed(
        self, row: Row, parsed: tuple[ActivityInfo, str, int, str], report: ImportReport
    ) -> Any:
        activity, kind, pk, name = parsed
        if self._is_linked(kind, activity[0], pk):
            report.warn(
                row.number,
                "nib" if kind == "e" else "nama_sentra",
                name,
                "already_linked",
                _("%(name)s sudah menjadi penerima manfaat kegiatan ini; baris dilewati.") % {"name": name},
            )
        elif self.actor is not None:
            # issue 17 §1: a likely overlap with another agency's activity is a warning on the row
            from .signals import beneficiary_row_checked

            ids = {"centre_ids": [pk] if kind == "c" else [], "enterprise_ids": [pk] if kind == "e" else []}
            for _receiver, warnings in beneficiary_row_checked.send(
                sender=type(self), schema=self, actor=self.actor, activity_id=activity[0], **ids
            ):
                for code, message in warnings or ():
                    report.warn(row.number, "kode_kegiatan", row.text("kode_kegiatan"), code, message)
        return (activity[0], kind, pk)

    def duplicate_key_message(self, first_row: int) -> tuple[str, str]:
        return "", _("Penerima manfaat yang sama untuk kegiatan yang sama sudah ada di baris %(row)d.") % {
            "row": first_row
        }

    # --- writing -----------------------------------------------------------------------------------

    def write_batch(self, rows: list[Row], report: ImportReport) -> None:
        # Only gathered here: an activity's links may span batches and get one history event.
        for row, (activity, kind, pk, name) in self.batch:
            self.wanted.setdefault(activity[0], {"c": set(), "e": set()})[kind].add(pk)
            self.names[(kind, pk)] = name
            self.first_row.setdefault(activity[0], row)
        self.batch = []

    def end_write(self, report: ImportReport) -> None:
        from sentra.audit.services import record_change, snapshot
        from sentra.verification.models import VerificationStatus

        assert self.actor is not None
        wanted, names, first_row = self.wanted, self.names, self.first_row
        activities = {a.pk: a for a in Activity.objects.select_for_update().filter(pk__in=wanted)}
        refused = False
        for pk, activity in activities.items():
            if activity.verification_status == VerificationStatus.ACCEPTED:
                row = first_row[pk]
                report.error(
                    row.number,
                    "kode_kegiatan",
                    row.text("kode_kegiatan"),
                    "locked",
                    _("Kegiatan ini diterima kementerian sementara impor berjalan; ulangi impor."),
                )
                refused = True
        if refused:
            raise WriteRefused
        batch = batch_start(
            actor=self.actor, kind=BENEFICIARY_BATCH_KIND, description=self.description or str(self.title)
        )
        added = 0
        for pk in sorted(wanted):
            activity = activities[pk]
            recorded = snapshot(activity)  # its locations and beneficiaries included (audit.links)
            changes: dict[str, list[list[int]]] = {}
            listed: list[str] = []
            for kind, relation, field, label in (
                ("c", Activity.centres, "centres", _("sentra")),
                ("e", Activity.enterprises, "enterprises", _("IKM")),
            ):
                through = relation.through
                column = "centre_id" if kind == "c" else "enterprise_id"
                before = set(through.objects.filter(activity_id=pk).values_list(column, flat=True))
                new = sorted(wanted[pk][kind] - before)
                if not new:
                    continue
                through.objects.bulk_create([through(activity_id=pk, **{column: i}) for i in new])
                changes[field] = [sorted(before), sorted(before | set(new))]
                listed.append(f"{label}: " + ", ".join(names[(kind, i)] for i in new))
                added += len(new)
            if not changes:
                continue
            # The links' change recorded as every link change is (audit.links): before → after.
            record_change(
                actor=self.actor,
                action=AuditAction.UPDATE,
                obj=activity,
                before=recorded,
                reason=_("Penerima manfaat ditambahkan lewat impor — ") + "; ".join(listed),
                batch=batch,
            )
            report.updated += 1
        report.created = added
        # Not an "import" batch (see the class): no batch_id, so that no page offers a rollback.
        report.warn(None, "", "", "no_rollback", str(NOT_ROLLED_BACK) % {"id": batch.pk, "n": added})


# ---------------------------------------------------------------------------------------------------
# Entry point


def import_realisation(
    *,
    path: Path | str,
    actor: Actor | Any,
    commit: bool = False,
    on_progress: ProgressCallback | None = None,
    description: str = "",
) -> ImportReport:
    """Import realisation months from a CSV/XLSX file as `actor` (core.import_kinds.import_file, kind
    "realisation"); AccessDenied without Action.IMPORT."""
    return import_file(
        kind="realisation",
        path=path,
        actor=actor,
        commit=commit,
        on_progress=on_progress,
        description=description,
    )


def register_import_kinds() -> None:
    """Called from ProgrammesConfig.ready(). All write months or links of activities the file names,
    which belong to their activity's agency: no owner rule, the importing user's agency plays no
    part. Beneficiary links are not model fields, which a batch rollback cannot undo."""
    register_kind(
        ImportKind(
            key="realisation",
            label=_l("Realisasi kegiatan (keuangan, fisik, keluaran per bulan)"),
            schema=f"{__name__}.RealisationSchema",
            area=Area.PROGRAMMES,
        )
    )
    register_kind(
        ImportKind(
            key="beneficiaries",
            label=_l("Penerima manfaat kegiatan (sentra dan IKM)"),
            schema=f"{__name__}.BeneficiarySchema",
            area=Area.PROGRAMMES,
            batch_kind=BENEFICIARY_BATCH_KIND,
            rollback=False,
            rollback_refusal=_l(
                "Impor penerima manfaat tidak dapat dibatalkan; hapus tautannya di halaman kegiatan."
            ),
        )
    )
    register_kind(
        ImportKind(
            key=SAKTI_KIND,
            label=_l("Realisasi format SAKTI (satker × akun × bulan)"),
            schema=f"{__name__}.SaktiRealisationSchema",
            area=Area.PROGRAMMES,
        )
    )
    register_kind(
        ImportKind(
            key=SAKTI_KIND,
            label=_l("Realisasi format SAKTI (satker × akun × bulan)"),
            schema=f"{__name__}.SaktiRealisationSchema",
            area=Area.PROGRAMMES,
        )
    )


# --- SAKTI-style realisation (issue 13.7) ------------------------------------------------------------
#
# A realisation export keyed the way SAKTI/OM-SPAN codes the budget (domain-facts 7.1): one row per
# satker × akun × month, with the program/kegiatan/KRO/RO/komponen codes and the amount. Each row is
# matched to the agency (Agency.satker_code), the activity (its SAKTI codes in that agency and year)
# and the budget line (its akun; a line without an akun is matched by the akun's account group), and
# written as the month's realisation of that spending type (Realisation.account_group/budget_line),
# the way services.realisation_record writes a month. Every code that matches nothing is reported on
# its row with the column and the reason; any error writes nothing. SAKTI's own file layout is not
# confirmed (domain-facts 7.1): the columns below are named the way its reports name the codes, with
# aliases for the usual spellings. Physical progress is not in SAKTI: an optional column; without it a
# new month carries the activity's last reported progress (progress is cumulative) and an existing
# month keeps its own.

SAKTI_KIND = "sakti_realisation"

SAKTI_COLUMNS = (
    Column(
        "kode_satker", _l("Kode satker SAKTI, 6 digit (wajib)."), "640110", aliases=("satker", "kdsatker")
    ),
    Column("tahun_anggaran", _l("Tahun anggaran (wajib)."), "2026", aliases=("tahun", "ta", "thang")),
    Column(
        "bulan",
        _l("Bulan realisasi (wajib): 1–12 atau nama bulan."),
        "3",
        aliases=("periode", "bln"),
    ),
    Column(
        "kode_program",
        _l("Opsional: kode program; bila diisi harus sama dengan kode program kegiatan di Sentra."),
        "019.05.DL",
        aliases=("program", "kdprogram"),
    ),
    Column(
        "kode_kegiatan", _l("Kode kegiatan SAKTI, 4 digit (wajib)."), "5305", aliases=("kegiatan", "kdgiat")
    ),
    Column("kode_kro", _l("Kode KRO, 3 huruf/angka (wajib)."), "RBS", aliases=("kro", "kdkro", "output")),
    Column("kode_ro", _l("Kode RO, 3 digit (wajib)."), "001", aliases=("ro", "kdro", "suboutput")),
    Column("kode_komponen", _l("Kode komponen, 3 digit (wajib)."), "051", aliases=("komponen", "kdkmpnen")),
    Column("kode_akun", _l("Kode akun, 6 digit (wajib), mis. 526111."), "526111", aliases=("akun", "kdakun")),
    Column(
        "realisasi_rp",
        _l("Realisasi bulan itu dalam rupiah (wajib), tidak negatif."),
        "15.000.000",
        aliases=("realisasi", "jumlah", "nilai"),
    ),
    Column(
        "progres_fisik",
        _l("Opsional: progres fisik kumulatif 0–100; kosong: progres terakhir kegiatan."),
        "",
        aliases=("progres",),
    ),
)

SAKTI_REQUIRED = (
    "kode_satker",
    "tahun_anggaran",
    "bulan",
    "kode_kegiatan",
    "kode_kro",
    "kode_ro",
    "kode_komponen",
    "kode_akun",
    "realisasi_rp",
)

# code column → (pattern, error code, message)
SAKTI_CODE_COLUMNS = {
    "kode_satker": (re.compile(r"[0-9]{6}\Z"), "invalid_satker_code", _l("Kode satker harus 6 digit.")),
    "kode_kegiatan": sakti.ACTIVITY_CODE_RULES["kegiatan_code"],
    "kode_kro": sakti.ACTIVITY_CODE_RULES["kro_code"],
    "kode_ro": sakti.ACTIVITY_CODE_RULES["ro_code"],
    "kode_komponen": sakti.ACTIVITY_CODE_RULES["component_code"],
    "kode_akun": (sakti.ACCOUNT_RE, "invalid_account_code", _l("Kode akun harus 6 digit, mis. 526111.")),
}


@dataclass
class _SaktiLine:
    line_id: int
    activity_id: int
    account_group: str
    available: int  # pagu minus blokir


class SaktiRealisationSchema(ImportSchema):
    kind = SAKTI_KIND
    title = _l("Realisasi format SAKTI (satker × akun × bulan)")
    columns = SAKTI_COLUMNS
    uses_owner_agency = False  # months belong to their activity's agency

    def __init__(
        self,
        *,
        actor: Actor | None = None,
        agency: Agency | None = None,
        description: str = "",
        today: dt.date | None = None,
    ) -> None:
        self.actor = actor
        self.description = description
        self.today = today

    def missing_columns(self, present: set[str]) -> list[str]:
        return [c for c in SAKTI_REQUIRED if c not in present]

    def prepare(self, present: set[str]) -> None:
        if self.actor is None:
            raise ValueError("An import needs an actor")
        actor = self.actor
        self.present = present
        self.today = self.today or timezone.localdate()
        self.everywhere = actor.is_superuser or actor.is_national
        self.own_agency_only = not actor.is_superuser and actor.role in OWN_AGENCY_ONLY
        self.agencies = {
            code: (pk, region)
            for code, pk, region in Agency.objects.exclude(satker_code="").values_list(
                "satker_code", "id", "region_id"
            )
        }
        self.years: set[int] = set()
        # (agency, year, kegiatan, kro, ro, komponen) → [(activity id, programme code)]
        self.activities: dict[tuple, list[tuple[int, str]]] = {}
        self.lines: dict[int, list[tuple[str, _SaktiLine]]] = {}  # activity → [(akun, line)]
        # (activity, month, group) → (realisation id, amount, status)
        self.stored: dict[tuple[int, int, str], tuple[int, int, str]] = {}
        self.stored_total: dict[tuple[int, str], int] = {}  # (activity, group) → stored amount
        self.progress: dict[int, list[tuple[int, Decimal]]] = {}  # activity → [(month, progress)]
        self.parsed: dict[int, dict[str, Any]] = {}  # row number → checked values, for write()
        self.in_file: dict[int, list[int]] = {}  # line id → [sum, last row, last amount]

    def _load_year(self, year: int) -> None:
        self.years.add(year)
        agency_ids = [pk for pk, _region in self.agencies.values()]
        for pk, agency_id, programme, *codes in Activity.objects.filter(
            fiscal_year=year, agency_id__in=agency_ids
        ).values_list(
            "id", "agency_id", "programme__code", "kegiatan_code", "kro_code", "ro_code", "component_code"
        ):
            if all(codes):
                self.activities.setdefault((agency_id, year, *codes), []).append((pk, programme))
        for line in BudgetLine.objects.filter(activity__fiscal_year=year, activity__agency_id__in=agency_ids):
            info = _SaktiLine(
                line.pk, line.activity_id, line.account_group, line.amount - (line.blocked or 0)
            )
            self.lines.setdefault(line.activity_id, []).append((line.account_code, info))
        rows = Realisation.objects.filter(fiscal_year=year).values_list(
            "id",
            "activity_id",
            "month",
            "account_group",
            "amount",
            "verification_status",
            "physical_progress",
        )
        for pk, activity_id, month, group, amount, status, progress in rows.iterator(chunk_size=20_000):
            self.stored[(activity_id, month, group)] = (pk, amount, status)
            self.stored_total[(activity_id, group)] = self.stored_total.get((activity_id, group), 0) + amount
            self.progress.setdefault(activity_id, []).append((month, progress))

    def _agency(self, code: str) -> tuple[int, str | None] | None:
        found = self.agencies.get(code)
        if found is None:
            return None
        pk, region = found
        # An agency the importer may not write for answers as an unknown code (no existence leak).
        if not (self.everywhere or code_in_scope(self.actor, region)):
            return None
        return found

    def check(self, row: Row, report: ImportReport) -> Any:
        def fail(column: str, code: str, message: str) -> None:
            report.error(row.number, column, row.text(column), code, message)

        failed = False
        for column in SAKTI_REQUIRED:
            if is_blank(row.get(column)):
                fail(column, "required", _("Kolom %(c)s wajib diisi.") % {"c": column})
                failed = True
        codes: dict[str, str] = {}
        for column, (pattern, code, message) in SAKTI_CODE_COLUMNS.items():
            value = sakti.normalise_code(cell_text(row.get(column)))
            codes[column] = value
            if value and not pattern.match(value):
                fail(column, code, f"{message} " + _("Tertulis: %(v)s.") % {"v": value})
                failed = True
        values: dict[str, Any] = {}
        for column, key, parse in (
            ("tahun_anggaran", "year", lambda v: parse_int(v, minimum=2000, maximum=2100)),
            ("bulan", "month", parse_month),
            ("realisasi_rp", "amount", _amount),
            ("progres_fisik", "progress", _decimal(None)),
        ):
            try:
                values[key] = parse(row.get(column))
            except CellError as exc:
                fail(column, exc.code, exc.message)
                failed = True
        if failed or values["year"] is None or values["month"] is None or values["amount"] is None:
            return None
        year, month, amount = values["year"], values["month"], values["amount"]
        if year not in self.years:
            self._load_year(year)

        agency = self._agency(codes["kode_satker"])
        if agency is None:
            fail(
                "kode_satker",
                "unknown_satker",
                _("Tidak ada instansi dengan kode satker %(c)s di wilayah kerja Anda.")
                % {"c": codes["kode_satker"]},
            )
            return None
        if self.own_agency_only and agency[0] != self.actor.agency_id:
            fail(
                "kode_satker",
                "out_of_scope",
                _("Satker %(c)s milik instansi lain.") % {"c": codes["kode_satker"]},
            )
            return None
        key = (
            agency[0],
            year,
            codes["kode_kegiatan"],
            codes["kode_kro"],
            codes["kode_ro"],
            codes["kode_komponen"],
        )
        found = self.activities.get(key, [])
        full_code = ".".join(key[2:])
        if not found:
            fail(
                "kode_kegiatan",
                "unknown_activity",
                _(
                    "Satker %(s)s tidak memiliki kegiatan berkode SAKTI %(code)s (kegiatan.KRO.RO.komponen) "
                    "pada tahun anggaran %(y)s."
                )
                % {"s": codes["kode_satker"], "code": full_code, "y": year},
            )
            return None
        if len(found) > 1:
            fail(
                "kode_kegiatan",
                "ambiguous_activity",
                _("Kode SAKTI %(code)s dipakai %(n)s kegiatan satker ini; perbaiki kodenya di Sentra.")
                % {"code": full_code, "n": len(found)},
            )
            return None
        activity_id, programme_code = found[0]
        program = cell_text(row.get("kode_program")).strip()
        if program and program.upper() != programme_code.strip().upper():
            fail(
                "kode_program",
                "unknown_program",
                _("Kegiatan %(code)s berada di program %(p)s, bukan %(f)s.")
                % {"code": full_code, "p": programme_code, "f": program},
            )
            return None
        akun = codes["kode_akun"]
        lines = self.lines.get(activity_id, [])
        line = next((info for code, info in lines if code == akun), None)
        if line is None:  # a line recorded without its akun: matched by the akun's account group
            line = next((info for code, info in lines if not code and info.account_group == akun[:2]), None)
        if line is None:
            known = ", ".join(sorted(code or info.account_group for code, info in lines)) or "-"
            fail(
                "kode_akun",
                "unknown_account",
                _("Akun %(a)s tidak ada pada pagu kegiatan %(code)s (pagu: %(known)s).")
                % {"a": akun, "code": full_code, "known": known},
            )
            return None
        errors = check_realisation(
            activity=_Year(year),  # type: ignore[arg-type]
            month=month,
            amount=amount,
            physical_progress=values["progress"] if values["progress"] is not None else 0,
            other_months_total=0,
            pagu=NO_LIMIT,
            today=self.today,
        )
        columns = {"month": "bulan", "amount": "realisasi_rp", "physical_progress": "progres_fisik"}
        for error in errors:
            fail(columns.get(error.field, ""), error.code, error.message)
        group = line.account_group
        stored = self.stored.get((activity_id, month, group))
        if stored is not None and stored[2] in LOCKED_STATES:
            fail(
                "bulan",
                "locked",
                _(
                    "Realisasi bulan ini sudah diverifikasi dan terkunci; minta pembukaan kembali "
                    "untuk mengubahnya."
                ),
            )
        if errors or (stored is not None and stored[2] in LOCKED_STATES):
            return None
        warning = sakti.social_aid_warning(group, akun)
        if warning:
            report.warn(row.number, "kode_akun", akun, warning.code, warning.message)
        state = self.in_file.setdefault(line.line_id, [0, 0, 0])
        state[0] += amount
        state[1], state[2] = row.number, amount
        self.parsed[row.number] = {
            "activity_id": activity_id,
            "line": line,
            "month": month,
            "amount": amount,
            "progress": values["progress"],
            "stored": stored,
        }
        return (activity_id, month, group)

    def duplicate_key_message(self, first_row: int) -> tuple[str, str]:
        return "kode_akun", _(
            "Realisasi kegiatan, jenis belanja dan bulan yang sama sudah ada di baris %(row)d."
        ) % {"row": first_row}

    def finish_check(self, report: ImportReport) -> None:
        """A line's realisation — stored months the file does not replace plus the file's — stays within
        its pagu minus blokir (reported once, on the line's last row)."""
        replaced: dict[int, int] = {}
        for data in self.parsed.values():
            if data["stored"] is not None:
                replaced[data["line"].line_id] = replaced.get(data["line"].line_id, 0) + data["stored"][1]
        lines = {data["line"].line_id: data["line"] for data in self.parsed.values()}
        for line_id, (file_sum, last_row, last_amount) in self.in_file.items():
            line = lines[line_id]
            kept = self.stored_total.get((line.activity_id, line.account_group), 0) - replaced.get(line_id, 0)
            errors = check_realisation(
                activity=_Year(self.today.year),  # type: ignore[arg-type]
                month=1,
                amount=last_amount,
                physical_progress=0,
                other_months_total=kept + file_sum - last_amount,
                pagu=line.available,
                today=self.today,
            )
            for error in errors:
                if error.code == "above_pagu":
                    report.error(last_row, "realisasi_rp", last_amount, error.code, error.message)

    def _carried_progress(self, activity_id: int, month: int) -> Decimal:
        before = [p for m, p in self.progress.get(activity_id, []) if m < month]
        return max(before) if before else Decimal(0)

    def write(self, rows, report: ImportReport, on_row) -> None:
        from sentra.audit.services import record_change, snapshot

        assert self.actor is not None
        batch = batch_start(actor=self.actor, kind="import", description=self.description or str(self.title))
        report.batch_id = batch.pk
        activities = Activity.objects.select_related("agency").in_bulk(
            {data["activity_id"] for data in self.parsed.values()}
        )
        for row in rows:
            on_row()
            data = self.parsed.get(row.number)
            if data is None:
                continue
            activity, line = activities[data["activity_id"]], data["line"]
            stored = data["stored"]
            record = Realisation.objects.select_for_update().get(pk=stored[0]) if stored else None
            before = snapshot(record) if record else None
            if record is None:
                record = Realisation(
                    activity=activity,
                    fiscal_year=activity.fiscal_year,
                    month=data["month"],
                    physical_progress=self._carried_progress(activity.pk, data["month"]),
                )
            else:
                if record.verification_status in LOCKED_STATES:  # verified since the check
                    report.error(
                        row.number, "bulan", row.text("bulan"), "locked", _("Bulan ini baru saja dikunci.")
                    )
                    raise WriteRefused
                mark_edited(record)
            record.place_at_agency(activity.agency)
            record.account_group = line.account_group
            record.budget_line_id = line.line_id
            record.amount = data["amount"]
            if data["progress"] is not None:
                record.physical_progress = data["progress"]
            record.save()
            record_change(
                actor=self.actor,
                action=AuditAction.UPDATE if before else AuditAction.CREATE,
                obj=record,
                before=before,
                batch=batch,
            )
            if before:
                report.updated += 1
            else:
                report.created += 1


__all__ = [
    "ActivityLookup",
    "BeneficiarySchema",
    "RealisationSchema",
    "SaktiRealisationSchema",
    "cell_text",
    "import_realisation",
    "parse_month",
]
