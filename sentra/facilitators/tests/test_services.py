"""Facilitators, contracts, placements and caseload: who may write them, and the rules they keep."""

from __future__ import annotations

import datetime as dt

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.audit.models import AuditEvent
from sentra.conftest import KUDUS, PPU
from sentra.core.errors import AccessDenied, DomainError, NotFound, StaleVersion
from sentra.facilitators import selectors, services
from sentra.facilitators.models import Assignment, Contract, Facilitator, Placement
from sentra.regions.models import Region
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

from .factories import AssignmentFactory, ContractFactory, FacilitatorFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def codes(exc: DomainError) -> set[str]:
    return {e.code for e in exc.errors} | {exc.code}


def region(code: str) -> Region:
    return Region.objects.get(pk=code)


def village_in(regency: str) -> str:
    return (
        Region.objects.filter(code__startswith=regency + ".", level=4)
        .order_by("code")
        .values_list("code", flat=True)[0]
    )


def new_facilitator(actor, **kwargs) -> Facilitator:
    data = {"name": "Dewi Lestari", "sex": "f", "cohort": 2015, "home_region": region(PPU), **kwargs}
    return services.facilitator_create(actor=actor, **data)


# --- the facilitator ----------------------------------------------------------------------------------


class TestFacilitatorCreate:
    def test_the_dinas_records_a_facilitator_of_its_regency_and_hosts_them(self, ppu_officer, ppu_dinas):
        facilitator = new_facilitator(ppu_officer, birth_year=1994, identity_number="6409012345678901")
        assert facilitator.agency == ppu_dinas
        assert (facilitator.province_code, facilitator.regency_code) == ("64", PPU)
        event = AuditEvent.objects.get(object_type="facilitators.facilitator", object_id=facilitator.pk)
        assert event.action == "create"
        assert "identity_number" not in event.snapshot  # the audit never holds the NIK itself

    def test_linked_to_a_user_with_the_facilitator_role(self, ppu_officer, ppu_dinas):
        user = persona(Role.FACILITATOR, agency=ppu_dinas, username="tpl.baru")
        assert new_facilitator(ppu_officer, user=user).user == user

    def test_an_account_of_another_role_is_refused(self, ppu_officer, ppu_officer_user):
        with pytest.raises(DomainError) as exc:
            new_facilitator(ppu_officer, user=ppu_officer_user)
        assert "not_facilitator_account" in codes(exc.value)

    def test_an_account_already_linked_is_refused(self, ppu_officer, facilitator):
        with pytest.raises(DomainError) as exc:
            new_facilitator(ppu_officer, user=facilitator.user)
        assert "account_taken" in codes(exc.value)

    @pytest.mark.parametrize(
        ("field", "value", "code"),
        [
            ("identity_number", "640901234567890", "identity_number"),  # 15 digits
            ("identity_number", "64090123456789AB", "identity_number"),
            ("birth_year", 1940, "birth_year"),
            ("birth_year", 2020, "birth_year"),
            ("cohort", 2006, "cohort"),
            ("cohort", 2027, "cohort"),  # the fixed clock's year is 2026
        ],
    )
    def test_implausible_values_get_their_code_and_nothing_is_written(self, ppu_officer, field, value, code):
        with pytest.raises(DomainError) as exc:
            new_facilitator(ppu_officer, **{field: value})
        assert code in codes(exc.value)
        assert [e.field for e in exc.value.errors if e.code == code] == [field]
        assert not Facilitator.objects.exists()

    def test_limits_are_accepted(self, ppu_officer):
        assert new_facilitator(ppu_officer, cohort=2007, birth_year=2011).pk
        assert new_facilitator(ppu_officer, cohort=2026, birth_year=1956).pk

    def test_home_region_must_be_a_regency(self, ppu_officer):
        with pytest.raises(DomainError) as exc:
            new_facilitator(ppu_officer, home_region=region("64.09.01"))
        assert "not_regency" in codes(exc.value)

    def test_a_dinas_cannot_place_one_in_another_regency(self, ppu_officer):
        with pytest.raises(DomainError) as exc:
            new_facilitator(ppu_officer, home_region=region(KUDUS))
        assert "out_of_scope" in codes(exc.value)

    def test_the_province_names_the_host_dinas(self, kaltim_officer, ppu_dinas, kudus_agency):
        assert new_facilitator(kaltim_officer, agency=ppu_dinas).agency == ppu_dinas
        with pytest.raises(DomainError) as exc:
            new_facilitator(kaltim_officer, agency=kudus_agency)
        assert "out_of_scope" in codes(exc.value)

    @pytest.mark.parametrize("who", ["tpl", "analyst", "viewer"])
    def test_facilitators_analysts_and_viewers_do_not_create(self, request, who):
        with pytest.raises(AccessDenied):
            new_facilitator(request.getfixturevalue(who))


