"""The coordination pages: lists, details and forms for meetings, follow-ups and agreements."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

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
def ntt():
    return AgencyFactory(name="Disperindag Provinsi NTT", kind="province_industry", region_id="53")


@pytest.fixture
def belu():
    return AgencyFactory(name="Dinas Perindustrian Kab. Belu", kind="regency_industry", region_id="53.04")


@pytest.fixture
def login(client):
    def as_(user):
        client.force_login(user)
        return client

    return as_


def test_plan_a_meeting_then_decide_and_assign_a_follow_up(login, ntt, belu):
    client = login(persona(Role.PROVINCE_OFFICER, agency=ntt))
    assert client.get(reverse("web:meeting_create")).status_code == 200
    refused = client.post(
        reverse("web:meeting_create"),
        {
            "kind": "rakor_programme",
            "title": "Rakor NTT",
            "starts_at": "2026-11-20T09:00",
            "ends_at": "2026-11-19T09:00",
            "mode": "in_person",
        },
    )
    assert refused.status_code == 200 and "Waktu selesai sebelum waktu mulai." in refused.content.decode()
    assert not Meeting.objects.exists()
    created = client.post(
        reverse("web:meeting_create"),
        {
            "kind": "rakor_programme",
            "title": "Rakor NTT",
            "host_region": "53.04",
            "starts_at": "2026-11-20T09:00",
            "ends_at": "2026-11-21T15:00",
            "mode": "in_person",
        },
    )
    meeting = Meeting.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse(
        "web:meeting_detail", args=[meeting.pk]
    )
    assert meeting.agency == ntt and meeting.host_region_id == "53.04"

    client.post(reverse("web:meeting_invite", args=[meeting.pk]), {"every_regency_of": "53"})
    assert list(meeting.invitations.values_list("agency_id", flat=True)) == [belu.pk]
    client.post(reverse("web:meeting_decision", args=[meeting.pk]), {"text": "Kabupaten mendata sentra"})
    decision = meeting.decisions.get()
    too_early = client.post(
        reverse("web:meeting_follow_up", args=[meeting.pk]),
        {"decision": decision.pk, "owner": belu.pk, "description": "Data sentra", "due_on": "2026-11-19"},
    )
    assert too_early.status_code == 400 and "Tenggat tindak lanjut" in too_early.content.decode()
    client.post(
        reverse("web:meeting_follow_up", args=[meeting.pk]),
        {"decision": decision.pk, "owner": belu.pk, "description": "Data sentra", "due_on": "2026-12-31"},
    )
    assert FollowUp.objects.get().agency == belu
    page = client.get(reverse("web:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Data sentra" in page and "Kabupaten mendata sentra" in page


def test_the_owner_marks_its_follow_up_done_on_its_page(login, ntt, belu):
    follow_up = FollowUpFactory(decision=DecisionFactory(meeting=MeetingFactory(agency=ntt)), agency=belu)
    client = login(persona(Role.REGENCY_OFFICER, agency=belu))
    url = reverse("web:follow_up_detail", args=[follow_up.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"status": "dropped", "drop_reason": "", "version": 1})
    assert refused.status_code == 400 and "hanya dapat dibatalkan dengan alasan" in refused.content.decode()
    done = client.post(url, {"status": "done", "evidence_url": "https://belukab.go.id/x", "version": 1})
    assert done.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.completed_on) == ("done", dt.date(2026, 11, 16))
    client.post(url, {"text": "Pelatihan dilaksanakan", "noted_on": "2026-11-16"})
    assert follow_up.notes.count() == 1


def test_lists_filter_and_hide_what_the_user_may_not_read(login, ntt, belu):
    kudus = AgencyFactory(name="Dinas Perindustrian Kab. Kudus", kind="regency_industry", region_id="33.19")
    MeetingFactory(agency=ntt, title="Rakor Provinsi NTT")
    MeetingFactory(agency=kudus, title="Rakor Internal Kudus")
    decision = DecisionFactory(meeting=MeetingFactory(agency=ntt, title="Rakor lama"))
    FollowUpFactory(decision=decision, agency=belu, description="Terlambat", due_on=dt.date(2026, 11, 1))
    FollowUpFactory(decision=decision, agency=belu, description="Masih lama", due_on=dt.date(2027, 1, 1))
    client = login(persona(Role.PROVINCE_OFFICER, agency=ntt))
    meetings = client.get(reverse("web:meeting_list")).content.decode()
    assert "Rakor Provinsi NTT" in meetings and "Rakor Internal Kudus" not in meetings
    searched = client.get(reverse("web:meeting_list"), {"q": "lama"}).content.decode()
    assert "Rakor lama" in searched and "Rakor Provinsi NTT" not in searched
    overdue = client.get(reverse("web:follow_up_list"), {"overdue": "1"}).content.decode()
    assert "Terlambat" in overdue and "Masih lama" not in overdue


def test_a_meeting_outside_the_users_reach_is_404(login, ntt):
    kudus = AgencyFactory(name="Dinas Perindustrian Kab. Kudus", kind="regency_industry", region_id="33.19")
    meeting = MeetingFactory(agency=kudus)
    client = login(persona(Role.PROVINCE_OFFICER, agency=ntt))
    assert client.get(reverse("web:meeting_detail", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("web:meeting_edit", args=[meeting.pk])).status_code == 404


def test_agreement_form_page_and_chain(login, ntt):
    client = login(persona(Role.PROVINCE_OFFICER, agency=ntt))
    mou = AgreementFactory(agency=ntt, kind="mou", title="MoU Gubernur NTT")
    assert client.get(reverse("web:agreement_create")).status_code == 200
    refused = client.post(
        reverse("web:agreement_create"),
        {
            "kind": "pk",
            "title": "PK",
            "valid_from": "2026-02-01",
            "valid_until": "2026-01-01",
            "status": "draft",
        },
    )
    assert "Tanggal berakhir sebelum tanggal mulai berlaku." in refused.content.decode()
    created = client.post(
        reverse("web:agreement_create"),
        {
            "kind": "pk",
            "title": "PK Pelatihan Tenun",
            "parent": mou.pk,
            "valid_from": "2026-02-01",
            "status": "signed",
        },
    )
    assert created.status_code == 302
    page = client.get(created["Location"]).content.decode()
    assert "MoU Gubernur NTT" in page and "PK Pelatihan Tenun" in page
    AgreementPartyFactory(agreement=mou, agency=ntt, document_number="500/07/2026")
    pk = mou.children.get()
    taken = client.post(
        reverse("web:agreement_detail", args=[pk.pk]),
        {"kind": "agency", "agency": ntt.pk, "document_number": "500/07/2026"},
    )
    assert taken.status_code == 400 and "sudah dipakai" in taken.content.decode()
    listed = client.get(reverse("web:agreement_list"), {"kind": "pk"}).content.decode()
    assert "PK Pelatihan Tenun" in listed and "MoU Gubernur NTT</a>" not in listed


def test_the_admin_lists_coordination_read_only(client, django_user_model, ntt):
    admin_user = django_user_model.objects.create_superuser(
        "admin-koordinasi", "a@example.org", "rahasia-sekali-123"
    )
    client.force_login(admin_user)
    meeting = MeetingFactory(agency=ntt)
    AgreementPartyFactory(agreement=AgreementFactory(agency=ntt))
    FollowUpFactory(decision=DecisionFactory(meeting=meeting), agency=ntt)
    for name in (
        "meeting",
        "followup",
        "agreement",
        "meetingseries",
        "document",
        "nationalprogramme",
        "calendarfeed",
        "reminder",
        "digest",
    ):
        assert client.get(reverse(f"admin:coordination_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:coordination_meeting_change", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("admin:coordination_meeting_add")).status_code == 403


def test_lists_export_what_they_show_as_csv_and_xlsx(login, ntt, belu):
    kudus = AgencyFactory(name="Dinas Perindustrian Kab. Kudus", kind="regency_industry", region_id="33.19")
    MeetingFactory(agency=ntt, title="Rakor Provinsi NTT")
    MeetingFactory(agency=kudus, title="Rakor Internal Kudus")
    FollowUpFactory(
        decision=DecisionFactory(meeting=MeetingFactory(agency=ntt)), agency=belu, description="Lapor"
    )
    AgreementFactory(agency=ntt, title="MoU NTT")
    client = login(persona(Role.PROVINCE_OFFICER, agency=ntt))
    meetings = b"".join(client.get(reverse("web:meeting_export")).streaming_content).decode("utf-8-sig")
    assert "Rakor Provinsi NTT" in meetings and "Rakor Internal Kudus" not in meetings
    follow_ups = b"".join(client.get(reverse("web:follow_up_export")).streaming_content).decode("utf-8-sig")
    assert "Lapor" in follow_ups
    xlsx = client.get(reverse("web:agreement_export"), {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_home_page_card_lists_the_agencys_follow_ups_overdue_first(ntt, belu):
    from django.template.loader import render_to_string

    from sentra.accounts.tests.factories import actor_of
    from sentra.web.views.coordination import my_follow_ups_context

    decision = DecisionFactory(
        meeting=MeetingFactory(agency=ntt, starts_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC))
    )
    FollowUpFactory(decision=decision, agency=belu, description="Nanti", due_on=dt.date(2026, 12, 1))
    FollowUpFactory(decision=decision, agency=belu, description="Terlambat", due_on=dt.date(2026, 10, 1))
    FollowUpFactory(decision=decision, agency=belu, description="Beres", status="done")
    FollowUpFactory(decision=decision, agency=ntt, description="Milik provinsi")
    context = my_follow_ups_context(actor_of(persona(Role.REGENCY_OFFICER, agency=belu)))
    assert (context["pending_count"], context["overdue_count"]) == (2, 1)
    assert [f.description for f in context["rows"]] == ["Terlambat", "Nanti"]
    html = render_to_string("web/coordination/_my_follow_ups.html", {"my_follow_ups": context})
    assert "1 terlambat" in html and "Milik provinsi" not in html


def test_the_home_page_shows_the_card_to_the_owning_agency_only(client, ntt, belu):
    decision = DecisionFactory(
        meeting=MeetingFactory(agency=ntt, starts_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC))
    )
    FollowUpFactory(
        decision=decision, agency=belu, description="Kirim data sentra", due_on=dt.date(2026, 10, 1)
    )
    client.force_login(persona(Role.REGENCY_OFFICER, agency=belu))
    page = client.get(reverse("web:dashboard")).content.decode()
    assert 'id="my-follow-ups"' in page and "Kirim data sentra" in page
    client.force_login(persona(Role.PROVINCE_OFFICER, agency=ntt))
    assert 'id="my-follow-ups"' not in client.get(reverse("web:dashboard")).content.decode()
