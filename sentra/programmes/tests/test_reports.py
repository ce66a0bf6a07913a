"""The part 3 reports: the quarterly dekon report (PP 39/2006 forms A, B, C) and the Rakor pack.

Expected numbers are worked out here from the factory amounts, not read back from the selectors.
"""

from __future__ import annotations

import datetime as dt
import io
import zlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.conftest import KALTIM, PPU
from sentra.core.errors import AccessDenied, NotFound
from sentra.programmes.reports import dekon_quarterly, rakor_pack, render
from sentra.programmes.reports.xlsx import FIRST_DATA_ROW, HEADER_ROW
from sentra.registry.tests.factories import AgencyFactory

from .factories import (
    YEAR,
    ActivityFactory,
    BudgetDocumentFactory,
    BudgetLineFactory,
    OutputFactory,
    RealisationFactory,
    even_plan,
)

pytestmark = pytest.mark.django_db

JATENG = "33"
M = 1_000_000


@pytest.fixture
def world(kaltim_agency, ministry_agency):
    """Kaltim's dekon DIPA (two activities), Jawa Tengah's dekon DIPA and a central APBN activity.

    Kaltim A1: pagu 120 M, 10 M spent each month Jan–Sep (Q3 30 M, cumulative 90 M = 75 %), output
    12 of 20 IKM, physical 75 %, an obstacle in August. Kaltim A2: pagu 60 M, 5 M in Jan–Mar only
    (15 M = 25 %), output 2 of 10, a named responsible officer. Jateng: pagu 90 M, 45 M in
    September. Centre: pagu 200 M, nothing, no officer named.
    """
    doc = BudgetDocumentFactory(agency=kaltim_agency, kind="dekon", number="SP DIPA-019.05.3.64/2026")
    a1 = ActivityFactory(
        agency=kaltim_agency, funding_source="dekon", code="5305.001", name='=HYPERLINK("x")'
    )
    a2 = ActivityFactory(
        agency=kaltim_agency,
        programme=a1.programme,
        funding_source="dekon",
        code="5305.002",
        name="Pendampingan WUB",
        officer_name="Ir. Sri Wahyuni",
    )
    for activity, amount in ((a1, 120 * M), (a2, 60 * M)):
        even_plan(BudgetLineFactory(document=doc, activity=activity, amount=amount))
    OutputFactory(activity=a1, indicator="IKM yang mengikuti bimtek", unit="IKM", target=20)
    OutputFactory(activity=a2, indicator="Wirausaha baru", unit="orang", target=10)
    for month in range(1, 10):
        RealisationFactory(
            activity=a1,
            month=month,
            amount=10 * M,
            physical_progress=month * 25 // 3,
            output_achieved=12 if month == 9 else month,
            obstacles="+Peserta belum lengkap" if month == 8 else "",
        )
    for month in range(1, 4):
        RealisationFactory(activity=a2, month=month, amount=5 * M, physical_progress=20, output_achieved=2)

    jateng = AgencyFactory(
        name="Disperindag Provinsi Jawa Tengah", kind="province_industry", region_id=JATENG
    )
    jdoc = BudgetDocumentFactory(agency=jateng, kind="dekon")
    j1 = ActivityFactory(agency=jateng, funding_source="dekon", code="5305.101")
    even_plan(BudgetLineFactory(document=jdoc, activity=j1, amount=90 * M))
    OutputFactory(activity=j1, target=10)
    RealisationFactory(activity=j1, month=9, amount=45 * M, physical_progress=50, output_achieved=10)

    central_doc = BudgetDocumentFactory(agency=ministry_agency, kind="apbn")
    c1 = ActivityFactory(agency=ministry_agency, funding_source="apbn", code="5306.001")
    even_plan(BudgetLineFactory(document=central_doc, activity=c1, amount=200 * M))
    return {"a1": a1, "a2": a2, "j1": j1, "c1": c1, "doc": doc}


def sheet_rows(ws, first: int):
    return [list(r) for r in ws.iter_rows(min_row=first, values_only=True)]


def pdf_text(data: bytes) -> str:
    """The PDF's page content as text; streams may be Flate-compressed (decompressed here)."""
    out = [data.decode("latin-1")]
    for chunk in data.split(b"stream\r\n")[1:] + data.split(b"stream\n")[1:]:
        body = chunk.split(b"endstream")[0]
        try:
            out.append(zlib.decompress(body).decode("latin-1"))
        except zlib.error:
            pass
    return "\n".join(out)


