"""A centre's villages and members are in its history like its fields: every change of them — form,
API, import — is recorded (added/removed, by whom, through which channel) on the centre, a restore
brings them back, and decrees a centre import creates are recorded as created by the import."""

from __future__ import annotations

import json

import pytest

from sentra.accounts.models import Role
from sentra.accounts.scope import Channel
from sentra.accounts.services import token_create
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditBatch, AuditEvent
from sentra.audit.services import restore_version
from sentra.conftest import PPU, SALOLOANG
from sentra.core.errors import AccessDenied
from sentra.registry.models import Centre, Decree
from sentra.registry.services import centre_create, centre_update
from sentra.registry.tests.factories import AgencyFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

TANJUNG_TENGAH = "64.09.01.1001"  # another village of Kecamatan Penajam, PPU
KUDUS_VILLAGE = "33.19.01.2001"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def dinas():
    return AgencyFactory(name="Dinas Perindustrian Kab. Penajam Paser Utara", region_id=PPU)


@pytest.fixture
def officer(dinas):
    return persona(Role.REGENCY_OFFICER, agency=dinas)


@pytest.fixture
def units(dinas):
    return [EnterpriseFactory(agency=dinas, nib=f"912000000070{i}") for i in range(3)]


@pytest.fixture
def centre(officer, units):
    return centre_create(
        actor=actor_of(officer),
        village_codes=[SALOLOANG],
        member_ids=[units[0].pk],
        kbli_code="10421",
        name="Sentra Kelapa Saloloang",
        commodity="Kelapa",
    )


def events(centre, action="update"):
    return AuditEvent.objects.filter(object_type="registry.centre", object_id=centre.pk, action=action)


def test_creating_a_centre_records_its_villages_and_members(centre, units):
    created = events(centre, "create").get()
    assert created.changes["village_codes"] == [None, [SALOLOANG]]
    assert created.changes["member_ids"] == [None, [units[0].pk]]
    assert (created.snapshot["village_codes"], created.snapshot["member_ids"]) == ([SALOLOANG], [units[0].pk])


def test_changing_only_the_links_is_recorded_with_who_and_the_channel(officer, centre, units):
    actor = actor_of(officer, Channel.CLI)
    centre_update(
        actor=actor,
        centre=centre,
        village_codes=[SALOLOANG, TANJUNG_TENGAH],
        member_ids=[u.pk for u in units[1:]],
    )
    event = events(centre).get()
    assert event.changes == {
        "village_codes": [[SALOLOANG], sorted([SALOLOANG, TANJUNG_TENGAH])],
        "member_ids": [[units[0].pk], [units[1].pk, units[2].pk]],
    }
    assert (event.username, event.channel) == (officer.username, "cli")
    centre_update(actor=actor, centre=centre, member_ids=[units[2].pk, units[1].pk])  # the same set
    assert events(centre).count() == 1


