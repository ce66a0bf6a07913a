"""Meetings, their participants, decisions and follow-ups, and agreements (part 4, issue 15).

A thin layer like api/programmes.py: reads go through coordination.selectors (scoped: a meeting,
follow-up or agreement the caller may not read answers 404), writes through coordination.services,
whose DomainError becomes a 400 with the rule's stable `code` and per-field errors (api/urls.py).
An id in a body that names nothing the caller may read answers 400 `unknown_reference`. Editable
records carry an ETag (their version); PATCH honours If-Match (412 `stale`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, require, resolve_reference
from sentra.agencies.models import Agency
from sentra.coordination import selectors, services
from sentra.coordination.choices import (
    AgreementFunding,
    AgreementKind,
    AgreementStatus,
    Attendance,
    FollowUpStatus,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    PartyKind,
)
from sentra.coordination.filtersets import AGREEMENT_FILTERS, FOLLOW_UP_FILTERS, MEETING_FILTERS
from sentra.coordination.models import Agreement, Decision, Meeting
from sentra.core.errors import DomainError, FieldError, NotFound
from sentra.programmes.models import Activity
from sentra.registry.models import Centre, Enterprise

from .auth import api_actor
from .etag import IF_MATCH_DESCRIPTION, STALE, if_match, tagged
from .generic import ApiRecordType, filter_schema, register
from .registry import Page
from .schemas import ApiError, ErrorOut

router = Router(tags=["koordinasi"])

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
INT32_MAX = 2**31 - 1

NoNul = r"^[^\x00]*$"
Str = Annotated[str, Field(pattern=NoNul)]
Id = Annotated[int, Field(ge=1, le=INT32_MAX, description="Id data (1 … 2³¹−1).")]
PageNo = Annotated[int, Field(ge=1, le=10_000)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE, description=f"Maksimum {MAX_PAGE_SIZE}.")]
Year = Annotated[int, Field(ge=2000, le=2100)]
RegionCode = Annotated[
    str, Field(pattern=r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$", description="Kode wilayah.")
]

NOT_FOUND = {404: ErrorOut}
READ = {401: ErrorOut, 403: ErrorOut}
WRITE = {400: ApiError, 401: ErrorOut, 403: ErrorOut}


def _reader(request, action: str = Action.LIST) -> Actor:
    actor = api_actor(request)
    require(actor, action, Area.COORDINATION)
    return actor


def _page(qs, page: int, page_size: int) -> dict[str, Any]:
    size = min(page_size, MAX_PAGE_SIZE)
    start = (page - 1) * size
    return {
        "count": qs.count(),
        "count_exact": True,
        "page": page,
        "page_size": size,
        "results": list(qs[start : start + size]),
    }


def _unknown(field: str, pk: Any) -> DomainError:
    return DomainError(
        _("Data terkait tidak ditemukan."),
        code="unknown_reference",
        errors=[FieldError(field, _("Data dengan id %(id)s tidak ada.") % {"id": pk}, "unknown")],
    )


def _agency(pk: int | None, field: str) -> Agency | None:
    """Agencies are public reference data: any existing one may be named."""
    if pk is None:
        return None
    found = Agency.objects.filter(pk=pk).first()
    if found is None:
        raise _unknown(field, pk)
    return found


def _agencies(pks: list[int], field: str) -> list[Agency]:
    found = {a.pk: a for a in Agency.objects.filter(pk__in=pks)}
    if missing := [pk for pk in pks if pk not in found]:
        raise _unknown(field, missing[0])
    return [found[pk] for pk in dict.fromkeys(pks)]


def _aware(value: datetime | None) -> datetime | None:
    """A date-time without an offset is read in Sentra's time zone (WIB by default)."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _visible(queryset, pk: int | None, field: str):
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise _unknown(field, pk)
    return found


# --- schemas -----------------------------------------------------------------------------------------


class AgencyRef(Schema):
    id: int
    name: str


class MeetingOut(Schema):
    id: int
    kind: MeetingKind
    title: str
    theme: str
    organiser: AgencyRef = Field(alias="agency")
    region: str | None = Field(None, alias="region_id", description="Wilayah penyelenggara.")
    host_region: str | None = Field(None, alias="host_region_id")
    venue: str
    starts_at: datetime
    ends_at: datetime
    mode: MeetingMode
    online_link: str
    series_id: int | None
    edition: int | None
    status: MeetingStatus
    fiscal_year: int
    version: int = Field(description="Versi data; sama dengan ETag.")


