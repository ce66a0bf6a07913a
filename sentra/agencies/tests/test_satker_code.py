"""An agency's SAKTI satker code (issue 13.7; domain-facts 7.1): exactly six digits, one agency per
code, set by the ministry; the same rule through the service, the admin form and the API."""

from __future__ import annotations

import json

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.agencies.admin import AgencyAdmin
from sentra.agencies.models import Agency
from sentra.agencies.services import agency_get_or_create, agency_set_satker_code
from sentra.audit.models import AuditEvent
from sentra.core.errors import AccessDenied, DomainError

pytestmark = pytest.mark.django_db


def codes(error: DomainError) -> set[str]:
    return {error.code} | {e.code for e in error.errors}


@pytest.mark.parametrize("bad", ["46557", "4655700", "46557a", "46 557", "٤٦٥٥٧٠"])
def test_a_satker_code_is_exactly_six_ascii_digits(system_actor, kaltim_agency, bad):
    with pytest.raises(DomainError) as exc:
        agency_set_satker_code(actor=system_actor, agency=kaltim_agency, satker_code=bad)
    assert "invalid_satker_code" in codes(exc.value)
    assert Agency.objects.get(pk=kaltim_agency.pk).satker_code == ""


def test_one_agency_per_code_and_blank_is_no_code(system_actor, kaltim_agency, regency_agency):
    agency_set_satker_code(actor=system_actor, agency=kaltim_agency, satker_code="640110", reason="DIPA 2026")
    assert Agency.objects.get(pk=kaltim_agency.pk).satker_code == "640110"
    event = AuditEvent.objects.filter(object_id=str(kaltim_agency.pk)).latest("id")
    assert event.reason == "DIPA 2026"
    with pytest.raises(DomainError) as exc:
        agency_set_satker_code(actor=system_actor, agency=regency_agency, satker_code="640110")
    assert "duplicate_satker_code" in codes(exc.value)
    # any number of agencies may have no code
    assert Agency.objects.filter(satker_code="").count() >= 1
    agency_set_satker_code(actor=system_actor, agency=kaltim_agency, satker_code="")
    agency_set_satker_code(actor=system_actor, agency=regency_agency, satker_code="640110")


def test_only_the_ministry_sets_a_code(kaltim_agency):
    officer = persona(Role.PROVINCE_OFFICER, agency=kaltim_agency)
    with pytest.raises(AccessDenied):
        agency_set_satker_code(actor=actor_of(officer), agency=kaltim_agency, satker_code="640110")


def test_get_or_create_checks_the_code(db):
    with pytest.raises(DomainError) as exc:
        agency_get_or_create(name="Satker X", kind="other", region_code=None, satker_code="12")
    assert "invalid_satker_code" in codes(exc.value)
    agency = agency_get_or_create(name="Satker X", kind="other", region_code=None, satker_code="465570")
    assert agency.satker_code == "465570"


def test_the_admin_form_refuses_a_bad_or_taken_code(rf, kaltim_agency, regency_agency):
    from django.contrib.admin.sites import site

    kaltim_agency.satker_code = "640110"
    kaltim_agency.save()
    form_class = AgencyAdmin(Agency, site).get_form(rf.get("/"), regency_agency)
    data = {"name": regency_agency.name, "kind": regency_agency.kind, "region": regency_agency.region_id}
    form = form_class({**data, "satker_code": "64011"}, instance=regency_agency)
    assert not form.is_valid() and form.errors["satker_code"][0].startswith("Kode satker harus tepat 6 digit")
    form = form_class({**data, "satker_code": "640110"}, instance=regency_agency)
    assert not form.is_valid() and "sudah dipakai" in str(form.errors)


def test_the_api_sets_lists_and_filters_by_code(client, ministry_agency, kaltim_agency):
    admin = persona(Role.MINISTRY_ADMIN, agency=ministry_agency)
    client.force_login(admin)
    url = f"/api/v1/agencies/{kaltim_agency.pk}/satker-code"
    put = lambda body: client.put(url, data=json.dumps(body), content_type="application/json")  # noqa: E731
    response = put({"satker_code": "64011X"})
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "invalid_satker_code"
    response = put({"satker_code": "640110"})
    assert response.status_code == 200 and response.json()["satker_code"] == "640110"
    listed = client.get("/api/v1/agencies?satker=640110").json()["results"]
    assert [a["id"] for a in listed] == [kaltim_agency.pk]
    officer = persona(Role.PROVINCE_OFFICER, agency=kaltim_agency)
    client.force_login(officer)
    assert put({"satker_code": "640111"}).status_code == 403
