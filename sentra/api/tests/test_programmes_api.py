"""The part 3 JSON API: plans, DIPA with RPD, monthly realisation, budget control and dekon allocation.

Personas: the ministry administrator (everything), the Kaltim province officer (Kaltim and its
regencies), the PPU regency officer (PPU only), a viewer in PPU (reads, never writes), a Kudus
officer (for whom PPU is out of scope: 404) and nobody (401).
"""

from __future__ import annotations

import json

import pytest

from sentra.accounts.models import Role
from sentra.accounts.scope import system_actor
from sentra.accounts.tests.factories import persona
from sentra.audit.models import AuditEvent
from sentra.conftest import KALTIM, KUDUS, PPU
from sentra.programmes import services
from sentra.programmes.models import (
    Activity,
    BudgetDocument,
    BudgetLine,
    DekonAllocation,
    DisbursementPlan,
    Realisation,
)
from sentra.programmes.tests.factories import (
    YEAR,
    BudgetDocumentFactory,
    BudgetLineFactory,
    OutputFactory,
    RealisationFactory,
    even_plan,
)
from sentra.registry.tests.factories import AgencyFactory, CentreFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
PAGU = 120_000_000


def send(client, method, url, data=None):
    return getattr(client, method)(url, data=json.dumps(data or {}), content_type="application/json")


def error_codes(response) -> set[str]:
    body = response.json()
    return {body.get("code")} | {e["code"] for e in body.get("errors", [])}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- the world ----------------------------------------------------------------------------------------


@pytest.fixture
def agencies(ministry_agency, regency_agency):
    return {
        "ministry": ministry_agency,
        "kaltim": AgencyFactory(
            name="Disperindagkop Provinsi Kalimantan Timur", kind="province_industry", region_id=KALTIM
        ),
        "ppu": regency_agency,
        "kudus": AgencyFactory(name="Dinas Perindustrian Kab. Kudus", region_id=KUDUS),
    }


@pytest.fixture
def people(agencies):
    return {
        "admin": persona(Role.MINISTRY_ADMIN, agency=agencies["ministry"]),
        "province": persona(Role.PROVINCE_OFFICER, agency=agencies["kaltim"]),
        "regency": persona(Role.REGENCY_OFFICER, agency=agencies["ppu"]),
        "viewer": persona(Role.VIEWER, agency=agencies["ppu"]),
        "kudus": persona(Role.REGENCY_OFFICER, agency=agencies["kudus"]),
    }


@pytest.fixture
def as_(client, people):
    def login(who):
        client.logout()
        if who != "anonymous":
            client.force_login(people[who])
        return client

    return login


@pytest.fixture
def world(agencies):
    """PPU: an APBN DIPA with one activity (pagu 120 juta, even RPD), an output and realisation in
    January and February. Kaltim: a dekon DIPA. Kudus: an APBN DIPA. All in the demo year."""
    ppu_doc = BudgetDocumentFactory(agency=agencies["ppu"], kind="apbn", number="SP DIPA-PPU")
    ppu_line = BudgetLineFactory(document=ppu_doc, amount=PAGU, activity__name="Bimtek amplang PPU")
    even_plan(ppu_line)
    OutputFactory(activity=ppu_line.activity, target=20)
    jan = RealisationFactory(activity=ppu_line.activity, month=1, amount=10_000_000, output_achieved=2)
    feb = RealisationFactory(activity=ppu_line.activity, month=2, amount=0, output_achieved=2)
    kaltim_doc = BudgetDocumentFactory(agency=agencies["kaltim"], kind="dekon", number="SP DIPA-KALTIM")
    kaltim_line = BudgetLineFactory(document=kaltim_doc, amount=60_000_000, activity__kind="exhibition")
    even_plan(kaltim_line)
    kudus_doc = BudgetDocumentFactory(agency=agencies["kudus"], kind="apbn", number="SP DIPA-KUDUS")
    kudus_line = BudgetLineFactory(document=kudus_doc, amount=50_000_000)
    even_plan(kudus_line)
    for doc in (ppu_doc, kaltim_doc, kudus_doc):  # revision 0, as budget_document_create leaves it
        services._refresh_current_version(system_actor(), doc)
    return {
        "ppu_doc": ppu_doc,
        "ppu_line": ppu_line,
        "ppu_activity": ppu_line.activity,
        "jan": jan,
        "feb": feb,
        "kaltim_doc": kaltim_doc,
        "kaltim_line": kaltim_line,
        "kudus_doc": kudus_doc,
        "kudus_line": kudus_line,
        "kudus_activity": kudus_line.activity,
    }


def listed(response, key="id"):
    assert response.status_code == 200, response.content
    return {row[key] for row in response.json()["results"]}


# --- authentication -----------------------------------------------------------------------------------

