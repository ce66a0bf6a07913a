"""Writing history: every service that changes a record calls `record_change` in the same transaction."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.accounts.permissions import Action
from sentra.accounts.scope import Actor, code_in_scope, require_record
from sentra.core.errors import AccessDenied, DomainError
from sentra.core.validation import full_clean_or_raise

from .links import (
    check_links,
    link_values,
    read_links,
    restorable_links,
    restore_links,
    unrestored_message,
)
from .models import AuditAction, AuditBatch, AuditEvent
from .signals import placed_records_written

# Bookkeeping columns whose change is not a change of the data. `version` (core.versioning) counts
# writes: a restore or a rollback must not bring an old one back, so snapshots leave it out.
IGNORED_FIELDS = frozenset({"created_at", "updated_at", "version"})


def object_type(obj_or_model) -> str:
    return obj_or_model._meta.label_lower


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):  # a UUID: the client ids of records synced from phones
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The record's own columns as JSON values (foreign keys by id), without bookkeeping columns,
    and its links (audit.links: a centre's villages and members…) under their pseudo-field names, so
    that every recorded change lists the links added and removed and a restore brings them back."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in IGNORED_FIELDS:
            continue
        data[field.attname] = _json_value(getattr(obj, field.attname))
    data.update(read_links(obj))
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
    compared = after
    if before is not None and after is not None:
        # A `before` made without the links (by hand) says nothing about them: no change to report.
        unknown = set(link_values(obj, after)) - set(before)
        compared = {k: v for k, v in after.items() if k not in unknown}
    changes = diff(before, compared)
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
        self,
        *,
        actor: Actor,
        batch: AuditBatch,
        model: type[models.Model],
        size: int = 2_000,
        reason: str = "",
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
            reason[:500],
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


def _place(obj: models.Model) -> None:
    """Columns copied from the record's place follow the place a version brings back, as the services
    set them: a registry record's province_code/regency_code from its village (place_in), a plan's
    region and codes from its agency (place_at_agency). An old version may predate those columns."""
    if callable(getattr(obj, "place_in", None)) and getattr(obj, "village_id", None):
        obj.place_in(obj.village_id)
    elif callable(getattr(obj, "place_at_agency", None)) and getattr(obj, "agency_id", None):
        obj.place_at_agency(obj.agency)


def _require_own_rule(actor: Actor, obj: models.Model) -> None:
    """A record its app writes under a rule of its own (only a meeting's organisers change it, only an
    agreement's owning office) declares `restore_check(actor)`, raising what the edit would raise: a
    restore is a write, so the same rule applies. Audit calls it without knowing the domain."""
    check = getattr(obj, "restore_check", None)
    if callable(check):
        check(actor)


def _require_reach(actor: Actor, obj: models.Model) -> None:
    """A restore is a write: the record as it WOULD BECOME must stay inside the actor's region (as an
    edit moving it elsewhere is refused) and within what their role may change (own-agency rule)."""
    if not code_in_scope(actor, obj.scope_code):
        raise AccessDenied(
            _("Versi ini menempatkan data di luar wilayah kerja Anda; tidak dapat dipulihkan.")
        )
    require_record(actor, Action.RESTORE, obj)


@transaction.atomic
def restore_version(*, actor: Actor, event: AuditEvent, reason: str = "") -> models.Model:
    """Brings a record back to its state after `event` — fields and links (audit.links) — and records
    the restore. Checked twice before anything is written: the record as it is must be the actor's to
    restore, and the record as it would become (its place, its owner, its links) must be too.

    A link field comes back only if the version recorded it and nothing changed it since without an
    event (audit.links.restorable_links); otherwise it is left as it is, and the returned record's
    `restore_notice` says which (empty when everything came back) for the channel to show."""
    from django.apps import apps

    from sentra.verification.services import VERIFICATION_FIELDS, ensure_editable, mark_edited

    model = apps.get_model(event.object_type)
    obj = model.objects.select_for_update().filter(pk=event.object_id).first()
    if obj is None:
        raise DomainError(_("Data ini sudah dihapus dan tidak dapat dipulihkan di sini."), code="gone")
    require_record(actor, Action.RESTORE, obj)
    _require_own_rule(actor, obj)
    ensure_editable(obj)
    before = snapshot(obj)
    place = _placement_column(model)
    was_at = getattr(obj, place) if place else None
    values = {k: v for k, v in (event.snapshot or {}).items() if k not in VERIFICATION_FIELDS}
    links, kept = restorable_links(obj, event, link_values(obj, values))
    _apply(obj, values)
    _place(obj)
    _require_reach(actor, obj)
    check_links(actor, obj, links)
    mark_edited(obj)
    full_clean_or_raise(obj)
    obj.save()
    if place:
        placed_records_written.send(sender=model, places={was_at, getattr(obj, place)} - {None})
    restore_links(obj, links)
    record_change(
        actor=actor,
        action=AuditAction.RESTORE,
        obj=obj,
        before=before,
        reason=reason
        or _("Dipulihkan ke versi %(at)s") % {"at": timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M")},
    )
    obj.restore_notice = unrestored_message(obj, kept)
    return obj


@transaction.atomic
def _restore_links(obj, earlier: dict, event, batch, actor: Actor, reason: str) -> None:
    """Links (audit.links) an undone event recorded under their pseudo-field names are put back too,
    through the owning app's registered hook, and the undo's event lists them (its snapshot taken
    again, links included). `event` None: no field changed, the links get an event of their own."""
    changes = restore_links(obj, link_values(obj, earlier))
    if not changes:
        return
    if event is None:
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
            reason=reason[:500],
            batch=batch,
        )
    event.changes = {**event.changes, **changes}
    event.snapshot = snapshot(obj)
    event.save(update_fields=["changes", "snapshot"])


class RollbackCount(int):
    """What batch_rollback returns: the number of records undone (an int, as before), and `kept`, the
    records left as they are because they changed after the batch (see changed_since)."""

    kept: tuple[dict[str, Any], ...] = ()

    def __new__(cls, undone: int, kept: list[dict[str, Any]] | tuple = ()) -> RollbackCount:
        value = super().__new__(cls, undone)
        value.kept = tuple(kept)
        return value


# Seconds a rollback waits for a concurrent writer (SQLite's write lock, a PostgreSQL row lock) before
# it gives up with DomainError `busy`, having changed nothing.
ROLLBACK_WAIT = 30
# Records undone per group of statements: bounded memory and statement size, one transaction throughout.
ROLLBACK_CHUNK = 2_000
# Records named in the message of a `changed_since` refusal (all of them are in its `errors`, up to
# CHANGED_LISTED).
CHANGED_SHOWN = 10
CHANGED_LISTED = 500


def is_busy(exc: BaseException) -> bool:
    """A lock held by another connection: SQLite's "database is locked" ("database table is locked" in
    shared cache), PostgreSQL's lock timeout (55P03), deadlock (40P01) or serialization failure (40001)."""
    from django.db import OperationalError

    if not isinstance(exc, OperationalError):
        return False
    if getattr(exc.__cause__, "sqlstate", None) in ("55P03", "40P01", "40001"):
        return True
    return "is locked" in str(exc)


