"""API of the training pathway: /enterprises/{id}/pathway, /centres/{id}/pathway, scope, OpenAPI."""

import datetime as dt

import pytest
from django.test import Client

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.analytics.models import ActivityLink, LinkKind
from sentra.conftest import PPU
from sentra.programmes.tests.factories import ActivityFactory
from sentra.registry.tests.factories import AgencyFactory, CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def dinas(db):
    return AgencyFactory(name="Dinas Perindustrian Kab. PPU", kind="regency_industry", region_id=PPU)


def test_enterprise_pathway_with_next_step(dinas):
    ikm = EnterpriseFactory()
    basic = ActivityFactory(
        agency=dinas, name="Pelatihan dasar", kind="training", start_date=dt.date(2026, 1, 5)
    )
    basic.enterprises.add(ikm)
    later = ActivityFactory(agency=dinas, name="Pameran", kind="exhibition", start_date=dt.date(2026, 9, 1))
    ActivityLink.objects.create(first=basic, second=later, kind=LinkKind.SEQUENCE)
    body = client_of(persona(Role.REGENCY_OFFICER, agency=dinas)).get(f"/api/v1/enterprises/{ikm.pk}/pathway")
    assert body.status_code == 200, body.content
    data = body.json()
    [event] = data["events"]
    assert (event["title"], event["kind"], event["agency_name"]) == (
        "Pelatihan dasar",
        "activity",
        dinas.name,
    )
    assert event["before"] == {"workers": 4, "production_value": 0}
    assert data["next_step"]["activity_id"] == later.pk and data["next_step"]["source"] == "sequence"


def test_centre_pathway_and_another_regency_gets_404(dinas, kudus_agency):
    centre = CentreFactory()
    ikm = EnterpriseFactory()
    own = client_of(persona(Role.REGENCY_OFFICER, agency=dinas))
    assert own.get(f"/api/v1/centres/{centre.pk}/pathway").json()["subject"] == "centre"
    other = client_of(persona(Role.REGENCY_OFFICER, agency=kudus_agency))
    assert other.get(f"/api/v1/centres/{centre.pk}/pathway").status_code == 404
    assert other.get(f"/api/v1/enterprises/{ikm.pk}/pathway").status_code == 404


def test_documented_in_the_openapi(dinas):
    schema = client_of(persona(Role.REGENCY_OFFICER, agency=dinas)).get("/api/v1/openapi.json").json()
    assert "/api/v1/enterprises/{enterprise_id}/pathway" in schema["paths"]
    assert "/api/v1/centres/{centre_id}/pathway" in schema["paths"]