READS = [
    "/programmes",
    "/activities",
    "/budgets",
    "/realisations",
    "/control/summary",
    "/control/by/province",
    "/control/s-curve",
    "/control/lagging",
    f"/dekon/{YEAR}",
]


@pytest.mark.parametrize("path", READS)
def test_nobody_gets_401(client, path):
    response = client.get(f"{API}{path}")
    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/programmes"),
        ("post", "/activities"),
        ("patch", "/activities/1"),
        ("put", "/budget-lines/1/plan"),
        ("post", "/realisations"),
        ("post", "/realisations/1/verification"),
        ("put", f"/dekon/{YEAR}"),
        ("post", "/budgets"),
        ("post", "/budgets/1/lines"),
        ("post", "/budgets/1/revisions"),
    ],
)
def test_nobody_may_write(client, method, path):
    assert send(client, method, f"{API}{path}", {}).status_code == 401


# --- lists are scoped ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("admin", {"ppu", "kaltim", "kudus"}),
        ("province", {"ppu", "kaltim"}),
        ("regency", {"ppu"}),
        ("viewer", {"ppu"}),
        ("kudus", {"kudus"}),
    ],
)
def test_lists_show_only_the_callers_region(as_, world, who, sees):
    client = as_(who)
    docs = {"ppu": world["ppu_doc"].pk, "kaltim": world["kaltim_doc"].pk, "kudus": world["kudus_doc"].pk}
    expected = {docs[name] for name in sees}
    assert listed(client.get(f"{API}/budgets")) == expected
    activities = {world[f"{name}_line"].activity_id for name in sees}
    assert listed(client.get(f"{API}/activities")) == activities
    programmes = {world[f"{name}_line"].activity.programme_id for name in sees}
    assert listed(client.get(f"{API}/programmes")) == programmes
    realised = {world["jan"].pk, world["feb"].pk} if "ppu" in sees else set()
    assert listed(client.get(f"{API}/realisations")) == realised


def test_activity_list_filters_and_pages(as_, world):
    client = as_("admin")
    ppu_activity = world["ppu_activity"].pk
    assert listed(client.get(f"{API}/activities?region=64.09")) == {ppu_activity}
    assert listed(client.get(f"{API}/activities?region=6409")) == {ppu_activity}
    assert listed(client.get(f"{API}/activities?kind=exhibition")) == {world["kaltim_line"].activity_id}
    assert listed(client.get(f"{API}/activities?funding_source=dekon")) == {world["kaltim_line"].activity_id}
    assert listed(client.get(f"{API}/activities?q=amplang")) == {ppu_activity}
    assert listed(client.get(f"{API}/activities?agency={world['ppu_doc'].agency_id}")) == {ppu_activity}
    programme = world["ppu_activity"].programme_id
    assert listed(client.get(f"{API}/activities?programme={programme}")) == {ppu_activity}
    assert listed(client.get(f"{API}/activities?verification=accepted")) == set()
    assert listed(client.get(f"{API}/activities?fiscal_year={YEAR + 1}")) == set()
    body = client.get(f"{API}/activities?page=2&page_size=1").json()
    assert body["count"] == 3 and body["count_exact"] and body["page"] == 2 and len(body["results"]) == 1


def test_regional_budget_documents_are_listed_too(as_, world, agencies):
    dpa = BudgetDocumentFactory(agency=agencies["ppu"], kind="apbd_kab", number="DPA-PPU")
    body = as_("regency").get(f"{API}/budgets?kind=apbd_kab").json()
    assert [(row["id"], row["kind"]) for row in body["results"]] == [(dpa.pk, "apbd_kab")]


def test_budget_and_realisation_filters(as_, world):
    client = as_("admin")
    assert listed(client.get(f"{API}/budgets?kind=dekon")) == {world["kaltim_doc"].pk}
    assert listed(client.get(f"{API}/budgets?q=KUDUS")) == {world["kudus_doc"].pk}
    assert listed(client.get(f"{API}/budgets?region=33")) == {world["kudus_doc"].pk}
    assert listed(client.get(f"{API}/realisations?month=2")) == {world["feb"].pk}
    assert listed(client.get(f"{API}/realisations?region=64.09&fiscal_year={YEAR}")) == {
        world["jan"].pk,
        world["feb"].pk,
    }
    row = client.get(f"{API}/budgets?kind=apbn&region=64.09").json()["results"][0]
    assert row["total"] == PAGU and row["agency_name"] and row["revision"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=10001",
        "page_size=0",
        "page_size=201",
        "agency=0",
        "agency=2147483648",
        "fiscal_year=1999",
    ],
)
def test_integer_parameters_are_bounded(as_, query):
    assert as_("admin").get(f"{API}/activities?{query}").status_code == 422


# --- details: 404 outside the region ------------------------------------------------------------------


