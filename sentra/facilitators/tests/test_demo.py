"""The facilitators' demo: the NTT 2019 signing at the Belu Rakor, the PPU facilitator `tpl.ppu` with a
year of work, about 1,000 generated TPL-IKM; the same seed gives the same rows, a second run writes
nothing. Its dates follow the day it is built: here the tests' clock, 16 November 2026 (visits to
15 November), and in the last tests 6 December 2026 (a demo built later has that month's work)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Max
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from sentra.accounts.scope import actor_for_user
from sentra.coordination import demo as coordination_demo
from sentra.core.demo import DemoReport, demo_steps
from sentra.facilitators import coverage, demo
from sentra.facilitators.models import (
    Assignment,
    Contract,
    EnterpriseProposal,
    Facilitator,
    MonthlyReport,
    Placement,
    Visit,
    VisitAction,
    VisitCentre,
    VisitEnterprise,
    VisitPhoto,
)
from sentra.registry import demo as registry_demo
from sentra.registry.models import CentreMembership

NUMBER = re.compile(r"^\d+\.\d+\.\d+ /IKM/KK/\d{1,2}/\d{4}$")  # "3.8.2 /IKM/KK/1/2018"
TODAY = dt.date(2026, 11, 16)  # the tests' clock (sentra/conftest.py): the day the demo is built
LAST_VISIT_DAY = dt.date(2026, 11, 15)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        report = DemoReport()
        agencies = registry_demo.demo_real_facts(seed=2026, report=report)
        registry_demo.demo_generate(size="small", seed=2026, report=report, stdout=open("/dev/null", "w"))
        registry_demo.demo_users(agencies=agencies, report=report)
        coordination_demo._belu_2019(
            coordination_demo.system_actor(), coordination_demo._agencies(report), report
        )
        demo.seed(seed=2026, report=report)
        yield {"report": report, "media": media}
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def _local_days(visits) -> list[dt.date]:
    return sorted(timezone.localtime(at).date() for at in visits.values_list("visited_at", flat=True))


def fingerprint() -> list:
    """What must be the same for the same seed: people, numbers, periods, visits and their client ids."""
    return [
        list(Facilitator.objects.order_by("pk").values_list("name", "cohort", "regency_code", "status")),
        list(Contract.objects.order_by("pk").values_list("number", "period_start", "period_end")),
        list(Visit.objects.order_by("pk").values_list("client_id", "visited_at", "kind", "latitude")),
        list(Assignment.objects.order_by("pk").values_list("centre_id", "enterprise_id", "last_visit_on")),
    ]


def test_the_step_runs_after_coordination():
    keys = [step.key for step in demo_steps()]
    assert keys.index("facilitators") > keys.index("coordination")


def test_the_ntt_signing_at_the_belu_rakor(seeded):
    signed = Contract.objects.filter(signed_at_meeting__title__startswith=demo.BELU_MEETING)
    assert signed.count() == 3  # three representatives
    assert {c.facilitator.cohort for c in signed} == {2014, 2015}
    for contract in signed:
        assert contract.signed_on == dt.date(2019, 4, 25)
        assert contract.regency_code.startswith("53.") and contract.facilitator.regency_code.startswith("53.")
        assert contract.party == "director_general" and NUMBER.match(contract.number)
        assert contract.signed_at_meeting.host_region_id == "53.04"
    second_year = signed.get(facilitator__cohort=2014)
    assert second_year.contract_year == 2 and second_year.previous.period_end == dt.date(2019, 4, 30)


def test_the_ppu_facilitator_placement_and_contract_chain():
    facilitator = Facilitator.objects.get(user__username="tpl.ppu")
    assert facilitator.regency_code == "64.09" and facilitator.agency.name == demo.PPU_AGENCY
    current = Placement.objects.get(facilitator=facilitator, ends_on__isnull=True)
    assert current.region_id == "64.09" and current.host_agency == facilitator.agency
    assert current.supervisor.username == "dinas.ppu"
    chain = list(Contract.objects.filter(facilitator=facilitator).order_by("period_start"))
    assert [c.contract_year for c in chain] == [1, 2, 3, 4]
    assert [c.previous for c in chain] == [None, *chain[:-1]]
    assert all(NUMBER.match(c.number) for c in chain)
    assert chain[-1].period_start <= TODAY <= chain[-1].period_end


def test_the_ppu_caseload_is_the_saloloang_sentra_and_its_members():
    facilitator = Facilitator.objects.get(user__username="tpl.ppu")
    caseload = Assignment.objects.filter(facilitator=facilitator)
    centre = caseload.get(centre__isnull=False).centre
    assert centre.name == demo.SALOLOANG_CENTRE and centre.regency_code == "64.09"
    members = set(CentreMembership.objects.filter(centre=centre).values_list("enterprise_id", flat=True))
    enterprises = set(caseload.filter(enterprise__isnull=False).values_list("enterprise_id", flat=True))
    assert enterprises and enterprises <= members


def test_the_ppu_visits_july_to_november_with_photos(seeded):
    facilitator = Facilitator.objects.get(user__username="tpl.ppu")
    visits = Visit.objects.filter(facilitator=facilitator)
    months = {v.visited_at.date().replace(day=1) for v in visits}
    assert months == {dt.date(2026, m, 1) for m in range(7, 12)}
    days = sorted(v.visited_at.date() for v in visits)
    assert len(days) == 18 and days[0] == dt.date(2026, 7, 3) and days[-1] == dt.date(2026, 11, 10)
    assert {d.day for d in days} == {3, 10, 17, 24}
    assert {v.village.name for v in visits} == {"Salo Loang"}  # the sentra's village, chosen on the phone
    assert not visits.exclude(location_flag="").exists()  # the coordinates fall inside the regency
    assert VisitAction.objects.filter(visit__facilitator=facilitator, done_on__isnull=True).exists()
    photos = VisitPhoto.objects.filter(visit__facilitator=facilitator)
    assert photos.count() >= visits.count()
    photo = photos.first()
    with Image.open(seeded["media"] / photo.image.name) as image:
        assert image.format == "JPEG" and image.size == (photo.width, photo.height)
        assert not image.getexif()  # nothing but the pixels
    # Each caseload entry's last visit is the latest visit that named it.
    for assignment in Assignment.objects.filter(facilitator=facilitator, enterprise__isnull=False):
        latest = VisitEnterprise.objects.filter(
            visit__facilitator=facilitator, enterprise=assignment.enterprise
        ).aggregate(Max("visited_on"))["visited_on__max"]
        assert assignment.last_visit_on == latest


def test_the_ppu_reports_one_approved_one_returned_and_proposals():
    facilitator = Facilitator.objects.get(user__username="tpl.ppu")
    reports = {r.month: r for r in MonthlyReport.objects.filter(facilitator=facilitator)}
    assert sorted(reports) == [dt.date(2026, m, 1) for m in (7, 8, 9, 10)]
    assert {reports[dt.date(2026, m, 1)].verification_status for m in (7, 8)} == {"verified"}
    # The last complete month approved (the coverage page's default shows it), the one before returned.
    approved, returned = reports[dt.date(2026, 10, 1)], reports[dt.date(2026, 9, 1)]
    assert approved.verification_status == "verified" and approved.verified_at
    assert returned.verification_status == "returned" and returned.return_reason
    assert "24 September" in returned.return_reason and "bulan Oktober" in returned.return_reason
    october = Visit.objects.filter(facilitator=facilitator, visited_at__month=10, visited_at__year=2026)
    assert approved.figures["visits"] == october.count() > 0
    assert approved.due_on == dt.date(2026, 11, 5)
    # Submitted two days before the due date and approved on it, as an on-time facilitator would.
    assert timezone.localtime(approved.submitted_at).date() == dt.date(2026, 11, 3)
    assert timezone.localtime(approved.verified_at).date() == dt.date(2026, 11, 5)
    assert timezone.localtime(returned.submitted_at).date() == dt.date(2026, 10, 3)
    proposals = EnterpriseProposal.objects.filter(facilitator=facilitator)
    assert proposals.count() == 2
    assert set(proposals.values_list("outcome", "verification_status")) == {("pending", "submitted")}
    for proposal in proposals:
        assert proposal.base_values["workers"] == proposal.enterprise.workers
        assert proposal.changes["workers"] > proposal.enterprise.workers


def test_about_a_thousand_generated_facilitators_across_regencies():
    generated = Facilitator.objects.filter(notes=demo.GENERATED_NOTE)
    assert generated.count() == demo.GENERATED["small"]
    assert set(generated.values_list("cohort", flat=True)) == set(range(2012, 2020))
    assert generated.values("regency_code").distinct().count() > 400
    assert {a.kind for a in (f.agency for f in generated[:50])} == {"regency_industry"}
    statuses = set(generated.values_list("status", flat=True))
    assert statuses == {"active", "on_leave", "ended", "resigned"}


def test_generated_contracts_are_yearly_chains_without_overlap():
    by_facilitator: dict[int, list] = {}
    for contract in Contract.objects.filter(facilitator__notes=demo.GENERATED_NOTE).order_by("period_start"):
        by_facilitator.setdefault(contract.facilitator_id, []).append(contract)
    statuses = dict(Facilitator.objects.filter(notes=demo.GENERATED_NOTE).values_list("pk", "status"))
    assert len(by_facilitator) == len(statuses)
    for pk, chain in by_facilitator.items():
        for before, after in zip(chain, chain[1:], strict=False):
            assert after.previous_id == before.pk and after.contract_year == before.contract_year + 1
            assert after.period_start == before.period_end + dt.timedelta(days=1)
        running = chain[-1].period_start <= TODAY <= chain[-1].period_end
        assert running == (statuses[pk] in ("active", "on_leave")), (pk, statuses[pk])
        assert chain[0].period_start.year >= chain[0].facilitator.cohort + 4


def test_generated_visits_stay_in_the_placement_and_in_the_past():
    visits = Visit.objects.filter(facilitator__notes=demo.GENERATED_NOTE)
    assert visits.count() > 5 * demo.GENERATED["small"]
    assert not visits.filter(visited_at__date__gt=LAST_VISIT_DAY).exists()
    months = {day.replace(day=1) for day in _local_days(visits)}
    assert months == {dt.date(2026, m, 1) for m in range(6, 12)}  # six months ending with the last day
    assert not visits.exclude(facilitator__status__in=["active", "on_leave"]).exists()
    assert not VisitEnterprise.objects.exclude(enterprise__regency_code=F("visit__regency_code")).exists()
    assert not VisitCentre.objects.exclude(centre__regency_code=F("visit__regency_code")).exists()
    # last_visit_on is the latest visit of each caseload entry; some were not visited for 90 days.
    latest = {
        (row["visit__facilitator_id"], row["enterprise_id"]): row["last"]
        for row in VisitEnterprise.objects.values("visit__facilitator_id", "enterprise_id").annotate(
            last=Max("visited_on")
        )
    }
    assignments = Assignment.objects.filter(enterprise__isnull=False)
    assert all(a.last_visit_on == latest.get((a.facilitator_id, a.enterprise_id)) for a in assignments)
    assert (
        not Assignment.objects.values("enterprise_id")
        .exclude(enterprise=None)
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .exists()
    )  # one facilitator per enterprise
    stale = TODAY - dt.timedelta(days=90)
    assert Assignment.objects.filter(last_visit_on__lt=stale).exists() or (
        Assignment.objects.filter(last_visit_on__isnull=True).exists()
    )


def test_a_second_run_writes_nothing(seeded):
    before = fingerprint()
    report = DemoReport()
    with override_settings(MEDIA_ROOT=seeded["media"]):
        demo.seed(seed=2026, report=report)
    assert fingerprint() == before
    assert not any(report.created.values())


def _wipe() -> None:
    """Everything the facilitators' step wrote (the steps before it stay)."""
    for model in (
        VisitPhoto,
        VisitAction,
        VisitCentre,
        VisitEnterprise,
        EnterpriseProposal,
        MonthlyReport,
    ):
        model.objects.all().delete()
    Contract.objects.update(previous=None)
    for model in (Visit, Assignment, Contract, Placement, Facilitator):
        model.objects.all().delete()