class TestFacilitatorUpdate:
    def test_stale_version_is_refused(self, ppu_officer, facilitator):
        seen = facilitator.version
        services.facilitator_update(actor=ppu_officer, facilitator=facilitator, phone="0812")
        with pytest.raises(StaleVersion):
            services.facilitator_update(
                actor=ppu_officer, facilitator=facilitator, phone="0813", expected_version=seen
            )

    def test_a_facilitator_corrects_their_own_contact_details_only(self, tpl, facilitator):
        services.facilitator_update(actor=tpl, facilitator=facilitator, phone="081234567890")
        assert Facilitator.objects.get(pk=facilitator.pk).phone == "081234567890"
        with pytest.raises(AccessDenied):
            services.facilitator_update(actor=tpl, facilitator=facilitator, cohort=2013)

    def test_a_colleague_does_not_even_see_it(self, colleague_actor, facilitator):
        with pytest.raises(NotFound):
            services.facilitator_update(actor=colleague_actor, facilitator=facilitator, phone="0")

    def test_another_regency_gets_not_found(self, kudus_officer, facilitator):
        with pytest.raises(NotFound):
            services.facilitator_update(actor=kudus_officer, facilitator=facilitator, phone="0")

    def test_set_status_and_an_unknown_one(self, ppu_officer, facilitator):
        services.facilitator_set_status(actor=ppu_officer, facilitator=facilitator, status="on_leave")
        assert Facilitator.objects.get(pk=facilitator.pk).status == "on_leave"
        with pytest.raises(DomainError) as exc:
            services.facilitator_set_status(actor=ppu_officer, facilitator=facilitator, status="fired")
        assert "invalid_choice" in codes(exc.value)

    def test_a_changed_nik_shows_in_the_history_without_its_value(self, ppu_officer, facilitator):
        services.facilitator_update(
            actor=ppu_officer, facilitator=facilitator, identity_number="6409012345678901"
        )
        event = AuditEvent.objects.filter(object_id=facilitator.pk, action="update").get()
        assert event.changes["identity_number"] == ["", services.HIDDEN]
        assert "6409012345678901" not in str(event.snapshot)


# --- the NIK ------------------------------------------------------------------------------------------


class TestIdentityNumber:
    @pytest.fixture
    def with_nik(self, facilitator):
        Facilitator.objects.filter(pk=facilitator.pk).update(identity_number="6409012345678901")
        return facilitator

    @pytest.mark.parametrize("who", ["ppu_officer", "kaltim_officer", "ministry_admin"])
    def test_managers_read_it_and_each_reading_is_logged(self, request, with_nik, who):
        actor = request.getfixturevalue(who)
        assert selectors.identity_number_for(actor, with_nik) == "6409012345678901"
        assert selectors.identity_number_for(actor, with_nik) == "6409012345678901"
        log = AuditEvent.objects.filter(object_id=with_nik.pk, action="access", username=actor.username)
        assert log.count() == 2

    @pytest.mark.parametrize("who", ["tpl", "analyst", "viewer"])
    def test_others_do_not_and_nothing_is_logged(self, request, with_nik, who):
        assert selectors.identity_number_for(request.getfixturevalue(who), with_nik) is None
        assert not AuditEvent.objects.filter(action="access").exists()

    def test_outside_the_region_it_is_not_found(self, kudus_officer, with_nik):
        with pytest.raises(NotFound):
            selectors.identity_number_for(kudus_officer, with_nik)


# --- contracts ----------------------------------------------------------------------------------------


def new_contract(actor, facilitator, **kwargs) -> Contract:
    data = {
        "number": "3.8.2 /IKM/KK/1/2027",
        "period_start": dt.date(2027, 1, 1),
        "period_end": dt.date(2027, 12, 31),
        "honorarium": 3_500_000,
        **kwargs,
    }
    return services.contract_create(actor=actor, facilitator=facilitator, **data)


