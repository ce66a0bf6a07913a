"""Documents of meetings (invitation, materials, minutes, attendance scans) and of agreements (the signed
scan): added, listed, served and removed.

Rules and their codes:
- a file is what its name says and not above its kind's size (core.uploads: `file_type_mismatch`,
  `file_type_not_allowed`, `file_too_large`, `file_empty`, the ZIP bounds for DOCX/XLSX); a scan of a
  signed text or of an attendance list is a PDF or an image (`file_type_not_allowed`);
- a meeting takes invitation, materials, minutes, attendance scan and other; an agreement its signed
  text and other (`document_kind_not_for_parent`).
Who: a document is read by whoever reads its meeting or agreement (coordination.selectors: outside,
404); it is added and removed by who changes the parent (the meeting's organisers, the agreement's
owning agency: services.require_meeting_edit / require_agreement_edit, 403 for other readers).
Files are stored under a random name (never the uploaded one) and served only through a view that
reads the document first (never a public media URL). Adding and removing are recorded in the
history with the file's SHA-256; a removed document's file is deleted once the removal commits.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, require
from sentra.audit.models import AuditAction
from sentra.audit.services import record_change, snapshot
from sentra.core.errors import DomainError, FieldError, NotFound
from sentra.core.uploads import ALL_KINDS, IMAGE, PDF, check_upload, sha256_of
from sentra.core.validation import full_clean_or_raise

from . import selectors, services
from .choices import DocumentKind
from .models import Agreement, Document, Meeting

MEETING_KINDS = (
    DocumentKind.INVITATION,
    DocumentKind.MATERIALS,
    DocumentKind.MINUTES,
    DocumentKind.ATTENDANCE,
    DocumentKind.OTHER,
)
AGREEMENT_KINDS = (DocumentKind.SIGNED, DocumentKind.OTHER)
# A scan is a picture of paper: a PDF or an image, never a Word or Excel file.
SCAN_KINDS = (DocumentKind.SIGNED, DocumentKind.ATTENDANCE)


def allowed_file_kinds(kind: str) -> tuple[str, ...]:
    return (PDF, IMAGE) if kind in SCAN_KINDS else ALL_KINDS


def kinds_for(parent: Meeting | Agreement) -> tuple[str, ...]:
    return MEETING_KINDS if isinstance(parent, Meeting) else AGREEMENT_KINDS


# --- reads ---------------------------------------------------------------------------------------------


def document_visible_q(actor: Actor) -> Q:
    meetings = Meeting.objects.filter(selectors.meeting_visible_q(actor)).values("pk")
    agreements = Agreement.objects.filter(selectors.agreement_visible_q(actor)).values("pk")
    return Q(meeting_id__in=meetings) | Q(agreement_id__in=agreements)


def document_list(*, actor: Actor, parent: Meeting | Agreement) -> QuerySet[Document]:
    """The documents of a meeting or agreement the actor reads (404 when they do not read it)."""
    if isinstance(parent, Meeting):
        selectors.meeting_get(actor=actor, pk=parent.pk)
        qs = Document.objects.filter(meeting_id=parent.pk)
    else:
        selectors.agreement_get(actor=actor, pk=parent.pk)
        qs = Document.objects.filter(agreement_id=parent.pk)
    return qs.select_related("uploaded_by").order_by("kind", "pk")


def document_get(*, actor: Actor, pk: int) -> Document:
    require(actor, Action.VIEW, Area.COORDINATION)
    found = (
        Document.objects.filter(document_visible_q(actor), pk=pk)
        .select_related("meeting", "agreement")
        .first()
    )
    if found is None:
        raise NotFound
    return found


def can_change_documents(actor: Actor, parent: Meeting | Agreement) -> bool:
    if isinstance(parent, Meeting):
        return services.can_edit_meeting(actor, parent)
    return services.can_edit_agreement(actor, parent)


# --- writes --------------------------------------------------------------------------------------------


def _require_parent_edit(actor: Actor, parent: Meeting | Agreement) -> None:
    if isinstance(parent, Meeting):
        services.require_meeting_edit(actor, parent)
    else:
        services.require_agreement_edit(actor, parent)


def _check_kind(kind: str, parent: Meeting | Agreement) -> None:
    allowed = kinds_for(parent)
    if kind not in allowed:
        labels = ", ".join(str(DocumentKind(k).label) for k in allowed)
        message = (
            _("Jenis dokumen ini tidak untuk rapat; pilih salah satu: %(kinds)s.")
            if isinstance(parent, Meeting)
            else _("Jenis dokumen ini tidak untuk kerja sama; pilih salah satu: %(kinds)s.")
        ) % {"kinds": labels}
        raise DomainError(
            message,
            code="document_kind_not_for_parent",
            errors=[FieldError("kind", message, "document_kind_not_for_parent")],
        )


@transaction.atomic
def document_add(
    *, actor: Actor, parent: Meeting | Agreement, kind: str, upload: Any, title: str = ""
) -> Document:
    """Checks the file by its content (core.uploads), stores it under a random name and records it.
    Nothing is stored when a rule refuses; a stored file whose row is not written is deleted."""
    _require_parent_edit(actor, parent)
    _check_kind(kind, parent)
    content_type, extension = check_upload(upload, allowed=allowed_file_kinds(kind), field="file")
    original = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:255]
    document = Document(
        meeting=parent if isinstance(parent, Meeting) else None,
        agreement=parent if isinstance(parent, Agreement) else None,
        kind=kind,
        title=(title or "").strip()[:300],
        original_name=original,
        content_type=content_type,
        size=upload.size,
        sha256=sha256_of(upload),
        uploaded_by_id=actor.user_id,
    )
    full_clean_or_raise(document, exclude=["file"])
    document.file.save(f"{uuid.uuid4().hex}.{extension}", File(upload), save=False)
    stored = document.file.name
    try:
        document.save()
        record_change(actor=actor, action=AuditAction.CREATE, obj=document)
    except BaseException:
        document.file.storage.delete(stored)
        raise
    # A caller's enclosing transaction rolled back later would leave the file without its row (Django
    # has no rollback hook); its random name is never served, since only rows are.
    return document


@transaction.atomic
def document_remove(*, actor: Actor, document: Document, reason: str = "") -> None:
    """Removes the document (recorded in the history with its name and SHA-256); its file is deleted
    when the removal commits."""
    document = document_get(actor=actor, pk=document.pk)
    _require_parent_edit(actor, document.parent)
    before = snapshot(document)
    name, storage = document.file.name, document.file.storage
    record_change(actor=actor, action=AuditAction.DELETE, obj=document, before=before, reason=reason)
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


def document_open(document: Document):
    """The stored file, open for reading (NotFound when it is gone from the storage)."""
    try:
        return document.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise NotFound from error
