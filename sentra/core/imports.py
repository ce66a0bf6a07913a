"""The generic import engine: read a CSV or XLSX file row by row, validate it all, write it all or nothing.

Two ways, chosen by the schema:

- Two passes (the default). Pass 1 validates every row in memory against lookup tables the schema
  loads once (valid codes, existing natural keys) and collects every problem. Pass 2 runs only when
  pass 1 found no error and the caller asked to commit: it reads the file again and writes in
  batches inside one transaction. Memory grows with the lookup tables and the natural keys seen.
- One pass (`ImportSchema.one_pass`: the enterprise, realisation and beneficiary imports): the file
  is read once (an XLSX workbook opened once); inside one transaction, each batch of rows is parsed
  once, checked (the schema looks up only the records that batch names), and written at once while
  no error has been found; any error, in a later row or at the end, rolls the whole transaction
  back, so nothing is written while an error remains, and every row is still checked and reported.
  The natural keys seen live in a temporary table of the same database, so memory stays flat
  whatever the file's size. A dry run reads the same way and writes nothing.

Rows are streamed either way (csv module, openpyxl read_only), never held whole, except that an XLSX
sheet without formulas, up to FAST_XLSX_MAX_XML bytes of sheet XML, is read by python-calamine (Rust,
~15x faster than openpyxl's cell parsing), which holds that one sheet's cells in memory.

Encoding: CSV files must be UTF-8 (with or without BOM). We do not guess cp1252 or latin-1: a wrong
guess silently corrupts names (é → Ã©) and such damage is found months later; an `encoding` error
telling the user to save as "CSV UTF-8" costs one minute. UTF-16 (Excel's "Unicode Text") is named
explicitly in the message.

Schemas (what the columns mean and how rows are written) live with their domain, for example
sentra.registry.imports; this module knows nothing about enterprises. Which kinds exist, and upload,
jobs and rollback for all of them: sentra.core.import_kinds.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.utils.translation import gettext as _

from . import xlsx_guard
from .text import find_bad_character, replace_controls

ProgressCallback = Callable[[int, int], None]
RowStream = Iterator[tuple[int, list[Any]]]  # (spreadsheet row number, cells), header included

# Past this many listed problems the report keeps counting but stops listing, so a file of a million
# bad rows cannot exhaust memory; the count stays exact.
MAX_LISTED_ISSUES = 10_000
PROGRESS_EVERY = 2_000

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, .doc


# ---------------------------------------------------------------------------------------------------
# Problems and the report


@dataclass
class RowError:
    """One problem. `row` is the spreadsheet row (the header is row 1); None for a file-level problem."""

    row: int | None
    column: str
    value: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ImportReport:
    kind: str
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0  # rows that matched a record and changed nothing in it (nothing written)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    committed: bool = False
    batch_id: int | None = None  # the audit batch of a committed import (see audit.models.AuditBatch)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def error(self, row: int | None, column: str, value: Any, code: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ISSUES:
            self.errors.append(RowError(row, column, _shorten(cell_text(value)), code, str(message)))

    def warn(self, row: int | None, column: str, value: Any, code: str, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED_ISSUES:
            self.warnings.append(RowError(row, column, _shorten(cell_text(value)), code, str(message)))

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows_total": self.rows_total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "committed": self.committed,
            "batch_id": self.batch_id,
            "ok": self.ok,
            "error_count": self.error_count,
            "warning_count": self.warning_count,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        report = cls(kind=data["kind"])
        for name in (
            "rows_total",
            "created",
            "updated",
            "unchanged",
            "committed",
            "batch_id",
            "error_count",
            "warning_count",
        ):
            setattr(report, name, data.get(name, getattr(report, name)))
        report.errors = [RowError(**e) for e in data.get("errors", [])]
        report.warnings = [RowError(**w) for w in data.get("warnings", [])]
        return report


def _shorten(text: str, limit: int = 200) -> str:
    """The cell's value as the report echoes it: at most `limit` characters, its control characters
    written as U+FFFD as exports do (a NUL would make the report unstorable in PostgreSQL's jsonb)."""
    text = replace_controls(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def report_csv(report: ImportReport | dict[str, Any]) -> str:
    """Errors then warnings as CSV (UTF-8 with BOM so Excel opens it right), for download."""
    if isinstance(report, dict):
        report = ImportReport.from_dict(report)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["jenis", "baris", "kolom", "nilai", "kode", "keterangan"])
    for label, issues in (("galat", report.errors), ("peringatan", report.warnings)):
        for issue in issues:
            writer.writerow(
                [
                    label,
                    "" if issue.row is None else issue.row,
                    issue.column,
                    _defuse(issue.value),
                    issue.code,
                    issue.message,
                ]
            )
    return out.getvalue()


def _defuse(text: str) -> str:
    # The value came from an uploaded file; echoing "=HYPERLINK(...)" back into a CSV that the user
    # opens in Excel would execute it.
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _looks_numeric(text) else text


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?\d[\d.,]*", text))


class WriteRefused(Exception):
    """Raised after the errors are in the report, to roll the whole write transaction back: by a
    schema's `write`/`write_batch`/`end_write` for errors found only while writing (a record locked or
    moved out of scope since it was checked), by the one-pass engine for an error found after rows
    were written (see all_or_nothing)."""


class ImportFileError(Exception):
    """A problem with the file as a whole; reported as one RowError with row None."""

    def __init__(self, code: str, message: str, column: str = "", value: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.column, self.value = code, message, column, value


# ---------------------------------------------------------------------------------------------------
# Cells


class CellError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def cell_text(value: Any) -> str:
    """A cell as text, whatever the reader produced (CSV gives str, XLSX gives int/float/datetime)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# More digits than any column holds (a BIGINT has 19); int() of a 5,000-digit text would raise.
MAX_INTEGER_DIGITS = 30

_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")


def parse_int(value: Any, *, minimum: int | None = 0, maximum: int | None = None) -> int | None:
    """Whole numbers as Indonesians write them: 1500000, 1.500.000, "Rp 1.500.000"."""
    if is_blank(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError("not_integer", _("Harus bilangan bulat."))
        number = int(value)
    else:
        text = re.sub(r"^rp\.?\s*", "", str(value).strip().lower()).replace(" ", "")
        if _THOUSANDS_DOT.match(text):
            text = text.replace(".", "")
        elif _THOUSANDS_COMMA.match(text):
            text = text.replace(",", "")
        if not re.fullmatch(r"-?\d+", text):
            raise CellError("not_integer", _("Harus bilangan bulat, misalnya 1500000 atau 1.500.000."))
        if len(text.lstrip("-0")) > MAX_INTEGER_DIGITS:  # int() refuses 4,300 digits and more
            raise CellError("out_of_range", _("Angka terlalu besar."))
        number = int(text)
    if minimum is not None and number < minimum:
        raise CellError("out_of_range", _("Tidak boleh kurang dari %(min)s.") % {"min": minimum})
    if maximum is not None and number > maximum:
        raise CellError("out_of_range", _("Tidak boleh lebih dari %(max)s.") % {"max": maximum})
    return number


def parse_decimal(
    value: Any,
    *,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    places: int = 2,
    max_digits: int = 14,
) -> Decimal | None:
    """Decimals with a point or a decimal comma (-1,2345 or -1.2345); rounded to `places`."""
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = repr(value) if isinstance(value, float) else str(value)
    else:
        text = str(value).strip().replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError("not_number", _("Harus berupa angka, misalnya 1,25 atau 1.25.")) from None
    if not number.is_finite():
        raise CellError("not_number", _("Harus berupa angka, misalnya 1,25 atau 1.25."))
    # Too many digits before the point, checked before quantize: 1E+308 or a 29-digit number has
    # more digits than the decimal context holds, and quantize would raise InvalidOperation.
    if number and number.adjusted() >= max_digits - places:
        raise CellError("out_of_range", _("Angka terlalu besar."))
    number = number.quantize(Decimal(1).scaleb(-places))
    if len(number.as_tuple().digits) > max_digits:
        raise CellError("out_of_range", _("Angka terlalu besar."))
    if minimum is not None and number < minimum:
        raise CellError("out_of_range", _("Tidak boleh kurang dari %(min)s.") % {"min": minimum})
    if maximum is not None and number > maximum:
        raise CellError("out_of_range", _("Tidak boleh lebih dari %(max)s.") % {"max": maximum})
    return number


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(value: Any) -> dt.date | None:
    """ISO dates (2020-03-31) or Indonesian day-first dates (31/03/2020, 31-03-2020)."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError("invalid_date", _("Tanggal tidak dikenali; tulis 2020-03-31 atau 31/03/2020."))


_CHOICE_MAPS: dict[tuple[Any, str], dict[str, str]] = {}


def parse_choice(value: Any, choices: Any) -> str | None:
    """A TextChoices value given as its code ("active") or its Indonesian label ("Aktif")."""
    if is_blank(value):
        return None
    from django.utils.translation import get_language

    # Labels are lazy translations; resolving them for every row of a million-row file costs more
    # than the rest of the row, so the lookup is built once per choices class and language.
    key = (choices, get_language() or "")
    mapping = _CHOICE_MAPS.get(key)
    if mapping is None:
        mapping = {}
        for code, label in choices.choices:
            mapping[normalise_header(code)] = code
            mapping.setdefault(normalise_header(str(label)), code)
        _CHOICE_MAPS[key] = mapping
    found = mapping.get(normalise_header(str(value)))
    if found is not None:
        return found
    allowed = ", ".join(str(label) for _code, label in choices.choices)
    raise CellError(
        "invalid_choice", _("Pilihan tidak dikenal; gunakan salah satu: %(allowed)s.") % {"allowed": allowed}
    )


def parse_text(value: Any, *, max_length: int) -> str:
    """A text cell within `max_length`. Its characters are checked once for every column, by the
    engine (check_cells), so that a schema cannot forget one and no cell is reported twice."""
    text = cell_text(value)
    if len(text) > max_length:
        raise CellError("too_long", _("Paling banyak %(max)d karakter.") % {"max": max_length})
    return text


def check_cells(row: Row, report: ImportReport, multiline: frozenset[str] = frozenset()) -> None:
    """Refuse, per cell, a formula and the characters of sentra.core.text (NUL and every other
    control character, zero-width and bidi characters): whatever the column, so that no schema
    can forget it. Columns in `multiline` (free text) may hold line breaks and tabs."""
    values = row.values
    try:
        joined = "".join(values.values())  # a CSV row: all text, checked in two C-speed passes
    except TypeError:  # XLSX: numbers, dates, None
        printable = False
    else:
        printable = joined.isprintable()
        if printable and "=" not in joined:
            return
    for key, value in values.items():
        if value.__class__ is not str:
            continue
        if value[:1] == "=":
            report.error(
                row.number, key, value, "formula", _("Rumus tidak diperbolehkan; isi nilainya saja.")
            )
        elif not printable:
            bad = find_bad_character(value, multiline=key in multiline)
            if bad is not None:
                report.error(row.number, key, value, bad.code, bad.message)


def normalise_header(text: str) -> str:
    """'Nama Usaha', ' nama_usaha ', 'NAMA-USAHA' → 'nama_usaha'."""
    return re.sub(r"[^0-9a-z]+", "_", str(text).strip().lower()).strip("_")


# ---------------------------------------------------------------------------------------------------
# Schemas


@dataclass(frozen=True)
class Column:
    key: str
    description: str
    example: str = ""
    aliases: tuple[str, ...] = ()
    #: Free text (notes, a list of members one per line): may hold line breaks and tabs, which every
    #: other column refuses (sentra.core.text).
    multiline: bool = False


@dataclass
class Row:
    number: int
    values: dict[str, Any]

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def text(self, key: str) -> str:
        return cell_text(self.values.get(key))


class ImportSchema:
    """What a kind of import means. Subclasses fill in the columns and the four hooks."""

    kind: str = ""
    title: str = ""
    columns: tuple[Column, ...] = ()
    #: Headers (normalised, see normalise_header) the import reads past without complaint: a
    #: signature column of a printed attendance list, a row number.
    ignored_headers: frozenset[str] = frozenset()
    #: Files typed by hand rather than from the template (an attendance list): the header is the first
    #: row whose labels the schema knows, title rows above it are skipped; a second header row below it
    #: (labels under a merged cell: "Kontak" over "HP" and "E-mail") names the columns it spans, and a
    #: row numbering the columns (1, 2, 3 …) is skipped. Off, the first non-blank row is the header.
    flexible_header: bool = False
    #: About how many data rows the file holds (its lines; set by the engine before `prepare`): a
    #: schema may plan its writes by it, e.g. build indexes once at the end of a large import.
    expected_rows: int = 0

    @property
    def multiline_keys(self) -> frozenset[str]:
        return frozenset(column.key for column in self.columns if column.multiline)

    def missing_columns(self, present: set[str]) -> list[str]:
        """Required columns absent from the header (a list of alternatives is written 'a/b')."""
        return []

    def prepare(self, present: set[str]) -> None:
        """Load the lookup tables pass 1 and pass 2 need. Called once, before pass 1."""

    def check(self, row: Row, report: ImportReport) -> Any:
        """Validate one row, adding errors and warnings; return its natural key (or None)."""
        raise NotImplementedError

    def duplicate_key_message(self, first_row: int) -> tuple[str, str]:
        """(column, message) for a row whose natural key already appeared in the file."""
        return "", _("Data ini sudah ada di baris %(row)d.") % {"row": first_row}

    def finish_check(self, report: ImportReport) -> None:
        """Checks that need the whole file (warnings on totals). Called after pass 1."""

    def write(self, rows: Iterator[Row], report: ImportReport, on_row: Callable[[], None]) -> None:
        """Pass 2: write every row (all valid), counting created/updated into the report.

        Runs inside one transaction; raising WriteRefused (after reporting errors) undoes it all."""
        raise NotImplementedError

    # --- one pass (see run_import): schemas that set `one_pass` implement these instead of `write`.

    #: Validate and write in one pass over the file, batch by batch, inside one transaction that is
    #: rolled back at the end when any error was found.
    one_pass: bool = False

    def check_batch(self, rows: list[Row], report: ImportReport) -> list[Any]:
        """Validate a batch of rows; return each row's natural key (None for a row with errors)."""
        return [self.check(row, report) for row in rows]

    def begin_write(self, report: ImportReport) -> None:
        """Before the first write_batch of a committed import (inside its transaction)."""

    def write_batch(self, rows: list[Row], report: ImportReport) -> None:
        """Write the rows check_batch has just validated (all valid so far), counting created/updated."""
        raise NotImplementedError

    def end_write(self, report: ImportReport) -> None:
        """After the last write_batch, once the whole file is known to be valid: flush what is pending."""

    def stop_write(self) -> None:
        """Once the write phase ends — normally, refused or failed — and before its transaction does:
        wait for anything the schema left running (BackgroundWrites.close). May raise a job's error."""

    def column_keys(self) -> dict[str, str]:
        """Normalised header or alias → column key."""
        mapping: dict[str, str] = {}
        for column in self.columns:
            mapping[normalise_header(column.key)] = column.key
            for alias in column.aliases:
                mapping[normalise_header(alias)] = column.key
        return mapping


# ---------------------------------------------------------------------------------------------------
# Reading files


@dataclass
class SheetReader:
    """Streams (row_number, cells) from a CSV or XLSX file; the first row is the header."""

    path: Path
    file_type: str  # "csv" or "xlsx"
    # The workbook estimated_rows opened, kept for the next rows(): opening parses the shared strings.
    _workbook: Any = field(default=None, repr=False, compare=False)

    def estimated_rows(self) -> int:
        if self.file_type == "xlsx":
            if self._workbook is None:
                self._workbook = _open_workbook(self.path)
            if isinstance(self._workbook, _FastSheet):
                return max(self._workbook.max_row - 1, 0)
            sheet = self._workbook.worksheets[0]
            return max((sheet.max_row or 1) - 1, 0)
        # Counting newlines is far faster than parsing; quoted multi-line cells make it an estimate.
        count = 0
        with self.path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                count += chunk.count(b"\n")
        return max(count, 1)

    def rows(self) -> RowStream:
        if self.file_type == "xlsx":
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows()

    def _csv_rows(self) -> RowStream:
        with self.path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
            number = 0
            header: list[str] = []
            lines = _CsvLines(text)
            try:
                first = lines.first()
                delimiter = ";" if first.count(";") > first.count(",") else ","
                reader = csv.reader(lines, delimiter=delimiter)
                for number, cells in enumerate(reader, start=1):  # noqa: B007 - read after the loop
                    # Only a row read from more than one line, or from a line longer than a cell may
                    # be, can hold a cell too long: the others cost two len() calls.
                    if len(lines.row) != 1 or len(lines.row[0]) > CSV_MAX_CELL:
                        for index, cell in enumerate(cells):
                            if len(cell) > CSV_MAX_CELL:
                                raise _cell_too_long(number, header, index, cell)
                    lines.row.clear()
                    if number == 1:
                        header = cells
                    yield number, cells
            except UnicodeDecodeError:
                raise ImportFileError(
                    "encoding",
                    _(
                        "Berkas bukan teks UTF-8 (masalah sekitar baris %(row)d). Simpan ulang dari "
                        'Excel dengan pilihan "CSV UTF-8 (Comma delimited)", atau unggah sebagai .xlsx.'
                    )
                    % {"row": number + 1},
                ) from None
            except csv.Error as exc:
                if "field limit" in str(exc):  # csv.field_size_limit(), 131,072 characters by default
                    index = _long_column("".join(lines.row), delimiter)
                    raise _cell_too_long(number + 1, header, index, "") from None
                raise ImportFileError(
                    "file_type",
                    _("Berkas CSV tidak dapat dibaca (baris %(row)d): %(detail)s.")
                    % {"row": number + 1, "detail": exc},
                ) from None

    def _xlsx_rows(self) -> RowStream:
        source = self._workbook or _open_workbook(self.path)
        self._workbook = None
        if isinstance(source, _FastSheet):
            yield from source.rows()
            return
        try:
            sheet = source.worksheets[0]
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(cells)
        finally:
            source.close()


# The fast XLSX path holds the whole sheet in memory (calamine has no streaming reader): ~40 MB more than
# openpyxl for a 50,000-row realisation file (17 MB of sheet XML). Past this much sheet XML (~190,000
# such rows, ~150 MB) openpyxl streams it instead, ~6x slower but flat.
FAST_XLSX_MAX_XML = 64 * 1024 * 1024

# What calamine reads differently from openpyxl, found in the sheet XML: a formula (openpyxl gives its
# "=..." text, which the import refuses per cell; calamine the cached value), an error cell (#N/A:
# calamine gives ""), an ISO date cell (t="d"), and an integer of 16+ digits (openpyxl keeps it exact,
# calamine reads every number as a float, exact only below 2**53).
_CALAMINE_UNSAFE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]|\st=[\"']?[ed][\"'\s>/]|<(?:[\w.-]+:)?v>-?\d{16,}"
)
_FLOAT_EXACT = float(2**53)


@dataclass
class _FastSheet:
    """The first worksheet read by python-calamine, giving exactly the values openpyxl's
    iter_rows(values_only=True) gives. Rows are as wide as the dimension, like openpyxl's, or, for a
    sheet without one, as the data (openpyxl then gives each row up to its last cell: the missing
    cells are None either way)."""

    data: Any
    max_row: int
    max_column: int
    dimension: bool

    def rows(self) -> RowStream:
        # calamine's iter_rows starts at the sheet's first row but at the first column holding data.
        lead = [None] * (self.data.start[1] if self.data.start else 0)
        max_row, max_column, date, datetime = self.max_row, self.max_column, dt.date, dt.datetime
        for number, raw in enumerate(self.data.iter_rows(), start=1):
            if number > max_row:  # openpyxl stops at the dimension
                return
            cells = lead.copy()
            for value in raw:
                kind = value.__class__
                if kind is str:
                    cells.append(value or None)  # calamine gives "" for an empty cell, openpyxl None
                elif kind is float:
                    # openpyxl gives an int for a number written without a decimal point (Excel writes
                    # whole numbers so); an int and a float of the same value compare and hash equal.
                    whole = value.is_integer() and -_FLOAT_EXACT < value < _FLOAT_EXACT
                    cells.append(int(value) if whole else value)
                elif kind is date:  # openpyxl gives a datetime for a date-formatted cell
                    cells.append(datetime(value.year, value.month, value.day))
                else:
                    cells.append(value)
            size = len(cells)
            if size < max_column:
                cells.extend([None] * (max_column - size))
            elif size > max_column:
                del cells[max_column:]
            yield number, cells


def _open_fast_sheet(path: Path) -> _FastSheet | None:
    """The first worksheet, chosen as openpyxl chooses it, read by python-calamine; None when the fast
    read cannot promise openpyxl's values (see _CALAMINE_UNSAFE) or anything fails: openpyxl then
    opens the file and reports what is wrong with it, as before.

    openpyxl's read-only open also parses a whole sheet that has no <dimension> (most writers but Excel
    omit it) just to find there is none: ~6 s of a 50,000-row file, so the fast path does not open it."""
    try:
        import python_calamine
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet
        from openpyxl.worksheet.dimensions import SheetDimension
        from openpyxl.xml.constants import SHEET_MAIN_NS
        from openpyxl.xml.functions import iterparse  # openpyxl's own (defusedxml when installed)

        with path.open("rb") as handle:
            reader = ExcelReader(handle, read_only=True)
            reader.archive = xlsx_guard.GuardedZipFile(handle)  # every part read counted and bounded
            try:
                # openpyxl's load_workbook but its reading of every sheet, so that a workbook it
                # refuses as broken (strings, styles, names...) is refused the same way.
                reader.read_manifest()
                reader.read_strings()
                reader.shared_strings = []  # read to be refused as openpyxl would; calamine has its own
                reader.read_workbook()
                reader.read_properties()
                reader.read_custom()
                reader.read_theme()
                apply_stylesheet(reader.archive, reader.wb)
                reader.parser.assign_names()
                # openpyxl's worksheets[0]: the first sheet listed whose part exists, charts skipped.
                title, target = next(
                    (sheet.name, rel.target)
                    for sheet, rel in reader.parser.find_sheets()
                    if rel.target in reader.valid_files and "chartsheet" not in rel.Type
                )
                info = reader.archive.getinfo(target)
                if info.file_size > FAST_XLSX_MAX_XML or not _calamine_safe(handle, reader.archive, info):
                    return None
                bounds = None
                with reader.archive.open(info) as member:
                    for _event, element in iterparse(member, events=("start",)):
                        if element.tag == f"{{{SHEET_MAIN_NS}}}dimension":
                            bounds = SheetDimension.from_tree(element).boundaries
                            break
                        if element.tag == f"{{{SHEET_MAIN_NS}}}sheetData":
                            break
            finally:
                reader.archive.close()
            handle.seek(0)
            book = python_calamine.CalamineWorkbook.from_filelike(handle)
            try:
                # Loading the sheet parses all of it, so a malformed sheet fails here, before any row.
                data = book.get_sheet_by_name(title)
            finally:
                book.close()
    except ImportFileError:  # a bound of xlsx_guard: the file is refused, not read another way
        raise
    except Exception:  # noqa: BLE001 - whatever fails here, openpyxl reads the file (and names the problem)
        return None
    if bounds is not None:
        return _FastSheet(data, bounds[3], bounds[2], dimension=True)
    end = data.end
    return _FastSheet(data, end[0] + 1 if end else 0, end[1] + 1 if end else 0, dimension=False)


def _calamine_safe(handle: io.BufferedReader, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether calamine reads the sheet `info` as openpyxl would (see _CALAMINE_UNSAFE), and may read
    the archive at all: calamine unpacks the parts itself, in Rust, without our bounds, so every XML
    part is first unpacked here from its raw stream (xlsx_guard.checked_stream), which refuses a part
    that unpacks to more than it declares; a part stored otherwise than deflated goes to openpyxl."""
    try:
        tail = b""
        for chunk in xlsx_guard.checked_stream(handle, info):
            if _CALAMINE_UNSAFE.search(tail + chunk):
                return False
            tail = chunk[-64:]  # a tag cut between two chunks
        for other in archive.infolist():
            if other is not info and other.filename.endswith((".xml", ".rels")):
                for _chunk in xlsx_guard.checked_stream(handle, other):
                    pass
    except ValueError:
        return False
    return True


# A CSV cell or line is bounded before it is gathered whole. No column of any import holds more than
# a few hundred characters, and Excel itself holds at most 32,767 in a cell: a longer cell is refused
# with its row and column. A line (a row, unless a quoted cell spans lines) may be at most 1 Mi
# characters, ~30 columns of full Excel cells; the csv module's own field limit (131,072 characters
# by default, csv.field_size_limit, process-wide: left as it is) stops a quoted cell spread over many
# lines. Either way memory stays a few MB whatever one line holds (a single line of hundreds of MB
# was read whole before).
CSV_MAX_CELL = 32_767
CSV_MAX_LINE = 1024 * 1024


class _CsvLines:
    """The lines of a CSV text for csv.reader, each read with a bound, keeping those of the row being
    read (`row`, cleared by the caller after each row) to name the column of a cell too long."""

    def __init__(self, text: io.TextIOWrapper) -> None:
        self.text = text
        self.row: list[str] = []
        self.number = 0  # physical lines read
        self._ahead: list[str] = []

    def first(self) -> str:
        """The first line that is not a template comment ('#…'), to tell the delimiter by; the lines
        read to find it are given to csv.reader first."""
        line = self._read()
        self._ahead.append(line)
        while line and line.lstrip('"').startswith(COMMENT_MARK) and len(self._ahead) <= 1_000:
            line = self._read()
            self._ahead.append(line)
        return line

    def _read(self) -> str:
        line = self.text.readline(CSV_MAX_LINE + 1)
        if len(line) > CSV_MAX_LINE:
            raise ImportFileError(
                "line_too_long",
                _(
                    "Baris %(row)d terlalu panjang: lebih dari %(limit)s karakter. Periksa pemisah "
                    "kolom dan baris berkas, atau simpan ulang dari Excel sebagai CSV UTF-8."
                )
                % {"row": self.number + 1, "limit": f"{CSV_MAX_LINE:,}".replace(",", ".")},
            )
        self.number += 1
        return line

    def __iter__(self) -> Iterator[str]:
        for line in self._ahead:
            if not line:
                return
            self.row.append(line)
            yield line
        self._ahead = []
        line = self._read()
        while line:
            self.row.append(line)
            yield line
            line = self._read()


def _long_column(text: str, delimiter: str) -> int:
    """The index of the first cell of a row's `text` longer than CSV_MAX_CELL (delimiters inside
    quotes do not count); only when the csv module refused the row, so a loop in Python is fine."""
    column, size, quoted = 0, 0, False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            column, size = column + 1, 0
            continue
        size += 1
        if size > CSV_MAX_CELL:
            break
    return column


def _cell_too_long(row: int, header: list[str], index: int, cell: str) -> ImportFileError:
    title = header[index].strip() if index < len(header) else ""
    column = title or str(index + 1)
    return ImportFileError(
        "cell_too_long",
        _(
            "Sel terlalu panjang di baris %(row)d, kolom %(column)s: lebih dari %(limit)s karakter "
            "(batas satu sel Excel). Periksa tanda kutip dan pemisah kolom di baris itu."
        )
        % {"row": row, "column": column, "limit": f"{CSV_MAX_CELL:,}".replace(",", ".")},
        column=column,
        value=cell[:50] + "…" if cell else "",
    )


class _Workbook:
    """An openpyxl read-only workbook opened from a file handle, so that the file name (an upload may
    be called anything) plays no part; closing it closes both."""

    def __init__(self, path: Path) -> None:
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.utils.exceptions import InvalidFileException

        self.handle = path.open("rb")
        try:
            # openpyxl's load_workbook, its archive replaced by one that counts and bounds what every
            # part unpacks to (xlsx_guard). data_only=False keeps formulas as "=..." text so they can
            # be refused, not silently replaced by whatever value Excel last cached.
            reader = ExcelReader(self.handle, read_only=True, data_only=False)
            reader.archive = xlsx_guard.GuardedZipFile(self.handle)
            reader.read()
            self.book = reader.wb
        except ImportFileError:
            self.handle.close()
            raise
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
            self.handle.close()
            raise ImportFileError(
                "file_type", _("Berkas .xlsx rusak atau bukan buku kerja Excel; simpan ulang sebagai .xlsx.")
            ) from None

    @property
    def worksheets(self):
        return self.book.worksheets

    def close(self) -> None:
        self.book.close()
        self.handle.close()


def _open_workbook(path: Path) -> _FastSheet | _Workbook:
    """The first worksheet read by python-calamine when it can, else the openpyxl workbook."""
    return _open_fast_sheet(path) or _Workbook(path)


def sniff(path: Path, *, max_bytes: int | None = None) -> SheetReader:
    """Decide CSV or XLSX from the content, never from the file name, and refuse what is neither."""
    size = path.stat().st_size
    limit = settings.SENTRA_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    if size > limit:
        raise ImportFileError(
            "too_large",
            _("Berkas berukuran %(size)s MB, melebihi batas %(limit)s MB; pecah menjadi beberapa berkas.")
            % {"size": _megabytes(size), "limit": _megabytes(limit)},
        )
    if size == 0:
        raise ImportFileError("empty", _("Berkas kosong."))
    with path.open("rb") as handle:
        head = handle.read(8192)
    if head.startswith(XLSX_MAGIC):
        try:
            # What every part declares it unpacks to is checked before any XML is parsed.
            with path.open("rb") as handle, xlsx_guard.inspect(handle) as archive:
                is_workbook = "xl/workbook.xml" in archive.namelist()
        except zipfile.BadZipFile:
            raise ImportFileError("file_type", _("Berkas .xlsx rusak; simpan ulang sebagai .xlsx.")) from None
        if not is_workbook:
            raise ImportFileError(
                "file_type", _("Berkas ZIP ini bukan buku kerja Excel (.xlsx); unggah .xlsx atau .csv.")
            )
        return SheetReader(path, "xlsx")
    if head.startswith(OLE_MAGIC):
        raise ImportFileError(
            "file_type",
            _("Format Excel lama (.xls) tidak didukung; buka di Excel lalu simpan sebagai .xlsx."),
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(
            "encoding",
            _('Berkas berformat UTF-16 ("Unicode Text"); simpan ulang sebagai "CSV UTF-8" atau .xlsx.'),
        )
    if b"\x00" in head or head.startswith(b"%PDF"):
        raise ImportFileError("file_type", _("Berkas bukan CSV atau XLSX; unggah .csv atau .xlsx."))
    return SheetReader(path, "csv")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


# ---------------------------------------------------------------------------------------------------
# The engine


def run_import(
    *,
    path: Path | str,
    schema: ImportSchema,
    commit: bool = False,
    on_progress: ProgressCallback | None = None,
    max_bytes: int | None = None,
) -> ImportReport:
    """Validate the whole file, then write it in one transaction if `commit` and nothing failed.

    Never raises for a bad file: every problem, file-level or per cell, ends up in the report.
    """
    report = ImportReport(kind=schema.kind)
    path = Path(path)
    if schema.one_pass:
        return _run_one_pass(path, schema, report, commit, on_progress, max_bytes)
    try:
        reader = sniff(path, max_bytes=max_bytes)
        schema.expected_rows = reader.estimated_rows()
        total = schema.expected_rows * (2 if commit else 1)
        progress = _Progress(on_progress, total)
        columns, start = _check_file(reader, schema, report, progress)
        schema.finish_check(report)
        if not report.ok or not commit:
            progress.done()
            return report
        progress.total = report.rows_total * 2
        with all_or_nothing(report):
            schema.write(_data_rows(reader, columns, start=start), report, progress.step)
        if report.committed:
            progress.done()
    except ImportFileError as exc:
        # A broken file is one message: row errors found before the break would only distract.
        report.created = report.updated = report.unchanged = report.error_count = report.warning_count = 0
        report.errors, report.warnings = [], []
        report.error(None, exc.column, exc.value, exc.code, exc.message)
    return report


@contextmanager
def all_or_nothing(report: ImportReport) -> Iterator[None]:
    """The write phase of an import: one transaction, committed only when the block ends normally.

    WriteRefused (raised once the errors are in the report: a row found invalid after others were
    written, a record locked meanwhile) and DatabaseError (reported as `write_failed`) roll it all
    back; either way the report then says nothing was written. Both engine paths use it, and so may
    a schema that writes outside them."""
    try:
        with transaction.atomic():
            yield
    except WriteRefused:
        _nothing_written(report)
    except DatabaseError as exc:
        _nothing_written(report)
        report.error(
            None,
            "",
            "",
            "write_failed",
            _("Gagal menyimpan; tidak ada data yang ditulis: %(e)s") % {"e": exc},
        )
    else:
        report.committed = True


@contextmanager
def sqlite_page_cache(kib: int) -> Iterator[None]:
    """At least `kib` KiB of SQLite page cache on the default connection for the block, then the
    connection's own size again (SQLite frees the extra pages then). Nothing on PostgreSQL, whose
    cache is the server's."""
    before = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            size = cursor.fetchone()[0]  # negative: KiB; positive: pages
            cursor.execute("PRAGMA page_size")
            if (-size if size < 0 else size * cursor.fetchone()[0] // 1024) < kib:
                before = size
                cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        if before is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _nothing_written(report: ImportReport) -> None:
    report.created = report.updated = report.unchanged = 0
    report.batch_id = None
    report.committed = False


ONE_PASS_BATCH = 2_000


def _run_one_pass(
    path: Path,
    schema: ImportSchema,
    report: ImportReport,
    commit: bool,
    on_progress: ProgressCallback | None,
    max_bytes: int | None,
) -> ImportReport:
    """Read the file once: validate each batch of rows and, while no error has been found and the
    caller asked to commit, write it at once, all inside one transaction. An error anywhere (in a
    later row, or in finish_check) rolls the whole transaction back, so nothing is written while any
    error remains, exactly as with two passes, and every row is still checked and reported.

    Memory stays flat: rows are held one batch at a time, and the natural keys seen so far, beyond a
    bounded dict, live in a temporary table of the same database (_KeyIndex). A dry run reads the
    same way without a transaction and writes nothing but that temporary table."""
    keys: _KeyIndex | None = None
    stream: RowStream | None = None
    try:
        reader = sniff(path, max_bytes=max_bytes)
        progress = _Progress(on_progress, reader.estimated_rows())
        # One read of the file: the header and then the data rows from the same stream (opening an
        # XLSX again would parse its shared strings again).
        stream = reader.rows()
        if schema.flexible_header:
            _number, header, _start, stream = _flexible_header(schema, stream)
        else:
            _number, header = _header(reader, stream)
        positions = _map_columns(schema, header)
        schema.expected_rows = progress.total
        schema.prepare({key for key in positions if key})
        keys = _KeyIndex()
        if not commit:
            _one_pass(reader, stream, positions, schema, report, progress, keys, write=False)
        else:
            with sqlite_page_cache(settings.SENTRA_IMPORT_CACHE_MB * 1024), all_or_nothing(report):
                try:
                    _one_pass(reader, stream, positions, schema, report, progress, keys, write=True)
                    if not report.ok:
                        raise WriteRefused
                    schema.end_write(report)
                    if not report.ok:  # end_write found a problem only writing could show
                        raise WriteRefused
                finally:
                    schema.stop_write()  # nothing the schema started outlives the transaction
        progress.total = report.rows_total  # the estimate counted lines, not rows
        progress.done()
    except ImportFileError as exc:
        report.created = report.updated = report.unchanged = report.error_count = report.warning_count = 0
        report.errors, report.warnings = [], []
        report.batch_id = None
        report.committed = False
        report.error(None, exc.column, exc.value, exc.code, exc.message)
    finally:
        if stream is not None:
            stream.close()  # an XLSX workbook left open by an error
        if keys is not None:
            keys.drop()
    # Batches report a check at a time over 2,000 rows; list every row's problems together, in
    # file order (a stable sort keeps each row's own order: formula, cells, duplicates). Issues of
    # the whole file (write_failed, a schema's closing note) come last, as with two passes.
    report.errors.sort(key=_issue_order)
    report.warnings.sort(key=_issue_order)
    return report


def _issue_order(issue: RowError) -> int:
    return sys.maxsize if issue.row is None else issue.row


def _one_pass(
    reader: SheetReader,
    stream: RowStream,
    positions: list[str | None],
    schema: ImportSchema,
    report: ImportReport,
    progress: _Progress,
    keys: _KeyIndex,
    *,
    write: bool,
) -> None:
    writing = False
    batch: list[Row] = []
    multiline = schema.multiline_keys
    rows = _data_rows(reader, positions, stream)
    while True:
        batch.clear()
        for row in rows:
            batch.append(row)
            if len(batch) >= ONE_PASS_BATCH:
                break
        if not batch:
            break
        for row in batch:
            report.rows_total += 1
            progress.step()
            check_cells(row, report, multiline)
        natural = schema.check_batch(batch, report)
        keys.check(batch, natural, schema, report)
        if write and report.ok:
            if not writing:
                schema.begin_write(report)
                writing = True
            schema.write_batch(batch, report)
    if report.rows_total == 0:
        raise ImportFileError("empty", _("Berkas hanya berisi judul kolom, tanpa baris data."))
    schema.finish_check(report)


def _fingerprint(row: Row) -> int:
    """The row's cells as a 48-bit number: two rows with equal keys and fingerprints are the same row.

    Python's salted hash() is enough: fingerprints are compared only within one import."""
    return hash(tuple(row.values.items())) & 0xFFFFFFFFFFFF


class _KeyIndex:
    """The natural keys seen so far in a file: in a dict while they are few, then in a temporary table
    of the import's database.

    One entry per distinct key: its 64-bit hash, the fingerprint of the first row that had it and
    that row's number. Up to MEMORY_KEYS keys stay in a dict (one int per key, about 120 bytes with
    the dict's own: 30 MB at most); a file with more moves them to the table and goes on there, one
    SELECT and one executemany (SQLite) or COPY (PostgreSQL) per batch, so memory stays flat whatever
    the file's size. The dict spares the table's writes and lookups, 0.18 of the 5.3 s of 100,000
    rows into SQLite. The table lives in the connection's temporary schema (SQLite's temp database,
    PostgreSQL's pg_temp): other connections never see it, and it is dropped at the end (created
    inside the import's transaction, a rollback drops it too).

    As with the dict it replaces, two different keys sharing a 64-bit hash (odds ~n²/2⁶⁵, ~3e-8 at a
    million rows) would be reported as a duplicate, never silently merged."""

    TABLE = "sentra_import_keys"
    MEMORY_KEYS = 250_000

    def __init__(self) -> None:
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.memory: dict[int, int] | None = {}  # key hash → fingerprint << 32 | first row; None: the table

    def check(self, rows: list[Row], natural: list[Any], schema: ImportSchema, report: ImportReport) -> None:
        batch: dict[int, tuple[int, int]] = {}  # key hash → (fingerprint, first row), new in this batch
        wanted: list[tuple[Row, int, int]] = []
        for row, key in zip(rows, natural, strict=True):
            if key is not None:
                wanted.append((row, _key_hash(key), _fingerprint(row)))
        if not wanted:
            return
        earlier = self._lookup([k for _row, k, _f in wanted])
        for row, key, fingerprint in wanted:
            first = earlier.get(key) or batch.get(key)
            if first is None:
                batch[key] = (fingerprint, row.number)
            elif first[0] == fingerprint:
                report.error(
                    row.number,
                    "",
                    "",
                    "duplicate_row",
                    _("Baris ini sama persis dengan baris %(row)d.") % {"row": first[1]},
                )
            else:
                column, message = schema.duplicate_key_message(first[1])
                report.error(row.number, column, row.text(column) if column else "", "duplicate_key", message)
        self._record([(k, f, r) for k, (f, r) in batch.items()])

    def _lookup(self, keys: list[int]) -> dict[int, tuple[int, int]]:
        memory = self.memory
        if memory is not None:
            return {k: (memory[k] >> 32, memory[k] & 0xFFFFFFFF) for k in keys if k in memory}
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(f"SELECT k, f, r FROM {self.TABLE} WHERE k = ANY(%s::bigint[])", [keys])  # nosec B608
            else:
                marks = ",".join(["%s"] * len(keys))
                cursor.execute(f"SELECT k, f, r FROM {self.TABLE} WHERE k IN ({marks})", keys)  # nosec B608
            return {k: (f, r) for k, f, r in cursor.fetchall()}

    def _record(self, rows: list[tuple[int, int, int]]) -> None:
        if not rows:
            return
        memory = self.memory
        if memory is not None:
            if len(memory) + len(rows) <= self.MEMORY_KEYS:
                memory.update((k, f << 32 | r) for k, f, r in rows)
                return
            self.memory = None  # too many for the dict: the table from now on, with the keys so far
            self._create()
            self._insert([(k, v >> 32, v & 0xFFFFFFFF) for k, v in memory.items()])
        self._insert(rows)

    def _create(self) -> None:
        with self.connection.cursor() as cursor:
            kind = "bigint" if self.postgres else "INTEGER"
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.TABLE} "
                f"(k {kind} PRIMARY KEY, f {kind} NOT NULL, r {kind} NOT NULL)"
            )
            cursor.execute(f"DELETE FROM {self.TABLE}")  # nosec B608: a constant table name

    def _insert(self, rows: list[tuple[int, int, int]]) -> None:
        with self.connection.cursor() as cursor:
            if self.postgres:
                with (
                    self.connection.wrap_database_errors,
                    cursor.cursor.copy(f"COPY {self.TABLE} (k, f, r) FROM STDIN") as copy,
                ):
                    for values in rows:
                        copy.write_row(values)
            else:
                # Outside a transaction (a dry run) SQLite would commit each INSERT on its own; a
                # savepoint makes the batch one transaction, on the temporary database only.
                alone = not self.connection.in_atomic_block
                if alone:
                    cursor.execute("SAVEPOINT sentra_import_keys")
                cursor.executemany(f"INSERT INTO {self.TABLE} (k, f, r) VALUES (%s, %s, %s)", rows)  # nosec B608
                if alone:
                    cursor.execute("RELEASE SAVEPOINT sentra_import_keys")

    def drop(self) -> None:
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
        except DatabaseError:  # the surrounding transaction is broken; its rollback drops it
            pass


