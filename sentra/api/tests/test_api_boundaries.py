"""The API's edges, as the fuzzer found them: absurd integers, NUL characters, missing credentials,
CSRF on session writes, the documented 401/403, and a role refused before its fields are checked.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sentra.accounts.models import Role
from sentra.accounts.services import token_create
from sentra.accounts.tests.factories import persona
from sentra.conftest import PPU, SALOLOANG
from sentra.registry.models import Enterprise, Product
from sentra.registry.tests.factories import AgencyFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
HUGE = 2**64  # past SQLite's INTEGER and PostgreSQL's bigint
UNSAFE = ("post", "put", "patch", "delete")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def dinas():
    return AgencyFactory(name="Dinas Perindustrian Kab. Penajam Paser Utara", region_id=PPU)


def bearer(user) -> dict[str, str]:
    _token, key = token_create(user=user, name="tes")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def admin_headers():
    return bearer(persona(Role.MINISTRY_ADMIN, username="admin-batas"))


def send(client, method, path, payload=None, **headers):
    kwargs = {"data": json.dumps(payload), "content_type": "application/json"} if payload is not None else {}
    return getattr(client, method)(path, **kwargs, **headers)


def openapi(client) -> dict:
    return client.get(f"{API}/openapi.json").json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


# --- 1. integers are bounded before they reach the database -----------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        pytest.param("get", f"{API}/enterprises?page={2**62 + 1}", None, id="enterprises-page"),
        pytest.param("get", f"{API}/centres?page={2**62 + 1}", None, id="centres-page"),
        pytest.param("get", f"{API}/products?page={2**62 + 1}", None, id="products-page"),
        pytest.param("get", f"{API}/agencies?page={2**62 + 1}", None, id="agencies-page"),
        pytest.param("get", f"{API}/notifications?page={2**62 + 1}", None, id="notifications-page"),
        pytest.param("get", f"{API}/enterprises/1/history?page={2**62 + 1}", None, id="history-page"),
        pytest.param("get", f"{API}/enterprises/{HUGE}", None, id="enterprise-id"),
        pytest.param("get", f"{API}/agencies/{HUGE}", None, id="agency-id"),
        pytest.param("get", f"{API}/imports/jobs/{HUGE}", None, id="import-job-id"),
        pytest.param("delete", f"{API}/products/{HUGE}", None, id="product-delete-id"),
        pytest.param("get", f"{API}/regions/resolve?q=Penajam&level={HUGE}", None, id="region-level"),
        pytest.param(
            "post", f"{API}/enterprises/verification", {"action": "verify", "ids": [HUGE]}, id="bulk-ids"
        ),
        pytest.param("post", f"{API}/notifications/read", {"ids": [HUGE]}, id="mark-read-ids"),
        pytest.param(
            "post",
            f"{API}/enterprises",
            {"name": "UD Amplang", "village": SALOLOANG, "kbli": "10794", "agency_id": HUGE},
            id="create-agency-id",
        ),
        pytest.param(
            "post",
            f"{API}/centres",
            {
                "name": "Sentra",
                "commodity": "amplang",
                "kbli": "10794",
                "villages": [SALOLOANG],
                "members": [HUGE],
            },
            id="create-member-ids",
        ),
        pytest.param(
            "post",
            f"{API}/products",
            {"name": "Amplang", "enterprise_id": HUGE},
            id="create-product-maker-id",
        ),
    ],
)
def test_an_absurd_integer_is_422_not_a_server_error(client, admin_headers, method, path, payload):
    response = send(client, method, path, payload, **admin_headers)
    assert response.status_code == 422, (response.status_code, response.content[:300])


def test_a_large_but_storable_page_is_simply_empty(client, admin_headers, dinas):
    EnterpriseFactory(village_id=SALOLOANG, agency=dinas)
    response = client.get(f"{API}/enterprises?page=10000000&page_size=200", **admin_headers)
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_openapi_documents_the_integer_bounds(client):
    document = openapi(client)
    page = next(
        p for p in document["paths"][f"{API}/enterprises"]["get"]["parameters"] if p["name"] == "page"
    )
    assert page["schema"]["minimum"] == 1 and page["schema"]["maximum"] == 10_000_000
    [record_id] = document["paths"][f"{API}/enterprises/{{enterprise_id}}"]["get"]["parameters"]
    assert record_id["schema"]["minimum"] == 1 and record_id["schema"]["maximum"] == 2**63 - 1


def test_a_decimal_is_a_number_or_a_decimal_string(client, admin_headers, dinas):
    latitude = openapi(client)["components"]["schemas"]["EnterpriseIn"]["properties"]["latitude"]
    assert {"type": "string"} not in latitude["anyOf"]  # not "any string": a word is not a decimal
    payload = {"name": "UD Amplang", "village": SALOLOANG, "kbli": "10794", "agency_id": dinas.pk}
    word = send(client, "post", f"{API}/enterprises", {**payload, "latitude": "notifikasi"}, **admin_headers)
    assert word.status_code == 422
    text = send(client, "post", f"{API}/enterprises", {**payload, "latitude": "-1.25"}, **admin_headers)
    assert text.status_code == 201, text.content[:300]
    assert text.json()["latitude"] == "-1.25" or float(text.json()["latitude"]) == -1.25


# --- 2. 401 and 403 are documented with the shared ErrorOut ------------------------------------------


def test_every_operation_documents_401_and_every_write_403_with_error_out(client):
    error_out = {"$ref": "#/components/schemas/ErrorOut"}
    for method, path, operation in operations(openapi(client)):
        responses = operation["responses"]
        assert responses["401"]["content"]["application/json"]["schema"] == error_out, (method, path)
        if method in UNSAFE:  # a session-authenticated write without its CSRF token
            assert responses["403"]["content"]["application/json"]["schema"] == error_out, (method, path)


# --- 3. no credentials is 401, also on writes; a session write still needs CSRF ---------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", f"{API}/enterprises"),
        ("patch", f"{API}/enterprises/1"),
        ("put", f"{API}/centres/1"),
        ("delete", f"{API}/products/1"),
        ("post", f"{API}/enterprises/verification"),
        ("post", f"{API}/notifications/read"),
        ("post", f"{API}/imports/batches/1/rollback"),
    ],
)
def test_an_anonymous_write_is_401_with_error_out(method, path):
    anonymous = Client(enforce_csrf_checks=True)
    response = send(anonymous, method, path, {})
    assert response.status_code == 401, (response.status_code, response.content[:300])
    assert set(response.json()) <= {"detail", "code"} and response.json()["detail"]


def test_an_unknown_token_is_401():
    response = send(Client(), "post", f"{API}/enterprises", {}, HTTP_AUTHORIZATION="Bearer sentra_salah")
    assert response.status_code == 401


def test_a_session_write_without_csrf_is_403_and_with_csrf_goes_through(dinas):
    officer = persona(Role.REGENCY_OFFICER, agency=dinas)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    payload = {"name": "UD Amplang", "village": SALOLOANG, "kbli": "10794"}

    refused = send(browser, "post", f"{API}/enterprises", payload)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Enterprise.objects.exists()

    browser.get("/")  # any page sets the csrftoken cookie
    token = browser.cookies["csrftoken"].value
    accepted = send(browser, "post", f"{API}/enterprises", payload, HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content[:300]


def test_a_session_read_needs_no_csrf(dinas):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(persona(Role.REGENCY_OFFICER, agency=dinas))
    assert browser.get(f"{API}/enterprises").status_code == 200


def test_a_token_write_needs_no_csrf(dinas):
    headers = bearer(persona(Role.REGENCY_OFFICER, agency=dinas))
    payload = {"name": "UD Amplang", "village": SALOLOANG, "kbli": "10794"}
    response = send(Client(enforce_csrf_checks=True), "post", f"{API}/enterprises", payload, **headers)
    assert response.status_code == 201, response.content[:300]


# --- 4. a NUL character is refused (422, field named), as the web form refuses it -------------------

NUL = "UD Amplang\x00Sejahtera"


@pytest.mark.parametrize(
    ("method", "path", "payload", "field"),
    [
        pytest.param(
            "post",
            f"{API}/enterprises",
            {"name": NUL, "village": SALOLOANG, "kbli": "10794"},
            "name",
            id="body",
        ),
        pytest.param(
            "post",
            f"{API}/centres",
            {"name": "Sentra", "commodity": "x", "kbli": "10794", "villages": [SALOLOANG + "\x00"]},
            "villages",
            id="body-list",
        ),
        pytest.param("get", f"{API}/enterprises?q=Amplang%00", None, "q", id="query"),
        pytest.param("get", f"{API}/regions/resolve?q=Penajam%00Paser", None, "q", id="query-resolve"),
        pytest.param("get", f"{API}/regions/64%0009", None, "code", id="path"),
        pytest.param("delete", f"{API}/enterprises/1?reason=x%00", None, "reason", id="query-delete"),
    ],
)
def test_a_nul_character_is_422_on_its_field(client, admin_headers, method, path, payload, field):
    response = send(client, method, path, payload, **admin_headers)
    assert response.status_code == 422, (response.status_code, response.content[:300])
    [error] = response.json()["detail"]
    assert field in error["loc"] and error["type"] == "control_character"
    assert not Enterprise.objects.exists()


def test_openapi_documents_text_without_nul(client):
    document = openapi(client)
    name = document["components"]["schemas"]["EnterpriseIn"]["properties"]["name"]
    assert name["pattern"] == r"^[^\x00]*$"


# --- 5. a role that may not create is 403 before any field is looked at ------------------------------


@pytest.fixture
def viewer(dinas):
    return persona(Role.VIEWER, agency=dinas)


def test_a_viewer_creating_a_product_with_an_out_of_region_maker_is_403(client, viewer):
    kudus = EnterpriseFactory(village_id="33.19.01.2001", agency=AgencyFactory(region_id="33.19"))
    payload = {"name": "Jenang", "enterprise_id": kudus.pk}
    response = send(client, "post", f"{API}/products", payload, **bearer(viewer))
    assert response.status_code == 403, response.content[:300]
    assert response.json()["code"] == "forbidden"
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        (f"{API}/enterprises", {"name": "UD", "village": "99.99.99.9999", "kbli": "00000", "agency_id": 999}),
        (f"{API}/centres", {"name": "S", "commodity": "x", "kbli": "0", "villages": [], "decree_id": 999}),
        (f"{API}/products", {"name": "P", "centre_id": 999, "agency_id": 999}),
    ],
)
def test_a_viewer_creating_anything_is_403_whatever_the_fields(client, viewer, path, payload):
    response = send(client, "post", path, payload, **bearer(viewer))
    assert response.status_code == 403, response.content[:300]


def test_a_viewer_editing_a_visible_record_is_403_before_its_fields_are_checked(client, viewer, dinas):
    enterprise = EnterpriseFactory(village_id=SALOLOANG, agency=dinas)
    product = Product.objects.create(
        name="Amplang",
        enterprise=enterprise,
        village_id=SALOLOANG,
        province_code="64",
        regency_code=PPU,
        agency=dinas,
    )
    headers = bearer(viewer)
    response = send(client, "patch", f"{API}/products/{product.pk}", {"enterprise_id": 999_999}, **headers)
    assert response.status_code == 403, response.content[:300]
    response = send(client, "patch", f"{API}/enterprises/{enterprise.pk}", {"village": "99.99"}, **headers)
    assert response.status_code == 403, response.content[:300]


# --- 6. a restore is a write: the version must stay inside the caller's region --------------------------

KUDUS_VILLAGE = "33.19.01.2001"  # Kabupaten Kudus, Jawa Tengah


@pytest.fixture
def moved_in(dinas):
    """An enterprise and a centre the ministry recorded partly in Kudus, then brought wholly into PPU:
    each returned with the event of its first version."""
    from sentra.accounts.scope import actor_for_user
    from sentra.audit.models import AuditEvent
    from sentra.registry import services

    admin = actor_for_user(persona(Role.MINISTRY_ADMIN, username="admin-pulihkan"))
    enterprise = services.enterprise_create(
        actor=admin, village_code=KUDUS_VILLAGE, kbli_code="10794", agency=dinas, name="UD Pindahan"
    )
    services.enterprise_update(actor=admin, enterprise=enterprise, village_code=SALOLOANG)
    kudus_member = EnterpriseFactory(village_id=KUDUS_VILLAGE, agency=AgencyFactory(region_id="33.19"))
    centre = services.centre_create(
        actor=admin,
        village_codes=[SALOLOANG, KUDUS_VILLAGE],
        member_ids=[kudus_member.pk],
        kbli_code="10421",
        agency=dinas,
        name="Sentra Lintas",
        commodity="Kelapa",
    )
    services.centre_update(actor=admin, centre=centre, village_codes=[SALOLOANG], member_ids=[])

    def first(record):
        return AuditEvent.objects.get(
            object_id=record.pk, object_type=record._meta.label_lower, action="create"
        )

    return {"enterprises": (enterprise, first(enterprise)), "centres": (centre, first(centre))}


@pytest.mark.parametrize("kind", ["enterprises", "centres"])
def test_restoring_a_version_reaching_another_regency_is_403_and_changes_nothing(
    client, dinas, moved_in, kind
):
    """The enterprise's first version lies in Kudus; the centre's keeps its main village in PPU but
    spans a Kudus village and has a Kudus member. Today's state is the PPU officer's; that version is
    not: 403 with the API's error body (not a 500 after committing the move), nothing written."""
    from sentra.audit.models import AuditEvent
    from sentra.audit.services import snapshot

    record, version = moved_in[kind]
    officer = persona(Role.REGENCY_OFFICER, agency=dinas)
    state, events = snapshot(record), AuditEvent.objects.count()
    path = f"{API}/{kind}/{record.pk}/history/{version.pk}/restore"
    response = send(client, "post", path, {"reason": "coba"}, **bearer(officer))
    assert response.status_code == 403, response.content[:300]
    assert response.json()["code"] == "forbidden"
    record.refresh_from_db()
    assert snapshot(record) == state
    assert AuditEvent.objects.count() == events
