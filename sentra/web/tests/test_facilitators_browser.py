"""The facilitator pages in Debian's chromium, on a phone (390 px) and a laptop (1366 px): a Dinas officer
opens the lists, the facilitator's page, a contract, a visit with its map point and the forms; none
scrolls sideways (wide tables scroll inside their own box) and no Content-Security-Policy rule is
broken. Screenshots go to $SENTRA_SHOTS-facilitators-<width>-<page>.png when SENTRA_SHOTS is set."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from sentra.conftest import PPU, SALOLOANG
from sentra.web.tests.browser import BROWSER, PASSWORD, log_in, screenshot_to

pytest.importorskip("playwright.sync_api")

pytestmark = BROWSER

screenshot = screenshot_to("SENTRA_SHOTS")

WIDE = """() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"""


@pytest.fixture
def field(reference, regency_agency):
    from sentra.accounts.models import Role
    from sentra.accounts.tests.factories import persona
    from sentra.facilitators.models import Assignment, Visit
    from sentra.facilitators.tests.factories import ContractFactory, FacilitatorFactory, PlacementFactory
    from sentra.registry.tests.factories import CentreFactory

    officer = persona(Role.REGENCY_OFFICER, agency=regency_agency, username="dinas.ppu.browser")
    officer.set_password(PASSWORD)
    officer.save()
    person = FacilitatorFactory(
        name="Nur Aisyah Rahmawati Kusumaningtyas", agency=regency_agency, home_region_id=PPU
    )
    PlacementFactory(facilitator=person, host_agency=regency_agency, supervisor=officer)
    first = ContractFactory(
        facilitator=person,
        number="3.8.2 /IKM/KK/1/2025",
        period_start=dt.date(2025, 1, 2),
        period_end=dt.date(2025, 12, 31),
    )
    contract = ContractFactory(
        facilitator=person, number="3.8.2 /IKM/KK/1/2026", previous=first, contract_year=2
    )
    centre = CentreFactory(
        name="Sentra Industri Amplang Ikan Bandeng Penajam Paser Utara", agency=regency_agency
    )
    Assignment.objects.create(
        facilitator=person, centre=centre, starts_on=dt.date(2026, 2, 1), regency_code=PPU, province_code="64"
    )
    visit = Visit.objects.create(
        client_id=uuid.uuid4(),
        facilitator=person,
        visited_at=timezone.make_aware(dt.datetime(2026, 11, 10, 9, 30)),
        kind="coaching",
        latitude=Decimal("-1.250000"),
        longitude=Decimal("116.700000"),
        accuracy_m=8.0,
        village_id=SALOLOANG,
        location_flag="outside_placement",
        findings="Produksi amplang naik; kemasan belum berlabel halal dan belum ada izin PIRT dari Dinkes.",
        regency_code=PPU,
        province_code="64",
    )
    visit.actions.create(description="Urus PIRT ke Dinas Kesehatan", due_on=dt.date(2026, 12, 1))
    return {"officer": officer, "person": person, "contract": contract, "visit": visit}


def test_the_pages_fit_a_phone_and_a_laptop_without_breaking_the_csp(
    live_server, browser_page, csp_violations, field
):
    page = browser_page
    log_in(page, live_server, field["officer"].username)
    pages = {
        "list": reverse("web:facilitator_list"),
        "detail": reverse("web:facilitator_detail", args=[field["person"].pk]),
        "form": reverse("web:facilitator_create"),
        "contracts": reverse("web:facilitator_contract_list") + "?berakhir=60",
        "contract": reverse("web:facilitator_contract_detail", args=[field["contract"].pk]),
        "renew": reverse("web:facilitator_contract_renew", args=[field["contract"].pk]),
        "visits": reverse("web:visit_list"),
        "visit": reverse("web:visit_detail", args=[field["visit"].pk]),
    }
    for width, height in ((390, 844), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        for name, url in pages.items():
            response = page.goto(live_server.url + url)
            assert response.status == 200, (name, response.status)
            page.wait_for_load_state("networkidle")
            screenshot(page, f"facilitators-{width}-{name}")
            size = page.evaluate(WIDE)
            assert size["scroll"] <= size["inner"], (width, name, size)
    page.goto(live_server.url + pages["visit"])
    page.wait_for_selector(".map path.leaflet-interactive")  # the visit's point on the map
    assert csp_violations(page) == []
