"""Who is told what when a record moves (issue 14.2): the provincial verifier learns that a regency
submitted, and every message names the record type properly ("Sentra IKM", "IKM") and the office that
acted, not a login name."""

from __future__ import annotations

import pytest

from sentra.accounts.models import Notification, Role
from sentra.accounts.scope import actor_for_user
from sentra.accounts.tests.factories import persona
from sentra.conftest import KALTIM, KUDUS
from sentra.registry.tests.factories import AgencyFactory, CentreFactory, EnterpriseFactory
from sentra.verification.services import bulk_transition, transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def regency_officer(regency_agency):
    return persona(Role.REGENCY_OFFICER, agency=regency_agency, username="kab_ppu")


@pytest.fixture
def province_officer(kaltim_agency):
    return persona(Role.PROVINCE_OFFICER, agency=kaltim_agency, username="prov_kaltim")


@pytest.fixture
def ministry_admin(ministry_agency):
    return persona(Role.MINISTRY_ADMIN, agency=ministry_agency, username="kemenperin")


@pytest.fixture
def other_province_officer():
    agency = AgencyFactory(
        name="Disperindag Provinsi Jawa Tengah", kind="province_industry", region_id=KUDUS[:2]
    )
    return persona(Role.PROVINCE_OFFICER, agency=agency, username="prov_jateng")


def inbox(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("pk"))


def act(user, name, record, reason=""):
    transition(actor=actor_for_user(user), name=name, record=record, reason=reason)


def test_a_regency_submission_tells_its_province_verifier_and_nobody_else(
    regency_officer, province_officer, ministry_admin, other_province_officer, regency_agency
):
    enterprise = EnterpriseFactory(name="UD Amplang Bahari", agency=regency_agency)

    act(regency_officer, "submit", enterprise)

    [note] = inbox(province_officer)
    assert note.message == (
        f"IKM “UD Amplang Bahari” diajukan oleh {regency_agency.name} dan menunggu verifikasi Anda."
    )
    assert note.link == enterprise.get_absolute_url()
    assert "kab_ppu" not in note.message
    # The ministry accepts later; another province and the submitter hear nothing now.
    assert (
        inbox(ministry_admin) == [] and inbox(other_province_officer) == [] and inbox(regency_officer) == []
    )


def test_the_ministry_is_told_when_no_province_officer_covers_the_record(
    regency_officer, ministry_admin, regency_agency
):
    enterprise = EnterpriseFactory(name="UD Amplang Bahari", agency=regency_agency)
    act(regency_officer, "submit", enterprise)
    assert len(inbox(ministry_admin)) == 1


def test_the_province_s_own_submission_goes_to_the_ministry_not_to_its_own_office(
    province_officer, ministry_admin, kaltim_agency
):
    colleague = persona(Role.PROVINCE_OFFICER, agency=kaltim_agency, username="prov_kaltim_2")
    enterprise = EnterpriseFactory(name="UD Amplang Bahari", agency=kaltim_agency)

    act(province_officer, "submit", enterprise)

    assert inbox(colleague) == []  # nobody verifies what their own office submitted
    assert len(inbox(ministry_admin)) == 1


def test_messages_name_the_record_type_and_the_office(regency_officer, province_officer, kaltim_agency):
    centre = CentreFactory(name="Sentra Sabut Kelapa Saloloang")
    act(regency_officer, "submit", centre)
    act(province_officer, "return", centre, reason="SK belum dilampirkan")

    assert inbox(province_officer)[0].message.startswith(
        "Sentra IKM “Sentra Sabut Kelapa Saloloang” diajukan"
    )
    [returned] = inbox(regency_officer)
    assert returned.message == (
        f"Sentra IKM “Sentra Sabut Kelapa Saloloang” dikembalikan oleh {kaltim_agency.name}: "
        "SK belum dilampirkan"
    )
    assert "prov_kaltim" not in returned.message and "ikm" not in returned.message.replace("IKM", "")


def test_a_bulk_submission_tells_each_verifier_once_with_the_count(
    regency_officer, province_officer, regency_agency
):
    records = [EnterpriseFactory(agency=regency_agency) for _ in range(3)] + [
        CentreFactory(agency=regency_agency)
    ]
    result = bulk_transition(actor=actor_for_user(regency_officer), name="submit", records=records[:3])
    assert len(result.done) == 3

    [note] = inbox(province_officer)
    assert note.message == f"3 data (IKM) diajukan oleh {regency_agency.name} dan menunggu verifikasi Anda."
    assert note.link == "/verifikasi/"


def test_the_province_is_told_for_the_regency_it_oversees_only(regency_officer, regency_agency):
    """A province officer of another province is no verifier of a Kaltim record (scope_code prefix)."""
    elsewhere = AgencyFactory(name="Disperindag Sulawesi Selatan", kind="province_industry", region_id="73")
    stranger = persona(Role.PROVINCE_OFFICER, agency=elsewhere, username="prov_sulsel")
    kaltim = persona(
        Role.PROVINCE_OFFICER,
        agency=AgencyFactory(name="Disperindagkop Kaltim", kind="province_industry", region_id=KALTIM),
    )
    act(regency_officer, "submit", EnterpriseFactory(agency=regency_agency))
    assert inbox(stranger) == [] and len(inbox(kaltim)) == 1
