"""Rules on plans, budgets and realisation, as the services enforce them for every channel."""

from __future__ import annotations

import datetime as dt

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditEvent
from sentra.conftest import KALTIM, PPU
from sentra.core.errors import AccessDenied, DomainError, NotFound
from sentra.programmes import services
from sentra.programmes.models import BudgetDocumentVersion, BudgetPolicy, DisbursementPlan, Realisation
from sentra.programmes.selectors import plans_out_of_balance, version_diff
from sentra.registry.tests.factories import AgencyFactory, CentreFactory

from .factories import YEAR, ActivityFactory, BudgetDocumentFactory, BudgetLineFactory, even_plan

pytestmark = pytest.mark.django_db

END_OF_YEAR = dt.date(YEAR, 12, 31)


def codes(exc: DomainError) -> set[str]:
    return {e.code for e in exc.errors} | {exc.code}


@pytest.fixture
def line(kaltim_agency):
    doc = BudgetDocumentFactory(agency=kaltim_agency, kind="dekon")
    return BudgetLineFactory(document=doc, amount=120_000_000)


class TestBudgetLines:
    def test_a_line_must_belong_to_the_activity_satker_and_source(self, system_actor, kaltim_agency):
        doc = BudgetDocumentFactory(agency=kaltim_agency, kind="dekon")
        elsewhere = ActivityFactory(funding_source="dekon")  # another agency
        with pytest.raises(DomainError) as exc:
            services.budget_line_set(
                actor=system_actor, document=doc, activity=elsewhere, account_group="52", amount=1
            )
        assert "activity_not_in_dipa" in codes(exc.value)

        apbd = ActivityFactory(agency=kaltim_agency, funding_source="apbd_prov")
        with pytest.raises(DomainError) as exc:
            services.budget_line_set(
                actor=system_actor, document=doc, activity=apbd, account_group="52", amount=1
            )
        assert "activity_not_in_dipa" in codes(exc.value)

    def test_dekon_pays_no_capital_spending(self, system_actor, kaltim_agency):
        doc = BudgetDocumentFactory(agency=kaltim_agency, kind="dekon")
        activity = ActivityFactory(agency=kaltim_agency, funding_source="dekon")
        with pytest.raises(DomainError) as exc:
            services.budget_line_set(
                actor=system_actor, document=doc, activity=activity, account_group="53", amount=5
            )
        assert "dekon_capital" in codes(exc.value)
        line = services.budget_line_set(
            actor=system_actor, document=doc, activity=activity, account_group="52", amount=5_000_000
        )
        assert line.amount == 5_000_000

    def test_negative_pagu_is_refused(self, system_actor, line):
        with pytest.raises(DomainError) as exc:
            services.budget_line_set(
                actor=system_actor,
                document=line.document,
                activity=line.activity,
                account_group="52",
                amount=-1,
            )
        assert "negative_amount" in codes(exc.value)

    def test_revision_keeps_the_earlier_version_comparable(self, system_actor, line):
        doc = line.document
        services.budget_line_set(
            actor=system_actor, document=doc, activity=line.activity, account_group="52", amount=line.amount
        )
        services.budget_revise(
            actor=system_actor,
            document=doc,
            revision_number="DIPA-REV-01",
            revised_on=dt.date(YEAR, 4, 2),
            lines=[(line.activity, "52", 90_000_000)],
        )
        doc.refresh_from_db()
        assert doc.revision == 1
        v0, v1 = BudgetDocumentVersion.objects.filter(document=doc).order_by("revision")
        assert (v0.total, v1.total) == (120_000_000, 90_000_000)
        [row] = version_diff(v0.lines, v1.lines)
        assert row["change"] == -30_000_000

    def test_a_dekon_dipa_belongs_to_a_province(self, system_actor, regency_agency):
        with pytest.raises(DomainError) as exc:
            services.budget_document_create(
                actor=system_actor,
                fiscal_year=YEAR,
                kind="dekon",
                number="X",
                issued_on=dt.date(YEAR, 1, 2),
                agency=regency_agency,
            )
        assert "dekon_not_province" in codes(exc.value)


