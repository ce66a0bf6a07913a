"""The attendance files a secretariat sends, written with openpyxl for the import tests (no binary
files in the tree): title rows, merged header cells over a second header row, a row numbering the
columns, names and positions in one cell, blank and pre-numbered empty rows, a signature column."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

TITLE = "DAFTAR HADIR"
SUBTITLE = "Rapat Koordinasi Pelaksanaan Kegiatan IKM, Atambua, 24-26 April 2019"
HEADER = ["No", "Nama/Jabatan", "Instansi", "Kontak", None, "Kehadiran", "Diwakili oleh", "Tanda Tangan"]
SUBHEADER = [None, None, None, "HP", "E-mail", None, None, None]


def attendance_workbook(path: Path, rows: list[list], *, merged: bool = True) -> Path:
    """An attendance list as printed for signing: two title rows, a blank row, the header over two
    rows (Kontak merged over HP and E-mail, the other labels merged down), the column numbers, rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Daftar Hadir"
    sheet.append([TITLE])
    sheet.append([SUBTITLE])
    sheet.append([])
    sheet.append(HEADER)
    sheet.append(SUBHEADER)
    sheet.append(list(range(1, len(HEADER) + 1)))
    for row in rows:
        sheet.append(row)
    if merged:
        sheet.merge_cells("A1:H1")
        sheet.merge_cells("A2:H2")
        sheet.merge_cells("D4:E4")
        for column in "ABCFGH":
            sheet.merge_cells(f"{column}4:{column}5")
    book.save(path)
    return path


@pytest.fixture
def attendance_file(tmp_path):
    def make(rows: list[list], name: str = "daftar-hadir.xlsx", **kwargs) -> Path:
        return attendance_workbook(tmp_path / name, rows, **kwargs)

    return make


@pytest.fixture
def csv_file(tmp_path):
    def make(text: str, name: str = "berkas.csv") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return make
