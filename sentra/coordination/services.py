"""Writes to meetings, follow-ups and agreements. Every rule of coordination is enforced here.

Rules (issue 15) and their stable codes:
- a meeting ends after it starts (`end_before_start`); an online or hybrid meeting has its room link
  (`online_link_required`); an edition belongs to a series (`edition_without_series`); the status
  goes planned → held → minutes final one step at a time (`status_not_next`);
- a participant whose agency was not invited and does not organise is accepted and flagged as a
  walk-in (`walk_in`, never an error); a represented participant names who came (`represented_by_required`);
- a follow-up is not due before its meeting starts (`due_before_meeting`); it is dropped only with a
  reason (`drop_reason_required`); a progress note is not dated in the future (`note_in_future`);
- an agreement ends after it starts (`agreement_end_before_start`); a PK's parent is an MoU
  (`parent_not_mou`), an addendum names the agreement it changes (`parent_required`); the number a
  party gave the document is not the number the same party gave another agreement
  (`party_number_taken`).
Who may write: a meeting, its participants, agenda, decisions and follow-ups are written by its
organiser and co-organisers (and the ministry's administrators); a follow-up's progress also by its
owner agency; an agreement by its owning agency. Every write is recorded (audit.record_change) in
the same transaction; nothing partial is written when a rule refuses.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext

from sentra.accounts.models import Role
from sentra.accounts.permissions import OWN_AGENCY_ONLY, Action, Area
from sentra.accounts.scope import Actor, code_in_scope, require, resolve_reference, unknown_reference
from sentra.agencies.models import Agency, AgencyKind
from sentra.audit.models import AuditAction
from sentra.audit.services import record_change, snapshot
from sentra.core.errors import AccessDenied, DomainError, FieldError
from sentra.core.validation import full_clean_or_raise
from sentra.core.versioning import check_version, lock_latest
from sentra.regions.selectors import region_filter_q
from sentra.registry.services import owning_agency

from . import selectors
from .choices import (
    MEETING_STATUS_NEXT,
    AgreementKind,
    Attendance,
    FollowUpStatus,
    MeetingMode,
)
from .models import (
    AgendaItem,
    Agreement,
    AgreementParty,
    CalendarFeed,
    Decision,
    FollowUp,
    FollowUpNote,
    Invitation,
    Meeting,
    MeetingSeries,
    Participant,
)


def _error(message: str, code: str, field: str = "__all__") -> DomainError:
    return DomainError(message, code=code, errors=[FieldError(field, message, code)])


def _assign(instance, data: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    for name, value in data.items():
        setattr(instance, name, value)


def _save(actor: Actor, record, *, before: dict | None = None, reason: str = "", links=None) -> None:
    full_clean_or_raise(record)
    record.save()
    if links is not None:
        links()
    action = AuditAction.CREATE if before is None else AuditAction.UPDATE
    record_change(actor=actor, action=action, obj=record, before=before, reason=reason)


def _is_ministry_admin(actor: Actor) -> bool:
    return actor.is_superuser or (actor.is_national and actor.role == Role.MINISTRY_ADMIN)


def require_agency_write(actor: Actor, action: str, agency: Agency) -> None:
    """A record is written in the name of an agency inside the actor's region (Dekranasda: its own)."""
    require(actor, action, Area.COORDINATION)
    if actor.is_superuser:
        return
    if not code_in_scope(actor, agency.region_id):
        raise AccessDenied(_("Instansi %(agency)s berada di luar wilayah kerja Anda.") % {"agency": agency})
    if actor.role in OWN_AGENCY_ONLY and agency.pk != actor.agency_id:
        raise AccessDenied(_("Anda hanya dapat mencatat data atas nama instansi Anda."))


def organiser_ids(meeting: Meeting) -> set[int]:
    return {meeting.agency_id, *meeting.co_organisers.values_list("pk", flat=True)}


def can_edit_meeting(actor: Actor, meeting: Meeting) -> bool:
    """The organiser and co-organisers write a meeting (and the ministry's administrators)."""
    if not actor.can(Action.EDIT, Area.COORDINATION):
        return False
    return _is_ministry_admin(actor) or actor.agency_id in organiser_ids(meeting)


