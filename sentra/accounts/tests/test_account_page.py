"""The account page: who I am, and my API tokens (created once-visible, listed, revoked)."""

import pytest
from django.urls import reverse

from sentra.accounts.models import ApiToken, Role
from sentra.accounts.tests.factories import persona
from sentra.conftest import PPU
from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(regency_agency):
    return persona(Role.REGENCY_OFFICER, agency=regency_agency, username="dinas.ppu")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def create_token(client, name="Skrip rekap"):
    response = client.post(reverse("web:token_create"), {"name": name})
    assert response.status_code == 201
    return response, response.context["new_key"]


def test_the_account_page_says_who_i_am(officer_client):
    page = officer_client.get(reverse("web:account")).content.decode()

    assert "Dinas Perindustrian, Perdagangan dan UKM Kab. Penajam Paser Utara" in page
    assert "Petugas kabupaten/kota" in page
    assert "PENAJAM PASER UTARA" in page.upper()
    assert PPU in page


def test_a_new_key_is_shown_once_with_a_copy_hint_and_only_its_hash_is_stored(officer_client, officer):
    response, key = create_token(officer_client)

    page = response.content.decode()
    assert key in page
    assert "hanya ditampilkan sekali" in page
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=officer)
    assert token.name == "Skrip rekap" and key.startswith(token.prefix)
    assert key not in (token.key_hash, token.prefix)
    assert key not in officer_client.get(reverse("web:account")).content.decode()


def test_the_token_list_shows_name_prefix_dates_and_status(officer_client):
    create_token(officer_client, "Dasbor provinsi")

    page = officer_client.get(reverse("web:account")).content.decode()

    token = ApiToken.objects.get()
    assert "Dasbor provinsi" in page and token.prefix in page
    assert "Belum pernah" in page  # last used
    assert "Aktif" in page


def test_a_token_without_a_name_is_refused(officer_client):
    response = officer_client.post(reverse("web:token_create"), {"name": ""})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_key_opens_the_api_until_it_is_revoked(officer_client, regency_agency):
    EnterpriseFactory(name="Amplang Bu Sri", agency=regency_agency)
    _response, key = create_token(officer_client)
    api = officer_client.__class__()  # no session: only the key authenticates
    headers = {"Authorization": f"Bearer {key}"}

    listed = api.get("/api/v1/enterprises", headers=headers)
    assert listed.status_code == 200
    assert [row["name"] for row in listed.json()["results"]] == ["Amplang Bu Sri"]
    assert ApiToken.objects.get().last_used_at is not None

    token = ApiToken.objects.get()
    revoked = officer_client.post(reverse("web:token_revoke", args=[token.pk]))
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("/api/v1/enterprises", headers=headers).status_code == 401
    assert "Dicabut" in officer_client.get(reverse("web:account")).content.decode()


def test_a_wrong_key_is_refused(client):
    response = client.get("/api/v1/enterprises", headers={"Authorization": "Bearer sentra_bukan-kunci"})

    assert response.status_code == 401


def test_revoking_needs_a_post(officer_client):
    create_token(officer_client)

    assert (
        officer_client.get(reverse("web:token_revoke", args=[ApiToken.objects.get().pk])).status_code == 405
    )


def test_nobody_revokes_another_users_token(officer_client, regency_agency):
    other = persona(Role.FACILITATOR, agency=regency_agency, username="tpl.ppu")
    from sentra.accounts.services import token_create

    token, _key = token_create(user=other, name="Punya orang lain")

    assert officer_client.post(reverse("web:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_account_page_needs_a_login(client):
    response = client.get(reverse("web:account"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))
