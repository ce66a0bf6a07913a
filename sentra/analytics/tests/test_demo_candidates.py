"""The demo's Kaltim candidates: village groups and a cluster without a sentra, and growth since 2025."""

from __future__ import annotations

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.analytics import demo, demo_candidates
from sentra.analytics.candidates import KIND_DISTRICT, KIND_VILLAGE, candidates
from sentra.analytics.potential import leading_commodities
from sentra.core.demo import DemoReport, demo_steps
from sentra.regions.models import Kbli, Region
from sentra.registry.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(kaltim_agency):
    return actor_of(persona(Role.PROVINCE_OFFICER, agency=kaltim_agency))


def test_the_step_runs_after_the_facilitators_and_before_analytics_count():
    steps = {step.key: step for step in demo_steps()}
    assert steps["facilitators"].order < steps["analytics_candidates"].order == 55 < steps["analytics"].order


def test_the_groups_lie_on_real_villages_and_kbli_codes():
    villages = {g[0] for g in demo_candidates.GROUPS}
    assert Region.objects.filter(code__in=villages, level=Region.Level.VILLAGE).count() == len(villages)
    assert {v[:5] for v in villages} == {"64.09", "64.08", "64.02"}
    codes = {g[1] for g in demo_candidates.GROUPS}
    assert Kbli.objects.filter(code__in=codes, level=5).count() == len(codes)


def test_kaltim_has_village_candidates_and_a_cluster_with_growth(province):
    demo_candidates.seed()
    demo.seed()
    found = candidates(actor=province, region="64")
    got = {(c.kind, c.place_code, c.kbli, c.enterprises) for c in found.items}
    assert (KIND_VILLAGE, "64.09.01.1009", "10794", 7) in got  # Nipah-Nipah, PPU
    assert (KIND_VILLAGE, "64.08.04.2011", "13121", 6) in got  # Singa Gembara, Kutai Timur
    assert (KIND_DISTRICT, "64.02.06", "31001", 6) in got  # Tenggarong, Kutai Kartanegara: 3 + 3
    cluster = next(c for c in found.items if c.kind == KIND_DISTRICT)
    assert sorted(cluster.villages) == ["64.02.06.1002", "64.02.06.1004"]
    assert found.growth_from == 2025
    # PPU: 3 started by 2025, 7 now.
    ppu = next(c for c in found.items if c.place_code == "64.09.01.1009")
    assert ppu.growth == pytest.approx(7 / 3 - 1)
    # The regencies' own pages list theirs too.
    for regency, place in (("64.09", "64.09.01.1009"), ("64.08", "64.08.04.2011")):
        assert place in {c.place_code for c in candidates(actor=province, region=regency).items}

    leading = {item.kbli: item for item in leading_commodities(actor=province, region_code="64").items}
    assert leading["10794"].growth == pytest.approx(7 / 3 - 1)
    for code in ("10794", "13121", "31001"):
        assert leading[code].growth and leading[code].growth > 0
        assert leading[code].national_share or leading[code].regional_shift


def test_a_second_run_writes_nothing():
    report = DemoReport()
    assert demo_candidates.seed(report=report) == {demo_candidates.COUNT: 19}
    assert report.created[demo_candidates.COUNT] == 19
    before = sorted(Enterprise.objects.values_list("nib", "name", "village_id", "kbli_id", "year_started"))
    again = DemoReport()
    assert demo_candidates.seed(report=again) == {demo_candidates.COUNT: 0}
    assert again.created[demo_candidates.COUNT] == 0
    assert (
        sorted(Enterprise.objects.values_list("nib", "name", "village_id", "kbli_id", "year_started"))
        == before
    )


def test_rows_are_valid_enterprises():
    demo_candidates.seed()
    for enterprise in Enterprise.objects.filter(nib__startswith="764"):
        enterprise.full_clean()
        assert enterprise.status == "active" and enterprise.production_value > 0
