"""The OpenAPI document is built once per process and each caller gets a copy of its own."""

from sentra.api.urls import api


def test_the_document_is_built_once_and_a_change_to_one_copy_reaches_no_other(monkeypatch):
    first = api.get_openapi_schema(path_prefix="/api/v1/")
    first["paths"].clear()
    first["info"]["title"] = "changed by a caller"

    built = []
    monkeypatch.setattr(
        type(api).__mro__[1], "get_openapi_schema", lambda *args, **kwargs: built.append(kwargs) or {}
    )
    second = api.get_openapi_schema(path_prefix="/api/v1/")

    assert built == []
    assert second["info"]["title"] == "Sentra API"
    assert "/api/v1/enterprises" in second["paths"]
    assert second["paths"]["/api/v1/enterprises"]["get"]["responses"][401]


def test_the_served_document_is_the_cached_one(client):
    served = client.get("/api/v1/openapi.json").json()

    assert served["paths"].keys() == api.get_openapi_schema(path_prefix="/api/v1/")["paths"].keys()
