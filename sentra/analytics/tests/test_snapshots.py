"""Yearly registry snapshots (analytics.snapshots): the live count per district × KBLI, a year once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from sentra.analytics.aggregates import rebuild_kbli_counts
from sentra.analytics.models import RegistrySnapshot, SnapshotCount
from sentra.analytics.snapshots import reconstruct_snapshot, take_snapshot
from sentra.analytics.tasks import snapshot_registry
from sentra.core.errors import DomainError
from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

SALOLOANG, NENANG, SEPAKU = "64.09.01.1002", "64.09.01.1001", "64.09.03.2001"


@pytest.fixture
def registry():
    """Two villages of Kecamatan Penajam and one of Sepaku; one inactive IKM, one started in 2026."""
    EnterpriseFactory(village_id=SALOLOANG, workers=4, production_value=100, year_started=2020)
    EnterpriseFactory(village_id=NENANG, workers=6, production_value=None, year_started=2025)
    EnterpriseFactory(village_id=NENANG, workers=9, year_started=2026)
    EnterpriseFactory(village_id=NENANG, workers=50, status="inactive", year_started=2010)
    EnterpriseFactory(village_id=SEPAKU, kbli_id="13121", workers=3, year_started=None)
    rebuild_kbli_counts()


def rows(snapshot) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {
        (c.district_code, c.kbli): (c.enterprises, c.workers, c.production_value)
        for c in SnapshotCount.objects.filter(snapshot=snapshot)
    }


def test_a_snapshot_sums_the_live_count_per_district_and_kbli(registry):
    snapshot = take_snapshot()
    assert (snapshot.year, snapshot.taken_on) == (2026, dt.date(2026, 11, 16))  # the fixed clock, WIB
    assert rows(snapshot) == {("64.09.01", "10794"): (3, 19, 100), ("64.09.03", "13121"): (1, 3, 0)}
    count = SnapshotCount.objects.get(snapshot=snapshot, district_code="64.09.03")
    assert (count.regency_code, count.province_code) == ("64.09", "64")


def test_a_year_is_taken_once_unless_replaced(registry):
    first = take_snapshot(2025, dt.date(2025, 12, 31))
    with pytest.raises(DomainError) as refused:
        take_snapshot(2025)
    assert refused.value.code == "snapshot_exists" and "2025" in refused.value.message
    EnterpriseFactory(village_id=SALOLOANG, workers=1)
    rebuild_kbli_counts([SALOLOANG])
    again = take_snapshot(2025, replace=True)
    assert again.pk == first.pk and RegistrySnapshot.objects.count() == 1
    assert rows(again)[("64.09.01", "10794")] == (4, 20, 100)  # replaced, not added to


@pytest.mark.parametrize("year", [2027, 1900])
def test_a_year_to_come_or_before_the_registry_is_refused(registry, year):
    with pytest.raises(DomainError) as refused:
        take_snapshot(year)
    assert refused.value.code == "snapshot_year_invalid"
    assert not RegistrySnapshot.objects.exists()


def test_the_command_prints_one_line_and_refuses_a_taken_year(registry, capsys):
    call_command("snapshot_registry", "--year", "2026")
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [
        "Potret registri 2026 (2026-11-16): 2 baris kecamatan × KBLI, 4 IKM aktif, 22 tenaga kerja."
    ]
    with pytest.raises(CommandError, match="snapshot_exists"):
        call_command("snapshot_registry", "--year", "2026")
    call_command("snapshot_registry", "--year", "2026", "--replace")
    assert RegistrySnapshot.objects.count() == 1


def test_the_year_end_task_replaces_the_years_snapshot(registry):
    take_snapshot(2026, note="diambil tangan")
    result = snapshot_registry.apply().get()
    assert result == {"year": 2026, "rows": 2}
    assert RegistrySnapshot.objects.get(year=2026).note.startswith("Potret akhir tahun")


def test_the_beat_runs_it_on_31_december():
    from sentra.celery import app

    entry = app.conf.beat_schedule["sentra-analytics-registry-snapshot"]
    assert entry["task"] == "sentra.analytics.snapshot_registry"
    schedule = entry["schedule"]
    assert schedule.month_of_year == {12} and schedule.day_of_month == {31}


def test_a_reconstructed_year_counts_the_ikm_started_by_then(registry):
    snapshot = reconstruct_snapshot(2025)
    assert snapshot.taken_on == dt.date(2025, 12, 31) and "tahun mulai" in snapshot.note
    # 2026's start left out, the inactive one left out, the unknown year counted.
    assert rows(snapshot) == {("64.09.01", "10794"): (2, 10, 100), ("64.09.03", "13121"): (1, 3, 0)}
    assert rows(reconstruct_snapshot(2024)) == {
        ("64.09.01", "10794"): (1, 4, 100),
        ("64.09.03", "13121"): (1, 3, 0),
    }
    with pytest.raises(DomainError):
        reconstruct_snapshot(2025)
