import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.conftest import KUDUS, PPU, SALOLOANG
from sentra.registry.models import Centre, CentreMembership, Enterprise, Product
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

KUDUS_VILLAGE = "33.19.01.2001"


def _streamed(response) -> bytes:
    return b"".join(response.streaming_content)


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "web:dashboard",
        "web:enterprise_list",
        "web:centre_list",
        "web:product_list",
        "web:enterprise_create",
        "web:enterprise_export",
        "web:map_provinces",
        "web:region_selects",
    ],
)
def test_pages_require_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_login_and_logout(client, user):
    page = client.get(reverse("web:login"))
    assert page.status_code == 200 and "Masuk ke Sentra" in page.content.decode()
    bad = client.post(reverse("web:login"), {"username": "petugas", "password": "salah"})
    assert bad.status_code == 200 and "alert-error" in bad.content.decode()
    ok = client.post(reverse("web:login"), {"username": "petugas", "password": "rahasia-sekali-123"})
    assert ok.status_code == 302 and ok["Location"] == reverse("web:dashboard")
    out = client.post(reverse("web:logout"))
    assert out.status_code == 302
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_base_layout(auth_client):
    html = auth_client.get(reverse("web:dashboard")).content.decode()
    for text in ("Sentra", "Dasbor", "Sentra IKM", "Produk", 'action="/i18n/setlang/"', "petugas", "Keluar"):
        assert text in html
    assert "<script>" not in html  # no inline scripts
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_english_switch(auth_client):
    response = auth_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = auth_client.get(reverse("web:dashboard")).content.decode()
    assert "Dashboard" in html and 'lang="en"' in html


# --- dashboard and maps ---------------------------------------------------------------------------


def test_dashboard_counts(auth_client, django_assert_max_num_queries):
    EnterpriseFactory.create_batch(2, workers=7)
    CentreFactory()
    # 12, and the menu's count on "Verifikasi" for a checker: one LIMITed count per queue type (5).
    with django_assert_max_num_queries(17):
        response = auth_client.get(reverse("web:dashboard"))
    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals.enterprises, totals.centres, totals.workers) == (2, 1, 14)
    assert len(totals.by_region) == 38
    html = response.content.decode()
    assert 'id="map"' in html and "leaflet/leaflet.js" in html


def test_province_geojson(auth_client):
    CentreFactory.create_batch(3)
    response = auth_client.get(reverse("web:map_provinces"))
    assert response.status_code == 200
    assert "max-age=300" in response["Cache-Control"]
    data = response.json()
    assert len(data["features"]) == 38
    kaltim = next(f for f in data["features"] if f["properties"]["code"] == "64")
    assert kaltim["properties"]["centres"] == 3


def test_regency_geojson(auth_client):
    CentreFactory()
    data = auth_client.get(reverse("web:map_regencies", args=["64"])).json()
    codes = {f["properties"]["code"] for f in data["features"]}
    assert PPU in codes and all(c.startswith("64.") for c in codes)
    ppu = next(f for f in data["features"] if f["properties"]["code"] == PPU)
    assert ppu["properties"]["centres"] == 1
    assert auth_client.get(reverse("web:map_regencies", args=["99"])).status_code == 404
    assert auth_client.get(reverse("web:map_regencies", args=["64.09"])).status_code == 404


# --- lists ----------------------------------------------------------------------------------------


@pytest.fixture
def enterprises(db):
    a = EnterpriseFactory(name="Amplang Bu Siti", workers=3, kbli_id="10794")
    b = EnterpriseFactory(
        name="Batik Kudus", village_id=KUDUS_VILLAGE, workers=30, kbli_id="13134", investment=2_000_000_000
    )
    c = EnterpriseFactory(name="Cemilan Kepiting", workers=12, status="inactive", kbli_id="10794")
    return a, b, c


def _names(response) -> list[str]:
    return [e.name for e in response.context["page"].object_list]


