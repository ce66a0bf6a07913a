"""Analytics' demo step: the count rebuilt after the registry's bulk load, and the registry years."""

from __future__ import annotations

import pytest

from sentra.analytics import demo
from sentra.analytics.aggregates import kbli_count_drift
from sentra.analytics.models import KbliCount, RegistrySnapshot, SnapshotCount
from sentra.core.demo import DemoReport, demo_steps
from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def fingerprint():
    return (
        sorted(KbliCount.objects.values_list("village_code", "kbli", "enterprises", "workers")),
        sorted(RegistrySnapshot.objects.values_list("year", "taken_on", "note")),
        sorted(
            SnapshotCount.objects.values_list(
                "snapshot__year", "district_code", "kbli", "enterprises", "workers"
            )
        ),
    )


@pytest.fixture
def registry():
    # As the registry's demo loads them: straight into the table, the count not kept.
    for i, year in enumerate([2001, 2010, 2024, 2025, 2025, None]):
        EnterpriseFactory(
            village_id=("64.09.01.1002", "64.09.03.2001")[i % 2], workers=i + 1, year_started=year
        )
    EnterpriseFactory(year_started=2000, status="closed")


def test_the_step_runs_after_the_registry_and_the_domains():
    steps = {step.key: step for step in demo_steps()}
    assert steps["analytics"].order == 60 > steps["facilitators"].order > steps["registry"].order


def test_the_demo_rebuilds_the_count_and_has_two_years_and_the_live_one(registry):
    assert KbliCount.objects.count() == 0
    report = DemoReport()
    demo.seed(report=report)
    assert kbli_count_drift() == []
    assert report.created["registry counts"] == 2 and report.created["registry snapshots"] == 3
    by_year = {
        s.year: sum(s.counts.values_list("enterprises", flat=True)) for s in RegistrySnapshot.objects.all()
    }
    # 2024: started ≤ 2024 or unknown (4); 2025: the two started in 2025 too (6); 2026 live (6).
    assert by_year == {2024: 4, 2025: 6, 2026: 6}
    assert RegistrySnapshot.objects.get(year=2024).note.startswith("Rekonstruksi demo")


def test_a_second_run_writes_nothing_and_the_same_data_give_the_same_rows(registry):
    demo.seed()
    before = fingerprint()
    report = DemoReport()
    demo.seed(report=report)
    assert fingerprint() == before
    assert not any(report.created.values())


def test_the_demo_stores_the_topic_of_activities_loaded_past_their_save(registry):
    from sentra.analytics.models import ActivityTopic
    from sentra.programmes.models import Activity
    from sentra.programmes.tests.factories import ActivityFactory

    made = ActivityFactory(name="Pelatihan tenun ikat")
    ActivityTopic.objects.all().delete()  # as after the programmes' bulk demo load
    demo.seed()
    topic = ActivityTopic.objects.get(activity=made)
    assert topic.version == Activity.objects.get(pk=made.pk).version
