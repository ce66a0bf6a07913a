"""The registry JSON API at /api/v1/: lists with filters and paging, details, writes, errors."""

import json

import pytest

from sentra.conftest import PPU, SALOLOANG
from sentra.registry.models import CentreMembership, Decree, Enterprise, Product
from sentra.registry.tests.factories import AgencyFactory, CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
KUDUS_VILLAGE = "33.19.01.2001"  # a real desa in Kab. Kudus (Jawa Tengah)


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data=json.dumps(data), content_type="application/json")


def put(client, url, data):
    return client.put(url, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def agency(regency_agency):
    return regency_agency


@pytest.fixture
def enterprises(agency):
    """Three units in PPU and one in Kudus, differing in every filtered field."""
    return {
        "amplang": EnterpriseFactory(
            name="UD Amplang Bahari", owner_name="Hj. Aminah", agency=agency, kbli_id="10794"
        ),
        "batik": EnterpriseFactory(
            name="Batik Benuo Taka",
            owner_name="Siti Rahmawati",
            agency=agency,
            kbli_id="13134",
            village_id="64.09.02.2001",
            workers=25,
            investment=2_000_000_000,
        ),
        "closed": EnterpriseFactory(
            name="CV Kapal Jenebora", owner_name="Andi Baso", agency=agency, kbli_id="30111", status="closed"
        ),
        "kudus": EnterpriseFactory(
            name="Jenang Kudus Mubarok",
            owner_name="Ahmad Mubarok",
            agency=agency,
            kbli_id="10792",
            village_id=KUDUS_VILLAGE,
        ),
    }


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_requires_login(client):
    assert client.get(f"{API}/enterprises").status_code == 401


def test_enterprise_list_shape_and_default_sort(auth_client, enterprises):
    body = auth_client.get(f"{API}/enterprises").json()
    assert body["count"] == 4 and body["count_exact"] is True
    assert body["page"] == 1 and body["page_size"] == 50
    assert [r["name"] for r in body["results"]] == sorted(r["name"] for r in body["results"])
    first = next(r for r in body["results"] if r["name"] == "UD Amplang Bahari")
    assert first["kbli"] == "10794" and first["kbli_title"]
    assert first["village"] == SALOLOANG and first["village_name"]
    assert first["province_code"] == "64" and first["regency_code"] == PPU
    assert first["size_class"] == "small"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("region=64", {"UD Amplang Bahari", "Batik Benuo Taka", "CV Kapal Jenebora"}),
        ("region=64.09", {"UD Amplang Bahari", "Batik Benuo Taka", "CV Kapal Jenebora"}),
        ("region=6409", {"UD Amplang Bahari", "Batik Benuo Taka", "CV Kapal Jenebora"}),
        ("region=64.09.02", {"Batik Benuo Taka"}),
        ("region=64.09.02.2001", {"Batik Benuo Taka"}),
        ("region=33.19", {"Jenang Kudus Mubarok"}),
        ("kbli=10", {"UD Amplang Bahari", "Jenang Kudus Mubarok"}),
        ("kbli=1079", {"UD Amplang Bahari", "Jenang Kudus Mubarok"}),
        ("kbli=10794", {"UD Amplang Bahari"}),
        ("status=closed", {"CV Kapal Jenebora"}),
        ("size_class=medium", {"Batik Benuo Taka"}),
        ("q=amplang", {"UD Amplang Bahari"}),
        ("q=rahmawati", {"Batik Benuo Taka"}),
        ("region=64.09&kbli=13&size_class=medium", {"Batik Benuo Taka"}),
    ],
)
def test_enterprise_filters(auth_client, enterprises, params, expected):
    response = auth_client.get(f"{API}/enterprises?{params}")
    assert set(names(response)) == expected
    assert response.json()["count"] == len(expected)


def test_enterprise_filter_by_nib(auth_client, enterprises):
    nib = enterprises["batik"].nib
    assert names(auth_client.get(f"{API}/enterprises?q={nib}")) == ["Batik Benuo Taka"]


def test_enterprise_sort(auth_client, enterprises):
    listed = names(auth_client.get(f"{API}/enterprises?sort=-workers"))
    assert listed[0] == "Batik Benuo Taka"
    listed = names(auth_client.get(f"{API}/enterprises?sort=-name"))
    assert listed == sorted(listed, reverse=True)


