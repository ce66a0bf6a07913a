"""Writes to facilitators, their contracts, placements and caseload. Every rule is enforced here.

Signatures (keyword-only; every function takes `actor`, checks the role for Area.FACILITATORS and the
scope rule of facilitators.selectors — a record the actor does not read is NotFound, one they read but
may not change AccessDenied — writes the audit in the same transaction and writes nothing when a rule
refuses; updates take `expected_version` (core.versioning, StaleVersion code `stale`)):

    facilitator_create(*, actor, name, sex, cohort, home_region, agency=None, user=None,
                       birth_year=None, education="d3", polytechnic="", study_programme="", phone="",
                       email="", identity_number="", scholarship_programme=..., status="active",
                       notes="") -> Facilitator
        (agency: the host Dinas; None → the writer's own agency)
    facilitator_update(*, actor, facilitator, expected_version=None, reason="", **fields) -> Facilitator
    facilitator_set_status(*, actor, facilitator, status, expected_version=None, reason="") -> Facilitator

    contract_create(*, actor, facilitator, number, period_start, period_end, party="director_general",
                    party_agency=None, signed_on=None, signed_place="", signed_at_meeting=None,
                    contract_year=None, funding_source="", budget_line=None, honorarium=0,
                    operating_costs=0, previous=None, notes="") -> Contract
    contract_update(*, actor, contract, expected_version=None, reason="", **fields) -> Contract
    contract_renew(*, actor, contract, number, period_start=None, period_end=None, **fields) -> Contract
        (a new contract for the next period: previous=contract, contract_year+1; the period defaults to
        the year after the old one; the other fields default to the old contract's)

    placement_create(*, actor, facilitator, region, host_agency, starts_on, supervisor=None,
                     ends_on=None) -> Placement
    placement_end(*, actor, placement, ends_on, expected_version=None, reason="") -> Placement

    assignment_create(*, actor, facilitator, starts_on, centre=None, enterprise=None) -> Assignment
    assignment_end(*, actor, assignment, ends_on, expected_version=None, reason="") -> Assignment

Model instances are passed (Region, Agency, User, Meeting, BudgetLine, Centre, Enterprise), as the
forms' ModelChoiceFields give them; references are checked against what the actor reads.
Helpers for the pages and the import: is_manager(actor) (Dinas, province, ministry admin: who may
manage facilitators), require_manager(actor, action), next_period(contract) (a renewal's default
period), person_value_errors(identity_number=, birth_year=, cohort=) (the person's own checks).
Reads (facilitators.selectors): identity_number_for(actor, facilitator), contracts_expiring(actor,
within_days=60), current_placement(facilitator, on=None).

Stable error codes (DomainError.code and FieldError.code):
- facilitator: `not_facilitator_account` (user without the facilitator role), `account_taken` (user
  already linked to another facilitator), `identity_number` (NIK not 16 digits), `birth_year`
  (implausible), `cohort` (not 2007..this year), `not_regency` (home region not a regency/city),
  `out_of_scope`, `unknown_reference`;
- contract: `period_order`, `contract_overlap` (names the other contract and its dates),
  `duplicate_number`, `signed_in_future`, `unknown_reference` (meeting or budget line not readable),
  `already_renewed`;
- placement: `not_regency`, `host_agency_region` (host Dinas not in that regency), `supervisor_agency`
  (supervisor not a user of the host Dinas), `placement_overlap`, `end_before_start`;
- assignment: `target_required` (exactly one of centre/enterprise), `outside_placement` (target not in
  the placement regency), `already_assigned`, `end_before_start`, `unknown_reference`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.accounts.models import Role
from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import (
    Actor,
    code_in_scope,
    require,
    resolve_reference,
    unknown_reference,
)
from sentra.agencies.models import Agency
from sentra.audit.models import AuditAction
from sentra.audit.services import record_change, snapshot
from sentra.core.errors import AccessDenied, DomainError, FieldError
from sentra.core.validation import full_clean_or_raise
from sentra.core.versioning import lock_latest
from sentra.regions.models import Region

from . import selectors
from .choices import FacilitatorStatus
from .models import Assignment, Contract, Facilitator, Placement

FIRST_COHORT = 2007
HIDDEN = "(disembunyikan)"
PRIVATE_FIELDS = ("identity_number",)

FACILITATOR_FIELDS = (
    "user",
    "name",
    "sex",
    "birth_year",
    "education",
    "polytechnic",
    "study_programme",
    "phone",
    "email",
    "identity_number",
    "cohort",
    "scholarship_programme",
    "home_region",
    "status",
    "agency",
    "notes",
)
# What a facilitator may correct in their own record (contact details); the rest is their Dinas's.
OWN_CONTACT_FIELDS = frozenset({"phone", "email", "study_programme"})

CONTRACT_FIELDS = (
    "number",
    "party",
    "party_agency",
    "signed_on",
    "signed_place",
    "signed_at_meeting",
    "contract_year",
    "period_start",
    "period_end",
    "funding_source",
    "budget_line",
    "honorarium",
    "operating_costs",
    "notes",
)
# What a renewal copies from the contract it renews unless given.
RENEWAL_COPIED = ("party", "party_agency", "funding_source", "honorarium", "operating_costs")


def today() -> dt.date:
    return timezone.localdate()


def _error(message: str, code: str, field: str = "__all__") -> DomainError:
    return DomainError(message, code=code, errors=[FieldError(field, message, code)])


def _raise_all(errors: list[FieldError]) -> None:
    if errors:
        raise DomainError(errors[0].message, code=errors[0].code, errors=errors)


def _assign(instance, data: dict[str, Any], allowed) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    for name, value in data.items():
        setattr(instance, name, value)


def _hide_private(event) -> None:
    """The audit keeps that a NIK changed, never the NIK itself (UU 27/2022 PDP): history pages are
    read by more people than may read the number. A restore leaves a missing field as it is."""
    if event is None:
        return
    touched = False
    for name in PRIVATE_FIELDS:
        if name in event.snapshot:
            event.snapshot.pop(name)
            touched = True
        if name in event.changes:
            event.changes[name] = [HIDDEN if v else v for v in event.changes[name]]
            touched = True
    if touched:
        event.save(update_fields=["snapshot", "changes"])


def _save(actor: Actor, record, *, before: dict | None = None, reason: str = "") -> None:
    full_clean_or_raise(record)
    record.save()
    action = AuditAction.CREATE if before is None else AuditAction.UPDATE
    event = record_change(actor=actor, action=action, obj=record, before=before, reason=reason)
    if isinstance(record, Facilitator):
        _hide_private(event)


# --- who may write ---------------------------------------------------------------------------------


def is_manager(actor: Actor) -> bool:
    """Managers of facilitators: the Dinas (regency officers), the province, the ministry's admins."""
    if actor.is_superuser:
        return True
    return actor.role in (Role.REGENCY_OFFICER, Role.PROVINCE_OFFICER, Role.MINISTRY_ADMIN)


