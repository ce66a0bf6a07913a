"""The meetings calendar in Debian's chromium at 1366 px (the month grid) and 390 px (the day list), and
a calendar address made on its page and read without a session.

Run with `pytest -m browser`; SENTRA_CALENDAR_SHOTS=/tmp/calendar writes screenshots to look at.
"""

from __future__ import annotations

import pytest

from sentra.web.tests.browser import BROWSER, PASSWORD, log_in, open_from_menu, screenshot_to

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = BROWSER

screenshot = screenshot_to("SENTRA_CALENDAR_SHOTS")


@pytest.fixture
def belu_officer(reference):
    from sentra.accounts.models import Role
    from sentra.accounts.tests.factories import persona
    from sentra.coordination.tests.factories import MeetingFactory, wib
    from sentra.registry.tests.factories import AgencyFactory

    belu = AgencyFactory(name="Dinas Perindustrian Kab. Belu", kind="regency_industry", region_id="53.04")
    kupang = AgencyFactory(name="Dinas Perindustrian Kab. Kupang", kind="regency_industry", region_id="53.01")
    MeetingFactory(
        agency=belu,
        host_region_id="53.04",
        title="Rakor Pelaksanaan Kegiatan IKM Kabupaten Belu",
        venue="Aula Hotel Matahari, Atambua",
        starts_at=wib(2026, 11, 24, 9),
        ends_at=wib(2026, 11, 26, 15),
    )
    MeetingFactory(agency=kupang, host_region_id="53.01", title="Rakor internal Kupang")
    user = persona(Role.REGENCY_OFFICER, agency=belu, username="kab_belu")
    user.set_password(PASSWORD)
    user.save()
    return user


def overflows(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


def test_the_month_grid_at_1366_and_the_day_list_at_390(
    live_server, belu_officer, browser_page, csp_violations
):
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "kab_belu")
    open_from_menu(page, "calendar_month")

    grid = page.locator("#calendar-grid")
    # Waiting assertions: the menu's click returns before the page's own stylesheet has loaded.
    expect(grid).to_be_visible()
    expect(page.locator("#calendar-days")).to_be_hidden()
    assert page.locator("#calendar-month").inner_text().lower() == "november 2026"
    cells = grid.locator("td:has(a.calendar-event)")
    assert [cells.nth(i).get_attribute("data-date") for i in range(cells.count())] == [
        "2026-11-24",
        "2026-11-25",
        "2026-11-26",
    ]
    assert grid.locator("td.today").get_attribute("data-date") == "2026-11-16"
    assert "Kupang" not in page.content()
    assert not overflows(page)
    screenshot(page, "month-1366")

    page.click("#calendar-nav a[rel=next]")
    page.wait_for_url("**bulan=2026-12**")
    assert grid.locator("a.calendar-event").count() == 0

    page.set_viewport_size({"width": 390, "height": 844})
    page.click("#calendar-nav a[rel=prev]")
    page.wait_for_url("**bulan=2026-11**")
    expect(page.locator("#calendar-grid")).to_be_hidden()
    days = page.locator("#calendar-days section")
    expect(days.first).to_be_visible()
    assert days.count() == 3
    assert "Rakor Pelaksanaan Kegiatan IKM Kabupaten Belu" in days.first.inner_text()
    assert not overflows(page)
    screenshot(page, "month-390")
    assert csp_violations(page) == []


def test_make_a_calendar_address_and_read_it_without_a_session(live_server, belu_officer, browser_page):
    page = browser_page
    log_in(page, live_server, "kab_belu")
    open_from_menu(page, "calendar_month")
    page.click("#calendar-subscribe")
    page.click("#calendar-feed-create")
    address = page.locator("#calendar-feed-url").input_value()
    assert address.startswith(live_server.url + "/koordinasi/kalender/") and address.endswith(".ics")

    page.context.clear_cookies()
    answer = page.request.get(address)
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/calendar")
    assert "Rakor Pelaksanaan Kegiatan IKM Kabupaten Belu" in answer.text().replace("\r\n ", "")

    log_in(page, live_server, "kab_belu")
    page.goto(live_server.url + "/koordinasi/kalender/langganan/")
    page.click("#calendar-feed-revoke")
    assert page.request.get(address).status == 404
