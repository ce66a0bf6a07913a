"""Budget scoring as IKPA does it (issue 13.1–2; domain-facts 7.1; PER-5/PB/2024 Pasal 7 and 9).

Every figure is checked against a table computed by hand below (in millions of rupiah, "M").
"""

from __future__ import annotations

import datetime as dt

import pytest

from sentra.core.errors import DomainError, StaleVersion
from sentra.programmes import services
from sentra.programmes.models import BudgetLine, BudgetPolicy, DisbursementPlan, Realisation
from sentra.programmes.selectors import (
    ControlFigures,
    ControlFilter,
    TypeFigures,
    control_total,
    policy_for,
    type_quarter_targets,
)

from .factories import YEAR, ActivityFactory, BudgetDocumentFactory, BudgetLineFactory, RealisationFactory

pytestmark = pytest.mark.django_db

M = 1_000_000

# The hand-computed table: one satker, three spending types, January and February.
#
#   type  pagu   share | Jan plan  real  dev          | Feb plan  real  dev
#   51    200 M  0.2   |     20     20    0 %         |     20     25   |25−20|/20 = 25 %
#   52    600 M  0.6   |     50     40   |40−50|/50=20 %|     50     60   |60−50|/50 = 20 %
#   53    200 M  0.2   |      0      0    0 % (no plan, no spending)
#                                                      |    100     50   |50−100|/100 = 50 %
#
#   weighted (PER-5/PB/2024): Jan 0.2·0 + 0.6·20 + 0.2·0 = 12.00 %
#                             Feb 0.2·25 + 0.6·20 + 0.2·50 = 5 + 12 + 10 = 27.00 %
#                             year to February (12 + 27) / 2 = 19.50 %
#   plain mean (2022 rule):   Jan (0 + 20 + 0) / 3 = 6.67 %
#                             Feb (25 + 20 + 50) / 3 = 31.67 %
#                             year to February (6.666… + 31.666…) / 2 → (6.67 + 31.67) / 2 = 19.17 %
#   on the totals (what Sentra computed before): Jan |60−70|/70 = 14.29 %, Feb |135−170|/170 = 20.59 %
TABLE = {
    "51": (200 * M, {1: (20 * M, 20 * M), 2: (20 * M, 25 * M)}),
    "52": (600 * M, {1: (50 * M, 40 * M), 2: (50 * M, 60 * M)}),
    "53": (200 * M, {1: (0, 0), 2: (100 * M, 50 * M)}),
}


def figures_of(table, rule: str, month: int = 2) -> ControlFigures:
    figures = ControlFigures(month=month, rule=rule)
    for group, (pagu, months) in table.items():
        t = figures.types[group] = TypeFigures(group, pagu=pagu)
        for m, (plan, real) in months.items():
            t.plan[m - 1], t.realised[m - 1] = plan, real
        figures.pagu += pagu
        figures.plan = [a + b for a, b in zip(figures.plan, t.plan, strict=True)]
        figures.realised = [a + b for a, b in zip(figures.realised, t.realised, strict=True)]
    return figures


