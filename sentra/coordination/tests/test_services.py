"""The rules of meetings, follow-ups and agreements, each with its stable code; nothing partial written."""

from __future__ import annotations

import datetime as dt

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditEvent
from sentra.coordination import selectors, services
from sentra.coordination.models import Agreement, AgreementParty, FollowUp, Meeting, Participant
from sentra.core.errors import AccessDenied, DomainError, NotFound
from sentra.registry.tests.factories import AgencyFactory

from .factories import (
    AgreementFactory,
    AgreementPartyFactory,
    DecisionFactory,
    FollowUpFactory,
    MeetingFactory,
    wib,
)

pytestmark = pytest.mark.django_db

NTT, BELU = "53", "53.04"


def codes(exc: DomainError) -> list[str]:
    return [e.code for e in exc.errors] or [exc.code]


@pytest.fixture
def ntt_agency():
    return AgencyFactory(name="Disperindag Provinsi NTT", kind="province_industry", region_id=NTT)


@pytest.fixture
def belu_agency():
    return AgencyFactory(name="Dinas Perindustrian Kab. Belu", kind="regency_industry", region_id=BELU)


@pytest.fixture
def ntt_officer(ntt_agency):
    return actor_of(persona(Role.PROVINCE_OFFICER, agency=ntt_agency))


# --- meetings ----------------------------------------------------------------------------------------


def test_a_meeting_is_placed_at_its_organiser_and_recorded(ntt_officer, ntt_agency, belu_agency):
    meeting = services.meeting_create(
        actor=ntt_officer,
        co_organisers=[belu_agency],
        kind="rakor_programme",
        title="Rakor Pelaksanaan Kegiatan 2019 dan Penyusunan Program IKM 2020",
        host_region_id=BELU,
        venue="Aula Hotel Matahari",
        starts_at=wib(2019, 4, 24, 9),
        ends_at=wib(2019, 4, 26, 15),
    )
    assert (meeting.agency, meeting.province_code, meeting.fiscal_year) == (ntt_agency, NTT, 2019)
    assert list(meeting.co_organisers.all()) == [belu_agency]
    event = AuditEvent.objects.get(object_type="coordination.meeting", object_id=meeting.pk)
    assert event.action == "create" and event.changes["co_organisers"] == [None, [belu_agency.pk]]


def test_a_meeting_cannot_end_before_it_starts(ntt_officer):
    with pytest.raises(DomainError) as exc:
        services.meeting_create(
            actor=ntt_officer,
            kind="rakor_programme",
            title="Rakor",
            starts_at=wib(2026, 11, 20, 9),
            ends_at=wib(2026, 11, 20, 8, 59),
        )
    assert codes(exc.value) == ["end_before_start"]
    assert exc.value.errors[0].field == "ends_at"
    assert not Meeting.objects.exists()


def test_a_meeting_may_end_the_minute_it_starts(ntt_officer):
    start = wib(2026, 11, 20, 9)
    assert services.meeting_create(
        actor=ntt_officer, kind="other", title="Rapat singkat", starts_at=start, ends_at=start
    ).pk


def test_an_online_meeting_needs_its_room_link(ntt_officer):
    with pytest.raises(DomainError) as exc:
        services.meeting_create(
            actor=ntt_officer,
            kind="rakernas",
            title="Rakernas",
            mode="hybrid",
            starts_at=wib(2022, 9, 20, 9),
            ends_at=wib(2022, 9, 20, 15),
        )
    assert codes(exc.value) == ["online_link_required"]


def test_status_moves_one_step_at_a_time(ntt_officer, ntt_agency):
    meeting = MeetingFactory(agency=ntt_agency)
    with pytest.raises(DomainError) as exc:
        services.meeting_advance(actor=ntt_officer, meeting=meeting, status="minutes_final")
    assert codes(exc.value) == ["status_not_next"]
    services.meeting_advance(actor=ntt_officer, meeting=meeting, status="held")
    services.meeting_advance(actor=ntt_officer, meeting=meeting, status="minutes_final")
    assert Meeting.objects.get(pk=meeting.pk).status == "minutes_final"


