"""Links between activities that probably do the same thing (issue 17 §1): services and selectors.

A planner who sees a likely overlap records a decision on the pair (analytics.models.ActivityLink):

- *gabung* (merge / co-fund): needs a reason — what is pooled and who leads;
- *berurutan* (sequence, basic → advanced): `first` is the basic step, `second` the next one; the
  order explains itself, so the reason is optional;
- *tetap terpisah* (keep separate): needs a reason — why two agencies should still both do it.

Rules (each with a stable error code):
- the role must allow planning links (Area.ANALYTICS: CREATE to link, EDIT to change, DELETE to unlink);
- both activities must exist and be readable by the actor (otherwise 404, as for any unreadable record);
- a Dekranasda officer (OWN_AGENCY_ONLY) may only decide on a pair one of whose activities its own
  agency owns (`link_not_own`);
- two different activities (`link_same`), a pair is linked once whichever the order (`link_exists`).
Every write is audited (audit.record_change) and runs in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sentra.accounts.permissions import OWN_AGENCY_ONLY, Action, Area
from sentra.accounts.scope import Actor, code_in_scope, require
from sentra.audit.models import AuditAction
from sentra.audit.services import record_change, snapshot
from sentra.core.errors import AccessDenied, DomainError, FieldError, NotFound, StaleVersion
from sentra.programmes.models import Activity
from sentra.programmes.selectors import activity_get

from .models import ActivityLink, LinkKind

REASON_REQUIRED = frozenset({LinkKind.MERGE, LinkKind.SEPARATE})


def _error(field: str, message: str, code: str) -> DomainError:
    return DomainError(message, code=code, errors=[FieldError(field, message, code)])


def _readable(actor: Actor, value) -> Activity:
    pk = value.pk if isinstance(value, Activity) else value
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Kegiatan tidak ditemukan.")) from None
    activity = activity_get(actor=actor, pk=pk)
    if activity is None:
        raise NotFound(_("Kegiatan tidak ditemukan."))
    return activity


def _require_own(actor: Actor, first: Activity, second: Activity) -> None:
    if actor.is_superuser or actor.role not in OWN_AGENCY_ONLY:
        return
    if actor.agency_id not in (first.agency_id, second.agency_id):
        raise AccessDenied(
            _(
                "Anda hanya dapat memutuskan tautan untuk pasangan yang salah satu kegiatannya milik "
                "instansi Anda."
            )
        )


def can_link(actor: Actor, activity: Activity) -> bool:
    """Whether the actor may record a decision on pairs with this (readable) activity."""
    if not actor.is_authenticated or not actor.can(Action.CREATE, Area.ANALYTICS):
        return False
    return actor.is_superuser or actor.role not in OWN_AGENCY_ONLY or activity.agency_id == actor.agency_id


def _clean(kind, reason) -> tuple[str, str]:
    kind = (kind or "").strip()
    reason = (reason or "").strip()
    if kind not in LinkKind.values:
        raise _error(
            "kind",
            _("Pilih keputusan tautan: gabung, berurutan atau tetap terpisah."),
            "link_kind_invalid",
        )
    if kind in REASON_REQUIRED and not reason:
        raise _error(
            "reason",
            _("Keputusan '%(kind)s' memerlukan alasan: tuliskan mengapa.") % {"kind": LinkKind(kind).label},
            "link_reason_required",
        )
    if len(reason) > 2000:
        raise _error("reason", _("Alasan paling panjang 2000 karakter."), "link_reason_too_long")
    return kind, reason


def _overlap_facts(actor: Actor, first: Activity, second: Activity) -> tuple[float | None, list[str]]:
    """The overlap check's score and reasons for the pair when it is linked (None: not flagged)."""
    from .overlaps import overlaps_for

    for found in overlaps_for(actor=actor, activity=first, limit=200):
        if found.activity_id == second.pk:
            return round(found.score, 3), list(found.reasons) if found.detail_visible else []
    return None, []


def _pair_q(a: int, b: int) -> Q:
    return Q(first_id=a, second_id=b) | Q(first_id=b, second_id=a)


@transaction.atomic
def link_activities(*, actor: Actor, first, second, kind: str, reason: str = "") -> ActivityLink:
    """Records a planner's decision on two activities (for a sequence: `first` is the basic step)."""
    require(actor, Action.CREATE, Area.ANALYTICS)
    first = _readable(actor, first)
    second = _readable(actor, second)
    if first.pk == second.pk:
        raise _error("second", _("Kegiatan tidak dapat ditautkan dengan dirinya sendiri."), "link_same")
    _require_own(actor, first, second)
    kind, reason = _clean(kind, reason)
    existing = ActivityLink.objects.select_for_update().filter(_pair_q(first.pk, second.pk)).first()
    if existing is not None:
        raise _error(
            "second",
            _("Kedua kegiatan ini sudah ditautkan (%(kind)s); ubah tautan yang ada.")
            % {"kind": existing.get_kind_display()},
            "link_exists",
        )
    score, reasons = _overlap_facts(actor, first, second)
    link = ActivityLink.objects.create(
        first=first,
        second=second,
        kind=kind,
        reason=reason,
        score=score,
        reasons=reasons,
        created_by_id=actor.user_id,
    )
    record_change(actor=actor, action=AuditAction.CREATE, obj=link, reason=reason)
    return link


