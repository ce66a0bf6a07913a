"""A meeting from plan to the next meeting of its series, in Debian's chromium (issue 15, quality bar):
Disperindag NTT plans a Rakor, invites every regency of the province in one step, adds a participant
and imports its attendance list, records a decision with follow-ups for two regencies; the Belu office
finds its follow-up on its home page and in the menu, marks it done with evidence; the next meeting of
the series shows the previous one's completion rate and carries what is still open to its agenda.

Driven by roles and visible labels, as a person reads the page. Screenshots at 1366 and 390 px go to
$SENTRA_COORDINATION_SHOTS-<name>.png when that is set (e.g. /tmp/shots/left/coordination).

Both meetings are planned on the page in one series (its select and the edition); the series itself is
created through the service (there is no series page). Agenda items, bulk attendance and a walk-in
are recorded on the meeting page; the next meeting gets "Tindak lanjut rapat sebelumnya" by itself.
"""

from __future__ import annotations

import re

import pytest

from sentra.web.tests.browser import BROWSER, PASSWORD, log_in, open_from_menu, screenshot_to

pytestmark = BROWSER

screenshot = screenshot_to("SENTRA_COORDINATION_SHOTS")

NTT = "53"
BELU, KUPANG = "53.04", "53.01"
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
ATTENDANCE_LIST = (
    "No;Nama/Jabatan;Instansi;Kehadiran\n"
    "1;Yohanes Bria / Kepala Bidang Perindustrian;Dinas Perindustrian Kab. Belu;hadir\n"
    "2;Maria Seran / Analis IKM;Dinas Perindustrian Kab. Kupang;daring\n"
    "3;Agus Nenobais / Staf;Dinas Perindustrian Kab. Belu;tidak hadir\n"
)


@pytest.fixture
def ntt(reference):
    """Disperindag NTT with a province officer, and an industry office in every regency/city of NTT,
    Belu's and Kupang's with a regency officer each."""
    from sentra.accounts.models import Role
    from sentra.accounts.tests.factories import persona
    from sentra.regions.models import Region
    from sentra.registry.tests.factories import AgencyFactory

    province = AgencyFactory(name="Disperindag Provinsi NTT", kind="province_industry", region_id=NTT)
    offices = {}
    for regency in Region.objects.filter(parent_id=NTT).order_by("code"):
        name = regency.name.replace("Kabupaten ", "Kab. ")
        offices[regency.code] = AgencyFactory(
            name=f"Dinas Perindustrian {name}", kind="regency_industry", region_id=regency.code
        )
    users = {
        "prov_ntt": persona(Role.PROVINCE_OFFICER, agency=province, username="prov_ntt"),
        "kab_belu": persona(Role.REGENCY_OFFICER, agency=offices[BELU], username="kab_belu"),
        "kab_kupang": persona(Role.REGENCY_OFFICER, agency=offices[KUPANG], username="kab_kupang"),
    }
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    return {"province": province, "offices": offices, "regencies": len(offices)}


def field(scope, label: str):
    """The input labelled exactly `label` (a required field's label ends in an asterisk)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def overflows(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


def form_with(page, heading: str):
    """The form on the page whose heading is `heading`."""
    return page.locator("form").filter(has=page.get_by_role("heading", name=heading, exact=True))


def section(page, heading: str):
    """The part of the page under the heading `heading` (a card or a form)."""
    return (
        page.locator("section, form").filter(has=page.get_by_role("heading", name=heading, exact=True)).last
    )


def koordinasi_group(page):
    """The menu's Koordinasi group, opened as a person opens it (its summary)."""
    return page.get_by_role("navigation").get_by_text("Koordinasi", exact=True)


