"""End-to-end checks in Debian's chromium through Playwright, against pytest-django's live server.

Run with `pytest -m browser`; skipped when /usr/bin/chromium is missing. The fixtures (chromium,
live server, reference data, signed-in page) are those of browser.py, through conftest.py.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse

from sentra.conftest import SALOLOANG
from sentra.web.tests.browser import BROWSER, PASSWORD, log_in, open_from_menu

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = BROWSER


def test_dashboard_map_and_search(logged_in, live_server):
    from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

    EnterpriseFactory(name="Amplang Bu Siti Penajam", village_id=SALOLOANG, latitude=-1.25, longitude=116.6)
    EnterpriseFactory(name="Batik Kudus Kulon", village_id="33.19.01.2001")
    CentreFactory(village_id=SALOLOANG)
    cache.clear()  # logging in already showed (and cached) the empty dashboard
    page = logged_in

    page.goto(live_server.url + reverse("web:dashboard"))
    page.wait_for_selector("path.leaflet-interactive", timeout=30_000)
    assert page.locator("path.leaflet-interactive").count() == 38  # one per province
    assert page.locator(".map-legend").is_visible()
    assert page.locator("[data-stat=enterprises]").inner_text() == "2"

    # Drill down into Kalimantan Timur: its dashboard (issue 14.2), its regencies on the map, and back.
    page.evaluate(
        """() => {
            const map = document.getElementById('map').sentraMap;
            map.eachLayer(l => { if (l.feature && l.feature.properties.code === '64') l.fire('click'); });
        }"""
    )
    page.wait_for_url(re.compile(r"wilayah=64$"), timeout=30_000)
    page.wait_for_selector("path.leaflet-interactive", timeout=30_000)
    regencies = page.locator("path.leaflet-interactive").count()
    assert 5 <= regencies <= 15
    # ... and PPU's districts: points where IKM have a position, over the regency's outline.
    page.click("table.region-table a.drill >> text=Penajam Paser Utara")
    page.wait_for_url(re.compile(r"wilayah=64\.09$"), timeout=30_000)
    expect(page.locator("path.leaflet-interactive")).to_have_count(1, timeout=30_000)
    page.go_back()
    page.go_back()
    # Locator assertions poll without eval(), which the Content-Security-Policy forbids.
    expect(page.locator("path.leaflet-interactive")).to_have_count(38, timeout=30_000)

    # Live search: typing filters the rows without reloading the page.
    open_from_menu(page, "enterprise_list")
    page.wait_for_selector("#rows")
    # The rows are in the page before its scripts run: typing earlier would send no search.
    page.wait_for_load_state("load")
    page.fill("#id_q", "amplang")
    expect(page.locator("#rows")).not_to_contain_text("Batik Kudus Kulon", timeout=30_000)
    rows = page.locator("#rows tbody tr")
    assert rows.count() == 1
    assert "Amplang Bu Siti Penajam" in rows.first.inner_text()
    assert re.search(r"q=amplang", page.url)
    page.click("text=Amplang Bu Siti Penajam")
    page.wait_for_selector("h1:has-text('Amplang Bu Siti Penajam')")


def _import_page_exists() -> bool:
    try:
        reverse("web:import_upload")
    except NoReverseMatch:
        return False
    return True


BAD_IMPORT = (
    "nama_usaha,kbli,kode_wilayah\n"
    "UD Amplang,99999,64.09.01.1001\n"
    ",10794,64.09.01.1001\n"
    "CV Kerupuk,10794,99.99.99.9999\n"
)


@pytest.mark.skipif(
    not _import_page_exists(), reason="the import pages (web:import_upload) are not in this checkout"
)
def test_import_upload_lists_every_error(logged_in, live_server):
    from sentra.registry.models import Enterprise
    from sentra.registry.tests.factories import AgencyFactory

    AgencyFactory(name="Direktorat Jenderal IKMA", kind="ministry", region=None)
    page = logged_in
    open_from_menu(page, "import_upload")
    page.wait_for_selector("input[type=file]")
    page.check("input[name=kind][value=enterprises]")
    page.set_input_files(
        "input[type=file]", files=[{"name": "ikm.csv", "mimeType": "text/csv", "buffer": BAD_IMPORT.encode()}]
    )
    page.click("button[value=commit]")
    status = page.locator("#import-status")
    status.locator(".alert-error").wait_for(timeout=30_000)
    assert "3 galat" in status.locator(".alert-error").inner_text()
    rows = status.locator("tbody tr")
    assert rows.count() == 3
    text = status.inner_text()
    for expected in ("99999", "Nama usaha wajib diisi.", "99.99.99.9999"):
        assert expected in text
    assert Enterprise.objects.count() == 0


def test_no_csp_violation_on_the_dashboard_map_lists_and_api_docs(
    live_server, reference, browser_page, django_user_model, csp_violations
):
    from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

    # A superuser sees every page whatever the scoping rules; this test is about the browser's policy.
    django_user_model.objects.create_superuser(username="admin", password=PASSWORD)
    enterprise = EnterpriseFactory(name="Amplang Bu Siti Penajam", village_id=SALOLOANG)
    CentreFactory(village_id=SALOLOANG)
    cache.clear()
    page = browser_page
    log_in(page, live_server, "admin")
    assert csp_violations(page) == []
    response = page.goto(live_server.url + reverse("web:dashboard"))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("path.leaflet-interactive", timeout=30_000)
    page.wait_for_selector(".map-legend i")  # the legend swatches are coloured through the CSSOM
    assert page.locator(".map-legend i").first.evaluate("e => getComputedStyle(e).backgroundColor") != (
        "rgba(0, 0, 0, 0)"
    )
    assert csp_violations(page) == []

    page.goto(live_server.url + reverse("web:enterprise_list"))
    page.fill("#id_q", "amplang")  # an htmx request swaps the rows in
    page.wait_for_selector("#rows tbody tr")
    assert csp_violations(page) == []

    page.goto(live_server.url + reverse("web:enterprise_detail", args=[enterprise.pk]))
    page.wait_for_load_state("networkidle")
    assert csp_violations(page) == []

    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector("#swagger-ui .information-container", timeout=30_000)
    assert "Sentra" in page.locator("#swagger-ui .information-container").inner_text()
    assert csp_violations(page) == []

    # The policy is enforced and the check above would notice: an inline style is refused and reported.
    page.goto(live_server.url + reverse("web:dashboard"))
    page.evaluate("""document.body.insertAdjacentHTML('beforeend', '<i style="color: red">x</i>')""")
    page.wait_for_function("(window.__csp || []).length > 0")
    assert any("style-src" in v for v in csp_violations(page))


def test_a_record_s_history_on_a_phone_shows_its_changes_without_sideways_scrolling(logged_in, live_server):
    """At 390 px each event is a block: its who/when as labelled lines and its changes full width,
    inside the screen (before, the table scrolled sideways with the changes out of sight)."""
    from sentra.accounts.scope import system_actor
    from sentra.registry import services
    from sentra.registry.tests.factories import AgencyFactory

    enterprise = services.enterprise_create(
        actor=system_actor(),
        village_code=SALOLOANG,
        kbli_code="10794",
        agency=AgencyFactory(),
        name="UD Amplang Riwayat",
    )
    page = logged_in
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("web:enterprise_history", args=[enterprise.pk]))
    changes = page.locator(".history-table .changes").first
    expect(changes).to_be_visible()
    box = changes.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator(".history-table thead")).to_be_hidden()
    expect(page.locator("td[data-label='Pengguna']").first).to_be_visible()
    assert "UD Amplang Riwayat" in changes.inner_text()
