"""The API document names the version headers where the API honours them (api/etag.py)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json()


def header_names(operation):
    return {p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"}


def test_writes_that_honour_versions_document_if_match(document):
    record = document["paths"]["/api/v1/enterprises/{enterprise_id}"]
    for method in ("patch", "put", "delete"):
        assert "If-Match" in header_names(record[method]), method


def test_reads_and_writes_of_a_versioned_record_document_the_etag(document):
    record = document["paths"]["/api/v1/centres/{centre_id}"]
    assert "ETag" in record["get"]["responses"]["200"]["headers"]
    assert "ETag" in record["patch"]["responses"]["200"]["headers"]


def test_operations_without_versions_document_no_version_headers(document):
    listing = document["paths"]["/api/v1/enterprises"]["get"]
    assert "If-Match" not in header_names(listing)
    assert "headers" not in listing["responses"]["200"]
