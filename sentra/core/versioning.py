"""Record versions: no edit silently overwrites another (optimistic locking, issue 12 point 3).

Every editable record carries `version`, 1 when created and one more after every write, whoever makes
it: a form, the API, an import, a restore or a rollback. A reader keeps the version it saw (the web
form as a hidden field, an API client as the `ETag`) and hands it back with its change; the service
locks the row, compares, and refuses with `StaleVersion` (code `stale`) when someone else wrote in
between. Without a version (an API PATCH without If-Match) the change still applies to the latest row
under the same lock, field by field, so two concurrent writers serialize instead of racing.

One mechanism bumps the version, so no write path can forget it:
- `Versioned.save()` on an existing row writes `version = version + 1` in the UPDATE itself (an SQL
  expression, not the value in memory: a restore that copies an old snapshot back, or two saves racing,
  still count up) and reads the new value back;
- bulk writes (imports: bulk_update, QuerySet.update) set `version=bump()` themselves.
The version is bookkeeping, not data: audit snapshots leave it out, so restoring or rolling back an old
state never brings an old version back.
"""

from __future__ import annotations

from django.db import migrations, models
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from .errors import StaleVersion

VERSION_FIELD = "version"


def bump() -> models.Expression:
    """The version of a bulk write: `QuerySet.update(..., version=bump())`, or set on each object
    before `bulk_update(objs, [..., "version"])`."""
    return F(VERSION_FIELD) + 1


def version_field() -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        _l("versi"),
        default=1,
        db_default=1,  # rows inserted without the ORM (imports' COPY/executemany) start at 1 too
        editable=False,
        help_text=_l("Naik satu setiap kali data ini diubah."),
    )


class Versioned(models.Model):
    version = version_field()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        seen = self.version
        self.version = bump()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], VERSION_FIELD}
        try:
            super().save(*args, **kwargs)
        except BaseException:
            self.version = seen
            raise
        self.version = (
            type(self)
            ._base_manager.using(self._state.db)
            .values_list(VERSION_FIELD, flat=True)
            .get(pk=self.pk)
        )


def check_version(obj: Versioned, expected: int | None) -> None:
    """Refuses (StaleVersion, code `stale`) when `expected` is given and is not the record's version."""
    if expected is not None and obj.version != expected:
        raise StaleVersion(
            _("Data ini sudah diubah orang lain sejak Anda membukanya (kini versi %(current)s).")
            % {"current": obj.version},
            current=obj.version,
        )


def lock_latest(obj: Versioned, expected: int | None = None) -> Versioned:
    """Locks the record's row until the end of the transaction and reloads its latest values into
    `obj` (a change applies to what is stored now, not to what was read before), then checks
    `expected`. Call it inside transaction.atomic, first thing in an update or a delete."""
    model = type(obj)
    obj.refresh_from_db(from_queryset=model._base_manager.select_for_update())
    check_version(obj, expected)
    return obj


class AddVersionField(migrations.AddField):
    """The migration operation that gives an existing table its `version` column without rewriting it.

    PostgreSQL 11+ adds a column with a constant default as a catalogue change: no rewrite (the CHECK
    of a positive integer reads the table once, under the lock). Django's SQLite backend would copy the
    whole table (it rebuilds a table for any NOT NULL column); SQLite's own ALTER TABLE ADD COLUMN with
    a constant default only changes the schema, so that is what runs there.
    """

    def __init__(self, model_name: str, **kwargs) -> None:
        super().__init__(model_name=model_name, name=VERSION_FIELD, field=version_field())

    def deconstruct(self):
        return self.__class__.__name__, [], {"model_name": self.model_name}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        field = model._meta.get_field(self.name)
        definition, params = schema_editor.column_sql(model, field, include_default=True)
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"ALTER TABLE {quote(model._meta.db_table)} ADD COLUMN {quote(field.column)} {definition}",
            params or None,
        )
