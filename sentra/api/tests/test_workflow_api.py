"""The verification, history, delete and notification endpoints of /api/v1/, per level of government."""

import json

import pytest

from sentra.accounts.models import Notification, Role
from sentra.accounts.tests.factories import persona
from sentra.audit.models import AuditEvent
from sentra.conftest import KALTIM, KUDUS
from sentra.registry.models import Enterprise
from sentra.registry.tests.factories import AgencyFactory, CentreFactory, EnterpriseFactory
from sentra.verification.models import VerificationStatus as S

pytestmark = pytest.mark.django_db

API = "/api/v1"
KUDUS_VILLAGE = "33.19.01.2001"


@pytest.fixture
def regency_officer(regency_agency):
    return persona(Role.REGENCY_OFFICER, agency=regency_agency, username="kab_ppu")


@pytest.fixture
def province_officer():
    agency = AgencyFactory(name="Disperindagkop Kalimantan Timur", kind="province_industry", region_id=KALTIM)
    return persona(Role.PROVINCE_OFFICER, agency=agency, username="prov_kaltim")


@pytest.fixture
def kudus_officer():
    return persona(
        Role.REGENCY_OFFICER, agency=AgencyFactory(name="Dinas Kudus", region_id=KUDUS), username="kab_kudus"
    )


@pytest.fixture
def enterprise(regency_agency):
    return EnterpriseFactory(name="UD Amplang Bahari", agency=regency_agency)


def as_user(client, user):
    client.force_login(user)
    return client


