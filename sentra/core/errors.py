"""One error type for every domain rule, so the web, the API and the CLI report alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import Http404


@dataclass
class FieldError:
    field: str
    message: str
    code: str = "invalid"


@dataclass
class DomainError(Exception):
    """A rule was broken. `errors` lists per-field problems; `message` is the summary for a person."""

    message: str
    code: str = "invalid"
    errors: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message


class NotFound(Http404):
    """The record does not exist or lies outside what the user may read: both answer 404."""


class AccessDenied(PermissionDenied):
    """The user may read the record but not do this to it: 403."""


@dataclass
class StaleVersion(DomainError):
    """The record changed since the caller read it (core.versioning): the API answers 412, the web
    form shows what changed meanwhile. `current` is the record's version now."""

    message: str = ""
    code: str = "stale"
    current: int | None = None