class _Progress:
    def __init__(self, callback: ProgressCallback | None, total: int) -> None:
        self.callback, self.total, self.count = callback, total, 0

    def step(self) -> None:
        self.count += 1
        if self.callback and self.count % PROGRESS_EVERY == 0:
            self.total = max(self.total, self.count)
            self.callback(self.count, self.total)

    def done(self) -> None:
        if self.callback:
            self.callback(self.total or self.count, self.total or self.count)


COMMENT_MARK = "#"


def _is_comment(cells: list[Any]) -> bool:
    """A guidance line of a downloaded CSV template: its first cell starts with '#' and the rest are
    blank. Only lines above the header are comments; a data cell starting with '#' stays data."""
    first = cells[0] if cells else None
    return (
        isinstance(first, str)
        and first.lstrip("\ufeff").lstrip().startswith(COMMENT_MARK)
        and all(is_blank(c) for c in cells[1:])
    )


def _header(reader: SheetReader, stream: RowStream | None = None) -> tuple[int, list[Any]]:
    """The first non-blank row that is not a template comment; read from `stream` when given, which
    then stands on the first data row. Row numbers count the comment lines, as a spreadsheet does."""
    for number, cells in reader.rows() if stream is None else stream:
        if any(not is_blank(c) for c in cells) and not _is_comment(cells):
            return number, cells
    raise ImportFileError("empty", _("Berkas tidak berisi baris judul kolom maupun data."))