class AgendaItemOut(Schema):
    id: int
    order: int
    title: str
    presenter: str
    starts_at: datetime | None


class DecisionOut(Schema):
    id: int
    number: int
    text: str


class MeetingDetailOut(MeetingOut):
    co_organisers: list[AgencyRef]
    invited: list[AgencyRef]
    agenda: list[AgendaItemOut]
    decisions: list[DecisionOut]
    attendance: dict[str, int] = Field(description="Jumlah peserta per kehadiran.")
    visited_centre_id: int | None
    notes: str

    @staticmethod
    def resolve_co_organisers(obj):
        return list(obj.co_organisers.all())

    @staticmethod
    def resolve_invited(obj):
        return [i.agency for i in obj.invitations.select_related("agency").order_by("agency__name")]

    @staticmethod
    def resolve_agenda(obj):
        return list(obj.agendaitems.all())

    @staticmethod
    def resolve_decisions(obj):
        return list(obj.decisions.all())

    @staticmethod
    def resolve_attendance(obj):
        return selectors.attendance_summary(obj)


class MeetingIn(Schema):
    organiser_id: Id | None = Field(None, description="Instansi penyelenggara; bawaan: instansi Anda.")
    co_organisers: list[Id] = Field([], max_length=50)
    kind: MeetingKind
    title: Str = Field(max_length=300)
    theme: Str = Field("", max_length=300)
    host_region: RegionCode | None = None
    venue: Str = Field("", max_length=300)
    starts_at: datetime
    ends_at: datetime
    mode: MeetingMode = MeetingMode.IN_PERSON
    online_link: Str = Field("", max_length=500)
    series_id: Id | None = None
    edition: Annotated[int, Field(ge=1, le=99)] | None = None
    notes: Str = Field("", max_length=10_000)


class MeetingPatch(Schema):
    title: Str | None = Field(None, max_length=300)
    theme: Str | None = Field(None, max_length=300)
    venue: Str | None = Field(None, max_length=300)
    host_region: RegionCode | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    mode: MeetingMode | None = None
    online_link: Str | None = Field(None, max_length=500)
    notes: Str | None = Field(None, max_length=10_000)
    co_organisers: list[Id] | None = Field(None, max_length=50)
    reason: Str = Field("", max_length=500)


class StatusIn(Schema):
    status: MeetingStatus


class InvitationsIn(Schema):
    agencies: list[Id] = Field([], max_length=1000, description="Id instansi yang diundang.")
    every_regency_of: Annotated[str, Field(pattern=r"^\d{2}$")] | None = Field(
        None, description="Undang dinas perindustrian setiap kabupaten/kota provinsi ini (kode provinsi)."
    )
    every_province: bool = Field(False, description="Undang dinas perindustrian setiap provinsi.")


class CountOut(Schema):
    count: int = Field(description="Jumlah yang ditambahkan atau diubah.")


class ParticipantOut(Schema):
    id: int
    name: str
    position: str
    agency: AgencyRef | None
    organisation: str
    contact: str
    attendance: Attendance
    represented_by: str
    walk_in: bool = Field(description="Instansinya tidak diundang dan bukan penyelenggara.")
    version: int


class ParticipantIn(Schema):
    name: Str = Field(max_length=150)
    position: Str = Field("", max_length=200)
    agency_id: Id | None = None
    organisation: Str = Field("", max_length=200)
    contact: Str = Field("", max_length=150)
    attendance: Attendance = Attendance.UNKNOWN
    represented_by: Str = Field("", max_length=150)


class AttendanceIn(Schema):
    participants: list[Id] = Field(max_length=5000)
    attendance: Attendance


class DecisionIn(Schema):
    text: Str = Field(max_length=5000)
    number: Annotated[int, Field(ge=1, le=999)] | None = None


class AgendaItemIn(Schema):
    title: Str = Field(max_length=300)
    presenter: Str = Field("", max_length=200)
    starts_at: datetime | None = None


