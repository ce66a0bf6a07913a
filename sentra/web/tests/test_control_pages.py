"""Budget-control pages (Pengendalian) as the ministry, a province and a regency read them.

The expected figures are computed here from the factory amounts (absorption = realised / pagu), not
read back from the selectors, so a wrong formula or a leak across regions shows up as a mismatch.
"""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.conftest import KALTIM, KUDUS, PPU
from sentra.programmes.models import BudgetPolicy, Realisation
from sentra.programmes.tests.factories import (
    YEAR,
    BudgetDocumentFactory,
    BudgetLineFactory,
    OutputFactory,
    RealisationFactory,
    even_plan,
)
from sentra.registry.tests.factories import AgencyFactory
from sentra.verification.models import VerificationStatus as S

from .test_security_headers import INLINE_HANDLER, INLINE_SCRIPT, STYLE_ATTRIBUTE, STYLE_ELEMENT

pytestmark = pytest.mark.django_db

PAGU = 120_000_000  # even RPD: 10 million a month
MONTH = 6  # the dashboards below are read "as at the end of June" (TW II, default target 40 %)
DASHBOARD = reverse("web:control_dashboard")


def page(client, **params):
    params = {"tahun": YEAR, "bulan": MONTH} | params
    return client.get(DASHBOARD, params)


def funded(agency, *, realised: dict[int, int], pagu: int = PAGU, output_target=None, achieved=0):
    """An activity of the agency with a pagu, an even RPD and the given monthly realisation."""
    doc = agency.docs if hasattr(agency, "docs") else BudgetDocumentFactory(agency=agency, kind="apbn")
    agency.docs = doc
    line = BudgetLineFactory(document=doc, amount=pagu)
    even_plan(line)
    activity = line.activity
    if output_target is not None:
        OutputFactory(activity=activity, target=output_target)
    for month, amount in realised.items():
        RealisationFactory(activity=activity, month=month, amount=amount, output_achieved=achieved)
    return activity


def pct(part, whole) -> str:
    """A percentage as the pages print it (two decimals, Indonesian comma)."""
    return f"{part / whole * 100:.2f}".replace(".", ",") + "%"


@pytest.fixture
def ppu_agency():
    return AgencyFactory(
        name="Dinas Perindustrian Kab. Penajam Paser Utara", kind="regency_industry", region_id=PPU
    )


@pytest.fixture
def data(kaltim_agency, ppu_agency, kudus_agency):
    """Kaltim: a province activity 30 % spent and a PPU activity far behind; Kudus: 50 % spent."""
    return {
        "kaltim": funded(
            kaltim_agency, realised={1: 10_000_000, 3: 26_000_000}, output_target=20, achieved=5
        ),
        "ppu": funded(ppu_agency, realised={2: 6_000_000}),
        "kudus": funded(kudus_agency, realised={m: 10_000_000 for m in range(1, 7)}),
    }


@pytest.fixture
def ministry(ministry_agency):
    return persona(Role.MINISTRY_ANALYST, agency=ministry_agency, username="analis")


@pytest.fixture
def province_officer(kaltim_agency):
    return persona(Role.PROVINCE_OFFICER, agency=kaltim_agency, username="prov_kaltim")


@pytest.fixture
def regency_officer(ppu_agency):
    return persona(Role.REGENCY_OFFICER, agency=ppu_agency, username="kab_ppu")


@pytest.fixture
def viewer():
    return persona(Role.VIEWER, region=KALTIM, username="pembaca")


def login(client, user):
    client.force_login(user)
    return client


def row_keys(response) -> list:
    return [row.figures.key for row in response.context["rows"]]


# --- dashboards -------------------------------------------------------------------------------------


