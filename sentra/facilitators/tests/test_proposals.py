"""Enterprise updates proposed in the field: propose, apply, conflict, resolve, reject, scope."""

from __future__ import annotations

import uuid

import pytest

from sentra.accounts.models import Notification, Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditEvent
from sentra.conftest import PPU
from sentra.core.errors import AccessDenied, DomainError, NotFound, StaleVersion
from sentra.facilitators.choices import ProposalStatus
from sentra.facilitators.models import EnterpriseProposal, Facilitator
from sentra.facilitators.proposals import (
    CURRENT,
    PROPOSED,
    apply_proposal,
    propose,
    reject_proposal,
    resolve_conflict,
)
from sentra.registry.models import Certification, Enterprise
from sentra.registry.services import enterprise_update
from sentra.registry.tests.factories import EnterpriseFactory
from sentra.verification.models import VerificationStatus


def make_facilitator(agency, *, regency=PPU, username=None):
    user = persona(Role.FACILITATOR, agency=agency, region=regency, username=username)
    facilitator = Facilitator(
        user=user,
        name=f"Pendamping {user.username}",
        sex="f",
        cohort=2015,
        home_region_id=regency,
        agency=agency,
    )
    facilitator.place_at(regency)
    facilitator.save()
    return facilitator


@pytest.fixture
def facilitator(regency_agency):
    return make_facilitator(regency_agency, username="tpl.ppu")


@pytest.fixture
def dinas(regency_agency):
    return actor_of(persona(Role.REGENCY_OFFICER, agency=regency_agency, username="dinas.ppu"))


@pytest.fixture
def tpl(facilitator):
    return actor_of(facilitator.user)


@pytest.fixture
def enterprise(regency_agency):
    return EnterpriseFactory(agency=regency_agency, workers=4, production_value=100_000_000)


def file(tpl, facilitator, enterprise, changes=None, **kw):
    kw.setdefault("base_version", enterprise.version)
    kw.setdefault("client_id", uuid.uuid4())
    return propose(
        actor=tpl,
        facilitator=facilitator,
        enterprise_id=enterprise.pk,
        changes=changes if changes is not None else {"workers": 9},
        **kw,
    )


# --- propose ------------------------------------------------------------------------------------


def test_propose_files_a_submitted_proposal_with_the_values_at_receipt(tpl, facilitator, enterprise):
    proposal, created = file(tpl, facilitator, enterprise, {"workers": "9", "production_capacity": "12.50"})
    assert created
    assert proposal.verification_status == VerificationStatus.SUBMITTED
    assert proposal.submitted_by_id == facilitator.user_id
    assert proposal.outcome == ProposalStatus.PENDING
    assert proposal.changes == {"workers": 9, "production_capacity": "12.5"}
    assert proposal.base_values == {"workers": 4, "production_capacity": None}
    assert proposal.base_version == enterprise.version
    assert proposal.regency_code == PPU
    enterprise.refresh_from_db()
    assert enterprise.workers == 4  # a proposal never overwrites
    assert AuditEvent.objects.filter(object_id=proposal.pk, action="submit").exists()


def test_propose_is_idempotent_on_the_client_id(tpl, facilitator, enterprise):
    client_id = uuid.uuid4()
    first, created = file(tpl, facilitator, enterprise, client_id=client_id)
    again, created_again = file(tpl, facilitator, enterprise, client_id=str(client_id))
    assert created and not created_again
    assert again.pk == first.pk
    assert EnterpriseProposal.objects.count() == 1


def test_a_replay_returns_what_was_written_even_when_it_would_be_refused_now(tpl, facilitator, enterprise):
    client_id = uuid.uuid4()
    first, _ = file(tpl, facilitator, enterprise, client_id=client_id)
    Enterprise.objects.filter(pk=enterprise.pk).update(
        village_id="33.19.01.2001", province_code="33", regency_code="33.19"
    )
    again, created = file(tpl, facilitator, enterprise, {"workers": -1}, client_id=client_id)
    assert (again.pk, created) == (first.pk, False)


