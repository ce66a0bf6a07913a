"""Turn Django's ValidationError into the DomainError every layer reports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .errors import DomainError, FieldError
from .text import model_text_errors


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
    """Django's full_clean plus the text rule of sentra.core.text on every CharField and TextField
    (control, invisible and bidi characters refused), for the web and the API alike: both write
    through services that call this."""
    text_errors = model_text_errors(instance, exclude)
    try:
        instance.full_clean(exclude=[*(exclude or ()), *text_errors])
    except ValidationError as exc:
        if not text_errors:
            raise domain_error_from(exc) from exc
        raise domain_error_from(ValidationError({**exc.update_error_dict({}), **text_errors})) from exc
    if text_errors:
        raise domain_error_from(ValidationError(text_errors))
