"""The history of every change: who, when, through which channel, what changed, and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("dibuat")
    UPDATE = "update", _("diubah")
    DELETE = "delete", _("dihapus")
    RESTORE = "restore", _("dipulihkan")
    SUBMIT = "submit", _("diajukan")
    VERIFY = "verify", _("diverifikasi")
    ACCEPT = "accept", _("diterima")
    RETURN = "return", _("dikembalikan")
    REOPEN = "reopen", _("dibuka kembali")
    ROLLBACK = "rollback", _("dibatalkan (impor)")
    # A reading of personal data (a facilitator's NIK, UU 27/2022 PDP): an access log entry, no change.
    ACCESS = "access", _("dibaca (data pribadi)")


class AuditChannel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    IMPORT = "import", _("Impor")
    CLI = "cli", _("Baris perintah")
    SYSTEM = "system", _("Sistem")


class HistoryJSONField(models.JSONField):
    """A JSONField without SQLite's CHECK (JSON_VALID(…)) on the column.

    Every writer of the history writes JSON by construction — the ORM's json.dumps, BulkEvents, the
    enterprise import's json_object() — and the check parsed each event again as it was written:
    0.17 of the 4.9 s of a 100,000-row import on SQLite, for a million-row history much more.
    PostgreSQL's jsonb still refuses anything but JSON, by its type."""

    def db_check(self, connection):
        if connection.vendor == "sqlite":
            return None
        return super().db_check(connection)


class AuditBatch(models.Model):
    """Changes made together — an import, a bulk action — that can be reviewed and rolled back as one."""

    kind = models.CharField(_("jenis"), max_length=30)
    description = models.CharField(_("keterangan"), max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    username = models.CharField(_("pengguna"), max_length=150, blank=True)
    channel = models.CharField(_("saluran"), max_length=10, choices=AuditChannel.choices)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)
    rolled_back_at = models.DateTimeField(_("dibatalkan"), null=True, blank=True)
    rolled_back_by = models.CharField(_("dibatalkan oleh"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("kelompok perubahan")
        verbose_name_plural = _("kelompok perubahan")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


def created_changes(snapshot: dict) -> dict[str, list]:
    """The changes of a record's creation: [None, value] for every value its snapshot holds (what
    audit.services.diff(None, snapshot) gives)."""
    return {name: [None, snapshot[name]] for name in sorted(snapshot) if snapshot[name] is not None}


class AuditEvent(models.Model):
    """One change to one record. `changes` maps each changed field to [before, after];
    `snapshot` is the whole record after the change (before it, for a delete), for restoring.

    A creation's changes follow from its snapshot (`created_changes`). Bulk writers store them as
    {} — the enterprise import's events were half their size and time for the copy (PostgreSQL
    7.9 → 3.2 s per 100,000 rows) — and every event loaded through the ORM carries them again
    (`from_db`), so pages, the API and restores read one format. Reads by `values()` of a creation
    find {}: take the snapshot there."""

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    # The history's links to its user and batch are not foreign keys in the database (as
    # django-simple-history's): the history is append-only, written by audit's own code with the
    # acting user and the batch it has just created, and Django still applies SET_NULL and PROTECT
    # on deletes. A database check per event was 0.6 of 8 s per 100,000 imported rows (PostgreSQL).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    username = models.CharField(_("pengguna"), max_length=150, blank=True)
    channel = models.CharField(_("saluran"), max_length=10, choices=AuditChannel.choices)
    ip = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    action = models.CharField(_("aksi"), max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(_("jenis data"), max_length=50)
    object_id = models.BigIntegerField(_("id data"))
    object_repr = models.CharField(_("data"), max_length=200)
    region_code = models.CharField(_("kode wilayah"), max_length=13, blank=True)
    changes = HistoryJSONField(_("perubahan"), default=dict, blank=True)
    snapshot = HistoryJSONField(_("keadaan"), default=dict, blank=True)
    reason = models.CharField(_("alasan"), max_length=500, blank=True)
    batch = models.ForeignKey(
        AuditBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("kelompok"),
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("riwayat perubahan")
        verbose_name_plural = _("riwayat perubahan")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="audit_event_object")]

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.get_action_display()}"

    @classmethod
    def from_db(cls, db, field_names, values):
        event = super().from_db(db, field_names, values)
        loaded = event.__dict__
        if (
            loaded.get("action") == AuditAction.CREATE
            and loaded.get("changes") == {}
            and loaded.get("snapshot")
        ):
            event.changes = created_changes(event.snapshot)
        return event