def test_a_client_id_of_another_facilitator_is_refused(tpl, facilitator, enterprise, regency_agency, dinas):
    client_id = uuid.uuid4()
    file(tpl, facilitator, enterprise, client_id=client_id)
    other = make_facilitator(regency_agency, username="tpl.lain")
    with pytest.raises(DomainError) as err:
        file(actor_of(other.user), other, enterprise, client_id=client_id)
    assert err.value.code == "client_id_taken"


@pytest.mark.parametrize(
    "changes, field, code",
    [
        ({"name": "Nama baru"}, "name", "unknown_field"),
        ({"workers": -3}, "workers", "min_value"),
        ({"workers": "sembilan"}, "workers", "invalid"),
        ({"production_capacity": "1" * 20}, "production_capacity", "max_digits"),
        ({"capacity_unit": "kg\u202e"}, "capacity_unit", "bidi_character"),
    ],
)
def test_bad_values_get_the_registry_codes(tpl, facilitator, enterprise, changes, field, code):
    with pytest.raises(DomainError) as err:
        file(tpl, facilitator, enterprise, changes)
    assert (field, code) in {(e.field, e.code) for e in err.value.errors}
    assert not EnterpriseProposal.objects.exists()


def test_no_changes_is_refused(tpl, facilitator, enterprise):
    with pytest.raises(DomainError) as err:
        file(tpl, facilitator, enterprise, {})
    assert err.value.code == "no_changes"


def test_an_enterprise_outside_the_placement_regency_is_unknown(tpl, facilitator, kudus_agency):
    elsewhere = EnterpriseFactory(agency=kudus_agency, village_id="33.19.01.2001")
    with pytest.raises(DomainError) as err:
        file(tpl, facilitator, elsewhere)
    assert err.value.code == "unknown_reference"
    assert err.value.errors[0].field == "enterprise_id"


def test_even_a_national_actor_proposes_only_in_the_placement_regency(facilitator, actor, kudus_agency):
    elsewhere = EnterpriseFactory(agency=kudus_agency, village_id="33.19.01.2001")
    with pytest.raises(DomainError) as err:
        file(actor, facilitator, elsewhere)
    assert err.value.code == "unknown_reference"


def test_a_facilitator_cannot_propose_for_a_colleague(facilitator, enterprise, regency_agency):
    other = make_facilitator(regency_agency, username="tpl.lain")
    with pytest.raises(DomainError) as err:
        file(actor_of(other.user), facilitator, enterprise)
    assert err.value.code == "unknown_reference"


# --- apply --------------------------------------------------------------------------------------


def test_apply_writes_through_the_registry_and_tells_the_facilitator(tpl, dinas, facilitator, enterprise):
    proposal, _ = file(tpl, facilitator, enterprise, {"workers": 25, "investment": 20_000_000_000})
    apply_proposal(actor=dinas, proposal=proposal, version=proposal.version)
    enterprise.refresh_from_db()
    proposal.refresh_from_db()
    assert (enterprise.workers, enterprise.investment) == (25, 20_000_000_000)
    assert enterprise.size_class == "large"  # the registry's own derivation ran
    assert proposal.outcome == ProposalStatus.APPLIED
    assert proposal.verification_status == VerificationStatus.VERIFIED
    assert proposal.decided_by_id == dinas.user_id
    event = AuditEvent.objects.get(
        object_type="registry.enterprise", object_id=enterprise.pk, action="update"
    )
    assert event.changes["workers"] == [4, 25]
    assert Notification.objects.filter(user_id=facilitator.user_id, message__contains="diterapkan").exists()


def test_apply_when_another_field_changed_meanwhile_still_applies(tpl, dinas, facilitator, enterprise):
    proposal, _ = file(tpl, facilitator, enterprise, {"workers": 9})
    enterprise_update(actor=dinas, enterprise=enterprise, production_value=200_000_000)
    apply_proposal(actor=dinas, proposal=proposal, version=proposal.version)
    enterprise.refresh_from_db()
    assert (enterprise.workers, enterprise.production_value) == (9, 200_000_000)


