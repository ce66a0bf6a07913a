"""The coverage page in Debian's chromium: the map draws the provinces shaded by share of centres
covered, a click on a province opens its page with its regencies, and the page fits a phone (390 px)
and a laptop (1366 px) without sideways scrolling, with no Content-Security-Policy violation.
Screenshots to $SENTRA_SHOTS-coverage-<name>.png when set."""

from __future__ import annotations

import pytest

from sentra.conftest import KALTIM, PPU
from sentra.web.tests.browser import BROWSER, screenshot_to
from sentra.web.tests.test_layout_browser import LAPTOP, OVERFLOW, PHONE

pytestmark = BROWSER

screenshot = screenshot_to("SENTRA_SHOTS")


def _fits(page, where: str) -> None:
    result = page.evaluate(OVERFLOW)
    assert result["scroll"] <= result["inner"], f"{where}: {result}"


@pytest.fixture
def coverage(reference, regency_agency):
    from sentra.facilitators.tests.factories import AssignmentFactory, FacilitatorFactory
    from sentra.registry.tests.factories import CentreFactory

    facilitator = FacilitatorFactory(
        name="Nur Aisyah Rahmawati Kusumaningtyas", agency=regency_agency, home_region_id=PPU
    )
    covered = CentreFactory(name="Sentra Sabut Kelapa Saloloang", agency=regency_agency)
    CentreFactory(name="Sentra Amplang Penajam", agency=regency_agency)
    AssignmentFactory(facilitator=facilitator, centre=covered)


def test_the_map_drills_down_and_the_page_fits(coverage, logged_in, live_server, csp_violations):
    page = logged_in
    for name, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.goto(live_server.url + f"/pendamping/cakupan/?wilayah={KALTIM}")
        page.wait_for_selector("#coverage-map path.leaflet-interactive")
        _fits(page, f"province {name}")
        screenshot(page, f"province-{name}")
        page.goto(live_server.url + f"/pendamping/cakupan/?wilayah={PPU}")
        _fits(page, f"regency {name}")
        screenshot(page, f"regency-{name}")

    page.set_viewport_size(LAPTOP)
    page.goto(live_server.url + "/pendamping/cakupan/")
    page.wait_for_selector("#coverage-map path.leaflet-interactive")
    assert page.locator("#coverage-map path.leaflet-interactive").count() >= 34
    assert "80–100%" in page.locator(".map-legend-below").inner_text()
    screenshot(page, "national-laptop")
    # Kalimantan Timur's row leads to its page; so does its shape on the map.
    page.evaluate(
        """() => {
          const map = document.getElementById('coverage-map').sentraMap;
          map.eachLayer(l => { if (l.feature && l.feature.properties.code === '64') l.fire('click'); });
        }"""
    )
    page.wait_for_url(f"**/pendamping/cakupan/?wilayah={KALTIM}")
    assert page.locator('tr[data-code="64.09"] [data-col="centre_share"]').inner_text() == "50,0%"
    assert csp_violations(page) == []