def test_activity_detail_has_outputs_locations_beneficiaries_and_pagu(as_, world, agencies):
    activity = world["ppu_activity"]
    centre = CentreFactory(agency=agencies["ppu"], name="Sentra Amplang Penajam")
    activity.centres.add(centre)
    activity.locations.add("64.09.01.1002")
    body = as_("regency").get(f"{API}/activities/{activity.pk}").json()
    assert body["pagu"] == PAGU
    assert body["outputs"][0]["target"] == 20
    assert body["locations"] == [{"code": "64.09.01.1002", "name": body["locations"][0]["name"]}]
    assert body["centres"] == [{"id": centre.pk, "name": "Sentra Amplang Penajam"}]
    assert body["enterprises"] == []
    assert body["verification_status"] == "draft"


@pytest.mark.parametrize(
    "path",
    [
        "/activities/{kudus_activity}",
        "/budgets/{kudus_doc}",
        "/budgets/{kudus_doc}/versions",
        "/budgets/{kudus_doc}/versions/compare",
    ],
)
def test_records_outside_the_region_are_404(as_, world, path):
    url = API + path.format(kudus_activity=world["kudus_activity"].pk, kudus_doc=world["kudus_doc"].pk)
    assert as_("regency").get(url).status_code == 404
    assert as_("province").get(url).status_code == 404
    assert as_("kudus").get(url).status_code == 200
    assert as_("admin").get(url).status_code == 200


def test_realisation_detail_outside_the_region_is_404(as_, world):
    url = f"{API}/realisations/{world['jan'].pk}"
    assert as_("kudus").get(url).status_code == 404
    body = as_("viewer").get(url).json()
    assert body["month"] == 1 and body["amount"] == 10_000_000 and body["is_locked"] is False


def test_budget_detail_lists_lines_with_their_rpd(as_, world):
    body = as_("province").get(f"{API}/budgets/{world['ppu_doc'].pk}").json()
    (line,) = body["lines"]
    assert line["amount"] == PAGU and line["account_group"] == "52"
    assert len(line["plan"]) == 12 and sum(line["plan"]) == PAGU and line["plan_balanced"] is True
    assert line["revised_quarters"] == []
    assert body["total"] == PAGU


def test_versions_and_their_comparison(as_, world):
    doc = world["ppu_doc"]
    services.budget_revise(
        actor=system_actor(),
        document=doc,
        revision_number="REV-1",
        revised_on=doc.issued_on.replace(year=YEAR, month=6),
        lines=[(world["ppu_activity"], "52", PAGU + 30_000_000)],
    )
    client = as_("regency")
    versions = client.get(f"{API}/budgets/{doc.pk}/versions").json()
    assert [v["revision"] for v in versions] == [0, 1]
    assert versions[1]["total"] == PAGU + 30_000_000
    diff = client.get(f"{API}/budgets/{doc.pk}/versions/compare?a=0&b=1").json()
    assert diff["change"] == 30_000_000
    assert diff["rows"][0]["before"] == PAGU and diff["rows"][0]["after"] == PAGU + 30_000_000
    assert client.get(f"{API}/budgets/{doc.pk}/versions/compare?a=0&b=7").status_code == 404
    assert client.get(f"{API}/budgets/{doc.pk}/versions/compare?a=-1").status_code == 422


# --- writes: plans ------------------------------------------------------------------------------------


