"""A national programme in Debian's chromium: a regency officer at 390 px opens the programme from the
home page card, sees the map of the regions coloured by status with its legend under the map (never on
it), decides the adoption, and the table and the legend show the decision.

Run with `pytest -m browser`; screenshots with PROGRAMME_SHOTS=/tmp/programme.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from sentra.web.tests.browser import BROWSER, PASSWORD, log_in, screenshot_to

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = BROWSER

screenshot = screenshot_to("PROGRAMME_SHOTS")


@pytest.fixture
def programme(reference):
    from sentra.accounts.scope import system_actor
    from sentra.coordination import cascade
    from sentra.registry.tests.factories import AgencyFactory

    dekranas = AgencyFactory(name="Dewan Kerajinan Nasional", kind="dekranas", region_id=None)
    AgencyFactory(name="Disperindagkop Kaltim", kind="province_industry", region_id="64")
    AgencyFactory(name="Dinas Perindustrian PPU", kind="regency_industry", region_id="64.09")
    kutim = AgencyFactory(
        name="Disperindag Kabupaten Kutai Timur", kind="regency_industry", region_id="64.08"
    )
    programme = cascade.programme_create(
        actor=system_actor(), agency=dekranas, title="Program Kerja Dekranas", level="regency", send=True
    )
    return programme, kutim


def test_a_regency_decides_on_a_phone_and_the_map_shows_it(
    live_server, programme, browser_page, csp_violations
):
    from sentra.accounts.models import Role
    from sentra.accounts.tests.factories import persona

    programme, kutim = programme
    user = persona(Role.REGENCY_OFFICER, agency=kutim, username="kab_kutim")
    user.set_password(PASSWORD)
    user.save()
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "kab_kutim")

    card = page.locator("#pending-adoptions")
    expect(card).to_contain_text("Program nasional menunggu keputusan")
    card.locator("a", has_text="Program Kerja Dekranas").click()
    page.select_option("#id_status", "adopted")
    page.click("form.form-card button[type=submit]")
    expect(page.locator("#id_adaptation_error")).to_contain_text("penyesuaian daerah")
    page.fill("#id_adaptation", "Lewat PK Dekranasda dengan Disperindag Kutai Timur")
    page.click("form.form-card button[type=submit]")
    expect(page.locator("#adoption-status")).to_have_text("Diadopsi")

    page.goto(live_server.url + reverse("web:national_programme_detail", args=[programme.pk]))
    page.wait_for_selector("#programme-map path.leaflet-interactive")
    legend = page.locator("#programme-map-legend")
    expect(legend).to_contain_text("Diadopsi (1)")
    map_box = page.locator("#programme-map").bounding_box()
    legend_box = legend.bounding_box()
    assert legend_box["y"] >= map_box["y"] + map_box["height"]  # under the map, hiding nothing
    assert page.locator("#programme-map path.leaflet-interactive").count() == 1  # Kutai Timur, its own
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator("#rows")).to_contain_text("Diadopsi")
    screenshot(page, "detail-390")
    assert csp_violations(page) == []
