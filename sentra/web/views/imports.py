"""Import pages: choose IKM, sentra or realisation, upload, dry run or import, watch a background job,
read the report, and roll a committed import back as a whole.

Imports run as the signed-in user (accounts.scope): without the import right the pages answer 403;
rows outside the user's region are row errors (`out_of_scope`).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from sentra.accounts.permissions import Action
from sentra.accounts.scope import Channel, actor_for_request, require
from sentra.audit.services import changed_since
from sentra.core.errors import DomainError
from sentra.core.import_checked import checked_upload_ready, commit_checked
from sentra.core.import_kinds import (
    import_batch_for,
    import_job_for,
    import_kind_label,
    import_kinds,
    import_rollback,
    import_target,
    import_upload,
    is_import_kind,
    template_file,
)
from sentra.core.imports import report_csv
from sentra.core.jobs import job_observe

# Records changed since an import, listed on its rollback page (the rest are counted).
CHANGED_PAGE = 100
# The detail page of a record an import may write, linked from the rollback page's list of changed ones.
DETAIL_PAGES = {
    "registry.enterprise": "web:enterprise_detail",
    "registry.centre": "web:centre_detail",
    "registry.product": "web:product_detail",
    "coordination.meeting": "web:meeting_detail",
}


def kind_choices() -> list[tuple[str, str]]:
    """Every import kind its app registered (core.import_kinds), in registration order."""
    return [(kind.key, kind.label) for kind in import_kinds()]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis data"), widget=forms.RadioSelect, initial="enterprises")
    file = forms.FileField(label=_("Berkas CSV atau XLSX"))
    # The record the file goes into, for kinds imported into one (a meeting's attendance list), set by
    # the link on that record's page ("Impor daftar hadir").
    target = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()


@login_required
@require_http_methods(["GET", "POST"])
def import_upload_view(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request, channel=Channel.IMPORT)
    require(actor, Action.IMPORT)
    initial = {"kind": request.GET["kind"]} if is_import_kind(request.GET.get("kind", "")) else None
    # A kind imported into one record (a meeting) names it: 404 when the user may not see it, 403 when
    # they may not change it, before any upload.
    kind = request.POST.get("kind") or request.GET.get("kind", "")
    target_id = request.POST.get("target") or request.GET.get("target") or None
    target = None
    if target_id and is_import_kind(kind):
        try:
            target = import_target(kind=kind, actor=actor, target=target_id)
        except DomainError:  # a target for a kind that takes none: the plain upload page
            target = None
    if initial is not None and target is not None:
        initial["target"] = target.pk
    form = ImportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        job = import_upload(
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            commit=request.POST.get("action") == "commit",
            actor=actor,
            user=request.user,
            target=target.pk if target is not None else None,
        )
        return redirect("web:import_job", job_id=job.pk)
    context = {"form": form, "kinds": kind_choices(), "target": target}
    return render(request, "web/imports/upload.html", context)


def _job_or_404(request: HttpRequest, job_id: int):
    """The user's import job as it stands: live progress, and ended (failed) if its worker is gone."""
    job = import_job_for(pk=job_id, user=request.user)
    if job is None:
        raise Http404
    return job_observe(job)


