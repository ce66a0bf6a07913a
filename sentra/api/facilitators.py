"""Facilitators (TPL-IKM), their contracts, placements and caseload (issue 16): `/api/v1/facilitators`,
`/api/v1/facilitator-contracts`, `/api/v1/facilitator-placements`, `/api/v1/facilitator-assignments`.

A thin layer like api/coordination.py: reads go through facilitators/filtersets.py (the web pages'
filters, cleaned the same way) on the scope rule of facilitators.selectors — a facilitator reads only
their own record and work, a Dinas its regency's; a record outside answers 404. Writes go through
facilitators.services, whose DomainError becomes a 400 with the rule's stable `code` and per-field
errors (api/urls.py); a body that does not match the schema is a 422. An id in a body that names
nothing the caller reads answers 400 `unknown_reference`. Records carry an ETag (their version);
PATCH and the end/renew steps honour If-Match (412 `stale`). The identity number (NIK) may be written
but is never returned: only the web page shows it, to managers, logged.
Visits are api/facilitators_visits.py's; `/facilitators/coverage` is registered before this router.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from ninja import Field, Router, Schema

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, unknown_reference
from sentra.agencies.models import Agency
from sentra.coordination.models import Meeting
from sentra.facilitators import filtersets, selectors, services
from sentra.facilitators.choices import ContractParty, Education, FacilitatorStatus, Polytechnic, Sex
from sentra.facilitators.filtersets import (
    ASSIGNMENT_FILTERS,
    CONTRACT_FILTERS,
    FACILITATOR_FILTERS,
    PLACEMENT_FILTERS,
)
from sentra.programmes.models import BudgetLine
from sentra.regions.models import Region

from .auth import api_actor
from .etag import IF_MATCH_DESCRIPTION, STALE, if_match, tagged
from .generic import ApiRecordType, filter_schema, register
from .schemas import REFUSED, ApiError, DecimalIn, ErrorOut, Id, Text

router = Router(tags=["pendamping"])

RegencyCode = Annotated[str, Field(pattern=r"^\d{2}\.\d{2}$", description="Kode kabupaten/kota, mis. 64.09.")]
NOT_FOUND = {404: ErrorOut}
WRITE = {400: ApiError, **REFUSED}

# The list filters are the web pages' (facilitators/filtersets.py), cleaned the same way.
FacilitatorFilters = filter_schema(FACILITATOR_FILTERS, "FacilitatorFilters")
ContractFilters = filter_schema(CONTRACT_FILTERS, "FacilitatorContractFilters")
PlacementFilters = filter_schema(PLACEMENT_FILTERS, "FacilitatorPlacementFilters")
AssignmentFilters = filter_schema(ASSIGNMENT_FILTERS, "FacilitatorAssignmentFilters")


# --- schemas -----------------------------------------------------------------------------------------


class FacilitatorAgencyRef(Schema):
    id: int
    name: str


class FacilitatorRef(Schema):
    id: int
    name: str
    cohort: int


class NamedRef(Schema):
    id: int
    name: str


class FacilitatorOut(Schema):
    id: int
    name: str
    sex: Sex
    birth_year: int | None
    education: Education
    polytechnic: str = Field(description="Kode politeknik; kosong bila tidak diisi.")
    study_programme: str
    cohort: int
    scholarship_programme: str
    home_region: str = Field(alias="home_region_id", description="Kabupaten/kota asal.")
    province_code: str = Field(description="Provinsi penempatan.")
    regency_code: str = Field(description="Kabupaten/kota penempatan (penempatan berjalan, else asal).")
    status: FacilitatorStatus
    agency: FacilitatorAgencyRef = Field(description="Dinas pembina.")
    username: str | None = Field(None, description="Akun pengguna pendamping.")
    phone: str
    email: str
    version: int

    @staticmethod
    def resolve_username(obj) -> str | None:
        return obj.user.username if obj.user_id else None


class FacilitatorIn(Schema):
    name: Text = Field(max_length=150)
    sex: Sex
    birth_year: int | None = Field(None, ge=1900, le=2100)
    education: Education = Education.D3
    polytechnic: Polytechnic | None = None
    study_programme: Text = Field("", max_length=150)
    phone: Text = Field("", max_length=30)
    email: Text = Field("", max_length=254)
    identity_number: Text = Field(
        "", max_length=16, description="NIK (16 angka), hanya bila perlu; tidak pernah dikembalikan."
    )
    cohort: int = Field(ge=2000, le=2100)
    scholarship_programme: Text = Field("Beasiswa TPL-IKM Kemenperin", max_length=150)
    home_region: RegencyCode
    agency_id: Id | None = Field(None, description="Dinas pembina; bawaan: instansi Anda.")
    username: Text | None = Field(None, max_length=150, description="Akun dengan peran pendamping.")
    status: FacilitatorStatus = FacilitatorStatus.ACTIVE
    notes: Text = Field("", max_length=10_000)


class FacilitatorPatch(Schema):
    name: Text | None = Field(None, max_length=150)
    sex: Sex | None = None
    birth_year: int | None = Field(None, ge=1900, le=2100)
    education: Education | None = None
    polytechnic: Polytechnic | None = None
    study_programme: Text | None = Field(None, max_length=150)
    phone: Text | None = Field(None, max_length=30)
    email: Text | None = Field(None, max_length=254)
    identity_number: Text | None = Field(None, max_length=16)
    cohort: int | None = Field(None, ge=2000, le=2100)
    scholarship_programme: Text | None = Field(None, max_length=150)
    home_region: RegencyCode | None = None
    username: Text | None = Field(None, max_length=150, description='Kosong (""): lepaskan akun.')
    status: FacilitatorStatus | None = None
    notes: Text | None = Field(None, max_length=10_000)
    reason: Text = Field("", max_length=500)


class ContractOut(Schema):
    id: int
    number: str
    facilitator: FacilitatorRef
    party: ContractParty
    party_agency_id: int | None
    signed_on: dt.date | None
    signed_place: str
    signed_at_meeting_id: int | None
    contract_year: int
    period_start: dt.date
    period_end: dt.date
    funding_source: str
    budget_line_id: int | None
    honorarium: int
    operating_costs: int
    previous_id: int | None = Field(description="Kontrak yang diperpanjang oleh kontrak ini.")
    renewal_id: int | None = Field(None, description="Kontrak yang memperpanjang kontrak ini.")
    province_code: str
    regency_code: str
    version: int

    @staticmethod
    def resolve_renewal_id(obj) -> int | None:
        renewal = getattr(obj, "renewal", None) if _has_renewal(obj) else None
        return renewal.pk if renewal is not None else None


def _has_renewal(contract) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        contract.renewal  # noqa: B018 - a missing reverse one-to-one raises
    except ObjectDoesNotExist:
        return False
    return True


class ContractIn(Schema):
    facilitator_id: Id
    number: Text = Field(max_length=80, description="Mis. 3.8.2 /IKM/KK/1/2018.")
    party: ContractParty = ContractParty.DIRECTOR_GENERAL
    party_agency_id: Id | None = None
    signed_on: dt.date | None = None
    signed_place: Text = Field("", max_length=200)
    signed_at_meeting_id: Id | None = Field(None, description="Rapat tempat kontrak ditandatangani.")
    contract_year: int | None = Field(None, ge=1, le=50, description="Bawaan: 1, atau tahun sebelumnya + 1.")
    period_start: dt.date
    period_end: dt.date
    funding_source: Text = Field("", max_length=150)
    budget_line_id: Id | None = None
    honorarium: DecimalIn = Field(0, ge=0, max_digits=14, decimal_places=0)
    operating_costs: DecimalIn = Field(0, ge=0, max_digits=14, decimal_places=0)
    previous_id: Id | None = Field(None, description="Kontrak yang diperpanjang.")
    notes: Text = Field("", max_length=10_000)


class ContractPatch(Schema):
    number: Text | None = Field(None, max_length=80)
    party: ContractParty | None = None
    party_agency_id: Id | None = None
    signed_on: dt.date | None = None
    signed_place: Text | None = Field(None, max_length=200)
    signed_at_meeting_id: Id | None = None
    contract_year: int | None = Field(None, ge=1, le=50)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    funding_source: Text | None = Field(None, max_length=150)
    budget_line_id: Id | None = None
    honorarium: DecimalIn | None = Field(None, ge=0, max_digits=14, decimal_places=0)
    operating_costs: DecimalIn | None = Field(None, ge=0, max_digits=14, decimal_places=0)
    notes: Text | None = Field(None, max_length=10_000)
    reason: Text = Field("", max_length=500)


class RenewIn(Schema):
    number: Text = Field(max_length=80, description="Nomor kontrak baru.")
    period_start: dt.date | None = Field(None, description="Bawaan: sehari setelah kontrak ini berakhir.")
    period_end: dt.date | None = Field(None, description="Bawaan: sepanjang kontrak ini.")
    signed_on: dt.date | None = None
    signed_place: Text = Field("", max_length=200)
    signed_at_meeting_id: Id | None = None
    funding_source: Text | None = Field(None, max_length=150)
    honorarium: DecimalIn | None = Field(None, ge=0, max_digits=14, decimal_places=0)
    operating_costs: DecimalIn | None = Field(None, ge=0, max_digits=14, decimal_places=0)


class PlacementOut(Schema):
    id: int
    facilitator: FacilitatorRef
    region: str = Field(alias="region_id", description="Kabupaten/kota penempatan.")
    host_agency: FacilitatorAgencyRef
    supervisor: str | None = Field(None, description="Nama pengguna pembimbing.")
    starts_on: dt.date
    ends_on: dt.date | None
    version: int

    @staticmethod
    def resolve_supervisor(obj) -> str | None:
        return obj.supervisor.username if obj.supervisor_id else None


class PlacementIn(Schema):
    facilitator_id: Id
    region: RegencyCode
    host_agency_id: Id
    supervisor: Text | None = Field(None, max_length=150, description="Nama pengguna pegawai Dinas itu.")
    starts_on: dt.date
    ends_on: dt.date | None = None


class EndIn(Schema):
    ends_on: dt.date
    reason: Text = Field("", max_length=500)


class AssignmentOut(Schema):
    id: int
    facilitator: FacilitatorRef
    centre: NamedRef | None
    enterprise: NamedRef | None
    starts_on: dt.date
    ends_on: dt.date | None
    last_visit_on: dt.date | None
    version: int


class AssignmentIn(Schema):
    facilitator_id: Id
    centre_id: Id | None = Field(None, description="Isi salah satu: centre_id atau enterprise_id.")
    enterprise_id: Id | None = None
    starts_on: dt.date


# --- references named in a body ---------------------------------------------------------------------


def _visible_facilitator(actor: Actor, pk: int, field: str = "facilitator_id"):
    found = selectors.visible_facilitators(actor).filter(pk=pk).first()
    if found is None:
        raise unknown_reference(field, pk)
    return found


def _region(code: str | None, field: str) -> Region | None:
    if code is None:
        return None
    found = Region.objects.filter(code=code).first()
    if found is None:
        raise unknown_reference(field, code)
    return found


def _user(username: str | None, field: str):
    if not username:
        return None
    found = get_user_model().objects.filter(username=username).first()
    if found is None:
        raise unknown_reference(field, username)
    return found


def _by_id(model, pk: int | None, field: str):
    """An agency, a meeting or a budget line by id (the services check that the actor reads it)."""
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise unknown_reference(field, pk)
    return found


def _references(data: dict[str, Any]) -> dict[str, Any]:
    """A contract body's ids as the contract services take them (model instances)."""
    for name, model in (
        ("party_agency", Agency),
        ("signed_at_meeting", Meeting),
        ("budget_line", BudgetLine),
    ):
        key = f"{name}_id"
        if key in data:
            data[name] = _by_id(model, data.pop(key), key)
    return data


