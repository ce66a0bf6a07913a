"""Writing history: every service that changes a record calls `record_change` in the same transaction."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.accounts.permissions import Action
from sentra.accounts.scope import Actor, require_record
from sentra.core.errors import DomainError

from .models import AuditAction, AuditBatch, AuditEvent

# Bookkeeping columns whose change is not a change of the data.
IGNORED_FIELDS = frozenset({"created_at", "updated_at"})


def object_type(obj_or_model) -> str:
    return obj_or_model._meta.label_lower


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The record's own columns as JSON values (foreign keys by id), without bookkeeping columns."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in IGNORED_FIELDS:
            continue
        data[field.attname] = _json_value(getattr(obj, field.attname))
    return data


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list[Any]]:
    before, after = before or {}, after or {}
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def batch_start(*, actor: Actor, kind: str, description: str = "") -> AuditBatch:
    return AuditBatch.objects.create(
        kind=kind,
        description=description[:300],
        user_id=actor.user_id,
        username=actor.username,
        channel=actor.channel,
    )


def record_change(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    reason: str = "",
    batch: AuditBatch | None = None,
) -> AuditEvent | None:
    """Records one change; an update that changed nothing leaves no trace."""
    after = None if action == AuditAction.DELETE else snapshot(obj)
    changes = diff(before, after)
    if action == AuditAction.UPDATE and not changes:
        return None
    return AuditEvent.objects.create(
        user_id=actor.user_id,
        username=actor.username,
        channel=actor.channel,
        ip=actor.ip,
        action=action,
        object_type=object_type(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        region_code=getattr(obj, "scope_code", "") or "",
        changes=changes,
        snapshot=before if action == AuditAction.DELETE else after,
        reason=reason[:500],
        batch=batch,
    )


class BulkEvents:
    """Many events of one batch, one actor and one kind of record, written as plain rows in batches by
    core.imports.insert_many (executemany / COPY) instead of the ORM: the values record_change would
    store, for imports of a million rows. Call flush() at the end; it runs in the caller's transaction."""

    COLUMNS = (
        "at",
        "user_id",
        "username",
        "channel",
        "ip",
        "object_type",
        "reason",
        "batch_id",
        "action",
        "object_id",
        "object_repr",
        "region_code",
        "changes",
        "snapshot",
    )

    def __init__(
        self, *, actor: Actor, batch: AuditBatch, model: type[models.Model], size: int = 2_000
    ) -> None:
        from django.db import connections, router

        self.db = connections[router.db_for_write(AuditEvent)]
        meta = AuditEvent._meta
        fields = {f.attname: f for f in meta.concrete_fields}
        missing = {
            name
            for name in set(fields) - set(self.COLUMNS) - {meta.pk.attname}
            if not (fields[name].has_db_default() or fields[name].null)
        }
        assert not missing, f"BulkEvents does not fill {sorted(missing)}"
        constants = (
            timezone.now(),
            actor.user_id,
            actor.username,
            actor.channel,
            actor.ip,
            object_type(model),
        )
        self.prefix = (
            *(fields[n].get_db_prep_save(v, self.db) for n, v in zip(self.COLUMNS, constants, strict=False)),
            "",
            batch.pk,
        )
        self.table = meta.db_table
        self.db_columns = tuple(fields[c].column for c in self.COLUMNS)
        self.size = size
        self.pending: list[tuple[Any, ...]] = []
        # What JSONField would store (ASCII JSON), without its per-value cost; compact separators.
        self.dumps = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode

    def add(self, action: str, pk: int, name: str, region: str, changes: dict, after: dict | None) -> None:
        self.pending.append(
            (
                *self.prefix,
                str(action),
                pk,
                str(name)[:200],
                region or "",
                self.dumps(changes),
                self.dumps(after if after is not None else {}),
            )
        )
        if len(self.pending) >= self.size:
            self.flush()

    def flush(self) -> None:
        from sentra.core.imports import insert_many

        if self.pending:
            insert_many(self.db, self.table, self.db_columns, self.pending)
            self.pending = []


def _apply(obj: models.Model, values: dict[str, Any]) -> None:
    for field in obj._meta.concrete_fields:
        if field.attname in values and not field.primary_key:
            value = values[field.attname]
            if value is not None and isinstance(field, models.DateTimeField | models.DateField):
                value = field.to_python(value)
            setattr(obj, field.attname, value)


