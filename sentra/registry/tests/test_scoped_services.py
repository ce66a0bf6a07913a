"""Registry writes obey the scope rule and leave a history; accepted records are locked."""

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditEvent
from sentra.conftest import PPU, SALOLOANG
from sentra.core.errors import AccessDenied, DomainError, NotFound
from sentra.registry.services import centre_create, enterprise_create, enterprise_update, record_delete
from sentra.registry.tests.factories import AgencyFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

KUDUS_VILLAGE = "33.19.01.2001"


@pytest.fixture
def officer(regency_agency):
    return actor_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))


def test_a_regency_officer_records_in_their_regency_as_their_agency(officer, regency_agency):
    enterprise = enterprise_create(
        actor=officer, village_code=SALOLOANG, kbli_code="10794", name="UD Amplang Baru"
    )
    assert enterprise.agency == regency_agency
    assert enterprise.verification_status == "draft"
    event = AuditEvent.objects.get(object_type="registry.enterprise", object_id=enterprise.pk)
    assert (event.action, event.username, event.channel) == ("create", officer.username, "web")
    assert event.snapshot["name"] == "UD Amplang Baru"


def test_nobody_records_outside_their_region_or_for_another_agency(officer):
    with pytest.raises(AccessDenied):
        enterprise_create(actor=officer, village_code=KUDUS_VILLAGE, kbli_code="10794", name="X")
    other = AgencyFactory(name="Dinas Kudus", region_id="33.19")
    with pytest.raises(AccessDenied):
        enterprise_create(actor=officer, agency=other, village_code=SALOLOANG, kbli_code="10794", name="X")


def test_an_update_records_each_changed_field_before_and_after(officer):
    enterprise = EnterpriseFactory(workers=4)
    enterprise_update(actor=officer, enterprise=enterprise, workers=12, reason="Hasil kunjungan")
    event = AuditEvent.objects.get(object_id=enterprise.pk, action="update")
    assert event.changes["workers"] == [4, 12]
    assert event.reason == "Hasil kunjungan"
    enterprise_update(actor=officer, enterprise=enterprise, workers=12)  # nothing changed, nothing recorded
    assert AuditEvent.objects.filter(object_id=enterprise.pk, action="update").count() == 1


def test_a_record_cannot_be_moved_out_of_the_region(officer):
    enterprise = EnterpriseFactory()
    with pytest.raises(AccessDenied):
        enterprise_update(actor=officer, enterprise=enterprise, village_code=KUDUS_VILLAGE)


def test_accepted_records_are_locked(officer):
    enterprise = EnterpriseFactory(verification_status="accepted")
    with pytest.raises(DomainError) as error:
        enterprise_update(actor=officer, enterprise=enterprise, workers=9)
    assert error.value.code == "locked"


def test_editing_a_submitted_record_sends_it_back_to_draft(officer):
    enterprise = EnterpriseFactory(verification_status="submitted")
    enterprise_update(actor=officer, enterprise=enterprise, workers=9)
    enterprise.refresh_from_db()
    assert enterprise.verification_status == "draft"


def test_delete_keeps_the_last_state_in_the_history(officer):
    enterprise = EnterpriseFactory(name="UD Akan Dihapus")
    pk = enterprise.pk
    record_delete(actor=officer, record=enterprise, reason="Data ganda")
    event = AuditEvent.objects.get(object_id=pk, action="delete")
    assert event.snapshot["name"] == "UD Akan Dihapus" and event.reason == "Data ganda"


def test_a_facilitator_cannot_delete_and_an_outsider_gets_not_found(regency_agency):
    facilitator = actor_of(persona(Role.FACILITATOR, agency=regency_agency))
    with pytest.raises(AccessDenied):
        record_delete(actor=facilitator, record=EnterpriseFactory())
    kudus = actor_of(persona(Role.REGENCY_OFFICER, region="33.19"))
    with pytest.raises(NotFound):
        record_delete(actor=kudus, record=EnterpriseFactory())


def test_centre_members_outside_the_scope_are_reported_as_unknown(officer):
    outsider = EnterpriseFactory(village_id=KUDUS_VILLAGE)
    with pytest.raises(DomainError) as error:
        centre_create(
            actor=officer,
            village_codes=[SALOLOANG],
            kbli_code="10421",
            name="Sentra Kelapa",
            commodity="Kelapa",
            member_ids=[outsider.pk],
        )
    assert error.value.code == "unknown_member"
    assert PPU in SALOLOANG
