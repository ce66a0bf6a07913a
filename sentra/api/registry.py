"""Registry endpoints: enterprises (IKM), centres (sentra IKM), products and agencies.

A thin layer: lists go through registry.selectors with the same filters as the web pages, writes
through registry.services, whose DomainError the API turns into a 400 (see api/urls.py).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from sentra.accounts.permissions import Action
from sentra.accounts.scope import require, resolve_reference
from sentra.agencies.models import Agency, AgencyKind
from sentra.core.errors import DomainError, FieldError, NotFound
from sentra.regions.codes import normalise_code
from sentra.regions.selectors import region_filter_q
from sentra.registry import selectors, services
from sentra.registry.choices import CentreStatus, EnterpriseStatus, MarketReach, RawMaterialOrigin, SizeClass
from sentra.registry.exports import unit_key
from sentra.registry.filtersets import CENTRE_FILTERS, ENTERPRISE_FILTERS, PRODUCT_FILTERS
from sentra.registry.models import Centre, CentreVillage, Decree, Enterprise, Product
from sentra.verification.models import VerificationStatus

from . import generic
from .auth import api_actor
from .generic import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    ApiRecordType,
    Page,
    agency_or_error,
    agency_or_none,
    creator,
    register,
    same_agency,
)
from .schemas import MAX_PAGE, REFUSED, UNAUTHENTICATED, DecimalIn, ErrorOut, Id, Int64, PageNumber, Text

router = Router(tags=["registri"])


# --- shared -------------------------------------------------------------------------------------


# The lists' parameters are the web pages' filters (registry/filtersets.py), cleaned the same way.
EnterpriseFilters = generic.filter_schema(
    ENTERPRISE_FILTERS, "EnterpriseFilters", max_page=MAX_PAGE, page_size_capped=True
)
CentreFilters = generic.filter_schema(
    CENTRE_FILTERS, "CentreFilters", max_page=MAX_PAGE, page_size_capped=True
)
ProductFilters = generic.filter_schema(
    PRODUCT_FILTERS, "ProductFilters", max_page=MAX_PAGE, page_size_capped=True
)


# The registry's lists count up to this many matches. The three names below are looked up at each
# request, so that tests can lower the limit or stand in for the estimate and the count.
COUNT_LIMIT = generic.COUNT_LIMIT
SEARCH_COUNT_LIMIT = 1_000  # a text search: see web/generic.py SEARCH_COUNT_CAP
_estimated_rows = generic.estimated_rows


def _count(qs: QuerySet, *, unfiltered: bool, search: bool = False) -> tuple[int, bool]:
    """`search`: a text search counts to SEARCH_COUNT_LIMIT only, as the web list does (web/generic.py)."""
    limit = min(COUNT_LIMIT, SEARCH_COUNT_LIMIT) if search else COUNT_LIMIT
    return generic.capped_count(qs, unfiltered=unfiltered, limit=limit, estimate=_estimated_rows)


def _paginate(qs: QuerySet, filters) -> dict[str, Any]:
    search = bool(getattr(filters, "q", ""))
    return generic.paginate(
        qs,
        page=filters.page,
        page_size=filters.page_size,
        unfiltered=filters.is_unfiltered(),
        count=lambda qs, *, unfiltered: _count(qs, unfiltered=unfiltered, search=search),
    )


_creator = creator
_agency_or_none = agency_or_none


def _visible_or_error(get_fn, actor, pk: int | None, field: str):
    if pk is None:
        return None
    obj = get_fn(actor=actor, pk=pk)
    if obj is None:
        raise DomainError(
            _("Data terkait tidak ditemukan."),
            code="unknown_reference",
            errors=[FieldError(field, _("Data dengan id %(id)s tidak ada.") % {"id": pk}, "unknown")],
        )
    return obj


_agency_or_error = agency_or_error
_same_agency = same_agency


# --- agencies -----------------------------------------------------------------------------------


class AgencyOut(Schema):
    id: int
    name: str
    short_name: str
    kind: AgencyKind
    region: str | None = Field(None, alias="region_id")
    satker_code: str = Field(description="Kode satker SAKTI (6 digit); kosong bila belum ada.")


class AgencyFilters(Schema):
    q: Text = ""
    region: Text = Field("", description="Kode wilayah; instansi di wilayah itu dan di bawahnya.")
    kind: Text = ""
    satker: Text = Field("", description="Kode satker SAKTI (6 digit).")
    page: PageNumber = 1
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1)


@router.get("/agencies", response={200: Page[AgencyOut], **UNAUTHENTICATED}, summary="Daftar instansi")
def agency_list(request, filters: Query[AgencyFilters]):
    qs = Agency.objects.order_by("name", "id")
    if q := filters.q.strip():
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    if filters.region and (code := normalise_code(filters.region)):
        qs = qs.filter(region_filter_q("region_id", code))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.satker:
        qs = qs.filter(satker_code=filters.satker.strip())
    page_size = min(filters.page_size, MAX_PAGE_SIZE)
    start = (filters.page - 1) * page_size
    return {
        "count": qs.count(),  # a few thousand agencies at most
        "count_exact": True,
        "page": filters.page,
        "page_size": page_size,
        "results": list(qs[start : start + page_size]),
    }


@router.get(
    "/agencies/{agency_id}",
    response={200: AgencyOut, 404: ErrorOut, **UNAUTHENTICATED},
    summary="Detail instansi",
)
def agency_detail(request, agency_id: Id):
    return get_object_or_404(Agency, pk=agency_id)


class SatkerCodeIn(Schema):
    satker_code: Text = Field(max_length=20, description="6 digit; kosong menghapus kode.")
    reason: Text = Field("", max_length=500)


@router.put(
    "/agencies/{agency_id}/satker-code",
    response={200: AgencyOut, 404: ErrorOut, **REFUSED, **UNAUTHENTICATED},
    summary="Tetapkan kode satker SAKTI instansi (kementerian)",
    description="Tepat 6 digit (`invalid_satker_code`), satu instansi per kode (`duplicate_satker_code`).",
)
def agency_satker_code(request, agency_id: Id, payload: SatkerCodeIn):
    from sentra.agencies.services import agency_set_satker_code

    agency = get_object_or_404(Agency, pk=agency_id)
    return agency_set_satker_code(
        actor=api_actor(request), agency=agency, satker_code=payload.satker_code, reason=payload.reason
    )


# --- enterprises --------------------------------------------------------------------------------


class EnterpriseOut(Schema):
    id: int
    name: str
    owner_name: str
    nib: str | None
    unit_key: str = Field(
        description="Kunci unit usaha NIB/KBLI/kode desa (satu NIB dapat memiliki beberapa unit); "
        "kosong bila tanpa NIB."
    )
    kbli: str = Field(alias="kbli_id")
    kbli_title: str = Field(alias="kbli.title")
    village: str = Field(alias="village_id")
    village_name: str = Field(alias="village.name")
    province_code: str
    regency_code: str
    agency_id: int
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    workers: int
    investment: int
    production_capacity: Decimal | None
    capacity_unit: str
    production_value: int | None
    year_started: int | None
    size_class: SizeClass
    status: EnterpriseStatus
    installed_capacity: Decimal | None
    production_quantity: Decimal | None
    production_unit: str
    raw_material: str
    raw_material_quantity: Decimal | None
    raw_material_unit: str
    raw_material_origin: RawMaterialOrigin | Literal[""]
    other_raw_materials: str
    land_building_value: int | None
    water_use: Decimal | None
    water_unit: str
    fuel_type: str
    fuel_use: Decimal | None
    fuel_unit: str
    electricity_use: Decimal | None
    electricity_unit: str
    machine_count: int | None
    machines: str
    data_year: int | None
    created_at: datetime
    updated_at: datetime
    verification_status: VerificationStatus
    return_reason: str
    submitted_at: datetime | None
    verified_at: datetime | None
    accepted_at: datetime | None
    version: int = Field(description="Versi data; sama dengan ETag.")

    @staticmethod
    def resolve_unit_key(obj: Enterprise) -> str:
        return unit_key(obj)


SIINAS_DESCRIPTION = "Butir laporan SIINas industri kecil (Permenperin 13/2025 Pasal 7); jumlah per tahun."


class EnterpriseIn(Schema):
    agency_id: Id | None = Field(None, description="Instansi pemilik data; bawaan: instansi Anda.")
    village: Text = Field(description="Kode desa/kelurahan, mis. 64.09.01.1001.")
    kbli: Text = Field(description="Kode KBLI 2020 5 angka.")
    name: Text
    owner_name: Text = ""
    nib: Text | None = Field(None, description="Nomor Induk Berusaha, 13 angka.")
    address: Text = ""
    latitude: DecimalIn | None = None
    longitude: DecimalIn | None = None
    workers: Int64 = 0
    investment: Int64 = Field(0, description="Rupiah, tidak termasuk tanah dan bangunan.")
    production_capacity: DecimalIn | None = None
    capacity_unit: Text = ""
    production_value: Int64 | None = None
    year_started: Int64 | None = None
    status: EnterpriseStatus = EnterpriseStatus.ACTIVE
    installed_capacity: DecimalIn | None = Field(None, description=SIINAS_DESCRIPTION)
    production_quantity: DecimalIn | None = None
    production_unit: Text = ""
    raw_material: Text = Field("", description="Bahan baku utama.")
    raw_material_quantity: DecimalIn | None = None
    raw_material_unit: Text = ""
    raw_material_origin: RawMaterialOrigin | Literal[""] = ""
    other_raw_materials: Text = Field("", description="Satu per baris: nama, jumlah, satuan, asal.")
    land_building_value: Int64 | None = Field(None, description="Rupiah.")
    water_use: DecimalIn | None = None
    water_unit: Text = ""
    fuel_type: Text = ""
    fuel_use: DecimalIn | None = None
    fuel_unit: Text = ""
    electricity_use: DecimalIn | None = None
    electricity_unit: Text = ""
    machine_count: Int64 | None = None
    machines: Text = ""
    data_year: Int64 | None = None


class EnterprisePatch(Schema):
    village: Text | None = None
    kbli: Text | None = None
    name: Text | None = None
    owner_name: Text | None = None
    nib: Text | None = None
    address: Text | None = None
    latitude: DecimalIn | None = None
    longitude: DecimalIn | None = None
    workers: Int64 | None = None
    investment: Int64 | None = None
    production_capacity: DecimalIn | None = None
    capacity_unit: Text | None = None
    production_value: Int64 | None = None
    year_started: Int64 | None = None
    status: EnterpriseStatus | None = None
    installed_capacity: DecimalIn | None = None
    production_quantity: DecimalIn | None = None
    production_unit: Text | None = None
    raw_material: Text | None = None
    raw_material_quantity: DecimalIn | None = None
    raw_material_unit: Text | None = None
    raw_material_origin: RawMaterialOrigin | Literal[""] | None = None
    other_raw_materials: Text | None = None
    land_building_value: Int64 | None = None
    water_use: DecimalIn | None = None
    water_unit: Text | None = None
    fuel_type: Text | None = None
    fuel_use: DecimalIn | None = None
    fuel_unit: Text | None = None
    electricity_use: DecimalIn | None = None
    electricity_unit: Text | None = None
    machine_count: Int64 | None = None
    machines: Text | None = None
    data_year: Int64 | None = None


class BusinessOut(Schema):
    """One business actor (a NIB) and its units the caller may read."""

    nib: str
    units: int = Field(description="Jumlah unit usaha yang dapat Anda baca.")
    workers: int = Field(description="Jumlah tenaga kerja semua unit itu.")
    investment: int = Field(description="Jumlah investasi semua unit itu (Rp).")
    kbli_codes: list[str]
    village_codes: list[str]
    results: list[EnterpriseOut]


def _enterprise_kwargs(actor, data: dict[str, Any], enterprise: Enterprise | None = None) -> dict[str, Any]:
    if "village" in data:
        data["village_code"] = data.pop("village")
    if "kbli" in data:
        data["kbli_code"] = data.pop("kbli")
    return data


ENTERPRISES = ApiRecordType(
    key="enterprise",
    path="/enterprises",
    label="IKM",
    module=__name__,
    out=EnterpriseOut,
    create_in=EnterpriseIn,
    patch_in=EnterprisePatch,
    filters=EnterpriseFilters,
    list_fn=selectors.enterprise_list,
    get_fn=selectors.enterprise_get,
    create_fn=services.enterprise_create,
    update_fn=services.enterprise_update,
    delete_fn=services.record_delete,
    to_service=_enterprise_kwargs,
    paginate=_paginate,
)
register(router, ENTERPRISES)


@router.get(
    "/businesses/{nib}",
    response={200: BusinessOut, 404: ErrorOut, **REFUSED},
    summary="Semua unit usaha satu NIB",
    description="OSS-RBA: satu NIB (pelaku usaha) dapat memiliki beberapa unit usaha dengan KBLI dan/atau "
    "lokasi berbeda. Hanya unit di wilayah kerja Anda; 404 bila tidak ada.",
)
def business_detail(request, nib: Text):
    actor = api_actor(request)
    require(actor, Action.LIST)
    units = list(selectors.business_units(actor=actor, nib=nib))
    if not units:
        raise NotFound
    summary = selectors.business_summary(units, nib)
    return {**summary.__dict__, "results": units}


# --- centres ------------------------------------------------------------------------------------


class VillageOut(Schema):
    code: str
    name: str


class DecreeOut(Schema):
    id: int
    kind: str
    number: str
    issued_on: date
    signatory: str
    title: str
    region: str = Field(alias="region_id")


class CentreOut(Schema):
    id: int
    name: str
    commodity: str
    kbli: str = Field(alias="kbli_id")
    kbli_title: str = Field(alias="kbli.title")
    village: str = Field(alias="village_id", description="Desa/kelurahan utama.")
    villages: list[VillageOut]
    province_code: str
    regency_code: str
    agency_id: int
    member_count: int
    warnings: list[str]
    status: CentreStatus
    decree: DecreeOut | None
    raw_material: str
    description: str
    proposed_on: date | None
    designated_on: date | None
    developing_on: date | None
    self_reliant_on: date | None
    inactive_on: date | None
    inactive_reason: str
    board_chair: str
    board_members: str
    upt_name: str
    has_gapura: bool
    has_logo: bool
    has_showroom: bool
    facilities: str
    is_desa_wisata: bool
    is_desa_pengrajin: bool
    created_at: datetime
    updated_at: datetime
    verification_status: VerificationStatus
    return_reason: str
    submitted_at: datetime | None
    verified_at: datetime | None
    accepted_at: datetime | None
    version: int = Field(description="Versi data; sama dengan ETag.")

    @staticmethod
    def resolve_villages(obj: Centre) -> list[dict[str, str]]:
        # village_links__village is prefetched by the list and the detail: no query per centre.
        return [{"code": link.village.code, "name": link.village.name} for link in obj.village_links.all()]

    @staticmethod
    def resolve_warnings(obj: Centre) -> list[str]:
        return services.centre_warnings(
            member_count=obj.member_count,
            members_other_kbli=obj.members_other_kbli,
            kbli_code=obj.kbli_id,
            members_other_raw_material=obj.members_other_raw_material,
            raw_material=obj.raw_material,
        )


class CentreIn(Schema):
    agency_id: Id | None = Field(None, description="Instansi pemilik data; bawaan: instansi Anda.")
    name: Text
    commodity: Text
    kbli: Text
    villages: list[Text] = Field(description="Kode desa/kelurahan; yang pertama adalah desa utama.")
    members: list[Id] = Field(default_factory=list, description="Id IKM anggota.")
    decree_id: Id | None = None
    raw_material: Text = ""
    description: Text = ""
    status: CentreStatus = CentreStatus.PROPOSED
    proposed_on: date | None = None
    designated_on: date | None = None
    developing_on: date | None = None
    self_reliant_on: date | None = None
    inactive_on: date | None = Field(None, description="Tanggal sentra tidak aktif (status inactive).")
    inactive_reason: Text = Field("", description="Alasan tidak aktif; wajib bila status inactive.")
    board_chair: Text = ""
    board_members: Text = ""
    upt_name: Text = ""
    has_gapura: bool = False
    has_logo: bool = False
    has_showroom: bool = False
    facilities: Text = ""
    is_desa_wisata: bool = False
    is_desa_pengrajin: bool = False


class CentrePatch(Schema):
    name: Text | None = None
    commodity: Text | None = None
    kbli: Text | None = None
    villages: list[Text] | None = None
    members: list[Id] | None = None
    decree_id: Id | None = None
    raw_material: Text | None = None
    description: Text | None = None
    status: CentreStatus | None = None
    proposed_on: date | None = None
    designated_on: date | None = None
    developing_on: date | None = None
    self_reliant_on: date | None = None
    inactive_on: date | None = None
    inactive_reason: Text | None = None
    board_chair: Text | None = None
    board_members: Text | None = None
    upt_name: Text | None = None
    has_gapura: bool | None = None
    has_logo: bool | None = None
    has_showroom: bool | None = None
    facilities: Text | None = None
    is_desa_wisata: bool | None = None
    is_desa_pengrajin: bool | None = None


def _centre_kwargs(actor, data: dict[str, Any], centre: Centre | None = None) -> dict[str, Any]:
    if "decree_id" in data:
        # Through the scope rule (accounts.scope.resolve_reference): a decree of another region is
        # answered as an unknown id; the centre's current decree may be sent back unchanged.
        data["decree"] = resolve_reference(
            actor,
            Decree,
            data.pop("decree_id"),
            field="decree_id",
            keep=centre.decree_id if centre else None,
            enclosing=True,
        )
    if "villages" in data:
        data["village_codes"] = data.pop("villages")
    if "members" in data:
        data["member_ids"] = data.pop("members")
    if "kbli" in data:
        data["kbli_code"] = data.pop("kbli")
    return data


def _with_villages(qs):
    # One query for every listed centre's villages, the village names joined in.
    return qs.prefetch_related(
        Prefetch("village_links", queryset=CentreVillage.objects.select_related("village").order_by("id"))
    )


CENTRES = ApiRecordType(
    key="centre",
    path="/centres",
    label="sentra IKM",
    module=__name__,
    out=CentreOut,
    create_in=CentreIn,
    patch_in=CentrePatch,
    filters=CentreFilters,
    list_fn=selectors.centre_list,
    get_fn=selectors.centre_get,
    create_fn=services.centre_create,
    update_fn=services.centre_update,
    delete_fn=services.record_delete,
    to_service=_centre_kwargs,
    prepare_list=_with_villages,
    paginate=_paginate,
)
register(router, CENTRES)


# --- products -----------------------------------------------------------------------------------


class ProductOut(Schema):
    id: int
    name: str
    enterprise_id: int | None
    centre_id: int | None
    kbli: str | None = Field(None, alias="kbli_id")
    village: str = Field(alias="village_id")
    province_code: str
    regency_code: str
    agency_id: int
    description: str
    price_min: int | None
    price_max: int | None
    market_reach: MarketReach
    photo: str | None = None
    created_at: datetime
    updated_at: datetime
    verification_status: VerificationStatus
    return_reason: str
    submitted_at: datetime | None
    verified_at: datetime | None
    accepted_at: datetime | None
    version: int = Field(description="Versi data; sama dengan ETag.")

    @staticmethod
    def resolve_photo(obj: Product) -> str | None:
        return obj.photo.url if obj.photo else None


class ProductIn(Schema):
    agency_id: Id | None = Field(None, description="Instansi pemilik data; bawaan: instansi Anda.")
    name: Text
    enterprise_id: Id | None = Field(None, description="IKM pembuat; isi ini dan/atau centre_id.")
    centre_id: Id | None = None
    kbli: Text | None = Field(None, description="Bawaan: KBLI IKM atau sentra pembuat.")
    description: Text = ""
    price_min: Int64 | None = None
    price_max: Int64 | None = None
    market_reach: MarketReach = MarketReach.LOCAL


class ProductPatch(Schema):
    name: Text | None = None
    enterprise_id: Id | None = None
    centre_id: Id | None = None
    kbli: Text | None = None
    description: Text | None = None
    price_min: Int64 | None = None
    price_max: Int64 | None = None
    market_reach: MarketReach | None = None


def _product_kwargs(actor, data: dict[str, Any], product: Product | None = None) -> dict[str, Any]:
    if "enterprise_id" in data:
        data["enterprise"] = _visible_or_error(
            selectors.enterprise_get, actor, data.pop("enterprise_id"), "enterprise_id"
        )
    if "centre_id" in data:
        data["centre"] = _visible_or_error(selectors.centre_get, actor, data.pop("centre_id"), "centre_id")
    if "kbli" in data:
        data["kbli_code"] = data.pop("kbli")
    return data


PRODUCTS = ApiRecordType(
    key="product",
    path="/products",
    label="produk",
    module=__name__,
    out=ProductOut,
    create_in=ProductIn,
    patch_in=ProductPatch,
    filters=ProductFilters,
    list_fn=selectors.product_list,
    get_fn=selectors.product_get,
    create_fn=services.product_create,
    update_fn=services.product_update,
    delete_fn=services.record_delete,
    to_service=_product_kwargs,
    paginate=_paginate,
)
register(router, PRODUCTS)