# How many non-blank rows a flexible header is looked for in (a letterhead, a title, a date, a venue).
HEADER_SEARCH_ROWS = 30
_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2})\)?$")


def _header_labels(schema: ImportSchema, cells: list[Any]) -> tuple[int, int]:
    """(labels the schema knows or ignores, other non-blank cells) of a row."""
    known = schema.column_keys()
    found = other = 0
    for cell in cells:
        title = normalise_header(cell_text(cell)) if not is_blank(cell) else ""
        if not title:
            continue
        if title in known or title in schema.ignored_headers:
            found += 1
        else:
            other += 1
    return found, other


def _numbers_columns(cells: list[Any]) -> bool:
    """A row that numbers the columns under the header: 1, 2, 3 … or (1), (2), (3) …"""
    numbers = []
    for cell in cells:
        if is_blank(cell):
            continue
        match = _COLUMN_NUMBER.match(cell_text(cell))
        if match is None:
            return False
        numbers.append(int(match.group(1)))
    return len(numbers) >= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _flexible_header(schema: ImportSchema, rows: RowStream) -> tuple[int, list[Any], int, RowStream]:
    """(header row number, header cells, first data row number, the rows after them) of a hand-typed
    file (ImportSchema.flexible_header). The header is the first row with two known labels, or one and
    nothing else; failing that within HEADER_SEARCH_ROWS rows, the first non-blank row (whose
    labels are then refused as unknown)."""
    seen: list[tuple[int, list[Any]]] = []
    header: tuple[int, list[Any]] | None = None
    for number, cells in rows:
        if all(is_blank(c) for c in cells) or _is_comment(cells):
            continue
        found, other = _header_labels(schema, cells)
        if found >= 2 or (found == 1 and other == 0):
            header = (number, list(cells))
            break
        seen.append((number, cells))
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        if not seen:
            raise ImportFileError("empty", _("Berkas tidak berisi baris judul kolom maupun data."))
        (number, cells), rest = seen[0], seen[1:]
        return number, cells, number + 1, _chain(rest, rows)
    number, cells = header
    start = number + 1
    for following, below in rows:
        if all(is_blank(c) for c in below):
            start = following + 1
            continue
        found, other = _header_labels(schema, below)
        if found and not other:  # labels under merged header cells name the columns they stand over
            for index, cell in enumerate(below):
                if is_blank(cell):
                    continue
                if index < len(cells):
                    cells[index] = cell
                else:
                    cells.append(cell)
            start = following + 1
            continue
        if _numbers_columns(below):
            start = following + 1
            continue
        return number, cells, start, _chain([(following, below)], rows)
    return number, cells, start, iter(())


