"""A product's maker — an enterprise, a centre or both — is picked by name, not by database ID:
suggestions while typing (/cari/ikm/ and /cari/sentra/, inside the reader's region) and, without
JavaScript, an NIB or a name (enterprise) or a name (centre) typed into the field."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.registry import services
from sentra.registry.models import Product
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

KUDUS_VILLAGE = "33.19.01.2001"


def offered(response) -> list[str]:
    """The names offered, in order."""
    names = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "button" and "data-name" in attrs:
                names.append(attrs["data-name"])

    Parser().feed(response.content.decode())
    return names


def centres_for(client, text):
    return client.get(reverse("web:lookup_centres"), {"field": "centre_id", "centre_id": text})


def enterprises_for(client, text):
    return client.get(reverse("web:lookup_enterprises"), {"field": "enterprise_id", "enterprise_id": text})


def product_post(agency, enterprise="", centre="", **overrides):
    data = {
        "name": "Amplang 250 g",
        "enterprise_id": enterprise,
        "centre_id": centre,
        "market_reach": "local",
        "agency": agency.pk,
    }
    return {**data, **overrides}


def field_errors(response, name) -> str:
    return " ".join(response.context["form"].errors.get(name, []))


@pytest.fixture
def regency_client(client, regency_agency):
    client.force_login(persona(Role.REGENCY_OFFICER, agency=regency_agency))
    return client


# --- suggestions ----------------------------------------------------------------------------------


def test_a_centre_is_suggested_by_part_of_its_name_with_commodity_and_village(auth_client):
    amplang = CentreFactory(name="Sentra Amplang Salo Loang", commodity="Amplang ikan")
    CentreFactory(name="Sentra Anyaman Penajam", commodity="Anyaman rotan")
    response = centres_for(auth_client, "amplang salo")
    assert offered(response) == ["Sentra Amplang Salo Loang"]
    page = response.content.decode()
    assert 'data-meta="Amplang ikan · Salo Loang, Penajam"' in page
    assert f'data-value="#{amplang.pk} — Sentra Amplang Salo Loang"' in page


def test_centre_suggestions_are_capped_at_ten_and_need_three_letters_and_a_login(auth_client, client):
    for n in range(12):
        CentreFactory(name=f"Sentra Tenun {n:02}")
    assert len(offered(centres_for(auth_client, "tenun"))) == 10
    assert offered(centres_for(auth_client, "te")) == []
    assert "Tidak ada sentra yang cocok" not in centres_for(auth_client, "te").content.decode()
    assert "Tidak ada sentra yang cocok" in centres_for(auth_client, "batik").content.decode()
    client.logout()
    assert centres_for(client, "tenun").status_code == 302


def test_a_regency_officer_is_not_offered_another_regencys_centres_or_enterprises(regency_client):
    CentreFactory(name="Sentra Jenang Penajam")
    CentreFactory(name="Sentra Jenang Kudus", village_id=KUDUS_VILLAGE)
    EnterpriseFactory(name="UD Jenang Penajam")
    EnterpriseFactory(name="UD Jenang Kudus", village_id=KUDUS_VILLAGE, nib="9120000099002")
    assert offered(centres_for(regency_client, "jenang")) == ["Sentra Jenang Penajam"]
    assert offered(enterprises_for(regency_client, "jenang")) == ["UD Jenang Penajam"]
    assert offered(enterprises_for(regency_client, "9120000099002")) == []
    assert (
        "Tidak ada sentra yang cocok di wilayah Anda" in centres_for(regency_client, "Kudus").content.decode()
    )


def test_the_maker_fields_ask_for_suggestions_without_inline_script(auth_client):
    page = auth_client.get(reverse("web:product_create")).content.decode()
    assert f'hx-get="{reverse("web:lookup_enterprises")}?field=enterprise_id"' in page
    assert f'hx-get="{reverse("web:lookup_centres")}?field=centre_id"' in page
    assert "IKM pembuat" in page and "ID IKM pembuat" not in page
    assert "<script>" not in page and " onclick=" not in page


# --- without JavaScript: NIB, name, the suggestion's line, the old ID ----------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "9120000099001",
        "UD Amplang Salo Loang",
        "ud amplang salo loang",
        "9120000099001 — UD Amplang Salo Loang",
    ],
)
def test_the_maker_enterprise_is_taken_by_nib_name_or_the_suggestions_line(
    auth_client, regency_agency, typed
):
    amplang = EnterpriseFactory(name="UD Amplang Salo Loang", nib="9120000099001")
    EnterpriseFactory(name="UD Amplang Salo Loang Baru")  # the exact name wins over a longer one
    response = auth_client.post(reverse("web:product_create"), product_post(regency_agency, enterprise=typed))
    assert response.status_code == 302
    product = Product.objects.get()
    assert product.enterprise == amplang and product.centre is None


def test_the_maker_centre_is_taken_by_name_or_the_suggestions_line_and_old_ids_still_work(
    auth_client, regency_agency
):
    tenun = CentreFactory(name="Sentra Tenun Ikat")
    CentreFactory(name="Sentra Tenun Ikat Baru")
    for typed in ("sentra tenun ikat", f"#{tenun.pk} — Sentra Tenun Ikat", str(tenun.pk)):
        response = auth_client.post(reverse("web:product_create"), product_post(regency_agency, centre=typed))
        assert response.status_code == 302, typed
    assert [p.centre for p in Product.objects.all()] == [tenun] * 3


def test_an_enterprise_and_a_centre_may_both_be_the_maker(auth_client, regency_agency):
    amplang = EnterpriseFactory(name="UD Amplang", nib="9120000099001")
    centre = CentreFactory(name="Sentra Amplang Penajam")
    old_id = str(amplang.pk)
    response = auth_client.post(
        reverse("web:product_create"),
        product_post(regency_agency, enterprise=old_id, centre="Amplang Penajam"),
    )
    assert response.status_code == 302
    product = Product.objects.get()
    assert (product.enterprise, product.centre) == (amplang, centre)


def test_a_name_of_several_enterprises_is_an_error_listing_them(auth_client, regency_agency):
    EnterpriseFactory(name="UD Amplang", nib="9120000099001")
    EnterpriseFactory(name="UD Amplang", nib="9120000099002", village_id="64.09.01.1001")
    response = auth_client.post(
        reverse("web:product_create"), product_post(regency_agency, enterprise="UD Amplang")
    )
    assert response.status_code == 200
    error = field_errors(response, "enterprise_id")
    assert "“UD Amplang” cocok dengan beberapa IKM" in error
    assert "UD Amplang (9120000099001 · Salo Loang, Penajam)" in error
    assert "UD Amplang (9120000099002 · " in error
    assert not Product.objects.exists()


def test_a_name_of_several_centres_is_an_error_listing_them_with_commodity_and_village(
    auth_client, regency_agency
):
    CentreFactory(name="Sentra Tenun Satu", commodity="Tenun ikat")
    CentreFactory(name="Sentra Tenun Dua", commodity="Tenun songket", village_id="64.09.01.1001")
    response = auth_client.post(reverse("web:product_create"), product_post(regency_agency, centre="tenun"))
    error = field_errors(response, "centre_id")
    assert "“tenun” cocok dengan beberapa sentra" in error
    assert "Sentra Tenun Dua (Tenun songket · " in error
    assert "Sentra Tenun Satu (Tenun ikat · Salo Loang, Penajam)" in error
    assert not Product.objects.exists()


def test_an_unknown_maker_is_a_field_error_and_no_maker_at_all_is_said_at_the_field(
    auth_client, regency_agency
):
    response = auth_client.post(
        reverse("web:product_create"),
        product_post(regency_agency, enterprise="UD Tidak Ada", centre="Sentra Hantu"),
    )
    assert "IKM “UD Tidak Ada” tidak ditemukan di wilayah Anda" in field_errors(response, "enterprise_id")
    assert "Sentra “Sentra Hantu” tidak ditemukan di wilayah Anda" in field_errors(response, "centre_id")
    response = auth_client.post(reverse("web:product_create"), product_post(regency_agency))
    assert "Pilih IKM atau sentra pembuat produk." in field_errors(response, "enterprise_id")
    assert not Product.objects.exists()


def test_another_regencys_maker_is_not_found_by_nib_name_or_id(regency_client, regency_agency):
    kudus = EnterpriseFactory(name="UD Jenang Kudus", village_id=KUDUS_VILLAGE, nib="9120000099002")
    centre = CentreFactory(name="Sentra Jenang Kudus", village_id=KUDUS_VILLAGE)
    for enterprise in ("9120000099002", "UD Jenang Kudus", str(kudus.pk)):
        response = regency_client.post(
            reverse("web:product_create"), product_post(regency_agency, enterprise=enterprise)
        )
        assert "tidak ditemukan di wilayah Anda" in field_errors(response, "enterprise_id"), enterprise
    for typed in ("Sentra Jenang Kudus", f"#{centre.pk} — Sentra Jenang Kudus"):
        response = regency_client.post(
            reverse("web:product_create"), product_post(regency_agency, centre=typed)
        )
        assert "tidak ditemukan di wilayah Anda" in field_errors(response, "centre_id"), typed
    assert not Product.objects.exists()


# --- editing --------------------------------------------------------------------------------------


def test_editing_shows_the_current_makers_by_name_and_saves_a_new_one(auth_client, actor, regency_agency):
    amplang = EnterpriseFactory(name="UD Amplang Salo Loang", nib="9120000099001")
    kerupuk = EnterpriseFactory(name="CV Kerupuk Penajam", nib="9120000099003")
    centre = CentreFactory(name="Sentra Amplang Penajam")
    product = services.product_create(
        actor=actor,
        agency=regency_agency,
        enterprise=amplang,
        centre=centre,
        name="Amplang 250 g",
        market_reach="local",
    )
    url = reverse("web:product_edit", args=[product.pk])
    page = auth_client.get(url).content.decode()
    assert 'value="9120000099001 — UD Amplang Salo Loang"' in page
    assert f'value="#{centre.pk} — Sentra Amplang Penajam"' in page

    data = product_post(
        regency_agency, enterprise="cv kerupuk penajam", centre=f"#{centre.pk} — Sentra Amplang Penajam"
    )
    response = auth_client.post(url, data)
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.enterprise, product.centre) == (kerupuk, centre)


def test_editing_keeps_a_maker_outside_the_readers_region_as_its_id(regency_client, actor, regency_agency):
    """So that saving reports it instead of quietly dropping it."""
    amplang = EnterpriseFactory(name="UD Amplang Salo Loang", nib="9120000099001")
    kudus = CentreFactory(name="Sentra Jenang Kudus", village_id=KUDUS_VILLAGE)
    product = services.product_create(
        actor=actor,
        agency=regency_agency,
        enterprise=amplang,
        centre=kudus,
        name="Jenang",
        market_reach="local",
    )
    url = reverse("web:product_edit", args=[product.pk])
    page = regency_client.get(url).content.decode()
    assert 'value="9120000099001 — UD Amplang Salo Loang"' in page
    assert f'value="#{kudus.pk}"' in page and "Sentra Jenang Kudus" not in page
    response = regency_client.post(
        url, product_post(regency_agency, enterprise="9120000099001", centre=f"#{kudus.pk}", name="Jenang")
    )
    assert "tidak ditemukan di wilayah Anda" in field_errors(response, "centre_id")
