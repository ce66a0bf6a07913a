"""A restore never drops links it has no record of (audit.links.restorable_links).

Links written without an audit event — by a loader that wrote none (the demo did, before its fix), in
the admin, before links were recorded — are in no version: bringing an old version's links back would
delete them with no trace to undo it (restoring a demo centre's "created" version left Sentra Batik with
0 of 6 members). A link field comes back only when the version recorded it and the history from that
version to now accounts for every change of it; otherwise it is left as it is and the restore says so.
Restoring a field that would only add links loses nothing and is done."""

from __future__ import annotations

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditEvent
from sentra.audit.services import restore_version
from sentra.conftest import PPU, SALOLOANG
from sentra.registry.models import CentreMembership, CentreVillage
from sentra.registry.services import centre_create, centre_update
from sentra.registry.tests.factories import AgencyFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

TANJUNG_TENGAH = "64.09.01.1001"  # another village of Kecamatan Penajam, PPU


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
    return [EnterpriseFactory(agency=dinas, nib=f"912000000080{i}") for i in range(3)]


def create_centre(officer, member_ids=()):
    return centre_create(
        actor=actor_of(officer),
        village_codes=[SALOLOANG],
        member_ids=list(member_ids),
        kbli_code="13134",
        name="Sentra Batik",
        commodity="Batik",
    )


def created(centre):
    return AuditEvent.objects.get(object_type="registry.centre", object_id=centre.pk, action="create")


def members(centre):
    return sorted(centre.memberships.values_list("enterprise_id", flat=True))


def link_without_event(centre, units):
    """What the demo did: members linked after the creation event, with no event of their own."""
    CentreMembership.objects.bulk_create(CentreMembership(centre=centre, enterprise=u) for u in units)


def test_members_linked_without_an_event_are_kept_and_the_restore_says_so(officer, units):
    centre = create_centre(officer)
    link_without_event(centre, units)
    centre.name = "Sentra Batik Lama"
    centre.save()

    restored = restore_version(actor=actor_of(officer), event=created(centre))

    assert members(centre) == sorted(u.pk for u in units)
    centre.refresh_from_db()
    assert centre.name == "Sentra Batik"  # the fields come back as before
    assert "Anggota (ID IKM) tidak dipulihkan" in restored.restore_notice
    assert "tidak tercatat" in restored.restore_notice
    event = AuditEvent.objects.get(object_type="registry.centre", object_id=centre.pk, action="restore")
    assert "member_ids" not in event.changes and event.snapshot["member_ids"] == members(centre)


def test_a_complete_history_restores_the_members_as_before(officer, units):
    centre = create_centre(officer, [units[0].pk])
    centre_update(actor=actor_of(officer), centre=centre, member_ids=[units[1].pk, units[2].pk])

    restored = restore_version(actor=actor_of(officer), event=created(centre))

    assert members(centre) == [units[0].pk]
    assert restored.restore_notice == ""


def test_an_edit_recorded_after_the_unrecorded_links_does_not_make_the_history_complete(officer, units):
    """The later edit's snapshot lists the members, but nothing records how they got there: the created
    version's "no members" is not what the centre had, so its restore still keeps them."""
    centre = create_centre(officer)
    link_without_event(centre, units[:2])
    centre_update(actor=actor_of(officer), centre=centre, name="Sentra Batik Penajam")

    restored = restore_version(actor=actor_of(officer), event=created(centre))

    assert members(centre) == sorted(u.pk for u in units[:2])
    assert "Anggota (ID IKM) tidak dipulihkan" in restored.restore_notice
    centre.refresh_from_db()
    assert centre.name == "Sentra Batik"


def test_only_the_field_changed_without_an_event_is_kept(officer, units):
    """Villages with a complete history come back; members linked without an event stay."""
    centre = create_centre(officer)
    centre_update(actor=actor_of(officer), centre=centre, village_codes=[SALOLOANG, TANJUNG_TENGAH])
    link_without_event(centre, units[:1])

    restored = restore_version(actor=actor_of(officer), event=created(centre))

    villages = CentreVillage.objects.filter(centre=centre).values_list("village_id", flat=True)
    assert list(villages) == [SALOLOANG]
    assert members(centre) == [units[0].pk]
    assert "Anggota (ID IKM)" in restored.restore_notice and "Desa/kelurahan" not in restored.restore_notice


def test_a_restore_that_only_adds_links_loses_nothing_and_is_done(officer, units):
    centre = create_centre(officer, [units[0].pk, units[1].pk])
    CentreMembership.objects.filter(centre=centre, enterprise=units[1]).delete()  # no event

    restored = restore_version(actor=actor_of(officer), event=created(centre))

    assert members(centre) == sorted([units[0].pk, units[1].pk])
    assert restored.restore_notice == ""


def test_a_version_that_did_not_record_the_links_leaves_them_as_they_are(officer, units):
    """Events from before links were recorded have no link keys: such a version says nothing of them."""
    centre = create_centre(officer, [units[0].pk])
    event = created(centre)
    event.snapshot = {k: v for k, v in event.snapshot.items() if k not in ("member_ids", "village_codes")}
    event.save()
    centre_update(actor=actor_of(officer), centre=centre, member_ids=[units[1].pk])

    restored = restore_version(actor=actor_of(officer), event=event)

    assert members(centre) == [units[1].pk]
    assert restored.restore_notice == ""


def test_the_web_restore_names_the_links_it_kept(client, officer, units):
    centre = create_centre(officer)
    link_without_event(centre, units)
    client.force_login(officer)

    response = client.post(f"/sentra/{centre.pk}/riwayat/{created(centre).pk}/pulihkan/", follow=True)

    texts = [str(m) for m in response.context["messages"]]
    assert any(
        "Versi sebelumnya telah dipulihkan." in t and "Anggota (ID IKM) tidak dipulihkan" in t for t in texts
    ), texts
    assert members(centre) == sorted(u.pk for u in units)
