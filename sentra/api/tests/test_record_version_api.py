"""No lost updates over the API (issue 12, point 3): reads carry `ETag: "<version>"`, writes honour
`If-Match`, and a stale one is answered 412 `stale` with nothing written (api/etag.py)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sentra.programmes.tests.factories import ActivityFactory, BudgetLineFactory
from sentra.registry.models import Enterprise
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def two_clients(user):
    """Two people (two sessions) with the same rights: the ministry administrator twice."""
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    return first, second


def patch(client, url, data, **headers):
    return client.patch(url, data=json.dumps(data), content_type="application/json", headers=headers)


def test_a_detail_read_carries_the_version_as_etag(auth_client):
    enterprise = EnterpriseFactory(name="UD Amplang Bahari")
    response = auth_client.get(f"{API}/enterprises/{enterprise.pk}")
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"' and response.json()["version"] == 1


def test_two_clients_with_the_same_etag_the_second_gets_412_and_the_first_change_holds(two_clients):
    enterprise = EnterpriseFactory(name="UD Amplang Bahari", workers=4, owner_name="Siti")
    url = f"{API}/enterprises/{enterprise.pk}"
    first, second = two_clients
    tag = first.get(url).headers["ETag"]
    assert second.get(url).headers["ETag"] == tag  # both opened version 1

    answered = patch(first, url, {"workers": 9}, if_match=tag)
    assert answered.status_code == 200, answered.content
    assert answered.headers["ETag"] == '"2"' and answered.json()["version"] == 2

    refused = patch(second, url, {"workers": 5, "owner_name": "Budi"}, if_match=tag)
    assert refused.status_code == 412, refused.content
    assert refused.json()["code"] == "stale" and refused.json()["current_version"] == 2
    assert refused.headers["ETag"] == '"2"'
    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert (stored.workers, stored.owner_name, stored.version) == (9, "Siti", 2)

    # Read again, send the new tag: the deliberate change goes through.
    again = patch(second, url, {"workers": 5}, if_match=second.get(url).headers["ETag"])
    assert again.status_code == 200 and again.json()["workers"] == 5


def test_a_patch_without_if_match_still_applies_to_the_latest_record(two_clients):
    enterprise = EnterpriseFactory(name="UD Amplang Bahari", workers=4)
    url = f"{API}/enterprises/{enterprise.pk}"
    first, second = two_clients
    assert patch(first, url, {"owner_name": "Rahma"}).status_code == 200
    response = patch(second, url, {"workers": 5})
    assert response.status_code == 200
    assert (response.json()["owner_name"], response.json()["workers"], response.json()["version"]) == (
        "Rahma",
        5,
        3,
    )
    assert patch(first, url, {"workers": 6}, if_match="*").status_code == 200


def test_put_and_delete_honour_if_match(auth_client):
    centre = CentreFactory(name="Sentra Amplang")
    url = f"{API}/centres/{centre.pk}"
    tag = auth_client.get(url).headers["ETag"]
    assert patch(auth_client, url, {"commodity": "Kerupuk"}, if_match=tag).status_code == 200
    body = auth_client.get(url).json()
    put = auth_client.put(
        url,
        data=json.dumps(
            {
                "name": body["name"],
                "commodity": "Amplang",
                "kbli": body["kbli"],
                "villages": [body["village"]],
            }
        ),
        content_type="application/json",
        headers={"if_match": tag},
    )
    assert put.status_code == 412 and put.json()["code"] == "stale"
    refused = auth_client.delete(url, headers={"if_match": tag})
    assert refused.status_code == 412
    assert auth_client.delete(url, headers={"if_match": f'W/"{body["version"]}"'}).status_code == 204


def test_an_if_match_that_names_no_version_of_ours_is_412(auth_client):
    enterprise = EnterpriseFactory(name="UD Amplang Bahari")
    response = patch(auth_client, f"{API}/enterprises/{enterprise.pk}", {"workers": 2}, if_match='"abc"')
    assert response.status_code == 412


def test_activity_patch_and_rpd_put_honour_if_match(auth_client):
    activity = ActivityFactory(name="Bimtek amplang")
    url = f"{API}/activities/{activity.pk}"
    tag = auth_client.get(url).headers["ETag"]
    assert patch(auth_client, url, {"name": "Bimtek amplang 2"}, if_match=tag).status_code == 200
    refused = patch(auth_client, url, {"name": "Bimtek kerupuk"}, if_match=tag)
    assert refused.status_code == 412
    assert auth_client.get(url).json()["name"] == "Bimtek amplang 2"

    line = BudgetLineFactory(amount=12_000_000)
    plan_url = f"{API}/budget-lines/{line.pk}/plan"
    months = {"months": [1_000_000] * 12}
    first = auth_client.put(
        plan_url, json.dumps(months), content_type="application/json", headers={"if_match": '"0"'}
    )
    assert first.status_code == 200, first.content
    assert first.json()["plan_version"] == 1 and first.headers["ETag"] == '"1"'
    second = auth_client.put(
        plan_url, json.dumps(months), content_type="application/json", headers={"if_match": '"0"'}
    )
    assert second.status_code == 412


def test_the_api_documents_412_and_the_version(client):
    schema = client.get(f"{API}/openapi.json").json()
    for path, methods in (
        ("/api/v1/enterprises/{enterprise_id}", ("patch", "put", "delete")),
        ("/api/v1/centres/{centre_id}", ("patch", "put", "delete")),
        ("/api/v1/products/{product_id}", ("patch", "put", "delete")),
        ("/api/v1/activities/{activity_id}", ("patch",)),
    ):
        for method in methods:
            assert "412" in schema["paths"][path][method]["responses"], (path, method)
    assert "version" in schema["components"]["schemas"]["EnterpriseOut"]["properties"]
