"""The follow-up dashboard (Dasbor tindak lanjut, issue 15 §2): completion and overdue per province,
regency or owner agency, drilled down national → province → regency like the control dashboard.

Figures from coordination/dashboard.py (one aggregate query, scoped by the one rule); the view picks
the filter, labels the groups, draws the bars (server-rendered SVG, no script) and exports the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, actor_for_request, code_in_scope, require
from sentra.coordination import dashboard
from sentra.coordination.choices import MeetingKind
from sentra.core.exports import Column, csv_response, xlsx_response
from sentra.regions.codes import normalise_code
from sentra.regions.models import Region
from sentra.regions.selectors import region_path

GROUP_LABELS = {
    "province": gettext_lazy("Provinsi"),
    "regency": gettext_lazy("Kabupaten/kota"),
    "agency": gettext_lazy("Instansi penanggung jawab"),
}


class DashboardFilterForm(forms.Form):
    tahun = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    wilayah = forms.CharField(required=False, max_length=13)
    jenis = forms.ChoiceField(required=False, choices=[("", ""), *MeetingKind.choices])
    per = forms.ChoiceField(required=False, choices=[("", ""), *GROUP_LABELS.items()])


def _filter(request, actor: Actor) -> tuple[dashboard.DashboardFilter, str]:
    """The page's filter; a region that does not exist or lies outside the reader's scope answers 404.
    A regional reader without a region in the query lands on their own region."""
    form = DashboardFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    region = (data.get("wilayah") or "").strip()
    if region:
        region = normalise_code(region) or ""
        if not region or not Region.objects.filter(code=region).exists() or not code_in_scope(actor, region):
            raise Http404
    elif actor.region_code:
        region = actor.region_code
    f = dashboard.DashboardFilter(region=region, year=data.get("tahun"), meeting_kind=data.get("jenis") or "")
    return f, data.get("per") or ""


def _query(f: dashboard.DashboardFilter, **override) -> str:
    params = {"tahun": f.year or "", "wilayah": f.region, "jenis": f.meeting_kind}
    params.update(override)
    return urlencode({k: v for k, v in params.items() if v not in ("", None)})


@dataclass
class Row:
    figures: dashboard.FollowUpFigures
    label: str
    code: str = ""
    drill_url: str = ""
    list_url: str = ""


def dashboard_rows(summary: dashboard.DashboardSummary, f: dashboard.DashboardFilter) -> list[Row]:
    """The table's rows: labels (one query per page, not per row) and the links to drill or list."""
    group = summary.group
    labels = dashboard.group_labels(summary)
    base = reverse("web:follow_up_dashboard")
    listing = reverse("web:follow_up_list")
    rows = []
    for figures in summary.groups:
        key = figures.key
        row = Row(figures=figures, label=str(labels.get(key) or key or dashboard.unplaced_label(group)))
        if group in ("province", "regency") and key:
            row.code = str(key)
            row.drill_url = f"{base}?{_query(f, wilayah=key)}"
            row.list_url = f"{listing}?{urlencode({'region': key})}"
        elif group == "agency" and key:
            row.list_url = f"{listing}?{urlencode({'owner': key})}"
        rows.append(row)
    return sorted(rows, key=lambda r: (r.figures.key is None, r.label))


BAR_H, BAR_GAP, BAR_LABEL_W, BAR_W = 20, 6, 210, 400


def completion_bars(rows: list[Row]) -> dict | None:
    """Horizontal bars of completion per row; rows without anything counted have no bar."""
    scale = BAR_W / 100
    bars = []
    for i, row in enumerate(r for r in rows if r.figures.completion is not None):
        value = row.figures.completion
        y = i * (BAR_H + BAR_GAP)
        bars.append(
            {
                "label": row.label[:32],
                "value": value,
                "y": y,
                "text_y": y + BAR_H - 6,
                "width": round(value * scale, 1),
                "value_x": BAR_LABEL_W + round(value * scale, 1) + 6,
                "overdue": row.figures.overdue,
                "url": row.drill_url,
            }
        )
    if not bars:
        return None
    height = len(bars) * (BAR_H + BAR_GAP) + 20
    return {
        "bars": bars,
        "label_w": BAR_LABEL_W,
        "label_x": BAR_LABEL_W - 8,
        "width": BAR_LABEL_W + BAR_W + 60,
        "height": height,
        "axis_y": height - 20,
        "ticks": [{"x": BAR_LABEL_W + v * scale, "label": f"{v}%"} for v in (0, 25, 50, 75, 100)],
        "tick_y": height - 6,
    }


def _breadcrumb(f: dashboard.DashboardFilter, actor: Actor) -> list[dict]:
    base = reverse("web:follow_up_dashboard")
    crumbs = []
    if actor.is_national:
        crumbs.append({"label": _("Nasional"), "url": f"{base}?{_query(f, wilayah='')}"})
    if f.region:
        for region in region_path(code=f.region):
            if actor.region_code and len(region.code) < len(actor.region_code):
                continue
            crumbs.append({"label": region.name, "url": f"{base}?{_query(f, wilayah=region.code)}"})
    return crumbs


def _summary(request):
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.COORDINATION)
    f, per = _filter(request, actor)
    summary = dashboard.follow_up_summary(actor=actor, f=f, group=per)
    return actor, f, per, summary, dashboard_rows(summary, f)


@login_required
@require_GET
def follow_up_dashboard(request):
    actor, f, per, summary, rows = _summary(request)
    region = Region.objects.filter(code=f.region).first() if f.region else None
    context = {
        "tab": "dashboard",
        "f": f,
        "per": per,
        "group": summary.group,
        "group_label": GROUP_LABELS[summary.group],
        "group_choices": GROUP_LABELS.items(),
        "kinds": MeetingKind.choices,
        "region": region,
        "breadcrumb": _breadcrumb(f, actor),
        "total": summary.total,
        "on": summary.on,
        "rows": rows,
        "bars": completion_bars(rows),
        "export_query": _query(f, per=per),
    }
    return render(request, "web/coordination/dashboard.html", context)


def _percent(value: float | None):
    return "" if value is None else value


EXPORT_COLUMNS = [
    Column("Kode", lambda r: r.code),
    Column("Nama", lambda r: r.label),
    Column("Jumlah tindak lanjut", lambda r: r.figures.total),
    Column("Selesai", lambda r: r.figures.done),
    Column("Dibatalkan", lambda r: r.figures.dropped),
    Column("Belum selesai", lambda r: r.figures.pending),
    Column("Terlambat", lambda r: r.figures.overdue),
    Column("Penyelesaian (%)", lambda r: _percent(r.figures.completion)),
    Column("Terlambat (%)", lambda r: _percent(r.figures.overdue_share)),
]


@login_required
@require_GET
def follow_up_dashboard_export(request):
    """The dashboard's table as CSV (default) or XLSX (?format=xlsx), with a total row."""
    actor, f, _per, summary, rows = _summary(request)
    require(actor, Action.EXPORT, Area.COORDINATION)
    total = Row(figures=summary.total, label=_("Jumlah"))
    name = "sentra-dasbor-tindak-lanjut" + (f"-{f.region}" if f.region else "")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(name, [*rows, total], EXPORT_COLUMNS, sheet_title=_("Tindak lanjut"))
    return csv_response(name, [*rows, total], EXPORT_COLUMNS)