def test_pagination(auth_client, agency):
    for i in range(7):
        EnterpriseFactory(name=f"IKM {i:02d}", agency=agency)
    body = auth_client.get(f"{API}/enterprises?page=2&page_size=3").json()
    assert body["count"] == 7 and body["page"] == 2 and body["page_size"] == 3
    assert [r["name"] for r in body["results"]] == ["IKM 03", "IKM 04", "IKM 05"]
    assert auth_client.get(f"{API}/enterprises?page=3&page_size=3").json()["results"][0]["name"] == "IKM 06"
    assert auth_client.get(f"{API}/enterprises?page=9&page_size=3").json()["results"] == []


def test_page_size_is_capped(auth_client, enterprises):
    assert auth_client.get(f"{API}/enterprises?page_size=5000").json()["page_size"] == 200


def test_bad_paging_is_rejected(auth_client):
    assert auth_client.get(f"{API}/enterprises?page=0").status_code == 422
    assert auth_client.get(f"{API}/enterprises?page_size=0").status_code == 422


def test_count_is_capped(auth_client, agency, monkeypatch):
    from sentra.api import registry

    monkeypatch.setattr(registry, "COUNT_LIMIT", 3)
    for i in range(5):
        EnterpriseFactory(name=f"Kerupuk {i}", agency=agency)
    body = auth_client.get(f"{API}/enterprises?q=kerupuk&page_size=2").json()
    assert body["count"] == 3 and body["count_exact"] is False
    assert len(body["results"]) == 2


def test_a_text_search_counts_to_the_search_limit_only(auth_client, agency, monkeypatch):
    from sentra.api import registry

    monkeypatch.setattr(registry, "SEARCH_COUNT_LIMIT", 3)
    for i in range(5):
        EnterpriseFactory(name=f"Kerupuk {i}", agency=agency)
    body = auth_client.get(f"{API}/enterprises?q=kerupuk&page_size=2").json()
    assert body["count"] == 3 and body["count_exact"] is False
    unsearched = auth_client.get(f"{API}/enterprises?page_size=2").json()
    assert unsearched["count"] == 5 and unsearched["count_exact"] is True


def test_list_query_count_does_not_grow(auth_client, agency, django_assert_max_num_queries):
    for i in range(30):
        EnterpriseFactory(name=f"IKM {i}", agency=agency)
        centre = CentreFactory(name=f"Sentra {i}", agency=agency)
        Product.objects.create(
            name=f"Produk {i}",
            centre=centre,
            agency=agency,
            village_id=SALOLOANG,
            province_code="64",
            regency_code=PPU,
        )
    # session + user + profile (the scope), count, page; unfiltered lists on PostgreSQL first read
    # the planner's row estimate; centres add one prefetch of their villages. None of it grows.
    with django_assert_max_num_queries(5):
        assert len(auth_client.get(f"{API}/enterprises?region=64.09").json()["results"]) == 30
    with django_assert_max_num_queries(7):
        assert len(auth_client.get(f"{API}/centres").json()["results"]) == 30
    with django_assert_max_num_queries(6):
        assert len(auth_client.get(f"{API}/products").json()["results"]) == 30


def test_enterprise_detail_and_404(auth_client, enterprises):
    e = enterprises["amplang"]
    body = auth_client.get(f"{API}/enterprises/{e.pk}").json()
    assert body["id"] == e.pk and body["nib"] == e.nib and body["agency_id"] == e.agency_id
    response = auth_client.get(f"{API}/enterprises/999999")
    assert response.status_code == 404
    assert "detail" in response.json()


def enterprise_payload(agency, **extra):
    return {
        "agency_id": agency.pk,
        "village": SALOLOANG,
        "kbli": "10794",
        "name": "UD Amplang Mama Ina",
        "owner_name": "Ina Lestari",
        "nib": "9120301234567",
        "workers": 6,
        "investment": 75_000_000,
        **extra,
    }


def test_enterprise_create(auth_client, agency):
    response = post(auth_client, f"{API}/enterprises", enterprise_payload(agency))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["regency_code"] == PPU and body["size_class"] == "small" and body["status"] == "active"
    assert Enterprise.objects.get(pk=body["id"]).agency == agency