def require_meeting_edit(actor: Actor, meeting: Meeting) -> Meeting:
    """404 when the actor does not read the meeting, 403 when they read it but do not organise it.
    Returns the meeting, locked and reloaded (core.versioning.lock_latest)."""
    selectors.meeting_get(actor=actor, pk=meeting.pk)
    lock_latest(meeting)
    if not can_edit_meeting(actor, meeting):
        raise AccessDenied(_("Hanya penyelenggara rapat yang dapat mengubahnya."))
    return meeting


# --- meetings -----------------------------------------------------------------------------------------

MEETING_FIELDS = (
    "kind",
    "title",
    "theme",
    "host_region_id",
    "venue",
    "starts_at",
    "ends_at",
    "mode",
    "online_link",
    "series",
    "edition",
    "visited_centre",
    "notes",
)


def _check_meeting(meeting: Meeting) -> None:
    errors: list[FieldError] = []
    if meeting.starts_at and meeting.ends_at and meeting.ends_at < meeting.starts_at:
        errors.append(FieldError("ends_at", _("Waktu selesai sebelum waktu mulai."), "end_before_start"))
    if meeting.mode in (MeetingMode.ONLINE, MeetingMode.HYBRID) and not meeting.online_link:
        errors.append(
            FieldError(
                "online_link",
                _("Rapat daring atau hibrida perlu tautan ruang daring."),
                "online_link_required",
            )
        )
    if meeting.edition is not None and meeting.series_id is None:
        errors.append(
            FieldError("edition", _("Edisi hanya untuk rapat dalam satu seri."), "edition_without_series")
        )
    if errors:
        raise DomainError(errors[0].message, code=errors[0].code, errors=errors)
    if meeting.starts_at:
        meeting.fiscal_year = timezone.localtime(meeting.starts_at).year


def _check_co_organisers(actor: Actor, co_organisers: Sequence[Agency]) -> None:
    """Co-organisers are named agencies; agencies are public reference data, so any may be named."""
    if len({a.pk for a in co_organisers}) != len(co_organisers):
        raise _error(_("Penyelenggara bersama disebut dua kali."), "duplicate", "co_organisers")


@transaction.atomic
def meeting_create(
    *,
    actor: Actor,
    agency: Agency | None = None,
    co_organisers: Sequence[Agency] = (),
    **data: Any,
) -> Meeting:
    agency = owning_agency(actor, agency)
    require_agency_write(actor, Action.CREATE, agency)
    _check_co_organisers(actor, co_organisers)
    meeting = Meeting()
    meeting.place_at_agency(agency)
    _assign(meeting, data, MEETING_FIELDS)
    _check_meeting(meeting)
    _save(
        actor,
        meeting,
        links=lambda: meeting.co_organisers.set([a for a in co_organisers if a.pk != agency.pk]),
    )
    if meeting.series_id is not None:
        carry_over_agenda(actor=actor, meeting=meeting)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: Actor,
    meeting: Meeting,
    co_organisers: Sequence[Agency] | None = None,
    reason: str = "",
    expected_version: int | None = None,
    **data: Any,
) -> Meeting:
    require_meeting_edit(actor, meeting)
    check_version(meeting, expected_version)
    before = snapshot(meeting)
    series_before = meeting.series_id
    _assign(meeting, data, MEETING_FIELDS)
    _check_meeting(meeting)
    links = None
    if co_organisers is not None:
        _check_co_organisers(actor, co_organisers)
        links = lambda: meeting.co_organisers.set([a for a in co_organisers if a.pk != meeting.agency_id])  # noqa: E731
    _save(actor, meeting, before=before, reason=reason, links=links)
    if meeting.series_id is not None and meeting.series_id != series_before:
        carry_over_agenda(actor=actor, meeting=meeting)
    return meeting


@transaction.atomic
def meeting_advance(
    *, actor: Actor, meeting: Meeting, status: str, expected_version: int | None = None
) -> Meeting:
    """Moves a meeting one step on: planned → held → minutes final."""
    require_meeting_edit(actor, meeting)
    check_version(meeting, expected_version)
    if MEETING_STATUS_NEXT.get(meeting.status) != status:
        raise _error(
            _("Status rapat hanya maju satu langkah: direncanakan → terlaksana → notulen final."),
            "status_not_next",
            "status",
        )
    before = snapshot(meeting)
    meeting.status = status
    _save(actor, meeting, before=before)
    return meeting


# --- invitations and participants -------------------------------------------------------------------