def test_the_same_seed_gives_the_same_rows(seeded):
    before = fingerprint()
    with transaction.atomic(), override_settings(MEDIA_ROOT=seeded["media"]):
        _wipe()
        demo.seed(seed=2026, report=DemoReport())
        again = fingerprint()
        transaction.set_rollback(True)
    assert again == before


# --- a demo built on a later day ----------------------------------------------------------------------

LATER = dt.datetime(2026, 12, 6, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))  # three weeks after the above


@pytest.fixture
def built_later(seeded, time_machine):
    """The facilitators' step built again (same seed) on 6 December 2026, rolled back afterwards."""
    time_machine.move_to(LATER, tick=True)
    with transaction.atomic(), override_settings(MEDIA_ROOT=seeded["media"]):
        _wipe()
        demo.seed(seed=2026, report=DemoReport())
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("built_later")
def test_a_demo_built_later_has_that_month_and_the_month_before():
    """The demo's visits end the day before it is built, whatever day that is: an official opening the
    coverage page (this month by default) on the day sees visits of this month and of the last."""
    assert timezone.localdate() == dt.date(2026, 12, 6)
    ppu = _local_days(Visit.objects.filter(facilitator__user__username="tpl.ppu"))
    assert len(ppu) == 18 and ppu[0] == dt.date(2026, 7, 24) and ppu[-1] == dt.date(2026, 12, 3)
    generated = _local_days(Visit.objects.filter(facilitator__notes=demo.GENERATED_NOTE))
    assert generated[-1] <= dt.date(2026, 12, 5)  # none today or later
    assert {d.replace(day=1) for d in generated} == {dt.date(2026, m, 1) for m in range(7, 13)}
    for visits in (ppu, generated):
        assert any(d.month == 11 for d in visits) and any(d.month == 12 for d in visits)