class FollowUpOut(Schema):
    id: int
    meeting_id: int
    meeting_title: str = Field(alias="meeting.title")
    decision_id: int
    description: str
    owner: AgencyRef = Field(alias="agency")
    owner_person: str
    region: str | None = Field(None, alias="region_id")
    due_on: date
    status: FollowUpStatus
    overdue: bool = Field(description="Belum selesai dan tenggatnya sudah lewat (dihitung, tidak disimpan).")
    drop_reason: str
    completed_on: date | None
    evidence_activity_id: int | None
    evidence_agreement_id: int | None
    evidence_centre_id: int | None
    evidence_enterprise_id: int | None
    evidence_url: str
    version: int

    @staticmethod
    def resolve_overdue(obj):
        return selectors.is_overdue(obj)


class NoteOut(Schema):
    id: int
    noted_on: date
    text: str
    author: str


class FollowUpDetailOut(FollowUpOut):
    notes: list[NoteOut]

    @staticmethod
    def resolve_notes(obj):
        return list(obj.notes.all())


class FollowUpIn(Schema):
    owner_id: Id
    description: Str = Field(max_length=5000)
    owner_person: Str = Field("", max_length=150)
    due_on: date


class FollowUpPatch(Schema):
    status: FollowUpStatus | None = None
    drop_reason: Str | None = Field(None, max_length=5000)
    description: Str | None = Field(None, max_length=5000)
    owner_id: Id | None = None
    owner_person: Str | None = Field(None, max_length=150)
    due_on: date | None = None
    evidence_activity_id: Id | None = None
    evidence_agreement_id: Id | None = None
    evidence_centre_id: Id | None = None
    evidence_enterprise_id: Id | None = None
    evidence_url: Str | None = Field(None, max_length=500)
    reason: Str = Field("", max_length=500)


class NoteIn(Schema):
    text: Str = Field(max_length=5000)
    noted_on: date | None = None


class PartyOut(Schema):
    id: int
    kind: PartyKind
    name: str
    agency_id: int | None
    region: str | None = Field(None, alias="region_id")
    document_number: str
    signatory: str
    signatory_position: str
    obligations: str


class AgreementOut(Schema):
    id: int
    kind: AgreementKind
    title: str
    owner: AgencyRef = Field(alias="agency")
    parent_id: int | None
    signed_on: date | None
    signed_place: str
    signed_at_meeting_id: int | None
    valid_from: date
    valid_until: date | None
    status: AgreementStatus
    effective_status: AgreementStatus = Field(description="Berakhir bila tanggal berakhir sudah lewat.")
    funding: str
    version: int

    @staticmethod
    def resolve_effective_status(obj):
        return selectors.effective_status(obj)


class AgreementDetailOut(AgreementOut):
    scope: str
    objectives: str
    parties: list[PartyOut]
    activities: list[int]

    @staticmethod
    def resolve_parties(obj):
        return list(obj.parties.all())

    @staticmethod
    def resolve_activities(obj):
        return list(obj.activities.values_list("pk", flat=True))


class PartyIn(Schema):
    kind: PartyKind
    name: Str = Field("", max_length=200)
    agency_id: Id | None = None
    region: RegionCode | None = None
    document_number: Str = Field("", max_length=120)
    signatory: Str = Field("", max_length=150)
    signatory_position: Str = Field("", max_length=200)
    obligations: Str = Field("", max_length=5000)


class AgreementIn(Schema):
    owner_id: Id | None = Field(None, description="Instansi pemilik; bawaan: instansi Anda.")
    kind: AgreementKind
    title: Str = Field(max_length=300)
    parent_id: Id | None = None
    signed_on: date | None = None
    signed_place: Str = Field("", max_length=200)
    signed_at_meeting_id: Id | None = None
    scope: Str = Field("", max_length=10_000)
    objectives: Str = Field("", max_length=10_000)
    valid_from: date
    valid_until: date | None = None
    status: AgreementStatus = AgreementStatus.DRAFT
    funding: AgreementFunding = AgreementFunding.NONE
    parties: list[PartyIn] = Field([], max_length=50)
    activities: list[Id] = Field([], max_length=500)


class AgreementPatch(Schema):
    title: Str | None = Field(None, max_length=300)
    status: AgreementStatus | None = None
    signed_on: date | None = None
    signed_place: Str | None = Field(None, max_length=200)
    scope: Str | None = Field(None, max_length=10_000)
    objectives: Str | None = Field(None, max_length=10_000)
    valid_from: date | None = None
    valid_until: date | None = None
    funding: AgreementFunding | None = None
    reason: Str = Field("", max_length=500)