class TestDeviationPerSpendingType:
    def test_weighted_by_each_types_share_of_the_pagu(self):
        figures = figures_of(TABLE, "weighted")
        assert figures.type_deviation() == {"51": [0.0, 25.0], "52": [20.0, 20.0], "53": [0.0, 50.0]}
        assert figures.monthly_deviation() == [12.0, 27.0]
        assert figures.deviation == 19.5

    def test_the_2022_rule_is_the_plain_mean_of_the_types(self):
        figures = figures_of(TABLE, "mean")
        assert figures.monthly_deviation() == [6.67, 31.67]
        assert figures.deviation == 19.17

    def test_not_the_deviation_of_the_totals(self):
        figures = figures_of(TABLE, "weighted")
        assert figures.monthly_deviation() != [14.29, 20.59]

    def test_a_group_without_pagu_falls_back_to_its_totals(self):
        figures = ControlFigures(month=1)
        figures.plan[0], figures.realised[0] = 0, 5 * M  # spent without any pagu or plan
        assert figures.monthly_deviation() == [100.0]

    def test_untyped_realisation_is_spread_by_the_months_plan(self):
        """A legacy month without type: 50 M spent, plan 30 M (51) and 70 M (52) → 15 M and 35 M,
        |15−30|/30 = 50 %, |35−70|/70 = 50 % → 50 % whatever the rule; with no plan that month the
        pagu shares decide (here 25/75: 51 gets 12.5 M against no plan → 100 %)."""
        figures = ControlFigures(month=2, rule="weighted")
        figures.types = {"51": TypeFigures("51", pagu=100 * M), "52": TypeFigures("52", pagu=300 * M)}
        figures.types["51"].plan[0], figures.types["52"].plan[0] = 30 * M, 70 * M
        figures.untyped[0] = figures.untyped[1] = 50 * M
        figures.pagu = 400 * M
        assert figures.realised_by_type()["51"][:2] == [15 * M, 12.5 * M]
        assert figures.type_deviation() == {"51": [50.0, 100.0], "52": [50.0, 100.0]}


@pytest.fixture
def satker(kaltim_agency):
    """The table's satker in the database: one activity with three lines, their RPDs and typed
    realisation for January and February."""
    document = BudgetDocumentFactory(agency=kaltim_agency, kind="apbn")
    activity = ActivityFactory(agency=kaltim_agency, funding_source="apbn")
    lines = {}
    for group, (pagu, months) in TABLE.items():
        line = lines[group] = BudgetLineFactory(
            document=document, activity=activity, account_group=group, amount=pagu
        )
        plan = [months.get(m, (0, 0))[0] for m in range(1, 13)]
        plan[11] += pagu - sum(plan)  # the rest in December: the RPD adds up to the pagu
        DisbursementPlan.objects.create(line=line, **{f"m{m:02d}": v for m, v in enumerate(plan, 1)})
        for m, (_plan, real) in months.items():
            if real:
                RealisationFactory(
                    activity=activity, month=m, amount=real, account_group=group, budget_line=line
                )
    return activity, lines


class TestFromTheDatabase:
    def test_the_year_from_2024_is_weighted(self, system_actor, satker):
        total = control_total(actor=system_actor, f=ControlFilter(fiscal_year=YEAR, month=2))
        assert total.rule == "weighted"
        assert (total.monthly_deviation(), total.deviation) == ([12.0, 27.0], 19.5)

    def test_the_policy_selects_the_plain_mean(self, system_actor, satker):
        BudgetPolicy.objects.create(fiscal_year=YEAR, deviation_rule="mean")
        total = control_total(actor=system_actor, f=ControlFilter(fiscal_year=YEAR, month=2))
        assert (total.monthly_deviation(), total.deviation) == ([6.67, 31.67], 19.17)

    def test_a_year_before_2024_without_policy_uses_the_plain_mean(self):
        assert policy_for(2023).deviation_rule == "mean"
        assert policy_for(2024).deviation_rule == "weighted"
        # created without a rule (the demo, the admin): the rule of its year
        assert BudgetPolicy.objects.create(fiscal_year=2023).deviation_rule == "mean"
        assert BudgetPolicy.objects.create(fiscal_year=2024).deviation_rule == "weighted"

    def test_absorption_is_against_pagu_minus_blokir(self, system_actor, satker):
        """Realised to February: 20+25 + 40+60 + 50 = 195 M of 1,000 M pagu = 19.50 %. With 100 M of
        the 52 line blocked: 195 / 900 = 21.67 %; the 52 line alone 100 / (600 − 100) = 20.00 %."""
        _activity, lines = satker
        f = ControlFilter(fiscal_year=YEAR, month=2)
        assert control_total(actor=system_actor, f=f).absorption == 19.5
        services.budget_line_block(actor=system_actor, line=lines["52"], blocked=100 * M)
        total = control_total(actor=system_actor, f=ControlFilter(fiscal_year=YEAR, month=2))
        assert (total.blocked, total.available, total.absorption) == (100 * M, 900 * M, 21.67)
        assert total.type_absorption() == {"51": 22.5, "52": 20.0, "53": 25.0}

    def test_absorption_targets_per_spending_type(self, system_actor, satker):
        BudgetPolicy.objects.create(fiscal_year=YEAR, type_targets={"53": [5, 30, 60, 90]})
        assert type_quarter_targets(YEAR, 2, ["51", "52", "53"]) == {"51": 15, "52": 15, "53": 5}
        assert type_quarter_targets(YEAR, 7, ["52", "53"]) == {"52": 60, "53": 60}


