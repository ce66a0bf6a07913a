"""The region profile /analisis/profil/<code>/ as a reader meets it: the month of the absorption by name,
and no sentence left hanging over an empty list of follow-ups."""

import pytest
from django.test import Client
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.conftest import PPU

pytestmark = pytest.mark.django_db


@pytest.fixture
def page():
    client = Client()
    client.force_login(persona(Role.MINISTRY_ANALYST))
    response = client.get(reverse("web:analytics_profile", args=[PPU]))
    assert response.status_code == 200
    return response.content.decode()


def test_absorption_names_its_month(page):
    spending = page.split('id="spending"', 1)[1].split("</section>", 1)[0]
    assert "sampai bulan November" in spending  # the tests' clock: 16 November 2026
    assert "bulan 11" not in spending


def test_no_follow_ups_says_so_instead_of_announcing_a_list(page):
    follow_ups = page.split('id="follow-ups"', 1)[1].split("</section>", 1)[0]
    assert "paling awal" not in follow_ups
    assert "Tidak ada tindak lanjut rapat yang masih terbuka" in follow_ups
