"""An activity's links — its locations and its beneficiary centres and enterprises (many-to-many rows)
— registered with the history (audit.links) from ProgrammesConfig.ready(): every recorded change of
an activity lists the links added and removed, in every channel (form, API, beneficiaries import),
and restoring a version brings them back."""

from __future__ import annotations

from sentra.accounts.scope import Actor, code_in_scope, region_q
from sentra.audit.links import refuse_outside, register_links
from sentra.regions.models import Region
from sentra.registry.models import Centre, Enterprise

from .models import Activity

ACTIVITY_LINK_FIELDS = ("locations", "centres", "enterprises")
_TARGETS = {"locations": Region, "centres": Centre, "enterprises": Enterprise}


def activity_links(activity: Activity) -> dict[str, list]:
    return {
        name: sorted(getattr(activity, name).values_list("pk", flat=True)) for name in ACTIVITY_LINK_FIELDS
    }


def activity_links_restore(activity: Activity, values: dict[str, list]) -> None:
    """Sets the links named in `values` back; targets deleted since are skipped."""
    for name in ACTIVITY_LINK_FIELDS:
        if name in values:
            wanted = set(values[name] or [])
            existing = _TARGETS[name].objects.filter(pk__in=wanted).values_list("pk", flat=True)
            getattr(activity, name).set(list(existing))


def check_activity_links(actor: Actor, activity: Activity, values: dict[str, list]) -> None:
    """A version may only bring back locations inside the actor's region and beneficiaries they may
    read (the rule of services._set_beneficiaries); those deleted since are skipped, not refused."""
    outside = [code for code in values.get("locations") or [] if not code_in_scope(actor, code)]
    if outside:
        refuse_outside(str(Activity._meta.get_field("locations").verbose_name), outside)
    for name in ("centres", "enterprises"):
        ids = set(values.get(name) or [])
        if not ids:
            continue
        model = _TARGETS[name]
        existing = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
        readable = set(model.objects.filter(region_q(actor), pk__in=ids).values_list("pk", flat=True))
        if hidden := sorted(existing - readable):
            refuse_outside(str(Activity._meta.get_field(name).verbose_name), hidden)


def register() -> None:
    register_links(
        Activity,
        ACTIVITY_LINK_FIELDS,
        read=activity_links,
        restore=activity_links_restore,
        check=check_activity_links,
        labels={name: Activity._meta.get_field(name).verbose_name for name in ACTIVITY_LINK_FIELDS},
        targets=_TARGETS,
    )


__all__ = ["ACTIVITY_LINK_FIELDS", "activity_links", "activity_links_restore", "register"]