class TestNationalDashboard:
    def test_the_ministry_sees_every_province_with_figures_computed_from_the_amounts(
        self, client, data, ministry
    ):
        r = page(login(client, ministry))
        assert r.status_code == 200
        assert set(row_keys(r)) == {KALTIM, "33"}
        rows = {row.figures.key: row for row in r.context["rows"]}
        kaltim_real, kaltim_pagu = 36_000_000 + 6_000_000, 2 * PAGU
        assert rows[KALTIM].figures.pagu == kaltim_pagu
        assert rows[KALTIM].figures.absorption == round(kaltim_real / kaltim_pagu * 100, 2)
        assert rows["33"].figures.absorption == 50.0
        # planned: six even months of 10 million each per activity
        assert rows[KALTIM].figures.plan_to_date == 2 * 60_000_000
        total_real, total_pagu = kaltim_real + 60_000_000, 3 * PAGU
        html = r.content.decode()
        assert pct(total_real, total_pagu) in html
        assert r.context["total"].absorption == round(total_real / total_pagu * 100, 2)
        assert "Kalimantan Timur" in html and "Jawa Tengah" in html.replace("JAWA TENGAH", "Jawa Tengah")

    def test_a_province_below_the_quarter_target_is_marked(self, client, data, ministry):
        r = page(login(client, ministry))
        rows = {row.figures.key: row for row in r.context["rows"]}
        assert r.context["target"] == 40  # TW II default
        assert rows[KALTIM].below_target  # 17.5 % < 40 %
        assert rows["33"].below_target is False  # 50 %
        assert 'class="row-below"' in r.content.decode()

    def test_the_quarter_target_is_configurable(self, client, data, ministry):
        BudgetPolicy.objects.create(fiscal_year=YEAR, target_q1=10, target_q2=15, target_q3=50, target_q4=80)
        r = page(login(client, ministry))
        assert r.context["target"] == 15
        assert not {row.figures.key: row for row in r.context["rows"]}[KALTIM].below_target

    def test_the_deviation_is_the_average_monthly_gap_to_the_rpd(self, client, data, ministry):
        r = page(login(client, ministry), wilayah="33.19")
        # Kudus spends exactly its RPD every month: no deviation
        assert r.context["total"].deviation == 0.0
        r = page(login(client, ministry), wilayah=PPU)
        # PPU: Jan 100 %, Feb |6-10|/10 = 40 %, Mar–Jun 100 % each → 540 / 6
        assert r.context["total"].deviation == round((100 + 40 + 100 * 4) / 6, 2)

    def test_drilling_down_province_then_regency_then_activity(self, client, data, ministry):
        c = login(client, ministry)
        r = page(c)
        drill = {row.figures.key: row.drill_url for row in r.context["rows"]}[KALTIM]
        assert "wilayah=64" in drill
        r = c.get(drill)
        assert r.context["group"] == "regency"
        assert set(row_keys(r)) == {"", PPU}  # the province's own activity has no regency
        r = page(c, wilayah=PPU)
        assert r.context["group"] == "activity"
        assert row_keys(r) == [data["ppu"].pk]
        # the row links to the entry form, shown to those who may record (an analyst only reads)
        assert r.context["rows"][0].entry_url.endswith(f"kegiatan={data['ppu'].pk}")
        assert "Catat realisasi" not in r.content.decode()

    def test_other_breakdowns_by_satker_programme_kind_and_funding_source(
        self, client, data, ministry, kudus_agency
    ):
        c = login(client, ministry)
        assert set(row_keys(page(c, per="agency"))) == {a.agency_id for a in data.values()}
        assert set(row_keys(page(c, per="kind"))) == {"training"}
        assert set(row_keys(page(c, per="funding_source"))) == {"apbn"}
        r = page(c, satker=kudus_agency.pk)
        assert r.context["total"].pagu == PAGU

    def test_output_achievement_is_achieved_over_target(self, client, data, ministry):
        r = page(login(client, ministry), wilayah=KALTIM, per="activity")
        rows = {row.figures.key: row for row in r.context["rows"]}
        assert rows[data["kaltim"].pk].output == 5 / 20 * 100
        assert rows[data["ppu"].pk].output is None  # no output defined