class TestContracts:
    def test_placed_at_the_facilitator_and_first_year(self, ppu_officer, facilitator):
        contract = new_contract(ppu_officer, facilitator)
        assert (contract.regency_code, contract.contract_year) == (PPU, 1)

    def test_end_before_start(self, ppu_officer, facilitator):
        with pytest.raises(DomainError) as exc:
            new_contract(ppu_officer, facilitator, period_end=dt.date(2026, 12, 31))
        assert "period_order" in codes(exc.value)

    def test_a_one_day_contract_is_fine(self, ppu_officer, facilitator):
        assert new_contract(ppu_officer, facilitator, period_end=dt.date(2027, 1, 1)).pk

    def test_overlap_names_the_other_contract_and_its_dates(self, ppu_officer, contract):
        with pytest.raises(DomainError) as exc:
            new_contract(ppu_officer, contract.facilitator, period_start=dt.date(2026, 12, 31))
        assert exc.value.code == "contract_overlap"
        assert "3.8.2 /IKM/KK/1/2026" in exc.value.message
        assert "02-01-2026" in exc.value.message and "31-12-2026" in exc.value.message

    def test_touching_periods_do_not_overlap(self, ppu_officer, contract):
        assert new_contract(ppu_officer, contract.facilitator, period_start=dt.date(2027, 1, 1)).pk

    def test_another_persons_contract_does_not_overlap(self, ppu_officer, contract, colleague):
        assert new_contract(ppu_officer, colleague, period_start=dt.date(2026, 6, 1)).pk

    def test_duplicate_number(self, ppu_officer, contract, colleague):
        with pytest.raises(DomainError) as exc:
            new_contract(ppu_officer, colleague, number=" 3.8.2 /IKM/KK/1/2026 ")
        assert "duplicate_number" in codes(exc.value)

    def test_signed_in_the_future(self, ppu_officer, facilitator):
        with pytest.raises(DomainError) as exc:
            new_contract(ppu_officer, facilitator, signed_on=dt.date(2026, 11, 17))
        assert "signed_in_future" in codes(exc.value)
        assert new_contract(ppu_officer, facilitator, signed_on=dt.date(2026, 11, 16)).pk

    def test_a_meeting_the_actor_does_not_read_is_an_unknown_reference(
        self, ppu_officer, kaltim_officer, facilitator, kudus_agency, kaltim_agency
    ):
        from sentra.coordination.tests.factories import MeetingFactory

        elsewhere = MeetingFactory(agency=kudus_agency)
        with pytest.raises(DomainError) as exc:
            new_contract(ppu_officer, facilitator, signed_at_meeting=elsewhere)
        assert exc.value.code == "unknown_reference"
        assert exc.value.errors[0].field == "signed_at_meeting"
        provincial = MeetingFactory(agency=kaltim_agency, title="Rakor Provinsi Kaltim 2026")
        assert new_contract(kaltim_officer, facilitator, signed_at_meeting=provincial).pk

    def test_a_budget_line_the_actor_does_not_read_is_an_unknown_reference(
        self, ppu_officer, facilitator, kudus_agency, ppu_dinas
    ):
        from sentra.programmes.tests.factories import BudgetLineFactory

        with pytest.raises(DomainError) as exc:
            new_contract(
                ppu_officer, facilitator, budget_line=BudgetLineFactory(document__agency=kudus_agency)
            )
        assert (exc.value.code, exc.value.errors[0].field) == ("unknown_reference", "budget_line")
        own = BudgetLineFactory(document__agency=ppu_dinas)
        assert new_contract(ppu_officer, facilitator, budget_line=own).budget_line == own

    def test_update_keeps_the_rules_and_the_version(self, ppu_officer, contract):
        services.contract_update(actor=ppu_officer, contract=contract, honorarium=4_000_000)
        with pytest.raises(DomainError) as exc:
            services.contract_update(actor=ppu_officer, contract=contract, period_end=dt.date(2025, 1, 1))
        assert "period_order" in codes(exc.value)
        with pytest.raises(StaleVersion):
            services.contract_update(actor=ppu_officer, contract=contract, notes="x", expected_version=1)

    def test_a_facilitator_reads_their_contract_but_does_not_write_it(self, tpl, contract):
        with pytest.raises(AccessDenied):
            services.contract_update(actor=tpl, contract=contract, honorarium=9_000_000)

    def test_another_regency_gets_not_found(self, kudus_officer, contract):
        with pytest.raises(NotFound):
            services.contract_update(actor=kudus_officer, contract=contract, notes="x")


