"""Enterprise updates proposed in the field by a facilitator, and the Dinas' decision on them.

A facilitator sees in the field that an IKM now has 9 workers instead of 4, or produces more: they
propose the new values (on the phone, offline; the visit sync sends them with a client id). A proposal
never overwrites the enterprise:

- `propose` checks the values with the registry's own validation (the Enterprise model's fields, as
  registry.services.enterprise_update would check them), keeps the enterprise's current values of the
  proposed fields (`base_values`) and the version the phone saw (`base_version`), and files the proposal
  already SUBMITTED: the facilitator's proposal goes straight to the Dinas' queue (there is no draft on
  the server; the phone is the draft). A replayed sync with the same client id returns the row it wrote.
- `apply_proposal` (the Dinas: VERIFY in the facilitators area) writes the values through
  registry.services.enterprise_update (so the enterprise's audit, version, verification side effects and
  validation all happen) only when the enterprise is still as the facilitator saw it: its version equals
  `base_version`, or every proposed field still holds its base value. Otherwise the proposal is marked
  `conflict` and nothing of the enterprise changes.
- `resolve_conflict` takes the supervisor's choice per field ("proposed" or "current") and applies the
  chosen values, checked against the enterprise version the supervisor looked at.
- `reject_proposal` returns the proposal with a reason (verification workflow "return").

Every step is audited and the facilitator is notified of the outcome.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, region_q, require, require_record, unknown_reference
from sentra.audit.models import AuditAction
from sentra.audit.services import record_change, snapshot
from sentra.core.errors import DomainError, FieldError
from sentra.core.validation import full_clean_or_raise
from sentra.core.versioning import lock_latest
from sentra.registry.choices import CertificationKind
from sentra.registry.models import Certification, Enterprise
from sentra.registry.services import enterprise_update
from sentra.verification.models import VerificationStatus
from sentra.verification.services import transition

from .choices import ProposalStatus
from .models import EnterpriseProposal, Facilitator, Visit
from .selectors import visible_facilitators

# What a facilitator may propose: what they can see and count in the field. Each is a column of
# registry.models.Enterprise written by registry.services.enterprise_update (ENTERPRISE_FIELDS).
COLUMN_FIELDS: tuple[str, ...] = (
    "workers",
    "investment",
    "production_capacity",
    "capacity_unit",
    "production_value",
    "production_quantity",
    "production_unit",
)
# Certificates the facilitator saw (a new halal or PIRT certificate): a list of certificates to add,
# [{"kind": "halal", "number": "…", "issued_on": "2026-05-01"}], each checked by the registry's
# Certification model; proposing never removes a certificate.
CERTIFICATIONS = "certifications"
PROPOSABLE_FIELDS: tuple[str, ...] = (*COLUMN_FIELDS, CERTIFICATIONS)

PROPOSED = "proposed"
CURRENT = "current"


def field_label(name: str) -> str:
    """The field's name as the enterprise form labels it, first letter raised ("Tenaga kerja")."""
    if name == CERTIFICATIONS:
        return _("Sertifikat")
    try:
        label = str(Enterprise._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
    return label[:1].upper() + label[1:]


def json_value(value: Any) -> Any:
    """A field's value as the proposal stores it in JSON (decimals as plain text, so nothing is
    rounded: 12.5, 100 — never 1E+2)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def display(name: str, value: Any) -> str:
    """A stored value as a person reads it: certificates as "Halal 123 (2026-05-01)", None as —."""
    if name == CERTIFICATIONS:
        labels = dict(CertificationKind.choices)
        return (
            "; ".join(
                f"{labels.get(c.get('kind'), c.get('kind'))} {c.get('number')}"
                + (f" ({c['issued_on']})" if c.get("issued_on") else "")
                for c in value or []
            )
            or "—"
        )
    if value is None or value == "":
        return "—"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".")  # 150.000.000, as the IKM page writes figures
    return str(value)


def _certificate_key(item: dict) -> tuple[str, str]:
    return (str(item.get("kind")), str(item.get("number")))


def _same(a: Any, b: Any) -> bool:
    """Equal as values: "12.50" and "12.5", 9 and "9" are the same production figure; lists of
    certificates in any order."""
    if isinstance(a, list) or isinstance(b, list):
        return sorted(map(_certificate_key, a or [])) == sorted(map(_certificate_key, b or []))
    if a is None or b is None or a == "" or b == "":
        return (a in (None, "")) == (b in (None, "")) and (a in (None, "") or a == b)
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except ArithmeticError:
        return str(a) == str(b)


def _certificates(enterprise: Enterprise) -> list[dict]:
    return [
        {"kind": c.kind, "number": c.number, "issued_on": c.issued_on.isoformat() if c.issued_on else None}
        for c in Certification.objects.filter(enterprise_id=enterprise.pk).order_by("kind", "number")
    ]


def current_values(enterprise: Enterprise, fields) -> dict[str, Any]:
    return {
        name: _certificates(enterprise) if name == CERTIFICATIONS else json_value(getattr(enterprise, name))
        for name in fields
    }


def _clean_certifications(enterprise: Enterprise, items: Any) -> list[dict]:
    """Certificates to add, each checked by the registry's Certification model (kind among its
    choices, number, date, one certificate per kind and number: its own codes), on
    `certifications.<n>.<field>`."""
    if not isinstance(items, list) or not items or len(items) > 20:
        message = _("Sebutkan 1 sampai 20 sertifikat: jenis, nomor dan tanggal terbit.")
        raise DomainError(message, code="invalid", errors=[FieldError(CERTIFICATIONS, message, "invalid")])
    cleaned, errors, seen = [], [], set()
    for index, item in enumerate(items):
        item = item if isinstance(item, dict) else {}
        certificate = Certification(
            enterprise_id=enterprise.pk,
            kind=item.get("kind") or "",
            number=str(item.get("number") or "").strip(),
            issued_on=item.get("issued_on") or None,
        )
        try:
            full_clean_or_raise(certificate)
        except DomainError as error:
            errors += [
                FieldError(f"{CERTIFICATIONS}.{index}.{e.field}", e.message, e.code) for e in error.errors
            ]
            continue
        key = (certificate.kind, certificate.number)
        if key in seen:
            errors.append(
                FieldError(f"{CERTIFICATIONS}.{index}", _("Sertifikat ini disebut dua kali."), "duplicate")
            )
            continue
        seen.add(key)
        cleaned.append(
            {
                "kind": certificate.kind,
                "number": certificate.number,
                "issued_on": certificate.issued_on.isoformat() if certificate.issued_on else None,
            }
        )
    if errors:
        raise DomainError(_("Data sertifikat tidak valid."), code="validation", errors=errors)
    return cleaned


def _clean_changes(enterprise: Enterprise, changes: Any) -> dict[str, Any]:
    """The proposed values, checked as the registry checks them: unknown fields refused
    (`unknown_field`), each value through the Enterprise model's own field validation (full_clean,
    the check registry.services.enterprise_update runs), errors carrying the registry's codes."""
    if not isinstance(changes, dict) or not changes:
        raise DomainError(
            _("Usulan tidak berisi perubahan: sebutkan sedikitnya satu data IKM yang berubah."),
            code="no_changes",
            errors=[FieldError("changes", _("Sebutkan sedikitnya satu perubahan."), "required")],
        )
    unknown = sorted(str(name) for name in changes if name not in PROPOSABLE_FIELDS)
    if unknown:
        allowed = ", ".join(PROPOSABLE_FIELDS)
        raise DomainError(
            _("Data %(fields)s tidak dapat diusulkan dari lapangan (yang dapat: %(allowed)s).")
            % {"fields": ", ".join(unknown), "allowed": allowed},
            code="unknown_field",
            errors=[
                FieldError(name, _("Data ini tidak dapat diusulkan dari lapangan."), "unknown_field")
                for name in unknown
            ],
        )
    columns = {name: value for name, value in changes.items() if name != CERTIFICATIONS}
    cleaned: dict[str, Any] = {}
    if columns:
        probe = Enterprise.objects.get(pk=enterprise.pk)
        for name, value in columns.items():
            setattr(probe, name, value)
        others = [f.name for f in Enterprise._meta.fields if f.name not in columns]
        full_clean_or_raise(probe, exclude=others)
        cleaned = {name: json_value(getattr(probe, name)) for name in columns}
    if CERTIFICATIONS in changes:
        cleaned[CERTIFICATIONS] = _clean_certifications(enterprise, changes[CERTIFICATIONS])
    return cleaned


