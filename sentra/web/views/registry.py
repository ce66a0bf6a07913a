"""List, detail, create, edit and export pages of the three registries (IKM, sentra, produk)."""

from __future__ import annotations

import os

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from sentra.accounts.scope import Actor, actor_for_request
from sentra.core.errors import DomainError, FieldError
from sentra.registry import selectors, services
from sentra.registry.choices import CentreStatus, EnterpriseStatus
from sentra.registry.exports import export_response
from sentra.registry.filtersets import CENTRE_FILTERS, ENTERPRISE_FILTERS, PRODUCT_FILTERS

from ..forms import (
    CentreForm,
    EnterpriseForm,
    ProductForm,
)
from ..generic import (
    RECORD_TYPES,
    TRANSITION_LABELS,  # noqa: F401 (the programme and control pages import it from here)
    CappedPaginator,  # noqa: F401 (idem)
    RecordType,
    allowed,  # noqa: F401 (idem)
    detail_context,
    effective_region,
    form_target,
    get_or_404,
    limit_agencies,
    list_filters,
    record_delete,
    record_export,
    record_list,
    region_selects_for,
    register,
    show_conflict,
)

# Read at each request (RecordType.paging): tests and benchmarks change them here.
PER_PAGE = 25
COUNT_CAP = 10_000  # above this the list says "lebih dari 10.000" instead of counting every row


def _paging() -> tuple[int, int]:
    return PER_PAGE, COUNT_CAP


# The registry's three types as the generic pages know them (web/generic.py); the names below stay
# for the modules that import them from here.
Entity = RecordType
_effective_region = effective_region
_region_selects = region_selects_for
_get_or_404 = get_or_404
_detail_context = detail_context
_form_target = form_target
_limit_agencies = limit_agencies
registry_list = record_list
registry_export = record_export
registry_delete = record_delete


def _filters(entity: RecordType, request):
    return list_filters(entity, request)


# What the three types' lists, exports and deletes share; their forms and details follow below.
REGISTRY_LISTS = {
    "filter_class": selectors.RegistryFilter,
    "paging": _paging,
    "export_fn": export_response,
    "delete_fn": services.record_delete,
}

ENTERPRISE = register(
    RecordType(
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
        filter_set=ENTERPRISE_FILTERS,  # the API's too (registry/filtersets.py)
        # A search without a chosen sort lists the newest matches first (selectors.SEARCH_ORDER).
        newest_first=selectors.enterprise_newest_first,
        **REGISTRY_LISTS,
    )
)
register(
    RecordType(
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
        filter_set=CENTRE_FILTERS,
        **REGISTRY_LISTS,
    )
)
ENTITIES = RECORD_TYPES  # the verification, history and restore views look the type up here


def _centre_decree_warnings(centre) -> list[str]:
    """A centre recorded as designated before a decree was required (or imported so) says so."""
    if centre.status in services.DECREE_REQUIRED_STATUSES and centre.decree_id is None:
        return [
            _("Sentra ini berstatus %(status)s tetapi belum memiliki dasar hukum; lengkapi lewat Ubah.")
            % {"status": centre.get_status_display()}
        ]
    return []


def _centre_detail_extra(centre) -> dict:
    """The detail page's warnings: members outside the centre's KBLI or raw material, no decree."""
    return {
        "warnings": services.centre_warnings(
            member_count=centre.member_count,
            members_other_kbli=centre.members_other_kbli,
            kbli_code=centre.kbli_id,
            members_other_raw_material=centre.members_other_raw_material,
            raw_material=centre.raw_material,
        )
        + _centre_decree_warnings(centre)
    }


ENTITIES["centre"].detail_extra = _centre_detail_extra


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


def _service_data(form, names) -> dict:
    return {name: form.cleaned_data.get(name) for name in names}


