"""API of overlaps in planning: /activities/{id}/overlaps, /links per role and scope, OpenAPI."""

import pytest
from django.test import Client

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.analytics.models import ActivityLink
from sentra.analytics.tests import conftest as analytics_fixtures
from sentra.analytics.tests.test_links import activity

pytestmark = pytest.mark.django_db

# The agencies of the analytics tests (sentra/analytics/tests/conftest.py), here too.
dinas, koperasi = analytics_fixtures.dinas, analytics_fixtures.koperasi


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pair(dinas, koperasi):
    return (
        activity(dinas, "Pelatihan tenun ikat Desa Salo Loang"),
        activity(koperasi, "Bimtek tenun Desa Salo Loang"),
    )


def test_overlaps_of_an_activity(dinas, pair):
    client = client_of(persona(Role.REGENCY_OFFICER, agency=dinas))
    body = client.get(f"/api/v1/activities/{pair[0].pk}/overlaps").json()
    [found] = body["overlaps"]
    assert found["activity_id"] == pair[1].pk and found["detail_visible"]
    assert found["score"] >= body["threshold"] and "sama-sama pelatihan tenun" in found["reasons"]


def test_another_regency_gets_404(pair, kudus_agency):
    client = client_of(persona(Role.REGENCY_OFFICER, agency=kudus_agency))
    assert client.get(f"/api/v1/activities/{pair[0].pk}/overlaps").status_code == 404
    answer = client.post(
        f"/api/v1/activities/{pair[0].pk}/links",
        {"other_id": pair[1].pk, "kind": "sequence"},
        content_type="application/json",
    )
    assert answer.status_code == 404


def test_link_then_delete(dinas, pair):
    client = client_of(persona(Role.REGENCY_OFFICER, agency=dinas))
    url = f"/api/v1/activities/{pair[0].pk}/links"
    missing = client.post(url, {"other_id": pair[1].pk, "kind": "separate"}, content_type="application/json")
    assert missing.status_code == 400 and missing.json()["code"] == "link_reason_required"
    made = client.post(url, {"other_id": pair[1].pk, "kind": "sequence"}, content_type="application/json")
    assert made.status_code == 201
    link = made.json()
    assert (link["first_id"], link["second_id"], link["kind"]) == (pair[0].pk, pair[1].pk, "sequence")
    body = client.get(f"/api/v1/activities/{pair[1].pk}/overlaps").json()
    assert body["overlaps"][0]["link_kind"] == "sequence"
    assert client.delete(f"{url}/{link['id']}").status_code == 204
    assert not ActivityLink.objects.exists()


def test_a_reader_role_may_see_but_not_link(dinas, pair):
    client = client_of(persona(Role.FACILITATOR, agency=dinas))
    assert client.get(f"/api/v1/activities/{pair[0].pk}/overlaps").status_code == 200
    answer = client.post(
        f"/api/v1/activities/{pair[0].pk}/links",
        {"other_id": pair[1].pk, "kind": "sequence"},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert not ActivityLink.objects.exists()


def test_documented_in_the_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/activities/{activity_id}/overlaps" in paths
    assert "post" in paths["/api/v1/activities/{activity_id}/links"]
    assert "delete" in paths["/api/v1/activities/{activity_id}/links/{link_id}"]
