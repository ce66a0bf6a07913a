"""Factories for facilitators, contracts, placements and caseload, placed at real regencies.

They write rows directly (as the demo's bulk paths do), copying the placement codes the way the
services do; tests of the rules call facilitators.services instead."""

from __future__ import annotations

import datetime as dt

import factory

from sentra.facilitators.models import Assignment, Contract, Facilitator, Placement
from sentra.registry.tests.factories import AgencyFactory

PPU = "64.09"


class FacilitatorFactory(factory.django.DjangoModelFactory):
    """A TPL-IKM of cohort 2014 from Kab. Penajam Paser Utara, under the PPU Dinas."""

    class Meta:
        model = Facilitator

    name = factory.Sequence(lambda n: f"Rahmat Hidayat {n}")
    sex = "m"
    birth_year = 1992
    education = "d3"
    polytechnic = "atk_yogyakarta"
    cohort = 2014
    home_region_id = PPU
    agency = factory.SubFactory(AgencyFactory, region_id=PPU)
    regency_code = factory.LazyAttribute(lambda o: o.home_region_id[:5])
    province_code = factory.LazyAttribute(lambda o: o.home_region_id[:2])


class _OfFacilitator(factory.django.DjangoModelFactory):
    facilitator = factory.SubFactory(FacilitatorFactory)
    regency_code = factory.LazyAttribute(lambda o: o.facilitator.regency_code)
    province_code = factory.LazyAttribute(lambda o: o.facilitator.province_code)


class ContractFactory(_OfFacilitator):
    """A first-year contract signed by the Director General, for calendar year 2026."""

    class Meta:
        model = Contract

    number = factory.Sequence(lambda n: f"{n}.8.2 /IKM/KK/1/2026")
    period_start = dt.date(2026, 1, 2)
    period_end = dt.date(2026, 12, 31)
    funding_source = "DIPA Ditjen IKMA 2026"
    honorarium = 3_500_000
    operating_costs = 1_000_000


class PlacementFactory(_OfFacilitator):
    class Meta:
        model = Placement

    region_id = factory.LazyAttribute(lambda o: o.facilitator.regency_code)
    host_agency = factory.LazyAttribute(lambda o: o.facilitator.agency)
    starts_on = dt.date(2026, 1, 2)


class AssignmentFactory(_OfFacilitator):
    """Set `centre` or `enterprise` (exactly one)."""

    class Meta:
        model = Assignment

    starts_on = dt.date(2026, 1, 15)
