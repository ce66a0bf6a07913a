"""The coordination API: /api/v1/meetings, /meetings/{id}/participants, /follow-ups, /agreements."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.coordination.models import FollowUp, Meeting
from sentra.registry.tests.factories import AgencyFactory

from .factories import (
    AgreementFactory,
    AgreementPartyFactory,
    DecisionFactory,
    FollowUpFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies():
    return {
        "ntt": AgencyFactory(name="Disperindag Provinsi NTT", kind="province_industry", region_id="53"),
        "belu": AgencyFactory(
            name="Dinas Perindustrian Kab. Belu", kind="regency_industry", region_id="53.04"
        ),
        "kupang": AgencyFactory(
            name="Dinas Perindustrian Kab. Kupang", kind="regency_industry", region_id="53.01"
        ),
        "ppu": AgencyFactory(name="Dinas Perindustrian PPU", kind="regency_industry", region_id="64.09"),
    }


@pytest.fixture
def people(agencies):
    return {
        "ntt": persona(Role.PROVINCE_OFFICER, agency=agencies["ntt"]),
        "belu": persona(Role.REGENCY_OFFICER, agency=agencies["belu"]),
        "ppu": persona(Role.REGENCY_OFFICER, agency=agencies["ppu"]),
    }


@pytest.fixture
def as_(client, people):
    def call(who, method, url, data=None, **headers):
        client.force_login(people[who])
        kwargs = {"content_type": "application/json", "data": json.dumps(data)} if data is not None else {}
        return getattr(client, method)(f"/api/v1{url}", headers=headers, **kwargs)

    return call


def test_plan_invite_mark_attendance_decide_and_follow_up(as_, agencies):
    created = as_(
        "ntt",
        "post",
        "/meetings",
        {
            "kind": "rakor_programme",
            "title": "Rakor Pelaksanaan Kegiatan 2019 dan Penyusunan Program IKM 2020",
            "host_region": "53.04",
            "venue": "Aula Hotel Matahari",
            "starts_at": "2019-04-24T09:00:00+07:00",
            "ends_at": "2019-04-26T15:00:00+07:00",
            "co_organisers": [agencies["belu"].pk],
        },
    )
    assert created.status_code == 201, created.json()
    meeting = created.json()
    assert created["ETag"] == '"1"' and meeting["organiser"]["id"] == agencies["ntt"].pk
    url = f"/meetings/{meeting['id']}"

    invited = as_("ntt", "post", f"{url}/invitations", {"every_regency_of": "53"})
    assert invited.json() == {"count": 2}

    walk_in = as_("ntt", "post", f"{url}/participants", {"name": "Agus", "organisation": "Bank NTT"})
    guest = as_("ntt", "post", f"{url}/participants", {"name": "Yohanes", "agency_id": agencies["kupang"].pk})
    assert (walk_in.json()["walk_in"], guest.json()["walk_in"]) == (True, False)
    marked = as_(
        "ntt", "post", f"{url}/attendance", {"participants": [guest.json()["id"]], "attendance": "present"}
    )
    assert marked.json() == {"count": 1}
    listed = as_("belu", "get", f"{url}/participants")
    assert listed.status_code == 200 and listed.json()["count"] == 2

    decision = as_("ntt", "post", f"{url}/decisions", {"text": "Kontrak TPL-IKM ditandatangani"}).json()
    late = as_(
        "ntt",
        "post",
        f"/decisions/{decision['id']}/follow-ups",
        {"owner_id": agencies["kupang"].pk, "description": "Laporan TPL", "due_on": "2019-04-23"},
    )
    assert late.status_code == 400
    assert late.json()["code"] == "due_before_meeting"
    assert late.json()["errors"][0]["field"] == "due_on"
    follow_up = as_(
        "ntt",
        "post",
        f"/decisions/{decision['id']}/follow-ups",
        {"owner_id": agencies["kupang"].pk, "description": "Laporan TPL", "due_on": "2019-06-30"},
    )
    assert follow_up.status_code == 201 and follow_up.json()["overdue"] is True


def test_end_before_start_is_a_400_on_its_field(as_):
    answer = as_(
        "ntt",
        "post",
        "/meetings",
        {
            "kind": "other",
            "title": "Rapat",
            "starts_at": "2026-11-20T09:00:00",
            "ends_at": "2026-11-19T09:00:00",
        },
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "end_before_start"
    assert answer.json()["errors"][0]["field"] == "ends_at"
    assert not Meeting.objects.exists()


def test_a_meeting_outside_what_the_caller_reads_is_404(as_, agencies):
    meeting = MeetingFactory(agency=agencies["belu"], host_region_id="53.04")
    assert as_("ppu", "get", f"/meetings/{meeting.pk}").status_code == 404
    assert as_("ppu", "get", f"/meetings/{meeting.pk}/participants").status_code == 404
    assert as_("ppu", "get", "/meetings").json()["count"] == 0
    assert as_("ntt", "get", f"/meetings/{meeting.pk}").status_code == 200


def test_a_stale_if_match_is_412_and_nothing_changes(as_, agencies):
    meeting = MeetingFactory(agency=agencies["ntt"])
    answer = as_("ntt", "patch", f"/meetings/{meeting.pk}", {"title": "Baru"}, **{"If-Match": '"9"'})
    assert answer.status_code == 412 and answer.json()["code"] == "stale"
    ok = as_("ntt", "patch", f"/meetings/{meeting.pk}", {"title": "Baru"}, **{"If-Match": '"1"'})
    assert ok.status_code == 200 and ok["ETag"] == '"2"'


def test_follow_ups_filter_by_owner_region_status_and_overdue(as_, agencies):
    meeting = MeetingFactory(agency=agencies["ntt"])
    decision = DecisionFactory(meeting=meeting)
    late = FollowUpFactory(decision=decision, agency=agencies["belu"], due_on=dt.date(2026, 11, 10))
    FollowUpFactory(decision=decision, agency=agencies["kupang"], due_on=dt.date(2026, 12, 10))
    FollowUpFactory(decision=decision, agency=agencies["belu"], due_on=dt.date(2026, 11, 10), status="done")
    ids = lambda answer: [r["id"] for r in answer.json()["results"]]  # noqa: E731
    assert ids(as_("ntt", "get", "/follow-ups?overdue=true")) == [late.pk]
    assert len(ids(as_("ntt", "get", f"/follow-ups?owner={agencies['belu'].pk}"))) == 2
    assert len(ids(as_("ntt", "get", "/follow-ups?region=53.01"))) == 1
    assert len(ids(as_("ntt", "get", "/follow-ups?status=done"))) == 1
    assert ids(as_("ppu", "get", "/follow-ups")) == []


def test_the_owner_marks_a_follow_up_done_with_evidence(as_, agencies):
    follow_up = FollowUpFactory(
        decision=DecisionFactory(meeting=MeetingFactory(agency=agencies["ntt"])), agency=agencies["belu"]
    )
    answer = as_(
        "belu",
        "patch",
        f"/follow-ups/{follow_up.pk}",
        {"status": "done", "evidence_url": "https://belukab.go.id/berita/pelatihan"},
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "done" and answer.json()["completed_on"] == "2026-11-16"
    dropped = as_("belu", "patch", f"/follow-ups/{follow_up.pk}", {"status": "dropped"})
    assert dropped.status_code == 400 and dropped.json()["code"] == "drop_reason_required"
    assert FollowUp.objects.get(pk=follow_up.pk).status == "done"
    hidden = as_("belu", "patch", f"/follow-ups/{follow_up.pk}", {"evidence_enterprise_id": 999_999})
    assert hidden.status_code == 400 and hidden.json()["code"] == "unknown_reference"


def test_agreements_with_parties_and_their_rules(as_, agencies):
    mou = AgreementFactory(agency=agencies["ntt"], kind="mou")
    pk = AgreementFactory(agency=agencies["ntt"], kind="pk", parent=mou)
    AgreementPartyFactory(agreement=mou, agency=agencies["ntt"], document_number="500/01/2026")
    body = {
        "kind": "pk",
        "title": "PK Pelatihan",
        "valid_from": "2026-02-01",
        "parent_id": pk.pk,
        "parties": [{"kind": "agency", "agency_id": agencies["ntt"].pk, "document_number": "500/02/2026"}],
    }
    assert as_("ntt", "post", "/agreements", body).json()["code"] == "parent_not_mou"
    body["parent_id"] = mou.pk
    body["parties"][0]["document_number"] = "500/01/2026"
    taken = as_("ntt", "post", "/agreements", body)
    assert taken.json()["code"] == "party_number_taken"
    assert taken.json()["errors"][0]["field"] == "parties[0].document_number"
    body["parties"][0]["document_number"] = "500/02/2026"
    created = as_("ntt", "post", "/agreements", body)
    assert created.status_code == 201 and created.json()["parties"][0]["document_number"] == "500/02/2026"
    assert as_("ppu", "get", f"/agreements/{created.json()['id']}").status_code == 404
    assert as_("ntt", "get", "/agreements?kind=pk").json()["count"] == 2