class TestDisbursementPlan:
    def test_the_months_must_add_up_to_the_pagu(self, system_actor, line):
        months = [10_000_000] * 11 + [9_999_999]  # one rupiah short of the pagu
        with pytest.raises(DomainError) as exc:
            services.disbursement_plan_set(actor=system_actor, line=line, months=months)
        assert "rpd_sum" in codes(exc.value)
        months[-1] = 10_000_000  # 12 × 10 M = 120 M: now it adds up
        plan = services.disbursement_plan_set(actor=system_actor, line=line, months=months)
        assert sum(plan.months()) == line.amount

    def test_negative_months_are_refused(self, system_actor, line):
        months = [0] * 12
        months[0], months[1] = 130_000_000, -10_000_000
        with pytest.raises(DomainError) as exc:
            services.disbursement_plan_set(actor=system_actor, line=line, months=months)
        assert "negative_amount" in codes(exc.value)

    def test_revised_once_per_quarter_inside_the_window(self, system_actor, line):
        """2026 windows (DJPb): from the quarter's first day to 19 Feb, 15 Apr, 14 Jul, 14 Oct."""
        even_plan(line)
        moved = [10_000_000] * 3 + [0, 0, 30_000_000] + [10_000_000] * 6  # April–June moved to June
        with pytest.raises(DomainError) as exc:  # 16 April: the day after the TW II deadline
            services.disbursement_plan_set(
                actor=system_actor, line=line, months=moved, today=dt.date(YEAR, 4, 16)
            )
        assert "rpd_window_closed" in codes(exc.value)
        services.disbursement_plan_set(
            actor=system_actor, line=line, months=moved, today=dt.date(YEAR, 4, 15)
        )
        again = [10_000_000] * 3 + [0, 0, 20_000_000] + [10_000_000] * 5 + [20_000_000]
        with pytest.raises(DomainError) as exc:
            services.disbursement_plan_set(
                actor=system_actor, line=line, months=again, today=dt.date(YEAR, 4, 11)
            )
        assert "rpd_already_revised" in codes(exc.value)
        with pytest.raises(DomainError) as exc:  # TW III: June is past and keeps its 30 M
            services.disbursement_plan_set(
                actor=system_actor, line=line, months=again, today=dt.date(YEAR, 7, 1)
            )
        assert "rpd_past_month" in codes(exc.value)
        assert [e.field for e in exc.value.errors] == ["m06"]
        kept_june = [10_000_000] * 3 + [0, 0, 30_000_000] + [0] + [10_000_000] * 4 + [20_000_000]
        services.disbursement_plan_set(
            actor=system_actor, line=line, months=kept_june, today=dt.date(YEAR, 7, 14)
        )
        assert DisbursementPlan.objects.get(line=line).revised_quarters == [2, 3]

    def test_the_first_quarter_window_runs_from_january_to_19_february(self, system_actor, line):
        even_plan(line)
        moved = [0, 20_000_000] + [10_000_000] * 10
        with pytest.raises(DomainError) as exc:
            services.disbursement_plan_set(
                actor=system_actor, line=line, months=moved, today=dt.date(YEAR, 2, 20)
            )
        assert "rpd_window_closed" in codes(exc.value)
        assert "19 Februari 2026" in exc.value.message
        plan = services.disbursement_plan_set(
            actor=system_actor, line=line, months=moved, today=dt.date(YEAR, 2, 19)
        )
        assert plan.months() == moved

    def test_the_window_is_configurable_per_year(self, system_actor, line):
        BudgetPolicy.objects.create(fiscal_year=YEAR, rpd_window_q2=dt.date(YEAR, 5, 31))
        even_plan(line)
        moved = [10_000_000] * 3 + [0, 20_000_000] + [10_000_000] * 7
        with pytest.raises(DomainError):
            services.disbursement_plan_set(
                actor=system_actor, line=line, months=moved, today=dt.date(YEAR, 6, 1)
            )
        services.disbursement_plan_set(
            actor=system_actor, line=line, months=moved, today=dt.date(YEAR, 5, 30)
        )

    def test_every_setting_is_a_version_with_the_month_it_takes_effect(self, system_actor, line):
        first = [10_000_000] * 12
        services.disbursement_plan_set(actor=system_actor, line=line, months=first, today=dt.date(YEAR, 1, 5))
        revised = [10_000_000] * 6 + [0, 20_000_000] + [10_000_000] * 4
        plan = services.disbursement_plan_set(
            actor=system_actor, line=line, months=revised, today=dt.date(YEAR, 7, 2)
        )
        versions = [(v.number, v.effective_from, v.took_effect_on, v.months) for v in plan.versions.all()]
        assert versions == [
            (0, 1, dt.date(YEAR, 1, 5), first),
            (1, 7, dt.date(YEAR, 7, 2), revised),
        ]
        from sentra.programmes.models import plan_in_force

        assert plan_in_force(list(plan.versions.all())) == plan.months() == revised

    def test_a_plan_loaded_without_versions_gets_its_version_0_before_a_revision(self, system_actor, line):
        even_plan(line)  # written directly, as the demo and old data do
        moved = [10_000_000] * 3 + [0, 20_000_000] + [10_000_000] * 7
        plan = services.disbursement_plan_set(
            actor=system_actor, line=line, months=moved, today=dt.date(YEAR, 4, 1)
        )
        assert [(v.number, v.effective_from) for v in plan.versions.all()] == [(0, 1), (1, 4)]
        assert plan.versions.get(number=0).months == [10_000_000] * 12

    def test_a_revision_that_changes_the_pagu_leaves_the_plan_flagged(self, system_actor, line):
        even_plan(line)
        services.budget_revise(
            actor=system_actor,
            document=line.document,
            revision_number="REV-1",
            revised_on=dt.date(YEAR, 3, 1),
            lines=[(line.activity, "52", 60_000_000)],
        )
        assert list(plans_out_of_balance(actor=system_actor, fiscal_year=YEAR)) == [line]


