"""A meeting's co-organisers, an agreement's and an adoption's linked activities (many-to-many rows),
registered with the history (audit.links) from CoordinationConfig.ready(): every recorded change
lists the links added and removed, and restoring a version brings them back."""

from __future__ import annotations

from sentra.agencies.models import Agency
from sentra.audit.links import register_links
from sentra.programmes.models import Activity

from .models import Adoption, Agreement, Meeting


def _reader(name: str):
    def read(obj) -> dict[str, list]:
        if obj.pk is None:
            return {name: []}
        return {name: sorted(getattr(obj, name).values_list("pk", flat=True))}

    return read


def _restorer(name: str, target):
    def restore(obj, values: dict[str, list]) -> None:
        if name in values:
            wanted = target.objects.filter(pk__in=values[name] or []).values_list("pk", flat=True)
            getattr(obj, name).set(list(wanted))

    return restore


def register() -> None:
    register_links(
        Meeting,
        ("co_organisers",),
        read=_reader("co_organisers"),
        restore=_restorer("co_organisers", Agency),
        labels={"co_organisers": Meeting._meta.get_field("co_organisers").verbose_name},
        targets={"co_organisers": Agency},
    )
    register_links(
        Agreement,
        ("activities",),
        read=_reader("activities"),
        restore=_restorer("activities", Activity),
        labels={"activities": Agreement._meta.get_field("activities").verbose_name},
        targets={"activities": Activity},
    )
    register_links(
        Adoption,
        ("activities",),
        read=_reader("activities"),
        restore=_restorer("activities", Activity),
        labels={"activities": Adoption._meta.get_field("activities").verbose_name},
        targets={"activities": Activity},
    )
