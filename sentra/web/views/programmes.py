"""Plan and budget pages: activities (list, detail, forms, export), DIPA (list, detail, lines, revisions,
RPD, versions) and the yearly dekonsentrasi allocation.

Reads go through programmes/selectors.py (scoped by the actor), writes through programmes/services.py;
a record outside the user's region answers 404, a step the role may not take 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, actor_for_request, require, require_record
from sentra.agencies.models import Agency
from sentra.audit.selectors import event_get
from sentra.core.errors import AccessDenied, DomainError, StaleVersion
from sentra.core.exports import Column, csv_response, xlsx_response
from sentra.programmes import selectors, services
from sentra.programmes.choices import Month
from sentra.programmes.models import (
    RPD_FIELDS,
    BudgetLine,
    BudgetPolicy,
    DekonAllocation,
    DisbursementPlan,
    Realisation,
)
from sentra.programmes.sakti import social_aid_warning
from sentra.regions.models import Region
from sentra.registry.selectors import RegistryFilter, centre_list, enterprise_list
from sentra.verification.models import VerificationStatus
from sentra.verification.selectors import record_steps
from sentra.verification.services import TRANSITIONS, ensure_editable

from ..forms import ReasonForm, VersionedForm, add_domain_errors
from ..forms_programmes import (
    ActivityForm,
    BudgetDocumentForm,
    BudgetLineBlockForm,
    BudgetLineForm,
    BudgetPolicyForm,
    BudgetReviseForm,
    CopyPlanForm,
    DekonAllocationForm,
    DisbursementPlanForm,
    OutputForm,
    PlanFilterForm,
    ProgrammeForm,
)
from .analytics_overlaps import overlap_panel
from .history import history_page
from .registry import (
    COUNT_CAP,
    PER_PAGE,
    TRANSITION_LABELS,
    CappedPaginator,
    _effective_region,
    _region_selects,
    allowed,
)
from .workflow import apply_transition

ACTIVITY_SORTS = [
    ("code", gettext_lazy("Kode")),
    ("name", gettext_lazy("Nama kegiatan")),
    ("start_date", gettext_lazy("Mulai")),
    ("pagu", gettext_lazy("Pagu")),
]
BUDGET_SORTS = [
    ("number", gettext_lazy("Nomor DIPA")),
    ("agency", gettext_lazy("Satker")),
    ("total", gettext_lazy("Total pagu")),
]
SORT_FIELDS = {"code": "code", "name": "name", "start_date": "start_date", "pagu": "pagu",
               "number": "number", "agency": "agency__name", "total": "total"}  # fmt: skip


def _404(obj):
    if obj is None:
        raise Http404
    return obj


def _is_ministry(actor: Actor) -> bool:
    return actor.is_national or actor.is_superuser


def _limit_agencies(form, actor: Actor, field: str = "agency"):
    """Only the ministry writes on behalf of other agencies; everyone else writes as their own."""
    if not _is_ministry(actor):
        form.fields[field].queryset = Agency.objects.filter(pk=actor.agency_id)
        form.fields[field].required = False
        form.fields[field].empty_label = None
    return form


def _url_or_blank(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- lists, filters, export -------------------------------------------------------------------------


def _plan_filters(request, *, dipa: bool = False) -> tuple[selectors.PlanFilter, PlanFilterForm, str]:
    form = PlanFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    year = data.get("tahun") or selectors.default_fiscal_year()
    f = selectors.PlanFilter(
        fiscal_year=year,
        region=_effective_region(request.GET),
        q=(data.get("q") or "").strip(),
        kind="" if dipa else data.get("kind") or "",
        funding_source=data.get("funding_source") or "",
        verification="" if dipa else data.get("verification") or "",
    )
    return f, form, data.get("sort") or ""


def _sorted(qs, sort: str, allowed_keys):
    key = sort.lstrip("-")
    if key not in allowed_keys:
        return qs
    field = SORT_FIELDS[key]
    return qs.order_by(f"-{field}" if sort.startswith("-") else field, "pk")


def _sort_headers(sorts, sort: str) -> list[dict]:
    return [
        {
            "key": key,
            "label": label,
            "active": sort in (key, f"-{key}"),
            "descending": sort == f"-{key}",
            "next": f"-{key}" if sort == key else key,
        }
        for key, label in sorts
    ]


def _activities(actor: Actor, f: selectors.PlanFilter, sort: str):
    qs = selectors.activity_list(actor=actor, filters=f).annotate(pagu=Sum("budget_lines__amount"))
    return _sorted(qs, sort, dict(ACTIVITY_SORTS))


def _list_context(request, sorts, sort: str, qs) -> dict:
    paginator = CappedPaginator(qs, PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return {
        "page": paginator.get_page(request.GET.get("page")),
        "paginator": paginator,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "sort_headers": _sort_headers(sorts, sort),
        "sort": sort,
        "count_cap": COUNT_CAP,
    }


@login_required
@require_GET
def activity_list(request):
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.PROGRAMMES)
    f, form, sort = _plan_filters(request)
    context = {
        "form": form,
        "filters": f,
        "region_selects": _region_selects(f.region),
        "can_create": actor.can(Action.CREATE, Area.PROGRAMMES),
        "rows_template": "web/programmes/_activity_rows.html",
        "verification_choices": VerificationStatus.choices,
        **_list_context(request, ACTIVITY_SORTS, sort, _activities(actor, f, sort)),
    }
    if request.htmx and request.htmx.target == "rows":
        return render(request, "web/registry/_rows.html", context)
    return render(request, "web/programmes/activity_list.html", context)


ACTIVITY_COLUMNS = [
    Column("ID", lambda o: o.pk),
    Column("Tahun", lambda o: o.fiscal_year),
    Column("Kode kegiatan", lambda o: o.code),
    Column("Nama kegiatan", lambda o: o.name),
    Column("Kode program", lambda o: o.programme.code),
    Column("Program", lambda o: o.programme.name),
    Column("Instansi", lambda o: o.agency.name),
    Column("Kode wilayah", lambda o: o.region_id),
    Column("Jenis kegiatan", lambda o: o.get_kind_display()),
    Column("Sumber dana", lambda o: o.get_funding_source_display()),
    Column("Mulai", lambda o: o.start_date),
    Column("Selesai", lambda o: o.end_date),
    Column("Indikator RPJMD/Renstra", lambda o: o.plan_reference),
    Column("Penanggung jawab", lambda o: o.officer_name),
    Column("Pagu (Rp)", lambda o: o.pagu or 0),
    Column("Status verifikasi", lambda o: o.get_verification_status_display()),
]


@login_required
@require_GET
def activity_export(request):
    actor = actor_for_request(request)
    require(actor, Action.EXPORT, Area.PROGRAMMES)
    f, _form, sort = _plan_filters(request)
    rows = _activities(actor, f, sort).iterator(chunk_size=2000)
    name = f"sentra-kegiatan-{f.fiscal_year}"
    if request.GET.get("format") == "xlsx":
        return xlsx_response(name, rows, ACTIVITY_COLUMNS, sheet_title=_("Kegiatan"))
    return csv_response(name, rows, ACTIVITY_COLUMNS)


# --- activity detail, verification and history --------------------------------------------------------


def activity_actions(actor: Actor, activity) -> dict:
    steps = record_steps(actor=actor, record=activity)
    transitions = [
        {
            "name": name,
            "label": TRANSITION_LABELS[name],
            "needs_reason": step.needs_reason,
            "url": reverse("web:activity_transition", args=[activity.pk, name]),
        }
        for name, step in TRANSITIONS.items()
        if name in steps.available
    ]
    editable = not activity.is_locked and allowed(actor, Action.EDIT, activity)
    return {
        "transitions": transitions,
        "withheld": steps.withheld,
        "edit_url": reverse("web:activity_edit", args=[activity.pk]) if editable else "",
        "output_url": reverse("web:output_create", args=[activity.pk]) if editable else "",
        "history_url": reverse("web:activity_history", args=[activity.pk]),
        "programme_url": reverse("web:programme_edit", args=[activity.programme_id])
        if allowed(actor, Action.EDIT, activity.programme)
        else "",
    }


def _month_table(activity, lines) -> list[dict]:
    """Plan (sum of the RPDs), realisation and cumulative figures of the activity, month by month."""
    plan = [0] * 12
    for line in lines:
        p = getattr(line, "plan", None)
        if p is not None:
            plan = [a + b for a, b in zip(plan, p.months(), strict=True)]
    pagu = sum(line.amount for line in lines)
    # A month may have one row per spending type: their sum, each with its link.
    realised: dict[int, list] = {}
    for r in Realisation.objects.filter(activity=activity).order_by("month", "account_group"):
        realised.setdefault(r.month, []).append(r)
    rows, cum_plan, cum_real = [], 0, 0
    for m in range(1, 13):
        records = realised.get(m, [])
        r = records[0] if records else None
        amount = sum(rec.amount for rec in records)
        cum_plan += plan[m - 1]
        cum_real += amount
        rows.append(
            {
                "month": Month(m).label,
                "plan": plan[m - 1],
                "record": r,
                "amount": amount,
                "by_type": [
                    (rec.account_group, _url_or_blank("web:realisation_detail", rec.pk)) for rec in records
                ]
                if len(records) > 1
                else [],
                "url": _url_or_blank("web:realisation_detail", r.pk) if r else "",
                "cum_plan_pct": round(cum_plan / pagu * 100, 1) if pagu else None,
                "cum_real_pct": round(cum_real / pagu * 100, 1) if pagu else None,
            }
        )
    return rows


@login_required
@require_GET
def activity_detail(request, pk: int):
    actor = actor_for_request(request)
    activity = _404(selectors.activity_get(actor=actor, pk=pk))
    lines = list(
        BudgetLine.objects.filter(activity=activity)
        .select_related("document", "plan")
        .order_by("document__number", "account_group")
    )
    _budget_groups(lines)  # sets line.rpd and line.rpd_total
    return render(
        request,
        "web/programmes/activity_detail.html",
        {
            "obj": activity,
            "actions": activity_actions(actor, activity),
            "lines": lines,
            "pagu": sum(line.amount for line in lines),
            "months": _month_table(activity, lines),
            "realised_total": sum(r.amount for r in activity.realisations.all()),
            "reason_form": ReasonForm(),
            **overlap_panel(actor, activity),  # issue 17 §1: related activities and likely overlaps
        },
    )


@login_required
@require_POST
def activity_transition(request, pk: int, name: str):
    """One verification step on an activity (the registries' workflow, same services)."""
    if name not in TRANSITIONS:
        raise Http404
    actor = actor_for_request(request)
    apply_transition(request, actor, _404(selectors.activity_get(actor=actor, pk=pk)), name)
    return redirect("web:activity_detail", pk=pk)


@login_required
@require_GET
def activity_history(request, pk: int):
    """The activity's history; who may restore (as on a registry record) gets each version back."""
    actor = actor_for_request(request)
    activity = _404(selectors.activity_get(actor=actor, pk=pk))
    restore_url = None
    if not activity.is_locked and allowed(actor, Action.RESTORE, activity):
        restore_url = lambda event: reverse("web:activity_restore", args=[activity.pk, event.pk])  # noqa: E731
    return history_page(request, activity, restore_url=restore_url)


@login_required
@require_POST
def activity_restore(request, pk: int, event_id: int):
    """Brings the activity's own fields back to a version (services.activity_restore, audited)."""
    actor = actor_for_request(request)
    activity = _404(selectors.activity_get(actor=actor, pk=pk))
    event = _404(event_get(actor=actor, obj=activity, event_id=event_id))
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        restored = services.activity_restore(actor=actor, activity=activity, event=event, reason=reason)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        # Links the history cannot account for are kept, and the message says which (audit.links).
        notice = getattr(restored, "restore_notice", "")
        messages.success(request, " ".join(filter(None, [_("Versi sebelumnya telah dipulihkan."), notice])))
    return redirect("web:activity_history", pk=pk)


@login_required
@require_GET
def budget_history(request, pk: int):
    actor = actor_for_request(request)
    return history_page(request, _404(selectors.budget_document_get(actor=actor, pk=pk)))


# --- programme and activity forms -----------------------------------------------------------------


def _form_page(request, form, *, title: str, back: str, template: str = "web/programmes/form.html", **extra):
    return render(request, template, {"form": form, "title": title, "back": back, **extra})


def _programme_initial(obj) -> dict:
    initial = {"fiscal_year": obj.fiscal_year, "code": obj.code, "name": obj.name, "agency": obj.agency_id}
    return VersionedForm.loaded_from(obj, initial)


def _activity_initial(obj) -> dict:
    initial = {name: getattr(obj, name) for name in ActivityForm.SERVICE_FIELDS}
    initial.update(
        programme=obj.programme_id,
        location_codes=", ".join(r.code for r in obj.locations.order_by("code")),
    )
    return VersionedForm.loaded_from(obj, initial)


@login_required
def programme_form(request, pk: int | None = None):
    actor = actor_for_request(request)
    obj = None
    if pk is None:
        require(actor, Action.CREATE, Area.PROGRAMMES)
    else:
        obj = _404(selectors.programme_get(actor=actor, pk=pk))
        require_record(actor, Action.EDIT, obj)
    if request.method == "POST":
        form = _limit_agencies(ProgrammeForm(request.POST), actor)
        if obj is not None:
            for name in ("fiscal_year", "agency"):
                form.fields[name].required = False
        if form.is_valid():
            data = {"code": form.cleaned_data["code"].strip(), "name": form.cleaned_data["name"].strip()}
            try:
                if obj is None:
                    obj = services.programme_create(
                        actor=actor,
                        fiscal_year=form.cleaned_data["fiscal_year"],
                        agency=form.cleaned_data.get("agency"),
                        **data,
                    )
                else:
                    obj = services.programme_update(
                        actor=actor, programme=obj, expected_version=form.expected_version, **data
                    )
            except StaleVersion as error:
                fresh = _404(selectors.programme_get(actor=actor, pk=pk))
                form.show_conflict(error, fresh, _programme_initial(fresh))
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Program “%(name)s” tersimpan.") % {"name": obj})
                return redirect(reverse("web:activity_list") + f"?tahun={obj.fiscal_year}")
    else:
        initial = {"fiscal_year": selectors.default_fiscal_year()}
        if obj is not None:
            initial = _programme_initial(obj)
        form = _limit_agencies(ProgrammeForm(initial=initial), actor)
    if obj is not None:
        form.fields["fiscal_year"].disabled = True
        form.fields["agency"].disabled = True
    title = _("Ubah program %(name)s") % {"name": obj} if obj else _("Tambah program")
    return _form_page(request, form, title=title, back=reverse("web:activity_list"))


def _beneficiaries(actor: Actor, form, obj) -> dict:
    """The checked sentra and IKM (from the posted ids, else the activity's own), for the form."""
    if form.is_bound:
        centre_ids = [int(v) for v in form.data.getlist("centres") if str(v).isdigit()]
        enterprise_ids = [int(v) for v in form.data.getlist("enterprises") if str(v).isdigit()]
    elif obj is not None:
        centre_ids = [c.pk for c in obj.centres.all()]
        enterprise_ids = [e.pk for e in obj.enterprises.all()]
    else:
        centre_ids, enterprise_ids = [], []
    everything = RegistryFilter()
    return {
        "beneficiary_sets": [
            (
                "centres",
                _("Sentra penerima"),
                centre_list(actor=actor, filters=everything).filter(pk__in=centre_ids),
                "sentra",
                form.errors.get("centres", []),
            ),
            (
                "enterprises",
                _("IKM penerima"),
                enterprise_list(actor=actor, filters=everything).filter(pk__in=enterprise_ids),
                "ikm",
                form.errors.get("enterprises", []),
            ),
        ]
    }


@login_required
def activity_form(request, pk: int | None = None):
    actor = actor_for_request(request)
    obj = None
    if pk is None:
        require(actor, Action.CREATE, Area.PROGRAMMES)
        year_text = request.GET.get("tahun", "")
        year = int(year_text) if year_text.isdigit() else selectors.default_fiscal_year()
    else:
        obj = _404(selectors.activity_get(actor=actor, pk=pk))
        require_record(actor, Action.EDIT, obj)
        try:
            ensure_editable(obj)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("web:activity_detail", pk=obj.pk)
        year = obj.fiscal_year
    programmes = list(selectors.programme_list(actor=actor, filters=selectors.PlanFilter(fiscal_year=year)))
    if obj is not None:
        programmes = [obj.programme]
    if request.method == "POST":
        # an edit keeps its programme (the disabled field reads its initial value)
        initial = {"programme": obj.programme_id} if obj is not None else {}
        form = ActivityForm(request.POST, initial=initial, programmes=programmes)
        form.fields["programme"].disabled = obj is not None
        if form.is_valid():
            data = {name: form.cleaned_data.get(name) for name in ActivityForm.SERVICE_FIELDS}
            for name in ("description", "plan_reference", "officer_name"):
                data[name] = data[name] or ""
            extra = {
                "location_codes": form.cleaned_data["location_codes"],
                "centre_ids": form.cleaned_data["centres"],
                "enterprise_ids": form.cleaned_data["enterprises"],
            }
            try:
                if obj is None:
                    programme = _404(selectors.programme_get(actor=actor, pk=form.cleaned_data["programme"]))
                    obj = services.activity_create(actor=actor, programme=programme, **extra, **data)
                else:
                    obj = services.activity_update(
                        actor=actor, activity=obj, expected_version=form.expected_version, **extra, **data
                    )
            except StaleVersion as error:
                fresh = _404(selectors.activity_get(actor=actor, pk=pk))
                form.show_conflict(error, fresh, _activity_initial(fresh))
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Kegiatan “%(name)s” tersimpan.") % {"name": obj})
                return redirect("web:activity_detail", pk=obj.pk)
    else:
        initial = {}
        if obj is not None:
            initial = _activity_initial(obj)
        elif request.GET.get("program", "").isdigit():
            initial["programme"] = int(request.GET["program"])
        if obj is None and (source := selectors.default_funding_source(actor)):
            initial["funding_source"] = source
        form = ActivityForm(initial=initial, programmes=programmes)
    if obj is not None:
        form.fields["programme"].disabled = True
    title = _("Ubah kegiatan %(name)s") % {"name": obj} if obj else _("Tambah kegiatan")
    back = obj.get_absolute_url() if obj else reverse("web:activity_list")
    return _form_page(
        request,
        form,
        title=title,
        back=back,
        template="web/programmes/activity_form.html",
        no_programme=not programmes,
        overlap_activity=obj,
        **_beneficiaries(actor, form, obj),
    )


@login_required
@require_GET
def beneficiary_search(request):
    """htmx: sentra or IKM in the user's scope whose name (or NIB) matches, as checkboxes to add."""
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.PROGRAMMES)
    kind = "enterprises" if request.GET.get("jenis") == "ikm" else "centres"
    q = (request.GET.get("q_" + kind) or request.GET.get("q") or "").strip()
    results = []
    if len(q) >= 2:
        selector = enterprise_list if kind == "enterprises" else centre_list
        results = list(selector(actor=actor, filters=RegistryFilter(q=q))[:15])
    return render(
        request, "web/programmes/_beneficiary_results.html", {"results": results, "kind": kind, "q": q}
    )