# The list filters are the web pages' (coordination/filtersets.py), cleaned the same way.
MeetingFilters = filter_schema(MEETING_FILTERS, "MeetingFilters")
FollowUpFilters = filter_schema(FOLLOW_UP_FILTERS, "FollowUpFilters")
AgreementFilters = filter_schema(AGREEMENT_FILTERS, "AgreementFilters")


# --- meetings ----------------------------------------------------------------------------------------


def _meeting(actor: Actor, pk: int) -> Meeting:
    return selectors.meeting_get(actor=actor, pk=pk)


def _defaults(data: dict[str, Any], *, required=(), blank=()) -> dict[str, Any]:
    """A PATCH's null: a required field keeps its value, an optional text field is emptied."""
    for name in required:
        if name in data and data[name] is None:
            data.pop(name)
    for name in blank:
        if name in data and data[name] is None:
            data[name] = ""
    return data


def _meeting_to_service(actor: Actor, data: dict[str, Any], meeting: Meeting | None) -> dict[str, Any]:
    """The API's meeting fields as the meeting services name them (ids resolved, times made aware)."""
    if meeting is None:
        series_id = data.pop("series_id")
        if series_id is not None:
            data["series"] = _visible(selectors.series_list(actor=actor), series_id, "series_id")
        else:
            data["series"] = None
        data["agency"] = _agency(data.pop("organiser_id"), "organiser_id")
    co = data.pop("co_organisers", None)
    data["co_organisers"] = _agencies(co, "co_organisers") if co is not None else None
    if meeting is None:
        data["co_organisers"] = data["co_organisers"] or []
    if "host_region" in data:
        data["host_region_id"] = data.pop("host_region")
    _defaults(
        data,
        required=("title", "mode", "starts_at", "ends_at"),
        blank=("theme", "venue", "online_link", "notes"),
    )
    for name in ("starts_at", "ends_at"):
        if name in data:
            data[name] = _aware(data[name])
    return data


# What the three coordination types' declarations share: none is deleted through the API.
COORDINATION_API = {"module": __name__, "area": Area.COORDINATION, "delete_fn": None}


def _no_check(actor: Actor, record) -> None:
    """The service itself says who may change what (an organiser the plan, the owner its progress)."""


# List, detail, create and partial update from the generic layer (api/generic.py), with the filters
# of the web page (coordination/filtersets.py); a meeting is not replaced (PUT) or deleted here.
register(
    router,
    ApiRecordType(
        key="meeting",
        path="/meetings",
        label="rapat",
        **COORDINATION_API,
        operations=frozenset({"list", "detail", "create", "patch"}),
        out=MeetingOut,
        detail_out=MeetingDetailOut,
        create_in=MeetingIn,
        patch_in=MeetingPatch,
        filters=MeetingFilters,
        list_fn=selectors.meeting_list,
        get_fn=selectors.meeting_get,
        create_fn=services.meeting_create,
        update_fn=services.meeting_update,
        may_edit=lambda actor, meeting: services.require_meeting_edit(actor, meeting),
        to_service=_meeting_to_service,
    ),
    summaries={"create": "Rencanakan rapat", "detail": "Rincian rapat"},
)


@router.post(
    "/meetings/{meeting_id}/status",
    response={200: MeetingDetailOut, **NOT_FOUND, **WRITE, **STALE},
    summary="Majukan status rapat (direncanakan → terlaksana → notulen final)",
    description=IF_MATCH_DESCRIPTION,
)
def meeting_status(request, meeting_id: Id, payload: StatusIn, response: HttpResponse):
    actor = api_actor(request)
    meeting = _meeting(actor, meeting_id)
    services.meeting_advance(
        actor=actor, meeting=meeting, status=payload.status, expected_version=if_match(request)
    )
    return tagged(response, _meeting(actor, meeting_id))