def test_the_api_records_a_change_of_members_on_the_centre(client, officer, centre, units):
    _token, key = token_create(user=officer, name="tes")
    response = client.patch(
        f"/api/v1/centres/{centre.pk}",
        data=json.dumps({"members": [units[0].pk, units[2].pk]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200, response.content[:300]
    event = events(centre).get()
    assert event.changes == {"member_ids": [[units[0].pk], [units[0].pk, units[2].pk]]}
    assert (event.username, event.channel) == (officer.username, "api")


def test_the_web_form_records_a_change_of_villages_and_members_on_the_centre(client, officer, centre, units):
    client.force_login(officer)
    response = client.post(
        f"/sentra/{centre.pk}/ubah/",
        {
            "name": centre.name,
            "commodity": centre.commodity,
            "kbli_code": centre.kbli_id,
            "village_codes": f"{SALOLOANG}\n{TANJUNG_TENGAH}",
            "member_ids": f"{units[1].nib}",
            "status": centre.status,
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    event = events(centre).get()
    assert event.changes["village_codes"] == [[SALOLOANG], sorted([SALOLOANG, TANJUNG_TENGAH])]
    assert event.changes["member_ids"] == [[units[0].pk], [units[1].pk]]
    assert (event.username, event.channel) == (officer.username, "web")


def test_restoring_a_version_brings_its_villages_and_members_back(officer, centre, units):
    actor = actor_of(officer)
    centre_update(actor=actor, centre=centre, village_codes=[TANJUNG_TENGAH], member_ids=[units[2].pk])
    restore_version(actor=actor, event=events(centre, "create").get())
    centre.refresh_from_db()
    assert centre.village_id == SALOLOANG
    assert list(centre.village_links.values_list("village_id", flat=True)) == [SALOLOANG]
    assert list(centre.memberships.values_list("enterprise_id", flat=True)) == [units[0].pk]
    restored = events(centre, "restore").get()
    assert restored.changes["member_ids"] == [[units[2].pk], [units[0].pk]]
    assert restored.changes["village_codes"] == [[TANJUNG_TENGAH], [SALOLOANG]]


def test_a_member_deleted_since_is_skipped_by_a_restore(officer, centre, units):
    actor = actor_of(officer)
    centre_update(actor=actor, centre=centre, member_ids=[units[1].pk])
    units[0].delete()
    restore_version(actor=actor, event=events(centre, "create").get())
    assert not centre.memberships.exists()


def test_a_version_with_a_member_outside_the_region_is_refused_before_anything_is_written(
    dinas, officer, units
):
    admin = actor_of(persona(Role.MINISTRY_ADMIN))
    kudus = EnterpriseFactory(village_id=KUDUS_VILLAGE, agency=AgencyFactory(region_id="33.19"))
    centre = centre_create(
        actor=admin,
        agency=dinas,
        village_codes=[SALOLOANG],
        member_ids=[units[0].pk, kudus.pk],
        kbli_code="10421",
        name="Sentra Campuran",
        commodity="Kelapa",
    )
    centre_update(actor=admin, centre=centre, member_ids=[units[0].pk], name="Sentra Saloloang")
    count = AuditEvent.objects.count()
    with pytest.raises(AccessDenied):
        restore_version(actor=actor_of(officer), event=events(centre, "create").get())
    centre.refresh_from_db()
    assert centre.name == "Sentra Saloloang"
    assert list(centre.memberships.values_list("enterprise_id", flat=True)) == [units[0].pk]
    assert AuditEvent.objects.count() == count


CENTRE_CSV = (
    "nama_sentra,komoditas,kbli,kode_wilayah,jenis_dasar_hukum,nomor_dasar_hukum,tanggal_dasar_hukum,nib_anggota\n"
    "Sentra Amplang,Amplang,10794,{villages},SK Bupati,518/176/2020,31/03/2020,{nibs}\n"
)


def test_a_centre_import_records_the_decrees_it_creates_and_its_rollback_removes_them(
    tmp_path, officer, units
):
    from sentra.core.import_kinds import import_rollback
    from sentra.registry.imports import import_centres

    actor = actor_of(officer)
    path = tmp_path / "sentra.csv"
    path.write_text(CENTRE_CSV.format(villages=SALOLOANG, nibs=units[0].nib), encoding="utf-8")
    report = import_centres(actor=actor, path=path, commit=True)
    assert report.ok, report.errors
    decree = Decree.objects.get(number="518/176/2020")
    created = AuditEvent.objects.get(object_type="registry.decree", object_id=decree.pk)
    assert (created.action, created.batch_id, created.username) == (
        "create",
        report.batch_id,
        officer.username,
    )
    assert (created.snapshot["number"], created.region_code) == ("518/176/2020", PPU)
    centre = Centre.objects.get(name="Sentra Amplang")
    assert events(centre, "create").get().snapshot["member_ids"] == [units[0].pk]

    import_rollback(actor=actor, batch_id=report.batch_id)
    assert not Decree.objects.exists() and not Centre.objects.filter(name="Sentra Amplang").exists()
    assert AuditBatch.objects.get(pk=report.batch_id).rolled_back_at is not None


def test_a_centre_import_records_a_change_of_links_alone_on_the_centre(tmp_path, officer, centre, units):
    from sentra.registry.imports import import_centres

    path = tmp_path / "sentra.csv"
    path.write_text(
        "nama_sentra,komoditas,kbli,kode_wilayah,nib_anggota\n"
        f'{centre.name},{centre.commodity},10421,"{SALOLOANG};{TANJUNG_TENGAH}",{units[0].nib};{units[1].nib}\n',
        encoding="utf-8",
    )
    report = import_centres(actor=actor_of(officer), path=path, commit=True)
    assert report.ok and report.updated == 1, report.errors
    event = events(centre).get()
    assert event.changes == {
        "village_codes": [[SALOLOANG], sorted([SALOLOANG, TANJUNG_TENGAH])],
        "member_ids": [[units[0].pk], [units[0].pk, units[1].pk]],
    }
    assert event.snapshot["member_ids"] == [units[0].pk, units[1].pk]  # the state after, for a restore
    assert (event.username, event.batch_id) == (officer.username, report.batch_id)


def test_the_history_page_names_the_members_and_villages_added_and_removed(client, officer, centre, units):
    from django.urls import reverse

    centre_update(
        actor=actor_of(officer), centre=centre, village_codes=[TANJUNG_TENGAH], member_ids=[units[1].pk]
    )
    client.force_login(officer)
    page = client.get(reverse("web:centre_history", args=[centre.pk])).content.decode()
    assert f"{units[0].name} ({units[0].pk})" in page and f"{units[1].name} ({units[1].pk})" in page
    assert f"{TANJUNG_TENGAH} Tanjung Tengah" in page
    assert "anggota (ID IKM)" in page