def _chain(first: list[tuple[int, list[Any]]], rows: RowStream) -> RowStream:
    yield from first
    yield from rows


def _map_columns(schema: ImportSchema, header: list[Any]) -> list[str | None]:
    """Position → column key (None for an empty trailing header); raises on unknown or duplicates."""
    known = schema.column_keys()
    positions: list[str | None] = []
    unknown: list[str] = []
    seen: set[str] = set()
    duplicated: list[str] = []
    for cell in header:
        title = cell_text(cell)
        if not title:
            positions.append(None)
            continue
        key = known.get(normalise_header(title))
        if key is None and normalise_header(title) in schema.ignored_headers:
            positions.append(None)
            continue
        if key is None:
            unknown.append(title)
        elif key in seen:
            duplicated.append(title)
        seen.add(key or "")
        positions.append(key)
    if unknown:
        raise ImportFileError(
            "unknown_columns",
            _("Kolom tidak dikenal: %(cols)s. Gunakan judul kolom dari templat.")
            % {"cols": ", ".join(unknown)},
            column=", ".join(unknown),
        )
    if duplicated:
        raise ImportFileError(
            "duplicate_columns",
            _("Kolom muncul lebih dari sekali: %(cols)s.") % {"cols": ", ".join(duplicated)},
            column=", ".join(duplicated),
        )
    missing = schema.missing_columns(seen)
    if missing:
        raise ImportFileError(
            "missing_columns",
            _("Kolom wajib tidak ada: %(cols)s.") % {"cols": ", ".join(missing)},
            column=", ".join(missing),
        )
    return positions