def test_enterprise_list_search_and_filters(auth_client, enterprises):
    url = reverse("web:enterprise_list")
    assert _names(auth_client.get(url)) == ["Amplang Bu Siti", "Batik Kudus", "Cemilan Kepiting"]
    assert _names(auth_client.get(url, {"q": "batik"})) == ["Batik Kudus"]
    assert _names(auth_client.get(url, {"prov": "33"})) == ["Batik Kudus"]
    assert _names(auth_client.get(url, {"prov": "64", "kab": PPU})) == ["Amplang Bu Siti", "Cemilan Kepiting"]
    # A regency left over from another province is ignored.
    assert _names(auth_client.get(url, {"prov": "33", "kab": PPU})) == ["Batik Kudus"]
    assert _names(auth_client.get(url, {"region": KUDUS})) == ["Batik Kudus"]
    assert _names(auth_client.get(url, {"region": SALOLOANG, "status": "inactive"})) == ["Cemilan Kepiting"]
    assert _names(auth_client.get(url, {"kbli": "13"})) == ["Batik Kudus"]
    assert _names(auth_client.get(url, {"size_class": "medium"})) == ["Batik Kudus"]


def test_enterprise_list_sorting(auth_client, enterprises):
    url = reverse("web:enterprise_list")
    assert _names(auth_client.get(url, {"sort": "-workers"})) == [
        "Batik Kudus",
        "Cemilan Kepiting",
        "Amplang Bu Siti",
    ]
    assert _names(auth_client.get(url, {"sort": "-name"})) == [
        "Cemilan Kepiting",
        "Batik Kudus",
        "Amplang Bu Siti",
    ]
    html = auth_client.get(url, {"sort": "workers", "q": "a"}).content.decode()
    assert "sort=-workers" in html  # clicking the active column reverses it
    assert 'aria-sort="ascending"' in html


def test_enterprise_list_pagination_and_cap(auth_client, monkeypatch):
    EnterpriseFactory.create_batch(30)
    url = reverse("web:enterprise_list")
    first = auth_client.get(url)
    assert len(first.context["page"].object_list) == 25
    assert "30 data ditemukan" in first.content.decode()
    second = auth_client.get(url, {"page": 2})
    assert len(second.context["page"].object_list) == 5
    monkeypatch.setattr("sentra.web.views.registry.COUNT_CAP", 20)
    capped = auth_client.get(url).content.decode()
    assert "Lebih dari 20 data ditemukan" in capped


def test_a_text_search_counts_to_the_search_cap_only(auth_client, monkeypatch):
    # A common word in a province of millions: the count stops at the (lower) search cap, while the
    # same list without a search still counts to the list's cap.
    EnterpriseFactory.create_batch(6, name="Tahu Sumedang")
    monkeypatch.setattr("sentra.web.generic.SEARCH_COUNT_CAP", 4)
    url = reverse("web:enterprise_list")
    searched = auth_client.get(url, {"q": "tahu"}).content.decode()
    assert "Lebih dari 4 data ditemukan" in searched
    assert "6 data ditemukan" in auth_client.get(url).content.decode()


def test_htmx_search_returns_rows_partial(auth_client, enterprises):
    response = auth_client.get(
        reverse("web:enterprise_list"), {"q": "amplang"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="rows"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="rows"')
    assert "Amplang Bu Siti" in html and "Batik Kudus" not in html and "<html" not in html


def test_region_selects_cascade(auth_client):
    html = auth_client.get(reverse("web:region_selects"), {"prov": "64", "kab": PPU}).content.decode()
    assert 'name="kec"' in html and "Penajam" in html and 'value="64.09.01"' in html
    # Changing the province drops the stale regency.
    html = auth_client.get(reverse("web:region_selects"), {"prov": "33", "kab": PPU}).content.decode()
    assert 'value="33.19"' in html and 'name="kec"' not in html


def test_centre_and_product_lists(auth_client, ministry_agency):
    centre = CentreFactory(name="Sentra Amplang Penajam", commodity="Amplang")
    CentreFactory(name="Sentra Tenun", commodity="Tenun", village_id=KUDUS_VILLAGE)
    enterprise = EnterpriseFactory()
    Product.objects.create(
        name="Amplang Kepiting",
        enterprise=enterprise,
        village_id=SALOLOANG,
        province_code="64",
        regency_code=PPU,
        agency=enterprise.agency,
        market_reach="export",
    )
    assert _names(auth_client.get(reverse("web:centre_list"), {"q": "amplang"})) == [centre.name]
    assert _names(auth_client.get(reverse("web:centre_list"), {"prov": "33"})) == ["Sentra Tenun"]
    assert _names(auth_client.get(reverse("web:product_list"), {"market_reach": "export"})) == [
        "Amplang Kepiting"
    ]
    assert _names(auth_client.get(reverse("web:product_list"), {"market_reach": "local"})) == []


# --- exports --------------------------------------------------------------------------------------


def test_csv_export_uses_filters_and_neutralises_formulas(auth_client, enterprises):
    EnterpriseFactory(name='=HYPERLINK("http://evil")', owner_name="@jahat")
    response = auth_client.get(reverse("web:enterprise_export"), {"region": PPU})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(_streamed(response).decode("utf-8").lstrip("\ufeff"))))
    assert rows[0][:3] == ["ID", "Nama usaha", "Nama pemilik"]
    names = [r[1] for r in rows[1:]]
    assert "Batik Kudus" not in names
    assert '\'=HYPERLINK("http://evil")' in names
    assert any(r[2] == "'@jahat" for r in rows[1:])


