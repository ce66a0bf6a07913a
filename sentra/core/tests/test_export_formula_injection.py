"""Every CSV/XLSX export neutralises formula injection: a text cell beginning with =, +, - or @ is
written with a leading apostrophe so that a spreadsheet shows it as text instead of running it."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from sentra.core.exports import Column, csv_response, xlsx_response

DANGEROUS = ["=1+1", "+62 811 5555", "-2+3", "@SUM(A1)", '=HYPERLINK("http://contoh.example","klik")']
COLUMNS = [Column("Nama", lambda row: row)]


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_export_writes_formula_text_as_text(text):
    response = csv_response("ikm", iter([text]), COLUMNS)
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    assert list(csv.reader(io.StringIO(body)))[1] == ["'" + text]


@pytest.mark.parametrize("text", DANGEROUS)
def test_xlsx_export_writes_formula_text_as_text(text):
    response = xlsx_response("ikm", iter([text]), COLUMNS)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = sheet["A2"]
    assert cell.value == "'" + text and cell.data_type == "s"  # a string, never a formula