def _data_rows(
    reader: SheetReader,
    positions: list[str | None],
    stream: RowStream | None = None,
    start: int | None = None,
) -> Iterator[Row]:
    """The data rows, from a new read of the file or from `stream`, already past the header. `start`:
    the first data row's number, when the header was not simply the first non-blank row."""
    header_seen = stream is not None
    keyed = [(index, key) for index, key in enumerate(positions) if key is not None]
    for number, cells in reader.rows() if stream is None else stream:
        if not header_seen:
            if start is not None:
                header_seen = number + 1 >= start
            else:
                header_seen = any(not is_blank(c) for c in cells) and not _is_comment(cells)
            continue
        try:
            # A CSV row is all text: one join tells whether every cell is blank.
            blank = not "".join(cells).strip()
        except TypeError:  # XLSX: numbers, dates, None
            blank = all(is_blank(c) for c in cells)
        if blank:
            continue
        size = len(cells)
        values: dict[str, Any] = {}
        for index, key in keyed:
            if index < size:
                cell = cells[index]
                values[key] = cell.strip() if cell.__class__ is str else cell
        yield Row(number, values)


def _check_file(
    reader: SheetReader, schema: ImportSchema, report: ImportReport, progress: _Progress
) -> tuple[list[str | None], int | None]:
    if schema.flexible_header:
        source = reader.rows()
        try:
            _number, header, start, _rest = _flexible_header(schema, source)
        finally:
            source.close()  # an XLSX workbook: _data_rows reads the file again
    else:
        (_number, header), start = _header(reader), None
    positions = _map_columns(schema, header)
    present = {key for key in positions if key}
    schema.prepare(present)
    # 8-byte hash of the natural key → (hash of the whole row << 32 | first row number). Keeping a
    # hash instead of the key itself bounds each entry (two ints and a dict slot, ~100-120 bytes
    # whatever the key's length) but memory still grows with the number of distinct keys. Two
    # different keys sharing a 64-bit hash (odds ~n²/2⁶⁵, ~3e-8 at a million rows) would be reported
    # as a duplicate, never silently merged: the import then refuses the file.
    seen: dict[int, int] = {}
    multiline = schema.multiline_keys
    for row in _data_rows(reader, positions, start=start):
        report.rows_total += 1
        progress.step()
        check_cells(row, report, multiline)
        natural = schema.check(row, report)
        if natural is None:
            continue
        key = _key_hash(natural)
        fingerprint = hash(tuple(sorted((k, cell_text(v)) for k, v in row.values.items()))) & 0xFFFFFFFFFFFF
        if key in seen:
            first = seen[key] & 0xFFFFFFFF
            if seen[key] >> 32 == fingerprint:
                report.error(
                    row.number,
                    "",
                    "",
                    "duplicate_row",
                    _("Baris ini sama persis dengan baris %(row)d.") % {"row": first},
                )
            else:
                column, message = schema.duplicate_key_message(first)
                report.error(row.number, column, row.text(column) if column else "", "duplicate_key", message)
        else:
            seen[key] = fingerprint << 32 | row.number
    if report.rows_total == 0:
        raise ImportFileError("empty", _("Berkas hanya berisi judul kolom, tanpa baris data."))
    return positions, start


