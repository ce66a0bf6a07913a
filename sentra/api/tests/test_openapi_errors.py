"""Every operation of /api/v1/openapi.json documents the error answers it really gives.

The standard errors (401/403 for every authenticated operation, 400/422 where the operation takes input,
404 where it has a path parameter, 413 where it has a body, 412 on PATCH/PUT/DELETE) are declared once,
in api/openapi.py. These tests walk the document and send each operation the requests that produce
those answers: no credentials, an unknown id, a malformed body, a body too large.
"""

from __future__ import annotations

import json
import re
from functools import cache

import pytest
from django.test import Client

from sentra.accounts.models import Role
from sentra.accounts.services import token_create
from sentra.accounts.tests.factories import persona
from sentra.api.openapi import STANDARD_ERRORS, OperationShape
from sentra.registry.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

METHODS = ("get", "put", "post", "delete", "patch")
UNKNOWN_ID = 987_654_321


@cache
def document() -> dict:
    from sentra.api.urls import api

    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))  # as served: str keys


def operations() -> list[tuple[str, str, dict]]:
    doc = json.loads(json.dumps(document()))  # a copy: callers may not change the cached document
    return [
        (method, path, operation)
        for path, item in doc["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def labels() -> list[str]:
    return [f"{method.upper()} {path}" for method, path, _ in operations()]


def url_for(path: str, operation: dict) -> str:
    """The path with every parameter filled with a value no record has."""
    kinds = {
        p["name"]: p.get("schema", {}).get("type")
        for p in operation.get("parameters", [])
        if p["in"] == "path"
    }

    def value(match: re.Match) -> str:
        return str(UNKNOWN_ID) if kinds.get(match.group(1)) == "integer" else "zz"

    return re.sub(r"\{(\w+)\}", value, path)


@pytest.fixture
def admin_client(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = persona(Role.MINISTRY_ADMIN, agency=AgencyFactory(name="Kementerian"), username="kemenperin")
    _token, key = token_create(user=user, name="openapi")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def send(client: Client, method: str, url: str, body: str | None = None):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, data=body, content_type="application/json")


def documented(operation: dict) -> set[int]:
    return {int(status) for status in operation["responses"]}


def by_label(label: str) -> tuple[str, str, dict]:
    return next(op for op in operations() if f"{op[0].upper()} {op[1]}" == label)


@pytest.mark.parametrize("label", labels())
def test_every_operation_documents_the_standard_errors_it_can_answer(label):
    method, path, operation = by_label(label)
    shape = OperationShape.of(method, operation, document())
    expected = {error.status for error in STANDARD_ERRORS if error.applies(shape)}
    assert expected <= documented(operation), (label, sorted(expected - documented(operation)))
    assert {401, 403} <= documented(operation)  # no operation is open to the anonymous
    for status in expected:
        assert operation["responses"][str(status)]["content"]["application/json"]["schema"], (label, status)


@pytest.mark.parametrize("label", labels())
def test_without_credentials_every_operation_answers_a_documented_401(label):
    method, path, operation = by_label(label)
    response = send(Client(), method, url_for(path, operation), "{}" if "requestBody" in operation else None)
    assert response.status_code == 401 and 401 in documented(operation), (label, response.status_code)
    assert response.json()["detail"]


@pytest.mark.parametrize("label", labels())
def test_unknown_ids_and_malformed_bodies_are_answered_with_documented_codes(admin_client, label):
    method, path, operation = by_label(label)
    url = url_for(path, operation)
    answers = [send(admin_client, method, url, "{}" if "requestBody" in operation else None)]
    if "requestBody" in operation:
        answers.append(send(admin_client, method, url, "[null, null]"))
        answers.append(send(admin_client, method, url, '{"broken'))
    for response in answers:
        assert response.status_code < 500, (label, response.status_code, response.content[:300])
        assert response.status_code in documented(operation), (
            label,
            response.status_code,
            response.content[:300],
        )
        if response.status_code >= 400:
            assert response.json()["detail"], label


@pytest.mark.parametrize("label", [label for label in labels() if "requestBody" in by_label(label)[2]])
def test_a_body_above_the_upload_limit_is_a_documented_413(admin_client, settings, label):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    method, path, operation = by_label(label)
    url = url_for(path, operation)
    if "multipart/form-data" in operation["requestBody"]["content"]:
        response = admin_client.post(url, {"commit": "x" * 2000})  # a form field above the limit
    else:
        response = send(admin_client, method, url, json.dumps({"reason": "x" * 2000}))
    assert response.status_code == 413 and 413 in documented(operation), (label, response.status_code)
    assert response.json()["code"] == "too_large"


def test_the_published_document_has_no_key_twice():
    """A response declared as "200" beside Django Ninja's 200 is written twice into the JSON, and
    Swagger UI then refuses the whole document ("duplicated mapping key")."""
    repeated = []

    def keep(pairs):
        keys = [key for key, _value in pairs]
        repeated.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(pairs)

    json.loads(Client().get("/api/v1/openapi.json").content, object_pairs_hook=keep)
    assert repeated == []


def test_every_schema_of_the_api_has_a_name_of_its_own():
    """Django Ninja files each schema under its class name in the document's components: two classes
    of one name (CoverageOut of the coverage and of the profile) leave one of them described by the
    other's fields, and clients validating against the document refuse the real answers."""
    from ninja import Schema

    import sentra.api.urls  # noqa: F401 - every router and its schemas loaded

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names: dict[str, set[str]] = {}
    for cls in subclasses(Schema):
        if cls.__module__.startswith("sentra.") and "tests" not in cls.__module__:
            names.setdefault(cls.__name__, set()).add(cls.__module__)
    assert {name: modules for name, modules in names.items() if len(modules) > 1} == {}
