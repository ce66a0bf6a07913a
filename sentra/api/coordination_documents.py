"""Documents of meetings and agreements, and a meeting's minutes and attendance sheet (issue 15 §1, §3).

Thin like api/coordination.py: reads through coordination.documents / coordination.minutes (a
meeting, agreement or document the caller may not read answers 404), writes through
coordination.documents, whose DomainError becomes a 400 with the rule's stable `code` (an upload
that is not what its name says: `file_type_mismatch`; see docs/coordination.md). Files are served
only here and by the web view, with the uploaded name in Content-Disposition, never from a public
media URL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import FileResponse, HttpResponse
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import require
from sentra.coordination import documents, minutes, selectors
from sentra.coordination.choices import DocumentKind
from sentra.coordination.models import Document

from .auth import api_actor
from .schemas import ApiError, ErrorOut

router = Router(tags=["koordinasi"])

INT32_MAX = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=INT32_MAX, description="Id data (1 … 2³¹−1).")]
Title = Annotated[str, Field(max_length=300, pattern=r"^[^\x00]*$")]

NOT_FOUND = {404: ErrorOut}
READ = {401: ErrorOut, 403: ErrorOut}
WRITE = {400: ApiError, 401: ErrorOut, 403: ErrorOut}


class DocumentOut(Schema):
    id: int
    meeting_id: int | None
    agreement_id: int | None
    kind: DocumentKind
    title: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str | None = None
    created_at: datetime
    file_url: str

    @staticmethod
    def resolve_uploaded_by(obj: Document) -> str | None:
        return obj.uploaded_by.username if obj.uploaded_by_id else None

    @staticmethod
    def resolve_file_url(obj: Document) -> str:
        return f"/api/v1/documents/{obj.pk}/file"


class DocumentIn(Schema):
    kind: DocumentKind
    title: Title = ""


def _binary(content_type: str, description: str) -> dict:
    return {"responses": {200: {"description": description, "content": {content_type: {}}}}}


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/meetings/{meeting_id}/documents",
    response={200: list[DocumentOut], **NOT_FOUND, **READ},
    summary="Dokumen rapat (undangan, bahan, notulen, pindaian daftar hadir)",
)
def meeting_documents(request, meeting_id: Id):
    actor = api_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=meeting_id)
    return list(documents.document_list(actor=actor, parent=meeting))


@router.post(
    "/meetings/{meeting_id}/documents",
    response={201: DocumentOut, **NOT_FOUND, **WRITE},
    summary="Unggah dokumen rapat (PDF, DOCX, XLSX, gambar; diperiksa menurut isinya)",
    description=(
        "multipart/form-data: `file`, `kind`, `title`. Berkas yang isinya tidak sesuai namanya: "
        "`file_type_mismatch`; jenis tidak diterima: `file_type_not_allowed`; terlalu besar: "
        "`file_too_large`; kosong: `file_empty`; jenis dokumen bukan untuk rapat: "
        "`document_kind_not_for_parent`. Hanya penyelenggara rapat."
    ),
)
def meeting_document_add(request, meeting_id: Id, file: File[UploadedFile], payload: Form[DocumentIn]):
    actor = api_actor(request)
    meeting = selectors.meeting_get(actor=actor, pk=meeting_id)
    document = documents.document_add(
        actor=actor, parent=meeting, kind=payload.kind, upload=file, title=payload.title
    )
    return Status(201, document)


@router.get(
    "/agreements/{agreement_id}/documents",
    response={200: list[DocumentOut], **NOT_FOUND, **READ},
    summary="Dokumen kerja sama (naskah yang ditandatangani, lainnya)",
)
def agreement_documents(request, agreement_id: Id):
    actor = api_actor(request)
    agreement = selectors.agreement_get(actor=actor, pk=agreement_id)
    return list(documents.document_list(actor=actor, parent=agreement))


@router.post(
    "/agreements/{agreement_id}/documents",
    response={201: DocumentOut, **NOT_FOUND, **WRITE},
    summary="Unggah dokumen kerja sama (pindaian naskah: PDF atau gambar)",
    description=(
        "multipart/form-data: `file`, `kind` (signed atau other), `title`. Kode galat seperti pada "
        "dokumen rapat. Hanya instansi pemilik kerja sama."
    ),
)
def agreement_document_add(request, agreement_id: Id, file: File[UploadedFile], payload: Form[DocumentIn]):
    actor = api_actor(request)
    agreement = selectors.agreement_get(actor=actor, pk=agreement_id)
    document = documents.document_add(
        actor=actor, parent=agreement, kind=payload.kind, upload=file, title=payload.title
    )
    return Status(201, document)


@router.get(
    "/documents/{document_id}/file",
    response={200: None, **NOT_FOUND, **READ},
    summary="Berkas dokumen (dengan nama aslinya)",
    openapi_extra={
        "responses": {
            200: {"description": "Isi berkas, jenisnya menurut isi yang diperiksa.", "content": {"*/*": {}}}
        }
    },
)
def document_file(request, document_id: Id):
    actor = api_actor(request)
    document = documents.document_get(actor=actor, pk=document_id)
    response = FileResponse(
        documents.document_open(document),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.delete(
    "/documents/{document_id}",
    response={204: None, **NOT_FOUND, **WRITE},
    summary="Hapus dokumen (tercatat di riwayat dengan SHA-256-nya)",
)
def document_delete(request, document_id: Id):
    actor = api_actor(request)
    document = documents.document_get(actor=actor, pk=document_id)
    documents.document_remove(actor=actor, document=document)
    return Status(204, None)


@router.get(
    "/meetings/{meeting_id}/minutes.pdf",
    response={200: None, **NOT_FOUND, **READ},
    summary="Notulen rapat (PDF)",
    openapi_extra=_binary(
        PDF, "Notulen: data rapat, peserta menurut kehadiran, acara, keputusan dan tindak lanjut."
    ),
)
def minutes_pdf(request, meeting_id: Id):
    actor = api_actor(request)
    require(actor, Action.VIEW, Area.COORDINATION)
    content = minutes.minutes_pdf(minutes.minutes_of(actor=actor, pk=meeting_id))
    return _download(content, PDF, minutes.file_name(meeting_id, "notulen", "pdf"))


@router.get(
    "/meetings/{meeting_id}/minutes.docx",
    response={200: None, **NOT_FOUND, **READ},
    summary="Notulen rapat (DOCX, untuk disunting sebelum ditandatangani)",
    openapi_extra=_binary(DOCX, "Notulen sebagai dokumen Word, isinya sama dengan PDF."),
)
def minutes_docx(request, meeting_id: Id):
    actor = api_actor(request)
    require(actor, Action.VIEW, Area.COORDINATION)
    content = minutes.minutes_docx(minutes.minutes_of(actor=actor, pk=meeting_id))
    return _download(content, DOCX, minutes.file_name(meeting_id, "notulen", "docx"))


@router.get(
    "/meetings/{meeting_id}/attendance.pdf",
    response={200: None, **NOT_FOUND, **READ},
    summary="Daftar hadir rapat (PDF, dengan kolom tanda tangan)",
    openapi_extra=_binary(PDF, "Daftar hadir: No, nama, jabatan, instansi, kehadiran, tanda tangan."),
)
def attendance_pdf(request, meeting_id: Id):
    actor = api_actor(request)
    require(actor, Action.VIEW, Area.COORDINATION)
    content = minutes.attendance_pdf(minutes.attendance_sheet_of(actor=actor, pk=meeting_id))
    return _download(content, PDF, minutes.file_name(meeting_id, "daftar-hadir", "pdf"))