@router.post(
    "/meetings/{meeting_id}/invitations",
    response={200: CountOut, **NOT_FOUND, **WRITE},
    summary="Undang instansi (satu per satu, setiap kabupaten/kota satu provinsi, atau setiap provinsi)",
)
def meeting_invite(request, meeting_id: Id, payload: InvitationsIn):
    actor = api_actor(request)
    meeting = _meeting(actor, meeting_id)
    agencies = _agencies(payload.agencies, "agencies")
    if payload.every_regency_of:
        agencies += services.regency_agencies_of(payload.every_regency_of)
    if payload.every_province:
        agencies += services.province_agencies()
    return {"count": services.invite(actor=actor, meeting=meeting, agencies=agencies)}


@router.get(
    "/meetings/{meeting_id}/participants",
    response={200: Page[ParticipantOut], **NOT_FOUND, **READ},
    summary="Peserta rapat",
)
def participant_list(request, meeting_id: Id, page: PageNo = 1, page_size: PageSize = DEFAULT_PAGE_SIZE):
    actor = _reader(request, Action.VIEW)
    meeting = _meeting(actor, meeting_id)
    return _page(selectors.participant_list(actor=actor, meeting=meeting), page, page_size)


@router.post(
    "/meetings/{meeting_id}/participants",
    response={201: ParticipantOut, **NOT_FOUND, **WRITE},
    summary="Tambah peserta (yang tidak diundang diterima dan ditandai)",
)
def participant_add(request, meeting_id: Id, payload: ParticipantIn):
    actor = api_actor(request)
    meeting = _meeting(actor, meeting_id)
    data = payload.dict()
    agency = _agency(data.pop("agency_id"), "agency_id")
    return 201, services.participant_add(actor=actor, meeting=meeting, agency=agency, **data)


@router.post(
    "/meetings/{meeting_id}/attendance",
    response={200: CountOut, **NOT_FOUND, **WRITE},
    summary="Tandai kehadiran banyak peserta sekaligus",
)
def attendance_mark(request, meeting_id: Id, payload: AttendanceIn):
    actor = api_actor(request)
    meeting = _meeting(actor, meeting_id)
    changed = services.attendance_mark(
        actor=actor, meeting=meeting, participant_ids=payload.participants, attendance=payload.attendance
    )
    return {"count": changed}


@router.post(
    "/meetings/{meeting_id}/agenda",
    response={201: AgendaItemOut, **NOT_FOUND, **WRITE},
    summary="Tambah acara",
)
def agenda_add(request, meeting_id: Id, payload: AgendaItemIn):
    actor = api_actor(request)
    meeting = _meeting(actor, meeting_id)
    return 201, services.agenda_item_add(
        actor=actor,
        meeting=meeting,
        title=payload.title,
        presenter=payload.presenter,
        starts_at=_aware(payload.starts_at),
    )


@router.post(
    "/meetings/{meeting_id}/decisions",
    response={201: DecisionOut, **NOT_FOUND, **WRITE},
    summary="Catat keputusan/kesimpulan",
)
def decision_add(request, meeting_id: Id, payload: DecisionIn):
    actor = api_actor(request)
    meeting = _meeting(actor, meeting_id)
    return 201, services.decision_add(actor=actor, meeting=meeting, text=payload.text, number=payload.number)


# --- follow-ups ----------------------------------------------------------------------------------------


@router.post(
    "/decisions/{decision_id}/follow-ups",
    response={201: FollowUpDetailOut, **NOT_FOUND, **WRITE},
    summary="Tambah tindak lanjut sebuah keputusan",
)
def follow_up_create(request, decision_id: Id, payload: FollowUpIn, response: HttpResponse):
    actor = api_actor(request)
    decision = Decision.objects.filter(
        pk=decision_id, meeting__in=Meeting.objects.filter(selectors.meeting_visible_q(actor))
    ).first()
    if decision is None:
        raise NotFound
    follow_up = services.follow_up_create(
        actor=actor,
        decision=decision,
        owner=_agency(payload.owner_id, "owner_id"),
        description=payload.description,
        owner_person=payload.owner_person,
        due_on=payload.due_on,
    )
    return 201, tagged(response, selectors.follow_up_get(actor=actor, pk=follow_up.pk))