class TestRealisation:
    def record(self, actor, line, **kw):
        values = {"month": 3, "amount": 10_000_000, "physical_progress": 25} | kw
        return services.realisation_record(actor=actor, activity=line.activity, today=END_OF_YEAR, **values)

    def test_recorded_and_audited(self, system_actor, line):
        record = self.record(system_actor, line)
        assert record.province_code == KALTIM
        assert AuditEvent.objects.filter(object_id=record.pk, object_type="programmes.realisation").exists()

    @pytest.mark.parametrize(
        ("values", "code"),
        [
            ({"amount": -5}, "negative_amount"),
            ({"month": 13}, "month_out_of_year"),
            ({"month": 0}, "month_out_of_year"),
            ({"amount": 120_000_001}, "above_pagu"),
            ({"physical_progress": 101}, "invalid_progress"),
        ],
    )
    def test_bad_figures_are_refused_and_nothing_is_written(self, system_actor, line, values, code):
        with pytest.raises(DomainError) as exc:
            self.record(system_actor, line, **values)
        assert code in codes(exc.value)
        assert not Realisation.objects.exists()

    def test_the_months_together_may_not_exceed_the_pagu(self, system_actor, line):
        self.record(system_actor, line, month=1, amount=100_000_000)
        with pytest.raises(DomainError) as exc:
            self.record(system_actor, line, month=2, amount=20_000_001)
        assert "above_pagu" in codes(exc.value)
        self.record(system_actor, line, month=2, amount=20_000_000)

    def test_future_months_cannot_be_reported(self, system_actor, line):
        with pytest.raises(DomainError) as exc:
            services.realisation_record(
                actor=system_actor,
                activity=line.activity,
                month=6,
                amount=1,
                physical_progress=1,
                today=dt.date(YEAR, 5, 31),
            )
        assert "future_month" in codes(exc.value)

    def test_a_verified_month_is_closed_until_reopened(self, system_actor, line):
        from sentra.verification.services import transition

        record = self.record(system_actor, line)
        transition(actor=system_actor, name="submit", record=record)
        transition(actor=system_actor, name="verify", record=record)
        with pytest.raises(DomainError) as exc:
            self.record(system_actor, line, amount=11_000_000)
        assert "locked" in codes(exc.value)
        record.refresh_from_db()
        transition(actor=system_actor, name="reopen", record=record, reason="Salah ketik nilai SP2D")
        corrected = self.record(system_actor, line, amount=11_000_000)
        assert corrected.amount == 11_000_000
        assert AuditEvent.objects.filter(object_id=record.pk, action="reopen").exists()


