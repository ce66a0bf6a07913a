"""Pages of a record type, declared once (issue 14 §1), in the spirit of NetBox's generic views.

A record that lives in a region, is owned by an agency, carries a version (core.versioning) and goes
through the verification steps gets the same pages everywhere: a list with filters, sort, pagination
and export; a detail page with the buttons the user may use now; a create/edit form whose stale save
shows the conflict panel (VersionedForm); a delete confirmation; the verification steps, the history
and its restore. A domain declares a `RecordType` (its selectors and services, its form, its filter
class, its templates) and `register()`s it; `record_urls(prefix, key)` gives its URL patterns:

    <prefix>/                    list          <key>_list
    <prefix>/ekspor/             CSV / XLSX    <key>_export
    <prefix>/baru/               create form   <key>_create
    <prefix>/<pk>/               detail        <key>_detail
    <prefix>/<pk>/ubah/          edit form     <key>_edit
    <prefix>/<pk>/hapus/         delete        <key>_delete
    <prefix>/<pk>/verifikasi/<name>/, riwayat/, riwayat/<event>/pulihkan/   steps, history, restore

What a type does differently is a function on its declaration (`initial`, `save`, `detail_extra`), not
a copy of the view. Every check is the service's or the scope rule's (accounts/scope.py); the views
only turn their answers into pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from sentra.accounts.permissions import Action
from sentra.accounts.scope import Actor, actor_for_request, require, require_record
from sentra.agencies.models import Agency
from sentra.core.errors import AccessDenied, DomainError, NotFound, StaleVersion
from sentra.core.filtersets import FilterSet
from sentra.regions.codes import normalise_code
from sentra.regions.selectors import region_children, region_path
from sentra.verification.models import VerificationStatus
from sentra.verification.selectors import record_steps
from sentra.verification.services import TRANSITIONS, ensure_editable

from .forms import FilterForm, ReasonForm, VersionedForm, add_domain_errors

PER_PAGE = 25
COUNT_CAP = 10_000  # above this the list says "lebih dari 10.000" instead of counting every row
# A text search counts to 1,000 only: finding 10,001 rows holding a common word ("tahu") in a province
# of 4.4 million took 2.9 s on PostgreSQL under load; nobody pages past 40 pages of a search.
SEARCH_COUNT_CAP = 1_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows, so a filter matching millions of rows stays cheap.

    The first page is read before the count: when it is short it holds every match, and its length
    is the count without a second pass over the indexes (for a rare search term, most of the
    page's database time).
    """

    def __init__(self, object_list, per_page, *args, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    def validate_number(self, number):
        if number in (1, "1"):  # the first page always exists (allow_empty_first_page)
            return 1
        return super().validate_number(number)

    def page(self, number):
        number = self.validate_number(number)
        if number != 1 or "count" in self.__dict__:
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # fills the cached_property
        return self._get_page(rows, 1, self)

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def titled_form_extra(title_new, title_edit, list_name: str, detail_name: str, *, placeholder: str = "name"):
    """A RecordType's `form_extra`: the form's title and its way back — the list for a new record, the
    record's own page for an edit, whose title names the record as %(placeholder)s."""

    def extra(obj) -> dict:
        if obj is None:
            return {"title": title_new, "back": reverse(list_name)}
        return {"title": title_edit % {placeholder: obj}, "back": reverse(detail_name, args=[obj.pk])}

    return extra


def list_templates(template_dir: str, key: str) -> dict:
    """A RecordType's list page and its rows (the htmx partial), by the house's file names."""
    return {
        "list_template": f"{template_dir}/{key}_list.html",
        "rows_template": f"{template_dir}/_{key}_rows.html",
    }


def _no_extra(obj) -> dict:
    return {}


def _no_form_kwargs(actor: Actor, obj) -> dict:
    return {}


def _default_paging() -> tuple[int, int]:
    return PER_PAGE, COUNT_CAP


def _no_list_extra(actor: Actor) -> dict:
    return {}


def _no_form_extra(obj) -> dict:
    return {}


def _nothing_after_failure(form) -> None:
    return None


def _editable(actor: Actor, obj) -> None:
    """The default check before a record's edit or delete form: the scope rule, the role, the lock."""
    require_record(actor, Action.EDIT, obj)
    ensure_editable(obj)


def _no_initial(actor: Actor) -> dict:
    return {}


def _agencies_limited(form, actor: Actor, obj):
    return limit_agencies(form, actor)


@dataclass
class RecordType:
    """One record type's pages. Only `key`, `title`, `slug`, `list_fn` and `get_fn` are needed for a
    type that is only listed (the verification queue's plans); the pages need the rest.

    Selectors: `list_fn(actor=, filters=)` (scoped, filtered, sorted) and `get_fn(actor=, pk=)` (None
    outside the actor's region). `filter_class(**values)` builds what `list_fn` takes from the
    filters named in `filters` plus `sort`; `sorts` are the sortable columns (key, label).
    Form: `form_class` (a VersionedForm with an `agency` field), `form_kwargs(actor, obj)`,
    `initial(obj)` (the form's values for a record, without the version: added here), and
    `save(form, actor, obj)`, which calls the create or update service and returns the record, or
    None after adding errors to the form itself; StaleVersion and DomainError are handled here.
    """

    key: str  # url name prefix: enterprise, centre, product
    title: Any
    slug: str  # the `jenis` of the verification queue and the path prefix: ikm, sentra, produk
    list_fn: Any
    get_fn: Any
    statuses: list = field(default_factory=list)
    sorts: list = field(default_factory=list)  # (sort key, column label)
    filters: tuple = ("q", "region", "kbli", "status", "verification")
    filter_class: Callable | None = None
    newest_first: Callable[[Any], bool] | None = None  # a search lists the newest matches first
    paging: Callable[[], tuple[int, int]] = _default_paging  # (rows per page, count cap), per request
    export_fn: Callable | None = None  # (key, queryset, fmt=, title=) -> response
    delete_fn: Callable | None = None  # (actor=, record=, reason=)
    template_dir: str = "web/registry"
    detail_extra: Callable[[Any], dict] = _no_extra
    form_class: type | None = None
    form_template: str = ""  # default: <template_dir>/form.html
    form_kwargs: Callable[[Actor, Any], dict] = _no_form_kwargs
    initial: Callable[[Any], dict] | None = None
    save: Callable | None = None
    saved_message: Any = gettext_lazy("Data “%(name)s” tersimpan.")
    # What a domain outside the registry changes (coordination, issue 15):
    area: str | None = None  # the permission area (accounts/permissions.py) of list, export, create
    filter_set: FilterSet | None = None  # core/filtersets.py: the same filters as the type's API list
    list_template: str = ""  # default: <template_dir>/list.html
    rows_template: str = ""  # default: <template_dir>/<key>_rows.html
    list_extra: Callable[[Actor], dict] = _no_list_extra  # more context for the list page
    verified: bool = True  # goes through the verification steps (buttons, the lock)
    may_edit: Callable[[Actor, Any], None] = _editable  # raises when the actor may not edit obj
    new_initial: Callable[[Actor], dict] = _no_initial  # a create form's values
    prepare_form: Callable = _agencies_limited  # (form, actor, obj) -> form: choices, disabled fields
    form_extra: Callable[[Any], dict] = _no_form_extra  # more context for the form page
    atomic_save: bool = False  # `save` writes several records (a centre and its new decree) at once
    after_failed_save: Callable[[Any], None] = _nothing_after_failure  # (form): e.g. "choose the file again"

    def url(self, page: str, *args) -> str:
        return reverse(f"web:{self.key}_{page}", args=args)

    @property
    def list_url(self) -> str:
        return self.url("list")

    def versioned_initial(self, obj) -> dict:
        return VersionedForm.loaded_from(obj, self.initial(obj))


# Every registered type, by key: the history, restore and verification views find theirs here.
RECORD_TYPES: dict[str, RecordType] = {}


def register(record_type: RecordType) -> RecordType:
    RECORD_TYPES[record_type.key] = record_type
    return record_type


# --- lists ----------------------------------------------------------------------------------------


def effective_region(params) -> str:
    """The most specific of the cascading selects, else the code text field.

    A lower level counts only while it lies inside the level above: after the province changes,
    the stale regency still sent by the form is ignored.
    """
    chosen = ""
    for name in ("prov", "kab", "kec", "desa"):
        value = params.get(name, "").strip()
        if not value or (chosen and not value.startswith(chosen + ".")):
            break
        chosen = value
    return chosen or params.get("region", "").strip()


def _filter_form_field(f) -> forms.Field:
    """How a filter of a FilterSet is drawn; its value is cleaned by the filter itself (FilterField.clean)."""
    if f.kind == "boolean" or f.choices:
        return forms.ChoiceField(label=f.label, required=False, choices=[("", _("Semua")), *f.choice_list()])
    if f.kind == "integer":
        return forms.IntegerField(label=f.label, required=False, min_value=f.minimum, max_value=f.maximum)
    return forms.CharField(label=f.label, required=False, max_length=f.max_length)


def filter_form(filter_set: FilterSet, data, errors: dict[str, str]) -> forms.Form:
    """The filter panel of a FilterSet's list, bound to the query string, with the refused values'
    messages on their fields (the filter set's own; the form does not judge again). `sort` stays hidden."""
    fields = {f.param: _filter_form_field(f) for f in filter_set.fields if f.name != "sort"}
    form = type("FilterSetForm", (forms.Form,), fields)(data)
    form.full_clean = lambda: None  # noqa: ARG005 (no second judge: FilterSet.parse decided)
    form.cleaned_data = {}
    form._errors = ErrorDict()
    for name, message in errors.items():
        if name in form.fields:
            form._errors[name] = form.error_class([message])
    return form


def sort_choices(record_type: RecordType) -> list:
    """The sortable columns (key, label): the filter set's, else the type's own list."""
    if record_type.filter_set is not None and record_type.filter_set.sorts:
        return list(record_type.filter_set.sorts.items())
    return record_type.sorts


def list_filters(record_type: RecordType, request) -> tuple[Any, FilterForm]:
    """The type's filter object from the query string, and the filter form that shows it."""
    if record_type.filter_set is not None:
        params = request.GET.copy()
        params["region"] = effective_region(request.GET)  # the cascading selects, else the code field
        filters, errors = record_type.filter_set.parse(params, web=True)
        return filters, filter_form(record_type.filter_set, request.GET, errors)
    form = FilterForm(request.GET)
    form.is_valid()
    data = {
        k: (form.cleaned_data.get(k) or "")
        for k in ("q", "kbli", "status", "size_class", "market_reach", "verification", "sort")
    }
    data["region"] = effective_region(request.GET)
    data = {k: v for k, v in data.items() if k in record_type.filters or k == "sort"}
    return record_type.filter_class(**data), form


def region_selects_for(region: str) -> list[dict]:
    """The cascading selects for the current region filter: each level's options and selection."""
    code = normalise_code(region) if region else None
    path_ = region_path(code=code) if code else []
    selected = [r.code for r in path_]
    levels = [("prov", _("Provinsi"), None)]
    names = [("kab", _("Kabupaten/Kota")), ("kec", _("Kecamatan")), ("desa", _("Desa/Kelurahan"))]
    for (name, label), parent in zip(names, selected, strict=False):
        levels.append((name, label, parent))
    selects = []
    for i, (name, label, parent) in enumerate(levels):
        selects.append(
            {
                "name": name,
                "label": label,
                "options": list(region_children(code=parent).values_list("code", "name")),
                "selected": selected[i] if i < len(selected) else "",
            }
        )
    return selects


@login_required
@require_GET
def record_list(request, entity_key: str):
    entity = RECORD_TYPES[entity_key]
    filters, form = list_filters(entity, request)
    actor = actor_for_request(request)
    require(actor, Action.LIST, entity.area)
    per_page, count_cap = entity.paging()
    if getattr(filters, "q", ""):
        count_cap = min(count_cap, SEARCH_COUNT_CAP)
    paginator = CappedPaginator(entity.list_fn(actor=actor, filters=filters), per_page, cap=count_cap)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {
        "entity": entity,
        "form": form,
        "filters": filters,
        "page": page,
        "paginator": paginator,
        "count_cap": count_cap,
        "newest_first": bool(entity.newest_first and entity.newest_first(filters)),
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "sort_headers": [
            {
                "key": key,
                "label": label,
                "active": filters.sort in (key, f"-{key}"),
                "descending": filters.sort == f"-{key}",
                "next": f"-{key}" if filters.sort == key else key,
            }
            for key, label in sort_choices(entity)
        ],
        "can_create": actor.can(Action.CREATE, entity.area),
        "export_url": entity.url("export") if entity.export_fn else "",
        **entity.list_extra(actor),
    }
    if not entity.list_template:  # the registry's list page: cascading region selects
        context["region_selects"] = region_selects_for(filters.region)
        context["verification_choices"] = VerificationStatus.choices
    rows_template = entity.rows_template or f"{entity.template_dir}/{entity.key}_rows.html"
    if request.htmx and request.htmx.target == "rows":
        # The rows of every type are drawn by the registry's frame (count, table, pagination).
        return render(request, "web/registry/_rows.html", {**context, "rows_template": rows_template})
    template = entity.list_template or f"{entity.template_dir}/list.html"
    return render(request, template, {**context, "rows_template": rows_template})


@login_required
@require_GET
def record_export(request, entity_key: str):
    entity = RECORD_TYPES[entity_key]
    filters, _form = list_filters(entity, request)
    actor = actor_for_request(request)
    require(actor, Action.EXPORT, entity.area)
    qs = entity.list_fn(actor=actor, filters=filters)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return entity.export_fn(entity.key, qs, fmt=fmt, title=str(entity.title))


# --- one record -----------------------------------------------------------------------------------


def get_or_404(entity: RecordType, pk: int, actor: Actor):
    try:
        obj = entity.get_fn(actor=actor, pk=pk)
    except NotFound:  # selectors that raise rather than answer None
        obj = None
    if obj is None:
        raise Http404
    return obj


TRANSITION_LABELS = {
    "submit": gettext_lazy("Ajukan"),
    "verify": gettext_lazy("Verifikasi"),
    "accept": gettext_lazy("Terima"),
    "return": gettext_lazy("Kembalikan"),
    "reopen": gettext_lazy("Buka kembali"),
}


def allowed(actor: Actor, action: str, obj) -> bool:
    try:
        require_record(actor, action, obj)
    except (AccessDenied, NotFound):
        return False
    return True


def record_actions(actor: Actor, entity: RecordType, obj) -> dict:
    """The buttons a detail page shows: exactly the steps and changes the user may make now."""
    if not entity.verified:
        return {
            "transitions": [],
            "withheld": [],
            "edit_url": entity.url("edit", obj.pk) if may(entity, actor, obj) else "",
            "delete_url": "",
            "history_url": entity.url("history", obj.pk),
        }
    steps = record_steps(actor=actor, record=obj)
    transitions = [
        {
            "name": name,
            "label": TRANSITION_LABELS[name],
            "needs_reason": step.needs_reason,
            "url": entity.url("transition", obj.pk, name),
        }
        for name, step in TRANSITIONS.items()
        if name in steps.available
    ]
    editable = not obj.is_locked
    return {
        "transitions": transitions,
        "withheld": steps.withheld,
        "edit_url": entity.url("edit", obj.pk) if editable and allowed(actor, Action.EDIT, obj) else "",
        "delete_url": entity.url("delete", obj.pk) if editable and allowed(actor, Action.DELETE, obj) else "",
        "history_url": entity.url("history", obj.pk),
    }


def may(entity: RecordType, actor: Actor, obj) -> bool:
    """Whether the type's edit check lets the actor edit the record."""
    try:
        entity.may_edit(actor, obj)
    except (AccessDenied, NotFound, DomainError):
        return False
    return True


def detail_context(request, entity: RecordType, obj, **extra) -> dict:
    actor = actor_for_request(request)
    code = getattr(obj, "village_id", None) or obj.scope_code
    return {
        "obj": obj,
        "entity": entity,
        "path": region_path(code=code) if code else [],
        "actions": record_actions(actor, entity, obj),
        "reason_form": ReasonForm(),
        **extra,
    }


@login_required
@require_GET
def record_detail(request, entity_key: str, pk: int):
    entity = RECORD_TYPES[entity_key]
    obj = get_or_404(entity, pk, actor_for_request(request))
    return render(
        request,
        f"{entity.template_dir}/{entity.key}_detail.html",
        detail_context(request, entity, obj, **entity.detail_extra(obj)),
    )


def form_target(request, entity: RecordType, pk: int | None, *, action: str = Action.EDIT):
    """The actor and the record a create/edit/delete page works on, after the checks they share.

    Returns (actor, record or None, refusal): an accepted record is not edited, so the refusal
    sends the user to its page with the reason instead of showing a form that would fail.
    """
    actor = actor_for_request(request)
    if pk is None:
        require(actor, Action.CREATE, entity.area)
        return actor, None, None
    obj = get_or_404(entity, pk, actor)
    try:
        if action == Action.EDIT:
            entity.may_edit(actor, obj)
        else:
            require_record(actor, action, obj)
            ensure_editable(obj)
    except DomainError as error:
        messages.error(request, error.message)
        return actor, obj, redirect(entity.url("detail", obj.pk))
    return actor, obj, None


def limit_agencies(form, actor: Actor):
    """Only the ministry records on behalf of other agencies; everyone else records as their own."""
    if not (actor.is_national or actor.is_superuser):
        form.fields["agency"].queryset = Agency.objects.filter(pk=actor.agency_id)
        form.fields["agency"].required = False
        form.fields["agency"].empty_label = None
    return form


def show_conflict(request, entity: RecordType, form, error: StaleVersion, pk: int, initial) -> None:
    """Someone saved the record since this form was opened: show what changed (VersionedForm)."""
    record = get_or_404(entity, pk, actor_for_request(request))
    form.show_conflict(error, record, initial(record))


@login_required
def record_form(request, entity_key: str, pk: int | None = None):
    """Create (no pk) or edit: the form, the service's answer beside the fields, the conflict panel."""
    entity = RECORD_TYPES[entity_key]
    actor, obj, refused = form_target(request, entity, pk)
    if refused:
        return refused
    if request.method == "POST":
        form = entity.prepare_form(
            entity.form_class(request.POST, request.FILES, **entity.form_kwargs(actor, obj)), actor, obj
        )
        if form.is_valid():
            try:
                if entity.atomic_save:
                    with transaction.atomic():
                        saved = entity.save(form, actor, obj)
                else:
                    saved = entity.save(form, actor, obj)
            except StaleVersion as error:
                show_conflict(request, entity, form, error, pk, entity.versioned_initial)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                if saved is not None:
                    name = getattr(saved, "name", None) or str(saved)
                    messages.success(request, entity.saved_message % {"name": name})
                    return redirect(entity.url("detail", saved.pk))
            entity.after_failed_save(form)
    else:
        initial = entity.versioned_initial(obj) if obj is not None else entity.new_initial(actor)
        form = entity.form_class(initial=initial, **entity.form_kwargs(actor, obj))
        form = entity.prepare_form(form, actor, obj)
    template = entity.form_template or f"{entity.template_dir}/form.html"
    context = {"form": form, "entity": entity, "obj": obj, **entity.form_extra(obj)}
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def record_delete(request, entity_key: str, pk: int):
    """GET: the confirmation page; POST: deletes (the last state stays in the history)."""
    entity = RECORD_TYPES[entity_key]
    actor, obj, refused = form_target(request, entity, pk, action=Action.DELETE)
    if refused:
        return refused
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = str(obj)
        try:
            entity.delete_fn(actor=actor, record=obj, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(entity.url("detail", pk))
        messages.success(request, _("“%(name)s” telah dihapus.") % {"name": name})
        return redirect(entity.url("list"))
    return render(request, f"{entity.template_dir}/delete.html", {"obj": obj, "entity": entity, "form": form})


# --- URLs -----------------------------------------------------------------------------------------


def record_pages(prefix: str, key: str) -> list:
    """Delete, verification steps, history and restore: the same for every record type (a type
    registered without a delete service or the verification steps gets neither page)."""
    from .views import history, workflow  # they find the type in RECORD_TYPES, which they import

    kwargs = {"entity_key": key}
    entity = RECORD_TYPES.get(key)
    deletes = entity is None or entity.delete_fn is not None
    verified = entity is None or entity.verified
    delete = path(f"{prefix}/<int:pk>/hapus/", record_delete, kwargs, name=f"{key}_delete")
    return [
        *([delete] if deletes else []),
        *(
            [
                path(
                    f"{prefix}/<int:pk>/verifikasi/<str:name>/",
                    workflow.record_transition,
                    kwargs,
                    name=f"{key}_transition",
                )
            ]
            if verified
            else []
        ),
        path(f"{prefix}/<int:pk>/riwayat/", history.record_history, kwargs, name=f"{key}_history"),
        path(
            f"{prefix}/<int:pk>/riwayat/<int:event_id>/pulihkan/",
            history.record_restore,
            kwargs,
            name=f"{key}_restore",
        ),
    ]


def record_urls(prefix: str, key: str, *, extra: list | None = None, detail=None) -> list:
    """Every page of a registered type. `extra` (the type's own pages, e.g. a per-NIB view) come
    before the record's own paths so that `<prefix>/<word>/` is not read as a record id. `detail`: the
    type's own detail view (a page with tabs and forms of its children, e.g. a meeting's) in place of
    the generic one; a type registered without a form gets no create and edit pages."""
    kwargs = {"entity_key": key}
    entity = RECORD_TYPES.get(key)
    has_form = entity is None or entity.form_class is not None
    detail_path = (
        path(f"{prefix}/<int:pk>/", detail, name=f"{key}_detail")
        if detail is not None
        else path(f"{prefix}/<int:pk>/", record_detail, kwargs, name=f"{key}_detail")
    )
    return [
        path(f"{prefix}/", record_list, kwargs, name=f"{key}_list"),
        path(f"{prefix}/ekspor/", record_export, kwargs, name=f"{key}_export"),
        *(extra or []),
        *([path(f"{prefix}/baru/", record_form, kwargs, name=f"{key}_create")] if has_form else []),
        detail_path,
        *([path(f"{prefix}/<int:pk>/ubah/", record_form, kwargs, name=f"{key}_edit")] if has_form else []),
        *record_pages(prefix, key),
    ]
