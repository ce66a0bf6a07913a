"""A sentra's legal basis on the web (issue 14 section 3): the centre form enters the decree (kind,
number, date, signatory, scan) by creating one or choosing one already recorded, a centre is not
*ditetapkan* without one, and the board, facilities and lifecycle dates of the detail page are
editable in the form."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.audit.models import AuditEvent
from sentra.conftest import KUDUS, PPU, SALOLOANG
from sentra.core.errors import DomainError
from sentra.registry.choices import CentreStatus
from sentra.registry.models import Centre, Decree
from sentra.registry.services import centre_update
from sentra.registry.tests.factories import CentreFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def officer(client, regency_agency):
    """A regency officer of Penajam Paser Utara, signed in."""
    user = persona(Role.REGENCY_OFFICER, agency=regency_agency, username="kab_ppu")
    client.force_login(user)
    return user


def centre_data(**changes) -> dict:
    data = {
        "name": "Sentra Amplang Saloloang",
        "commodity": "Amplang",
        "kbli_code": "10794",
        "village_codes": SALOLOANG,
        "member_ids": "",
        "status": CentreStatus.PROPOSED,
    }
    data.update(changes)
    return data


def new_decree(**changes) -> dict:
    data = {
        "decree_kind": "sk_bupati",
        "decree_number": "518/176/2020",
        "decree_issued_on": "2020-06-11",
        "decree_signatory": "Bupati Penajam Paser Utara",
        "decree_title": "Penetapan Sentra IKM",
    }
    data.update(changes)
    return data


def edit_data(centre, **changes) -> dict:
    """What the edit page sends back unchanged, with `changes` typed in."""
    data = centre_data(
        name=centre.name,
        commodity=centre.commodity,
        kbli_code=centre.kbli_id,
        status=centre.status,
        version=centre.version,
    )
    data.update(changes)
    return data


def field_errors(response) -> dict:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def test_a_centre_is_designated_with_a_new_decree_and_its_scan_in_one_form(client, officer):
    scan = SimpleUploadedFile("sk-518.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("web:centre_create"),
        {**centre_data(status=CentreStatus.DESIGNATED), **new_decree(), "decree_scan": scan},
    )
    assert response.status_code == 302, field_errors(response)
    centre = Centre.objects.get()
    decree = centre.decree
    assert (decree.kind, decree.number, decree.issued_on, decree.signatory, decree.region_id) == (
        "sk_bupati",
        "518/176/2020",
        date(2020, 6, 11),
        "Bupati Penajam Paser Utara",
        PPU,  # issued by the centre's regency
    )
    assert centre.status == "designated" and centre.designated_on == date(2020, 6, 11)  # the decree's
    assert decree.scan.read() == PDF
    created = AuditEvent.objects.get(object_type="registry.decree", object_id=decree.pk)
    assert (created.action, created.region_code, created.username) == ("create", PPU, "kab_ppu")

    page = client.get(reverse("web:centre_detail", args=[centre.pk])).content.decode()
    assert "518/176/2020" in page and "Bupati Penajam Paser Utara" in page
    scan_url = reverse("web:centre_decree_scan", args=[centre.pk])
    assert scan_url in page
    served = client.get(scan_url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF


def test_a_governors_decree_is_placed_at_the_province(client, officer):
    data = {**centre_data(status=CentreStatus.DESIGNATED), **new_decree(decree_kind="kepgub")}
    assert client.post(reverse("web:centre_create"), data).status_code == 302
    assert Decree.objects.get().region_id == "64"


def test_one_decree_designates_several_centres_chosen_from_those_in_scope(client, officer):
    ours = Decree.objects.create(
        kind="sk_bupati", number="518/176/2020", issued_on="2020-06-11", region_id=PPU
    )
    governors = Decree.objects.create(
        kind="kepgub", number="500/7/2022", issued_on="2022-02-01", region_id="64"
    )
    elsewhere = Decree.objects.create(
        kind="sk_bupati", number="1/2021", issued_on="2021-01-04", region_id=KUDUS
    )
    offered = set(client.get(reverse("web:centre_create")).context["form"].fields["decree"].queryset)
    assert offered == {ours, governors}  # another regency's decree is not offered

    for name in ("Sentra Amplang", "Sentra Sabut Kelapa"):
        data = centre_data(name=name, status=CentreStatus.DESIGNATED, decree=ours.pk)
        assert client.post(reverse("web:centre_create"), data).status_code == 302
    assert sorted(ours.centres.values_list("name", flat=True)) == ["Sentra Amplang", "Sentra Sabut Kelapa"]
    assert Decree.objects.count() == 3  # chosen, not copied

    # Posting the id of a decree outside the scope answers as an id that does not exist.
    data = centre_data(name="Sentra Lain", status=CentreStatus.DESIGNATED, decree=elsewhere.pk)
    response = client.post(reverse("web:centre_create"), data)
    assert response.status_code == 200 and "decree" in field_errors(response)
    assert not Centre.objects.filter(name="Sentra Lain").exists()


def test_a_centre_is_not_designated_without_a_decree(client, officer):
    response = client.post(reverse("web:centre_create"), centre_data(status=CentreStatus.DESIGNATED))
    assert response.status_code == 200
    assert "decree" in field_errors(response)
    assert not Centre.objects.exists()
    for status in (CentreStatus.DEVELOPING, CentreStatus.SELF_RELIANT):
        response = client.post(reverse("web:centre_create"), centre_data(status=status))
        assert "decree" in field_errors(response)
    assert client.post(reverse("web:centre_create"), centre_data()).status_code == 302  # proposed: fine


def test_the_service_refuses_designation_or_losing_the_decree(regency_agency, system_actor):
    centre = CentreFactory(agency=regency_agency)
    with pytest.raises(DomainError) as caught:
        centre_update(actor=system_actor, centre=centre, status=CentreStatus.DESIGNATED)
    assert caught.value.code == "decree_required" and caught.value.errors[0].field == "decree"

    decree = Decree.objects.create(kind="perbup", number="12/2023", issued_on="2023-03-01", region_id=PPU)
    centre_update(actor=system_actor, centre=centre, status=CentreStatus.DESIGNATED, decree=decree)
    with pytest.raises(DomainError) as caught:
        centre_update(actor=system_actor, centre=centre, decree=None)
    assert caught.value.code == "decree_required"
    centre.refresh_from_db()
    assert (centre.status, centre.decree_id, centre.designated_on) == (
        "designated",
        decree.pk,
        date(2023, 3, 1),
    )


def test_an_old_centre_designated_without_a_decree_is_flagged_and_can_be_completed(
    client, officer, regency_agency
):
    """Returned by the province for a missing SK, the regency can now fix it on the web."""
    centre = CentreFactory(agency=regency_agency, status=CentreStatus.DESIGNATED)
    detail = reverse("web:centre_detail", args=[centre.pk])
    assert "belum memiliki dasar hukum" in client.get(detail).content.decode()

    # Editing something else is not blocked by the missing decree …
    url = reverse("web:centre_edit", args=[centre.pk])
    assert client.post(url, edit_data(centre, upt_name="UPT Amplang")).status_code == 302
    centre.refresh_from_db()
    # … and the decree is added in the same form.
    response = client.post(url, {**edit_data(centre, upt_name="UPT Amplang"), **new_decree()})
    assert response.status_code == 302, field_errors(response)
    centre.refresh_from_db()
    assert centre.decree.number == "518/176/2020" and centre.upt_name == "UPT Amplang"
    assert "belum memiliki dasar hukum" not in client.get(detail).content.decode()


def test_a_decree_number_already_recorded_is_chosen_not_entered_twice(client, officer):
    Decree.objects.create(kind="sk_bupati", number="518/176/2020", issued_on="2020-06-11", region_id=PPU)
    data = {**centre_data(status=CentreStatus.DESIGNATED), **new_decree()}
    response = client.post(reverse("web:centre_create"), data)
    assert response.status_code == 200
    assert "sudah tercatat" in " ".join(field_errors(response)["decree_number"])
    assert Decree.objects.count() == 1 and not Centre.objects.exists()


def test_a_new_decree_needs_its_kind_and_date_and_not_a_choice_beside_it(client, officer):
    chosen = Decree.objects.create(kind="perbup", number="12/2023", issued_on="2023-03-01", region_id=PPU)
    data = {**centre_data(), "decree_number": "9/2024"}
    errors = field_errors(client.post(reverse("web:centre_create"), data))
    assert {"decree_kind", "decree_issued_on"} <= set(errors)
    errors = field_errors(
        client.post(reverse("web:centre_create"), {**data, **new_decree(), "decree": chosen.pk})
    )
    assert "decree" in errors
    errors = field_errors(
        client.post(reverse("web:centre_create"), {**centre_data(), "decree_signatory": "Bupati"})
    )
    assert "decree_number" in errors  # a half-entered decree is not silently dropped
    assert not Centre.objects.exists() and Decree.objects.count() == 1


def test_a_refused_centre_leaves_no_new_decree_behind(client, officer):
    data = {**centre_data(status=CentreStatus.DESIGNATED, kbli_code="99999"), **new_decree()}
    response = client.post(reverse("web:centre_create"), data)
    assert response.status_code == 200 and "kbli_code" in field_errors(response)
    assert (
        not Decree.objects.exists() and not AuditEvent.objects.filter(object_type="registry.decree").exists()
    )


def test_a_scan_must_be_a_pdf_or_image_of_at_most_5_mb(client, officer):
    script = SimpleUploadedFile("sk.html", b"<script>alert(1)</script>", content_type="text/html")
    data = {**centre_data(status=CentreStatus.DESIGNATED), **new_decree(), "decree_scan": script}
    response = client.post(reverse("web:centre_create"), data)
    assert "decree_scan" in field_errors(response) and not Decree.objects.exists()
    big = SimpleUploadedFile("sk.pdf", PDF + b"0" * (5 * 1024 * 1024), content_type="application/pdf")
    data["decree_scan"] = big
    assert "decree_scan" in field_errors(client.post(reverse("web:centre_create"), data))


def test_a_scan_is_checked_by_its_content_not_its_name(client, officer):
    """A photo renamed .pdf, or a PDF cut off before its end, is refused (core.uploads)."""
    data = {**centre_data(status=CentreStatus.DESIGNATED), **new_decree()}
    data["decree_scan"] = SimpleUploadedFile("sk.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    errors = field_errors(client.post(reverse("web:centre_create"), data))
    assert "bukan PDF" in " ".join(errors["decree_scan"]) and not Decree.objects.exists()
    data["decree_scan"] = SimpleUploadedFile("sk.pdf", PDF[:20])
    assert "decree_scan" in field_errors(client.post(reverse("web:centre_create"), data))


def test_the_registry_service_checks_the_scan_too(officer):
    """Not only the form: whatever channel stores a decree's scan, its content decides."""
    from sentra.accounts.tests.factories import actor_of
    from sentra.registry.services import decree_create_for_centre

    with pytest.raises(DomainError) as caught:
        decree_create_for_centre(
            actor=actor_of(officer),
            village_code=SALOLOANG,
            kind="sk_bupati",
            number="518/176/2020",
            issued_on=date(2020, 6, 11),
            scan=SimpleUploadedFile("sk.pdf", b"\xff\xd8\xff\xe0" + b"\0" * 64),
        )
    assert caught.value.code == "file_type_mismatch" and caught.value.errors[0].field == "scan"
    assert not Decree.objects.exists()


