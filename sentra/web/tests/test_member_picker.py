"""A centre's members are picked by name, NIB or owner, not by ID: suggestions while typing
(/cari/ikm/, inside the reader's region) and, without JavaScript, one NIB or name per line."""

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.registry.models import Centre, CentreMembership
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory
from sentra.web.forms import split_members

pytestmark = pytest.mark.django_db

KUDUS_VILLAGE = "33.19.01.2001"


def suggested(response) -> list[str]:
    """The names offered, in order."""
    from html.parser import HTMLParser

    names = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "button" and "data-name" in attrs:
                names.append(attrs["data-name"])

    Parser().feed(response.content.decode())
    return names


def lookup(client, text):
    return client.get(reverse("web:lookup_enterprises"), {"field": "q", "q": text})


def centre_post(agency, members: str, **overrides):
    data = {
        "name": "Sentra Amplang",
        "commodity": "Amplang",
        "kbli_code": "10794",
        "village_codes": "64.09.01.1002",
        "member_ids": members,
        "status": "proposed",
        "agency": agency.pk,
    }
    return {**data, **overrides}


def member_names(centre) -> list[str]:
    return sorted(m.enterprise.name for m in centre.memberships.select_related("enterprise"))


@pytest.fixture
def regency_client(client, regency_agency):
    client.force_login(persona(Role.REGENCY_OFFICER, agency=regency_agency))
    return client


# --- suggestions ----------------------------------------------------------------------------------


def test_an_enterprise_is_suggested_by_part_of_its_name_its_owner_or_its_nib(auth_client):
    amplang = EnterpriseFactory(
        name="UD Amplang Salo Loang", owner_name="Siti Rahmawati", nib="9120000099001"
    )
    EnterpriseFactory(name="CV Kerupuk Penajam", owner_name="Budi Santoso")
    assert suggested(lookup(auth_client, "amplang salo")) == [amplang.name]
    assert suggested(lookup(auth_client, "Rahmawati")) == [amplang.name]
    assert suggested(lookup(auth_client, "9120000099001")) == [amplang.name]
    assert suggested(lookup(auth_client, "91200000990")) == [amplang.name]  # the start of a NIB


def test_a_suggestion_shows_the_name_nib_village_and_the_line_the_field_will_hold(auth_client):
    amplang = EnterpriseFactory(name="UD Amplang Salo Loang", nib="9120000099001")
    page = lookup(auth_client, "Amplang").content.decode()
    assert 'data-meta="9120000099001 · Salo Loang, Penajam"' in page
    assert f'data-value="9120000099001 — UD Amplang Salo Loang" data-id="{amplang.pk}"' in page


def test_suggestions_are_capped_at_ten(auth_client):
    for n in range(12):
        EnterpriseFactory(name=f"Amplang {n:02}")
    assert len(suggested(lookup(auth_client, "Amplang"))) == 10


def test_a_regency_officer_is_not_offered_another_regencys_enterprises(regency_client):
    EnterpriseFactory(name="UD Amplang Penajam")
    EnterpriseFactory(name="UD Amplang Kudus", village_id=KUDUS_VILLAGE, nib="9120000099002")
    assert suggested(lookup(regency_client, "Amplang")) == ["UD Amplang Penajam"]
    assert suggested(lookup(regency_client, "9120000099002")) == []
    assert "Tidak ada IKM yang cocok" in lookup(regency_client, "Kudus").content.decode()


def test_short_text_suggests_nothing_and_the_lookup_needs_a_login(auth_client):
    EnterpriseFactory(name="UD Amplang")
    assert suggested(lookup(auth_client, "UD")) == []
    auth_client.logout()
    assert lookup(auth_client, "Amplang").status_code == 302


# --- the form -------------------------------------------------------------------------------------


def test_the_member_field_asks_for_suggestions_without_inline_script(auth_client):
    page = auth_client.get(reverse("web:centre_create")).content.decode()
    assert f'hx-get="{reverse("web:lookup_enterprises")}?field=member_ids_search"' in page
    assert 'hx-target="#id_member_ids_options"' in page
    assert '<textarea name="member_ids"' in page
    assert "web/lookup.js" in page and "onclick" not in page and "<script>" not in page


def test_editing_shows_the_current_members_with_name_nib_and_village(auth_client, regency_agency):
    centre = CentreFactory(agency=regency_agency)
    amplang = EnterpriseFactory(name="UD Amplang Salo Loang", nib="9120000099001")
    CentreMembership.objects.create(centre=centre, enterprise=amplang)
    response = auth_client.get(reverse("web:centre_edit", args=[centre.pk]))
    page = response.content.decode()
    assert (
        f'<li class="member-chip" data-id="{amplang.pk}" data-line="9120000099001 — UD Amplang Salo Loang">'
        in page
    )
    assert '<span class="member-meta">9120000099001 · Salo Loang, Penajam</span>' in page
    # Without JavaScript the field holds the same lines, not bare IDs.
    assert response.context["form"]["member_ids"].value() == "9120000099001 — UD Amplang Salo Loang"


