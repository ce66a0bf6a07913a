"""Streaming CSV and XLSX exports of lists, safe to open in a spreadsheet.

A cell whose text starts with = + - @ (or a tab / carriage return) would be run as a formula by
Excel or LibreOffice ("CSV injection"); such text is prefixed with an apostrophe. Numbers are
written as numbers and are never altered.

Every record is written, also one stored before the text rule of sentra.core.text refused control
characters: in CSV and XLSX alike, a control character (C0 but TAB, LF, CR; DEL; C1) is written as
U+FFFD "�". XLSX cannot hold them at all (openpyxl raises IllegalCharacterError, which would fail the
whole file); in CSV they would be invisible, or break the tool reading the file. Zero-width and
bidi characters are valid in both and are written as stored.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse

from .text import replace_controls

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One exported column: a header and how to read the value from an object."""

    header: str
    value: Callable[[Any], Any]


def neutralise(value: Any) -> Any:
    """Make a value safe for a spreadsheet cell; text that looks like a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal | date | datetime):
        return value
    text = replace_controls(str(value))
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def export_rows(objects: Iterable[Any], columns: Sequence[Column]) -> Iterator[list[Any]]:
    for obj in objects:
        yield [neutralise(column.value(obj)) for column in columns]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, objects: Iterable[Any], columns: Sequence[Column]) -> StreamingHttpResponse:
    """A CSV streamed row by row (UTF-8 with BOM so Excel reads the accents right)."""
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"
        yield writer.writerow([neutralise(c.header) for c in columns])
        for row in export_rows(objects, columns):
            yield writer.writerow(["" if v is None else v for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    filename: str, objects: Iterable[Any], columns: Sequence[Column], sheet_title: str = "Data"
) -> FileResponse:
    """An XLSX written with openpyxl's write_only mode into a temporary file, then streamed."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append([neutralise(c.header) for c in columns])
    for row in export_rows(objects, columns):
        sheet.append([_xlsx_value(v) for v in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value