@login_required
def output_form(request, pk: int):
    actor = actor_for_request(request)
    activity = _404(selectors.activity_get(actor=actor, pk=pk))
    require_record(actor, Action.EDIT, activity)
    form = OutputForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.output_create(actor=actor, activity=activity, **form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Keluaran ditambahkan."))
            return redirect("web:activity_detail", pk=activity.pk)
    title = _("Tambah keluaran: %(name)s") % {"name": activity}
    return _form_page(request, form, title=title, back=activity.get_absolute_url())


@login_required
def copy_plan(request):
    actor = actor_for_request(request)
    require(actor, Action.CREATE, Area.PROGRAMMES)
    year = selectors.default_fiscal_year()
    form = _limit_agencies(
        CopyPlanForm(request.POST or None, initial={"from_year": year - 1, "to_year": year}), actor
    )
    if request.method == "POST" and form.is_valid():
        agency = form.cleaned_data.get("agency") or Agency.objects.filter(pk=actor.agency_id).first()
        if agency is None:
            form.add_error("agency", _("Pilih instansi."))
        else:
            try:
                n = services.copy_plan(
                    actor=actor,
                    agency=agency,
                    from_year=form.cleaned_data["from_year"],
                    to_year=form.cleaned_data["to_year"],
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(n)s kegiatan disalin ke tahun %(year)s.")
                    % {"n": n, "year": form.cleaned_data["to_year"]},
                )
                return redirect(reverse("web:activity_list") + f"?tahun={form.cleaned_data['to_year']}")
    return _form_page(
        request,
        form,
        title=_("Salin rencana dari tahun lalu"),
        back=reverse("web:activity_list"),
        intro=_(
            "Program, kegiatan, lokasi, penerima manfaat dan keluaran disalin; pagu dan realisasi tidak."
        ),
    )


# --- budget documents (DIPA) -------------------------------------------------------------------------


@login_required
@require_GET
def budget_list(request):
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.PROGRAMMES)
    f, form, sort = _plan_filters(request, dipa=True)
    qs = _sorted(selectors.budget_document_list(actor=actor, filters=f), sort, dict(BUDGET_SORTS))
    context = {
        "form": form,
        "filters": f,
        "region_selects": _region_selects(f.region),
        "can_create": actor.can(Action.CREATE, Area.PROGRAMMES),
        "rows_template": "web/programmes/_budget_rows.html",
        **_list_context(request, BUDGET_SORTS, sort, qs),
    }
    if request.htmx and request.htmx.target == "rows":
        return render(request, "web/registry/_rows.html", context)
    return render(request, "web/programmes/budget_list.html", context)


