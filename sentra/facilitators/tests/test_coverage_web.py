"""The coverage page /pendamping/cakupan/, its map data, its CSV/XLSX export and GET
/api/v1/facilitators/coverage: the same figures as facilitators.coverage (test_coverage.py's world),
drilled national → province → regency, each persona in its own scope (404 outside, 403 for a
facilitator), the menu entry for the managers only, and a page whose queries do not grow with the data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.conftest import KALTIM, KUDUS, PPU

from .factories import ContractFactory, FacilitatorFactory
from .test_coverage import WIB, fresh_cache, report, visit, world  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("world")]

URL = "/pendamping/cakupan/"
API = "/api/v1/facilitators/coverage"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def login(client):
    def log_in(actor_or_user):
        user = actor_or_user
        if not hasattr(user, "pk"):
            user = get_user_model().objects.get(pk=actor_or_user.user_id)
        client.force_login(user)
        return client

    return log_in


def cells(html: str, code: str) -> str:
    """The table row of a region (its HTML), for assertions on its cells."""
    start = html.index(f'<tr data-code="{code}"')
    return html[start : html.index("</tr>", start)]


def test_the_ministry_drills_from_the_country_to_a_regency(login, ministry_admin):
    client = login(ministry_admin)

    national = client.get(URL).content.decode()
    province = client.get(URL, {"wilayah": KALTIM}).content.decode()
    regency = client.get(URL, {"wilayah": PPU, "bulan": "2026-11"}).content.decode()

    assert 'href="/pendamping/cakupan/?wilayah=64"' in national
    kaltim = cells(national, KALTIM)
    assert '<td class="num" data-col="facilitators">2</td>' in kaltim
    assert '<td class="num" data-col="centres_uncovered">2</td>' in kaltim
    assert '<td class="num" data-col="centre_share">50,0%</td>' in kaltim
    assert '<td class="num" data-col="reports_late">1</td>' in kaltim
    assert 'data-coverage-url="/pendamping/cakupan/peta.geojson"' in national
    assert 'href="/pendamping/cakupan/?wilayah=64.09"' in province
    assert '<td class="num" data-col="centres_uncovered">1</td>' in cells(province, "64.08")
    assert "Pendamping dan binaannya" in regency and "data-coverage-url" not in regency
    assert "Nur Aisyah" in regency and "Andi Saputra" in regency and "Budi Santoso" in regency
    assert 'data-timeliness="late"' in regency
    assert '<td data-col="contract_end" class="coverage-warn">31 Des 2026</td>' in regency


def test_a_regency_officer_lands_on_its_regency_and_nowhere_else(login, ppu_officer):
    client = login(ppu_officer)

    page = client.get(URL)

    assert page.status_code == 200 and page.context["region"].code == PPU
    assert "Siti Rohmah" not in page.content.decode()
    for query in ({"wilayah": KUDUS}, {"wilayah": KALTIM}, {"wilayah": "64.09.01"}, {"wilayah": "x"}):
        assert client.get(URL, query).status_code == 404
    assert client.get(URL, {"bulan": "2026-13"}).status_code == 404
    assert client.get(URL + "peta.geojson").status_code == 404  # a regency has no map of regions
    assert client.get(API, {"region": KUDUS}).status_code == 404


def test_a_facilitator_is_refused_and_not_offered_the_page(login, tpl):
    client = login(tpl)

    assert client.get(URL).status_code == 403
    assert client.get(API).status_code == 403
    assert URL not in client.get("/").content.decode()


@pytest.mark.parametrize(
    "role",
    [Role.MINISTRY_ADMIN, Role.MINISTRY_ANALYST, Role.PROVINCE_OFFICER, Role.REGENCY_OFFICER, Role.VIEWER],
)
def test_managers_and_readers_find_it_in_the_menu(login, role, kaltim_agency, ppu_dinas):
    agency = {Role.PROVINCE_OFFICER: kaltim_agency, Role.REGENCY_OFFICER: ppu_dinas}.get(role)
    user = persona(role, agency=agency, region=None if agency else ("64" if role == Role.VIEWER else None))
    client = login(user)

    home = client.get("/").content.decode()

    assert f'href="{URL}"' in home
    assert client.get(URL).status_code == 200


def test_the_map_shades_by_share_of_centres_covered_and_links_down(login, ministry_admin):
    client = login(ministry_admin)

    national = client.get(URL + "peta.geojson").json()
    province = client.get(URL + "peta.geojson", {"wilayah": KALTIM, "bulan": "2026-10"}).json()

    kaltim = next(f["properties"] for f in national["features"] if f["properties"]["code"] == KALTIM)
    assert (kaltim["share"], kaltim["facilitators"], kaltim["uncovered"]) == (50.0, 2, 2)
    assert kaltim["url"] == "/pendamping/cakupan/?wilayah=64"
    ppu = next(f["properties"] for f in province["features"] if f["properties"]["code"] == PPU)
    assert ppu["share"] == 66.7 and ppu["url"] == "/pendamping/cakupan/?wilayah=64.09&bulan=2026-10"
    assert all(f["properties"]["code"].startswith("64.") for f in province["features"])


def test_the_table_exports_as_csv_and_xlsx(login, kaltim_officer):
    client = login(kaltim_officer)

    response = client.get(URL + "ekspor/")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    xlsx = client.get(URL + "ekspor/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active

    assert rows[0][:4] == ["Kode wilayah", "Wilayah", "Pendamping aktif", "Sentra"]
    ppu = next(row for row in rows if row[0] == PPU)
    assert ppu[2:7] == ["2", "3", "2", "1", "66.7"]
    assert rows[-1][1] == "Jumlah" and rows[-1][2] == "2"
    assert 'filename="sentra-cakupan-pendamping-2026-11-64.csv"' in response["Content-Disposition"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Kode wilayah" and any(row[0] == PPU and row[2] == 2 for row in values)


def test_the_api_gives_the_same_rows(login, ministry_admin, kaltim_officer):
    client = login(ministry_admin)

    national = client.get(API).json()
    october = client.get(API, {"month": "2026-10"}).json()
    regency = client.get(API, {"region": PPU}).json()

    assert (national["level"], national["region"], national["month"]) == ("province", "", "2026-11")
    assert national["months"][0] == "2026-06" and national["report_month"] == "2026-10"
    kaltim = next(row for row in national["rows"] if row["code"] == KALTIM)
    assert (kaltim["facilitators"], kaltim["centres_covered"], kaltim["centre_share"]) == (2, 2, 50.0)
    assert kaltim["visits_by_month"] == [1, 0, 0, 0, 1, 3] and kaltim["visits_per_facilitator"] == 0.4
    assert (kaltim["reports_on_time"], kaltim["reports_late"], kaltim["reports_missing"]) == (1, 1, 0)
    assert national["total"]["facilitators"] == 3 and national["facilitators"] == []
    assert next(r for r in october["rows"] if r["code"] == KALTIM)["visits_month"] == 1
    assert regency["level"] == "facilitator" and [r["code"] for r in regency["rows"]] == [PPU]
    aisyah = next(f for f in regency["facilitators"] if f["name"] == "Nur Aisyah")
    assert (aisyah["centres"], aisyah["enterprises"], aisyah["visits_month"]) == (1, 2, 2)
    assert (aisyah["contract_end"], aisyah["contract_ending"]) == ("2026-12-31", True)
    assert aisyah["report_timeliness"] == "on_time"

    province = login(kaltim_officer)
    assert province.get(API).json()["region"] == KALTIM
    assert province.get(API, {"region": KUDUS}).status_code == 404
    assert province.get(API, {"month": "2026-13"}).status_code == 422


def test_the_api_asks_for_credentials(client):
    assert client.get(API).status_code == 401


def test_the_page_costs_the_same_queries_with_more_data(
    login, ministry_admin, kudus_agency, django_assert_max_num_queries
):
    client = login(ministry_admin)
    client.get(URL)  # warms the session and the cached totals
    with django_assert_max_num_queries(20) as before:
        client.get(URL)
    queries = len(before)
    for i in range(6):
        f = FacilitatorFactory(name=f"Tambahan {i}", agency=kudus_agency, home_region_id=KUDUS)
        visit(f, dt.datetime(2026, 11, 4, 9, 0, tzinfo=WIB))
        ContractFactory(facilitator=f)
        report(f, dt.datetime(2026, 11, 2, 9, 0, tzinfo=WIB))
    cache.clear()
    client.get(URL)
    with django_assert_max_num_queries(queries):
        client.get(URL)


def test_the_page_says_which_month_it_shows_and_offers_the_month_before(login, ppu_officer, time_machine):
    """The current month by default, even on its sixth day (what officials expect), said plainly with
    how far it runs, and the last complete month one click away; no link to a month still to come."""
    time_machine.move_to(dt.datetime(2026, 12, 6, 9, 0, tzinfo=WIB), tick=True)
    client = login(ppu_officer)

    page = client.get(URL).content.decode()
    earlier = client.get(URL, {"wilayah": PPU, "bulan": "2026-11"}).content.decode()

    assert "Ditampilkan: Desember 2026" in page and "bulan berjalan, baru 6 hari (sampai 6 Desember)" in page
    assert 'href="/pendamping/cakupan/?wilayah=64.09&amp;bulan=2026-11" rel="prev"' in page
    assert 'rel="next"' not in page  # January 2027 has not begun
    assert "Ditampilkan: November 2026" in earlier and "bulan berjalan" not in earlier
    assert 'href="/pendamping/cakupan/?wilayah=64.09&amp;bulan=2026-10" rel="prev"' in earlier
    assert 'href="/pendamping/cakupan/?wilayah=64.09&amp;bulan=2026-12" rel="next"' in earlier
    # The tables' visit columns name the month they count, never "this month" for a past one.
    assert ">Kunjungan Nov 2026</th>" in earlier and "Kunjungan bulan ini" not in earlier
    assert ">Kunjungan Des 2026</th>" in page