def test_programme_and_activity_created_by_the_regency(as_, world, agencies):
    client = as_("regency")
    response = send(
        client, "post", f"{API}/programmes", {"fiscal_year": YEAR, "code": "P-01", "name": "Program IKM"}
    )
    assert response.status_code == 201, response.content
    programme = response.json()
    assert programme["agency_id"] == agencies["ppu"].pk and programme["region"] == PPU
    response = send(
        client,
        "post",
        f"{API}/activities",
        {
            "programme_id": programme["id"],
            "code": "K-01",
            "name": "Pelatihan pengemasan",
            "kind": "training",
            "funding_source": "apbd_kab",
            "start_date": f"{YEAR}-04-01",
            "end_date": f"{YEAR}-05-01",
            "locations": ["64.09.01.1002"],
            "outputs": [{"indicator": "IKM dilatih", "unit": "IKM", "target": 25}],
            "officer_name": "Siti Rahmah, S.E. (Kabid Perindustrian)",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outputs"][0]["target"] == 25 and body["locations"][0]["code"] == "64.09.01.1002"
    assert body["pagu"] == 0 and body["officer_name"] == "Siti Rahmah, S.E. (Kabid Perindustrian)"
    listed_rows = client.get(f"{API}/activities?q=K-01").json()["results"]
    assert [row["officer_name"] for row in listed_rows] == ["Siti Rahmah, S.E. (Kabid Perindustrian)"]
    response = send(client, "patch", f"{API}/activities/{body['id']}", {"officer_name": "Andi Saputra"})
    assert response.status_code == 200 and response.json()["officer_name"] == "Andi Saputra"
    response = send(client, "patch", f"{API}/activities/{body['id']}", {"officer_name": None})
    assert response.status_code == 200 and response.json()["officer_name"] == ""

    response = send(client, "patch", f"{API}/activities/{body['id']}", {"name": "Pelatihan kemasan"})
    assert response.status_code == 200 and response.json()["name"] == "Pelatihan kemasan"
    response = send(client, "patch", f"{API}/activities/{body['id']}", {"end_date": f"{YEAR + 1}-01-01"})
    assert response.status_code == 400 and "outside_fiscal_year" in error_codes(response)


def test_activity_writes_are_refused_to_the_viewer_and_404_outside(as_, world):
    activity = world["ppu_activity"]
    assert send(as_("viewer"), "patch", f"{API}/activities/{activity.pk}", {"name": "x"}).status_code == 403
    assert send(as_("kudus"), "patch", f"{API}/activities/{activity.pk}", {"name": "x"}).status_code == 404
    payload = {
        "programme_id": activity.programme_id,
        "code": "X",
        "name": "x",
        "kind": "training",
        "funding_source": "apbn",
    }
    assert send(as_("viewer"), "post", f"{API}/activities", payload).status_code == 403
    response = send(as_("kudus"), "post", f"{API}/activities", payload)
    assert response.status_code == 400 and "unknown_reference" in error_codes(response)
    assert (
        send(
            as_("viewer"), "post", f"{API}/programmes", {"fiscal_year": YEAR, "code": "P", "name": "P"}
        ).status_code
        == 403
    )


def test_the_regency_cannot_write_the_provinces_plan(as_, world):
    activity = world["kaltim_line"].activity
    # The province's activity is outside PPU: not even readable.
    assert send(as_("regency"), "patch", f"{API}/activities/{activity.pk}", {"name": "x"}).status_code == 404
    assert (
        send(as_("province"), "patch", f"{API}/activities/{activity.pk}", {"name": "Pameran"}).status_code
        == 200
    )


# --- writes: RPD --------------------------------------------------------------------------------------


def test_rpd_must_add_up_to_the_pagu(as_, world, agencies):
    line = BudgetLineFactory(document=world["ppu_doc"], account_group="53", amount=12_000)
    client = as_("regency")
    url = f"{API}/budget-lines/{line.pk}/plan"
    response = send(client, "put", url, {"months": [1000] * 11 + [0]})
    assert response.status_code == 400 and "rpd_sum" in error_codes(response)
    response = send(client, "put", url, {"months": [1000] * 11 + [-1000]})
    assert response.status_code == 400 and "negative_amount" in error_codes(response)
    response = send(client, "put", url, {"months": [1000] * 12})
    assert response.status_code == 200, response.content
    assert response.json()["plan"] == [1000] * 12 and response.json()["plan_balanced"]
    assert DisbursementPlan.objects.get(line=line).m12 == 1000


def test_rpd_writes_scope_and_role(as_, world):
    url = f"{API}/budget-lines/{world['ppu_line'].pk}/plan"
    months = {"months": world["ppu_line"].plan.months()}
    assert send(as_("viewer"), "put", url, months).status_code == 403
    assert send(as_("kudus"), "put", url, months).status_code == 404
    assert send(as_("province"), "put", url, months).status_code == 200  # unchanged: no revision used


# --- writes: realisation ------------------------------------------------------------------------------


def realisation(activity, month=3, amount=5_000_000, **extra):
    return {"activity_id": activity.pk, "month": month, "amount": amount, "physical_progress": 30, **extra}


def test_realisation_recorded_then_corrected(as_, world):
    client = as_("regency")
    activity = world["ppu_activity"]
    response = send(client, "post", f"{API}/realisations", realisation(activity, obstacles="Cuaca"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["month"] == 3 and body["amount"] == 5_000_000 and body["obstacles"] == "Cuaca"
    response = send(client, "post", f"{API}/realisations", realisation(activity, amount=6_000_000))
    assert response.status_code == 200 and response.json()["id"] == body["id"]
    assert Realisation.objects.get(pk=body["id"]).amount == 6_000_000


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"month": 13}, "month_out_of_year"),
        ({"month": 0}, "month_out_of_year"),
        ({"month": 12}, "future_month"),
        ({"amount": -1}, "negative_amount"),
        ({"amount": PAGU}, "above_pagu"),  # January already spent 10 juta
        ({"physical_progress": 101}, "invalid_progress"),
    ],
)
def test_realisation_rules_come_back_as_400(as_, world, changes, code):
    response = send(
        as_("regency"), "post", f"{API}/realisations", {**realisation(world["ppu_activity"]), **changes}
    )
    assert response.status_code == 400, response.content
    assert code in error_codes(response)
    assert response.json()["detail"]


