"""What the browser tests share: Debian's chromium through Playwright, against pytest-django's live server.

The fixtures below reach every test module of this directory through conftest.py; a browser test
module only sets `pytestmark = BROWSER` and asks for them by name. Run with `pytest -m browser`;
skipped when /usr/bin/chromium is missing. The live server needs a transactional database, which is
flushed after each test: the reference data that sentra/conftest.py loads once per session is
re-loaded by `reference` when missing, and again when the module finishes so that later tests still
find it.
"""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "rahasia-sekali-123"

# A browser test module's `pytestmark`.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} (Debian chromium) is not installed"),
]


def log_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Signs in through the login form and waits for the dashboard."""
    page.goto(live_server.url + reverse("web:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + reverse("web:dashboard"))


def open_from_menu(page, key: str) -> None:
    """Follows the main menu's entry `key` (its URL name: "enterprise_list") as a person would: the
    menu button first on a small screen, then the entry's group, then the entry."""
    link = page.locator(f"nav.main-nav a[data-nav={key}]")
    toggle = page.locator("label.nav-toggle")
    if toggle.is_visible() and not page.locator("nav.main-nav").is_visible():
        toggle.click()
    group = page.locator(f"nav.main-nav details.nav-group:has(a[data-nav={key}]) > summary")
    if group.count() and not link.is_visible():
        group.click()
    link.click()


def screenshot_to(variable: str):
    """A `screenshot(page, name)` that writes `$variable-name.png` when the environment variable is set
    (for a person to look at), and does nothing otherwise."""
    prefix = os.environ.get(variable, "")

    def screenshot(page, name: str) -> None:
        if prefix:
            page.screenshot(path=f"{prefix}-{name}.png", full_page=True)

    return screenshot


@pytest.fixture(scope="module")
def _restore_reference_after_module(django_db_blocker):
    """Runs after the last flush of the module's transactional tests and puts the reference back."""
    yield
    from sentra.regions.services import reference_is_loaded, reference_load

    with django_db_blocker.unblock():
        if not reference_is_loaded():
            reference_load()


@pytest.fixture
def reference(transactional_db, _restore_reference_after_module):
    from sentra.regions.services import reference_is_loaded, reference_load

    if not reference_is_loaded():
        reference_load()


@pytest.fixture
def browser_page():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="id-ID")
        yield page
        browser.close()


@pytest.fixture
def logged_in(live_server, reference, browser_page, django_user_model):
    """The browser page, signed in as a ministry administrator."""
    from sentra.accounts.models import Profile, Role

    user = django_user_model.objects.create_user(username="petugas", password=PASSWORD)
    Profile.objects.create(user=user, role=Role.MINISTRY_ADMIN)
    log_in(browser_page, live_server, "petugas")
    return browser_page


@pytest.fixture
def csp_violations(browser_page):
    """Every Content-Security-Policy violation the browser reports, from the console and from the
    securitypolicyviolation event (init scripts run outside the page's policy)."""
    seen: list[str] = []
    browser_page.on(
        "console",
        lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None,
    )
    browser_page.add_init_script(
        """document.addEventListener('securitypolicyviolation', e => {
            (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI + ' '
                + (e.sourceFile || '') + ':' + e.lineNumber);
        });"""
    )

    def collect(page) -> list[str]:
        return seen + page.evaluate("window.__csp || []")

    return collect
