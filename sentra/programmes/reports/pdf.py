"""PDF layout of the reports (reportlab): landscape A4, the built-in Helvetica fonts, charts drawn by
reportlab.graphics, so nothing is fetched at run time. Every text from the database is XML-escaped
before it enters a Paragraph (reportlab's mini-markup)."""

from __future__ import annotations

import math
from io import BytesIO
from xml.sax.saxutils import escape  # nosec B406 - escapes text for Paragraph markup; parses nothing

from django.utils.translation import gettext as _
from reportlab import rl_config

# Two reportlab settings, set once for the process when this module is imported, before any other
# reportlab module (reportlab.graphics reads shapeChecking when it is imported). rl_config is
# process-wide and reportlab has no per-canvas option for either; toggling them around each render
# (as before) raced under a threaded server (gunicorn gthread). Only this module uses reportlab.
# - useA85=0: compressed page streams without the ASCII85 layer (reportlab's encoder is pure
#   Python: ~10 % of a national pack); the PDF stays valid, just binary.
# - shapeChecking=0: chart shapes without per-attribute type checks (the charts' values are set here
#   and tested).
rl_config.useA85 = 0
rl_config.shapeChecking = 0

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.lib.utils import simpleSplit  # noqa: E402
from reportlab.pdfbase.pdfmetrics import stringWidth  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from sentra.core.pdf import NumberedCanvas, page_number  # noqa: E402

from .data import DekonReport, RakorPack, lagging_note, long_date  # noqa: E402
from .xlsx import AGGREGATE_COLUMNS, FORM_A_COLUMNS, FORM_B_COLUMNS, FORM_C_COLUMNS, NOTES  # noqa: E402

PAGE = landscape(A4)
MARGIN = 12 * mm
WIDTH = PAGE[0] - 2 * MARGIN
# A table fills the frame inside the margins (SimpleDocTemplate's frame pads 6 pt on each side).
TABLE_WIDTH = WIDTH - 12
BLUE = colors.HexColor("#1F4E79")
ORANGE = colors.HexColor("#E07B00")
HEAD = colors.HexColor("#DCE6F1")
TOTAL = colors.HexColor("#F2F2F2")

_styles = getSampleStyleSheet()
CELL = ParagraphStyle("cell", parent=_styles["Normal"], fontName="Helvetica", fontSize=6.5, leading=8)
CELL_HEAD = ParagraphStyle("cellhead", parent=CELL, fontName="Helvetica-Bold", fontSize=6, leading=7.5)
NORMAL = ParagraphStyle("normal", parent=_styles["Normal"], fontName="Helvetica", fontSize=9, leading=11)
SMALL = ParagraphStyle("small", parent=NORMAL, fontSize=7.5, leading=9, textColor=colors.HexColor("#555555"))
H1 = ParagraphStyle("h1", parent=_styles["Title"], fontName="Helvetica-Bold", fontSize=13, leading=16)
H2 = ParagraphStyle("h2", parent=_styles["Heading2"], fontName="Helvetica-Bold", fontSize=11, leading=14)
COVER = ParagraphStyle("cover", parent=H1, fontSize=26, leading=32)


def rp(value) -> str:
    """Rupiah with Indonesian thousands dots: 1.234.567."""
    return f"{int(value or 0):,}".replace(",", ".")


def pct(value) -> str:
    """A percentage with a decimal comma; a dash when there is none."""
    if value is None:
        return "–"
    return f"{float(value):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def num(value) -> str:
    if value is None:
        return "–"
    value = float(value)
    return rp(value) if value == int(value) else pct(value)


def p(text, style=CELL) -> Paragraph:
    return Paragraph(escape(str(text if text is not None else "")), style)