@transaction.atomic
def invite(*, actor: Actor, meeting: Meeting, agencies: Iterable[Agency]) -> int:
    """Invites agencies (those already invited are skipped); returns how many were added."""
    require_meeting_edit(actor, meeting)
    already = set(meeting.invitations.values_list("agency_id", flat=True))
    added = 0
    for agency in agencies:
        if agency.pk in already:
            continue
        invitation = Invitation.objects.create(meeting=meeting, agency=agency)
        record_change(actor=actor, action=AuditAction.CREATE, obj=invitation)
        already.add(agency.pk)
        added += 1
    return added


def regency_agencies_of(province_code: str) -> list[Agency]:
    """The industry office of every regency/city of a province ("every regency of NTT")."""
    return list(
        Agency.objects.filter(region_filter_q("region_id", province_code), kind=AgencyKind.REGENCY_INDUSTRY)
        .exclude(region_id=province_code)
        .order_by("region_id", "pk")
    )


def province_agencies() -> list[Agency]:
    """The industry office of every province ("every province")."""
    return list(Agency.objects.filter(kind=AgencyKind.PROVINCE_INDUSTRY).order_by("region_id", "pk"))


PARTICIPANT_FIELDS = ("name", "position", "agency", "organisation", "contact", "attendance", "represented_by")


def _check_participant(participant: Participant) -> None:
    if participant.attendance == Attendance.REPRESENTED and not participant.represented_by:
        raise _error(_("Sebutkan siapa yang mewakili."), "represented_by_required", "represented_by")


def _flag_walk_in(participant: Participant, meeting: Meeting) -> None:
    expected = organiser_ids(meeting) | set(meeting.invitations.values_list("agency_id", flat=True))
    participant.walk_in = participant.agency_id is None or participant.agency_id not in expected


@transaction.atomic
def participant_add(*, actor: Actor, meeting: Meeting, **data: Any) -> Participant:
    """Adds a person; someone whose agency was not invited is accepted and flagged `walk_in`."""
    require_meeting_edit(actor, meeting)
    participant = Participant(meeting=meeting)
    _assign(participant, data, PARTICIPANT_FIELDS)
    _check_participant(participant)
    _flag_walk_in(participant, meeting)
    _save(actor, participant)
    return participant


@transaction.atomic
def participant_update(
    *, actor: Actor, participant: Participant, expected_version: int | None = None, **data: Any
) -> Participant:
    require_meeting_edit(actor, participant.meeting)
    lock_latest(participant)
    check_version(participant, expected_version)
    before = snapshot(participant)
    _assign(participant, data, PARTICIPANT_FIELDS)
    _check_participant(participant)
    _flag_walk_in(participant, participant.meeting)
    _save(actor, participant, before=before)
    return participant


@transaction.atomic
def attendance_mark(
    *, actor: Actor, meeting: Meeting, participant_ids: Iterable[int], attendance: str
) -> int:
    """Marks many participants of one meeting at once (present, online or absent); returns how many
    changed. Ids of another meeting's participants are refused (`unknown_reference`), nothing written."""
    require_meeting_edit(actor, meeting)
    if attendance not in Attendance.values or attendance == Attendance.REPRESENTED:
        raise _error(
            _("Pilih kehadiran: hadir langsung, hadir daring atau tidak hadir."), "invalid", "attendance"
        )
    ids = set(participant_ids)
    people = list(meeting.participants.filter(pk__in=ids))
    if missing := sorted(ids - {p.pk for p in people}):
        raise DomainError(
            _("Data terkait tidak ditemukan."),
            code="unknown_reference",
            errors=[
                FieldError(
                    "participants", _("Peserta %(ids)s tidak ada di rapat ini.") % {"ids": missing}, "unknown"
                )
            ],
        )
    changed = 0
    for person in people:
        if person.attendance == attendance:
            continue
        before = snapshot(person)
        person.attendance = attendance
        person.save()
        record_change(actor=actor, action=AuditAction.UPDATE, obj=person, before=before)
        changed += 1
    return changed


# --- agenda and decisions ---------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(
    *,
    actor: Actor,
    meeting: Meeting,
    title: str,
    presenter: str = "",
    starts_at=None,
    order: int | None = None,
) -> AgendaItem:
    require_meeting_edit(actor, meeting)
    if order is None:
        order = meeting.agendaitems.count() + 1
    item = AgendaItem(meeting=meeting, title=title, presenter=presenter, starts_at=starts_at, order=order)
    _save(actor, item)
    return item


