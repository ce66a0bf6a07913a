"""National programmes cascaded to the regions and their adoption per region (issue 15 §6).

Thin like api/coordination.py: reads through coordination.cascade's selectors (a programme or an
adoption the caller may not read answers 404), writes through its services, whose DomainError is a
400 with the rule's stable `code` (api/urls.py). An id in a body that names nothing the caller may
read answers 400 `unknown_reference`. Records carry an ETag (their version); PATCH honours If-Match.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, require, unknown_reference
from sentra.agencies.models import Agency
from sentra.coordination import cascade, selectors
from sentra.coordination.choices import AdoptionStatus, AgreementFunding, CascadeLevel
from sentra.coordination.models import Meeting

from .auth import api_actor
from .coordination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    NOT_FOUND,
    READ,
    WRITE,
    Id,
    PageNo,
    PageSize,
    RegionCode,
    Year,
    _reader,
)
from .etag import IF_MATCH_DESCRIPTION, STALE, if_match, tagged
from .generic import Page
from .schemas import Text

router = Router(tags=["koordinasi: program nasional"])

Str = Text  # refuses a NUL character (422 `control_character`), like every text field of the API


def _page(qs, page: int, page_size: int) -> dict[str, Any]:
    start = (page - 1) * page_size
    return {
        "count": qs.count(),
        "count_exact": True,
        "page": page,
        "page_size": page_size,
        "results": list(qs[start : start + page_size]),
    }


def _meeting(actor: Actor, pk: int | None) -> Meeting | None:
    """The meeting a programme was presented at: one the caller reads, else unknown_reference."""
    if pk is None:
        return None
    found = Meeting.objects.filter(selectors.meeting_visible_q(actor), pk=pk).first()
    if found is None:
        raise unknown_reference("presented_at_id", pk)
    return found


# --- schemas -----------------------------------------------------------------------------------------


class SenderAgencyRef(Schema):
    id: int
    name: str


class Counts(Schema):
    total: int
    pending: int
    adopted: int
    declined: int


class NationalProgrammeOut(Schema):
    id: int
    title: str
    description: str
    sender: SenderAgencyRef = Field(alias="agency")
    presented_at_id: int | None
    level: CascadeLevel
    fiscal_year: int
    sent_on: date | None = Field(description="Tanggal diteruskan ke daerah; kosong: masih rancangan.")
    adoptions: Counts = Field(description="Jumlah adopsi per status, sejauh yang dapat Anda baca.")
    version: int = Field(description="Versi data; sama dengan ETag.")


def _with_counts(actor: Actor, programme):
    found = cascade.adoption_summary(cascade.adoption_list(actor=actor, programme=programme))
    programme.adoptions_counts = found
    return programme


class _ProgrammeOut(NationalProgrammeOut):
    @staticmethod
    def resolve_adoptions(obj):
        if hasattr(obj, "adoptions_counts"):
            return obj.adoptions_counts
        return {
            "total": obj.n_adoptions,
            "pending": obj.n_pending,
            "adopted": obj.n_adopted,
            "declined": obj.n_declined,
        }


class NationalProgrammeFilters(Schema):
    q: Str = Field("", max_length=200, description="Cari judul atau uraian.")
    year: Year | None = None
    status: Annotated[str, Field(pattern=r"^(draft|sent)?$")] = Field(
        "", description="`draft` (belum diteruskan) atau `sent`."
    )
    sender_id: Id | None = None
    page: PageNo = 1
    page_size: PageSize = DEFAULT_PAGE_SIZE


class NationalProgrammeIn(Schema):
    sender_id: Id | None = Field(None, description="Instansi nasional pengirim; bawaan: instansi Anda.")
    title: Str = Field(max_length=300)
    description: Str = Field("", max_length=10_000)
    presented_at_id: Id | None = Field(None, description="Rapat tempat program disampaikan (Rakernas…).")
    level: CascadeLevel = CascadeLevel.REGENCY
    fiscal_year: Year | None = Field(None, description="Bawaan: tahun rapat, atau tahun ini.")
    send: bool = Field(False, description="Teruskan segera ke daerah (satu adopsi per dinas penerima).")


class ProgrammePatch(Schema):
    title: Str | None = Field(None, max_length=300)
    description: Str | None = Field(None, max_length=10_000)
    presented_at_id: Id | None = None
    level: CascadeLevel | None = None
    fiscal_year: Year | None = None
    send: bool = Field(False, description="Teruskan ke daerah sekarang (sekali saja: `already_sent`).")
    reason: Str = Field("", max_length=500)


class AdoptionOut(Schema):
    id: int
    programme_id: int
    agency: SenderAgencyRef
    region: str | None = Field(None, alias="region_id")
    region_name: str | None = Field(None, alias="region.name")
    status: AdoptionStatus
    adaptation: str
    decline_reason: str
    funding: str
    decided_on: date | None
    activities: list[int]
    version: int

    @staticmethod
    def resolve_activities(obj):
        return list(obj.activities.values_list("pk", flat=True))


class AdoptionFilters(Schema):
    q: Str = Field("", max_length=200, description="Cari nama instansi atau wilayah.")
    status: AdoptionStatus | None = None
    region: RegionCode | None = None
    level: CascadeLevel | None = Field(
        None, description="`province`: dinas provinsi; `regency`: kabupaten/kota."
    )
    sort: Annotated[str, Field(pattern=r"^-?(region|status|agency|decided)?$")] = ""
    page: PageNo = 1
    page_size: PageSize = MAX_PAGE_SIZE


class AdoptionPatch(Schema):
    status: AdoptionStatus | None = None
    adaptation: Str | None = Field(None, max_length=10_000)
    decline_reason: Str | None = Field(None, max_length=5000)
    funding: AgreementFunding | None = None
    activities: list[Id] | None = Field(None, max_length=200, description="Kegiatan pelaksana (id).")
    reason: Str = Field("", max_length=500)


# --- programmes --------------------------------------------------------------------------------------


@router.get(
    "/national-programmes", response={200: Page[_ProgrammeOut], **READ}, summary="Daftar program nasional"
)
def programme_list(request, filters: Query[NationalProgrammeFilters]):
    actor = _reader(request)
    f = cascade.ProgrammeFilter(
        q=filters.q.strip(), year=filters.year, status=filters.status, sender=filters.sender_id
    )
    return _page(cascade.programme_list(actor=actor, filters=f), filters.page, filters.page_size)


@router.post(
    "/national-programmes",
    response={201: _ProgrammeOut, **WRITE},
    summary="Catat (dan teruskan) program nasional",
)
def programme_create(request, payload: NationalProgrammeIn, response: HttpResponse):
    actor = api_actor(request)
    require(actor, Action.CREATE, Area.COORDINATION)
    sender = None
    if payload.sender_id is not None:
        sender = Agency.objects.filter(pk=payload.sender_id).first()
        if sender is None:
            raise unknown_reference("sender_id", payload.sender_id)
    data = {"fiscal_year": payload.fiscal_year} if payload.fiscal_year else {}
    programme = cascade.programme_create(
        actor=actor,
        agency=sender,
        send=payload.send,
        title=payload.title,
        description=payload.description,
        presented_at=_meeting(actor, payload.presented_at_id),
        level=payload.level,
        **data,
    )
    found = cascade.programme_get(actor=actor, pk=programme.pk)
    return 201, tagged(response, _with_counts(actor, found))


@router.get(
    "/national-programmes/{programme_id}",
    response={200: _ProgrammeOut, **NOT_FOUND, **READ},
    summary="Rincian program nasional",
)
def programme_detail(request, programme_id: Id, response: HttpResponse):
    actor = _reader(request, Action.VIEW)
    return tagged(response, _with_counts(actor, cascade.programme_get(actor=actor, pk=programme_id)))


@router.patch(
    "/national-programmes/{programme_id}",
    response={200: _ProgrammeOut, **NOT_FOUND, **WRITE, **STALE},
    summary="Ubah atau teruskan program nasional",
    description=IF_MATCH_DESCRIPTION,
)
def programme_patch(request, programme_id: Id, payload: ProgrammePatch, response: HttpResponse):
    actor = api_actor(request)
    programme = cascade.programme_get(actor=actor, pk=programme_id)
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", "")
    send = data.pop("send", False)
    if "presented_at_id" in data:
        data["presented_at"] = _meeting(actor, data.pop("presented_at_id"))
    for name in ("title", "level", "fiscal_year"):
        if name in data and data[name] is None:
            data.pop(name)
    if "description" in data and data["description"] is None:
        data["description"] = ""
    expected = if_match(request)
    if data:
        cascade.programme_update(
            actor=actor, programme=programme, reason=reason, expected_version=expected, **data
        )
        expected = None
    if send:
        cascade.programme_send(actor=actor, programme=programme, expected_version=expected)
    found = cascade.programme_get(actor=actor, pk=programme_id)
    return tagged(response, _with_counts(actor, found))


@router.get(
    "/national-programmes/{programme_id}/adoptions",
    response={200: Page[AdoptionOut], **NOT_FOUND, **READ},
    summary="Adopsi program per daerah (filter status, wilayah, tingkat; urutan)",
)
def programme_adoptions(request, programme_id: Id, filters: Query[AdoptionFilters]):
    actor = _reader(request)
    programme = cascade.programme_get(actor=actor, pk=programme_id)
    f = cascade.AdoptionFilter(
        q=filters.q.strip(),
        status=filters.status or "",
        region=filters.region or "",
        level=filters.level or "",
        sort=filters.sort,
    )
    qs = cascade.adoption_list(actor=actor, programme=programme, filters=f).prefetch_related("activities")
    return _page(qs, filters.page, filters.page_size)


# --- adoptions ---------------------------------------------------------------------------------------


@router.get(
    "/adoptions/{adoption_id}", response={200: AdoptionOut, **NOT_FOUND, **READ}, summary="Rincian adopsi"
)
def adoption_detail(request, adoption_id: Id, response: HttpResponse):
    actor = _reader(request, Action.VIEW)
    return tagged(response, cascade.adoption_get(actor=actor, pk=adoption_id))


@router.patch(
    "/adoptions/{adoption_id}",
    response={200: AdoptionOut, **NOT_FOUND, **WRITE, **STALE},
    summary="Putuskan adopsi: diadopsi (penyesuaian, kegiatan, pendanaan) atau tidak (alasan)",
    description=IF_MATCH_DESCRIPTION,
)
def adoption_patch(request, adoption_id: Id, payload: AdoptionPatch, response: HttpResponse):
    actor = api_actor(request)
    adoption = cascade.adoption_get(actor=actor, pk=adoption_id)
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", "")
    activities = data.pop("activities", None)
    if "status" in data and data["status"] is None:
        data.pop("status")
    for name in ("adaptation", "decline_reason", "funding"):
        if name in data and data[name] is None:
            data[name] = ""
    cascade.adoption_decide(
        actor=actor,
        adoption=adoption,
        activities=activities,
        reason=reason,
        expected_version=if_match(request),
        **data,
    )
    return tagged(response, cascade.adoption_get(actor=actor, pk=adoption_id))
