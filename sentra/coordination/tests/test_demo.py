"""The coordination demo: the seed meetings of demo-facts.md, follow-ups in every state, the Kutai
Timur MoU → PK chain, generated provincial meetings; safe to run twice."""

from __future__ import annotations

import random

import pytest
from django.db import transaction

from sentra.coordination import demo
from sentra.coordination.models import Agreement, FollowUp, Meeting
from sentra.core.demo import DemoReport, demo_steps
from sentra.registry import demo as registry_demo


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        report = DemoReport()
        registry_demo.demo_real_facts(seed=2026, report=report)
        demo.seed(random.Random(1), report=report)
        yield report
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def test_the_step_runs_after_the_programmes():
    keys = [step.key for step in demo_steps()]
    assert keys.index("coordination") > keys.index("programmes")


def test_the_seed_meetings_with_their_places_and_dates():
    balikpapan = Meeting.objects.get(title__startswith="Rakor Pengendalian Pengelolaan DIPA TA 2019")
    assert (balikpapan.host_region_id, str(balikpapan.starts_at.date())) == ("64.71", "2019-02-24")
    assert balikpapan.visited_centre.name == "Sentra IKM Tahu Tempe Somber"
    belu = Meeting.objects.get(title__startswith="Rakor Pelaksanaan Kegiatan 2019")
    assert belu.invitations.count() == 22 and belu.host_region_id == "53.04"
    assert {a.name for a in belu.co_organisers.all()} == {
        "Disperindag Provinsi Nusa Tenggara Timur",
        "Pemerintah Kabupaten Belu",
    }
    rakornas = Meeting.objects.filter(series__name=demo.SERIES_RAKORNAS).order_by("starts_at")
    assert [m.host_region_id for m in rakornas] == ["16.71", "63.71", "65.71"]
    assert rakornas[2].agendaitems.filter(title="Tindak lanjut rapat sebelumnya").exists()
    rakernas = Meeting.objects.get(title="Rakernas Dekranas 2022")
    assert rakernas.mode == "hybrid" and rakernas.participants.get().attendance == "online"


def test_follow_ups_in_every_state_and_some_overdue():
    assert set(FollowUp.objects.values_list("status", flat=True)) == {
        "open",
        "in_progress",
        "done",
        "dropped",
    }
    assert FollowUp.objects.filter(status="dropped").exclude(drop_reason="").exists()
    assert FollowUp.objects.filter(status__in=["open", "in_progress"], due_on__lt="2026-11-16").exists()


def test_the_kutai_timur_chain():
    mou = Agreement.objects.get(kind="mou", title__contains="Kutai Timur")
    assert sorted(mou.children.values_list("kind", flat=True)) == ["pk"] * 4
    assert FollowUp.objects.filter(evidence_agreement=mou, status="done").exists()
    assert FollowUp.objects.filter(description__startswith="Sinkronisasi jadwal").exists()


def test_every_province_has_generated_meetings():
    assert Meeting.objects.filter(title__startswith="Rakor Pelaksanaan Program IKM").count() == 38 * 3


def test_the_national_programmes_and_their_adoption_in_every_state():
    from sentra.coordination.models import Adoption, NationalProgramme

    dekranas = NationalProgramme.objects.get(title__startswith="Program Kerja Dekranas")
    assert (dekranas.presented_at.title, dekranas.level, str(dekranas.sent_on)) == (
        "Rakernas Dekranas 2022",
        "regency",
        "2022-10-03",
    )
    kutim = Adoption.objects.get(programme=dekranas, region_id="64.08")
    assert (kutim.status, kutim.funding) == ("adopted", "grant") and "PK" in kutim.adaptation
    assert dekranas.adoptions.filter(province_code="53", status="declined").exclude(decline_reason="")
    assert dekranas.adoptions.filter(status="pending").count() > dekranas.adoptions.count() / 2
    priority = NationalProgramme.objects.get(title__startswith="Prioritas Kemenperin 2025")
    assert priority.level == "province" and priority.adoptions.count() == 38
    assert priority.adoptions.get(region_id="65").status == "adopted"  # Kalimantan Utara, Tarakan


def test_running_it_again_writes_nothing_twice():
    from sentra.coordination.models import Adoption

    before = (
        Meeting.objects.count(),
        FollowUp.objects.count(),
        Agreement.objects.count(),
        Adoption.objects.count(),
    )
    demo.seed(random.Random(1), report=DemoReport())
    after = (
        Meeting.objects.count(),
        FollowUp.objects.count(),
        Agreement.objects.count(),
        Adoption.objects.count(),
    )
    assert after == before
