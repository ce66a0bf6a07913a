"""Reading history, within the reader's scope."""

from __future__ import annotations

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