def test_only_organisers_change_a_meeting_they_can_read(ntt_agency, belu_agency):
    meeting = MeetingFactory(agency=ntt_agency, host_region_id=BELU)
    belu_officer = actor_of(persona(Role.REGENCY_OFFICER, agency=belu_agency))
    # Belu hosts, so its officer reads the meeting, but only organisers change it.
    assert selectors.meeting_get(actor=belu_officer, pk=meeting.pk) == meeting
    with pytest.raises(AccessDenied):
        services.meeting_update(actor=belu_officer, meeting=meeting, title="Diubah")
    meeting.co_organisers.add(belu_agency)
    services.meeting_update(actor=belu_officer, meeting=meeting, title="Diubah oleh penyelenggara bersama")
    assert Meeting.objects.get(pk=meeting.pk).title == "Diubah oleh penyelenggara bersama"


def test_a_stale_version_is_refused(ntt_officer, ntt_agency):
    meeting = MeetingFactory(agency=ntt_agency)
    with pytest.raises(DomainError) as exc:
        services.meeting_update(actor=ntt_officer, meeting=meeting, title="Baru", expected_version=7)
    assert exc.value.code == "stale"


# --- invitations and participants --------------------------------------------------------------------


def test_invite_every_regency_of_a_province_in_one_step(ntt_officer, ntt_agency, belu_agency):
    kupang = AgencyFactory(name="Dinas Perindustrian Kab. Kupang", kind="regency_industry", region_id="53.01")
    AgencyFactory(name="Dinas Perindustrian Kab. Kudus", kind="regency_industry", region_id="33.19")
    meeting = MeetingFactory(agency=ntt_agency)
    added = services.invite(actor=ntt_officer, meeting=meeting, agencies=services.regency_agencies_of(NTT))
    assert added == 2
    assert set(meeting.invitations.values_list("agency_id", flat=True)) == {kupang.pk, belu_agency.pk}
    # Inviting again adds nobody twice.
    assert services.invite(actor=ntt_officer, meeting=meeting, agencies=[belu_agency]) == 0


def test_an_uninvited_participant_is_accepted_as_a_walk_in(ntt_officer, ntt_agency, belu_agency):
    stranger = AgencyFactory(name="Dinas Koperasi dan UKM Kab. Belu", kind="cooperatives", region_id=BELU)
    meeting = MeetingFactory(agency=ntt_agency)
    services.invite(actor=ntt_officer, meeting=meeting, agencies=[belu_agency])
    invited = services.participant_add(actor=ntt_officer, meeting=meeting, name="Yohanes", agency=belu_agency)
    organiser = services.participant_add(actor=ntt_officer, meeting=meeting, name="Maria", agency=ntt_agency)
    walk_in = services.participant_add(actor=ntt_officer, meeting=meeting, name="Agus", agency=stranger)
    assert (invited.walk_in, organiser.walk_in, walk_in.walk_in) == (False, False, True)


def test_a_represented_participant_names_who_came(ntt_officer, ntt_agency):
    meeting = MeetingFactory(agency=ntt_agency)
    with pytest.raises(DomainError) as exc:
        services.participant_add(actor=ntt_officer, meeting=meeting, name="Bupati", attendance="represented")
    assert codes(exc.value) == ["represented_by_required"]
    assert not Participant.objects.exists()


