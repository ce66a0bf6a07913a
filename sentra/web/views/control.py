"""Budget-control pages (Pengendalian): dashboards, early warning, map data and realisation entry.

Every figure comes from sentra/programmes/selectors.py (control_figures, control_total,
lagging_activities, output_achievement_total, quarter_target, policy_for): the views only choose the
filter, label the groups and turn percentages into chart coordinates. Nothing is cached, so a
realisation saved a second ago is in the next page load.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, actor_for_request, code_in_scope, require, require_record
from sentra.agencies.models import Agency
from sentra.core.errors import DomainError
from sentra.programmes import selectors, services
from sentra.programmes.choices import (
    DIPA_SOURCES,
    AccountGroup,
    ActivityKind,
    FundingSource,
    Month,
    quarter_of,
)
from sentra.programmes.models import Programme
from sentra.regions.codes import normalise_code
from sentra.regions.models import Region
from sentra.regions.selectors import region_path
from sentra.verification.models import VerificationStatus
from sentra.verification.selectors import record_steps
from sentra.verification.services import TRANSITIONS

from ..forms import ReasonForm, add_domain_errors
from .history import history_page
from .maps import _features
from .registry import PER_PAGE, TRANSITION_LABELS, CappedPaginator, allowed
from .workflow import apply_transition

GROUP_LABELS = {
    "province": gettext_lazy("Provinsi"),
    "regency": gettext_lazy("Kabupaten/kota"),
    "agency": gettext_lazy("Satker/instansi"),
    "programme": gettext_lazy("Program"),
    "kind": gettext_lazy("Jenis kegiatan"),
    "funding_source": gettext_lazy("Sumber dana"),
    "activity": gettext_lazy("Kegiatan"),
}
WARNINGS_ON_DASHBOARD = 10
# The funding-source filter's "every DIPA source" choice: the scope of the Rakor pack.
DIPA_CHOICE = "dipa"
DIPA_LABEL = gettext_lazy("DIPA: APBN, dekon, TP (seperti bahan Rakor)")
WARNINGS_PER_PAGE = 50


def optional_reverse(name: str, *args) -> str:
    """The URL of a page another part may not have built yet: "" until it exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- filters -----------------------------------------------------------------------------------------


class ControlFilterForm(forms.Form):
    tahun = forms.IntegerField(
        label=gettext_lazy("Tahun anggaran"), required=False, min_value=2000, max_value=2100
    )
    bulan = forms.TypedChoiceField(
        label=gettext_lazy("Posisi s.d. bulan"), required=False, coerce=int, choices=Month.choices
    )
    wilayah = forms.CharField(label=gettext_lazy("Kode wilayah"), required=False, max_length=13)
    program = forms.IntegerField(label=gettext_lazy("Program"), required=False)
    jenis = forms.ChoiceField(
        label=gettext_lazy("Jenis kegiatan"),
        required=False,
        choices=[("", gettext_lazy("Semua jenis")), *ActivityKind.choices],
    )
    sumber = forms.ChoiceField(
        label=gettext_lazy("Sumber dana"),
        required=False,
        choices=[("", gettext_lazy("Semua sumber")), (DIPA_CHOICE, DIPA_LABEL), *FundingSource.choices],
    )
    satker = forms.IntegerField(label=gettext_lazy("Satker"), required=False)
    per = forms.ChoiceField(
        label=gettext_lazy("Rincian per"), required=False, choices=[("", "—"), *GROUP_LABELS.items()]
    )


def _control_filter(request, actor: Actor) -> tuple[selectors.ControlFilter, ControlFilterForm, str]:
    """The filter of a control page; a region outside the reader's scope answers 404.

    A regional reader without a region in the query lands on their own region.
    """
    form = ControlFilterForm(request.GET)
    form.is_valid()
    data = dict(form.cleaned_data)
    year = data.get("tahun") or selectors.default_fiscal_year()
    month = data.get("bulan") or selectors.default_month(year)
    region = (data.get("wilayah") or "").strip()
    if region:
        region = normalise_code(region) or ""
        if not region or not Region.objects.filter(code=region).exists():
            raise Http404
        if not code_in_scope(actor, region):
            raise Http404
    elif actor.region_code:
        region = actor.region_code
    source = data.get("sumber") or ""
    f = selectors.ControlFilter(
        fiscal_year=year,
        month=month,
        region=region,
        kind=data.get("jenis") or "",
        # "dipa": every DIPA source at once, as the Rakor pack reads them.
        funding_source="" if source == DIPA_CHOICE else source,
        funding_sources=tuple(sorted(DIPA_SOURCES)) if source == DIPA_CHOICE else (),
        agency=data.get("satker"),
        programme=data.get("program"),
    )
    return f, form, data.get("per") or ""