@pytest.mark.parametrize("nib", ["123", "91203012345AB", "91203012345678"])
def test_bad_nib_is_400_on_field_nib(auth_client, agency, nib):
    response = post(auth_client, f"{API}/enterprises", enterprise_payload(agency, nib=nib))
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] and body["detail"]
    assert "nib" in [e["field"] for e in body["errors"]]
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"village": "64.09.01.9999"}, "village"),
        ({"kbli": "99999"}, "kbli"),
        ({"agency_id": 999999}, "agency_id"),
        ({"name": ""}, "name"),
    ],
)
def test_enterprise_create_validation(auth_client, agency, extra, field):
    response = post(auth_client, f"{API}/enterprises", enterprise_payload(agency, **extra))
    assert response.status_code == 400, response.content
    assert field in [e["field"] for e in response.json()["errors"]]


def test_enterprise_create_without_agency_belongs_to_the_callers_agency(auth_client, user, agency):
    payload = enterprise_payload(agency)
    del payload["agency_id"]
    response = post(auth_client, f"{API}/enterprises", payload)
    assert response.status_code == 201
    assert response.json()["agency_id"] == user.profile.agency_id


def test_the_same_unit_is_400_and_another_unit_of_the_nib_is_created(auth_client, agency, enterprises):
    """Issue 13 point 4: a unit is NIB + KBLI + village; one NIB holds several units."""
    batik = enterprises["batik"]
    same_unit = {"nib": batik.nib, "kbli": batik.kbli_id, "village": batik.village_id}
    response = post(auth_client, f"{API}/enterprises", enterprise_payload(agency, **same_unit))
    assert response.status_code == 400 and response.json()["code"] == "unit_exists"
    assert "nib" in [e["field"] for e in response.json()["errors"]]
    response = post(auth_client, f"{API}/enterprises", enterprise_payload(agency, nib=batik.nib))
    assert response.status_code == 201 and response.json()["unit_key"] == f"{batik.nib}/10794/{SALOLOANG}"