def busy_error() -> DomainError:
    return DomainError(
        _(
            "Data sedang diubah pengguna lain, sehingga impor belum dapat dibatalkan. Tidak ada yang "
            "berubah; coba lagi sebentar lagi."
        ),
        code="busy",
    )


def changed_since(batch: AuditBatch) -> list[dict[str, Any]]:
    """Records of the batch that changed after it: they have a later event that is not the batch's own
    (an edit, a verification step, a restore, another import or its rollback, a delete), or they are
    now accepted and locked. Each as {object_type, object_id, name} (the name the batch recorded),
    in the batch's order. One query, plus one per kind of record that is verified."""
    from django.apps import apps

    later = AuditEvent.objects.filter(
        object_type=models.OuterRef("object_type"),
        object_id=models.OuterRef("object_id"),
        id__gt=models.OuterRef("id"),
    ).exclude(batch_id=batch.pk)
    columns = ("id", "object_type", "object_id", "object_repr")
    rows = batch.events.filter(models.Exists(later)).values(*columns)
    found = {(r["object_type"], r["object_id"]): r for r in rows}
    for label in batch.events.order_by().values_list("object_type", flat=True).distinct():
        model = apps.get_model(label)
        if "verification_status" not in {f.attname for f in model._meta.concrete_fields}:
            continue
        from sentra.verification.models import VerificationStatus

        locked = model._base_manager.filter(
            pk__in=batch.events.filter(object_type=label).values("object_id"),
            verification_status=VerificationStatus.ACCEPTED,
        ).values("pk")
        for r in batch.events.filter(object_type=label, object_id__in=locked).values(*columns):
            found.setdefault((label, r["object_id"]), r)
    return [
        {"object_type": r["object_type"], "object_id": r["object_id"], "name": r["object_repr"]}
        for r in sorted(found.values(), key=lambda r: r["id"])
    ]


