"""Tugas Pembantuan beside dekonsentrasi (issue 13.3; domain-facts 7.1).

From TA 2024 Ditjen IKMA's provincial work is tugas pembantuan (TP) in every province; PP 19/2022
replaced PP 7/2008. A TP allocation to provinces exists beside the dekon one (one per year and kind),
with the same split-and-balance rule, the same page, API and quarterly report (PP 39/2006).
"""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.conftest import KALTIM
from sentra.core.errors import AccessDenied, DomainError
from sentra.programmes import services
from sentra.programmes.models import DekonAllocation
from sentra.programmes.reports import dekon_quarterly, render

from .factories import (
    YEAR,
    ActivityFactory,
    BudgetDocumentFactory,
    BudgetLineFactory,
    RealisationFactory,
    even_plan,
)

pytestmark = pytest.mark.django_db

M = 1_000_000
API = "/api/v1"


def codes(error: DomainError) -> set[str]:
    return {error.code} | {e.code for e in error.errors}


@pytest.fixture
def admin(ministry_agency):
    return persona(Role.MINISTRY_ADMIN, agency=ministry_agency)


@pytest.fixture
def kaltim_officer(kaltim_agency):
    return persona(Role.PROVINCE_OFFICER, agency=kaltim_agency)


@pytest.fixture
def kaltim_dipas(kaltim_agency):
    """Kaltim holds a dekon DIPA (pagu 60 M) and a TP DIPA (pagu 90 M) in the same year: the TP
    activity spent 30 M in Q3, the dekon one 6 M."""
    dekon = BudgetDocumentFactory(agency=kaltim_agency, kind="dekon", number="SP DIPA-DEKON-64")
    tp = BudgetDocumentFactory(agency=kaltim_agency, kind="tp", number="SP DIPA-TP-64")
    d1 = ActivityFactory(agency=kaltim_agency, funding_source="dekon", code="5305.D01", name="Bimtek dekon")
    t1 = ActivityFactory(
        agency=kaltim_agency, funding_source="tp", code="5305.T01", name="WUB tugas pembantuan"
    )
    even_plan(BudgetLineFactory(document=dekon, activity=d1, amount=60 * M))
    even_plan(BudgetLineFactory(document=tp, activity=t1, amount=90 * M))
    RealisationFactory(activity=d1, month=8, amount=6 * M, physical_progress=10)
    RealisationFactory(activity=t1, month=9, amount=30 * M, physical_progress=40)
    return {"dekon": dekon, "tp": tp, "d1": d1, "t1": t1}


class TestAllocationService:
    def test_a_year_holds_one_dekon_and_one_tp_allocation_side_by_side(self, system_actor, ministry_agency):
        dekon = services.dekon_allocation_set(
            actor=system_actor, fiscal_year=YEAR, total=10, shares={KALTIM: 10}, agency=ministry_agency
        )
        tp = services.dekon_allocation_set(
            actor=system_actor,
            fiscal_year=YEAR,
            total=30,
            shares={KALTIM: 20, "33": 10},
            agency=ministry_agency,
            kind="tp",
            legal_basis="PP 19/2022; KMK alokasi TP",
        )
        assert dekon.pk != tp.pk
        stored = {a.kind: a.total for a in DekonAllocation.objects.filter(fiscal_year=YEAR)}
        assert stored == {"dekon": 10, "tp": 30}
        # setting TP again changes the TP allocation only
        services.dekon_allocation_set(
            actor=system_actor,
            fiscal_year=YEAR,
            total=5,
            shares={KALTIM: 5},
            agency=ministry_agency,
            kind="tp",
        )
        stored = {a.kind: a.total for a in DekonAllocation.objects.filter(fiscal_year=YEAR)}
        assert stored == {"dekon": 10, "tp": 5}
        assert {s.province_id: s.amount for s in DekonAllocation.objects.get(kind="tp").shares.all()} == {
            KALTIM: 5
        }

    def test_tp_parts_must_add_up_like_dekon(self, system_actor, ministry_agency):
        with pytest.raises(DomainError) as exc:
            services.dekon_allocation_set(
                actor=system_actor,
                fiscal_year=YEAR,
                total=100,
                shares={KALTIM: 60, "33": 30},
                agency=ministry_agency,
                kind="tp",
            )
        assert "dekon_unbalanced" in codes(exc.value)
        assert "selisih Rp10" in exc.value.errors[0].message
        assert not DekonAllocation.objects.exists()

    def test_an_unknown_kind_is_refused(self, system_actor, ministry_agency):
        with pytest.raises(DomainError) as exc:
            services.dekon_allocation_set(
                actor=system_actor, fiscal_year=YEAR, total=0, shares={}, agency=ministry_agency, kind="dak"
            )
        assert "invalid_kind" in codes(exc.value)

    def test_only_the_ministry_sets_a_tp_allocation(self, kaltim_officer):
        with pytest.raises(AccessDenied) as exc:
            services.dekon_allocation_set(
                actor=actor_of(kaltim_officer), fiscal_year=YEAR, total=1, shares={KALTIM: 1}, kind="tp"
            )
        assert "tugas pembantuan" in str(exc.value)