def _budget_groups(lines) -> list[dict]:
    groups: dict[int, dict] = {}
    for line in lines:
        g = groups.setdefault(line.activity_id, {"activity": line.activity, "lines": [], "total": 0})
        line.rpd = getattr(line, "plan", None) if _has_plan(line) else None
        line.rpd_total = sum(line.rpd.months()) if line.rpd else None
        g["lines"].append(line)
        g["total"] += line.amount
    return list(groups.values())


def _has_plan(line) -> bool:
    try:
        line.plan  # noqa: B018
    except DisbursementPlan.DoesNotExist:
        return False
    return True


@login_required
@require_GET
def budget_detail(request, pk: int):
    actor = actor_for_request(request)
    document = _404(selectors.budget_document_get(actor=actor, pk=pk))
    lines = list(
        document.lines.select_related("activity", "plan").order_by("activity__code", "account_group")
    )
    out_of_balance = selectors.plans_out_of_balance(actor=actor, fiscal_year=document.fiscal_year).filter(
        document=document
    )
    can_edit = allowed(actor, Action.EDIT, document)
    month_totals = [0] * 12
    for line in lines:
        if _has_plan(line):
            month_totals = [a + b for a, b in zip(month_totals, line.plan.months(), strict=True)]
    return render(
        request,
        "web/programmes/budget_detail.html",
        {
            "obj": document,
            "groups": _budget_groups(lines),
            "total": sum(line.amount for line in lines),
            "month_totals": month_totals,
            "month_labels": [Month(m).label[:3] for m in range(1, 13)],
            "out_of_balance": out_of_balance,
            "can_edit": can_edit,
            "versions": document.versions.order_by("-revision"),
        },
    )