def _default_group(region: str) -> str:
    """Drill-down: national → provinces, province → regencies, regency (or lower) → activities."""
    if not region:
        return "province"
    if len(region) == 2:
        return "regency"
    return "activity"


def _query(f: selectors.ControlFilter, **override) -> str:
    """The query string of a control page for the filter, with some values replaced."""
    params = {
        "tahun": f.fiscal_year,
        "bulan": f.month,
        "wilayah": f.region,
        "program": f.programme or "",
        "jenis": f.kind,
        "sumber": f.funding_source or (DIPA_CHOICE if f.funding_sources else ""),
        "satker": f.agency or "",
    }
    params.update(override)
    return urlencode({k: v for k, v in params.items() if v not in ("", None)})


# --- labels and rows ----------------------------------------------------------------------------------


def _labels(group: str, keys: list) -> dict:
    keys = [k for k in keys if k not in (None, "")]
    if group in ("province", "regency"):
        return dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    if group == "agency":
        return dict(Agency.objects.filter(pk__in=keys).values_list("pk", "name"))
    if group == "programme":
        return {p.pk: f"{p.code} {p.name}" for p in Programme.objects.filter(pk__in=keys)}
    if group == "kind":
        return dict(ActivityKind.choices)
    if group == "funding_source":
        return dict(FundingSource.choices)
    return {}


def _unplaced_label(group: str) -> str:
    """The group of records without a regency (province satker) or province (central satker)."""
    if group == "regency":
        return _("Satker tingkat provinsi")
    if group == "province":
        return _("Satker pusat")
    return _("Tanpa keterangan")


@dataclass
class Row:
    """One line of a control table: the selector's figures plus the links a reader follows."""

    figures: selectors.ControlFigures
    label: str
    code: str = ""
    output: float | None = None
    target: int = 0
    drill_url: str = ""
    activity: object = None
    activity_url: str = ""
    entry_url: str = ""

    @property
    def below_target(self) -> bool:
        return bool(self.figures.pagu) and self.figures.absorption < self.target


def _rows(
    actor: Actor,
    f: selectors.ControlFilter,
    group: str,
    target: int,
    outputs: dict | None = None,
    figures: list | None = None,
) -> list[Row]:
    """The table's rows; `outputs` (achievement per group key) and `figures` (per group) when the
    caller already has them."""
    if figures is None:
        figures = selectors.control_figures(actor=actor, f=f, group=group)
    labels = _labels(group, [r.key for r in figures])
    base = reverse("web:control_dashboard")
    rows: list[Row] = []
    if group == "activity":
        activities = (
            selectors.control_activities(actor=actor, f=f)
            .select_related("agency")
            .in_bulk([r.key for r in figures])
        )
        outputs = selectors.output_achievements(activity_ids=list(activities), month=f.month)
        for fig in figures:
            activity = activities.get(fig.key)
            if activity is None:
                continue
            rows.append(
                Row(
                    figures=fig,
                    label=f"{activity.code} {activity.name}",
                    output=outputs.get(activity.pk),
                    target=target,
                    activity=activity,
                    activity_url=optional_reverse("web:activity_detail", activity.pk),
                    entry_url=reverse("web:realisation_create") + "?" + urlencode({"kegiatan": activity.pk}),
                )
            )
        return sorted(rows, key=lambda r: r.label)
    if outputs is None:
        outputs = selectors.output_achievement_by(actor=actor, f=f, group=group)
    for fig in figures:
        key = fig.key
        label = labels.get(key) or (str(key) if key not in (None, "") else _unplaced_label(group))
        drill = ""
        if group in ("province", "regency") and key:
            drill = f"{base}?{_query(f, wilayah=key)}"
        elif group in ("agency", "programme", "kind", "funding_source") and key not in (None, ""):
            param = {"agency": "satker", "programme": "program", "kind": "jenis", "funding_source": "sumber"}
            drill = f"{base}?{_query(f, **{param[group]: key})}&per=activity"
        output = outputs.get(key) if key not in (None, "") or group not in ("province", "regency") else None
        rows.append(
            Row(
                figures=fig,
                label=str(label),
                code=str(key or "") if group in ("province", "regency") else "",
                output=output,
                target=target,
                drill_url=drill,
            )
        )
    return rows


