"""Documents of meetings and agreements, a meeting's minutes (PDF, DOCX) and attendance sheet (PDF).

Reads through coordination.documents / coordination.minutes (404 outside the parent's readers), writes
through coordination.documents (a rule's message shown on the parent's page; 403 for a reader who does
not organise the meeting or own the agreement). Uploaded files are served only here, as attachments
under their uploaded name, never from a public media URL.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_POST

from sentra.accounts.scope import actor_for_request
from sentra.coordination import documents, minutes, selectors
from sentra.coordination.choices import DocumentKind
from sentra.coordination.models import Meeting
from sentra.core.errors import DomainError
from sentra.core.uploads import allowed_extensions

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_l("Jenis dokumen"))
    title = forms.CharField(label=_l("Judul"), max_length=300, required=False)
    file = forms.FileField(
        label=_l("Berkas"),
        help_text=_l("PDF, DOCX, XLSX atau gambar (JPG, PNG, GIF); diperiksa menurut isinya."),
    )

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = documents.kinds_for(parent) if parent is not None else documents.MEETING_KINDS
        self.fields["kind"].choices = [(k, DocumentKind(k).label) for k in kinds]
        accept = ",".join(f".{ext}" for ext in allowed_extensions(("pdf", "image", "docx", "xlsx")))
        self.fields["file"].widget.attrs["accept"] = accept


def document_block(actor, parent) -> dict:
    """The context of the documents block on a meeting's or agreement's page
    (web/coordination/_documents.html, included through the `documents_block` tag)."""
    is_meeting = isinstance(parent, Meeting)
    return {
        "parent": parent,
        "is_meeting": is_meeting,
        "documents": list(documents.document_list(actor=actor, parent=parent)),
        "can_change": documents.can_change_documents(actor, parent),
        "upload_url": reverse(
            "web:meeting_document_add" if is_meeting else "web:agreement_document_add", args=[parent.pk]
        ),
        "document_form": DocumentForm(parent=parent, auto_id="id_doc_%s"),
    }


def _parent_url(parent) -> str:
    name = "web:meeting_detail" if isinstance(parent, Meeting) else "web:agreement_detail"
    return reverse(name, args=[parent.pk]) + "#documents"


def _add(request, parent):
    actor = actor_for_request(request)
    form = DocumentForm(request.POST, request.FILES, parent=parent)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_parent_url(parent))
    try:
        document = documents.document_add(
            actor=actor,
            parent=parent,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Dokumen “%(name)s” diunggah.") % {"name": document.original_name})
    return redirect(_parent_url(parent))


@login_required
@require_POST
def meeting_document_add(request, pk: int):
    meeting = selectors.meeting_get(actor=actor_for_request(request), pk=pk)
    return _add(request, meeting)


@login_required
@require_POST
def agreement_document_add(request, pk: int):
    agreement = selectors.agreement_get(actor=actor_for_request(request), pk=pk)
    return _add(request, agreement)


@login_required
@require_GET
def document_file(request, pk: int):
    document = documents.document_get(actor=actor_for_request(request), pk=pk)
    response = FileResponse(
        documents.document_open(document),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def document_delete(request, pk: int):
    actor = actor_for_request(request)
    document = documents.document_get(actor=actor, pk=pk)
    parent = document.parent
    documents.document_remove(actor=actor, document=document)
    messages.success(request, _("Dokumen “%(name)s” dihapus.") % {"name": document.original_name})
    return redirect(_parent_url(parent))


def _file(content: bytes, content_type: str, name: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def meeting_minutes_pdf(request, pk: int):
    content = minutes.minutes_pdf(minutes.minutes_of(actor=actor_for_request(request), pk=pk))
    return _file(content, PDF, minutes.file_name(pk, "notulen", "pdf"), inline=True)


@login_required
@require_GET
def meeting_minutes_docx(request, pk: int):
    content = minutes.minutes_docx(minutes.minutes_of(actor=actor_for_request(request), pk=pk))
    return _file(content, DOCX, minutes.file_name(pk, "notulen", "docx"), inline=False)


@login_required
@require_GET
def meeting_attendance_pdf(request, pk: int):
    sheet = minutes.attendance_sheet_of(actor=actor_for_request(request), pk=pk)
    content = minutes.attendance_pdf(sheet)
    return _file(content, PDF, minutes.file_name(pk, "daftar-hadir", "pdf"), inline=True)
