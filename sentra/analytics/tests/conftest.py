"""Agencies and the officer that the analytics tests share: the industry office, the cooperatives office
and the Dekranasda of Kab. PPU, a regency officer of the industry office, and a pair of overlapping
trainings of the two offices. A test module may still define its own fixture of the same name; the
module's wins."""

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.analytics.tests.test_links import activity
from sentra.conftest import PPU
from sentra.registry.tests.factories import AgencyFactory


@pytest.fixture
def dinas(db):
    return AgencyFactory(name="Dinas Perindustrian Kab. PPU", kind="regency_industry", region_id=PPU)


@pytest.fixture
def koperasi(db):
    return AgencyFactory(name="Dinas Koperasi dan UKM Kab. PPU", kind="regency_other", region_id=PPU)


@pytest.fixture
def dekranasda(db):
    return AgencyFactory(name="Dekranasda Kab. PPU", kind="dekranasda", region_id=PPU)


@pytest.fixture
def officer(dinas):
    return actor_of(persona(Role.REGENCY_OFFICER, agency=dinas))


@pytest.fixture
def pair(dinas, koperasi):
    """Two trainings in tenun in Desa Salo Loang, June–July 2026: the industry office's, then the
    cooperatives office's follow-up."""
    return (
        activity(dinas, "Pelatihan tenun ikat Desa Salo Loang"),
        activity(koperasi, "Bimtek tenun lanjutan Desa Salo Loang"),
    )