def post(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def step(client, record, action, reason="", kind="enterprises"):
    return post(client, f"{API}/{kind}/{record.pk}/verification", {"action": action, "reason": reason})


def test_workflow_end_to_end(client, enterprise, regency_officer, province_officer, user):
    response = step(as_user(client, regency_officer), enterprise, "submit")
    assert response.status_code == 200, response.content
    assert response.json()["verification_status"] == "submitted"
    assert (
        step(as_user(client, province_officer), enterprise, "verify").json()["verification_status"]
        == "verified"
    )
    assert step(as_user(client, user), enterprise, "accept").json()["verification_status"] == "accepted"

    # Accepted records are locked, for everyone.
    for who in (regency_officer, user):
        response = as_user(client, who).patch(
            f"{API}/enterprises/{enterprise.pk}", json.dumps({"workers": 9}), content_type="application/json"
        )
        assert response.status_code == 400 and response.json()["code"] == "locked"
    assert client.delete(f"{API}/enterprises/{enterprise.pk}").json()["code"] == "locked"

    # The province cannot reopen; the ministry can, with a reason.
    assert step(as_user(client, province_officer), enterprise, "reopen", "x").status_code == 403
    client = as_user(client, user)
    assert step(client, enterprise, "reopen").json()["code"] == "reason_required"
    body = step(client, enterprise, "reopen", "Salah kabupaten").json()
    assert body["verification_status"] == "returned" and body["return_reason"] == "Salah kabupaten"
    note = Notification.objects.get(user=regency_officer, message__contains="Salah kabupaten")
    assert note.read_at is None

    response = as_user(client, regency_officer).patch(
        f"{API}/enterprises/{enterprise.pk}", json.dumps({"workers": 9}), content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["workers"] == 9
    assert response.json()["verification_status"] == "returned"


def test_errors_404_out_of_scope_403_wrong_level_400_wrong_status(
    client, enterprise, regency_officer, kudus_officer, user
):
    assert step(as_user(client, kudus_officer), enterprise, "submit").status_code == 404
    assert client.get(f"{API}/enterprises/{enterprise.pk}/history").status_code == 404
    assert client.delete(f"{API}/enterprises/{enterprise.pk}").status_code == 404
    assert step(as_user(client, regency_officer), enterprise, "verify").status_code == 403
    response = step(as_user(client, user), enterprise, "accept")
    assert response.status_code == 400 and response.json()["code"] == "invalid_transition"
    assert step(client, enterprise, "explode").status_code == 422


def test_returned_submission_notifies_the_submitter(client, enterprise, regency_officer, province_officer):
    step(as_user(client, regency_officer), enterprise, "submit")
    step(as_user(client, province_officer), enterprise, "return", "Foto produk kurang jelas")
    client = as_user(client, regency_officer)
    inbox = client.get(f"{API}/notifications", {"unread": True}).json()
    assert inbox["count"] == 1 and "Foto produk kurang jelas" in inbox["results"][0]["message"]
    assert post(client, f"{API}/notifications/read", {"all": True}).json() == {"marked": 1}
    assert client.get(f"{API}/notifications", {"unread": True}).json()["count"] == 0


def test_bulk_verify_reports_done_and_failed(client, regency_agency, province_officer):
    ok = EnterpriseFactory(agency=regency_agency, verification_status=S.SUBMITTED)
    draft = EnterpriseFactory(agency=regency_agency)
    kudus = EnterpriseFactory(
        agency=regency_agency, village_id=KUDUS_VILLAGE, verification_status=S.SUBMITTED
    )
    response = post(
        as_user(client, province_officer),
        f"{API}/enterprises/verification",
        {"ids": [ok.pk, draft.pk, kudus.pk], "action": "verify"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["done"] == [ok.pk]
    assert {f["id"] for f in body["failed"]} == {draft.pk, kudus.pk}
    assert all(f["reason"] for f in body["failed"])
    assert Enterprise.objects.get(pk=ok.pk).verification_status == S.VERIFIED


def test_bulk_on_centres(client, regency_agency, province_officer):
    centre = CentreFactory(agency=regency_agency, verification_status=S.SUBMITTED)
    body = post(
        as_user(client, province_officer),
        f"{API}/centres/verification",
        {"ids": [centre.pk], "action": "return", "reason": "SK belum diunggah"},
    ).json()
    assert body == {"done": [centre.pk], "failed": []}


def test_lists_filter_by_verification_and_waiting(client, regency_agency, province_officer):
    EnterpriseFactory(name="Konsep", agency=regency_agency)
    EnterpriseFactory(name="Diajukan", agency=regency_agency, verification_status=S.SUBMITTED)
    client = as_user(client, province_officer)
    rows = client.get(f"{API}/enterprises", {"verification": "draft"}).json()["results"]
    assert [r["name"] for r in rows] == ["Konsep"] and rows[0]["verification_status"] == "draft"
    rows = client.get(f"{API}/enterprises", {"waiting": True}).json()["results"]
    assert [r["name"] for r in rows] == ["Diajukan"]
    assert client.get(f"{API}/enterprises", {"verification": "bogus"}).status_code == 422


def test_history_has_per_field_changes_by_channel_and_restore_is_recorded(auth_client, enterprise):
    auth_client.patch(
        f"{API}/enterprises/{enterprise.pk}",
        json.dumps({"name": "Nama Salah"}),
        content_type="application/json",
    )
    history = auth_client.get(f"{API}/enterprises/{enterprise.pk}/history").json()
    assert history["count"] == 1
    edit = history["results"][0]
    assert edit["channel"] == "api" and edit["action"] == "update" and edit["username"] == "petugas"
    assert edit["changes"]["name"] == ["UD Amplang Bahari", "Nama Salah"]

    created = AuditEvent.objects.create(
        channel="system",
        action="create",
        object_type="registry.enterprise",
        object_id=enterprise.pk,
        snapshot={"name": "UD Amplang Bahari"},
    )
    response = post(
        auth_client,
        f"{API}/enterprises/{enterprise.pk}/history/{created.pk}/restore",
        {"reason": "Salah ketik"},
    )
    assert response.status_code == 200 and response.json()["name"] == "UD Amplang Bahari"
    latest = auth_client.get(f"{API}/enterprises/{enterprise.pk}/history").json()["results"][0]
    assert latest["action"] == "restore" and latest["reason"] == "Salah ketik"
    assert post(auth_client, f"{API}/enterprises/{enterprise.pk}/history/999999/restore").status_code == 404


def test_delete_is_audited_with_the_last_state(client, enterprise, regency_officer, regency_agency):
    viewer = persona(Role.VIEWER, agency=regency_agency)
    assert as_user(client, viewer).delete(f"{API}/enterprises/{enterprise.pk}").status_code == 403
    response = as_user(client, regency_officer).delete(f"{API}/enterprises/{enterprise.pk}?reason=Ganda")
    assert response.status_code == 204
    assert not Enterprise.objects.filter(pk=enterprise.pk).exists()
    event = AuditEvent.objects.get(object_id=enterprise.pk, action="delete")
    assert (event.channel, event.reason, event.username) == ("api", "Ganda", "kab_ppu")
    assert event.snapshot["name"] == "UD Amplang Bahari"


def test_openapi_lists_the_workflow_endpoints(auth_client):
    spec = auth_client.get(f"{API}/openapi.json").json()
    for kind in ("enterprises", "centres", "products"):
        assert (
            "delete" in spec["paths"][f"{API}/{kind}/{{{kind[:-1] if kind != 'centres' else 'centre'}_id}}"]
        )
        assert "post" in spec["paths"][f"{API}/{kind}/verification"]
        assert "post" in spec["paths"][f"{API}/{kind}/{{record_id}}/verification"]
        assert "get" in spec["paths"][f"{API}/{kind}/{{record_id}}/history"]
    assert "verification_status" in spec["components"]["schemas"]["EnterpriseOut"]["properties"]
    tags = {tag for path in spec["paths"].values() for op in path.values() for tag in op.get("tags", [])}
    assert {"verifikasi", "riwayat"} <= tags
