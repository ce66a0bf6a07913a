# ruff: noqa: F811 - the fixtures imported from test_reports are parameters here
"""/api/v1/facilitator-reports: generate, text, the workflow per role, late list, downloads, scope."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.contrib.auth import get_user_model

from sentra.facilitators.models import MonthlyReport
from sentra.facilitators.tests.test_reports import october, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

API = "/api/v1/facilitator-reports"


def login(client, username: str):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def post(client, url, data=None, **headers):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json", **headers)


def patch(client, url, data, **headers):
    return client.patch(url, data=json.dumps(data), content_type="application/json", **headers)


def generate(client, world, month="2026-10"):
    return post(client, API, {"facilitator_id": world["rina"].pk, "month": month})


def test_generate_then_refresh_text_submit_approve(client, world, october):
    tpl = login(client, "tpl.ppu")
    created = generate(tpl, world)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["figures"]["visits"] == 3 and body["due_on"] == "2026-11-05"
    assert body["late"] is True  # due 5 November, today is the 16th
    again = generate(tpl, world)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    url = f"{API}/{body['id']}"
    etag = tpl.get(url).headers["ETag"]
    stale = patch(tpl, url, {"results": "x"}, HTTP_IF_MATCH='"999"')
    assert stale.status_code == 412 and stale.json()["code"] == "stale"
    changed = patch(tpl, url, {"results": "Label baru 3 IKM", "plan_next_month": "Halal"}, HTTP_IF_MATCH=etag)
    assert changed.status_code == 200, changed.content
    assert changed.json()["results"] == "Label baru 3 IKM"
    assert post(tpl, f"{url}/approve").status_code == 403
    submitted = post(tpl, f"{url}/submit")
    assert submitted.status_code == 200 and submitted.json()["verification_status"] == "submitted"
    locked = generate(tpl, world)
    assert locked.status_code == 400 and locked.json()["code"] == "report_locked"
    dinas = login(client, "dinas.ppu")
    approved = post(dinas, f"{url}/approve")
    assert approved.status_code == 200, approved.content
    assert approved.json()["verification_status"] == "verified"


def test_return_needs_a_reason(client, world, october):
    tpl = login(client, "tpl.ppu")
    report_id = generate(tpl, world).json()["id"]
    patch(tpl, f"{API}/{report_id}", {"results": "Hasil"})
    post(tpl, f"{API}/{report_id}/submit")
    dinas = login(client, "dinas.ppu")
    refused = post(dinas, f"{API}/{report_id}/return", {"reason": ""})
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    returned = post(dinas, f"{API}/{report_id}/return", {"reason": "Lengkapi rencana"})
    assert returned.json()["verification_status"] == "returned"
    assert returned.json()["return_reason"] == "Lengkapi rencana"


def test_rule_errors_have_codes(client, world):
    tpl = login(client, "tpl.ppu")
    future = generate(tpl, world, month="2027-01")
    assert future.status_code == 400 and future.json()["code"] == "month_in_future"
    assert generate(tpl, world, month="2026-13").status_code == 422
    report_id = generate(tpl, world).json()["id"]
    incomplete = post(tpl, f"{API}/{report_id}/submit")
    assert incomplete.status_code == 400 and incomplete.json()["code"] == "report_incomplete"


def test_scope_list_and_404(client, world):
    tpl = login(client, "tpl.ppu")
    mine = generate(tpl, world).json()["id"]
    colleague = login(client, "tpl.ppu2")
    assert colleague.get(f"{API}/{mine}").status_code == 404
    assert colleague.get(f"{API}/{mine}/pdf").status_code == 404
    assert generate(colleague, world).status_code == 404
    assert colleague.get(API).json()["count"] == 0
    kudus = login(client, "dinas.kudus")
    assert kudus.get(f"{API}/{mine}").status_code == 404
    dinas = login(client, "dinas.ppu")
    listed = dinas.get(API, {"month": "2026-10", "late": "true"}).json()
    assert [r["id"] for r in listed["results"]] == [mine]
    assert dinas.get(API, {"status": "submitted"}).json()["count"] == 0
    client.logout()
    assert client.get(API).status_code == 401


def test_late_list(client, world):
    dinas = login(client, "dinas.ppu")
    late = dinas.get(f"{API}/late", {"as_of": "2026-11-16"}).json()
    rina = next(e for e in late if e["facilitator_id"] == world["rina"].pk)
    assert rina["months"][-1] == {
        "month": "2026-10-01",
        "due_on": "2026-11-05",
        "days_late": 11,
        "report_id": None,
        "status": "missing",
    }
    assert login(client, "dinas.kudus").get(f"{API}/late").json() == []
    dinas = login(client, "dinas.ppu")
    edge = dinas.get(f"{API}/late", {"as_of": "0001-01-01"})
    assert edge.status_code == 400 and edge.json()["code"] == "invalid_date"
    edge = dinas.get(API, {"month": "0001-01"})
    assert edge.status_code == 400 and edge.json()["code"] == "invalid_month"


def test_downloads(client, world, october):
    tpl = login(client, "tpl.ppu")
    report_id = generate(tpl, world).json()["id"]
    pdf = tpl.get(f"{API}/{report_id}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "laporan-bulanan-tpl" in pdf["Content-Disposition"]
    xlsx = tpl.get(f"{API}/{report_id}/xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Laporan", "Kunjungan"]
    assert MonthlyReport.objects.count() == 1


def test_openapi_declares_binary_downloads_with_int_keys(client):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/facilitator-reports/{report_id}/pdf"]["get"]
    assert list(operation["responses"]).count("200") == 1
    assert "application/pdf" in operation["responses"]["200"]["content"]
    assert "/api/v1/facilitator-reports/late" in spec["paths"]