class TestBlokir:
    def test_set_audited_and_versioned(self, system_actor, satker):
        from sentra.audit.models import AuditEvent

        line = satker[1]["52"]
        version = BudgetLine.objects.get(pk=line.pk).version
        line = services.budget_line_block(
            actor=system_actor, line=line, blocked=50 * M, reason="Blokir AA", expected_version=version
        )
        assert line.blocked == 50 * M and line.version != version
        events = AuditEvent.objects.filter(object_type="programmes.budgetline", object_id=line.pk)
        event = events.order_by("id").last()
        assert (event.reason, event.changes) == ("Blokir AA", {"blocked": [0, 50 * M]})
        with pytest.raises(StaleVersion):
            services.budget_line_block(actor=system_actor, line=line, blocked=0, expected_version=version)

    @pytest.mark.parametrize(
        ("blocked", "code"),
        [(-1, "invalid_amount"), ("1.5", "invalid_amount"), (600 * M - 100 * M + 1, "blocked_above_pagu")],
    )
    def test_whole_rupiah_and_not_above_the_unspent_pagu(self, system_actor, satker, blocked, code):
        """The 52 line: pagu 600 M, 100 M spent → at most 500 M can be blocked."""
        line = satker[1]["52"]
        with pytest.raises(DomainError) as exc:
            services.budget_line_block(actor=system_actor, line=line, blocked=blocked)
        assert exc.value.code == code and exc.value.errors[0].field == "blocked"
        assert BudgetLine.objects.get(pk=line.pk).blocked == 0
        services.budget_line_block(actor=system_actor, line=line, blocked=500 * M)  # the limit itself

    def test_the_pagu_cannot_go_below_its_blokir(self, system_actor, satker):
        activity, lines = satker
        services.budget_line_block(actor=system_actor, line=lines["51"], blocked=100 * M)
        with pytest.raises(DomainError) as exc:
            services.budget_line_set(
                actor=system_actor,
                document=lines["51"].document,
                activity=activity,
                account_group="51",
                amount=99 * M,
            )
        assert exc.value.code == "pagu_below_blocked"

    def test_realisation_stays_within_pagu_minus_blokir(self, system_actor, satker):
        """Line 53: pagu 200 M, 50 M spent in February, 100 M blocked → March may add 50 M, not more."""
        activity, lines = satker
        services.budget_line_block(actor=system_actor, line=lines["53"], blocked=100 * M)
        common = {"actor": system_actor, "activity": activity, "month": 3, "physical_progress": 30}
        with pytest.raises(DomainError) as exc:
            services.realisation_record(**common, amount=50 * M + 1, account_group="53")
        assert exc.value.code == "above_pagu"
        services.realisation_record(**common, amount=50 * M, account_group="53")


