"""Dashboards by level (issue 14.2): the country by province, a province by regency/city, a regency by
district, a district by village — as a table and as a map. A regional reader lands on their own
region; the regency's figures never appear under the province's name; every dashboard leads to the
level below it."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.analytics.selectors import area_totals, child_totals
from sentra.conftest import KALTIM, PPU, SALOLOANG
from sentra.regions.models import Region
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

PASER_VILLAGE = "64.01.01.2009"  # Samurangau, Kabupaten Paser (Kaltim, not PPU)
KUDUS_VILLAGE = "33.19.01.2001"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def records(db):
    """PPU: 2 IKM (7 workers) and a sentra in Saloloang, 1 IKM (5) in another district; Paser: 1 IKM
    (40); Kudus: 1 IKM (50)."""
    sepaku = Region.objects.filter(parent_id=PPU).exclude(code=SALOLOANG[:8]).order_by("code").first()
    village = Region.objects.filter(parent=sepaku).order_by("code").first()
    EnterpriseFactory(village_id=SALOLOANG, workers=3, latitude=Decimal("-1.2"), longitude=Decimal("116.6"))
    EnterpriseFactory(village_id=SALOLOANG, workers=4, latitude=Decimal("-1.4"), longitude=Decimal("116.8"))
    CentreFactory(village_id=SALOLOANG)
    EnterpriseFactory(village_id=village.code, workers=5)
    EnterpriseFactory(village_id=PASER_VILLAGE, workers=40)
    EnterpriseFactory(village_id=KUDUS_VILLAGE, workers=50)
    return {"other_district": sepaku.code, "other_village": village.code}


def login(client, role, agency=None, region=None):
    client.force_login(persona(role, agency=agency, region=region))
    return client


def table(response) -> dict[str, tuple[str, int, int, int]]:
    return {
        row["region"].code: (
            row["region"].name,
            row["region"].enterprises,
            row["region"].centres,
            row["region"].workers,
        )
        for row in response.context["rows"]
    }


# --- the selector -----------------------------------------------------------------------------------


def test_each_level_groups_by_the_level_below(system_actor, records):
    ppu = Region.objects.get(code=PPU)
    districts = {r.code: r for r in child_totals(actor=system_actor, parent=ppu)}
    assert all(code.startswith(PPU + ".") and len(code) == 8 for code in districts)
    assert (districts[SALOLOANG[:8]].enterprises, districts[SALOLOANG[:8]].workers) == (2, 7)
    assert districts[SALOLOANG[:8]].centres == 1
    assert districts[records["other_district"]].enterprises == 1
    # A district's point: the mean position of its geolocated IKM (none without one).
    assert (districts[SALOLOANG[:8]].latitude, districts[SALOLOANG[:8]].longitude) == (-1.3, 116.7)
    assert districts[records["other_district"]].latitude is None

    villages = {
        r.code: r for r in child_totals(actor=system_actor, parent=Region.objects.get(code=SALOLOANG[:8]))
    }
    assert villages[SALOLOANG].enterprises == 2 and all(c.startswith(SALOLOANG[:8] + ".") for c in villages)

    kaltim = area_totals(actor=system_actor, region=Region.objects.get(code=KALTIM))
    assert (kaltim.enterprises, kaltim.workers) == (4, 52)  # PPU 3 + Paser 1, not Kudus
    assert kaltim.child_level == Region.Level.REGENCY


def test_the_totals_are_what_the_reader_may_read(records):
    regency = actor_of(persona(Role.REGENCY_OFFICER, region=PPU))
    kaltim = area_totals(actor=regency, region=Region.objects.get(code=PPU))
    assert (kaltim.enterprises, kaltim.centres, kaltim.workers) == (3, 1, 12)


# --- the pages --------------------------------------------------------------------------------------


def test_a_regency_user_sees_its_districts_under_its_own_name(client, regency_agency, records):
    response = login(client, Role.REGENCY_OFFICER, regency_agency).get(reverse("web:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dasbor Kabupaten Penajam Paser Utara" in html
    rows = table(response)
    assert set(rows) == set(Region.objects.filter(parent_id=PPU).values_list("code", flat=True))
    assert rows[SALOLOANG[:8]][1:] == (2, 1, 7)
    # The regency's 12 workers appear under the regency, never under "Kalimantan Timur".
    assert "Kalimantan Timur" not in re.sub(r"<nav class=\"crumbs\".*?</nav>", "", html, flags=re.S)
    assert re.search(
        r"Penajam Paser Utara</th><td class=\"num\">3</td><td class=\"num\">1</td><td class=\"num\">12<", html
    )
    # The level below: each district opens its own dashboard (its villages), and the map follows.
    assert f'href="/?wilayah={SALOLOANG[:8]}"' in html
    assert f'data-region-url="/peta/wilayah.geojson?wilayah={PPU}"' in html


def test_a_district_shows_its_villages_and_a_village_is_the_last_level(client, regency_agency, records):
    client = login(client, Role.REGENCY_OFFICER, regency_agency)
    response = client.get(reverse("web:dashboard"), {"wilayah": SALOLOANG[:8]})
    rows = table(response)
    assert rows[SALOLOANG][1:] == (2, 1, 7)
    assert all(row["drill_url"] == "" for row in response.context["rows"])  # villages: lists only
    html = response.content.decode()
    assert f'href="/ikm/?region={SALOLOANG}"' in html
    village = client.get(reverse("web:dashboard"), {"wilayah": SALOLOANG})
    assert village.status_code == 200 and village.context["totals"].enterprises == 2


def test_a_province_user_sees_its_regencies(client, kaltim_agency, records):
    response = login(client, Role.PROVINCE_OFFICER, kaltim_agency).get(reverse("web:dashboard"))
    rows = table(response)
    assert set(rows) == set(Region.objects.filter(parent_id=KALTIM).values_list("code", flat=True))
    assert rows[PPU][1:] == (3, 1, 12) and rows["64.01"][1:] == (1, 0, 40)
    assert "Dasbor Kalimantan Timur" in response.content.decode()
    assert f'href="/?wilayah={PPU}"' in response.content.decode()
    # and down to the regency, with the way back up
    ppu = client.get(reverse("web:dashboard"), {"wilayah": PPU})
    assert ppu.status_code == 200 and ppu.context["totals"].workers == 12
    assert [c["name"] for c in ppu.context["crumbs"]] == ["Kalimantan Timur", "Kabupaten Penajam Paser Utara"]


def test_the_ministry_sees_provinces_leading_to_their_regencies(auth_client, records):
    response = auth_client.get(reverse("web:dashboard"))
    rows = table(response)
    assert len(rows) == 38 and rows[KALTIM][1] == 4 and rows["33"][1] == 1
    assert f'href="/?wilayah={KALTIM}"' in response.content.decode()


def test_a_region_outside_the_readers_own_is_not_found(client, regency_agency, records):
    client = login(client, Role.REGENCY_OFFICER, regency_agency)
    for code in (KALTIM, "64.01", "33.19", "99", "x"):
        assert client.get(reverse("web:dashboard"), {"wilayah": code}).status_code == 404, code
        assert client.get(reverse("web:map_region"), {"wilayah": code}).status_code == 404, code


# --- the map ------------------------------------------------------------------------------------------


def test_the_map_shows_the_same_level_and_counts_as_the_table(client, kaltim_agency, regency_agency, records):
    province = login(client, Role.PROVINCE_OFFICER, kaltim_agency)
    data = province.get(reverse("web:map_region")).json()
    regencies = {f["properties"]["code"]: f for f in data["features"]}
    assert set(regencies) <= set(Region.objects.filter(parent_id=KALTIM).values_list("code", flat=True))
    assert regencies[PPU]["properties"]["enterprises"] == 3
    assert regencies[PPU]["properties"]["url"] == f"/?wilayah={PPU}"
    assert regencies[PPU]["geometry"]["type"] in ("Polygon", "MultiPolygon")

    regency = login(client, Role.REGENCY_OFFICER, regency_agency)
    data = regency.get(reverse("web:map_region")).json()
    outline = [f for f in data["features"] if f["properties"].get("outline")]
    points = {f["properties"]["code"]: f for f in data["features"] if not f["properties"].get("outline")}
    assert [f["properties"]["code"] for f in outline] == [PPU]
    # Only the district with geolocated IKM has a point, at their mean position.
    assert list(points) == [SALOLOANG[:8]]
    assert points[SALOLOANG[:8]]["geometry"] == {"type": "Point", "coordinates": [116.7, -1.3]}
    assert points[SALOLOANG[:8]]["properties"]["enterprises"] == 2
    assert points[SALOLOANG[:8]]["properties"]["url"] == f"/?wilayah={SALOLOANG[:8]}"