def _cell(value, width: float, font: str = CELL.fontName, size: float = CELL.fontSize) -> str:
    """A table cell as plain text, wrapped at word boundaries to the column's width: a Paragraph per
    cell (its markup parsed, laid out and drawn) is what made a national Rakor pack slow. A word
    wider than the column (possible only in a text column squeezed below its longest word) is cut
    into pieces that fit rather than left to run over the next column."""
    text = str(value if value is not None else "")
    if len(text) <= SHORT_CELL and (" " not in text or stringWidth(text, font, size) <= width):
        return text  # figures and codes are never broken (_column_widths makes room for them)
    lines = []
    for line in simpleSplit(text, font, size, width):
        while stringWidth(line, font, size) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and stringWidth(line[:cut], font, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return "\n".join(lines)


SHORT_CELL = 16
CELL_PADDING = 2


def _widest_word(text: str, font: str, size: float) -> float:
    return max((stringWidth(word, font, size) for word in str(text).split()), default=0.0)


def _column_widths(
    headers: list[str], rows: list[list], weights: list[float], numeric: set[int]
) -> list[float]:
    """The columns' widths on the page: in proportion to `weights`, but never narrower than a
    header's longest word or a column's widest figure (those are never wrapped), so no header
    and no number runs over its neighbour. What the minimums take is taken from the others."""
    head = (CELL_HEAD.fontName, CELL_HEAD.fontSize)
    body = (CELL.fontName, CELL.fontSize)
    minimum = []
    for i, header in enumerate(headers):
        need = _widest_word(header, *head)
        for row in rows:
            value = row[i]
            if isinstance(value, Paragraph):
                continue
            text = str(value if value is not None else "")
            need = max(need, stringWidth(text, *body) if i in numeric or len(text) <= SHORT_CELL else 0.0)
        minimum.append(need + 2 * CELL_PADDING + 0.5)
    widths = [w * TABLE_WIDTH / sum(weights) for w in weights]
    fixed: set[int] = set()
    for _round in range(len(widths)):
        short = {i for i, w in enumerate(widths) if w < minimum[i] - 1e-6} - fixed
        if not short:
            break
        fixed |= short
        free = [i for i in range(len(widths)) if i not in fixed]
        rest = TABLE_WIDTH - sum(minimum[i] for i in fixed)
        if not free or rest <= 0:  # more minimum than page: keep the minimums, the page scales
            return [max(w, m) for w, m in zip(widths, minimum, strict=True)]
        free_weight = sum(weights[i] for i in free)
        widths = [minimum[i] if i in fixed else weights[i] * rest / free_weight for i in range(len(widths))]
    return widths


def _table(
    headers: list[str],
    rows: list[list],
    widths: list[float],
    totals: set[int] = frozenset(),
    numbered=False,
    numeric: set[int] = frozenset(),
):
    """A grid table; row indices in `totals` are drawn bold on grey. Text cells wrap; the columns in
    `numeric` (figures, percentages, counts) are right-aligned, as on the printed forms."""
    col_widths = _column_widths(headers, rows, widths, set(numeric))
    text_widths = [w - 2 * CELL_PADDING for w in col_widths]
    head = (CELL_HEAD.fontName, CELL_HEAD.fontSize)
    body = [[_cell(h, w, *head) for h, w in zip(headers, text_widths, strict=True)]]
    if numbered:
        body.append([f"({i})" for i in range(1, len(headers) + 1)])
    offset = len(body)
    for row in rows:
        body.append(
            [v if isinstance(v, Paragraph) else _cell(v, w) for v, w in zip(row, text_widths, strict=True)]
        )
    table = Table(body, colWidths=col_widths, repeatRows=offset)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, offset - 1), HEAD),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, offset - 1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, offset - 1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("FONT", (0, 0), (-1, offset - 1), CELL_HEAD.fontName, CELL_HEAD.fontSize, CELL_HEAD.leading),
        ("FONT", (0, offset), (-1, -1), CELL.fontName, CELL.fontSize, CELL.leading),
    ]
    for i in sorted(numeric):
        style.append(("ALIGN", (i, offset), (i, -1), "RIGHT"))
    for i in totals:
        style.append(("BACKGROUND", (0, i + offset), (-1, i + offset), TOTAL))
    table.setStyle(TableStyle(style))
    return table


def _numeric(columns) -> set[int]:
    """The figure columns of a form: those the workbook gives a number format."""
    return {i for i, (_header, _width, fmt) in enumerate(columns) if fmt}


