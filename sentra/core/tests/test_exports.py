import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from sentra.core.exports import Column, csv_response, neutralise, xlsx_response


def test_neutralise_formula_prefixes():
    for text in ("=SUM(A1)", "+62811", "-1+1", "@cmd", "\t=x", "\r=x"):
        assert neutralise(text) == "'" + text
    assert neutralise("UD Amplang") == "UD Amplang"
    assert neutralise(-5) == -5  # numbers stay numbers
    assert neutralise(Decimal("-1.5")) == Decimal("-1.5")
    assert neutralise(None) == ""


COLUMNS = [Column("Nama", lambda o: o["name"]), Column("Jumlah", lambda o: o["n"])]
ROWS = [{"name": '=HYPERLINK("http://x")', "n": 3}, {"name": "Kopi Ñusantara", "n": -2}]


def _body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_csv_streams_and_neutralises():
    response = csv_response("x", iter(ROWS), COLUMNS)
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    rows = list(csv.reader(io.StringIO(_body(response).lstrip("\ufeff"))))
    assert rows == [["Nama", "Jumlah"], ['\'=HYPERLINK("http://x")', "3"], ["Kopi Ñusantara", "-2"]]


def test_xlsx_neutralises_and_keeps_numbers():
    response = xlsx_response("x", iter(ROWS), COLUMNS, sheet_title="IKM")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["IKM"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values == [["Nama", "Jumlah"], ['\'=HYPERLINK("http://x")', 3], ["Kopi Ñusantara", -2]]