def changed_since_error(changed: list[dict[str, Any]]) -> DomainError:
    from sentra.core.errors import FieldError

    names = ", ".join(f"{c['name']} (#{c['object_id']})" for c in changed[:CHANGED_SHOWN])
    if len(changed) > CHANGED_SHOWN:
        names += _(" dan %(n)d lainnya") % {"n": len(changed) - CHANGED_SHOWN}
    return DomainError(
        _(
            "%(n)d data impor ini sudah diubah setelah impor: %(names)s. Tidak ada yang dibatalkan. "
            "Pilih “pertahankan data yang berubah” untuk membatalkan sisanya dan membiarkan data "
            "tersebut seperti sekarang."
        )
        % {"n": len(changed), "names": names},
        code="changed_since",
        errors=[
            FieldError(field=f"{c['object_type']}:{c['object_id']}", message=c["name"], code="changed_since")
            for c in changed[:CHANGED_LISTED]
        ],
    )


def _placement_column(model: type[models.Model]) -> str | None:
    """The column a record's `scope_code` reads: the village of region-placed records (registries),
    the region of agency-placed ones (programmes). None when the model has neither."""
    names = {f.attname for f in model._meta.concrete_fields}
    return next((c for c in ("village_id", "region_id") if c in names), None)


def _require_rollback_all(actor: Actor, model: type[models.Model], rows: models.QuerySet) -> None:
    """require_record(actor, ROLLBACK, record) for every record of `rows`, in a query or two: all of
    them inside the actor's region, and of the actor's agency for own-agency roles."""
    from sentra.accounts.permissions import OWN_AGENCY_ONLY
    from sentra.accounts.scope import region_q, require
    from sentra.core.errors import AccessDenied
    from sentra.regions.selectors import region_filter_q

    require(actor, Action.ROLLBACK)
    if actor.is_superuser:
        return
    names = {f.attname for f in model._meta.concrete_fields}
    column = _placement_column(model)
    if column is None:  # no placement column to filter on: the records' own rule, one by one
        for obj in rows.iterator(chunk_size=ROLLBACK_CHUNK):
            require_record(actor, Action.ROLLBACK, obj)
        return
    if actor.region_code is not None:
        if {"province_code", "regency_code", "village_id"} <= names:
            scope = region_q(actor)
        else:
            scope = region_filter_q(column, actor.region_code)
        outside = rows.exclude(scope).count()
        if outside:
            raise AccessDenied(
                _("%(n)d data impor ini berada di luar wilayah kerja Anda; impor tidak dapat dibatalkan.")
                % {"n": outside}
            )
    own_agency = actor.role in OWN_AGENCY_ONLY and "agency_id" in names
    if own_agency and rows.exclude(agency_id=actor.agency_id).exists():
        raise AccessDenied(_("Data ini milik instansi lain; Anda hanya dapat membacanya."))