class TestDekonQuarterly:
    def test_form_a_has_every_dekon_activity_of_the_province_with_its_quarter(self, actor, world):
        report = dekon_quarterly(actor=actor, fiscal_year=YEAR, quarter=3, province=KALTIM)
        assert [r.code for r in report.form_a] == ["5305.001", "5305.002"]  # not Jateng, not APBN
        a1, a2 = report.form_a
        assert (a1.pagu, a1.pagu_rm, a1.pagu_phln) == (120 * M, 120 * M, 0)
        assert (a1.realised_quarter, a1.realised_cumulative, a1.absorption) == (30 * M, 90 * M, 75.0)
        assert (a1.indicator, a1.unit, a1.target, a1.achieved, a1.achievement) == (
            "IKM yang mengikuti bimtek",
            "IKM",
            20.0,
            12.0,
            60.0,
        )
        assert a1.physical == 75.0 and a1.obstacles == "+Peserta belum lengkap"
        assert (a2.realised_quarter, a2.realised_cumulative, a2.absorption, a2.achievement) == (
            0,
            15 * M,
            25.0,
            20.0,
        )
        assert report.total.pagu == 180 * M and report.total.realised_cumulative == 105 * M
        assert report.total.absorption == round(105 / 180 * 100, 2)

    def test_quarter_one_reads_only_january_to_march(self, actor, world):
        report = dekon_quarterly(actor=actor, fiscal_year=YEAR, quarter=1, province=KALTIM)
        a1 = report.form_a[0]
        assert (a1.realised_quarter, a1.realised_cumulative) == (30 * M, 30 * M)
        assert a1.obstacles == ""  # the August obstacle belongs to TW III

    def test_forms_b_and_c_add_up_the_activities(self, actor, world):
        report = dekon_quarterly(actor=actor, fiscal_year=YEAR, quarter=3, province=KALTIM)
        (programme,) = report.form_b
        assert programme.code == world["a1"].programme.code
        assert (programme.activities, programme.pagu, programme.realised_quarter) == (2, 180 * M, 30 * M)
        assert programme.achievement == 40.0  # (60 + 20) / 2
        assert programme.with_obstacles == 1
        (block,) = report.form_c
        assert block.name == "Disperindagkop Provinsi Kalimantan Timur"
        assert [r.code for r in block.programmes] == [programme.code]
        assert block.total.pagu == 180 * M and block.total.realised_cumulative == 105 * M

    def test_workbook_has_the_three_forms_with_headers_and_figures(self, actor, world):
        report = dekon_quarterly(
            actor=actor, fiscal_year=YEAR, quarter=3, province=KALTIM, report_date=dt.date(2026, 10, 7)
        )
        wb = load_workbook(io.BytesIO(render(report, "xlsx")))
        assert wb.sheetnames[:3] == ["Form A", "Form B", "Form C"]
        ws = wb["Form A"]
        assert ws["A1"].value.startswith("FORMULIR A")
        assert "64 Kalimantan Timur" in ws["C2"].value
        assert ws["C6"].value == "TW III / 7 Oktober 2026"
        headers = [c.value for c in ws[HEADER_ROW]]
        assert headers[:3] == ["No.", "Kode sub kegiatan DIPA", "Nama kegiatan"]
        assert "Pagu Rupiah Murni (Rp)" in headers and "Kendala / permasalahan" in headers
        assert [c.value for c in ws[HEADER_ROW + 1]][:2] == ["(1)", "(2)"]
        rows = sheet_rows(ws, FIRST_DATA_ROW)
        first = dict(zip(headers, rows[0], strict=False))
        assert first["Jumlah pagu (Rp)"] == 120 * M
        assert first["Realisasi triwulan ini (Rp)"] == 30 * M
        assert first["Realisasi kumulatif (Rp)"] == 90 * M
        assert first["Penyerapan (%)"] == 75.0
        total = dict(zip(headers, rows[2], strict=False))
        assert total["Nama kegiatan"] == "Jumlah" and total["Realisasi kumulatif (Rp)"] == 105 * M
        texts = [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
        assert "Kepala SKPD Pelaksana Dekonsentrasi" in texts
        assert "Kalimantan Timur, 7 Oktober 2026" in texts
        b = wb["Form B"]
        b_headers = [c.value for c in b[HEADER_ROW]]
        b_first = dict(zip(b_headers, sheet_rows(b, FIRST_DATA_ROW)[0], strict=False))
        assert b_first["Jumlah pagu (Rp)"] == 180 * M and b_first["Jumlah kegiatan"] == 2

    def test_workbook_cells_keep_their_formats_fonts_and_fills(self, actor, world):
        report = dekon_quarterly(actor=actor, fiscal_year=YEAR, quarter=3, province=KALTIM)
        ws = load_workbook(io.BytesIO(render(report, "xlsx")))["Form A"]
        header, first, total = ws[HEADER_ROW][6], ws[FIRST_DATA_ROW][6], ws[FIRST_DATA_ROW + 2][6]
        assert header.font.b and header.fill.fgColor.rgb.endswith("DCE6F1") and header.border.left.style
        assert (first.number_format, first.font.b, first.fill.fill_type) == ("#,##0", False, None)
        assert ws[FIRST_DATA_ROW][9].number_format == "0.00"  # a percentage
        assert ws[FIRST_DATA_ROW][2].number_format == "General"  # text keeps no number format
        assert total.font.b and total.fill.fgColor.rgb.endswith("F2F2F2") and total.number_format == "#,##0"
        assert ws[HEADER_ROW + 1][0].alignment.horizontal == "center"  # (1), (2)… under the headers
        assert first.alignment.horizontal is None and first.alignment.wrap_text

    def test_text_that_looks_like_a_formula_is_neutralised(self, actor, world):
        report = dekon_quarterly(actor=actor, fiscal_year=YEAR, quarter=3, province=KALTIM)
        wb = load_workbook(io.BytesIO(render(report, "xlsx")))
        rows = sheet_rows(wb["Form A"], FIRST_DATA_ROW)
        # Kept as text with Excel's quote prefix (a style), not a literal ' (issue 14.5).
        assert rows[0][2] == '=HYPERLINK("x")'
        assert rows[0][16] == "+Peserta belum lengkap"
        assert wb["Form A"].cell(row=FIRST_DATA_ROW, column=3).quotePrefix
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate)

    def test_pdf_has_the_forms_header_and_signature(self, actor, world):
        report = dekon_quarterly(actor=actor, fiscal_year=YEAR, quarter=3, province=KALTIM)
        data = render(report, "pdf", compress=False)
        assert data.startswith(b"%PDF")
        text = pdf_text(data)
        for expected in (
            "FORMULIR A",
            "FORMULIR B",
            "FORMULIR C",
            "Kalimantan Timur",
            "TW III",
            "Kepala SKPD Pelaksana Dekonsentrasi",
            "120.000.000",
            "75,00",
            "Pendampingan WUB",
        ):
            assert expected in text, expected
        assert render(report, "pdf").startswith(b"%PDF")  # compressed, as downloaded

    def test_a_province_officer_gets_only_their_province(self, world, kaltim_agency):
        officer = actor_of(persona(Role.PROVINCE_OFFICER, agency=kaltim_agency))
        assert dekon_quarterly(actor=officer, fiscal_year=YEAR, quarter=3, province=KALTIM).form_a
        with pytest.raises(NotFound):
            dekon_quarterly(actor=officer, fiscal_year=YEAR, quarter=3, province=JATENG)

    def test_a_regency_officer_gets_no_province_report(self, world, regency_agency):
        officer = actor_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))
        with pytest.raises(NotFound):
            dekon_quarterly(actor=officer, fiscal_year=YEAR, quarter=3, province=KALTIM)

    def test_unknown_province_is_not_found(self, actor, world):
        with pytest.raises(NotFound):
            dekon_quarterly(actor=actor, fiscal_year=YEAR, quarter=3, province="99")
        with pytest.raises(NotFound):
            dekon_quarterly(actor=actor, fiscal_year=YEAR, quarter=3, province=PPU)


