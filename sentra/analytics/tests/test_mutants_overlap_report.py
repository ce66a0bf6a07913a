"""Rules of the overlaps report that no test held before the mutation pass of 2026-12-06
(docs/analytics.md, "Mutation pass"): each test here failed with one deliberate change of
analytics/overlap_report.py."""

import datetime as dt

import pytest

from sentra.analytics import overlap_report
from sentra.analytics.models import ActivityLink, LinkKind
from sentra.analytics.overlaps import overlaps_for
from sentra.conftest import KALTIM
from sentra.programmes.tests.factories import ActivityFactory
from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

SALOLOANG = "64.09.01.1002"
TODAY = dt.date(2026, 11, 16)  # the suite's fixed clock
JUNE, JULY = dt.date(2026, 6, 2), dt.date(2026, 7, 20)


def activity(agency, name, kind="training", start=JUNE, end=JULY, *, places=(SALOLOANG,), enterprises=()):
    act = ActivityFactory(agency=agency, name=name, kind=kind, start_date=start, end_date=end)
    act.locations.set(places)
    act.enterprises.set(enterprises)
    return act


def trainings(actor) -> dict:
    f = overlap_report.clean_filter(actor, year="2026")
    return {row.name: row for row in overlap_report.build(actor=actor, f=f, today=TODAY).trainings}


def test_a_pair_with_an_activity_the_reader_does_not_read_in_full_is_not_listed(
    officer, dinas, kaltim_agency
):
    mine = activity(dinas, "Pelatihan tenun ikat Desa Salo Loang")
    theirs = activity(kaltim_agency, "Bimtek tenun Desa Salo Loang")  # the province's: name and agency only
    [found] = overlaps_for(actor=officer, activity=mine)
    assert found.activity_id == theirs.pk and not found.detail_visible and KALTIM == "64"
    f = overlap_report.clean_filter(officer, year="2026")
    assert overlap_report.build(actor=officer, f=f).duplicates == []


def test_a_training_ending_today_is_not_yet_finished(officer, dinas):
    activity(dinas, "Pelatihan selesai hari ini", start=dt.date(2026, 11, 10), end=TODAY, places=())
    activity(
        dinas,
        "Pelatihan selesai kemarin",
        start=dt.date(2026, 11, 10),
        end=TODAY - dt.timedelta(1),
        places=(),
    )
    rows = trainings(officer)
    assert "Pelatihan selesai kemarin" in rows
    assert "Pelatihan selesai hari ini" not in rows


def test_a_follow_up_must_start_after_the_last_day_of_the_training(officer, dinas):
    same_day, next_day = EnterpriseFactory(village_id=SALOLOANG), EnterpriseFactory(village_id=SALOLOANG)
    activity(dinas, "Pelatihan A", enterprises=[same_day], places=())
    activity(dinas, "WUB mulai hari terakhir", "wub", JULY, dt.date(2026, 8, 1), enterprises=[same_day])
    activity(dinas, "Pelatihan B", enterprises=[next_day], places=())
    activity(
        dinas, "WUB mulai esoknya", "wub", JULY + dt.timedelta(1), dt.date(2026, 8, 1), enterprises=[next_day]
    )
    rows = trainings(officer)
    assert "Pelatihan A" in rows  # the WUB started on the training's last day: not after it
    assert "Pelatihan B" not in rows


def test_an_exhibition_is_not_a_follow_up_of_a_training(officer, dinas):
    weaver = EnterpriseFactory(village_id=SALOLOANG)
    activity(dinas, "Pelatihan tenun", enterprises=[weaver], places=())
    activity(
        dinas, "Pameran kriya", "exhibition", dt.date(2026, 8, 1), dt.date(2026, 8, 3), enterprises=[weaver]
    )
    assert "Pelatihan tenun" in trainings(officer)


@pytest.mark.parametrize("kind", [LinkKind.SEPARATE, LinkKind.MERGE])
def test_only_a_sequence_link_names_a_next_step(officer, dinas, kind):
    training = activity(dinas, "Pelatihan batik", places=())
    other = activity(dinas, "Pelatihan batik kabupaten", start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 5))
    ActivityLink.objects.create(first=training, second=other, kind=kind, reason="Sasaran berbeda")
    assert "Pelatihan batik" in trainings(officer)
