"""Coordination records on the generic layers: sorted lists, history and restore, and one filter set
that the web page and the API read alike (coordination/filtersets.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.coordination.models import Meeting
from sentra.registry.tests.factories import AgencyFactory

from .factories import AgreementFactory, DecisionFactory, FollowUpFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ntt():
    return AgencyFactory(name="Disperindag Provinsi NTT", kind="province_industry", region_id="53")


def titles(page: str, names: list[str]) -> list[str]:
    """The names in the order they stand on the page."""
    return sorted(names, key=page.index)


def test_meetings_sort_by_a_clicked_column_both_ways_on_the_page_and_in_the_api(client, ntt):
    for title in ("Beta", "Alfa", "Gama"):
        MeetingFactory(agency=ntt, title=title)
    client.force_login(persona(Role.PROVINCE_OFFICER, agency=ntt))
    page = client.get(reverse("web:meeting_list"), {"sort": "title"}).content.decode()
    assert titles(page, ["Alfa", "Beta", "Gama"]) == ["Alfa", "Beta", "Gama"]
    assert "sort=-title" in page  # the active column's header offers the reverse order
    page = client.get(reverse("web:meeting_list"), {"sort": "-title"}).content.decode()
    assert titles(page, ["Alfa", "Beta", "Gama"]) == ["Gama", "Beta", "Alfa"]
    api = client.get("/api/v1/meetings", {"sort": "-title"}).json()
    assert [m["title"] for m in api["results"]] == ["Gama", "Beta", "Alfa"]


def test_equal_values_keep_the_id_order_so_pages_do_not_shuffle(client, ntt):
    same = [MeetingFactory(agency=ntt, title="Rakor") for _ in range(3)]
    client.force_login(persona(Role.PROVINCE_OFFICER, agency=ntt))
    ids = [m["id"] for m in client.get("/api/v1/meetings", {"sort": "title"}).json()["results"]]
    assert ids == [m.pk for m in same]
    ids = [m["id"] for m in client.get("/api/v1/meetings", {"sort": "-title"}).json()["results"]]
    assert ids == [m.pk for m in reversed(same)]


def test_a_meeting_edited_on_the_web_shows_its_history_and_its_earlier_version_comes_back(client, ntt):
    client.force_login(persona(Role.PROVINCE_OFFICER, agency=ntt))
    form = {
        "kind": "rakor_programme",
        "title": "Rakor NTT",
        "starts_at": "2026-11-20T09:00",
        "ends_at": "2026-11-21T15:00",
        "mode": "in_person",
    }
    client.post(reverse("web:meeting_create"), form)
    meeting = Meeting.objects.get()
    client.post(
        reverse("web:meeting_edit", args=[meeting.pk]), {**form, "title": "Rakor ganti", "version": 1}
    )
    meeting.refresh_from_db()
    assert meeting.title == "Rakor ganti"
    history = client.get(reverse("web:meeting_history", args=[meeting.pk]))
    assert history.status_code == 200 and "Rakor ganti" in history.content.decode()
    created = history.context["events"][-1]["event"]
    assert history.context["events"][-1]["restore_url"]
    restored = client.post(reverse("web:meeting_restore", args=[meeting.pk, created.pk]), {"reason": "salah"})
    assert restored.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Rakor NTT"


def test_another_agency_reads_the_history_but_may_not_restore(client, ntt):
    meeting = MeetingFactory(agency=ntt, title="Rakor NTT")
    other = AgencyFactory(name="Disperindag Kupang", kind="regency_industry", region_id="53.01")
    client.force_login(persona(Role.REGENCY_OFFICER, agency=other))
    meeting.invitations.create(agency=other)
    assert client.get(reverse("web:meeting_edit", args=[meeting.pk])).status_code == 403


# Each value is accepted by both channels or refused by both: (list, parameter, value, accepted).
FILTER_CASES = [
    ("meeting", "kind", "rakornas", True),
    ("meeting", "kind", "arisan", False),
    ("meeting", "status", "planned", True),
    ("meeting", "status", "selesai", False),
    ("meeting", "year", "2026", True),
    ("meeting", "year", "1999", False),
    ("meeting", "year", "dua", False),
    ("meeting", "region", "53.04", True),
    ("meeting", "region", "NTT", False),
    ("meeting", "sort", "-title", True),
    ("meeting", "sort", "venue", False),
    ("follow_up", "overdue", "1", True),
    ("follow_up", "overdue", "false", True),
    ("follow_up", "overdue", "mungkin", False),
    ("follow_up", "status", "dropped", True),
    ("follow_up", "status", "closed", False),
    ("follow_up", "owner", "0", False),
    ("follow_up", "sort", "-due_on", True),
    ("agreement", "kind", "mou", True),
    ("agreement", "kind", "kontrak", False),
    ("agreement", "expiring_within_days", "90", True),
    ("agreement", "expiring_within_days", "4000", False),
    ("agreement", "sort", "valid_until", True),
]
API_PATHS = {
    "meeting": "/api/v1/meetings",
    "follow_up": "/api/v1/follow-ups",
    "agreement": "/api/v1/agreements",
}
WEB_NAMES = {"year": "tahun", "expiring_within_days": "expiring"}  # the site's names for these


@pytest.mark.parametrize(("kind", "name", "value", "accepted"), FILTER_CASES)
def test_the_web_page_and_the_api_accept_and_refuse_the_same_filter_values(
    client, ntt, kind, name, value, accepted
):
    client.force_login(persona(Role.PROVINCE_OFFICER, agency=ntt))
    api = client.get(API_PATHS[kind], {name: value})
    assert api.status_code == (200 if accepted else 422), api.content
    web_name = WEB_NAMES.get(name, name)
    page = client.get(reverse(f"web:{kind}_list"), {web_name: value})
    assert page.status_code == 200
    form = page.context["form"]
    refused_on_web = web_name in form.errors or (name == "sort" and page.context["filters"].sort != value)
    assert refused_on_web is (not accepted)


def test_every_coordination_page_links_its_history(client, ntt):
    meeting = MeetingFactory(agency=ntt)
    agreement = AgreementFactory(agency=ntt)
    follow_up = FollowUpFactory(decision=DecisionFactory(meeting=meeting), agency=ntt)
    client.force_login(persona(Role.PROVINCE_OFFICER, agency=ntt))
    for key, record in (("meeting", meeting), ("agreement", agreement), ("follow_up", follow_up)):
        history = reverse(f"web:{key}_history", args=[record.pk])
        assert history in client.get(reverse(f"web:{key}_detail", args=[record.pk])).content.decode()
        assert client.get(history).status_code == 200


def test_the_edit_form_names_the_record_and_leads_back_to_it(client, ntt):
    meeting = MeetingFactory(agency=ntt, title="Rakor Belu")
    client.force_login(persona(Role.PROVINCE_OFFICER, agency=ntt))
    response = client.get(reverse("web:meeting_edit", args=[meeting.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "Rakor Belu" in page
    assert f'href="{reverse("web:meeting_detail", args=[meeting.pk])}"' in page