def shoot_both(page, name: str, seen: dict) -> None:
    """Screenshots at 1366 and 390 px (the page reloaded at each width), noting any sideways overflow."""
    for label, size in (("1366", LAPTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        page.reload()
        seen[f"{name}-{label}"] = overflows(page)
        screenshot(page, f"{name}-{label}")
    page.set_viewport_size(LAPTOP)


def plan_meeting(
    page, live_server, *, title: str, starts: str, ends: str, series: str = "", edition: str = ""
) -> int:
    """Plans a meeting on the page "Rencanakan rapat" and returns its id (from the page's address)."""
    open_from_menu(page, "meeting_list")
    page.get_by_role("link", name="+ Rencanakan rapat").click()
    field(page, "Jenis rapat").select_option(label="Rakor pelaksanaan/penyusunan program")
    field(page, "Judul").fill(title)
    field(page, "Wilayah tuan rumah").fill(BELU)
    field(page, "Tempat").fill("Aula Hotel Matahari, Atambua")
    field(page, "Mulai").fill(starts)
    field(page, "Selesai").fill(ends)
    field(page, "Bentuk").select_option(label="Tatap muka")
    if series:
        field(page, "Seri rapat").select_option(label=series)
        field(page, "Edisi").fill(edition)
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.wait_for_url(re.compile(r".*/koordinasi/rapat/\d+/$"))
    assert page.get_by_role("heading", name=title, level=1).is_visible()
    return int(page.url.rstrip("/").rsplit("/", 1)[-1])


def test_a_meeting_from_plan_to_the_next_meeting_of_its_series(
    live_server, ntt, browser_page, csp_violations, django_user_model
):
    from sentra.accounts.scope import actor_for_user
    from sentra.coordination import services
    from sentra.coordination.models import FollowUp, Meeting

    overflow: dict[str, bool] = {}
    page = browser_page
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server, "prov_ntt")
    actor = actor_for_user(django_user_model.objects.get(username="prov_ntt"))
    services.series_create(
        actor=actor, name="Rakor IKM Provinsi NTT", kind="rakor_programme", organiser=ntt["province"]
    )

    # --- the province plans the Rakor (edition 1 of its series), adds its agenda, invites every regency -----
    first = plan_meeting(
        page,
        live_server,
        title="Rakor Pelaksanaan Kegiatan IKM NTT 2026",
        starts="2026-11-10T09:00",
        ends="2026-11-11T15:00",
        series="Rakor IKM Provinsi NTT",
        edition="1",
    )
    assert "Rakor IKM Provinsi NTT · edisi 1" in section(page, "Data rapat").inner_text()
    page.get_by_text("+ Tambah acara", exact=True).click()  # the folded form opens from its summary
    agenda_form = form_with(page, "Tambah acara")
    field(agenda_form, "Acara").fill("Paparan capaian kegiatan IKM 2026")
    field(agenda_form, "Penyaji").fill("Kabid IKM Disperindag NTT")
    field(agenda_form, "Waktu").fill("2026-11-10T09:30")
    agenda_form.get_by_role("button", name="Tambah acara").click()
    page.wait_for_load_state()
    assert (
        "Paparan capaian kegiatan IKM 2026 — Kabid IKM Disperindag NTT" in section(page, "Acara").inner_text()
    )

    page.get_by_text("+ Undang instansi", exact=True).click()
    invite = form_with(page, "Undang instansi")
    field(invite, "Setiap kabupaten/kota provinsi (kode)").fill(NTT)
    invite.get_by_role("button", name="Undang").click()
    page.wait_for_load_state()
    regencies = ntt["regencies"]
    assert regencies >= 22
    assert f"{regencies} instansi diundang." in page.locator("main").inner_text()

    # --- participants: one added on the page, the rest from the attendance list (bulk) ---------------------
    page.get_by_text("+ Tambah peserta", exact=True).click()
    participant = form_with(page, "Tambah peserta")
    field(participant, "Nama").fill("Theresia Luruk")
    field(participant, "Jabatan").fill("Sekretaris Dinas")
    field(participant, "Instansi").select_option(label="Dinas Perindustrian Kab. Belu")
    field(participant, "Kehadiran").select_option(label="Hadir langsung")
    participant.get_by_role("button", name="Tambah").click()
    page.wait_for_load_state()
    assert "Theresia Luruk dicatat." in page.locator("main").inner_text()

    page.get_by_role("link", name="Impor daftar hadir").click()
    assert page.get_by_text("Diimpor ke: Rakor Pelaksanaan Kegiatan IKM NTT 2026").is_visible()
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "daftar-hadir.csv", "mimeType": "text/csv", "buffer": ATTENDANCE_LIST.encode()}],
    )
    page.get_by_role("button", name="Impor", exact=True).click()
    page.get_by_text("3 baris diimpor").wait_for(timeout=30_000)
    shoot_both(page, "attendance-imported", overflow)
    page.goto(f"{live_server.url}/koordinasi/rapat/{first}/")
    people = section(page, "Undangan dan peserta").get_by_role("table")
    assert people.get_by_role("row").count() == 1 + 4  # the header and four people
    table = people.inner_text()
    for expected in (
        "Yohanes Bria",
        "Hadir langsung",
        "Maria Seran",
        "Hadir daring",
        "Agus Nenobais",
        "Tidak hadir",
    ):
        assert expected in table
    # Marked on the page: Agus came after all, Maria joined in the room; a walk-in is added in one row.
    people.get_by_label("Pilih Agus Nenobais").check()
    people.get_by_label("Pilih Maria Seran").check()
    page.get_by_role("group", name="Tandai peserta yang dicentang").get_by_role(
        "button", name="hadir", exact=True
    ).click()
    page.wait_for_load_state()
    assert "Kehadiran 2 peserta diubah." in page.locator("main").inner_text()
    walk_in = page.locator("form").filter(has=page.get_by_role("button", name="Catat hadir"))
    walk_in.get_by_label("Nama peserta datang langsung").fill("Kornelis Atok")
    walk_in.get_by_label("Lembaga peserta datang langsung").fill("Koperasi Tenun Ikat Belu")
    walk_in.get_by_role("button", name="Catat hadir").click()
    page.wait_for_load_state()
    rows = people.get_by_role("row")
    assert rows.count() == 1 + 5
    assert "Hadir langsung" in rows.filter(has_text="Agus Nenobais").inner_text()
    assert "tanpa undangan" in rows.filter(has_text="Kornelis Atok").inner_text()

    # --- a decision with two follow-ups, owned by Belu and by Kupang --------------------------------------
    page.get_by_text("+ Catat keputusan", exact=True).click()
    decision = form_with(page, "Catat keputusan")
    field(decision, "Keputusan/kesimpulan").fill(
        "Kabupaten menyiapkan calon peserta bimtek dan lokasi sentra untuk TA 2027."
    )
    decision.get_by_role("button", name="Simpan keputusan").click()
    page.wait_for_load_state()
    for owner, text in (
        ("Dinas Perindustrian Kab. Belu", "Usulkan lokasi sentra tenun ikat Belu dengan SK Bupati"),
        ("Dinas Perindustrian Kab. Kupang", "Kirim daftar calon peserta bimtek Kupang"),
    ):
        page.get_by_text("+ Tambah tindak lanjut", exact=True).click()
        follow_up = form_with(page, "Tambah tindak lanjut")
        field(follow_up, "Instansi pemilik").select_option(label=owner)
        field(follow_up, "Tindak lanjut").fill(text)
        field(follow_up, "Tenggat").fill("2026-12-15")
        follow_up.get_by_role("button", name="Simpan tindak lanjut").click()
        page.wait_for_load_state()
        assert "Tindak lanjut dicatat." in page.locator("main").inner_text()
    decisions = section(page, "Keputusan dan tindak lanjut").inner_text()
    assert "Usulkan lokasi sentra tenun ikat Belu" in decisions and "Kirim daftar calon peserta" in decisions
    shoot_both(page, "meeting", overflow)

    # --- Belu sees its follow-up on its home page and in the menu, and marks it done with evidence -----
    belu_page = page.context.browser.new_page(viewport=LAPTOP, locale="id-ID")
    log_in(belu_page, live_server, "kab_belu")
    mine = section(belu_page, "Tindak lanjut instansi Anda")
    assert "Tindak lanjut instansi Anda" in mine.inner_text()
    assert "Usulkan lokasi sentra tenun ikat Belu" in mine.inner_text()
    assert "Kirim daftar calon peserta" not in mine.inner_text()  # Kupang's
    # The count sits on "Tindak lanjut" inside the Koordinasi group of the menu, seen once it is opened.
    koordinasi_group(belu_page).click()
    badge = belu_page.get_by_role("link", name=re.compile(r"^Tindak lanjut \d")).first
    assert badge.is_visible() and badge.inner_text().startswith("Tindak lanjut 1")
    shoot_both(belu_page, "home-belu", overflow)
    belu_page.set_viewport_size(PHONE)  # on a phone: behind the menu button, then the group
    belu_page.get_by_text(re.compile(r"^\W*Menu\b")).click()
    koordinasi_group(belu_page).click()
    assert badge.is_visible() and badge.inner_text().startswith("Tindak lanjut 1")
    screenshot(belu_page, "menu-belu-390")
    belu_page.set_viewport_size(LAPTOP)
    mine.get_by_role("link", name=re.compile("Usulkan lokasi sentra tenun ikat Belu")).click()
    status = form_with(belu_page, "Ubah status")
    field(status, "Status").select_option(label="Selesai")
    field(status, "Bukti: tautan").fill("https://belukab.go.id/sk/sentra-tenun-ikat-2026")
    status.get_by_role("button", name="Simpan").click()
    belu_page.wait_for_load_state()
    assert (
        "Selesai\n16 November 2026" in section(belu_page, "Data tindak lanjut").inner_text()
    )  # the fixed clock
    assert belu_page.get_by_role("link", name="https://belukab.go.id/sk/sentra-tenun-ikat-2026").is_visible()
    shoot_both(belu_page, "follow-up-done", overflow)
    belu_page.goto(live_server.url + "/")
    assert belu_page.get_by_role("heading", name="Tindak lanjut instansi Anda").count() == 0  # nothing to do
    assert (
        belu_page.get_by_role("link", name=re.compile(r"^Tindak lanjut \d"), include_hidden=True).count() == 0
    )
    belu_page.close()

    # --- the next meeting of the series: the previous one's completion and what is still open ---------
    second = plan_meeting(
        page,
        live_server,
        title="Rakor Pelaksanaan Kegiatan IKM NTT 2027",
        starts="2027-03-09T09:00",
        ends="2027-03-10T15:00",
        series="Rakor IKM Provinsi NTT",
        edition="2",
    )
    assert Meeting.objects.get(pk=second).edition == 2
    facts = section(page, "Data rapat").inner_text()
    assert "Rapat sebelumnya\nRakor Pelaksanaan Kegiatan IKM NTT 2026 · tindak lanjut selesai 50%" in facts
    # Carried by itself when the meeting was planned: the item, and under it what is open, linked.
    first_item = section(page, "Acara").get_by_role("listitem").first.inner_text()
    assert first_item.startswith("Tindak lanjut rapat sebelumnya — 1 tindak lanjut masih terbuka")
    carried = page.get_by_role("list", name="Tindak lanjut rapat sebelumnya yang masih terbuka")
    assert carried.get_by_role("link", name="Kirim daftar calon peserta bimtek Kupang").is_visible()
    assert "Usulkan lokasi sentra tenun ikat Belu" not in carried.inner_text()  # done
    assert page.get_by_role("button", name="Masukkan ke acara").count() == 0  # carried once, no button
    shoot_both(page, "next-meeting", overflow)

    assert FollowUp.objects.filter(status="done").count() == 1
    assert csp_violations(page) == []
    assert [name for name, wide in overflow.items() if wide] == []
