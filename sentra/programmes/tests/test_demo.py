"""The part 3 demo year: a complete, consistent fiscal year on top of the registry demo."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.test import override_settings

from sentra.accounts.scope import actor_for_user, system_actor
from sentra.conftest import KALTIM, PPU
from sentra.programmes import selectors
from sentra.programmes.demo import SHARE_MAX, SHARE_MIN, demo_fiscal_year
from sentra.programmes.models import (
    Activity,
    BudgetDocument,
    BudgetDocumentVersion,
    BudgetLine,
    BudgetPolicy,
    DekonAllocation,
    DisbursementPlan,
    Output,
    Programme,
    Realisation,
    default_rpd_windows,
)
from sentra.regions.models import Region
from sentra.registry import demo as registry_demo
from sentra.registry.demo_facts import PPU_CENTRES
from sentra.registry.models import Centre

YEAR = 2026
AS_OF = dt.date(2026, 11, 23)  # realisation for January–October
MODELS = (Programme, Activity, Output, BudgetDocument, BudgetDocumentVersion, BudgetLine, DisbursementPlan)


@pytest.fixture(scope="module")
def demo_year(django_db_setup, django_db_blocker):
    """The registry demo (small) and the demo year, written once for the module, rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            report = registry_demo.DemoReport()
            agencies = registry_demo.demo_real_facts(seed=2026, report=report)
            registry_demo.demo_generate(size="small", seed=2026, stdout=StringIO(), report=report)
            registry_demo.demo_users(agencies=agencies, report=report)
        demo_fiscal_year(YEAR, seed=2026, as_of=AS_OF)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_year")]


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.filter(**_year(m)).count() for m in (*MODELS, Realisation)}


def _year(model) -> dict:
    if model in (Programme, Activity, BudgetDocument, Realisation):
        return {"fiscal_year": YEAR}
    return {}


def as_user(username: str):
    return actor_for_user(get_user_model().objects.get(username=username))


def test_running_it_again_writes_nothing():
    before = counts()
    report = demo_fiscal_year(YEAR, seed=2026, as_of=AS_OF)
    assert counts() == before
    assert any("sudah ada" in note for note in report.notes)
    assert before["Activity"] >= 38 * 3 and before["Realisation"] > 1_000


def test_the_year_has_its_policy_with_the_defaults():
    policy = BudgetPolicy.objects.get(fiscal_year=YEAR)
    assert policy.quarter_targets == (15, 40, 60, 90)
    assert policy.rpd_windows == default_rpd_windows(YEAR)  # the demo sets no deadline of its own
    assert policy.window_months == [2, 4, 7, 10]
    assert policy.lag_threshold == 10