@transaction.atomic
def restore_version(*, actor: Actor, event: AuditEvent, reason: str = "") -> models.Model:
    """Brings a record back to its state after `event`; the restore is itself recorded."""
    from django.apps import apps

    model = apps.get_model(event.object_type)
    obj = model.objects.select_for_update().filter(pk=event.object_id).first()
    if obj is None:
        raise DomainError(_("Data ini sudah dihapus dan tidak dapat dipulihkan di sini."), code="gone")
    require_record(actor, Action.RESTORE, obj)
    from sentra.verification.services import VERIFICATION_FIELDS, ensure_editable, mark_edited

    ensure_editable(obj)
    before = snapshot(obj)
    _apply(obj, {k: v for k, v in event.snapshot.items() if k not in VERIFICATION_FIELDS})
    mark_edited(obj)
    obj.full_clean()
    obj.save()
    record_change(
        actor=actor,
        action=AuditAction.RESTORE,
        obj=obj,
        before=before,
        reason=reason
        or _("Dipulihkan ke versi %(at)s") % {"at": timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M")},
    )
    return obj


@transaction.atomic
def _restore_links(obj, earlier: dict, event, batch, actor: Actor, reason: str) -> None:
    """Links that live in rows of their own (a centre's villages and members) are recorded in an
    import's events under pseudo-field names; put them back too, and record that in the undo."""
    from sentra.registry.models import CENTRE_LINK_FIELDS, Centre, centre_links, centre_links_restore

    if not isinstance(obj, Centre):
        return
    links = {name: earlier[name] for name in CENTRE_LINK_FIELDS if name in earlier}
    if not links:
        return
    now = centre_links(obj)
    centre_links_restore(obj, links)
    changes = {name: [now[name], links[name]] for name in links if now[name] != sorted(links[name] or [])}
    if not changes:
        return
    if event is None:  # no field changed, only links: an event of their own
        event = AuditEvent.objects.create(
            user_id=actor.user_id,
            username=actor.username,
            channel=actor.channel,
            ip=actor.ip,
            action=AuditAction.ROLLBACK,
            object_type=object_type(obj),
            object_id=obj.pk,
            object_repr=str(obj)[:200],
            region_code=getattr(obj, "scope_code", "") or "",
            changes={},
            snapshot=snapshot(obj),
            reason=reason[:500],
            batch=batch,
        )
    event.changes = {**event.changes, **changes}
    event.save(update_fields=["changes"])


def batch_rollback(*, actor: Actor, batch: AuditBatch, reason: str = "") -> int:
    """Undoes every change of a batch (an import): created records are deleted, updated ones get
    their earlier values back. All or nothing; the undo is itself a recorded batch."""
    from django.apps import apps

    from sentra.verification.services import ensure_editable

    batch = AuditBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.rolled_back_at:
        raise DomainError(_("Impor ini sudah dibatalkan."), code="already_rolled_back")
    undo = batch_start(actor=actor, kind="rollback", description=f"{batch.kind} #{batch.pk}")
    count = 0
    for event in batch.events.order_by("-id").iterator():
        model = apps.get_model(event.object_type)
        obj = model.objects.filter(pk=event.object_id).first()
        if obj is None:
            continue  # deleted since; nothing left to undo
        require_record(actor, Action.ROLLBACK, obj)
        ensure_editable(obj)
        if event.action == AuditAction.CREATE:
            record_change(
                actor=actor,
                action=AuditAction.DELETE,
                obj=obj,
                before=snapshot(obj),
                reason=reason,
                batch=undo,
            )
            obj.delete()
        else:
            before = snapshot(obj)
            earlier = {name: values[0] for name, values in event.changes.items()}
            _apply(obj, earlier)
            obj.save()
            event_undo = record_change(
                actor=actor, action=AuditAction.ROLLBACK, obj=obj, before=before, reason=reason, batch=undo
            )
            _restore_links(obj, earlier, event_undo, undo, actor, reason)
        count += 1
    batch.rolled_back_at = timezone.now()
    batch.rolled_back_by = actor.username
    batch.save(update_fields=["rolled_back_at", "rolled_back_by"])
    return count
