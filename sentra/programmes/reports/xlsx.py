"""XLSX layout of the reports (openpyxl); text that looks like a formula is kept as text (see _write).

The dekon report puts each form on its own sheet: a header block (rows 1–6), the column headers on
row HEADER_ROW, the column numbers (1), (2)… under them as on the printed forms, the data from
FIRST_DATA_ROW, a total row and the signature block. The Rakor pack has one sheet per section and
native Excel charts that read the sheet's own cells.
"""

from __future__ import annotations

from copy import copy
from io import BytesIO

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RichTextProperties
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from sentra.core.exports import FORMULA_PREFIXES
from sentra.core.text import replace_controls

from .data import DekonReport, RakorPack, lagging_note, long_date

HEADER_ROW = 8
FIRST_DATA_ROW = HEADER_ROW + 2
RUPIAH = "#,##0"
PERCENT = "0.00"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def _text_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def _write(ws, row: int, column: int, value):
    """A cell holding `value` as written: numbers as numbers, text as text. Text that a spreadsheet
    could take for a formula (= + - @ …) is stored as a string cell with Excel's quote prefix (a
    cell style, not a character): shown as typed, never run, and no literal ' in the cell (the
    CSV exports need the character; a workbook does not)."""
    if value is None:
        value = ""
    elif isinstance(value, Promise):  # a lazy translation (headers, titles)
        value = str(value)
    cell = ws.cell(row=row, column=column)
    cell.value = replace_controls(value) if isinstance(value, str) else value
    if _text_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _put(ws, row: int, col: int, value, fmt: str | None = None, font=None, fill=None, border=True):
    cell = _write(ws, row, col, value)
    fmt = fmt if fmt and isinstance(value, int | float) else None
    # Setting a style looks it up in the workbook by hashing it (most of the time of a national pack):
    # each combination is set once per workbook, then the cell takes a copy of the first one's indexes.
    styles = ws.parent.__dict__.setdefault("_sentra_styles", {})
    quoted = _text_like_formula(cell.value)
    key = (fmt, id(font) if font else None, id(fill) if fill else None, border, quoted)
    if key in styles:
        cell._style = copy(styles[key])
        return cell
    if fmt:
        cell.number_format = fmt
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if border:
        cell.border = BOX
    cell.alignment = WRAP
    styles[key] = copy(cell._style)
    return cell


def _table(
    ws, top: int, columns: list[tuple[str, int, str | None]], rows: list[list], numbered: bool = False
):
    """Writes headers at `top` (and column numbers under them), then rows; returns the next free row."""
    for col, (header, width, _fmt) in enumerate(columns, 1):
        _put(ws, top, col, header, font=BOLD, fill=HEAD_FILL)
        ws.column_dimensions[get_column_letter(col)].width = width
    row = top + 1
    if numbered:
        for col in range(1, len(columns) + 1):
            _put(ws, row, col, f"({col})", fill=HEAD_FILL).alignment = Alignment(horizontal="center")
        row += 1
    for values in rows:
        is_total = bool(values) and values[0] == "__total__"
        if is_total:
            values = ["", *values[1:]]
        for col, value in enumerate(values, 1):
            fmt = columns[col - 1][2]
            _put(ws, row, col, value, fmt, BOLD if is_total else None, TOTAL_FILL if is_total else None)
        row += 1
    return row


def _header(ws, lines: list[tuple[str, str]], title: str) -> None:
    _write(ws, 1, 1, title).font = TITLE
    for i, (label, value) in enumerate(lines, 2):
        _write(ws, i, 1, label).font = BOLD
        _write(ws, i, 3, value)


def _signature(ws, row: int, col: int, report: DekonReport) -> None:
    lines = [
        f"{report.place}, {long_date(report.report_date)}",
        report.signatory_role,
        report.signatory_agency,
        "",
        "",
        "",
        "(.......................................)",
        _("NIP. ......................................."),
    ]
    for i, text in enumerate(lines):
        _write(ws, row + 1 + i, col, text)