class TestRenewal:
    def test_renewal_chains_to_the_next_year(self, ppu_officer, contract):
        renewal = services.contract_renew(actor=ppu_officer, contract=contract, number="3.8.2 /IKM/KK/2/2027")
        assert renewal.previous == contract
        assert renewal.contract_year == 2
        assert (renewal.period_start, renewal.period_end) == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
        assert renewal.honorarium == contract.honorarium
        assert Contract.objects.get(pk=contract.pk).renewal == renewal

    def test_a_contract_is_renewed_once(self, ppu_officer, contract):
        services.contract_renew(actor=ppu_officer, contract=contract, number="A/2027")
        with pytest.raises(DomainError) as exc:
            services.contract_renew(
                actor=ppu_officer, contract=contract, number="B/2028", period_start=dt.date(2028, 1, 1)
            )
        assert "already_renewed" in codes(exc.value)

    def test_a_renewal_overlapping_the_old_contract_is_refused(self, ppu_officer, contract):
        with pytest.raises(DomainError) as exc:
            services.contract_renew(
                actor=ppu_officer, contract=contract, number="A/2027", period_start=dt.date(2026, 12, 1)
            )
        assert "contract_overlap" in codes(exc.value)


# --- placements ---------------------------------------------------------------------------------------


class TestPlacements:
    def test_placement_moves_the_facilitator_and_the_open_contract(
        self, kaltim_officer, facilitator, contract, kaltim_agency
    ):
        from sentra.registry.tests.factories import AgencyFactory

        paser = AgencyFactory(name="Dinas Perindustrian Kab. Paser", region_id="64.01")
        old = ContractFactory(
            facilitator=facilitator,
            number="OLD/2025",
            period_start=dt.date(2025, 1, 2),
            period_end=dt.date(2025, 12, 31),
        )
        placement = services.placement_create(
            actor=kaltim_officer,
            facilitator=facilitator,
            region=region("64.01"),
            host_agency=paser,
            starts_on=dt.date(2026, 11, 1),
        )
        facilitator.refresh_from_db()
        assert placement.regency_code == "64.01"
        assert (facilitator.regency_code, facilitator.agency) == ("64.01", paser)
        assert Contract.objects.get(pk=contract.pk).regency_code == "64.01"
        assert Contract.objects.get(pk=old.pk).regency_code == PPU  # history stays with the old Dinas

    def test_only_a_regency(self, ppu_officer, facilitator, ppu_dinas):
        with pytest.raises(DomainError) as exc:
            services.placement_create(
                actor=ppu_officer,
                facilitator=facilitator,
                region=region("64"),
                host_agency=ppu_dinas,
                starts_on=dt.date(2026, 1, 1),
            )
        assert "not_regency" in codes(exc.value)

    def test_host_agency_in_that_regency_and_supervisor_of_it(
        self, ppu_officer, facilitator, ppu_dinas, kudus_agency
    ):
        with pytest.raises(DomainError) as exc:
            services.placement_create(
                actor=ppu_officer,
                facilitator=facilitator,
                region=region(PPU),
                host_agency=kudus_agency,
                starts_on=dt.date(2026, 1, 1),
            )
        assert "host_agency_region" in codes(exc.value)
        stranger = persona(Role.REGENCY_OFFICER, agency=kudus_agency, username="orang.kudus")
        with pytest.raises(DomainError) as exc:
            services.placement_create(
                actor=ppu_officer,
                facilitator=facilitator,
                region=region(PPU),
                host_agency=ppu_dinas,
                supervisor=stranger,
                starts_on=dt.date(2026, 1, 1),
            )
        assert "supervisor_agency" in codes(exc.value)

    def test_no_overlapping_placements(self, ppu_officer, placement, ppu_dinas):
        with pytest.raises(DomainError) as exc:
            services.placement_create(
                actor=ppu_officer,
                facilitator=placement.facilitator,
                region=region(PPU),
                host_agency=ppu_dinas,
                starts_on=dt.date(2026, 6, 1),
            )
        assert exc.value.code == "placement_overlap"
        services.placement_end(actor=ppu_officer, placement=placement, ends_on=dt.date(2026, 5, 31))
        assert services.placement_create(
            actor=ppu_officer,
            facilitator=placement.facilitator,
            region=region(PPU),
            host_agency=ppu_dinas,
            starts_on=dt.date(2026, 6, 1),
        ).pk

    def test_ending_before_start_is_refused(self, ppu_officer, placement):
        with pytest.raises(DomainError) as exc:
            services.placement_end(actor=ppu_officer, placement=placement, ends_on=dt.date(2024, 12, 31))
        assert "end_before_start" in codes(exc.value)

    def test_ending_the_placement_returns_the_facilitator_to_the_home_regency(
        self, kaltim_officer, facilitator
    ):
        from sentra.registry.tests.factories import AgencyFactory

        paser = AgencyFactory(name="Dinas Perindustrian Kab. Paser", region_id="64.01")
        placement = services.placement_create(
            actor=kaltim_officer,
            facilitator=facilitator,
            region=region("64.01"),
            host_agency=paser,
            starts_on=dt.date(2026, 1, 1),
        )
        services.placement_end(actor=kaltim_officer, placement=placement, ends_on=dt.date(2026, 11, 15))
        facilitator.refresh_from_db()
        assert facilitator.regency_code == PPU


