"""Reports that are printed and signed (issue 14.5): what the page shows, measured on the page.

The PDFs are rendered to images (poppler's pdftoppm) and their words located (pdftotext -bbox): the
grid's vertical lines are found in the image, and every header word must lie inside one cell and
overlap no other word; figures end at their cell's right edge. The chart labels of 38 provinces
must stand apart, each a full name. The workbooks hold no literal quote in any cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from sentra.conftest import KALTIM
from sentra.programmes.reports import dekon_quarterly, rakor_pack, render
from sentra.programmes.reports.pdf import BLUE, CELL_PADDING, ORANGE, _build, bar_chart

from .factories import YEAR
from .test_reports import world  # noqa: F401 - the same Kaltim/Jateng/central fixture

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (shutil.which("pdftoppm") and shutil.which("pdftotext")), reason="poppler-utils not installed"
    ),
]

DPI = 288  # 4 pixels a point
SCALE = DPI / 72
FIGURE = re.compile(r"^\d{1,3}(\.\d{3})+$|^\d+,\d{2}$")  # 120.000.000, 75,00


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    def overlaps(self, other: Word, tolerance: float = 0.2) -> bool:
        return (
            min(self.x1, other.x1) - max(self.x0, other.x0) > tolerance
            and min(self.y1, other.y1) - max(self.y0, other.y0) > tolerance
        )


def page_words(pdf: Path, page: int = 1) -> list[Word]:
    """Every word of a page with its box in points, origin top left (pdftotext -bbox)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    return [Word(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in re.findall(pattern, out)]


def page_image(pdf: Path, page: int = 1) -> Image.Image:
    stem = pdf.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-gray", "-png", "-f", str(page), "-l", str(page), "-singlefile"]
        + [str(pdf), str(stem)],
        check=True,
    )
    return Image.open(f"{stem}.png").convert("L")


def vertical_lines(image: Image.Image, top: float, bottom: float) -> list[float]:
    """The x (points) of the lines drawn from `top` to `bottom` (points): pixel columns dark over
    nearly the whole band. Letters never run unbroken through a header's lines."""
    y0, y1 = round(top * SCALE), round(bottom * SCALE)
    pixels = image.load()
    dark_columns = [
        x for x in range(image.width) if sum(pixels[x, y] < 185 for y in range(y0, y1)) >= 0.97 * (y1 - y0)
    ]
    lines: list[list[int]] = []
    for x in dark_columns:
        if lines and x - lines[-1][-1] <= 1:
            lines[-1].append(x)
        else:
            lines.append([x])
    return [sum(group) / len(group) / SCALE for group in lines]


def table_top(image: Image.Image, x: float, y: float) -> float:
    """Where the line through (x, y) begins, going up (points)."""
    pixels = image.load()
    px, py = round(x * SCALE), round(y * SCALE)
    while py > 0 and min(pixels[px + dx, py - 1] for dx in (-1, 0, 1)) < 185:
        py -= 1
    return py / SCALE


def column_of(word: Word, lines: list[float], slack: float = 0.3) -> int | None:
    for i in range(len(lines) - 1):
        if lines[i] - slack <= word.x0 and word.x1 <= lines[i + 1] + slack:
            return i
    return None


@pytest.fixture
def form_a(actor, world, tmp_path):  # noqa: F811
    report = dekon_quarterly(
        actor=actor, fiscal_year=YEAR, quarter=3, province=KALTIM, report_date=dt.date(2026, 10, 7)
    )
    path = tmp_path / "dekon.pdf"
    path.write_bytes(render(report, "pdf"))
    words = page_words(path)
    numbers = [w for w in words if re.fullmatch(r"\(\d+\)", w.text)]  # the (1) … (17) row
    first_header = min((w for w in words if w.text == "No."), key=lambda w: w.y0)
    bottom = min(w.y0 for w in numbers) - 1.5
    image = page_image(path)
    # The table's left border, followed up from "No." to where the table starts.
    left = vertical_lines(image, first_header.y0, bottom)[0]
    top = table_top(image, left, first_header.y0) + 1
    lines = vertical_lines(image, top, bottom)
    header = [w for w in words if w.y0 >= top and w.y1 <= bottom + 1]
    body = [w for w in words if w.y0 > max(n.y1 for n in numbers)]
    return lines, header, body


