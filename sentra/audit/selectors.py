"""Reading history, within the reader's scope."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import QuerySet

from sentra.accounts.scope import Actor, require_record

from .models import AuditBatch, AuditEvent
from .services import object_type


def history_for(*, actor: Actor, obj: models.Model) -> QuerySet[AuditEvent]:
    """A record's history, newest first; reading it needs the right to view the record."""
    require_record(actor, "view", obj)
    return AuditEvent.objects.filter(object_type=object_type(obj), object_id=obj.pk).order_by("-at", "-id")


def event_get(*, actor: Actor, obj: models.Model, event_id: int) -> AuditEvent | None:
    return history_for(actor=actor, obj=obj).filter(pk=event_id).first()


def batch_list(*, actor: Actor) -> QuerySet[AuditBatch]:
    qs = AuditBatch.objects.order_by("-created_at")
    if actor.is_superuser or (actor.is_national and actor.can("rollback")):
        return qs
    return qs.filter(user_id=actor.user_id)


def describe_references(
    model: type[models.Model], changes: list[dict[str, Any]]
) -> dict[str, dict[Any, str]]:
    """{column: {stored id: the record's name}} for every foreign key value the events' changes
    mention ([before, after] pairs keyed by column, e.g. "agency_id"), so a history reads "owning
    agency → Dinas Perindustrian Kab. Penajam Paser Utara" rather than "→ 6".

    Domain-free on purpose: the target model is the field's own `related_model` and the name its
    `str()` (a user: their full name when they have one). One query per foreign key mentioned;
    records deleted since stay as their id."""
    wanted: dict[str, tuple[models.Field, set]] = {}
    foreign_keys = {f.attname: f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one}
    for change in changes:
        for column, pair in (change or {}).items():
            field = foreign_keys.get(column)
            if field is None or field.related_model is None:
                continue
            sides = pair if isinstance(pair, list) else [pair]
            values = {v for v in sides if v not in (None, "") and not isinstance(v, list | dict)}
            if values:
                wanted.setdefault(column, (field, set()))[1].update(values)
    names: dict[str, dict[Any, str]] = {}
    for column, (field, values) in wanted.items():
        target = field.related_model
        key = field.target_field.attname
        records = target._base_manager.filter(**{f"{key}__in": values})
        names[column] = {}
        for obj in records:
            # JSON keeps an integer id as a number, yet a value restored from a form may be text.
            names[column][getattr(obj, key)] = names[column][str(getattr(obj, key))] = _name(obj)
    return names


def _name(obj: models.Model) -> str:
    full_name = getattr(obj, "get_full_name", None)
    if callable(full_name) and full_name():
        return full_name()
    return str(obj)
