"""Realisation import: every rule of the realisation service per row, scope and locks as in part 2,
all or nothing, re-import updates, one audited batch that can be rolled back; CLI, web and API."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditBatch, AuditEvent
from sentra.audit.services import snapshot
from sentra.conftest import KUDUS, PPU
from sentra.core.errors import AccessDenied
from sentra.core.import_kinds import import_file, import_rollback
from sentra.programmes.imports import RealisationSchema, import_realisation, parse_month
from sentra.programmes.models import Realisation
from sentra.registry.tests.factories import AgencyFactory

from .factories import YEAR, ActivityFactory, BudgetDocumentFactory, BudgetLineFactory, RealisationFactory

pytestmark = pytest.mark.django_db

HEADER = "Tahun anggaran,Kode kegiatan,Bulan,Realisasi (Rp),Progres fisik (%),Capaian keluaran,Kendala"
TODAY = dt.date(YEAR, 11, 23)


def write(tmp_path, *rows, header=HEADER, name="realisasi.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def errors(report):
    return [(e.row, e.column, e.code) for e in report.errors]


def run(tmp_path, actor, *rows, commit=False, header=HEADER, today=TODAY):
    """The registry's import_file path with a fixed 'today' (the schema's only clock)."""
    from sentra.accounts.permissions import Action
    from sentra.accounts.scope import require
    from sentra.core.imports import run_import

    require(actor, Action.IMPORT)
    schema = RealisationSchema(actor=actor, description="realisasi.csv", today=today)
    return run_import(path=write(tmp_path, *rows, header=header), schema=schema, commit=commit)


@pytest.fixture
def ppu_activity(regency_agency):
    """A PPU activity with a pagu of Rp 120 million (one APBN line)."""
    doc = BudgetDocumentFactory(agency=regency_agency, kind="apbn")
    line = BudgetLineFactory(document=doc, amount=120_000_000)
    activity = line.activity
    activity.code = "5305.001"
    activity.save()
    return activity


@pytest.fixture
def officer(regency_agency):
    return actor_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))


class TestMonths:
    @pytest.mark.parametrize(
        ("text", "month"),
        [
            ("3", 3),
            (3, 3),
            (3.0, 3),
            ("03", 3),
            ("Januari", 1),
            ("jan", 1),
            ("Agt", 8),
            ("Des.", 12),
            ("13", 13),
        ],
    )
    def test_numbers_and_indonesian_names(self, text, month):
        assert parse_month(text) == month

    def test_unknown_name(self):
        from sentra.core.imports import CellError

        with pytest.raises(CellError) as caught:
            parse_month("Ramadan")
        assert caught.value.code == "invalid_month"


class TestRowRules:
    def test_each_rule_of_the_service_has_its_code_row_and_column(self, tmp_path, officer, ppu_activity):
        report = run(
            tmp_path,
            officer,
            f"{YEAR},5305.001,13,1000,10,,",  # row 2
            f"{YEAR},5305.001,Desember,1000,10,,",  # row 3: the future
            f"{YEAR},5305.001,Maret,-5,10,,",  # row 4
            f"{YEAR},5305.001,April,1000,101,,",  # row 5
            f"{YEAR},5305.001,Ramadan,1000,10,,",  # row 6
            f"{YEAR},9999.999,Mei,1000,10,,",  # row 7
            f"{YEAR},5305.001,Juni,,10,,",  # row 8
        )
        assert errors(report) == [
            (2, "bulan", "month_out_of_year"),
            (3, "bulan", "future_month"),
            (4, "realisasi_rp", "negative_amount"),
            (5, "progres_fisik", "invalid_progress"),
            (6, "bulan", "invalid_month"),
            (7, "kode_kegiatan", "unknown_activity"),
            (8, "realisasi_rp", "required"),
        ]
        by_row = {e.row: e for e in report.errors}
        assert by_row[3].message == "Realisasi tidak dapat dicatat untuk bulan yang belum berjalan."
        assert "9999.999" in by_row[7].message and str(YEAR) in by_row[7].message
        assert by_row[6].value == "Ramadan"
        assert Realisation.objects.count() == 0

    def test_pagu_counts_stored_months_and_the_files_other_rows(self, tmp_path, officer, ppu_activity):
        RealisationFactory(activity=ppu_activity, month=1, amount=50_000_000)
        RealisationFactory(activity=ppu_activity, month=2, amount=30_000_000)
        # Feb is replaced by the file (30 → 10): stored Jan 50 + Feb 10 + Mar 40 + Apr 20 = 120: fits.
        ok = run(
            tmp_path,
            officer,
            f"{YEAR},5305.001,Maret,40000000,30,,",
            f"{YEAR},5305.001,Februari,10000000,20,,",
            f"{YEAR},5305.001,April,20000000,40,,",
        )
        assert ok.ok, ok.errors
        # One more rupiah is too much: reported once, on the activity's last row in the file.
        over = run(
            tmp_path,
            officer,
            f"{YEAR},5305.001,Maret,40000000,30,,",
            f"{YEAR},5305.001,Februari,10000000,20,,",
            f"{YEAR},5305.001,April,20000001,40,,",
        )
        assert errors(over) == [(4, "realisasi_rp", "above_pagu")]
        assert "Rp120.000.001" in over.errors[0].message and "Rp120.000.000" in over.errors[0].message

    def test_an_activity_without_pagu_takes_no_money(self, tmp_path, officer, regency_agency):
        ActivityFactory(agency=regency_agency, code="5305.002")
        report = run(tmp_path, officer, f"{YEAR},5305.002,Maret,1,10,,", f"{YEAR},5305.002,April,0,20,,")
        assert errors(report) == [(3, "realisasi_rp", "above_pagu")]

    def test_the_same_activity_and_month_twice_is_a_duplicate(self, tmp_path, officer, ppu_activity):
        report = run(
            tmp_path,
            officer,
            f"{YEAR},5305.001,3,1000,10,,",
            f"{YEAR},5305.001,Maret,2000,10,,",
            f"{YEAR},5305.001,3,1000,10,,",
        )
        assert errors(report) == [(3, "bulan", "duplicate_key"), (4, "", "duplicate_row")]
        assert "baris 2" in report.errors[0].message

    def test_a_closed_month_is_locked(self, tmp_path, officer, ppu_activity):
        RealisationFactory(activity=ppu_activity, month=3, amount=5, verification_status="verified")
        RealisationFactory(activity=ppu_activity, month=4, amount=5, verification_status="accepted")
        report = run(
            tmp_path,
            officer,
            f"{YEAR},5305.001,Maret,1000,10,,",
            f"{YEAR},5305.001,April,1000,10,,",
            commit=True,
        )
        assert errors(report) == [(2, "bulan", "locked"), (3, "bulan", "locked")]
        assert sorted(Realisation.objects.values_list("amount", flat=True)) == [5, 5]

    def test_missing_columns_are_named(self, tmp_path, officer):
        report = run(tmp_path, officer, f"{YEAR},5305.001", header="Tahun anggaran,Kode kegiatan")
        assert errors(report) == [(None, "bulan, realisasi_rp, progres_fisik", "missing_columns")]


class TestScope:
    def test_another_regencys_activity_reads_as_unknown_and_nothing_is_written(
        self, tmp_path, officer, ppu_activity
    ):
        kudus = AgencyFactory(name="Dinas Perindustrian Kab. Kudus", kind="regency_industry", region_id=KUDUS)
        line = BudgetLineFactory(
            document=BudgetDocumentFactory(agency=kudus), amount=10_000_000, activity__code="3319.001"
        )
        report = run(
            tmp_path,
            officer,
            f"{YEAR},5305.001,Maret,1000,10,,",
            f"{YEAR},{line.activity.code},Maret,1000,10,,",
            commit=True,
        )
        # The code is only used outside the officer's region: answered as a code used nowhere
        # (issue 12 point 5), so that the file cannot probe other regions' activities.
        assert errors(report) == [(3, "kode_kegiatan", "unknown_activity")]
        assert "di luar wilayah kerja Anda" not in report.errors[0].message
        assert Realisation.objects.count() == 0 and AuditBatch.objects.count() == 0

    def test_a_code_used_by_two_agencies_in_scope_needs_the_agency_column(self, tmp_path, ppu_activity):
        other = AgencyFactory(name="Dekranasda Kab. Penajam Paser Utara", kind="dekranasda", region_id=PPU)
        twin = BudgetLineFactory(document=BudgetDocumentFactory(agency=other), amount=10_000_000).activity
        twin.code = "5305.001"
        twin.save()
        province = actor_of(persona(Role.PROVINCE_OFFICER, region="64"))
        report = run(tmp_path, province, f"{YEAR},5305.001,Maret,1000,10,,")
        assert errors(report) == [(2, "kode_kegiatan", "ambiguous_activity")]
        header = "Kode satker," + HEADER
        report = run(
            tmp_path,
            province,
            f"{other.pk},{YEAR},5305.001,Maret,1000,10,,",
            f'"{ppu_activity.agency.name}",{YEAR},5305.001,Maret,2000,10,,',
            f"Tidak Ada,{YEAR},5305.001,April,2000,10,,",
            header=header,
            commit=True,
        )
        assert errors(report) == [(4, "kode_satker", "unknown_agency")]
        report = run(
            tmp_path,
            province,
            f"{other.pk},{YEAR},5305.001,Maret,1000,10,,",
            f'"{ppu_activity.agency.name}",{YEAR},5305.001,Maret,2000,10,,',
            header=header,
            commit=True,
        )
        assert report.ok and report.created == 2
        assert Realisation.objects.get(activity=twin).amount == 1000
        assert Realisation.objects.get(activity=ppu_activity).amount == 2000

    def test_only_roles_with_the_import_right(self, tmp_path, regency_agency, ppu_activity):
        for role in (Role.FACILITATOR, Role.MINISTRY_ANALYST, Role.VIEWER):
            who = actor_of(persona(role, agency=regency_agency))
            with pytest.raises(AccessDenied):
                import_realisation(path=write(tmp_path, f"{YEAR},5305.001,3,1,1,,"), actor=who, commit=True)
        assert Realisation.objects.count() == 0


class TestWrite:
    ROWS = (f"{YEAR},5305.001,Januari,10000000,10,2,", f'{YEAR},5305.001,Feb,15.000.000,"25,5",4,Hujan')

    def test_dry_run_writes_nothing_commit_writes_all(self, tmp_path, officer, ppu_activity):
        dry = import_realisation(path=write(tmp_path, *self.ROWS), actor=officer)
        assert dry.ok and dry.rows_total == 2 and not dry.committed
        assert Realisation.objects.count() == 0 and AuditBatch.objects.count() == 0
        report = import_realisation(path=write(tmp_path, *self.ROWS), actor=officer, commit=True)
        assert report.ok and report.committed and (report.created, report.updated) == (2, 0)
        feb = Realisation.objects.get(activity=ppu_activity, month=2)
        assert (feb.amount, str(feb.physical_progress), str(feb.output_achieved), feb.obstacles) == (
            15_000_000,
            "25.50",
            "4.00",
            "Hujan",
        )
        assert feb.agency_id == ppu_activity.agency_id and feb.region_id == PPU and feb.regency_code == PPU
        assert feb.fiscal_year == YEAR and feb.verification_status == "draft"
        event = AuditEvent.objects.get(batch_id=report.batch_id, object_id=feb.pk)
        assert event.action == "create" and event.snapshot == snapshot(feb)
        assert event.region_code == PPU and event.channel == "web"

    def test_reimport_updates_instead_of_duplicating(self, tmp_path, officer, ppu_activity):
        import_realisation(path=write(tmp_path, *self.ROWS), actor=officer, commit=True)
        Realisation.objects.filter(month=2).update(verification_status="submitted")
        rows = (self.ROWS[0], f"{YEAR},5305.001,Feb,16000000,30,4,Hujan")
        report = import_realisation(path=write(tmp_path, *rows), actor=officer, commit=True)
        assert report.ok and (report.created, report.updated) == (0, 2)
        assert Realisation.objects.count() == 2
        feb = Realisation.objects.get(month=2)
        assert feb.amount == 16_000_000 and feb.verification_status == "draft"  # edited: back to draft
        events = AuditEvent.objects.filter(batch_id=report.batch_id)
        assert events.count() == 1  # January did not change: no event
        event = events.get()
        assert event.action == "update" and event.snapshot == snapshot(feb)
        assert event.changes["amount"] == [15_000_000, 16_000_000]
        assert event.changes["verification_status"] == ["submitted", "draft"]

    def test_imported_months_pass_through_verification_and_then_lock(self, tmp_path, ppu_activity):
        from sentra.verification.services import bulk_transition

        regency = actor_of(persona(Role.REGENCY_OFFICER, agency=ppu_activity.agency))
        province = actor_of(persona(Role.PROVINCE_OFFICER, region="64"))
        assert import_realisation(path=write(tmp_path, *self.ROWS), actor=regency, commit=True).ok
        months = list(Realisation.objects.all())
        assert len(bulk_transition(actor=regency, name="submit", records=months).done) == 2
        assert len(bulk_transition(actor=province, name="verify", records=months).done) == 2
        report = import_realisation(path=write(tmp_path, *self.ROWS), actor=regency, commit=True)
        assert errors(report) == [(2, "bulan", "locked"), (3, "bulan", "locked")]

    def test_columns_absent_from_the_file_keep_their_values(self, tmp_path, officer, ppu_activity):
        import_realisation(path=write(tmp_path, *self.ROWS), actor=officer, commit=True)
        header = "Tahun anggaran,Kode kegiatan,Bulan,Realisasi (Rp),Progres fisik (%)"
        path = write(tmp_path, f"{YEAR},5305.001,Feb,1,30", header=header)
        assert import_realisation(path=path, actor=officer, commit=True).updated == 1
        feb = Realisation.objects.get(month=2)
        assert (feb.amount, feb.obstacles, str(feb.output_achieved)) == (1, "Hujan", "4.00")

    def test_rollback_undoes_creates_and_updates(self, tmp_path, officer, ppu_activity):
        existing = RealisationFactory(activity=ppu_activity, month=1, amount=1_000, physical_progress=5)
        report = import_realisation(path=write(tmp_path, *self.ROWS), actor=officer, commit=True)
        assert (report.created, report.updated) == (1, 1)
        assert import_rollback(actor=officer, batch_id=report.batch_id) == 2
        assert list(Realisation.objects.values_list("month", "amount")) == [(1, 1_000)]
        existing.refresh_from_db()
        assert str(existing.physical_progress) == "5.00"

    def test_xlsx_with_month_names(self, tmp_path, officer, ppu_activity):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(HEADER.split(","))
        sheet.append([YEAR, "5305.001", "Maret", 12_500_000, 33.5, 3, "Bahan baku terlambat"])
        path = tmp_path / "realisasi.xlsx"
        book.save(path)
        report = import_realisation(path=path, actor=officer, commit=True)
        assert report.ok and report.created == 1
        march = Realisation.objects.get(month=3)
        assert march.amount == 12_500_000 and str(march.physical_progress) == "33.50"


class TestChannels:
    def test_cli_dry_run_commit_and_exit_code(self, tmp_path, regency_agency, ppu_activity, capsys):
        user = persona(Role.REGENCY_OFFICER, agency=regency_agency, username="ppu")
        path = write(tmp_path, f"{YEAR},5305.001,Maret,1000,10,,")
        call_command("import", "realisation", str(path), "--as", user.username, "--no-progress")
        assert Realisation.objects.count() == 0
        call_command("import", "realisation", str(path), "--commit", "--as", user.username, "--no-progress")
        assert Realisation.objects.count() == 1
        bad = write(tmp_path, f"{YEAR},5305.001,13,1000,10,,", name="bad.csv")
        with pytest.raises(SystemExit) as caught:
            call_command(
                "import", "realisation", str(bad), "--commit", "--as", user.username, "--no-progress"
            )
        assert caught.value.code == 1
        assert "month_out_of_year" in capsys.readouterr().out

    def test_cli_template(self, tmp_path):
        out = tmp_path / "templat.xlsx"
        call_command("import", "template", "realisation", str(out))
        sheet = openpyxl.load_workbook(out).worksheets[0]
        assert [c.value for c in sheet[1]][:3] == ["kode_satker", "tahun_anggaran", "kode_kegiatan"]

    def test_web_upload_offers_and_accepts_the_kind(self, client, regency_agency, ppu_activity):
        client.force_login(persona(Role.REGENCY_OFFICER, agency=regency_agency))
        html = client.get(reverse("web:import_upload")).content.decode()
        assert reverse("web:import_template", kwargs={"kind": "realisation", "fmt": "xlsx"}) in html
        upload = SimpleUploadedFile("r.csv", f"{HEADER}\n{YEAR},5305.001,Maret,1000,10,,\n".encode())
        response = client.post(
            reverse("web:import_upload"),
            {"kind": "realisation", "file": upload, "action": "commit"},
            follow=True,
        )
        assert "1 baris diimpor: 1 baru, 0 diperbarui." in response.content.decode()
        assert Realisation.objects.count() == 1
        template = client.get(reverse("web:import_template", kwargs={"kind": "realisation", "fmt": "csv"}))
        assert template.content.decode("utf-8-sig").splitlines()[-1].startswith("kode_satker,tahun_anggaran")

    def test_web_upload_refused_without_the_import_right(self, client, regency_agency):
        client.force_login(persona(Role.FACILITATOR, agency=regency_agency))
        assert client.get(reverse("web:import_upload")).status_code == 403

    def test_api_kind_accepted(self, client, regency_agency, ppu_activity):
        client.force_login(persona(Role.REGENCY_OFFICER, agency=regency_agency))
        upload = SimpleUploadedFile("r.csv", f"{HEADER}\n{YEAR},5305.001,Maret,1000,10,,\n".encode())
        body = client.post("/api/v1/imports/realisation?commit=true", {"file": upload}).json()
        assert body["kind"] == "import_realisation" and body["report"]["created"] == 1, body
        assert client.get("/api/v1/imports/templates/realisation.xlsx").status_code == 200
        sheet = openpyxl.load_workbook(
            io.BytesIO(client.get("/api/v1/imports/templates/realisation.xlsx").content)
        ).worksheets[0]
        assert sheet["B1"].value == "tahun_anggaran"

    def test_import_file_is_the_shared_entry_point(self, tmp_path, officer, ppu_activity):
        report = import_file(
            kind="realisation", path=write(tmp_path, f"{YEAR},5305.001,3,1,1,,"), actor=officer
        )
        assert report.ok and report.kind == "realisation"