def _link_for_write(actor: Actor, pk, action: str) -> tuple[ActivityLink, Activity, Activity]:
    require(actor, action, Area.ANALYTICS)
    link = ActivityLink.objects.select_for_update().filter(pk=pk).first() if str(pk).isdigit() else None
    if link is None:
        raise NotFound(_("Tautan kegiatan tidak ditemukan."))
    try:
        first = _readable(actor, link.first_id)
        second = _readable(actor, link.second_id)
    except NotFound:
        raise NotFound(_("Tautan kegiatan tidak ditemukan.")) from None
    _require_own(actor, first, second)
    return link, first, second


@transaction.atomic
def update_link(
    *, actor: Actor, link_id, kind: str, reason: str = "", version: int | None = None
) -> ActivityLink:
    """Changes the decision or its reason (a sequence keeps its order; unlink and link again to swap)."""
    link, _first, _second = _link_for_write(actor, link_id, Action.EDIT)
    if version is not None and int(version) != link.version:
        raise StaleVersion(
            _("Tautan ini telah diubah orang lain sejak Anda membukanya; muat ulang halaman."),
            current=link.version,
        )
    kind, reason = _clean(kind, reason)
    before = snapshot(link)
    link.kind, link.reason = kind, reason
    link.save()
    link.refresh_from_db()
    record_change(actor=actor, action=AuditAction.UPDATE, obj=link, before=before, reason=reason)
    return link


@transaction.atomic
def unlink(*, actor: Actor, link_id, reason: str = "") -> None:
    """Removes a link (audited with its last state)."""
    link, _first, _second = _link_for_write(actor, link_id, Action.DELETE)
    before = snapshot(link)
    record_change(
        actor=actor, action=AuditAction.DELETE, obj=link, before=before, reason=(reason or "")[:500]
    )
    link.delete()


# --- selectors ------------------------------------------------------------------------------------------


@dataclass
class LinkRow:
    """A link as an activity's page shows it, from that activity's side."""

    link: ActivityLink
    other_id: int
    other_name: str
    other_agency: str
    other_visible: bool  # the actor reads the other activity (else only its name and agency)
    role: str  # "next" (this one is the basic step), "previous" (this one follows), "" (merge/separate)
    can_change: bool


def link_get(*, actor: Actor, pk) -> ActivityLink | None:
    """A link whose two activities the actor reads."""
    link = (
        ActivityLink.objects.select_related("first__agency", "second__agency").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if link is None or not actor.is_authenticated:
        return None
    if not (code_in_scope(actor, link.first.scope_code) and code_in_scope(actor, link.second.scope_code)):
        return None
    return link


def links_of(*, actor: Actor, activity: Activity) -> list[LinkRow]:
    """The links of an activity the actor reads, newest first."""
    rows = []
    writer = actor.can(Action.EDIT, Area.ANALYTICS)
    qs = ActivityLink.objects.select_related("first__agency", "second__agency").filter(
        Q(first_id=activity.pk) | Q(second_id=activity.pk)
    )
    for link in qs.order_by("-created_at", "pk"):
        other = link.second if link.first_id == activity.pk else link.first
        visible = code_in_scope(actor, other.scope_code)
        role = ""
        if link.kind == LinkKind.SEQUENCE:
            role = "next" if link.first_id == activity.pk else "previous"
        own_ok = (
            actor.is_superuser
            or actor.role not in OWN_AGENCY_ONLY
            or actor.agency_id in (link.first.agency_id, link.second.agency_id)
        )
        rows.append(
            LinkRow(
                link=link,
                other_id=other.pk,
                other_name=other.name,
                other_agency=other.agency.name if other.agency_id else "",
                other_visible=visible,
                role=role,
                can_change=writer and visible and own_ok,
            )
        )
    return rows


def linked_pairs(activity_ids) -> set[tuple[int, int]]:
    """Pairs (small id, large id) among/with these activities that carry a link of any kind."""
    ids = list(activity_ids)
    pairs = set()
    for a, b in ActivityLink.objects.filter(Q(first_id__in=ids) | Q(second_id__in=ids)).values_list(
        "first_id", "second_id"
    ):
        pairs.add((min(a, b), max(a, b)))
    return pairs