class TestScope:
    def test_a_regency_officer_cannot_record_for_the_province(self, line):
        officer = actor_of(persona(Role.REGENCY_OFFICER, region=PPU))
        with pytest.raises(NotFound):
            services.realisation_record(
                actor=officer,
                activity=line.activity,
                month=1,
                amount=1,
                physical_progress=1,
                today=END_OF_YEAR,
            )

    def test_a_viewer_may_not_record(self, line):
        viewer = actor_of(persona(Role.VIEWER, region=KALTIM))
        with pytest.raises(AccessDenied):
            services.realisation_record(
                actor=viewer,
                activity=line.activity,
                month=1,
                amount=1,
                physical_progress=1,
                today=END_OF_YEAR,
            )

    def test_a_province_officer_records_for_its_own_agency(self, line, kaltim_agency):
        officer = actor_of(persona(Role.PROVINCE_OFFICER, agency=kaltim_agency))
        record = services.realisation_record(
            actor=officer, activity=line.activity, month=1, amount=1, physical_progress=1, today=END_OF_YEAR
        )
        assert record.agency == kaltim_agency

    def test_beneficiaries_must_be_readable(self, kaltim_agency):
        officer = actor_of(persona(Role.PROVINCE_OFFICER, agency=kaltim_agency))
        programme = services.programme_create(actor=officer, fiscal_year=YEAR, code="P1", name="Program")
        kudus_centre = CentreFactory(village_id="33.19.01.2001")
        with pytest.raises(DomainError) as exc:
            services.activity_create(
                actor=officer,
                programme=programme,
                code="A1",
                name="Bimtek",
                kind="training",
                funding_source="dekon",
                centre_ids=[kudus_centre.pk],
            )
        assert "unknown_beneficiary" in codes(exc.value)


class TestDekonAllocation:
    def test_the_parts_must_add_up_to_the_whole(self, system_actor, ministry_agency):
        with pytest.raises(DomainError) as exc:
            services.dekon_allocation_set(
                actor=system_actor,
                fiscal_year=YEAR,
                total=1_000,
                shares={"64": 600, "33": 300},
                agency=ministry_agency,
            )
        assert "dekon_unbalanced" in codes(exc.value)
        allocation = services.dekon_allocation_set(
            actor=system_actor,
            fiscal_year=YEAR,
            total=1_000,
            shares={"64": 700, "33": 300},
            agency=ministry_agency,
        )
        assert allocation.shares.count() == 2

    def test_only_the_ministry_allocates(self, kaltim_agency, ministry_agency):
        officer = actor_of(persona(Role.PROVINCE_OFFICER, agency=kaltim_agency))
        with pytest.raises(AccessDenied):
            services.dekon_allocation_set(
                actor=officer, fiscal_year=YEAR, total=0, shares={}, agency=ministry_agency
            )


