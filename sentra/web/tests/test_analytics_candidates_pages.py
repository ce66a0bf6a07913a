"""The sentra-candidates page: table with explanations, errors on the page, another region 404, exports,
and "Usulkan sentra" landing on the new centre's page."""

import pytest
from django.test import Client

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.analytics.aggregates import rebuild_kbli_counts
from sentra.analytics.tests.test_candidates import AMPLANG, NENANG, SALOLOANG, ikm
from sentra.conftest import KUDUS
from sentra.registry.choices import CentreStatus
from sentra.registry.models import Centre

pytestmark = pytest.mark.django_db

URL = "/analisis/kandidat-sentra/"


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def registry():
    ikm(SALOLOANG, n=5)
    ikm(NENANG, n=2)
    rebuild_kbli_counts()


def test_page_lists_candidates_with_their_explanation(registry):
    page = client_of(persona(Role.MINISTRY_ANALYST)).get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "PP 29/2018" in text and "Hanya IKM berstatus aktif" in text
    assert page.context["result"].items[0].place_code == SALOLOANG
    assert "Usulkan sentra" not in text  # an analyst does not create sentra


@pytest.mark.parametrize("query", ["wilayah=99.99", "kbli=1", "min=x"])
def test_bad_parameters_are_explained_not_a_traceback(registry, query):
    page = client_of(persona(Role.MINISTRY_ANALYST)).get(f"{URL}?{query}")
    assert page.status_code == 400
    assert 'id="candidate-error"' in page.content.decode()


def test_another_region_is_not_found():
    officer = client_of(persona(Role.REGENCY_OFFICER, region=KUDUS))
    assert officer.get(f"{URL}?wilayah=64.09").status_code == 404
    assert officer.get(URL).status_code == 200


def test_exports(registry):
    ministry = client_of(persona(Role.MINISTRY_ANALYST))
    csv = ministry.get(f"{URL}ekspor/?kbli={AMPLANG}")
    assert csv.status_code == 200
    assert len(b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()) == 2
    assert "spreadsheetml" in ministry.get(f"{URL}ekspor/?format=xlsx")["Content-Type"]
    assert ministry.get(f"{URL}ekspor/?kbli=1").status_code == 400


def test_propose_lands_on_the_new_centre(registry, regency_agency):
    planner = client_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))
    assert "Usulkan sentra" in planner.get(URL).content.decode()
    data = {"kind": "village", "place": SALOLOANG, "kbli": AMPLANG}
    response = planner.post(f"{URL}usulkan/", data)
    centre = Centre.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sentra/{centre.pk}/"
    assert centre.status == CentreStatus.PROPOSED and centre.members.count() == 5
    again = planner.post(f"{URL}usulkan/", {**data, "back": "min=5"}, follow=True)
    assert again.redirect_chain[-1][0] == f"{URL}?min=5"
    assert "tidak lagi memenuhi syarat" in again.content.decode()
    assert Centre.objects.count() == 1
