"""Rules of leading potential that no test held before the mutation pass of 2026-12-06
(docs/analytics.md, "Mutation pass"): each test here failed with one deliberate change of
analytics/potential.py."""

import datetime as dt

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.analytics import potential
from sentra.analytics.models import RegistrySnapshot
from sentra.analytics.tests.test_potential import count  # keeps the rollups in step (rebuild_rollups)
from sentra.conftest import KUDUS, PPU
from sentra.core.errors import DomainError, NotFound
from sentra.regions.models import Region

pytestmark = pytest.mark.django_db


def test_few_enterprises_means_under_30_in_the_region_or_under_5_in_the_cell(system_actor):
    """PPU counts exactly 30 IKM with a cell of exactly 5: nothing is few. Kudus counts 29: every cell is."""
    count("64.09.01.1002", "10710", 25, workers=25)
    count("64.09.01.1002", "13121", 5, workers=5)
    count("33.19.01.2001", "10710", 25, workers=25)
    count("33.19.01.2001", "13121", 4, workers=4)
    rows = {
        (r.region_code, r.kbli): r.few_enterprises
        for r in potential.location_quotient(actor=system_actor, kbli_digits=5).rows
    }
    assert rows == {
        (PPU, "10710"): False,
        (PPU, "13121"): False,
        (KUDUS, "10710"): True,
        (KUDUS, "13121"): True,
    }


@pytest.mark.parametrize(("field", "year"), [("from_year", 1899), ("to_year", 2201)])
def test_a_year_outside_1900_to_2200_is_invalid_not_merely_missing(system_actor, field, year):
    params = {"from_year": 2024, "to_year": 2025} | {field: year}
    with pytest.raises(DomainError) as raised:
        potential.shift_share(actor=system_actor, region=PPU, **params)
    assert raised.value.code == "invalid_year"


def test_growth_is_measured_from_the_latest_snapshot_before_this_year(system_actor):
    for year in (2024, 2025, 2026):  # the fixed clock is in 2026
        RegistrySnapshot.objects.create(year=year, taken_on=dt.date(year, 12, 31))
    assert potential.growth_base_year() == 2025
    count("64.09.01.1002", "10710", 6, workers=6)
    assert potential.leading_commodities(actor=system_actor, region_code=PPU).growth_from == 2025


def test_a_region_given_as_an_object_outside_the_readers_region_is_not_found():
    officer = actor_of(persona(Role.REGENCY_OFFICER, region=KUDUS))
    ppu = Region.objects.get(code=PPU)
    with pytest.raises(NotFound):
        potential.location_quotient(actor=officer, region=ppu, level="regency")