def _save(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- dekon -------------------------------------------------------------------------------------------

FORM_A_COLUMNS = [
    (_l("No."), 5, None),
    (_l("Kode sub kegiatan DIPA"), 14, None),
    (_l("Nama kegiatan"), 34, None),
    (_l("Nomor register PHLN"), 12, None),
    (_l("Pagu PHLN (Rp)"), 12, RUPIAH),
    (_l("Pagu Rupiah Murni (Rp)"), 16, RUPIAH),
    (_l("Jumlah pagu (Rp)"), 16, RUPIAH),
    (_l("Realisasi triwulan ini (Rp)"), 16, RUPIAH),
    (_l("Realisasi kumulatif (Rp)"), 16, RUPIAH),
    (_l("Penyerapan (%)"), 11, PERCENT),
    (_l("Indikator keluaran"), 28, None),
    (_l("Satuan"), 9, None),
    (_l("Target"), 9, "#,##0.##"),
    (_l("Realisasi keluaran"), 10, "#,##0.##"),
    (_l("Capaian keluaran (%)"), 11, PERCENT),
    (_l("Progres fisik (%)"), 10, PERCENT),
    (_l("Kendala / permasalahan"), 36, None),
]

AGGREGATE_COLUMNS = [
    (_l("Jumlah kegiatan"), 10, "0"),
    (_l("Jumlah pagu (Rp)"), 16, RUPIAH),
    (_l("Realisasi triwulan ini (Rp)"), 16, RUPIAH),
    (_l("Realisasi kumulatif (Rp)"), 16, RUPIAH),
    (_l("Penyerapan (%)"), 11, PERCENT),
    (_l("Rata-rata capaian keluaran (%)"), 13, PERCENT),
    (_l("Rata-rata progres fisik (%)"), 12, PERCENT),
    (_l("Kegiatan dengan kendala"), 11, "0"),
]

FORM_B_COLUMNS = [(_l("No."), 5, None), (_l("Kode program"), 14, None), (_l("Nama program"), 40, None)]
FORM_C_COLUMNS = [
    (_l("No."), 5, None),
    (_l("Instansi / SKPD"), 30, None),
    (_l("Kode program"), 14, None),
    (_l("Nama program"), 36, None),
]


def _aggregate_values(row) -> list:
    return [
        row.activities,
        row.pagu,
        row.realised_quarter,
        row.realised_cumulative,
        row.absorption,
        row.achievement,
        row.physical,
        row.with_obstacles,
    ]


def dekon_header_lines(report: DekonReport) -> list[tuple[str, str]]:
    return [
        (_("Provinsi"), f"{report.province_code} {report.province_name}"),
        (_("Satker / SKPD"), "; ".join(report.satkers) or "-"),
        (_("Nomor DIPA"), "; ".join(report.dipa_numbers) or "-"),
        (_("Tahun anggaran"), str(report.fiscal_year)),
        (_("Triwulan / tanggal laporan"), f"{report.quarter_label} / {long_date(report.report_date)}"),
        (_("Sumber dana"), report.kind_label),
    ]


def dekon_xlsx(report: DekonReport) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Form A")
    _header(ws, dekon_header_lines(report), report.form_title("A"))
    rows = [
        [
            i,
            r.code,
            r.name,
            "-",
            r.pagu_phln,
            r.pagu_rm,
            r.pagu,
            r.realised_quarter,
            r.realised_cumulative,
            r.absorption,
            r.indicator,
            r.unit,
            r.target,
            r.achieved,
            r.achievement,
            r.physical,
            r.obstacles,
        ]
        for i, r in enumerate(report.form_a, 1)
    ]
    t = report.total
    rows.append(
        ["__total__", "", _("Jumlah"), "", 0, t.pagu, t.pagu, t.realised_quarter, t.realised_cumulative]
        + [t.absorption, "", "", None, None, t.achievement, t.physical, ""]
    )
    end = _table(ws, HEADER_ROW, FORM_A_COLUMNS, rows, numbered=True)
    _signature(ws, end + 1, 11, report)
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=4)

    ws = wb.create_sheet(_("Form B"))
    _header(ws, dekon_header_lines(report), report.form_title("B"))
    rows = [[i, r.code, r.name, *_aggregate_values(r)] for i, r in enumerate(report.form_b, 1)]
    rows.append(["__total__", "", _("Jumlah"), *_aggregate_values(t)])
    end = _table(ws, HEADER_ROW, FORM_B_COLUMNS + AGGREGATE_COLUMNS, rows, numbered=True)
    _signature(ws, end + 1, 8, report)

    ws = wb.create_sheet(_("Form C"))
    _header(ws, dekon_header_lines(report), report.form_title("C"))
    rows = []
    number = 0
    for block in report.form_c:
        for r in block.programmes:
            number += 1
            rows.append([number, block.name, r.code, r.name, *_aggregate_values(r)])
        rows.append(["__total__", block.name, "", _("Jumlah instansi"), *_aggregate_values(block.total)])
    rows.append(["__total__", "", "", _("Jumlah"), *_aggregate_values(t)])
    end = _table(ws, HEADER_ROW, FORM_C_COLUMNS + AGGREGATE_COLUMNS, rows, numbered=True)
    _signature(ws, end + 1, 9, report)

    note = wb.create_sheet(_("Catatan"))
    for i, text in enumerate(NOTES, 1):
        _write(note, i, 1, str(text))
    note.column_dimensions["A"].width = 120
    return _save(wb)