def test_the_scan_is_served_only_to_readers_of_the_centre(client, officer, regency_agency, kudus_agency):
    decree = Decree.objects.create(kind="perbup", number="12/2023", issued_on="2023-03-01", region_id=PPU)
    decree.scan.save("perbup.pdf", SimpleUploadedFile("perbup.pdf", PDF))
    centre = CentreFactory(agency=regency_agency, decree=decree, status=CentreStatus.DESIGNATED)
    url = reverse("web:centre_decree_scan", args=[centre.pk])
    assert client.get(url).status_code == 200
    client.force_login(persona(Role.REGENCY_OFFICER, agency=kudus_agency, username="kab_kudus"))
    assert client.get(url).status_code == 404
    assert client.get(reverse("web:centre_decree_scan", args=[CentreFactory(agency=regency_agency).pk]))


def test_board_facilities_and_lifecycle_dates_are_edited_in_the_form(client, officer, regency_agency):
    decree = Decree.objects.create(kind="perbup", number="12/2023", issued_on="2023-03-01", region_id=PPU)
    centre = CentreFactory(agency=regency_agency, status=CentreStatus.DESIGNATED, decree=decree)
    url = reverse("web:centre_edit", args=[centre.pk])
    form = client.get(url).context["form"]
    for name in ("board_members", "facilities", "developing_on", "self_reliant_on", "proposed_on", "decree"):
        assert name in form.fields
    changes = {
        "status": CentreStatus.SELF_RELIANT,
        "decree": decree.pk,
        "developing_on": "2024-05-02",
        "self_reliant_on": "2026-01-15",
        "board_chair": "Hj. Aminah",
        "board_members": "Sekretaris: Siti\nBendahara: Rahmat",
        "facilities": "Rumah produksi bersama, 2 mesin pengaduk",
        "has_showroom": "on",
    }
    response = client.post(url, edit_data(centre, **changes))
    assert response.status_code == 302, field_errors(response)
    centre.refresh_from_db()
    assert (centre.status, centre.developing_on, centre.self_reliant_on) == (
        "self_reliant",
        date(2024, 5, 2),
        date(2026, 1, 15),
    )
    assert centre.board_members == "Sekretaris: Siti\nBendahara: Rahmat"
    assert centre.facilities.startswith("Rumah produksi") and centre.has_showroom
    page = client.get(reverse("web:centre_detail", args=[centre.pk])).content.decode()
    assert "Bendahara: Rahmat" in page and "2 mesin pengaduk" in page


def test_a_decree_set_meanwhile_by_someone_else_is_kept_by_the_conflict_panel(
    client, officer, regency_agency, system_actor
):
    centre = CentreFactory(agency=regency_agency)
    url = reverse("web:centre_edit", args=[centre.pk])
    loaded = client.get(url).context["form"]
    decree = Decree.objects.create(kind="perbup", number="12/2023", issued_on="2023-03-01", region_id=PPU)
    centre_update(actor=system_actor, centre=centre, status=CentreStatus.DESIGNATED, decree=decree)

    data = edit_data(centre, upt_name="UPT Amplang", loaded=loaded["loaded"].value())
    data.update(status=CentreStatus.PROPOSED, version=loaded["version"].value())
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    taken = {row["label"] for row in form.conflict_taken}
    assert str(form.fields["decree"].label) in taken and str(form.fields["status"].label) in taken
    assert form["decree"].value() == str(decree.pk)