def test_realisation_writes_scope_and_role(as_, world):
    payload = realisation(world["ppu_activity"])
    assert send(as_("viewer"), "post", f"{API}/realisations", payload).status_code == 403
    response = send(as_("kudus"), "post", f"{API}/realisations", payload)
    assert response.status_code == 400 and "unknown_reference" in error_codes(response)
    assert send(as_("province"), "post", f"{API}/realisations", payload).status_code == 201
    assert send(as_("admin"), "post", f"{API}/realisations", payload).status_code == 200


def test_realisation_verification_locks_the_month(as_, world):
    jan = world["jan"]
    url = f"{API}/realisations/{jan.pk}/verification"
    assert send(as_("viewer"), "post", url, {"action": "submit"}).status_code == 403
    assert send(as_("kudus"), "post", url, {"action": "submit"}).status_code == 404
    assert send(as_("regency"), "post", url, {"action": "submit"}).status_code == 200
    assert send(as_("regency"), "post", url, {"action": "verify"}).status_code == 403
    response = send(as_("province"), "post", url, {"action": "verify"})
    assert response.status_code == 200 and response.json()["verification_status"] == "verified"
    assert response.json()["is_locked"] is True

    response = send(
        as_("regency"), "post", f"{API}/realisations", realisation(world["ppu_activity"], month=1)
    )
    assert response.status_code == 400 and "locked" in error_codes(response)

    response = send(as_("admin"), "post", url, {"action": "accept"})
    assert response.json()["verification_status"] == "accepted"
    response = send(as_("admin"), "post", url, {"action": "reopen"})
    assert response.status_code == 400  # a reason is required
    response = send(as_("admin"), "post", url, {"action": "reopen", "reason": "Salah input SPM"})
    assert response.status_code == 200 and response.json()["is_locked"] is False
    assert (
        send(
            as_("regency"), "post", f"{API}/realisations", realisation(world["ppu_activity"], month=1)
        ).status_code
        == 200
    )


def test_bulk_verification_of_realisations(as_, world):
    ids = [world["jan"].pk, world["feb"].pk, 2_000_000]
    response = send(
        as_("regency"), "post", f"{API}/realisations/verification", {"action": "submit", "ids": ids}
    )
    assert response.status_code == 200
    body = response.json()
    assert sorted(body["done"]) == sorted(ids[:2]) and [f["id"] for f in body["failed"]] == [2_000_000]


def test_activity_verification(as_, world):
    url = f"{API}/activities/{world['ppu_activity'].pk}/verification"
    assert (
        send(as_("regency"), "post", url, {"action": "submit"}).json()["verification_status"] == "submitted"
    )
    assert send(as_("kudus"), "post", url, {"action": "verify"}).status_code == 404


# --- budget control -----------------------------------------------------------------------------------


def test_control_summary_for_the_regency(as_, world):
    body = as_("regency").get(f"{API}/control/summary?fiscal_year={YEAR}&month=2").json()
    assert body["pagu"] == PAGU and body["activities"] == 1
    assert body["plan_to_date"] == 20_000_000 and body["realised_to_date"] == 10_000_000
    assert body["absorption"] == pytest.approx(8.33) and body["planned_absorption"] == pytest.approx(16.67)
    assert body["lag"] == pytest.approx(8.34)
    assert body["quarter_target"] == 15 and body["month"] == 2
    assert body["monthly_deviation"] == [0.0, 100.0] and body["deviation"] == 50.0
    assert body["output_achievement"] == 10.0


def test_control_summary_is_scoped_and_filtered(as_, world):
    assert (
        as_("admin").get(f"{API}/control/summary?fiscal_year={YEAR}").json()["pagu"]
        == PAGU + 60_000_000 + 50_000_000
    )
    assert (
        as_("province").get(f"{API}/control/summary?fiscal_year={YEAR}").json()["pagu"] == PAGU + 60_000_000
    )
    assert as_("kudus").get(f"{API}/control/summary?fiscal_year={YEAR}").json()["pagu"] == 50_000_000
    admin = as_("admin")
    assert admin.get(f"{API}/control/summary?fiscal_year={YEAR}&region=64.09").json()["pagu"] == PAGU
    assert (
        admin.get(f"{API}/control/summary?fiscal_year={YEAR}&funding_source=dekon").json()["pagu"]
        == 60_000_000
    )
    assert admin.get(f"{API}/control/summary?fiscal_year={YEAR}&kind=exhibition").json()["activities"] == 1
    assert admin.get(f"{API}/control/summary?fiscal_year={YEAR}&month=13").status_code == 422


@pytest.mark.parametrize(
    "group", ["province", "regency", "agency", "programme", "kind", "funding_source", "activity"]
)
def test_control_by_every_group(as_, world, group):
    body = as_("admin").get(f"{API}/control/by/{group}?fiscal_year={YEAR}&month=6").json()
    assert body["group"] == group and body["quarter_target"] == 40
    assert sum(row["pagu"] for row in body["rows"]) == PAGU + 60_000_000 + 50_000_000
    assert all(row["label"] for row in body["rows"])