def _footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 7)
    canvas.setFillColor(colors.grey)
    canvas.drawString(MARGIN, 7 * mm, getattr(doc, "sentra_footer", ""))
    page_number(canvas, PAGE[0] - MARGIN, 7 * mm, color=colors.grey)
    canvas.restoreState()


def _build(story: list, title: str, footer: str, compress: bool) -> bytes:
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=14 * mm,
        title=title,
        author="Sentra",
        pageCompression=1 if compress else 0,
    )
    doc.sentra_footer = footer
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer, canvasmaker=NumberedCanvas)
    return buffer.getvalue()


# --- dekon -------------------------------------------------------------------------------------------


def _dekon_header(report: DekonReport, form: str) -> list:
    from .xlsx import dekon_header_lines

    lines = [[p(label, CELL_HEAD), p(value)] for label, value in dekon_header_lines(report)]
    head = Table(lines, colWidths=[45 * mm, WIDTH - 45 * mm])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [p(report.form_title(form), H1), head, Spacer(1, 4 * mm)]


def _signature(report: DekonReport) -> KeepTogether:
    lines = [
        f"{report.place}, {long_date(report.report_date)}",
        report.signatory_role,
        report.signatory_agency,
    ]
    block = [p(text, NORMAL) for text in lines] + [Spacer(1, 18 * mm)]
    block += [
        p("(.......................................)", NORMAL),
        p(_("NIP. ...................."), NORMAL),
    ]
    table = Table([["", block]], colWidths=[WIDTH * 0.6, WIDTH * 0.4])
    return KeepTogether([Spacer(1, 6 * mm), table])


def _aggregate_cells(row) -> list:
    return [
        str(row.activities),
        rp(row.pagu),
        rp(row.realised_quarter),
        rp(row.realised_cumulative),
        pct(row.absorption),
        pct(row.achievement),
        pct(row.physical),
        str(row.with_obstacles),
    ]


def dekon_pdf(report: DekonReport, compress: bool = True) -> bytes:
    story: list = []
    story += _dekon_header(report, "A")
    rows = [
        [
            str(i),
            r.code,
            r.name,
            "-",
            rp(r.pagu_phln),
            rp(r.pagu_rm),
            rp(r.pagu),
            rp(r.realised_quarter),
            rp(r.realised_cumulative),
            pct(r.absorption),
            r.indicator,
            r.unit,
            num(r.target),
            num(r.achieved),
            pct(r.achievement),
            pct(r.physical),
            r.obstacles,
        ]
        for i, r in enumerate(report.form_a, 1)
    ]
    t = report.total
    rows.append(
        ["", "", _("Jumlah"), "", rp(0), rp(t.pagu), rp(t.pagu), rp(t.realised_quarter)]
        + [
            rp(t.realised_cumulative),
            pct(t.absorption),
            "",
            "",
            "",
            "",
            pct(t.achievement),
            pct(t.physical),
            "",
        ]
    )
    widths = [4, 10, 20, 8, 8, 11, 11, 11, 11, 8, 17, 7, 7, 8, 8, 8, 20]
    headers = [str(c[0]) for c in FORM_A_COLUMNS]
    story.append(_table(headers, rows, widths, {len(rows) - 1}, True, _numeric(FORM_A_COLUMNS)))
    story.append(_signature(report))
    story.append(PageBreak())

    story += _dekon_header(report, "B")
    rows = [[str(i), r.code, r.name, *_aggregate_cells(r)] for i, r in enumerate(report.form_b, 1)]
    rows.append(["", "", _("Jumlah"), *_aggregate_cells(t)])
    headers = [str(c[0]) for c in FORM_B_COLUMNS + AGGREGATE_COLUMNS]
    widths = [4, 12, 36, 8, 14, 14, 14, 9, 10, 10, 9]
    numeric = _numeric(FORM_B_COLUMNS + AGGREGATE_COLUMNS)
    story.append(_table(headers, rows, widths, {len(rows) - 1}, True, numeric))
    story.append(_signature(report))
    story.append(PageBreak())

    story += _dekon_header(report, "C")
    rows, totals, number = [], set(), 0
    for block in report.form_c:
        for r in block.programmes:
            number += 1
            rows.append([str(number), block.name, r.code, r.name, *_aggregate_cells(r)])
        totals.add(len(rows))
        rows.append(["", block.name, "", _("Jumlah instansi"), *_aggregate_cells(block.total)])
    totals.add(len(rows))
    rows.append(["", "", "", _("Jumlah"), *_aggregate_cells(t)])
    headers = [str(c[0]) for c in FORM_C_COLUMNS + AGGREGATE_COLUMNS]
    widths = [4, 22, 11, 28, 8, 13, 13, 13, 9, 10, 10, 9]
    numeric = _numeric(FORM_C_COLUMNS + AGGREGATE_COLUMNS)
    story.append(_table(headers, rows, widths, totals, True, numeric))
    story.append(_signature(report))
    story.append(Spacer(1, 4 * mm))
    story += [p(str(note), SMALL) for note in NOTES]
    title = report.title
    return _build(story, title, f"Sentra · {title}", compress)


