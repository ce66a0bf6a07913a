"""The SAKTI-style realisation import (issue 13.7): one row per satker × akun × month with the program,
kegiatan, KRO, RO and komponen codes, matched to the agency (satker code), the activity (its codes)
and the budget line (akun); every code that matches nothing is reported on its row with the column
and the reason, and any error writes nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from sentra.accounts.models import Role
from sentra.accounts.permissions import Action
from sentra.accounts.scope import require
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditEvent
from sentra.core.imports import run_import, template_csv, template_xlsx
from sentra.programmes.imports import SaktiRealisationSchema
from sentra.programmes.models import Realisation

from .factories import YEAR, ActivityFactory, BudgetDocumentFactory, BudgetLineFactory, RealisationFactory

pytestmark = pytest.mark.django_db

M = 1_000_000
TODAY = dt.date(YEAR, 11, 23)
HEADER = (
    "kode_satker,tahun_anggaran,bulan,kode_program,kode_kegiatan,kode_kro,kode_ro,kode_komponen,kode_akun,"
    "realisasi_rp"
)


def row(
    akun="526111", month=3, amount=10 * M, satker="640110", kro="RBS", program="019.05.DL", kegiatan="5305"
):
    return f"{satker},{YEAR},{month},{program},{kegiatan},{kro},001,051,{akun},{amount}"


def run(tmp_path, actor, *rows, commit=False, header=HEADER):
    require(actor, Action.IMPORT)
    path = tmp_path / "sakti.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    schema = SaktiRealisationSchema(actor=actor, description="sakti.csv", today=TODAY)
    return run_import(path=path, schema=schema, commit=commit)


def errors(report):
    return [(e.row, e.column, e.code) for e in report.errors]


@pytest.fixture
def sakti_world(kaltim_agency):
    """Kaltim (satker 640110) with a TP activity coded 5305.RBS.001.051 in programme 019.05.DL: goods
    526111 pagu 100 M, capital 532111 pagu 50 M, and a bansos line (57) without an akun, 20 M."""
    kaltim_agency.satker_code = "640110"
    kaltim_agency.save()
    document = BudgetDocumentFactory(agency=kaltim_agency, kind="tp")
    activity = ActivityFactory(
        agency=kaltim_agency,
        funding_source="tp",
        code="5305.RBS.001.051",
        kegiatan_code="5305",
        kro_code="RBS",
        ro_code="001",
        component_code="051",
    )
    activity.programme.code = "019.05.DL"
    activity.programme.save()
    goods = BudgetLineFactory(
        document=document, activity=activity, account_group="52", account_code="526111", amount=100 * M
    )
    capital = BudgetLineFactory(
        document=document, activity=activity, account_group="53", account_code="532111", amount=50 * M
    )
    social = BudgetLineFactory(document=document, activity=activity, account_group="57", amount=20 * M)
    return {"activity": activity, "goods": goods, "capital": capital, "social": social}


@pytest.fixture
def ministry(ministry_agency):
    return actor_of(persona(Role.MINISTRY_ADMIN, agency=ministry_agency))


def test_rows_are_matched_to_activity_and_line_and_written_per_spending_type(tmp_path, ministry, sakti_world):
    report = run(tmp_path, ministry, row("526111", 3, 10 * M), row("532111", 3, 5 * M), commit=True)
    assert report.ok and report.created == 2, errors(report)
    stored = {
        r.account_group: (r.budget_line_id, r.month, r.amount)
        for r in Realisation.objects.filter(activity=sakti_world["activity"])
    }
    assert stored == {
        "52": (sakti_world["goods"].pk, 3, 10 * M),
        "53": (sakti_world["capital"].pk, 3, 5 * M),
    }
    assert AuditEvent.objects.filter(batch_id=report.batch_id).count() == 2
    # re-importing the same export updates the months, never duplicates them
    again = run(tmp_path, ministry, row("526111", 3, 12 * M), row("532111", 3, 5 * M), commit=True)
    assert again.ok and (again.created, again.updated) == (0, 2)
    assert Realisation.objects.filter(activity=sakti_world["activity"]).count() == 2
    assert Realisation.objects.get(account_group="52").amount == 12 * M


def test_a_new_month_carries_the_last_reported_progress(tmp_path, ministry, sakti_world):
    RealisationFactory(
        activity=sakti_world["activity"], month=2, amount=1 * M, physical_progress=35, account_group="52"
    )
    report = run(tmp_path, ministry, row("526111", 4, 2 * M), commit=True)
    assert report.ok, errors(report)
    assert Realisation.objects.get(month=4).physical_progress == Decimal("35")


def test_every_unmatched_code_is_reported_on_its_row_and_nothing_is_written(tmp_path, ministry, sakti_world):
    report = run(
        tmp_path,
        ministry,
        row("526111", 3, 10 * M),  # fine, but the file has errors: not written
        row(satker="999999"),
        row(satker="64011"),
        row(kro="XYZ"),
        row(akun="524111"),
        row(akun="5261"),
        row(program="019.05.WA"),
        row(kegiatan="53O5"),
        commit=True,
    )
    assert errors(report) == [
        (3, "kode_satker", "unknown_satker"),
        (4, "kode_satker", "invalid_satker_code"),
        (5, "kode_kegiatan", "unknown_activity"),
        (6, "kode_akun", "unknown_account"),
        (7, "kode_akun", "invalid_account_code"),
        (8, "kode_program", "unknown_program"),
        (9, "kode_kegiatan", "invalid_kegiatan_code"),
    ]
    messages = {e.code: e.message for e in report.errors}
    assert "5305.XYZ.001.051" in messages["unknown_activity"]
    assert "524111" in messages["unknown_account"] and "526111" in messages["unknown_account"]
    assert not Realisation.objects.exists() and report.created == 0


def test_a_line_stays_within_its_pagu_minus_blokir(tmp_path, ministry, sakti_world):
    goods = sakti_world["goods"]
    goods.blocked = 30 * M
    goods.save()
    report = run(tmp_path, ministry, row("526111", 2, 40 * M), row("526111", 3, 31 * M), commit=True)
    assert errors(report) == [(3, "realisasi_rp", "above_pagu")]
    assert not Realisation.objects.exists()
    assert run(tmp_path, ministry, row("526111", 2, 40 * M), row("526111", 3, 30 * M)).ok


def test_bansos_is_questioned_in_the_report_not_refused(tmp_path, ministry, sakti_world):
    # the 57 line has no akun: the akun's group (57) matches it
    report = run(tmp_path, ministry, row("572111", 3, 5 * M), commit=True)
    assert report.ok and report.created == 1, errors(report)
    assert [(w.row, w.column, w.code) for w in report.warnings] == [(2, "kode_akun", "social_aid_for_ikm")]
    assert "PMK 254/2015" in report.warnings[0].message
    assert Realisation.objects.get().budget_line_id == sakti_world["social"].pk


def test_the_same_satker_akun_and_month_twice_is_refused(tmp_path, ministry, sakti_world):
    report = run(tmp_path, ministry, row("526111", 3, 1 * M), row("526111", 3, 2 * M))
    assert errors(report) == [(3, "kode_akun", "duplicate_key")]


def test_a_satker_outside_the_importers_region_is_unknown(tmp_path, sakti_world, regency_agency):
    officer = actor_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))
    report = run(tmp_path, officer, row("526111", 3, 1 * M))
    assert errors(report) == [(2, "kode_satker", "unknown_satker")]


def test_a_verified_month_is_locked(tmp_path, ministry, sakti_world):
    RealisationFactory(
        activity=sakti_world["activity"], month=3, account_group="52", verification_status="verified"
    )
    report = run(tmp_path, ministry, row("526111", 3, 1 * M))
    assert errors(report) == [(2, "bulan", "locked")]


def test_the_template_names_every_column_with_a_sample_row():
    assert template_csv(SaktiRealisationSchema()).lstrip("\ufeff").splitlines()[-1].split(",")[:3] == [
        "kode_satker",
        "tahun_anggaran",
        "bulan",
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx(SaktiRealisationSchema())))
    guide = {r[0]: r[2] for r in workbook.worksheets[1].iter_rows(values_only=True) if r and r[0]}
    assert (guide["kode_satker"], guide["kode_kro"], guide["kode_akun"]) == ("640110", "RBS", "526111")


def test_the_kind_is_registered_for_web_api_and_cli(tmp_path, ministry, sakti_world):
    from sentra.accounts.permissions import Area
    from sentra.core.import_kinds import import_file, import_kind

    registered = import_kind("sakti_realisation")
    assert registered.schema_class() is SaktiRealisationSchema and registered.area == Area.PROGRAMMES
    path = tmp_path / "sakti.csv"
    path.write_text("\n".join([HEADER, row("526111", 3, 1 * M)]) + "\n", encoding="utf-8")
    # the registry's entry point: the fixed clock is in the test's fiscal year, March has ended
    report = import_file(kind="sakti_realisation", path=path, actor=ministry, commit=True)
    assert report.ok and report.created == 1, errors(report)