def test_attendance_is_marked_in_bulk_and_refuses_another_meetings_people(ntt_officer, ntt_agency):
    meeting = MeetingFactory(agency=ntt_agency)
    people = [services.participant_add(actor=ntt_officer, meeting=meeting, name=f"P{i}") for i in range(3)]
    other = services.participant_add(
        actor=ntt_officer, meeting=MeetingFactory(agency=ntt_agency), name="Lain"
    )
    with pytest.raises(DomainError) as exc:
        services.attendance_mark(
            actor=ntt_officer, meeting=meeting, participant_ids=[people[0].pk, other.pk], attendance="present"
        )
    assert exc.value.code == "unknown_reference"
    assert set(meeting.participants.values_list("attendance", flat=True)) == {"unknown"}
    changed = services.attendance_mark(
        actor=ntt_officer, meeting=meeting, participant_ids=[p.pk for p in people[:2]], attendance="present"
    )
    assert changed == 2
    assert selectors.attendance_summary(meeting) == {"present": 2, "unknown": 1}


# --- decisions and follow-ups ------------------------------------------------------------------------


def test_a_follow_up_is_not_due_before_its_meeting_starts(ntt_officer, ntt_agency, belu_agency):
    meeting = MeetingFactory(agency=ntt_agency, starts_at=wib(2026, 11, 2, 9), ends_at=wib(2026, 11, 3, 16))
    decision = services.decision_add(actor=ntt_officer, meeting=meeting, text="Kabupaten menyusun usulan")
    with pytest.raises(DomainError) as exc:
        services.follow_up_create(
            actor=ntt_officer,
            decision=decision,
            owner=belu_agency,
            description="Usulan",
            due_on=dt.date(2026, 11, 1),
        )
    assert codes(exc.value) == ["due_before_meeting"]
    assert exc.value.errors[0].field == "due_on"
    follow_up = services.follow_up_create(
        actor=ntt_officer,
        decision=decision,
        owner=belu_agency,
        description="Usulan",
        due_on=dt.date(2026, 11, 2),
    )
    assert (follow_up.agency, follow_up.regency_code, follow_up.fiscal_year) == (belu_agency, BELU, 2026)


def test_a_follow_up_is_dropped_only_with_a_reason(ntt_officer, ntt_agency):
    follow_up = FollowUpFactory(
        decision=DecisionFactory(meeting=MeetingFactory(agency=ntt_agency)), agency=ntt_agency
    )
    with pytest.raises(DomainError) as exc:
        services.follow_up_update(actor=ntt_officer, follow_up=follow_up, status="dropped", drop_reason="  ")
    assert codes(exc.value) == ["drop_reason_required"]
    assert FollowUp.objects.get(pk=follow_up.pk).status == "open"
    services.follow_up_update(
        actor=ntt_officer, follow_up=follow_up, status="dropped", drop_reason="Anggaran dialihkan"
    )
    assert FollowUp.objects.get(pk=follow_up.pk).drop_reason == "Anggaran dialihkan"


def test_the_owner_records_progress_but_not_the_plan(ntt_agency, belu_agency):
    follow_up = FollowUpFactory(
        decision=DecisionFactory(meeting=MeetingFactory(agency=ntt_agency)), agency=belu_agency
    )
    owner = actor_of(persona(Role.REGENCY_OFFICER, agency=belu_agency))
    services.follow_up_update(
        actor=owner, follow_up=follow_up, status="done", evidence_url="https://belukab.go.id/a"
    )
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.completed_on) == ("done", dt.date(2026, 11, 16))
    with pytest.raises(AccessDenied):
        services.follow_up_update(actor=owner, follow_up=follow_up, due_on=dt.date(2027, 1, 31))
    services.follow_up_note_add(actor=owner, follow_up=follow_up, text="Pelatihan bersama dijadwalkan")
    assert follow_up.notes.get().author == owner.username


def test_a_progress_note_is_not_dated_in_the_future(ntt_officer, ntt_agency):
    follow_up = FollowUpFactory(
        decision=DecisionFactory(meeting=MeetingFactory(agency=ntt_agency)), agency=ntt_agency
    )
    with pytest.raises(DomainError) as exc:
        services.follow_up_note_add(
            actor=ntt_officer, follow_up=follow_up, text="x", noted_on=dt.date(2026, 11, 17)
        )
    assert codes(exc.value) == ["note_in_future"]