class TestFormAPrinted:
    def test_the_grid_has_one_cell_per_column(self, form_a):
        lines, _header, _body = form_a
        assert len(lines) == 17 + 1

    def test_every_header_word_lies_inside_one_cell(self, form_a):
        lines, header, _body = form_a
        outside = [w.text for w in header if column_of(w, lines) is None]
        assert outside == []
        # The two: "Pagu PHLN" and "Pagu Rupiah Murni" in cells of their own, as are
        # "Penyerapan (%)" and "Indikator keluaran".
        column = {w.text: column_of(w, lines) for w in header}
        assert column["PHLN"] != column["Murni"]
        assert column["Penyerapan"] != column["Indikator"]

    def test_no_two_header_words_overlap(self, form_a):
        _lines, header, _body = form_a
        clashes = [(a.text, b.text) for i, a in enumerate(header) for b in header[i + 1 :] if a.overlaps(b)]
        assert clashes == []

    def test_figures_end_at_the_right_edge_of_their_cell(self, form_a):
        lines, _header, body = form_a
        figures = [w for w in body if FIGURE.match(w.text)]
        assert any(w.text == "120.000.000" for w in figures) and any(w.text == "75,00" for w in figures)
        for word in figures:
            i = column_of(word, lines)
            assert i is not None, word
            assert lines[i + 1] - word.x1 <= CELL_PADDING + 1.5, word
            assert word.x0 - lines[i] > CELL_PADDING + 1.5, word  # not left-aligned in a snug cell


def test_province_labels_of_a_chart_stand_apart_each_in_full(tmp_path):
    provinces_csv = Path(__file__).resolve().parents[2] / "regions/data/regions/provinces.csv"
    with provinces_csv.open(encoding="utf-8") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    assert len(names) == 38
    values = [float(10 + i) for i in range(len(names))]
    chart = bar_chart(names, [("Penyerapan (%)", values, BLUE), ("Rencana RPD (%)", values, ORANGE)])
    path = tmp_path / "chart.pdf"
    path.write_bytes(_build([chart], "t", "f", compress=True))
    axis_zero = next(w for w in page_words(path) if w.text == "0")
    below_axis = [w for w in page_words(path) if axis_zero.y1 + 2 < w.y0 < axis_zero.y1 + 120]
    labels = sorted(below_axis, key=lambda w: w.x0)
    # Words of one label share its column; two labels whose boxes meet would merge into one group.
    groups: list[list[Word]] = []
    for word in labels:
        if groups and word.x0 < max(w.x1 for w in groups[-1]):
            groups[-1].append(word)
        else:
            groups.append([word])
    shown = [" ".join(w.text for w in sorted(group, key=lambda w: -w.y1)) for group in groups]
    assert shown == names


@pytest.mark.parametrize("kind", ["dekon", "rakor"])
def test_no_cell_of_the_workbooks_holds_a_literal_quote(actor, world, kind):  # noqa: F811
    if kind == "dekon":
        report = dekon_quarterly(actor=actor, fiscal_year=YEAR, quarter=3, province=KALTIM)
    else:
        report = rakor_pack(actor=actor, fiscal_year=YEAR, as_of=dt.date(2026, 9, 30))
    wb = load_workbook(io.BytesIO(render(report, "xlsx")))
    quoted = [
        (ws.title, cell.coordinate, cell.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("'")
    ]
    assert quoted == []
    if kind == "dekon":
        ws = wb["Form A"]
        register = ws.cell(row=10, column=4)
        assert register.value == "-" and register.data_type == "s" and register.quotePrefix
        # A figure is a number, aligned as a number (right), not as text.
        pagu = ws.cell(row=10, column=7)
        assert pagu.value == 120_000_000 and pagu.alignment.horizontal in (None, "general", "right")


def test_the_workbook_chart_names_every_province_upright():
    import zipfile

    from openpyxl import Workbook
    from openpyxl.chart import Reference

    from sentra.programmes.reports.xlsx import _bar_chart

    provinces_csv = Path(__file__).resolve().parents[2] / "regions/data/regions/provinces.csv"
    with provinces_csv.open(encoding="utf-8") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    wb = Workbook()
    ws = wb.active
    ws.append(["Provinsi", "Penyerapan (%)"])
    for i, name in enumerate(names):
        ws.append([name, float(i)])
    end = len(names) + 1
    cats = Reference(ws, min_col=1, min_row=2, max_row=end)
    _bar_chart(ws, "t", "%", cats, [Reference(ws, min_col=2, min_row=1, max_row=end)], "D2")
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        chart = package.read("xl/charts/chart1.xml").decode()
    category_axis = re.search(r"<(?:c:)?catAx>.*?</(?:c:)?catAx>", chart, re.S).group(0)
    assert 'rot="-5400000"' in category_axis  # upright
    assert re.search(r'<(?:c:)?tickLblSkip val="1"', category_axis)  # every name, none skipped