def _null_kept(data: dict[str, Any], *, required=(), blank=()) -> dict[str, Any]:
    """A PATCH's null: a required field keeps its value, an optional text field is emptied."""
    for name in required:
        if name in data and data[name] is None:
            data.pop(name)
    for name in blank:
        if name in data and data[name] is None:
            data[name] = ""
    return data


# --- facilitators ----------------------------------------------------------------------------------


def _facilitator_to_service(actor: Actor, data: dict[str, Any], facilitator) -> dict[str, Any]:
    if facilitator is not None:
        data = _null_kept(
            data,
            required=("name", "sex", "education", "cohort", "home_region", "status"),
            blank=("polytechnic", "study_programme", "phone", "email", "scholarship_programme", "notes"),
        )
        if data.get("identity_number") is None:
            data.pop("identity_number", None)  # null or absent: the stored NIK stays
    if "polytechnic" in data and data["polytechnic"] is None:
        data["polytechnic"] = ""
    if "home_region" in data:
        data["home_region"] = _region(data["home_region"], "home_region")
    if "username" in data:
        data["user"] = _user(data.pop("username"), "username")
    return data


FACILITATORS_API = {"module": __name__, "area": Area.FACILITATORS, "delete_fn": None}

register(
    router,
    ApiRecordType(
        key="facilitator",
        path="/facilitators",
        label="pendamping",
        **FACILITATORS_API,
        operations=frozenset({"list", "detail", "create", "patch"}),
        out=FacilitatorOut,
        create_in=FacilitatorIn,
        patch_in=FacilitatorPatch,
        filters=FacilitatorFilters,
        list_fn=filtersets.facilitator_list,
        get_fn=filtersets.facilitator_get,
        create_fn=services.facilitator_create,
        update_fn=services.facilitator_update,
        to_service=_facilitator_to_service,
        prepare_list=lambda qs: qs.select_related("user"),
    ),
    summaries={
        "list": "Daftar pendamping lapangan (TPL-IKM)",
        "detail": "Rincian pendamping",
        "create": "Catat pendamping",
        "patch": "Ubah data pendamping (pendamping sendiri: hanya telepon, e-mail, program studi)",
    },
)


