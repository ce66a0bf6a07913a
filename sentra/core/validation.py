"""Turn Django's ValidationError into the DomainError every layer reports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .errors import DomainError, FieldError


def domain_error_from(exc: ValidationError) -> DomainError:
    errors: list[FieldError] = []
    if hasattr(exc, "error_dict"):
        for field, field_errors in exc.error_dict.items():
            for error in field_errors:
                message = error.message % error.params if error.params else error.message
                errors.append(FieldError(field=field, message=str(message), code=error.code or "invalid"))
    else:
        for error in exc.error_list:
            message = error.message % error.params if error.params else error.message
            errors.append(FieldError(field="__all__", message=str(message), code=error.code or "invalid"))
    return DomainError(message=_("Data tidak valid."), code="validation", errors=errors)


def full_clean_or_raise(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise domain_error_from(exc) from exc