@login_required
def budget_create(request):
    actor = actor_for_request(request)
    require(actor, Action.CREATE, Area.PROGRAMMES)
    initial = {"fiscal_year": selectors.default_fiscal_year()}
    form = _limit_agencies(BudgetDocumentForm(request.POST or None, initial=initial), actor)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.budget_document_create(
                actor=actor,
                fiscal_year=form.cleaned_data["fiscal_year"],
                kind=form.cleaned_data["kind"],
                number=form.cleaned_data["number"].strip(),
                issued_on=form.cleaned_data["issued_on"],
                agency=form.cleaned_data.get("agency"),
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("DIPA “%(name)s” tersimpan.") % {"name": document})
            return redirect(document.get_absolute_url())
    return _form_page(request, form, title=_("Tambah DIPA"), back=reverse("web:budget_list"))


def _editable_document(request, pk: int):
    actor = actor_for_request(request)
    document = _404(selectors.budget_document_get(actor=actor, pk=pk))
    require_record(actor, Action.EDIT, document)
    return actor, document


def _document_activities(actor: Actor, document):
    """The satker's activities of the DIPA's year; the service refuses those of another funding source."""
    f = selectors.PlanFilter(fiscal_year=document.fiscal_year, agency=document.agency_id)
    return list(selectors.activity_list(actor=actor, filters=f))