def _key_hash(key: Any) -> int:
    """A natural key (a tuple of str/None) as a stable signed 64-bit int (blake2b, not the salted
    hash()); signed so that it fits a database BIGINT."""
    return int.from_bytes(hashlib.blake2b(repr(key).encode(), digest_size=8).digest(), "little", signed=True)


class BackgroundWrites:
    """One write job at a time in a worker thread, while the import reads and checks the next batch.

    On PostgreSQL the server spends about as long on a batch's statements as Python spends reading
    and checking the next 2,000 rows: a worker thread sends a statement that needs no answer but
    success (the enterprise import: a batch's audit events, 2.8 of 17 s per 100,000 rows) and waits
    for the server while the import's thread parses on (the GIL is free while the worker waits; about
    1 s less per 100,000 rows, bench/RESULTS.md). Jobs that run Python themselves would fight the
    import's thread for the GIL and gain nothing. psycopg's
    connection is thread-safe — the statements of both threads run one after the other, in the
    import's one transaction — but Django's wrapper is not: a job uses the driver connection
    (`db.connection`) and `driver_cursor`, never `db.cursor()` or the ORM. On SQLite, which works in
    this process and would only trade the GIL back and forth, a job runs at once in the caller's thread.

    `submit` first waits for the job before; `wait` re-raises a job's error in the import's thread.
    A schema using it calls `close` from stop_write, which the engine runs before the transaction
    ends, whatever happened: no job outlives the transaction."""

    def __init__(self, db) -> None:
        # The wrapper itself: django.db.connection is a proxy that another thread resolves to its own.
        self.db = connections[db.alias]
        self.threaded = db.vendor == "postgresql"
        self._executor: ThreadPoolExecutor | None = None
        self._pending: Future | None = None

    def submit(self, job: Callable[..., Any], *args: Any) -> None:
        self.wait()
        if not self.threaded:
            job(*args)
            return
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sentra-import-write")
        self._pending = self._executor.submit(job, *args)

    def wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
                self._executor = None

    @contextmanager
    def driver_cursor(self) -> Iterator[Any]:
        """A cursor for a job: the driver's own on PostgreSQL (errors still raised as Django's
        IntegrityError / DatabaseError), Django's in the caller's thread on SQLite."""
        if not self.threaded:
            with self.db.cursor() as cursor:
                yield cursor
            return
        with self.db.wrap_database_errors, self.db.connection.cursor() as cursor:
            yield cursor