# --- charts (server-rendered SVG: coordinates only, the figures come from the selectors) -------------

CHART_W, CHART_H, PAD_L, PAD_R, PAD_T, PAD_B = 640, 280, 44, 16, 14, 34


def _y(percent: float) -> float:
    percent = max(0.0, min(float(percent), 110.0))
    return round(PAD_T + (CHART_H - PAD_T - PAD_B) * (1 - percent / 110.0), 1)


def _x(month: int) -> float:
    return round(PAD_L + (CHART_W - PAD_L - PAD_R) * (month - 0.5) / 12, 1)


def s_curve_chart(total: selectors.ControlFigures, policy) -> dict:
    """Polylines of cumulative plan and realisation (% of pagu) and the quarter-target markers."""
    points = total.s_curve()
    plan = " ".join(f"{_x(p['month'])},{_y(p['plan'])}" for p in points)
    real = " ".join(f"{_x(p['month'])},{_y(p['realised'])}" for p in points if p["realised"] is not None)
    months = [{"x": _x(m), "label": Month(m).label[:3]} for m in range(1, 13)]
    grid = [{"y": _y(v), "label": f"{v}%"} for v in (0, 25, 50, 75, 100)]
    targets = [
        {"x": _x(q * 3), "y": _y(t), "value": t, "quarter": q}
        for q, t in enumerate(policy.quarter_targets, start=1)
    ]
    last = next((p for p in reversed(points) if p["realised"] is not None), None)
    return {
        "width": CHART_W,
        "height": CHART_H,
        "plan": plan,
        "realised": real,
        "months": months,
        "grid": grid,
        "targets": targets,
        "axis_y": CHART_H - PAD_B,
        "left": PAD_L,
        "right": CHART_W - PAD_R,
        "label_y": CHART_H - PAD_B + 18,
        "asof_x": _x(total.month),
        "last": last and {"x": _x(last["month"]), "y": _y(last["realised"])},
        "table": [
            {**p, "target": policy.quarter_targets[p["month"] // 3 - 1] if p["month"] % 3 == 0 else None}
            for p in points
        ],
    }


BAR_H, BAR_GAP, BAR_LABEL_W, BAR_W = 20, 6, 210, 400


def bar_chart(rows: list[Row], target: int) -> dict:
    """Horizontal bars of absorption per row, with the quarter target as a vertical line."""
    scale = BAR_W / 100
    bars = []
    for i, row in enumerate(rows):
        value = row.figures.absorption
        y = i * (BAR_H + BAR_GAP)
        bars.append(
            {
                "label": row.label[:32],
                "value": value,
                "y": y,
                "text_y": y + BAR_H - 6,
                "width": round(min(value, 100.0) * scale, 1),
                "value_x": BAR_LABEL_W + round(min(value, 100.0) * scale, 1) + 6,
                "below": row.below_target,
                "url": row.drill_url,
            }
        )
    height = max(len(bars), 1) * (BAR_H + BAR_GAP) + 20
    return {
        "bars": bars,
        "label_w": BAR_LABEL_W,
        "label_x": BAR_LABEL_W - 8,
        "width": BAR_LABEL_W + BAR_W + 60,
        "height": height,
        "target_x": BAR_LABEL_W + round(target * scale, 1),
        "target": target,
        "axis_y": height - 20,
        "ticks": [{"x": BAR_LABEL_W + v * scale, "label": f"{v}%"} for v in (0, 25, 50, 75, 100)],
        "tick_y": height - 6,
    }


# --- dashboard ---------------------------------------------------------------------------------------


def _options(choices: list[tuple], selected) -> str:
    """<option> elements (escaped), the selected value marked, as the filter form shows them."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )


def _filter_choices(actor: Actor, f: selectors.ControlFilter) -> dict:
    year_filter = selectors.PlanFilter(fiscal_year=f.fiscal_year)
    programmes = selectors.programme_list(actor=actor, filters=year_filter)
    agency_ids = selectors.activity_list(actor=actor, filters=year_filter).values("agency_id")
    programme_choices = [(p.pk, f"{p.code} {p.name}") for p in programmes[:200]]
    agencies = list(Agency.objects.filter(pk__in=agency_ids).order_by("name").values_list("pk", "name"))
    return {
        "programmes": programme_choices,
        "agencies": agencies,
        # A national year has 553 satker: the options are joined here, not looped in the template.
        "programme_options": _options(programme_choices, f.programme),
        "agency_options": _options(agencies, f.agency),
        "kinds": ActivityKind.choices,
        "sources": [(DIPA_CHOICE, DIPA_LABEL), *FundingSource.choices],
        "months": Month.choices,
    }


def _breadcrumb(f: selectors.ControlFilter, actor: Actor) -> list[dict]:
    base = reverse("web:control_dashboard")
    crumbs = []
    if actor.is_national:
        crumbs.append({"label": _("Nasional"), "url": f"{base}?{_query(f, wilayah='')}"})
    if f.region:
        for region in region_path(code=f.region):
            if actor.region_code and len(region.code) < len(actor.region_code):
                continue
            crumbs.append({"label": region.name, "url": f"{base}?{_query(f, wilayah=region.code)}"})
    return crumbs


@login_required
@require_GET
def control_dashboard(request):
    """Ministry → province → regency → activity: absorption, deviation, output and early warning."""
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.PROGRAMMES)
    f, form, per = _control_filter(request, actor)
    policy = selectors.policy_for(f.fiscal_year)
    target = selectors.quarter_target(f.fiscal_year, f.month)
    group = per or _default_group(f.region)
    # The Rakor pack's definition too (selectors.control_summary): the same figures on the same date.
    summary = selectors.control_summary(actor=actor, f=f, group=group)
    total_output = summary.output_achievement
    outputs = summary.output_by_group if group != "activity" else None
    rows = _rows(actor, f, group, target, outputs, figures=summary.groups)
    total = summary.total
    # The worst few and how many: the database counts and sorts thousands of lagging activities.
    lagging_count, lag_rows = selectors.lagging_page(actor=actor, f=f, limit=WARNINGS_ON_DASHBOARD)
    lagging = selectors.lagging_activities(actor=actor, f=f, rows=lag_rows)
    # Bars per province nationally (whatever the table's breakdown), per regency in a province.
    bar_group, bar_rows = group, rows
    if not f.region and group != "province":
        bar_group, bar_rows = "province", _rows(actor, f, "province", target)
    elif group not in ("province", "regency"):
        bar_rows = []
    region = Region.objects.filter(code=f.region).first() if f.region else None
    context = {
        "f": f,
        "form": form,
        "per": per,
        "group": group,
        "group_label": GROUP_LABELS[group],
        "group_choices": GROUP_LABELS.items(),
        "region": region,
        "breadcrumb": _breadcrumb(f, actor),
        "policy": policy,
        "quarter": quarter_of(f.month),
        "target": target,
        "total": total,
        "total_output": total_output,
        "below_target": bool(total.pagu) and total.absorption < target,
        # Against the quarter target: no pagu means nothing to absorb, which meets no target.
        "target_status": "no_pagu" if not total.pagu else "below" if total.absorption < target else "met",
        "rows": rows,
        "types": _type_rows(total, f),
        "s_curve": s_curve_chart(total, policy),
        "bars": bar_chart(bar_rows, target) if bar_rows else None,
        "bar_label": GROUP_LABELS[bar_group],
        "show_map": not f.region,
        "lagging": _lag_rows(lagging),
        "lagging_count": lagging_count,
        "warnings_url": reverse("web:control_warnings") + "?" + _query(f),
        "geojson_url": reverse("web:control_map_provinces") + "?" + _query(f, wilayah=""),
        "drill_base": reverse("web:control_dashboard") + "?" + _query(f, wilayah=""),
        "month_label": Month(f.month).label,
        "choices": _filter_choices(actor, f),
        "can_enter": actor.can(Action.CREATE, Area.PROGRAMMES),
    }
    return render(request, "web/control/dashboard.html", context)


def _type_rows(total: selectors.ControlFigures, f: selectors.ControlFilter) -> list[dict]:
    """Pagu, blokir, absorption against the type's own quarter target and deviation, per spending type."""
    deviations = total.type_deviation()
    absorption = total.type_absorption()
    targets = selectors.type_quarter_targets(f.fiscal_year, f.month, deviations)
    return [
        {
            "group": group,
            "label": AccountGroup(group).label if group in AccountGroup.values else group,
            "pagu": total.types[group].pagu,
            "blocked": total.types[group].blocked,
            "absorption": absorption[group],
            "target": targets[group],
            "below": absorption[group] < targets[group],
            "deviation": round(sum(months) / len(months), 2) if months else 0.0,
        }
        for group, months in deviations.items()
    ]


def _lag_row(item: selectors.LaggingActivity) -> dict:
    activity = item.activity
    return {
        "activity": activity,
        "figures": item.figures,
        "months_lagging": item.months_lagging,
        "output": item.output_achievement,
        "activity_url": optional_reverse("web:activity_detail", activity.pk),
        "entry_url": reverse("web:realisation_create") + "?" + urlencode({"kegiatan": activity.pk}),
        "place": activity.regency_code or activity.province_code,
    }


def _lag_rows(items: list[selectors.LaggingActivity]) -> list[dict]:
    rows = [_lag_row(item) for item in items]
    places = {row["place"] for row in rows if row["place"]}
    names = dict(Region.objects.filter(code__in=places).values_list("code", "name"))
    for row in rows:
        row["place_name"] = names.get(row["place"], "")
    return rows


@login_required
@require_GET
def control_warnings(request):
    """The whole early-warning list: activities behind their plan by more than the threshold."""
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.PROGRAMMES)
    f, form, _per = _control_filter(request, actor)
    policy = selectors.policy_for(f.fiscal_year)
    # Thousands of activities can lag in a national year: a page at a time, worst first.
    paginator = Paginator(selectors.lagging_rows(actor=actor, f=f), WARNINGS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    lagging = _lag_rows(selectors.lagging_activities(actor=actor, f=f, rows=list(page.object_list)))
    return render(
        request,
        "web/control/warnings.html",
        {
            "f": f,
            "form": form,
            "policy": policy,
            "lagging": lagging,
            "lagging_count": paginator.count,
            "page": page,
            "paginator": paginator,
            "query": _query(f),
            "can_enter": actor.can(Action.CREATE, Area.PROGRAMMES),
            "month_label": Month(f.month).label,
            "dashboard_url": reverse("web:control_dashboard") + "?" + _query(f),
            "choices": _filter_choices(actor, f),
        },
    )


@login_required
@require_GET
def control_map_provinces(request):
    """Province boundaries with the absorption of each (scoped to the reader), for the choropleth."""
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.PROGRAMMES)
    f, _form, _per = _control_filter(request, actor)
    if not actor.is_national:  # the map is of provinces: a regional reader sees their province shaded
        f = dataclasses.replace(f, region="")
    target = selectors.quarter_target(f.fiscal_year, f.month)
    by_code = {r.key: r for r in selectors.control_figures(actor=actor, f=f, group="province") if r.key}
    features = []
    for feature in _features("provinces.geojson"):
        code = feature["properties"]["code"]
        fig = by_code.get(code)
        properties = {
            **feature["properties"],
            "pagu": fig.pagu if fig else 0,
            "realised": fig.realised_to_date if fig else 0,
            "absorption": fig.absorption if fig else None,
            "planned": fig.planned_absorption if fig else None,
            "target": target,
        }
        features.append({"type": "Feature", "properties": properties, "geometry": feature["geometry"]})
    body = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    return HttpResponse(body, content_type="application/geo+json")


# --- realisation -------------------------------------------------------------------------------------


class RealisationForm(forms.Form):
    month = forms.TypedChoiceField(label=gettext_lazy("Bulan"), coerce=int, choices=Month.choices)
    account_group = forms.ChoiceField(
        label=gettext_lazy("Jenis belanja"),
        required=False,
        help_text=gettext_lazy("Deviasi RPD dinilai per jenis belanja (IKPA)."),
    )
    amount = forms.IntegerField(
        label=gettext_lazy("Realisasi keuangan bulan ini (Rp)"),
        help_text=gettext_lazy("Belanja bulan ini saja, bukan kumulatif."),
    )
    physical_progress = forms.DecimalField(
        label=gettext_lazy("Progres fisik kumulatif (%)"), max_digits=5, decimal_places=2
    )
    output_achieved = forms.DecimalField(
        label=gettext_lazy("Capaian keluaran utama (kumulatif)"),
        max_digits=14,
        decimal_places=2,
        required=False,
        min_value=0,
    )
    obstacles = forms.CharField(
        label=gettext_lazy("Kendala"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Alasan perubahan"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Dicatat di riwayat perubahan (wajib diisi saat mengoreksi)."),
    )

    def __init__(self, *args, lines=(), **kwargs):
        """`lines`: the activity's budget lines; its types are the choices (one line: chosen)."""
        super().__init__(*args, **kwargs)
        field = self.fields["account_group"]
        field.choices = [
            ("", "—"),
            *((line.account_group, line.get_account_group_display()) for line in lines),
        ]
        if len(lines) == 1:
            field.initial = lines[0].account_group
        field.required = len(lines) > 1


def _realisation_or_404(actor: Actor, pk: int):
    record = selectors.realisation_get(actor=actor, pk=pk)
    if record is None:
        raise Http404
    return record


def _activity_or_404(actor: Actor, pk) -> object:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    activity = selectors.activity_get(actor=actor, pk=pk)
    if activity is None:
        raise Http404
    return activity


@login_required
def realisation_form(request, pk: int | None = None):
    """Records (or corrects) one month of an activity; every rule's error shows on its field."""
    actor = actor_for_request(request)
    if pk is not None:
        existing = _realisation_or_404(actor, pk)
        activity = existing.activity
        require_record(actor, Action.EDIT, existing)
    else:
        existing = None
        activity = _activity_or_404(actor, request.GET.get("kegiatan") or request.POST.get("kegiatan"))
        require(actor, Action.CREATE, Area.PROGRAMMES)
        require_record(actor, Action.VIEW, activity)
    lines = list(activity.budget_lines.order_by("account_group", "id"))
    if request.method == "POST":
        form = RealisationForm(request.POST, lines=lines)
        if existing is not None:
            form.fields["month"].disabled = True
            form.fields["month"].initial = existing.month
            if existing.account_group:  # a recorded type stays; a month recorded before types gets one
                form.fields["account_group"].disabled = True
                form.fields["account_group"].initial = existing.account_group
        if form.is_valid():
            month = form.cleaned_data["month"]
            try:
                record = services.realisation_record(
                    actor=actor,
                    activity=activity,
                    month=month,
                    amount=form.cleaned_data["amount"],
                    physical_progress=form.cleaned_data["physical_progress"],
                    output_achieved=form.cleaned_data.get("output_achieved") or 0,
                    obstacles=form.cleaned_data.get("obstacles") or "",
                    account_group=form.cleaned_data.get("account_group") or "",
                    reason=form.cleaned_data.get("reason") or "",
                )
            except DomainError as error:
                if error.code == "locked":  # a closed period: the month is what cannot be changed
                    form.add_error("month", error.message)
                else:
                    add_domain_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Realisasi %(name)s tersimpan.") % {"name": record},
                )
                return redirect("web:realisation_detail", pk=record.pk)
    else:
        initial = {"month": selectors.default_month(activity.fiscal_year)}
        if request.GET.get("bulan", "").isdigit():
            initial["month"] = int(request.GET["bulan"])
        if existing is not None:
            initial = {
                "month": existing.month,
                "account_group": existing.account_group,
                "amount": existing.amount,
                "physical_progress": existing.physical_progress,
                "output_achieved": existing.output_achieved,
                "obstacles": existing.obstacles,
            }
        form = RealisationForm(initial=initial, lines=lines)
        if existing is not None:
            form.fields["month"].disabled = True
            form.fields["account_group"].disabled = bool(existing.account_group)
    recorded = sorted(
        selectors.realisation_list(actor=actor, filters=selectors.PlanFilter()).filter(activity=activity),
        key=lambda r: (r.month, r.account_group),
    )
    pagu = selectors.activity_pagu(activity)
    return render(
        request,
        "web/control/realisation_form.html",
        {
            "form": form,
            "activity": activity,
            "existing": existing,
            "pagu": pagu,
            "recorded": recorded,
            "realised_total": sum(r.amount for r in recorded),
            "output": activity.outputs.first(),
            "activity_url": optional_reverse("web:activity_detail", activity.pk),
        },
    )


