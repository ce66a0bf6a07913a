"""XLSX rows read by python-calamine (fast path) are exactly the rows openpyxl gives (fallback path)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sentra.core import imports
from sentra.core.imports import _open_fast_sheet, _Workbook, sniff


def openpyxl_rows(path: Path) -> list[tuple[int, list]]:
    workbook = _Workbook(path)
    try:
        sheet = workbook.worksheets[0]
        return [(n, list(cells)) for n, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()


def fast_rows(path: Path) -> list[tuple[int, list]]:
    sheet = _open_fast_sheet(path)
    assert sheet is not None, "the fast path refused a workbook it should read"
    return list(sheet.rows())


def typed(rows: list[tuple[int, list]], *, trim: bool = False) -> list[tuple[int, list]]:
    """Each cell with its type (an int 5 and a float 5.0 are equal, the parsers must get the same one);
    `trim` drops trailing empty cells and rows, which openpyxl omits for a sheet without a dimension."""
    out = []
    for number, cells in rows:
        cells = [(type(c).__name__, c) for c in cells]
        while trim and cells and cells[-1][1] is None:
            cells.pop()
        out.append((number, cells))
    while trim and out and not out[-1][1]:
        out.pop()
    return out


def save(workbook: openpyxl.Workbook, path: Path) -> Path:
    workbook.save(path)
    return path


def rewritten(
    source: Path, path: Path, old: bytes, new: bytes, member: str = "xl/worksheets/sheet1.xml"
) -> Path:
    """A copy of `source` with one part edited, for what openpyxl itself never writes."""
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(path, "w") as after:
        for item in before.infolist():
            data = before.read(item)
            if item.filename == member:
                assert old in data
                data = data.replace(old, new)
            after.writestr(item, data)
    return path


def mixed_workbook(path: Path) -> Path:
    """Data starting at B3 (leading empty rows and column), every kind of cell the parsers meet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Realisasi"
    sheet["B3"], sheet["C3"], sheet["D3"], sheet["E3"], sheet["F3"] = (
        "kode",
        "jumlah",
        "nilai",
        "tanggal",
        "waktu",
    )
    rows = [
        ["  teks dengan spasi ", 5, 5.5, dt.date(2025, 1, 31), dt.datetime(2025, 1, 31, 10, 30)],
        ["5305.020", 1_500_000, 0.1, dt.datetime(2024, 2, 29), dt.time(10, 30)],
        [None, -7, 3.0, None, None],
        [True, 999_999_999_999_999, 1e20, dt.date(1999, 12, 31), False],
        ["=teks, bukan rumus", 0, -2.25, None, "Jl. Merdeka\nNo. 5"],
    ]
    for offset, values in enumerate(rows, start=4):
        for column, value in zip("BCDEF", values, strict=True):
            if value is not None:
                sheet[f"{column}{offset}"] = value
    sheet["B5"].data_type = "s"  # "5305.020" stays text, as the template asks
    sheet["B8"].data_type = "s"  # text that looks like a formula: a text cell, not a formula
    sheet["D8"].value = None
    sheet["C10"] = 42  # a blank row (9) between data rows
    book.create_sheet("Lain")["A1"] = "never read: only the first sheet is"
    return save(book, path)


def test_fast_path_gives_the_same_values_types_and_row_numbers_as_openpyxl(tmp_path):
    path = mixed_workbook(tmp_path / "data.xlsx")
    expected = openpyxl_rows(path)
    assert typed(fast_rows(path)) == typed(expected)
    # what the parsers rely on, spelled out
    cells = dict(expected)
    assert cells[4][1:6] == [
        "  teks dengan spasi ",
        5,
        5.5,
        dt.datetime(2025, 1, 31),
        dt.datetime(2025, 1, 31, 10, 30),
    ]
    assert type(cells[4][2]) is int and cells[6][3] == 3 and cells[6][1] is None
    assert cells[5][4:6] == [dt.datetime(2024, 2, 29), dt.time(10, 30)]


