"""The count on "Verifikasi" (issue 14.2): a checker (the province verifies, the ministry accepts) sees
how many records wait for its step in its region; it goes down as they are checked. Roles without a
checking step see no count."""

from __future__ import annotations

import pytest

from sentra.accounts.models import Role
from sentra.accounts.scope import actor_for_user
from sentra.accounts.tests.factories import persona
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory
from sentra.verification.services import transition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def regency_officer(regency_agency):
    return persona(Role.REGENCY_OFFICER, agency=regency_agency)


@pytest.fixture
def province_officer(kaltim_agency):
    return persona(Role.PROVINCE_OFFICER, agency=kaltim_agency)


def waiting_for(client, user) -> int:
    client.force_login(user)
    return int(client.get("/").context["verification_waiting"])


def test_the_province_sees_how_many_submissions_wait_and_the_count_goes_down(
    client, regency_officer, province_officer, regency_agency, kudus_agency
):
    submitter = actor_for_user(regency_officer)
    records = [EnterpriseFactory(agency=regency_agency) for _ in range(2)] + [
        CentreFactory(agency=regency_agency)
    ]
    for record in records:
        transition(actor=submitter, name="submit", record=record)
    EnterpriseFactory(agency=regency_agency)  # a draft: not waiting for the province
    kudus = persona(Role.REGENCY_OFFICER, agency=kudus_agency)
    transition(
        actor=actor_for_user(kudus),
        name="submit",
        record=EnterpriseFactory(agency=kudus_agency, village_id="33.19.01.2001"),
    )

    assert waiting_for(client, province_officer) == 3  # Kudus is another province's

    transition(actor=actor_for_user(province_officer), name="verify", record=records[0])
    assert waiting_for(client, province_officer) == 2


def test_the_ministry_counts_what_provinces_verified(
    client, user, regency_officer, province_officer, regency_agency
):
    enterprise = EnterpriseFactory(agency=regency_agency)
    transition(actor=actor_for_user(regency_officer), name="submit", record=enterprise)
    assert waiting_for(client, user) == 0  # submitted: the province's step, not yet the ministry's
    transition(actor=actor_for_user(province_officer), name="verify", record=enterprise)
    assert waiting_for(client, user) == 1


@pytest.mark.parametrize("role", [Role.REGENCY_OFFICER, Role.FACILITATOR, Role.MINISTRY_ANALYST, Role.VIEWER])
def test_roles_without_a_checking_step_see_no_count(client, role, regency_agency, regency_officer):
    transition(
        actor=actor_for_user(regency_officer), name="submit", record=EnterpriseFactory(agency=regency_agency)
    )
    EnterpriseFactory(agency=regency_agency)
    assert waiting_for(client, persona(role, agency=regency_agency)) == 0


def test_a_page_that_does_not_show_the_count_does_not_count(
    client, province_officer, django_assert_max_num_queries
):
    """Lazy: computed only when a template reads it (the count is a query per queue type)."""
    from sentra.web.context_processors import permissions

    class Request:
        user = province_officer
        META: dict = {}

    context = permissions(Request())
    with django_assert_max_num_queries(0):
        context["verification_waiting"]  # noqa: B018 - not evaluated until used


def submitted_of_every_type(agency) -> None:
    """Two IKM, a sentra, a plan activity and a month of realisation, all submitted in PPU."""
    from sentra.programmes.tests.factories import ActivityFactory, RealisationFactory

    for _ in range(2):
        EnterpriseFactory(agency=agency, verification_status="submitted")
    CentreFactory(agency=agency, verification_status="submitted")
    ActivityFactory(agency=agency, verification_status="submitted")
    RealisationFactory(activity=ActivityFactory(agency=agency), verification_status="submitted")


def test_the_count_adds_up_every_queue_type(client, province_officer, regency_agency):
    submitted_of_every_type(regency_agency)
    assert waiting_for(client, province_officer) == 5


def test_each_type_is_counted_up_to_the_cap(client, province_officer, regency_agency, monkeypatch):
    monkeypatch.setattr("sentra.web.context_processors.WAITING_CAP", 1)  # each type stops at 2 rows
    for _ in range(3):
        EnterpriseFactory(agency=regency_agency, verification_status="submitted")
        CentreFactory(agency=regency_agency, verification_status="submitted")
    assert waiting_for(client, province_officer) == 4


def test_the_count_costs_one_query_on_a_page(
    client, province_officer, regency_agency, monkeypatch, django_assert_max_num_queries
):
    """The badge is on every page: one query for every queue type together, not one per type."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submitted_of_every_type(regency_agency)
    client.force_login(province_officer)
    client.get("/")  # sessions, caches and the like settle on the first request
    with monkeypatch.context() as patched:
        patched.setattr("sentra.web.context_processors.verification_waiting", lambda request: 0)
        with CaptureQueriesContext(connection) as without_count:
            client.get("/")
    with django_assert_max_num_queries(len(without_count) + 1):
        page = client.get("/").content.decode()
    assert "nav-badge-waiting" in page and ">5<" in page.replace(" ", "")