def require_manager(actor: Actor, action: str) -> None:
    """Facilitators, contracts, placements and caseloads are managed by the Dinas, the province and
    the ministry; a facilitator reads their own, an analyst or a viewer reads."""
    require(actor, action, Area.FACILITATORS)
    if not is_manager(actor):
        raise AccessDenied(_("Hanya Dinas, provinsi atau kementerian yang dapat mengelola data pendamping."))


def _visible(actor: Actor, queryset, record, action: str):
    """404 outside what the actor reads (facilitators.selectors), 403 when the role may not act."""
    return selectors.get_visible(actor, queryset, record.pk, action)


def _require_region(actor: Actor, code: str, field: str) -> None:
    if not code_in_scope(actor, code):
        raise _error(
            _("Wilayah %(code)s berada di luar wilayah kerja Anda.") % {"code": code}, "out_of_scope", field
        )


def _regency(region: Region | None, field: str) -> Region:
    if region is None or region.level != Region.Level.REGENCY:
        raise _error(_("Pilih kabupaten/kota (bukan provinsi, kecamatan atau desa)."), "not_regency", field)
    return region


# --- facilitators ----------------------------------------------------------------------------------


def person_value_errors(
    *, identity_number: str = "", birth_year: int | None, cohort: int | None
) -> list[FieldError]:
    """The checks of a person's own values (NIK, birth year, cohort), also run by the import per row."""
    errors: list[FieldError] = []
    number = identity_number or ""
    if number and not re.fullmatch(r"[0-9]{16}", number):
        errors.append(FieldError("identity_number", _("NIK harus tepat 16 digit angka."), "identity_number"))
    year = today().year
    if birth_year is not None and not (year - 70 <= birth_year <= year - 15):
        errors.append(
            FieldError(
                "birth_year",
                _("Tahun lahir %(year)s tidak masuk akal (antara %(low)s dan %(high)s).")
                % {"year": birth_year, "low": year - 70, "high": year - 15},
                "birth_year",
            )
        )
    if cohort is None or not (FIRST_COHORT <= cohort <= year):
        errors.append(
            FieldError(
                "cohort",
                _("Angkatan harus antara %(low)s dan %(high)s.") % {"low": FIRST_COHORT, "high": year},
                "cohort",
            )
        )
    return errors


