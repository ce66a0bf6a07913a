"""Links that live in rows of their own — a centre's villages and members, an activity's locations and
beneficiaries — recorded in the history like fields, under pseudo-field names, and restored like them.

Audit knows no domain: each app registers its links from its own AppConfig.ready()
(`register_links(Centre, ("village_codes", "member_ids"), read=…, restore=…, check=…)`). Then
`audit.services.snapshot()` carries the links of every record it snapshots, so every change recorded
through `record_change` — in every channel — lists the links added and removed, and `restore_version`
and a batch rollback bring them back.

- `read(obj)` returns {name: sorted list of ids or codes} for every registered name;
- `restore(obj, values)` sets the links named in `values` (any subset) back, skipping targets deleted
  since; it writes without asking (a rollback undoes the batch as it was);
- `check(actor, obj, values)`, when given, refuses (raises) what `actor` may not restore — a link that
  would reach outside the actor's region — before anything is written.

A restore never drops links it has no record of (`restorable_links`). Links written without an audit
event (rows added by hand in the admin, by a loader that wrote no event, data from before links were
recorded) are in no version, so bringing an old version's links back would delete them with no trace
to undo it. A link field is restored only when the version recorded it (its snapshot has the key) and
the history from that version to now accounts for every change of it: each later event's recorded
value follows from the one before (its `changes` start from it, or its snapshot repeats it) and the
last one equals the links as they are. Otherwise the field is left as it is, and the restore says so
(`unrestored_message`) — unless restoring it would only add links (nothing to lose).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class LinkSet:
    fields: tuple[str, ...]
    read: Callable[[models.Model], dict[str, list]]
    restore: Callable[[models.Model, dict[str, list]], None]
    check: Callable[[Any, models.Model, dict[str, list]], None] | None = None
    labels: dict[str, Any] | None = None
    targets: dict[str, type[models.Model]] | None = None


_REGISTRY: dict[type[models.Model], LinkSet] = {}


def register_links(
    model: type[models.Model],
    fields: tuple[str, ...] | list[str],
    *,
    read: Callable[[models.Model], dict[str, list]],
    restore: Callable[[models.Model, dict[str, list]], None],
    check: Callable[[Any, models.Model, dict[str, list]], None] | None = None,
    labels: dict[str, Any] | None = None,
    targets: dict[str, type[models.Model]] | None = None,
) -> None:
    """Declares the links of `model`; `labels` names each pseudo-field for the history page and
    `targets` the model its ids or codes point to, so the page can name them (describe_links).
    Registering a model again replaces its links (ready() may run twice in tests)."""
    names = tuple(fields)
    concrete = {n for f in model._meta.concrete_fields for n in (f.attname, f.name)}
    clash = set(names) & concrete
    assert not clash, f"link names {sorted(clash)} of {model._meta.label} are column names"
    _REGISTRY[model] = LinkSet(names, read, restore, check, dict(labels or {}), dict(targets or {}))


def links_for(model_or_obj) -> LinkSet | None:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return _REGISTRY.get(model._meta.concrete_model)


def read_links(obj: models.Model) -> dict[str, list]:
    """The record's links as {name: sorted list}; {} for a model without links or an unsaved record."""
    links = links_for(obj)
    if links is None or obj.pk is None:
        return {}
    return links.read(obj)


def link_values(obj_or_model, values: dict[str, Any] | None) -> dict[str, list]:
    """The registered link names found in `values` (a snapshot or an event's earlier values)."""
    links = links_for(obj_or_model)
    if links is None or not values:
        return {}
    return {name: sorted(values[name] or []) for name in links.fields if name in values}


def check_links(actor, obj: models.Model, values: dict[str, list]) -> None:
    links = links_for(obj)
    if links is not None and links.check is not None and values:
        links.check(actor, obj, values)


