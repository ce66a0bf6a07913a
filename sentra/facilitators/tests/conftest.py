"""Personas and records of field facilitation, for every facilitators test (reuse them).

Kab. Penajam Paser Utara (64.09, Kalimantan Timur) is the placement of `facilitator` (linked to the
user `tpl_user`) and of a colleague `colleague`; Kab. Kudus (33.19, Jawa Tengah) holds `kudus_facilitator`,
outside everything the PPU and Kaltim personas read. Actors: `ppu_officer` (the PPU Dinas),
`kaltim_officer` (the province), `kudus_officer`, `ministry_admin`, `analyst`, `viewer`, `tpl` (the
facilitator's own actor), `colleague_actor`. Records: `contract` (2026 calendar year), `placement`.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.conftest import KUDUS, PPU

from .factories import ContractFactory, FacilitatorFactory, PlacementFactory


@pytest.fixture
def ppu_dinas(regency_agency):
    return regency_agency


@pytest.fixture
def ppu_officer_user(ppu_dinas):
    return persona(Role.REGENCY_OFFICER, agency=ppu_dinas, username="dinas.ppu")


@pytest.fixture
def ppu_officer(ppu_officer_user):
    return actor_of(ppu_officer_user)


@pytest.fixture
def kaltim_officer(kaltim_agency):
    return actor_of(persona(Role.PROVINCE_OFFICER, agency=kaltim_agency, username="prov.kaltim"))


@pytest.fixture
def kudus_officer(kudus_agency):
    return actor_of(persona(Role.REGENCY_OFFICER, agency=kudus_agency, username="dinas.kudus"))


@pytest.fixture
def ministry_admin(ministry_agency):
    return actor_of(persona(Role.MINISTRY_ADMIN, agency=ministry_agency, username="admin.ikma"))


@pytest.fixture
def analyst(ministry_agency):
    return actor_of(persona(Role.MINISTRY_ANALYST, agency=ministry_agency, username="analis.ikma"))


@pytest.fixture
def viewer():
    return actor_of(persona(Role.VIEWER, region=PPU, username="pembaca.ppu"))


@pytest.fixture
def tpl_user(ppu_dinas):
    """The user account of the PPU facilitator (role facilitator, region PPU, agency the PPU Dinas)."""
    return persona(Role.FACILITATOR, agency=ppu_dinas, username="tpl.ppu.test")


@pytest.fixture
def facilitator(tpl_user, ppu_dinas):
    return FacilitatorFactory(name="Nur Aisyah", sex="f", user=tpl_user, agency=ppu_dinas, home_region_id=PPU)


@pytest.fixture
def tpl(tpl_user, facilitator):
    """The facilitator's own actor."""
    return actor_of(tpl_user)


@pytest.fixture
def colleague(ppu_dinas):
    """Another facilitator of the same regency, with an account of their own."""
    user = persona(Role.FACILITATOR, agency=ppu_dinas, username="tpl.ppu.rekan")
    return FacilitatorFactory(name="Andi Saputra", user=user, agency=ppu_dinas, home_region_id=PPU)


@pytest.fixture
def colleague_actor(colleague):
    return actor_of(colleague.user)


@pytest.fixture
def kudus_facilitator(kudus_agency):
    return FacilitatorFactory(name="Siti Rohmah", sex="f", agency=kudus_agency, home_region_id=KUDUS)


@pytest.fixture
def placement(facilitator, ppu_dinas, ppu_officer_user):
    return PlacementFactory(
        facilitator=facilitator,
        host_agency=ppu_dinas,
        supervisor=ppu_officer_user,
        starts_on=dt.date(2025, 1, 2),
    )


@pytest.fixture
def contract(facilitator):
    """The facilitator's 2026 contract (ends 31 Dec 2026: 45 days after the fixed clock's 16 Nov)."""
    return ContractFactory(facilitator=facilitator, number="3.8.2 /IKM/KK/1/2026")
