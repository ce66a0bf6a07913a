"""Field visits and their photos (issue 16): the API the phone app syncs with, and the scoped reads.

The contract the offline app is written against (docs/facilitators.md, "Visits and photos"):

- `POST /visits` takes `{"visits": [...]}` (at most 200) and answers 200 with one result per item, in
  order: `created`, `existing` (the client id was synced before: nothing written) or `error` (with the
  rules' codes). Every item is written on its own transaction, so a batch cut half-way keeps what it
  wrote and the retry answers those `existing`. An item that does not match the schema is an `error`
  result of its own, never a 422 of the whole batch (one broken visit must not block the queue).
- `POST /visits/photos` (multipart) answers 201 when the photo is stored, 200 when its client id was
  stored before, 404 when the visit is unknown to the caller, 422 with `code` for a bad file.

Reads go through facilitators.selectors (a facilitator reads their own visits; a Dinas its regency's),
writes through facilitators.visits and facilitators.photos.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import ValidationError

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import require
from sentra.core.errors import DomainError
from sentra.facilitators import photos, visits
from sentra.facilitators.choices import LocationFlag, VisitKind

from .auth import api_actor
from .generic import Page
from .schemas import ApiError, ErrorOut, Text, ValidationErrorOut

router = Router(tags=["kunjungan TPL-IKM"])

MAX_PAGE_SIZE = 200
INT32_MAX = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=INT32_MAX)]
PageNo = Annotated[int, Field(ge=1, le=10_000)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE, description=f"Maksimum {MAX_PAGE_SIZE}.")]
NOT_FOUND = {404: ErrorOut}
READ = {401: ErrorOut, 403: ErrorOut}


# --- schemas -----------------------------------------------------------------------------------------


class ActionIn(Schema):
    description: Text = Field(max_length=500)
    due_on: date | None = None


class ProposalIn(Schema):
    client_id: UUID = Field(description="UUID usulan, dibuat di ponsel.")
    enterprise_id: Id
    changes: dict[str, Any] = Field(description='Isian IKM yang diusulkan, mis. {"workers": 9}.')
    base_version: Annotated[int, Field(ge=1)] | None = Field(None, description="Versi IKM yang dilihat.")


class VisitIn(Schema):
    client_id: UUID = Field(
        description="UUID kunjungan, dibuat di ponsel; pengiriman ulang tidak menggandakan."
    )
    facilitator_id: Id | None = Field(
        None, description="Hanya bila Dinas mencatat untuk pendamping; pendamping: data dirinya sendiri."
    )
    visited_at: datetime = Field(description="ISO 8601 dengan zona waktu, mis. 2026-11-16T09:30:00+08:00.")
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    accuracy_m: Annotated[float, Field(ge=0, le=1_000_000)] | None = Field(
        None, description="Akurasi GPS (m)."
    )
    kind: Text = Field(max_length=20, description="Tujuan: " + ", ".join(VisitKind.values))
    findings: Text = Field("", max_length=10_000)
    problems: Text = Field("", max_length=10_000)
    advice: Text = Field("", max_length=10_000)
    village_code: Annotated[str, Field(pattern=r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")] | None = Field(
        None, description="Desa/kelurahan pilihan pengguna (di kabupaten/kota penempatan)."
    )
    centre_ids: list[Id] = Field([], max_length=100)
    enterprise_ids: list[Id] = Field([], max_length=100)
    actions: list[ActionIn] = Field([], max_length=50)
    proposals: list[ProposalIn] = Field([], max_length=50)


# An item that does not match VisitIn is kept as an object and answered with an error of its own.
VisitItem = Annotated[VisitIn | dict[str, Any], Field(union_mode="left_to_right")]


class BatchIn(Schema):
    visits: list[VisitItem] = Field(description=f"Paling banyak {visits.MAX_BATCH} kunjungan per permintaan.")


class NoticeOut(Schema):
    code: str
    message: str


class ItemErrorOut(Schema):
    code: str
    field: str
    message: str


class SyncResultOut(Schema):
    client_id: str
    status: str = Field(description="created | existing | error")
    id: int | None
    warnings: list[NoticeOut]
    errors: list[ItemErrorOut]


class BatchOut(Schema):
    results: list[SyncResultOut]


class VisitOut(Schema):
    id: int
    client_id: UUID
    facilitator_id: int
    facilitator_name: str = Field(alias="facilitator.name")
    visited_at: datetime
    latitude: float | None
    longitude: float | None
    accuracy_m: float | None
    village: str | None = Field(None, alias="village_id", description="Kode desa/kelurahan.")
    regency: str = Field(alias="regency_code", description="Kabupaten/kota penempatan.")
    location_flag: LocationFlag
    kind: VisitKind
    findings: str
    problems: str
    advice: str
    version: int


class PlaceOut(Schema):
    id: int
    name: str


class VisitedEnterpriseOut(PlaceOut):
    visited_on: date


class ActionOut(Schema):
    id: int
    description: str
    due_on: date | None
    done_on: date | None


class PhotoOut(Schema):
    id: int
    client_id: UUID
    taken_at: datetime | None
    latitude: float | None
    longitude: float | None
    width: int
    height: int
    size_bytes: int
    caption: str


class VisitDetailOut(VisitOut):
    enterprises: list[VisitedEnterpriseOut]
    centres: list[PlaceOut]
    actions: list[ActionOut]
    photos: list[PhotoOut]

    @staticmethod
    def resolve_enterprises(obj):
        return [
            {"id": ve.enterprise_id, "name": ve.enterprise.name, "visited_on": ve.visited_on}
            for ve in obj.visit_enterprises.all()
        ]

    @staticmethod
    def resolve_centres(obj):
        return [{"id": vc.centre_id, "name": vc.centre.name} for vc in obj.visit_centres.all()]

    @staticmethod
    def resolve_actions(obj):
        return list(obj.actions.all())

    @staticmethod
    def resolve_photos(obj):
        return list(obj.photos.all())


class VisitFilters(Schema):
    facilitator: Id | None = Field(None, description="Id pendamping.")
    date_from: date | None = Field(None, alias="from", description="Sejak tanggal (waktu setempat server).")
    date_to: date | None = Field(None, alias="to", description="Sampai dengan tanggal.")
    kind: VisitKind | None = None
    flagged: bool | None = Field(None, description="true: hanya yang lokasinya ditandai; false: tanpa tanda.")
    page: PageNo = 1
    page_size: PageSize = 50


class PhotoIn(Schema):
    client_id: UUID = Field(description="UUID foto, dibuat di ponsel.")
    visit_client_id: UUID = Field(description="UUID kunjungannya (client_id kunjungan).")
    taken_at: datetime | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    caption: Text = Field("", max_length=photos.MAX_CAPTION)


class PhotoRefusedOut(ValidationErrorOut):
    """422: the request does not match the schema, or the file is refused (then `code` says why)."""

    code: str = Field("", description="file_type_mismatch, file_empty, too_large, image_too_large")
    errors: list[ItemErrorOut] = []


class PhotoSavedOut(Schema):
    id: int
    status: str = Field(description="created | existing")


# --- operations --------------------------------------------------------------------------------------


@router.get("/visits", response={200: Page[VisitOut], **READ}, summary="Daftar kunjungan pendamping")
def visit_list(request, filters: Query[VisitFilters]):
    actor = api_actor(request)
    require(actor, Action.LIST, Area.FACILITATORS)
    qs = visits.visit_list(
        actor,
        facilitator=filters.facilitator,
        date_from=filters.date_from,
        date_to=filters.date_to,
        kind=filters.kind.value if filters.kind else None,
        flagged=filters.flagged,
    )
    start = (filters.page - 1) * filters.page_size
    return {
        "count": qs.count(),
        "count_exact": True,
        "page": filters.page,
        "page_size": filters.page_size,
        "results": list(qs[start : start + filters.page_size]),
    }


def _item_errors(exc: ValidationError) -> list[dict[str, str]]:
    return [
        {
            "code": "invalid",
            "field": ".".join(str(part) for part in error["loc"]),
            "message": _("Isian tidak sah: %(why)s") % {"why": error["msg"]},
        }
        for error in exc.errors()[:20]
    ]


@router.post(
    "/visits",
    response={200: BatchOut, 400: ApiError, **READ},
    summary="Kirim kunjungan dari ponsel (batch, idempoten per client_id)",
    description=(
        'Isi: `{"visits": [...]}`, paling banyak 200 (lebih: 400 `too_many_visits`). Jawaban 200 berisi '
        "satu hasil per kunjungan, berurutan: `created`, `existing` (client_id sudah pernah dikirim; tidak "
        "ada yang ditulis ulang; isi berbeda: peringatan `already_synced`) atau `error` dengan kode aturan: "
        "`future_date`, `before_contract`, `unknown_enterprise`, `unknown_centre`, `required`, "
        "`invalid_choice`, `unknown_village`, `village_outside_placement`, `invalid_client_id`, "
        "`client_id_in_use`, `invalid`. Koordinat janggal diterima dengan peringatan dan ditandai: "
        "`outside_indonesia`, `outside_placement`, `suspect_mock`, `no_location`."
    ),
)
def visit_sync(request, payload: BatchIn):
    actor = api_actor(request)
    require(actor, Action.CREATE, Area.FACILITATORS)
    if len(payload.visits) > visits.MAX_BATCH:
        visits.sync_batch(actor, list(payload.visits))  # raises too_many_visits (400)
    results: list[dict[str, Any] | None] = [None] * len(payload.visits)
    valid: list[tuple[int, dict[str, Any]]] = []
    for index, item in enumerate(payload.visits):
        if isinstance(item, VisitIn):
            valid.append((index, item.model_dump()))
            continue
        try:
            valid.append((index, VisitIn.model_validate(item).model_dump()))
        except ValidationError as exc:
            raw = item.get("client_id") if isinstance(item, dict) else None
            results[index] = {
                "client_id": str(raw or "")[:64],
                "status": "error",
                "id": None,
                "warnings": [],
                "errors": _item_errors(exc),
            }
    for (index, _data), result in zip(valid, visits.sync_batch(actor, [d for _i, d in valid]), strict=True):
        results[index] = result.as_dict()
    return {"results": results}


@router.post(
    "/visits/photos",
    response={
        200: PhotoSavedOut,
        201: PhotoSavedOut,
        422: PhotoRefusedOut,
        **NOT_FOUND,
        400: ApiError,
        **READ,
    },
    summary="Unggah foto kunjungan (idempoten per client_id)",
    description=(
        "multipart/form-data: `client_id`, `visit_client_id`, `taken_at`, `latitude`, `longitude`, "
        "`caption`, `file` (JPEG, PNG atau WebP; paling besar 2 MB dan 2560 piksel sisi terpanjang). "
        "201: disimpan; 200: client_id ini sudah tersimpan; 404: kunjungan tidak dikenal. Berkas ditolak: "
        "422 dengan `code` (`file_type_mismatch`, `file_empty`, `too_large`, `image_too_large`). Foto "
        "disimpan ulang sebagai JPEG tanpa metadata (EXIF dibuang; hanya waktu dan lokasi disimpan)."
    ),
)
def visit_photo_add(request, payload: Form[PhotoIn], file: File[UploadedFile]):
    actor = api_actor(request)
    try:
        photo, created = photos.add_photo(
            actor,
            visit_client_id=payload.visit_client_id,
            client_id=payload.client_id,
            upload=file,
            taken_at=payload.taken_at,
            latitude=payload.latitude,
            longitude=payload.longitude,
            caption=payload.caption,
        )
    except DomainError as exc:
        errors = exc.errors or []
        if not any(e.field == "file" for e in errors):
            raise
        return Status(
            422,
            {
                "detail": [{"loc": ["form", e.field], "msg": e.message, "type": e.code} for e in errors],
                "code": exc.code,
                "errors": [e.__dict__ for e in errors],
            },
        )
    return Status(201 if created else 200, {"id": photo.pk, "status": "created" if created else "existing"})


@router.get(
    "/visits/{visit_id}",
    response={200: VisitDetailOut, **NOT_FOUND, **READ},
    summary="Rincian kunjungan (IKM, sentra, tindak lanjut, foto)",
)
def visit_detail(request, visit_id: Id):
    actor = api_actor(request)
    require(actor, Action.VIEW, Area.FACILITATORS)
    return visits.visit_get(actor, visit_id)
