"""Moving records through verification. One set of rules for every verifiable record type.

Who does what (roles in accounts/permissions.py):
  submit   draft/returned → submitted   regency officer (or anyone with SUBMIT) in their region
  verify   submitted → verified         province officer in their province, or the ministry
  accept   verified → accepted          the ministry; accepted records are locked
  return   submitted/verified → returned, with a reason, by the level that would verify/accept
  reopen   accepted → returned, with a reason, by the ministry — the only way to unlock
Editing a submitted or verified record sends it back to draft: what was checked has changed.

Separation of duties: nobody verifies or accepts what their own agency submitted (the submitter's
agency, or the submitter themself), so every record is checked by another office than the one that
entered it. SENTRA_ALLOW_SELF_VERIFICATION=true lifts this for small offices that have no second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.accounts.permissions import Action
from sentra.accounts.scope import Actor, require_record
from sentra.audit.models import AuditAction
from sentra.audit.services import batch_start, record_change, snapshot
from sentra.core.errors import AccessDenied, DomainError, FieldError, NotFound

from .models import VerifiableModel, VerificationStatus

S = VerificationStatus
VERIFICATION_FIELDS = frozenset(
    {"verification_status", "submitted_by_id", "submitted_at", "verified_at", "accepted_at", "return_reason"}
)

UPDATE_FIELDS = (
    "verification_status",
    "submitted_by",
    "submitted_at",
    "verified_at",
    "accepted_at",
    "return_reason",
)


@dataclass(frozen=True)
class Transition:
    action: str
    audit_action: str
    sources: frozenset[str]
    target: str
    needs_reason: bool = False


TRANSITIONS = {
    "submit": Transition(Action.SUBMIT, AuditAction.SUBMIT, frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED),
    "verify": Transition(Action.VERIFY, AuditAction.VERIFY, frozenset({S.SUBMITTED}), S.VERIFIED),
    "accept": Transition(Action.ACCEPT, AuditAction.ACCEPT, frozenset({S.VERIFIED}), S.ACCEPTED),
    "return": Transition(
        Action.RETURN, AuditAction.RETURN, frozenset({S.SUBMITTED, S.VERIFIED}), S.RETURNED, True
    ),
    "reopen": Transition(Action.REOPEN, AuditAction.REOPEN, frozenset({S.ACCEPTED}), S.RETURNED, True),
}


def ensure_editable(record: VerifiableModel) -> None:
    # A record outside the verification steps (a meeting, an agreement) is never locked.
    if getattr(record, "is_locked", False):
        raise DomainError(
            _("Data ini sudah diterima kementerian dan terkunci. Minta pembukaan kembali untuk mengubahnya."),
            code="locked",
        )


def mark_edited(record: VerifiableModel) -> None:
    """Called by services before saving an edit: a checked record must be checked again."""
    if getattr(record, "verification_status", None) in (S.SUBMITTED, S.VERIFIED):
        record.verification_status = S.DRAFT
        record.verified_at = None


# The steps that check someone else's work: separated from the submitting agency.
CHECKING_ACTIONS = frozenset({Action.VERIFY, Action.ACCEPT})


def own_submission(actor: Actor, action: str, record: VerifiableModel) -> bool:
    """True when `action` would have the actor check what they or their agency submitted."""
    if action not in CHECKING_ACTIONS or getattr(settings, "SENTRA_ALLOW_SELF_VERIFICATION", False):
        return False
    submitter = record.submitted_by_id
    if submitter is None:
        return False
    if submitter == actor.user_id:
        return True
    if actor.agency_id is None or personal_submission(record):
        return False
    from sentra.accounts.models import Profile

    return Profile.objects.filter(user_id=submitter, agency_id=actor.agency_id).exists()


def personal_submission(record: VerifiableModel) -> bool:
    """True when the record is one person's own work submitted by that person (a facilitator's
    monthly report): the office that supervises them checks it, though the person's profile may name
    that very office, so only the person themself is kept from checking it. A record type says so
    with a method `submitted_by_its_author()`."""
    check = getattr(record, "submitted_by_its_author", None)
    return bool(check and check())


def own_submission_message(record: VerifiableModel) -> str:
    return _(
        "“%(name)s” diajukan oleh instansi Anda sendiri: verifikasi dan penerimaan dilakukan oleh "
        "instansi lain."
    ) % {"name": record}


def _check(actor: Actor, transition: Transition, record: VerifiableModel, reason: str) -> None:
    require_record(actor, transition.action, record)
    sources = transition.sources
    if transition.action == Action.REOPEN:
        # Some records close before acceptance (a verified month of realisation is a closed period).
        sources = getattr(record, "REOPENABLE", sources)
    if record.verification_status not in sources:
        raise DomainError(
            _("Data “%(name)s” berstatus %(status)s; tidak dapat %(action)s.")
            % {
                "name": record,
                "status": record.get_verification_status_display(),
                "action": Action(transition.action).label,
            },
            code="invalid_transition",
        )
    if own_submission(actor, transition.action, record):
        raise DomainError(own_submission_message(record), code="own_submission")
    if transition.needs_reason and not reason.strip():
        raise DomainError(
            _("Tuliskan alasannya."),
            code="reason_required",
            errors=[FieldError("reason", _("Alasan wajib diisi."), "required")],
        )


def _apply(actor: Actor, transition: Transition, record: VerifiableModel, reason: str) -> None:
    now = timezone.now()
    record.verification_status = transition.target
    if transition.target == S.SUBMITTED:
        record.submitted_by_id = actor.user_id
        record.submitted_at = now
        record.return_reason = ""
    elif transition.target == S.VERIFIED:
        record.verified_at = now
    elif transition.target == S.ACCEPTED:
        record.accepted_at = now
    elif transition.target == S.RETURNED:
        record.return_reason = reason.strip()[:500]


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)


@transaction.atomic
def transition(
    *, actor: Actor, name: str, record: VerifiableModel, reason: str = "", batch=None, notify: bool = True
) -> None:
    """`notify=False`: the caller tells the people concerned itself (a bulk step, once per person)."""
    step = TRANSITIONS[name]
    record = type(record).objects.select_for_update().get(pk=record.pk)
    _check(actor, step, record, reason)
    before = snapshot(record)
    _apply(actor, step, record, reason)
    record.save(update_fields=[*UPDATE_FIELDS, "updated_at"])
    record_change(
        actor=actor, action=step.audit_action, obj=record, before=before, reason=reason, batch=batch
    )
    if notify:
        _notify(actor, step, record, reason)


def bulk_transition(
    *, actor: Actor, name: str, records: Iterable[VerifiableModel], reason: str = ""
) -> BulkResult:
    """Applies one step to many records; each succeeds or fails on its own, and the result says which."""
    result = BulkResult()
    batch = None
    submitted: list[VerifiableModel] = []
    for record in records:
        try:
            if batch is None:
                batch = batch_start(actor=actor, kind=f"bulk_{name}")
            transition(
                actor=actor, name=name, record=record, reason=reason, batch=batch, notify=name != "submit"
            )
        except DomainError as error:
            result.failed.append((record.pk, error.message))
        except (AccessDenied, NotFound) as error:
            result.failed.append((record.pk, str(error)))
        else:
            result.done.append(record.pk)
            if name == "submit":
                submitted.append(record)
    if submitted:
        _notify_submitted(actor, submitted)
    return result


def kind_label(record) -> str:
    """The record type as a heading reads it: "Sentra IKM", "IKM", "Kegiatan" — the verbose name with
    only its first letter raised (str.capitalize() lowered the rest: "Sentra ikm", "Ikm")."""
    label = str(record._meta.verbose_name)
    return label[:1].upper() + label[1:]


def office_name(actor: Actor) -> str:
    """Who acted, as the recipient knows them: the office (agency) rather than a login name."""
    if actor.agency_id is not None:
        from sentra.agencies.models import Agency

        name = Agency.objects.filter(pk=actor.agency_id).values_list("name", flat=True).first()
        if name:
            return name
    return actor.username


def verifiers_of(record, submitter_agency_id: int | None) -> list[int]:
    """Users who check a submitted record next: the nearest level above it whose role may verify in
    the record's area (accounts/permissions.py) — the province's officers for a regency's record, the
    ministry when no province officer covers it — never the submitting agency itself (separation of
    duties, unless SENTRA_ALLOW_SELF_VERIFICATION)."""
    from sentra.accounts.models import Profile
    from sentra.accounts.permissions import AREA_ACTIONS, area_of
    from sentra.accounts.scope import enclosing_codes

    area = area_of(record)
    roles = [role for role, actions in AREA_ACTIONS[area or "registry"].items() if Action.VERIFY in actions]
    profiles = Profile.objects.filter(role__in=roles, user__is_active=True)
    self_allowed = getattr(settings, "SENTRA_ALLOW_SELF_VERIFICATION", False)
    separated = not self_allowed and not personal_submission(record)
    if submitter_agency_id is not None and separated:
        profiles = profiles.exclude(agency_id=submitter_agency_id)
    code = record.scope_code
    regional = list(
        profiles.filter(region_id__in=[*enclosing_codes(code), code] if code else [])
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    if regional:
        return regional
    return list(profiles.filter(region_id=None).order_by("user_id").values_list("user_id", flat=True))


def _notify(actor: Actor, step: Transition, record: VerifiableModel, reason: str) -> None:
    from sentra.accounts.services import notify

    if step.target == S.SUBMITTED:
        for user_id in verifiers_of(record, actor.agency_id):
            if user_id != actor.user_id:
                notify(
                    user_id=user_id,
                    message=_("%(kind)s “%(name)s” diajukan oleh %(office)s dan menunggu verifikasi Anda.")
                    % {"kind": kind_label(record), "name": record, "office": office_name(actor)},
                    link=_record_link(record),
                )
        return
    if not record.submitted_by_id or record.submitted_by_id == actor.user_id:
        return
    if step.target == S.RETURNED:
        message = _("%(kind)s “%(name)s” dikembalikan oleh %(who)s: %(reason)s")
    else:
        message = _("%(kind)s “%(name)s” %(status)s oleh %(who)s.")
    notify(
        user_id=record.submitted_by_id,
        message=message
        % {
            "kind": kind_label(record),
            "name": record,
            "who": office_name(actor),
            "reason": reason,
            "status": record.get_verification_status_display().lower(),
        },
        link=_record_link(record),
    )


def _notify_submitted(actor: Actor, records: list[VerifiableModel]) -> None:
    """A bulk submission tells each verifier once, with the count and the queue, not once per record."""
    from django.urls import NoReverseMatch, reverse

    from sentra.accounts.services import notify

    if len(records) == 1:
        _notify(actor, TRANSITIONS["submit"], records[0], "")
        return
    waiting: dict[int, list] = {}
    for record in records:
        for user_id in verifiers_of(record, actor.agency_id):
            if user_id != actor.user_id:
                waiting.setdefault(user_id, []).append(record)
    try:
        link = reverse("web:verification_queue")
    except NoReverseMatch:
        link = ""
    for user_id, mine in waiting.items():
        kinds = sorted({kind_label(r) for r in mine})
        notify(
            user_id=user_id,
            message=_("%(n)s data (%(kinds)s) diajukan oleh %(office)s dan menunggu verifikasi Anda.")
            % {"n": len(mine), "kinds": ", ".join(kinds), "office": office_name(actor)},
            link=link,
        )


def _record_link(record) -> str:
    get_url = getattr(record, "get_absolute_url", None)
    return get_url() if get_url else ""