class TestScope:
    def test_a_province_officer_lands_on_their_province_and_sees_only_it(
        self, client, data, province_officer
    ):
        r = page(login(client, province_officer))
        assert r.context["f"].region == KALTIM
        assert r.context["total"].pagu == 2 * PAGU
        assert data["kudus"].name not in r.content.decode()
        assert page(client, wilayah="33").status_code == 404
        assert page(client, wilayah=KUDUS).status_code == 404

    def test_a_regency_officer_sees_their_activities(self, client, data, regency_officer):
        r = page(login(client, regency_officer))
        assert r.context["f"].region == PPU
        assert row_keys(r) == [data["ppu"].pk]
        assert r.context["total"].absorption == round(6_000_000 / PAGU * 100, 2)
        assert page(client, wilayah=KALTIM).status_code == 404

    def test_the_map_data_is_scoped(self, client, data, ministry, province_officer):
        geo = json.loads(
            login(client, ministry)
            .get(reverse("web:control_map_provinces"), {"tahun": YEAR, "bulan": MONTH})
            .content
        )
        props = {f["properties"]["code"]: f["properties"] for f in geo["features"]}
        assert props["33"]["absorption"] == 50.0
        assert props[KALTIM]["absorption"] == round(42_000_000 / (2 * PAGU) * 100, 2)
        assert props["11"]["absorption"] is None  # Aceh: no pagu
        geo = json.loads(
            login(client, province_officer)
            .get(reverse("web:control_map_provinces"), {"tahun": YEAR, "bulan": MONTH})
            .content
        )
        props = {f["properties"]["code"]: f["properties"] for f in geo["features"]}
        assert props["33"]["absorption"] is None and props["33"]["pagu"] == 0
        assert props[KALTIM]["pagu"] == 2 * PAGU

    def test_anonymous_readers_are_sent_to_the_login(self, client):
        assert client.get(DASHBOARD).status_code == 302


class TestEarlyWarning:
    def test_lagging_activities_worst_first_with_owner_and_months(self, client, data, ministry):
        r = login(client, ministry).get(reverse("web:control_warnings"), {"tahun": YEAR, "bulan": MONTH})
        rows = r.context["lagging"]
        assert [row["activity"].pk for row in rows] == [data["ppu"].pk, data["kaltim"].pk]
        ppu = rows[0]
        # PPU: planned 50 % at June, spent 5 % → 45 points; more than 10 points behind since
        # February (16.67 % planned, 5 % spent), not in January (8.33 % planned) → 5 months
        assert ppu["figures"].lag == 45.0
        assert ppu["months_lagging"] == 5
        assert ppu["place"] == PPU and ppu["place_name"]
        html = r.content.decode()
        assert "Dinas Perindustrian Kab. Penajam Paser Utara" in html
        assert data["kudus"].name not in html  # on plan

    def test_a_long_list_comes_a_page_at_a_time(self, client, data, ministry, monkeypatch):
        from sentra.web.views import control

        monkeypatch.setattr(control, "WARNINGS_PER_PAGE", 1)
        login(client, ministry)
        url = reverse("web:control_warnings")
        first = client.get(url, {"tahun": YEAR, "bulan": MONTH})
        second = client.get(url, {"tahun": YEAR, "bulan": MONTH, "page": 2})
        assert [row["activity"].pk for row in first.context["lagging"]] == [data["ppu"].pk]
        assert [row["activity"].pk for row in second.context["lagging"]] == [data["kaltim"].pk]
        assert first.context["lagging_count"] == 2
        assert 'rel="next"' in first.content.decode()

    def test_the_dashboard_shows_the_warning_list(self, client, data, province_officer):
        r = page(login(client, province_officer))
        assert [row["activity"].pk for row in r.context["lagging"]] == [data["ppu"].pk, data["kaltim"].pk]
        assert 'id="warning-table"' in r.content.decode()


# --- realisation entry ------------------------------------------------------------------------------

CREATE = reverse("web:realisation_create")


def post_month(client, activity, **values):
    data = {
        "month": 10,
        "amount": 5_000_000,
        "physical_progress": "40",
        "output_achieved": "",
        "obstacles": "",
    }
    return client.post(f"{CREATE}?kegiatan={activity.pk}", data | values)


def field_errors(response) -> dict:
    return {name: [str(e) for e in errors] for name, errors in response.context["form"].errors.items()}