def _initial(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def _enterprise_initial_values(obj) -> dict:
    initial = _initial(obj, EnterpriseForm.SERVICE_FIELDS)
    initial.update(village_code=obj.village_id, kbli_code=obj.kbli_id, agency=obj.agency_id)
    return initial


def _centre_initial(obj) -> dict:
    initial = _initial(obj, CentreForm.SERVICE_FIELDS)
    initial.update(
        village_codes=", ".join(services.centre_village_codes(obj)),
        member_ids=", ".join(str(m.enterprise_id) for m in obj.memberships.order_by("id")),
        kbli_code=obj.kbli_id,
        agency=obj.agency_id,
        decree=obj.decree_id,
    )
    return initial


def _product_initial_values(obj) -> dict:
    initial = _initial(obj, ProductForm.SERVICE_FIELDS)
    initial.update(
        enterprise_id=obj.enterprise_id, centre_id=obj.centre_id, kbli_code=obj.kbli_id, agency=obj.agency_id
    )
    return initial


_conflict = show_conflict


def _form_page(request, entity: Entity, form, obj=None):
    return render(request, "web/registry/form.html", {"form": form, "entity": entity, "obj": obj})


def _enterprise_save(form: EnterpriseForm, actor: Actor, obj):
    """The enterprise service called with the form's values (empty optional numbers as the model's)."""
    data = _service_data(form, EnterpriseForm.SERVICE_FIELDS)
    data["nib"] = data["nib"] or None
    data["owner_name"] = data["owner_name"] or ""
    data["workers"] = data["workers"] or 0
    data["investment"] = data["investment"] or 0
    village_code = form.cleaned_data["village_code"].strip()
    kbli_code = form.cleaned_data["kbli_code"].strip()
    if obj is None:
        return services.enterprise_create(
            actor=actor,
            agency=form.cleaned_data["agency"],
            village_code=village_code,
            kbli_code=kbli_code,
            **data,
        )
    return services.enterprise_update(
        actor=actor,
        enterprise=obj,
        village_code=village_code,
        kbli_code=kbli_code,
        expected_version=form.expected_version,
        **data,
    )


# The form half of the declaration made above (registered first: the queue lists IKM first).
ENTERPRISE.form_class = EnterpriseForm
ENTERPRISE.initial = _enterprise_initial_values
ENTERPRISE.save = _enterprise_save
ENTERPRISE.saved_message = gettext_lazy("Data IKM “%(name)s” tersimpan.")


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


def _centre_save(form: CentreForm, actor: Actor, obj):
    """The centre service called with the form's values and the decree it names (a new one is created
    in the same transaction: RecordType.atomic_save, so a refused centre leaves no decree behind)."""
    data = _service_data(form, CentreForm.SERVICE_FIELDS)
    for name in ("raw_material", "description", "board_chair", "board_members", "upt_name", "facilities"):
        data[name] = data[name] or ""
    data["decree"] = _centre_decree(form, actor, obj)
    links = {
        "village_codes": form.cleaned_data["village_codes"],
        "kbli_code": form.cleaned_data["kbli_code"].strip(),
        "member_ids": form.cleaned_data["member_ids"],
    }
    if obj is None:
        return services.centre_create(actor=actor, agency=form.cleaned_data["agency"], **links, **data)
    return services.centre_update(
        actor=actor, centre=obj, expected_version=form.expected_version, **links, **data
    )


def _centre_scan_again(form: CentreForm) -> None:
    """A browser does not send a chosen file again: after a refused save, the user must pick it anew."""
    if form.cleaned_data.get("decree_scan"):
        form.add_error("decree_scan", _("Pilih berkas pindaian sekali lagi sebelum menyimpan."))


# The centre's form half (issue 14 §1): its new decree is saved with it, its sections have their own
# template (web/registry/centre_form.html).
CENTRE = ENTITIES["centre"]
CENTRE.form_class = CentreForm
CENTRE.form_template = "web/registry/centre_form.html"
CENTRE.form_kwargs = lambda actor, obj: {"actor": actor, "centre": obj}
CENTRE.initial = _centre_initial
CENTRE.save = _centre_save
CENTRE.atomic_save = True
CENTRE.after_failed_save = _centre_scan_again
CENTRE.saved_message = gettext_lazy("Data sentra “%(name)s” tersimpan.")


def _product_save(form: ProductForm, actor: Actor, obj):
    """The product service called with the form's values; None when a maker id names nothing."""
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
    if form.errors:
        return None
    kbli = (form.cleaned_data.get("kbli_code") or "").strip() or None
    if obj is None:
        return services.product_create(
            actor=actor,
            agency=form.cleaned_data["agency"],
            enterprise=enterprise,
            centre=centre,
            kbli_code=kbli,
            **data,
        )
    return services.product_update(
        actor=actor,
        product=obj,
        enterprise=enterprise,
        centre=centre,
        kbli_code=kbli,
        expected_version=form.expected_version,
        **data,
    )


PRODUCT = register(
    RecordType(
        key="product",
        title=gettext_lazy("Produk"),
        slug="produk",
        list_fn=selectors.product_list,
        get_fn=selectors.product_get,
        sorts=[("name", gettext_lazy("Nama produk")), ("price", gettext_lazy("Harga"))],
        filters=("q", "region", "kbli", "market_reach", "verification"),
        filter_set=PRODUCT_FILTERS,
        **REGISTRY_LISTS,
        form_class=ProductForm,
        form_kwargs=lambda actor, obj: {"actor": actor},
        initial=_product_initial_values,
        save=_product_save,
        saved_message=gettext_lazy("Data produk “%(name)s” tersimpan."),
    )
)


@login_required
@require_GET
def region_selects(request):
    """The cascading province → village selects, re-rendered (htmx) after one of them changes."""
    return render(
        request,
        "web/registry/_region_selects.html",
        {"region_selects": _region_selects(_effective_region(request.GET))},
    )