def insert_many(
    db,
    table: str,
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    fixed: dict[str, None | str] | None = None,
) -> None:
    """INSERT rows of plain, already-validated values by the database's fastest path: executemany on
    SQLite (in process, no round trips), COPY FROM STDIN on PostgreSQL. `db` is a Django connection;
    run it inside the caller's transaction so that a later error still leaves nothing written.

    `fixed`: more columns, each NULL (None) or empty ('') in every row, as a file's absent columns
    are. SQLite takes them as the literals NULL and '' in the statement instead of a bound parameter
    per row and column: binding them was half of the enterprise import's insert (26 of its 44
    columns in a typical file; 1.26 → 0.66 s per 100,000 rows). COPY adds them to each row."""
    fixed = fixed or {}
    if any(value not in (None, "") for value in fixed.values()):
        raise ValueError(f"insert_many: fixed values are None or '' only, not {fixed!r}")
    quote = db.ops.quote_name
    names = ", ".join(quote(c) for c in (*columns, *fixed))
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            tail = tuple(fixed.values())
            # The driver's own cursor bypasses Django's error translation: a failing COPY must still
            # raise django.db.IntegrityError / DatabaseError, which the import engine reports.
            with (
                db.wrap_database_errors,
                cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row((*row, *tail) if tail else row)
            return
        # Only quote_name()d model names and the literals NULL and '' are interpolated; every value
        # is a %s parameter.
        literals = ["NULL" if value is None else "''" for value in fixed.values()]
        placeholders = ", ".join(["%s"] * len(columns) + literals)
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})", rows)  # nosec B608