def _proposal_enterprise(actor: Actor, facilitator: Facilitator, enterprise_id) -> Enterprise:
    """The enterprise, readable by the actor and placed in the facilitator's placement regency; any
    other id is answered as one that does not exist (`unknown_reference` on enterprise_id)."""
    try:
        pk = int(enterprise_id)
    except (TypeError, ValueError):
        raise unknown_reference("enterprise_id", enterprise_id) from None
    enterprise = Enterprise.objects.filter(
        region_q(actor), pk=pk, regency_code=facilitator.regency_code
    ).first()
    if enterprise is None:
        raise unknown_reference("enterprise_id", enterprise_id)
    return enterprise


def _client_uuid(client_id) -> uuid.UUID:
    try:
        return client_id if isinstance(client_id, uuid.UUID) else uuid.UUID(str(client_id))
    except (TypeError, ValueError, AttributeError):
        raise DomainError(
            _("ID perangkat usulan tidak valid (harus UUID yang dibuat di ponsel)."),
            code="invalid_client_id",
            errors=[FieldError("client_id", _("Bukan UUID yang sah."), "invalid")],
        ) from None


def _replayed(facilitator: Facilitator, client_id: uuid.UUID) -> EnterpriseProposal | None:
    existing = EnterpriseProposal.objects.filter(client_id=client_id).first()
    if existing is not None and existing.facilitator_id != facilitator.pk:
        raise DomainError(
            _("ID perangkat %(id)s sudah dipakai untuk usulan lain.") % {"id": client_id},
            code="client_id_taken",
            errors=[FieldError("client_id", _("ID perangkat sudah dipakai."), "client_id_taken")],
        )
    return existing


