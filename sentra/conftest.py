"""Shared test setup: the real reference data, loaded once per session, and fixed personas."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory.random
import pytest
import time_machine

from sentra.regions.services import reference_load

# A real slice of the hierarchy, from the shipped Kemendagri data (never invented codes).
KALTIM = "64"
PPU = "64.09"  # Kabupaten Penajam Paser Utara
PENAJAM = "64.09.01"  # Kecamatan Penajam
SALOLOANG = "64.09.01.1002"  # Salo Loang
KUDUS = "33.19"  # Kabupaten Kudus, Jawa Tengah


# The whole suite runs on a fixed clock that starts here and ticks. Fiscal years, months passed,
# RPD revision windows, overdue follow-ups and expiring contracts all depend on today, and a test
# written in November must pass in December, on the first of January and in 2031 alike. A test
# that needs another day moves the clock itself (time-machine's `time_machine` fixture) and comes
# back here afterwards. Subprocesses (the kill tests) run on the real clock.
FIXED_NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture(scope="session", autouse=True)
def fixed_clock():
    with time_machine.travel(FIXED_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def factory_seed():
    """Factories draw the same fake names and numbers in every test, whatever ran before it: a random
    owner name once matched another test's search term ("rahmawati") only in the full suite's order."""
    factory.random.reseed_random("sentra")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        reference_load()


@pytest.fixture
def ministry_agency(db):
    from sentra.registry.tests.factories import AgencyFactory

    return AgencyFactory(name="Direktorat Jenderal IKMA", kind="ministry", region_id=None)


@pytest.fixture
def regency_agency(db):
    from sentra.registry.tests.factories import AgencyFactory

    return AgencyFactory(
        name="Dinas Perindustrian, Perdagangan dan UKM Kab. Penajam Paser Utara",
        kind="regency_industry",
        region_id=PPU,
    )


@pytest.fixture
def kaltim_agency(db):
    from sentra.registry.tests.factories import AgencyFactory

    return AgencyFactory(
        name="Disperindagkop Provinsi Kalimantan Timur", kind="province_industry", region_id=KALTIM
    )


@pytest.fixture
def kudus_agency(db):
    from sentra.registry.tests.factories import AgencyFactory

    return AgencyFactory(name="Dinas Perindustrian Kab. Kudus", kind="regency_industry", region_id=KUDUS)


@pytest.fixture
def user(db, django_user_model, ministry_agency):
    """A ministry administrator: sees and may do everything (scoping has its own tests)."""
    from sentra.accounts.models import Profile, Role

    user = django_user_model.objects.create_user(username="petugas", password="rahasia-sekali-123")
    Profile.objects.create(user=user, role=Role.MINISTRY_ADMIN, agency=ministry_agency)
    return user


@pytest.fixture
def system_actor():
    from sentra.accounts.scope import system_actor

    return system_actor()


@pytest.fixture
def actor(user):
    from sentra.accounts.scope import actor_for_user

    return actor_for_user(user)


@pytest.fixture
def auth_client(client, user):
    client.force_login(user)
    return client