# ---------------------------------------------------------------------------------------------------
# Templates


def template_rows(schema: ImportSchema) -> list[list[str]]:
    return [[c.key for c in schema.columns]]


def template_csv(schema: ImportSchema) -> str:
    """The header row, preceded by the same guidance as the XLSX template's Petunjuk sheet as comment
    lines ('#' in the first cell), which the importer skips: a downloaded template imports as it is."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [_("# Petunjuk: isi satu baris per data di bawah baris judul kolom; baris yang diawali # dilewati.")]
    )
    for column in schema.columns:
        example = _(" (contoh: %(example)s)") % {"example": column.example} if column.example else ""
        writer.writerow([f"# {column.key}: {column.description}{example}"])
    writer.writerow([c.key for c in schema.columns])
    return out.getvalue()


def template_xlsx(schema: ImportSchema) -> bytes:
    """A workbook whose first sheet is the (empty) data sheet and second the column guide."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    data = workbook.active
    data.title = "Data"
    data.append([c.key for c in schema.columns])
    for cell in data[1]:
        cell.font = Font(bold=True)
    data.freeze_panes = "A2"
    guide = workbook.create_sheet("Petunjuk")
    guide.append(["kolom", "keterangan", "contoh"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in schema.columns:
        guide.append([column.key, str(column.description), column.example])
    guide.column_dimensions["B"].width = 80
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
