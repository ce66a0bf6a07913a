"""Overlaps in planning (issue 17 §1): GET /api/v1/activities/{id}/overlaps lists activities of other
agencies that probably do the same thing (analytics.overlaps), POST /api/v1/activities/{id}/links records a
planner's decision on a pair and DELETE /api/v1/activities/{id}/links/{link_id} removes it
(analytics.links). The paths have one more segment than /activities/{activity_id}, so they never collide
with the activity routes of api/programmes.py.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpResponse
from ninja import Field, Router, Schema

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import require
from sentra.analytics import links
from sentra.analytics.overlaps import overlaps_for
from sentra.core.errors import NotFound
from sentra.programmes.selectors import activity_get

from .auth import api_actor
from .schemas import ApiError, ErrorOut

router = Router(tags=["analisis"])

READ = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE = {400: ApiError, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class OverlapOut(Schema):
    activity_id: int
    name: str
    agency_name: str
    region_name: str = Field(description="Kosong bila `detail_visible` false.")
    start_date: date | None
    end_date: date | None
    score: float | None = Field(
        description="0..1; ≥ 0,5 berarti kemungkinan tumpang tindih (topik × tempat × waktu). Kosong bila "
        "`detail_visible` false."
    )
    reasons: list[str] = Field(description="Alasan dalam bahasa Indonesia, mis. 'sama-sama pelatihan tenun'.")
    detail_visible: bool = Field(
        description="false: kegiatan di luar wilayah baca Anda yang bekerja di wilayah Anda — hanya id, "
        "nama dan instansi yang ditampilkan."
    )
    link_kind: str | None = Field(description="Tautan yang sudah dicatat: merge, sequence, separate.")


class OverlapsOut(Schema):
    activity_id: int
    threshold: float
    overlaps: list[OverlapOut]


class LinkIn(Schema):
    other_id: int = Field(description="Kegiatan lain (harus dapat Anda baca).")
    kind: str = Field(
        description="`merge` (gabung), `sequence` (berurutan) atau `separate` (tetap terpisah)."
    )
    reason: str = Field(
        "", max_length=2000, description="Wajib untuk `merge` dan `separate` (`link_reason_required`)."
    )
    this_first: bool = Field(
        True,
        description="Untuk `sequence`: true bila kegiatan ini langkah dasar dan `other_id` lanjutannya.",
    )


class LinkOut(Schema):
    id: int
    first_id: int
    second_id: int
    kind: str
    reason: str
    score: float | None
    reasons: list[str]
    version: int
    created_at: datetime


def _activity(actor, pk: int):
    activity = activity_get(actor=actor, pk=pk)
    if activity is None:
        raise NotFound
    return activity


def _overlap(found) -> dict:
    return {
        "activity_id": found.activity_id,
        "name": found.name,
        "agency_name": found.agency_name,
        "region_name": found.region_name if found.detail_visible else "",
        "start_date": found.start_date if found.detail_visible else None,
        "end_date": found.end_date if found.detail_visible else None,
        "score": round(found.score, 3) if found.detail_visible else None,
        "reasons": list(found.reasons) if found.detail_visible else [],
        "detail_visible": found.detail_visible,
        "link_kind": found.link_kind,
    }


@router.get(
    "/activities/{activity_id}/overlaps",
    response={200: OverlapsOut, **READ},
    summary="Kemungkinan tumpang tindih sebuah kegiatan",
    description="Kegiatan instansi lain yang kemungkinan melakukan hal yang sama (topik, tempat atau "
    "penerima manfaat, dan waktu), terbaik dulu, paling banyak `limit` (1–100).",
)
def activity_overlaps(request, activity_id: int, limit: int = 20):
    actor = api_actor(request)
    require(actor, Action.VIEW, Area.PROGRAMMES)
    activity = _activity(actor, activity_id)
    from sentra.analytics.overlaps import THRESHOLD

    found = overlaps_for(actor=actor, activity=activity, limit=max(1, min(limit, 100)))
    return {"activity_id": activity.pk, "threshold": THRESHOLD, "overlaps": [_overlap(f) for f in found]}


def _link_out(link) -> dict:
    return {name: getattr(link, name) for name in LinkOut.model_fields}


@router.post(
    "/activities/{activity_id}/links",
    response={201: LinkOut, **WRITE},
    summary="Catat keputusan atas dua kegiatan yang tumpang tindih",
    description="Gabung, berurutan (dasar → lanjutan) atau tetap terpisah. Kedua kegiatan harus dapat "
    "dibaca; Dekranasda hanya untuk pasangan dengan kegiatan instansinya. Kode galat: `link_kind_invalid`, "
    "`link_reason_required`, `link_same`, `link_exists`.",
)
def activity_link(request, activity_id: int, payload: LinkIn, response: HttpResponse):
    actor = api_actor(request)
    this = _activity(actor, activity_id)
    first, second = (this.pk, payload.other_id) if payload.this_first else (payload.other_id, this.pk)
    link = links.link_activities(
        actor=actor, first=first, second=second, kind=payload.kind, reason=payload.reason
    )
    return 201, _link_out(link)


@router.delete(
    "/activities/{activity_id}/links/{link_id}",
    response={204: None, **WRITE},
    summary="Hapus tautan dua kegiatan",
)
def activity_unlink(request, activity_id: int, link_id: int, reason: str = ""):
    actor = api_actor(request)
    this = _activity(actor, activity_id)
    link = links.link_get(actor=actor, pk=link_id)
    if link is None or this.pk not in (link.first_id, link.second_id):
        raise NotFound
    links.unlink(actor=actor, link_id=link.pk, reason=reason)
    return 204, None