def test_control_by_province_names_the_provinces(as_, world):
    rows = as_("province").get(f"{API}/control/by/regency?fiscal_year={YEAR}").json()["rows"]
    by_key = {row["key"]: row for row in rows}
    assert by_key[PPU]["pagu"] == PAGU and "Penajam" in by_key[PPU]["label"]
    assert as_("admin").get(f"{API}/control/by/village").status_code == 422


def test_s_curve(as_, world):
    body = as_("regency").get(f"{API}/control/s-curve?fiscal_year={YEAR}&month=2").json()
    points = body["points"]
    assert len(points) == 12 and points[-1]["plan"] == 100.0
    assert points[0]["realised"] == pytest.approx(8.33) and points[2]["realised"] is None


def test_lagging_activities(as_, world):
    Activity.objects.filter(pk=world["ppu_activity"].pk).update(officer_name="Rahmat Hidayat (PPK)")
    body = as_("province").get(f"{API}/control/lagging?fiscal_year={YEAR}&month=6&threshold=10").json()
    codes = {row["code"]: row for row in body["results"]}
    ppu = codes[world["ppu_activity"].code]
    assert ppu["lag"] > 10 and ppu["months_lagging"] >= 1 and ppu["output_achievement"] == 10.0
    assert ppu["agency_name"] and ppu["regency_code"] == PPU
    assert ppu["officer_name"] == "Rahmat Hidayat (PPK)"  # the owner: satker and named officer
    assert world["kudus_activity"].code not in codes  # outside Kaltim
    assert as_("regency").get(f"{API}/control/lagging?threshold=101").status_code == 422


def test_lagging_activities_come_a_page_at_a_time(as_, world):
    query = f"{API}/control/lagging?fiscal_year={YEAR}&month=6&threshold=0&page_size=1"
    first = as_("admin").get(query).json()
    second = as_("admin").get(query + "&page=2").json()
    assert first["count"] >= 2 and len(first["results"]) == 1
    assert first["results"][0]["lag"] >= second["results"][0]["lag"]
    assert first["results"][0]["code"] != second["results"][0]["code"]


# --- dekonsentrasi ------------------------------------------------------------------------------------


def test_dekon_set_by_the_ministry_and_read_per_province(as_, world):
    payload = {
        "total": 300,
        "shares": [{"province": "64", "amount": 100}, {"province": "33", "amount": 200}],
        "legal_basis": "KMK 1/2026",
    }
    assert send(as_("province"), "put", f"{API}/dekon/{YEAR}", payload).status_code == 403
    assert send(as_("viewer"), "put", f"{API}/dekon/{YEAR}", payload).status_code == 403
    assert as_("admin").get(f"{API}/dekon/{YEAR}").status_code == 404  # nothing allocated yet

    response = send(as_("admin"), "put", f"{API}/dekon/{YEAR}", {**payload, "total": 301})
    assert response.status_code == 400 and "dekon_unbalanced" in error_codes(response)
    response = send(as_("admin"), "put", f"{API}/dekon/{YEAR}", payload)
    assert response.status_code == 200, response.content
    assert {s["province"] for s in response.json()["shares"]} == {"64", "33"}
    assert DekonAllocation.objects.get(fiscal_year=YEAR).total == 300

    shares = as_("province").get(f"{API}/dekon/{YEAR}").json()["shares"]
    assert shares == [{"province": "64", "province_name": shares[0]["province_name"], "amount": 100}]
    assert [s["province"] for s in as_("regency").get(f"{API}/dekon/{YEAR}").json()["shares"]] == ["64"]
    assert [s["province"] for s in as_("kudus").get(f"{API}/dekon/{YEAR}").json()["shares"]] == ["33"]
    response = send(
        as_("admin"), "put", f"{API}/dekon/{YEAR}", {"total": 5, "shares": [{"province": "99", "amount": 5}]}
    )
    assert response.status_code == 400 and "unknown_province" in error_codes(response)
    twice = [{"province": "64", "amount": 1}, {"province": "64", "amount": 1}]
    response = send(as_("admin"), "put", f"{API}/dekon/{YEAR}", {"total": 2, "shares": twice})
    assert response.status_code == 400 and "duplicate_province" in error_codes(response)
    assert as_("admin").get(f"{API}/dekon/1999").status_code == 422


# --- writes: budget documents, pagu and revisions ------------------------------------------------------


def line_payload(activity, account_group="52", amount=30_000_000):
    return {"activity_id": activity.pk, "account_group": account_group, "amount": amount}


