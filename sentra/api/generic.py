"""Endpoints of a record type, declared once (issue 14 §1): list, detail, create, update, delete.

A record type that lives in a region, is owned by an agency and carries a version (core.versioning)
gets the same five shapes of endpoint everywhere. Instead of writing them again per type, a domain
declares an `ApiRecordType` (its schemas, its selector and service functions, the translation of the
API's field names into the service's keyword arguments) and calls `register(router, record_type)`:

    GET    /<path>               list, filtered like the web page, paginated (`Page`), scope rule
    GET    /<path>/{<key>_id}    detail with `ETag`
    POST   /<path>               create (403 before any field check for a role that may not create)
    PATCH  /<path>/{<key>_id}    partial update, `If-Match` (412 when stale)
    PUT    /<path>/{<key>_id}    full update, `If-Match`
    DELETE /<path>/{<key>_id}    delete with a reason, `If-Match`

The standard errors (401/403/400/422) are added to the document by api/openapi.py; the operations
keep the names they would have as hand-written functions in the declaring module (operation ids
`<module>_<key>_list` …), so moving a type onto this layer changes nothing a client sees.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from django.db import connection
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel, BeforeValidator, create_model

from sentra.accounts.permissions import Action
from sentra.accounts.scope import require, require_record
from sentra.agencies.models import Agency
from sentra.core.errors import DomainError, FieldError, NotFound
from sentra.core.filtersets import FilterSet

from .auth import api_actor
from .etag import IF_MATCH_DESCRIPTION, STALE, if_match, tagged
from .schemas import REFUSED, UNAUTHENTICATED, ErrorOut, Id, Text, reject_nul

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Counting every match of a broad filter at 4.4 million rows costs a full index scan per page;
# past this many matches the count is reported as "at least" (count_exact = false).
COUNT_LIMIT = 10_000

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    count: int = Field(description=f"Jumlah hasil; bila count_exact false, paling sedikit {COUNT_LIMIT}.")
    count_exact: bool
    page: int
    page_size: int
    results: list[T]


def estimated_rows(model) -> int | None:
    """PostgreSQL's planner estimate of a table's rows, or None where there is none (SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None


def capped_count(
    qs: QuerySet, *, unfiltered: bool, limit: int = COUNT_LIMIT, estimate: Callable = estimated_rows
) -> tuple[int, bool]:
    """The number of matches, at most `limit` (then not exact); the whole table: `estimate`d."""
    if unfiltered:
        # Fast path: the whole table. An exact count(*) of 4.4 million rows takes a second on
        # PostgreSQL, the planner's estimate nothing; small tables are counted exactly.
        estimated = estimate(qs.model)
        if estimated is not None and estimated > limit:
            return estimated, False
    capped = qs.order_by().values("pk")[: limit + 1].count()
    if capped > limit:
        return limit, False
    return capped, True


def paginate(
    qs: QuerySet, *, page: int, page_size: int, unfiltered: bool, count: Callable | None = None
) -> dict[str, Any]:
    """One page of `qs` as `Page` fields; the count is `count(qs, unfiltered=)`, by default
    `capped_count` (at most COUNT_LIMIT, the whole table estimated)."""
    page_size = min(page_size, MAX_PAGE_SIZE)
    start = (page - 1) * page_size
    results = list(qs[start : start + page_size])
    if not unfiltered and (0 < len(results) < page_size or (start == 0 and not results)):
        # A short page of a filtered list is its last: the count is known without a second pass
        # over the indexes (for a rare search term, most of the request's database time). The
        # whole table keeps the planner's estimate (capped_count).
        total, exact = start + len(results), True
    else:
        total, exact = (count or capped_count)(qs, unfiltered=unfiltered)
    return {"count": total, "count_exact": exact, "page": page, "page_size": page_size, "results": results}


# --- filters: the same FilterSet as the web page's ---------------------------------------------------


def _filter_param(f) -> tuple[Any, Any]:
    """A FilterField as a query parameter: cleaned by the field itself (FilterField.clean, as the web
    page cleans it), documented with its kind, bounds and choices."""
    extra: dict[str, Any] = {}
    if f.kind in ("text", "choice"):
        kind, default = str, ""
        if f.kind == "choice":
            extra["enum"] = [""] + [str(v) for v, _label in f.choice_list()]
    elif f.kind == "integer":
        kind, default = int | None, None
        extra.update({k: v for k, v in (("minimum", f.minimum), ("maximum", f.maximum)) if v is not None})
    else:
        kind, default = bool | None, None
    # The field's own cleaning, after the API's NUL rule for text (`control_character` on the field,
    # like every text parameter and body field).
    annotation = Annotated[kind, BeforeValidator(lambda value: f.clean(reject_nul(value)))]
    return annotation, Field(default, description=f.description or None, json_schema_extra=extra or None)


def filter_schema(
    filter_set: FilterSet, name: str, *, max_page: int = 10_000, page_size_capped: bool = False
) -> type[Schema]:
    """The API's list parameters for a FilterSet, plus `page` and `page_size` (above MAX_PAGE_SIZE
    refused, or with `page_size_capped` served as MAX_PAGE_SIZE); `selector_filter()` gives what the
    selector takes, `is_unfiltered()` whether any filter is set."""
    fields = {f.name: _filter_param(f) for f in filter_set.fields}
    fields["page"] = (int, Field(1, ge=1, le=max_page))
    size_limit = {} if page_size_capped else {"le": MAX_PAGE_SIZE}
    fields["page_size"] = (
        int,
        Field(DEFAULT_PAGE_SIZE, ge=1, **size_limit, description=f"Maksimum {MAX_PAGE_SIZE}."),
    )

    def selector_filter(self):
        return filter_set.target(**{f.name: getattr(self, f.name) for f in filter_set.fields})

    def is_unfiltered(self) -> bool:
        return filter_set.is_unfiltered(self)

    schema = create_model(name, __base__=Schema, **fields)
    schema.selector_filter = selector_filter
    schema.is_unfiltered = is_unfiltered
    return schema


# --- what every record type's writes share ----------------------------------------------------------


def creator(request, area: str | None = None):
    """The caller's actor; a role that may not create at all is refused (403) before any field check."""
    actor = api_actor(request)
    require(actor, Action.CREATE, area)
    return actor


def agency_or_error(agency_id: int) -> Agency:
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        raise DomainError(
            _("Instansi tidak dikenal."),
            code="unknown_agency",
            errors=[
                FieldError(
                    "agency_id", _("Instansi dengan id %(id)s tidak ada.") % {"id": agency_id}, "unknown"
                )
            ],
        )
    return agency


def agency_or_none(agency_id: int | None) -> Agency | None:
    """No agency: the caller's own (the service's owning_agency decides who may name another)."""
    return None if agency_id is None else agency_or_error(agency_id)


def same_agency(current_id: int, agency_id: int | None) -> None:
    # Ownership decides who may edit a record (part 2), so moving it is not an ordinary update.
    if agency_id is not None and agency_id != current_id:
        raise DomainError(
            _("Instansi pemilik tidak dapat diubah."),
            code="agency_change",
            errors=[FieldError("agency_id", _("Instansi pemilik tidak dapat diubah."), "read_only")],
        )


# --- the declaration --------------------------------------------------------------------------------


def _unchanged(actor, data: dict[str, Any], record=None) -> dict[str, Any]:
    return data


def _as_is(qs: QuerySet) -> QuerySet:
    return qs


def _may_edit(actor, record) -> None:
    require_record(actor, Action.EDIT, record)


ALL_OPERATIONS = frozenset({"list", "detail", "create", "patch", "put", "delete"})


@dataclass(frozen=True)
class ApiRecordType:
    """Everything the five endpoints of one record type need; nothing else is written per type.

    `list_fn(actor=, filters=)` and `get_fn(actor=, pk=)` are the domain's selectors (scope rule
    inside, `get_fn` None when the record does not exist or lies outside the actor's region);
    `create_fn(actor=, agency=, **kwargs)` and `update_fn(actor=, <record_arg>=, expected_version=,
    **kwargs)` its services, `delete_fn(actor=, record=, reason=, expected_version=)` the delete.
    `filters` is a Query schema with `selector_filter()` (what list_fn takes) and `is_unfiltered()`;
    `to_service(actor, data, record)` renames the API's fields into the service's keyword arguments
    (resolving ids through the scope rule). Summaries are built from `label` unless given.
    """

    key: str  # enterprise, centre, product: operation names `<key>_list` …, path parameter `<key>_id`
    path: str  # "/products"
    label: str  # "produk": "Daftar produk", "Detail produk" …
    module: str  # the declaring module (`__name__`): operation ids stay what hand-written ones were
    out: type[Schema]
    create_in: type[Schema]
    patch_in: type[Schema]
    filters: type[Schema]
    list_fn: Callable
    get_fn: Callable
    create_fn: Callable | None
    update_fn: Callable
    delete_fn: Callable | None
    record_arg: str = ""  # the update service's name for the record; default: `key`
    to_service: Callable = _unchanged
    prepare_list: Callable[[QuerySet], QuerySet] = _as_is  # prefetches for the list's rows
    paginate: Callable | None = None  # (qs, filters) -> Page fields; default: `paginate`, COUNT_LIMIT
    # What a domain outside the registry changes (coordination, issue 15):
    area: str | None = None  # the permission area (accounts/permissions.py) of list, detail, create
    detail_out: type[Schema] | None = None  # detail, create and update answer with it; default `out`
    operations: frozenset = ALL_OPERATIONS  # e.g. no PUT and DELETE for meetings
    may_edit: Callable = _may_edit  # (actor, record): raises (403/404) before any field is looked at

    @property
    def path_param(self) -> str:
        return f"{self.key}_id"

    def record_or_404(self, actor, pk: int):
        record = self.get_fn(actor=actor, pk=pk)
        if record is None:
            raise NotFound
        return record


def _endpoint(record_type: ApiRecordType, name: str, body: Callable, parameters: list[inspect.Parameter]):
    """`body` under the name, module and signature a hand-written view of the type would have: ninja
    reads the parameters (path, query, body, temporal response) from the signature, and names the
    operation after module and function."""

    def view(request, **kwargs):
        return body(request, **kwargs)

    view.__name__ = view.__qualname__ = f"{record_type.key}_{name}"
    view.__module__ = record_type.module
    request = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    view.__signature__ = inspect.Signature([request, *parameters])
    return view


def _param(name: str, annotation, default=inspect.Parameter.empty) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)


