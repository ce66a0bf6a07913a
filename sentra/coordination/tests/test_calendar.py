"""The meetings calendar: which meetings a month and a calendar address hold (the one scope rule),
how a meeting reads as an iCalendar event, and the secret address's life (create, renew, revoke)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.coordination import calendar, selectors, services
from sentra.coordination.models import CalendarFeed
from sentra.core.errors import DomainError
from sentra.registry.tests.factories import AgencyFactory

from .factories import InvitationFactory, MeetingFactory, wib

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 16)


@pytest.fixture
def offices():
    return {
        "ministry": AgencyFactory(name="Direktorat Jenderal IKMA", kind="ministry", region_id=None),
        "kaltim": AgencyFactory(name="Disperindagkop Kaltim", kind="province_industry", region_id="64"),
        "ntt": AgencyFactory(name="Disperindag NTT", kind="province_industry", region_id="53"),
        "ppu": AgencyFactory(name="Dinas Perindustrian PPU", kind="regency_industry", region_id="64.09"),
        "kutim": AgencyFactory(
            name="Dinas Perindustrian Kutai Timur", kind="regency_industry", region_id="64.08"
        ),
    }


def officer(agency, role=Role.REGENCY_OFFICER):
    return actor_of(persona(role, agency=agency))


def month(actor, year=2026, number=11, **filters):
    start, end = calendar.month_bounds(year, number)
    return list(selectors.calendar_meetings(actor=actor, start=start, end=end, **filters))


def parse(content: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(content).walk("VEVENT"))


def build(meetings, name="Rapat") -> bytes:
    return calendar.build_calendar(
        meetings, name=name, url_for=lambda m: f"https://sentra.test/rapat/{m.pk}/"
    )


# --- who sees which meeting in the calendar ------------------------------------------------------------


def test_a_regency_officers_month_leaves_out_the_next_regencys_internal_rakor(offices):
    own = MeetingFactory(agency=offices["ppu"], host_region_id="64.09", title="Rakor internal PPU")
    neighbour = MeetingFactory(agency=offices["kutim"], host_region_id="64.08", title="Rakor internal Kutim")

    assert month(officer(offices["ppu"])) == [own]
    assert month(officer(offices["kutim"])) == [neighbour]
    # The province reads both of its regencies' meetings; another province neither.
    assert set(month(officer(offices["kaltim"], Role.PROVINCE_OFFICER))) == {own, neighbour}
    assert month(officer(offices["ntt"], Role.PROVINCE_OFFICER)) == []


def test_an_invited_agency_sees_a_meeting_of_another_province_in_its_calendar(offices):
    rakornas = MeetingFactory(agency=offices["ministry"], kind="rakornas", host_region_id="64.71")
    InvitationFactory(meeting=rakornas, agency=offices["ntt"])
    assert month(officer(offices["ntt"], Role.PROVINCE_OFFICER)) == [rakornas]
    assert month(officer(offices["ppu"])) == []


def test_a_month_holds_the_meetings_overlapping_its_grid_and_filters_by_region_and_kind(offices):
    ministry = officer(offices["ministry"], Role.MINISTRY_ANALYST)
    # The grid of November 2026 runs Monday 26 October to Sunday 6 December.
    ends_in_grid = MeetingFactory(
        agency=offices["ppu"], starts_at=wib(2026, 10, 20, 9), ends_at=wib(2026, 10, 26, 12)
    )
    before = MeetingFactory(
        agency=offices["ppu"], starts_at=wib(2026, 10, 20, 9), ends_at=wib(2026, 10, 25, 23)
    )
    december = MeetingFactory(
        agency=offices["ntt"], starts_at=wib(2026, 12, 6, 9), ends_at=wib(2026, 12, 6, 12)
    )
    after = MeetingFactory(agency=offices["ntt"], starts_at=wib(2026, 12, 7, 0), ends_at=wib(2026, 12, 7, 12))
    visit = MeetingFactory(agency=offices["ntt"], kind="field_visit")

    assert set(month(ministry)) == {ends_in_grid, december, visit}
    assert before not in month(ministry) and after not in month(ministry)
    assert set(month(ministry, region="53")) == {december, visit}
    assert month(ministry, kind="field_visit") == [visit]


def test_a_multi_day_meeting_is_placed_on_every_day_it_spans_and_today_is_marked(offices):
    rakor = MeetingFactory(
        agency=offices["ppu"], starts_at=wib(2026, 11, 30, 9), ends_at=wib(2026, 12, 2, 16)
    )
    weeks = calendar.month_weeks(2026, 11, [rakor], today=TODAY)

    days = {day.date: day for week in weeks for day in week}
    assert all(len(week) == 7 and week[0].date.weekday() == 0 for week in weeks)
    assert [d for d, day in days.items() if rakor in day.meetings] == [
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 2),
    ]
    assert [d for d, day in days.items() if day.is_today] == [TODAY]
    assert days[dt.date(2026, 12, 1)].in_month is False


def test_a_meeting_ending_at_midnight_does_not_take_the_next_day():
    meeting = MeetingFactory.build(starts_at=wib(2026, 11, 20, 19), ends_at=wib(2026, 11, 21, 0))
    assert calendar.meeting_days(meeting) == [dt.date(2026, 11, 20)]


def test_months_step_across_years():
    assert calendar.shift_month(2026, 12, 1) == (2027, 1)
    assert calendar.shift_month(2026, 1, -1) == (2025, 12)


def test_a_calendar_range_must_be_forward_and_at_most_the_feed_window(offices):
    actor = officer(offices["ppu"])
    with pytest.raises(DomainError) as empty:
        selectors.calendar_meetings(actor=actor, start=TODAY, end=TODAY)
    assert empty.value.code == "calendar_range_empty"
    too_long = TODAY + dt.timedelta(days=selectors.CALENDAR_MAX_DAYS + 1)
    with pytest.raises(DomainError) as long:
        selectors.calendar_meetings(actor=actor, start=TODAY, end=too_long)
    assert long.value.code == "calendar_range_too_long"
    selectors.calendar_meetings(
        actor=actor, start=TODAY, end=TODAY + dt.timedelta(days=selectors.CALENDAR_MAX_DAYS)
    )


def test_the_list_shows_upcoming_meetings_soonest_first_and_past_ones_apart(offices):
    actor = officer(offices["ppu"])
    later = MeetingFactory(
        agency=offices["ppu"], starts_at=wib(2026, 12, 10, 9), ends_at=wib(2026, 12, 10, 12)
    )
    running = MeetingFactory(
        agency=offices["ppu"], starts_at=wib(2026, 11, 15, 9), ends_at=wib(2026, 11, 17, 12)
    )
    soon = MeetingFactory(
        agency=offices["ppu"], starts_at=wib(2026, 11, 20, 9), ends_at=wib(2026, 11, 20, 12)
    )
    over = MeetingFactory(agency=offices["ppu"], starts_at=wib(2026, 11, 2, 9), ends_at=wib(2026, 11, 3, 12))
    older = MeetingFactory(agency=offices["ppu"], starts_at=wib(2026, 10, 2, 9), ends_at=wib(2026, 10, 3, 12))

    assert list(selectors.calendar_upcoming(actor=actor)) == [running, soon, later]
    assert list(selectors.calendar_upcoming(actor=actor, past=True)) == [over, older]


def test_the_feed_carries_a_year_back_and_two_years_ahead(offices):
    actor = officer(offices["ppu"])
    inside_back = MeetingFactory(
        agency=offices["ppu"], starts_at=wib(2025, 11, 20, 9), ends_at=wib(2025, 11, 20, 12)
    )
    too_old = MeetingFactory(
        agency=offices["ppu"], starts_at=wib(2025, 11, 10, 9), ends_at=wib(2025, 11, 10, 12)
    )
    inside_ahead = MeetingFactory(
        agency=offices["ppu"], starts_at=wib(2028, 11, 10, 9), ends_at=wib(2028, 11, 10, 12)
    )
    too_far = MeetingFactory(
        agency=offices["ppu"], starts_at=wib(2028, 11, 20, 9), ends_at=wib(2028, 11, 20, 12)
    )

    carried = set(selectors.calendar_feed_meetings(actor=actor))
    assert {inside_back, inside_ahead} <= carried
    assert not {too_old, too_far} & carried


# --- a meeting as an iCalendar event -------------------------------------------------------------------


def test_a_meeting_reads_as_an_event_with_its_place_organisers_link_and_local_time(offices):
    rakor = MeetingFactory(
        agency=offices["kaltim"],
        kind="rakor_dipa",
        title="Rakor Pengendalian DIPA Kaltim",
        host_region_id="64.71",
        venue="Hotel Gran Senyiur",
        starts_at=wib(2026, 11, 24, 8),  # 09:00 in Balikpapan (WITA)
        ends_at=wib(2026, 11, 26, 15),
        mode="hybrid",
        online_link="https://zoom.example/j/123",
        theme="Percepatan realisasi anggaran",
    )
    rakor.co_organisers.add(offices["ppu"])

    content = build([rakor], name="Rapat Budi")
    cal = icalendar.Calendar.from_ical(content)
    (event,) = parse(content)

    assert str(cal["X-WR-CALNAME"]) == "Rapat Budi"
    assert str(event["UID"]) == f"sentra-meeting-{rakor.pk}@sentra"
    assert str(event["SUMMARY"]) == "Rakor Pengendalian DIPA Kaltim"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == wib(2026, 11, 24, 8) and end == wib(2026, 11, 26, 15)
    assert str(start.tzinfo) == "Asia/Makassar" and start.hour == 9
    assert event["DTSTART"].params["TZID"] == "Asia/Makassar"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Makassar"]
    assert str(event["LOCATION"]) == "Hotel Gran Senyiur, Kota Balikpapan"
    assert str(event["URL"]) == f"https://sentra.test/rapat/{rakor.pk}/"
    description = str(event["DESCRIPTION"])
    assert "Rakor Pengendalian DIPA" in description
    assert "Disperindagkop Kaltim, Dinas Perindustrian PPU" in description
    assert "https://zoom.example/j/123" in description
    assert "Percepatan realisasi anggaran" in description
    assert str(event["STATUS"]) == "TENTATIVE"
    assert event.decoded("SEQUENCE") == rakor.version


def test_a_held_meeting_is_confirmed_and_its_uid_stays_while_its_sequence_follows_edits(offices):
    meeting = MeetingFactory(agency=offices["ppu"])
    (before,) = parse(build([meeting]))
    meeting.status = "held"
    meeting.save()
    meeting.refresh_from_db()
    (after,) = parse(build([meeting]))

    assert str(after["UID"]) == str(before["UID"])
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")
    assert str(after["STATUS"]) == "CONFIRMED"


def test_an_event_is_built_once_and_reused_by_every_file_that_holds_it(offices, monkeypatch):
    kept, edited = MeetingFactory(agency=offices["ppu"]), MeetingFactory(agency=offices["kutim"])
    build([kept, edited])
    built = []
    original = calendar.meeting_event
    monkeypatch.setattr(
        calendar, "meeting_event", lambda meeting, **kw: built.append(meeting.pk) or original(meeting, **kw)
    )
    edited.title = "Rakor yang diubah"
    edited.save()
    edited.refresh_from_db()

    events = parse(build([kept, edited]))

    assert built == [edited.pk]  # only the edited meeting is built again
    assert {str(e["SUMMARY"]) for e in events} == {kept.title, "Rakor yang diubah"}
    assert len(events) == 2


@pytest.mark.parametrize(
    ("region", "zone"),
    [
        ("31.71", "Asia/Jakarta"),
        ("53.04", "Asia/Makassar"),
        ("91.01", "Asia/Jayapura"),
        ("61.71", "Asia/Pontianak"),
    ],
)
def test_a_meetings_clock_is_the_zone_of_where_it_is_held(region, zone):
    assert calendar.zone_of_region(region) == ZoneInfo(zone)


def test_without_a_host_the_organisers_region_sets_the_clock(offices):
    meeting = MeetingFactory(agency=offices["ntt"], host_region_id=None)
    (event,) = parse(build([meeting]))
    assert event["DTSTART"].params["TZID"] == "Asia/Makassar"
    national = MeetingFactory(agency=offices["ministry"], host_region_id=None)
    (event,) = parse(build([national]))
    assert event["DTSTART"].params["TZID"] == "Asia/Jakarta"


# --- the calendar address -------------------------------------------------------------------------------


def test_an_address_is_made_renewed_and_revoked_and_only_one_is_in_force(offices):
    actor = officer(offices["ppu"])
    first = services.calendar_feed_create(actor=actor)
    assert selectors.calendar_feed_by_token(first.token) == first
    assert len(first.token) >= 40

    second = services.calendar_feed_create(actor=actor)
    assert second.token != first.token
    assert selectors.calendar_feed_by_token(first.token) is None
    assert selectors.calendar_feed_of(actor=actor) == second

    assert services.calendar_feed_revoke(actor=actor) == 1
    assert selectors.calendar_feed_by_token(second.token) is None
    assert selectors.calendar_feed_of(actor=actor) is None
    # Revoked addresses stay, with the time they were cut.
    assert CalendarFeed.objects.filter(user_id=actor.user_id, revoked_at__isnull=False).count() == 2


def test_an_inactive_users_address_no_longer_works(offices):
    user = persona(Role.REGENCY_OFFICER, agency=offices["ppu"])
    feed = services.calendar_feed_create(actor=actor_of(user))
    user.is_active = False
    user.save()
    assert selectors.calendar_feed_by_token(feed.token) is None


def test_an_unknown_or_empty_token_names_no_address(offices):
    services.calendar_feed_create(actor=officer(offices["ppu"]))
    assert selectors.calendar_feed_by_token("") is None
    assert selectors.calendar_feed_by_token("x" * 43) is None
    assert selectors.calendar_feed_by_token("x" * 200) is None


def test_the_last_use_is_written_at_most_once_an_hour(offices):
    feed = services.calendar_feed_create(actor=officer(offices["ppu"]))
    services.calendar_feed_used(feed)
    first = CalendarFeed.objects.get(pk=feed.pk).last_used_at
    assert first is not None

    half_an_hour_ago = first - dt.timedelta(minutes=30)
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=half_an_hour_ago)
    services.calendar_feed_used(CalendarFeed.objects.get(pk=feed.pk))
    assert CalendarFeed.objects.get(pk=feed.pk).last_used_at == half_an_hour_ago

    an_hour_ago = first - dt.timedelta(minutes=61)
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=an_hour_ago)
    services.calendar_feed_used(CalendarFeed.objects.get(pk=feed.pk))
    assert CalendarFeed.objects.get(pk=feed.pk).last_used_at > an_hour_ago


def test_a_built_calendar_is_served_again_until_a_meeting_it_holds_changes(offices, monkeypatch):
    actor = officer(offices["ppu"])
    meeting = MeetingFactory(agency=offices["ppu"], title="Rakor PPU")
    built = []
    real_build = calendar.build_calendar
    monkeypatch.setattr(calendar, "build_calendar", lambda *a, **k: built.append(1) or real_build(*a, **k))

    def read():
        meetings = selectors.calendar_feed_meetings(actor=actor)
        content = calendar.cached_calendar(
            meetings, name="Rapat", url_for=lambda m: "", owner=(actor.user_id, "s")
        )
        return {str(e["SUMMARY"]) for e in parse(content)}

    assert read() == {"Rakor PPU"} and read() == {"Rakor PPU"}
    assert len(built) == 1
    meeting.title = "Rakor PPU (diundur)"
    meeting.save()
    assert read() == {"Rakor PPU (diundur)"}
    MeetingFactory(agency=offices["ppu"], title="Rakor PPU kedua")
    assert read() == {"Rakor PPU (diundur)", "Rakor PPU kedua"}
    assert len(built) == 3