def _check_facilitator(facilitator: Facilitator) -> None:
    errors = person_value_errors(
        identity_number=facilitator.identity_number,
        birth_year=facilitator.birth_year,
        cohort=facilitator.cohort,
    )
    if facilitator.home_region_id and facilitator.home_region.level != Region.Level.REGENCY:
        errors.append(
            FieldError("home_region", _("Kabupaten/kota asal harus kabupaten atau kota."), "not_regency")
        )
    user = facilitator.user
    if user is not None:
        profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
        if profile is None or profile.role != Role.FACILITATOR:
            errors.append(
                FieldError(
                    "user",
                    _("Akun %(user)s tidak berperan pendamping lapangan (TPL-IKM).")
                    % {"user": user.username},
                    "not_facilitator_account",
                )
            )
        elif Facilitator.objects.filter(user=user).exclude(pk=facilitator.pk).exists():
            errors.append(
                FieldError(
                    "user",
                    _("Akun %(user)s sudah terhubung ke pendamping lain.") % {"user": user.username},
                    "account_taken",
                )
            )
    _raise_all(errors)


def _host_agency(actor: Actor, agency: Agency | None) -> Agency:
    """The host Dinas: the one given, else the actor's own agency."""
    if agency is None:
        if actor.agency_id is None:
            raise _error(_("Pilih Dinas pembina pendamping."), "required", "agency")
        agency = Agency.objects.get(pk=actor.agency_id)
    if not actor.is_superuser and not code_in_scope(actor, agency.region_id):
        raise _error(
            _("Dinas %(agency)s berada di luar wilayah kerja Anda.") % {"agency": agency},
            "out_of_scope",
            "agency",
        )
    return agency


def _place_facilitator(facilitator: Facilitator) -> None:
    """The facilitator's codes follow their current placement, else their home regency."""
    placement = selectors.current_placement(facilitator) if facilitator.pk else None
    if placement is not None:
        facilitator.place_at(placement.region_id)
    elif facilitator.home_region_id:
        facilitator.place_at(facilitator.home_region_id[:5])


@transaction.atomic
def facilitator_create(
    *,
    actor: Actor,
    name: str,
    sex: str,
    cohort: int,
    home_region: Region,
    agency: Agency | None = None,
    **data: Any,
) -> Facilitator:
    require_manager(actor, Action.CREATE)
    agency = _host_agency(actor, agency)
    facilitator = Facilitator(name=name, sex=sex, cohort=cohort, home_region=home_region, agency=agency)
    _assign(facilitator, data, FACILITATOR_FIELDS)
    _check_facilitator(facilitator)
    _place_facilitator(facilitator)
    _require_region(actor, facilitator.regency_code, "home_region")
    _save(actor, facilitator)
    return facilitator


@transaction.atomic
def facilitator_update(
    *,
    actor: Actor,
    facilitator: Facilitator,
    expected_version: int | None = None,
    reason: str = "",
    **data: Any,
) -> Facilitator:
    """Managers change anything; a facilitator corrects their own contact details only."""
    _visible(actor, selectors.visible_facilitators(actor), facilitator, Action.EDIT)
    if not is_manager(actor) and not set(data) <= OWN_CONTACT_FIELDS:
        raise AccessDenied(_("Anda hanya dapat mengubah telepon, e-mail dan program studi Anda sendiri."))
    lock_latest(facilitator, expected_version)
    before = snapshot(facilitator)
    if "agency" in data and data["agency"] is not None and data["agency"].pk != facilitator.agency_id:
        data["agency"] = _host_agency(actor, data["agency"])
    _assign(facilitator, data, FACILITATOR_FIELDS)
    _check_facilitator(facilitator)
    _place_facilitator(facilitator)
    _require_region(actor, facilitator.regency_code, "home_region")
    _save(actor, facilitator, before=before, reason=reason)
    return facilitator


