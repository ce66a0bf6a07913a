"""The phone app offline, in Debian's chromium at 390×844 (issue 16's quality bar): a facilitator opens
/lapangan/ once with a signal (the service worker installs), loses the signal, records three visits (one
with a photo), reloads the page without signal (the app shell and "Belum terkirim (3)" come from the
phone), gets the signal back and syncs: the server has exactly three visits and one photo. The same
batch sent again (a sync retried after a lost answer) still leaves three.

Skipped with a reason when the bundle is not built (scripts/build-assets; scripts/test builds it) or
chromium is missing.
"""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from django.urls import reverse

from sentra.conftest import PPU
from sentra.web.tests.browser import BROWSER, CHROMIUM, CHROMIUM_ARGS, PASSWORD, log_in, screenshot_to
from sentra.web.views.field import bundle_built

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    *BROWSER,
    pytest.mark.skipif(not bundle_built(), reason="the phone app is not built: run scripts/build-assets"),
]

PHONE = {"width": 390, "height": 844}
screenshot = screenshot_to("SENTRA_SHOTS")

# What the phone keeps in IndexedDB, read with the plain API (independent of the app's code).
PHOTOS_ON_PHONE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('sentra-lapangan');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const read = open.result.transaction('photos').objectStore('photos').getAll();
    read.onsuccess = () => resolve(read.result.map((p) => ({
      arrayBuffer: p.buffer instanceof ArrayBuffer, width: p.width, height: p.height, type: p.type})));
  };
})"""


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def phone(live_server):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport=PHONE, locale="id-ID", timezone_id="Asia/Jakarta", service_workers="allow"
        )
        page = context.new_page()
        yield context, page
        browser.close()


@pytest.fixture
def tpl(reference, django_user_model, regency_agency):
    """`tpl.ppu`, placed in Kab. Penajam Paser Utara under contract for 2026, with two IKM in the caseload."""
    from sentra.accounts.models import Profile, Role
    from sentra.facilitators.tests.factories import (
        AssignmentFactory,
        ContractFactory,
        FacilitatorFactory,
        PlacementFactory,
    )
    from sentra.registry.tests.factories import EnterpriseFactory

    user = django_user_model.objects.create_user(username="tpl.ppu", password=PASSWORD)
    Profile.objects.create(user=user, role=Role.FACILITATOR, agency=regency_agency, region_id=PPU)
    facilitator = FacilitatorFactory(user=user, agency=regency_agency, name="Rahmat Hidayat")
    ContractFactory(facilitator=facilitator)
    PlacementFactory(facilitator=facilitator)
    for name in ("UD Amplang Bu Sri", "CV Tenun Paser"):
        AssignmentFactory(facilitator=facilitator, enterprise=EnterpriseFactory(name=name))
    return facilitator


def _record(
    page, *, when: str, kind: str, findings: str, enterprise: str, action: str = "", photo=None, workers=None
):
    page.fill("#v-when", when)
    page.select_option("#v-kind", kind)
    page.fill("#v-findings", findings)
    page.locator("#v-caseload label", has_text=enterprise).locator("input").check()
    if action:
        page.click("#v-action-add")
        page.locator("#v-actions input[name=action_description]").last.fill(action)
        page.locator("#v-actions input[name=action_due_on]").last.fill("2026-12-15")
    if photo:
        page.set_input_files("#v-photos", files=[photo])
        expect(page.locator("#v-photo-list li")).to_have_count(1)
    if workers is not None:  # a proposed update of the IKM's data, for the Dinas to decide
        page.click("#v-proposal > summary")
        page.select_option("#p-enterprise", label=enterprise)
        page.fill("#p-workers", str(workers))
    page.click("#v-save")
    # Saved on the phone when the form is empty again: a next visit typed before that (the save of a
    # photo takes a moment) would be wiped by the form's reset, as a person typing could not be.
    expect(page.locator("#v-findings")).to_have_value("")


def test_three_visits_made_offline_survive_a_reload_and_sync_once(live_server, phone, tpl):
    from sentra.facilitators.models import EnterpriseProposal, Visit, VisitAction, VisitPhoto

    context, page = phone
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    log_in(page, live_server, "tpl.ppu")
    page.goto(live_server.url + reverse("web:field_app"))
    # Online once: the service worker installs and takes the page, the app shell is stored on the
    # phone (which the app says), and the caseload too.
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    expect(page.locator("#field-offline")).to_have_text(
        "Aplikasi tersimpan di ponsel: dapat dibuka tanpa sinyal."
    )
    expect(page.locator("#v-caseload input[name=enterprise]")).to_have_count(2)
    expect(page.locator("#field-pending-count")).to_have_text("Belum terkirim (0)")
    expect(page.locator("#field-warning")).to_be_hidden()
    expect(page.locator("#v-gps-clear")).to_be_hidden()  # "Tanpa lokasi" only once a location is taken

    context.set_offline(True)
    expect(page.locator("#field-net")).to_have_attribute("data-state", "offline")
    _record(
        page,
        when="2026-11-10T09:00",
        kind="coaching",
        findings="Kemasan amplang belum berlabel.",
        enterprise="UD Amplang Bu Sri",
        action="Urus PIRT",
    )
    expect(page.locator("#field-pending-count")).to_have_text("Belum terkirim (1)")
    photo = {"name": "kemasan.png", "mimeType": "image/png", "buffer": _png(2400, 1800)}
    _record(
        page,
        when="2026-11-11T10:30",
        kind="monitoring",
        findings="Alat tenun bantuan sudah dipakai.",
        enterprise="CV Tenun Paser",
        photo=photo,
    )
    _record(
        page,
        when="2026-11-12T14:00",
        kind="data_collection",
        findings="Tenaga kerja bertambah.",
        enterprise="UD Amplang Bu Sri",
        workers=12,
    )
    expect(page.locator("#field-pending-count")).to_have_text("Belum terkirim (3)")
    expect(page.locator("#field-warning")).to_contain_text("3 kunjungan belum terkirim")
    # The photo was made smaller on the phone and kept as an ArrayBuffer (iOS cannot store Blobs).
    assert page.evaluate(PHOTOS_ON_PHONE) == [
        {"arrayBuffer": True, "width": 1600, "height": 1200, "type": "image/jpeg"}
    ]
    assert Visit.objects.count() == 0

    # A reload without signal: the service worker answers with the shell, IndexedDB with the queue.
    page.reload()
    assert "beforeunload" in dialogs  # leaving with unsent visits asks first
    expect(page.locator("#field-net")).to_have_attribute("data-state", "offline")
    expect(page.locator("#field-pending-count")).to_have_text("Belum terkirim (3)")
    expect(page.locator("#field-pending-list li.field-item")).to_have_count(3)
    expect(page.locator("#v-caseload input[name=enterprise]")).to_have_count(2)  # the cached caseload
    # Really offline, the service worker's own fetches included (a URL it has not cached fails).
    probe = "() => fetch('/lapangan/ikon-192.png?probe=' + Date.now()).then(r => r.status, () => 'failed')"
    assert page.evaluate(probe) == "failed"
    screenshot(page, "field-offline")
    page_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert page_width <= PHONE["width"], f"the app is {page_width}px wide on a 390px phone"
    assert Visit.objects.count() == 0

    # The signal returns: the app sends by itself (the online event); the button does the same.
    context.set_offline(False)
    expect(page.locator("#field-pending-count")).to_have_text("Belum terkirim (0)", timeout=20_000)
    expect(page.locator("#field-warning")).to_be_hidden()
    assert Visit.objects.count() == 3
    assert VisitPhoto.objects.count() == 1
    assert VisitAction.objects.filter(description="Urus PIRT", due_on=dt.date(2026, 12, 15)).count() == 1
    assert set(Visit.objects.values_list("facilitator_id", flat=True)) == {tpl.pk}
    stored = VisitPhoto.objects.get()
    assert max(stored.width, stored.height) <= 1600
    assert stored.visit.findings == "Alat tenun bantuan sudah dipakai."
    # Each visit with what was ticked for it, and nothing carried over from the visit before.
    visited = {v.findings: list(v.enterprises.values_list("name", flat=True)) for v in Visit.objects.all()}
    assert visited == {
        "Kemasan amplang belum berlabel.": ["UD Amplang Bu Sri"],
        "Alat tenun bantuan sudah dipakai.": ["CV Tenun Paser"],
        "Tenaga kerja bertambah.": ["UD Amplang Bu Sri"],
    }
    # The proposal went with its visit, to the Dinas, never onto the IKM itself.
    proposal = EnterpriseProposal.objects.get()
    assert proposal.changes == {"workers": 12} and proposal.visit.findings == "Tenaga kerja bertambah."
    assert proposal.enterprise.name == "UD Amplang Bu Sri" and proposal.enterprise.workers != 12
    assert proposal.base_version == proposal.enterprise.version

    # The same batch again, as a retry after a lost answer would send it: nothing written twice.
    replay = page.evaluate("() => window.sentraField.replayLastBatch()")
    assert replay["status"] == 200
    assert {item["status"] for item in replay["body"]["results"]} == {"existing"}
    assert Visit.objects.count() == 3 and VisitPhoto.objects.count() == 1
    assert EnterpriseProposal.objects.count() == 1


def test_a_visit_the_server_refuses_stays_on_the_phone_with_its_error_until_corrected(
    live_server, phone, tpl
):
    from sentra.facilitators.models import Visit

    context, page = phone
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server, "tpl.ppu")
    page.goto(live_server.url + reverse("web:field_app"))
    expect(page.locator("#v-caseload input[name=enterprise]")).to_have_count(2)
    # The form works without GPS; the date is after today on the server's clock (2026-11-16).
    _record(
        page,
        when="2026-12-30T09:00",
        kind="coaching",
        findings="Tanggal salah ketik.",
        enterprise="CV Tenun Paser",
    )
    item = page.locator("#field-pending-list li.field-item-error")
    expect(item).to_have_count(1, timeout=20_000)
    expect(item.locator("code")).to_have_text("future_date")
    expect(page.locator("#field-pending-count")).to_have_text("Belum terkirim (1)")
    client_id = item.get_attribute("data-client-id")
    assert Visit.objects.count() == 0

    item.locator("[data-edit]").click()
    expect(page.locator("#visit-errors")).to_contain_text("future_date")
    expect(page.locator("#v-findings")).to_have_value("Tanggal salah ketik.")
    page.fill("#v-when", "2026-11-13T09:00")
    # The phone's GPS, with its accuracy (Saloloang, Penajam).
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": -1.2436, "longitude": 116.7642, "accuracy": 12})
    page.click("#v-gps")
    expect(page.locator("#v-gps-text")).to_contain_text("akurasi ±12 m")
    page.click("#v-save")
    expect(page.locator("#field-pending-count")).to_have_text("Belum terkirim (0)", timeout=20_000)
    visit = Visit.objects.get()
    assert str(visit.client_id) == client_id  # corrected, not duplicated: the same id as before
    assert list(visit.enterprises.values_list("name", flat=True)) == ["CV Tenun Paser"]
    assert (float(visit.latitude), float(visit.longitude), visit.accuracy_m) == (-1.2436, 116.7642, 12)


# A visit the server already has, left in the queue with no photo to send (an older app version could
# leave one when two syncs ran at once: CI saw "Belum terkirim (1)" for ever).
LEFTOVER_SENT_VISIT = """(owner) => new Promise((resolve, reject) => {
  const open = indexedDB.open('sentra-lapangan');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction('visits', 'readwrite');
    tx.objectStore('visits').put({
      client_id: '7d1f3c1e-0000-4000-8000-000000000001', owner, state: 'sent', server_id: 1,
      created_at: '2026-11-10T01:00:00Z', errors: [], warnings: [],
      summary: {kind: 'Pembinaan', places: ['UD Amplang Bu Sri']},
      payload: {visited_at: '2026-11-10T09:00:00+08:00'}});
    tx.oncomplete = () => resolve(true);
    tx.onerror = () => reject(tx.error);
  };
})"""


def test_a_sent_visit_with_nothing_left_to_send_leaves_the_queue(live_server, phone, tpl):
    context, page = phone
    log_in(page, live_server, "tpl.ppu")
    page.goto(live_server.url + reverse("web:field_app"))
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    expect(page.locator("#field-offline")).to_be_visible()  # the shell is stored: a reload offline works
    expect(page.locator("#field-pending-count")).to_have_text("Belum terkirim (0)")
    context.set_offline(True)
    page.evaluate(LEFTOVER_SENT_VISIT, "tpl.ppu")
    page.reload()
    expect(page.locator("#field-pending-count")).to_have_text("Belum terkirim (1)")
    context.set_offline(False)  # the next sync finds nothing of it still only on the phone
    expect(page.locator("#field-pending-count")).to_have_text("Belum terkirim (0)", timeout=20_000)


def test_syncs_started_at_once_send_a_visit_and_its_photo_once(live_server, phone, tpl):
    from sentra.facilitators.models import Visit, VisitPhoto

    context, page = phone
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server, "tpl.ppu")
    page.goto(live_server.url + reverse("web:field_app"))
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    photo = {"name": "alat.png", "mimeType": "image/png", "buffer": _png(800, 600)}
    _record(
        page,
        when="2026-11-11T10:30",
        kind="monitoring",
        findings="Alat tenun bantuan sudah dipakai.",
        enterprise="CV Tenun Paser",
        photo=photo,
    )
    expect(page.locator("#field-pending-count")).to_have_text("Belum terkirim (1)")
    context.set_offline(False)  # the online event syncs; the timer and a tap on "Kirim" come at once
    page.evaluate("() => Promise.all([sentraField.sync(), sentraField.sync(), sentraField.sync()])")
    expect(page.locator("#field-pending-count")).to_have_text("Belum terkirim (0)", timeout=20_000)
    assert Visit.objects.count() == 1
    assert VisitPhoto.objects.count() == 1