def test_overdue_is_computed_from_status_and_due_date(ntt_agency):
    meeting = MeetingFactory(agency=ntt_agency, starts_at=wib(2026, 10, 1, 9), ends_at=wib(2026, 10, 1, 15))
    decision = DecisionFactory(meeting=meeting)
    late = FollowUpFactory(decision=decision, agency=ntt_agency, due_on=dt.date(2026, 11, 15))
    FollowUpFactory(decision=decision, agency=ntt_agency, due_on=dt.date(2026, 11, 16))  # due today: not late
    FollowUpFactory(decision=decision, agency=ntt_agency, due_on=dt.date(2026, 11, 1), status="done")
    FollowUpFactory(decision=decision, agency=ntt_agency, due_on=dt.date(2026, 11, 1), status="dropped")
    officer = actor_of(persona(Role.PROVINCE_OFFICER, agency=ntt_agency))
    overdue = selectors.follow_up_list(actor=officer, filters=selectors.FollowUpFilter(overdue=True))
    assert list(overdue) == [late]
    mine = selectors.my_follow_ups(actor=officer)
    assert (mine["pending"].count(), list(mine["overdue"])) == (2, [late])
    assert selectors.is_overdue(late) and not selectors.is_overdue(late, on=dt.date(2026, 11, 15))


def test_the_next_meeting_of_a_series_carries_what_is_still_open(ntt_officer, ntt_agency):
    series = services.series_create(actor=ntt_officer, name="Rakor IKM NTT", kind="rakor_programme")
    first = MeetingFactory(
        agency=ntt_agency, series=series, starts_at=wib(2026, 3, 2, 9), ends_at=wib(2026, 3, 2, 15)
    )
    decision = DecisionFactory(meeting=first)
    FollowUpFactory(decision=decision, agency=ntt_agency, description="Data sentra dimutakhirkan")
    FollowUpFactory(decision=decision, agency=ntt_agency, description="Sudah beres", status="done")
    second = MeetingFactory(agency=ntt_agency, series=series)
    item = services.carry_over_agenda(actor=ntt_officer, meeting=second)
    assert (item.title, item.presenter, item.order) == (
        "Tindak lanjut rapat sebelumnya",
        "1 tindak lanjut masih terbuka",
        1,
    )
    assert [f.description for f in selectors.open_follow_ups_of_series(second)] == [
        "Data sentra dimutakhirkan"
    ]
    assert services.carry_over_agenda(actor=ntt_officer, meeting=second) is None  # once only
    assert selectors.previous_meeting(second) == first
    assert selectors.completion_rate(first) == (1, 2)


@pytest.fixture
def series_with_open_work(ntt_officer, ntt_agency):
    series = services.series_create(actor=ntt_officer, name="Rakor IKM NTT", kind="rakor_programme")
    first = MeetingFactory(
        agency=ntt_agency, series=series, starts_at=wib(2026, 3, 2, 9), ends_at=wib(2026, 3, 2, 15)
    )
    FollowUpFactory(decision=DecisionFactory(meeting=first), agency=ntt_agency, description="Data sentra")
    return series


def _next_meeting(actor, **data):
    return services.meeting_create(
        actor=actor,
        kind="rakor_programme",
        title="Rakor IKM NTT II",
        starts_at=wib(2026, 11, 20, 9),
        ends_at=wib(2026, 11, 20, 15),
        **data,
    )


def test_a_meeting_planned_in_a_series_gets_the_open_follow_ups_on_its_agenda(
    ntt_officer, series_with_open_work
):
    meeting = _next_meeting(ntt_officer, series=series_with_open_work, edition=2)
    assert [(i.title, i.presenter) for i in meeting.agendaitems.all()] == [
        ("Tindak lanjut rapat sebelumnya", "1 tindak lanjut masih terbuka")
    ]
    assert AuditEvent.objects.filter(object_type="coordination.agendaitem", action="create").count() == 1


