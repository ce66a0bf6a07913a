"""The demo's agencies, shared by every domain's demo step (registry, programmes, coordination…).

The agencies app owns them (their names in demo_facts.py): a domain's demo step finds the agencies
an earlier step wrote through these helpers and names, and never imports another domain's demo
module (sentra/core/tests/test_layering.py).
"""

from __future__ import annotations

from sentra.core.demo import DemoReport
from sentra.regions.models import Region

from .demo_facts import AGENCIES
from .models import Agency, AgencyKind
from .services import agency_get_or_create


def demo_agencies_by_name() -> dict[str, Agency]:
    """The agencies of AGENCIES that exist (the registry's step writes them), by name."""
    return {a.name: a for a in Agency.objects.filter(name__in=[a[0] for a in AGENCIES])}


def province_office_name(province: Region) -> str:
    return f"Disperindag Provinsi {province.name}"


def province_agencies(agencies: dict[str, Agency], report: DemoReport) -> dict[str, int]:
    """The owner of generated records in each province (its id, by province code): its real
    Disperindag(kop) where `agencies` names one, else a generic provincial Disperindag, written once."""
    owners = {
        a.region_id: a.pk for a in agencies.values() if a.kind == AgencyKind.PROVINCE_INDUSTRY and a.region_id
    }
    for province in Region.objects.filter(level=Region.Level.PROVINCE).order_by("code"):
        if province.code not in owners:
            name = province_office_name(province)
            agency = Agency.objects.filter(name=name, region=province).first()
            if agency is None:
                agency = agency_get_or_create(
                    name=name,
                    kind=AgencyKind.PROVINCE_INDUSTRY,
                    region_code=province.code,
                    short_name="Disperindag",
                )
                report.created["agencies"] += 1
            owners[province.code] = agency.pk
    return owners


def province_office(province: Region) -> Agency:
    """The province's industry office (the first recorded), written when it has none."""
    office = (
        Agency.objects.filter(kind=AgencyKind.PROVINCE_INDUSTRY, region_id=province.code)
        .order_by("pk")
        .first()
    )
    return office or agency_get_or_create(
        name=province_office_name(province),
        kind=AgencyKind.PROVINCE_INDUSTRY,
        region_code=province.code,
        short_name="Disperindag",
    )
