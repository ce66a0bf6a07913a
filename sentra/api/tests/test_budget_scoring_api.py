# ruff: noqa: F811 - the fixtures imported from test_programmes_api are parameters here
"""The API side of IKPA budget scoring (issue 13.1–2): blokir with If-Match, realisation per spending
type, RPD versions and the per-type control figures. The world is test_programmes_api's."""

from __future__ import annotations

import pytest

from sentra.audit.models import AuditEvent
from sentra.programmes.models import BudgetLine, Realisation
from sentra.programmes.tests.factories import BudgetLineFactory

from .test_programmes_api import (  # noqa: F401 - fixtures
    API,
    agencies,
    as_,
    error_codes,
    fast_passwords,
    people,
    send,
    world,
)

pytestmark = pytest.mark.django_db


def test_blokir_is_set_with_if_match_and_lands_in_the_line_history(as_, world):
    line = world["ppu_line"]  # pagu 120 M, 10 M spent in January
    client = as_("regency")
    url = f"{API}/budget-lines/{line.pk}/blocked"
    assert send(client, "put", url, {"blocked": 1}).status_code == 200  # no If-Match: any version
    version = BudgetLine.objects.get(pk=line.pk).version
    response = client.put(
        url,
        data='{"blocked": 20000000, "reason": "Blokir hemat"}',
        content_type="application/json",
        HTTP_IF_MATCH=f'"{version - 1}"',
    )
    assert response.status_code == 412 and "stale" in error_codes(response)
    response = client.put(
        url,
        data='{"blocked": 20000000, "reason": "Blokir hemat"}',
        content_type="application/json",
        HTTP_IF_MATCH=f'"{version}"',
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["blocked"], body["available"]) == (20_000_000, 100_000_000)
    assert response["ETag"] == f'"{body["version"]}"'
    event = (
        AuditEvent.objects.filter(object_type="programmes.budgetline", object_id=line.pk)
        .order_by("id")
        .last()
    )
    assert event.reason == "Blokir hemat" and event.changes["blocked"] == [1, 20_000_000]
    too_much = send(client, "put", url, {"blocked": 110_000_001})  # 120 M − 10 M spent = 110 M
    assert too_much.status_code == 400 and "blocked_above_pagu" in error_codes(too_much)
    assert send(as_("viewer"), "put", url, {"blocked": 0}).status_code == 403
    assert send(as_("kudus"), "put", url, {"blocked": 0}).status_code == 404


def test_realisation_carries_its_spending_type(as_, world):
    activity = world["ppu_activity"]  # one 52 line so far: the type is optional
    client = as_("regency")
    base = {"activity_id": activity.pk, "month": 3, "amount": 1_000_000, "physical_progress": 30}
    response = send(client, "post", f"{API}/realisations", base)
    assert response.status_code == 201, response.content
    assert (
        response.json()["account_group"] == "52" and response.json()["budget_line_id"] == world["ppu_line"].pk
    )
    BudgetLineFactory(document=world["ppu_doc"], activity=activity, account_group="53", amount=10_000_000)
    response = send(client, "post", f"{API}/realisations", {**base, "month": 2})
    assert response.status_code == 400 and "account_group_required" in error_codes(response)
    response = send(client, "post", f"{API}/realisations", {**base, "account_group": "57"})
    assert response.status_code == 400 and "account_group_not_in_pagu" in error_codes(response)
    response = send(client, "post", f"{API}/realisations", {**base, "account_group": "53"})
    assert response.status_code == 201 and response.json()["account_group"] == "53"
    response = send(client, "post", f"{API}/realisations", {**base, "account_group": "53", "amount": 2})
    assert response.status_code == 200  # the same activity × month × type: corrected
    assert Realisation.objects.filter(activity=activity, month=3).count() == 2


def test_the_line_shows_its_rpd_versions(as_, world):
    line = world["ppu_line"]
    client = as_("regency")
    response = send(client, "put", f"{API}/budget-lines/{line.pk}/plan", {"months": [10_000_000] * 12})
    body = response.json()
    assert response.status_code == 200, response.content
    # even_plan wrote the same months without a version: unchanged, nothing to revise
    assert body["plan_versions"] == []


def test_control_summary_per_spending_type(as_, world):
    response = as_("admin").get(f"{API}/control/summary", {"fiscal_year": 2026, "month": 2})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["deviation_rule"] == "weighted" and body["blocked"] == 0
    groups = {row["account_group"]: row for row in body["types"]}
    assert set(groups) == {"52"} and groups["52"]["quarter_target"] == 15
    assert groups["52"]["monthly_deviation"] == body["monthly_deviation"]  # one type: the same