def test_tp_shares_cover_every_province_and_add_up():
    """2026 is a tugas pembantuan year: from TA 2024 Ditjen IKMA's provincial work is TP (domain-facts
    7.1); the split, the balance and the non-physical lines are those the dekon years had."""
    allocation = DekonAllocation.objects.get(fiscal_year=YEAR)
    assert allocation.kind == "tp" and "PP 19/2022" in allocation.legal_basis
    shares = {s.province_id: s.amount for s in allocation.shares.all()}
    provinces = set(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", flat=True))
    assert set(shares) == provinces and len(provinces) == 38
    assert sum(shares.values()) == allocation.total
    assert all(SHARE_MIN <= amount <= SHARE_MAX for amount in shares.values())
    assert allocation.agency.short_name == "Ditjen IKMA"

    assert not BudgetDocument.objects.filter(fiscal_year=YEAR, kind="dekon").exists()
    documents = BudgetDocument.objects.filter(fiscal_year=YEAR, kind="tp", regency_code="")
    assert documents.count() == 38
    for document in documents:
        assert (
            document.agency.kind == "province_industry"
            and document.agency.region_id == document.province_code
        )
        lines = document.lines.all()
        assert lines.aggregate(t=Sum("amount"))["t"] == shares[document.province_code], document
        assert not lines.filter(account_group="53"), "the provinces' work is non-physical"
        assert 3 <= lines.values("activity").distinct().count() <= 6
        assert set(lines.values_list("activity__funding_source", flat=True)) == {"tp"}
        assert ".4." in document.number  # the DIPA's authority digit: 4 tugas pembantuan


def test_dipa_activities_and_lines_carry_sakti_codes(tmp_path):
    """The demo is coded as SAKTI codes a DIPA (satker, kegiatan.KRO.RO.komponen, akun), so that a
    SAKTI-style realisation file imports against it."""
    from sentra.accounts.scope import system_actor as system
    from sentra.core.imports import run_import
    from sentra.programmes.imports import SaktiRealisationSchema

    kaltim = BudgetDocument.objects.get(fiscal_year=YEAR, kind="tp", province_code=KALTIM, regency_code="")
    satker = kaltim.agency.satker_code
    assert len(satker) == 6 and satker in kaltim.number
    lines = BudgetLine.objects.filter(document__fiscal_year=YEAR).exclude(document__kind__in=["apbd_kab"])
    assert not lines.filter(account_code="").exists()
    assert all(line.account_code[:2] == line.account_group for line in lines[:200])
    activity = kaltim.lines.order_by("activity__code").first().activity
    codes = (activity.kegiatan_code, activity.kro_code, activity.ro_code, activity.component_code)
    assert codes == ("5305", "RBS", "001", "051")
    path = tmp_path / "sakti.csv"
    path.write_text(
        "kode_satker,tahun_anggaran,bulan,kode_kegiatan,kode_kro,kode_ro,kode_komponen,kode_akun,realisasi_rp\n"
        f"{satker},{YEAR},10,5305,RBS,001,051,521211,1000\n",
        encoding="utf-8",
    )
    report = run_import(path=path, schema=SaktiRealisationSchema(actor=system(), today=AS_OF))
    assert report.ok, [(e.column, e.code, e.message) for e in report.errors]


def test_a_year_before_2024_is_dekonsentrasi():
    demo_fiscal_year(2023, seed=2026, as_of=dt.date(2023, 12, 31))
    allocation = DekonAllocation.objects.get(fiscal_year=2023)
    assert allocation.kind == "dekon"
    documents = BudgetDocument.objects.filter(fiscal_year=2023, regency_code="").exclude(kind="apbn")
    assert set(documents.values_list("kind", flat=True)) == {"dekon"} and documents.count() == 38
    assert all(".3." in number for number in documents.values_list("number", flat=True))
    sources = Activity.objects.filter(fiscal_year=2023, agency__kind="province_industry")
    assert set(sources.values_list("funding_source", flat=True)) == {"dekon"}
    shares = allocation.shares.aggregate(t=Sum("amount"))["t"]
    assert shares == allocation.total


def test_every_rpd_adds_up_to_its_pagu_and_is_back_loaded():
    assert not selectors.plans_out_of_balance(actor=system_actor(), fiscal_year=YEAR).exists()
    plans = DisbursementPlan.objects.filter(line__document__fiscal_year=YEAR).select_related("line")
    assert plans.count() == BudgetLine.objects.filter(document__fiscal_year=YEAR).count()
    for plan in plans:
        assert sum(plan.months()) == plan.line.amount
    total = selectors.control_total(actor=system_actor(), f=selectors.ControlFilter(fiscal_year=YEAR))
    curve = {row["month"]: row["plan"] for row in total.s_curve()}
    assert 5 < curve[3] < 20 and 25 < curve[6] < 50 and curve[12] == 100.0


def test_realisation_stays_within_the_pagu_and_the_past():
    assert not Realisation.objects.filter(fiscal_year=YEAR, month__gte=AS_OF.month).exists()
    assert set(Realisation.objects.filter(fiscal_year=YEAR).values_list("month", flat=True)) == set(
        range(1, 11)
    )
    pagu = dict(
        BudgetLine.objects.filter(document__fiscal_year=YEAR)
        .values_list("activity")
        .annotate(t=Sum("amount"))
        .values_list("activity", "t")
    )
    spent = Realisation.objects.filter(fiscal_year=YEAR).values("activity").annotate(t=Sum("amount"))
    for row in spent:
        assert row["t"] <= pagu[row["activity"]]
    # cumulative physical progress and output achieved never fall
    for activity in Activity.objects.filter(fiscal_year=YEAR, realisations__isnull=False).distinct()[:40]:
        months = list(
            activity.realisations.order_by("month").values_list("physical_progress", "output_achieved")
        )
        assert months == sorted(months)
    assert not Realisation.objects.filter(fiscal_year=YEAR, physical_progress__gt=100).exists()


def test_some_provinces_lag_and_some_are_on_track():
    actor, f = system_actor(), selectors.ControlFilter(fiscal_year=YEAR, month=10)
    threshold = selectors.policy_for(YEAR).lag_threshold
    rows = {r.key: r for r in selectors.control_figures(actor=actor, f=f, group="province") if r.key}
    lagging = [code for code, r in rows.items() if r.lag > threshold]
    on_track = [code for code, r in rows.items() if abs(r.lag) <= 3]
    assert len(lagging) >= 5, lagging
    assert len(on_track) >= 3, on_track
    assert any(r.lag > 30 for r in rows.values()), "clearly lagging, for the early-warning list"

    warnings = selectors.lagging_activities(actor=actor, f=f)
    assert warnings and all(w.figures.lag > threshold for w in warnings)
    assert {w.activity.province_code for w in warnings} >= set(lagging)
    assert any(w.months_lagging >= 3 for w in warnings)


def test_activities_target_the_demo_centres_and_their_members():
    kaltim = Activity.objects.filter(fiscal_year=YEAR, province_code=KALTIM)
    linked = set(kaltim.values_list("centres__name", flat=True))
    assert len({c["name"] for c in PPU_CENTRES} & linked) >= 5, "the sentra of SK Bupati PPU 518/176/2020"
    provincial = kaltim.filter(
        funding_source="tp", regency_code="", centres__name="Sentra Kelapa dan Kerajinannya"
    )
    assert provincial.exists()
    # every province with demo centres runs at least one activity for some of them
    with_centres = Activity.objects.filter(fiscal_year=YEAR, centres__isnull=False)
    provinces = set(Centre.objects.values_list("province_code", flat=True))
    assert len(provinces) >= 15 and provinces <= set(with_centres.values_list("province_code", flat=True))
    assert Activity.objects.filter(fiscal_year=YEAR, enterprises__isnull=False).distinct().count() >= 40
    # beneficiaries and locations lie in the activity's own province
    for activity in (
        Activity.objects.filter(fiscal_year=YEAR)
        .exclude(province_code="")
        .prefetch_related("centres", "locations")
    ):
        assert all(c.province_code == activity.province_code for c in activity.centres.all())
        assert activity.locations.exists()
        assert all(r.code[:2] == activity.province_code for r in activity.locations.all())


def test_every_activity_has_an_output_and_ministry_and_regency_budgets_exist():
    activities = Activity.objects.filter(fiscal_year=YEAR)
    assert not activities.filter(outputs__isnull=True).exists()
    kinds = set(activities.values_list("kind", flat=True))
    assert {
        "training",
        "wub",
        "cert_halal",
        "ecommerce",
        "exhibition",
        "machine_aid",
        "revitalisation",
    } <= kinds
    apbn = BudgetDocument.objects.get(fiscal_year=YEAR, kind="apbn")
    assert apbn.agency.kind == "ministry" and apbn.lines.values("activity").distinct().count() >= 4
    tp = BudgetDocument.objects.get(fiscal_year=YEAR, kind="tp", regency_code=PPU)
    assert tp.agency.kind == "regency_industry" and tp.lines.filter(account_group="53").exists()
    assert activities.filter(regency_code=PPU, funding_source="apbd_kab").exists()


def test_every_activity_names_its_responsible_officer():
    officers = list(Activity.objects.filter(fiscal_year=YEAR).values_list("officer_name", flat=True))
    assert officers and all(name.strip() for name in officers)
    assert len(set(officers)) > len(officers) // 4  # people, not one placeholder


def test_one_dipa_revision_can_be_compared():
    revised = BudgetDocument.objects.get(fiscal_year=YEAR, revision=1)
    assert revised.province_code == KALTIM and revised.kind == "tp" and not revised.regency_code
    v0, v1 = revised.versions.order_by("revision")
    assert (v0.revision, v1.revision) == (0, 1)
    assert v0.total == v1.total == revised.lines.aggregate(t=Sum("amount"))["t"]
    changes = [row for row in selectors.version_diff(v0.lines, v1.lines) if row["change"]]
    assert len(changes) >= 2 and sum(row["change"] for row in changes) == 0
    current = {(line.activity.code, line.account_group): line.amount for line in revised.lines.all()}
    assert {(row["code"], row["account_group"]): row["amount"] for row in v1.lines} == current


def test_verification_states_are_spread_by_age():
    months = Realisation.objects.filter(fiscal_year=YEAR)
    assert set(months.filter(month__lte=7).values_list("verification_status", flat=True)) == {"accepted"}
    recent = set(months.filter(month__gte=9).values_list("verification_status", flat=True))
    assert {"submitted", "draft"} <= recent
    returned = months.filter(verification_status="returned")
    assert returned.count() == 1 and returned.get().return_reason
    assert not months.filter(verification_status="accepted", accepted_at__isnull=True).exists()
    assert not months.filter(verification_status="draft", submitted_at__isnull=False).exists()


def test_the_demo_personas_see_their_own_activities():
    f = selectors.PlanFilter(fiscal_year=YEAR)
    province = selectors.activity_list(actor=as_user("disperindag.kaltim"), filters=f)
    assert set(province.values_list("province_code", flat=True)) == {KALTIM}
    assert province.filter(funding_source="tp", regency_code="").count() >= 3
    assert province.filter(regency_code=PPU).exists()

    regency = selectors.activity_list(actor=as_user("dinas.ppu"), filters=f)
    assert regency.exists() and set(regency.values_list("regency_code", flat=True)) == {PPU}
    realised = selectors.realisation_list(actor=as_user("dinas.ppu"), filters=f)
    assert realised.exists() and set(realised.values_list("regency_code", flat=True)) == {PPU}

    ministry = selectors.activity_list(actor=as_user("kemenperin"), filters=f)
    assert ministry.count() == Activity.objects.filter(fiscal_year=YEAR).count()
    warnings = selectors.lagging_activities(
        actor=as_user("disperindag.kaltim"), f=selectors.ControlFilter(fiscal_year=YEAR, month=10)
    )
    assert warnings and {w.activity.province_code for w in warnings} == {KALTIM}
