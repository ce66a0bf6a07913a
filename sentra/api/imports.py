"""Import endpoints at /api/v1/imports: templates, upload (dry run or commit), job status.

Small files are answered in the request (200 with the full report); files larger than
SENTRA_IMPORT_BACKGROUND_BYTES return 202 with a job id to poll at /imports/jobs/{id}.
Imports run as the caller (their role, region and agency; 403 without the import right). A committed
import's report carries `batch_id`; POST /imports/batches/{batch_id}/rollback undoes it as a whole.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from sentra.accounts.scope import Channel, actor_for_request
from sentra.core.errors import DomainError
from sentra.core.import_kinds import (
    import_batch_for,
    import_job_for,
    import_rollback,
    import_upload,
    is_import_kind,
    kind_keys,
    template_file,
)
from sentra.core.imports import report_csv
from sentra.core.jobs import job_observe

from .schemas import REFUSED, UNAUTHENTICATED, ApiError, ErrorOut, Id, Text, ValidationErrorOut

router = Router(tags=["impor"])


class IssueOut(Schema):
    row: int | None
    column: str
    value: str
    code: str
    message: str


class ReportOut(Schema):
    kind: str
    rows_total: int
    created: int
    updated: int
    unchanged: int = Field(0, description="Rows matching a record and changing nothing in it: not written.")
    committed: bool
    batch_id: int | None = None
    ok: bool
    error_count: int
    warning_count: int
    errors: list[IssueOut]
    warnings: list[IssueOut]


class JobOut(Schema):
    id: int
    kind: str
    status: str
    progress: int
    total: int
    percent: int
    finished: bool
    report: ReportOut | None = None
    error: str | None = None
    # worker_lost: the process running the job stopped (nothing was saved); not_started: no worker
    # ever picked it up. Upload the file again.
    error_code: str | None = None


class MessageOut(Schema):
    detail: str


class RollbackIn(Schema):
    reason: Text = ""
    # Records changed after the import: refused by default (409 changed_since, listing them); true
    # rolls back the rest and leaves them as they are now.
    keep_changed: bool = False


class RollbackOut(Schema):
    batch_id: int
    undone: int
    kept: int = 0


def _job_out(job) -> dict:
    result = job.result or {}
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "total": job.total,
        "percent": job.percent,
        "finished": job.is_finished,
        "report": result if "rows_total" in result else None,
        "error": result.get("error"),
        "error_code": result.get("code") if result.get("error") else None,
    }


def _unknown_kind() -> Status:
    return Status(
        404,
        {"detail": _("Jenis impor tidak dikenal; gunakan %(kinds)s.") % {"kinds": ", ".join(kind_keys())}},
    )


@router.get(
    "/templates/{kind}.{fmt}",
    response={200: None, 404: MessageOut, **UNAUTHENTICATED},
    summary="Unduh templat impor (xlsx atau csv)",
)
def template(request, kind: Text, fmt: Text):
    try:
        content, content_type = template_file(kind, fmt)
    except ValueError:
        return _unknown_kind()
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="templat-{kind}.{fmt}"'
    return response


@router.post(
    "/{kind}",
    response={200: JobOut, 202: JobOut, 400: ApiError, 404: MessageOut, 422: ValidationErrorOut, **REFUSED},
    summary="Impor IKM, sentra, realisasi atau penerima manfaat kegiatan dari CSV/XLSX",
    description=(
        "Uji coba kecuali commit=true. Berkas besar diproses di latar: jawaban 202 dengan id pekerjaan. "
        "Baris di luar wilayah kerja pemanggil bergalat out_of_scope; data terkunci bergalat locked. "
        "target: ID data tujuan untuk jenis yang diimpor ke satu data (participants: ID rapat; 404 bila "
        "rapat tidak dapat Anda lihat, 403 bila Anda bukan penyelenggaranya; 400 target_unsupported "
        "untuk jenis lain)."
    ),
)
def upload(request, kind: Text, file: File[UploadedFile], commit: bool = False, target: Id | None = None):
    if not is_import_kind(kind):
        return _unknown_kind()
    actor = actor_for_request(request, channel=Channel.IMPORT)
    # A target for a kind that takes none: DomainError target_unsupported, a 400 like any broken rule.
    job = import_upload(kind=kind, upload=file, commit=commit, actor=actor, user=request.user, target=target)
    return Status(200 if job.is_finished else 202, _job_out(job))


@router.get(
    "/jobs/{job_id}",
    response={200: JobOut, 404: MessageOut, **UNAUTHENTICATED},
    summary="Status dan hasil impor",
    description=(
        "Kemajuan bergerak selama impor berjalan. Pekerjaan yang proses pengolahnya berhenti berakhir "
        "failed dengan error_code worker_lost (atau not_started bila tidak pernah dimulai): tidak ada "
        "data yang tersimpan; unggah ulang berkas."
    ),
)
def job_status(request, job_id: Id):
    job = import_job_for(pk=job_id, user=request.user)
    if job is None:
        return Status(404, {"detail": _("Pekerjaan impor tidak ditemukan.")})
    return Status(200, _job_out(job_observe(job)))


@router.get(
    "/jobs/{job_id}/errors.csv",
    response={200: None, 404: MessageOut, **UNAUTHENTICATED},
    summary="Galat impor sebagai CSV",
)
def job_errors_csv(request, job_id: Id):
    job = import_job_for(pk=job_id, user=request.user)
    if job is None or "rows_total" not in (job.result or {}):
        return Status(404, {"detail": _("Pekerjaan impor tidak ditemukan.")})
    response = HttpResponse(report_csv(job.result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="galat-impor-{job.pk}.csv"'
    return response


@router.post(
    "/batches/{batch_id}/rollback",
    response={200: RollbackOut, 400: ErrorOut, 404: MessageOut, 409: ApiError, **REFUSED},
    summary="Batalkan satu impor seluruhnya",
    description=(
        "Menghapus data yang dibuat impor dan mengembalikan nilai data yang diubahnya, dalam satu "
        "transaksi: semuanya atau tidak sama sekali. Pembatalan itu sendiri tercatat di riwayat. "
        "404 untuk impor yang tidak dapat Anda lihat; 400 already_rolled_back bila sudah dibatalkan; "
        "409 busy bila data sedang diubah pengguna lain (coba lagi); 409 changed_since bila ada data yang "
        "diubah setelah impor (errors menyebut data itu; kirim keep_changed=true untuk membatalkan "
        "sisanya dan membiarkan data itu seperti sekarang)."
    ),
)
def batch_rollback(request, batch_id: Id, payload: RollbackIn | None = None):
    actor = actor_for_request(request, channel=Channel.API)
    if import_batch_for(actor=actor, batch_id=batch_id) is None:
        return Status(404, {"detail": _("Impor tidak ditemukan.")})
    payload = payload or RollbackIn()
    try:
        undone = import_rollback(
            actor=actor, batch_id=batch_id, reason=payload.reason, keep_changed=payload.keep_changed
        )
    except DomainError as error:
        if error.code not in ROLLBACK_CONFLICTS:
            raise
        body = {"detail": error.message, "code": error.code, "errors": [e.__dict__ for e in error.errors]}
        return Status(409, body)
    return Status(200, {"batch_id": batch_id, "undone": undone, "kept": len(getattr(undone, "kept", ()))})


# A concurrent writer (try again) and records changed since the import (decide, then send again): the
# state of the data conflicts with the request, not the request itself.
ROLLBACK_CONFLICTS = ("busy", "changed_since")
