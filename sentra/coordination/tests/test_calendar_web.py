"""The calendar pages (/koordinasi/kalender/), the calendar address (no login: the token) and a
meeting's .ics, as a regency, a province and a neighbouring regency see them."""

from __future__ import annotations

import icalendar
import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.coordination.models import CalendarFeed
from sentra.registry.tests.factories import AgencyFactory

from .factories import InvitationFactory, MeetingFactory, wib

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices():
    return {
        "ministry": AgencyFactory(name="Direktorat Jenderal IKMA", kind="ministry", region_id=None),
        "ntt": AgencyFactory(name="Disperindag Provinsi NTT", kind="province_industry", region_id="53"),
        "belu": AgencyFactory(
            name="Dinas Perindustrian Kab. Belu", kind="regency_industry", region_id="53.04"
        ),
        "kupang": AgencyFactory(
            name="Dinas Perindustrian Kab. Kupang", kind="regency_industry", region_id="53.01"
        ),
    }


@pytest.fixture
def people(offices):
    return {
        "ntt": persona(Role.PROVINCE_OFFICER, agency=offices["ntt"]),
        "belu": persona(Role.REGENCY_OFFICER, agency=offices["belu"]),
        "kupang": persona(Role.REGENCY_OFFICER, agency=offices["kupang"]),
    }


@pytest.fixture
def meetings(offices):
    return {
        "belu": MeetingFactory(
            agency=offices["belu"],
            host_region_id="53.04",
            title="Rakor internal Belu",
            starts_at=wib(2026, 11, 30, 9),
            ends_at=wib(2026, 12, 2, 15),
        ),
        "kupang": MeetingFactory(
            agency=offices["kupang"],
            host_region_id="53.01",
            title="Rakor internal Kupang",
            kind="forum_skpd",
            starts_at=wib(2026, 11, 18, 9),
            ends_at=wib(2026, 11, 18, 12),
        ),
    }


def as_(client, user):
    client.force_login(user)
    return client


def summaries(content: bytes) -> set[str]:
    return {str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(content).walk("VEVENT")}


def test_the_month_grid_shows_what_the_user_reads_across_the_days_it_spans(client, people, meetings):
    page = as_(client, people["belu"]).get(reverse("web:calendar_month"), {"bulan": "2026-11"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Rakor internal Belu" in html and "Rakor internal Kupang" not in html
    assert 'data-date="2026-11-16" aria-current="date"' in html  # today, on the fixed clock
    grid = html[html.index('id="calendar-grid"') : html.index('id="calendar-days"')]
    for day in ("2026-11-30", "2026-12-01", "2026-12-02"):
        cell = grid[grid.index(f'data-date="{day}"') :]
        assert "Rakor internal Belu" in cell[: cell.index("</td>")]
    assert "?bulan=2026-10" in html and "?bulan=2026-12" in html

    province = as_(client, people["ntt"]).get(reverse("web:calendar_month"), {"bulan": "2026-11"})
    assert "Rakor internal Belu" in province.content.decode()
    assert "Rakor internal Kupang" in province.content.decode()


def test_the_month_filters_by_region_selects_and_kind_and_keeps_them_across_months(client, people, meetings):
    client = as_(client, people["ntt"])
    by_region = client.get(reverse("web:calendar_month"), {"bulan": "2026-11", "prov": "53", "kab": "53.01"})
    html = by_region.content.decode()
    assert "Rakor internal Kupang" in html and "Rakor internal Belu" not in html
    assert "bulan=2026-12&amp;prov=53&amp;kab=53.01" in html
    by_kind = client.get(reverse("web:calendar_month"), {"bulan": "2026-11", "kind": "forum_skpd"})
    assert "Rakor internal Kupang" in by_kind.content.decode()
    assert "Rakor internal Belu" not in by_kind.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bulan": "2026-13"}, "Bulan tidak dikenal"),
        ({"bulan": "November"}, "Bulan tidak dikenal"),
        ({"region": "99.99"}, "Kode wilayah tidak dikenal"),
        ({"kind": "pesta"}, "Jenis rapat tidak dikenal: pesta."),
    ],
)
def test_a_bad_month_or_filter_answers_a_clear_message(client, people, params, message):
    page = as_(client, people["belu"]).get(reverse("web:calendar_month"), params)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert 'id="calendar-grid"' not in page.content.decode()


def test_the_list_shows_upcoming_meetings_and_past_ones_on_request(client, people, offices, meetings):
    MeetingFactory(
        agency=offices["belu"],
        title="Rakor lama Belu",
        starts_at=wib(2026, 3, 2, 9),
        ends_at=wib(2026, 3, 2, 12),
    )
    client = as_(client, people["belu"])
    upcoming = client.get(reverse("web:calendar_list")).content.decode()
    assert "Rakor internal Belu" in upcoming and "Rakor lama Belu" not in upcoming
    assert "Rakor internal Kupang" not in upcoming
    past = client.get(reverse("web:calendar_list"), {"lewat": "1"}).content.decode()
    assert "Rakor lama Belu" in past and "Rakor internal Belu" not in past


