"""On a phone and on a laptop (issue 14.4), in Debian's chromium: for each role, every page its menu
reaches (and the tabs of those pages) fits the screen's width at 390×844 and at 1366×768 (no sideways
scrolling of the page; wide tables scroll inside their own box), the menu folds behind a button on
the phone and keeps to one line on the laptop.

One sign-in per role; the pages are visited at both sizes. Screenshots go to $SENTRA_SHOTS-<role>-
<width>-<page>.png when SENTRA_SHOTS is set (e.g. SENTRA_SHOTS=/tmp/shots/layout).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from sentra.conftest import PPU, SALOLOANG
from sentra.web.tests.browser import BROWSER, PASSWORD, log_in, screenshot_to

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = BROWSER

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
ROLES = [
    "ministry_admin",
    "ministry_analyst",
    "province_officer",
    "regency_officer",
    "facilitator",
    "dekranas_officer",
]
MAX_PAGES = 24  # the menu's pages and their tabs; a guard, not a target

screenshot = screenshot_to("SENTRA_SHOTS")

# What sticks out past the right edge, to name it when a page overflows.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1) {
      let inside = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const style = getComputedStyle(p);
        if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX) && p !== document.body) {
          inside = true;
          break;
        }
      }
      if (!inside) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '')
        + ' ' + Math.round(box.right) + 'px');
    }
  }
  return {scroll: document.documentElement.scrollWidth, inner: width, out: out.slice(0, 8)};
}"""


@pytest.fixture
def world(reference, ministry_agency, kaltim_agency, regency_agency):
    """Records with long names in Penajam Paser Utara, so that tables have something to be wide with."""
    from sentra.programmes.tests.factories import (
        BudgetDocumentFactory,
        BudgetLineFactory,
        OutputFactory,
        RealisationFactory,
        even_plan,
    )
    from sentra.registry.models import Product
    from sentra.registry.tests.factories import (
        AgencyFactory,
        CentreFactory,
        EnterpriseFactory,
    )

    dekranasda = AgencyFactory(
        name="Dekranasda Kabupaten Penajam Paser Utara", kind="dekranas", region_id=PPU
    )
    for i in range(3):
        enterprise = EnterpriseFactory(
            name=f"UD Amplang dan Kerupuk Ikan Pipih Sejahtera Bersama Keluarga {i}",
            owner_name="Hj. Siti Rahmawati Nurhasanah binti Abdullah",
            village_id=SALOLOANG,
            agency=regency_agency,
        )
        Product.objects.create(
            name=f"Amplang ikan tenggiri rasa pedas manis kemasan 250 gram {i}",
            enterprise=enterprise,
            kbli_id="10794",
            village_id=SALOLOANG,
            province_code=SALOLOANG[:2],
            regency_code=SALOLOANG[:5],
            agency=regency_agency,
            price_min=25_000,
            price_max=1_250_000,
        )
    CentreFactory(name="Sentra IKM Olahan Hasil Perikanan Penajam", village_id=SALOLOANG)
    line = BudgetLineFactory(document=BudgetDocumentFactory(agency=regency_agency), amount=1_234_567_890_000)
    line.activity.name = "Bimbingan teknis dan pendampingan diversifikasi produk olahan hasil perikanan"
    line.activity.save(update_fields=["name"])
    even_plan(line)
    OutputFactory(activity=line.activity, target=20)
    RealisationFactory(activity=line.activity, month=1, amount=123_456_789_000)
    return {
        "ministry_admin": ministry_agency,
        "ministry_analyst": ministry_agency,
        "province_officer": kaltim_agency,
        "regency_officer": regency_agency,
        "facilitator": regency_agency,
        "dekranas_officer": dekranasda,
    }


def _same_origin_paths(page, live_server, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(a => a.getAttribute('href'))")
    base = urlsplit(live_server.url)
    paths = []
    for href in hrefs:
        parts = urlsplit(href or "")
        if parts.netloc and parts.netloc != base.netloc:
            continue
        if not parts.path.startswith("/") or re.search(r"ekspor|\.(csv|xlsx|pdf|geojson)$", parts.path):
            continue
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "dasbor"


def _fits(page, where: str) -> None:
    # Every check reads the page's own layout; Playwright waits for the load, so nothing is timed.
    result = page.evaluate(OVERFLOW)
    assert result["scroll"] <= result["inner"], (
        f"{where}: page {result['scroll']}px > {result['inner']}px {result['out']}"
    )


def _menu_on_a_phone(page, where: str) -> None:
    toggle = page.locator("label.nav-toggle")
    assert toggle.is_visible(), where
    assert not page.locator("nav.main-nav").is_visible(), f"{where}: the menu should start folded"
    toggle.click()
    nav = page.locator("nav.main-nav")
    assert nav.is_visible(), where
    # The utilities the old menu pushed off the screen: reachable and inside it.
    for link in page.locator(".nav-utilities a").all():
        box = link.bounding_box()
        assert link.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], where
    _fits(page, f"{where} (menu open)")
    toggle.click()


