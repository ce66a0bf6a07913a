"""Verification, history and notification endpoints for the three registry types.

Every endpoint is scoped through `api_actor`: a record outside the caller's region answers 404,
a readable record the caller may not act on 403, and a broken rule (a locked record, a step not
allowed from the record's status, a missing reason) 400 with a stable `code`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from sentra.accounts.models import Notification
from sentra.accounts.services import notifications_mark_read
from sentra.audit.models import AuditAction, AuditChannel
from sentra.audit.selectors import event_get, history_for
from sentra.audit.services import restore_version
from sentra.core.errors import NotFound
from sentra.registry import selectors
from sentra.verification.services import bulk_transition, transition

from .auth import api_actor
from .registry import MAX_PAGE_SIZE, CentreOut, EnterpriseOut, Page, ProductOut
from .schemas import REFUSED, UNAUTHENTICATED, ApiError, ErrorOut, Id, PageNumber, Text

verification_router = Router(tags=["verifikasi"])
history_router = Router(tags=["riwayat"])
notifications_router = Router(tags=["notifikasi"])

StepName = Literal["submit", "verify", "accept", "return", "reopen"]


class TransitionIn(Schema):
    action: StepName = Field(description="submit, verify, accept, return atau reopen.")
    reason: Text = Field("", max_length=500, description="Wajib untuk return dan reopen.")


class BulkTransitionIn(TransitionIn):
    ids: list[Id] = Field(min_length=1, max_length=500)


class BulkFailure(Schema):
    id: int
    reason: str


class BulkResultOut(Schema):
    done: list[int]
    failed: list[BulkFailure]


class RestoreIn(Schema):
    reason: Text = Field("", max_length=500)


class AuditEventOut(Schema):
    id: int
    at: datetime
    username: str
    channel: AuditChannel
    action: AuditAction
    reason: str
    changes: dict[str, list[Any]] = Field(description="Per kolom: [sebelum, sesudah].")
    batch_id: int | None


class PageFilter(Schema):
    page: PageNumber = 1
    page_size: int = Field(50, ge=1, description=f"Maksimum {MAX_PAGE_SIZE}.")


class NotificationFilter(PageFilter):
    unread: bool = Field(False, description="Hanya yang belum dibaca.")


class NotificationOut(Schema):
    id: int
    message: str
    link: str
    created_at: datetime
    read_at: datetime | None


class MarkReadIn(Schema):
    """Exactly one of `ids` (the notifications to mark) or `all: true`; "all" is never implied."""

    model_config = ConfigDict(extra="forbid")

    ids: list[Id] | None = Field(
        None, min_length=1, max_length=500, description="Id notifikasi yang ditandai."
    )
    all: bool = Field(False, description="true: semua notifikasi yang belum dibaca (tanpa ids).")

    @model_validator(mode="before")
    @classmethod
    def an_object(cls, data):
        raw = getattr(data, "_obj", data)  # django-ninja hands its schemas the value wrapped
        if not isinstance(raw, dict):  # e.g. [null, null], once read as "no ids: all"
            raise _ids_or_all()
        return data

    @model_validator(mode="after")
    def ids_or_all(self):
        if (self.ids is not None) == self.all:
            raise _ids_or_all()
        return self


def _ids_or_all() -> PydanticCustomError:
    return PydanticCustomError("ids_or_all", _('Kirim {"ids": [id, …]} atau {"all": true}, salah satu saja.'))


class MarkReadOut(Schema):
    marked: int


def _page(qs, filters: PageFilter) -> dict[str, Any]:
    size = min(filters.page_size, MAX_PAGE_SIZE)
    start = (filters.page - 1) * size
    return {
        "count": qs.count(),
        "count_exact": True,
        "page": filters.page,
        "page_size": size,
        "results": list(qs[start : start + size]),
    }


def _register(kind: str, label: str, get_fn, list_fn, out) -> None:
    """The same endpoints for enterprises, centres and products; operation ids stay unique."""

    def get_or_404(actor, pk: int):
        record = get_fn(actor=actor, pk=pk)
        if record is None:
            raise NotFound
        return record

    errors = {400: ApiError, 404: ErrorOut, **REFUSED}

    @verification_router.post(
        f"/{kind}/verification",
        response={200: BulkResultOut, 400: ApiError, **REFUSED},
        summary=f"Langkah verifikasi massal ({label})",
        operation_id=f"{kind}_verification_bulk",
    )
    def bulk(request, payload: BulkTransitionIn):
        actor = api_actor(request)
        ids = list(dict.fromkeys(payload.ids))
        records = list_fn(actor=actor, filters=selectors.RegistryFilter()).filter(pk__in=ids).order_by("pk")
        found = {record.pk: record for record in records}
        result = bulk_transition(
            actor=actor, name=payload.action, records=found.values(), reason=payload.reason
        )
        failed = [{"id": pk, "reason": reason} for pk, reason in result.failed]
        failed += [{"id": pk, "reason": _("Data tidak ditemukan.")} for pk in ids if pk not in found]
        return {"done": result.done, "failed": failed}

    @verification_router.post(
        f"/{kind}/{{record_id}}/verification",
        response={200: out, **errors},
        summary=f"Langkah verifikasi ({label})",
        operation_id=f"{kind}_verification",
    )
    def step(request, record_id: Id, payload: TransitionIn):
        actor = api_actor(request)
        transition(
            actor=actor, name=payload.action, record=get_or_404(actor, record_id), reason=payload.reason
        )
        return get_fn(actor=actor, pk=record_id)

    @history_router.get(
        f"/{kind}/{{record_id}}/history",
        response={200: Page[AuditEventOut], 404: ErrorOut, **REFUSED},
        summary=f"Riwayat perubahan ({label})",
        operation_id=f"{kind}_history",
    )
    def history(request, record_id: Id, filters: Query[PageFilter]):
        actor = api_actor(request)
        return _page(history_for(actor=actor, obj=get_or_404(actor, record_id)), filters)

    @history_router.post(
        f"/{kind}/{{record_id}}/history/{{event_id}}/restore",
        response={200: out, **errors},
        summary=f"Pulihkan versi ({label})",
        operation_id=f"{kind}_restore",
    )
    def restore(request, record_id: Id, event_id: Id, payload: RestoreIn | None = None):
        actor = api_actor(request)
        record = get_or_404(actor, record_id)
        event = event_get(actor=actor, obj=record, event_id=event_id)
        if event is None:
            raise NotFound
        restore_version(actor=actor, event=event, reason=payload.reason if payload else "")
        return get_fn(actor=actor, pk=record_id)


_register("enterprises", "IKM", selectors.enterprise_get, selectors.enterprise_list, EnterpriseOut)
_register("centres", "sentra IKM", selectors.centre_get, selectors.centre_list, CentreOut)
_register("products", "produk", selectors.product_get, selectors.product_list, ProductOut)


@notifications_router.get(
    "/notifications",
    response={200: Page[NotificationOut], **UNAUTHENTICATED},
    summary="Notifikasi saya",
    operation_id="notifications_list",
)
def notification_list(request, filters: Query[NotificationFilter]):
    qs = Notification.objects.filter(user_id=request.user.pk)
    if filters.unread:
        qs = qs.filter(read_at=None)
    return _page(qs, filters)


@notifications_router.post(
    "/notifications/read",
    response={200: MarkReadOut, **REFUSED},
    summary="Tandai notifikasi sudah dibaca",
    description='Isi: `{"ids": [1, 2]}` atau `{"all": true}`. Isi lain (kosong, daftar, null) ditolak: 422.',
    operation_id="notifications_mark_read",
)
def notification_mark_read(request, payload: MarkReadIn):
    return {"marked": notifications_mark_read(user=request.user, ids=payload.ids, everything=payload.all)}
