"""Monthly reports of facilitators (laporan bulanan TPL-IKM) at /api/v1/facilitator-reports.

Thin: reads and writes through facilitators.reports, which applies the scope rule (a report or a
facilitator outside the caller's reach answers 404; a step the role may not take 403) and the rules,
whose DomainError becomes a 400 with a stable `code` (`report_locked`, `month_in_future`,
`invalid_month`, `report_incomplete`, `own_submission`, `invalid_transition`, `reason_required`).
PATCH honours If-Match (412 `stale`); the PDF and XLSX are declared as binary 200 answers.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import require
from sentra.facilitators import reports
from sentra.facilitators.models import MonthlyReport
from sentra.facilitators.selectors import get_visible, visible_facilitators
from sentra.verification.models import VerificationStatus

from .auth import api_actor
from .etag import IF_MATCH_DESCRIPTION, STALE, if_match, tagged
from .generic import MAX_PAGE_SIZE, Page
from .schemas import REFUSED, ApiError, ErrorOut, Id, PageNumber, Text

router = Router(tags=["laporan bulanan TPL-IKM"])

NOT_FOUND = {404: ErrorOut}
WRITE = {400: ApiError, **REFUSED}
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])(-01)?$", description="Bulan: YYYY-MM.")]
ReportText = Annotated[Text, Field(max_length=20_000)]
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MonthlyReportOut(Schema):
    id: int
    facilitator_id: int
    facilitator_name: str
    month: dt.date
    due_on: dt.date
    late: bool = Field(description="Lewat batas penyampaian dan belum diajukan.")
    verification_status: VerificationStatus
    submitted_at: dt.datetime | None
    verified_at: dt.datetime | None
    return_reason: str
    figures: dict[str, Any] = Field(
        description="visits, by_kind, enterprises, centres, problems, actions_agreed, actions_done, "
        "proposals_made, proposals_applied, photos, visit_ids, generated_at."
    )
    results: str
    problems: str
    plan_next_month: str
    version: int
    pdf_url: str
    xlsx_url: str

    @staticmethod
    def resolve_facilitator_name(obj: MonthlyReport) -> str:
        return obj.facilitator.name

    @staticmethod
    def resolve_late(obj: MonthlyReport) -> bool:
        return reports.is_late(obj)

    @staticmethod
    def resolve_pdf_url(obj: MonthlyReport) -> str:
        return f"/api/v1/facilitator-reports/{obj.pk}/pdf"

    @staticmethod
    def resolve_xlsx_url(obj: MonthlyReport) -> str:
        return f"/api/v1/facilitator-reports/{obj.pk}/xlsx"


class ReportFilterIn(Schema):
    month: Month | None = None
    status: VerificationStatus | None = None
    facilitator_id: Id | None = None
    late: bool = Field(False, description="Hanya laporan yang terlambat (belum diajukan, lewat batas).")
    q: Text = Field("", max_length=100, description="Nama pendamping memuat teks ini.")
    page: PageNumber = 1
    page_size: int = Field(50, ge=1, description=f"Maksimum {MAX_PAGE_SIZE}.")


class GenerateIn(Schema):
    facilitator_id: Id
    month: Month


class TextIn(Schema):
    results: ReportText | None = None
    problems: ReportText | None = None
    plan_next_month: ReportText | None = None


class ReportReasonIn(Schema):
    reason: Text = Field("", max_length=500, description="Wajib: apa yang harus diperbaiki.")


class LateMonthOut(Schema):
    month: dt.date
    due_on: dt.date
    days_late: int
    report_id: int | None
    status: str = Field(description="missing (belum dibuat), draft atau returned.")


class LateFacilitatorOut(Schema):
    facilitator_id: int
    facilitator_name: str
    regency_code: str
    months: list[LateMonthOut]


def _report(actor, pk: int, action: str = Action.VIEW) -> MonthlyReport:
    return reports.report_get(actor=actor, pk=pk, action=action)


@router.get(
    "/facilitator-reports",
    response={200: Page[MonthlyReportOut], 400: ApiError, **REFUSED},
    summary="Daftar laporan bulanan TPL-IKM (filter bulan, status, pendamping, terlambat)",
)
def report_list(request, filters: Query[ReportFilterIn]):
    actor = api_actor(request)
    require(actor, Action.LIST, Area.FACILITATORS)
    qs = reports.report_list(
        actor=actor,
        filters=reports.ReportFilter(
            month=reports.parse_month(filters.month) if filters.month else None,
            status=filters.status or "",
            facilitator=filters.facilitator_id,
            late=filters.late,
            q=filters.q.strip(),
        ),
    )
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
    "/facilitator-reports/late",
    response={200: list[LateFacilitatorOut], 400: ApiError, **REFUSED},
    summary="Laporan terlambat per pendamping (bulan yang lewat batas tanpa pengajuan)",
)
def late_list(request, as_of: dt.date | None = None):
    actor = api_actor(request)
    require(actor, Action.LIST, Area.FACILITATORS)
    return [
        {
            "facilitator_id": entry.facilitator.pk,
            "facilitator_name": entry.facilitator.name,
            "regency_code": entry.facilitator.regency_code,
            "months": [
                {
                    "month": m.month,
                    "due_on": m.due_on,
                    "days_late": m.days_late,
                    "report_id": m.report.pk if m.report else None,
                    "status": m.report.verification_status if m.report else "missing",
                }
                for m in entry.months
            ],
        }
        for entry in reports.late_reports(actor=actor, as_of=as_of)
    ]


@router.get(
    "/facilitator-reports/{report_id}",
    response={200: MonthlyReportOut, **NOT_FOUND, **REFUSED},
    summary="Satu laporan bulanan (angka, teks, status)",
)
def report_detail(request, report_id: Id, response: HttpResponse):
    actor = api_actor(request)
    return tagged(response, _report(actor, report_id))


@router.post(
    "/facilitator-reports",
    response={200: MonthlyReportOut, 201: MonthlyReportOut, **NOT_FOUND, **WRITE},
    summary="Buat atau hitung ulang laporan bulan itu dari kunjungannya",
    description=(
        "201 saat dibuat, 200 saat dihitung ulang (hanya konsep atau dikembalikan; yang sudah "
        "diajukan/disetujui: 400 `report_locked`). Bulan yang belum dimulai: `month_in_future`."
    ),
)
def report_generate(request, payload: GenerateIn, response: HttpResponse):
    actor = api_actor(request)
    facilitator = get_visible(actor, visible_facilitators(actor), payload.facilitator_id)
    month = reports.parse_month(payload.month)
    existed = MonthlyReport.objects.filter(facilitator=facilitator, month=month).exists()
    report = reports.generate(actor=actor, facilitator=facilitator, month=month)
    tagged(response, report)
    return Status(200 if existed else 201, report)


@router.patch(
    "/facilitator-reports/{report_id}",
    response={200: MonthlyReportOut, **NOT_FOUND, **WRITE, **STALE},
    summary="Ubah teks laporan: hasil, permasalahan, rencana bulan berikutnya",
    description=IF_MATCH_DESCRIPTION + " Hanya konsep atau laporan yang dikembalikan (`report_locked`).",
)
def report_patch(request, report_id: Id, payload: TextIn, response: HttpResponse):
    actor = api_actor(request)
    report = _report(actor, report_id)
    data = payload.dict(exclude_unset=True)
    data = {k: v or "" for k, v in data.items()}
    reports.update_text(actor=actor, report=report, expected_version=if_match(request), **data)
    return tagged(response, _report(actor, report_id))


@router.post(
    "/facilitator-reports/{report_id}/submit",
    response={200: MonthlyReportOut, **NOT_FOUND, **WRITE},
    summary="Ajukan laporan (pendamping; angka dihitung ulang lebih dahulu)",
)
def report_submit(request, report_id: Id, response: HttpResponse):
    actor = api_actor(request)
    return tagged(response, reports.submit(actor=actor, report=_report(actor, report_id)))


@router.post(
    "/facilitator-reports/{report_id}/approve",
    response={200: MonthlyReportOut, **NOT_FOUND, **WRITE},
    summary="Setujui laporan (Dinas pembina; bukan pengajunya sendiri)",
)
def report_approve(request, report_id: Id, response: HttpResponse):
    actor = api_actor(request)
    return tagged(response, reports.approve(actor=actor, report=_report(actor, report_id)))


@router.post(
    "/facilitator-reports/{report_id}/return",
    response={200: MonthlyReportOut, **NOT_FOUND, **WRITE},
    summary="Kembalikan laporan dengan alasan",
)
def report_return(request, report_id: Id, payload: ReportReasonIn, response: HttpResponse):
    actor = api_actor(request)
    report = reports.return_report(actor=actor, report=_report(actor, report_id), reason=payload.reason)
    return tagged(response, report)


def _binary(content_type: str, description: str) -> dict:
    return {"responses": {200: {"description": description, "content": {content_type: {}}}}}


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/facilitator-reports/{report_id}/pdf",
    response={200: None, **NOT_FOUND, **REFUSED},
    summary="Laporan bulanan (PDF, siap ditandatangani)",
    openapi_extra=_binary(
        PDF, "Identitas, ringkasan angka, daftar kunjungan, teks, status dan tanda tangan."
    ),
)
def report_pdf(request, report_id: Id):
    actor = api_actor(request)
    report = _report(actor, report_id, Action.EXPORT)
    content = reports.report_pdf(reports.report_document(report))
    return _download(content, PDF, reports.file_name(report, "pdf"))


@router.get(
    "/facilitator-reports/{report_id}/xlsx",
    response={200: None, **NOT_FOUND, **REFUSED},
    summary="Laporan bulanan (XLSX: lembar Laporan dan Kunjungan)",
    openapi_extra=_binary(XLSX, "Isi yang sama dengan PDF, dalam dua lembar kerja."),
)
def report_xlsx(request, report_id: Id):
    actor = api_actor(request)
    report = _report(actor, report_id, Action.EXPORT)
    content = reports.report_xlsx(reports.report_document(report))
    return _download(content, XLSX, reports.file_name(report, "xlsx"))
