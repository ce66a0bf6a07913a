"""Enterprise updates proposed in the field at /api/v1/facilitator-proposals (issue 16 §3, §4).

Thin: reads through facilitators.selectors (a facilitator reads their own proposals, a Dinas its
regency's; anything else answers 404), decisions through facilitators.proposals, whose DomainError is a
400 with a stable `code` (`already_decided`, `choice_required`, `unknown_field`, `reason_required`,
`locked`, and the registry's field codes). A proposal is filed by the visit sync (POST /api/v1/visits,
`proposals` of a visit), not here.

Every decision honours If-Match with the proposal's ETag (412 `stale`). `apply` answers 200 with
`outcome` `applied`, or `conflict` when the enterprise changed since it was proposed: then nothing of
the enterprise was written, and `fields` shows the value when proposed, now and proposed side by side
for `resolve`, whose `enterprise_version` (the version compared against) refuses a choice made on
values that changed again (412 `stale`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import require
from sentra.facilitators import proposals
from sentra.facilitators.choices import ProposalStatus
from sentra.facilitators.models import EnterpriseProposal
from sentra.facilitators.selectors import get_visible, visible_proposals
from sentra.verification.models import VerificationStatus

from .auth import api_actor
from .etag import IF_MATCH_DESCRIPTION, STALE, if_match, tagged
from .generic import MAX_PAGE_SIZE, Page
from .schemas import REFUSED, ApiError, ErrorOut, Id, PageNumber, Text

router = Router(tags=["usulan pembaruan IKM dari lapangan"])

NOT_FOUND = {404: ErrorOut}
WRITE = {400: ApiError, **REFUSED}


class FieldRow(Schema):
    name: str
    label: str
    base: Any = Field(description="Nilai saat usulan diterima.")
    current: Any = Field(description="Nilai data IKM sekarang.")
    proposed: Any = Field(description="Nilai usulan pendamping.")
    changed_since: bool = Field(description="Nilai sekarang berbeda dari nilai saat diusulkan (bentrok).")


class ProposalOut(Schema):
    id: int
    client_id: str
    facilitator_id: int
    facilitator_name: str
    enterprise_id: int
    enterprise_name: str
    enterprise_version: int = Field(description="Versi data IKM sekarang (untuk `resolve`).")
    visit_id: int | None
    changes: dict[str, Any]
    base_values: dict[str, Any]
    base_version: int | None
    fields: list[FieldRow]
    outcome: ProposalStatus
    verification_status: VerificationStatus
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    decision_note: str
    return_reason: str
    version: int

    @staticmethod
    def resolve_client_id(obj: EnterpriseProposal) -> str:
        return str(obj.client_id)

    @staticmethod
    def resolve_facilitator_name(obj: EnterpriseProposal) -> str:
        return obj.facilitator.name

    @staticmethod
    def resolve_enterprise_name(obj: EnterpriseProposal) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_enterprise_version(obj: EnterpriseProposal) -> int:
        return obj.enterprise.version

    @staticmethod
    def resolve_fields(obj: EnterpriseProposal) -> list[dict]:
        changed = set(proposals.conflicting_fields(obj, obj.enterprise))
        now = proposals.current_values(obj.enterprise, obj.changes)
        return [
            {
                "name": name,
                "label": proposals.field_label(name),
                "base": obj.base_values.get(name),
                "current": now[name],
                "proposed": value,
                "changed_since": name in changed,
            }
            for name, value in obj.changes.items()
        ]


class ProposalFilterIn(Schema):
    outcome: ProposalStatus | None = None
    facilitator_id: Id | None = None
    enterprise_id: Id | None = None
    page: PageNumber = 1
    page_size: int = Field(50, ge=1, description=f"Maksimum {MAX_PAGE_SIZE}.")


class ResolveIn(Schema):
    choice: dict[str, Literal["proposed", "current"]] = Field(
        description='Untuk setiap data yang diusulkan: "proposed" (pakai nilai usulan) atau "current".'
    )
    enterprise_version: Id | None = Field(
        None, description="Versi data IKM yang dibandingkan; bila sudah berubah: 412 `stale`."
    )


class ProposalReasonIn(Schema):
    reason: Text = Field("", max_length=500, description="Wajib: mengapa usulan tidak diterapkan.")


def _rows(qs):
    return qs.select_related("facilitator", "enterprise")


def _proposal(actor, pk: int) -> EnterpriseProposal:
    return get_visible(actor, _rows(visible_proposals(actor)), pk)


def _fresh(actor, pk: int, response: HttpResponse) -> EnterpriseProposal:
    return tagged(response, _proposal(actor, pk))


@router.get(
    "/facilitator-proposals",
    response={200: Page[ProposalOut], **REFUSED},
    summary="Daftar usulan pembaruan IKM dari pendamping (filter hasil, pendamping, IKM)",
)
def proposal_list(request, filters: Query[ProposalFilterIn]):
    actor = api_actor(request)
    require(actor, Action.LIST, Area.FACILITATORS)
    qs = _rows(visible_proposals(actor)).order_by("-created_at", "-pk")
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.facilitator_id:
        qs = qs.filter(facilitator_id=filters.facilitator_id)
    if filters.enterprise_id:
        qs = qs.filter(enterprise_id=filters.enterprise_id)
    size = min(filters.page_size, MAX_PAGE_SIZE)
    start = (filters.page - 1) * size
    return {
        "count": qs.count(),
        "count_exact": True,
        "page": filters.page,
        "page_size": size,
        "results": list(qs[start : start + size]),
    }


@router.get(
    "/facilitator-proposals/{proposal_id}",
    response={200: ProposalOut, **NOT_FOUND, **REFUSED},
    summary="Satu usulan: nilai saat diusulkan, sekarang dan usulan, berdampingan",
)
def proposal_detail(request, proposal_id: Id, response: HttpResponse):
    actor = api_actor(request)
    return _fresh(actor, proposal_id, response)


@router.post(
    "/facilitator-proposals/{proposal_id}/apply",
    response={200: ProposalOut, **NOT_FOUND, **WRITE, **STALE},
    summary="Terapkan usulan (data IKM berubah sejak diusulkan: outcome `conflict`, tidak ada yang ditulis)",
    description=IF_MATCH_DESCRIPTION,
)
def proposal_apply(request, proposal_id: Id, response: HttpResponse):
    actor = api_actor(request)
    proposal = _proposal(actor, proposal_id)
    proposals.apply_proposal(actor=actor, proposal=proposal, version=if_match(request))
    return _fresh(actor, proposal_id, response)


@router.post(
    "/facilitator-proposals/{proposal_id}/resolve",
    response={200: ProposalOut, **NOT_FOUND, **WRITE, **STALE},
    summary="Putuskan per data: nilai usulan atau nilai sekarang",
    description=IF_MATCH_DESCRIPTION,
)
def proposal_resolve(request, proposal_id: Id, payload: ResolveIn, response: HttpResponse):
    actor = api_actor(request)
    proposal = _proposal(actor, proposal_id)
    proposals.resolve_conflict(
        actor=actor,
        proposal=proposal,
        choice=dict(payload.choice),
        version=if_match(request),
        enterprise_version=payload.enterprise_version,
    )
    return _fresh(actor, proposal_id, response)


@router.post(
    "/facilitator-proposals/{proposal_id}/reject",
    response={200: ProposalOut, **NOT_FOUND, **WRITE, **STALE},
    summary="Kembalikan usulan kepada pendamping dengan alasan",
    description=IF_MATCH_DESCRIPTION,
)
def proposal_reject(request, proposal_id: Id, payload: ProposalReasonIn, response: HttpResponse):
    actor = api_actor(request)
    proposal = _proposal(actor, proposal_id)
    proposals.reject_proposal(
        actor=actor, proposal=proposal, reason=payload.reason, version=if_match(request)
    )
    return _fresh(actor, proposal_id, response)
