"""GET /api/v1/calendar.ics: the caller's meetings as iCalendar, filtered, documented as text/calendar."""

from __future__ import annotations

import icalendar
import pytest

from sentra.accounts.models import Role
from sentra.accounts.services import token_create
from sentra.accounts.tests.factories import persona
from sentra.registry.tests.factories import AgencyFactory

from .factories import MeetingFactory, wib

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices():
    return {
        "ntt": AgencyFactory(name="Disperindag Provinsi NTT", kind="province_industry", region_id="53"),
        "belu": AgencyFactory(
            name="Dinas Perindustrian Kab. Belu", kind="regency_industry", region_id="53.04"
        ),
        "kupang": AgencyFactory(
            name="Dinas Perindustrian Kab. Kupang", kind="regency_industry", region_id="53.01"
        ),
    }


@pytest.fixture
def meetings(offices):
    return [
        MeetingFactory(
            agency=offices["belu"],
            title="Rakor Belu November",
            starts_at=wib(2026, 11, 20, 9),
            ends_at=wib(2026, 11, 20, 12),
        ),
        MeetingFactory(
            agency=offices["belu"],
            kind="field_visit",
            title="Kunjungan sentra tenun Belu",
            starts_at=wib(2027, 2, 3, 9),
            ends_at=wib(2027, 2, 3, 12),
        ),
        MeetingFactory(
            agency=offices["kupang"],
            title="Rakor Kupang",
            starts_at=wib(2026, 11, 25, 9),
            ends_at=wib(2026, 11, 25, 12),
        ),
        MeetingFactory(
            agency=offices["belu"],
            title="Rakor Belu 2024",
            starts_at=wib(2024, 5, 2, 9),
            ends_at=wib(2024, 5, 2, 12),
        ),
    ]


def get(client, user, **params):
    client.force_login(user)
    return client.get("/api/v1/calendar.ics", params)


def summaries(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}


def test_the_callers_meetings_of_the_feed_window_by_default(client, offices, meetings):
    belu = persona(Role.REGENCY_OFFICER, agency=offices["belu"])
    answer = get(client, belu)
    assert answer["Content-Type"] == "text/calendar; charset=utf-8"
    assert summaries(answer) == {"Rakor Belu November", "Kunjungan sentra tenun Belu"}


def test_filters_region_kind_and_dates(client, offices, meetings):
    ntt = persona(Role.PROVINCE_OFFICER, agency=offices["ntt"])
    assert summaries(get(client, ntt)) == {
        "Rakor Belu November",
        "Kunjungan sentra tenun Belu",
        "Rakor Kupang",
    }
    assert summaries(get(client, ntt, region="53.01")) == {"Rakor Kupang"}
    assert summaries(get(client, ntt, kind="field_visit")) == {"Kunjungan sentra tenun Belu"}
    assert summaries(get(client, ntt, **{"from": "2026-11-21", "to": "2026-12-01"})) == {"Rakor Kupang"}
    assert summaries(get(client, ntt, **{"from": "2024-01-01", "to": "2024-12-31"})) == {"Rakor Belu 2024"}


def test_a_token_authenticates_like_the_rest_of_the_api(client, offices, meetings):
    belu = persona(Role.REGENCY_OFFICER, agency=offices["belu"])
    _token, key = token_create(user=belu, name="kalender")
    answer = client.get("/api/v1/calendar.ics", headers={"Authorization": f"Bearer {key}"})
    assert "Rakor Kupang" not in summaries(answer)
    assert client.get("/api/v1/calendar.ics").status_code == 401


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"from": "2026-12-01", "to": "2026-11-01"}, 400, "calendar_range_empty"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, 400, "calendar_range_too_long"),
        ({"from": "kemarin"}, 422, None),
        ({"region": "NTT"}, 422, None),
        ({"kind": "pesta"}, 422, None),
    ],
)
def test_bad_filters_answer_400_or_422_in_the_apis_shape(client, offices, params, status, code):
    answer = get(client, persona(Role.REGENCY_OFFICER, agency=offices["belu"]), **params)
    assert answer.status_code == status
    if code:
        assert answer.json()["code"] == code
        assert answer.json()["errors"][0]["field"] == "to"


def test_the_openapi_document_names_text_calendar(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/calendar.ics"]["get"]
    assert "text/calendar" in operation["responses"]["200"]["content"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"region", "kind", "from", "to"} <= names