def test_a_meeting_put_into_a_series_on_edit_gets_them_once(ntt_officer, series_with_open_work):
    meeting = _next_meeting(ntt_officer)
    assert not meeting.agendaitems.exists()
    services.meeting_update(actor=ntt_officer, meeting=meeting, series=series_with_open_work)
    assert [i.title for i in meeting.agendaitems.all()] == ["Tindak lanjut rapat sebelumnya"]
    meeting.agendaitems.all().delete()  # removed by hand: an edit keeping the series does not bring it back
    services.meeting_update(actor=ntt_officer, meeting=meeting, title="Rakor IKM NTT II (ubah)")
    assert not meeting.agendaitems.exists()


def test_a_meeting_without_a_series_or_with_nothing_open_gets_no_carried_item(ntt_officer, ntt_agency):
    quiet = services.series_create(actor=ntt_officer, name="Rakor sunyi", kind="rakor_programme")
    assert not _next_meeting(ntt_officer).agendaitems.exists()
    assert not _next_meeting(ntt_officer, series=quiet).agendaitems.exists()


def test_organisers_change_and_remove_agenda_items_recorded(ntt_officer, ntt_agency, belu_agency):
    meeting = MeetingFactory(agency=ntt_agency)
    item = services.agenda_item_add(actor=ntt_officer, meeting=meeting, title="Pembukaan")
    services.agenda_item_update(
        actor=ntt_officer, item=item, title="Pembukaan dan arahan", presenter="Kadis", order=2
    )
    item.refresh_from_db()
    assert (item.title, item.presenter, item.order) == ("Pembukaan dan arahan", "Kadis", 2)
    outsider = actor_of(persona(Role.REGENCY_OFFICER, agency=belu_agency))
    with pytest.raises(NotFound):  # a regency that does not read the province's meeting
        services.agenda_item_remove(actor=outsider, item=item)
    services.agenda_item_remove(actor=ntt_officer, item=item)
    assert not meeting.agendaitems.exists()
    actions = AuditEvent.objects.filter(object_type="coordination.agendaitem").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["create", "delete", "update"]


# --- agreements --------------------------------------------------------------------------------------


@pytest.fixture
def kutim_dekranasda():
    return AgencyFactory(name="Dekranasda Kab. Kutai Timur", kind="dekranas", region_id="64.08")


def test_an_agreement_is_created_with_its_parties_all_or_nothing(kutim_dekranasda):
    officer = actor_of(persona(Role.DEKRANAS_OFFICER, agency=kutim_dekranasda))
    parties = [
        {"kind": "dekranas", "agency": kutim_dekranasda, "document_number": "01/DEKRANASDA-KT/2022"},
        {
            "kind": "regional_head",
            "name": "Bupati Kutai Timur",
            "region_id": "64.08",
            "document_number": "01/MoU/2022",
        },
        {"kind": "regional_head", "name": "Bupati Kutai Timur", "document_number": "01/mou/2022"},
    ]
    with pytest.raises(DomainError) as exc:
        services.agreement_create(
            actor=officer,
            kind="mou",
            title="MoU Dekranasda",
            valid_from=dt.date(2022, 11, 1),
            parties=parties,
        )
    assert codes(exc.value) == ["party_number_taken"]
    assert not Agreement.objects.exists() and not AgreementParty.objects.exists()
    mou = services.agreement_create(
        actor=officer,
        kind="mou",
        title="MoU Dekranasda",
        valid_from=dt.date(2022, 11, 1),
        parties=parties[:2],
    )
    assert mou.parties.count() == 2 and mou.agency == kutim_dekranasda


def test_a_party_number_may_not_repeat_another_agreement_of_the_same_party(kutim_dekranasda):
    AgreementPartyFactory(agency=kutim_dekranasda, document_number="02/PK/2023")
    other = AgreementFactory(agency=kutim_dekranasda)
    officer = actor_of(persona(Role.DEKRANAS_OFFICER, agency=kutim_dekranasda))
    with pytest.raises(DomainError) as exc:
        services.agreement_party_add(
            actor=officer,
            agreement=other,
            kind="dekranas",
            agency=kutim_dekranasda,
            document_number="02/pk/2023",
        )
    assert codes(exc.value) == ["party_number_taken"]
    # Another party may use the same text: both sides number the document their own way.
    services.agreement_party_add(
        actor=officer, agreement=other, kind="company", name="PT Kaltim Prima", document_number="02/PK/2023"
    )