AGENDA_FIELDS = ("order", "title", "presenter", "starts_at")


@transaction.atomic
def agenda_item_update(
    *, actor: Actor, item: AgendaItem, expected_version: int | None = None, **data: Any
) -> AgendaItem:
    """Changes an agenda item's order, time, title or presenter (the meeting's organisers only)."""
    require_meeting_edit(actor, item.meeting)
    lock_latest(item)
    check_version(item, expected_version)
    before = snapshot(item)
    _assign(item, data, AGENDA_FIELDS)
    _save(actor, item, before=before)
    return item


@transaction.atomic
def agenda_item_remove(*, actor: Actor, item: AgendaItem) -> None:
    """Removes an agenda item; its last state stays in the history."""
    require_meeting_edit(actor, item.meeting)
    record_change(actor=actor, action=AuditAction.DELETE, obj=item, before=snapshot(item))
    item.delete()


CARRIED_OVER_TITLE = _l("Tindak lanjut rapat sebelumnya")


def carried_over_item(meeting: Meeting) -> AgendaItem | None:
    """The meeting's agenda item "Tindak lanjut rapat sebelumnya", once it has been carried."""
    return meeting.agendaitems.filter(title=str(CARRIED_OVER_TITLE)).first()


@transaction.atomic
def carry_over_agenda(*, actor: Actor, meeting: Meeting) -> AgendaItem | None:
    """Gives the meeting an agenda item "Tindak lanjut rapat sebelumnya" for what earlier meetings of
    its series still have open (none without a series or with nothing open; once only). Called when a
    meeting is created in a series or put into one; by hand when the earlier meeting's follow-ups
    were recorded after this one was planned. The item names how many were open; the list itself is
    read live (selectors.open_follow_ups_of_series) so that what is done since drops out of it."""
    require_meeting_edit(actor, meeting)
    open_count = selectors.open_follow_ups_of_series(meeting).count()
    if not open_count or carried_over_item(meeting) is not None:
        return None
    presenter = ngettext(
        "%(n)s tindak lanjut masih terbuka", "%(n)s tindak lanjut masih terbuka", open_count
    ) % {"n": open_count}
    return agenda_item_add(
        actor=actor, meeting=meeting, title=str(CARRIED_OVER_TITLE), presenter=presenter, order=1
    )


@transaction.atomic
def decision_add(*, actor: Actor, meeting: Meeting, text: str, number: int | None = None) -> Decision:
    require_meeting_edit(actor, meeting)
    if number is None:
        number = meeting.decisions.count() + 1
    decision = Decision(meeting=meeting, text=text, number=number)
    _save(actor, decision)
    return decision


# --- follow-ups ----------------------------------------------------------------------------------------

FOLLOW_UP_FIELDS = ("description", "owner_person", "due_on")
EVIDENCE_FIELDS = (
    "evidence_activity",
    "evidence_agreement",
    "evidence_centre",
    "evidence_enterprise",
    "evidence_url",
)


def evidence_references(
    actor: Actor,
    follow_up: FollowUp,
    *,
    activity: int | None = None,
    agreement: int | None = None,
    centre: int | None = None,
    enterprise: int | None = None,
) -> dict[str, Any]:
    """The evidence records a form names by id, each one the actor reads; an id the actor does not read
    answers exactly like one that does not exist (`unknown_reference` on its field). The record the
    follow-up already holds is kept even when someone with a wider region chose it."""
    from sentra.programmes.models import Activity
    from sentra.registry.models import Centre, Enterprise

    found: dict[str, Any] = {}
    for field, model, pk in (
        ("evidence_activity", Activity, activity),
        ("evidence_centre", Centre, centre),
        ("evidence_enterprise", Enterprise, enterprise),
    ):
        found[field] = resolve_reference(
            actor, model, pk, field=field, keep=getattr(follow_up, f"{field}_id")
        )
    found["evidence_agreement"] = None
    if agreement is not None:
        visible = Agreement.objects.filter(
            selectors.agreement_visible_q(actor) | Q(pk=follow_up.evidence_agreement_id or 0)
        )
        found["evidence_agreement"] = visible.filter(pk=agreement).first()
        if found["evidence_agreement"] is None:
            raise unknown_reference("evidence_agreement", agreement)
    return found