class TestAllocationPage:
    def test_the_tp_page_compares_shares_with_tp_dipa(self, client, admin, kaltim_dipas, regency_agency):
        # a regency's own TP DIPA (PPU, in Kaltim) is no part of the province's share
        ppu = BudgetDocumentFactory(agency=regency_agency, kind="tp", number="SP DIPA-TP-PPU")
        ppu_activity = ActivityFactory(agency=regency_agency, funding_source="tp", code="5305.TP.01")
        BudgetLineFactory(document=ppu, activity=ppu_activity, amount=40 * M)
        client.force_login(admin)
        url = reverse("web:dekon_allocation") + f"?tahun={YEAR}&jenis=tp"
        page = client.get(url).content.decode()
        assert f"Alokasi tugas pembantuan TA {YEAR}" in page and "Pagu DIPA TP" in page
        response = client.post(url, {"total": 90 * M, "share_64": 90 * M})
        assert response.status_code == 302 and response.url == url
        allocation = DekonAllocation.objects.get(fiscal_year=YEAR)
        assert (allocation.kind, allocation.total) == ("tp", 90 * M)
        row = client.get(url).content.decode().split('id="prov-64"')[1].split("</tr>")[0]
        assert "Rp90.000.000" in row and "sesuai" in row and "mismatch" not in row
        # the dekon page (the default, old links) reads the dekon DIPA: Rp60.000.000, no allocation yet
        page = client.get(reverse("web:dekon_allocation") + f"?tahun={YEAR}").content.decode()
        assert f"Alokasi dekonsentrasi TA {YEAR}" in page
        assert "Rp60.000.000" in page.split('id="prov-64"')[1].split("</tr>")[0]

    def test_an_unbalanced_tp_split_is_shown_on_the_form(self, client, admin):
        client.force_login(admin)
        url = reverse("web:dekon_allocation") + f"?tahun={YEAR}&jenis=tp"
        response = client.post(url, {"total": 100, "share_64": 40})
        assert response.status_code == 200 and "tidak sama dengan total" in response.content.decode()
        assert not DekonAllocation.objects.exists()

    def test_a_province_may_not_post(self, client, kaltim_officer):
        client.force_login(kaltim_officer)
        url = reverse("web:dekon_allocation") + f"?tahun={YEAR}&jenis=tp"
        assert client.get(url).status_code == 200
        assert client.post(url, {"total": 1}).status_code == 403


class TestAllocationApi:
    def put(self, client, url, data):
        return client.put(url, data=json.dumps(data), content_type="application/json")

    def test_tp_endpoint_sets_and_reads_its_own_allocation(self, client, admin, kaltim_officer):
        client.force_login(admin)
        payload = {
            "total": 300,
            "shares": [{"province": "64", "amount": 100}, {"province": "33", "amount": 200}],
        }
        assert client.get(f"{API}/tp/{YEAR}").status_code == 404
        response = self.put(client, f"{API}/tp/{YEAR}", {**payload, "total": 301})
        assert response.status_code == 400 and response.json()["code"] == "dekon_unbalanced"
        response = self.put(client, f"{API}/tp/{YEAR}", payload)
        assert response.status_code == 200, response.content
        assert response.json()["kind"] == "tp" and response.json()["total"] == 300
        assert client.get(f"{API}/dekon/{YEAR}").status_code == 404  # TP is not dekon
        assert DekonAllocation.objects.get(fiscal_year=YEAR).kind == "tp"
        client.force_login(kaltim_officer)
        assert [s["province"] for s in client.get(f"{API}/tp/{YEAR}").json()["shares"]] == ["64"]
        assert self.put(client, f"{API}/tp/{YEAR}", payload).status_code == 403

    def test_dekon_endpoint_answers_its_kind(self, client, admin):
        client.force_login(admin)
        response = self.put(
            client, f"{API}/dekon/{YEAR}", {"total": 1, "shares": [{"province": "64", "amount": 1}]}
        )
        assert response.status_code == 200 and response.json()["kind"] == "dekon"


