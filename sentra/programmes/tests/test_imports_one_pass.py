"""Realisation import on the engine's one pass: the file is read once, batch by batch, inside one
transaction; an error found after batches were written (a later row, the pagu at the end, a month
verified meanwhile) leaves nothing written; the history is what the import has always stored."""

from __future__ import annotations

import openpyxl
import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditBatch, AuditEvent
from sentra.audit.services import diff, snapshot
from sentra.conftest import PPU
from sentra.core import imports as engine
from sentra.core.imports import run_import
from sentra.programmes.imports import RealisationSchema, import_realisation
from sentra.programmes.models import Realisation

from .factories import YEAR, BudgetDocumentFactory, BudgetLineFactory, RealisationFactory
from .test_imports import HEADER, TODAY, errors, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def ppu_activity(regency_agency):
    """A PPU activity with a pagu of Rp 120 million."""
    line = BudgetLineFactory(
        document=BudgetDocumentFactory(agency=regency_agency, kind="apbn"), amount=120_000_000
    )
    activity = line.activity
    activity.code = "5305.001"
    activity.save()
    return activity


@pytest.fixture
def officer(regency_agency):
    return actor_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of two rows, so that a few rows span several written batches."""
    monkeypatch.setattr(engine, "ONE_PASS_BATCH", 2)


MONTHS = tuple(f"{YEAR},5305.001,{month},1000000,{month * 5},," for month in range(1, 7))


def nothing_written(report, stored) -> bool:
    stored.refresh_from_db()
    return (
        not report.committed
        and (report.created, report.updated, report.batch_id) == (0, 0, None)
        and list(Realisation.objects.values_list("month", "amount")) == [(1, 1_000)]
        and stored.verification_status == "submitted"
        and AuditBatch.objects.count() == 0
        and AuditEvent.objects.count() == 0
    )


class TestAllOrNothingAcrossBatches:
    def test_the_schema_reads_the_file_once(self):
        assert RealisationSchema.one_pass

    def test_a_bad_row_after_written_batches_undoes_them(
        self, tmp_path, officer, ppu_activity, small_batches
    ):
        stored = RealisationFactory(
            activity=ppu_activity, month=1, amount=1_000, verification_status="submitted"
        )
        rows = (*MONTHS, f"{YEAR},9999.999,7,1,1,,")
        report = import_realisation(path=write(tmp_path, *rows), actor=officer, commit=True)
        assert errors(report) == [(8, "kode_kegiatan", "unknown_activity")]
        assert report.rows_total == 7
        assert nothing_written(report, stored)

    def test_above_pagu_found_at_the_end_undoes_every_batch(
        self, tmp_path, officer, ppu_activity, small_batches
    ):
        stored = RealisationFactory(
            activity=ppu_activity, month=1, amount=1_000, verification_status="submitted"
        )
        rows = (*MONTHS, f"{YEAR},5305.001,7,114000001,40,,")  # 6 + 114 million and one rupiah
        report = import_realisation(path=write(tmp_path, *rows), actor=officer, commit=True)
        assert errors(report) == [(8, "realisasi_rp", "above_pagu")]
        assert nothing_written(report, stored)

    def test_a_month_verified_while_the_import_runs_refuses_it_all(
        self, tmp_path, officer, ppu_activity, small_batches, monkeypatch
    ):
        stored = RealisationFactory(
            activity=ppu_activity, month=1, amount=1_000, verification_status="submitted"
        )
        load_year = RealisationSchema._load_year

        def load_then_verify(schema, year):
            load_year(schema, year)  # the import has read the month as open...
            Realisation.objects.filter(pk=stored.pk).update(verification_status="verified")  # ...then not

        monkeypatch.setattr(RealisationSchema, "_load_year", load_then_verify)
        rows = (f"{YEAR},5305.001,2,1000,10,,", f"{YEAR},5305.001,3,1000,15,,", *MONTHS[:1])
        report = import_realisation(path=write(tmp_path, *rows), actor=officer, commit=True)
        assert errors(report) == [(4, "bulan", "locked")]
        assert "sementara impor berjalan" in report.errors[0].message
        assert not report.committed and (report.created, report.updated, report.batch_id) == (0, 0, None)
        assert list(Realisation.objects.values_list("month", flat=True)) == [1]
        assert AuditBatch.objects.count() == 0

    def test_many_batches_write_creates_and_updates(self, tmp_path, officer, ppu_activity, small_batches):
        RealisationFactory(activity=ppu_activity, month=1, amount=1_000, verification_status="submitted")
        report = import_realisation(path=write(tmp_path, *MONTHS), actor=officer, commit=True)
        assert report.ok and report.committed and (report.created, report.updated) == (5, 1)
        assert sorted(Realisation.objects.values_list("month", "amount")) == [
            (m, 1_000_000) for m in range(1, 7)
        ]
        assert AuditEvent.objects.filter(batch_id=report.batch_id).count() == 6

    def test_a_dry_run_writes_nothing(self, tmp_path, officer, ppu_activity, small_batches):
        report = import_realisation(path=write(tmp_path, *MONTHS), actor=officer)
        assert report.ok and not report.committed and report.rows_total == 6
        assert Realisation.objects.count() == 0 and AuditBatch.objects.count() == 0


def test_an_xlsx_file_is_opened_and_read_once(tmp_path, officer, ppu_activity, monkeypatch):
    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    for month in range(1, 7):
        book.active.append([YEAR, "5305.001", month, 1_000_000, month * 5, None, None])
    path = tmp_path / "realisasi.xlsx"
    book.save(path)
    opened, read = [], []
    open_workbook, xlsx_rows = engine._open_workbook, engine.SheetReader._xlsx_rows
    monkeypatch.setattr(engine, "_open_workbook", lambda p: opened.append(p) or open_workbook(p))

    def counted(reader):
        for item in xlsx_rows(reader):
            read.append(item[0])
            yield item

    monkeypatch.setattr(engine.SheetReader, "_xlsx_rows", counted)
    schema = RealisationSchema(actor=officer, description="realisasi.xlsx", today=TODAY)
    report = run_import(path=path, schema=schema, commit=True)
    assert report.ok and report.created == 6
    assert len(opened) == 1 and read == list(range(1, 8))


class TestHistory:
    """One event per written month, with the values the import has always stored."""

    def test_created_and_updated_months(self, tmp_path, officer, ppu_activity):
        january = RealisationFactory(
            activity=ppu_activity, month=1, amount=1_000, physical_progress=5, verification_status="submitted"
        )
        january.refresh_from_db()  # the stored values, as the import reads them
        before = snapshot(january)
        rows = (f"{YEAR},5305.001,Januari,2000,10,1,", f'{YEAR},5305.001,Feb,15.000.000,"25,5",4,Hujan')
        report = import_realisation(path=write(tmp_path, *rows), actor=officer, commit=True)
        assert report.ok and (report.created, report.updated) == (1, 1)
        january.refresh_from_db()
        february = Realisation.objects.get(month=2)
        events = {e.object_id: e for e in AuditEvent.objects.filter(batch_id=report.batch_id)}
        assert set(events) == {january.pk, february.pk}
        for record, action, was in ((january, "update", before), (february, "create", None)):
            event = events[record.pk]
            assert (event.action, event.object_type, event.object_repr, event.region_code) == (
                action,
                "programmes.realisation",
                f"5305.001 — {record.month:02d}/{YEAR}",
                PPU,
            )
            assert (event.user_id, event.username, event.channel, event.reason) == (
                officer.user_id,
                officer.username,
                officer.channel,
                "",
            )
            assert event.snapshot == snapshot(record)
            assert event.changes == diff(was, snapshot(record))
        assert events[january.pk].changes["verification_status"] == ["submitted", "draft"]
        assert events[february.pk].changes["physical_progress"] == [None, "25.50"]


class TestBeneficiaries:
    """The beneficiary import reads its file once too; links gathered over batches are written at the end."""

    def test_links_over_several_batches_make_one_event_per_activity(
        self, tmp_path, officer, regency_agency, small_batches
    ):
        from sentra.conftest import SALOLOANG
        from sentra.core.import_kinds import import_file
        from sentra.programmes.imports import BeneficiarySchema
        from sentra.registry.tests.factories import CentreFactory

        from .factories import ActivityFactory

        assert BeneficiarySchema.one_pass
        activity = ActivityFactory(agency=regency_agency, code="5305.001")
        centres = [CentreFactory(name=f"Sentra {i}", village_id=SALOLOANG) for i in range(5)]
        header = "Tahun anggaran,Kode kegiatan,ID sentra"
        rows = [f"{YEAR},5305.001,{c.pk}" for c in centres]
        path = write(tmp_path, *rows, header=header)
        dry = import_file(kind="beneficiaries", path=path, actor=officer)
        assert dry.ok and not activity.centres.exists() and AuditBatch.objects.count() == 0
        report = import_file(kind="beneficiaries", path=path, actor=officer, commit=True)
        assert report.ok and (report.created, report.updated) == (5, 1)
        assert sorted(activity.centres.values_list("pk", flat=True)) == sorted(c.pk for c in centres)
        event = AuditEvent.objects.get()
        assert event.changes == {"centres": [[], sorted(c.pk for c in centres)]}

    def test_an_error_in_a_later_batch_links_nothing(self, tmp_path, officer, regency_agency, small_batches):
        from sentra.conftest import SALOLOANG
        from sentra.core.import_kinds import import_file
        from sentra.registry.tests.factories import CentreFactory

        from .factories import ActivityFactory

        activity = ActivityFactory(agency=regency_agency, code="5305.001")
        centres = [CentreFactory(name=f"Sentra {i}", village_id=SALOLOANG) for i in range(4)]
        rows = [*(f"{YEAR},5305.001,{c.pk}" for c in centres), f"{YEAR},5305.001,999999"]
        path = write(tmp_path, *rows, header="Tahun anggaran,Kode kegiatan,ID sentra")
        report = import_file(kind="beneficiaries", path=path, actor=officer, commit=True)
        assert errors(report) == [(6, "id_sentra", "unknown_beneficiary")]
        assert not report.committed and not activity.centres.exists() and AuditBatch.objects.count() == 0