def test_xlsx_export(auth_client, enterprises):
    response = auth_client.get(reverse("web:enterprise_export"), {"q": "batik", "format": "xlsx"})
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(_streamed(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "Batik Kudus" and rows[1][10] == 30


def test_centre_export(auth_client):
    CentreFactory(name="-Sentra minus")
    rows = list(
        csv.reader(
            io.StringIO(_streamed(auth_client.get(reverse("web:centre_export"))).decode().lstrip("\ufeff"))
        )
    )
    assert rows[1][1] == "'-Sentra minus"


# --- details --------------------------------------------------------------------------------------


def test_enterprise_detail(auth_client):
    enterprise = EnterpriseFactory(name="Amplang Bu Siti", latitude="-1.25", longitude="116.8")
    enterprise.certifications.create(kind="halal", number="ID123")
    html = auth_client.get(reverse("web:enterprise_detail", args=[enterprise.pk])).content.decode()
    assert "Amplang Bu Siti" in html and "ID123" in html and "Penajam Paser Utara" in html
    assert "data-marker-lat" in html


def test_centre_detail_warns_under_five_members(auth_client):
    centre = CentreFactory()  # KBLI 10421, coconut: its members make coconut products too
    for e in EnterpriseFactory.create_batch(2, kbli_id="10421"):
        CentreMembership.objects.create(centre=centre, enterprise=e)
    html = auth_client.get(reverse("web:centre_detail", args=[centre.pk])).content.decode()
    assert "alert-warning" in html and "baru memiliki 2 anggota" in html
    for e in EnterpriseFactory.create_batch(3, kbli_id="10421"):
        CentreMembership.objects.create(centre=centre, enterprise=e)
    html = auth_client.get(reverse("web:centre_detail", args=[centre.pk])).content.decode()
    assert "alert-warning" not in html


def test_missing_record_is_designed_404(auth_client):
    response = auth_client.get(reverse("web:enterprise_detail", args=[999999]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Halaman tidak ditemukan" in html and "sentra.css" in html


def test_unknown_url_404(auth_client):
    response = auth_client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404 and "Halaman tidak ditemukan" in response.content.decode()


def test_500_page_renders_without_context(rf):
    from sentra.web.views.errors import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500 and "Terjadi kesalahan" in response.content.decode()


def test_403_page(rf, user):
    from sentra.web.views.errors import forbidden

    request = rf.get("/")
    request.user = user
    response = forbidden(request)
    assert response.status_code == 403 and "Akses ditolak" in response.content.decode()


# --- forms ----------------------------------------------------------------------------------------


def _enterprise_post(agency, **overrides):
    data = {
        "name": "UD Amplang Baru",
        "owner_name": "Siti",
        "nib": "",
        "village_code": SALOLOANG,
        "kbli_code": "10794",
        "workers": "5",
        "investment": "20000000",
        "status": "active",
        "agency": agency.pk,
    }
    data.update(overrides)
    return data


def test_enterprise_create(auth_client, regency_agency):
    response = auth_client.post(reverse("web:enterprise_create"), _enterprise_post(regency_agency))
    enterprise = Enterprise.objects.get(name="UD Amplang Baru")
    assert response.status_code == 302 and response["Location"] == reverse(
        "web:enterprise_detail", args=[enterprise.pk]
    )
    assert enterprise.regency_code == PPU and enterprise.size_class == "small"


def test_enterprise_create_shows_domain_errors_next_to_fields(auth_client, regency_agency):
    response = auth_client.post(
        reverse("web:enterprise_create"), _enterprise_post(regency_agency, village_code="99.99.99.9999")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["village_code"] == ["Kode desa/kelurahan 99.99.99.9999 tidak dikenal."]
    html = response.content.decode()
    assert "field-error" in html and "tidak dikenal" in html
    response = auth_client.post(
        reverse("web:enterprise_create"), _enterprise_post(regency_agency, kbli_code="99999")
    )
    assert "kbli_code" in response.context["form"].errors
    response = auth_client.post(reverse("web:enterprise_create"), _enterprise_post(regency_agency, nib="12"))
    assert "nib" in response.context["form"].errors
    response = auth_client.post(reverse("web:enterprise_create"), _enterprise_post(regency_agency, name=""))
    assert response.context["form"].errors["name"] == ["Bidang ini tidak boleh kosong."]
    assert not Enterprise.objects.exists()


def test_enterprise_edit(auth_client, regency_agency):
    enterprise = EnterpriseFactory(agency=regency_agency)
    page = auth_client.get(reverse("web:enterprise_edit", args=[enterprise.pk]))
    assert page.context["form"].initial["village_code"] == SALOLOANG
    response = auth_client.post(
        reverse("web:enterprise_edit", args=[enterprise.pk]),
        _enterprise_post(regency_agency, name="Nama Baru", village_code=KUDUS_VILLAGE, workers="25"),
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.name == "Nama Baru" and enterprise.regency_code == KUDUS
    assert enterprise.size_class == "medium"


def test_centre_create_and_edit(auth_client, regency_agency):
    members = EnterpriseFactory.create_batch(2)
    data = {
        "name": "Sentra Amplang",
        "commodity": "Amplang",
        "kbli_code": "10794",
        "village_codes": f"{SALOLOANG}, 64.09.01.1001",
        "member_ids": ", ".join(str(m.pk) for m in members),
        "status": "proposed",
        "agency": regency_agency.pk,
    }
    response = auth_client.post(reverse("web:centre_create"), data)
    centre = Centre.objects.get(name="Sentra Amplang")
    assert response.status_code == 302
    assert centre.memberships.count() == 2 and centre.village_links.count() == 2
    detail = auth_client.get(response["Location"]).content.decode()
    assert "alert-warning" in detail

    bad = auth_client.post(
        reverse("web:centre_edit", args=[centre.pk]), {**data, "village_codes": "64.09.01.9999"}
    )
    assert "village_codes" in bad.context["form"].errors
    bad = auth_client.post(reverse("web:centre_edit", args=[centre.pk]), {**data, "member_ids": "999999"})
    assert "member_ids" in bad.context["form"].errors or bad.context["form"].non_field_errors()


def test_product_create_requires_maker(auth_client, regency_agency):
    data = {
        "name": "Amplang 250 g",
        "market_reach": "local",
        "agency": regency_agency.pk,
        "price_min": "20000",
        "price_max": "10000",
    }
    response = auth_client.post(reverse("web:product_create"), data)
    assert response.status_code == 200
    assert "Pilih IKM atau sentra pembuat produk." in response.content.decode()
    enterprise = EnterpriseFactory()
    response = auth_client.post(reverse("web:product_create"), {**data, "enterprise_id": enterprise.pk})
    assert response.status_code == 200  # price range broken
    assert "Harga terendah tidak boleh melebihi harga tertinggi." in response.content.decode()
    response = auth_client.post(
        reverse("web:product_create"), {**data, "enterprise_id": enterprise.pk, "price_max": "30000"}
    )
    assert response.status_code == 302
    product = Product.objects.get()
    assert product.enterprise == enterprise and product.regency_code == PPU
    html = auth_client.get(reverse("web:product_detail", args=[product.pk])).content.decode()
    assert "Amplang 250 g" in html


def test_a_regency_officers_dashboard_names_their_region_and_counts_only_it(client, regency_agency):
    EnterpriseFactory(workers=7)
    EnterpriseFactory(village_id="33.19.01.2001", workers=50)
    client.force_login(persona(Role.REGENCY_OFFICER, agency=regency_agency))
    response = client.get(reverse("web:dashboard"))
    assert "Dasbor Kabupaten Penajam Paser Utara" in response.content.decode()
    assert response.context["totals"].workers == 7
    # Its districts, not its province (issue 14.2: the regency's figures never under Kaltim's name).
    codes = [row["region"].code for row in response.context["rows"]]
    assert codes and all(code.startswith("64.09.") for code in codes)