class TestRealisationType:
    def test_several_lines_need_the_type_and_it_must_be_in_the_pagu(self, system_actor, satker):
        activity, _lines = satker
        common = {
            "actor": system_actor,
            "activity": activity,
            "month": 3,
            "amount": M,
            "physical_progress": 30,
        }
        with pytest.raises(DomainError) as exc:
            services.realisation_record(**common)
        assert (exc.value.code, exc.value.errors[0].field) == ("account_group_required", "account_group")
        with pytest.raises(DomainError) as exc:
            services.realisation_record(**common, account_group="57")
        assert exc.value.code == "account_group_not_in_pagu"
        record = services.realisation_record(**common, account_group="53")
        assert (record.account_group, record.budget_line.account_group) == ("53", "53")

    def test_one_row_per_activity_month_and_type(self, system_actor, satker):
        activity, _lines = satker
        common = {"actor": system_actor, "activity": activity, "month": 3, "physical_progress": 30}
        services.realisation_record(**common, amount=M, account_group="51")
        services.realisation_record(**common, amount=2 * M, account_group="52")
        services.realisation_record(**common, amount=3 * M, account_group="52")  # a correction
        rows = Realisation.objects.filter(activity=activity, month=3).order_by("account_group")
        assert [(r.account_group, r.amount) for r in rows] == [("51", M), ("52", 3 * M)]

    def test_a_single_line_activity_needs_no_type(self, system_actor, kaltim_agency):
        line = BudgetLineFactory(document=BudgetDocumentFactory(agency=kaltim_agency), account_group="52")
        record = services.realisation_record(
            actor=system_actor, activity=line.activity, month=1, amount=M, physical_progress=5
        )
        assert (record.account_group, record.budget_line_id) == ("52", line.pk)

    def test_a_month_recorded_before_types_is_taken_over_not_duplicated(self, system_actor, satker):
        activity, lines = satker
        legacy = RealisationFactory(activity=activity, month=3, amount=7 * M, account_group="")
        record = services.realisation_record(
            actor=system_actor,
            activity=activity,
            month=3,
            amount=7 * M,
            physical_progress=30,
            account_group="52",
        )
        assert record.pk == legacy.pk and (record.account_group, record.budget_line_id) == (
            "52",
            lines["52"].pk,
        )
        assert Realisation.objects.filter(activity=activity, month=3).count() == 1


class TestPlanInForce:
    def test_a_past_month_keeps_the_plan_in_force_for_it(self, system_actor, kaltim_agency):
        """RPD v0 (5 Jan): 10 M a month. February spends 10 M → deviation 0 %. The TW III revision
        (10 Jul) moves July's 10 M to December: February still deviates 0 %, July now 100 % (5 M
        spent, nothing planned) — against v0 July would have deviated 50 %."""
        line = BudgetLineFactory(document=BudgetDocumentFactory(agency=kaltim_agency), amount=120 * M)
        services.disbursement_plan_set(
            actor=system_actor, line=line, months=[10 * M] * 12, today=dt.date(YEAR, 1, 5)
        )
        for month, amount in ((2, 10 * M), (7, 5 * M)):
            RealisationFactory(activity=line.activity, month=month, amount=amount, account_group="52")
        revised = [10 * M] * 6 + [0] + [10 * M] * 4 + [20 * M]
        with pytest.raises(DomainError) as exc:  # a revision in July cannot rewrite February
            services.disbursement_plan_set(
                actor=system_actor,
                line=line,
                months=[10 * M, 0, *revised[2:11], 30 * M],
                today=dt.date(YEAR, 7, 10),
            )
        assert exc.value.code == "rpd_past_month"
        plan = services.disbursement_plan_set(
            actor=system_actor, line=line, months=revised, today=dt.date(YEAR, 7, 10)
        )
        assert [(v.number, v.effective_from) for v in plan.versions.all()] == [(0, 1), (1, 7)]
        monthly = control_total(
            actor=system_actor, f=ControlFilter(fiscal_year=YEAR, month=7)
        ).monthly_deviation()
        assert (monthly[1], monthly[6]) == (0.0, 100.0)


