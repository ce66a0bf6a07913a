"""GET /api/v1/follow-ups/summary: the follow-up dashboard's figures (coordination/dashboard.py) —
completion and overdue per province, regency or owner agency, in the caller's scope.

Registered before the coordination router in api/urls.py: `/follow-ups/{follow_up_id}` would
otherwise take "summary" for an id.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import code_in_scope, require
from sentra.coordination import dashboard
from sentra.coordination.choices import MeetingKind
from sentra.core.errors import NotFound
from sentra.regions.models import Region

from .auth import api_actor
from .schemas import ErrorOut

router = Router(tags=["koordinasi"])

RegionCode = Annotated[
    str, Field(pattern=r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$", description="Kode wilayah.")
]


class SummaryQuery(Schema):
    region: RegionCode | None = Field(
        None,
        description="Wilayah instansi penanggung jawab (bawaan: wilayah kerja Anda; kosong untuk pengguna "
        "pusat: nasional). Di luar wilayah kerja: 404.",
    )
    year: Annotated[int, Field(ge=2000, le=2100)] | None = Field(None, description="Tahun tenggat.")
    meeting_kind: MeetingKind | None = Field(None, description="Jenis rapat asal tindak lanjut.")
    group: Literal["province", "regency", "agency"] | None = Field(
        None,
        description="Rincian per provinsi, kabupaten/kota atau instansi penanggung jawab (bawaan: "
        "nasional → provinsi, provinsi → kabupaten/kota, kabupaten/kota → instansi).",
    )


class FiguresOut(Schema):
    key: str | None = Field(
        None, description="Kode wilayah atau id instansi; null: instansi di atas tingkat ini."
    )
    label: str
    total: int
    done: int
    dropped: int
    pending: int = Field(description="Belum dikerjakan + sedang dikerjakan.")
    overdue: int = Field(description="Belum selesai dan tenggatnya sebelum hari ini.")
    completion: float | None = Field(
        description="Persen: selesai ÷ (semua − dibatalkan); null bila tidak ada yang dihitung."
    )


class SummaryOut(Schema):
    on: date
    region: str
    group: str
    total: FiguresOut
    rows: list[FiguresOut]


def _figures(figures: dashboard.FollowUpFigures, label: str) -> dict:
    return {
        "key": None if figures.key is None else str(figures.key),
        "label": label,
        "total": figures.total,
        "done": figures.done,
        "dropped": figures.dropped,
        "pending": figures.pending,
        "overdue": figures.overdue,
        "completion": figures.completion,
    }


@router.get(
    "/follow-ups/summary",
    response={200: SummaryOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Dasbor tindak lanjut: penyelesaian dan keterlambatan",
    description="Jumlah tindak lanjut, selesai, dibatalkan, belum selesai, terlambat dan persen "
    "penyelesaian (selesai ÷ (semua − dibatalkan)) per wilayah atau instansi penanggung jawab, dari "
    "tindak lanjut yang dapat Anda baca.",
)
def follow_up_summary(request, query: Query[SummaryQuery]):
    actor = api_actor(request)
    require(actor, Action.LIST, Area.COORDINATION)
    region = query.region or ""
    if region:
        if not Region.objects.filter(code=region).exists() or not code_in_scope(actor, region):
            raise NotFound
    elif actor.region_code:
        region = actor.region_code
    f = dashboard.DashboardFilter(
        region=region, year=query.year, meeting_kind=query.meeting_kind.value if query.meeting_kind else ""
    )
    summary = dashboard.follow_up_summary(actor=actor, f=f, group=query.group or "")
    labels = dashboard.group_labels(summary)
    rows = [
        _figures(
            g,
            labels.get(g.key)
            or (str(g.key) if g.key is not None else "")
            or dashboard.unplaced_label(summary.group),
        )
        for g in summary.groups
    ]
    return {
        "on": summary.on,
        "region": region,
        "group": summary.group,
        "total": _figures(summary.total, _("Jumlah")),
        "rows": rows,
    }
