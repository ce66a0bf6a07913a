# ruff: noqa: F811 - the fixtures imported from test_reports are parameters here
"""The monthly report pages in a real browser, on a phone (390 px) and a laptop (1366 px): nothing wider
than the screen, no Content-Security-Policy violation, and the facilitator's path from the list to a
submitted report. Screenshots with SENTRA_SHOTS=/tmp/shots/x."""

from __future__ import annotations

from django.urls import reverse

from sentra.facilitators import reports
from sentra.facilitators.models import MonthlyReport
from sentra.facilitators.tests.test_reports import OCTOBER, october, world  # noqa: F401 - fixtures
from sentra.verification.models import VerificationStatus as S

from .browser import BROWSER, PASSWORD, log_in, screenshot_to
from .test_layout_browser import LAPTOP, OVERFLOW, PHONE

pytestmark = BROWSER
screenshot = screenshot_to("SENTRA_SHOTS")


def fits(page, where: str) -> None:
    result = page.evaluate(OVERFLOW)
    assert result["scroll"] <= result["inner"], f"{where}: {result}"


def test_report_pages_fit_and_the_facilitator_submits(
    reference, world, october, live_server, browser_page, csp_violations
):
    report = reports.generate(actor=world["tpl"], facilitator=world["rina"], month=OCTOBER)
    user = world["rina"].user
    user.set_password(PASSWORD)
    user.save()
    page = browser_page
    log_in(page, live_server, "tpl.ppu")
    paths = {
        "list": reverse("web:monthly_report_list"),
        "detail": reverse("web:monthly_report_detail", args=[report.pk]),
        "late": reverse("web:monthly_report_late"),
    }
    for name, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        for key, path in paths.items():
            assert page.goto(live_server.url + path).status == 200, path
            fits(page, f"{name} {key}")
            screenshot(page, f"report-{key}-{name}")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + paths["detail"])
    page.fill("#id_results", "Tiga IKM memperbaiki label")
    page.click("#text-form button[type=submit]")
    page.wait_for_selector("#step-submit")
    page.click("#step-submit button")
    page.wait_for_selector("#report-status")
    report.refresh_from_db()
    assert report.verification_status == S.SUBMITTED
    assert report.results == "Tiga IKM memperbaiki label"
    screenshot(page, "report-submitted-phone")
    assert csp_violations(page) == []
    assert MonthlyReport.objects.count() == 1
