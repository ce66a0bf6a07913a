"""List, detail, create, edit and export pages of the three registries (IKM, sentra, produk)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from sentra.accounts.permissions import Action
from sentra.accounts.scope import Actor, actor_for_request, require, require_record
from sentra.agencies.models import Agency
from sentra.core.errors import AccessDenied, DomainError, FieldError, NotFound, StaleVersion
from sentra.regions.codes import normalise_code
from sentra.regions.selectors import region_children, region_path
from sentra.registry import selectors, services
from sentra.registry.choices import CentreStatus, EnterpriseStatus
from sentra.registry.exports import export_response
from sentra.verification.models import VerificationStatus
from sentra.verification.selectors import record_steps
from sentra.verification.services import TRANSITIONS, ensure_editable

from ..forms import (
    CentreForm,
    EnterpriseForm,
    FilterForm,
    ProductForm,
    ReasonForm,
    VersionedForm,
    add_domain_errors,
)

PER_PAGE = 25
COUNT_CAP = 10_000  # above this the list says "lebih dari 10.000" instead of counting every row


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows, so a filter matching millions of rows stays cheap.

    The first page is read before the count: when it is short it holds every match, and its length
    is the count without a second pass over the indexes (for a rare search term, most of the
    page's database time).
    """

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

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
        return self.count > COUNT_CAP


@dataclass
class Entity:
    key: str  # url name prefix: enterprise, centre, product
    title: Any
    slug: str  # the `jenis` of the verification queue and the path prefix: ikm, sentra, produk
    list_fn: Any
    get_fn: Any
    statuses: list = field(default_factory=list)
    sorts: list = field(default_factory=list)  # (sort key, column label)
    filters: tuple = ("q", "region", "kbli", "status", "verification")

    def url(self, page: str, *args) -> str:
        return reverse(f"web:{self.key}_{page}", args=args)

    @property
    def list_url(self) -> str:
        return self.url("list")


ENTITIES = {
    "enterprise": Entity(
        key="enterprise",
        title=gettext_lazy("IKM"),
        slug="ikm",
        list_fn=selectors.enterprise_list,
        get_fn=selectors.enterprise_get,
        statuses=EnterpriseStatus.choices,
        sorts=[
            ("name", gettext_lazy("Nama usaha")),
            ("workers", gettext_lazy("Tenaga kerja")),
            ("investment", gettext_lazy("Investasi")),
            ("year_started", gettext_lazy("Tahun mulai")),
        ],
        filters=("q", "region", "kbli", "status", "size_class", "verification"),
    ),
    "centre": Entity(
        key="centre",
        title=gettext_lazy("Sentra IKM"),
        slug="sentra",
        list_fn=selectors.centre_list,
        get_fn=selectors.centre_get,
        statuses=CentreStatus.choices,
        sorts=[
            ("name", gettext_lazy("Nama sentra")),
            ("members", gettext_lazy("Anggota")),
            ("designated_on", gettext_lazy("Ditetapkan")),
        ],
    ),
    "product": Entity(
        key="product",
        title=gettext_lazy("Produk"),
        slug="produk",
        list_fn=selectors.product_list,
        get_fn=selectors.product_get,
        sorts=[("name", gettext_lazy("Nama produk")), ("price", gettext_lazy("Harga"))],
        filters=("q", "region", "kbli", "market_reach", "verification"),
    ),
}


def _effective_region(params) -> str:
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


def _filters(entity: Entity, request) -> tuple[selectors.RegistryFilter, FilterForm]:
    form = FilterForm(request.GET)
    form.is_valid()
    data = {
        k: (form.cleaned_data.get(k) or "")
        for k in ("q", "kbli", "status", "size_class", "market_reach", "verification", "sort")
    }
    data["region"] = _effective_region(request.GET)
    data = {k: v for k, v in data.items() if k in entity.filters or k == "sort"}
    return selectors.RegistryFilter(**data), form


def _region_selects(region: str) -> list[dict]:
    """The cascading selects for the current region filter: each level's options and selection."""
    code = normalise_code(region) if region else None
    path = region_path(code=code) if code else []
    selected = [r.code for r in path]
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
def registry_list(request, entity_key: str):
    entity = ENTITIES[entity_key]
    filters, form = _filters(entity, request)
    actor = actor_for_request(request)
    require(actor, Action.LIST)
    paginator = CappedPaginator(entity.list_fn(actor=actor, filters=filters), PER_PAGE)
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
        "count_cap": COUNT_CAP,
        # A search without a chosen sort lists the newest matches first (selectors.SEARCH_ORDER).
        "newest_first": entity.key == "enterprise" and selectors.enterprise_newest_first(filters),
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
            for key, label in entity.sorts
        ],
        "region_selects": _region_selects(filters.region),
        "can_create": actor.can(Action.CREATE),
        "verification_choices": VerificationStatus.choices,
    }
    rows_template = f"web/registry/{entity.key}_rows.html"
    if request.htmx and request.htmx.target == "rows":
        return render(request, "web/registry/_rows.html", {**context, "rows_template": rows_template})
    return render(request, "web/registry/list.html", {**context, "rows_template": rows_template})