class TestQuarterlyReport:
    def test_the_tp_report_reads_the_tp_dipa_only(self, actor, kaltim_dipas):
        report = dekon_quarterly(actor=actor, fiscal_year=YEAR, quarter=3, province=KALTIM, funding_kind="tp")
        assert [r.code for r in report.form_a] == ["5305.T01"]
        assert (report.total.pagu, report.total.realised_quarter) == (90 * M, 30 * M)
        assert report.dipa_numbers == ["SP DIPA-TP-64"]
        assert report.filename == f"laporan-tp-64-{YEAR}-tw3"
        assert report.title == f"Laporan Tugas Pembantuan TW III TA {YEAR} — Kalimantan Timur"
        assert "tugas pembantuan" in report.form_title("A")
        assert report.signatory_role == "Kepala SKPD Pelaksana Tugas Pembantuan"

    def test_the_dekon_report_stays_dekon(self, actor, kaltim_dipas):
        report = dekon_quarterly(actor=actor, fiscal_year=YEAR, quarter=3, province=KALTIM)
        assert [r.code for r in report.form_a] == ["5305.D01"]
        assert (report.total.pagu, report.filename) == (60 * M, f"laporan-dekon-64-{YEAR}-tw3")
        assert "dekonsentrasi" in report.form_title("A")

    def test_an_unknown_kind_is_refused(self, actor, kaltim_dipas):
        with pytest.raises(DomainError) as exc:
            dekon_quarterly(actor=actor, fiscal_year=YEAR, quarter=3, province=KALTIM, funding_kind="apbn")
        assert "invalid_kind" in codes(exc.value)

    def test_the_workbook_and_pdf_carry_the_tp_titles(self, actor, kaltim_dipas):
        report = dekon_quarterly(actor=actor, fiscal_year=YEAR, quarter=3, province=KALTIM, funding_kind="tp")
        wb = load_workbook(__import__("io").BytesIO(render(report, "xlsx")))
        ws = wb["Form A"]
        assert ws["A1"].value.startswith("FORMULIR A") and "tugas pembantuan" in ws["A1"].value
        cells = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
        assert "Kepala SKPD Pelaksana Tugas Pembantuan" in cells and "Tugas pembantuan" in cells
        pdf = render(report, "pdf", compress=False).decode("latin-1")
        assert "Laporan Tugas Pembantuan TW III" in pdf

    def test_the_reports_page_downloads_tp_and_keeps_old_dekon_links(self, client, admin, kaltim_dipas):
        client.force_login(admin)
        url = reverse("web:report_dekon")
        query = {"year": YEAR, "quarter": 3, "province": "64", "format": "xlsx"}
        response = client.get(url, {**query, "kind": "tp"})
        assert response.status_code == 200
        assert f"laporan-tp-64-{YEAR}-tw3.xlsx" in response["Content-Disposition"]
        response = client.get(url, query)  # a link made before TP existed
        assert f"laporan-dekon-64-{YEAR}-tw3.xlsx" in response["Content-Disposition"]
        page = client.get(reverse("web:reports")).content.decode()
        assert '<option value="tp" selected>' in page  # the clock's last quarter is in 2026: TP

    def test_the_command_prints_the_tp_report(self, admin, kaltim_dipas, tmp_path):
        out = tmp_path / "tp.xlsx"
        call_command(
            "report", "tp-quarterly", "--year", str(YEAR), "--quarter", "3", "--province", "64",
            "-o", str(out), "--as", admin.username,
        )  # fmt: skip
        ws = load_workbook(out)["Form A"]
        assert "tugas pembantuan" in ws["A1"].value
