"""The JSON API at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.utils.translation import gettext as _

from sentra.core.errors import DomainError, StaleVersion

from . import (
    analytics_candidates,
    analytics_overlaps,
    analytics_pathways,
    analytics_potential,
    analytics_profiles,
    coordination,
    coordination_calendar,
    coordination_dashboard,
    coordination_documents,
    coordination_programmes,
    facilitator_coverage,
    facilitator_proposals,
    facilitator_reports,
    facilitators,
    facilitators_visits,
    imports,
    programmes,
    regions,
    registry,
    workflow,
)
from .auth import api_auth
from .openapi import SentraAPI

# Every operation's document lists the standard errors it can answer (api/openapi.py STANDARD_ERRORS).
api = SentraAPI(
    title="Sentra API",
    version="1",
    description="API Sentra: wilayah, KBLI, registri IKM dan sentra IKM.",
    auth=api_auth,
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(
        request,
        {"detail": exc.message, "code": exc.code, "errors": [e.__dict__ for e in exc.errors]},
        status=400,
    )


@api.exception_handler(StaleVersion)
def stale_version(request, exc: StaleVersion):
    """If-Match named a version the record no longer has (api/etag.py): 412, nothing written."""
    response = api.create_response(
        request,
        {"detail": exc.message, "code": exc.code, "current_version": exc.current},
        status=412,
    )
    if exc.current is not None:
        response["ETag"] = f'"{exc.current}"'
    return response


@api.exception_handler(RequestDataTooBig)
def request_too_big(request, exc: RequestDataTooBig):
    """A body above DATA_UPLOAD_MAX_MEMORY_SIZE: 413 in the API's error shape (Django's own is a 400 page)."""
    return api.create_response(
        request, {"detail": _("Isi permintaan terlalu besar."), "code": "too_large"}, status=413
    )


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or "Forbidden", "code": "forbidden"}, status=403)


api.add_router("/regions", regions.router)
# Before the registry router: "/enterprises/verification" would otherwise match "/enterprises/{id}".
api.add_router("/", workflow.verification_router)
api.add_router("/", registry.router)
api.add_router("/", workflow.history_router)
api.add_router("/", workflow.notifications_router)
api.add_router("/imports", imports.router)
api.add_router("/", programmes.router)
# Before the coordination router: "/follow-ups/summary" would otherwise match "/follow-ups/{follow_up_id}".
api.add_router("/", coordination_dashboard.router)
api.add_router("/", coordination.router)
api.add_router("/", coordination_calendar.router)
api.add_router("/", coordination_documents.router)
api.add_router("/", coordination_programmes.router)
api.add_router("/", facilitator_reports.router)
# Before the facilitators router: "/facilitators/coverage" would otherwise match "/facilitators/{id}".
api.add_router("/", facilitator_coverage.router)
# Facilitators, their contracts (with renewals), placements and caseload (issue 16).
api.add_router("/", facilitators.router)
# Field visits of facilitators and their photos: the phone app's offline sync (issue 16).
api.add_router("/", facilitators_visits.router)
# Enterprise updates proposed in the field and the Dinas' decision on them.
api.add_router("/", facilitator_proposals.router)
# Leading potential: location quotient, shift-share, leading commodities (issue 17 §3).
api.add_router("/", analytics_potential.router)
# Overlaps in planning: /activities/{id}/overlaps and /activities/{id}/links (issue 17 §1).
api.add_router("/", analytics_overlaps.router)
# Training pathway: /enterprises/{id}/pathway and /centres/{id}/pathway (issue 17 §2).
api.add_router("/", analytics_pathways.router)
# Where a sentra fits: /analytics/sentra-candidates, /weak-centres, propose (issue 17 §4).
api.add_router("/", analytics_candidates.router)
# Province and regency profile: /analytics/profile/{code} (issue 17 §5).
api.add_router("/", analytics_profiles.router)
