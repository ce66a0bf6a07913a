"""Separation of duties: no agency verifies or accepts what it submitted itself.

A province that enters and submits a regency's data may not verify it too, and the ministry may not
accept what it submitted: the check is done by another office. The rule compares the agency of the
submitter with the actor's (the submitter themself counts too). SENTRA_ALLOW_SELF_VERIFICATION=true
lifts it for small offices. Refused with code `own_submission`, in every channel; the detail page
does not offer the step and says why.
"""

import json

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.conftest import KALTIM
from sentra.core.errors import DomainError
from sentra.registry.models import Enterprise
from sentra.registry.tests.factories import AgencyFactory, EnterpriseFactory
from sentra.verification.models import VerificationStatus as S
from sentra.verification.selectors import record_steps
from sentra.verification.services import bulk_transition, transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_agency():
    return AgencyFactory(name="Disperindagkop Kalimantan Timur", kind="province_industry", region_id=KALTIM)


@pytest.fixture
def province_officer(province_agency):
    return persona(Role.PROVINCE_OFFICER, agency=province_agency, username="prov_kaltim")


@pytest.fixture
def province_colleague(province_agency):
    return persona(Role.PROVINCE_OFFICER, agency=province_agency, username="prov_kaltim_2")


@pytest.fixture
def regency_officer(regency_agency):
    return persona(Role.REGENCY_OFFICER, agency=regency_agency, username="kab_ppu")


@pytest.fixture
def ministry_colleague(ministry_agency):
    return persona(Role.MINISTRY_ADMIN, agency=ministry_agency, username="kemenperin_2")


@pytest.fixture
def enterprise(regency_agency):
    return EnterpriseFactory(name="UD Amplang Bahari", agency=regency_agency)


def step(user, record, name, reason=""):
    transition(actor=actor_of(user), name=name, record=record, reason=reason)
    record.refresh_from_db()
    return record


def refused(user, record, name):
    before = Enterprise.objects.filter(pk=record.pk).values().get()
    with pytest.raises(DomainError) as error:
        transition(actor=actor_of(user), name=name, record=record)
    assert error.value.code == "own_submission"
    assert "instansi Anda sendiri" in error.value.message
    assert Enterprise.objects.filter(pk=record.pk).values().get() == before  # nothing changed
    return error.value


def test_a_province_may_not_verify_what_its_own_agency_submitted(
    enterprise, province_officer, province_colleague
):
    step(province_officer, enterprise, "submit")
    refused(province_officer, enterprise, "verify")  # the submitter themself
    refused(province_colleague, enterprise, "verify")  # a colleague of the same agency
    assert enterprise.verification_status == S.SUBMITTED


def test_the_ministry_may_not_accept_what_it_submitted(
    enterprise, user, ministry_colleague, province_officer
):
    step(user, enterprise, "submit")
    refused(ministry_colleague, enterprise, "verify")  # the ministry verifies too: not its own either
    step(province_officer, enterprise, "verify")
    refused(ministry_colleague, enterprise, "accept")
    refused(user, enterprise, "accept")


def test_another_agency_checks_as_before(enterprise, regency_officer, province_officer, user):
    step(regency_officer, enterprise, "submit")
    assert step(province_officer, enterprise, "verify").verification_status == S.VERIFIED
    assert step(user, enterprise, "accept").verification_status == S.ACCEPTED


def test_returning_ones_own_submission_stays_possible(enterprise, province_officer):
    step(province_officer, enterprise, "submit")
    assert step(province_officer, enterprise, "return", "Salah ketik").verification_status == S.RETURNED


def test_a_small_office_may_be_allowed_to_check_its_own_work(settings, enterprise, province_officer, user):
    settings.SENTRA_ALLOW_SELF_VERIFICATION = True
    step(province_officer, enterprise, "submit")
    assert step(province_officer, enterprise, "verify").verification_status == S.VERIFIED
    step(user, enterprise, "return", "Uji")
    step(user, enterprise, "submit")
    step(user, enterprise, "verify")
    assert step(user, enterprise, "accept").verification_status == S.ACCEPTED


def test_bulk_verification_reports_own_submissions_as_failed(
    regency_agency, province_officer, regency_officer
):
    own = EnterpriseFactory(agency=regency_agency)
    theirs = EnterpriseFactory(agency=regency_agency)
    step(province_officer, own, "submit")
    step(regency_officer, theirs, "submit")
    result = bulk_transition(actor=actor_of(province_officer), name="verify", records=[own, theirs])
    assert result.done == [theirs.pk]
    assert [pk for pk, _ in result.failed] == [own.pk]
    assert "instansi Anda sendiri" in result.failed[0][1]


def test_the_offered_steps_leave_out_own_submissions_and_say_why(
    enterprise, province_officer, regency_officer
):
    step(province_officer, enterprise, "submit")
    steps = record_steps(actor=actor_of(province_officer), record=enterprise)
    assert steps.available == ["return"] and "instansi Anda sendiri" in steps.withheld
    enterprise.submitted_by = regency_officer
    steps = record_steps(actor=actor_of(province_officer), record=enterprise)
    assert steps.available == ["verify", "return"] and steps.withheld == ""


def test_the_api_answers_400_own_submission(client, enterprise, province_officer, province_colleague):
    step(province_officer, enterprise, "submit")
    client.force_login(province_colleague)
    response = client.post(
        f"/api/v1/enterprises/{enterprise.pk}/verification",
        data=json.dumps({"action": "verify"}),
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "own_submission"
    enterprise.refresh_from_db()
    assert enterprise.verification_status == S.SUBMITTED


def test_the_detail_page_offers_no_verify_button_and_says_why(client, enterprise, province_officer):
    step(province_officer, enterprise, "submit")
    client.force_login(province_officer)
    page = client.get(reverse("web:enterprise_detail", args=[enterprise.pk])).content.decode()
    assert 'data-step="verify"' not in page and 'data-step="return"' in page
    assert 'id="workflow-withheld"' in page and "instansi Anda sendiri" in page
    # Posting the step anyway is refused with the same message, and nothing changes.
    response = client.post(reverse("web:enterprise_transition", args=[enterprise.pk, "verify"]), follow=True)
    assert "instansi Anda sendiri" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.verification_status == S.SUBMITTED