@transaction.atomic
def facilitator_set_status(
    *,
    actor: Actor,
    facilitator: Facilitator,
    status: str,
    expected_version: int | None = None,
    reason: str = "",
) -> Facilitator:
    if status not in FacilitatorStatus.values:
        raise _error(_("Status %(status)s tidak dikenal.") % {"status": status}, "invalid_choice", "status")
    require_manager(actor, Action.EDIT)
    return facilitator_update(
        actor=actor, facilitator=facilitator, expected_version=expected_version, reason=reason, status=status
    )


# --- contracts -------------------------------------------------------------------------------------


def _format_date(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def _check_contract(actor: Actor, contract: Contract, *, keep: Contract | None = None) -> None:
    errors: list[FieldError] = []
    if contract.period_start and contract.period_end and contract.period_end < contract.period_start:
        errors.append(
            FieldError("period_end", _("Tanggal berakhir kontrak sebelum tanggal mulainya."), "period_order")
        )
    if contract.signed_on and contract.signed_on > today():
        errors.append(
            FieldError(
                "signed_on", _("Tanggal penandatanganan tidak boleh di masa depan."), "signed_in_future"
            )
        )
    number = (contract.number or "").strip()
    contract.number = number
    if number and Contract.objects.filter(number=number).exclude(pk=contract.pk).exists():
        errors.append(
            FieldError(
                "number",
                _("Nomor kontrak %(number)s sudah dipakai kontrak lain.") % {"number": number},
                "duplicate_number",
            )
        )
    if contract.period_start and contract.period_end and contract.period_end >= contract.period_start:
        other = (
            Contract.objects.filter(
                facilitator_id=contract.facilitator_id,
                period_start__lte=contract.period_end,
                period_end__gte=contract.period_start,
            )
            .exclude(pk=contract.pk)
            .order_by("period_start")
            .first()
        )
        if other is not None:
            errors.append(
                FieldError(
                    "period_start",
                    _(
                        "Periode kontrak bertumpang tindih dengan kontrak %(number)s "
                        "(%(start)s s.d. %(end)s) milik pendamping yang sama."
                    )
                    % {
                        "number": other.number,
                        "start": _format_date(other.period_start),
                        "end": _format_date(other.period_end),
                    },
                    "contract_overlap",
                )
            )
    _raise_all(errors)
    # References named in the form: readable by the actor, else as if they did not exist. The one the
    # contract already holds may stay (someone with a wider scope set it).
    if contract.signed_at_meeting_id is not None and (
        keep is None or contract.signed_at_meeting_id != keep.signed_at_meeting_id
    ):
        from sentra.coordination.models import Meeting
        from sentra.coordination.selectors import meeting_visible_q

        if not Meeting.objects.filter(meeting_visible_q(actor), pk=contract.signed_at_meeting_id).exists():
            raise unknown_reference("signed_at_meeting", contract.signed_at_meeting_id)
    if contract.budget_line_id is not None and (
        keep is None or contract.budget_line_id != keep.budget_line_id
    ):
        from sentra.programmes.selectors import budget_line_get

        if budget_line_get(actor=actor, pk=contract.budget_line_id) is None:
            raise unknown_reference("budget_line", contract.budget_line_id)


def _manage_facilitator(actor: Actor, facilitator: Facilitator, action: str = Action.EDIT) -> Facilitator:
    """The facilitator whose records are written: readable (else 404) and managed by the actor."""
    require_manager(actor, action)
    return _visible(actor, selectors.visible_facilitators(actor), facilitator, Action.EDIT)


@transaction.atomic
def contract_create(
    *,
    actor: Actor,
    facilitator: Facilitator,
    number: str,
    period_start: dt.date,
    period_end: dt.date,
    previous: Contract | None = None,
    contract_year: int | None = None,
    **data: Any,
) -> Contract:
    facilitator = _manage_facilitator(actor, facilitator, Action.CREATE)
    if previous is not None:
        previous = _visible(actor, selectors.visible_contracts(actor), previous, Action.VIEW)
        if previous.facilitator_id != facilitator.pk:
            raise _error(
                _("Kontrak sebelumnya milik pendamping lain."), "previous_other_facilitator", "previous"
            )
        if Contract.objects.filter(previous=previous).exists():
            raise _error(
                _("Kontrak %(number)s sudah diperpanjang.") % {"number": previous.number},
                "already_renewed",
                "previous",
            )
    if contract_year is None:
        contract_year = previous.contract_year + 1 if previous is not None else 1
    contract = Contract(
        facilitator=facilitator,
        number=number,
        period_start=period_start,
        period_end=period_end,
        previous=previous,
        contract_year=contract_year,
    )
    _assign(contract, data, CONTRACT_FIELDS)
    contract.place_at(facilitator.regency_code)
    _check_contract(actor, contract)
    _save(actor, contract)
    return contract


@transaction.atomic
def contract_update(
    *,
    actor: Actor,
    contract: Contract,
    expected_version: int | None = None,
    reason: str = "",
    **data: Any,
) -> Contract:
    require_manager(actor, Action.EDIT)
    _visible(actor, selectors.visible_contracts(actor), contract, Action.EDIT)
    lock_latest(contract, expected_version)
    kept = Contract(
        signed_at_meeting_id=contract.signed_at_meeting_id, budget_line_id=contract.budget_line_id
    )
    before = snapshot(contract)
    _assign(contract, data, CONTRACT_FIELDS)
    _check_contract(actor, contract, keep=kept)
    _save(actor, contract, before=before, reason=reason)
    return contract


def next_period(contract: Contract) -> tuple[dt.date, dt.date]:
    """The period after a contract: from the day after it ends, as long as it was (a year → a year)."""
    start = contract.period_end + dt.timedelta(days=1)
    try:
        same_length = contract.period_start.replace(year=contract.period_start.year + 1)
        end = start + (same_length - contract.period_start) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        end = start + dt.timedelta(days=364)
    return start, end


@transaction.atomic
def contract_renew(
    *,
    actor: Actor,
    contract: Contract,
    number: str,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    **data: Any,
) -> Contract:
    """The next year's contract of the same facilitator: `previous` = this one, contract_year + 1."""
    require_manager(actor, Action.CREATE)
    contract = _visible(actor, selectors.visible_contracts(actor), contract, Action.VIEW)
    default_start, default_end = next_period(contract)
    for name in RENEWAL_COPIED:
        data.setdefault(name, getattr(contract, name))
    return contract_create(
        actor=actor,
        facilitator=contract.facilitator,
        number=number,
        period_start=period_start or default_start,
        period_end=period_end or default_end,
        previous=contract,
        **data,
    )


# --- placements ------------------------------------------------------------------------------------


def _overlap_q(start: dt.date, end: dt.date | None) -> Q:
    """Date ranges (starts_on, ends_on or open) meeting [start, end or open]."""
    q = Q(ends_on__isnull=True) | Q(ends_on__gte=start)
    if end is not None:
        q &= Q(starts_on__lte=end)
    return q


def _follow_placement(
    actor: Actor, facilitator: Facilitator, placement: Placement | None, day: dt.date
) -> None:
    """After a placement starts or ends: the facilitator (and their contracts not yet ended) move to the
    current placement's regency and host Dinas (else the home regency); the caseload of the regency
    they leave is ended the day before. Visits, reports, ended contracts and ended assignments stay
    where they were made: that Dinas keeps its history."""
    facilitator = Facilitator.objects.select_for_update().get(pk=facilitator.pk)
    before = snapshot(facilitator)
    old_code = facilitator.regency_code
    _place_facilitator(facilitator)
    current = selectors.current_placement(facilitator)
    if current is not None:
        facilitator.agency_id = current.host_agency_id
    _save(actor, facilitator, before=before)
    if facilitator.regency_code == old_code:
        return
    for contract in Contract.objects.filter(facilitator=facilitator, period_end__gte=day):
        c_before = snapshot(contract)
        contract.place_at(facilitator.regency_code)
        _save(actor, contract, before=c_before, reason=_("Mengikuti penempatan pendamping."))
    for assignment in Assignment.objects.filter(
        facilitator=facilitator, ends_on__isnull=True, regency_code=old_code
    ):
        a_before = snapshot(assignment)
        assignment.ends_on = max(assignment.starts_on, day - dt.timedelta(days=1))
        _save(actor, assignment, before=a_before, reason=_("Pendamping pindah penempatan."))


@transaction.atomic
def placement_create(
    *,
    actor: Actor,
    facilitator: Facilitator,
    region: Region,
    host_agency: Agency,
    starts_on: dt.date,
    supervisor=None,
    ends_on: dt.date | None = None,
) -> Placement:
    facilitator = _manage_facilitator(actor, facilitator, Action.CREATE)
    region = _regency(region, "region")
    _require_region(actor, region.code, "region")
    errors: list[FieldError] = []
    if host_agency is None or host_agency.region_id != region.code:
        errors.append(
            FieldError(
                "host_agency",
                _("Dinas penempatan harus Dinas di %(region)s.") % {"region": region.name},
                "host_agency_region",
            )
        )
    if supervisor is not None:
        profile = getattr(supervisor, "profile", None) if hasattr(supervisor, "profile") else None
        if profile is None or host_agency is None or profile.agency_id != host_agency.pk:
            errors.append(
                FieldError(
                    "supervisor",
                    _("Pembimbing harus pegawai %(agency)s.") % {"agency": host_agency},
                    "supervisor_agency",
                )
            )
    if ends_on is not None and ends_on < starts_on:
        errors.append(FieldError("ends_on", _("Tanggal berakhir sebelum tanggal mulai."), "end_before_start"))
    _raise_all(errors)
    other = (
        Placement.objects.filter(facilitator=facilitator)
        .filter(_overlap_q(starts_on, ends_on))
        .order_by("starts_on")
        .first()
    )
    if other is not None:
        raise _error(
            _(
                "Penempatan ini bertumpang tindih dengan penempatan di %(region)s sejak %(start)s; "
                "akhiri penempatan itu lebih dulu."
            )
            % {"region": other.region.name, "start": _format_date(other.starts_on)},
            "placement_overlap",
            "starts_on",
        )
    placement = Placement(
        facilitator=facilitator,
        region=region,
        host_agency=host_agency,
        supervisor=supervisor,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    placement.place_at(region.code)
    _save(actor, placement)
    _follow_placement(actor, facilitator, placement, starts_on)
    return placement


@transaction.atomic
def placement_end(
    *,
    actor: Actor,
    placement: Placement,
    ends_on: dt.date,
    expected_version: int | None = None,
    reason: str = "",
) -> Placement:
    require_manager(actor, Action.EDIT)
    _visible(actor, selectors.visible_placements(actor), placement, Action.EDIT)
    lock_latest(placement, expected_version)
    if ends_on < placement.starts_on:
        raise _error(_("Tanggal berakhir sebelum tanggal mulai."), "end_before_start", "ends_on")
    before = snapshot(placement)
    placement.ends_on = ends_on
    _save(actor, placement, before=before, reason=reason)
    _follow_placement(actor, placement.facilitator, None, ends_on + dt.timedelta(days=1))
    return placement


# --- caseload --------------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    actor: Actor,
    facilitator: Facilitator,
    starts_on: dt.date,
    centre=None,
    enterprise=None,
) -> Assignment:
    from sentra.registry.models import Centre, Enterprise

    facilitator = _manage_facilitator(actor, facilitator, Action.CREATE)
    if (centre is None) == (enterprise is None):
        raise _error(_("Pilih satu sentra IKM atau satu IKM."), "target_required", "centre")
    field, model, target = (
        ("centre", Centre, centre) if centre is not None else ("enterprise", Enterprise, enterprise)
    )
    target = resolve_reference(actor, model, target.pk, field=field)
    if target.regency_code != facilitator.regency_code:
        raise _error(
            _("%(target)s berada di luar kabupaten/kota penempatan pendamping (%(code)s).")
            % {"target": target, "code": facilitator.regency_code},
            "outside_placement",
            field,
        )
    active = Assignment.objects.filter(facilitator=facilitator, ends_on__isnull=True, **{field: target})
    if active.exists():
        raise _error(
            _("%(target)s sudah menjadi binaan pendamping ini.") % {"target": target},
            "already_assigned",
            field,
        )
    assignment = Assignment(facilitator=facilitator, starts_on=starts_on, **{field: target})
    assignment.place_at(facilitator.regency_code)
    _save(actor, assignment)
    return assignment


@transaction.atomic
def assignment_end(
    *,
    actor: Actor,
    assignment: Assignment,
    ends_on: dt.date,
    expected_version: int | None = None,
    reason: str = "",
) -> Assignment:
    """Ends a caseload entry; it stays as history (never deleted)."""
    require_manager(actor, Action.EDIT)
    _visible(actor, selectors.visible_assignments(actor), assignment, Action.EDIT)
    lock_latest(assignment, expected_version)
    if assignment.ends_on is not None:
        raise _error(_("Penugasan ini sudah berakhir."), "already_ended", "ends_on")
    if ends_on < assignment.starts_on:
        raise _error(_("Tanggal berakhir sebelum tanggal mulai."), "end_before_start", "ends_on")
    before = snapshot(assignment)
    assignment.ends_on = ends_on
    _save(actor, assignment, before=before, reason=reason)
    return assignment
