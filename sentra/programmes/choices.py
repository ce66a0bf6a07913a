from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    TRAINING = "training", _("Pelatihan / bimtek")
    MACHINE_AID = "machine_aid", _("Bantuan mesin dan peralatan")
    HALAL = "cert_halal", _("Fasilitasi sertifikasi halal")
    SNI = "cert_sni", _("Fasilitasi sertifikasi SNI")
    HKI = "cert_hki", _("Fasilitasi HKI / merek")
    EXHIBITION = "exhibition", _("Pameran / promosi")
    REVITALISATION = "revitalisation", _("Revitalisasi sentra IKM")
    ECOMMERCE = "ecommerce", _("Onboarding e-commerce")
    WUB = "wub", _("Wirausaha baru (WUB)")
    STUDY = "study", _("Kajian / studi")
    OTHER = "other", _("Lainnya")


class FundingSource(models.TextChoices):
    APBN = "apbn", _("APBN (DIPA satker pusat)")
    DEKON = "dekon", _("Dekonsentrasi")
    TP = "tp", _("Tugas pembantuan")
    DAK_PHYSICAL = "dak_fisik", _("DAK fisik")
    DAK_NONPHYSICAL = "dak_nonfisik", _("DAK nonfisik")
    APBD_PROVINCE = "apbd_prov", _("APBD provinsi")
    APBD_REGENCY = "apbd_kab", _("APBD kabupaten/kota")
    GRANT = "hibah", _("Hibah")
    DEKRANAS = "dekranas", _("Dekranas / Dekranasda")
    CSR = "csr", _("CSR")


# Funding that is executed through a DIPA (a central budget document) rather than a regional budget.
DIPA_SOURCES = frozenset({FundingSource.APBN, FundingSource.DEKON, FundingSource.TP})


class AccountGroup(models.TextChoices):
    """Jenis belanja: the two-digit account groups of the central budget (BAS)."""

    PERSONNEL = "51", _("51 Belanja pegawai")
    GOODS = "52", _("52 Belanja barang")
    CAPITAL = "53", _("53 Belanja modal")
    SOCIAL = "57", _("57 Belanja bantuan sosial")


class Month(models.IntegerChoices):
    JAN = 1, _("Januari")
    FEB = 2, _("Februari")
    MAR = 3, _("Maret")
    APR = 4, _("April")
    MAY = 5, _("Mei")
    JUN = 6, _("Juni")
    JUL = 7, _("Juli")
    AUG = 8, _("Agustus")
    SEP = 9, _("September")
    OCT = 10, _("Oktober")
    NOV = 11, _("November")
    DEC = 12, _("Desember")


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1