def _menu_on_a_laptop(page, where: str) -> None:
    assert not page.locator("label.nav-toggle").is_visible(), where
    tops = {
        round(box["y"])
        for item in page.locator(".nav-group > summary, .nav-utilities > a").all()
        if (box := item.bounding_box())
    }
    assert max(tops) - min(tops) <= 4, f"{where}: the menu wraps onto more than one line"
    # A group opens as a menu over the page, inside the screen.
    first = page.locator(".nav-group > summary").first
    first.click()
    menu = page.locator(".nav-group[open] .nav-menu")
    box = menu.bounding_box()
    assert menu.is_visible() and box["x"] + box["width"] <= LAPTOP["width"], where
    page.keyboard.press("Escape")
    assert not page.locator(".nav-group[open]").count(), where


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_menu_fits_a_phone_and_a_laptop(role, world, live_server, browser_page):
    from sentra.accounts.tests.factories import persona

    user = persona(role, agency=world[role], username=f"u_{role}")
    user.set_password(PASSWORD)
    user.save()
    page = browser_page
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server, f"u_{role}")

    todo = _same_origin_paths(page, live_server, "nav.main-nav a[data-nav]")
    assert todo, "the menu has entries"
    seen: list[str] = []
    while todo and len(seen) < MAX_PAGES:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.append(path)
        for name, size in (("laptop", LAPTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            response = page.goto(live_server.url + path)
            where = f"{role} {name} {path}"
            assert response.status == 200, where
            _fits(page, where)
            screenshot(page, f"{role}-{size['width']}-{_slug(path)}")
        # The tabs of a page are pages of its section (DIPA, dekon, policy; warnings, realisations).
        todo += [p for p in _same_origin_paths(page, live_server, ".tabs a, nav.tabs a") if p not in seen]

    # On the laptop the control page's tables keep their last column in view (no inner scrolling).
    page.set_viewport_size(LAPTOP)
    page.goto(live_server.url + "/pengendalian/")
    for table in page.locator("table.control-table").all():
        wrap = table.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
        assert wrap[0] <= wrap[1] + 1, f"{role}: {table.get_attribute('id')} {wrap[0]}px in {wrap[1]}px"

    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    _menu_on_a_phone(page, role)
    page.set_viewport_size(LAPTOP)
    page.goto(live_server.url + "/")
    _menu_on_a_laptop(page, role)


def test_columns_are_chosen_and_remembered_filters_fold_on_a_phone_and_location_fills_the_fields(
    world, live_server, browser_page
):
    from sentra.accounts.tests.factories import persona

    user = persona("regency_officer", agency=world["regency_officer"], username="u_columns")
    user.set_password(PASSWORD)
    user.save()
    page = browser_page
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server, "u_columns")

    # Column chooser: hide "Pemilik"; the choice survives a reload and the rows htmx swaps in.
    page.goto(live_server.url + "/ikm/")
    owner = page.locator("#rows thead th", has_text="Pemilik")
    assert owner.is_visible()
    page.click(".column-chooser > summary")
    page.locator(".column-chooser-list label", has_text="Pemilik").locator("input").uncheck()
    assert not owner.is_visible()
    assert not page.locator("#rows tbody td", has_text="Rahmawati").first.is_visible()
    page.reload()
    assert not page.locator("#rows thead th", has_text="Pemilik").is_visible()
    page.fill("#id_q", "Keluarga 1")
    expect(page.locator("#rows tbody tr")).to_have_count(1)
    assert not page.locator("#rows thead th", has_text="Pemilik").is_visible()
    assert page.locator("#rows thead th", has_text="KBLI").is_visible()

    # On a phone the filters start folded behind "Filter"; the search stays in view.
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/ikm/")
    assert page.locator("#id_q").is_visible()
    assert not page.locator("#id_kbli").is_visible()
    page.click(".filters-toggle")
    assert page.locator("#id_kbli").is_visible()

    # "Gunakan lokasi saya" writes the device's position with a decimal comma.
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": -1.25, "longitude": 116.8375})
    page.goto(live_server.url + "/ikm/baru/")
    page.click(".locate-button")
    expect(page.locator("#id_latitude")).to_have_value("-1,25")
    expect(page.locator("#id_longitude")).to_have_value("116,8375")
    _fits(page, "enterprise form on a phone")