NOTES = [
    _l(
        "Susunan kolom mengikuti uraian Formulir A, B dan C PP 39/2006 (kegiatan, program, K/L/SKPD); "
        "bukan salinan templat resmi."
    ),
    _l("Pagu seluruhnya Rupiah Murni: Sentra belum mencatat pinjaman/hibah luar negeri (PHLN)."),
    _l(
        "Realisasi kumulatif s.d. akhir triwulan; capaian keluaran = capaian kumulatif keluaran utama / "
        "target; progres fisik dan kendala dari laporan realisasi bulanan."
    ),
]


# --- rakor -------------------------------------------------------------------------------------------


def _bar_chart(ws, title: str, y_title: str, cats: Reference, data: list[Reference], anchor: str):
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = y_title
    for ref in data:
        chart.add_data(ref, titles_from_data=True)
    chart.set_categories(cats)
    chart.height, chart.width = 9, 22
    categories = cats.max_row - cats.min_row + 1
    if categories > 8:
        # Every province named, upright, in a taller chart: left to itself a spreadsheet slants or
        # skips the 38 names, and slanted they ran into each other (issue 14.5).
        chart.x_axis.tickLblSkip = 1
        chart.x_axis.txPr = RichText(
            bodyPr=RichTextProperties(rot=UPRIGHT, vert="horz"),
            p=[
                Paragraph(
                    pPr=ParagraphProperties(defRPr=CharacterProperties(sz=700)),
                    endParaRPr=CharacterProperties(),
                )
            ],
        )
        chart.height = 13
    ws.add_chart(chart, anchor)


UPRIGHT = -5_400_000  # text rotation in 60000ths of a degree: -90°, read bottom to top