def test_enterprise_patch_and_put(auth_client, agency, enterprises):
    e = enterprises["amplang"]
    response = patch(auth_client, f"{API}/enterprises/{e.pk}", {"workers": 30, "investment": 2_000_000_000})
    assert response.status_code == 200, response.content
    assert response.json()["size_class"] == "medium" and response.json()["name"] == "UD Amplang Bahari"

    response = patch(auth_client, f"{API}/enterprises/{e.pk}", {"nib": "12"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "nib"

    response = put(
        auth_client, f"{API}/enterprises/{e.pk}", enterprise_payload(agency, village=KUDUS_VILLAGE)
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "UD Amplang Mama Ina" and body["regency_code"] == "33.19"

    other = AgencyFactory(name="Disperindag Kudus", region_id="33.19")
    response = put(auth_client, f"{API}/enterprises/{e.pk}", enterprise_payload(other))
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "agency_id"
    assert patch(auth_client, f"{API}/enterprises/999999", {"workers": 1}).status_code == 404


# --- centres ------------------------------------------------------------------------------------


@pytest.fixture
def centres(agency, enterprises):
    decree = Decree.objects.create(
        kind="sk_bupati", number="518/176/2020", issued_on="2020-06-11", region_id=PPU
    )
    kelapa = CentreFactory(
        name="Sentra Kelapa Penajam",
        agency=agency,
        status="designated",
        decree=decree,
        designated_on="2020-06-11",
        villages=[SALOLOANG, "64.09.01.1001"],
    )
    for i in range(5):
        CentreMembership.objects.create(
            centre=kelapa,
            enterprise=EnterpriseFactory(name=f"Kopra {i}", agency=agency, kbli_id="10421"),
        )
    batik = CentreFactory(
        name="Sentra Batik Waru",
        agency=agency,
        kbli_id="13134",
        village_id="64.09.02.2001",
        commodity="Batik",
    )
    return {"kelapa": kelapa, "batik": batik}


def test_centre_list_and_filters(auth_client, centres):
    body = auth_client.get(f"{API}/centres").json()
    assert body["count"] == 2
    kelapa = next(r for r in body["results"] if r["name"] == "Sentra Kelapa Penajam")
    assert [v["code"] for v in kelapa["villages"]] == [SALOLOANG, "64.09.01.1001"]
    assert kelapa["member_count"] == 5 and kelapa["warnings"] == []
    assert kelapa["decree"]["number"] == "518/176/2020"
    batik = next(r for r in body["results"] if r["name"] == "Sentra Batik Waru")
    assert batik["member_count"] == 0 and len(batik["warnings"]) == 1

    assert names(auth_client.get(f"{API}/centres?region=64.09.01.1001")) == ["Sentra Kelapa Penajam"]
    assert names(auth_client.get(f"{API}/centres?region=64.09.02")) == ["Sentra Batik Waru"]
    assert set(names(auth_client.get(f"{API}/centres?region=64.09"))) == {
        "Sentra Kelapa Penajam",
        "Sentra Batik Waru",
    }
    assert names(auth_client.get(f"{API}/centres?kbli=131")) == ["Sentra Batik Waru"]
    assert names(auth_client.get(f"{API}/centres?status=designated")) == ["Sentra Kelapa Penajam"]
    assert names(auth_client.get(f"{API}/centres?q=batik")) == ["Sentra Batik Waru"]
    assert names(auth_client.get(f"{API}/centres?sort=-members")) == [
        "Sentra Kelapa Penajam",
        "Sentra Batik Waru",
    ]


def test_centre_detail_and_404(auth_client, centres):
    body = auth_client.get(f"{API}/centres/{centres['kelapa'].pk}").json()
    assert body["member_count"] == 5 and len(body["villages"]) == 2
    assert auth_client.get(f"{API}/centres/999999").status_code == 404


def test_centre_create_and_update(auth_client, agency, enterprises):
    decree = Decree.objects.create(kind="sk_bupati", number="1/2024", issued_on="2024-01-02", region_id=PPU)
    payload = {
        "agency_id": agency.pk,
        "name": "Sentra Amplang Saloloang",
        "commodity": "Amplang",
        "kbli": "10794",
        "villages": [SALOLOANG],
        "members": [enterprises["amplang"].pk],
        "decree_id": decree.pk,
        "status": "designated",
        "designated_on": "2024-01-02",
    }
    response = post(auth_client, f"{API}/centres", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["member_count"] == 1 and len(body["warnings"]) == 1
    assert body["decree"]["id"] == decree.pk and body["villages"][0]["code"] == SALOLOANG

    response = patch(auth_client, f"{API}/centres/{body['id']}", {"villages": [SALOLOANG, "64.09.01.1001"]})
    assert response.status_code == 200, response.content
    assert len(response.json()["villages"]) == 2 and response.json()["member_count"] == 1

    response = patch(auth_client, f"{API}/centres/{body['id']}", {"villages": []})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "villages"

    response = patch(auth_client, f"{API}/centres/{body['id']}", {"decree_id": 999999})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "decree_id"

    response = put(
        auth_client, f"{API}/centres/{body['id']}", {**payload, "members": [], "name": "Sentra Amplang"}
    )
    assert response.status_code == 200 and response.json()["member_count"] == 0
    assert response.json()["name"] == "Sentra Amplang"


def test_centre_create_validation(auth_client, agency):
    payload = {"agency_id": agency.pk, "name": "X", "commodity": "X", "kbli": "10794", "villages": ["99.99"]}
    response = post(auth_client, f"{API}/centres", payload)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "villages"
    payload["villages"] = [SALOLOANG]
    payload["members"] = [999999]
    response = post(auth_client, f"{API}/centres", payload)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "members"


# --- products -----------------------------------------------------------------------------------


def test_product_crud_and_filters(auth_client, agency, enterprises):
    maker = enterprises["amplang"]
    payload = {
        "agency_id": agency.pk,
        "name": "Amplang Ikan Belida",
        "enterprise_id": maker.pk,
        "price_min": 15000,
        "price_max": 40000,
        "market_reach": "national",
    }
    response = post(auth_client, f"{API}/products", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kbli"] == "10794" and body["village"] == maker.village_id and body["regency_code"] == PPU
    post(
        auth_client,
        f"{API}/products",
        {**payload, "name": "Jenang", "enterprise_id": enterprises["kudus"].pk, "market_reach": "local"},
    )

    assert names(auth_client.get(f"{API}/products?market_reach=national")) == ["Amplang Ikan Belida"]
    assert names(auth_client.get(f"{API}/products?region=33")) == ["Jenang"]
    assert names(auth_client.get(f"{API}/products?kbli=10794")) == ["Amplang Ikan Belida"]
    assert names(auth_client.get(f"{API}/products?q=belida")) == ["Amplang Ikan Belida"]
    assert names(auth_client.get(f"{API}/products?sort=-name")) == ["Jenang", "Amplang Ikan Belida"]

    assert auth_client.get(f"{API}/products/{body['id']}").json()["price_max"] == 40000
    assert auth_client.get(f"{API}/products/999999").status_code == 404

    response = patch(auth_client, f"{API}/products/{body['id']}", {"price_min": 50000})
    assert response.status_code == 400  # above price_max
    response = patch(auth_client, f"{API}/products/{body['id']}", {"price_max": 45000})
    assert response.status_code == 200 and response.json()["price_max"] == 45000
    response = put(auth_client, f"{API}/products/{body['id']}", {**payload, "name": "Amplang Bandeng"})
    assert response.status_code == 200 and response.json()["name"] == "Amplang Bandeng"


def test_product_requires_a_maker(auth_client, agency):
    response = post(auth_client, f"{API}/products", {"agency_id": agency.pk, "name": "Tanpa pembuat"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "enterprise"
    response = post(
        auth_client, f"{API}/products", {"agency_id": agency.pk, "name": "X", "enterprise_id": 999999}
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "enterprise_id"


# --- agencies -----------------------------------------------------------------------------------


def test_agencies(auth_client, agency):
    # Built here: the conftest's ministry_agency passes region=None, which the factory's
    # region_id default overrides.
    ministry_agency = AgencyFactory(name="Direktorat Jenderal IKMA", kind="ministry", region_id=None)
    AgencyFactory(name="Disperindagkop Provinsi Kalimantan Timur", kind="province_industry", region_id="64")
    body = auth_client.get(f"{API}/agencies").json()
    assert body["count"] == 3
    assert set(names(auth_client.get(f"{API}/agencies?region=64"))) == {
        agency.name,
        "Disperindagkop Provinsi Kalimantan Timur",
    }
    assert names(auth_client.get(f"{API}/agencies?kind=ministry")) == [ministry_agency.name]
    assert names(auth_client.get(f"{API}/agencies?q=kalimantan")) == [
        "Disperindagkop Provinsi Kalimantan Timur"
    ]
    detail = auth_client.get(f"{API}/agencies/{ministry_agency.pk}").json()
    assert detail["region"] is None and detail["kind"] == "ministry"
    assert auth_client.get(f"{API}/agencies/999999").status_code == 404


def test_openapi_lists_the_registry(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    for path in (
        "/api/v1/enterprises",
        "/api/v1/enterprises/{enterprise_id}",
        "/api/v1/centres",
        "/api/v1/centres/{centre_id}",
        "/api/v1/products",
        "/api/v1/products/{product_id}",
        "/api/v1/agencies",
        "/api/v1/agencies/{agency_id}",
    ):
        assert path in schema["paths"], path
    assert {"get", "patch", "put"} <= set(schema["paths"]["/api/v1/enterprises/{enterprise_id}"])
    for name in (
        "EnterpriseIn",
        "EnterpriseOut",
        "EnterprisePatch",
        "CentreIn",
        "CentreOut",
        "ProductIn",
        "ProductOut",
        "AgencyOut",
    ):
        assert name in schema["components"]["schemas"], name


def test_unfiltered_count_uses_the_table_estimate(auth_client, enterprises, monkeypatch):
    from sentra.api import registry

    monkeypatch.setattr(registry, "_estimated_rows", lambda model: 4_400_000)
    body = auth_client.get(f"{API}/enterprises").json()
    assert body["count"] == 4_400_000 and body["count_exact"] is False and len(body["results"]) == 4
    # Any filter counts the matches themselves (capped), never the estimate.
    assert auth_client.get(f"{API}/enterprises?region=33").json()["count"] == 1
