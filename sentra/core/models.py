"""Abstract bases shared by every domain, and the background job record."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        abstract = True


class Job(models.Model):
    """A unit of long-running work (an import, an export) whose progress a user can watch.

    Runs in a thread of the web process by default, or on a Celery worker when
    SENTRA_BROKER_URL is set. The row holds the durable state (status, result, final progress);
    while the job runs, its heartbeat and progress are published through the jobs cache, which
    every process can read even while the job holds SQLite's only write lock.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu")
        RUNNING = "running", _("Berjalan")
        SUCCEEDED = "succeeded", _("Selesai")
        FAILED = "failed", _("Gagal")

    kind = models.CharField(_("jenis"), max_length=50)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveBigIntegerField(_("kemajuan"), default=0)
    total = models.PositiveBigIntegerField(_("total"), default=0)
    params = models.JSONField(_("parameter"), default=dict, blank=True)
    result = models.JSONField(_("hasil"), default=dict, blank=True)
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    # Who runs it ("thread:<nonce>@host:pid" or "celery:<task id>@host:pid"), since when, and its
    # last sign of life. The live heartbeat and progress go through the jobs cache while the job
    # runs (sentra.core.jobs); a job whose heartbeat is older than SENTRA_JOB_STALE_SECONDS is
    # marked failed by the next reader.
    worker = models.CharField(_("pengolah"), max_length=200, blank=True, default="")
    started_at = models.DateTimeField(_("dimulai"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("tanda hidup terakhir"), null=True, blank=True)

    class Meta:
        verbose_name = _("pekerjaan latar")
        verbose_name_plural = _("pekerjaan latar")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"], name="core_job_status_idx")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.SUCCEEDED else 0
        return min(100, int(self.progress * 100 / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class LoginFailure(models.Model):
    """One failed login, kept for the rate limit in sentra.core.security.

    In the database rather than a process cache because the app runs under several gunicorn
    workers. Only failures are stored; rows older than the window are deleted as new ones arrive.
    """

    username = models.CharField(_("nama pengguna"), max_length=150)  # case-folded
    ip = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("kegagalan masuk")
        verbose_name_plural = _("kegagalan masuk")
        indexes = [
            models.Index(fields=["username", "created_at"], name="core_loginfail_user_idx"),
            models.Index(fields=["ip", "created_at"], name="core_loginfail_ip_idx"),
            models.Index(fields=["created_at"], name="core_loginfail_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip} ({self.created_at:%Y-%m-%d %H:%M:%S})"
