"""The endpoints a record type gets from its declaration (api/generic.py), seen on products.

Products are declared, not hand-written: their writes must still honour If-Match (412, nothing
written), refuse a change of owning agency, and delete only the version the client saw.
"""

from __future__ import annotations

import json

import pytest

from sentra.agencies.models import Agency
from sentra.registry.models import Product
from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def send(client, method, url, data=None, **headers):
    body = json.dumps(data) if data is not None else None
    return getattr(client, method)(url, data=body, content_type="application/json", headers=headers)


@pytest.fixture
def product(auth_client, regency_agency):
    maker = EnterpriseFactory(name="UD Amplang Bahari", agency=regency_agency, kbli_id="10794")
    answer = send(
        auth_client,
        "post",
        f"{API}/products",
        {"agency_id": regency_agency.pk, "name": "Amplang Belida", "enterprise_id": maker.pk},
    )
    assert answer.status_code == 201, answer.content
    assert answer.headers["ETag"] == '"1"'
    return Product.objects.get(pk=answer.json()["id"])


def test_a_declared_type_refuses_a_stale_if_match_and_writes_nothing(auth_client, product):
    url = f"{API}/products/{product.pk}"
    assert send(auth_client, "patch", url, {"price_max": 9000}, if_match='"1"').status_code == 200
    refused = send(auth_client, "patch", url, {"name": "Amplang Bandeng"}, if_match='"1"')
    assert refused.status_code == 412 and refused.json()["current_version"] == 2
    assert Product.objects.get(pk=product.pk).name == "Amplang Belida"
    assert send(auth_client, "delete", url, if_match='"1"').status_code == 412
    assert Product.objects.filter(pk=product.pk).exists()
    assert send(auth_client, "delete", url, if_match='"2"').status_code == 204
    assert not Product.objects.filter(pk=product.pk).exists()


def test_a_declared_type_refuses_moving_a_record_to_another_agency(auth_client, product):
    other = Agency.objects.exclude(pk=product.agency_id).first() or Agency.objects.create(
        name="Dinas lain", short_name="Lain", kind=Agency.objects.get(pk=product.agency_id).kind
    )
    url = f"{API}/products/{product.pk}"
    full = {"name": "Amplang Bandeng", "enterprise_id": product.enterprise_id}
    answer = send(auth_client, "put", url, {**full, "agency_id": other.pk})
    assert answer.status_code == 400 and answer.json()["code"] == "agency_change"
    assert Product.objects.get(pk=product.pk).name == "Amplang Belida"
    # The same agency sent back is no change at all.
    same = send(auth_client, "put", url, {**full, "agency_id": product.agency_id})
    assert same.status_code == 200 and same.json()["name"] == "Amplang Bandeng"


def test_a_declared_type_keeps_the_operation_names_of_hand_written_ones(client):
    document = client.get(f"{API}/openapi.json").json()
    ids = {op["operationId"] for item in document["paths"].values() for op in item.values()}
    for name in ("list", "detail", "create", "patch", "put", "delete"):
        assert f"sentra_api_registry_product_{name}" in ids
    assert "/api/v1/products/{product_id}" in document["paths"]
