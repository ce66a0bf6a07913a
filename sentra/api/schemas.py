"""Schemas every API router shares. One error shape, so OpenAPI has one `ErrorOut` component."""

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: str
    code: str | None = None  # a stable machine-readable reason where there is one (e.g. "locked")


class ApiError(Schema):
    """A broken rule (400) or a refused action (403): the body of a DomainError or AccessDenied."""

    detail: str
    code: str = ""
    errors: list[dict[str, Any]] = []