def test_the_calendar_is_linked_from_the_meetings_list_and_the_menu(client, people):
    html = as_(client, people["belu"]).get(reverse("web:meeting_list")).content.decode()
    assert f'href="{reverse("web:calendar_month")}"' in html
    assert html.count(f'href="{reverse("web:calendar_month")}"') >= 2  # tab and menu


def test_the_page_at_phone_width_has_the_day_list_beside_the_grid(client, people, meetings):
    html = (
        as_(client, people["belu"]).get(reverse("web:calendar_month"), {"bulan": "2026-12"}).content.decode()
    )
    days = html[html.index('id="calendar-days"') :]
    assert 'data-date="2026-12-01"' in days and 'data-date="2026-12-02"' in days
    assert 'data-date="2026-11-30"' not in days  # another month's day: only in the grid


# --- the calendar address -------------------------------------------------------------------------------


def test_subscribe_read_without_login_renew_and_revoke(client, people, meetings):
    client = as_(client, people["belu"])
    assert "Buat alamat kalender" in client.get(reverse("web:calendar_subscription")).content.decode()
    client.post(reverse("web:calendar_feed_create"))
    feed = CalendarFeed.objects.get(user=people["belu"], revoked_at__isnull=True)
    url = reverse("web:calendar_feed", args=[feed.token])
    page = client.get(reverse("web:calendar_subscription")).content.decode()
    assert f"http://testserver{url}" in page and f"webcal://testserver{url}" in page

    client.logout()
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/calendar; charset=utf-8"
    assert answer["Cache-Control"] == "private, no-store"
    assert summaries(answer.content) == {"Rakor internal Belu"}
    assert CalendarFeed.objects.get(pk=feed.pk).last_used_at is not None

    as_(client, people["belu"]).post(reverse("web:calendar_feed_create"))
    client.logout()
    assert client.get(url).status_code == 404  # renewed: the old address is cut
    renewed = CalendarFeed.objects.get(user=people["belu"], revoked_at__isnull=True)
    as_(client, people["belu"]).post(reverse("web:calendar_feed_revoke"))
    client.logout()
    assert client.get(reverse("web:calendar_feed", args=[renewed.token])).status_code == 404


def test_a_feed_reads_the_users_scope_as_it_is_at_each_request(client, people, offices, meetings):
    as_(client, people["kupang"]).post(reverse("web:calendar_feed_create"))
    client.logout()
    url = reverse("web:calendar_feed", args=[CalendarFeed.objects.get(user=people["kupang"]).token])
    assert summaries(client.get(url).content) == {"Rakor internal Kupang"}

    InvitationFactory(meeting=meetings["belu"], agency=offices["kupang"])
    assert summaries(client.get(url).content) == {"Rakor internal Kupang", "Rakor internal Belu"}

    profile = people["kupang"].profile
    profile.region_id, profile.agency = "53.04", offices["belu"]
    profile.save()
    assert summaries(client.get(url).content) == {"Rakor internal Belu"}

    people["kupang"].is_active = False
    people["kupang"].save()
    assert client.get(url).status_code == 404


def test_a_user_left_without_a_role_gets_404_not_an_error(client, people, meetings):
    as_(client, people["belu"]).post(reverse("web:calendar_feed_create"))
    client.logout()
    url = reverse("web:calendar_feed", args=[CalendarFeed.objects.get(user=people["belu"]).token])
    people["belu"].profile.delete()
    assert client.get(url).status_code == 404


def test_an_unknown_token_is_404(client):
    assert client.get(reverse("web:calendar_feed", args=["tidak-ada"])).status_code == 404


def test_a_meeting_page_offers_its_single_ics(client, people, meetings):
    client = as_(client, people["belu"])
    meeting = meetings["belu"]
    page = client.get(reverse("web:meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("web:meeting_ics", args=[meeting.pk]) in page
    answer = client.get(reverse("web:meeting_ics", args=[meeting.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "text/calendar; charset=utf-8"
    assert answer["Content-Disposition"] == f'attachment; filename="rapat-{meeting.pk}.ics"'
    (event,) = icalendar.Calendar.from_ical(answer.content).walk("VEVENT")
    assert str(event["URL"]) == f"http://testserver{reverse('web:meeting_detail', args=[meeting.pk])}"
    # Another regency's meeting does not exist for this user.
    assert client.get(reverse("web:meeting_ics", args=[meetings["kupang"].pk])).status_code == 404