def test_budget_document_created_by_the_regency(as_, world, agencies):
    client = as_("regency")
    body = {"fiscal_year": YEAR, "kind": "apbd_kab", "number": " DPA-PPU/2026 ", "issued_on": f"{YEAR}-01-02"}
    response = send(client, "post", f"{API}/budgets", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["number"] == "DPA-PPU/2026" and created["agency_id"] == agencies["ppu"].pk
    assert created["revision"] == 0 and created["lines"] == [] and created["region"] == PPU
    versions = client.get(f"{API}/budgets/{created['id']}/versions").json()
    assert [(v["revision"], v["number"], v["total"]) for v in versions] == [(0, "DPA-PPU/2026", 0)]
    again = send(client, "post", f"{API}/budgets", body)  # one document per satker, year and source
    assert again.status_code == 400 and BudgetDocument.objects.filter(kind="apbd_kab").count() == 1


def test_budget_document_rules_and_rights(as_, world, agencies):
    body = {"fiscal_year": YEAR, "kind": "dekon", "number": "SP DIPA-DEKON", "issued_on": f"{YEAR}-01-02"}
    response = send(as_("regency"), "post", f"{API}/budgets", body)
    assert response.status_code == 400 and "dekon_not_province" in error_codes(response)
    assert send(as_("viewer"), "post", f"{API}/budgets", {**body, "kind": "apbn"}).status_code == 403
    for_kudus = {**body, "kind": "apbd_kab", "agency_id": agencies["kudus"].pk}
    assert send(as_("regency"), "post", f"{API}/budgets", for_kudus).status_code == 403
    missing = send(as_("admin"), "post", f"{API}/budgets", {**for_kudus, "agency_id": 999_999})
    assert missing.status_code == 400 and "unknown_reference" in error_codes(missing)
    by_ministry = send(as_("admin"), "post", f"{API}/budgets", for_kudus)  # the ministry names the satker
    assert by_ministry.status_code == 201 and by_ministry.json()["region"] == KUDUS
    assert send(as_("admin"), "post", f"{API}/budgets", {**body, "kind": "wrong"}).status_code == 422


def test_budget_line_added_then_changed(as_, world):
    client = as_("regency")
    doc, activity = world["ppu_doc"], world["ppu_activity"]
    url = f"{API}/budgets/{doc.pk}/lines"
    response = send(client, "post", url, line_payload(activity, "53", 30_000_000))
    assert response.status_code == 201, response.content
    line = response.json()
    assert (line["activity_id"], line["account_group"], line["amount"]) == (activity.pk, "53", 30_000_000)
    assert line["plan"] is None and not line["plan_balanced"]
    response = send(client, "post", url, line_payload(activity, "53", 45_000_000))
    assert response.status_code == 200 and response.json()["id"] == line["id"]
    detail = client.get(f"{API}/budgets/{doc.pk}").json()
    assert detail["total"] == PAGU + 45_000_000 and detail["revision"] == 0
    (version,) = client.get(f"{API}/budgets/{doc.pk}/versions").json()  # the current version follows
    assert version["total"] == PAGU + 45_000_000
    events = AuditEvent.objects.filter(object_type="programmes.budgetline", object_id=line["id"])
    assert sorted(events.values_list("action", flat=True)) == ["create", "update"]


@pytest.mark.parametrize(
    ("who", "document", "activity", "group", "amount", "code"),
    [
        ("regency", "ppu_doc", "ppu_activity", "52", -1, "negative_amount"),
        ("regency", "ppu_doc", "kudus_activity", "52", 1, "unknown_reference"),  # not in the caller's region
        ("admin", "ppu_doc", "kudus_activity", "52", 1, "activity_not_in_dipa"),  # another satker's
        ("province", "kaltim_doc", "kaltim_activity", "53", 1, "dekon_capital"),
    ],
)
def test_budget_line_rules_come_back_as_400(as_, world, who, document, activity, group, amount, code):
    world["kaltim_activity"] = world["kaltim_line"].activity
    before = BudgetLine.objects.count()
    url = f"{API}/budgets/{world[document].pk}/lines"
    response = send(as_(who), "post", url, line_payload(world[activity], group, amount))
    assert response.status_code == 400, response.content
    assert code in error_codes(response)
    assert BudgetLine.objects.count() == before


def test_budget_line_writes_scope_and_role(as_, world):
    url = f"{API}/budgets/{world['ppu_doc'].pk}/lines"
    payload = line_payload(world["ppu_activity"], "53")
    assert send(as_("viewer"), "post", url, payload).status_code == 403
    assert send(as_("kudus"), "post", url, payload).status_code == 404
    assert send(as_("province"), "post", url, payload).status_code == 201  # its regency's DIPA
    assert (
        send(as_("regency"), "post", f"{API}/budgets/{world['kaltim_doc'].pk}/lines", payload).status_code
        == 404
    )


def test_budget_revision_keeps_the_earlier_version(as_, world):
    client = as_("regency")
    doc, activity = world["ppu_doc"], world["ppu_activity"]
    body = {
        "revision_number": "SP DIPA-PPU REV-1",
        "revised_on": f"{YEAR}-04-15",
        "lines": [line_payload(activity, "52", 100_000_000), line_payload(activity, "53", 5_000_000)],
        "reason": "Revisi anggaran triwulan II",
    }
    response = send(client, "post", f"{API}/budgets/{doc.pk}/revisions", body)
    assert response.status_code == 201, response.content
    revised = response.json()
    assert (revised["revision"], revised["revision_number"], revised["revised_on"]) == (
        1,
        "SP DIPA-PPU REV-1",
        f"{YEAR}-04-15",
    )
    assert revised["total"] == 105_000_000
    assert sorted((line["account_group"], line["amount"]) for line in revised["lines"]) == [
        ("52", 100_000_000),
        ("53", 5_000_000),
    ]
    versions = client.get(f"{API}/budgets/{doc.pk}/versions").json()
    assert [(v["revision"], v["total"]) for v in versions] == [(0, PAGU), (1, 105_000_000)]
    compare = client.get(f"{API}/budgets/{doc.pk}/versions/compare?a=0&b=1").json()
    assert compare["change"] == 105_000_000 - PAGU
    event = AuditEvent.objects.filter(object_type="programmes.budgetdocument", object_id=doc.pk).last()
    assert event.reason == "Revisi anggaran triwulan II" and event.changes["revision"] == [0, 1]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"revision_number": "  "}, "required"),
        ({"revised_on": f"{YEAR - 1}-11-30"}, "revision_before_issue"),
        ({"lines": [{"activity_id": 999_999, "account_group": "52", "amount": 1}]}, "unknown_reference"),
        ({"lines": [{"account_group": "52", "amount": -5}]}, "negative_amount"),
    ],
)
def test_budget_revision_rules_come_back_as_400_and_write_nothing(as_, world, changes, code):
    doc, activity = world["ppu_doc"], world["ppu_activity"]
    body = {"revision_number": "REV-1", "revised_on": f"{YEAR}-04-15", "lines": []}
    body.update(changes)
    for line in body["lines"]:
        line.setdefault("activity_id", activity.pk)
    response = send(as_("regency"), "post", f"{API}/budgets/{doc.pk}/revisions", body)
    assert response.status_code == 400, response.content
    assert code in error_codes(response)
    doc.refresh_from_db()
    assert doc.revision == 0 and doc.versions.count() == 1
    assert list(doc.lines.values_list("amount", flat=True)) == [PAGU]