# --- contracts -------------------------------------------------------------------------------------


def _no_agency(create):
    """The contract, placement and caseload services take no owning agency (the facilitator's Dinas)."""

    def call(*, actor, agency=None, **data):
        return create(actor=actor, **data)

    return call


def _contract_to_service(actor: Actor, data: dict[str, Any], contract) -> dict[str, Any]:
    data["facilitator"] = _visible_facilitator(actor, data.pop("facilitator_id"))
    previous = data.pop("previous_id")
    data["previous"] = None
    if previous is not None:
        found = selectors.visible_contracts(actor).filter(pk=previous).first()
        if found is None:
            raise unknown_reference("previous_id", previous)
        data["previous"] = found
    data["agency"] = None
    return _references(data)


register(
    router,
    ApiRecordType(
        key="facilitator_contract",
        path="/facilitator-contracts",
        label="kontrak TPL-IKM",
        **FACILITATORS_API,
        operations=frozenset({"list", "detail", "create"}),
        out=ContractOut,
        create_in=ContractIn,
        patch_in=ContractPatch,
        filters=ContractFilters,
        list_fn=filtersets.contract_list,
        get_fn=filtersets.contract_get,
        create_fn=_no_agency(services.contract_create),
        update_fn=services.contract_update,
        to_service=_contract_to_service,
        prepare_list=lambda qs: qs.select_related("renewal"),
    ),
    summaries={
        "list": "Daftar kontrak TPL-IKM (expiring_within_days=60: berakhir dalam 60 hari)",
        "detail": "Rincian kontrak TPL-IKM",
        "create": "Catat kontrak TPL-IKM",
    },
)