class TestRealisationEntry:
    def test_recorded_through_the_form_and_the_dashboard_shows_it_at_once(
        self, client, data, regency_officer
    ):
        c = login(client, regency_officer)
        before = c.get(DASHBOARD, {"tahun": YEAR, "bulan": 10}).context["total"].realised_to_date
        r = post_month(c, data["ppu"], amount=30_000_000, obstacles="Cuaca")
        record = Realisation.objects.get(activity=data["ppu"], month=10)
        assert r.status_code == 302 and r["Location"] == reverse("web:realisation_detail", args=[record.pk])
        after = c.get(DASHBOARD, {"tahun": YEAR, "bulan": 10})
        assert after.context["total"].realised_to_date == before + 30_000_000
        assert pct(36_000_000, PAGU) in after.content.decode()

    def test_every_rule_shows_on_its_field(self, client, data, regency_officer):
        c = login(client, regency_officer)
        assert "amount" in field_errors(post_month(c, data["ppu"], amount=-1))
        errors = field_errors(post_month(c, data["ppu"], amount=PAGU))  # 6 million already spent
        assert any("melebihi pagu" in e for e in errors["amount"])
        errors = field_errors(post_month(c, data["ppu"], month=12))  # today is in November
        assert any("belum berjalan" in e for e in errors["month"])
        assert "physical_progress" in field_errors(post_month(c, data["ppu"], physical_progress="120"))
        assert not Realisation.objects.filter(activity=data["ppu"], month__in=[10, 12]).exists()

    def test_a_closed_month_is_refused_on_the_month(self, client, data, regency_officer):
        Realisation.objects.filter(activity=data["ppu"], month=2).update(verification_status=S.VERIFIED)
        c = login(client, regency_officer)
        errors = field_errors(post_month(c, data["ppu"], month=2))
        assert any("terkunci" in e for e in errors["month"])
        assert Realisation.objects.get(activity=data["ppu"], month=2).amount == 6_000_000

    def test_a_correction_sends_a_submitted_month_back_to_draft(self, client, data, regency_officer):
        record = Realisation.objects.get(activity=data["ppu"], month=2)
        record.verification_status = S.SUBMITTED
        record.save()
        c = login(client, regency_officer)
        assert c.get(reverse("web:realisation_edit", args=[record.pk])).status_code == 200
        r = c.post(
            reverse("web:realisation_edit", args=[record.pk]),
            {"amount": 7_000_000, "physical_progress": "12", "reason": "salah ketik"},
        )
        assert r.status_code == 302
        record.refresh_from_db()
        assert (record.amount, record.verification_status) == (7_000_000, S.DRAFT)
        history = c.get(reverse("web:realisation_history", args=[record.pk]))
        assert history.status_code == 200 and "salah ketik" in history.content.decode()

    def test_a_viewer_may_not_enter_realisation(self, client, data, viewer):
        c = login(client, viewer)
        assert c.get(f"{CREATE}?kegiatan={data['kaltim'].pk}").status_code == 403
        assert post_month(c, data["kaltim"]).status_code == 403
        assert not Realisation.objects.filter(month=10).exists()
        assert "Catat realisasi" not in page(c).content.decode()

    def test_an_activity_outside_the_scope_is_not_found(self, client, data, regency_officer):
        c = login(client, regency_officer)
        assert c.get(f"{CREATE}?kegiatan={data['kudus'].pk}").status_code == 404
        assert c.get(f"{CREATE}?kegiatan={data['kaltim'].pk}").status_code == 404  # province's own
        assert c.get(f"{CREATE}?kegiatan=abc").status_code == 404
        kudus_month = Realisation.objects.filter(activity=data["kudus"]).first()
        assert c.get(reverse("web:realisation_detail", args=[kudus_month.pk])).status_code == 404