@login_required
@require_GET
def registry_export(request, entity_key: str):
    entity = ENTITIES[entity_key]
    filters, _form = _filters(entity, request)
    actor = actor_for_request(request)
    require(actor, Action.EXPORT)
    qs = entity.list_fn(actor=actor, filters=filters)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return export_response(entity.key, qs, fmt=fmt, title=str(entity.title))


def _get_or_404(entity: Entity, pk: int, actor: Actor):
    obj = entity.get_fn(actor=actor, pk=pk)
    if obj is None:
        raise Http404
    return obj


# --- what the user may do to one record -------------------------------------------------------------

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


def record_actions(actor: Actor, entity: Entity, obj) -> dict:
    """The buttons a detail page shows: exactly the steps and changes the user may make now."""
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


def _detail_context(request, entity: Entity, obj, **extra) -> dict:
    actor = actor_for_request(request)
    return {
        "obj": obj,
        "entity": entity,
        "path": region_path(code=obj.village_id),
        "actions": record_actions(actor, entity, obj),
        "reason_form": ReasonForm(),
        **extra,
    }


def _form_target(request, entity: Entity, pk: int | None, *, action: str = Action.EDIT):
    """The actor and the record a create/edit/delete page works on, after the checks they share.

    Returns (actor, record or None, refusal): an accepted record is not edited, so the refusal
    sends the user to its page with the reason instead of showing a form that would fail.
    """
    actor = actor_for_request(request)
    if pk is None:
        require(actor, Action.CREATE)
        return actor, None, None
    obj = _get_or_404(entity, pk, actor)
    require_record(actor, action, obj)
    try:
        ensure_editable(obj)
    except DomainError as error:
        messages.error(request, error.message)
        return actor, obj, redirect(entity.url("detail", obj.pk))
    return actor, obj, None


@login_required
@require_GET
def enterprise_detail(request, pk: int):
    enterprise = _get_or_404(ENTITIES["enterprise"], pk, actor_for_request(request))
    return render(
        request,
        "web/registry/enterprise_detail.html",
        _detail_context(request, ENTITIES["enterprise"], enterprise),
    )


def _centre_decree_warnings(centre) -> list[str]:
    """A centre recorded as designated before a decree was required (or imported so) says so."""
    if centre.status in services.DECREE_REQUIRED_STATUSES and centre.decree_id is None:
        return [
            _("Sentra ini berstatus %(status)s tetapi belum memiliki dasar hukum; lengkapi lewat Ubah.")
            % {"status": centre.get_status_display()}
        ]
    return []


@login_required
@require_GET
def centre_detail(request, pk: int):
    centre = _get_or_404(ENTITIES["centre"], pk, actor_for_request(request))
    return render(
        request,
        "web/registry/centre_detail.html",
        _detail_context(
            request,
            ENTITIES["centre"],
            centre,
            warnings=services.centre_warnings(
                member_count=centre.member_count,
                members_other_kbli=centre.members_other_kbli,
                kbli_code=centre.kbli_id,
                members_other_raw_material=centre.members_other_raw_material,
                raw_material=centre.raw_material,
            )
            + _centre_decree_warnings(centre),
        ),
    )


@login_required
@require_GET
def centre_decree_scan(request, pk: int):
    """The scan of a centre's decree, for whoever may read the centre (never a public media URL)."""
    centre = _get_or_404(ENTITIES["centre"], pk, actor_for_request(request))
    scan = centre.decree.scan if centre.decree_id else None
    if not scan:
        raise Http404
    try:
        handle = scan.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, filename=os.path.basename(scan.name))


@login_required
@require_GET
def product_detail(request, pk: int):
    product = _get_or_404(ENTITIES["product"], pk, actor_for_request(request))
    return render(
        request, "web/registry/product_detail.html", _detail_context(request, ENTITIES["product"], product)
    )


def _service_data(form, names) -> dict:
    return {name: form.cleaned_data.get(name) for name in names}


