"""The filters of the facilitator, contract, placement, caseload and visit lists, declared once
(core/filtersets.py): the web pages (/pendamping/) and the API (/api/v1/facilitators …) build their
inputs from these, clean every value the same way, and read the rows through the list functions below,
which start from the scope rule's querysets (facilitators.selectors.visible_*): a facilitator lists
only their own record and work, a Dinas its regency's, a province its regencies', the ministry all.

Lists and exports never carry the identity number (NIK): only selectors.identity_number_for reads it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, require
from sentra.core.errors import NotFound
from sentra.core.filtersets import FilterField, FilterSet

from . import selectors
from .choices import ContractParty, FacilitatorStatus, Polytechnic, VisitKind
from .models import Assignment, Contract, Facilitator, Placement, Visit

ID_MAX = 2**31 - 1
PROVINCE_PATTERN = r"[0-9]{2}"
REGENCY_PATTERN = r"[0-9]{2}\.[0-9]{2}"
MONTH_PATTERN = r"[0-9]{4}-(0[1-9]|1[0-2])"
EXPIRING_DAYS = 60  # "berakhir dalam 60 hari": the contracts list's filter and the notices' horizon


def today() -> dt.date:
    return timezone.localdate()


def _search(description: str) -> FilterField:
    return FilterField("q", label=_("Cari"), description=description, max_length=200)


def _province() -> FilterField:
    return FilterField(
        "province",
        label=_("Kode provinsi"),
        description="Kode provinsi penempatan, mis. 64.",
        max_length=2,
        pattern=PROVINCE_PATTERN,
    )


def _regency() -> FilterField:
    return FilterField(
        "regency",
        label=_("Kode kabupaten/kota"),
        description="Kode kabupaten/kota penempatan, mis. 64.09.",
        max_length=5,
        pattern=REGENCY_PATTERN,
    )


def _facilitator() -> FilterField:
    return FilterField(
        "facilitator", "integer", _("Pendamping (id)"), "Id pendamping.", minimum=1, maximum=ID_MAX
    )


def _placed(qs: QuerySet, province: str, regency: str) -> QuerySet:
    if province:
        qs = qs.filter(province_code=province)
    if regency:
        qs = qs.filter(regency_code=regency)
    return qs


def _sorted(qs: QuerySet, sorts: dict[str, list[str]], sort: str) -> QuerySet:
    return qs.order_by(*sorts.get(sort, sorts[""]))


def _reader(actor: Actor, action: str = Action.LIST) -> None:
    require(actor, action, Area.FACILITATORS)


def _one(qs: QuerySet, pk):
    """One row of a scoped queryset, or NotFound (a record outside the scope does not exist)."""
    try:
        found = qs.filter(pk=pk).first()
    except (ValueError, TypeError):
        found = None
    if found is None:
        raise NotFound
    return found


# --- facilitators ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacilitatorFilter:
    q: str = ""
    status: str = ""
    cohort: int | None = None
    province: str = ""
    regency: str = ""
    polytechnic: str = ""
    sort: str = ""


FACILITATOR_SORTS = {
    "": ["name", "pk"],
    "name": ["name", "pk"],
    "-name": ["-name", "-pk"],
    "cohort": ["cohort", "name", "pk"],
    "-cohort": ["-cohort", "name", "pk"],
    "regency": ["regency_code", "name", "pk"],
    "-regency": ["-regency_code", "name", "pk"],
    "status": ["status", "name", "pk"],
    "-status": ["-status", "name", "pk"],
}


def _polytechnics_named(text: str) -> list[str]:
    text = text.lower()
    return [value for value, label in Polytechnic.choices if text in str(label).lower() or text in value]


def facilitator_search_q(text: str) -> Q:
    """Name, cohort (a year typed alone) or polytechnic (its name or part of it)."""
    q = Q(name__icontains=text)
    if text.isdigit() and len(text) == 4:
        q |= Q(cohort=int(text))
    if schools := _polytechnics_named(text):
        q |= Q(polytechnic__in=schools)
    return q


def facilitator_list(*, actor: Actor, filters: FacilitatorFilter | None = None) -> QuerySet[Facilitator]:
    _reader(actor)
    f = filters or FacilitatorFilter()
    qs = selectors.visible_facilitators(actor).select_related("agency", "home_region")
    if f.q:
        qs = qs.filter(facilitator_search_q(f.q))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.cohort is not None:
        qs = qs.filter(cohort=f.cohort)
    if f.polytechnic:
        qs = qs.filter(polytechnic=f.polytechnic)
    return _sorted(_placed(qs, f.province, f.regency), FACILITATOR_SORTS, f.sort)


def facilitator_get(*, actor: Actor, pk) -> Facilitator:
    _reader(actor, Action.VIEW)
    return _one(selectors.visible_facilitators(actor).select_related("agency", "home_region", "user"), pk)


FACILITATOR_FILTERS = FilterSet(
    FacilitatorFilter,
    (
        _search("Cari nama, angkatan (tahun) atau politeknik."),
        FilterField("status", "choice", _("Status"), choices=FacilitatorStatus.choices),
        FilterField(
            "cohort", "integer", _("Angkatan"), "Tahun angkatan, mis. 2014.", minimum=2000, maximum=2100
        ),
        _province(),
        _regency(),
        FilterField("polytechnic", "choice", _("Politeknik"), choices=Polytechnic.choices),
    ),
    sorts={
        "name": _("Nama"),
        "cohort": _("Angkatan"),
        "regency": _("Penempatan"),
        "status": _("Status"),
    },
)


# --- contracts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractFilter:
    q: str = ""
    facilitator: int | None = None
    party: str = ""
    year: int | None = None
    province: str = ""
    regency: str = ""
    expiring_within_days: int | None = None
    sort: str = ""


CONTRACT_SORTS = {
    "": ["-period_start", "-pk"],
    "period_start": ["period_start", "pk"],
    "-period_start": ["-period_start", "-pk"],
    "period_end": ["period_end", "pk"],
    "-period_end": ["-period_end", "-pk"],
    "number": ["number", "pk"],
    "-number": ["-number", "-pk"],
    "facilitator": ["facilitator__name", "-period_start", "pk"],
    "-facilitator": ["-facilitator__name", "-period_start", "pk"],
}


def expiring_q(within_days: int, on: dt.date | None = None) -> Q:
    """Contracts still running on `on` (today) whose period ends within the next `within_days` days
    and that have not been renewed yet (a renewal answers the expiry)."""
    start = on or today()
    return Q(
        period_start__lte=start,
        period_end__gte=start,
        period_end__lte=start + dt.timedelta(days=within_days),
        renewal__isnull=True,
    )


def contract_list(*, actor: Actor, filters: ContractFilter | None = None) -> QuerySet[Contract]:
    _reader(actor)
    f = filters or ContractFilter()
    qs = selectors.visible_contracts(actor).select_related("facilitator", "party_agency", "previous")
    if f.q:
        qs = qs.filter(Q(number__icontains=f.q) | Q(facilitator__name__icontains=f.q))
    if f.facilitator is not None:
        qs = qs.filter(facilitator_id=f.facilitator)
    if f.party:
        qs = qs.filter(party=f.party)
    if f.year is not None:
        qs = qs.filter(period_start__year__lte=f.year, period_end__year__gte=f.year)
    if f.expiring_within_days is not None:
        qs = qs.filter(expiring_q(f.expiring_within_days))
        if not f.sort:
            return qs.order_by("period_end", "pk")
    return _sorted(_placed(qs, f.province, f.regency), CONTRACT_SORTS, f.sort)


def contract_get(*, actor: Actor, pk) -> Contract:
    _reader(actor, Action.VIEW)
    qs = selectors.visible_contracts(actor).select_related(
        "facilitator", "party_agency", "previous", "signed_at_meeting", "budget_line"
    )
    return _one(qs, pk)


CONTRACT_FILTERS = FilterSet(
    ContractFilter,
    (
        _search("Cari nomor kontrak atau nama pendamping."),
        _facilitator(),
        FilterField("party", "choice", _("Pihak pemberi kontrak"), choices=ContractParty.choices),
        FilterField(
            "year",
            "integer",
            _("Tahun"),
            "Kontrak yang berjalan pada tahun ini.",
            minimum=2000,
            maximum=2100,
            web_name="tahun",
        ),
        _province(),
        _regency(),
        FilterField(
            "expiring_within_days",
            "integer",
            _("Berakhir dalam"),
            "Hanya kontrak berjalan yang berakhir dalam sekian hari dan belum diperpanjang (mis. 60).",
            choices=[(EXPIRING_DAYS, _("60 hari")), (30, _("30 hari"))],
            check_choices=False,
            minimum=0,
            maximum=3650,
            web_name="berakhir",
        ),
    ),
    sorts={
        "number": _("Nomor"),
        "facilitator": _("Pendamping"),
        "period_start": _("Mulai"),
        "period_end": _("Berakhir"),
    },
)


def contract_chain(contract: Contract) -> list[Contract]:
    """The renewal chain a contract belongs to, first year first (previous ← … → renewals)."""
    chain = [contract]
    seen = {contract.pk}
    back = contract.previous
    while back is not None and back.pk not in seen:
        chain.insert(0, back)
        seen.add(back.pk)
        back = back.previous
    forward = Contract.objects.filter(previous=contract).first()
    while forward is not None and forward.pk not in seen:
        chain.append(forward)
        seen.add(forward.pk)
        forward = Contract.objects.filter(previous=forward).first()
    return chain


# --- placements and caseload ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacementFilter:
    facilitator: int | None = None
    province: str = ""
    regency: str = ""
    current: bool | None = None


def placement_list(*, actor: Actor, filters: PlacementFilter | None = None) -> QuerySet[Placement]:
    _reader(actor)
    f = filters or PlacementFilter()
    qs = selectors.visible_placements(actor).select_related(
        "facilitator", "region", "host_agency", "supervisor"
    )
    if f.facilitator is not None:
        qs = qs.filter(facilitator_id=f.facilitator)
    if f.current is not None:
        running = Q(starts_on__lte=today()) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today()))
        qs = qs.filter(running) if f.current else qs.exclude(running)
    return _placed(qs, f.province, f.regency).order_by("-starts_on", "-pk")


def placement_get(*, actor: Actor, pk) -> Placement:
    _reader(actor, Action.VIEW)
    qs = selectors.visible_placements(actor).select_related(
        "facilitator", "region", "host_agency", "supervisor"
    )
    return _one(qs, pk)


PLACEMENT_FILTERS = FilterSet(
    PlacementFilter,
    (
        _facilitator(),
        _province(),
        _regency(),
        FilterField(
            "current",
            "boolean",
            _("Berjalan"),
            "true: penempatan yang berjalan hari ini; false: yang sudah/belum berjalan.",
            choices=[("1", _("Berjalan")), ("0", _("Tidak berjalan"))],
        ),
    ),
)


@dataclass(frozen=True)
class AssignmentFilter:
    facilitator: int | None = None
    province: str = ""
    regency: str = ""
    active: bool | None = None
    centre: int | None = None
    enterprise: int | None = None


def assignment_list(*, actor: Actor, filters: AssignmentFilter | None = None) -> QuerySet[Assignment]:
    _reader(actor)
    f = filters or AssignmentFilter()
    qs = selectors.visible_assignments(actor).select_related("facilitator", "centre", "enterprise")
    if f.facilitator is not None:
        qs = qs.filter(facilitator_id=f.facilitator)
    if f.active is not None:
        qs = qs.filter(ends_on__isnull=f.active)
    if f.centre is not None:
        qs = qs.filter(centre_id=f.centre)
    if f.enterprise is not None:
        qs = qs.filter(enterprise_id=f.enterprise)
    return _placed(qs, f.province, f.regency).order_by("-starts_on", "-pk")


def assignment_get(*, actor: Actor, pk) -> Assignment:
    _reader(actor, Action.VIEW)
    qs = selectors.visible_assignments(actor).select_related("facilitator", "centre", "enterprise")
    return _one(qs, pk)


ASSIGNMENT_FILTERS = FilterSet(
    AssignmentFilter,
    (
        _facilitator(),
        _province(),
        _regency(),
        FilterField(
            "active",
            "boolean",
            _("Aktif"),
            "true: binaan yang masih berjalan; false: yang sudah diakhiri.",
            choices=[("1", _("Aktif")), ("0", _("Sudah berakhir"))],
        ),
        FilterField("centre", "integer", _("Sentra (id)"), "Id sentra IKM.", minimum=1, maximum=ID_MAX),
        FilterField("enterprise", "integer", _("IKM (id)"), "Id IKM.", minimum=1, maximum=ID_MAX),
    ),
)


# --- visits (written by the visit services; listed here for supervisors) -------------------------------


@dataclass(frozen=True)
class VisitFilter:
    facilitator: int | None = None
    month: str = ""  # YYYY-MM
    kind: str = ""
    flagged: bool | None = None
    province: str = ""
    regency: str = ""
    sort: str = ""


VISIT_SORTS = {
    "": ["-visited_at", "-pk"],
    "visited_at": ["visited_at", "pk"],
    "-visited_at": ["-visited_at", "-pk"],
    "facilitator": ["facilitator__name", "-visited_at", "pk"],
    "-facilitator": ["-facilitator__name", "-visited_at", "pk"],
}


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of a month (YYYY-MM) and of the next, in Sentra's time zone."""
    year, number = (int(part) for part in month.split("-"))
    start = dt.date(year, number, 1)
    end = dt.date(year + (number == 12), number % 12 + 1, 1)
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end, dt.time.min, tzinfo=zone),
    )