def propose(
    *,
    actor: Actor,
    facilitator: Facilitator,
    enterprise_id,
    changes: dict[str, Any],
    base_version: int | None,
    client_id,
    visit: Visit | None = None,
) -> tuple[EnterpriseProposal, bool]:
    """Files a facilitator's proposal (already submitted to the Dinas); returns (proposal, created).

    Idempotent on `client_id`: a sync replayed after a dropped connection gets the proposal it wrote
    (created False) and nothing is written twice. Errors: DomainError with FieldErrors (codes
    `unknown_field`, the registry's field codes, `unknown_reference`, `invalid_client_id`)."""
    client_uuid = _client_uuid(client_id)
    require(actor, Action.CREATE, Area.FACILITATORS)
    if not visible_facilitators(actor).filter(pk=facilitator.pk).exists():
        raise unknown_reference("facilitator", facilitator.pk)
    existing = _replayed(facilitator, client_uuid)
    if existing is not None:
        return existing, False
    enterprise = _proposal_enterprise(actor, facilitator, enterprise_id)
    cleaned = _clean_changes(enterprise, changes)
    if base_version is not None and (type(base_version) is not int or base_version < 1):
        raise DomainError(
            _("Versi IKM yang dilihat di lapangan tidak valid."),
            code="invalid_base_version",
            errors=[FieldError("base_version", _("Harus bilangan bulat positif."), "invalid")],
        )
    now = timezone.now()
    proposal = EnterpriseProposal(
        client_id=client_uuid,
        facilitator=facilitator,
        visit=visit,
        enterprise=enterprise,
        changes=cleaned,
        base_values=current_values(enterprise, cleaned),
        base_version=base_version if base_version is not None else enterprise.version,
        outcome=ProposalStatus.PENDING,
        verification_status=VerificationStatus.SUBMITTED,
        submitted_by_id=actor.user_id,
        submitted_at=now,
    )
    proposal.place_at(facilitator.regency_code)
    try:
        with transaction.atomic():
            proposal.save()
            record_change(actor=actor, action=AuditAction.SUBMIT, obj=proposal)
    except IntegrityError:
        # The same client id written meanwhile by a concurrent replay of the same sync.
        existing = _replayed(facilitator, client_uuid)
        if existing is None:
            raise
        return existing, False
    return proposal, True


# --- the Dinas decides ---------------------------------------------------------------------------