def _initial(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def _enterprise_initial(obj) -> dict:
    initial = _initial(obj, EnterpriseForm.SERVICE_FIELDS)
    initial.update(village_code=obj.village_id, kbli_code=obj.kbli_id, agency=obj.agency_id)
    return VersionedForm.loaded_from(obj, initial)


def _centre_initial(obj) -> dict:
    initial = _initial(obj, CentreForm.SERVICE_FIELDS)
    initial.update(
        village_codes=", ".join(services.centre_village_codes(obj)),
        member_ids=", ".join(str(m.enterprise_id) for m in obj.memberships.order_by("id")),
        kbli_code=obj.kbli_id,
        agency=obj.agency_id,
        decree=obj.decree_id,
    )
    return VersionedForm.loaded_from(obj, initial)


def _product_initial(obj) -> dict:
    initial = _initial(obj, ProductForm.SERVICE_FIELDS)
    initial.update(
        enterprise_id=obj.enterprise_id, centre_id=obj.centre_id, kbli_code=obj.kbli_id, agency=obj.agency_id
    )
    return VersionedForm.loaded_from(obj, initial)


def _conflict(request, entity: Entity, form, error: StaleVersion, pk: int, initial) -> None:
    """Someone saved the record since this form was opened: show what changed (VersionedForm)."""
    record = _get_or_404(entity, pk, actor_for_request(request))
    form.show_conflict(error, record, initial(record))


def _form_page(request, entity: Entity, form, obj=None):
    return render(request, "web/registry/form.html", {"form": form, "entity": entity, "obj": obj})


def _limit_agencies(form, actor: Actor):
    """Only the ministry records on behalf of other agencies; everyone else records as their own."""
    if not (actor.is_national or actor.is_superuser):
        form.fields["agency"].queryset = Agency.objects.filter(pk=actor.agency_id)
        form.fields["agency"].required = False
        form.fields["agency"].empty_label = None
    return form


@login_required
def enterprise_form(request, pk: int | None = None):
    entity = ENTITIES["enterprise"]
    actor, obj, refused = _form_target(request, entity, pk)
    if refused:
        return refused
    if request.method == "POST":
        form = _limit_agencies(EnterpriseForm(request.POST), actor)
        if form.is_valid():
            data = _service_data(form, EnterpriseForm.SERVICE_FIELDS)
            data["nib"] = data["nib"] or None
            data["owner_name"] = data["owner_name"] or ""
            data["workers"] = data["workers"] or 0
            data["investment"] = data["investment"] or 0
            try:
                if obj is None:
                    obj = services.enterprise_create(
                        actor=actor,
                        agency=form.cleaned_data["agency"],
                        village_code=form.cleaned_data["village_code"].strip(),
                        kbli_code=form.cleaned_data["kbli_code"].strip(),
                        **data,
                    )
                else:
                    obj = services.enterprise_update(
                        actor=actor,
                        enterprise=obj,
                        village_code=form.cleaned_data["village_code"].strip(),
                        kbli_code=form.cleaned_data["kbli_code"].strip(),
                        expected_version=form.expected_version,
                        **data,
                    )
            except StaleVersion as error:
                _conflict(request, entity, form, error, pk, _enterprise_initial)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Data IKM “%(name)s” tersimpan.") % {"name": obj.name})
                return redirect("web:enterprise_detail", pk=obj.pk)
    else:
        initial = _enterprise_initial(obj) if obj is not None else {}
        form = _limit_agencies(EnterpriseForm(initial=initial), actor)
    return _form_page(request, entity, form, obj)


# Fields of the new decree as the decree service names them, and the form fields that show them.
DECREE_FORM_FIELDS = {
    "kind": "decree_kind",
    "number": "decree_number",
    "issued_on": "decree_issued_on",
    "signatory": "decree_signatory",
    "title": "decree_title",
    "scan": "decree_scan",
    "decree": "decree_number",
    "__all__": "decree_number",
}


def _centre_decree(form: CentreForm, actor: Actor, centre):
    """The decree the centre names: the one chosen, or the new one entered (created here, inside the
    caller's transaction, so that a refused centre leaves no decree behind)."""
    if not form.has_new_decree:
        return form.cleaned_data.get("decree")
    try:
        return services.decree_create_for_centre(
            actor=actor, village_code=form.cleaned_data["village_codes"][0], **form.new_decree()
        )
    except DomainError as error:
        # Shown beside the new decree's own fields, not the centre's.
        raise DomainError(
            error.message,
            code=error.code,
            errors=[
                FieldError(DECREE_FORM_FIELDS.get(item.field, item.field), item.message, item.code)
                for item in error.errors
            ],
        ) from error


@login_required
def centre_form(request, pk: int | None = None):
    entity = ENTITIES["centre"]
    actor, obj, refused = _form_target(request, entity, pk)
    if refused:
        return refused
    if request.method == "POST":
        form = _limit_agencies(CentreForm(request.POST, request.FILES, actor=actor, centre=obj), actor)
        if form.is_valid():
            data = _service_data(form, CentreForm.SERVICE_FIELDS)
            for name in (
                "raw_material",
                "description",
                "board_chair",
                "board_members",
                "upt_name",
                "facilities",
            ):
                data[name] = data[name] or ""
            try:
                # A new decree and the centre are saved together or not at all.
                with transaction.atomic():
                    data["decree"] = _centre_decree(form, actor, obj)
                    if obj is None:
                        obj = services.centre_create(
                            actor=actor,
                            agency=form.cleaned_data["agency"],
                            village_codes=form.cleaned_data["village_codes"],
                            kbli_code=form.cleaned_data["kbli_code"].strip(),
                            member_ids=form.cleaned_data["member_ids"],
                            **data,
                        )
                    else:
                        obj = services.centre_update(
                            actor=actor,
                            centre=obj,
                            village_codes=form.cleaned_data["village_codes"],
                            kbli_code=form.cleaned_data["kbli_code"].strip(),
                            member_ids=form.cleaned_data["member_ids"],
                            expected_version=form.expected_version,
                            **data,
                        )
            except StaleVersion as error:
                _conflict(request, entity, form, error, pk, _centre_initial)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Data sentra “%(name)s” tersimpan.") % {"name": obj.name})
                return redirect("web:centre_detail", pk=obj.pk)
            if form.cleaned_data.get("decree_scan"):
                form.add_error("decree_scan", _("Pilih berkas pindaian sekali lagi sebelum menyimpan."))
    else:
        initial = _centre_initial(obj) if obj is not None else {}
        form = _limit_agencies(CentreForm(initial=initial, actor=actor, centre=obj), actor)
    return render(request, "web/registry/centre_form.html", {"form": form, "entity": entity, "obj": obj})


@login_required
def product_form(request, pk: int | None = None):
    entity = ENTITIES["product"]
    actor, obj, refused = _form_target(request, entity, pk)
    if refused:
        return refused
    if request.method == "POST":
        form = _limit_agencies(ProductForm(request.POST, actor=actor), actor)
        if form.is_valid():
            data = _service_data(form, ProductForm.SERVICE_FIELDS)
            data["description"] = data["description"] or ""
            enterprise = centre = None
            if eid := form.cleaned_data.get("enterprise_id"):
                enterprise = selectors.enterprise_get(actor=actor, pk=eid)
                if enterprise is None:
                    form.add_error("enterprise_id", _("IKM dengan ID ini tidak ada."))
            if cid := form.cleaned_data.get("centre_id"):
                centre = selectors.centre_get(actor=actor, pk=cid)
                if centre is None:
                    form.add_error("centre_id", _("Sentra dengan ID ini tidak ada."))
            if not form.errors:
                try:
                    kbli = (form.cleaned_data.get("kbli_code") or "").strip() or None
                    if obj is None:
                        obj = services.product_create(
                            actor=actor,
                            agency=form.cleaned_data["agency"],
                            enterprise=enterprise,
                            centre=centre,
                            kbli_code=kbli,
                            **data,
                        )
                    else:
                        obj = services.product_update(
                            actor=actor,
                            product=obj,
                            enterprise=enterprise,
                            centre=centre,
                            kbli_code=kbli,
                            expected_version=form.expected_version,
                            **data,
                        )
                except StaleVersion as error:
                    _conflict(request, entity, form, error, pk, _product_initial)
                except DomainError as error:
                    add_domain_errors(form, error)
                else:
                    messages.success(request, _("Data produk “%(name)s” tersimpan.") % {"name": obj.name})
                    return redirect("web:product_detail", pk=obj.pk)
    else:
        initial = _product_initial(obj) if obj is not None else {}
        form = _limit_agencies(ProductForm(initial=initial, actor=actor), actor)
    return _form_page(request, entity, form, obj)


@login_required
@require_GET
def region_selects(request):
    """The cascading province → village selects, re-rendered (htmx) after one of them changes."""
    return render(
        request,
        "web/registry/_region_selects.html",
        {"region_selects": _region_selects(_effective_region(request.GET))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def registry_delete(request, entity_key: str, pk: int):
    """GET: the confirmation page; POST: deletes (the last state stays in the history)."""
    entity = ENTITIES[entity_key]
    actor, obj, refused = _form_target(request, entity, pk, action=Action.DELETE)
    if refused:
        return refused
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = str(obj)
        try:
            services.record_delete(actor=actor, record=obj, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(entity.url("detail", pk))
        messages.success(request, _("“%(name)s” telah dihapus.") % {"name": name})
        return redirect(entity.url("list"))
    return render(request, "web/registry/delete.html", {"obj": obj, "entity": entity, "form": form})