@login_required
def budget_line_form(request, pk: int):
    """Adds a pagu to the DIPA or changes one (the same activity and account group)."""
    actor, document = _editable_document(request, pk)
    activities = _document_activities(actor, document)
    initial = {}
    if request.GET.get("baris", "").isdigit():
        line = document.lines.filter(pk=int(request.GET["baris"])).first()
        if line:
            initial = {
                "activity": line.activity_id,
                "account_group": line.account_group,
                "account_code": line.account_code,
                "amount": line.amount,
            }
    form = BudgetLineForm(request.POST or None, initial=initial, activities=activities)
    if request.method == "POST" and form.is_valid():
        activity = next(a for a in activities if a.pk == form.cleaned_data["activity"])
        try:
            services.budget_line_set(
                actor=actor,
                document=document,
                activity=activity,
                account_group=form.cleaned_data["account_group"],
                amount=form.cleaned_data["amount"],
                account_code=form.cleaned_data["account_code"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Pagu tersimpan."))
            warning = social_aid_warning(
                form.cleaned_data["account_group"], form.cleaned_data["account_code"]
            )
            if warning:  # questioned, not refused (programmes.sakti)
                messages.warning(request, warning.message)
            return redirect(document.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Pagu DIPA %(name)s") % {"name": document},
        back=document.get_absolute_url(),
        intro=_("Menambah atau mengubah pagu versi DIPA yang berlaku (sebelum direvisi)."),
    )


@login_required
def budget_revise(request, pk: int):
    actor, document = _editable_document(request, pk)
    lines = list(document.lines.select_related("activity").order_by("activity__code", "account_group"))
    activities = _document_activities(actor, document)
    form = BudgetReviseForm(request.POST or None, lines=lines, activities=activities)
    if request.method == "POST" and form.is_valid():
        changed = [
            (line.activity, line.account_group, form.cleaned_data[name])
            for name, line in form.line_fields
            if form.cleaned_data[name] is not None and form.cleaned_data[name] != line.amount
        ]
        if form.cleaned_data.get("new_activity"):
            activity = next(a for a in activities if a.pk == form.cleaned_data["new_activity"])
            changed.append(
                (activity, form.cleaned_data["new_account_group"], form.cleaned_data["new_amount"])
            )
        try:
            services.budget_revise(
                actor=actor,
                document=document,
                revision_number=form.cleaned_data["revision_number"],
                revised_on=form.cleaned_data["revised_on"],
                lines=changed,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            if error.errors and error.errors[0].field in ("activity", "account_group", "amount"):
                error.errors = [type(e)("new_" + e.field if e.field != "activity" else "new_activity",
                                        e.message, e.code) for e in error.errors]  # fmt: skip
            add_domain_errors(form, error)
        else:
            messages.success(request, _("DIPA direvisi (revisi ke-%(n)s).") % {"n": document.revision})
            return redirect(document.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Revisi DIPA %(name)s") % {"name": document},
        back=document.get_absolute_url(),
        intro=_(
            "Ubah pagu yang direvisi dan/atau tambahkan pagu baru. Versi sebelumnya tetap tersimpan untuk "
            "dibandingkan; RPD yang tidak lagi sama dengan pagu akan ditandai."
        ),
    )


def _plan_initial(plan: DisbursementPlan | None) -> dict:
    """The RPD form's initial: the plan's months and version (0: no plan yet)."""
    if plan is None:
        return {"version": 0}
    return VersionedForm.loaded_from(plan, {name: getattr(plan, name) for name in RPD_FIELDS})


@login_required
def rpd_form(request, pk: int):
    """Sets or revises a budget line's RPD (DIPA page III): twelve months that add up to the pagu."""
    actor = actor_for_request(request)
    line = _404(selectors.budget_line_get(actor=actor, pk=pk))
    require_record(actor, Action.EDIT, line.document)  # a BudgetLine has no agency_id of its own
    plan = DisbursementPlan.objects.filter(line=line).first()
    form = DisbursementPlanForm(request.POST or None, initial=_plan_initial(plan))
    if request.method == "POST" and form.is_valid():
        try:
            services.disbursement_plan_set(
                actor=actor,
                line=line,
                months=form.months(),
                reason=form.cleaned_data["reason"],
                expected_version=form.expected_version,
            )
        except StaleVersion as error:
            plan = DisbursementPlan.objects.filter(line=line).first()
            form.show_conflict(error, plan, _plan_initial(plan))
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("RPD tersimpan."))
            return redirect(line.document.get_absolute_url())
    policy = selectors.policy_for(line.document.fiscal_year)
    return render(
        request,
        "web/programmes/rpd_form.html",
        {
            "form": form,
            "line": line,
            "plan": plan,
            "month_fields": [form[name] for name in RPD_FIELDS],
            "windows": policy.rpd_windows,
            "versions": [
                {
                    "version": v,
                    "months": [(Month(m).label, value) for m, value in enumerate(v.months, start=1)],
                }
                for v in (selectors.plan_versions(plan) if plan else [])
            ],
        },
    )


def _block_initial(line: BudgetLine) -> dict:
    return VersionedForm.loaded_from(line, {"blocked": line.blocked})


@login_required
def budget_line_block(request, pk: int):
    """Sets the blokir of a budget line (If-Match through the form's version); its history is the
    line's history page."""
    actor = actor_for_request(request)
    line = _404(selectors.budget_line_get(actor=actor, pk=pk))
    require_record(actor, Action.EDIT, line.document)
    form = BudgetLineBlockForm(request.POST or None, initial=_block_initial(line))
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_block(
                actor=actor,
                line=line,
                blocked=form.cleaned_data["blocked"],
                reason=form.cleaned_data["reason"],
                expected_version=form.expected_version,
            )
        except StaleVersion as error:
            line.refresh_from_db()
            form.show_conflict(error, line, _block_initial(line))
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Blokir tersimpan."))
            return redirect(line.document.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Blokir pagu %(code)s / %(group)s (pagu Rp%(amount)s)")
        % {
            "code": line.activity.code,
            "group": line.account_group,
            "amount": f"{line.amount:,}".replace(",", "."),
        },
        back=line.document.get_absolute_url(),
    )


@login_required
@require_GET
def budget_line_history(request, pk: int):
    """A budget line's history: its pagu and blokir changes (audited like every versioned write)."""
    actor = actor_for_request(request)
    return history_page(request, _404(selectors.budget_line_get(actor=actor, pk=pk)))


@login_required
@require_GET
def budget_versions(request, pk: int):
    """The DIPA's versions and a before/after comparison of two of them (default: the last two)."""
    actor = actor_for_request(request)
    document = _404(selectors.budget_document_get(actor=actor, pk=pk))
    versions = list(document.versions.order_by("revision"))
    by_revision = {v.revision: v for v in versions}

    def pick(name: str, default):
        value = request.GET.get(name, "")
        return by_revision.get(int(value)) if value.isdigit() else default

    old = pick("a", versions[-2] if len(versions) > 1 else (versions[0] if versions else None))
    new = pick("b", versions[-1] if versions else None)
    rows = selectors.version_diff(old.lines, new.lines) if old and new else []
    return render(
        request,
        "web/programmes/budget_versions.html",
        {
            "obj": document,
            "versions": versions,
            "old": old,
            "new": new,
            "rows": rows,
            "change_total": sum(r["change"] for r in rows),
        },
    )


# --- dekonsentrasi and tugas pembantuan ------------------------------------------------------------


@login_required
def dekon_allocation(request):
    """The year's allocation per province — dekonsentrasi, or tugas pembantuan with ?jenis=tp (from TA
    2024 Ditjen IKMA's provincial work is TP) — beside each province's DIPA total of that kind."""
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.PROGRAMMES)
    year_text = request.GET.get("tahun", "")
    year = int(year_text) if year_text.isdigit() else selectors.default_fiscal_year()
    kind = request.GET.get("jenis", "")
    if kind not in DekonAllocation.Kind.values:
        kind = DekonAllocation.Kind.DEKON
    kind_label = services.allocation_kind_label(kind)
    allocation = selectors.dekon_allocation(fiscal_year=year, kind=kind)
    shares = {s.province_id: s.amount for s in allocation.shares.all()} if allocation else {}
    provinces = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code")
    own = None if _is_ministry(actor) else (actor.region_code or "")[:2]
    if own is not None:
        provinces = provinces.filter(code=own)
    dipa = {
        row["province_code"]: row["total"] or 0
        for row in selectors.budget_document_list(
            actor=actor, filters=selectors.PlanFilter(fiscal_year=year, funding_source=kind)
        )
        .filter(regency_code="")  # the provinces' own DIPA: a regency's TP DIPA is not a province share
        .values("province_code")
        .annotate(total=Sum("lines__amount"))
        .order_by()
    }
    can_edit = _is_ministry(actor) and actor.can(Action.EDIT, Area.PROGRAMMES)
    form = None
    if can_edit:
        initial = {"total": allocation.total if allocation else None,
                   "legal_basis": allocation.legal_basis if allocation else ""}  # fmt: skip
        initial.update({f"share_{code}": amount for code, amount in shares.items()})
        form = DekonAllocationForm(request.POST or None, initial=initial, provinces=provinces)
        if request.method == "POST" and form.is_valid():
            try:
                services.dekon_allocation_set(
                    actor=actor,
                    fiscal_year=year,
                    total=form.cleaned_data["total"],
                    shares=form.share_values(),
                    legal_basis=form.cleaned_data["legal_basis"],
                    kind=kind,
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Alokasi %(kind)s %(year)s tersimpan.") % {"kind": kind_label, "year": year},
                )
                return redirect(reverse("web:dekon_allocation") + f"?tahun={year}&jenis={kind}")
    elif request.method == "POST":
        raise AccessDenied(_("Alokasi %(kind)s ditetapkan oleh kementerian.") % {"kind": kind_label})
    by_name = {p.code: name for name, p in (form.share_fields if form else [])}
    rows = []
    for province in provinces:
        share = shares.get(province.code)
        total = dipa.get(province.code)
        rows.append(
            {
                "province": province,
                "share": share,
                "dipa": total,
                "mismatch": total is not None and (share or 0) != total,
                "field": form[by_name[province.code]] if form and province.code in by_name else None,
            }
        )
    share_sum = sum(shares.values())
    return render(
        request,
        "web/programmes/dekon.html",
        {
            "year": year,
            "kind": kind,
            "kind_label": kind_label,
            "kinds": DekonAllocation.Kind.choices,
            "allocation": allocation,
            "rows": rows,
            "form": form,
            "share_sum": share_sum,
            "balanced": allocation is not None and share_sum == allocation.total,
            "dipa_sum": sum(v for v in dipa.values()),
            "national": own is None,
        },
    )


# --- control policy ----------------------------------------------------------------------------------


def _year(request) -> int:
    text = request.GET.get("tahun", "")
    year = int(text) if text.isdigit() else 0
    return year if 2000 <= year <= 2100 else selectors.default_fiscal_year()


@login_required
def budget_policy(request):
    """The year's control settings: read by everyone who reads the dashboards, set by the ministry."""
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.PROGRAMMES)
    year = _year(request)
    policy = selectors.policy_for(year)
    can_edit = _is_ministry(actor) and actor.can(Action.EDIT, Area.PROGRAMMES)
    if request.method == "POST" and not can_edit:
        raise AccessDenied(_("Kebijakan pengendalian anggaran ditetapkan oleh kementerian."))
    form = None
    if can_edit:
        initial = {
            **{f"target_q{q}": t for q, t in enumerate(policy.quarter_targets, start=1)},
            **{f"rpd_window_q{q}": d for q, d in enumerate(policy.rpd_windows, start=1)},
            **BudgetPolicyForm.type_target_initial(policy),
            "deviation_rule": policy.deviation_rule,
            "lag_threshold": policy.lag_threshold,
        }
        form = BudgetPolicyForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.budget_policy_set(
                    actor=actor,
                    fiscal_year=year,
                    targets=form.targets(),
                    window_dates=form.window_dates(),
                    lag_threshold=form.cleaned_data["lag_threshold"],
                    deviation_rule=form.cleaned_data["deviation_rule"],
                    type_targets=form.type_targets(),
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Kebijakan pengendalian TA %(year)s tersimpan.") % {"year": year})
                return redirect(reverse("web:budget_policy") + f"?tahun={year}")
    saved = policy.pk is not None
    return render(
        request,
        "web/programmes/policy.html",
        {
            "year": year,
            "policy": policy,
            "saved": saved,
            "form": form,
            "windows": policy.rpd_windows,
            "history_url": reverse("web:budget_policy_history", args=[year])
            if saved and _is_ministry(actor)
            else "",
        },
    )


@login_required
@require_GET
def budget_policy_history(request, year: int):
    actor = actor_for_request(request)
    policy = _404(BudgetPolicy.objects.filter(fiscal_year=year).first())
    require_record(actor, Action.VIEW, policy)  # national: outside the ministry it is not found
    return history_page(request, policy)
