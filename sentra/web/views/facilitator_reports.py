"""Monthly reports of facilitators (laporan bulanan TPL-IKM) at /pendamping/laporan/: the list with its
filters and export, a report's page (figures, visits, the facilitator's text, the steps the user may
take), the late list, and the PDF/XLSX of one report.

Everything goes through facilitators.reports (scope: a facilitator sees their own reports, a Dinas its
regency's, anything else 404; rules answered with their message). Steps offered on a report are those
verification.selectors.record_steps allows (status, role, separation of duties), narrowed to submit,
approve (verify) and return.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sentra.accounts.models import Role
from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import actor_for_request, require
from sentra.core.errors import AccessDenied, DomainError
from sentra.core.exports import Column, csv_response, xlsx_response
from sentra.facilitators import reports, selectors
from sentra.facilitators.models import MonthlyReport
from sentra.verification.models import VerificationStatus
from sentra.verification.selectors import record_steps

from ..forms import add_domain_errors
from ..generic import PER_PAGE, CappedPaginator

STEP_LABELS = {
    "submit": gettext_lazy("Ajukan laporan"),
    "verify": gettext_lazy("Setujui"),
    "return": gettext_lazy("Kembalikan"),
}


class ReportFilterForm(forms.Form):
    bulan = forms.DateField(
        label=gettext_lazy("Bulan"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Semua")), *VerificationStatus.choices],
    )
    pendamping = forms.TypedChoiceField(
        label=gettext_lazy("Pendamping"), required=False, coerce=int, empty_value=None, choices=()
    )
    terlambat = forms.BooleanField(label=gettext_lazy("Hanya yang terlambat"), required=False)

    def __init__(self, *args, facilitators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pendamping"].choices = [("", _("Semua")), *((f.pk, f.name) for f in facilitators)]

    def report_filter(self) -> reports.ReportFilter:
        if not self.is_valid():
            return reports.ReportFilter()
        data = self.cleaned_data
        return reports.ReportFilter(
            month=data["bulan"], status=data["status"], facilitator=data["pendamping"], late=data["terlambat"]
        )


class GenerateForm(forms.Form):
    pendamping = forms.TypedChoiceField(label=gettext_lazy("Pendamping"), coerce=int, choices=())
    bulan = forms.DateField(
        label=gettext_lazy("Bulan"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": gettext_lazy("Tulis bulan sebagai tahun-bulan, mis. 2026-10.")},
    )

    def __init__(self, *args, facilitators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pendamping"].choices = [(f.pk, f.name) for f in facilitators]


class TextForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    results = forms.CharField(
        label=gettext_lazy("Hasil pendampingan"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Apa yang berubah pada IKM dan sentra dampingan bulan ini."),
    )
    problems = forms.CharField(
        label=gettext_lazy("Permasalahan"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    plan_next_month = forms.CharField(
        label=gettext_lazy("Rencana bulan berikutnya"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Alasan pengembalian"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Dikirim ke pendamping: apa yang harus diperbaiki."),
    )


def _facilitators(actor):
    return selectors.visible_facilitators(actor).only("pk", "name").order_by("name", "pk")


EXPORT_COLUMNS = [
    Column(_("Bulan"), lambda r: f"{r.month:%Y-%m}"),
    Column(_("Pendamping"), lambda r: r.facilitator.name),
    Column(_("Kabupaten/kota"), lambda r: r.regency_code),
    Column(_("Status"), lambda r: r.get_verification_status_display()),
    Column(_("Batas penyampaian"), lambda r: r.due_on),
    Column(_("Terlambat"), lambda r: _("ya") if reports.is_late(r) else ""),
    Column(_("Kunjungan"), lambda r: r.figures.get("visits", 0)),
    Column(_("IKM didampingi"), lambda r: r.figures.get("enterprises", 0)),
    Column(_("Sentra didampingi"), lambda r: r.figures.get("centres", 0)),
    Column(_("Permasalahan"), lambda r: r.figures.get("problems", 0)),
    Column(_("Diajukan"), lambda r: timezone.localtime(r.submitted_at) if r.submitted_at else ""),
]


@login_required
@require_GET
def report_list(request):
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.FACILITATORS)
    facilitators = _facilitators(actor)
    form = ReportFilterForm(request.GET or None, facilitators=facilitators)
    qs = reports.report_list(actor=actor, filters=form.report_filter())
    export = request.GET.get("ekspor")
    if export in ("csv", "xlsx"):
        require(actor, Action.EXPORT, Area.FACILITATORS)
        maker = csv_response if export == "csv" else xlsx_response
        return maker("laporan-bulanan-tpl", qs.iterator(chunk_size=500), EXPORT_COLUMNS)
    paginator = CappedPaginator(qs, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    for report in page.object_list:
        report.late = reports.is_late(report, today)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("ekspor", None)
    can_create = actor.can(Action.CREATE, Area.FACILITATORS)
    own = selectors.own_facilitator(actor) if selectors.own_work_only(actor) else None
    context = {
        "form": form,
        "page": page,
        "paginator": paginator,
        "query": query.urlencode(),
        "due_day": reports.due_day(),
        # The supervisor's queue: submitted reports waiting for their approval.
        "waiting": reports.report_list(
            actor=actor, filters=reports.ReportFilter(status=VerificationStatus.SUBMITTED)
        ).count()
        if actor.can(Action.VERIFY, Area.FACILITATORS)
        else None,
        "generate_form": GenerateForm(
            initial={"bulan": reports.month_start(today), "pendamping": own.pk if own else None},
            facilitators=facilitators,
        )
        if can_create
        else None,
    }
    return render(request, "web/facilitators/reports/list.html", context)


@login_required
@require_POST
def report_generate(request):
    """Creates (or refreshes) the report of the chosen facilitator and month, then opens it."""
    actor = actor_for_request(request)
    require(actor, Action.CREATE, Area.FACILITATORS)
    form = GenerateForm(request.POST, facilitators=_facilitators(actor))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("web:monthly_report_list")
    facilitator = selectors.get_visible(
        actor, selectors.visible_facilitators(actor), form.cleaned_data["pendamping"]
    )
    try:
        report = reports.generate(actor=actor, facilitator=facilitator, month=form.cleaned_data["bulan"])
    except DomainError as error:
        messages.error(request, error.message)
        existing = MonthlyReport.objects.filter(
            facilitator=facilitator, month=reports.month_start(form.cleaned_data["bulan"])
        ).first()
        return (
            redirect("web:monthly_report_detail", pk=existing.pk)
            if existing
            else redirect("web:monthly_report_list")
        )
    messages.success(
        request,
        _("Laporan %(month)s %(name)s dihitung dari %(n)s kunjungan.")
        % {
            "month": reports.month_label(report.month),
            "name": facilitator.name,
            "n": report.figures["visits"],
        },
    )
    return redirect("web:monthly_report_detail", pk=report.pk)


def _steps(actor, report: MonthlyReport) -> tuple[list[dict], str]:
    steps = record_steps(actor=actor, record=report)
    offered = []
    for name in steps.available:
        if name not in STEP_LABELS:
            continue
        if name == "submit" and not (
            actor.is_superuser or actor.role == Role.FACILITATOR or report.facilitator.user_id is None
        ):
            continue
        offered.append({"name": name, "label": STEP_LABELS[name], "url_name": f"web:monthly_report_{name}"})
    return offered, steps.withheld


def _detail(request, actor, report: MonthlyReport, *, text_form=None, reason_form=None, status=200):
    editable = report.verification_status in reports.OPEN_STATUSES and actor.can(
        Action.EDIT, Area.FACILITATORS
    )
    steps, withheld = _steps(actor, report)
    doc = reports.report_document(report)
    context = {
        "report": report,
        "doc": doc,
        "late": reports.is_late(report),
        "editable": editable,
        "can_refresh": editable and actor.can(Action.CREATE, Area.FACILITATORS),
        "text_form": text_form
        or TextForm(
            initial={
                "version": report.version,
                "results": report.results,
                "problems": report.problems,
                "plan_next_month": report.plan_next_month,
            }
        ),
        "reason_form": reason_form or ReasonForm(),
        "steps": steps,
        "withheld": withheld,
        "generated_at": report.figures.get("generated_at", ""),
    }
    return render(request, "web/facilitators/reports/detail.html", context, status=status)


@login_required
@require_GET
def report_detail(request, pk: int):
    actor = actor_for_request(request)
    return _detail(request, actor, reports.report_get(actor=actor, pk=pk))


@login_required
@require_POST
def report_refresh(request, pk: int):
    actor = actor_for_request(request)
    report = reports.report_get(actor=actor, pk=pk)
    try:
        report = reports.generate(actor=actor, facilitator=report.facilitator, month=report.month)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Angka dihitung ulang dari %(n)s kunjungan.") % {"n": report.figures["visits"]}
        )
    return redirect("web:monthly_report_detail", pk=pk)


@login_required
@require_POST
def report_text(request, pk: int):
    actor = actor_for_request(request)
    report = reports.report_get(actor=actor, pk=pk)
    form = TextForm(request.POST)
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in reports.TEXT_FIELDS}
        try:
            reports.update_text(
                actor=actor, report=report, expected_version=form.cleaned_data["version"], **data
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Teks laporan tersimpan."))
            return redirect("web:monthly_report_detail", pk=pk)
    report.refresh_from_db()
    return _detail(request, actor, report, text_form=form, status=400)


def _step(request, pk: int, name: str):
    actor = actor_for_request(request)
    report = reports.report_get(actor=actor, pk=pk)
    reason_form = ReasonForm(request.POST)
    reason = reason_form.cleaned_data["reason"] if reason_form.is_valid() else ""
    try:
        if name == "submit":
            reports.submit(actor=actor, report=report)
            messages.success(request, _("Laporan diajukan ke Dinas pembina."))
        elif name == "verify":
            reports.approve(actor=actor, report=report)
            messages.success(request, _("Laporan disetujui."))
        else:
            reports.return_report(actor=actor, report=report, reason=reason)
            messages.success(request, _("Laporan dikembalikan ke pendamping dengan alasannya."))
    except DomainError as error:
        messages.error(request, error.message)
    except AccessDenied as error:
        messages.error(request, str(error) or _("Anda tidak berwenang melakukan langkah ini."))
    return redirect("web:monthly_report_detail", pk=pk)


@login_required
@require_POST
def report_submit(request, pk: int):
    return _step(request, pk, "submit")


@login_required
@require_POST
def report_verify(request, pk: int):
    return _step(request, pk, "verify")


@login_required
@require_POST
def report_return(request, pk: int):
    return _step(request, pk, "return")


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def report_pdf(request, pk: int):
    actor = actor_for_request(request)
    report = reports.report_get(actor=actor, pk=pk, action=Action.EXPORT)
    content = reports.report_pdf(reports.report_document(report))
    return _download(content, "application/pdf", reports.file_name(report, "pdf"))


@login_required
@require_GET
def report_xlsx(request, pk: int):
    actor = actor_for_request(request)
    report = reports.report_get(actor=actor, pk=pk, action=Action.EXPORT)
    content = reports.report_xlsx(reports.report_document(report))
    return _download(
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        reports.file_name(report, "xlsx"),
    )


@login_required
@require_GET
def late_list(request):
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.FACILITATORS)
    today = timezone.localdate()
    late = reports.late_reports(actor=actor, as_of=today)
    return render(
        request,
        "web/facilitators/reports/late.html",
        {"late": late, "today": today, "months": sum(len(e.months) for e in late)},
    )