def _evidence(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Evidence ids name records the caller reads (unknown_reference otherwise); null clears."""
    targets = {
        "evidence_activity_id": ("evidence_activity", Activity),
        "evidence_centre_id": ("evidence_centre", Centre),
        "evidence_enterprise_id": ("evidence_enterprise", Enterprise),
    }
    for key, (name, model) in targets.items():
        if key in data:
            data[name] = resolve_reference(actor, model, data.pop(key), field=key)
    if "evidence_agreement_id" in data:
        visible = Agreement.objects.filter(selectors.agreement_visible_q(actor))
        data["evidence_agreement"] = _visible(
            visible, data.pop("evidence_agreement_id"), "evidence_agreement_id"
        )
    return data


def _follow_up_to_service(actor: Actor, data: dict[str, Any], follow_up) -> dict[str, Any]:
    data["owner"] = _agency(data.pop("owner_id", None), "owner_id")
    _defaults(
        data,
        required=("status", "description", "due_on"),
        blank=("drop_reason", "owner_person", "evidence_url"),
    )
    return _evidence(actor, data)


# A follow-up is created under its decision (follow_up_create above); its list, detail and update here.
register(
    router,
    ApiRecordType(
        key="follow_up",
        path="/follow-ups",
        label="tindak lanjut",
        **COORDINATION_API,
        operations=frozenset({"list", "detail", "patch"}),
        out=FollowUpOut,
        detail_out=FollowUpDetailOut,
        create_in=FollowUpIn,
        patch_in=FollowUpPatch,
        filters=FollowUpFilters,
        list_fn=selectors.follow_up_list,
        get_fn=selectors.follow_up_get,
        create_fn=None,
        update_fn=services.follow_up_update,
        may_edit=_no_check,
        to_service=_follow_up_to_service,
    ),
    summaries={
        "detail": "Rincian tindak lanjut",
        "patch": "Ubah status, bukti atau rencana tindak lanjut",
    },
)


@router.post(
    "/follow-ups/{follow_up_id}/notes",
    response={201: NoteOut, **NOT_FOUND, **WRITE},
    summary="Catat perkembangan tindak lanjut",
)
def follow_up_note(request, follow_up_id: Id, payload: NoteIn):
    actor = api_actor(request)
    follow_up = selectors.follow_up_get(actor=actor, pk=follow_up_id)
    return 201, services.follow_up_note_add(
        actor=actor, follow_up=follow_up, text=payload.text, noted_on=payload.noted_on
    )


# --- agreements ----------------------------------------------------------------------------------------


def _agreement_to_service(actor: Actor, data: dict[str, Any], agreement) -> dict[str, Any]:
    """The API's agreement fields as the agreement services name them: a new agreement's parties,
    activities, owner, parent and meeting resolved through the scope rule (unknown_reference)."""
    if agreement is not None:
        return _defaults(
            data,
            required=("title", "status", "valid_from"),
            blank=("signed_place", "scope", "objectives", "funding"),
        )
    parties = []
    for index, party in enumerate(data.pop("parties")):
        party["agency"] = _agency(party.pop("agency_id"), f"parties[{index}].agency_id")
        party["region_id"] = party.pop("region")
        parties.append(party)
    data["parties"] = parties
    data["activities"] = [
        resolve_reference(actor, Activity, pk, field="activities")
        for pk in dict.fromkeys(data.pop("activities"))
    ]
    data["agency"] = _agency(data.pop("owner_id"), "owner_id")
    visible = Agreement.objects.filter(selectors.agreement_visible_q(actor))
    meetings = Meeting.objects.filter(selectors.meeting_visible_q(actor))
    data["parent"] = _visible(visible, data.pop("parent_id"), "parent_id")
    data["signed_at_meeting"] = _visible(meetings, data.pop("signed_at_meeting_id"), "signed_at_meeting_id")
    return data


register(
    router,
    ApiRecordType(
        key="agreement",
        path="/agreements",
        label="kerja sama",
        **COORDINATION_API,
        operations=frozenset({"list", "detail", "create", "patch"}),
        out=AgreementOut,
        detail_out=AgreementDetailOut,
        create_in=AgreementIn,
        patch_in=AgreementPatch,
        filters=AgreementFilters,
        list_fn=selectors.agreement_list,
        get_fn=selectors.agreement_get,
        create_fn=services.agreement_create,
        update_fn=services.agreement_update,
        may_edit=_no_check,
        to_service=_agreement_to_service,
    ),
    summaries={
        "list": "Daftar kerja sama (MoU, PK)",
        "create": "Catat kerja sama",
        "detail": "Rincian kerja sama",
    },
)