def test_fewer_than_five_members_are_flagged_in_the_form_and_on_the_centre(auth_client, regency_agency):
    members = EnterpriseFactory.create_batch(2)
    page = auth_client.get(reverse("web:centre_create")).content.decode()
    assert '<p class="member-warning">' in page and "PP 29/2018" in page
    response = auth_client.post(
        reverse("web:centre_create"), centre_post(regency_agency, "\n".join(m.nib for m in members))
    )
    assert response.status_code == 302
    assert "PP 29/2018" in auth_client.get(response["Location"]).content.decode()


def test_five_members_lift_the_warning_in_the_form(auth_client, regency_agency):
    centre = CentreFactory(agency=regency_agency)
    for enterprise in EnterpriseFactory.create_batch(5):
        CentreMembership.objects.create(centre=centre, enterprise=enterprise)
    page = auth_client.get(reverse("web:centre_edit", args=[centre.pk])).content.decode()
    assert '<p class="member-warning" hidden>' in page


# --- without JavaScript: NIBs and names, one per line ---------------------------------------------


def test_members_are_taken_by_nib_and_by_name_one_per_line(auth_client, regency_agency):
    by_nib = EnterpriseFactory(name="UD Amplang Salo Loang", nib="9120000099001")
    EnterpriseFactory(name="CV Kerupuk Penajam")
    EnterpriseFactory(name="CV Kerupuk Penajam Baru")  # the exact name wins over a longer one
    members = "9120000099001\ncv kerupuk penajam\n"
    response = auth_client.post(reverse("web:centre_create"), centre_post(regency_agency, members))
    assert response.status_code == 302
    centre = Centre.objects.get(name="Sentra Amplang")
    assert member_names(centre) == ["CV Kerupuk Penajam", by_nib.name]


def test_the_lines_the_picker_writes_and_the_old_ids_are_taken(auth_client, regency_agency):
    one, two, three = EnterpriseFactory.create_batch(3)
    members = f"{one.nib} — {one.name}\n#{two.pk} — {two.name}\n{three.pk}"
    response = auth_client.post(reverse("web:centre_create"), centre_post(regency_agency, members))
    assert response.status_code == 302
    assert member_names(Centre.objects.get()) == sorted([one.name, two.name, three.name])


def test_a_name_of_several_enterprises_is_an_error_listing_them(auth_client, regency_agency):
    EnterpriseFactory(name="UD Amplang", nib="9120000099001")
    EnterpriseFactory(name="UD Amplang", nib="9120000099002", village_id="64.09.01.1001")
    response = auth_client.post(reverse("web:centre_create"), centre_post(regency_agency, "UD Amplang"))
    assert response.status_code == 200 and not Centre.objects.exists()
    [error] = response.context["form"].errors["member_ids"]
    assert "“UD Amplang” cocok dengan beberapa IKM" in error
    assert "UD Amplang (9120000099001 · Salo Loang, Penajam)" in error
    assert "UD Amplang (9120000099002 · " in error and "tulis NIB-nya" in error


def test_part_of_a_name_that_fits_several_is_an_error_too(auth_client, regency_agency):
    EnterpriseFactory(name="UD Amplang Satu")
    EnterpriseFactory(name="UD Amplang Dua")
    response = auth_client.post(reverse("web:centre_create"), centre_post(regency_agency, "amplang"))
    [error] = response.context["form"].errors["member_ids"]
    assert "UD Amplang Dua (" in error and "UD Amplang Satu (" in error


def test_each_member_that_names_nobody_is_reported(auth_client, regency_agency):
    EnterpriseFactory(name="UD Amplang")
    members = "UD Amplang\nZzyzx Qwerty\n9999999999999\n999999"
    response = auth_client.post(reverse("web:centre_create"), centre_post(regency_agency, members))
    errors = response.context["form"].errors["member_ids"]
    assert len(errors) == 3 and all("tidak ditemukan" in e for e in errors)
    assert not Centre.objects.exists()
    # What was typed is kept, and what did resolve shows as a chip.
    assert response.context["form"]["member_ids"].value() == members
    assert '<span class="member-name">UD Amplang</span>' in response.content.decode()


def test_another_regencys_enterprise_is_not_found_by_nib_or_name(regency_client, regency_agency):
    kudus = EnterpriseFactory(name="UD Jenang Kudus", village_id=KUDUS_VILLAGE, nib="9120000099002")
    for members in (kudus.nib, kudus.name, str(kudus.pk)):
        response = regency_client.post(reverse("web:centre_create"), centre_post(regency_agency, members))
        [error] = response.context["form"].errors["member_ids"]
        assert "tidak ditemukan di wilayah Anda" in error
        assert "Kudus (" not in error
    assert not Centre.objects.exists()


@pytest.mark.parametrize(
    "text, entries",
    [
        ("1, 2,3", ["1", "2", "3"]),
        (
            "9120000099001\n\n  UD Amplang, Tbk  \n#12 — CV Maju",
            ["9120000099001", "UD Amplang, Tbk", "#12 — CV Maju"],
        ),
    ],
)
def test_members_are_one_per_line_and_old_id_lists_split_on_commas(text, entries):
    assert split_members(text) == entries
