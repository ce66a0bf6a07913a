"""Pin of the reason rule at the service level (issue 14.7): returning (or reopening) a record needs
a reason, and blank or whitespace is no reason — whatever the channel, the service refuses."""

from __future__ import annotations

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.core.errors import DomainError
from sentra.registry.tests.factories import EnterpriseFactory
from sentra.verification.models import VerificationStatus as S
from sentra.verification.services import transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(regency_agency):
    regency = persona(Role.REGENCY_OFFICER, agency=regency_agency, username="kab_ppu")
    enterprise = EnterpriseFactory(name="UD Amplang Bahari", agency=regency_agency)
    transition(actor=actor_of(regency), name="submit", record=enterprise)
    enterprise.refresh_from_db()
    return enterprise


@pytest.fixture
def province(kaltim_agency):
    return persona(Role.PROVINCE_OFFICER, agency=kaltim_agency, username="prov_kaltim")


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_a_return_without_a_reason_is_refused_by_the_service(submitted, province, reason):
    with pytest.raises(DomainError) as raised:
        transition(actor=actor_of(province), name="return", record=submitted, reason=reason)
    assert raised.value.code == "reason_required"
    assert [(e.field, e.code) for e in raised.value.errors] == [("reason", "required")]
    submitted.refresh_from_db()
    assert submitted.verification_status == S.SUBMITTED and submitted.return_reason == ""


def test_a_return_with_a_reason_is_recorded_trimmed(submitted, province):
    transition(actor=actor_of(province), name="return", record=submitted, reason="  SK belum ada  ")
    submitted.refresh_from_db()
    assert submitted.verification_status == S.RETURNED and submitted.return_reason == "SK belum ada"