@pytest.mark.usefixtures("built_later")
def test_a_demo_built_later_moves_its_reports_and_keeps_its_contracts_running():
    facilitator = Facilitator.objects.get(user__username="tpl.ppu")
    reports = {r.month: r for r in MonthlyReport.objects.filter(facilitator=facilitator)}
    assert sorted(reports) == [dt.date(2026, m, 1) for m in (8, 9, 10, 11)]
    assert {reports[dt.date(2026, m, 1)].verification_status for m in (8, 9, 11)} == {"verified"}
    returned = reports[dt.date(2026, 10, 1)]  # the month before the last complete one, to be completed
    assert returned.verification_status == "returned"
    assert "24 Oktober" in returned.return_reason and "bulan November" in returned.return_reason
    assert reports[dt.date(2026, 11, 1)].figures["visits"] == 4
    today = dt.date(2026, 12, 6)
    for chain_end in (
        Contract.objects.filter(facilitator=f).order_by("-period_start").first()
        for f in Facilitator.objects.filter(status="active").exclude(
            contracts__signed_at_meeting__isnull=False  # the NTT 2019 signing is history, as it was
        )
    ):
        assert chain_end.period_start <= today <= chain_end.period_end
    # The coverage page's default month (this month) has the visits; its reports are November's.
    dinas = actor_for_user(get_user_model().objects.get(username="dinas.ppu"))
    data = coverage.region_coverage(actor=dinas, region=coverage.coverage_region(actor=dinas, code=None))
    assert data.month == dt.date(2026, 12, 1) and data.report_month == dt.date(2026, 11, 1)
    assert data.total.visits_month > 0 and data.total.visits_by_month[-2] > 0
    row = next(r for r in data.facilitators if r.facilitator == facilitator)
    assert row.visits_month == 1
    assert (row.report_status, row.report_timeliness) == ("verified", "on_time")  # November's


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (dt.date(2026, 11, 16), dt.date(2026, 7, 3), dt.date(2026, 11, 10)),
        (dt.date(2027, 1, 3), dt.date(2026, 8, 17), dt.date(2026, 12, 24)),  # the 3rd is today: not yet
        (dt.date(2027, 3, 1), dt.date(2026, 10, 17), dt.date(2027, 2, 24)),
    ],
)
def test_the_ppu_visit_days_are_the_last_18_before_the_build_day(today, first, last):
    days = demo.ppu_visit_days(today)
    assert len(days) == len(set(days)) == 18 and days == sorted(days)
    assert (days[0], days[-1]) == (first, last)


def test_the_ppu_contracts_end_with_the_one_running_on_the_build_day():
    assert demo.ppu_contract_starts(dt.date(2026, 11, 16))[0] == dt.date(2023, 5, 1)
    assert demo.ppu_contract_starts(dt.date(2027, 4, 30))[-1] == dt.date(2026, 5, 1)
    assert demo.ppu_contract_starts(dt.date(2027, 5, 1))[-1] == dt.date(2027, 5, 1)