class TestRealisationListAndVerification:
    def test_the_list_is_scoped_and_filtered(self, client, data, province_officer):
        c = login(client, province_officer)
        r = c.get(reverse("web:realisation_list"), {"tahun": YEAR})
        assert {x.activity_id for x in r.context["page"].object_list} == {data["kaltim"].pk, data["ppu"].pk}
        r = c.get(reverse("web:realisation_list"), {"tahun": YEAR, "bulan": 3})
        assert [x.month for x in r.context["page"].object_list] == [3]
        r = c.get(reverse("web:realisation_list"), {"tahun": YEAR, "status": S.SUBMITTED})
        assert list(r.context["page"].object_list) == []

    def test_submit_then_verify_then_the_month_is_locked(
        self, client, data, regency_officer, province_officer
    ):
        record = Realisation.objects.get(activity=data["ppu"], month=2)
        c = login(client, regency_officer)
        detail = c.get(reverse("web:realisation_detail", args=[record.pk]))
        assert [t["name"] for t in detail.context["actions"]["transitions"]] == ["submit"]
        c.post(reverse("web:realisation_transition", args=[record.pk, "submit"]))
        record.refresh_from_db()
        assert record.verification_status == S.SUBMITTED

        c = login(client, province_officer)
        queue = c.get(reverse("web:verification_queue"), {"jenis": "realisasi"})
        assert [o.pk for o in queue.context["page"].object_list] == [record.pk]
        c.post(reverse("web:realisation_transition", args=[record.pk, "verify"]))
        record.refresh_from_db()
        assert record.verification_status == S.VERIFIED
        detail = c.get(reverse("web:realisation_detail", args=[record.pk]))
        assert detail.context["actions"]["edit_url"] == ""

    def test_returning_needs_a_reason(self, client, data, regency_officer, province_officer):
        record = Realisation.objects.get(activity=data["ppu"], month=2)
        record.verification_status = S.SUBMITTED
        record.save()
        c = login(client, province_officer)
        c.post(reverse("web:realisation_transition", args=[record.pk, "return"]))
        record.refresh_from_db()
        assert record.verification_status == S.SUBMITTED
        c.post(reverse("web:realisation_transition", args=[record.pk, "return"]), {"reason": "Bukti kurang"})
        record.refresh_from_db()
        assert (record.verification_status, record.return_reason) == (S.RETURNED, "Bukti kurang")

    def test_activities_wait_in_the_queue_too(self, client, data, province_officer):
        data["ppu"].verification_status = S.SUBMITTED
        data["ppu"].save()
        r = login(client, province_officer).get(reverse("web:verification_queue"), {"jenis": "kegiatan"})
        assert [o.pk for o in r.context["page"].object_list] == [data["ppu"].pk]
        assert data["ppu"].name in r.content.decode()


def test_control_pages_contain_no_inline_script_or_style(client, data, ministry, regency_officer):
    c = login(client, ministry)
    record = Realisation.objects.filter(activity=data["ppu"]).first()
    paths = [
        f"{DASHBOARD}?tahun={YEAR}&bulan={MONTH}",
        f"{DASHBOARD}?tahun={YEAR}&wilayah={PPU}",
        reverse("web:control_warnings"),
        reverse("web:realisation_list"),
        reverse("web:realisation_detail", args=[record.pk]),
    ]
    for path in paths:
        html = c.get(path).content.decode()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, STYLE_ATTRIBUTE, STYLE_ELEMENT):
            assert not pattern.search(html), (path, pattern.pattern)
    html = login(client, regency_officer).get(f"{CREATE}?kegiatan={data['ppu'].pk}").content.decode()
    assert not STYLE_ATTRIBUTE.search(html) and not INLINE_SCRIPT.search(html)
    html = login(client, ministry).get(DASHBOARD).content.decode()
    assert re.search(r'<svg[^>]*class="s-curve"', html)
    # SVG coordinates are never localised (an Indonesian decimal comma would break the drawing)
    for value in re.findall(
        r'<(?:line|rect|circle|text)[^>]*\s(?:x|y|x1|x2|y1|y2|width|cx|cy)="([^"]*)"', html
    ):
        assert re.fullmatch(r"-?[0-9.]+", value), value
    for points in re.findall(r'points="([^"]*)"', html):
        assert re.fullmatch(r"[0-9.]+,[0-9.]+( [0-9.]+,[0-9.]+)*", points), points
    assert html.count("<rect") == 2  # a bar per province


class TestAbsorptionAgainstTheTarget:
    """Issue 14.2: an agency with no budget showed "0 % ✓ memenuhi target": with no pagu the card says
    so; "memenuhi target" only when the absorption reaches the quarter's target."""

    def test_no_pagu_says_so_and_claims_no_target(self, client, ppu_agency, regency_officer):
        r = page(login(client, regency_officer))
        html = r.content.decode()
        assert r.context["target_status"] == "no_pagu"
        assert 'data-target-status="no_pagu"' in html
        assert "Belum ada pagu" in html
        assert "memenuhi target" not in html

    def test_below_the_target_is_marked_below(self, client, ppu_agency, regency_officer):
        funded(ppu_agency, realised={1: 10_000_000})  # 8.33 % of the pagu by June, target 40 %
        html = page(login(client, regency_officer)).content.decode()
        assert 'data-target-status="below"' in html and "memenuhi target" not in html

    def test_meets_the_target_only_when_it_does(self, client, ppu_agency, regency_officer):
        funded(ppu_agency, realised={m: 10_000_000 for m in range(1, 7)})  # 50 % by June, target 40 %
        html = page(login(client, regency_officer)).content.decode()
        assert 'data-target-status="met"' in html and "memenuhi target" in html
