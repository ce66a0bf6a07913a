"""Writes to the agency list."""

from __future__ import annotations

from sentra.core.validation import full_clean_or_raise

from .models import Agency


def agency_get_or_create(*, name: str, kind: str, region_code: str | None, short_name: str = "") -> Agency:
    agency = Agency.objects.filter(name=name, region_id=region_code).first()
    if agency:
        return agency
    agency = Agency(name=name, kind=kind, region_id=region_code, short_name=short_name)
    full_clean_or_raise(agency, exclude=["region"])
    agency.save()
    return agency
