"""The meeting series pages (/koordinasi/seri/): every reader lists the series, but counts and sees
only the meetings they read; a user who may create adds a series; a series' page shows its host
rotation by year and edition, and a meeting's page links to its series."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.coordination.models import MeetingSeries
from sentra.regions.models import Region
from sentra.registry.tests.factories import AgencyFactory

from .factories import MeetingFactory, MeetingSeriesFactory, wib

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
def login(client):
    def as_(user):
        client.force_login(user)
        return client

    return as_


@pytest.fixture
def rakornas(offices):
    """Rakornas: 2023 edition 1 in NTT, edition 2 and 2024 in Kalimantan Utara, 2026 edition 1 there too."""
    series = MeetingSeriesFactory(name="Rakornas Dekon Ditjen IKMA", organiser=offices["ministry"])
    held = [(2023, 1, "53", 3), (2023, 2, "65", 9), (2024, 1, "65", 5), (2026, 1, "65", 4)]
    for year, edition, host, month in held:
        MeetingFactory(
            agency=offices["ministry"],
            series=series,
            edition=edition,
            host_region_id=host,
            title=f"Rakornas {year} edisi {edition}",
            kind="rakornas",
            starts_at=wib(year, month, 10, 9),
            ends_at=wib(year, month, 12, 16),
        )
    return series


def _rotation(html: str) -> list[list[str]]:
    """The rotation table as text: [[year, host of edition 1, host of edition 2, ...], ...]."""
    table = re.search(r'<table class="table" id="rotation">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def test_the_rotation_table_shows_each_years_hosts_by_edition(login, offices, rakornas):
    kaltara = Region.objects.get(code="65").name
    ntt = Region.objects.get(code="53").name
    page = login(persona(Role.MINISTRY_ADMIN, agency=offices["ministry"])).get(
        reverse("web:series_detail", args=[rakornas.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert _rotation(html) == [
        ["2023", ntt, kaltara],
        ["2024", kaltara, "—"],
        ["2026", kaltara, "—"],
    ]
    # 2026 already has its edition 1: the next one to plan is edition 2.
    assert "tahun 2026, edisi 2" in html
    assert reverse("web:meeting_create") in html


def test_a_series_page_shows_only_the_meetings_the_user_reads(login, offices, rakornas):
    # The province reads the Rakornas it hosted, not those held in Kalimantan Utara.
    page = login(persona(Role.PROVINCE_OFFICER, agency=offices["ntt"])).get(
        reverse("web:series_detail", args=[rakornas.pk])
    )
    html = page.content.decode()
    assert _rotation(html) == [["2023", Region.objects.get(code="53").name]]
    assert "Rakornas 2023 edisi 1" in html and "Rakornas 2024 edisi 1" not in html


def test_every_reader_lists_the_series_but_counts_only_the_meetings_they_read(login, offices, rakornas):
    kupang_series = MeetingSeriesFactory(
        name="Rakor Internal Kab. Kupang", kind="rakor_programme", organiser=offices["kupang"]
    )
    MeetingFactory(agency=offices["kupang"], series=kupang_series, edition=1, host_region_id="53.01")

    def rows(user) -> dict[str, list[str]]:
        html = login(user).get(reverse("web:series_list")).content.decode()
        table = re.search(r'<table class="table" id="series-table">(.*?)</table>', html, re.S).group(1)
        cells = [
            [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
        ]
        return {row[0]: row[3:] for row in cells}

    # Belu reads neither the Rakornas (not invited, not hosting) nor Kupang's internal meeting.
    assert rows(persona(Role.REGENCY_OFFICER, agency=offices["belu"])) == {
        "Rakor Internal Kab. Kupang": ["0", "—"],
        "Rakornas Dekon Ditjen IKMA": ["0", "—"],
    }
    # The province reads its regencies' meetings and the Rakornas it hosted.
    assert rows(persona(Role.PROVINCE_OFFICER, agency=offices["ntt"])) == {
        "Rakor Internal Kab. Kupang": ["1", "2026 · edisi 1"],
        "Rakornas Dekon Ditjen IKMA": ["1", "2023 · edisi 1"],
    }
    assert rows(persona(Role.MINISTRY_ADMIN, agency=offices["ministry"]))["Rakornas Dekon Ditjen IKMA"] == [
        "4",
        "2026 · edisi 1",
    ]


def test_an_officer_creates_a_series_in_their_office_and_a_taken_name_is_refused_on_its_field(
    login, offices, rakornas
):
    client = login(persona(Role.PROVINCE_OFFICER, agency=offices["ntt"]))
    created = client.post(reverse("web:series_list"), {"name": "Rakorda IKM NTT", "kind": "rakor_programme"})
    series = MeetingSeries.objects.get(name="Rakorda IKM NTT")
    assert created.status_code == 302 and created["Location"] == reverse(
        "web:series_detail", args=[series.pk]
    )
    assert series.organiser == offices["ntt"]

    refused = client.post(
        reverse("web:series_list"), {"name": "Rakornas Dekon Ditjen IKMA", "kind": "rakornas"}
    )
    assert refused.status_code == 400
    assert refused.context["form"].errors["name"]
    assert MeetingSeries.objects.filter(name="Rakornas Dekon Ditjen IKMA").count() == 1


def test_a_reader_who_may_not_create_gets_no_form_and_a_post_is_refused(login, offices):
    client = login(persona(Role.VIEWER, agency=offices["ntt"]))
    page = client.get(reverse("web:series_list"))
    assert page.status_code == 200 and 'id="series-form"' not in page.content.decode()
    refused = client.post(reverse("web:series_list"), {"name": "Rakorda IKM NTT", "kind": "rakor_programme"})
    assert refused.status_code == 403
    assert not MeetingSeries.objects.filter(name="Rakorda IKM NTT").exists()


def test_a_meeting_page_links_to_its_series(login, offices, rakornas):
    meeting = rakornas.meetings.get(fiscal_year=2024)
    page = login(persona(Role.MINISTRY_ADMIN, agency=offices["ministry"])).get(
        reverse("web:meeting_detail", args=[meeting.pk])
    )
    assert f'href="{reverse("web:series_detail", args=[rakornas.pk])}"' in page.content.decode()