def _check_due(follow_up: FollowUp, meeting: Meeting) -> None:
    if follow_up.due_on and follow_up.due_on < timezone.localtime(meeting.starts_at).date():
        raise _error(
            _("Tenggat tindak lanjut tidak boleh sebelum rapat dimulai (%(date)s).")
            % {"date": timezone.localtime(meeting.starts_at).date().isoformat()},
            "due_before_meeting",
            "due_on",
        )
    if follow_up.due_on:
        follow_up.fiscal_year = follow_up.due_on.year


@transaction.atomic
def follow_up_create(*, actor: Actor, decision: Decision, owner: Agency, **data: Any) -> FollowUp:
    """A follow-up of a decision, owned by an agency (any agency may be made owner: the meeting's
    organisers assign work to the agencies at the table)."""
    meeting = decision.meeting
    require_meeting_edit(actor, meeting)
    follow_up = FollowUp(meeting=meeting, decision=decision)
    follow_up.place_at_agency(owner)
    _assign(follow_up, data, FOLLOW_UP_FIELDS)
    _check_due(follow_up, meeting)
    _save(actor, follow_up)
    return follow_up


def can_update_follow_up(actor: Actor, follow_up: FollowUp) -> bool:
    """Progress is recorded by the owner agency and by the meeting's organisers."""
    if not actor.can(Action.EDIT, Area.COORDINATION):
        return False
    return _is_ministry_admin(actor) or actor.agency_id in {
        follow_up.agency_id,
        *organiser_ids(follow_up.meeting),
    }


def _require_follow_up_write(actor: Actor, follow_up: FollowUp) -> None:
    selectors.follow_up_get(actor=actor, pk=follow_up.pk)
    lock_latest(follow_up)
    if not can_update_follow_up(actor, follow_up):
        raise AccessDenied(
            _("Hanya instansi pemilik tindak lanjut dan penyelenggara rapat yang dapat mengubahnya.")
        )


def _check_status(follow_up: FollowUp) -> None:
    if follow_up.status == FollowUpStatus.DROPPED and not follow_up.drop_reason.strip():
        raise _error(
            _("Tindak lanjut hanya dapat dibatalkan dengan alasan."), "drop_reason_required", "drop_reason"
        )
    if follow_up.status != FollowUpStatus.DROPPED:
        follow_up.drop_reason = ""
    if follow_up.status == FollowUpStatus.DONE:
        follow_up.completed_on = follow_up.completed_on or selectors.today()
    else:
        follow_up.completed_on = None


@transaction.atomic
def follow_up_update(
    *,
    actor: Actor,
    follow_up: FollowUp,
    reason: str = "",
    expected_version: int | None = None,
    owner: Agency | None = None,
    **data: Any,
) -> FollowUp:
    """Changes a follow-up: its status (with a reason to drop it), evidence, or — for the meeting's
    organisers only — its text, owner and due date."""
    _require_follow_up_write(actor, follow_up)
    check_version(follow_up, expected_version)
    planning = {k for k in data if k in FOLLOW_UP_FIELDS} | ({"owner"} if owner is not None else set())
    if planning and not can_edit_meeting(actor, follow_up.meeting):
        raise AccessDenied(_("Hanya penyelenggara rapat yang dapat mengubah isi, pemilik atau tenggat."))
    before = snapshot(follow_up)
    _assign(follow_up, data, (*FOLLOW_UP_FIELDS, "status", "drop_reason", "completed_on", *EVIDENCE_FIELDS))
    if owner is not None:
        follow_up.place_at_agency(owner)
    _check_due(follow_up, follow_up.meeting)
    _check_status(follow_up)
    _save(actor, follow_up, before=before, reason=reason)
    return follow_up


@transaction.atomic
def follow_up_note_add(
    *, actor: Actor, follow_up: FollowUp, text: str, noted_on: dt.date | None = None
) -> FollowUpNote:
    _require_follow_up_write(actor, follow_up)
    noted_on = noted_on or selectors.today()
    if noted_on > selectors.today():
        raise _error(_("Tanggal catatan tidak boleh di masa depan."), "note_in_future", "noted_on")
    note = FollowUpNote(follow_up=follow_up, text=text, noted_on=noted_on, author=actor.username)
    _save(actor, note)
    return note