def test_an_agreement_cannot_end_before_it_starts(kutim_dekranasda):
    officer = actor_of(persona(Role.DEKRANAS_OFFICER, agency=kutim_dekranasda))
    with pytest.raises(DomainError) as exc:
        services.agreement_create(
            actor=officer,
            kind="mou",
            title="MoU",
            valid_from=dt.date(2023, 1, 1),
            valid_until=dt.date(2022, 12, 31),
        )
    assert codes(exc.value) == ["agreement_end_before_start"]


def test_a_pk_hangs_under_an_mou_and_an_addendum_names_what_it_changes(kutim_dekranasda):
    officer = actor_of(persona(Role.DEKRANAS_OFFICER, agency=kutim_dekranasda))
    mou = AgreementFactory(agency=kutim_dekranasda, kind="mou")
    pk = AgreementFactory(agency=kutim_dekranasda, kind="pk", parent=mou)
    with pytest.raises(DomainError) as exc:
        services.agreement_create(
            actor=officer, kind="pk", title="PK", valid_from=dt.date(2023, 1, 1), parent=pk
        )
    assert codes(exc.value) == ["parent_not_mou"]
    with pytest.raises(DomainError) as exc:
        services.agreement_create(
            actor=officer, kind="addendum", title="Adendum", valid_from=dt.date(2024, 1, 1)
        )
    assert codes(exc.value) == ["parent_required"]
    addendum = services.agreement_create(
        actor=officer, kind="addendum", title="Adendum PK", valid_from=dt.date(2024, 1, 1), parent=pk
    )
    chain = selectors.agreement_chain(actor=officer, agreement=addendum)
    assert [(a.pk, a.depth) for a in chain] == [(mou.pk, 0), (pk.pk, 1), (addendum.pk, 2)]


def test_an_agreement_past_its_end_reads_as_expired():
    agreement = AgreementFactory(status="active", valid_until=dt.date(2026, 11, 15))
    assert selectors.effective_status(agreement) == "expired"
    agreement.valid_until = dt.date(2026, 11, 16)
    assert selectors.effective_status(agreement) == "active"


def test_a_dekranasda_changes_only_its_own_agreements(kutim_dekranasda):
    other = AgencyFactory(
        name="Dinas Koperasi dan UKM Kab. Kutai Timur", kind="cooperatives", region_id="64.08"
    )
    agreement = AgreementFactory(agency=other)
    AgreementPartyFactory(agreement=agreement, agency=kutim_dekranasda)
    officer = actor_of(persona(Role.DEKRANAS_OFFICER, agency=kutim_dekranasda))
    assert selectors.agreement_get(actor=officer, pk=agreement.pk) == agreement  # a party reads it
    with pytest.raises(AccessDenied):
        services.agreement_update(actor=officer, agreement=agreement, title="Diubah")


def test_a_facilitator_reads_meetings_but_does_not_organise_them(belu_agency):
    """accounts/permissions.py, area coordination: a facilitator attends and reads; agencies organise."""
    facilitator = actor_of(persona(Role.FACILITATOR, agency=belu_agency))
    with pytest.raises(AccessDenied):
        services.meeting_create(
            actor=facilitator,
            kind="rakor_programme",
            title="Rapat pendamping",
            host_region_id=BELU,
            venue="Kantor Dinas",
            starts_at=wib(2026, 11, 20, 9),
            ends_at=wib(2026, 11, 20, 12),
        )
    assert not Meeting.objects.exists()
    assert selectors.meeting_list(actor=facilitator).count() == 0