@login_required
def import_job_view(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    result = job.result or {}
    context = {
        "job": job,
        "report": result if "rows_total" in result else None,
        "kind_label": import_kind_label(job.params.get("kind", "")),
        "commit": job.params.get("commit", False),
        "filename": job.params.get("filename", ""),
        # A clean dry run: its upload waits for the one-click commit (core.import_checked).
        "commit_ready": checked_upload_ready(job),
        "committed_job_id": job.params.get("committed_job_id"),
        "checked_job_id": job.params.get("checked_job_id"),
        **_rollback_context(request, result.get("batch_id")),
    }
    context["records"] = _batch_records(context.get("batch"))
    context["target"] = _target_link(request, job)
    # htmx polls only the status fragment; it stops polling once the fragment it gets has no trigger,
    # i.e. once the job has ended: succeeded, failed, or failed because its worker is gone.
    template = "web/imports/_status.html" if request.htmx else "web/imports/job.html"
    return render(request, template, context)


def _target_link(request: HttpRequest, job) -> dict:
    """The record a file was imported into (a meeting's attendance list): its name and, when it has a
    page (DETAIL_PAGES), the link back to it. Read again as the user, so nothing unreadable is named."""
    pk = job.params.get("target")
    if not pk:
        return {}
    try:
        target = import_target(kind=job.params.get("kind", ""), actor=actor_for_request(request), target=pk)
    except (DomainError, Http404, PermissionDenied):
        return {}
    if target is None:
        return {}
    name = DETAIL_PAGES.get(target._meta.label_lower)
    return {"label": str(target), "url": reverse(name, args=[target.pk]) if name else ""}


# How many of an import's records its result page links to (the rest are counted).
RECORDS_PAGE = 50


def _batch_records(batch) -> dict:
    """The records an import created and updated, each linked to its page when it has one."""
    if batch is None:
        return {}
    events = batch.events.order_by("id")
    listed = []
    for event in events.values("action", "object_type", "object_id", "object_repr")[:RECORDS_PAGE]:
        name = DETAIL_PAGES.get(event["object_type"])
        listed.append({**event, "url": reverse(name, args=[event["object_id"]]) if name else ""})
    return {"listed": listed, "count": events.count()}


@login_required
@require_http_methods(["POST"])
def import_job_commit(request: HttpRequest, job_id: int) -> HttpResponse:
    """Imports the upload a clean dry run checked, in one click (the same file, checked again)."""
    job = _job_or_404(request, job_id)
    actor = actor_for_request(request, channel=Channel.IMPORT)
    try:
        committed = commit_checked(job=job, actor=actor, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        if error.code == "already_committed":
            return redirect("web:import_job", job_id=job.params["committed_job_id"])
        return redirect("web:import_job", job_id=job.pk)
    return redirect("web:import_job", job_id=committed.pk)


def _rollback_context(request: HttpRequest, batch_id: int | None) -> dict:
    """The job's audit batch, and whether this user may roll it back (Action.ROLLBACK, in scope)."""
    if not batch_id:
        return {}
    actor = actor_for_request(request)
    batch = import_batch_for(actor=actor, batch_id=batch_id)
    if batch is None:
        return {}
    return {"batch": batch, "can_rollback": batch.rolled_back_at is None and actor.can(Action.ROLLBACK)}


@login_required
@require_http_methods(["GET", "POST"])
def import_batch_rollback(request: HttpRequest, batch_id: int) -> HttpResponse:
    """GET asks for confirmation (what will be undone); POST undoes the whole import."""
    actor = actor_for_request(request)
    batch = import_batch_for(actor=actor, batch_id=batch_id)
    if batch is None:
        raise Http404
    require(actor, Action.ROLLBACK)
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    reason = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")[:500]
        try:
            count = import_rollback(
                actor=actor,
                batch_id=batch.pk,
                reason=reason,
                keep_changed=bool(request.POST.get("keep_changed")),
            )
        except DomainError as error:
            messages.error(request, error.message)
            if error.code != "changed_since":
                return redirect(back or "web:import_upload")
            # Refused for records changed since: the page again, with the list, the choice and the
            # reason the person typed.
        else:
            text = gettext("Impor dibatalkan: %(n)d data dikembalikan seperti semula.") % {"n": count}
            kept = len(getattr(count, "kept", ()))
            if kept:
                text += " " + gettext("%(n)d data yang berubah setelah impor dibiarkan.") % {"n": kept}
            messages.success(request, text)
            return redirect(back or "web:import_upload")
    changed = [] if batch.rolled_back_at else changed_since(batch)
    events = batch.events.values("action").order_by()
    created = events.filter(action="create").count()
    updated = events.filter(action="update").count()
    created_changed = updated_changed = 0
    if changed:  # how many of each the "keep" choice leaves alone
        changed_ids = {(c["object_type"], c["object_id"]) for c in changed}
        for object_type, object_id, action in batch.events.values_list("object_type", "object_id", "action"):
            if (object_type, object_id) in changed_ids:
                created_changed += action == "create"
                updated_changed += action == "update"
    listed = changed[:CHANGED_PAGE]
    for record in listed:
        name = DETAIL_PAGES.get(record["object_type"])
        record["url"] = reverse(name, args=[record["object_id"]]) if name else ""
    context = {
        "batch": batch,
        "created": created,
        "updated": updated,
        # With "keep the changed records": what is still undone.
        "created_kept": created - created_changed,
        "updated_kept": updated - updated_changed,
        "changed": listed,
        "changed_count": len(changed),
        "keep_changed": bool(request.POST.get("keep_changed")),
        "reason": reason,
        "next": back,
    }
    return render(request, "web/imports/rollback.html", context)


@login_required
def import_job_errors(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    if "rows_total" not in (job.result or {}):
        raise Http404
    response = HttpResponse(report_csv(job.result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="galat-impor-{job.pk}.csv"'
    return response


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    try:
        content, content_type = template_file(kind, fmt)
    except ValueError:
        raise Http404 from None
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="templat-{kind}.{fmt}"'
    return response