def test_conflict_when_the_proposed_field_changed_meanwhile(tpl, dinas, facilitator, enterprise):
    proposal, _ = file(tpl, facilitator, enterprise, {"workers": 9, "production_value": 150_000_000})
    enterprise_update(actor=dinas, enterprise=enterprise, workers=6)
    version = Enterprise.objects.get(pk=enterprise.pk).version
    apply_proposal(actor=dinas, proposal=proposal, version=proposal.version)
    enterprise.refresh_from_db()
    proposal.refresh_from_db()
    assert proposal.outcome == ProposalStatus.CONFLICT
    assert proposal.verification_status == VerificationStatus.SUBMITTED
    assert (enterprise.workers, enterprise.production_value, enterprise.version) == (6, 100_000_000, version)


def test_the_facilitator_cannot_apply(tpl, facilitator, enterprise):
    proposal, _ = file(tpl, facilitator, enterprise)
    with pytest.raises(AccessDenied):
        apply_proposal(actor=tpl, proposal=proposal, version=proposal.version)
    enterprise.refresh_from_db()
    assert enterprise.workers == 4


def test_another_regency_does_not_find_it(tpl, facilitator, enterprise, kudus_agency):
    proposal, _ = file(tpl, facilitator, enterprise)
    kudus = actor_of(persona(Role.REGENCY_OFFICER, agency=kudus_agency))
    with pytest.raises(NotFound):
        apply_proposal(actor=kudus, proposal=proposal, version=None)
    with pytest.raises(NotFound):
        reject_proposal(actor=kudus, proposal=proposal, reason="bukan wilayah kami")


def test_apply_twice_is_refused_and_a_stale_version_too(tpl, dinas, facilitator, enterprise):
    proposal, _ = file(tpl, facilitator, enterprise)
    seen = proposal.version
    apply_proposal(actor=dinas, proposal=proposal, version=seen)
    with pytest.raises(StaleVersion):
        apply_proposal(actor=dinas, proposal=proposal, version=seen)
    with pytest.raises(DomainError) as err:
        apply_proposal(actor=dinas, proposal=proposal, version=None)
    assert err.value.code == "already_decided"


def test_a_locked_enterprise_is_not_written_and_the_proposal_waits(tpl, dinas, facilitator, enterprise):
    proposal, _ = file(tpl, facilitator, enterprise)
    Enterprise.objects.filter(pk=enterprise.pk).update(verification_status=VerificationStatus.ACCEPTED)
    with pytest.raises(DomainError) as err:
        apply_proposal(actor=dinas, proposal=proposal, version=proposal.version)
    assert err.value.code == "locked"
    proposal.refresh_from_db()
    assert proposal.outcome == ProposalStatus.PENDING


# --- resolve and reject -------------------------------------------------------------------------


def test_resolve_applies_the_chosen_values_only(tpl, dinas, facilitator, enterprise):
    proposal, _ = file(tpl, facilitator, enterprise, {"workers": 9, "production_value": 150_000_000})
    enterprise_update(actor=dinas, enterprise=enterprise, workers=6)
    apply_proposal(actor=dinas, proposal=proposal, version=proposal.version)
    proposal.refresh_from_db()
    seen = Enterprise.objects.get(pk=enterprise.pk).version
    resolve_conflict(
        actor=dinas,
        proposal=proposal,
        choice={"workers": CURRENT, "production_value": PROPOSED},
        version=proposal.version,
        enterprise_version=seen,
    )
    enterprise.refresh_from_db()
    proposal.refresh_from_db()
    assert (enterprise.workers, enterprise.production_value) == (6, 150_000_000)
    assert proposal.outcome == ProposalStatus.APPLIED
    assert "production_value" in proposal.decision_note


def test_resolve_needs_a_choice_for_every_field(tpl, dinas, facilitator, enterprise):
    proposal, _ = file(tpl, facilitator, enterprise, {"workers": 9, "production_value": 150_000_000})
    with pytest.raises(DomainError) as err:
        resolve_conflict(actor=dinas, proposal=proposal, choice={"workers": PROPOSED}, version=None)
    assert err.value.code == "choice_required"
    assert [e.field for e in err.value.errors] == ["production_value"]