class RealisationFilterForm(forms.Form):
    tahun = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    bulan = forms.TypedChoiceField(required=False, coerce=int, choices=Month.choices)
    wilayah = forms.CharField(required=False, max_length=13)
    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=[("", ""), *VerificationStatus.choices])
    menunggu = forms.BooleanField(required=False)


@login_required
@require_GET
def realisation_list(request):
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.PROGRAMMES)
    form = RealisationFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    year = data.get("tahun") or selectors.default_fiscal_year()
    filters = selectors.PlanFilter(
        fiscal_year=year,
        region=(data.get("wilayah") or "").strip(),
        q=(data.get("q") or "").strip(),
        verification=data.get("status") or "",
        waiting=bool(data.get("menunggu")),
    )
    qs = selectors.realisation_list(actor=actor, filters=filters, month=data.get("bulan") or None)
    paginator = CappedPaginator(qs, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/control/realisation_list.html",
        {
            "form": form,
            "year": year,
            "filters": filters,
            "month": data.get("bulan") or "",
            "page": page,
            "paginator": paginator,
            "query": query.urlencode(),
            "months": Month.choices,
            "statuses": VerificationStatus.choices,
            "waiting": bool(data.get("menunggu")),
        },
    )


def _realisation_actions(actor: Actor, record) -> dict:
    steps = record_steps(actor=actor, record=record)
    return {
        "withheld": steps.withheld,
        "transitions": [
            {
                "name": name,
                "label": TRANSITION_LABELS[name],
                "needs_reason": step.needs_reason,
                "url": reverse("web:realisation_transition", args=[record.pk, name]),
            }
            for name, step in TRANSITIONS.items()
            if name in steps.available
        ],
        "edit_url": (
            reverse("web:realisation_edit", args=[record.pk])
            if not record.is_locked and allowed(actor, Action.EDIT, record)
            else ""
        ),
    }


@login_required
@require_GET
def realisation_detail(request, pk: int):
    actor = actor_for_request(request)
    record = _realisation_or_404(actor, pk)
    return render(
        request,
        "web/control/realisation_detail.html",
        {
            "obj": record,
            "actions": _realisation_actions(actor, record),
            "reason_form": ReasonForm(),
            "activity_url": optional_reverse("web:activity_detail", record.activity_id),
            "place": Region.objects.filter(code=record.region_id).first() if record.region_id else None,
        },
    )


@login_required
@require_POST
def realisation_transition(request, pk: int, name: str):
    """Submit, verify, accept, return or reopen one month, through the verification services."""
    if name not in TRANSITIONS:
        raise Http404
    actor = actor_for_request(request)
    apply_transition(request, actor, _realisation_or_404(actor, pk), name)
    return redirect("web:realisation_detail", pk=pk)


@login_required
@require_GET
def realisation_history(request, pk: int):
    """Every change of one month (audit log), on the history page the registries use."""
    return history_page(request, _realisation_or_404(actor_for_request(request), pk))
