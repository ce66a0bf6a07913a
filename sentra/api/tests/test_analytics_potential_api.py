"""The leading-potential API: /api/v1/analytics/location-quotient, /shift-share, /leading-commodities —
JSON, CSV/XLSX, 400 with the rule's code, 404 outside the reader's region, documented in the OpenAPI."""

import pytest
from django.test import Client

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.analytics.tests.test_potential import count, snapshot
from sentra.conftest import KUDUS, PENAJAM, PPU

pytestmark = pytest.mark.django_db


@pytest.fixture
def counts():
    count("64.09.01.1002", "10710", 30)
    count("64.09.01.1002", "13121", 10)
    count("33.19.01.2001", "10710", 20)
    count("33.19.01.2001", "13121", 40)


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ministry():
    return client_of(persona(Role.MINISTRY_ANALYST))


def test_location_quotient_json_and_files(ministry, counts):
    response = ministry.get("/api/v1/analytics/location-quotient?level=regency&kbli_digits=2")
    assert response.status_code == 200, response.content
    body = response.json()
    lq = {(r["region_code"], r["kbli"]): r["lq"] for r in body["rows"]}
    assert lq[(PPU, "10")] == pytest.approx(1.5) and lq[(KUDUS, "13")] == pytest.approx(4 / 3)
    assert body["level"] == "regency" and body["kbli_digits"] == 2

    csv = ministry.get("/api/v1/analytics/location-quotient?level=regency&kbli_digits=2&format=csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Kode wilayah,Wilayah,KBLI")
    assert len(text.splitlines()) == 5
    xlsx = ministry.get("/api/v1/analytics/location-quotient?format=xlsx")
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("level=village", "unknown_level"),
        ("kbli_digits=4", "unknown_kbli_digits"),
        ("measure=assets", "unknown_measure"),
        ("region=99.99", "unknown_region"),
    ],
)
def test_location_quotient_bad_parameters_answer_400_with_a_code(ministry, query, code):
    response = ministry.get(f"/api/v1/analytics/location-quotient?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["detail"]


def test_another_regency_is_not_found(counts):
    kudus = client_of(persona(Role.REGENCY_OFFICER, region=KUDUS))
    assert kudus.get(f"/api/v1/analytics/location-quotient?region={PPU}").status_code == 404
    rows = kudus.get("/api/v1/analytics/location-quotient").json()["rows"]
    assert {r["region_code"] for r in rows} == {KUDUS}


def test_shift_share_and_no_snapshot(ministry, counts):
    snapshot(2025, {(PENAJAM, "10710"): 10, ("33.19.01", "10710"): 20})
    response = ministry.get(f"/api/v1/analytics/shift-share?region={PPU}&from_year=2025&to_year=now")
    assert response.status_code == 200, response.content
    rows = {r["kbli"]: r for r in response.json()["rows"]}
    assert rows["10"]["change"] == 20
    assert rows["10"]["national_share"] + rows["10"]["industry_mix"] + rows["10"]["regional_shift"] == (
        pytest.approx(20)
    )
    missing = ministry.get(f"/api/v1/analytics/shift-share?region={PPU}&from_year=2019")
    assert missing.status_code == 400 and missing.json()["code"] == "no_snapshot"
    csv = ministry.get(f"/api/v1/analytics/shift-share?region={PPU}&from_year=2025&format=csv")
    assert csv.status_code == 200


def test_leading_commodities(ministry, counts):
    response = ministry.get(f"/api/v1/analytics/leading-commodities?region={PPU}&kbli_digits=5")
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [i["kbli"] for i in items] == ["10710", "13121"]
    assert items[0]["lq_nation"] == pytest.approx((30 / 40) / (50 / 100))


def test_documented_in_the_openapi(ministry):
    paths = ministry.get("/api/v1/openapi.json").json()["paths"]
    for path in ("location-quotient", "shift-share", "leading-commodities"):
        operation = paths[f"/api/v1/analytics/{path}"]["get"]
        assert "400" in operation["responses"] and operation["description"]
