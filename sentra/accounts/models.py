"""Who a user is in Sentra: their agency, role and region; their API tokens and notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sentra.core.models import TimeStampedModel


class Role(models.TextChoices):
    MINISTRY_ADMIN = "ministry_admin", _("Administrator kementerian")
    MINISTRY_ANALYST = "ministry_analyst", _("Analis kementerian")
    PROVINCE_OFFICER = "province_officer", _("Petugas provinsi")
    REGENCY_OFFICER = "regency_officer", _("Petugas kabupaten/kota")
    FACILITATOR = "facilitator", _("Pendamping lapangan (TPL-IKM)")
    DEKRANAS_OFFICER = "dekranas_officer", _("Petugas Dekranas/Dekranasda")
    VIEWER = "viewer", _("Pembaca")


class Profile(TimeStampedModel):
    """A user's place in government: the agency they work for, their role and the region they serve.

    `region` is the root of everything the user may read (null: the whole country). It is usually
    the agency's region, but a viewer may be given any region.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name=_("pengguna")
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
        verbose_name=_("instansi"),
    )
    role = models.CharField(_("peran"), max_length=30, choices=Role.choices, default=Role.VIEWER)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("wilayah kerja"),
        help_text=_("Kosong berarti seluruh Indonesia."),
    )
    manages_users = models.BooleanField(
        _("mengelola pengguna"),
        default=False,
        help_text=_("Boleh membuat dan mengubah pengguna di wilayah kerjanya."),
    )

    class Meta:
        verbose_name = _("profil pengguna")
        verbose_name_plural = _("profil pengguna")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class ApiToken(models.Model):
    """A personal API key. Only its SHA-256 is stored; the key is shown once, when it is created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("pengguna"),
    )
    name = models.CharField(_("nama"), max_length=100)
    prefix = models.CharField(_("awalan"), max_length=12, help_text=_("Awal kunci, untuk mengenalinya."))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Notification(models.Model):
    """A message in a user's inbox, e.g. 'your submission was returned: reason'."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("pengguna"),
    )
    message = models.CharField(_("pesan"), max_length=500)
    link = models.CharField(_("tautan"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="accounts_notif_user_unread")]

    def __str__(self) -> str:
        return self.message
