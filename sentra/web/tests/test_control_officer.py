"""The early-warning list names who answers for each lagging activity: the owning agency and the
responsible officer (Activity.officer_name), read in the same query as the activity."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.conftest import PPU
from sentra.programmes.tests.factories import YEAR
from sentra.registry.tests.factories import AgencyFactory

from .test_control_pages import MONTH, funded

pytestmark = pytest.mark.django_db

WARNINGS = reverse("web:control_warnings")


@pytest.fixture
def ppu_agency():
    return AgencyFactory(name="Dinas Perindustrian Kab. PPU", kind="regency_industry", region_id=PPU)


@pytest.fixture
def ministry_client(client, ministry_agency):
    client.force_login(persona(Role.MINISTRY_ANALYST, agency=ministry_agency, username="analis"))
    return client


def behind(agency, officer: str = ""):
    """An activity far behind its even RPD at June (5 % spent against 50 % planned)."""
    activity = funded(agency, realised={2: 6_000_000})
    activity.officer_name = officer
    activity.save(update_fields=["officer_name"])
    return activity


def officer_cells(html: str) -> list[str]:
    return re.findall(r'<td class="officer">([^<]*)</td>', html)


def test_each_lagging_activity_shows_its_officer_beside_its_agency(ministry_client, ppu_agency):
    named = behind(ppu_agency, officer="Budi Santoso, S.E. (PPK)")
    r = ministry_client.get(WARNINGS, {"tahun": YEAR, "bulan": MONTH})
    html = r.content.decode()
    assert [row["activity"].pk for row in r.context["lagging"]] == [named.pk]
    assert "Penanggung jawab" in html
    assert officer_cells(html) == ["Budi Santoso, S.E. (PPK)"]
    row = html[html.index(f'data-activity="{named.pk}"') :]
    assert row.index("Dinas Perindustrian Kab. PPU") < row.index("Budi Santoso")


def test_an_activity_without_an_officer_shows_a_dash(ministry_client, ppu_agency):
    behind(ppu_agency)
    html = ministry_client.get(WARNINGS, {"tahun": YEAR, "bulan": MONTH}).content.decode()
    assert officer_cells(html) == ["—"]


def test_the_dashboard_warning_table_names_the_officer_too(ministry_client, ppu_agency):
    behind(ppu_agency, officer="Rina Kartika")
    html = ministry_client.get(
        reverse("web:control_dashboard"), {"tahun": YEAR, "bulan": MONTH}
    ).content.decode()
    assert officer_cells(html) == ["Rina Kartika"]


def test_more_lagging_activities_do_not_mean_more_queries(ministry_client, ppu_agency, kaltim_agency):
    """The officer is a column of the activity row: no query per activity listed."""
    behind(ppu_agency, officer="Budi Santoso")
    params = {"tahun": YEAR, "bulan": MONTH}
    ministry_client.get(WARNINGS, params)  # warm the session and per-process caches
    with CaptureQueriesContext(connection) as one:
        assert len(ministry_client.get(WARNINGS, params).context["lagging"]) == 1
    behind(ppu_agency, officer="Rina Kartika")
    behind(kaltim_agency)
    with CaptureQueriesContext(connection) as three:
        assert len(ministry_client.get(WARNINGS, params).context["lagging"]) == 3
    assert len(three) == len(one)
