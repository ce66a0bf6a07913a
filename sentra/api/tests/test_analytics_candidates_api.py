"""The sentra-candidates API: JSON, CSV/XLSX, errors with codes, 404 outside the reader's region, weak
centres, the one-step proposal, and the OpenAPI."""

import json

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

URL = "/api/v1/analytics/sentra-candidates"


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def registry():
    ikm(SALOLOANG, n=5, workers=2)
    ikm(NENANG, n=3)
    rebuild_kbli_counts()


def test_candidates_json_and_files(registry):
    ministry = client_of(persona(Role.MINISTRY_ANALYST))
    response = ministry.get(f"{URL}?region=64.09&kbli={AMPLANG}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(c["kind"], c["place_code"], c["enterprises"], c["workers"]) for c in body["items"]] == [
        ("village", SALOLOANG, 5, 10)
    ]
    assert body["min_enterprises"] == 5 and body["region"] == "64.09"
    csv = ministry.get(f"{URL}?format=csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Peringkat,Jenis,Kode tempat") and len(text.splitlines()) == 2
    xlsx = ministry.get(f"{URL}?format=xlsx&min=3")
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("region=99.99", "unknown_region"),
        ("kbli=12", "unknown_kbli"),
        ("min=satu", "invalid_min_enterprises"),
    ],
)
def test_bad_input_answers_400_with_the_code(query, code):
    response = client_of(persona(Role.MINISTRY_ANALYST)).get(f"{URL}?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_another_region_is_not_found(registry):
    officer = client_of(persona(Role.REGENCY_OFFICER, region=KUDUS))
    assert officer.get(f"{URL}?region=64.09").status_code == 404
    assert officer.get(URL).json()["items"] == []


def test_propose_in_one_step_then_weak_centres(registry, regency_agency):
    planner = client_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))
    response = planner.post(
        f"{URL}/propose",
        data=json.dumps({"kind": "village", "place_code": SALOLOANG, "kbli": AMPLANG}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["members"] == 5 and response.json()["status"] == "proposed"
    again = planner.post(
        f"{URL}/propose",
        data=json.dumps({"kind": "village", "place_code": SALOLOANG, "kbli": AMPLANG}),
        content_type="application/json",
    )
    assert again.status_code == 400 and again.json()["code"] == "not_a_candidate"
    Centre.objects.update(status=CentreStatus.DESIGNATED)
    weak = planner.get("/api/v1/analytics/weak-centres?min=6").json()
    assert [(w["active_members"], w["status"]) for w in weak] == [(5, "designated")]


def test_documented_in_the_openapi():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/analytics/sentra-candidates" in paths
    assert "/api/v1/analytics/sentra-candidates/propose" in paths


def test_candidates_come_a_page_at_a_time_with_the_total(registry):
    for village in (NENANG, "64.09.01.1003"):  # two more villages over the minimum, fewer IKM each
        ikm(village, n=6 if village == NENANG else 7)
    rebuild_kbli_counts()
    ministry = client_of(persona(Role.MINISTRY_ANALYST))
    whole = ministry.get(f"{URL}?region=64.09&kbli={AMPLANG}").json()
    assert whole["total"] == 3 and [c["rank"] for c in whole["items"]] == [1, 2, 3]
    page = ministry.get(f"{URL}?region=64.09&kbli={AMPLANG}&limit=1&offset=1").json()
    assert page["total"] == 3 and page["offset"] == 1
    assert [(c["rank"], c["place_code"]) for c in page["items"]] == [(2, whole["items"][1]["place_code"])]
    assert ministry.get(f"{URL}?limit=0").status_code in (400, 422)