# --- agreements ----------------------------------------------------------------------------------------

AGREEMENT_FIELDS = (
    "kind",
    "title",
    "parent",
    "signed_on",
    "signed_place",
    "signed_at_meeting",
    "scope",
    "objectives",
    "valid_from",
    "valid_until",
    "status",
    "funding",
)
PARTY_FIELDS = (
    "kind",
    "name",
    "agency",
    "region_id",
    "document_number",
    "signatory",
    "signatory_position",
    "obligations",
)


def _check_agreement(agreement: Agreement) -> None:
    errors: list[FieldError] = []
    if agreement.valid_from and agreement.valid_until and agreement.valid_until < agreement.valid_from:
        errors.append(
            FieldError(
                "valid_until",
                _("Tanggal berakhir sebelum tanggal mulai berlaku."),
                "agreement_end_before_start",
            )
        )
    parent = agreement.parent
    if agreement.kind == AgreementKind.ADDENDUM and parent is None:
        errors.append(
            FieldError("parent", _("Adendum menyebut perjanjian yang diubahnya."), "parent_required")
        )
    if agreement.kind == AgreementKind.PK and parent is not None and parent.kind != AgreementKind.MOU:
        errors.append(
            FieldError("parent", _("Induk sebuah PK harus MoU (nota kesepahaman)."), "parent_not_mou")
        )
    if agreement.kind == AgreementKind.MOU and parent is not None:
        errors.append(FieldError("parent", _("MoU tidak memiliki induk."), "parent_not_mou"))
    if parent is not None and agreement.pk is not None and _descends_from(parent, agreement.pk):
        errors.append(
            FieldError("parent", _("Perjanjian tidak dapat menjadi induk dirinya sendiri."), "parent_cycle")
        )
    if errors:
        raise DomainError(errors[0].message, code=errors[0].code, errors=errors)
    if agreement.valid_from:
        agreement.fiscal_year = agreement.valid_from.year


def _descends_from(node: Agreement, pk: int) -> bool:
    seen = set()
    while node is not None and node.pk not in seen:
        if node.pk == pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


def _party_key(party: AgreementParty) -> dict[str, Any]:
    return (
        {"agency_id": party.agency_id}
        if party.agency_id
        else {"agency__isnull": True, "name__iexact": party.name}
    )


def _check_party(party: AgreementParty, index: int | None = None) -> None:
    """The number a party gave this document is not one the same party gave another agreement."""
    field = "document_number" if index is None else f"parties[{index}].document_number"
    if not party.document_number:
        return
    taken = (
        AgreementParty.objects.filter(document_number__iexact=party.document_number, **_party_key(party))
        .exclude(agreement_id=party.agreement_id)
        .select_related("agreement")
        .first()
    )
    if taken is not None:
        raise _error(
            _('Nomor %(number)s dari %(party)s sudah dipakai untuk perjanjian "%(other)s".')
            % {"number": party.document_number, "party": party.name, "other": taken.agreement.title},
            "party_number_taken",
            field,
        )


def can_edit_agreement(actor: Actor, agreement: Agreement) -> bool:
    if not actor.can(Action.EDIT, Area.COORDINATION):
        return False
    if _is_ministry_admin(actor) or actor.agency_id == agreement.agency_id:
        return True
    # A superior office in the owning agency's region (the province over a regency's agreement) may,
    # except crafts councils, which change only their own agency's records.
    return (
        actor.role not in OWN_AGENCY_ONLY
        and code_in_scope(actor, agreement.region_id)
        and not actor.is_national
    )


def require_agreement_edit(actor: Actor, agreement: Agreement) -> Agreement:
    selectors.agreement_get(actor=actor, pk=agreement.pk)
    lock_latest(agreement)
    if not can_edit_agreement(actor, agreement):
        raise AccessDenied(_("Hanya instansi pemilik kerja sama yang dapat mengubahnya."))
    return agreement


