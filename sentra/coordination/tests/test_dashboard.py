"""The follow-up dashboard: completion = done ÷ (all − dropped) and overdue per province, regency and
owner agency, national → province → regency; each persona sees its own scope (404 outside); the
page, its CSV/XLSX export, GET /api/v1/follow-ups/summary and the menu badge. The clock stands at
16 November 2026."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.coordination import dashboard
from sentra.registry.tests.factories import AgencyFactory

from .factories import DecisionFactory, FollowUpFactory, MeetingFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 16)


@pytest.fixture
def world():
    """Kaltim's Rakor with follow-ups for PPU (done, dropped, overdue, in progress), Kutai Timur
    (done, due today) and the province office (overdue); an NTT Rakor with one done; a national
    Rakornas with one open for the ministry."""
    a = {
        "ministry": AgencyFactory(name="Direktorat Jenderal IKMA", kind="ministry", region_id=None),
        "kaltim": AgencyFactory(name="Disperindagkop Kaltim", kind="province_industry", region_id="64"),
        "ntt": AgencyFactory(name="Disperindag NTT", kind="province_industry", region_id="53"),
        "ppu": AgencyFactory(name="Dinas Perindustrian PPU", kind="regency_industry", region_id="64.09"),
        "kutim": AgencyFactory(
            name="Dinas Perindustrian Kutai Timur", kind="regency_industry", region_id="64.08"
        ),
    }
    kaltim_rakor = DecisionFactory(meeting=MeetingFactory(agency=a["kaltim"], title="Rakor Kaltim"))
    ntt_rakor = DecisionFactory(meeting=MeetingFactory(agency=a["ntt"], title="Rakor NTT"))
    rakornas = DecisionFactory(
        meeting=MeetingFactory(agency=a["ministry"], kind="rakornas", title="Rakornas")
    )

    def follow_up(decision, owner, status="open", due=TODAY + dt.timedelta(days=30), **extra):
        return FollowUpFactory(decision=decision, agency=a[owner], status=status, due_on=due, **extra)

    follow_up(kaltim_rakor, "ppu", "done", completed_on=TODAY)
    follow_up(kaltim_rakor, "ppu", "dropped", drop_reason="Digabung dengan kegiatan lain")
    follow_up(kaltim_rakor, "ppu", "open", due=TODAY - dt.timedelta(days=6))
    follow_up(kaltim_rakor, "ppu", "in_progress")
    follow_up(kaltim_rakor, "kutim", "done", completed_on=TODAY)
    follow_up(kaltim_rakor, "kutim", "open", due=TODAY)  # due today: not overdue yet
    follow_up(kaltim_rakor, "kaltim", "in_progress", due=TODAY - dt.timedelta(days=1))
    follow_up(ntt_rakor, "ntt", "done", completed_on=TODAY)
    follow_up(rakornas, "ministry", "open")
    roles = {
        "ministry": Role.MINISTRY_ANALYST,
        "kaltim": Role.PROVINCE_OFFICER,
        "ntt": Role.PROVINCE_OFFICER,
        "ppu": Role.REGENCY_OFFICER,
        "kutim": Role.REGENCY_OFFICER,
    }
    users = {key: persona(roles[key], agency=agency) for key, agency in a.items()}
    return a, users


def figures(summary) -> dict:
    return {g.key: (g.total, g.done, g.dropped, g.pending, g.overdue, g.completion) for g in summary.groups}


def test_national_figures_per_province(world):
    _a, users = world

    summary = dashboard.follow_up_summary(actor=actor_of(users["ministry"]))

    assert summary.group == "province"
    assert figures(summary) == {
        None: (1, 0, 0, 1, 0, 0.0),  # the ministry's own
        "53": (1, 1, 0, 0, 0, 100.0),
        # 2 done of 7 − 1 dropped; overdue: PPU's (6 days) and the province office's (1 day), not
        # Kutai Timur's due today.
        "64": (7, 2, 1, 4, 2, 33.3),
    }
    total = summary.total
    assert (total.total, total.done, total.dropped, total.pending, total.overdue) == (9, 3, 1, 5, 2)
    assert total.completion == 37.5  # 3 ÷ (9 − 1)


def test_a_province_drills_to_its_regencies_and_a_regency_to_owner_agencies(world):
    a, users = world
    ministry = actor_of(users["ministry"])

    province = dashboard.follow_up_summary(actor=ministry, f=dashboard.DashboardFilter(region="64"))
    regency = dashboard.follow_up_summary(actor=ministry, f=dashboard.DashboardFilter(region="64.09"))

    assert province.group == "regency"
    assert figures(province) == {
        None: (1, 0, 0, 1, 1, 0.0),  # the province office itself
        "64.08": (2, 1, 0, 1, 0, 50.0),
        "64.09": (4, 1, 1, 2, 1, 33.3),  # 1 done ÷ (4 − 1 dropped)
    }
    assert regency.group == "agency"
    assert figures(regency) == {a["ppu"].pk: (4, 1, 1, 2, 1, 33.3)}


def test_filters_by_kind_of_meeting_and_year_due_and_groups_per_agency_on_request(world):
    a, users = world
    ministry = actor_of(users["ministry"])

    rakornas = dashboard.follow_up_summary(
        actor=ministry, f=dashboard.DashboardFilter(meeting_kind="rakornas")
    )
    this_year = dashboard.follow_up_summary(actor=ministry, f=dashboard.DashboardFilter(year=2026))
    per_agency = dashboard.follow_up_summary(
        actor=ministry, f=dashboard.DashboardFilter(region="64"), group="agency"
    )

    assert figures(rakornas) == {None: (1, 0, 0, 1, 0, 0.0)}
    # Every follow-up of the world is due in 2026 (the latest on 16 December).
    assert this_year.total.total == 9
    next_year = dashboard.follow_up_summary(actor=ministry, f=dashboard.DashboardFilter(year=2027))
    assert next_year.total.total == 0
    assert {g.key for g in per_agency.groups} == {a["kaltim"].pk, a["ppu"].pk, a["kutim"].pk}


def test_nothing_counted_has_no_completion_rate(world):
    _a, users = world

    summary = dashboard.follow_up_summary(
        actor=actor_of(users["ministry"]), f=dashboard.DashboardFilter(year=2031)
    )

    assert summary.groups == [] and summary.total.completion is None


def test_each_persona_counts_only_what_it_reads(world):
    _a, users = world

    kaltim = dashboard.follow_up_summary(
        actor=actor_of(users["kaltim"]), f=dashboard.DashboardFilter(region="64")
    )
    ntt = dashboard.follow_up_summary(actor=actor_of(users["ntt"]), f=dashboard.DashboardFilter(region="53"))
    ppu = dashboard.follow_up_summary(
        actor=actor_of(users["ppu"]), f=dashboard.DashboardFilter(region="64.09")
    )
    # Unfiltered, a regency officer counts only the follow-ups it reads: its own (not the next regency's).
    ppu_all = dashboard.follow_up_summary(actor=actor_of(users["ppu"]), group="regency")

    assert kaltim.total.total == 7
    assert ntt.total.total == 1
    assert ppu.total.total == 4
    assert {g.key for g in ppu_all.groups} == {"64.09"}


# --- page, export, API, badge ------------------------------------------------------------------------


@pytest.fixture
def login(client):
    def as_(user):
        client.force_login(user)
        return client

    return as_


def test_the_page_drills_down_from_the_nation_to_a_province(login, world):
    _a, users = world
    client = login(users["ministry"])

    national = client.get(reverse("web:follow_up_dashboard"))
    province = client.get(reverse("web:follow_up_dashboard"), {"wilayah": "64"})

    assert national.status_code == 200
    rows = {row.figures.key: row for row in national.context["rows"]}
    assert rows["64"].drill_url.endswith("?wilayah=64")
    assert rows[None].label == "Instansi pusat"
    page = national.content.decode()
    assert 'class="bar-chart"' in page and "37,5%" in page
    assert province.status_code == 200
    assert {row.figures.key for row in province.context["rows"]} == {None, "64.08", "64.09"}
    assert "Kabupaten Penajam Paser Utara" in province.content.decode()


def test_a_region_outside_the_readers_scope_answers_404(login, world):
    _a, users = world
    client = login(users["ntt"])

    assert client.get(reverse("web:follow_up_dashboard"), {"wilayah": "64"}).status_code == 404
    assert client.get(reverse("web:follow_up_dashboard"), {"wilayah": "99.99"}).status_code == 404
    own = client.get(reverse("web:follow_up_dashboard"))
    assert own.status_code == 200 and own.context["f"].region == "53"


def test_the_table_exports_as_csv_and_xlsx(login, world):
    _a, users = world
    client = login(users["ministry"])

    response = client.get(reverse("web:follow_up_dashboard_export"), {"wilayah": "64"})
    xlsx = client.get(reverse("web:follow_up_dashboard_export"), {"wilayah": "64", "format": "xlsx"})

    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:3] == ["Kode", "Nama", "Jumlah tindak lanjut"]
    by_code = {line[0]: line for line in lines[1:]}
    assert by_code["64.09"][2:] == ["4", "1", "1", "2", "1", "33.3", "33.3"]
    assert lines[-1][1] == "Jumlah" and lines[-1][2] == "7"
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_api_gives_the_same_figures(login, world):
    _a, users = world
    client = login(users["kaltim"])

    body = client.get("/api/v1/follow-ups/summary").json()
    outside = client.get("/api/v1/follow-ups/summary", {"region": "53"})
    per_agency = client.get("/api/v1/follow-ups/summary", {"region": "64", "group": "agency"}).json()

    assert body["region"] == "64" and body["group"] == "regency" and body["on"] == "2026-11-16"
    assert body["total"]["total"] == 7 and body["total"]["completion"] == 33.3
    ppu = next(row for row in body["rows"] if row["key"] == "64.09")
    assert (ppu["done"], ppu["dropped"], ppu["overdue"], ppu["completion"]) == (1, 1, 1, 33.3)
    assert outside.status_code == 404
    assert {row["label"] for row in per_agency["rows"]} == {
        "Disperindagkop Kaltim",
        "Dinas Perindustrian PPU",
        "Dinas Perindustrian Kutai Timur",
    }


def test_the_menu_badge_counts_the_agencys_follow_ups_still_to_do(login, world):
    _a, users = world

    ppu_page = login(users["ppu"]).get(reverse("web:meeting_list")).content.decode()
    ntt_page = login(users["ntt"]).get(reverse("web:meeting_list")).content.decode()

    # PPU: one overdue and one in progress (the done and the dropped one are not counted).
    assert 'data-badge="follow-ups"' in ppu_page
    assert '>2<span class="visually-hidden"> belum selesai, 1 terlambat</span>' in ppu_page
    assert 'data-badge="follow-ups"' not in ntt_page  # NTT's only follow-up is done
    assert dashboard.my_follow_up_counts(actor=actor_of(users["kutim"])) == {"pending": 1, "overdue": 0}


def test_a_viewer_of_a_regency_with_no_follow_ups_sees_an_empty_dashboard(world):
    viewer = persona(Role.VIEWER, region="53.04")

    summary = dashboard.follow_up_summary(actor=actor_of(viewer), f=dashboard.DashboardFilter(region="53.04"))

    assert summary.groups == [] and summary.total.total == 0
