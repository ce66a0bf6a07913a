"""Meeting times on the web are typed and shown on the clock of the place the meeting is held (host
region, else the organiser's region: calendar.meeting_zone), not on Sentra's own (WIB)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.coordination.models import Meeting
from sentra.registry.tests.factories import AgencyFactory

from .factories import MeetingFactory, wib

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def ministry():
    return AgencyFactory(name="Direktorat Jenderal IKMA", kind="ministry", region_id=None)


@pytest.fixture
def jakarta():
    return AgencyFactory(name="Dinas PPKUKM DKI Jakarta", kind="province_industry", region_id="31")


def meeting_form(**values) -> dict:
    return {
        "kind": "rakornas",
        "title": "Rakornas Dekon 2026",
        "starts_at": "2026-11-20T09:00",
        "ends_at": "2026-11-20T16:00",
        "mode": "in_person",
        **values,
    }


def test_a_balikpapan_hosted_meeting_typed_at_nine_starts_at_nine_wita(client, ministry):
    client.force_login(persona(Role.MINISTRY_ADMIN, agency=ministry))
    form = client.get(reverse("web:meeting_create")).content.decode()
    # The ministry sits at no region: Sentra's zone until a host region is typed.
    assert "Waktu setempat: WIB" in form
    response = client.post(reverse("web:meeting_create"), meeting_form(host_region="64.71"))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.starts_at == dt.datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 09:00 WITA
    assert meeting.ends_at == dt.datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def test_editing_shows_the_typed_hour_back_in_the_host_zone_and_saving_keeps_it(client, ministry):
    meeting = MeetingFactory(
        agency=ministry,
        host_region_id="64.71",
        starts_at=dt.datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
        ends_at=dt.datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
    )
    client.force_login(persona(Role.MINISTRY_ADMIN, agency=ministry))
    page = client.get(reverse("web:meeting_edit", args=[meeting.pk]))
    form = page.context["form"]
    assert form["starts_at"].value() == dt.datetime(2026, 11, 20, 9, 0)
    assert form["ends_at"].value() == dt.datetime(2026, 11, 20, 16, 0)
    html = page.content.decode()
    assert 'value="2026-11-20T09:00"' in html and "Waktu setempat: WITA" in html
    client.post(
        reverse("web:meeting_edit", args=[meeting.pk]),
        meeting_form(title="Rakornas Dekon 2026 (ubah)", host_region="64.71", version=meeting.version),
    )
    meeting.refresh_from_db()
    assert meeting.title == "Rakornas Dekon 2026 (ubah)"
    assert meeting.starts_at == dt.datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def test_without_a_host_the_organisers_region_decides_the_clock(client):
    jayapura = AgencyFactory(name="Disperindag Kota Jayapura", kind="regency_industry", region_id="91.71")
    client.force_login(persona(Role.REGENCY_OFFICER, agency=jayapura))
    assert "Waktu setempat: WIT" in client.get(reverse("web:meeting_create")).content.decode()
    client.post(reverse("web:meeting_create"), meeting_form(kind="rakor_programme", agency=jayapura.pk))
    assert Meeting.objects.get().starts_at == dt.datetime(2026, 11, 20, 0, 0, tzinfo=UTC)  # 09:00 WIT


def test_the_chosen_organiser_decides_not_the_users_own_region(client, ministry):
    jayapura = AgencyFactory(name="Disperindag Kota Jayapura", kind="regency_industry", region_id="91.71")
    client.force_login(persona(Role.MINISTRY_ADMIN, agency=ministry))
    client.post(reverse("web:meeting_create"), meeting_form(kind="rakor_programme", agency=jayapura.pk))
    assert Meeting.objects.get().starts_at == dt.datetime(2026, 11, 20, 0, 0, tzinfo=UTC)  # 09:00 WIT


def test_a_jakarta_meeting_keeps_reading_wib(client, jakarta):
    client.force_login(persona(Role.PROVINCE_OFFICER, agency=jakarta))
    client.post(reverse("web:meeting_create"), meeting_form(kind="rakor_programme", agency=jakarta.pk))
    meeting = Meeting.objects.get()
    assert meeting.starts_at == wib(2026, 11, 20, 9, 0)
    page = client.get(reverse("web:meeting_detail", args=[meeting.pk])).content.decode()
    assert "20 November 2026 09:00 – 20 November 2026 16:00 WIB" in page


def test_the_meeting_page_shows_its_hours_on_the_host_clock(client, ministry):
    meeting = MeetingFactory(
        agency=ministry,
        host_region_id="64.71",
        starts_at=dt.datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
        ends_at=dt.datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
    )
    client.force_login(persona(Role.MINISTRY_ADMIN, agency=ministry))
    page = client.get(reverse("web:meeting_detail", args=[meeting.pk])).content.decode()
    assert "20 November 2026 09:00 – 20 November 2026 16:00 WITA" in page