# --- rakor -------------------------------------------------------------------------------------------


def _short(text: str, n: int = 14) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _nice_step(top: float, ticks: int = 6) -> float:
    """A round tick step (1, 2, 2.5 or 5 × 10^k) giving about `ticks` steps up to `top`."""
    raw = top / ticks
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


class _Chart(Flowable):
    """A chart drawn straight on the page canvas: axes, ticks, bars or lines, labels and a legend.

    reportlab.graphics' chart widgets built a tree of shapes and labels per chart (each attribute
    through its property machinery, each label measured and rendered node by node): half the time
    of a national Rakor PDF. The same figures, scales, colours and legend drawn here take a few
    canvas calls each."""

    def __init__(self, height, labels, series, value_max, step, *, x, y, bottom_pad, label_size, angle):
        super().__init__()
        self.height = height
        self.labels, self.series = labels, series
        self.value_max, self.step = value_max, step
        self.x0, self.y0 = x, y
        self.plot_w, self.plot_h = WIDTH - 160, height - bottom_pad
        self.label_size, self.angle = label_size, angle

    def wrap(self, available_width, available_height):
        return WIDTH, self.height

    def _y(self, value: float) -> float:
        return self.y0 + min(max(value, 0.0), self.value_max) / self.value_max * self.plot_h

    def _axes(self, canvas) -> None:
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(1)
        canvas.line(self.x0, self.y0, self.x0 + self.plot_w, self.y0)
        canvas.line(self.x0, self.y0, self.x0, self.y0 + self.plot_h)
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.black)
        value, n = 0.0, 0
        while value <= self.value_max + 1e-9:
            y = self._y(value)
            canvas.line(self.x0 - 5, y, self.x0, y)
            canvas.drawRightString(self.x0 - 7, y - 2.5, f"{value:g}")
            n += 1
            value = n * self.step
        width = self.plot_w / max(len(self.labels), 1)
        canvas.setFont("Helvetica", self.label_size)
        for i, label in enumerate(self.labels):
            canvas.line(self.x0 + i * width, self.y0, self.x0 + i * width, self.y0 - 5)
            centre = self.x0 + (i + 0.5) * width
            if self.angle:
                canvas.saveState()
                canvas.translate(centre, self.y0 - 6)
                canvas.rotate(self.angle)
                # Upright labels are centred on their bar; slanted ones hang below the tick.
                drop = self.label_size * (0.35 if self.angle == 90 else 1)
                canvas.drawRightString(0, -drop, label)
                canvas.restoreState()
            else:
                canvas.drawCentredString(centre, self.y0 - 6 - self.label_size, label)
        canvas.line(self.x0 + self.plot_w, self.y0, self.x0 + self.plot_w, self.y0 - 5)

    def _legend(self, canvas) -> None:
        x, y = WIDTH - 115, self.height - 20
        canvas.setFont("Helvetica", 7)
        for name, _values, colour in self.series:
            canvas.setFillColor(colour)
            canvas.rect(x, y - 3, 8, 8, stroke=0, fill=1)
            canvas.setFillColor(colors.black)
            canvas.drawString(x + 12, y - 1, str(name))
            y -= 12


