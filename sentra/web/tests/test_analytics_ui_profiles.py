"""The region profile /analisis/profil/<code>/ as a reader meets it: the month of the absorption by name,
no sentence left hanging over an empty list of follow-ups, and the PDF annex writing LQ and month as the
page does."""

import re
import shutil
import subprocess  # nosec B404 - runs pdftotext on a PDF the test wrote

import pytest
from django.test import Client
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.analytics.tests.test_potential import count
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


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "profil.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_pdf_writes_lq_and_month_as_the_page_does(tmp_path):
    # LQ against the nation at 5 digits in PPU: 10710 → 1,50 and 13121 → 0,50 (written "1,5" and "0,5"
    # next to "4,64" before); the absorption "s.d. bulan November", not "bulan 11".
    count("64.09.01.1002", "10710", 30)
    count("64.09.01.1002", "13121", 10)
    count("33.19.01.2001", "10710", 20)
    count("33.19.01.2001", "13121", 40)
    client = Client()
    client.force_login(persona(Role.MINISTRY_ANALYST))
    response = client.get(reverse("web:analytics_profile", args=[PPU]), {"format": "pdf"})
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "1,50" in text and "0,50" in text
    assert "s.d. bulan November" in text and "bulan 11" not in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_pdf_aligns_figures_right(tmp_path):
    count("64.09.01.1002", "10710", 1234)
    count("64.09.01.1002", "13121", 56)
    client = Client()
    client.force_login(persona(Role.MINISTRY_ANALYST))
    path = tmp_path / "profil.pdf"
    path.write_bytes(client.get(reverse("web:analytics_profile", args=[PPU]), {"format": "pdf"}).content)
    bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True)
    boxes = {
        word: (float(x_min), float(x_max))
        for x_min, x_max, word in re.findall(
            r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)<', bbox.stdout
        )
    }
    big, small = boxes["1.234"], boxes["56"]  # the IKM column of the leading commodities
    assert abs(big[1] - small[1]) < 1  # right edges under each other
    assert big[0] < small[0] - 5  # left edges not


def test_the_actions_wrap_without_a_dangling_dot(page):
    # On a phone "Wilayah lain ·" ended one line and "Profil provinsi" began the next: the links are
    # spaced by the flex gap, no separator character between them.
    actions = page.split('class="small profile-actions"', 1)[1].split("</p>", 1)[0]
    assert "Profil provinsi" in actions and "·" not in actions