class TestBudgetPolicy:
    WINDOWS = [dt.date(YEAR, 2, 19), dt.date(YEAR, 4, 15), dt.date(YEAR, 7, 14), dt.date(YEAR, 10, 14)]
    SETTINGS = {"targets": [20, 45, 70, 95], "window_dates": WINDOWS, "lag_threshold": 15}

    def set(self, actor, **changes):
        return services.budget_policy_set(actor=actor, fiscal_year=YEAR, **{**self.SETTINGS, **changes})

    def test_the_ministry_sets_a_year_and_it_is_audited(self, ministry_agency):
        admin = actor_of(persona(Role.MINISTRY_ADMIN, agency=ministry_agency))
        policy = self.set(admin, type_targets={"53": [5, 30, 60, 95]})
        assert policy.quarter_targets == (20, 45, 70, 95)
        assert (policy.rpd_windows, policy.lag_threshold) == (self.WINDOWS, 15)
        assert policy.deviation_rule == "weighted"  # the default from TA 2024
        assert policy.targets_for("53") == (5, 30, 60, 95)
        assert policy.targets_for("52") == (20, 45, 70, 95)  # no targets of its own: the general ones
        self.set(admin, lag_threshold=25, reason="Rakor TW II", type_targets={"53": [5, 30, 60, 95]})
        policy = BudgetPolicy.objects.get(fiscal_year=YEAR)
        assert policy.lag_threshold == 25
        events = AuditEvent.objects.filter(object_type="programmes.budgetpolicy", object_id=policy.pk)
        assert [(e.action, e.reason) for e in events.order_by("id")] == [
            ("create", ""),
            ("update", "Rakor TW II"),
        ]
        assert events.order_by("id").last().changes == {"lag_threshold": [15, 25]}

    def test_a_year_before_2024_defaults_to_the_plain_mean_and_the_rule_is_selectable(self, system_actor):
        old = services.budget_policy_set(
            actor=system_actor,
            fiscal_year=2023,
            targets=[15, 40, 60, 90],
            window_dates=["2023-02-14", "2023-04-14", "2023-07-14", "2023-10-14"],
            lag_threshold=10,
        )
        assert old.deviation_rule == "mean"
        assert self.set(system_actor, deviation_rule="mean").deviation_rule == "mean"
        assert self.set(system_actor, deviation_rule="weighted").deviation_rule == "weighted"

    @pytest.mark.parametrize(
        ("changes", "field", "code"),
        [
            ({"targets": [15, 40, 60, 101]}, "target_q4", "invalid_target"),
            ({"targets": [15, -1, 60, 90]}, "target_q2", "invalid_target"),
            ({"targets": [15, 40, 30, 90]}, "target_q3", "targets_decreasing"),
            ({"window_dates": [*WINDOWS[:3], "14/10/2026"]}, "rpd_window_q4", "invalid_date"),
            (
                {"window_dates": [WINDOWS[0], dt.date(YEAR, 7, 1), *WINDOWS[2:]]},
                "rpd_window_q2",
                "window_quarter",
            ),
            ({"window_dates": [dt.date(YEAR - 1, 2, 19), *WINDOWS[1:]]}, "rpd_window_q1", "window_quarter"),
            ({"window_dates": WINDOWS[:3]}, "rpd_window_q1", "window_quarter"),
            ({"deviation_rule": "median"}, "deviation_rule", "invalid_rule"),
            ({"type_targets": {"54": [1, 2, 3, 4]}}, "type_targets", "invalid_account"),
            ({"type_targets": {"52": [10, 5, 60, 90]}}, "target_52", "targets_decreasing"),
            ({"type_targets": {"52": [10, 20, 30]}}, "target_52", "invalid_target"),
            ({"lag_threshold": 101}, "lag_threshold", "invalid_threshold"),
            ({"lag_threshold": None}, "lag_threshold", "invalid_threshold"),
        ],
    )
    def test_bad_settings_are_refused_on_their_field_and_nothing_is_written(
        self, system_actor, changes, field, code
    ):
        with pytest.raises(DomainError) as exc:
            self.set(system_actor, **changes)
        assert (field, code) in {(e.field, e.code) for e in exc.value.errors}
        assert exc.value.errors[0].message  # a sentence the form shows next to the field
        assert not BudgetPolicy.objects.exists()

    def test_every_broken_rule_is_reported_at_once(self, system_actor):
        with pytest.raises(DomainError) as exc:
            self.set(system_actor, targets=[50, 40, 60, 90], lag_threshold=200)
        assert {e.code for e in exc.value.errors} == {"targets_decreasing", "invalid_threshold"}

    def test_the_new_settings_drive_the_rpd_window(self, system_actor, line):
        services.disbursement_plan_set(actor=system_actor, line=line, months=[10_000_000] * 12)
        self.set(system_actor, window_dates=[self.WINDOWS[0], dt.date(YEAR, 5, 31), *self.WINDOWS[2:]])
        services.disbursement_plan_set(
            actor=system_actor,
            line=line,
            months=[10_000_000] * 3 + [20_000_000, 0] + [10_000_000] * 7,
            today=dt.date(YEAR, 5, 31),
        )
        with pytest.raises(DomainError) as exc:
            services.disbursement_plan_set(
                actor=system_actor, line=line, months=[10_000_000] * 12, today=dt.date(YEAR, 8, 3)
            )
        assert "rpd_window_closed" in codes(exc.value)

    @pytest.mark.parametrize("role", [Role.PROVINCE_OFFICER, Role.MINISTRY_ANALYST])
    def test_only_a_ministry_role_that_may_edit_sets_it(self, role, kaltim_agency, ministry_agency):
        agency = kaltim_agency if role == Role.PROVINCE_OFFICER else ministry_agency
        with pytest.raises(AccessDenied):
            self.set(actor_of(persona(role, agency=agency)))
        assert not BudgetPolicy.objects.exists()