class _BarChart(_Chart):
    def draw(self):
        canvas = self.canv
        canvas.saveState()
        n, k = max(len(self.labels), 1), max(len(self.series), 1)
        width = self.plot_w / n
        gap = min(5.0, width * 0.2)
        bar = (width - gap) / k
        show_values = len(self.labels) <= 15  # 38 provinces: the table has the values
        for j, (_name, values, colour) in enumerate(self.series):
            canvas.setFillColor(colour)
            for i, value in enumerate(values):
                top = self._y(value)
                if top > self.y0:
                    canvas.rect(self.x0 + i * width + gap / 2 + j * bar, self.y0, bar, top - self.y0, 0, 1)
        if show_values:
            canvas.setFillColor(colors.black)
            canvas.setFont("Helvetica", 6)
            for j, (_name, values, _colour) in enumerate(self.series):
                for i, value in enumerate(values):
                    centre = self.x0 + i * width + gap / 2 + (j + 0.5) * bar
                    canvas.drawCentredString(centre, self._y(value) + 3, f"{value:.1f}")
        self._axes(canvas)
        self._legend(canvas)
        canvas.restoreState()


class _LineChart(_Chart):
    def draw(self):
        canvas = self.canv
        canvas.saveState()
        width = self.plot_w / max(len(self.labels), 1)
        canvas.setLineWidth(2)
        canvas.setLineJoin(1)
        for _name, values, colour in self.series:
            points = [
                (self.x0 + (i + 0.5) * width, self._y(v)) for i, v in enumerate(values) if v is not None
            ]
            if len(points) > 1:
                path = canvas.beginPath()
                path.moveTo(*points[0])
                for point in points[1:]:
                    path.lineTo(*point)
                canvas.setStrokeColor(colour)
                canvas.drawPath(path, stroke=1, fill=0)
        self._axes(canvas)
        self._legend(canvas)
        canvas.setFont("Helvetica", 7)
        canvas.drawString(0, self.height - 10, "%")
        canvas.restoreState()


def bar_chart(labels: list[str], series: list[tuple[str, list[float], object]], height=75 * mm) -> Flowable:
    """Vertical bars per label (one colour per series) with a legend; values in %.

    Labels that fit side by side stand level; otherwise each stands upright under its bar, in full
    (up to LABEL_CHARS): slanted labels of 38 provinces ran into each other, and names cut to 14
    characters could not tell Sulawesi Tengah from Sulawesi Tenggara."""
    series = [(name, [float(v or 0) for v in values], colour) for name, values, colour in series]
    top = max([v for _n, values, _c in series for v in values] + [100.0]) * 1.05
    size = 6.5
    slot = (WIDTH - 160) / max(len(labels), 1)
    level = [_short(label) for label in labels]
    if all(stringWidth(label, "Helvetica", size) <= slot - 4 for label in level):
        shown, angle, bottom_pad = level, 0, 60
    else:
        shown = [_short(label, LABEL_CHARS) for label in labels]
        longest = max((stringWidth(label, "Helvetica", size) for label in shown), default=0.0)
        angle, bottom_pad = 90, max(60, longest + 15)
        height += bottom_pad - 60  # the plot keeps its height; the labels get theirs
    return _BarChart(
        height,
        shown,
        series,
        top,
        _nice_step(top),
        x=35,
        y=bottom_pad - 15,
        bottom_pad=bottom_pad,
        label_size=size,
        angle=angle,
    )


LABEL_CHARS = 32


def line_chart(labels: list[str], series: list[tuple[str, list[float | None], object]], height=85 * mm):
    """Cumulative % per month (0–100, a tick every 10), one line per series, with a legend."""
    series = [(name, [None if v is None else float(v) for v in values], c) for name, values, c in series]
    return _LineChart(
        height, list(labels), series, 100.0, 10.0, x=35, y=30, bottom_pad=45, label_size=7, angle=0
    )


def _section(title: str) -> list:
    return [PageBreak(), p(title, H1), Spacer(1, 3 * mm)]