class TestRakorPack:
    def test_summary_adds_every_dipa_source_in_scope(self, actor, world):
        pack = rakor_pack(actor=actor, fiscal_year=YEAR, as_of=dt.date(2026, 9, 30))
        assert pack.month == 9 and pack.target == 60  # TW III
        assert pack.total.pagu == (120 + 60 + 90 + 200) * M
        assert pack.total.realised_to_date == (90 + 15 + 45) * M
        assert pack.total.absorption == round(150 / 470 * 100, 2)
        # main outputs: 12/20, 2/10, 10/10 (capped 100), the central activity has none
        assert pack.output_achievement == round((60 + 20 + 100) / 3, 2)

    def test_absorption_and_deviation_by_province(self, actor, world):
        pack = rakor_pack(actor=actor, fiscal_year=YEAR, as_of=dt.date(2026, 9, 30))
        rows = {r.code: r for r in pack.provinces}
        assert set(rows) == {"", KALTIM, JATENG}
        assert rows[KALTIM].name == "Kalimantan Timur"
        assert (rows[KALTIM].pagu, rows[KALTIM].realised_to_date) == (180 * M, 105 * M)
        assert rows[JATENG].absorption == 50.0 and rows[JATENG].gap_to_target == -10.0
        assert rows[JATENG].deviation_month == round(abs(45 - 7.5) / 7.5 * 100, 2)  # September
        assert rows[""].absorption == 0.0

    def test_s_curve_runs_to_the_date(self, actor, world):
        pack = rakor_pack(actor=actor, fiscal_year=YEAR, as_of=dt.date(2026, 9, 30))
        assert len(pack.s_curve) == 12
        assert pack.s_curve[8]["realised"] == round(150 / 470 * 100, 2)
        assert pack.s_curve[9]["realised"] is None

    def test_lagging_activities_name_their_owner(self, actor, world):
        pack = rakor_pack(actor=actor, fiscal_year=YEAR, as_of=dt.date(2026, 9, 30))
        by_code = {r.code: r for r in pack.lagging}
        assert "5305.001" not in by_code  # on plan
        a2 = by_code["5305.002"]
        assert a2.owner == "Disperindagkop Provinsi Kalimantan Timur"
        assert a2.officer == "Ir. Sri Wahyuni"
        assert a2.lag == 50.0 and a2.months_lagging == 5  # May–September
        assert pack.lagging[0].code == "5306.001"  # worst first: 75 points behind
        assert pack.lagging[0].officer == "—"  # the central activity names no officer

    def test_workbook_sheets_tables_and_native_charts(self, actor, world):
        pack = rakor_pack(actor=actor, fiscal_year=YEAR, as_of=dt.date(2026, 9, 30))
        wb = load_workbook(io.BytesIO(render(pack, "xlsx")))
        assert wb.sheetnames == [
            "Sampul",
            "Ringkasan",
            "Penyerapan Provinsi",
            "Kurva S",
            "Deviasi Provinsi",
            "Kegiatan Terlambat",
            "Capaian Output",
        ]
        assert wb["Sampul"]["B2"].value == "Bahan Rakor Pengendalian DIPA TA 2026"
        assert wb["Sampul"]["B4"].value == "Keadaan per 30 September 2026"
        summary = {r[0]: r[1] for r in wb["Ringkasan"].iter_rows(min_row=4, values_only=True)}
        assert summary["Pagu (Rp)"] == 470 * M
        assert summary["Realisasi s.d. bulan (Rp)"] == 150 * M
        assert summary["Target penyerapan triwulan (%)"] == 60
        ws = wb["Penyerapan Provinsi"]
        assert [c.value for c in ws[1]][:6] == [
            "Kode",
            "Provinsi",
            "Kegiatan",
            "Pagu (Rp)",
            "Realisasi (Rp)",
            "Penyerapan (%)",
        ]
        kaltim = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == KALTIM)
        assert kaltim[3:6] == (180 * M, 105 * M, round(105 / 180 * 100, 2))
        lag = wb["Kegiatan Terlambat"]
        assert [c.value for c in lag[1]][3:5] == ["Penanggung jawab (satker)", "Pejabat penanggung jawab"]
        owners = {r[0]: r[3:5] for r in lag.iter_rows(min_row=2, values_only=True)}
        assert owners["5305.002"] == ("Disperindagkop Provinsi Kalimantan Timur", "Ir. Sri Wahyuni")
        assert owners["5306.001"][1] == "—"
        # The saved workbook keeps its charts (openpyxl reads them back as drawings).
        for name in ("Penyerapan Provinsi", "Kurva S", "Deviasi Provinsi", "Capaian Output"):
            assert wb[name]._charts, name

    def test_pdf_has_cover_sections_and_charts(self, actor, world):
        pack = rakor_pack(actor=actor, fiscal_year=YEAR, as_of=dt.date(2026, 9, 30))
        data = render(pack, "pdf", compress=False)
        assert data.startswith(b"%PDF")
        text = pdf_text(data)
        for expected in (
            "Bahan Rakor Pengendalian DIPA TA 2026",
            "30 September 2026",
            "Kurva S",
            "Penyerapan anggaran per provinsi",
            "Kegiatan terlambat",
            "Pendampingan WUB",
            "Disperindagkop",
            "Pejabat penanggung jawab",
            "Ir. Sri Wahyuni",
            "470.000.000",
        ):
            assert expected in text, expected

    def test_pdf_cells_wrap_long_text_within_their_column(self):
        from reportlab.pdfbase.pdfmetrics import stringWidth

        from sentra.programmes.reports.pdf import CELL, _cell

        name = "Kegiatan 17 Dinas Perindustrian dan Perdagangan Kabupaten Kepulauan Seribu (bench)"
        lines = _cell(name, 60).split("\n")
        assert len(lines) > 1 and " ".join(lines) == name
        assert all(stringWidth(line, CELL.fontName, CELL.fontSize) <= 60 for line in lines)
        assert _cell("1.234.567.890", 10) == "1.234.567.890"  # figures are never broken
        assert _cell(None, 60) == ""

    def test_pdf_charts_draw_bar_values_labels_legend_and_months(self):
        from reportlab import rl_config

        from sentra.programmes.reports.pdf import BLUE, ORANGE, _build, _nice_step, bar_chart, line_chart

        bars = bar_chart(
            ["Kutai Kartanegara Raya", "Balikpapan"], [("Capaian keluaran (%)", [55.5, 102.3], BLUE)]
        )
        months = ["Jan", "Feb", "Mar"]
        lines = line_chart(
            months, [("Rencana RPD (%)", [10, 20, 40], ORANGE), ("Realisasi (%)", [5, None, None], BLUE)]
        )
        text = pdf_text(_build([bars, lines], "t", "f", compress=False))
        for expected in ("55.5", "102.3", "Capaian keluaran", "Kutai Kartane", "Balikpapan", "Feb"):
            assert expected in text, expected
        assert "Rencana RPD" in text and "Realisasi" in text  # the legend ("(" is escaped in PDF)
        # The value axis reaches past the tallest bar in round steps; the settings are process-wide.
        assert bars.value_max == pytest.approx(102.3 * 1.05) and _nice_step(bars.value_max) == 20
        assert _nice_step(5.25) == 1 and _nice_step(0.6) == 0.1
        assert rl_config.useA85 == 0 and rl_config.shapeChecking == 0

    def test_a_province_officer_sees_only_their_province(self, world, kaltim_agency):
        officer = actor_of(persona(Role.PROVINCE_OFFICER, agency=kaltim_agency))
        pack = rakor_pack(actor=officer, fiscal_year=YEAR, as_of=dt.date(2026, 9, 30))
        assert [r.code for r in pack.provinces] == [KALTIM]
        assert pack.scope_label == "Kalimantan Timur"
        assert pack.total.pagu == 180 * M
        with pytest.raises(NotFound):
            rakor_pack(actor=officer, fiscal_year=YEAR, as_of=dt.date(2026, 9, 30), region=JATENG)

    def test_one_source_only(self, actor, world):
        pack = rakor_pack(actor=actor, fiscal_year=YEAR, as_of=dt.date(2026, 9, 30), funding_source="apbn")
        assert pack.total.pagu == 200 * M

    def test_a_user_without_a_role_is_refused(self, world, django_user_model):
        from sentra.accounts.scope import actor_for_user

        nobody = actor_for_user(django_user_model.objects.create_user(username="tanpa-peran", password="x"))
        with pytest.raises(AccessDenied):
            rakor_pack(actor=nobody, fiscal_year=YEAR, as_of=dt.date(2026, 9, 30))

    def test_the_pack_reads_outputs_and_the_year_settings_once(self, actor, world):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from sentra.programmes.models import BudgetPolicy
        from sentra.programmes.selectors import output_achievements

        BudgetPolicy.objects.create(fiscal_year=YEAR, target_q3=55, lag_threshold=20)
        with CaptureQueriesContext(connection) as queries:
            pack = rakor_pack(actor=actor, fiscal_year=YEAR, as_of=dt.date(2026, 9, 30))
        sql = [q["sql"] for q in queries.captured_queries]
        assert sum("programmes_budgetpolicy" in s for s in sql) == 1
        assert sum("programmes_output" in s for s in sql) == 1
        # The shared reading gives each lagging activity its own achievement, under the year's
        # threshold and target.
        assert (pack.target, pack.threshold) == (55, 20)
        by_code = {r.code: r for r in pack.lagging}
        ids = {world["a2"].pk: "5305.002", world["c1"].pk: "5306.001"}
        expected = output_achievements(activity_ids=list(ids), month=9)
        assert {code: by_code[code].achievement for code in ids.values()} == {
            code: expected.get(pk) for pk, code in ids.items()
        }
        assert by_code["5305.002"].achievement == 20.0  # 2 of 10