def visit_list(*, actor: Actor, filters: VisitFilter | None = None) -> QuerySet[Visit]:
    _reader(actor)
    f = filters or VisitFilter()
    qs = selectors.visible_visits(actor).select_related("facilitator", "village")
    if f.facilitator is not None:
        qs = qs.filter(facilitator_id=f.facilitator)
    if f.month:
        start, end = month_bounds(f.month)
        qs = qs.filter(visited_at__gte=start, visited_at__lt=end)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.flagged is not None:
        qs = qs.exclude(location_flag="") if f.flagged else qs.filter(location_flag="")
    return _sorted(_placed(qs, f.province, f.regency), VISIT_SORTS, f.sort)


def visit_get(*, actor: Actor, pk) -> Visit:
    _reader(actor, Action.VIEW)
    return _one(selectors.visible_visits(actor).select_related("facilitator", "village", "recorded_by"), pk)


VISIT_FILTERS = FilterSet(
    VisitFilter,
    (
        _facilitator(),
        FilterField(
            "month",
            label=_("Bulan (TTTT-BB)"),
            description="Bulan kunjungan, mis. 2026-10.",
            max_length=7,
            pattern=MONTH_PATTERN,
            web_name="bulan",
        ),
        FilterField("kind", "choice", _("Tujuan kunjungan"), choices=VisitKind.choices),
        FilterField(
            "flagged",
            "boolean",
            _("Catatan lokasi"),
            "true: hanya kunjungan dengan lokasi yang perlu diperiksa; false: tanpa catatan.",
            choices=[("1", _("Perlu diperiksa")), ("0", _("Tanpa catatan"))],
        ),
        _province(),
        _regency(),
    ),
    sorts={"visited_at": _("Waktu"), "facilitator": _("Pendamping")},
)
