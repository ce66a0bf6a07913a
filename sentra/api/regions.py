"""Region endpoints: the Kemendagri hierarchy, the gazetteer (free text → code) and KBLI search."""

from __future__ import annotations

from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from sentra.regions import selectors
from sentra.regions.gazetteer import resolve_place

from .schemas import UNAUTHENTICATED, ErrorOut, Text

router = Router(tags=["wilayah"])

RegionLevel = Annotated[int, Field(ge=1, le=4, description="1 provinsi … 4 desa/kelurahan.")]


class RegionOut(Schema):
    code: str
    name: str
    level: int = Field(description="1 provinsi, 2 kabupaten/kota, 3 kecamatan, 4 desa/kelurahan.")
    parent: str | None = None
    path: list[str] = Field(default_factory=list, description="Nama dari provinsi sampai wilayah ini.")


class CandidateOut(Schema):
    code: str
    level: int
    name: str
    path: list[str]
    score: float = Field(description="Keyakinan 0..1.")


class ResolutionOut(Schema):
    query: str
    status: str = Field(description="resolved, ambiguous, contradictory atau not_found.")
    best: CandidateOut | None = Field(description="Hanya terisi bila status resolved.")
    candidates: list[CandidateOut] = Field(description="Kemungkinan lain, terbaik lebih dulu.")
    reason: str = Field(description="Penjelasan, mis. mengapa ambigu atau bertentangan.")


class KbliOut(Schema):
    code: str
    title: str


def _region_out(region, *, path: list[str] | None = None) -> dict:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent": region.parent_id,
        "path": path or [],
    }


@router.get(
    "",
    response={200: list[RegionOut], **UNAUTHENTICATED},
    summary="Daftar wilayah anak (provinsi bila tanpa induk)",
)
def region_list(request, parent: Text = ""):
    return [_region_out(r) for r in selectors.region_children(code=parent or None)]


@router.get(
    "/resolve",
    response={200: ResolutionOut, **UNAUTHENTICATED},
    summary="Cocokkan nama tempat bebas dengan kode wilayah",
)
def region_resolve(request, q: Text, level: RegionLevel | None = None, within: Text | None = None):
    return resolve_place(q, level=level, within=within or None).as_dict()


@router.get(
    "/kbli",
    response={200: list[KbliOut], **UNAUTHENTICATED},
    summary="Cari KBLI 2020 5 digit industri pengolahan",
)
def kbli_list(request, q: Text = ""):
    return list(selectors.kbli_search(query=q))


@router.get(
    "/{code}",
    response={200: RegionOut, 404: ErrorOut, **UNAUTHENTICATED},
    summary="Rincian wilayah dengan jalurnya",
)
def region_detail(request, code: Text):
    region = selectors.region_get(code=code)
    if region is None:
        return Status(404, {"detail": _("Kode wilayah %(code)s tidak dikenal.") % {"code": code}})
    path = [r.name for r in selectors.region_path(code=region.code)]
    return _region_out(region, path=path)