def test_a_plan_is_copied_to_the_next_year(system_actor, kaltim_agency):
    programme = services.programme_create(
        actor=system_actor, fiscal_year=YEAR, agency=kaltim_agency, code="P1", name="Program"
    )
    services.activity_create(
        actor=system_actor,
        programme=programme,
        code="A1",
        name="Bimtek",
        kind="training",
        funding_source="dekon",
        start_date=dt.date(YEAR, 2, 29 - 1),
        location_codes=[PPU],
        outputs=[{"indicator": "IKM dilatih", "unit": "IKM", "target": 30}],
        officer_name="Dewi Lestari (Kasi IKM)",
    )
    copied = services.copy_plan(actor=system_actor, agency=kaltim_agency, from_year=YEAR, to_year=YEAR + 1)
    assert copied == 1
    from sentra.programmes.models import Activity

    new = Activity.objects.get(fiscal_year=YEAR + 1)
    assert new.start_date == dt.date(YEAR + 1, 2, 28)
    assert [r.code for r in new.locations.all()] == [PPU]
    assert new.outputs.get().target == 30
    assert new.officer_name == "Dewi Lestari (Kasi IKM)"  # the responsible officer comes along
    with pytest.raises(DomainError) as exc:
        services.copy_plan(actor=system_actor, agency=kaltim_agency, from_year=YEAR, to_year=YEAR + 1)
    assert "plan_exists" in codes(exc.value)


def test_the_responsible_officer_is_named_and_its_change_audited(system_actor, kaltim_agency):
    activity = ActivityFactory(agency=kaltim_agency, funding_source="dekon")
    assert activity.officer_name == ""  # optional
    services.activity_update(actor=system_actor, activity=activity, officer_name="Dewi Lestari (Kasi IKM)")
    event = AuditEvent.objects.get(object_type="programmes.activity", object_id=activity.pk)
    assert event.changes == {"officer_name": ["", "Dewi Lestari (Kasi IKM)"]}
    with pytest.raises(DomainError) as exc:
        services.activity_update(actor=system_actor, activity=activity, officer_name="x" * 151)
    assert "officer_name" in {e.field for e in exc.value.errors}


