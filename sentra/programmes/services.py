"""Writes to plans, budgets and realisation. Every rule about money and months is enforced here.

Rules (issue "part 3", domain-facts §3):
- a budget line belongs to a DIPA of the activity's own satker, year and funding source; dekonsentrasi
  pays for non-physical work only, so no capital spending (53) on a dekon DIPA (the rule of PP 7/2008
  Pasal 20(3); PP 19/2022 replaced PP 7/2008 and is the basis now — domain-facts 7.1);
- the twelve months of an RPD add up to the line's pagu; once set, the RPD may be revised once per
  quarter, from the quarter's first day to its dated deadline (BudgetPolicy.rpd_windows), and only
  from that quarter's first month on: past months keep the plan in force for them (domain-facts 7.1);
  each setting is kept as a DisbursementPlanVersion;
- realisation: one row per activity × month × spending type (the activity's only line by default),
  months 1–12 of the fiscal year and not in the future, no negative amounts, never more per type than
  its pagu minus blokir; a verified month is closed until a logged reopening;
- blokir: whole rupiah, at most the pagu not yet realised; a pagu is not lowered below its blokir;
- the ministry's dekonsentrasi allocation, and from TA 2024 its tugas pembantuan allocation (PP 19/2022),
  is split across provinces and the parts add up to the whole (one allocation per year and kind);
- the year's control policy (BudgetPolicy) is set by the ministry: quarter targets 0–100% (overall and
  per spending type) that never go down from one quarter to the next, four RPD deadlines each inside
  its quarter of the year, the deviation rule (weighted / mean) and a lag threshold 0–100 points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.accounts.permissions import OWN_AGENCY_ONLY, Action, Area
from sentra.accounts.scope import Actor, code_in_scope, require, require_record, require_region_reference
from sentra.agencies.models import Agency
from sentra.audit.models import AuditAction
from sentra.audit.services import record_change, snapshot
from sentra.core.errors import AccessDenied, DomainError, FieldError
from sentra.core.validation import full_clean_or_raise
from sentra.core.versioning import check_version, lock_latest
from sentra.regions.models import Region
from sentra.registry.services import owning_agency
from sentra.verification.services import ensure_editable, mark_edited

from .choices import AccountGroup, FundingSource, Month, quarter_of
from .models import (
    RPD_FIELDS,
    Activity,
    BudgetDocument,
    BudgetDocumentVersion,
    BudgetLine,
    BudgetPolicy,
    DekonAllocation,
    DekonShare,
    DeviationRule,
    DisbursementPlan,
    DisbursementPlanVersion,
    Output,
    Programme,
    Realisation,
    default_deviation_rule,
)
from .sakti import ACTIVITY_CODE_FIELDS, account_code_errors, activity_code_errors, normalise_code
from .selectors import activity_pagu, policy_for


def _error(message: str, code: str, field: str = "__all__") -> DomainError:
    return DomainError(message, code=code, errors=[FieldError(field, message, code)])


def require_agency_write(actor: Actor, action: str, agency: Agency) -> None:
    """A plan or budget is written for an agency inside the actor's region (Dekranasda: only its own)."""
    require(actor, action, Area.PROGRAMMES)
    if actor.is_superuser:
        return
    if not code_in_scope(actor, agency.region_id):
        raise AccessDenied(_("Instansi %(agency)s berada di luar wilayah kerja Anda.") % {"agency": agency})
    if actor.role in OWN_AGENCY_ONLY and agency.pk != actor.agency_id:
        raise AccessDenied(_("Anda hanya dapat mencatat data atas nama instansi Anda."))