def _deciding(actor: Actor, proposal: EnterpriseProposal, version: int | None) -> EnterpriseProposal:
    """Locks the proposal (its latest state; `stale` when it changed since `version`), checks the actor
    may decide it (VERIFY in the facilitators area, inside their region: else 404/403) and that it
    still waits for a decision (`already_decided`)."""
    lock_latest(proposal, version)
    require_record(actor, Action.VERIFY, proposal)
    if proposal.outcome not in (ProposalStatus.PENDING, ProposalStatus.CONFLICT) or (
        proposal.verification_status != VerificationStatus.SUBMITTED
    ):
        raise DomainError(
            _("Usulan ini sudah diputuskan (%(outcome)s); tidak dapat diputuskan lagi.")
            % {"outcome": proposal.get_outcome_display()},
            code="already_decided",
        )
    return proposal


def conflicting_fields(proposal: EnterpriseProposal, enterprise: Enterprise) -> list[str]:
    """The proposed fields whose current value is no longer the value when proposed."""
    now = current_values(enterprise, proposal.changes)
    return [name for name in proposal.changes if not _same(now[name], proposal.base_values.get(name))]


def is_conflict(proposal: EnterpriseProposal, enterprise: Enterprise) -> bool:
    """Applying would overwrite someone else's change: the enterprise is no longer the version the
    facilitator saw and at least one proposed field changed since. Certificates are rows of their
    own, outside the enterprise's version: they are compared by value always."""
    changed = conflicting_fields(proposal, enterprise)
    if proposal.base_version is not None and enterprise.version == proposal.base_version:
        changed = [name for name in changed if name == CERTIFICATIONS]
    return bool(changed)


def _notify_facilitator(proposal: EnterpriseProposal, message: str) -> None:
    from sentra.accounts.services import notify

    user_id = proposal.facilitator.user_id
    if user_id is None:
        return
    try:  # the proposal's page, which the facilitator reads; the web layer registers it
        link = reverse("web:facilitator_proposal_detail", args=[proposal.pk])
    except NoReverseMatch:
        link = ""
    notify(user_id=user_id, message=message, link=link)


def _decided(actor: Actor, proposal: EnterpriseProposal, outcome: str, note: str, before: dict) -> None:
    now = timezone.now()
    proposal.outcome = outcome
    proposal.decided_by_id = actor.user_id
    proposal.decided_at = now
    proposal.decision_note = note[:2000]
    proposal.verification_status = VerificationStatus.VERIFIED
    proposal.verified_at = now
    proposal.save()
    record_change(actor=actor, action=AuditAction.VERIFY, obj=proposal, before=before, reason=note)


def _write(actor: Actor, proposal: EnterpriseProposal, enterprise: Enterprise, values: dict, **kw) -> None:
    """The enterprise's normal update (registry.services.enterprise_update): its lock, permission,
    lock-when-accepted and version checks, validation, audit and verification side effects. Proposed
    certificates are then added (those the enterprise does not hold yet), each checked by the
    Certification model and recorded in the history."""
    columns = {name: value for name, value in values.items() if name != CERTIFICATIONS}
    enterprise_update(
        actor=actor,
        enterprise=enterprise,
        reason=_("Usulan pendamping %(name)s (#%(id)s)")
        % {"name": proposal.facilitator.name, "id": proposal.pk},
        **kw,
        **columns,
    )
    held = {_certificate_key(c) for c in _certificates(enterprise)}
    for item in values.get(CERTIFICATIONS) or []:
        if _certificate_key(item) in held:
            continue
        certificate = Certification(
            enterprise=enterprise, kind=item["kind"], number=item["number"], issued_on=item.get("issued_on")
        )
        full_clean_or_raise(certificate)
        certificate.save()
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            obj=certificate,
            reason=_("Usulan pendamping %(name)s (#%(id)s)")
            % {"name": proposal.facilitator.name, "id": proposal.pk},
        )


