"""Village and KBLI fields take names, not only codes: suggestions while typing, and the gazetteer
when the form is sent without JavaScript."""

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.conftest import SALOLOANG
from sentra.registry.models import Centre, Enterprise
from sentra.web.forms import split_villages

pytestmark = pytest.mark.django_db

PENAJAM_KELURAHAN = "64.09.01.1011"


def options(response) -> list[str]:
    from html.parser import HTMLParser

    values = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "button" and "data-value" in attrs:
                values.append(attrs["data-value"])

    Parser().feed(response.content.decode())
    return values


def enterprise_post(agency, **overrides):
    data = {
        "name": "UD Amplang Baru",
        "village_code": SALOLOANG,
        "kbli_code": "10794",
        "workers": "5",
        "investment": "20000000",
        "status": "active",
        "agency": agency.pk,
    }
    return {**data, **overrides}


# --- suggestions ----------------------------------------------------------------------------------


def test_typing_a_village_name_suggests_it_with_its_kecamatan_and_regency(auth_client):
    url = reverse("web:lookup_villages")
    response = auth_client.get(url, {"field": "village_code", "village_code": "Saloloang, Penajam"})
    assert response.status_code == 200
    assert options(response)[0] == SALOLOANG
    assert "Salo Loang, Penajam, Kabupaten Penajam Paser Utara, Kalimantan Timur" in response.content.decode()


def test_the_start_of_a_village_name_or_code_is_enough(auth_client):
    url = reverse("web:lookup_villages")
    assert SALOLOANG in options(auth_client.get(url, {"field": "v", "v": "Salo Lo"}))
    assert options(auth_client.get(url, {"field": "v", "v": "64.09.01.100"}))[:2] == [
        "64.09.01.1001",
        SALOLOANG,
    ]


def test_an_ambiguous_name_suggests_every_village_of_that_name(auth_client):
    found = options(auth_client.get(reverse("web:lookup_villages"), {"field": "v", "v": "Api-Api"}))
    assert {code[:5] for code in found} >= {"64.09", "64.74"}  # PPU and Bontang


def test_suggestions_stay_inside_the_users_region(client, regency_agency):
    client.force_login(persona(Role.REGENCY_OFFICER, agency=regency_agency))
    found = options(client.get(reverse("web:lookup_villages"), {"field": "v", "v": "Api-Api"}))
    assert found and all(code.startswith("64.09.") for code in found)


def test_in_a_list_of_villages_only_the_last_entry_is_looked_up(auth_client):
    url = reverse("web:lookup_villages")
    typed = "64.09.01.1001; Saloloang, Penajam"
    assert options(auth_client.get(url, {"field": "v", "v": typed, "multiple": "1"}))[0] == SALOLOANG
    typed = "64.09.01.1001, Sepaku"
    assert options(auth_client.get(url, {"field": "v", "v": typed, "multiple": "1"}))[0] == "64.09.04.1005"


def test_too_short_or_unknown_text_suggests_nothing(auth_client):
    url = reverse("web:lookup_villages")
    assert options(auth_client.get(url, {"field": "v", "v": "Sa"})) == []
    response = auth_client.get(url, {"field": "v", "v": "Zzyzx Qwerty"})
    assert options(response) == [] and "Tidak ada yang cocok" in response.content.decode()


def test_kbli_is_found_by_code_or_by_title(auth_client):
    url = reverse("web:lookup_kbli")
    assert options(auth_client.get(url, {"field": "k", "k": "1079"}))[0] == "10791"
    found = options(auth_client.get(url, {"field": "k", "k": "kerupuk"}))
    assert "10794" in found and all(len(code) == 5 for code in found)


def test_lookups_need_a_login(client):
    response = client.get(reverse("web:lookup_villages"), {"field": "v", "v": "Saloloang"})
    assert response.status_code == 302


def test_the_form_inputs_ask_for_suggestions_without_inline_script(auth_client):
    page = auth_client.get(reverse("web:enterprise_create")).content.decode()
    assert f'hx-get="{reverse("web:lookup_villages")}?field=village_code"' in page
    assert 'hx-target="#id_village_code_options"' in page
    assert f'hx-get="{reverse("web:lookup_kbli")}?field=kbli_code"' in page
    assert "web/lookup.js" in page and "onclick" not in page and "<script>" not in page