@router.patch(
    "/facilitator-contracts/{facilitator_contract_id}",
    response={200: ContractOut, **NOT_FOUND, **WRITE, **STALE},
    summary="Ubah sebagian data kontrak TPL-IKM",
    description=IF_MATCH_DESCRIPTION,
)
def facilitator_contract_patch(
    request, facilitator_contract_id: Id, payload: ContractPatch, response: HttpResponse
):
    actor = api_actor(request)
    contract = filtersets.contract_get(actor=actor, pk=facilitator_contract_id)
    services.require_manager(actor, Action.EDIT)  # 403 before any field is looked at
    data = _null_kept(
        payload.dict(exclude_unset=True),
        required=(
            "number",
            "party",
            "contract_year",
            "period_start",
            "period_end",
            "honorarium",
            "operating_costs",
        ),
        blank=("signed_place", "funding_source", "notes"),
    )
    reason = data.pop("reason", "")
    services.contract_update(
        actor=actor, contract=contract, expected_version=if_match(request), reason=reason, **_references(data)
    )
    return tagged(response, filtersets.contract_get(actor=actor, pk=contract.pk))


@router.post(
    "/facilitator-contracts/{facilitator_contract_id}/renew",
    response={201: ContractOut, **NOT_FOUND, **WRITE},
    summary="Perpanjang kontrak: kontrak tahun berikutnya dalam rangkaian yang sama",
)
def facilitator_contract_renew(
    request, facilitator_contract_id: Id, payload: RenewIn, response: HttpResponse
):
    actor = api_actor(request)
    contract = filtersets.contract_get(actor=actor, pk=facilitator_contract_id)
    services.require_manager(actor, Action.CREATE)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    renewal = services.contract_renew(actor=actor, contract=contract, **_references(data))
    return 201, tagged(response, filtersets.contract_get(actor=actor, pk=renewal.pk))