def _assign(instance, data: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    for name, value in data.items():
        setattr(instance, name, value)


def _save(
    actor: Actor, record, *, before: dict | None = None, reason: str = "", batch=None, links=None
) -> None:
    """Validates, saves and records the change. `links()`, when given, writes the record's links
    (audit.links) once it is saved and before the change is recorded, so the event lists them."""
    full_clean_or_raise(record)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:  # a race past full_clean's uniqueness check
        raise _error(_("Data yang sama sudah ada."), "duplicate") from exc
    if links is not None:
        links()
    action = AuditAction.CREATE if before is None else AuditAction.UPDATE
    record_change(actor=actor, action=action, obj=record, before=before, reason=reason, batch=batch)


@transaction.atomic
def record_delete(*, actor: Actor, record, reason: str = "", expected_version: int | None = None) -> None:
    """Deletes a programme, activity or budget document; its last state stays in the history. With
    `expected_version`, only the version the caller saw (`stale` otherwise)."""
    lock_latest(record)
    require_record(actor, Action.DELETE, record)
    check_version(record, expected_version)
    if hasattr(record, "verification_status"):
        ensure_editable(record)
    if isinstance(record, Activity) and (record.realisations.exists() or record.budget_lines.exists()):
        raise _error(
            _("Kegiatan ini sudah memiliki pagu atau realisasi; hapus keduanya lebih dahulu."), "in_use"
        )
    record_change(actor=actor, action=AuditAction.DELETE, obj=record, before=snapshot(record), reason=reason)
    record.delete()


# --- plans ---------------------------------------------------------------------------------------

PROGRAMME_FIELDS = ("code", "name")


@transaction.atomic
def programme_create(
    *, actor: Actor, fiscal_year: int, agency: Agency | None = None, **data: Any
) -> Programme:
    agency = owning_agency(actor, agency)
    require_agency_write(actor, Action.CREATE, agency)
    programme = Programme(fiscal_year=fiscal_year)
    programme.place_at_agency(agency)
    _assign(programme, data, PROGRAMME_FIELDS)
    _save(actor, programme)
    return programme


@transaction.atomic
def programme_update(
    *, actor: Actor, programme: Programme, reason: str = "", expected_version: int | None = None, **data: Any
) -> Programme:
    lock_latest(programme)  # the latest row, locked: concurrent edits wait (core.versioning)
    require_record(actor, Action.EDIT, programme)
    require_agency_write(actor, Action.EDIT, programme.agency)
    check_version(programme, expected_version)
    before = snapshot(programme)
    _assign(programme, data, PROGRAMME_FIELDS)
    _save(actor, programme, before=before, reason=reason)
    return programme


ACTIVITY_FIELDS = (
    "code",
    "name",
    "kind",
    "funding_source",
    "description",
    "start_date",
    "end_date",
    "plan_reference",
    "officer_name",
    *ACTIVITY_CODE_FIELDS,  # SAKTI kegiatan/KRO/RO/komponen (issue 13.7)
)


def _check_sakti_codes(activity: Activity) -> None:
    """The activity's SAKTI codes, upper-cased and trimmed, each of its shape (programmes.sakti)."""
    for name in ACTIVITY_CODE_FIELDS:
        setattr(activity, name, normalise_code(getattr(activity, name)))
    errors = activity_code_errors({name: getattr(activity, name) for name in ACTIVITY_CODE_FIELDS})
    if errors:
        raise DomainError(errors[0].message, code=errors[0].code, errors=errors)


def _check_schedule(activity: Activity) -> None:
    year = activity.fiscal_year
    for name in ("start_date", "end_date"):
        value = getattr(activity, name)
        if value and value.year != year:
            raise _error(
                _("Jadwal kegiatan harus berada di tahun anggaran %(year)s.") % {"year": year},
                "outside_fiscal_year",
                name,
            )
    if activity.start_date and activity.end_date and activity.end_date < activity.start_date:
        raise _error(_("Tanggal selesai sebelum tanggal mulai."), "end_before_start", "end_date")


def _locations_in_scope(actor: Actor, activity: Activity, codes: Sequence[str]) -> None:
    """An activity works inside the actor's region: a location outside it is refused on its field
    (accounts.scope.require_region_reference); locations the activity already has may stay."""
    kept = activity.locations.values_list("code", flat=True) if activity.pk else ()
    require_region_reference(actor, codes, field="locations", keep=list(kept))


def _set_beneficiaries(
    actor: Actor,
    activity: Activity,
    *,
    location_codes: Sequence[str] | None,
    centre_ids: Iterable[int] | None,
    enterprise_ids: Iterable[int] | None,
) -> None:
    """Locations and beneficiaries must exist and be readable by the actor (no IDs from elsewhere)."""
    from sentra.registry.selectors import RegistryFilter, centre_list, enterprise_list

    if location_codes is not None:
        codes = sorted(set(location_codes))
        found = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
        for code in codes:
            if code not in found:
                raise _error(
                    _("Kode wilayah %(code)s tidak dikenal.") % {"code": code}, "unknown_region", "locations"
                )
        _locations_in_scope(actor, activity, codes)
        activity.locations.set(codes)
    for ids, selector, relation, field in (
        (centre_ids, centre_list, activity.centres, "centres"),
        (enterprise_ids, enterprise_list, activity.enterprises, "enterprises"),
    ):
        if ids is None:
            continue
        wanted = set(ids)
        readable = selector(actor=actor, filters=RegistryFilter()).filter(pk__in=wanted)
        visible = set(readable.values_list("pk", flat=True))
        if visible != wanted:
            raise _error(
                _("Penerima manfaat tidak ditemukan: %(ids)s.")
                % {"ids": ", ".join(map(str, sorted(wanted - visible)))},
                "unknown_beneficiary",
                field,
            )
        relation.set(wanted)


@transaction.atomic
def activity_create(
    *,
    actor: Actor,
    programme: Programme,
    location_codes: Sequence[str] = (),
    centre_ids: Iterable[int] = (),
    enterprise_ids: Iterable[int] = (),
    outputs: Iterable[dict[str, Any]] = (),
    **data: Any,
) -> Activity:
    require_record(actor, Action.VIEW, programme)
    require_agency_write(actor, Action.CREATE, programme.agency)
    activity = Activity(programme=programme, fiscal_year=programme.fiscal_year)
    activity.place_at_agency(programme.agency)
    _assign(activity, data, ACTIVITY_FIELDS)
    _check_schedule(activity)
    _check_sakti_codes(activity)
    links = {"location_codes": location_codes, "centre_ids": centre_ids, "enterprise_ids": enterprise_ids}
    _save(actor, activity, links=lambda: _set_beneficiaries(actor, activity, **links))
    for output in outputs:
        output_create(actor=actor, activity=activity, **output)
    return activity


@transaction.atomic
def activity_update(
    *,
    actor: Actor,
    activity: Activity,
    location_codes: Sequence[str] | None = None,
    centre_ids: Iterable[int] | None = None,
    enterprise_ids: Iterable[int] | None = None,
    reason: str = "",
    expected_version: int | None = None,
    **data: Any,
) -> Activity:
    lock_latest(activity)  # the latest row, locked: concurrent edits wait (core.versioning)
    require_record(actor, Action.EDIT, activity)
    require_agency_write(actor, Action.EDIT, activity.agency)
    ensure_editable(activity)
    check_version(activity, expected_version)
    before = snapshot(activity)
    if "funding_source" in data and data["funding_source"] != activity.funding_source:
        if activity.budget_lines.exists():
            raise _error(
                _("Sumber dana tidak dapat diubah: kegiatan sudah memiliki pagu di DIPA."),
                "funding_source_in_use",
                "funding_source",
            )
    mark_edited(activity)
    _assign(activity, data, ACTIVITY_FIELDS)
    _check_schedule(activity)
    _check_sakti_codes(activity)
    links = {"location_codes": location_codes, "centre_ids": centre_ids, "enterprise_ids": enterprise_ids}
    _save(
        actor,
        activity,
        before=before,
        reason=reason,
        links=lambda: _set_beneficiaries(actor, activity, **links),
    )
    return activity


@transaction.atomic
def activity_restore(*, actor: Actor, activity: Activity, event, reason: str = "") -> Activity:
    """Brings an activity back to a version of its history (audit.services.restore_version, the
    registries' mechanism), refusing what activity_update would refuse: another funding source once
    the activity has a pagu. A version that no longer fits (e.g. a code taken since) is a DomainError."""
    from django.core.exceptions import ValidationError

    from sentra.audit.services import restore_version
    from sentra.core.validation import domain_error_from

    earlier = (event.snapshot or {}).get("funding_source", activity.funding_source)
    if earlier != activity.funding_source and activity.budget_lines.exists():
        raise _error(
            _("Versi ini memakai sumber dana lain, padahal kegiatan sudah memiliki pagu di DIPA."),
            "funding_source_in_use",
            "funding_source",
        )
    try:
        restored = restore_version(actor=actor, event=event, reason=reason)
    except ValidationError as exc:
        raise domain_error_from(exc) from exc
    _check_schedule(restored)
    return restored


def output_create(*, actor: Actor, activity: Activity, indicator: str, unit: str, target: Any) -> Output:
    require_agency_write(actor, Action.EDIT, activity.agency)
    ensure_editable(activity)
    output = Output(activity=activity, indicator=indicator, unit=unit, target=Decimal(str(target)))
    full_clean_or_raise(output)
    output.save()
    record_change(actor=actor, action=AuditAction.CREATE, obj=output)
    return output


OUTPUT_FIELDS = ("indicator", "unit", "target")


@transaction.atomic
def output_update(
    *, actor: Actor, output: Output, reason: str = "", expected_version: int | None = None, **data: Any
) -> Output:
    lock_latest(output)
    require_record(actor, Action.EDIT, output.activity)
    require_agency_write(actor, Action.EDIT, output.activity.agency)
    ensure_editable(output.activity)
    check_version(output, expected_version)
    before = snapshot(output)
    _assign(output, data, OUTPUT_FIELDS)
    output.target = Decimal(str(output.target))
    _save(actor, output, before=before, reason=reason)
    return output


@transaction.atomic
def copy_plan(*, actor: Actor, agency: Agency, from_year: int, to_year: int) -> int:
    """Copies an agency's programmes, activities (schedule moved a year, beneficiaries, outputs) to a
    new year, without budgets or realisation. Returns the number of activities copied."""
    require_agency_write(actor, Action.CREATE, agency)
    if to_year == from_year:
        raise _error(_("Tahun tujuan sama dengan tahun asal."), "same_year", "to_year")
    if Programme.objects.filter(agency=agency, fiscal_year=to_year).exists():
        raise _error(
            _("Instansi ini sudah memiliki rencana tahun %(year)s.") % {"year": to_year},
            "plan_exists",
            "to_year",
        )
    shift = to_year - from_year
    copied = 0
    programmes = Programme.objects.filter(agency=agency, fiscal_year=from_year).prefetch_related(
        "activities__outputs", "activities__locations", "activities__centres", "activities__enterprises"
    )
    for source in programmes:
        programme = programme_create(
            actor=actor, fiscal_year=to_year, agency=agency, code=source.code, name=source.name
        )
        for old in source.activities.all():
            activity = activity_create(
                actor=actor,
                programme=programme,
                location_codes=[r.code for r in old.locations.all()],
                centre_ids=[c.pk for c in old.centres.all()],
                enterprise_ids=[e.pk for e in old.enterprises.all()],
                outputs=[
                    {"indicator": o.indicator, "unit": o.unit, "target": o.target} for o in old.outputs.all()
                ],
                **{
                    name: getattr(old, name)
                    for name in ACTIVITY_FIELDS
                    if name not in ("start_date", "end_date")
                },
                start_date=_shift_date(old.start_date, shift),
                end_date=_shift_date(old.end_date, shift),
            )
            copied += 1 if activity else 0
    return copied


def _shift_date(value: dt.date | None, years: int) -> dt.date | None:
    if value is None:
        return None
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February
        return value.replace(year=value.year + years, day=28)


# --- budget documents ----------------------------------------------------------------------------


def _version(actor: Actor, document: BudgetDocument) -> BudgetDocumentVersion:
    lines = list(document.lines.select_related("activity").order_by("activity__code", "account_group"))
    return BudgetDocumentVersion.objects.create(
        document=document,
        revision=document.revision,
        number=document.revision_number or document.number,
        dated=document.revised_on or document.issued_on,
        lines=[
            {
                "activity": line.activity_id,
                "code": line.activity.code,
                "name": line.activity.name,
                "account_group": line.account_group,
                "amount": line.amount,
            }
            for line in lines
        ],
        total=sum(line.amount for line in lines),
        created_by=actor.username,
    )


@transaction.atomic
def budget_document_create(
    *,
    actor: Actor,
    fiscal_year: int,
    kind: str,
    number: str,
    issued_on: dt.date,
    agency: Agency | None = None,
) -> BudgetDocument:
    agency = owning_agency(actor, agency)
    require_agency_write(actor, Action.CREATE, agency)
    if kind not in FundingSource.values:
        raise _error(_("Sumber dana %(kind)s tidak dikenal.") % {"kind": kind}, "invalid_kind", "kind")
    if kind == FundingSource.DEKON and (
        agency.region is None or agency.region.level != Region.Level.PROVINCE
    ):
        raise _error(
            _("DIPA dekonsentrasi hanya untuk satker (SKPD) provinsi."), "dekon_not_province", "agency"
        )
    document = BudgetDocument(fiscal_year=fiscal_year, kind=kind, number=number, issued_on=issued_on)
    document.place_at_agency(agency)
    _save(actor, document)
    _version(actor, document)
    return document


def _check_line(document: BudgetDocument, activity: Activity, account_group: str, amount: Any) -> int:
    if activity.agency_id != document.agency_id or activity.fiscal_year != document.fiscal_year:
        raise _error(
            _("Kegiatan %(code)s bukan kegiatan satker DIPA ini pada tahun %(year)s.")
            % {"code": activity.code, "year": document.fiscal_year},
            "activity_not_in_dipa",
            "activity",
        )
    if activity.funding_source != document.kind:
        raise _error(
            _("Kegiatan %(code)s didanai %(source)s, bukan dari DIPA %(kind)s.")
            % {
                "code": activity.code,
                "source": activity.get_funding_source_display(),
                "kind": document.get_kind_display(),
            },
            "activity_not_in_dipa",
            "activity",
        )
    if account_group not in AccountGroup.values:
        raise _error(
            _("Jenis belanja %(group)s tidak dikenal.") % {"group": account_group},
            "invalid_account",
            "account_group",
        )
    if document.kind == FundingSource.DEKON and account_group == AccountGroup.CAPITAL:
        raise _error(
            _("Dana dekonsentrasi hanya untuk kegiatan nonfisik: belanja modal (53) tidak diperbolehkan."),
            "dekon_capital",
            "account_group",
        )
    try:
        value = int(amount)
    except (TypeError, ValueError):
        raise _error(_("Pagu harus berupa angka rupiah."), "invalid_amount", "amount") from None
    if value < 0:
        raise _error(_("Pagu tidak boleh negatif."), "negative_amount", "amount")
    return value


@transaction.atomic
def budget_line_set(
    *,
    actor: Actor,
    document: BudgetDocument,
    activity: Activity,
    account_group: str = "",
    amount: Any,
    account_code: str | None = None,
) -> BudgetLine:
    """Adds or changes one pagu of the current version (before the DIPA is revised, e.g. while drafting).
    `account_code` is the SAKTI akun (6 digits, its first two the account group, which it gives when
    `account_group` is blank); None keeps the line's akun."""
    require_record(actor, Action.EDIT, document)
    require_agency_write(actor, Action.EDIT, document.agency)
    if account_code is not None:
        account_code = normalise_code(account_code)
        account_group = account_group or account_code[:2]
        errors = account_code_errors(account_code, account_group)
        if errors:
            raise DomainError(errors[0].message, code=errors[0].code, errors=errors)
    value = _check_line(document, activity, account_group, amount)
    line = BudgetLine.objects.filter(
        document=document, activity=activity, account_group=account_group
    ).first()
    before = snapshot(line) if line else None
    if line is None:
        line = BudgetLine(document=document, activity=activity, account_group=account_group)
    _check_not_below_blocked(line, value)
    line.amount = value
    if account_code is not None:
        line.account_code = account_code
    _save(actor, line, before=before)
    _refresh_current_version(actor, document)
    return line


def _check_not_below_blocked(line: BudgetLine, amount: int) -> None:
    if amount < line.blocked:
        raise _error(
            _(
                "Pagu %(code)s/%(group)s Rp%(amount)s lebih kecil dari blokirnya Rp%(blocked)s: "
                "kurangi blokir dahulu."
            )
            % {
                "code": line.activity.code,
                "group": line.account_group,
                "amount": f"{amount:,}".replace(",", "."),
                "blocked": f"{line.blocked:,}".replace(",", "."),
            },
            "pagu_below_blocked",
            "amount",
        )


def _refresh_current_version(actor: Actor, document: BudgetDocument) -> None:
    BudgetDocumentVersion.objects.filter(document=document, revision=document.revision).delete()
    _version(actor, document)


@transaction.atomic
def budget_revise(
    *,
    actor: Actor,
    document: BudgetDocument,
    revision_number: str,
    revised_on: dt.date,
    lines: Iterable[tuple[Activity, str, Any]],
    reason: str = "",
    expected_version: int | None = None,
) -> BudgetDocument:
    """A DIPA revision: the given lines replace the pagu of those (activity, account group) pairs;
    the previous version stays frozen for comparison. RPDs that no longer add up are listed by
    `selectors.plans_out_of_balance` until their owners revise them."""
    lock_latest(document)  # one revision at a time: a second one waits and then revises the first
    require_record(actor, Action.EDIT, document)
    require_agency_write(actor, Action.EDIT, document.agency)
    check_version(document, expected_version)
    if not revision_number.strip():
        raise _error(_("Nomor revisi wajib diisi."), "required", "revision_number")
    if revised_on < (document.revised_on or document.issued_on):
        raise _error(
            _("Tanggal revisi sebelum tanggal DIPA sebelumnya."), "revision_before_issue", "revised_on"
        )
    before = snapshot(document)
    for activity, account_group, amount in lines:
        value = _check_line(document, activity, account_group, amount)
        line, _created = BudgetLine.objects.get_or_create(
            document=document, activity=activity, account_group=account_group, defaults={"amount": value}
        )
        if not _created and line.amount != value:
            _check_not_below_blocked(line, value)
            line_before = snapshot(line)
            line.amount = value
            line.save(update_fields=["amount", "updated_at"])
            record_change(actor=actor, action=AuditAction.UPDATE, obj=line, before=line_before, reason=reason)
        elif _created:
            record_change(actor=actor, action=AuditAction.CREATE, obj=line, reason=reason)
    document.revision += 1
    document.revision_number = revision_number.strip()
    document.revised_on = revised_on
    _save(actor, document, before=before, reason=reason)
    _version(actor, document)
    return document


# --- disbursement plan (RPD) ----------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


@transaction.atomic
def disbursement_plan_set(
    *,
    actor: Actor,
    line: BudgetLine,
    months: Sequence[Any],
    reason: str = "",
    today: dt.date | None = None,
    expected_version: int | None = None,
) -> DisbursementPlan:
    """Sets a line's RPD. The first plan is free; afterwards once per quarter, inside the quarter's
    window (BudgetPolicy.rpd_windows), and only from that quarter's first month on: the months before
    keep the plan that was in force for them (domain-facts 7.1). Every setting is kept as a version
    (DisbursementPlanVersion) with the month it takes effect from.
    `expected_version` is the plan's version the caller saw (none yet: 0)."""
    require_record(actor, Action.EDIT, line)
    require_agency_write(actor, Action.EDIT, line.document.agency)
    values = _check_months(months, line.amount)
    today = today or _today()
    plan = DisbursementPlan.objects.select_for_update().filter(line=line).first()
    if expected_version is not None and (plan.version if plan else 0) != expected_version:
        check_version(plan or DisbursementPlan(line=line, version=0), expected_version)
    effective_from = 1
    if plan is None:
        plan = DisbursementPlan(line=line)
        before = None
    else:
        before = snapshot(plan)
        if plan.months() == values:
            return plan  # nothing changes: no revision used up, no version
        quarter = _revision_quarter(line.document.fiscal_year, today)
        _check_revision_allowed(plan, quarter)
        effective_from = (quarter - 1) * 3 + 1
        _check_past_months_kept(plan.months(), values, effective_from)
        _ensure_first_version(plan)
        plan.revised_quarters = sorted({*plan.revised_quarters, quarter})
    for name, value in zip(RPD_FIELDS, values, strict=True):
        setattr(plan, name, value)
    _save(actor, plan, before=before, reason=reason)
    number = (plan.versions.aggregate(last=Max("number"))["last"] + 1) if before else 0
    DisbursementPlanVersion.objects.create(
        plan=plan,
        number=number,
        effective_from=effective_from,
        took_effect_on=today,
        months=values,
        created_by=actor.username or "",
    )
    return plan


def _ensure_first_version(plan: DisbursementPlan) -> None:
    """A plan written without versions (bulk loads) gets its version 0 as it stands before a revision."""
    if not plan.versions.exists():
        DisbursementPlanVersion.objects.create(
            plan=plan,
            number=0,
            effective_from=1,
            took_effect_on=plan.created_at.date() if plan.created_at else _today(),
            months=plan.months(),
            created_by="",
        )


def _check_past_months_kept(current: list[int], values: list[int], effective_from: int) -> None:
    """A revision in quarter q leaves the months before q as they were planned."""
    errors = [
        FieldError(
            RPD_FIELDS[m],
            _(
                "RPD %(month)s sudah lewat triwulan revisi ini dan tetap Rp%(amount)s: revisi hanya "
                "mengubah bulan mulai %(first)s."
            )
            % {
                "month": Month(m + 1).label,
                "amount": f"{current[m]:,}".replace(",", "."),
                "first": Month(effective_from).label,
            },
            "rpd_past_month",
        )
        for m in range(effective_from - 1)
        if values[m] != current[m]
    ]
    if errors:
        raise DomainError(errors[0].message, code="rpd_past_month", errors=errors)


def _check_months(months: Sequence[Any], pagu: int) -> list[int]:
    if len(months) != 12:
        raise _error(_("RPD harus berisi 12 bulan."), "rpd_months", "months")
    values: list[int] = []
    for number, value in enumerate(months, start=1):
        try:
            amount = int(value or 0)
        except (TypeError, ValueError):
            raise _error(
                _("RPD %(month)s bukan angka rupiah.") % {"month": Month(number).label},
                "invalid_amount",
                RPD_FIELDS[number - 1],
            ) from None
        if amount < 0:
            raise _error(
                _("RPD %(month)s tidak boleh negatif.") % {"month": Month(number).label},
                "negative_amount",
                RPD_FIELDS[number - 1],
            )
        values.append(amount)
    if sum(values) != pagu:
        raise _error(
            _("Jumlah RPD 12 bulan (Rp%(sum)s) harus sama dengan pagu (Rp%(pagu)s).")
            % {"sum": f"{sum(values):,}".replace(",", "."), "pagu": f"{pagu:,}".replace(",", ".")},
            "rpd_sum",
            "months",
        )
    return values


def _revision_quarter(fiscal_year: int, today: dt.date) -> int:
    """The quarter whose revision window holds `today` (from the quarter's first day to its deadline
    in the year's policy), or a DomainError when every window is shut."""
    deadlines = policy_for(fiscal_year).rpd_windows
    for quarter, deadline in enumerate(deadlines, start=1):
        opens = dt.date(fiscal_year, (quarter - 1) * 3 + 1, 1)
        if opens <= today <= deadline:
            return quarter
    raise _error(
        _("RPD TA %(year)s hanya dapat direvisi dari awal triwulan sampai batasnya: %(dates)s.")
        % {"year": fiscal_year, "dates": ", ".join(_date_label(d) for d in deadlines)},
        "rpd_window_closed",
    )


def _date_label(value: dt.date) -> str:
    return f"{value.day} {Month(value.month).label} {value.year}"


def _check_revision_allowed(plan: DisbursementPlan, quarter: int) -> None:
    if quarter in plan.revised_quarters:
        raise _error(
            _("RPD ini sudah direvisi pada triwulan %(q)s; revisi berikutnya pada triwulan berikutnya.")
            % {"q": quarter},
            "rpd_already_revised",
        )


# --- realisation -----------------------------------------------------------------------------------


def check_realisation(
    *,
    activity: Activity,
    month: Any,
    amount: Any,
    physical_progress: Any,
    other_months_total: int,
    pagu: int,
    today: dt.date,
) -> list[FieldError]:
    """Every rule on one month's figures, without touching the database: the form, the API and the
    import all call it, the import for thousands of rows at a time."""
    errors: list[FieldError] = []
    if not isinstance(month, int) or not 1 <= month <= 12:
        errors.append(FieldError("month", _("Bulan harus 1–12 (Januari–Desember)."), "month_out_of_year"))
    elif activity.fiscal_year > today.year or (activity.fiscal_year == today.year and month > today.month):
        errors.append(
            FieldError(
                "month", _("Realisasi tidak dapat dicatat untuk bulan yang belum berjalan."), "future_month"
            )
        )
    if not isinstance(amount, int) or amount < 0:
        errors.append(
            FieldError(
                "amount", _("Realisasi keuangan harus angka rupiah, tidak negatif."), "negative_amount"
            )
        )
    elif other_months_total + amount > pagu:
        errors.append(
            FieldError(
                "amount",
                _("Total realisasi Rp%(total)s melebihi pagu kegiatan Rp%(pagu)s.")
                % {
                    "total": f"{other_months_total + amount:,}".replace(",", "."),
                    "pagu": f"{pagu:,}".replace(",", "."),
                },
                "above_pagu",
            )
        )
    if physical_progress is None or not Decimal(0) <= Decimal(physical_progress) <= Decimal(100):
        errors.append(FieldError("physical_progress", _("Progres fisik harus 0–100%."), "invalid_progress"))
    return errors


REALISATION_FIELDS = ("amount", "physical_progress", "output_achieved", "obstacles")


def realisation_line(activity: Activity, account_group: str = "") -> BudgetLine | None:
    """The budget line a realisation of the activity is spent from: the line of the given spending
    type, or the activity's only line when none is given (so files and forms without a type still work
    for single-line activities). None for an activity without pagu. DomainError when the type is not in
    the activity's pagu or when several lines leave it open."""
    lines = list(BudgetLine.objects.filter(activity=activity).order_by("account_group", "id"))
    if account_group:
        if account_group not in AccountGroup.values:
            raise _error(
                _("Jenis belanja %(group)s tidak dikenal (51, 52, 53 atau 57).") % {"group": account_group},
                "invalid_account",
                "account_group",
            )
        for line in lines:
            if line.account_group == account_group:
                return line
        raise _error(
            _("Kegiatan %(code)s tidak memiliki pagu jenis belanja %(group)s (ada: %(groups)s).")
            % {
                "code": activity.code,
                "group": account_group,
                "groups": ", ".join(line.account_group for line in lines) or "-",
            },
            "account_group_not_in_pagu",
            "account_group",
        )
    if len(lines) > 1:
        raise _error(
            _("Kegiatan %(code)s memiliki pagu beberapa jenis belanja (%(groups)s): pilih jenis belanja.")
            % {"code": activity.code, "groups": ", ".join(line.account_group for line in lines)},
            "account_group_required",
            "account_group",
        )
    return lines[0] if lines else None


@transaction.atomic
def realisation_record(
    *,
    actor: Actor,
    activity: Activity,
    month: int,
    amount: int,
    physical_progress: Any,
    output_achieved: Any = 0,
    obstacles: str = "",
    account_group: str = "",
    reason: str = "",
    today: dt.date | None = None,
    expected_version: int | None = None,
) -> Realisation:
    """Records (or corrects) one month of an activity and spending type (IKPA scores deviation per
    type): the type may be left out when the activity has a single budget line. Correcting a submitted
    month sends it back to draft. `expected_version` is the month's version the caller saw (not
    recorded yet: 0). The total of a type never exceeds its pagu minus blokir."""
    require_record(actor, Action.VIEW, activity)
    line = realisation_line(activity, account_group)
    group = line.account_group if line else ""
    existing = (
        Realisation.objects.select_for_update()
        .filter(activity=activity, month=month, account_group=group)
        .first()
    )
    if existing is None and group:
        # A month recorded before types were asked: the first typed correction takes it over.
        existing = (
            Realisation.objects.select_for_update()
            .filter(activity=activity, month=month, account_group="")
            .first()
        )
    if existing is not None:
        require_record(actor, Action.EDIT, existing)
        ensure_editable(existing)
    if expected_version is not None:
        check_version(existing or Realisation(version=0), expected_version)
    require_agency_write(actor, Action.EDIT if existing else Action.CREATE, activity.agency)
    others = Realisation.objects.filter(activity=activity)
    if line is not None and BudgetLine.objects.filter(activity=activity).count() > 1:
        # Several types: each has its own pagu. (With one line every row of the activity, typed or
        # recorded before types, was spent from it.)
        others = others.filter(account_group=group)
    others = others.exclude(pk=existing.pk if existing else None).aggregate(total=Sum("amount"))["total"] or 0
    errors = check_realisation(
        activity=activity,
        month=month,
        amount=amount,
        physical_progress=physical_progress,
        other_months_total=others,
        pagu=line.available if line else activity_pagu(activity),
        today=today or _today(),
    )
    if errors:
        raise DomainError(
            errors[0].message if len(errors) == 1 else _("Data realisasi tidak valid."),
            code=errors[0].code,
            errors=errors,
        )
    record = existing or Realisation(
        activity=activity, fiscal_year=activity.fiscal_year, month=month, account_group=group
    )
    before = snapshot(existing) if existing else None
    record.place_at_agency(activity.agency)
    if existing:
        mark_edited(record)
    record.account_group = group
    record.budget_line = line
    record.amount = amount
    record.physical_progress = Decimal(str(physical_progress))
    record.output_achieved = Decimal(str(output_achieved or 0))
    record.obstacles = obstacles or ""
    _save(actor, record, before=before, reason=reason)
    return record


# --- blokir ------------------------------------------------------------------------------------------


def _spent_from(line: BudgetLine) -> int:
    """What was realised from a line: its rows, rows of its type without a line, and, for an
    activity whose only line it is, the rows recorded before types."""
    spent_here = Q(budget_line=line) | Q(budget_line__isnull=True, account_group=line.account_group)
    if BudgetLine.objects.filter(activity_id=line.activity_id).count() == 1:
        spent_here |= Q(budget_line__isnull=True, account_group="")
    rows = Realisation.objects.filter(spent_here, activity_id=line.activity_id)
    return rows.aggregate(total=Sum("amount"))["total"] or 0


@transaction.atomic
def budget_line_block(
    *, actor: Actor, line: BudgetLine, blocked: Any, reason: str = "", expected_version: int | None = None
) -> BudgetLine:
    """Sets the blokir of a budget line (0 lifts it): whole rupiah, not above the pagu still unspent.
    Audited like the line (its history shows each change), with If-Match through `expected_version`."""
    lock_latest(line, expected_version)
    require_record(actor, Action.EDIT, line)
    require_agency_write(actor, Action.EDIT, line.document.agency)
    value = _whole(blocked)
    if value is None or value < 0 or str(blocked).strip() != str(value):
        raise _error(_("Blokir harus angka rupiah bulat, tidak negatif."), "invalid_amount", "blocked")
    spent = _spent_from(line)
    if value > line.amount - spent:
        raise _error(
            _(
                "Blokir Rp%(blocked)s melebihi pagu yang belum direalisasikan "
                "(Rp%(free)s dari pagu Rp%(pagu)s)."
            )
            % {
                "blocked": f"{value:,}".replace(",", "."),
                "free": f"{line.amount - spent:,}".replace(",", "."),
                "pagu": f"{line.amount:,}".replace(",", "."),
            },
            "blocked_above_pagu",
            "blocked",
        )
    if value == line.blocked:
        return line
    before = snapshot(line)
    line.blocked = value
    _save(actor, line, before=before, reason=reason)
    return line


# --- dekonsentrasi and tugas pembantuan ----------------------------------------------------------------


def allocation_kind_label(kind: str) -> str:
    """'dekonsentrasi' or 'tugas pembantuan', for messages (a lower-case noun inside a sentence)."""
    return _("tugas pembantuan") if kind == DekonAllocation.Kind.TP else _("dekonsentrasi")


@transaction.atomic
def dekon_allocation_set(
    *,
    actor: Actor,
    fiscal_year: int,
    total: int,
    shares: dict[str, int],
    legal_basis: str = "",
    agency: Agency | None = None,
    kind: str = DekonAllocation.Kind.DEKON,
) -> DekonAllocation:
    """The ministry's allocation of one kind (dekonsentrasi or, from TA 2024 for Ditjen IKMA, tugas
    pembantuan; PP 19/2022) and its split; refused unless the provinces' parts add up to the total."""
    if kind not in DekonAllocation.Kind.values:
        raise _error(
            _("Jenis alokasi %(kind)s tidak dikenal; pilih dekon atau tp.") % {"kind": kind},
            "invalid_kind",
            "kind",
        )
    require(actor, Action.EDIT, Area.PROGRAMMES)
    if not (actor.is_superuser or actor.is_national):
        raise AccessDenied(
            _("Alokasi %(kind)s ditetapkan oleh kementerian.") % {"kind": allocation_kind_label(kind)}
        )
    agency = owning_agency(actor, agency)
    errors = []
    provinces = set(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", flat=True))
    for code, amount in shares.items():
        if code not in provinces:
            errors.append(
                FieldError(
                    f"shares.{code}", _("%(code)s bukan kode provinsi.") % {"code": code}, "unknown_province"
                )
            )
        elif int(amount) < 0:
            errors.append(FieldError(f"shares.{code}", _("Alokasi tidak boleh negatif."), "negative_amount"))
    if int(total) < 0:
        errors.append(FieldError("total", _("Total alokasi tidak boleh negatif."), "negative_amount"))
    parts = sum(int(a) for a in shares.values())
    if not errors and parts != int(total):
        gap = int(total) - parts
        errors.append(
            FieldError(
                "shares",
                _(
                    "Jumlah alokasi provinsi Rp%(parts)s tidak sama dengan total Rp%(total)s "
                    "(selisih Rp%(gap)s)."
                )
                % {
                    "parts": f"{parts:,}".replace(",", "."),
                    "total": f"{int(total):,}".replace(",", "."),
                    "gap": f"{gap:,}".replace(",", "."),
                },
                "dekon_unbalanced",
            )
        )
    if errors:
        raise DomainError(errors[0].message, code=errors[0].code, errors=errors)
    allocation = DekonAllocation.objects.filter(fiscal_year=fiscal_year, kind=kind).first()
    before = snapshot(allocation) if allocation else None
    allocation = allocation or DekonAllocation(fiscal_year=fiscal_year, kind=kind)
    allocation.agency = agency
    allocation.total = int(total)
    allocation.legal_basis = legal_basis
    _save(actor, allocation, before=before)
    allocation.shares.all().delete()
    DekonShare.objects.bulk_create(
        DekonShare(allocation=allocation, province_id=code, amount=int(amount))
        for code, amount in shares.items()
    )
    return allocation


# --- control policy (BudgetPolicy) ------------------------------------------------------------------


def _whole(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _within(value: int | None, low: int, high: int) -> bool:
    return value is not None and low <= value <= high


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def check_budget_policy(
    *,
    fiscal_year: int,
    targets: Sequence[Any],
    window_dates: Sequence[Any],
    lag_threshold: Any,
    deviation_rule: Any = None,
    type_targets: dict[str, Sequence[Any]] | None = None,
) -> tuple[list[FieldError], dict[str, Any]]:
    """Every rule on a year's control settings; returns the errors and the cleaned values.
    `window_dates`: the four RPD revision deadlines (TW I–IV), each a date inside its quarter of the
    year. `deviation_rule`: None keeps the year's default (weighted from 2024, plain mean before)."""
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}

    def fail(field: str, message: str, code: str) -> None:
        errors.append(FieldError(field, message, code))

    def quarter_targets(values: Sequence[Any], field_of, label: str) -> list[int]:
        previous, out = 0, []
        for quarter, raw in enumerate(values, start=1):
            field = field_of(quarter)
            value = _whole(raw)
            if not _within(value, 0, 100):
                fail(
                    field,
                    _("Target penyerapan %(label)sTW %(q)s harus bilangan bulat 0–100%%.")
                    % {"q": quarter, "label": label},
                    "invalid_target",
                )
                continue
            if value < previous:
                fail(
                    field,
                    _(
                        "Target penyerapan %(label)sTW %(q)s (%(value)s%%) tidak boleh lebih kecil dari "
                        "target triwulan sebelumnya (%(previous)s%%): target bersifat kumulatif."
                    )
                    % {"q": quarter, "value": value, "previous": previous, "label": label},
                    "targets_decreasing",
                )
            previous = value
            out.append(value)
        return out

    for quarter, value in enumerate(quarter_targets(targets, lambda q: f"target_q{q}", ""), start=1):
        clean[f"target_q{quarter}"] = value
    clean_types: dict[str, list[int]] = {}
    for group, values in sorted((type_targets or {}).items()):
        if group not in AccountGroup.values:
            fail(
                "type_targets",
                _("Jenis belanja %(group)s tidak dikenal.") % {"group": group},
                "invalid_account",
            )
            continue
        if not values:
            continue  # no targets of its own: the general ones apply
        if len(values) != 4:
            fail(
                f"target_{group}",
                _("Target jenis belanja %(group)s perlu empat triwulan.") % {"group": group},
                "invalid_target",
            )
            continue
        parsed = quarter_targets(
            values, lambda q, g=group: f"target_{g}", _("belanja %(group)s ") % {"group": group}
        )
        if len(parsed) == 4:
            clean_types[group] = parsed
    clean["type_targets"] = clean_types
    if len(window_dates) != 4:
        fail("rpd_window_q1", _("Batas revisi RPD perlu empat tanggal, satu per triwulan."), "window_quarter")
    for quarter, raw in enumerate(window_dates[:4], start=1):
        field = f"rpd_window_q{quarter}"
        value = _as_date(raw)
        if value is None:
            fail(
                field,
                _("Batas revisi RPD TW %(q)s bukan tanggal (TTTT-BB-HH).") % {"q": ROMAN[quarter]},
                "invalid_date",
            )
        elif value.year != fiscal_year or quarter_of(value.month) != quarter:
            fail(
                field,
                _("Batas revisi RPD TW %(q)s harus tanggal di triwulan itu pada tahun %(year)s.")
                % {"q": ROMAN[quarter], "year": fiscal_year},
                "window_quarter",
            )
        clean[field] = value
    if deviation_rule is not None:
        if deviation_rule not in DeviationRule.values:
            fail(
                "deviation_rule",
                _("Aturan deviasi harus 'weighted' (tertimbang pagu) atau 'mean' (rata-rata)."),
                "invalid_rule",
            )
        clean["deviation_rule"] = deviation_rule
    value = _whole(lag_threshold)
    if not _within(value, 0, 100):
        fail("lag_threshold", _("Ambang keterlambatan harus 0–100 poin persen."), "invalid_threshold")
    clean["lag_threshold"] = value  # as given when out of range: the caller refuses on the error anyway
    return errors, clean


@transaction.atomic
def budget_policy_set(
    *,
    actor: Actor,
    fiscal_year: int,
    targets: Sequence[Any],
    window_dates: Sequence[Any],
    lag_threshold: Any,
    deviation_rule: Any = None,
    type_targets: dict[str, Sequence[Any]] | None = None,
    reason: str = "",
) -> BudgetPolicy:
    """Sets a year's control settings (created on first save); only the ministry, audited. A year
    saved without a deviation rule gets its default (models.default_deviation_rule)."""
    require(actor, Action.EDIT, Area.PROGRAMMES)
    if not (actor.is_superuser or actor.is_national):
        raise AccessDenied(_("Kebijakan pengendalian anggaran ditetapkan oleh kementerian."))
    if len(targets) != 4:
        raise _error(_("Target penyerapan perlu empat triwulan."), "invalid_target", "target_q1")
    errors, clean = check_budget_policy(
        fiscal_year=fiscal_year,
        targets=targets,
        window_dates=window_dates,
        lag_threshold=lag_threshold,
        deviation_rule=deviation_rule,
        type_targets=type_targets,
    )
    if errors:
        message = errors[0].message if len(errors) == 1 else _("Kebijakan pengendalian tidak valid.")
        raise DomainError(message, code=errors[0].code, errors=errors)
    policy = BudgetPolicy.objects.select_for_update().filter(fiscal_year=fiscal_year).first()
    before = snapshot(policy) if policy else None
    policy = policy or BudgetPolicy(
        fiscal_year=fiscal_year, deviation_rule=default_deviation_rule(fiscal_year)
    )
    for name, value in clean.items():
        setattr(policy, name, value)
    _save(actor, policy, before=before, reason=reason)
    return policy
