"""An activity's locations and beneficiaries are in its history like its fields: every change of them
— form, API, beneficiaries import — is recorded on the activity (added/removed, by whom, through which
channel), a restore brings them back, and a version reaching outside the restorer's region is refused."""

from __future__ import annotations

import json

import pytest

from sentra.accounts.models import Role
from sentra.accounts.scope import Channel
from sentra.accounts.services import token_create
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditEvent
from sentra.conftest import KUDUS, PENAJAM, PPU, SALOLOANG
from sentra.core.errors import AccessDenied
from sentra.core.import_kinds import import_file
from sentra.programmes.services import activity_create, activity_restore, activity_update
from sentra.registry.tests.factories import AgencyFactory, CentreFactory, EnterpriseFactory

from .factories import YEAR, ProgrammeFactory

pytestmark = pytest.mark.django_db


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
def beneficiaries(dinas):
    centres = [CentreFactory(agency=dinas, name=f"Sentra Amplang {i}") for i in range(2)]
    enterprises = [EnterpriseFactory(agency=dinas) for _ in range(2)]
    return centres, enterprises


def create(actor, dinas, **links):
    return activity_create(
        actor=actor,
        programme=ProgrammeFactory(agency=dinas),
        code="5305.001",
        name="Bimtek kemasan",
        kind="training",
        funding_source="apbd_kab",
        **links,
    )


def events(activity, action="update"):
    return AuditEvent.objects.filter(object_type="programmes.activity", object_id=activity.pk, action=action)


def test_creating_an_activity_records_its_locations_and_beneficiaries(officer, dinas, beneficiaries):
    centres, enterprises = beneficiaries
    activity = create(
        actor_of(officer), dinas, location_codes=[PPU], centre_ids=[centres[0].pk], enterprise_ids=[]
    )
    created = events(activity, "create").get()
    assert created.changes["locations"] == [None, [PPU]]
    assert created.changes["centres"] == [None, [centres[0].pk]]
    assert created.snapshot["enterprises"] == []


def test_changing_beneficiaries_and_locations_is_recorded_with_who_and_the_channel(
    officer, dinas, beneficiaries
):
    centres, enterprises = beneficiaries
    actor = actor_of(officer, Channel.CLI)
    activity = create(actor, dinas, location_codes=[PPU], centre_ids=[centres[0].pk])
    activity_update(
        actor=actor,
        activity=activity,
        location_codes=[PENAJAM],
        centre_ids=[centres[1].pk],
        enterprise_ids=[e.pk for e in enterprises],
    )
    event = events(activity).get()
    assert event.changes == {
        "locations": [[PPU], [PENAJAM]],
        "centres": [[centres[0].pk], [centres[1].pk]],
        "enterprises": [[], sorted(e.pk for e in enterprises)],
    }
    assert (event.username, event.channel) == (officer.username, "cli")


def test_the_api_records_a_change_of_beneficiaries_on_the_activity(client, officer, dinas, beneficiaries):
    centres, _enterprises = beneficiaries
    activity = create(actor_of(officer), dinas, centre_ids=[centres[0].pk])
    _token, key = token_create(user=officer, name="tes")
    response = client.patch(
        f"/api/v1/activities/{activity.pk}",
        data=json.dumps({"centres": [c.pk for c in centres]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200, response.content[:300]
    event = events(activity).get()
    assert event.changes == {"centres": [[centres[0].pk], sorted(c.pk for c in centres)]}
    assert (event.username, event.channel) == (officer.username, "api")


def test_the_beneficiaries_import_records_the_links_in_the_version_it_leaves(
    tmp_path, officer, dinas, beneficiaries
):
    centres, enterprises = beneficiaries
    activity = create(actor_of(officer), dinas, centre_ids=[centres[0].pk])
    path = tmp_path / "penerima.csv"
    path.write_text(
        f"Tahun anggaran,Kode kegiatan,NIB,ID sentra\n{YEAR},5305.001,{enterprises[0].nib},\n",
        encoding="utf-8",
    )
    report = import_file(kind="beneficiaries", path=path, actor=actor_of(officer), commit=True)
    assert report.ok, report.errors
    event = events(activity).get()
    assert event.changes == {"enterprises": [[], [enterprises[0].pk]]}
    assert (event.snapshot["enterprises"], event.snapshot["centres"]) == (
        [enterprises[0].pk],
        [centres[0].pk],
    )


def test_restoring_a_version_brings_its_locations_and_beneficiaries_back(officer, dinas, beneficiaries):
    centres, enterprises = beneficiaries
    actor = actor_of(officer)
    activity = create(actor, dinas, location_codes=[PPU], centre_ids=[centres[0].pk])
    activity_update(
        actor=actor, activity=activity, location_codes=[], centre_ids=[], enterprise_ids=[enterprises[1].pk]
    )
    activity_restore(actor=actor, activity=activity, event=events(activity, "create").get())
    assert list(activity.locations.values_list("code", flat=True)) == [PPU]
    assert list(activity.centres.all()) == [centres[0]]
    assert not activity.enterprises.exists()
    restored = events(activity, "restore").get()
    assert restored.changes["enterprises"] == [[enterprises[1].pk], []]


def test_a_version_with_a_location_outside_the_region_is_refused_and_changes_nothing(officer, dinas):
    admin = actor_of(persona(Role.MINISTRY_ADMIN))
    activity = create(admin, dinas, location_codes=[KUDUS, SALOLOANG])
    activity_update(actor=admin, activity=activity, location_codes=[SALOLOANG], name="Bimtek PPU")
    count = AuditEvent.objects.count()
    with pytest.raises(AccessDenied):
        activity_restore(actor=actor_of(officer), activity=activity, event=events(activity, "create").get())
    activity.refresh_from_db()
    assert activity.name == "Bimtek PPU"
    assert list(activity.locations.values_list("code", flat=True)) == [SALOLOANG]
    assert AuditEvent.objects.count() == count
