"""Schemas and field types every API router shares.

One error shape, so OpenAPI has one `ErrorOut` component. The field types bound what reaches the
database: text without NUL characters (PostgreSQL cannot store them; Django's form fields refuse
them too) and integers within the 64-bit range the database stores, ids positive.
"""

from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import WithJsonSchema
from pydantic_core import PydanticCustomError, core_schema


class ErrorOut(Schema):
    detail: str
    code: str | None = None  # a stable machine-readable reason where there is one (e.g. "locked")


class ApiError(Schema):
    """A broken rule (400): the body of a DomainError, with per-field errors."""

    detail: str
    code: str = ""
    errors: list[dict[str, Any]] = []


class ValidationErrorOut(Schema):
    """422: the request does not match the operation's schema (a missing upload, a bad type)."""

    detail: list[dict[str, Any]]


# Every operation needs credentials: 401 without them (or with an unknown token).
UNAUTHENTICATED = {401: ErrorOut}
# 403: the caller's role may not do this, the record belongs to another agency, or a session-authenticated
# write came without its CSRF token.
REFUSED = {401: ErrorOut, 403: ErrorOut}


# --- text ------------------------------------------------------------------------------------------

NO_NUL_PATTERN = r"^[^\x00]*$"


def reject_nul(value):
    """A NUL character in a text value is 422 `control_character` (also used by list filters)."""
    if isinstance(value, str) and "\x00" in value:
        # The code of sentra.core.text, as the services (400) and imports give for any control character.
        raise PydanticCustomError("control_character", "Karakter NUL (\\x00) tidak diizinkan.")
    return value


class _NoNul:
    """Refuses a NUL character (422, like the web form's field error); documented as a pattern."""

    def __get_pydantic_core_schema__(self, source, handler):
        return core_schema.no_info_after_validator_function(reject_nul, handler(source))

    def __get_pydantic_json_schema__(self, schema, handler):
        json_schema = handler(schema)
        json_schema["pattern"] = NO_NUL_PATTERN
        return json_schema


Text = Annotated[str, _NoNul()]


# --- integers --------------------------------------------------------------------------------------

INT64_MAX = 2**63 - 1
MAX_PAGE = 10_000_000  # 4.4 million records one per page still fit; OFFSET stays far below 2**63

# A database id (BigAutoField): larger values cannot exist, and SQLite cannot even compare them.
Id = Annotated[int, Field(ge=1, le=INT64_MAX)]
# Any other stored integer: the model's own checks narrow it further (a 400 with a field error).
Int64 = Annotated[int, Field(ge=-INT64_MAX - 1, le=INT64_MAX)]
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE)]

# A decimal as a JSON number or a plain decimal string ("-0.5"); pydantic's default documents "any string".
DecimalIn = Annotated[
    Decimal,
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}]}),
]
