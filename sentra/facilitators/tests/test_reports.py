"""Monthly reports (facilitators.reports): counts from the visits (checked by hand), the workflow per
role, the late list, the PDF and XLSX, and who sees which report."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from sentra.accounts.models import Notification, Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.core.errors import AccessDenied, DomainError, NotFound
from sentra.facilitators import reports
from sentra.facilitators.models import (
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
from sentra.registry.tests.factories import AgencyFactory, CentreFactory, EnterpriseFactory
from sentra.verification.models import VerificationStatus as S

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")
OCTOBER = dt.date(2026, 10, 1)
POPPLER = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdftotext")), reason="poppler-utils not installed"
)


def make_facilitator(user, agency, name="Rina Amalia", regency="64.09", **kwargs) -> Facilitator:
    facilitator = Facilitator(
        user=user, name=name, sex="f", cohort=2014, home_region_id=regency, agency=agency, **kwargs
    )
    facilitator.place_at(regency)
    facilitator.save()
    return facilitator


def place(facilitator, agency, supervisor=None, starts=dt.date(2026, 1, 1), ends=None) -> Placement:
    placement = Placement(
        facilitator=facilitator,
        region_id=facilitator.regency_code,
        host_agency=agency,
        supervisor=supervisor,
        starts_on=starts,
        ends_on=ends,
    )
    placement.place_at(facilitator.regency_code)
    placement.save()
    return placement


def contract(facilitator, start, end, number=None) -> Contract:
    record = Contract(
        facilitator=facilitator,
        number=number or f"3.8.{facilitator.pk}/IKM/KK/{start:%m/%Y}",
        period_start=start,
        period_end=end,
    )
    record.place_at(facilitator.regency_code)
    record.save()
    return record


def visit(facilitator, at: dt.datetime, kind="coaching", enterprises=(), centres=(), **kwargs) -> Visit:
    record = Visit(client_id=uuid.uuid4(), facilitator=facilitator, visited_at=at, kind=kind, **kwargs)
    record.place_at(facilitator.regency_code)
    record.save()
    for enterprise in enterprises:
        VisitEnterprise.objects.create(visit=record, enterprise=enterprise, visited_on=at.date())
    for centre in centres:
        VisitCentre.objects.create(visit=record, centre=centre)
    return record


def photo(record: Visit) -> VisitPhoto:
    client_id = uuid.uuid4()
    return VisitPhoto.objects.create(client_id=client_id, visit=record, image=f"visits/{client_id}.jpg")


@pytest.fixture
def world():
    """PPU: its Dinas (officer and supervisor), the facilitator tpl.ppu (profile at the same Dinas, as
    in the demo), a colleague; Kaltim's province officer; Kudus, another province's regency."""
    ppu = AgencyFactory(name="Dinas Perindustrian PPU", kind="regency_industry", region_id="64.09")
    kudus = AgencyFactory(name="Dinas Perindustrian Kudus", kind="regency_industry", region_id="33.19")
    kaltim = AgencyFactory(name="Disperindagkop Kaltim", kind="province_industry", region_id="64")
    tpl = persona(Role.FACILITATOR, agency=ppu, username="tpl.ppu")
    colleague = persona(Role.FACILITATOR, agency=ppu, username="tpl.ppu2")
    dinas = persona(Role.REGENCY_OFFICER, agency=ppu, username="dinas.ppu")
    dinas.first_name, dinas.last_name = "Sri", "Wahyuni"
    dinas.save(update_fields=["first_name", "last_name"])
    dinas2 = persona(Role.REGENCY_OFFICER, agency=ppu, username="dinas.ppu2")
    province = persona(Role.PROVINCE_OFFICER, agency=kaltim, username="prov.kaltim")
    kudus_officer = persona(Role.REGENCY_OFFICER, agency=kudus, username="dinas.kudus")
    rina = make_facilitator(tpl, ppu)
    place(rina, ppu, supervisor=dinas)
    contract(rina, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    budi = make_facilitator(colleague, ppu, name="Budi Santoso")
    return {
        "ppu": ppu,
        "rina": rina,
        "budi": budi,
        "tpl": actor_of(tpl),
        "colleague": actor_of(colleague),
        "dinas": actor_of(dinas),
        "dinas_user": dinas,
        "dinas2": actor_of(dinas2),
        "province": actor_of(province),
        "kudus": actor_of(kudus_officer),
    }


@pytest.fixture
def october(world):
    """October 2026 of Rina, on the WITA clock of PPU, with visits just inside and outside the month."""
    rina = world["rina"]
    e1, e2, e3 = (EnterpriseFactory(name=f"UD Amplang {n}") for n in (1, 2, 3))
    centre = CentreFactory(name="Sentra Amplang Penajam")
    # 00.30 WITA on 1 October is still 30 September in Jakarta: October on the placement's clock.
    v1 = visit(
        rina,
        dt.datetime(2026, 10, 1, 0, 30, tzinfo=WITA),
        enterprises=[e1, e2],
        centres=[centre],
        findings="Produksi 200 kg/bulan",
        problems="Kemasan kurang menarik",
        advice="Desain ulang label",
    )
    VisitAction.objects.create(visit=v1, description="Urus PIRT", done_on=dt.date(2026, 10, 20))
    VisitAction.objects.create(visit=v1, description="Foto produk", due_on=dt.date(2026, 11, 30))
    photo(v1)
    photo(v1)
    v2 = visit(rina, dt.datetime(2026, 10, 15, 10, 0, tzinfo=WITA), enterprises=[e1])
    VisitAction.objects.create(visit=v2, description="Daftar halal")
    visit(
        rina,
        dt.datetime(2026, 10, 31, 23, 30, tzinfo=WITA),
        kind="monitoring",
        enterprises=[e3],
        centres=[centre],
        problems="Bahan baku mahal",
    )
    # Outside October: 00.10 WITA on 1 November (still 31 October in Jakarta), 23.50 on 30 September.
    visit(rina, dt.datetime(2026, 11, 1, 0, 10, tzinfo=WITA), enterprises=[e2], problems="x")
    september = visit(rina, dt.datetime(2026, 9, 30, 23, 50, tzinfo=WITA))
    # ... but an action of September's visit done in October counts as done in October.
    VisitAction.objects.create(visit=september, description="Ikut pameran", done_on=dt.date(2026, 10, 5))
    # ... and one done in September does not.
    VisitAction.objects.create(visit=september, description="Daftar NIB", done_on=dt.date(2026, 9, 28))
    # A colleague's October visit is not Rina's.
    visit(world["budi"], dt.datetime(2026, 10, 10, 9, 0, tzinfo=WITA), enterprises=[e1])
    made = EnterpriseProposal(
        client_id=uuid.uuid4(), facilitator=rina, visit=v1, enterprise=e1, changes={"workers": 6}
    )
    made.place_at("64.09")
    made.save()
    EnterpriseProposal.objects.filter(pk=made.pk).update(created_at=dt.datetime(2026, 10, 2, 9, tzinfo=WITA))
    applied = EnterpriseProposal(
        client_id=uuid.uuid4(),
        facilitator=rina,
        enterprise=e2,
        changes={"workers": 3},
        outcome="applied",
        decided_at=dt.datetime(2026, 10, 12, 9, tzinfo=WITA),
    )
    applied.place_at("64.09")
    applied.save()
    EnterpriseProposal.objects.filter(pk=applied.pk).update(
        created_at=dt.datetime(2026, 9, 20, 9, tzinfo=WITA)
    )
    return {"v1": v1, "v2": v2}


def generated(world) -> MonthlyReport:
    return reports.generate(actor=world["tpl"], facilitator=world["rina"], month=OCTOBER)


# --- counting ---------------------------------------------------------------------------------------------


class TestGenerate:
    def test_counts_the_months_visits_by_hand(self, world, october):
        report = generated(world)
        f = report.figures
        assert f["visits"] == 3  # 1 Oct 00.30, 15 Oct, 31 Oct 23.30 WITA
        assert f["by_kind"]["coaching"] == 2
        assert f["by_kind"]["monitoring"] == 1
        assert f["by_kind"]["marketing"] == 0
        assert f["enterprises"] == 3  # e1 (twice), e2, e3
        assert f["centres"] == 1  # the same centre twice
        assert f["problems"] == 2  # v1 and the 31 October visit
        assert f["actions_agreed"] == 3  # two on v1, one on v2
        assert f["actions_done"] == 2  # v1's PIRT (20 Oct) and September's fair (5 Oct)
        assert f["proposals_made"] == 1  # made 2 Oct; the other was made in September
        assert f["proposals_applied"] == 1  # decided 12 Oct
        assert f["photos"] == 2
        assert f["visit_ids"][0] == october["v1"].pk
        assert report.due_on == dt.date(2026, 11, 5)
        assert report.regency_code == "64.09" and report.province_code == "64"
        assert report.verification_status == S.DRAFT

    def test_a_month_string_is_the_first_of_the_month(self, world, october):
        report = reports.generate(actor=world["tpl"], facilitator=world["rina"], month="2026-10")
        assert report.month == OCTOBER

    def test_the_due_day_is_a_setting(self, world, settings):
        settings.SENTRA_REPORT_DUE_DAY = 10
        assert generated(world).due_on == dt.date(2026, 11, 10)

    def test_refreshing_a_draft_counts_again_in_the_same_row(self, world, october):
        report = generated(world)
        visit(world["rina"], dt.datetime(2026, 10, 20, 9, tzinfo=WITA))
        again = generated(world)
        assert again.pk == report.pk
        assert again.figures["visits"] == 4
        assert MonthlyReport.objects.count() == 1

    def test_a_submitted_report_is_never_regenerated(self, world, october):
        report = generated(world)
        reports.update_text(actor=world["tpl"], report=report, results="Label baru untuk 3 IKM")
        reports.submit(actor=world["tpl"], report=report)
        visit(world["rina"], dt.datetime(2026, 10, 20, 9, tzinfo=WITA))
        with pytest.raises(DomainError) as error:
            generated(world)
        assert error.value.code == "report_locked"
        report.refresh_from_db()
        assert report.figures["visits"] == 3

    def test_a_future_month_is_refused(self, world):
        with pytest.raises(DomainError) as error:
            reports.generate(actor=world["tpl"], facilitator=world["rina"], month="2026-12")
        assert error.value.code == "month_in_future"
        # The running month (November on the fixed clock) is allowed.
        assert reports.generate(actor=world["tpl"], facilitator=world["rina"], month="2026-11").pk

    @pytest.mark.parametrize("month", ["Oktober", "0001-01", "1999-12", dt.date(1, 1, 1)])
    def test_a_bad_month_says_how_to_write_it(self, world, month):
        with pytest.raises(DomainError) as error:
            reports.generate(actor=world["tpl"], facilitator=world["rina"], month=month)
        assert error.value.code == "invalid_month"
        assert error.value.errors[0].field == "month"

    def test_a_facilitator_cannot_generate_a_colleagues_report(self, world):
        with pytest.raises(NotFound):
            reports.generate(actor=world["colleague"], facilitator=world["rina"], month=OCTOBER)
        with pytest.raises(NotFound):
            reports.generate(actor=world["kudus"], facilitator=world["rina"], month=OCTOBER)
        assert MonthlyReport.objects.count() == 0

    def test_the_dinas_may_generate_the_province_only_reads(self, world):
        assert reports.generate(actor=world["dinas"], facilitator=world["rina"], month=OCTOBER).pk
        viewer = actor_of(persona(Role.MINISTRY_ANALYST, username="analis"))
        with pytest.raises(AccessDenied):
            reports.generate(actor=viewer, facilitator=world["rina"], month=OCTOBER)


# --- the workflow -----------------------------------------------------------------------------------------


class TestWorkflow:
    def test_submit_then_the_dinas_of_the_same_agency_approves(self, world, october):
        report = generated(world)
        with pytest.raises(DomainError) as error:
            reports.submit(actor=world["tpl"], report=report)
        assert error.value.code == "report_incomplete"
        reports.update_text(
            actor=world["tpl"], report=report, results="3 IKM didampingi", plan_next_month="Pameran"
        )
        reports.submit(actor=world["tpl"], report=report)
        assert report.verification_status == S.SUBMITTED
        # The supervisor hears of it: the Dinas named in the facilitator's own profile.
        assert Notification.objects.filter(user=world["dinas_user"]).exists()
        reports.approve(actor=world["dinas"], report=report)
        assert report.verification_status == S.VERIFIED
        assert report.verified_at is not None

    def test_the_facilitator_cannot_approve_their_own_report(self, world, october):
        report = generated(world)
        reports.update_text(actor=world["tpl"], report=report, results="Hasil")
        reports.submit(actor=world["tpl"], report=report)
        with pytest.raises(AccessDenied):
            reports.approve(actor=world["tpl"], report=report)

    def test_the_dinas_does_not_submit_for_a_facilitator_with_an_account(self, world, october):
        report = generated(world)
        reports.update_text(actor=world["dinas"], report=report, results="Hasil")
        with pytest.raises(AccessDenied):
            reports.submit(actor=world["dinas"], report=report)

    def test_a_report_the_dinas_submitted_is_checked_by_another_office(self, world):
        """No account: the Dinas submits the paper report; then separation of duties holds as always."""
        paper = make_facilitator(None, world["ppu"], name="Tanpa Akun")
        report = reports.generate(actor=world["dinas"], facilitator=paper, month=OCTOBER)
        reports.update_text(actor=world["dinas"], report=report, results="Laporan kertas")
        reports.submit(actor=world["dinas"], report=report)
        with pytest.raises(DomainError) as error:
            reports.approve(actor=world["dinas2"], report=report)
        assert error.value.code == "own_submission"
        reports.approve(actor=world["province"], report=report)
        assert report.verification_status == S.VERIFIED

    def test_return_needs_a_reason_then_the_facilitator_fixes_and_resubmits(self, world, october):
        report = generated(world)
        reports.update_text(actor=world["tpl"], report=report, results="Hasil")
        reports.submit(actor=world["tpl"], report=report)
        with pytest.raises(DomainError) as error:
            reports.return_report(actor=world["dinas"], report=report, reason=" ")
        assert error.value.code == "reason_required"
        reports.return_report(actor=world["dinas"], report=report, reason="Lengkapi rencana bulan depan")
        assert report.verification_status == S.RETURNED
        assert report.return_reason == "Lengkapi rencana bulan depan"
        assert Notification.objects.filter(user__username="tpl.ppu", message__contains="Lengkapi").exists()
        visit(world["rina"], dt.datetime(2026, 10, 21, 9, tzinfo=WITA))
        assert generated(world).figures["visits"] == 4
        reports.update_text(actor=world["tpl"], report=report, plan_next_month="Pameran Desember")
        reports.submit(actor=world["tpl"], report=report)
        assert report.verification_status == S.SUBMITTED

    def test_text_is_locked_once_submitted(self, world, october):
        report = generated(world)
        reports.update_text(actor=world["tpl"], report=report, results="Hasil")
        reports.submit(actor=world["tpl"], report=report)
        with pytest.raises(DomainError) as error:
            reports.update_text(actor=world["tpl"], report=report, results="Diam-diam diubah")
        assert error.value.code == "report_locked"

    def test_submit_counts_the_visits_synced_since(self, world, october):
        report = generated(world)
        reports.update_text(actor=world["tpl"], report=report, results="Hasil")
        visit(world["rina"], dt.datetime(2026, 10, 22, 9, tzinfo=WITA))
        reports.submit(actor=world["tpl"], report=report)
        assert report.figures["visits"] == 4

    def test_a_stale_version_is_refused(self, world, october):
        report = generated(world)
        seen = report.version
        reports.update_text(actor=world["tpl"], report=report, results="Satu")
        with pytest.raises(DomainError) as error:
            reports.update_text(actor=world["tpl"], report=report, results="Dua", expected_version=seen)
        assert error.value.code == "stale"


# --- who sees which report ----------------------------------------------------------------------------------


class TestScope:
    def test_own_reports_region_and_404_outside(self, world):
        mine = generated(world)
        theirs = reports.generate(actor=world["colleague"], facilitator=world["budi"], month=OCTOBER)
        assert list(reports.report_list(actor=world["tpl"])) == [mine]
        assert set(reports.report_list(actor=world["dinas"])) == {mine, theirs}
        assert set(reports.report_list(actor=world["province"])) == {mine, theirs}
        assert list(reports.report_list(actor=world["kudus"])) == []
        with pytest.raises(NotFound):
            reports.report_get(actor=world["colleague"], pk=mine.pk)
        with pytest.raises(NotFound):
            reports.report_get(actor=world["kudus"], pk=mine.pk)

    def test_filters(self, world):
        mine = generated(world)
        reports.generate(actor=world["tpl"], facilitator=world["rina"], month="2026-11")
        dinas = world["dinas"]
        assert list(reports.report_list(actor=dinas, filters=reports.ReportFilter(month=OCTOBER))) == [mine]
        late = list(reports.report_list(actor=dinas, filters=reports.ReportFilter(late=True)))
        assert late == [mine]  # October was due on 5 November; November is not due yet
        by_status = reports.ReportFilter(status=S.SUBMITTED)
        assert list(reports.report_list(actor=dinas, filters=by_status)) == []


# --- late reports -----------------------------------------------------------------------------------------


class TestLateReports:
    def test_months_past_due_without_submission_per_facilitator(self, world):
        rina, budi = world["rina"], world["budi"]
        contract(budi, dt.date(2026, 9, 1), dt.date(2027, 8, 31))
        # Rina: every month of 2026 is covered; September approved, October a draft, the rest missing.
        september = reports.generate(actor=world["tpl"], facilitator=rina, month="2026-09")
        reports.update_text(actor=world["tpl"], report=september, results="Hasil")
        reports.submit(actor=world["tpl"], report=september)
        reports.approve(actor=world["dinas"], report=september)
        draft = generated(world)
        # Budi: September submitted (not late however unapproved), October not generated.
        budi_september = reports.generate(actor=world["colleague"], facilitator=budi, month="2026-09")
        reports.update_text(actor=world["colleague"], report=budi_september, results="Hasil")
        reports.submit(actor=world["colleague"], report=budi_september)

        late = reports.late_reports(actor=world["dinas"], as_of=dt.date(2026, 11, 16))
        by_name = {entry.facilitator.name: entry for entry in late}
        assert [m.month for m in by_name["Budi Santoso"].months] == [OCTOBER]
        assert by_name["Budi Santoso"].months[0].report is None
        assert by_name["Budi Santoso"].months[0].days_late == 11
        rina_months = [m.month for m in by_name["Rina Amalia"].months]
        assert dt.date(2026, 9, 1) not in rina_months
        assert rina_months[-1] == OCTOBER and by_name["Rina Amalia"].months[-1].report == draft
        assert rina_months[0] == dt.date(2026, 1, 1)  # the contract began in January
        assert dt.date(2025, 12, 1) not in rina_months
        assert len(rina_months) == 9  # January–August and October

    def test_due_today_is_not_late_yet(self, world):
        late = reports.late_reports(actor=world["dinas"], as_of=dt.date(2026, 11, 5))
        rina = next(e for e in late if e.facilitator == world["rina"])
        assert OCTOBER not in [m.month for m in rina.months]
        late = reports.late_reports(actor=world["dinas"], as_of=dt.date(2026, 11, 6))
        rina = next(e for e in late if e.facilitator == world["rina"])
        assert OCTOBER in [m.month for m in rina.months]

    def test_a_date_at_the_edge_of_the_calendar_is_refused(self, world):
        for as_of in (dt.date(1, 1, 1), dt.date(9999, 12, 31)):
            with pytest.raises(DomainError) as error:
                reports.late_reports(actor=world["dinas"], as_of=as_of)
            assert error.value.code == "invalid_date"

    def test_scoped(self, world):
        assert reports.late_reports(actor=world["kudus"], as_of=dt.date(2026, 11, 16)) == []
        mine = reports.late_reports(actor=world["tpl"], as_of=dt.date(2026, 11, 16))
        assert [e.facilitator for e in mine] == [world["rina"]]


# --- PDF and XLSX -----------------------------------------------------------------------------------------


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "laporan.pdf"
    path.write_bytes(content)
    shots = Path("/tmp/shots/docs")
    if shots.parent.exists():
        shots.mkdir(exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-r", "80", "-png", str(path), str(shots / "laporan-bulanan")], check=True
        )
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def approved(world, october):
    report = generated(world)
    reports.update_text(
        actor=world["tpl"],
        report=report,
        results="Tiga IKM amplang memperbaiki label",
        problems="Harga bahan baku naik",
        plan_next_month="Pendampingan sertifikasi halal",
    )
    reports.submit(actor=world["tpl"], report=report)
    reports.approve(actor=world["dinas"], report=report)
    return report


class TestPrinted:
    def test_document_header_figures_visits_and_status(self, approved):
        doc = reports.report_document(approved)
        header = dict(doc.header)
        assert header["Nama pendamping"] == "Rina Amalia"
        assert header["Angkatan"] == "2014"
        assert header["Bulan laporan"] == "Oktober 2026"
        assert header["Pembimbing/atasan"] == "Sri Wahyuni"
        assert "Dinas Perindustrian PPU" in header["Penempatan"]
        figures = dict(doc.figures)
        assert figures["Kunjungan"] == 3 and figures["IKM didampingi"] == 3
        assert [v.date for v in doc.visits] == ["01/10/2026 00.30", "15/10/2026 10.00", "31/10/2026 23.30"]
        assert doc.visits[0].enterprises == "Sentra Amplang Penajam, UD Amplang 1, UD Amplang 2"
        assert doc.approved and doc.status == "Terverifikasi"

    @POPPLER
    def test_pdf_prints_everything(self, approved, tmp_path):
        text = pdf_text(reports.report_pdf(reports.report_document(approved)), tmp_path)
        for expected in (
            "LAPORAN BULANAN",
            "Rina Amalia",
            "Oktober 2026",
            "Sri Wahyuni",
            "Kemasan kurang menarik",
            "Desain ulang label",
            "Tiga IKM amplang memperbaiki label",
            "Pendampingan sertifikasi halal",
            "DISETUJUI",
            "Terverifikasi",
        ):
            assert expected in text, expected

    def test_xlsx_has_the_report_and_the_visits(self, approved):
        book = openpyxl.load_workbook(io.BytesIO(reports.report_xlsx(reports.report_document(approved))))
        sheet = book["Laporan"]
        values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        assert "Rina Amalia" in values and "Oktober 2026" in values
        assert values[values.index("Kunjungan") + 1] == 3
        assert "Pendampingan sertifikasi halal" in values
        visits = list(book["Kunjungan"].iter_rows(values_only=True))
        assert len(visits) == 4
        assert visits[1][6] == "Kemasan kurang menarik"

    def test_xlsx_keeps_formula_like_text_as_text(self, world, october):
        report = generated(world)
        reports.update_text(actor=world["tpl"], report=report, results='=HYPERLINK("http://x")')
        book = openpyxl.load_workbook(io.BytesIO(reports.report_xlsx(reports.report_document(report))))
        cell = next(
            c for row in book["Laporan"].iter_rows() for c in row if c.value == '=HYPERLINK("http://x")'
        )
        assert cell.data_type == "s"

    def test_an_approved_report_keeps_its_visits_when_a_late_one_syncs(self, approved, world):
        visit(world["rina"], dt.datetime(2026, 10, 25, 9, tzinfo=WITA), findings="Terlambat disinkron")
        doc = reports.report_document(approved)
        assert len(doc.visits) == 3

    def test_very_long_visit_text_still_prints(self):
        """A table row cannot split across pages: the PDF cuts a cell, the XLSX keeps it whole."""
        text = "kata " * 3000
        line = reports.VisitLine(
            "01/10/2026 10.00", "Saloloang", "UD A, " * 400, "Pendampingan", text, text, text
        )
        doc = reports.ReportDocument(
            title="Laporan",
            header=[("Nama pendamping", "Rina")],
            figures=[("Kunjungan", 3)],
            visits=[line] * 3,
            results=text,
            problems="",
            plan_next_month="",
            status="Konsep",
            status_lines=["Status: Konsep"],
            facilitator_name="Rina",
            supervisor_name="",
            signed_at="Penajam",
            approved=False,
        )
        assert reports.report_pdf(doc).startswith(b"%PDF")
        book = openpyxl.load_workbook(io.BytesIO(reports.report_xlsx(doc)))
        assert book["Kunjungan"]["F2"].value == text
