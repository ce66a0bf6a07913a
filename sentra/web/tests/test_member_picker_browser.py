"""In chromium: a centre's members are picked by typing their names, NIB or owner (htmx suggestions),
shown as chips that can be removed, and saved.

Run with `pytest -m browser`; skipped when /usr/bin/chromium is missing. The fixtures (live server,
reference data, logged-in ministry administrator) are those of browser.py, through conftest.py.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from sentra.web.tests.browser import BROWSER, screenshot_to

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = BROWSER

# Screenshots for a look at the picker: SENTRA_MEMBER_SCREENSHOTS=/tmp/h3 writes /tmp/h3-*.png.
screenshot = screenshot_to("SENTRA_MEMBER_SCREENSHOTS")


def test_members_are_picked_by_typing_and_removed_from_their_chips(logged_in, live_server):
    from sentra.registry.models import CentreMembership
    from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

    centre = CentreFactory(name="Sentra Amplang Penajam", kbli_id="10794")
    old = EnterpriseFactory(name="UD Amplang Bu Siti", nib="9120000099001")
    CentreMembership.objects.create(centre=centre, enterprise=old)
    EnterpriseFactory(name="CV Kerupuk Penajam", nib="9120000099002")
    EnterpriseFactory(name="UD Abon Ikan Nenang", nib="9120000099003")
    EnterpriseFactory(name="UD Amplang Kepiting", owner_name="Rahmawati Lestari", nib="9120000099005")
    EnterpriseFactory(name="UD Jenang Kudus", village_id="33.19.01.2001", nib="9120000099004")
    page = logged_in
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + reverse("web:centre_edit", args=[centre.pk]))

    chips = page.locator("#id_member_ids_chosen .member-chip")
    expect(chips).to_have_count(1)
    expect(chips.first).to_contain_text("UD Amplang Bu Siti")
    expect(chips.first).to_contain_text("9120000099001 · Salo Loang, Penajam")
    expect(page.locator("#id_member_ids")).to_be_hidden()  # the chips and the search replace it
    expect(page.locator(".member-warning")).to_be_visible()

    search = page.locator("#id_member_ids_search")
    search.press_sequentially("kerupuk", delay=20)
    option = page.locator("#id_member_ids_options .lookup-option", has_text="CV Kerupuk Penajam")
    expect(option).to_have_count(1, timeout=30_000)
    option.click()
    expect(chips).to_have_count(2)
    expect(search).to_have_value("")

    # One already chosen is not offered again.
    search.press_sequentially("UD A", delay=20)
    options = page.locator("#id_member_ids_options .lookup-option")
    expect(options).to_have_count(2, timeout=30_000)
    expect(page.locator("#id_member_ids_options")).not_to_contain_text("Bu Siti")
    screenshot(page, "suggestions")
    options.filter(has_text="UD Abon Ikan Nenang").click()

    # By the owner's name, and picked with the keyboard.
    search.press_sequentially("Rahmawati", delay=20)
    expect(options).to_have_count(1, timeout=30_000)
    search.press("Enter")
    expect(chips).to_have_count(4)
    expect(chips.last).to_contain_text("UD Amplang Kepiting")
    expect(page.locator("[data-member-count]")).to_have_text("4")

    screenshot(page, "members")

    chips.filter(has_text="UD Amplang Bu Siti").locator(".member-remove").click()
    expect(chips).to_have_count(3)
    expect(page.locator("#id_member_ids")).to_have_value(
        "9120000099002 — CV Kerupuk Penajam\n9120000099003 — UD Abon Ikan Nenang\n"
        "9120000099005 — UD Amplang Kepiting"
    )

    page.click("button[type=submit]:has-text('Simpan')")
    page.wait_for_selector("h1:has-text('Sentra Amplang Penajam')", timeout=30_000)
    expect(page.locator(".alert-warning")).to_contain_text("PP 29/2018")
    names = sorted(m.enterprise.name for m in centre.memberships.select_related("enterprise"))
    assert names == ["CV Kerupuk Penajam", "UD Abon Ikan Nenang", "UD Amplang Kepiting"]
    assert not [e for e in errors if "Content Security Policy" in e]


def test_without_javascript_members_are_typed_one_per_line(logged_in, live_server):
    from sentra.registry.models import Centre
    from sentra.registry.tests.factories import AgencyFactory, EnterpriseFactory

    agency = AgencyFactory(name="Dinas Perindustrian Kab. Penajam Paser Utara", region_id="64.09")
    EnterpriseFactory(name="UD Amplang", nib="9120000099001")
    EnterpriseFactory(name="UD Amplang", nib="9120000099002", village_id="64.09.01.1001")
    EnterpriseFactory(name="CV Kerupuk Penajam", nib="9120000099003")
    context = logged_in.context.browser.new_context(java_script_enabled=False, locale="id-ID")
    context.add_cookies(logged_in.context.cookies())
    page = context.new_page()
    page.goto(live_server.url + reverse("web:centre_create"))
    expect(page.locator("#id_member_ids")).to_be_visible()
    expect(page.locator("#id_member_ids_search")).to_be_hidden()

    page.fill("#id_name", "Sentra Amplang")
    page.fill("#id_commodity", "Amplang")
    page.fill("#id_kbli_code", "10794")
    page.fill("#id_village_codes", "64.09.01.1002")
    page.fill("#id_member_ids", "cv kerupuk penajam\nUD Amplang")
    page.select_option("#id_agency", str(agency.pk))
    page.click("button[type=submit]:has-text('Simpan')")
    error = page.locator("#id_member_ids_error")
    expect(error).to_contain_text("“UD Amplang” cocok dengan beberapa IKM")
    expect(error).to_contain_text("UD Amplang (9120000099002 · ")
    expect(page.locator("#id_member_ids_chosen .member-chip")).to_have_count(1)  # the one that resolved
    screenshot(page, "nojs-error")

    page.fill("#id_member_ids", "cv kerupuk penajam\n9120000099002")
    page.click("button[type=submit]:has-text('Simpan')")
    page.wait_for_selector("h1:has-text('Sentra Amplang')", timeout=30_000)
    centre = Centre.objects.get(name="Sentra Amplang")
    assert sorted(m.enterprise.nib for m in centre.memberships.select_related("enterprise")) == [
        "9120000099002",
        "9120000099003",
    ]
    context.close()