class TestDashboard:
    def test_the_control_dashboard_shows_each_type_against_its_target(self, client, satker):
        """February (TW I): 51 22.50 % of 200 M, 52 16.67 % (100 of 600), 53 25.00 % of 200 M, against
        15 % — except 53, whose own TW I target is 30 %: below it."""
        from django.contrib.auth import get_user_model
        from django.urls import reverse

        BudgetPolicy.objects.create(fiscal_year=YEAR, type_targets={"53": [30, 50, 70, 90]})
        client.force_login(get_user_model().objects.create_superuser("root", "r@example.org", "x-Rahasia-26"))
        response = client.get(reverse("web:control_dashboard"), {"tahun": YEAR, "bulan": 2})
        assert response.status_code == 200
        rows = {row["group"]: row for row in response.context["types"]}
        assert {g: (r["absorption"], r["target"], r["below"]) for g, r in rows.items()} == {
            "51": (22.5, 15, False),
            "52": (16.67, 15, False),
            "53": (25.0, 30, True),
        }
        assert rows["52"]["deviation"] == 20.0  # (20 + 20) / 2
        html = response.content.decode()
        assert 'id="control-types"' in html and 'data-deviation-rule="weighted"' in html


class TestWebPages:
    @pytest.fixture
    def admin_client(self, client):
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.create_superuser("root", "r@example.org", "x-Rahasia-26"))
        return client

    def test_blokir_form_saves_with_its_version_and_the_line_history_shows_it(self, admin_client, satker):
        from django.urls import reverse

        line = satker[1]["52"]
        url = reverse("web:budget_line_block", args=[line.pk])
        form = admin_client.get(url)
        assert form.status_code == 200 and 'name="blocked"' in form.content.decode()
        version = BudgetLine.objects.get(pk=line.pk).version
        too_much = admin_client.post(url, {"blocked": 500 * M + 1, "version": version})
        assert (
            too_much.status_code == 200
            and "melebihi pagu yang belum direalisasikan" in too_much.content.decode()
        )
        saved = admin_client.post(url, {"blocked": 100 * M, "version": version, "reason": "Blokir efisiensi"})
        assert saved.status_code == 302
        stale = admin_client.post(url, {"blocked": 0, "version": version})  # the version seen before saving
        assert stale.status_code == 200 and BudgetLine.objects.get(pk=line.pk).blocked == 100 * M
        detail = admin_client.get(line.document.get_absolute_url()).content.decode()
        assert "blokir 100.000.000" in detail
        history = admin_client.get(reverse("web:budget_line_history", args=[line.pk])).content.decode()
        assert "Blokir efisiensi" in history

    def test_the_realisation_form_asks_the_type_of_a_several_line_activity(self, admin_client, satker):
        from django.urls import reverse

        activity, _lines = satker
        url = reverse("web:realisation_create") + f"?kegiatan={activity.pk}"
        page = admin_client.get(url).content.decode()
        assert 'name="account_group"' in page and "53 Belanja modal" in page
        values = {"kegiatan": activity.pk, "month": 3, "amount": M, "physical_progress": 30}
        missing = admin_client.post(url, values)
        assert missing.status_code == 200 and Realisation.objects.filter(month=3).count() == 0
        saved = admin_client.post(url, {**values, "account_group": "53"})
        assert saved.status_code == 302
        assert Realisation.objects.get(activity=activity, month=3).account_group == "53"

    def test_the_activity_page_adds_a_months_types(self, admin_client, satker):
        """January: 20 M (51) + 40 M (52) = 60 M; February 25 + 60 + 50 = 135 M, each type linked."""
        activity, _lines = satker
        response = admin_client.get(activity.get_absolute_url())
        months = {row["month"]: row for row in response.context["months"]}
        assert (months["Januari"]["amount"], months["Februari"]["amount"]) == (60 * M, 135 * M)
        assert [group for group, _url in months["Februari"]["by_type"]] == ["51", "52", "53"]
        assert "Rp135.000.000" in response.content.decode()
