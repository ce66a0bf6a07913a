"""API of the region profile: GET /api/v1/analytics/profile/{code}, errors, scope, OpenAPI."""

import pytest
from django.test import Client

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.conftest import PPU
from sentra.registry.tests.factories import CentreFactory

pytestmark = pytest.mark.django_db


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def test_profile_json_errors_and_scope(regency_agency, kudus_agency, kaltim_agency):
    CentreFactory(agency=regency_agency, status="designated", name="Sentra Amplang Saloloang")
    province = client_of(persona(Role.PROVINCE_OFFICER, agency=kaltim_agency))
    response = province.get(f"/api/v1/analytics/profile/{PPU}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["code"] == PPU and data["level"] == 2
    assert (
        data["centres"]["total"] == 1 and data["centres"]["largest"][0]["name"] == "Sentra Amplang Saloloang"
    )
    assert data["spending"]["fiscal_year"] == 2026 and data["spending"]["total"]["pagu"] == 0
    assert data["follow_ups"]["open"] == 0
    unknown = province.get("/api/v1/analytics/profile/99.99")
    assert unknown.status_code == 400 and "unknown_region" in unknown.content.decode()
    district = province.get("/api/v1/analytics/profile/64.09.01")
    assert district.status_code == 400 and "profile_level" in district.content.decode()
    other = client_of(persona(Role.REGENCY_OFFICER, agency=kudus_agency))
    assert other.get(f"/api/v1/analytics/profile/{PPU}").status_code == 404


def test_profile_in_openapi(regency_agency):
    schema = (
        client_of(persona(Role.REGENCY_OFFICER, agency=regency_agency)).get("/api/v1/openapi.json").json()
    )
    assert "/api/v1/analytics/profile/{code}" in schema["paths"]