def rakor_xlsx(pack: RakorPack) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Sampul")
    _write(ws, 2, 2, pack.title).font = Font(bold=True, size=20)
    _write(ws, 4, 2, _("Keadaan per %(date)s") % {"date": long_date(pack.as_of)})
    _write(ws, 5, 2, _("Wilayah: %(scope)s") % {"scope": pack.scope_label})
    _write(ws, 6, 2, _("Sumber dana: %(s)s") % {"s": pack.sources_label})
    _write(ws, 7, 2, _("Disusun oleh: %(u)s (Sentra)") % {"u": pack.generated_by})
    ws.column_dimensions["B"].width = 90

    ws = wb.create_sheet(_("Ringkasan"))
    total = pack.total
    summary = [
        (_("Pagu (Rp)"), total.pagu, RUPIAH),
        (_("Rencana penarikan (RPD) s.d. bulan (Rp)"), total.plan_to_date, RUPIAH),
        (_("Realisasi s.d. bulan (Rp)"), total.realised_to_date, RUPIAH),
        (_("Penyerapan (%)"), total.absorption, PERCENT),
        (_("Rencana penyerapan RPD (%)"), total.planned_absorption, PERCENT),
        (_("Target penyerapan triwulan (%)"), pack.target, PERCENT),
        (_("Selisih terhadap target (poin %)"), round(total.absorption - pack.target, 2), PERCENT),
        (_("Deviasi halaman III DIPA rata-rata (%)"), total.deviation, PERCENT),
        (_("Capaian keluaran rata-rata (%)"), pack.output_achievement, PERCENT),
        (_("Jumlah kegiatan"), total.activities, "0"),
        (_("Kegiatan terlambat (> %(t)s poin)") % {"t": pack.threshold}, pack.lagging_count, "0"),
    ]
    _write(ws, 1, 1, _("Ringkasan s.d. %(m)s") % {"m": pack.month_label}).font = TITLE
    _table(ws, 3, [(_("Uraian"), 46, None), (_("Nilai"), 20, None)], [])
    for i, (label, value, fmt) in enumerate(summary, 4):
        _put(ws, i, 1, label)
        _put(ws, i, 2, value, fmt)

    ws = wb.create_sheet(_("Penyerapan Provinsi"))
    columns = [
        (_("Kode"), 7, None),
        (_("Provinsi"), 30, None),
        (_("Kegiatan"), 9, "0"),
        (_("Pagu (Rp)"), 18, RUPIAH),
        (_("Realisasi (Rp)"), 18, RUPIAH),
        (_("Penyerapan (%)"), 12, PERCENT),
        (_("Target TW (%)"), 11, PERCENT),
        (_("Selisih target (poin)"), 12, PERCENT),
        (_("Rencana RPD (%)"), 12, PERCENT),
    ]
    rows = [
        [
            p.code,
            p.name,
            p.activities,
            p.pagu,
            p.realised_to_date,
            p.absorption,
            p.target,
            p.gap_to_target,
            p.planned_absorption,
        ]
        for p in pack.provinces
    ]
    end = _table(ws, 1, columns, rows)
    if pack.provinces:
        cats = Reference(ws, min_col=2, min_row=2, max_row=end - 1)
        data = [Reference(ws, min_col=c, min_row=1, max_row=end - 1) for c in (6, 7)]
        _bar_chart(ws, _("Penyerapan per provinsi"), "%", cats, data, f"A{end + 2}")

    ws = wb.create_sheet(_("Kurva S"))
    columns = [(_("Bulan"), 14, None), (_("Rencana RPD kumulatif (%)"), 18, PERCENT)]
    columns.append((_("Realisasi kumulatif (%)"), 18, PERCENT))
    rows = [[str(_month_label(r["month"])), r["plan"], r["realised"]] for r in pack.s_curve]
    end = _table(ws, 1, columns, rows)
    chart = LineChart()
    chart.title = _("Kurva S: rencana (RPD) dan realisasi kumulatif")
    chart.y_axis.title = "%"
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=1, max_row=end - 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=end - 1))
    chart.height, chart.width = 9, 22
    ws.add_chart(chart, "E2")

    ws = wb.create_sheet(_("Deviasi Provinsi"))
    columns = [
        (_("Kode"), 7, None),
        (_("Provinsi"), 30, None),
        (_("Rencana RPD s.d. bulan (Rp)"), 18, RUPIAH),
        (_("Realisasi s.d. bulan (Rp)"), 18, RUPIAH),
        (_("Deviasi rata-rata (%)"), 12, PERCENT),
        (_("Deviasi bulan terakhir (%)"), 12, PERCENT),
        (_("Keterlambatan (poin %)"), 12, PERCENT),
    ]
    rows = [
        [p.code, p.name, p.plan_to_date, p.realised_to_date, p.deviation, p.deviation_month, p.lag]
        for p in pack.provinces
    ]
    end = _table(ws, 1, columns, rows)
    if pack.provinces:
        cats = Reference(ws, min_col=2, min_row=2, max_row=end - 1)
        data = [Reference(ws, min_col=5, min_row=1, max_row=end - 1)]
        _bar_chart(ws, _("Deviasi halaman III DIPA per provinsi"), "%", cats, data, f"A{end + 2}")

    ws = wb.create_sheet(_("Kegiatan Terlambat"))
    columns = [
        (_("Kode"), 11, None),
        (_("Kegiatan"), 34, None),
        (_("Provinsi"), 20, None),
        (_("Penanggung jawab (satker)"), 30, None),
        (_("Pejabat penanggung jawab"), 24, None),
        (_("Program"), 30, None),
        (_("Pagu (Rp)"), 16, RUPIAH),
        (_("Penyerapan (%)"), 11, PERCENT),
        (_("Rencana RPD (%)"), 11, PERCENT),
        (_("Keterlambatan (poin %)"), 12, PERCENT),
        (_("Bulan terlambat"), 10, "0"),
        (_("Capaian keluaran (%)"), 11, PERCENT),
    ]
    rows = [
        [
            r.code,
            r.name,
            r.province,
            r.owner,
            r.officer,
            r.programme,
            r.pagu,
            r.absorption,
            r.planned_absorption,
            r.lag,
            r.months_lagging,
            r.achievement,
        ]
        for r in pack.lagging
    ]
    end = _table(ws, 1, columns, rows)
    if pack.lagging_count > len(pack.lagging):
        _put(
            ws,
            end + 1,
            1,
            lagging_note(pack),
        )

    ws = wb.create_sheet(_("Capaian Output"))
    columns = [
        (_("Kode"), 7, None),
        (_("Provinsi"), 30, None),
        (_("Kegiatan dengan keluaran"), 12, "0"),
        (_("Keluaran tercapai 100%"), 12, "0"),
        (_("Capaian keluaran rata-rata (%)"), 14, PERCENT),
    ]
    rows = [[o.code, o.name, o.with_output, o.complete, o.achievement] for o in pack.outputs]
    end = _table(ws, 1, columns, rows)
    if pack.outputs:
        cats = Reference(ws, min_col=2, min_row=2, max_row=end - 1)
        data = [Reference(ws, min_col=5, min_row=1, max_row=end - 1)]
        _bar_chart(ws, _("Capaian keluaran per provinsi"), "%", cats, data, f"A{end + 2}")
    return _save(wb)


def _month_label(month: int):
    from ..choices import Month

    return Month(month).label