class TestActivityRestore:
    def events(self, activity):
        return AuditEvent.objects.filter(object_type="programmes.activity", object_id=activity.pk).order_by(
            "id"
        )

    def test_an_earlier_version_comes_back_and_the_restore_is_recorded(self, system_actor, kaltim_agency):
        activity = ActivityFactory(agency=kaltim_agency, name="Bimtek", funding_source="apbd_prov")
        services.activity_update(actor=system_actor, activity=activity, name="Bimtek I")
        services.activity_update(actor=system_actor, activity=activity, name="Bimtek II")
        restored = services.activity_restore(
            actor=system_actor, activity=activity, event=self.events(activity).first(), reason="salah ketik"
        )
        assert restored.name == "Bimtek I"
        assert (self.events(activity).last().action, self.events(activity).last().reason) == (
            "restore",
            "salah ketik",
        )

    def test_another_funding_source_is_refused_once_there_is_a_pagu(self, system_actor, kaltim_agency):
        activity = ActivityFactory(agency=kaltim_agency, name="Pameran", funding_source="apbd_prov")
        services.activity_update(actor=system_actor, activity=activity, name="Pameran IKM")
        apbd_version = self.events(activity).first()
        services.activity_update(actor=system_actor, activity=activity, funding_source="dekon")
        services.activity_update(actor=system_actor, activity=activity, name="Pameran produk IKM")
        dekon_version = self.events(activity)[1]
        BudgetLineFactory(
            document=BudgetDocumentFactory(agency=kaltim_agency, kind="dekon"), activity=activity
        )
        with pytest.raises(DomainError) as exc:
            services.activity_restore(actor=system_actor, activity=activity, event=apbd_version)
        assert "funding_source_in_use" in codes(exc.value)
        activity.refresh_from_db()
        assert (activity.funding_source, activity.name) == ("dekon", "Pameran produk IKM")
        restored = services.activity_restore(actor=system_actor, activity=activity, event=dekon_version)
        assert (restored.funding_source, restored.name) == ("dekon", "Pameran IKM")

    def test_a_version_that_no_longer_fits_is_a_domain_error(self, system_actor, kaltim_agency):
        activity = ActivityFactory(agency=kaltim_agency, code="A-1")
        services.activity_update(actor=system_actor, activity=activity, code="A-2")
        services.activity_update(actor=system_actor, activity=activity, code="A-3")
        ActivityFactory(agency=kaltim_agency, code="A-2", programme=activity.programme)
        taken = self.events(activity).first()  # the version with code A-2, now used by another activity
        with pytest.raises(DomainError):
            services.activity_restore(actor=system_actor, activity=activity, event=taken)
        activity.refresh_from_db()
        assert activity.code == "A-3" and self.events(activity).last().action == "update"


def test_a_dekranasda_officer_plans_only_for_its_own_council(system_actor):
    from sentra.programmes.tests.factories import OutputFactory

    council = AgencyFactory(name="Dekranasda Kabupaten Penajam Paser Utara", kind="dekranas", region_id=PPU)
    other = AgencyFactory(name="Dinas Perindustrian PPU", kind="regency_industry", region_id=PPU)
    officer = actor_of(persona(Role.DEKRANAS_OFFICER, agency=council))
    own_line = BudgetLineFactory(document=BudgetDocumentFactory(agency=council, kind="hibah"), amount=12)
    their_line = BudgetLineFactory(document=BudgetDocumentFactory(agency=other, kind="apbd_kab"), amount=12)
    assert services.disbursement_plan_set(actor=officer, line=own_line, months=[1] * 12).line == own_line
    with pytest.raises(AccessDenied):
        services.disbursement_plan_set(actor=officer, line=their_line, months=[1] * 12)
    output = OutputFactory(activity=own_line.activity, target=10)
    assert services.output_update(actor=officer, output=output, target=12).target == 12
    with pytest.raises(AccessDenied):
        services.output_update(actor=officer, output=OutputFactory(activity=their_line.activity), target=1)
