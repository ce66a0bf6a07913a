"""Verification, history, delete and notification pages, as each level of government uses them."""

import pytest
from django.urls import reverse

from sentra.accounts.models import Notification, Role
from sentra.accounts.tests.factories import persona
from sentra.audit.models import AuditEvent
from sentra.conftest import KALTIM, KUDUS, SALOLOANG
from sentra.registry.models import Enterprise
from sentra.registry.tests.factories import AgencyFactory, CentreFactory, EnterpriseFactory
from sentra.verification.models import VerificationStatus as S

pytestmark = pytest.mark.django_db

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
    agency = AgencyFactory(name="Dinas Perindustrian Kab. Kudus", region_id=KUDUS)
    return persona(Role.REGENCY_OFFICER, agency=agency, username="kab_kudus")


@pytest.fixture
def enterprise(regency_agency):
    return EnterpriseFactory(name="UD Amplang Bahari", agency=regency_agency)


def as_user(client, user):
    client.force_login(user)
    return client


def step(client, record, name, reason=""):
    return client.post(reverse("web:enterprise_transition", args=[record.pk, name]), {"reason": reason})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def follow(client, response):
    return client.get(response["Location"])


# --- the workflow end to end -------------------------------------------------------------------------


def test_submit_verify_accept_lock_and_reopen(client, enterprise, regency_officer, province_officer, user):
    detail = reverse("web:enterprise_detail", args=[enterprise.pk])

    response = step(as_user(client, regency_officer), enterprise, "submit")
    assert response.status_code == 302 and response["Location"] == detail
    enterprise.refresh_from_db()
    assert enterprise.verification_status == S.SUBMITTED
    assert enterprise.submitted_by == regency_officer and enterprise.submitted_at

    assert step(as_user(client, province_officer), enterprise, "verify").status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.verification_status == S.VERIFIED and enterprise.verified_at

    assert step(as_user(client, user), enterprise, "accept").status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.verification_status == S.ACCEPTED and enterprise.is_locked

    # Locked: the regency's edit page sends them back with the reason, and the page offers no edit.
    client = as_user(client, regency_officer)
    response = client.get(reverse("web:enterprise_edit", args=[enterprise.pk]))
    assert response.status_code == 302 and response["Location"] == detail
    page = follow(client, response)
    assert any("terkunci" in m for m in messages_of(page))
    assert reverse("web:enterprise_edit", args=[enterprise.pk]) not in page.content.decode()
    assert reverse("web:enterprise_delete", args=[enterprise.pk]) not in page.content.decode()
    assert client.get(reverse("web:enterprise_delete", args=[enterprise.pk])).status_code == 302
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()

    # Only the ministry reopens, and only with a reason.
    client = as_user(client, user)
    page = follow(client, step(client, enterprise, "reopen"))
    assert any("alasan" in m.lower() for m in messages_of(page))
    enterprise.refresh_from_db()
    assert enterprise.verification_status == S.ACCEPTED
    step(client, enterprise, "reopen", reason="Jumlah tenaga kerja salah")
    enterprise.refresh_from_db()
    assert enterprise.verification_status == S.RETURNED
    assert enterprise.return_reason == "Jumlah tenaga kerja salah"

    client = as_user(client, regency_officer)
    assert client.get(reverse("web:enterprise_edit", args=[enterprise.pk])).status_code == 200
    assert [e.action for e in AuditEvent.objects.filter(object_id=enterprise.pk).order_by("id")] == [
        "submit",
        "verify",
        "accept",
        "reopen",
    ]


def test_returned_record_notifies_the_submitter_with_the_reason(
    client, enterprise, regency_officer, province_officer
):
    step(as_user(client, regency_officer), enterprise, "submit")
    step(as_user(client, province_officer), enterprise, "return", reason="NIB belum diisi")
    enterprise.refresh_from_db()
    assert enterprise.verification_status == S.RETURNED

    note = Notification.objects.get(user=regency_officer)
    assert "NIB belum diisi" in note.message and note.link == enterprise.get_absolute_url()

    client = as_user(client, regency_officer)
    page = client.get(reverse("web:enterprise_detail", args=[enterprise.pk])).content.decode()
    assert "NIB belum diisi" in page  # the return reason on the record
    assert 'class="nav-badge"' in page and ">1</span>" in page
    inbox = client.get(reverse("web:notifications"))
    assert "NIB belum diisi" in inbox.content.decode()
    client.post(reverse("web:notifications"))
    assert not Notification.objects.filter(user=regency_officer, read_at=None).exists()
    assert 'class="nav-badge"' not in client.get(reverse("web:notifications")).content.decode()


