"""A centre's links — its villages and its members, rows of their own — registered with the history
(audit.links) from RegistryConfig.ready(): every recorded change of a centre lists the villages and
members added and removed, in every channel, and restoring a version brings them back."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sentra.accounts.scope import Actor, code_in_scope, region_q
from sentra.audit.links import refuse_outside, register_links
from sentra.regions.models import Region

from .models import CENTRE_LINK_FIELDS, Centre, Enterprise, centre_links, centre_links_restore


def check_centre_links(actor: Actor, centre: Centre, values: dict[str, list]) -> None:
    """A version may only bring back villages inside the actor's region and members they may read
    (members deleted since are skipped by the restore, not refused)."""
    outside = [code for code in values.get("village_codes") or [] if not code_in_scope(actor, code)]
    if outside:
        refuse_outside(_("desa/kelurahan"), outside)
    ids = set(values.get("member_ids") or [])
    if ids:
        existing = set(Enterprise.objects.filter(pk__in=ids).values_list("pk", flat=True))
        readable = set(Enterprise.objects.filter(region_q(actor), pk__in=ids).values_list("pk", flat=True))
        if hidden := sorted(existing - readable):
            refuse_outside(_("anggota (ID IKM)"), hidden)


def register() -> None:
    register_links(
        Centre,
        CENTRE_LINK_FIELDS,
        read=centre_links,
        restore=centre_links_restore,
        check=check_centre_links,
        labels={"village_codes": _l("desa/kelurahan"), "member_ids": _l("anggota (ID IKM)")},
        targets={"village_codes": Region, "member_ids": Enterprise},
    )
