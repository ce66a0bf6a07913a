# ruff: noqa: F811 - the fixtures imported from test_reports are parameters here
"""/pendamping/laporan/: the list with filters and export, generating, a report's page per role (text,
submit, approve, return), the late page, downloads, and 404 outside."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sentra.facilitators.models import MonthlyReport
from sentra.facilitators.tests.test_reports import october, world  # noqa: F401 - fixtures
from sentra.verification.models import VerificationStatus as S

pytestmark = pytest.mark.django_db


def login(client, username: str):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def rows(response) -> str:
    """The report table of the list page (the filters name the facilitators too)."""
    return response.content.decode().split('id="reports"', 1)[1]


def make(client, world, month="2026-10"):
    return client.post(
        reverse("web:monthly_report_generate"), {"pendamping": world["rina"].pk, "bulan": month}
    )


def test_the_facilitator_generates_writes_and_submits(client, world, october):
    tpl = login(client, "tpl.ppu")
    page = tpl.get(reverse("web:monthly_report_list")).content.decode()
    assert 'id="generate-form"' in page and 'id="waiting-link"' not in page
    response = make(tpl, world)
    report = MonthlyReport.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "web:monthly_report_detail", args=[report.pk]
    )
    page = tpl.get(response.url).content.decode()
    assert "Kemasan kurang menarik" in page and 'id="text-form"' in page
    assert 'id="step-submit"' in page and 'id="step-verify"' not in page
    assert 'id="report-late"' in page  # due 5 November
    # The Dinas reads the draft but does not submit for a facilitator who has an account.
    dinas_page = login(client, "dinas.ppu").get(response.url).content.decode()
    assert "Kemasan kurang menarik" in dinas_page and 'id="step-submit"' not in dinas_page
    tpl = login(client, "tpl.ppu")
    saved = tpl.post(
        reverse("web:monthly_report_text", args=[report.pk]),
        {"version": report.version, "results": "Label baru", "problems": "", "plan_next_month": "Halal"},
    )
    assert saved.status_code == 302
    tpl.post(reverse("web:monthly_report_submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.verification_status == S.SUBMITTED and report.results == "Label baru"
    page = tpl.get(reverse("web:monthly_report_detail", args=[report.pk])).content.decode()
    assert 'id="text-form"' not in page and 'id="step-' not in page


def test_the_dinas_approves_or_returns_with_a_reason(client, world, october):
    tpl = login(client, "tpl.ppu")
    make(tpl, world)
    report = MonthlyReport.objects.get()
    tpl.post(
        reverse("web:monthly_report_text", args=[report.pk]),
        {"version": report.version, "results": "Hasil", "problems": "", "plan_next_month": ""},
    )
    tpl.post(reverse("web:monthly_report_submit", args=[report.pk]))
    dinas = login(client, "dinas.ppu")
    assert "Menunggu persetujuan (1)" in dinas.get(reverse("web:monthly_report_list")).content.decode()
    page = dinas.get(reverse("web:monthly_report_detail", args=[report.pk])).content.decode()
    assert 'id="step-verify"' in page and 'id="step-return"' in page and 'id="step-submit"' not in page
    response = dinas.post(reverse("web:monthly_report_return", args=[report.pk]), {"reason": ""}, follow=True)
    assert "Alasan" in response.content.decode() or "alasan" in response.content.decode()
    report.refresh_from_db()
    assert report.verification_status == S.SUBMITTED
    dinas.post(reverse("web:monthly_report_return", args=[report.pk]), {"reason": "Lengkapi rencana"})
    report.refresh_from_db()
    assert report.verification_status == S.RETURNED
    page = (
        login(client, "tpl.ppu").get(reverse("web:monthly_report_detail", args=[report.pk])).content.decode()
    )
    assert "Lengkapi rencana" in page and 'id="text-form"' in page
    client.post(reverse("web:monthly_report_submit", args=[report.pk]))
    login(client, "dinas.ppu").post(reverse("web:monthly_report_verify", args=[report.pk]))
    report.refresh_from_db()
    assert report.verification_status == S.VERIFIED


def test_a_stale_text_form_is_refused(client, world, october):
    tpl = login(client, "tpl.ppu")
    make(tpl, world)
    report = MonthlyReport.objects.get()
    seen = report.version
    data = {"version": seen, "results": "Satu", "problems": "", "plan_next_month": ""}
    tpl.post(reverse("web:monthly_report_text", args=[report.pk]), data)
    stale = tpl.post(reverse("web:monthly_report_text", args=[report.pk]), {**data, "results": "Dua"})
    assert stale.status_code == 400
    report.refresh_from_db()
    assert report.results == "Satu"


def test_generate_errors_are_messages(client, world):
    tpl = login(client, "tpl.ppu")
    response = make(tpl, world, month="2027-02")
    assert response.status_code == 302
    page = tpl.get(response.url).content.decode()
    assert "belum dimulai" in page
    assert MonthlyReport.objects.count() == 0


def test_list_filters_export_and_scope(client, world, october):
    make(login(client, "tpl.ppu"), world)
    dinas = login(client, "dinas.ppu")
    url = reverse("web:monthly_report_list")
    assert "Rina Amalia" in rows(dinas.get(url, {"bulan": "2026-10", "terlambat": "on"}))
    assert "Rina Amalia" not in rows(dinas.get(url, {"status": "verified"}))
    assert "Rina Amalia" not in rows(dinas.get(url, {"bulan": "2026-09"}))
    csv = dinas.get(url, {"ekspor": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "Rina Amalia" in b"".join(csv.streaming_content).decode("utf-8-sig")
    xlsx = dinas.get(url, {"ekspor": "xlsx"})
    sheet = list(openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active.values)
    assert sheet[1][1] == "Rina Amalia"
    report = MonthlyReport.objects.get()
    colleague = login(client, "tpl.ppu2")
    assert "Rina Amalia" not in colleague.get(url).content.decode()  # not even in the filters
    assert colleague.get(reverse("web:monthly_report_detail", args=[report.pk])).status_code == 404
    assert colleague.get(reverse("web:monthly_report_pdf", args=[report.pk])).status_code == 404
    kudus = login(client, "dinas.kudus")
    assert kudus.get(reverse("web:monthly_report_detail", args=[report.pk])).status_code == 404


def test_downloads(client, world, october):
    tpl = login(client, "tpl.ppu")
    make(tpl, world)
    report = MonthlyReport.objects.get()
    pdf = tpl.get(reverse("web:monthly_report_pdf", args=[report.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = tpl.get(reverse("web:monthly_report_xlsx", args=[report.pk]))
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["Laporan", "Kunjungan"]


def test_late_page(client, world):
    page = login(client, "dinas.ppu").get(reverse("web:monthly_report_late")).content.decode()
    assert "Rina Amalia" in page and "Oktober 2026" in page and "belum dibuat" in page
    assert (
        "Rina Amalia"
        not in login(client, "dinas.kudus").get(reverse("web:monthly_report_late")).content.decode()
    )
