"""One error type for every domain rule, so the web, the API and the CLI report alike."""

from __future__ import annotations

from dataclasses import dataclass, field


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