# --- names resolved when the form is sent ---------------------------------------------------------


def test_a_village_typed_by_name_is_resolved_by_the_gazetteer(auth_client, regency_agency):
    response = auth_client.post(
        reverse("web:enterprise_create"),
        enterprise_post(regency_agency, village_code="Kel. Saloloang, Kec. Penajam"),
    )
    assert response.status_code == 302
    assert Enterprise.objects.get(name="UD Amplang Baru").village_id == SALOLOANG


def test_an_ambiguous_village_name_is_an_error_listing_the_candidates(auth_client, regency_agency):
    response = auth_client.post(
        reverse("web:enterprise_create"), enterprise_post(regency_agency, village_code="Api-Api")
    )
    assert response.status_code == 200 and not Enterprise.objects.exists()
    [error] = response.context["form"].errors["village_code"]
    assert "cocok dengan beberapa desa/kelurahan" in error
    assert "Api-api, Waru, Kabupaten Penajam Paser Utara, Kalimantan Timur (64.09.02." in error
    assert "Kota Bontang" in error


def test_an_unknown_village_name_says_so(auth_client, regency_agency):
    response = auth_client.post(
        reverse("web:enterprise_create"), enterprise_post(regency_agency, village_code="Zzyzx Qwerty")
    )
    [error] = response.context["form"].errors["village_code"]
    assert "tidak ditemukan" in error


def test_codes_are_still_accepted_dotted_or_not(auth_client, regency_agency):
    response = auth_client.post(
        reverse("web:enterprise_create"), enterprise_post(regency_agency, village_code="6409011002")
    )
    assert response.status_code == 302
    assert Enterprise.objects.get().village_id == SALOLOANG


def test_a_kbli_title_that_fits_one_code_is_taken_and_several_are_listed(auth_client, regency_agency):
    url = reverse("web:enterprise_create")
    bad = auth_client.post(url, enterprise_post(regency_agency, kbli_code="industri"))
    [error] = bad.context["form"].errors["kbli_code"]
    assert "cocok dengan beberapa KBLI" in error
    ok = auth_client.post(url, enterprise_post(regency_agency, kbli_code="10794 Industri kerupuk"))
    assert ok.status_code == 302 and Enterprise.objects.get().kbli_id == "10794"


def test_a_centre_takes_villages_by_name_and_by_code(auth_client, regency_agency):
    data = {
        "name": "Sentra Amplang",
        "commodity": "Amplang",
        "kbli_code": "10794",
        "village_codes": "Saloloang, Penajam; 64.09.01.1001",
        "status": "proposed",
        "agency": regency_agency.pk,
    }
    response = auth_client.post(reverse("web:centre_create"), data)
    assert response.status_code == 302
    centre = Centre.objects.get(name="Sentra Amplang")
    assert centre.village_id == SALOLOANG
    assert sorted(link.village_id for link in centre.village_links.all()) == ["64.09.01.1001", SALOLOANG]


def test_each_village_of_a_centre_that_does_not_resolve_is_reported(auth_client, regency_agency):
    data = {
        "name": "Sentra Amplang",
        "commodity": "Amplang",
        "kbli_code": "10794",
        "village_codes": "Api-Api\nZzyzx Qwerty",
        "status": "proposed",
        "agency": regency_agency.pk,
    }
    errors = auth_client.post(reverse("web:centre_create"), data).context["form"].errors["village_codes"]
    assert len(errors) == 2 and not Centre.objects.exists()


@pytest.mark.parametrize(
    "text, villages",
    [
        ("64.09.01.1002, 64.09.01.1001", ["64.09.01.1002", "64.09.01.1001"]),
        ("Saloloang, Penajam", ["Saloloang, Penajam"]),
        ("64.09.01.1001, Saloloang, Penajam; Sepaku", ["64.09.01.1001", "Saloloang, Penajam", "Sepaku"]),
        ("6409011001\n Api-Api , Bontang \n", ["6409011001", "Api-Api, Bontang"]),
    ],
)
def test_a_list_of_villages_splits_on_semicolons_and_lines_and_between_codes(text, villages):
    assert split_villages(text) == villages
