from django.db import models
from django.utils.translation import gettext_lazy as _


class SizeClass(models.TextChoices):
    """Permenperin 64/M-IND/PER/7/2016 classes; see registry.services.enterprise_size_class.

    UNKNOWN: neither workers nor investment was ever given, so the class cannot be told (it is not
    "kecil" by default)."""

    UNKNOWN = "unknown", _("Belum diketahui")

    SMALL = "small", _("Industri kecil")
    MEDIUM = "medium", _("Industri menengah")
    LARGE = "large", _("Industri besar")


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    INACTIVE = "inactive", _("Tidak aktif")
    CLOSED = "closed", _("Tutup")


class RawMaterialOrigin(models.TextChoices):
    """Where a unit's main raw material comes from, as SIINas asks it (dalam negeri / impor)."""

    DOMESTIC = "domestic", _("Dalam negeri")
    IMPORTED = "imported", _("Impor")


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
    KEPGUB = "kepgub", _("Keputusan Gubernur")
    KEP_KADIS = "kep_kadis", _("Keputusan Kepala Dinas")
    PERDA = "perda", _("Peraturan Daerah")
    OTHER = "other", _("Lainnya")


class CentreStatus(models.TextChoices):
    """Lifecycle of a sentra IKM; each step has its date on the centre.

    INACTIVE (tidak aktif): dissolved or no longer producing together; reached from any other step
    through registry.services.centre_deactivate, with its date and reason (domain-facts §7.2)."""

    PROPOSED = "proposed", _("Diusulkan")
    DESIGNATED = "designated", _("Ditetapkan")
    DEVELOPING = "developing", _("Berkembang")
    SELF_RELIANT = "self_reliant", _("Mandiri")
    INACTIVE = "inactive", _("Tidak aktif")


class MarketReach(models.TextChoices):
    LOCAL = "local", _("Lokal")
    NATIONAL = "national", _("Nasional")
    EXPORT = "export", _("Ekspor")
