"""The leading-potential page /analisis/potensi/: leading commodities, LQ table, shift-share, the map's
GeoJSON and the exports; parameter errors shown on the page; another region 404."""

import pytest
from django.test import Client

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.analytics.tests.test_potential import count, snapshot
from sentra.conftest import KUDUS, PENAJAM, PPU

pytestmark = pytest.mark.django_db

PAGE = "/analisis/potensi/"


@pytest.fixture
def counts():
    count("64.09.01.1002", "10710", 30)
    count("64.09.01.1002", "13121", 10)
    count("33.19.01.2001", "10710", 20)
    count("33.19.01.2001", "13121", 40)


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ministry():
    return client_of(persona(Role.MINISTRY_ANALYST))


def test_national_page_lists_the_lq_of_every_regency(ministry, counts):
    response = ministry.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="lq-table"' in html and f'data-region="{PPU}" data-kbli="10"' in html
    assert "1,50" in html  # LQ of KBLI 10 in PPU, Indonesian decimals
    assert "LQ &gt; 1" in html or "LQ > 1" in html  # the explanation
    assert 'data-potential-url="/analisis/potensi/peta.geojson?' in html
    assert "<style" not in html and "style=" not in html.split("<body", 1)[1]


def test_region_page_ranks_its_leading_commodities_and_shift_share(ministry, counts):
    snapshot(2025, {(PENAJAM, "10710"): 10, ("33.19.01", "10710"): 20})
    response = ministry.get(PAGE, {"wilayah": PPU, "digit": "5", "dari": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    leading = html.split('id="leading"', 1)[1]
    assert leading.index('data-kbli="10710"') < leading.index('data-kbli="13121"')
    assert 'id="shift-table"' in html
    assert f'data-region="{PENAJAM}"' in html  # districts of the regency


def test_missing_snapshot_is_explained_on_the_page(ministry, counts):
    response = ministry.get(PAGE, {"wilayah": PPU, "dari": "2019"})
    assert response.status_code == 400
    assert 'id="shift-error"' in response.content.decode()
    assert "2019" in response.content.decode()


@pytest.mark.parametrize(
    "query", [{"tingkat": "desa"}, {"digit": "4"}, {"ukuran": "aset"}, {"wilayah": "99.99"}]
)
def test_bad_parameters_are_explained_not_a_traceback(ministry, counts, query):
    response = ministry.get(PAGE, query)
    assert response.status_code == 400
    assert 'id="potential-error"' in response.content.decode()


def test_another_regency_is_not_found_and_own_is_shown(counts):
    kudus = client_of(persona(Role.REGENCY_OFFICER, region=KUDUS))
    assert kudus.get(PAGE, {"wilayah": PPU}).status_code == 404
    html = kudus.get(PAGE).content.decode()
    assert f'data-region="{PPU}' not in html and 'data-region="33.19.01"' in html


def test_map_shades_regencies_by_the_lq_of_one_kbli(ministry, counts):
    data = ministry.get(f"{PAGE}peta.geojson", {"kbli": "10"}).json()
    by_code = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert len(by_code) > 500  # every regency, shaded or empty
    assert by_code[PPU]["lq"] == pytest.approx(1.5) and by_code[KUDUS]["lq"] == pytest.approx(0.667, abs=1e-3)
    assert by_code["11.01"]["lq"] is None
    in_province = ministry.get(f"{PAGE}peta.geojson", {"kbli": "10", "wilayah": "64"}).json()
    assert {f["properties"]["code"][:2] for f in in_province["features"]} == {"64"}


def test_exports(ministry, counts):
    csv = ministry.get(f"{PAGE}ekspor/", {"tabel": "lq"})
    assert csv.status_code == 200
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert len(text.splitlines()) == 5 and "LQ" in text.splitlines()[0]
    xlsx = ministry.get(f"{PAGE}ekspor/", {"tabel": "unggulan", "wilayah": PPU, "format": "xlsx"})
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    bad = ministry.get(f"{PAGE}ekspor/", {"tabel": "shift-share", "wilayah": PPU, "dari": "2019"})
    assert bad.status_code == 400 and "2019" in bad.content.decode()


def test_menu_entry(ministry):
    assert 'href="/analisis/potensi/"' in ministry.get(PAGE).content.decode()