def register(router: Router, record_type: ApiRecordType, *, summaries: dict[str, str] | None = None) -> None:
    """Adds the type's list, detail, create, patch, put and delete operations to `router`."""
    rt = record_type
    label = rt.label
    detail_out = rt.detail_out or rt.out
    # The document's own words (as the hand-written operations had them), not translated per request.
    summary = {
        "list": f"Daftar {label}",
        "detail": f"Detail {label}",
        "create": f"Tambah {label}",
        "patch": f"Ubah sebagian data {label}",
        "put": f"Ganti data {label}",
        "delete": f"Hapus {label}",
        **(summaries or {}),
    }
    item = f"{rt.path}/{{{rt.path_param}}}"
    pk_param = _param(rt.path_param, Id)
    response_param = _param("response", HttpResponse)

    def list_(request, filters):
        actor = api_actor(request)
        require(actor, Action.LIST, rt.area)
        qs = rt.prepare_list(rt.list_fn(actor=actor, filters=filters.selector_filter()))
        if rt.paginate is not None:
            return rt.paginate(qs, filters)
        return paginate(
            qs, page=filters.page, page_size=filters.page_size, unfiltered=filters.is_unfiltered()
        )

    def detail(request, response, **kwargs):
        actor = api_actor(request)
        if rt.area is not None:
            require(actor, Action.VIEW, rt.area)
        return tagged(response, rt.record_or_404(actor, kwargs[rt.path_param]))

    def create(request, payload, response):
        actor = creator(request, rt.area)
        data = rt.to_service(actor, payload.dict(), None)
        # `to_service` may resolve the owner itself (under the API's own field name).
        agency = data.pop("agency") if "agency" in data else agency_or_none(data.pop("agency_id"))
        record = rt.create_fn(actor=actor, agency=agency, **data)
        return 201, tagged(response, rt.get_fn(actor=actor, pk=record.pk))

    def update(request, pk: int, data: dict[str, Any]):
        actor = api_actor(request)
        record = rt.record_or_404(actor, pk)
        rt.may_edit(actor, record)  # 403 before any field is looked at
        same_agency(record.agency_id, data.pop("agency_id", None))
        data["expected_version"] = if_match(request)  # 412 when stale (api/etag.py)
        rt.update_fn(actor=actor, **{rt.record_arg or rt.key: record}, **rt.to_service(actor, data, record))
        return rt.get_fn(actor=actor, pk=pk)

    def patch(request, payload, response, **kwargs):
        pk = kwargs[rt.path_param]
        return tagged(response, update(request, pk, payload.dict(exclude_unset=True)))

    def put(request, payload, response, **kwargs):
        return tagged(response, update(request, kwargs[rt.path_param], payload.dict()))

    def delete(request, reason="", **kwargs):
        actor = api_actor(request)
        record = rt.record_or_404(actor, kwargs[rt.path_param])
        rt.delete_fn(actor=actor, record=record, reason=reason, expected_version=if_match(request))
        return 204, None

    written = {400: dict, 404: ErrorOut, **REFUSED, **STALE}
    ops = rt.operations
    if "list" in ops:
        router.get(rt.path, response={200: Page[rt.out], **REFUSED}, summary=summary["list"])(
            _endpoint(rt, "list", list_, [_param("filters", Query[rt.filters])])
        )
    if "detail" in ops:
        # A type of an area asks for the right to read it (403); the registry's only for a login.
        read = REFUSED if rt.area else UNAUTHENTICATED
        router.get(item, response={200: detail_out, 404: ErrorOut, **read}, summary=summary["detail"])(
            _endpoint(rt, "detail", detail, [pk_param, response_param])
        )
    if "create" in ops:
        router.post(rt.path, response={201: detail_out, 400: dict, **REFUSED}, summary=summary["create"])(
            _endpoint(rt, "create", create, [_param("payload", rt.create_in), response_param])
        )
    if "patch" in ops:
        router.patch(
            item,
            response={200: detail_out, **written},
            description=IF_MATCH_DESCRIPTION,
            summary=summary["patch"],
        )(_endpoint(rt, "patch", patch, [pk_param, _param("payload", rt.patch_in), response_param]))
    if "put" in ops:
        router.put(
            item,
            response={200: detail_out, **written},
            description=IF_MATCH_DESCRIPTION,
            summary=summary["put"],
        )(_endpoint(rt, "put", put, [pk_param, _param("payload", rt.create_in), response_param]))
    if "delete" in ops:
        router.delete(
            item, response={204: None, **written}, description=IF_MATCH_DESCRIPTION, summary=summary["delete"]
        )(_endpoint(rt, "delete", delete, [pk_param, _param("reason", Text, "")]))