def test_budget_revision_scope_and_role(as_, world):
    url = f"{API}/budgets/{world['ppu_doc'].pk}/revisions"
    body = {"revision_number": "REV-1", "revised_on": f"{YEAR}-04-15"}
    assert send(as_("viewer"), "post", url, body).status_code == 403
    assert send(as_("kudus"), "post", url, body).status_code == 404
    assert send(as_("anonymous"), "post", url, body).status_code == 401
    assert send(as_("province"), "post", url, body).status_code == 201


# --- OpenAPI --------------------------------------------------------------------------------------------


def test_openapi_documents_the_part_3_operations(client):
    document = client.get(f"{API}/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/api/v1/programmes",
        "/api/v1/activities",
        "/api/v1/activities/{activity_id}",
        "/api/v1/budgets",
        "/api/v1/budgets/{budget_id}",
        "/api/v1/budgets/{budget_id}/versions",
        "/api/v1/budgets/{budget_id}/versions/compare",
        "/api/v1/budget-lines/{line_id}/plan",
        "/api/v1/budgets/{budget_id}/lines",
        "/api/v1/budgets/{budget_id}/revisions",
        "/api/v1/realisations",
        "/api/v1/realisations/{realisation_id}/verification",
        "/api/v1/control/summary",
        "/api/v1/control/by/{group}",
        "/api/v1/control/s-curve",
        "/api/v1/control/lagging",
        "/api/v1/dekon/{fiscal_year}",
    ):
        assert path in paths, path
    post = paths["/api/v1/realisations"]["post"]
    assert {"400", "401", "403"} <= set(post["responses"])
    assert {"201", "400", "401", "403"} <= set(paths["/api/v1/budgets"]["post"]["responses"])
    for path in ("/api/v1/budgets/{budget_id}/lines", "/api/v1/budgets/{budget_id}/revisions"):
        assert {"400", "401", "403", "404"} <= set(paths[path]["post"]["responses"]), path
    assert {"401", "403", "404"} <= set(paths["/api/v1/activities/{activity_id}"]["get"]["responses"])
    page = next(p for p in paths["/api/v1/activities"]["get"]["parameters"] if p["name"] == "page")
    assert page["schema"]["maximum"] == 10_000
