"""The demo of overlaps, links and pathways: the Kutai Timur case flagged and linked, generated pairs."""

from __future__ import annotations

import pytest

from sentra.accounts.scope import system_actor
from sentra.analytics import demo_overlaps
from sentra.analytics.models import ActivityLink, LinkKind
from sentra.analytics.overlaps import overlaps_for
from sentra.analytics.pathways import pathway
from sentra.core.demo import DemoReport, demo_steps
from sentra.programmes.models import Activity
from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    # A few IKM in the first villages of Kutai Timur and of the generated regencies' provinces.
    from sentra.regions.models import Region

    for regency in ("64.08",):
        for village in Region.objects.filter(
            level=Region.Level.VILLAGE, code__startswith=regency + "."
        ).order_by("code")[:2]:
            for _ in range(4):
                EnterpriseFactory(village_id=village.code)
    # Two IKM in every regency of the generated provinces (the demo picks its regencies at random).
    for regency in Region.objects.filter(level=Region.Level.REGENCY, parent_id__in=demo_overlaps.PROVINCES):
        village = Region.objects.filter(parent__parent=regency).order_by("code").first()
        if village is not None:
            EnterpriseFactory.create_batch(2, village_id=village.code)


def fingerprint():
    return sorted(
        Activity.objects.values_list(
            "code", "agency__name", "fiscal_year", "name", "kind", "start_date", "end_date"
        )
    ), sorted(ActivityLink.objects.values_list("first__code", "second__code", "kind"))


def test_the_step_runs_after_analytics_own_step():
    steps = {step.key: step for step in demo_steps()}
    assert steps["analytics_overlaps"].order == 65 > steps["analytics"].order


def test_kutai_timur_pair_is_flagged_and_linked_as_a_sequence(registry):
    report = DemoReport()
    counts = demo_overlaps.seed(report=report)
    basic = Activity.objects.get(code=demo_overlaps.BASIC_CODE)
    advanced = Activity.objects.get(code=demo_overlaps.ADVANCED_CODE)
    assert basic.agency.name == demo_overlaps.DEKRANASDA_KUTIM and basic.regency_code == "64.08"
    assert advanced.agency.name == demo_overlaps.DISKOP_KUTIM
    assert set(basic.locations.values_list("code", flat=True)) == set(
        advanced.locations.values_list("code", flat=True)
    )
    assert (basic.start_date.month - 1) // 3 == (advanced.start_date.month - 1) // 3  # the same quarter
    assert basic.start_date < advanced.start_date

    link = ActivityLink.objects.get()
    assert (link.first_id, link.second_id, link.kind) == (basic.pk, advanced.pk, LinkKind.SEQUENCE)
    assert link.score is not None and link.reason
    found = {o.activity_id: o for o in overlaps_for(actor=system_actor(), activity=basic)}
    assert found[advanced.pk].link_kind == LinkKind.SEQUENCE
    assert counts["activity links"] == 1 and report.created["activity links"] == 1


def test_generated_overlaps_are_flagged_and_left_undecided(registry):
    demo_overlaps.seed()
    actor = system_actor()
    pairs = Activity.objects.filter(code__endswith=".A").exclude(code__startswith="DEMO-ANALITIK.TENUN")
    assert pairs.count() == len(demo_overlaps.PROVINCES) * demo_overlaps.REGENCIES_PER_PROVINCE
    assert set(pairs.values_list("province_code", flat=True)) == set(demo_overlaps.PROVINCES)
    for first in pairs:
        second = Activity.objects.get(code=first.code[:-1] + "B")
        assert second.agency_id != first.agency_id
        found = {o.activity_id: o for o in overlaps_for(actor=actor, activity=first)}
        assert second.pk in found, first.code
        assert found[second.pk].link_kind is None


def test_generated_pathways_span_two_years(registry):
    demo_overlaps.seed()
    halal = Activity.objects.filter(code__endswith=".H").order_by("code").first()
    enterprise = halal.enterprises.order_by("pk").first()
    assert enterprise is not None
    years = set(enterprise.activities.values_list("fiscal_year", flat=True))
    assert years == {2025, 2026}
    timeline = pathway(actor=system_actor(), enterprise=enterprise.pk)
    assert len(timeline.events) >= 3


def test_same_seed_same_rows_and_a_second_run_writes_nothing(registry):
    demo_overlaps.seed(seed=3)
    first = fingerprint()
    again = demo_overlaps.seed(seed=3)
    assert again == {"overlap demo activities": 0, "activity links": 0}
    assert fingerprint() == first
    # The same seed on an empty database gives the same rows.
    ActivityLink.objects.all().delete()
    Activity.objects.all().delete()
    from sentra.programmes.models import Programme

    Programme.objects.filter(code=demo_overlaps.PROGRAMME_CODE).delete()
    demo_overlaps.seed(seed=3)
    assert fingerprint() == first
