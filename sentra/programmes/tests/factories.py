"""Factories for plans and budgets, placed at real regions through their agency."""

from __future__ import annotations

import datetime as dt

import factory

from sentra.programmes.models import (
    Activity,
    BudgetDocument,
    BudgetLine,
    DisbursementPlan,
    Output,
    Programme,
    Realisation,
)
from sentra.registry.tests.factories import AgencyFactory

YEAR = 2026


class _Placed(factory.django.DjangoModelFactory):
    """Copies the agency's region onto the record, as the services do."""

    agency = factory.SubFactory(AgencyFactory)
    fiscal_year = YEAR
    region_id = factory.LazyAttribute(lambda o: o.agency.region_id)
    province_code = factory.LazyAttribute(lambda o: (o.agency.region_id or "")[:2])
    regency_code = factory.LazyAttribute(
        lambda o: o.agency.region_id[:5] if o.agency.region_id and len(o.agency.region_id) >= 5 else ""
    )


class ProgrammeFactory(_Placed):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"019.05.{n:02d}")
    name = "Program Nilai Tambah dan Daya Saing Industri"


class ActivityFactory(_Placed):
    class Meta:
        model = Activity

    programme = factory.SubFactory(
        ProgrammeFactory,
        agency=factory.SelfAttribute("..agency"),
        fiscal_year=factory.SelfAttribute("..fiscal_year"),
    )
    # Four digits after the dot: never one of the three-digit codes tests pick by hand (5305.001…), which
    # the unique (agency, year, code) refused whenever the sequence reached them first.
    code = factory.Sequence(lambda n: f"5305.{n + 1000}")
    name = factory.Sequence(lambda n: f"Bimtek peningkatan mutu produk {n}")
    kind = "training"
    funding_source = "apbd_kab"
    start_date = dt.date(YEAR, 3, 1)
    end_date = dt.date(YEAR, 11, 30)


class OutputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Output

    activity = factory.SubFactory(ActivityFactory)
    indicator = "IKM yang mengikuti bimtek"
    unit = "IKM"
    target = 20


class BudgetDocumentFactory(_Placed):
    class Meta:
        model = BudgetDocument

    kind = "apbn"
    number = factory.Sequence(lambda n: f"SP DIPA-019.05.1.{n:06d}/{YEAR}")
    issued_on = dt.date(YEAR - 1, 12, 5)


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    document = factory.SubFactory(BudgetDocumentFactory)
    activity = factory.SubFactory(
        ActivityFactory,
        agency=factory.SelfAttribute("..document.agency"),
        fiscal_year=factory.SelfAttribute("..document.fiscal_year"),
        funding_source=factory.SelfAttribute("..document.kind"),
    )
    account_group = "52"
    amount = 120_000_000


def even_plan(line: BudgetLine) -> DisbursementPlan:
    """An RPD spreading the pagu evenly, the remainder in December."""
    share = line.amount // 12
    months = [share] * 11 + [line.amount - share * 11]
    return DisbursementPlan.objects.create(line=line, **{f"m{m:02d}": v for m, v in enumerate(months, 1)})


class RealisationFactory(_Placed):
    class Meta:
        model = Realisation

    activity = factory.SubFactory(ActivityFactory)
    agency = factory.SelfAttribute("activity.agency")
    fiscal_year = factory.SelfAttribute("activity.fiscal_year")
    month = 1
    amount = 10_000_000
    physical_progress = 10
    output_achieved = 0
