"""No lost updates in plans and budgets (issue 12, point 3): the services check the version the caller
saw (`stale`), apply changes to the latest row under a lock, and imports count versions up."""

from __future__ import annotations

import pytest

from sentra.core.errors import StaleVersion
from sentra.programmes import services
from sentra.programmes.imports import import_realisation
from sentra.programmes.models import Activity, DisbursementPlan, Programme, Realisation
from sentra.programmes.tests.factories import (
    YEAR,
    ActivityFactory,
    BudgetDocumentFactory,
    BudgetLineFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db


def test_an_activity_update_with_a_stale_version_is_refused_and_writes_nothing(system_actor):
    activity = ActivityFactory(name="Bimtek amplang")
    seen = Activity.objects.get(pk=activity.pk).version
    services.activity_update(
        actor=system_actor, activity=Activity.objects.get(pk=activity.pk), expected_version=seen, name="A"
    )
    with pytest.raises(StaleVersion) as caught:
        services.activity_update(
            actor=system_actor, activity=Activity.objects.get(pk=activity.pk), expected_version=seen, name="B"
        )
    assert caught.value.code == "stale"
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.name, stored.version) == ("A", seen + 1)


def test_a_programme_update_applies_to_the_latest_row(system_actor):
    programme = ProgrammeFactory(code="019.05.01", name="Program lama")
    mine, theirs = Programme.objects.get(pk=programme.pk), Programme.objects.get(pk=programme.pk)
    services.programme_update(actor=system_actor, programme=theirs, code="019.05.09")
    services.programme_update(actor=system_actor, programme=mine, name="Program baru")
    stored = Programme.objects.get(pk=programme.pk)
    assert (stored.code, stored.name, stored.version) == ("019.05.09", "Program baru", 3)
    with pytest.raises(StaleVersion):
        services.programme_update(actor=system_actor, programme=stored, expected_version=1, name="X")


def test_an_rpd_set_by_someone_else_meanwhile_is_not_overwritten(system_actor):
    line = BudgetLineFactory(amount=12_000_000)
    services.disbursement_plan_set(actor=system_actor, line=line, months=[1_000_000] * 12, expected_version=0)
    with pytest.raises(StaleVersion):
        services.disbursement_plan_set(
            actor=system_actor, line=line, months=[0] * 11 + [12_000_000], expected_version=0
        )
    assert DisbursementPlan.objects.get(line=line).months() == [1_000_000] * 12


def test_a_delete_with_a_stale_version_deletes_nothing(system_actor):
    programme = ProgrammeFactory()
    services.programme_update(actor=system_actor, programme=programme, name="Program baru")
    with pytest.raises(StaleVersion):
        services.record_delete(actor=system_actor, record=programme, expected_version=1)
    assert Programme.objects.filter(pk=programme.pk).exists()


def test_a_realisation_import_that_corrects_a_month_counts_its_version_up(tmp_path, regency_agency):
    from sentra.accounts.models import Role
    from sentra.accounts.tests.factories import actor_of, persona

    line = BudgetLineFactory(document=BudgetDocumentFactory(agency=regency_agency, kind="apbn"), amount=10**8)
    Activity.objects.filter(pk=line.activity_id).update(code="5305.001")
    officer = actor_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))
    header = "Tahun anggaran,Kode kegiatan,Bulan,Realisasi (Rp),Progres fisik (%)"
    path = tmp_path / "r.csv"
    path.write_text(f"{header}\n{YEAR},5305.001,Januari,1000,10\n", encoding="utf-8")
    assert import_realisation(path=path, actor=officer, commit=True).created == 1
    january = Realisation.objects.get(activity_id=line.activity_id, month=1)
    assert january.version == 1
    path.write_text(f"{header}\n{YEAR},5305.001,Januari,2000,15\n", encoding="utf-8")
    assert import_realisation(path=path, actor=officer, commit=True).updated == 1
    assert Realisation.objects.get(pk=january.pk).version == 2