def rakor_pdf(pack: RakorPack, compress: bool = True) -> bytes:
    story: list = [Spacer(1, 45 * mm), p(pack.title, COVER), Spacer(1, 8 * mm)]
    for line in (
        _("Keadaan per %(date)s") % {"date": long_date(pack.as_of)},
        _("Wilayah: %(scope)s") % {"scope": pack.scope_label},
        _("Sumber dana: %(s)s") % {"s": pack.sources_label},
        _("Disusun oleh: %(u)s (Sentra)") % {"u": pack.generated_by},
    ):
        story.append(p(line, ParagraphStyle("coverline", parent=NORMAL, fontSize=13, leading=18)))

    total = pack.total
    story += _section(_("Ringkasan s.d. %(m)s") % {"m": pack.month_label})
    cards = [
        (_("Pagu"), "Rp " + rp(total.pagu)),
        (_("Realisasi"), "Rp " + rp(total.realised_to_date)),
        (_("Penyerapan"), pct(total.absorption) + " %"),
        (_("Target TW"), pct(pack.target) + " %"),
        (_("Deviasi RPD"), pct(total.deviation) + " %"),
        (_("Capaian keluaran"), pct(pack.output_achievement) + " %"),
    ]
    big = ParagraphStyle("big", parent=NORMAL, fontName="Helvetica-Bold", fontSize=12, leading=15)
    card_table = Table(
        [[p(label, NORMAL) for label, _v in cards], [p(value, big) for _l, value in cards]],
        colWidths=[WIDTH / len(cards)] * len(cards),
    )
    card_table.setStyle(
        TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.grey), ("BACKGROUND", (0, 0), (-1, -1), HEAD)])
    )
    story += [card_table, Spacer(1, 5 * mm)]
    summary = [
        [_("Pagu (Rp)"), rp(total.pagu)],
        [_("Rencana penarikan (RPD) s.d. bulan (Rp)"), rp(total.plan_to_date)],
        [_("Realisasi s.d. bulan (Rp)"), rp(total.realised_to_date)],
        [_("Penyerapan (%)"), pct(total.absorption)],
        [_("Rencana penyerapan RPD (%)"), pct(total.planned_absorption)],
        [_("Target penyerapan triwulan (%)"), pct(pack.target)],
        [_("Selisih terhadap target (poin %)"), pct(round(total.absorption - pack.target, 2))],
        [_("Deviasi halaman III DIPA rata-rata (%)"), pct(total.deviation)],
        [_("Capaian keluaran rata-rata (%)"), pct(pack.output_achievement)],
        [_("Jumlah kegiatan"), str(total.activities)],
        [_("Kegiatan terlambat (> %(t)s poin)") % {"t": pack.threshold}, str(pack.lagging_count)],
    ]
    story.append(_table([_("Uraian"), _("Nilai")], summary, [3, 1], numeric={1}))

    story += _section(_("Penyerapan anggaran per provinsi"))
    labels = [r.name for r in pack.provinces]
    story.append(
        bar_chart(
            labels,
            [
                (_("Penyerapan (%)"), [r.absorption for r in pack.provinces], BLUE),
                (_("Rencana RPD (%)"), [r.planned_absorption for r in pack.provinces], ORANGE),
            ],
        )
    )
    rows = [
        [r.code, r.name, str(r.activities), rp(r.pagu), rp(r.realised_to_date), pct(r.absorption)]
        + [pct(r.target), pct(r.gap_to_target), pct(r.planned_absorption)]
        for r in pack.provinces
    ]
    headers = [_("Kode"), _("Provinsi"), _("Kegiatan"), _("Pagu (Rp)"), _("Realisasi (Rp)")]
    headers += [_("Penyerapan (%)"), _("Target TW (%)"), _("Selisih target (poin)"), _("Rencana RPD (%)")]
    story.append(_table(headers, rows, [5, 25, 7, 15, 15, 9, 9, 9, 9], numeric=set(range(2, 9))))

    story += _section(_("Kurva S: rencana (RPD) dan realisasi kumulatif"))
    months = [str(_month(r["month"]))[:3] for r in pack.s_curve]
    story.append(
        line_chart(
            months,
            [
                (_("Rencana RPD (%)"), [r["plan"] for r in pack.s_curve], ORANGE),
                (_("Realisasi (%)"), [r["realised"] for r in pack.s_curve], BLUE),
            ],
        )
    )
    rows = [[str(_month(r["month"])), pct(r["plan"]), pct(r["realised"])] for r in pack.s_curve]
    story.append(
        _table(
            [_("Bulan"), _("Rencana RPD kumulatif (%)"), _("Realisasi kumulatif (%)")],
            rows,
            [2, 2, 2],
            numeric={1, 2},
        )
    )

    story += _section(_("Deviasi halaman III DIPA per provinsi"))
    story.append(
        bar_chart(labels, [(_("Deviasi rata-rata (%)"), [r.deviation for r in pack.provinces], ORANGE)])
    )
    rows = [
        [r.code, r.name, rp(r.plan_to_date), rp(r.realised_to_date), pct(r.deviation), pct(r.deviation_month)]
        + [pct(r.lag)]
        for r in pack.provinces
    ]
    headers = [_("Kode"), _("Provinsi"), _("Rencana RPD s.d. bulan (Rp)"), _("Realisasi s.d. bulan (Rp)")]
    headers += [_("Deviasi rata-rata (%)"), _("Deviasi bulan terakhir (%)"), _("Keterlambatan (poin %)")]
    story.append(_table(headers, rows, [5, 25, 15, 15, 10, 10, 10], numeric=set(range(2, 7))))

    story += _section(_("Kegiatan terlambat (lebih dari %(t)s poin di belakang RPD)") % {"t": pack.threshold})
    if pack.lagging_count > len(pack.lagging):
        story.append(p(lagging_note(pack), SMALL))
    rows = [
        [r.code, r.name, r.province, r.owner, r.officer, r.programme, rp(r.pagu), pct(r.absorption)]
        + [pct(r.planned_absorption), pct(r.lag), str(r.months_lagging), pct(r.achievement)]
        for r in pack.lagging
    ]
    if rows:
        headers = [_("Kode"), _("Kegiatan"), _("Provinsi"), _("Penanggung jawab (satker)")]
        headers += [_("Pejabat penanggung jawab"), _("Program"), _("Pagu (Rp)"), _("Penyerapan (%)")]
        headers += [_("Rencana RPD (%)"), _("Keterlambatan (poin %)"), _("Bulan terlambat")]
        headers.append(_("Capaian keluaran (%)"))
        story.append(
            _table(headers, rows, [8, 19, 11, 17, 14, 15, 11, 7, 7, 8, 6, 7], numeric=set(range(6, 12)))
        )
    else:
        story.append(p(_("Tidak ada kegiatan yang terlambat."), NORMAL))

    story += _section(_("Capaian keluaran per provinsi"))
    story.append(
        bar_chart(
            [r.name for r in pack.outputs],
            [(_("Capaian keluaran rata-rata (%)"), [r.achievement for r in pack.outputs], BLUE)],
        )
    )
    rows = [[r.code, r.name, str(r.with_output), str(r.complete), pct(r.achievement)] for r in pack.outputs]
    headers = [_("Kode"), _("Provinsi"), _("Kegiatan dengan keluaran"), _("Keluaran tercapai 100%")]
    headers.append(_("Capaian keluaran rata-rata (%)"))
    story.append(_table(headers, rows, [5, 25, 10, 10, 10], numeric={2, 3, 4}))
    story.append(Spacer(1, 4 * mm))
    story.append(
        p(
            _(
                "Penyerapan = realisasi kumulatif / pagu; deviasi = rata-rata |realisasi − RPD| / RPD "
                "per bulan (IKPA); capaian keluaran = capaian kumulatif keluaran utama / target, "
                "paling tinggi 100% per kegiatan."
            ),
            SMALL,
        )
    )
    return _build(story, pack.title, f"Sentra · {pack.title} · {long_date(pack.as_of)}", compress)


def _month(month: int):
    from ..choices import Month

    return Month(month).label
