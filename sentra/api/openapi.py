"""The error answers every operation documents, declared once for the whole API.

An operation declares its own successes (and any error with a shape of its own); the standard errors
come from the exception handlers (api/urls.py) and from django-ninja itself, so they are the same for
every operation and follow from what the operation takes:

  401, 403  every authenticated operation: no or unknown credentials; the role may not do this, the
            record belongs to another agency, or a session-authenticated write came without CSRF
  400       every operation that takes input (parameters or a body): a broken rule (DomainError)
  422       the same: the request does not match the operation's schema
  404       an operation with a path parameter: unknown id, or a record outside the caller's scope
  413       an operation with a body: larger than Django's DATA_UPLOAD_MAX_MEMORY_SIZE
  412       PATCH, PUT and DELETE: If-Match named a version the record no longer has (api/etag.py)

To add one (a 409 for a domain conflict, a 429 once the API is rate-limited), add a `StandardError` to
`STANDARD_ERRORS`: every operation it applies to documents it, and the conformance tests in
api/tests/test_schemathesis.py check the document against the API's real answers. An operation's own
declaration of a status code always wins (e.g. a 412 with `current_version`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ninja import NinjaAPI, Schema

from .schemas import ApiError, ErrorOut, ValidationErrorOut

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
COMPONENTS = "#/components/schemas/"


@dataclass(frozen=True)
class OperationShape:
    """What an operation of the OpenAPI document takes, as far as its possible errors go."""

    method: str  # upper case
    authenticated: bool
    path_parameters: bool
    parameters: bool  # any parameter (path, query, header, cookie)
    body: bool

    @property
    def takes_input(self) -> bool:
        return self.parameters or self.body

    @classmethod
    def of(cls, method: str, operation: dict[str, Any], document: dict[str, Any]) -> OperationShape:
        parameters = operation.get("parameters", [])
        security = operation.get("security", document.get("security"))
        return cls(
            method=method.upper(),
            authenticated=bool(security),
            path_parameters=any(p.get("in") == "path" for p in parameters),
            parameters=bool(parameters),
            body="requestBody" in operation,
        )


@dataclass(frozen=True)
class StandardError:
    status: int
    schema: type[Schema]
    description: str
    applies: Callable[[OperationShape], bool]


STANDARD_ERRORS: tuple[StandardError, ...] = (
    StandardError(
        400,
        ApiError,
        "Aturan dilanggar: `code` menyebut alasannya, `errors` kesalahan per kolom.",
        lambda op: op.takes_input,
    ),
    StandardError(
        401,
        ErrorOut,
        "Tanpa kredensial, atau token tidak dikenal.",
        lambda op: op.authenticated,
    ),
    StandardError(
        403,
        ErrorOut,
        "Peran atau instansi tidak berwenang, atau penulisan lewat sesi tanpa token CSRF.",
        lambda op: op.authenticated,
    ),
    StandardError(
        404,
        ErrorOut,
        "Tidak ditemukan, atau di luar wilayah pengguna.",
        lambda op: op.path_parameters,
    ),
    StandardError(
        412,
        ErrorOut,
        "If-Match menyebut versi yang sudah berubah; tidak ada yang ditulis (kode `stale`).",
        lambda op: op.method in ("PATCH", "PUT", "DELETE"),
    ),
    StandardError(
        413,
        ErrorOut,
        "Isi permintaan terlalu besar.",
        lambda op: op.body,
    ),
    StandardError(
        422,
        ValidationErrorOut,
        "Permintaan tidak sesuai skema operasi (tipe, batas, kolom wajib).",
        lambda op: op.takes_input,
    ),
)


def document_standard_errors(document: dict[str, Any], errors=STANDARD_ERRORS) -> dict[str, Any]:
    """Adds each applicable standard error to every operation of `document` that does not declare it."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            shape = OperationShape.of(method, operation, document)
            responses = operation.setdefault("responses", {})
            declared = {str(status) for status in responses}
            for error in errors:
                if str(error.status) in declared or not error.applies(shape):
                    continue
                name = error.schema.__name__
                if name not in schemas:
                    schemas[name] = error.schema.model_json_schema(ref_template=COMPONENTS + "{model}")
                responses[error.status] = {
                    "description": error.description,
                    "content": {"application/json": {"schema": {"$ref": COMPONENTS + name}}},
                }
            operation["responses"] = dict(sorted(responses.items(), key=lambda item: str(item[0])))
    return document


IF_MATCH_PARAMETER = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": 'ETag yang diterima saat membaca data (mis. `"3"`); tanpa header: versi mana pun.',
}
ETAG_HEADER = {
    "ETag": {"description": "Versi data (api/etag.py), untuk If-Match.", "schema": {"type": "string"}},
}


def document_versions(document: dict[str, Any]) -> dict[str, Any]:
    """Operations that declare their own 412 honour If-Match (api/etag.py): they document the header,
    and every operation on the same record path documents the ETag its successful answers carry."""
    for item in document.get("paths", {}).values():
        operations = {m: op for m, op in item.items() if m in HTTP_METHODS}
        versioned = [op for op in operations.values() if "412" in {str(s) for s in op.get("responses", {})}]
        if not versioned:
            continue
        for operation in versioned:
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("in") == "header" and p.get("name") == "If-Match" for p in parameters):
                parameters.append(dict(IF_MATCH_PARAMETER))
        for method, operation in operations.items():
            if method == "delete":
                continue
            for status, response in operation.get("responses", {}).items():
                if str(status).startswith("2"):
                    response.setdefault("headers", {}).update(ETAG_HEADER)
    return document


class SentraAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists the standard errors (STANDARD_ERRORS) of every operation,
    and the If-Match/ETag headers of the operations that honour record versions."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        # The document follows from the routes and their schemas only, which are fixed once the URLs
        # are loaded; building it walks ~1,900 pydantic models (about 2 s), so it is built once per
        # process and each caller gets its own copy (callers, and JSON encoding, may change it).
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        cache = self.__dict__.setdefault("_openapi_documents", {})
        if key not in cache:
            document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
            cache[key] = document_standard_errors(document_versions(document))
        return copy.deepcopy(cache[key])
