"""The budget-control pages in Debian's chromium: record a month through the form, see the dashboard move.

Run with `pytest -m browser`; screenshots go to /tmp/control_*.png for a person to look at.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from sentra.conftest import PPU
from sentra.web.tests.browser import BROWSER, PASSWORD, log_in, open_from_menu

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = BROWSER

PAGU = 120_000_000


@pytest.fixture
def ppu_activity(reference):
    from sentra.programmes.tests.factories import (
        BudgetDocumentFactory,
        BudgetLineFactory,
        OutputFactory,
        RealisationFactory,
        even_plan,
    )
    from sentra.registry.tests.factories import AgencyFactory

    agency = AgencyFactory(name="Dinas Perindustrian Kab. Penajam Paser Utara", region_id=PPU)
    line = BudgetLineFactory(document=BudgetDocumentFactory(agency=agency), amount=PAGU)
    even_plan(line)
    OutputFactory(activity=line.activity, target=20)
    RealisationFactory(activity=line.activity, month=1, amount=12_000_000)  # 10 % absorbed
    kudus = AgencyFactory(name="Dinas Perindustrian Kab. Kudus", region_id="33.19")
    other = BudgetLineFactory(document=BudgetDocumentFactory(agency=kudus), amount=PAGU)
    even_plan(other)
    RealisationFactory(activity=other.activity, month=1, amount=60_000_000)  # 50 %
    return line.activity


def test_record_a_month_and_the_dashboard_shows_it(
    live_server, ppu_activity, browser_page, django_user_model, csp_violations
):
    from sentra.accounts.models import Role
    from sentra.accounts.tests.factories import persona

    user = persona(Role.REGENCY_OFFICER, agency=ppu_activity.agency, username="kab_ppu")
    user.set_password(PASSWORD)
    user.save()
    page = browser_page
    log_in(page, live_server, "kab_ppu")

    open_from_menu(page, "control_dashboard")
    page.wait_for_selector("[data-stat=absorption]")
    assert page.locator("[data-stat=absorption]").inner_text() == "10,00%"
    assert page.locator("svg.s-curve polyline.line-plan").count() == 1
    page.screenshot(path="/tmp/control_dashboard_before.png", full_page=True)

    # The activity's row links to the entry form.
    page.click("#control-table >> text=Catat realisasi")
    page.wait_for_selector("#id_amount")
    page.select_option("#id_month", "10")
    page.fill("#id_amount", str(PAGU))  # above the pagu: refused on the field
    page.fill("#id_physical_progress", "45")
    page.click("form.form-card button[type=submit]")
    expect(page.locator("#id_amount_error")).to_contain_text("melebihi pagu")
    page.screenshot(path="/tmp/control_form_error.png", full_page=True)

    page.fill("#id_amount", "30000000")
    page.fill("#id_output_achieved", "8")
    page.fill("#id_obstacles", "Pengadaan mesin menunggu lelang")
    page.click("form.form-card button[type=submit]")
    page.wait_for_selector("[data-amount]")
    assert page.locator("[data-amount]").inner_text() == "Rp30.000.000"
    page.screenshot(path="/tmp/control_realisation_detail.png", full_page=True)

    page.goto(live_server.url + reverse("web:control_dashboard"))
    # 12 + 30 million of 120 million
    expect(page.locator("[data-stat=absorption]")).to_have_text("35,00%")
    page.screenshot(path="/tmp/control_dashboard_after.png", full_page=True)
    assert csp_violations(page) == []


def test_the_ministry_map_shades_provinces_and_drills_down(
    live_server, ppu_activity, browser_page, django_user_model, csp_violations
):
    from sentra.accounts.models import Role
    from sentra.accounts.tests.factories import persona

    user = persona(Role.MINISTRY_ANALYST, username="analis")
    user.set_password(PASSWORD)
    user.save()
    page = browser_page
    log_in(page, live_server, "analis")
    page.goto(live_server.url + reverse("web:control_dashboard") + "?tahun=2026&bulan=6")
    page.wait_for_selector("#control-map path.leaflet-interactive", timeout=30_000)
    assert page.locator("#control-map path.leaflet-interactive").count() == 38
    assert page.locator("svg.bar-chart g.bar").count() == 2  # Kaltim and Jawa Tengah
    page.screenshot(path="/tmp/control_national.png", full_page=True)
    assert csp_violations(page) == []

    page.evaluate(
        """() => {
            const map = document.getElementById('control-map').sentraMap;
            map.eachLayer(l => { if (l.feature && l.feature.properties.code === '64') l.fire('click'); });
        }"""
    )
    page.wait_for_url("**wilayah=64**")
    expect(page.locator("h1")).to_contain_text("KALIMANTAN TIMUR", ignore_case=True)
    page.screenshot(path="/tmp/control_province.png", full_page=True)
