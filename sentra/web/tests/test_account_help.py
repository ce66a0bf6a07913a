"""A user changes their own password, finds a guide for their role and the API documentation
(issue 14 section 3)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.web.views.guide import GUIDES

pytestmark = pytest.mark.django_db

OLD = "rahasia-sekali-123"
NEW = "Kelapa-Sabut-Penajam-7"


@pytest.fixture
def officer(client, regency_agency):
    user = persona(Role.REGENCY_OFFICER, agency=regency_agency, username="kab_ppu")
    user.set_password(OLD)
    user.save()
    client.force_login(user)
    return user


def test_a_user_changes_their_own_password(client, officer):
    url = reverse("web:password_change")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"old_password": OLD, "new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("web:account")
    assert "Kata sandi Anda telah diganti." in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    assert client.get(reverse("web:account")).status_code == 200  # still signed in
    assert Client().login(username="kab_ppu", password=NEW)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"old_password": "salah-sekali-999", "new_password1": NEW, "new_password2": NEW}, "old_password"),
        ({"old_password": OLD, "new_password1": "Pendek1!", "new_password2": "Pendek1!"}, "new_password2"),
        (
            {"old_password": OLD, "new_password1": "1234567890123", "new_password2": "1234567890123"},
            "new_password2",
        ),
        (
            {"old_password": OLD, "new_password1": "password123", "new_password2": "password123"},
            "new_password2",
        ),
        ({"old_password": OLD, "new_password1": NEW, "new_password2": NEW + "x"}, "new_password2"),
    ],
    ids=["wrong-current", "under-10-characters", "only-digits", "common", "not-repeated"],
)
def test_the_projects_password_rules_apply(client, officer, data, field):
    response = client.post(reverse("web:password_change"), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert get_user_model().objects.get(pk=officer.pk).check_password(OLD)  # unchanged


def test_changing_a_password_needs_a_signed_in_user():
    response = Client().get(reverse("web:password_change"))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]


def test_the_help_page_has_a_guide_per_role_and_the_users_own_first(client, officer):
    page = client.get(reverse("web:help"))
    assert page.status_code == 200
    html = page.content.decode()
    for role in (
        Role.MINISTRY_ADMIN,
        Role.MINISTRY_ANALYST,
        Role.PROVINCE_OFFICER,
        Role.REGENCY_OFFICER,
        Role.FACILITATOR,
        Role.DEKRANAS_OFFICER,
    ):
        assert f'id="panduan-{role}"' in html
    guides = page.context["guides"]
    assert guides[0]["role"] == Role.REGENCY_OFFICER and guides[0]["mine"]
    assert f'id="panduan-{Role.REGENCY_OFFICER}" open' in html
    assert all(len(steps) >= 3 for _role, _title, _summary, steps in GUIDES)
    assert reverse("api:openapi-view") in html


def test_help_is_readable_before_signing_in():
    html = Client().get(reverse("web:help")).content.decode()
    assert "Panduan per peran" in html and "Hubungi administrator" in html
    assert reverse("web:password_change") not in html


def test_every_page_links_help_api_documentation_and_password(client, officer):
    for url in (reverse("web:dashboard"), reverse("web:centre_list"), reverse("web:account")):
        html = client.get(url).content.decode()
        for link in (reverse("web:help"), reverse("api:openapi-view"), reverse("web:password_change")):
            assert f'href="{link}"' in html, (url, link)
    assert client.get(reverse("api:openapi-view")).status_code == 200