class _Undo:
    """One kind of record of a batch being undone: its columns, and the plain-row writes."""

    def __init__(
        self, *, model: type[models.Model], actor: Actor, undo: AuditBatch, reason: str, connection
    ) -> None:
        self.model, self.actor, self.undo, self.reason = model, actor, undo, reason
        self.connection = connection
        meta = model._meta
        self.fields = {f.attname: f for f in meta.concrete_fields}
        self.pk = meta.pk.attname
        self.audited = [
            f.attname for f in meta.concrete_fields if not f.primary_key and f.name not in IGNORED_FIELDS
        ]
        self.place = _placement_column(model)
        self.events = BulkEvents(actor=actor, batch=undo, model=model, size=ROLLBACK_CHUNK, reason=reason)
        self.stamp = None
        updated_at = self.fields.get("updated_at")
        if updated_at is not None and getattr(updated_at, "auto_now", False):
            self.stamp = updated_at.get_db_prep_save(timezone.now(), connection)
        # core.versioning: every write counts up, a rollback too (in the UPDATE itself).
        self.versioned = "version" in self.fields

    def current(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """The records' stored values as snapshot() gives them, by id."""
        rows = self.model._base_manager.filter(pk__in=ids).values(self.pk, *self.audited)
        return {r[self.pk]: {n: _json_value(r[n]) for n in self.audited} for r in rows}

    def delete(self, ids: list[int], names: dict[int, str]) -> int:
        """Deletes the records that still exist, with what depends on them (Django's collector:
        one DELETE per dependent table and per slice of ids), after recording each as deleted."""
        from django.db.models import ProtectedError, RestrictedError

        rows = self.model._base_manager.filter(pk__in=ids)
        _require_rollback_all(self.actor, self.model, rows)
        before = self.current(ids)
        for pk, values in before.items():
            self.events.add(
                AuditAction.DELETE, pk, names.get(pk, ""), self._region(values), diff(values, None), values
            )
        self.events.flush()
        try:
            rows.delete()
            self._written(before.values())
        except (ProtectedError, RestrictedError) as exc:
            users = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
            used = sorted({str(o) for o in list(users)[:5]})
            raise DomainError(
                _(
                    "Sebagian data yang dibuat impor ini sudah dipakai data lain (%(used)s); impor tidak "
                    "dapat dibatalkan sebelum data itu dilepas. Tidak ada yang berubah."
                )
                % {"used": ", ".join(used)},
                code="in_use",
            ) from exc
        return len(before)

    def restore(self, changes: list[tuple[int, dict[str, list[Any]]]], names: dict[int, str]) -> int:
        """Puts the earlier values back: one executemany UPDATE per set of changed columns. Links
        recorded under pseudo-field names (a centre's villages and members) go back through
        _restore_links, record by record (few: only centres carry them)."""
        rows = self.model._base_manager.filter(pk__in=[pk for pk, _c in changes])
        _require_rollback_all(self.actor, self.model, rows)
        stored = self.current([pk for pk, _c in changes])
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        linked, written = [], []
        for pk, recorded in changes:
            before = stored.get(pk)
            if before is None:
                continue  # deleted since (reported by changed_since unless kept): nothing to undo
            earlier = {name: values[0] for name, values in recorded.items()}
            columns = tuple(sorted(n for n in earlier if n in self.fields and n in before))
            restored = {**before, **{n: earlier[n] for n in columns}}
            written.append(restored)
            if columns:
                groups.setdefault(columns, []).append((*(self._db_value(n, earlier[n]) for n in columns), pk))
            if any(n not in self.fields for n in earlier):
                linked.append((pk, earlier, before, restored))
                continue
            changed = diff(before, restored)
            if changed:
                region = self._region(restored)
                self.events.add(AuditAction.ROLLBACK, pk, names.get(pk, ""), region, changed, restored)
        quote = self.connection.ops.quote_name
        for columns, values in groups.items():
            sets = [f"{quote(self.fields[n].column)} = %s" for n in columns]
            extra: tuple[Any, ...] = ()
            if self.stamp is not None:
                sets.append(f"{quote(self.fields['updated_at'].column)} = %s")
                extra = (self.stamp,)
            if self.versioned:
                version = quote(self.fields["version"].column)
                sets.append(f"{version} = {version} + 1")
            sql = (
                f"UPDATE {quote(self.model._meta.db_table)} SET {', '.join(sets)} "  # nosec B608: model names
                f"WHERE {quote(self.fields[self.pk].column)} = %s"
            )
            params = [(*v[:-1], *extra, v[-1]) for v in values]
            with self.connection.cursor() as cursor:
                cursor.executemany(sql, params)
        self._written([*stored.values(), *written])
        self.events.flush()
        for pk, earlier, before, restored in linked:
            obj = self.model._base_manager.get(pk=pk)
            changed = diff(before, restored)
            event = None
            if changed:
                event = AuditEvent.objects.create(
                    user_id=self.actor.user_id,
                    username=self.actor.username,
                    channel=self.actor.channel,
                    ip=self.actor.ip,
                    action=AuditAction.ROLLBACK,
                    object_type=object_type(obj),
                    object_id=obj.pk,
                    object_repr=str(obj)[:200],
                    region_code=getattr(obj, "scope_code", "") or "",
                    changes=changed,
                    snapshot=restored,
                    reason=self.reason[:500],
                    batch=self.undo,
                )
            _restore_links(obj, earlier, event, self.undo, self.actor, self.reason)
        return len(stored)

    def _region(self, values: dict[str, Any]) -> str:
        return (values.get(self.place) or "") if self.place else ""

    def _written(self, values: Iterable[dict[str, Any]]) -> None:
        """Tells the domains (audit.signals) which places the undo wrote to, before and after."""
        if self.place:
            places = {v.get(self.place) for v in values} - {None}
            if places:
                placed_records_written.send(sender=self.model, places=places)

    def _db_value(self, name: str, value: Any) -> Any:
        field = self.fields[name]
        if value is not None:
            value = field.to_python(value)
        return field.get_db_prep_save(value, self.connection)


def _referrers_first(labels) -> list[str]:
    """The kinds of record to delete, those that refer to another kind of the batch first (a centre
    before the decree it names), so that no delete meets a protected reference of the same batch."""
    from django.apps import apps

    models_of = {label: apps.get_model(label) for label in labels}
    refers = {
        label: {
            other
            for other, target in models_of.items()
            if other != label
            and any(getattr(f, "related_model", None) is target for f in model._meta.concrete_fields)
        }
        for label, model in models_of.items()
    }
    order: list[str] = []
    remaining = list(models_of)
    while remaining:
        # next: a kind no other remaining kind refers to
        free = [k for k in remaining if not any(k in refers[o] for o in remaining if o != k)]
        pick = free[0] if free else remaining[0]  # a cycle: the batch's order
        order.append(pick)
        remaining.remove(pick)
    return order


def _chunks(items: list, size: int = ROLLBACK_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _LockWait:
    """How long the rollback waits for a lock: SQLite's busy timeout for its BEGIN IMMEDIATE (set for
    this transaction only, then given back), PostgreSQL's lock_timeout (SET LOCAL, inside it)."""

    def __init__(self, connection, seconds: float) -> None:
        self.connection, self.ms = connection, max(1, int(seconds * 1000))
        self.previous = None

    def __enter__(self):
        if self.connection.vendor == "sqlite" and not self.connection.in_atomic_block:
            self.connection.ensure_connection()
            with self.connection.cursor() as cursor:
                self.previous = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
                cursor.execute(f"PRAGMA busy_timeout = {self.ms}")
        return self

    def inside(self) -> None:
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{self.ms}ms"])

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            with self.connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(self.previous)}")


def batch_rollback(
    *,
    actor: Actor,
    batch: AuditBatch,
    reason: str = "",
    keep_changed: bool = False,
    wait: float | None = None,
    on_progress: Any = None,
) -> RollbackCount:
    """Undoes every change of a batch (an import): created records are deleted (with the rows that
    depend on them), updated ones get their earlier values back. All or nothing: one transaction of
    set-based statements, as the imports write, so a failure or a killed process leaves the batch
    exactly as it was. The undo is itself a recorded batch (kind "rollback"); the batch is marked
    rolled back in the same transaction.

    The rule for records changed after the batch (changed_since): by default the rollback is refused
    (DomainError `changed_since`, naming them); with keep_changed=True the rest is rolled back and
    those are left as they are now (listed in the result's `kept`).

    The actor must be allowed to roll back every record (require_record(ROLLBACK), checked per kind
    of record in one query). A lock held by a concurrent writer is waited for up to `wait` seconds
    (ROLLBACK_WAIT), then DomainError `busy`. `on_progress(done, total)` is called as records are undone.
    """
    from django.db import connections, router

    alias = router.db_for_write(AuditEvent)
    connection = connections[alias]
    wait = ROLLBACK_WAIT if wait is None else wait
    try:
        with _LockWait(connection, wait) as lock_wait, transaction.atomic(using=alias):
            lock_wait.inside()
            return _rollback(actor, batch.pk, reason, keep_changed, on_progress, connection)
    except DomainError:
        raise
    except Exception as exc:
        if is_busy(exc):
            raise busy_error() from exc
        raise


def _rollback(actor, batch_pk, reason, keep_changed, on_progress, connection) -> RollbackCount:
    from django.apps import apps

    from sentra.accounts.scope import require

    require(actor, Action.ROLLBACK)
    batch = AuditBatch.objects.select_for_update().get(pk=batch_pk)
    if batch.rolled_back_at:
        raise DomainError(_("Impor ini sudah dibatalkan."), code="already_rolled_back")
    changed = changed_since(batch)
    if changed and not keep_changed:
        raise changed_since_error(changed)
    kept = {(c["object_type"], c["object_id"]) for c in changed}
    undo = batch_start(actor=actor, kind="rollback", description=f"{batch.kind} #{batch.pk}")
    created: dict[str, list[int]] = {}
    updated: dict[str, list[tuple[int, dict]]] = {}
    names: dict[str, dict[int, str]] = {}
    events = batch.events.order_by("id")
    for label, pk, name in events.filter(action=AuditAction.CREATE).values_list(
        "object_type", "object_id", "object_repr"
    ):
        if (label, pk) not in kept:
            created.setdefault(label, []).append(pk)
            names.setdefault(label, {})[pk] = name
    for label, pk, name, changes in events.exclude(action=AuditAction.CREATE).values_list(
        "object_type", "object_id", "object_repr", "changes"
    ):
        if (label, pk) not in kept:
            updated.setdefault(label, []).append((pk, changes))
            names.setdefault(label, {})[pk] = name
    total = sum(map(len, created.values())) + sum(map(len, updated.values()))
    done = count = 0
    undoers = {
        label: _Undo(
            model=apps.get_model(label), actor=actor, undo=undo, reason=reason, connection=connection
        )
        for label in {*created, *updated}
    }
    # Earlier values first (a centre's links may name records of other batches), then the deletes.
    for label, changes in updated.items():
        for chunk in _chunks(changes):
            count += undoers[label].restore(chunk, names[label])
            done += len(chunk)
            if on_progress:
                on_progress(done, total)
    for label in _referrers_first(created):
        ids = created[label]
        for chunk in _chunks(ids):
            count += undoers[label].delete(chunk, names[label])
            done += len(chunk)
            if on_progress:
                on_progress(done, total)
    batch.rolled_back_at = timezone.now()
    batch.rolled_back_by = actor.username
    batch.save(update_fields=["rolled_back_at", "rolled_back_by"])
    return RollbackCount(count, changed)