@transaction.atomic
def agreement_create(
    *,
    actor: Actor,
    agency: Agency | None = None,
    parties: Sequence[dict[str, Any]] = (),
    activities: Sequence[Any] | None = None,
    **data: Any,
) -> Agreement:
    """An agreement and its parties, all or nothing."""
    agency = owning_agency(actor, agency)
    require_agency_write(actor, Action.CREATE, agency)
    agreement = Agreement()
    agreement.place_at_agency(agency)
    _assign(agreement, data, AGREEMENT_FIELDS)
    _check_agreement(agreement)
    _save(
        actor,
        agreement,
        links=(lambda: agreement.activities.set(activities)) if activities is not None else None,
    )
    numbers: set[tuple] = set()
    for index, values in enumerate(parties):
        party = _party_save(actor, agreement, values, index)
        key = (party.agency_id or party.name.lower(), party.document_number.lower())
        if party.document_number and key in numbers:
            raise _error(
                _("Nomor pihak ini disebut dua kali."),
                "party_number_taken",
                f"parties[{index}].document_number",
            )
        numbers.add(key)
    return agreement


def _party_save(
    actor: Actor, agreement: Agreement, values: dict[str, Any], index: int | None = None
) -> AgreementParty:
    party = AgreementParty(agreement=agreement)
    _assign(party, values, PARTY_FIELDS)
    if party.agency_id and not party.name:
        party.name = party.agency.name
    _check_party(party, index)
    _save(actor, party)
    return party


@transaction.atomic
def agreement_update(
    *,
    actor: Actor,
    agreement: Agreement,
    reason: str = "",
    expected_version: int | None = None,
    activities: Sequence[Any] | None = None,
    **data: Any,
) -> Agreement:
    require_agreement_edit(actor, agreement)
    check_version(agreement, expected_version)
    before = snapshot(agreement)
    _assign(agreement, data, AGREEMENT_FIELDS)
    _check_agreement(agreement)
    links = (lambda: agreement.activities.set(activities)) if activities is not None else None
    _save(actor, agreement, before=before, reason=reason, links=links)
    return agreement


@transaction.atomic
def agreement_party_add(*, actor: Actor, agreement: Agreement, **values: Any) -> AgreementParty:
    require_agreement_edit(actor, agreement)
    return _party_save(actor, agreement, values)


@transaction.atomic
def series_create(*, actor: Actor, name: str, kind: str, organiser: Agency | None = None) -> MeetingSeries:
    organiser = owning_agency(actor, organiser)
    require_agency_write(actor, Action.CREATE, organiser)
    series = MeetingSeries(name=name, kind=kind, organiser=organiser)
    _save(actor, series)
    return series


# --- calendar addresses (iCal feeds) -------------------------------------------------------------------

# A calendar address is the user's own credential, not a domain record: creating and revoking it is
# logged (the history of domain changes would otherwise keep the secret), and the CalendarFeed row
# itself is kept with its creation and revocation times.
calendar_log = logging.getLogger("sentra.coordination.calendar")
# A calendar client polls every few minutes: its last use is written at most this often.
FEED_USE_RESOLUTION = dt.timedelta(hours=1)


def _require_calendar_owner(actor: Actor) -> None:
    require(actor, Action.LIST, Area.COORDINATION)
    if actor.user_id is None:
        raise AccessDenied(_("Alamat kalender hanya untuk akun pengguna."))


@transaction.atomic
def calendar_feed_create(*, actor: Actor) -> CalendarFeed:
    """A new secret calendar address for the actor; the one in force before stops working (404)."""
    _require_calendar_owner(actor)
    # Lock the user so that two clicks never leave two addresses in force.
    get_user_model().objects.select_for_update().filter(pk=actor.user_id).first()
    now = timezone.now()
    renewed = CalendarFeed.objects.filter(user_id=actor.user_id, revoked_at__isnull=True).update(
        revoked_at=now
    )
    feed = CalendarFeed.objects.create(user_id=actor.user_id, token=secrets.token_urlsafe(32))
    calendar_log.info("calendar feed %s created by %s (%s earlier revoked)", feed.pk, actor.username, renewed)
    return feed


@transaction.atomic
def calendar_feed_revoke(*, actor: Actor) -> int:
    """Cuts the actor's calendar address: it answers 404 from now on. Returns how many were cut."""
    _require_calendar_owner(actor)
    revoked = CalendarFeed.objects.filter(user_id=actor.user_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    calendar_log.info("calendar feeds of %s revoked: %s", actor.username, revoked)
    return revoked


def calendar_feed_used(feed: CalendarFeed) -> None:
    """Notes that a calendar client read the address (shown on the subscription page)."""
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at >= FEED_USE_RESOLUTION:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
        feed.last_used_at = now