def restore_links(obj: models.Model, values: dict[str, list]) -> dict[str, list]:
    """Sets the links in `values` back; returns {name: [before, after]} of those that changed."""
    links = links_for(obj)
    if links is None or not values:
        return {}
    now = links.read(obj)
    links.restore(obj, values)
    after = links.read(obj)
    return {name: [now[name], after[name]] for name in values if now.get(name) != after.get(name)}


def restorable_links(obj: models.Model, event, values: dict[str, list]) -> tuple[dict[str, list], list[str]]:
    """Of the version's link `values` (those the snapshot of `event` recorded), those a restore may
    bring back, and the names it must leave as they are because the links changed since without an
    event (see the module docstring). One query: the record's events after `event`."""
    if not values:
        return {}, []
    from .models import AuditEvent

    now = read_links(obj)
    later = AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=obj.pk, id__gt=event.pk
    ).order_by("id")
    state = {name: sorted(value) for name, value in values.items()}
    broken: set[str] = set()
    for changes, taken in later.values_list("changes", "snapshot"):
        for name in state.keys() - broken:
            pair = (changes or {}).get(name)
            if isinstance(pair, list) and len(pair) == 2:
                if sorted(pair[0] or []) != state[name]:
                    broken.add(name)
                state[name] = sorted(pair[1] or [])
            elif name in (taken or {}):
                if sorted(taken[name] or []) != state[name]:
                    broken.add(name)
            else:  # an event that did not record the links: nothing says what they were then
                broken.add(name)
    kept = [
        name
        for name in values
        if (name in broken or state[name] != sorted(now.get(name) or []))
        and not set(now.get(name) or []) <= set(values[name])
    ]
    return {name: value for name, value in values.items() if name not in kept}, kept


def unrestored_message(model, names: list[str]) -> str:
    """What a restore that left link fields as they are tells the user: one sentence per field."""
    from django.utils.translation import gettext as _

    labels = link_labels(model)
    parts = []
    for name in names:
        label = str(labels.get(name) or name)
        parts.append(
            _(
                "%(Label)s tidak dipulihkan: perubahan %(label)s sebelumnya tidak tercatat di riwayat, "
                "sehingga %(label)s yang ada sekarang dipertahankan."
            )
            % {"Label": label[:1].upper() + label[1:], "label": label}
        )
    return " ".join(parts)


def link_labels(model) -> dict[str, Any]:
    links = links_for(model)
    return dict(links.labels or {}) if links is not None else {}


def describe_links(model, changes: list[dict[str, Any]]) -> dict[str, dict[Any, str]]:
    """{link name: {id or code: "name (id)"}} for every value the link fields of `changes` (events'
    [before, after] pairs) mention: one query per link field, records deleted since left unnamed."""
    links = links_for(model)
    if links is None or not links.targets:
        return {}
    wanted: dict[str, set] = {}
    for change in changes:
        for name in links.targets:
            pair = (change or {}).get(name)
            if isinstance(pair, list):
                for side in pair:
                    wanted.setdefault(name, set()).update(side or [])
    return {
        name: {obj.pk: _named(obj) for obj in links.targets[name]._base_manager.filter(pk__in=values)}
        for name, values in wanted.items()
        if values
    }


def _named(obj: models.Model) -> str:
    """The record's name with its id, unless the name already starts with it (a region: "64.09 Kab. …").
    Not "the id appears somewhere in the name": enterprise 2 of "UD Amplang 2572" must still say (2)."""
    text, key = str(obj), str(obj.pk)
    return text if text == key or text.startswith(f"{key} ") else f"{text} ({key})"


def refuse_outside(what: str, items) -> None:
    """The refusal of a `check`: the version links `what` (e.g. "desa/kelurahan") outside the actor's
    region — 403, as an edit moving a record outside is refused; the items are the version's own."""
    from django.utils.translation import gettext as _

    from sentra.core.errors import AccessDenied

    raise AccessDenied(
        _("Versi ini menautkan %(what)s di luar wilayah kerja Anda (%(items)s); tidak dapat dipulihkan.")
        % {"what": what, "items": ", ".join(map(str, items))}
    )