# --- caseload -----------------------------------------------------------------------------------------


class TestAssignments:
    def test_a_centre_of_the_placement_regency(self, ppu_officer, facilitator):
        centre = CentreFactory()
        assignment = services.assignment_create(
            actor=ppu_officer, facilitator=facilitator, centre=centre, starts_on=dt.date(2026, 2, 1)
        )
        assert (assignment.centre, assignment.regency_code) == (centre, PPU)

    def test_twice_the_same_active_target_is_refused(self, ppu_officer, facilitator):
        enterprise = EnterpriseFactory()
        first = services.assignment_create(
            actor=ppu_officer, facilitator=facilitator, enterprise=enterprise, starts_on=dt.date(2026, 2, 1)
        )
        with pytest.raises(DomainError) as exc:
            services.assignment_create(
                actor=ppu_officer,
                facilitator=facilitator,
                enterprise=enterprise,
                starts_on=dt.date(2026, 3, 1),
            )
        assert "already_assigned" in codes(exc.value)
        services.assignment_end(actor=ppu_officer, assignment=first, ends_on=dt.date(2026, 2, 28))
        again = services.assignment_create(
            actor=ppu_officer, facilitator=facilitator, enterprise=enterprise, starts_on=dt.date(2026, 3, 1)
        )
        assert Assignment.objects.filter(facilitator=facilitator).count() == 2  # history kept
        assert again.ends_on is None

    def test_exactly_one_target(self, ppu_officer, facilitator):
        with pytest.raises(DomainError) as exc:
            services.assignment_create(
                actor=ppu_officer, facilitator=facilitator, starts_on=dt.date(2026, 2, 1)
            )
        assert "target_required" in codes(exc.value)

    def test_a_target_outside_the_placement(self, kaltim_officer, facilitator):
        elsewhere = CentreFactory(village_id=village_in("64.01"))
        with pytest.raises(DomainError) as exc:
            services.assignment_create(
                actor=kaltim_officer, facilitator=facilitator, centre=elsewhere, starts_on=dt.date(2026, 2, 1)
            )
        assert "outside_placement" in codes(exc.value)

    def test_a_target_the_actor_does_not_read(self, ppu_officer, facilitator):
        hidden = CentreFactory(village_id=village_in(KUDUS))
        with pytest.raises(DomainError) as exc:
            services.assignment_create(
                actor=ppu_officer, facilitator=facilitator, centre=hidden, starts_on=dt.date(2026, 2, 1)
            )
        assert exc.value.code == "unknown_reference"

    def test_end_keeps_the_row(self, ppu_officer, facilitator):
        assignment = AssignmentFactory(facilitator=facilitator, centre=CentreFactory())
        services.assignment_end(actor=ppu_officer, assignment=assignment, ends_on=dt.date(2026, 10, 31))
        assert Assignment.objects.get(pk=assignment.pk).ends_on == dt.date(2026, 10, 31)
        with pytest.raises(DomainError) as exc:
            services.assignment_end(actor=ppu_officer, assignment=assignment, ends_on=dt.date(2026, 11, 1))
        assert "already_ended" in codes(exc.value)

    def test_a_facilitator_does_not_assign_themselves(self, tpl, facilitator):
        with pytest.raises(AccessDenied):
            services.assignment_create(
                actor=tpl, facilitator=facilitator, centre=CentreFactory(), starts_on=dt.date(2026, 2, 1)
            )

    def test_moving_ends_the_caseload_of_the_old_regency(self, kaltim_officer, facilitator):
        from sentra.registry.tests.factories import AgencyFactory

        assignment = AssignmentFactory(facilitator=facilitator, centre=CentreFactory())
        paser = AgencyFactory(name="Dinas Perindustrian Kab. Paser", region_id="64.01")
        services.placement_create(
            actor=kaltim_officer,
            facilitator=facilitator,
            region=region("64.01"),
            host_agency=paser,
            starts_on=dt.date(2026, 11, 1),
        )
        assignment.refresh_from_db()
        assert assignment.ends_on == dt.date(2026, 10, 31)
        assert assignment.regency_code == PPU