def test_sheet_without_dimension_gives_the_same_cells(tmp_path):
    # openpyxl's write-only mode (like most writers but Excel) writes no <dimension>: openpyxl then gives
    # each row up to its last cell, the fast path rows as wide as the data; the cells are the same.
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(["kode", "jumlah", "catatan"])
    sheet.append(["A1", 12, None])
    sheet.append([])
    sheet.append(["A2", 12.75, " ada "])
    path = save(book, tmp_path / "nodim.xlsx")
    assert b"<dimension" not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert typed(fast_rows(path), trim=True) == typed(openpyxl_rows(path), trim=True)


def test_cells_outside_a_stale_dimension_are_dropped_as_openpyxl_drops_them(tmp_path):
    book = openpyxl.Workbook()
    for row in (["a", "b", "c"], [1, 2, 3], [4, 5, 6]):
        book.active.append(row)
    source = save(book, tmp_path / "full.xlsx")
    path = rewritten(source, tmp_path / "stale.xlsx", b'<dimension ref="A1:C3"', b'<dimension ref="A1:B2"')
    assert fast_rows(path) == openpyxl_rows(path) == [(1, ["a", "b"]), (2, [1, 2])]


def test_formula_falls_back_to_openpyxl_which_gives_its_text(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["kode", "jumlah"])
    book.active.append(["A1", "=SUM(1,2)"])
    path = save(book, tmp_path / "formula.xlsx")
    assert _open_fast_sheet(path) is None
    assert list(sniff(path).rows()) == [(1, ["kode", "jumlah"]), (2, ["A1", "=SUM(1,2)"])]


def test_integer_beyond_float_precision_falls_back_to_openpyxl(tmp_path):
    # openpyxl writes such a number as a float, other writers as digits, which openpyxl reads exactly
    book = openpyxl.Workbook()
    book.active.append(["nik", 1])
    source = save(book, tmp_path / "source.xlsx")
    path = rewritten(source, tmp_path / "nik.xlsx", b"<v>1</v>", b"<v>3201234567890123456</v>")
    assert _open_fast_sheet(path) is None
    assert list(sniff(path).rows()) == [(1, ["nik", 3201234567890123456])]


def test_error_cell_falls_back_to_openpyxl(tmp_path):
    book = openpyxl.Workbook()
    book.active["A1"] = "kode"
    book.active["A2"] = "#N/A"
    book.active["A2"].data_type = "e"
    path = save(book, tmp_path / "error.xlsx")
    assert _open_fast_sheet(path) is None
    assert list(sniff(path).rows())[1] == (2, ["#N/A"])


def test_calamine_failure_falls_back_to_openpyxl(tmp_path, monkeypatch):
    import python_calamine

    def broken(handle):
        raise python_calamine.CalamineError("broken")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", broken)
    path = mixed_workbook(tmp_path / "data.xlsx")
    assert _open_fast_sheet(path) is None
    assert typed(list(sniff(path).rows())) == typed(openpyxl_rows(path))


def test_a_large_sheet_is_streamed_by_openpyxl(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "FAST_XLSX_MAX_XML", 100)
    path = mixed_workbook(tmp_path / "data.xlsx")
    assert _open_fast_sheet(path) is None
    assert typed(list(sniff(path).rows())) == typed(openpyxl_rows(path))


def test_reader_uses_the_fast_path_and_estimates_rows(tmp_path):
    path = mixed_workbook(tmp_path / "data.xlsx")
    reader = sniff(path)
    assert reader.estimated_rows() == 9  # the dimension's last row, less the header
    assert isinstance(reader._workbook, imports._FastSheet)
    assert typed(list(reader.rows())) == typed(openpyxl_rows(path))


def test_a_workbook_openpyxl_cannot_open_fails_as_it_did(tmp_path):
    # the sheet itself is fine (calamine would read it); the stylesheet is not XML, which openpyxl's
    # load_workbook raises as a ParseError (a SyntaxError): the fast path must not read past it
    source = mixed_workbook(tmp_path / "data.xlsx")
    styles = "xl/styles.xml"
    path = rewritten(source, tmp_path / "broken.xlsx", b"<styleSheet", b"<styleSheet<", member=styles)
    assert _open_fast_sheet(path) is None
    with pytest.raises(SyntaxError):
        _Workbook(path)
    with pytest.raises(SyntaxError):
        list(sniff(path).rows())
