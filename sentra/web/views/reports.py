"""The reports page (part 3): the quarterly dekon/TP report and the Rakor pack, as XLSX or PDF.

The page shows both forms; each form is a GET to its own download URL. Figures, scope and permission
are decided by sentra.programmes.reports (404 for a province outside the reader's scope, 403 when the
role may not export); an invalid form comes back as the page with its messages (400).
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from sentra.accounts.permissions import Action
from sentra.accounts.scope import Actor, actor_for_request, require
from sentra.core.errors import DomainError
from sentra.programmes import reports
from sentra.programmes.choices import DIPA_SOURCES, FundingSource, quarter_of

from ..forms import add_domain_errors

FORMAT_CHOICES = [("xlsx", "XLSX (Excel)"), ("pdf", "PDF")]
QUARTER_CHOICES = [(1, "TW I"), (2, "TW II"), (3, "TW III"), (4, "TW IV")]
REPORT_KIND_CHOICES = [
    (FundingSource.TP.value, _("Tugas pembantuan")),
    (FundingSource.DEKON.value, _("Dekonsentrasi")),
]
TP_FROM_YEAR = 2024  # Ditjen IKMA's provincial work is tugas pembantuan from TA 2024 (domain-facts 7.1)


class DekonReportForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Triwulan"), choices=QUARTER_CHOICES, coerce=int)
    # Absent (links made before TP existed): dekonsentrasi, as the report always was.
    kind = forms.ChoiceField(label=_("Jenis DIPA"), choices=REPORT_KIND_CHOICES, required=False)
    province = forms.CharField(label=_("Provinsi"), max_length=13, widget=forms.Select)
    report_date = forms.DateField(
        label=_("Tanggal laporan"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Kosong: hari ini. Laporan SKPD provinsi paling lambat 5 hari kerja setelah triwulan."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="pdf")

    def __init__(self, *args, actor: Actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].widget.choices = [
            (r.code, f"{r.code} {r.name}") for r in reports.provinces_in_scope(actor)
        ]


class RakorReportForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    date = forms.DateField(
        label=_("Tanggal rakor (keadaan per)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    region = forms.CharField(label=_("Provinsi"), max_length=13, required=False, widget=forms.Select)
    funding_source = forms.ChoiceField(
        label=_("Sumber dana"),
        required=False,
        choices=[("", _("Semua DIPA (APBN, dekon, TP)"))]
        + [(s.value, s.label) for s in FundingSource if s in DIPA_SOURCES],
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="pdf")

    def __init__(self, *args, actor: Actor, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = reports.provinces_in_scope(actor) if actor.is_national else []
        self.fields["region"].widget.choices = [("", _("Seluruh wilayah kerja saya"))] + [
            (r.code, f"{r.code} {r.name}") for r in provinces
        ]


def _initial(today: dt.date) -> tuple[dict, dict]:
    # The last finished quarter: on 23 November that is TW III of this year.
    quarter = quarter_of(today.month) - 1
    year = today.year if quarter else today.year - 1
    kind = FundingSource.TP if year >= TP_FROM_YEAR else FundingSource.DEKON
    dekon = {"year": year, "quarter": quarter or 4, "kind": kind.value, "format": "pdf"}
    rakor = {"year": today.year, "date": today.isoformat(), "format": "pdf"}
    return dekon, rakor


def _page(request, actor: Actor, dekon_form=None, rakor_form=None, status: int = 200):
    dekon_initial, rakor_initial = _initial(timezone.localdate())
    context = {
        "dekon_form": dekon_form or DekonReportForm(initial=dekon_initial, actor=actor),
        "rakor_form": rakor_form or RakorReportForm(initial=rakor_initial, actor=actor),
        "has_provinces": bool(reports.provinces_in_scope(actor)),
    }
    return render(request, "web/reports/index.html", context, status=status)


def _download(report, fmt: str) -> FileResponse:
    data = reports.render(report, fmt)
    return FileResponse(
        BytesIO(data),
        as_attachment=True,
        filename=f"{report.filename}.{fmt}",
        content_type=reports.FORMATS[fmt],
    )


@login_required
@require_GET
def report_index(request):
    actor = actor_for_request(request)
    require(actor, Action.EXPORT)
    return _page(request, actor)


@login_required
@require_GET
def report_dekon(request):
    actor = actor_for_request(request)
    require(actor, Action.EXPORT)
    form = DekonReportForm(request.GET, actor=actor)
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = reports.dekon_quarterly(
                actor=actor,
                fiscal_year=data["year"],
                quarter=data["quarter"],
                province=data["province"],
                report_date=data["report_date"],
                funding_kind=data["kind"] or FundingSource.DEKON,
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            return _download(report, data["format"])
    return _page(request, actor, dekon_form=form, status=400)


@login_required
@require_GET
def report_rakor(request):
    actor = actor_for_request(request)
    require(actor, Action.EXPORT)
    form = RakorReportForm(request.GET, actor=actor)
    if form.is_valid():
        data = form.cleaned_data
        try:
            pack = reports.rakor_pack(
                actor=actor,
                fiscal_year=data["year"],
                as_of=data["date"],
                region=data["region"],
                funding_source=data["funding_source"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            return _download(pack, data["format"] or "pdf")
    return _page(request, actor, rakor_form=form, status=400)
