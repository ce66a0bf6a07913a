"""In chromium: a village and a KBLI code are picked by typing their names (htmx suggestions).

Run with `pytest -m browser`; skipped when /usr/bin/chromium is missing. The fixtures (live server,
reference data, logged-in ministry administrator) are those of browser.py, through conftest.py.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from sentra.conftest import SALOLOANG
from sentra.web.tests.browser import BROWSER

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = BROWSER


def test_a_village_and_a_kbli_are_picked_by_typing_their_names(logged_in, live_server):
    from sentra.registry.models import Enterprise
    from sentra.registry.tests.factories import AgencyFactory

    agency = AgencyFactory(name="Dinas Perindustrian Kab. Penajam Paser Utara", region_id="64.09")
    page = logged_in
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + reverse("web:enterprise_create"))

    page.fill("#id_name", "UD Amplang Salo Loang")
    page.locator("#id_village_code").press_sequentially("Saloloang, Penajam", delay=20)
    option = page.locator("#id_village_code_options .lookup-option").first
    expect(option).to_contain_text("Salo Loang, Penajam, Kabupaten Penajam Paser Utara", timeout=30_000)
    option.click()
    expect(page.locator("#id_village_code")).to_have_value(SALOLOANG)
    expect(page.locator("#id_village_code_options .lookup-option")).to_have_count(0)

    page.locator("#id_kbli_code").press_sequentially("kerupuk", delay=20)
    kbli = page.locator("#id_kbli_code_options .lookup-option", has_text="10794")
    expect(kbli).to_have_count(1, timeout=30_000)
    kbli.click()
    expect(page.locator("#id_kbli_code")).to_have_value("10794")

    page.select_option("#id_agency", str(agency.pk))
    page.click("button[type=submit]:has-text('Simpan')")
    page.wait_for_selector("h1:has-text('UD Amplang Salo Loang')", timeout=30_000)
    enterprise = Enterprise.objects.get(name="UD Amplang Salo Loang")
    assert (enterprise.village_id, enterprise.kbli_id) == (SALOLOANG, "10794")
    assert not [e for e in errors if "Content Security Policy" in e]


def test_a_centre_takes_several_villages_picked_one_after_the_other(logged_in, live_server):
    page = logged_in
    page.goto(live_server.url + reverse("web:centre_create"))
    field = page.locator("#id_village_codes")
    field.press_sequentially("Saloloang", delay=20)
    page.locator("#id_village_codes_options .lookup-option").first.click()
    expect(field).to_have_value(f"{SALOLOANG}; ")
    field.press_sequentially("Sepaku", delay=20)
    page.locator("#id_village_codes_options .lookup-option", has_text="Sepaku").first.click()
    expect(field).to_have_value(f"{SALOLOANG}; 64.09.04.1005; ")
