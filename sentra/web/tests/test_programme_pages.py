"""Plan and budget pages: who sees what, and every rule of the services shown on the form that broke it."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.audit.models import AuditEvent
from sentra.conftest import KALTIM, PPU
from sentra.programmes import services
from sentra.programmes.models import (
    Activity,
    BudgetDocument,
    BudgetPolicy,
    DekonAllocation,
    DisbursementPlan,
    Output,
    Programme,
)
from sentra.programmes.tests.factories import (
    YEAR,
    ActivityFactory,
    BudgetDocumentFactory,
    BudgetLineFactory,
    OutputFactory,
    RealisationFactory,
    even_plan,
)
from sentra.registry.tests.factories import AgencyFactory, CentreFactory, EnterpriseFactory
from sentra.verification.models import VerificationStatus as S
from sentra.web.tests.browser import BROWSER, PASSWORD

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def _streamed(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def admin(ministry_agency):
    return persona(Role.MINISTRY_ADMIN, agency=ministry_agency, username="admin_pusat")


@pytest.fixture
def regency_officer(regency_agency):
    return persona(Role.REGENCY_OFFICER, agency=regency_agency, username="kab_ppu")


@pytest.fixture
def province_officer(kaltim_agency):
    return persona(Role.PROVINCE_OFFICER, agency=kaltim_agency, username="prov_kaltim")


@pytest.fixture
def viewer(regency_agency):
    return persona(Role.VIEWER, agency=regency_agency, username="pembaca_ppu")


@pytest.fixture
def activity(regency_agency):
    a = ActivityFactory(
        agency=regency_agency,
        code="5305.001",
        name="Bimtek amplang PPU",
        funding_source="tp",
        plan_reference="Misi 2: daya saing IKM",
    )
    OutputFactory(activity=a, indicator="IKM yang mengikuti bimtek", target=20)
    return a


@pytest.fixture
def tp_dipa(regency_agency, activity):
    system = _system()
    doc = services.budget_document_create(
        actor=system, agency=regency_agency, fiscal_year=YEAR, kind="tp",
        number="SP DIPA-TP-PPU/2026", issued_on=dt.date(YEAR - 1, 12, 5),
    )  # fmt: skip
    line = services.budget_line_set(
        actor=system, document=doc, activity=activity, account_group="52", amount=120_000_000
    )
    even_plan(line)
    return doc


def _system():
    from sentra.accounts.scope import system_actor

    return system_actor()


@pytest.fixture
def dekon_dipa(kaltim_agency):
    doc = BudgetDocumentFactory(agency=kaltim_agency, kind="dekon", number="SP DIPA-DEKON-KALTIM/2026")
    BudgetLineFactory(document=doc, amount=50_000_000)
    return doc


def login(client, user):
    client.force_login(user)
    return client


# --- who sees what ----------------------------------------------------------------------------------


class TestAccess:
    def test_every_page_renders_for_the_regency_officer(self, client, regency_officer, activity, tp_dipa):
        login(client, regency_officer)
        line = tp_dipa.lines.get()
        for url in (
            reverse("web:activity_list"),
            reverse("web:activity_detail", args=[activity.pk]),
            reverse("web:activity_create"),
            reverse("web:activity_edit", args=[activity.pk]),
            reverse("web:activity_history", args=[activity.pk]),
            reverse("web:output_create", args=[activity.pk]),
            reverse("web:programme_create"),
            reverse("web:programme_edit", args=[activity.programme_id]),
            reverse("web:copy_plan"),
            reverse("web:budget_list"),
            reverse("web:budget_create"),
            reverse("web:budget_detail", args=[tp_dipa.pk]),
            reverse("web:budget_line", args=[tp_dipa.pk]),
            reverse("web:budget_revise", args=[tp_dipa.pk]),
            reverse("web:budget_versions", args=[tp_dipa.pk]),
            reverse("web:budget_history", args=[tp_dipa.pk]),
            reverse("web:rpd_form", args=[line.pk]),
            reverse("web:dekon_allocation"),
            reverse("web:budget_policy"),
        ):
            assert client.get(url).status_code == 200, url

    def test_nav_links_the_programme_pages(self, client, regency_officer):
        page = html(login(client, regency_officer).get(reverse("web:dashboard")))
        assert f'href="{reverse("web:activity_list")}"' in page

    def test_a_regency_officer_gets_404_on_a_province_dipa(self, client, regency_officer, dekon_dipa):
        login(client, regency_officer)
        assert client.get(reverse("web:budget_detail", args=[dekon_dipa.pk])).status_code == 404
        assert client.get(reverse("web:budget_revise", args=[dekon_dipa.pk])).status_code == 404
        line = dekon_dipa.lines.get()
        assert client.get(reverse("web:rpd_form", args=[line.pk])).status_code == 404

    def test_the_province_reads_its_regencies_but_not_another_province(
        self, client, province_officer, activity, kudus_agency
    ):
        kudus = ActivityFactory(agency=kudus_agency, name="Bimtek jenang Kudus")
        login(client, province_officer)
        assert client.get(reverse("web:activity_detail", args=[activity.pk])).status_code == 200
        assert client.get(reverse("web:activity_detail", args=[kudus.pk])).status_code == 404
        page = html(client.get(reverse("web:activity_list")))
        assert "Bimtek amplang PPU" in page and "Bimtek jenang Kudus" not in page

    @pytest.mark.parametrize(
        "name", ["web:activity_create", "web:programme_create", "web:copy_plan", "web:budget_create"]
    )
    def test_a_viewer_gets_403_on_forms(self, client, viewer, name):
        assert login(client, viewer).get(reverse(name)).status_code == 403

    def test_a_viewer_gets_403_on_record_forms_and_sees_no_edit_buttons(
        self, client, viewer, activity, tp_dipa
    ):
        login(client, viewer)
        line = tp_dipa.lines.get()
        for url in (
            reverse("web:activity_edit", args=[activity.pk]),
            reverse("web:output_create", args=[activity.pk]),
            reverse("web:budget_line", args=[tp_dipa.pk]),
            reverse("web:budget_revise", args=[tp_dipa.pk]),
            reverse("web:rpd_form", args=[line.pk]),
        ):
            assert client.get(url).status_code == 403, url
        detail = html(client.get(reverse("web:budget_detail", args=[tp_dipa.pk])))
        assert reverse("web:budget_revise", args=[tp_dipa.pk]) not in detail
        page = html(client.get(reverse("web:activity_detail", args=[activity.pk])))
        assert reverse("web:activity_edit", args=[activity.pk]) not in page


# --- activities -------------------------------------------------------------------------------------


class TestActivityList:
    def test_filters_by_year_kind_source_region_and_status(self, client, admin, activity, kudus_agency):
        ActivityFactory(
            agency=kudus_agency, name="Pameran jenang", kind="exhibition", funding_source="apbd_kab"
        )
        ActivityFactory(agency=kudus_agency, name="Kegiatan tahun lalu", fiscal_year=YEAR - 1)
        login(client, admin)
        url = reverse("web:activity_list")
        default = html(client.get(url))
        assert "Bimtek amplang PPU" in default and "Pameran jenang" in default
        assert "Kegiatan tahun lalu" not in default  # the current fiscal year by default
        assert "Kegiatan tahun lalu" in html(client.get(url, {"tahun": YEAR - 1}))
        for params, shown, hidden in (
            ({"kind": "exhibition"}, "Pameran jenang", "Bimtek amplang PPU"),
            ({"funding_source": "tp"}, "Bimtek amplang PPU", "Pameran jenang"),
            ({"region": "33"}, "Pameran jenang", "Bimtek amplang PPU"),
            ({"prov": KALTIM, "kab": PPU}, "Bimtek amplang PPU", "Pameran jenang"),
            ({"q": "amplang"}, "Bimtek amplang PPU", "Pameran jenang"),
        ):
            page = html(client.get(url, params))
            assert shown in page and hidden not in page, params
        Activity.objects.filter(pk=activity.pk).update(verification_status=S.SUBMITTED)
        page = html(client.get(url, {"verification": S.SUBMITTED}))
        assert "Bimtek amplang PPU" in page and "Pameran jenang" not in page

    def test_sorting_and_htmx_rows(self, client, admin, regency_agency):
        ActivityFactory(agency=regency_agency, code="A.1", name="Zebra kegiatan")
        ActivityFactory(agency=regency_agency, code="B.1", name="Alfa kegiatan")
        login(client, admin)
        url = reverse("web:activity_list")
        page = html(client.get(url, {"sort": "name"}))
        assert page.index("Alfa kegiatan") < page.index("Zebra kegiatan")
        page = html(client.get(url, {"sort": "-name"}))
        assert page.index("Zebra kegiatan") < page.index("Alfa kegiatan")
        rows = client.get(url, {"q": "alfa"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="rows")
        assert html(rows).startswith('<div id="rows"') and "Alfa kegiatan" in html(rows)

    def test_export_is_formula_safe_and_scoped(self, client, regency_officer, regency_agency, kudus_agency):
        ActivityFactory(agency=regency_agency, name='=HYPERLINK("http://x")', code="+1")
        ActivityFactory(agency=kudus_agency, name="Rahasia Kudus")
        login(client, regency_officer)
        response = client.get(reverse("web:activity_export"))
        assert response.status_code == 200
        text = _streamed(response).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][:4] == ["ID", "Tahun", "Kode kegiatan", "Nama kegiatan"]
        assert any(r[3] == '\'=HYPERLINK("http://x")' and r[2] == "'+1" for r in rows[1:])
        assert "Rahasia Kudus" not in text
        xlsx = client.get(reverse("web:activity_export"), {"format": "xlsx"})
        sheet = load_workbook(io.BytesIO(_streamed(xlsx))).active
        values = [row for row in sheet.iter_rows(values_only=True)]
        assert any(v[3] == '\'=HYPERLINK("http://x")' for v in values[1:])
        assert all("Rahasia Kudus" not in str(v) for v in values)


class TestActivityDetail:
    def test_shows_plan_budget_beneficiaries_and_months(self, client, regency_officer, activity, tp_dipa):
        centre = CentreFactory(name="Sentra Amplang Saloloang", agency=activity.agency)
        enterprise = EnterpriseFactory(name="UD Amplang Bahari", agency=activity.agency)
        activity.centres.add(centre)
        activity.enterprises.add(enterprise)
        activity.locations.add(PPU)
        RealisationFactory(activity=activity, month=3, amount=7_000_000, obstacles="Bahan baku terlambat")
        page = html(login(client, regency_officer).get(reverse("web:activity_detail", args=[activity.pk])))
        for text in (
            "Bimtek amplang PPU",
            "Misi 2: daya saing IKM",
            "IKM yang mengikuti bimtek",
            "Tugas pembantuan",
            "Penajam Paser Utara",
            "SP DIPA-TP-PPU/2026",
            "Rp120.000.000",
            "Rp7.000.000",
            "Bahan baku terlambat",
            reverse("web:centre_detail", args=[centre.pk]),
            reverse("web:enterprise_detail", args=[enterprise.pk]),
            reverse("web:activity_history", args=[activity.pk]),
            reverse("web:activity_transition", args=[activity.pk, "submit"]),
            reverse("web:programme_edit", args=[activity.programme_id]),
        ):
            assert text in page, text

    def test_verification_steps_through_the_workflow(
        self, client, regency_officer, province_officer, activity
    ):
        login(client, regency_officer)
        response = client.post(reverse("web:activity_transition", args=[activity.pk, "submit"]))
        assert response.status_code == 302
        activity.refresh_from_db()
        assert activity.verification_status == S.SUBMITTED
        login(client, province_officer)
        page = html(client.get(reverse("web:activity_detail", args=[activity.pk])))
        assert reverse("web:activity_transition", args=[activity.pk, "verify"]) in page
        client.post(
            reverse("web:activity_transition", args=[activity.pk, "return"]), {"reason": "Lokasi kosong"}
        )
        activity.refresh_from_db()
        assert activity.verification_status == S.RETURNED
        history = html(client.get(reverse("web:activity_history", args=[activity.pk])))
        assert "Lokasi kosong" in history


class TestActivityRestore:
    """An activity's history offers its versions back, like a registry record's (the same service)."""

    @pytest.fixture
    def renamed(self, regency_officer, activity):
        from sentra.accounts.tests.factories import actor_of

        actor = actor_of(regency_officer)
        services.activity_update(actor=actor, activity=activity, name="Bimtek amplang PPU tahap I")
        services.activity_update(actor=actor, activity=activity, name="Bimtek amplang PPU tahap II")
        events = AuditEvent.objects.filter(object_type="programmes.activity", object_id=activity.pk)
        return events.order_by("id")

    def test_a_version_is_restored_and_the_restore_recorded(self, client, regency_officer, activity, renamed):
        first = renamed.first()
        url = reverse("web:activity_restore", args=[activity.pk, first.pk])
        login(client, regency_officer)
        assert url in html(client.get(reverse("web:activity_history", args=[activity.pk])))
        response = client.post(url, {"reason": "Nama salah ketik"})
        assert response.status_code == 302
        assert response.url == reverse("web:activity_history", args=[activity.pk])
        activity.refresh_from_db()
        assert activity.name == "Bimtek amplang PPU tahap I"
        restore = renamed.last()
        assert restore.action == "restore" and restore.reason == "Nama salah ketik"
        assert restore.changes["name"] == ["Bimtek amplang PPU tahap II", "Bimtek amplang PPU tahap I"]
        assert "Nama salah ketik" in html(client.get(reverse("web:activity_history", args=[activity.pk])))

    def test_a_viewer_sees_no_restore_and_is_refused(self, client, viewer, activity, renamed):
        login(client, viewer)
        page = html(client.get(reverse("web:activity_history", args=[activity.pk])))
        assert "tahap II" in page and "/pulihkan/" not in page
        url = reverse("web:activity_restore", args=[activity.pk, renamed.first().pk])
        assert client.post(url).status_code == 403
        activity.refresh_from_db()
        assert activity.name == "Bimtek amplang PPU tahap II"

    def test_outside_the_region_or_another_records_event_is_404(
        self, client, regency_officer, activity, renamed, kudus_agency
    ):
        event = renamed.first()
        kudus_officer = persona(Role.REGENCY_OFFICER, agency=kudus_agency)
        login(client, kudus_officer)
        assert client.post(reverse("web:activity_restore", args=[activity.pk, event.pk])).status_code == 404
        other = ActivityFactory(agency=activity.agency)
        login(client, regency_officer)
        assert client.post(reverse("web:activity_restore", args=[other.pk, event.pk])).status_code == 404
        assert client.get(reverse("web:activity_restore", args=[activity.pk, event.pk])).status_code == 405

    def test_an_accepted_activity_is_locked(self, client, regency_officer, activity, renamed):
        Activity.objects.filter(pk=activity.pk).update(verification_status=S.ACCEPTED)
        login(client, regency_officer)
        assert "/pulihkan/" not in html(client.get(reverse("web:activity_history", args=[activity.pk])))
        response = client.post(reverse("web:activity_restore", args=[activity.pk, renamed.first().pk]))
        assert response.status_code == 302
        activity.refresh_from_db()
        assert activity.name == "Bimtek amplang PPU tahap II"


class TestActivityForms:
    def test_create_programme_then_activity_with_beneficiaries_by_search(
        self, client, regency_officer, regency_agency
    ):
        centre = CentreFactory(name="Sentra Amplang Saloloang", agency=regency_agency)
        elsewhere = EnterpriseFactory(name="UD Jenang Kudus", village_id="33.19.01.2001")
        login(client, regency_officer)
        response = client.post(
            reverse("web:programme_create"),
            {"fiscal_year": YEAR, "code": "019.05.WA", "name": "Program Nilai Tambah"},
        )
        assert response.status_code == 302
        programme = Programme.objects.get(code="019.05.WA")
        assert programme.agency == regency_agency
        # the beneficiary search lists the sentra in scope, by name
        found = html(
            client.get(reverse("web:beneficiary_search"), {"jenis": "sentra", "q_centres": "amplang"})
        )
        assert f'value="{centre.pk}"' in found
        assert "UD Jenang Kudus" not in html(
            client.get(reverse("web:beneficiary_search"), {"jenis": "ikm", "q_enterprises": "jenang"})
        )
        data = {
            "programme": programme.pk,
            "code": "5305.010",
            "name": "Fasilitasi halal amplang",
            "kind": "cert_halal",
            "funding_source": "apbd_kab",
            "start_date": f"{YEAR}-04-01",
            "end_date": f"{YEAR}-09-30",
            "plan_reference": "RPJMD Misi 2",
            "location_codes": "64.09.01.1002",
            "centres": [centre.pk],
        }
        response = client.post(reverse("web:activity_create"), data)
        assert response.status_code == 302, html(response)
        activity = Activity.objects.get(code="5305.010")
        assert list(activity.centres.all()) == [centre]
        assert [r.code for r in activity.locations.all()] == ["64.09.01.1002"]
        # a beneficiary outside the officer's region is refused on the form
        response = client.post(
            reverse("web:activity_edit", args=[activity.pk]), {**data, "enterprises": [elsewhere.pk]}
        )
        assert response.status_code == 200
        assert "Penerima manfaat tidak ditemukan" in html(response)

    def test_edit_keeps_the_programme_and_shows_the_dates(self, client, regency_officer, activity):
        login(client, regency_officer)
        url = reverse("web:activity_edit", args=[activity.pk])
        page = html(client.get(url))
        assert f'value="{YEAR}-03-01"' in page  # an <input type=date> reads ISO dates only
        data = {
            "code": activity.code,
            "name": "Bimtek amplang PPU angkatan II",
            "kind": activity.kind,
            "funding_source": activity.funding_source,
            "start_date": f"{YEAR}-05-01",
            "location_codes": PPU,
            "officer_name": "Rahmat Hidayat, S.T. (PPK)",
        }
        response = client.post(url, data)
        assert response.status_code == 302, html(response)
        activity.refresh_from_db()
        assert activity.name == "Bimtek amplang PPU angkatan II" and activity.start_date == dt.date(
            YEAR, 5, 1
        )
        assert activity.officer_name == "Rahmat Hidayat, S.T. (PPK)"
        detail = html(client.get(reverse("web:activity_detail", args=[activity.pk])))
        assert '<dd id="officer">Rahmat Hidayat, S.T. (PPK)</dd>' in detail
        assert 'value="Rahmat Hidayat, S.T. (PPK)"' in html(client.get(url))  # the form shows it back

    def test_rename_a_programme(self, client, regency_officer, activity):
        login(client, regency_officer)
        url = reverse("web:programme_edit", args=[activity.programme_id])
        response = client.post(url, {"code": "019.05.XX", "name": "Program baru"})
        assert response.status_code == 302, html(response)
        activity.programme.refresh_from_db()
        assert (activity.programme.code, activity.programme.name) == ("019.05.XX", "Program baru")

    def test_schedule_outside_the_year_is_shown_on_the_field(self, client, regency_officer, activity):
        login(client, regency_officer)
        data = {
            "programme": activity.programme_id,
            "code": activity.code,
            "name": activity.name,
            "kind": activity.kind,
            "funding_source": activity.funding_source,
            "start_date": f"{YEAR + 1}-01-10",
        }
        response = client.post(reverse("web:activity_edit", args=[activity.pk]), data)
        assert response.status_code == 200
        assert "Jadwal kegiatan harus berada di tahun anggaran" in html(response)
        assert 'id="id_start_date_error"' in html(response)

    def test_add_an_output(self, client, regency_officer, activity):
        login(client, regency_officer)
        url = reverse("web:output_create", args=[activity.pk])
        assert (
            client.post(
                url, {"indicator": "Sertifikat halal terbit", "unit": "sertifikat", "target": "15"}
            ).status_code
            == 302
        )
        assert Output.objects.filter(activity=activity, indicator="Sertifikat halal terbit").exists()
        bad = client.post(url, {"indicator": "X", "unit": "Y", "target": "-1"})
        assert bad.status_code == 200 and "field-error" in html(bad)

    def test_copy_plan_from_last_year(self, client, regency_officer, regency_agency):
        old = ActivityFactory(
            agency=regency_agency,
            fiscal_year=YEAR - 1,
            name="Bimtek lama",
            start_date=dt.date(YEAR - 1, 3, 1),
            end_date=dt.date(YEAR - 1, 5, 1),
        )
        OutputFactory(activity=old)
        login(client, regency_officer)
        url = reverse("web:copy_plan")
        response = client.post(url, {"from_year": YEAR - 1, "to_year": YEAR})
        assert response.status_code == 302
        copy = Activity.objects.get(fiscal_year=YEAR, name="Bimtek lama")
        assert copy.start_date == dt.date(YEAR, 3, 1) and copy.outputs.count() == 1
        again = client.post(url, {"from_year": YEAR - 1, "to_year": YEAR})
        assert again.status_code == 200 and "sudah memiliki rencana tahun" in html(again)


# --- DIPA --------------------------------------------------------------------------------------------


class TestBudgetPages:
    def test_list_shows_year_satker_kind_number_revision_total(self, client, admin, tp_dipa, dekon_dipa):
        login(client, admin)
        page = html(client.get(reverse("web:budget_list")))
        for text in ("SP DIPA-TP-PPU/2026", "SP DIPA-DEKON-KALTIM/2026", "Rp120.000.000", "Rp50.000.000"):
            assert text in page
        page = html(client.get(reverse("web:budget_list"), {"funding_source": "dekon"}))
        assert "SP DIPA-DEKON-KALTIM/2026" in page and "SP DIPA-TP-PPU/2026" not in page

    def test_detail_groups_lines_and_warns_about_unbalanced_rpd(
        self, client, regency_officer, tp_dipa, activity
    ):
        other = ActivityFactory(agency=activity.agency, funding_source="tp", name="Bantuan mesin amplang")
        BudgetLineFactory(document=tp_dipa, activity=other, account_group="53", amount=300_000_000)
        page = html(login(client, regency_officer).get(reverse("web:budget_detail", args=[tp_dipa.pk])))
        assert "Bimtek amplang PPU" in page and "Bantuan mesin amplang" in page
        assert "420.000.000" in page  # the total
        assert 'id="out-of-balance"' in page and "53 Belanja modal" in page

    def test_create_dipa_and_add_a_line(self, client, regency_officer, activity):
        login(client, regency_officer)
        response = client.post(
            reverse("web:budget_create"),
            {"fiscal_year": YEAR, "kind": "tp", "number": "DIPA-TP-BARU", "issued_on": f"{YEAR - 1}-12-05"},
        )
        assert response.status_code == 302
        doc = BudgetDocument.objects.get(number="DIPA-TP-BARU")
        url = reverse("web:budget_line", args=[doc.pk])
        assert (
            client.post(
                url, {"activity": activity.pk, "account_group": "52", "amount": 90_000_000}
            ).status_code
            == 302
        )
        assert doc.lines.get().amount == 90_000_000

    def test_a_line_not_in_the_dipa_is_refused_on_the_form(
        self, client, regency_officer, tp_dipa, regency_agency
    ):
        apbd = ActivityFactory(agency=regency_agency, funding_source="apbd_kab", code="APBD.1")
        login(client, regency_officer)
        response = client.post(
            reverse("web:budget_line", args=[tp_dipa.pk]),
            {"activity": apbd.pk, "account_group": "52", "amount": 1},
        )
        assert response.status_code == 200
        assert "bukan dari DIPA" in html(response) and 'id="id_activity_error"' in html(response)

    def test_dekon_dipa_only_for_a_province_satker(self, client, regency_officer):
        login(client, regency_officer)
        response = client.post(
            reverse("web:budget_create"),
            {"fiscal_year": YEAR, "kind": "dekon", "number": "X", "issued_on": f"{YEAR}-01-05"},
        )
        assert response.status_code == 200 and "hanya untuk satker (SKPD) provinsi" in html(response)

    def test_revise_and_compare_versions(self, client, regency_officer, tp_dipa, activity):
        login(client, regency_officer)
        line = tp_dipa.lines.get()
        response = client.post(
            reverse("web:budget_revise", args=[tp_dipa.pk]),
            {
                "revision_number": "REV-1",
                "revised_on": f"{YEAR}-06-02",
                "reason": "Penghematan",
                f"line_{line.pk}": 100_000_000,
            },
        )
        assert response.status_code == 302, html(response)
        tp_dipa.refresh_from_db()
        assert tp_dipa.revision == 1
        page = html(client.get(reverse("web:budget_versions", args=[tp_dipa.pk])))
        assert "120.000.000" in page and "100.000.000" in page and "-20.000.000" in page
        # the RPD no longer adds up: the DIPA page says so
        assert 'id="out-of-balance"' in html(client.get(reverse("web:budget_detail", args=[tp_dipa.pk])))

    def test_revision_needs_a_date_after_the_dipa(self, client, regency_officer, tp_dipa):
        login(client, regency_officer)
        response = client.post(
            reverse("web:budget_revise", args=[tp_dipa.pk]),
            {"revision_number": "REV-1", "revised_on": f"{YEAR - 2}-01-01"},
        )
        assert response.status_code == 200 and "Tanggal revisi sebelum tanggal DIPA" in html(response)


class TestRpd:
    def months(self, values):
        return {f"m{m:02d}": v for m, v in enumerate(values, 1)}

    def test_first_rpd_must_add_up_to_the_pagu(self, client, regency_officer, regency_agency):
        doc = BudgetDocumentFactory(agency=regency_agency, kind="tp")
        line = BudgetLineFactory(document=doc, amount=12_000_000)
        login(client, regency_officer)
        url = reverse("web:rpd_form", args=[line.pk])
        bad = client.post(url, self.months([1_000_000] * 11 + [0]))
        assert bad.status_code == 200 and "harus sama dengan pagu" in html(bad)
        ok = client.post(url, self.months([1_000_000] * 12))
        assert ok.status_code == 302
        assert DisbursementPlan.objects.get(line=line).m12 == 1_000_000

    def test_revision_outside_the_window_is_refused_with_the_rule(
        self, client, regency_officer, tp_dipa, monkeypatch
    ):
        monkeypatch.setattr(services, "_today", lambda: dt.date(YEAR, 11, 23))
        line = tp_dipa.lines.get()
        login(client, regency_officer)
        url = reverse("web:rpd_form", args=[line.pk])
        assert "satu kali per triwulan" in html(client.get(url))
        response = client.post(url, self.months([20_000_000, 0] + [10_000_000] * 10))
        assert response.status_code == 200
        assert "hanya dapat direvisi dari awal triwulan sampai batasnya: 19 Februari 2026" in html(response)

    def test_second_revision_in_a_quarter_is_refused(self, client, regency_officer, tp_dipa, monkeypatch):
        monkeypatch.setattr(services, "_today", lambda: dt.date(YEAR, 10, 5))
        line = tp_dipa.lines.get()
        login(client, regency_officer)
        url = reverse("web:rpd_form", args=[line.pk])
        first = client.post(url, self.months([10_000_000] * 9 + [20_000_000, 0, 10_000_000]))
        assert first.status_code == 302, html(first)
        second = client.post(url, self.months([10_000_000] * 9 + [0, 20_000_000, 10_000_000]))
        assert second.status_code == 200 and "sudah direvisi pada triwulan 4" in html(second)
        page = html(client.get(url))  # the RPD's versions: the first plan and the TW IV revision
        versions = page.split('id="rpd-versions"')[1]
        assert "Oktober–Desember" in versions and "5 Okt 2026" in versions

    def test_a_revision_keeps_the_months_already_past(self, client, regency_officer, tp_dipa, monkeypatch):
        monkeypatch.setattr(services, "_today", lambda: dt.date(YEAR, 10, 5))
        line = tp_dipa.lines.get()
        login(client, regency_officer)
        url = reverse("web:rpd_form", args=[line.pk])
        moved_june = client.post(url, self.months([10_000_000] * 5 + [0, 20_000_000] + [10_000_000] * 5))
        assert moved_june.status_code == 200
        assert "RPD Juni sudah lewat triwulan revisi ini" in html(moved_june)


class TestDekon:
    def test_only_the_ministry_edits_and_the_parts_must_add_up(
        self, client, admin, kaltim_agency, dekon_dipa
    ):
        login(client, admin)
        url = reverse("web:dekon_allocation")
        page = html(client.get(url))
        assert page.count('name="share_') == 38
        bad = client.post(url, {"total": 100_000_000, "share_64": 50_000_000, "share_33": 20_000_000})
        assert bad.status_code == 200 and "tidak sama dengan total" in html(bad)
        ok = client.post(url, {"total": 70_000_000, "share_64": 60_000_000, "share_33": 10_000_000})
        assert ok.status_code == 302
        assert DekonAllocation.objects.get(fiscal_year=YEAR).total == 70_000_000
        page = html(client.get(url))
        # Kaltim's dekon DIPA has Rp50.000.000 against a share of Rp60.000.000
        assert "mismatch" in page.split('id="prov-64"')[1].split("</tr>")[0]

    def test_a_province_reads_only_its_own_share(self, client, admin, province_officer, dekon_dipa):
        services.dekon_allocation_set(
            actor=_system(), fiscal_year=YEAR, total=70_000_000, shares={"64": 50_000_000, "33": 20_000_000},
            agency=AgencyFactory(name="Kemenperin", kind="ministry", region_id=None),
        )  # fmt: skip
        login(client, province_officer)
        url = reverse("web:dekon_allocation")
        page = html(client.get(url))
        assert 'id="prov-64"' in page and 'id="prov-33"' not in page and 'name="share_' not in page
        assert "Rp50.000.000" in page and "sesuai" in page
        assert client.post(url, {"total": 1}).status_code == 403


class TestBudgetPolicy:
    GOOD = {"target_q1": 20, "target_q2": 45, "target_q3": 70, "target_q4": 95,
            "rpd_window_q1": "2026-02-19", "rpd_window_q2": "2026-04-15", "rpd_window_q3": "2026-07-14",
            "rpd_window_q4": "2026-10-14", "deviation_rule": "weighted", "target_53": "5, 30, 60, 95",
            "lag_threshold": 15, "reason": "Keputusan Rakor"}  # fmt: skip

    def test_the_ministry_sets_the_year_and_sees_its_history(self, client, admin):
        login(client, admin)
        url = reverse("web:budget_policy") + f"?tahun={YEAR}"
        page = html(client.get(url))
        assert 'id="policy-default"' in page  # nothing saved yet: the defaults apply
        assert 'name="target_q1" value="15"' in page and 'name="lag_threshold" value="10"' in page
        response = client.post(url, self.GOOD)
        assert response.status_code == 302 and response.url == url
        policy = BudgetPolicy.objects.get(fiscal_year=YEAR)
        assert policy.quarter_targets == (20, 45, 70, 95) and policy.window_months == [2, 4, 7, 10]
        assert policy.rpd_windows[0] == dt.date(2026, 2, 19) and policy.lag_threshold == 15
        assert policy.targets_for("53") == (5, 30, 60, 95) and policy.deviation_rule == "weighted"
        page = html(client.get(url))
        assert 'id="policy-default"' not in page and 'name="target_q2" value="45"' in page
        history = reverse("web:budget_policy_history", args=[YEAR])
        assert history in page
        page = html(client.get(history))
        assert "Keputusan Rakor" in page and "ambang keterlambatan" in page.lower()

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"target_q3": 30}, "tidak boleh lebih kecil dari target triwulan sebelumnya"),
            ({"rpd_window_q2": "2026-07-01"}, "Batas revisi RPD TW II harus tanggal di triwulan itu"),
            ({"target_53": "30, 20, 60, 95"}, "Target penyerapan belanja 53 TW 2"),
            ({"lag_threshold": 150}, "Ambang keterlambatan harus 0–100"),
        ],
    )
    def test_a_broken_rule_is_shown_on_the_form_and_nothing_is_saved(self, client, admin, changes, message):
        response = login(client, admin).post(reverse("web:budget_policy"), {**self.GOOD, **changes})
        assert response.status_code == 200 and message in html(response)
        assert not BudgetPolicy.objects.exists()

    def test_regions_read_it_and_may_not_change_it(self, client, admin, province_officer, regency_officer):
        BudgetPolicy.objects.create(fiscal_year=YEAR, target_q1=12, lag_threshold=7)
        url = reverse("web:budget_policy") + f"?tahun={YEAR}"
        for user in (province_officer, regency_officer):
            page = html(login(client, user).get(url))
            assert 'id="policy-facts"' in page and "TW I 12%" in page and "7 poin persen" in page
            assert "19 Februari 2026" in page and "tertimbang pagu" in page  # 2026: DJPb dates, PER-5
            assert 'name="target_q1"' not in page
            assert reverse("web:budget_policy_history", args=[YEAR]) not in page
            assert client.post(url, self.GOOD).status_code == 403
            assert client.get(reverse("web:budget_policy_history", args=[YEAR])).status_code == 404
        assert BudgetPolicy.objects.get(fiscal_year=YEAR).target_q1 == 12

    def test_a_ministry_analyst_reads_only(self, client, ministry_agency):
        analyst = persona(Role.MINISTRY_ANALYST, agency=ministry_agency)
        login(client, analyst)
        assert 'name="target_q1"' not in html(client.get(reverse("web:budget_policy")))
        assert client.post(reverse("web:budget_policy"), self.GOOD).status_code == 403

    def test_linked_from_the_programme_tabs(self, client, regency_officer):
        page = html(login(client, regency_officer).get(reverse("web:activity_list")))
        assert f'href="{reverse("web:budget_policy")}"' in page


# --- in the browser -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
class TestInTheBrowser:
    pytestmark = BROWSER

    def test_beneficiaries_are_found_by_name_and_no_csp_violation(
        self, live_server, reference, browser_page, csp_violations
    ):
        from playwright.sync_api import expect

        agency = AgencyFactory(name="Dinas PPU", region_id=PPU)
        user = persona(Role.REGENCY_OFFICER, agency=agency, username="kab_ppu_browser")
        user.set_password(PASSWORD)
        user.save()
        activity = ActivityFactory(agency=agency, name="Bimtek amplang", funding_source="tp")
        centre = CentreFactory(name="Sentra Amplang Saloloang", agency=agency)
        doc = BudgetDocumentFactory(agency=agency, kind="tp")
        even_plan(BudgetLineFactory(document=doc, activity=activity))
        page = browser_page
        page.goto(live_server.url + reverse("web:login"))
        page.fill("#id_username", "kab_ppu_browser")
        page.fill("#id_password", PASSWORD)
        page.click("form button[type=submit] >> nth=-1")
        page.wait_for_url(live_server.url + reverse("web:dashboard"))

        page.goto(live_server.url + reverse("web:activity_edit", args=[activity.pk]))
        page.fill("#id_q_centres", "amplang")  # htmx lists the sentra in scope as checkboxes
        box = page.locator(f'#results-centres input[value="{centre.pk}"]')
        expect(box).to_be_visible(timeout=10_000)
        box.check()
        page.click(".form-actions button[type=submit]")
        page.wait_for_url(live_server.url + reverse("web:activity_detail", args=[activity.pk]))
        expect(page.locator("main")).to_contain_text("Sentra Amplang Saloloang")
        assert csp_violations(page) == []

        for url in (
            reverse("web:activity_list"),
            reverse("web:budget_detail", args=[doc.pk]),
            reverse("web:dekon_allocation"),
        ):
            page.goto(live_server.url + url)
            page.wait_for_load_state("networkidle")
            assert csp_violations(page) == [], url
        page.goto(live_server.url + reverse("web:activity_list"))
        page.fill("#id_q", "amplang")
        expect(page.locator("#rows tbody tr")).to_have_count(1)
