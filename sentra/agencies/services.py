"""Writes to the agency list."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sentra.accounts.permissions import Action
from sentra.accounts.scope import Actor, require
from sentra.audit.models import AuditAction
from sentra.audit.services import record_change, snapshot
from sentra.core.errors import AccessDenied, DomainError, FieldError
from sentra.core.validation import full_clean_or_raise

from .models import Agency


def agency_get_or_create(
    *, name: str, kind: str, region_code: str | None, short_name: str = "", satker_code: str = ""
) -> Agency:
    agency = Agency.objects.filter(name=name, region_id=region_code).first()
    if agency:
        return agency
    agency = Agency(
        name=name, kind=kind, region_id=region_code, short_name=short_name, satker_code=satker_code.strip()
    )
    full_clean_or_raise(agency, exclude=["region"])
    agency.save()
    return agency


@transaction.atomic
def agency_set_satker_code(*, actor: Actor, agency: Agency, satker_code: str, reason: str = "") -> Agency:
    """Sets (or clears, with "") an agency's SAKTI satker code: six digits, one agency per code
    (`invalid_satker_code`, `duplicate_satker_code`). The satker list is the ministry's: only national
    users set it, as they set the dekon/TP allocation."""
    require(actor, Action.EDIT)
    if not (actor.is_superuser or actor.is_national):
        raise AccessDenied(_("Kode satker ditetapkan oleh kementerian."))
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    code = (satker_code or "").strip()
    if code == agency.satker_code:
        return agency
    before = snapshot(agency)
    agency.satker_code = code
    full_clean_or_raise(agency, exclude=["region"])
    try:
        with transaction.atomic():
            agency.save(update_fields=["satker_code", "updated_at"])
    except IntegrityError as exc:  # a race past full_clean's uniqueness check
        message = _("Kode satker ini sudah dipakai instansi lain.")
        raise DomainError(
            message,
            code="duplicate_satker_code",
            errors=[FieldError("satker_code", message, "duplicate_satker_code")],
        ) from exc
    record_change(actor=actor, action=AuditAction.UPDATE, obj=agency, before=before, reason=reason)
    return agency