def test_nav_badge_counts_unread_notifications_in_one_query(client, regency_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sentra.accounts.services import notify

    for i in range(3):
        notify(user_id=regency_officer.pk, message=f"Pesan {i}")
    Notification.objects.filter(message="Pesan 0").update(read_at="2025-01-01T00:00:00Z")
    client = as_user(client, regency_officer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("web:dashboard")).content.decode()
    assert ">2</span>" in page
    assert len([q for q in queries if "accounts_notification" in q["sql"]]) == 1


def test_wrong_level_cannot_verify_and_other_regions_do_not_exist(
    client, enterprise, regency_officer, kudus_officer
):
    step(as_user(client, regency_officer), enterprise, "submit")
    assert step(client, enterprise, "verify").status_code == 403
    assert step(as_user(client, kudus_officer), enterprise, "submit").status_code == 404
    assert client.get(reverse("web:enterprise_history", args=[enterprise.pk])).status_code == 404
    assert client.get(reverse("web:enterprise_delete", args=[enterprise.pk])).status_code == 404


def test_a_step_not_allowed_from_the_status_is_a_message_not_an_error(client, enterprise, user):
    response = step(as_user(client, user), enterprise, "accept")  # still a draft
    assert response.status_code == 302
    assert any("tidak dapat" in m for m in messages_of(follow(client, response)))
    assert step(client, enterprise, "nonsense").status_code == 404


def test_detail_shows_status_dates_and_exactly_the_allowed_buttons(
    client, enterprise, regency_officer, province_officer
):
    page = as_user(client, regency_officer).get(enterprise.get_absolute_url()).content.decode()
    assert "badge-v-draft" in page
    assert 'data-step="submit"' in page and 'data-step="verify"' not in page
    assert reverse("web:enterprise_edit", args=[enterprise.pk]) in page
    assert reverse("web:enterprise_history", args=[enterprise.pk]) in page

    step(client, enterprise, "submit")
    page = as_user(client, province_officer).get(enterprise.get_absolute_url()).content.decode()
    assert "badge-v-submitted" in page
    assert 'data-step="verify"' in page and 'data-step="return"' in page
    assert 'data-step="submit"' not in page and 'data-step="accept"' not in page
    assert 'name="reason"' in page  # return needs one


def test_viewer_sees_no_actions(client, enterprise, regency_agency):
    viewer = persona(Role.VIEWER, agency=regency_agency)
    page = as_user(client, viewer).get(enterprise.get_absolute_url()).content.decode()
    assert "data-step=" not in page
    assert reverse("web:enterprise_edit", args=[enterprise.pk]) not in page
    assert reverse("web:enterprise_delete", args=[enterprise.pk]) not in page


def test_list_has_a_verification_column_and_filter(auth_client, regency_agency):
    EnterpriseFactory(name="Konsep Satu", agency=regency_agency)
    EnterpriseFactory(name="Diterima Dua", agency=regency_agency, verification_status=S.ACCEPTED)
    page = auth_client.get(reverse("web:enterprise_list"), {"verification": "accepted", "region": "64.09"})
    names = [o.name for o in page.context["page"].object_list]
    assert names == ["Diterima Dua"]
    assert "badge-v-accepted" in page.content.decode()
    assert 'name="verification"' in page.content.decode()


# --- queue and bulk ---------------------------------------------------------------------------------


def test_each_level_sees_what_waits_for_it(client, regency_agency, regency_officer, province_officer, user):
    EnterpriseFactory(name="Konsep", agency=regency_agency)
    EnterpriseFactory(name="Dikembalikan", agency=regency_agency, verification_status=S.RETURNED)
    EnterpriseFactory(name="Diajukan", agency=regency_agency, verification_status=S.SUBMITTED)
    EnterpriseFactory(name="Terverifikasi", agency=regency_agency, verification_status=S.VERIFIED)
    EnterpriseFactory(name="Diterima", agency=regency_agency, verification_status=S.ACCEPTED)
    EnterpriseFactory(
        name="Kudus Diajukan",
        agency=regency_agency,
        village_id=KUDUS_VILLAGE,
        verification_status=S.SUBMITTED,
    )

    def queue(who, **params):
        response = as_user(client, who).get(reverse("web:verification_queue"), params)
        assert response.status_code == 200
        return sorted(o.name for o in response.context["page"].object_list), response

    assert queue(regency_officer)[0] == ["Dikembalikan", "Konsep"]
    names, response = queue(province_officer)
    assert names == ["Diajukan"]  # not Kudus: outside the province
    assert [a["name"] for a in response.context["actions"]] == ["verify", "return"]
    assert queue(user)[0] == ["Terverifikasi"]
    assert queue(user, region="33")[0] == []
    assert queue(user, jenis="sentra")[0] == []


def test_queue_tabs_list_centres(client, regency_agency, province_officer):
    CentreFactory(name="Sentra Amplang", agency=regency_agency, verification_status=S.SUBMITTED)
    response = as_user(client, province_officer).get(reverse("web:verification_queue"), {"jenis": "sentra"})
    assert [o.name for o in response.context["page"].object_list] == ["Sentra Amplang"]


def test_bulk_verify_reports_successes_and_failures(client, regency_agency, province_officer):
    ok1 = EnterpriseFactory(name="Siap Satu", agency=regency_agency, verification_status=S.SUBMITTED)
    ok2 = EnterpriseFactory(name="Siap Dua", agency=regency_agency, verification_status=S.SUBMITTED)
    draft = EnterpriseFactory(name="Masih Konsep", agency=regency_agency)
    kudus = EnterpriseFactory(
        name="Di Kudus", agency=regency_agency, village_id=KUDUS_VILLAGE, verification_status=S.SUBMITTED
    )
    client = as_user(client, province_officer)
    response = client.post(
        reverse("web:verification_bulk"),
        {"jenis": "ikm", "action": "verify", "ids": [ok1.pk, ok2.pk, draft.pk, kudus.pk]},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:verification_queue"))
    shown = messages_of(follow(client, response))
    assert any(m.startswith("2 data berhasil") for m in shown)
    failure = next(m for m in shown if "gagal" in m)
    assert "Masih Konsep" in failure and f"#{kudus.pk}" in failure and "Di Kudus" not in failure
    assert set(Enterprise.objects.filter(verification_status=S.VERIFIED).values_list("pk", flat=True)) == {
        ok1.pk,
        ok2.pk,
    }


def test_bulk_return_needs_a_reason(client, regency_agency, province_officer):
    record = EnterpriseFactory(agency=regency_agency, verification_status=S.SUBMITTED)
    client = as_user(client, province_officer)
    response = client.post(
        reverse("web:verification_bulk"), {"jenis": "ikm", "action": "return", "ids": [record.pk]}
    )
    assert any("gagal" in m for m in messages_of(follow(client, response)))
    client.post(
        reverse("web:verification_bulk"),
        {"jenis": "ikm", "action": "return", "ids": [record.pk], "reason": "Foto kurang"},
    )
    record.refresh_from_db()
    assert record.verification_status == S.RETURNED and record.return_reason == "Foto kurang"


# --- history, restore, delete -------------------------------------------------------------------------


def _edit_post(agency, **overrides):
    data = {
        "name": "UD Amplang Bahari",
        "owner_name": "Siti",
        "nib": "",
        "village_code": SALOLOANG,
        "kbli_code": "10794",
        "workers": "4",
        "investment": "50000000",
        "status": "active",
        "agency": agency.pk,
    }
    data.update(overrides)
    return data


def test_history_shows_each_changed_field_before_and_after_with_channel(
    auth_client, enterprise, regency_agency
):
    import json

    auth_client.post(
        reverse("web:enterprise_edit", args=[enterprise.pk]),
        _edit_post(regency_agency, name="UD Amplang Baru", owner_name=enterprise.owner_name),
    )
    auth_client.patch(
        f"/api/v1/enterprises/{enterprise.pk}", json.dumps({"workers": 30}), content_type="application/json"
    )
    response = auth_client.get(reverse("web:enterprise_history", args=[enterprise.pk]))
    assert response.status_code == 200
    api_edit, web_edit = [row["event"] for row in response.context["events"]][:2]
    assert (web_edit.channel, api_edit.channel) == ("web", "api")
    assert web_edit.username == "petugas"
    web_changes = {c["field"]: (c["before"], c["after"]) for c in response.context["events"][1]["changes"]}
    assert web_changes["nama usaha"] == ("UD Amplang Bahari", "UD Amplang Baru")
    api_changes = {c["field"]: (c["before"], c["after"]) for c in response.context["events"][0]["changes"]}
    assert api_changes["tenaga kerja"] == ("4", "30")
    html = response.content.decode()
    assert "UD Amplang Baru" in html and "API" in html and "Web" in html


def test_restore_brings_back_a_version_and_is_itself_in_the_history(auth_client, enterprise, regency_agency):
    created = AuditEvent.objects.create(
        username="sistem",
        channel="system",
        action="create",
        object_type="registry.enterprise",
        object_id=enterprise.pk,
        object_repr=enterprise.name,
        snapshot={"name": "UD Amplang Bahari", "workers": 4},
    )
    auth_client.post(
        reverse("web:enterprise_edit", args=[enterprise.pk]), _edit_post(regency_agency, name="Nama Salah")
    )
    enterprise.refresh_from_db()
    assert enterprise.name == "Nama Salah"
    response = auth_client.post(
        reverse("web:enterprise_restore", args=[enterprise.pk, created.pk]), {"reason": "Salah ketik"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:enterprise_history", args=[enterprise.pk])
    enterprise.refresh_from_db()
    assert enterprise.name == "UD Amplang Bahari"
    latest = AuditEvent.objects.filter(object_id=enterprise.pk).order_by("-id").first()
    assert latest.action == "restore" and latest.reason == "Salah ketik"
    assert latest.changes["name"] == ["Nama Salah", "UD Amplang Bahari"]


def test_restore_needs_the_restore_right(client, enterprise, regency_agency):
    facilitator = persona(Role.FACILITATOR, agency=regency_agency)
    event = AuditEvent.objects.create(
        channel="system", action="create", object_type="registry.enterprise", object_id=enterprise.pk
    )
    response = as_user(client, facilitator).post(
        reverse("web:enterprise_restore", args=[enterprise.pk, event.pk])
    )
    assert response.status_code == 403
    page = client.get(reverse("web:enterprise_history", args=[enterprise.pk])).content.decode()
    assert "pulihkan" not in page


def test_delete_asks_first_then_deletes_with_its_last_state_in_the_history(
    client, enterprise, regency_officer
):
    client = as_user(client, regency_officer)
    url = reverse("web:enterprise_delete", args=[enterprise.pk])
    page = client.get(url)
    assert page.status_code == 200 and "UD Amplang Bahari" in page.content.decode()
    response = client.post(url, {"reason": "Data ganda"})
    assert response.status_code == 302 and response["Location"] == reverse("web:enterprise_list")
    assert any("dihapus" in m for m in messages_of(follow(client, response)))
    assert not Enterprise.objects.filter(pk=enterprise.pk).exists()
    event = AuditEvent.objects.get(object_id=enterprise.pk, action="delete")
    assert event.reason == "Data ganda" and event.username == "kab_ppu" and event.channel == "web"
    assert event.snapshot["name"] == "UD Amplang Bahari" and event.snapshot["village_id"] == SALOLOANG


def test_analyst_may_not_delete(client, enterprise):
    analyst = persona(Role.MINISTRY_ANALYST)
    assert (
        as_user(client, analyst).get(reverse("web:enterprise_delete", args=[enterprise.pk])).status_code
        == 403
    )
    assert client.post(reverse("web:enterprise_delete", args=[enterprise.pk])).status_code == 403
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()