def test_resolve_against_an_enterprise_changed_since_it_was_compared_is_stale(
    tpl, dinas, facilitator, enterprise
):
    proposal, _ = file(tpl, facilitator, enterprise)
    seen = enterprise.version
    enterprise_update(actor=dinas, enterprise=enterprise, workers=6)
    with pytest.raises(StaleVersion):
        resolve_conflict(
            actor=dinas,
            proposal=proposal,
            choice={"workers": PROPOSED},
            version=None,
            enterprise_version=seen,
        )
    assert Enterprise.objects.get(pk=enterprise.pk).workers == 6


def test_keeping_every_current_value_rejects(tpl, dinas, facilitator, enterprise):
    proposal, _ = file(tpl, facilitator, enterprise)
    resolve_conflict(actor=dinas, proposal=proposal, choice={"workers": CURRENT}, version=None)
    proposal.refresh_from_db()
    assert proposal.outcome == ProposalStatus.REJECTED
    assert Enterprise.objects.get(pk=enterprise.pk).workers == 4


def test_reject_returns_it_with_the_reason(tpl, dinas, facilitator, enterprise):
    proposal, _ = file(tpl, facilitator, enterprise)
    with pytest.raises(DomainError) as err:
        reject_proposal(actor=dinas, proposal=proposal, reason="  ")
    assert err.value.code == "reason_required"
    reject_proposal(actor=dinas, proposal=proposal, reason="Tenaga kerja musiman, tidak dihitung.")
    proposal.refresh_from_db()
    assert proposal.outcome == ProposalStatus.REJECTED
    assert proposal.verification_status == VerificationStatus.RETURNED
    assert proposal.return_reason == "Tenaga kerja musiman, tidak dihitung."
    assert Enterprise.objects.get(pk=enterprise.pk).workers == 4
    assert Notification.objects.filter(user_id=facilitator.user_id, message__contains="musiman").exists()
    assert AuditEvent.objects.filter(object_id=proposal.pk, action="return").exists()


def test_every_proposable_field_is_written_by_the_registry_update():
    from sentra.facilitators.proposals import COLUMN_FIELDS
    from sentra.registry.services import ENTERPRISE_FIELDS

    assert set(COLUMN_FIELDS) <= set(ENTERPRISE_FIELDS)


# --- certificates -------------------------------------------------------------------------------

HALAL = {"kind": "halal", "number": "ID64110000123450925", "issued_on": "2026-09-25"}


def test_certificates_are_checked_by_the_registry_model(tpl, facilitator, enterprise):
    with pytest.raises(DomainError) as err:
        file(tpl, facilitator, enterprise, {"certifications": [{"kind": "iso", "number": "1"}, HALAL, HALAL]})
    found = {(e.field, e.code) for e in err.value.errors}
    assert found == {("certifications.0.kind", "invalid_choice"), ("certifications.2", "duplicate")}
    Certification.objects.create(enterprise=enterprise, kind="halal", number=HALAL["number"])
    with pytest.raises(DomainError) as err:
        file(tpl, facilitator, enterprise, {"certifications": [HALAL]})
    assert err.value.errors[0].field.startswith("certifications.0")


def test_a_proposed_certificate_is_added_and_recorded(tpl, dinas, facilitator, enterprise):
    proposal, _ = file(tpl, facilitator, enterprise, {"certifications": [HALAL]})
    assert proposal.base_values == {"certifications": []}
    apply_proposal(actor=dinas, proposal=proposal, version=None)
    certificate = Certification.objects.get(enterprise=enterprise)
    assert (certificate.kind, certificate.issued_on.isoformat()) == ("halal", "2026-09-25")
    assert AuditEvent.objects.filter(object_type="registry.certification", object_id=certificate.pk).exists()


def test_a_certificate_added_meanwhile_is_a_conflict(tpl, dinas, facilitator, enterprise):
    proposal, _ = file(tpl, facilitator, enterprise, {"certifications": [HALAL]})
    Certification.objects.create(enterprise=enterprise, kind="pirt", number="P-IRT 2066409010123-26")
    apply_proposal(actor=dinas, proposal=proposal, version=None)
    proposal.refresh_from_db()
    assert proposal.outcome == ProposalStatus.CONFLICT
    assert Certification.objects.filter(enterprise=enterprise).count() == 1