class TestReportPages:
    def test_the_page_lists_both_reports(self, auth_client, world):
        response = auth_client.get(reverse("web:reports"))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Laporan triwulanan dekonsentrasi" in body and "Bahan Rakor Pengendalian" in body
        assert "<script>" not in body

    def test_dekon_download(self, auth_client, world):
        url = reverse("web:report_dekon")
        response = auth_client.get(url, {"year": YEAR, "quarter": 3, "province": KALTIM, "format": "xlsx"})
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith('attachment; filename="laporan-dekon-64-2026-tw3')
        wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert wb.sheetnames[:3] == ["Form A", "Form B", "Form C"]

    def test_rakor_download_pdf(self, auth_client, world):
        response = auth_client.get(
            reverse("web:report_rakor"), {"year": YEAR, "date": "2026-10-31", "format": "pdf"}
        )
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")

    def test_invalid_form_shows_messages(self, auth_client, world):
        response = auth_client.get(
            reverse("web:report_dekon"), {"year": YEAR, "quarter": 7, "format": "xlsx"}
        )
        assert response.status_code == 400
        assert "field-error" in response.content.decode()

    def test_another_province_is_404_and_no_role_is_403(
        self, client, world, kaltim_agency, django_user_model
    ):
        client.force_login(persona(Role.PROVINCE_OFFICER, agency=kaltim_agency))
        params = {"year": YEAR, "quarter": 3, "province": JATENG, "format": "pdf"}
        assert client.get(reverse("web:report_dekon"), params).status_code == 404
        assert client.get(reverse("web:report_dekon"), {**params, "province": KALTIM}).status_code == 200
        client.force_login(django_user_model.objects.create_user(username="tanpa-peran", password="x"))
        assert (
            client.get(reverse("web:report_rakor"), {"year": YEAR, "date": "2026-10-31"}).status_code == 403
        )