def test_placement_factory_and_current_placement(facilitator, placement):
    assert selectors.current_placement(facilitator) == placement
    assert selectors.current_placement(facilitator, on=dt.date(2024, 1, 1)) == placement
    Placement.objects.filter(pk=placement.pk).update(ends_on=dt.date(2026, 1, 1))
    assert selectors.current_placement(facilitator) is None
    assert PlacementFactory is not None and FacilitatorFactory is not None


# --- admin --------------------------------------------------------------------------------------------


def test_every_model_has_a_read_only_admin_without_the_nik(admin_client, facilitator, contract, placement):
    from django.apps import apps
    from django.contrib import admin
    from django.urls import reverse

    Facilitator.objects.filter(pk=facilitator.pk).update(identity_number="6409012345678901")
    for model in apps.get_app_config("facilitators").get_models():
        assert model in admin.site._registry, model
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        response = admin_client.get(reverse(name))
        assert response.status_code == 200, model
    page = admin_client.get(reverse("admin:facilitators_facilitator_change", args=[facilitator.pk]))
    assert page.status_code == 200
    assert "6409012345678901" not in page.content.decode()
    search = admin_client.get(reverse("admin:facilitators_contract_changelist"), {"q": "KK/1/2026"})
    assert "3.8.2 /IKM/KK/1/2026" in search.content.decode()


# --- the scope rule -----------------------------------------------------------------------------------


class TestScope:
    @pytest.fixture
    def records(self, facilitator, colleague, kudus_facilitator, contract):
        return {
            "own": facilitator,
            "colleague": colleague,
            "kudus": kudus_facilitator,
            "contract": contract,
            "colleague_contract": ContractFactory(facilitator=colleague, number="REKAN/2026"),
            "kudus_contract": ContractFactory(facilitator=kudus_facilitator, number="KUDUS/2026"),
        }

    def test_a_facilitator_sees_only_their_own_records(self, tpl, records):
        assert list(selectors.visible_facilitators(tpl)) == [records["own"]]
        assert list(selectors.visible_contracts(tpl)) == [records["contract"]]
        with pytest.raises(NotFound):
            selectors.get_visible(tpl, selectors.visible_facilitators(tpl), records["colleague"].pk)
        with pytest.raises(NotFound):
            selectors.get_visible(tpl, selectors.visible_contracts(tpl), records["colleague_contract"].pk)

    def test_the_dinas_sees_its_regency(self, ppu_officer, records):
        assert set(selectors.visible_facilitators(ppu_officer)) == {records["own"], records["colleague"]}
        assert records["kudus_contract"] not in selectors.visible_contracts(ppu_officer)
        with pytest.raises(NotFound):
            selectors.get_visible(
                ppu_officer, selectors.visible_facilitators(ppu_officer), records["kudus"].pk
            )

    def test_the_province_sees_its_regencies_and_the_ministry_all(
        self, kaltim_officer, ministry_admin, records
    ):
        assert set(selectors.visible_facilitators(kaltim_officer)) == {records["own"], records["colleague"]}
        assert selectors.visible_facilitators(ministry_admin).count() == 3

    def test_writes_outside_answer_not_found(self, kudus_officer, records, ppu_dinas):
        with pytest.raises(NotFound):
            services.contract_create(
                actor=kudus_officer,
                facilitator=records["own"],
                number="X/1",
                period_start=dt.date(2027, 1, 1),
                period_end=dt.date(2027, 12, 31),
            )
        with pytest.raises(NotFound):
            services.contract_renew(actor=kudus_officer, contract=records["contract"], number="X/2")
        with pytest.raises(NotFound):
            services.placement_create(
                actor=kudus_officer,
                facilitator=records["own"],
                region=region(KUDUS),
                host_agency=ppu_dinas,
                starts_on=dt.date(2027, 1, 1),
            )
        assert Contract.objects.count() == 3 and not Placement.objects.exists()