@transaction.atomic
def apply_proposal(*, actor: Actor, proposal: EnterpriseProposal, version: int | None) -> EnterpriseProposal:
    """Applies the proposal if the enterprise is still as the facilitator saw it; otherwise marks it
    `conflict` (the enterprise is left as it is) for the supervisor to resolve field by field."""
    proposal = _deciding(actor, proposal, version)
    enterprise = lock_latest(Enterprise.objects.get(pk=proposal.enterprise_id))
    before = snapshot(proposal)
    if is_conflict(proposal, enterprise):
        fields = conflicting_fields(proposal, enterprise)
        proposal.outcome = ProposalStatus.CONFLICT
        proposal.save()
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=proposal,
            before=before,
            reason=_("Bentrok: %(fields)s berubah sejak diusulkan") % {"fields": ", ".join(fields)},
        )
        return proposal
    _write(actor, proposal, enterprise, dict(proposal.changes), expected_version=enterprise.version)
    _decided(actor, proposal, ProposalStatus.APPLIED, "", before)
    _notify_facilitator(
        proposal,
        _("Usulan pembaruan data IKM “%(name)s” Anda diterapkan oleh %(who)s.")
        % {"name": enterprise.name, "who": _office(actor)},
    )
    return proposal


@transaction.atomic
def resolve_conflict(
    *,
    actor: Actor,
    proposal: EnterpriseProposal,
    choice: dict[str, str],
    version: int | None,
    enterprise_version: int | None = None,
) -> EnterpriseProposal:
    """The supervisor's choice per proposed field: "proposed" (write the facilitator's value) or
    "current" (keep the enterprise's). Every proposed field must be chosen (`choice_required`).
    `enterprise_version`: the version of the enterprise the supervisor compared against; when it
    changed meanwhile the choice is refused (`stale`) rather than applied to values they never saw."""
    proposal = _deciding(actor, proposal, version)
    if not isinstance(choice, dict):
        choice = {}
    errors = [
        FieldError(name, _("Pilih nilai usulan atau nilai saat ini."), "choice_required")
        for name in proposal.changes
        if choice.get(name) not in (PROPOSED, CURRENT)
    ]
    errors += [
        FieldError(str(name), _("Data ini tidak ada dalam usulan."), "unknown_field")
        for name in choice
        if name not in proposal.changes
    ]
    if errors:
        raise DomainError(
            _("Pilih untuk setiap data: nilai usulan pendamping atau nilai saat ini."),
            code="choice_required",
            errors=errors,
        )
    enterprise = lock_latest(Enterprise.objects.get(pk=proposal.enterprise_id), enterprise_version)
    before = snapshot(proposal)
    chosen = {name: value for name, value in proposal.changes.items() if choice[name] == PROPOSED}
    kept = [name for name in proposal.changes if choice[name] == CURRENT]
    note = "; ".join(
        part
        for part in (
            _("diterapkan: %(f)s") % {"f": ", ".join(chosen)} if chosen else "",
            _("nilai saat ini dipertahankan: %(f)s") % {"f": ", ".join(kept)} if kept else "",
        )
        if part
    )
    if chosen:
        _write(actor, proposal, enterprise, chosen, expected_version=enterprise.version)
    _decided(actor, proposal, ProposalStatus.APPLIED if chosen else ProposalStatus.REJECTED, note, before)
    _notify_facilitator(
        proposal,
        _("Usulan pembaruan data IKM “%(name)s” Anda diputuskan oleh %(who)s: %(note)s.")
        % {"name": enterprise.name, "who": _office(actor), "note": note},
    )
    return proposal


@transaction.atomic
def reject_proposal(
    *, actor: Actor, proposal: EnterpriseProposal, reason: str, version: int | None = None
) -> EnterpriseProposal:
    """Returns the proposal to the facilitator with a reason (verification "return"); the enterprise
    is not touched; the facilitator is told why."""
    proposal = _deciding(actor, proposal, version)
    transition(actor=actor, name="return", record=proposal, reason=reason or "", notify=False)
    proposal.refresh_from_db()
    before = snapshot(proposal)
    proposal.outcome = ProposalStatus.REJECTED
    proposal.decided_by_id = actor.user_id
    proposal.decided_at = timezone.now()
    proposal.decision_note = (reason or "").strip()[:2000]
    proposal.save()
    record_change(actor=actor, action=AuditAction.UPDATE, obj=proposal, before=before, reason=reason)
    _notify_facilitator(
        proposal,
        _("Usulan pembaruan data IKM “%(name)s” Anda dikembalikan oleh %(who)s: %(reason)s")
        % {"name": proposal.enterprise.name, "who": _office(actor), "reason": proposal.decision_note},
    )
    return proposal


def _office(actor: Actor) -> str:
    from sentra.verification.services import office_name

    return office_name(actor)