class TestCommand:
    def test_writes_both_reports(self, world, user, tmp_path):
        out = tmp_path / "dekon.pdf"
        call_command(
            "report",
            "dekon-quarterly",
            "--year",
            "2026",
            "--quarter",
            "3",
            "--province",
            "64",
            "--format",
            "pdf",
            "-o",
            str(out),
            "--as",
            user.username,
            stdout=io.StringIO(),
        )
        assert out.read_bytes().startswith(b"%PDF")
        pack = tmp_path / "pack.xlsx"
        call_command(
            "report",
            "rakor",
            "--year",
            "2026",
            "--date",
            "2026-10-31",
            "--format",
            "xlsx",
            "-o",
            str(pack),
            "--as",
            user.username,
            stdout=io.StringIO(),
        )
        assert load_workbook(pack).sheetnames[0] == "Sampul"

    def test_out_of_scope_is_an_error(self, world, kaltim_agency, tmp_path):
        officer = persona(Role.PROVINCE_OFFICER, agency=kaltim_agency)
        with pytest.raises(CommandError):
            call_command(
                "report",
                "dekon-quarterly",
                "--year",
                "2026",
                "--quarter",
                "3",
                "--province",
                JATENG,
                "-o",
                str(tmp_path / "x.xlsx"),
                "--as",
                officer.username,
            )
        assert not (tmp_path / "x.xlsx").exists()
