"""The analytics pages in Debian's chromium on a phone (390 px): a wide table keeps readable columns and
scrolls sideways in its own box (its KBLI titles no longer folded into one-word columns), the page itself
never scrolls sideways, and no Content-Security-Policy violation. Screenshots to
$SENTRA_SHOTS-analytics-<name>.png when set."""

from __future__ import annotations

import pytest

from sentra.conftest import PPU
from sentra.web.tests.browser import BROWSER, screenshot_to
from sentra.web.tests.test_layout_browser import OVERFLOW, PHONE

pytestmark = BROWSER

screenshot = screenshot_to("SENTRA_SHOTS")

WIDTH = """(selector) => {
  const table = document.querySelector(selector);
  const kbli = table.querySelector('tbody td:nth-child(2)');  // the KBLI and its title
  return {table: table.getBoundingClientRect().width, box: table.parentElement.clientWidth,
          kbli: kbli.getBoundingClientRect().width};
}"""


@pytest.fixture
def counts(reference):
    from sentra.analytics.tests.test_potential import count

    count("64.09.01.1002", "16291", 30)
    count("64.09.01.1002", "13121", 10)
    count("64.09.02.2001", "10710", 20)
    count("33.19.01.2001", "10710", 40)


def test_wide_tables_scroll_in_their_own_box_on_a_phone(counts, logged_in, live_server, csp_violations):
    page = logged_in
    page.set_viewport_size(PHONE)
    for name, path, selector, readable in (
        ("potential", f"/analisis/potensi/?wilayah={PPU}", "#lq-table", 46 * 16),
        ("profile", f"/analisis/profil/{PPU}/", "#leading .profile-table", 34 * 16),
    ):
        page.goto(live_server.url + path)
        page.wait_for_selector(selector)
        screenshot(page, f"analytics-{name}-phone")
        result = page.evaluate(OVERFLOW)
        assert result["scroll"] <= result["inner"], f"{name}: {result}"
        width = page.evaluate(WIDTH, selector)
        assert width["table"] >= readable - 1, f"{name}: {width}"  # columns kept readable …
        assert width["kbli"] >= 150, f"{name}: {width}"  # "Industri Barang Anyaman …" in lines, not words
        assert width["box"] < width["table"], f"{name}: {width}"  # … and the box scrolls
    assert not csp_violations(page)
