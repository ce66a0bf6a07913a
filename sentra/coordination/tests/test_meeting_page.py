"""The meeting page does what issue 15 promises: a meeting planned in a series (with its edition),
the open follow-ups of the series carried onto its agenda and listed under that item, agenda items
added, changed and removed by the organisers, attendance marked for many at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.coordination.models import Meeting, MeetingSeries
from sentra.registry.tests.factories import AgencyFactory

from .factories import DecisionFactory, FollowUpFactory, MeetingFactory, ParticipantFactory, wib

pytestmark = pytest.mark.django_db


@pytest.fixture
def ntt():
    return AgencyFactory(name="Disperindag Provinsi NTT", kind="province_industry", region_id="53")


@pytest.fixture
def ntt_series(ntt):
    return MeetingSeries.objects.create(name="Rakor IKM NTT", kind="rakor_programme", organiser=ntt)


@pytest.fixture
def organiser(client, ntt):
    client.force_login(persona(Role.PROVINCE_OFFICER, agency=ntt))
    return client


PLAN = {
    "kind": "rakor_programme",
    "title": "Rakor IKM NTT II",
    "starts_at": "2026-11-20T09:00",
    "ends_at": "2026-11-20T15:00",
    "mode": "in_person",
}


def test_the_series_select_offers_only_the_series_the_user_may_plan_in(organiser, ntt_series):
    kudus = AgencyFactory(name="Dinas Perindustrian Kab. Kudus", kind="regency_industry", region_id="33.19")
    other = MeetingSeries.objects.create(name="Rakor IKM Kudus", kind="rakor_programme", organiser=kudus)
    form = organiser.get(reverse("web:meeting_create")).context["form"]
    assert list(form.fields["series"].queryset) == [ntt_series]
    refused = organiser.post(reverse("web:meeting_create"), {**PLAN, "series": other.pk})
    assert "series" in refused.context["form"].errors and not Meeting.objects.exists()


def test_an_edition_without_a_series_is_refused_on_its_field(organiser):
    refused = organiser.post(reverse("web:meeting_create"), {**PLAN, "edition": "2"})
    assert [e for e in refused.context["form"].errors["edition"]] == [
        "Edisi hanya untuk rapat dalam satu seri."
    ]
    assert not Meeting.objects.exists()


def test_the_next_meeting_of_a_series_lists_the_open_follow_ups_under_its_carried_item(
    organiser, ntt, ntt_series
):
    first = MeetingFactory(
        agency=ntt, series=ntt_series, starts_at=wib(2026, 3, 2, 9), ends_at=wib(2026, 3, 2, 15)
    )
    decision = DecisionFactory(meeting=first)
    FollowUpFactory(decision=decision, agency=ntt, description="Mendata sentra tenun ikat")
    FollowUpFactory(decision=decision, agency=ntt, description="Sudah beres", status="done")

    created = organiser.post(reverse("web:meeting_create"), {**PLAN, "series": ntt_series.pk, "edition": "2"})
    meeting = Meeting.objects.exclude(pk=first.pk).get()
    assert created.status_code == 302 and (meeting.series, meeting.edition) == (ntt_series, 2)
    page = organiser.get(reverse("web:meeting_detail", args=[meeting.pk]))
    html = page.content.decode()
    assert page.context["carried_item"].title == "Tindak lanjut rapat sebelumnya"
    assert "1 tindak lanjut masih terbuka" in html and "Mendata sentra tenun ikat" in html
    assert "Sudah beres" not in html
    # Carried once: the separate block and its button are gone.
    assert reverse("web:meeting_carry_over", args=[meeting.pk]) not in html


def test_organisers_add_change_and_remove_agenda_items_on_the_page(organiser, ntt):
    meeting = MeetingFactory(agency=ntt)
    add = reverse("web:meeting_agenda_add", args=[meeting.pk])
    refused = organiser.post(add, {"title": "", "presenter": "Kadis"})
    assert refused.status_code == 400 and "title" in refused.context["agenda_form"].errors
    organiser.post(add, {"title": "Pembukaan", "presenter": "Kadis", "starts_at": "2026-11-02T09:00"})
    organiser.post(add, {"title": "Paparan program", "presenter": ""})
    opening, talk = meeting.agendaitems.order_by("order")
    assert (opening.order, talk.order, opening.starts_at) == (1, 2, wib(2026, 11, 2, 9))

    edit = reverse("web:meeting_agenda_edit", args=[meeting.pk, talk.pk])
    organiser.post(edit, {"order": "1", "title": "Paparan program IKM", "presenter": "Kabid IKM"})
    talk.refresh_from_db()
    assert (talk.order, talk.title, talk.presenter) == (1, "Paparan program IKM", "Kabid IKM")
    organiser.post(edit, {"title": talk.title, "remove": "1"})
    assert list(meeting.agendaitems.values_list("title", flat=True)) == ["Pembukaan"]


def test_an_agenda_item_of_another_meeting_or_by_a_non_organiser_is_refused(client, organiser, ntt):
    meeting, elsewhere = MeetingFactory(agency=ntt), MeetingFactory(agency=ntt)
    item = elsewhere.agendaitems.create(title="Pembukaan")
    url = reverse("web:meeting_agenda_edit", args=[meeting.pk, item.pk])
    assert organiser.post(url, {"title": "Diubah"}).status_code == 404
    belu = AgencyFactory(name="Dinas Perindustrian Kab. Belu", kind="regency_industry", region_id="53.04")
    meeting.invitations.create(agency=belu)
    client.force_login(persona(Role.REGENCY_OFFICER, agency=belu))
    assert (
        client.post(reverse("web:meeting_agenda_add", args=[meeting.pk]), {"title": "X"}).status_code == 403
    )
    assert not meeting.agendaitems.exists()


def test_participants_are_marked_in_bulk_and_walk_ins_added_on_the_page(organiser, ntt):
    meeting = MeetingFactory(agency=ntt)
    ana, budi, cici = (ParticipantFactory(meeting=meeting, name=n, attendance="absent") for n in "ABC")
    url = reverse("web:meeting_attendance", args=[meeting.pk])
    organiser.post(url, {"participants": [ana.pk], "attendance": "represented"})  # refused: says who
    organiser.post(url, {"participants": [ana.pk, budi.pk], "attendance": "online"})
    marked = dict(meeting.participants.values_list("name", "attendance"))
    assert marked == {"A": "online", "B": "online", "C": "absent"}

    page = organiser.get(reverse("web:meeting_detail", args=[meeting.pk])).content.decode()
    assert f'name="participants" value="{cici.pk}"' in page
    organiser.post(
        reverse("web:meeting_participant", args=[meeting.pk]), {"name": "Dedi", "attendance": "present"}
    )
    assert meeting.participants.get(name="Dedi").walk_in


def test_the_follow_up_count_shows_on_the_koordinasi_group_and_the_phone_menu_button(client, ntt):
    belu = AgencyFactory(name="Dinas Perindustrian Kab. Belu", kind="regency_industry", region_id="53.04")
    decision = DecisionFactory(meeting=MeetingFactory(agency=ntt))
    FollowUpFactory(decision=decision, agency=belu)
    FollowUpFactory(decision=decision, agency=belu, status="done")
    client.force_login(persona(Role.REGENCY_OFFICER, agency=belu))
    page = client.get(reverse("web:meeting_list")).content.decode()
    assert 'data-badge="follow-ups-group">1<' in page
    assert 'data-badge="follow-ups-toggle"' in page
    client.force_login(persona(Role.PROVINCE_OFFICER, agency=ntt))  # owns nothing: no badge
    assert "follow-ups-group" not in client.get(reverse("web:meeting_list")).content.decode()


def test_the_attendance_import_result_names_the_meeting_and_links_back(organiser, ntt, attendance_file):
    meeting = MeetingFactory(agency=ntt, title="Rakor Atambua 2019")
    rows = [[1, "Yohanes Bria / Kabid", "Disperindag Provinsi NTT", "0812", None, "hadir", None, None]]
    with attendance_file(rows).open("rb") as handle:
        response = organiser.post(
            reverse("web:import_upload"),
            {"kind": "participants", "target": meeting.pk, "file": handle, "action": "commit"},
            follow=True,
        )
    html = response.content.decode()
    back = reverse("web:meeting_detail", args=[meeting.pk])
    assert meeting.participants.count() == 1
    assert f'Diimpor ke: <a href="{back}">Rakor Atambua 2019</a>' in html
    assert "Kembali ke Rakor Atambua 2019" in html


# --- evidence of a follow-up, picked on its page ------------------------------------------------------


@pytest.fixture
def belu_follow_up(ntt):
    belu = AgencyFactory(name="Dinas Perindustrian Kab. Belu", kind="regency_industry", region_id="53.04")
    follow_up = FollowUpFactory(decision=DecisionFactory(meeting=MeetingFactory(agency=ntt)), agency=belu)
    return belu, follow_up


def _status_post(client, follow_up, **fields):
    url = reverse("web:follow_up_detail", args=[follow_up.pk])
    return client.post(url, {"status": "done", "version": follow_up.version, **fields})


def test_the_owner_names_an_activity_a_centre_and_an_enterprise_as_evidence(client, belu_follow_up):
    from sentra.programmes.tests.factories import ActivityFactory
    from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

    belu, follow_up = belu_follow_up
    activity = ActivityFactory(agency=belu)
    centre = CentreFactory(agency=belu, name="Sentra Tenun Ikat Atambua", village_id="53.04.01.2001")
    enterprise = EnterpriseFactory(name="Tenun Ina Bria", village_id="53.04.01.2001")
    client.force_login(persona(Role.REGENCY_OFFICER, agency=belu))
    page = client.get(reverse("web:follow_up_detail", args=[follow_up.pk]))
    form = page.context["status_form"]
    assert (activity.pk, f"{activity.code} {activity.name}") in form.fields[
        "evidence_activity"
    ].widget.choices
    saved = _status_post(
        client,
        follow_up,
        evidence_activity=activity.pk,
        evidence_centre=f"#{centre.pk} — {centre.name}",
        evidence_enterprise=f"#{enterprise.pk}",
    )
    assert saved.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.evidence_activity, follow_up.evidence_centre, follow_up.evidence_enterprise) == (
        activity,
        centre,
        enterprise,
    )
    html = client.get(reverse("web:follow_up_detail", args=[follow_up.pk])).content.decode()
    assert "Sentra Tenun Ikat Atambua" in html and "Tenun Ina Bria" in html


def test_evidence_the_owner_does_not_read_is_an_unknown_reference_on_its_field(client, belu_follow_up):
    from sentra.coordination.tests.factories import AgreementFactory
    from sentra.registry.tests.factories import CentreFactory

    belu, follow_up = belu_follow_up
    kudus = AgencyFactory(name="Dinas Perindustrian Kab. Kudus", kind="regency_industry", region_id="33.19")
    elsewhere = CentreFactory(agency=kudus, village_id="33.19.01.2001")
    other_agreement = AgreementFactory(agency=kudus)
    client.force_login(persona(Role.REGENCY_OFFICER, agency=belu))
    refused = _status_post(client, follow_up, evidence_centre=f"#{elsewhere.pk}")
    assert refused.status_code == 400
    assert refused.context["status_form"].errors["evidence_centre"] == [
        f"Data dengan id {elsewhere.pk} tidak ada."
    ]
    refused = _status_post(client, follow_up, evidence_agreement=other_agreement.pk)
    assert "evidence_agreement" in refused.context["status_form"].errors
    follow_up.refresh_from_db()
    assert follow_up.status == "open" and follow_up.evidence_centre is None


def test_the_drop_reason_field_is_marked_for_the_script_that_shows_it_only_when_dropping(
    client, belu_follow_up
):
    belu, follow_up = belu_follow_up
    client.force_login(persona(Role.REGENCY_OFFICER, agency=belu))
    html = client.get(reverse("web:follow_up_detail", args=[follow_up.pk])).content.decode()
    assert "data-drop-reason" in html and "data-drop-status" in html and "web/follow_up.js" in html