# --- placements and caseload ---------------------------------------------------------------------------


def _placement_to_service(actor: Actor, data: dict[str, Any], placement) -> dict[str, Any]:
    data["facilitator"] = _visible_facilitator(actor, data.pop("facilitator_id"))
    data["region"] = _region(data["region"], "region")
    data["host_agency"] = _by_id(Agency, data.pop("host_agency_id"), "host_agency_id")
    data["supervisor"] = _user(data.pop("supervisor"), "supervisor")
    data["agency"] = None
    return data


register(
    router,
    ApiRecordType(
        key="facilitator_placement",
        path="/facilitator-placements",
        label="penempatan pendamping",
        **FACILITATORS_API,
        operations=frozenset({"list", "detail", "create"}),
        out=PlacementOut,
        create_in=PlacementIn,
        patch_in=EndIn,
        filters=PlacementFilters,
        list_fn=filtersets.placement_list,
        get_fn=filtersets.placement_get,
        create_fn=_no_agency(services.placement_create),
        update_fn=services.placement_end,
        to_service=_placement_to_service,
    ),
    summaries={"create": "Catat penempatan (pendamping pindah ke kabupaten/kota itu)"},
)


@router.post(
    "/facilitator-placements/{facilitator_placement_id}/end",
    response={200: PlacementOut, **NOT_FOUND, **WRITE, **STALE},
    summary="Akhiri penempatan",
    description=IF_MATCH_DESCRIPTION,
)
def facilitator_placement_end(request, facilitator_placement_id: Id, payload: EndIn, response: HttpResponse):
    actor = api_actor(request)
    placement = filtersets.placement_get(actor=actor, pk=facilitator_placement_id)
    services.placement_end(
        actor=actor,
        placement=placement,
        ends_on=payload.ends_on,
        reason=payload.reason,
        expected_version=if_match(request),
    )
    return tagged(response, filtersets.placement_get(actor=actor, pk=placement.pk))


def _assignment_to_service(actor: Actor, data: dict[str, Any], assignment) -> dict[str, Any]:
    from sentra.registry.models import Centre, Enterprise

    data["facilitator"] = _visible_facilitator(actor, data.pop("facilitator_id"))
    # The service resolves the target through the scope rule (unknown_reference when not readable).
    data["centre"] = _by_id(Centre, data.pop("centre_id"), "centre_id")
    data["enterprise"] = _by_id(Enterprise, data.pop("enterprise_id"), "enterprise_id")
    data["agency"] = None
    return data


register(
    router,
    ApiRecordType(
        key="facilitator_assignment",
        path="/facilitator-assignments",
        label="binaan pendamping",
        **FACILITATORS_API,
        operations=frozenset({"list", "detail", "create"}),
        out=AssignmentOut,
        create_in=AssignmentIn,
        patch_in=EndIn,
        filters=AssignmentFilters,
        list_fn=filtersets.assignment_list,
        get_fn=filtersets.assignment_get,
        create_fn=_no_agency(services.assignment_create),
        update_fn=services.assignment_end,
        to_service=_assignment_to_service,
    ),
    summaries={
        "list": "Daftar binaan (sentra dan IKM) pendamping, dengan riwayat",
        "create": "Tambahkan sentra atau IKM ke binaan pendamping",
    },
)


@router.post(
    "/facilitator-assignments/{facilitator_assignment_id}/end",
    response={200: AssignmentOut, **NOT_FOUND, **WRITE, **STALE},
    summary="Akhiri binaan (riwayatnya tetap tersimpan)",
    description=IF_MATCH_DESCRIPTION,
)
def facilitator_assignment_end(
    request, facilitator_assignment_id: Id, payload: EndIn, response: HttpResponse
):
    actor = api_actor(request)
    assignment = filtersets.assignment_get(actor=actor, pk=facilitator_assignment_id)
    services.assignment_end(
        actor=actor,
        assignment=assignment,
        ends_on=payload.ends_on,
        reason=payload.reason,
        expected_version=if_match(request),
    )
    return tagged(response, filtersets.assignment_get(actor=actor, pk=assignment.pk))
