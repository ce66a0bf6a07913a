from django.db import models
from django.utils.translation import gettext_lazy as _


class SizeClass(models.TextChoices):
    """Permenperin 64/M-IND/PER/7/2016 classes; see registry.services.enterprise_size_class."""

    SMALL = "small", _("Industri kecil")
    MEDIUM = "medium", _("Industri menengah")
    LARGE = "large", _("Industri besar")


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    INACTIVE = "inactive", _("Tidak aktif")
    CLOSED = "closed", _("Tutup")


class CertificationKind(models.TextChoices):
    HALAL = "halal", _("Halal")
    SNI = "sni", _("SNI")
    PIRT = "pirt", _("PIRT")
    HKI = "hki", _("HKI / Merek")


class DecreeKind(models.TextChoices):
    SK_BUPATI = "sk_bupati", _("SK Bupati")
    SK_WALIKOTA = "sk_walikota", _("SK Walikota")
    PERBUP = "perbup", _("Peraturan Bupati")
    PERWALI = "perwali", _("Peraturan Walikota")
    PERGUB = "pergub", _("Peraturan Gubernur")
    PERDA = "perda", _("Peraturan Daerah")
    OTHER = "other", _("Lainnya")


class CentreStatus(models.TextChoices):
    """Lifecycle of a sentra IKM; each step has its date on the centre."""

    PROPOSED = "proposed", _("Diusulkan")
    DESIGNATED = "designated", _("Ditetapkan")
    DEVELOPING = "developing", _("Berkembang")
    SELF_RELIANT = "self_reliant", _("Mandiri")


class MarketReach(models.TextChoices):
    LOCAL = "local", _("Lokal")
    NATIONAL = "national", _("Nasional")
    EXPORT = "export", _("Ekspor")
