"""/api/v1/facilitator-proposals: list, detail side by side, apply, conflict, resolve, reject, scope."""

from __future__ import annotations

import json

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.facilitators.tests.test_proposals import file, make_facilitator
from sentra.registry.models import Enterprise
from sentra.registry.services import enterprise_update
from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/facilitator-proposals"


def post(client, url, data=None, **headers):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json", **headers)


@pytest.fixture
def facilitator(regency_agency):
    return make_facilitator(regency_agency, username="tpl.ppu")


@pytest.fixture
def dinas_user(regency_agency):
    return persona(Role.REGENCY_OFFICER, agency=regency_agency, username="dinas.ppu")


@pytest.fixture
def enterprise(regency_agency):
    return EnterpriseFactory(agency=regency_agency, workers=4, production_value=100_000_000)


@pytest.fixture
def proposal(facilitator, enterprise):
    changes = {"workers": 9, "production_value": 150_000_000}
    return file(actor_of(facilitator.user), facilitator, enterprise, changes)[0]


def test_list_filters_and_detail_side_by_side(client, dinas_user, proposal, enterprise):
    client.force_login(dinas_user)
    listed = client.get(API, {"outcome": "pending"}).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == proposal.pk
    assert client.get(API, {"outcome": "applied"}).json()["count"] == 0
    detail = client.get(f"{API}/{proposal.pk}")
    assert detail.headers["ETag"] == f'"{proposal.version}"'
    rows = {row["name"]: row for row in detail.json()["fields"]}
    assert rows["workers"] == {
        "name": "workers",
        "label": "Tenaga kerja",
        "base": 4,
        "current": 4,
        "proposed": 9,
        "changed_since": False,
    }


def test_apply_with_if_match(client, dinas_user, proposal, enterprise):
    client.force_login(dinas_user)
    url = f"{API}/{proposal.pk}/apply"
    stale = post(client, url, HTTP_IF_MATCH='"99"')
    assert stale.status_code == 412 and stale.json()["code"] == "stale"
    applied = post(client, url, HTTP_IF_MATCH=f'"{proposal.version}"')
    assert applied.status_code == 200, applied.content
    assert applied.json()["outcome"] == "applied"
    assert Enterprise.objects.get(pk=enterprise.pk).workers == 9
    again = post(client, url)
    assert again.status_code == 400 and again.json()["code"] == "already_decided"


def test_conflict_then_resolve(client, dinas_user, proposal, enterprise):
    enterprise_update(actor=actor_of(dinas_user), enterprise=enterprise, workers=6)
    client.force_login(dinas_user)
    body = post(client, f"{API}/{proposal.pk}/apply").json()
    assert body["outcome"] == "conflict"
    assert {r["name"]: r["changed_since"] for r in body["fields"]} == {
        "workers": True,
        "production_value": False,
    }
    assert Enterprise.objects.get(pk=enterprise.pk).workers == 6
    url = f"{API}/{proposal.pk}/resolve"
    missing = post(client, url, {"choice": {"workers": "current"}})
    assert missing.status_code == 400 and missing.json()["code"] == "choice_required"
    bad = post(client, url, {"choice": {"workers": "mine"}})
    assert bad.status_code == 422
    stale = post(
        client,
        url,
        {"choice": {"workers": "current", "production_value": "proposed"}, "enterprise_version": 1},
    )
    assert stale.status_code == 412
    resolved = post(
        client,
        url,
        {
            "choice": {"workers": "current", "production_value": "proposed"},
            "enterprise_version": body["enterprise_version"],
        },
    )
    assert resolved.status_code == 200, resolved.content
    enterprise.refresh_from_db()
    assert (enterprise.workers, enterprise.production_value) == (6, 150_000_000)


def test_reject(client, dinas_user, proposal):
    client.force_login(dinas_user)
    url = f"{API}/{proposal.pk}/reject"
    assert post(client, url, {"reason": ""}).json()["code"] == "reason_required"
    body = post(client, url, {"reason": "Sudah diperbarui dari data OSS."}).json()
    assert body["outcome"] == "rejected" and body["verification_status"] == "returned"
    assert body["return_reason"] == "Sudah diperbarui dari data OSS."


def test_scope_facilitator_reads_but_cannot_decide_other_regency_404(
    client, facilitator, proposal, kudus_agency, regency_agency, enterprise
):
    client.force_login(facilitator.user)
    assert client.get(f"{API}/{proposal.pk}").status_code == 200
    assert post(client, f"{API}/{proposal.pk}/apply").status_code == 403
    colleague = make_facilitator(regency_agency, username="tpl.lain")
    client.force_login(colleague.user)
    assert client.get(f"{API}/{proposal.pk}").status_code == 404
    assert client.get(API).json()["count"] == 0
    client.force_login(persona(Role.REGENCY_OFFICER, agency=kudus_agency))
    assert client.get(f"{API}/{proposal.pk}").status_code == 404
    assert post(client, f"{API}/{proposal.pk}/reject", {"reason": "x"}).status_code == 404
    assert client.get(API).json()["count"] == 0
    assert Enterprise.objects.get(pk=enterprise.pk).workers == 4
