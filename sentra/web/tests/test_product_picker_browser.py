"""In chromium: a product is created by typing its maker's name (enterprise and centre suggestions,
htmx) and, without JavaScript, by writing the name in the field.

Run with `pytest -m browser`; skipped when /usr/bin/chromium is missing. The fixtures (live server,
reference data, logged-in ministry administrator) are those of browser.py, through conftest.py.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from sentra.web.tests.browser import BROWSER, screenshot_to

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = BROWSER

# Screenshots for a look at the pickers: SENTRA_PRODUCT_SCREENSHOTS=/tmp/h7 writes /tmp/h7-*.png.
screenshot = screenshot_to("SENTRA_PRODUCT_SCREENSHOTS")


def test_a_product_is_created_by_typing_its_makers_names(logged_in, live_server):
    from sentra.registry.models import Product
    from sentra.registry.tests.factories import AgencyFactory, CentreFactory, EnterpriseFactory

    agency = AgencyFactory(name="Dinas Perindustrian Kab. Penajam Paser Utara", region_id="64.09")
    amplang = EnterpriseFactory(name="UD Amplang Bu Siti", owner_name="Siti Rahmawati", nib="9120000099001")
    EnterpriseFactory(name="UD Amplang Kepiting", nib="9120000099002")
    centre = CentreFactory(name="Sentra Amplang Penajam", commodity="Amplang ikan")
    CentreFactory(name="Sentra Anyaman Penajam", commodity="Anyaman rotan")
    page = logged_in
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + reverse("web:product_create"))
    page.fill("#id_name", "Amplang 250 g")

    maker = page.locator("#id_enterprise_id")
    maker.press_sequentially("amplang bu", delay=20)
    option = page.locator("#id_enterprise_id_options .lookup-option", has_text="UD Amplang Bu Siti")
    expect(option).to_have_count(1, timeout=30_000)
    expect(option).to_contain_text("9120000099001 · Salo Loang, Penajam")
    screenshot(page, "enterprise-suggestions")
    option.click()
    expect(maker).to_have_value("9120000099001 — UD Amplang Bu Siti")

    # The centre with the keyboard: down to the first suggestion, Enter picks it.
    field = page.locator("#id_centre_id")
    field.press_sequentially("sentra amp", delay=20)
    option = page.locator("#id_centre_id_options .lookup-option")
    expect(option).to_have_count(1, timeout=30_000)
    expect(option).to_contain_text("Amplang ikan · Salo Loang, Penajam")
    screenshot(page, "centre-suggestions")
    field.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(field).to_have_value(f"#{centre.pk} — Sentra Amplang Penajam")

    page.select_option("#id_market_reach", "local")
    page.select_option("#id_agency", str(agency.pk))
    screenshot(page, "chosen")
    page.click("button[type=submit]:has-text('Simpan')")
    page.wait_for_selector("h1:has-text('Amplang 250 g')", timeout=30_000)
    product = Product.objects.get(name="Amplang 250 g")
    assert (product.enterprise, product.centre) == (amplang, centre)

    page.goto(live_server.url + reverse("web:product_edit", args=[product.pk]))
    expect(page.locator("#id_enterprise_id")).to_have_value("9120000099001 — UD Amplang Bu Siti")
    expect(page.locator("#id_centre_id")).to_have_value(f"#{centre.pk} — Sentra Amplang Penajam")
    screenshot(page, "edit")
    assert not [e for e in errors if "Content Security Policy" in e]


def test_without_javascript_the_maker_is_written_by_name(logged_in, live_server):
    from sentra.registry.models import Product
    from sentra.registry.tests.factories import AgencyFactory, EnterpriseFactory

    agency = AgencyFactory(name="Dinas Perindustrian Kab. Penajam Paser Utara", region_id="64.09")
    EnterpriseFactory(name="UD Amplang", nib="9120000099001")
    EnterpriseFactory(name="UD Amplang", nib="9120000099002", village_id="64.09.01.1001")
    context = logged_in.context.browser.new_context(java_script_enabled=False, locale="id-ID")
    context.add_cookies(logged_in.context.cookies())
    page = context.new_page()
    page.goto(live_server.url + reverse("web:product_create"))
    page.fill("#id_name", "Amplang 250 g")
    page.fill("#id_enterprise_id", "UD Amplang")
    page.select_option("#id_market_reach", "local")
    page.select_option("#id_agency", str(agency.pk))
    page.click("button[type=submit]:has-text('Simpan')")
    error = page.locator("#id_enterprise_id_error")
    expect(error).to_contain_text("“UD Amplang” cocok dengan beberapa IKM")
    expect(error).to_contain_text("UD Amplang (9120000099002 · ")
    screenshot(page, "nojs-error")

    page.fill("#id_enterprise_id", "9120000099002")
    page.click("button[type=submit]:has-text('Simpan')")
    page.wait_for_selector("h1:has-text('Amplang 250 g')", timeout=30_000)
    assert Product.objects.get(name="Amplang 250 g").enterprise.nib == "9120000099002"
    context.close()
