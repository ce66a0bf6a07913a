"""The verification state every government record carries (as SIINas' Konsep / Pengembalian Data)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VerificationStatus(models.TextChoices):
    DRAFT = "draft", _("Konsep")
    SUBMITTED = "submitted", _("Diajukan")
    VERIFIED = "verified", _("Terverifikasi")
    ACCEPTED = "accepted", _("Diterima")
    RETURNED = "returned", _("Dikembalikan")


class VerifiableModel(models.Model):
    """draft → submitted (regency) → verified (province) → accepted (ministry); returned at any step.

    db_default lets bulk inserts that bypass the ORM (imports, benchmarks) leave the column out.
    """

    verification_status = models.CharField(
        _("status verifikasi"),
        max_length=10,
        choices=VerificationStatus.choices,
        default=VerificationStatus.DRAFT,
        db_default=VerificationStatus.DRAFT,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diajukan oleh"),
    )
    submitted_at = models.DateTimeField(_("diajukan"), null=True, blank=True)
    verified_at = models.DateTimeField(_("diverifikasi"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("diterima"), null=True, blank=True)
    return_reason = models.CharField(
        _("alasan pengembalian"), max_length=500, blank=True, default="", db_default=""
    )

    class Meta:
        abstract = True

    @property
    def is_locked(self) -> bool:
        return self.verification_status == VerificationStatus.ACCEPTED
