"""The fixed vocabularies of field facilitation (TPL-IKM): statuses, polytechnics, kinds of visit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "m", _("Laki-laki")
    FEMALE = "f", _("Perempuan")


class Education(models.TextChoices):
    D3 = "d3", _("D3")
    D4 = "d4", _("D4 / Sarjana Terapan")
    S1 = "s1", _("S1")
    OTHER = "other", _("Lainnya")


class Polytechnic(models.TextChoices):
    """Kemenperin schools of the TPL-IKM scholarship (domain-facts §2, §7.3)."""

    STTT_BANDUNG = "sttt_bandung", _("Politeknik STTT Bandung")
    ATK_YOGYAKARTA = "atk_yogyakarta", _("Politeknik ATK Yogyakarta")
    ATI_PADANG = "ati_padang", _("Politeknik ATI Padang")
    ATIM_MAKASSAR = "atim_makassar", _("Politeknik ATI Makassar")
    POLITEKNIK_MEDAN = "politeknik_medan", _("Politeknik Teknologi Kimia Industri Medan")
    AKPRIND_OTHER = "other", _("Lainnya")


class FacilitatorStatus(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    ON_LEAVE = "on_leave", _("Cuti")
    ENDED = "ended", _("Kontrak berakhir")
    RESIGNED = "resigned", _("Mengundurkan diri")


class ContractParty(models.TextChoices):
    DIRECTOR_GENERAL = "director_general", _("Direktur Jenderal IKMA")
    DINAS = "dinas", _("Dinas")


class VisitKind(models.TextChoices):
    COACHING = "coaching", _("Pendampingan/bimbingan teknis")
    DATA_COLLECTION = "data_collection", _("Pendataan IKM")
    MONITORING = "monitoring", _("Monitoring bantuan/kegiatan")
    CERTIFICATION = "certification", _("Pendampingan sertifikasi")
    MARKETING = "marketing", _("Pemasaran/promosi")
    NEW_ENTREPRENEUR = "new_entrepreneur", _("Wirausaha baru (WUB)")
    OTHER = "other", _("Lainnya")


class LocationFlag(models.TextChoices):
    """Why a visit's coordinates need a supervisor's look (accepted, never refused: GPS can be wrong)."""

    NONE = "", _("Tidak ada")
    NO_FIX = "no_fix", _("Tanpa koordinat")
    OUTSIDE_INDONESIA = "outside_indonesia", _("Di luar Indonesia")
    OUTSIDE_PLACEMENT = "outside_placement", _("Jauh di luar kabupaten/kota penempatan")
    SUSPECT_MOCK = "suspect_mock", _("Kemungkinan lokasi palsu (akurasi 0)")


class ProposalStatus(models.TextChoices):
    """What became of a field proposal once the Dinas decided (its verification state says where it is)."""

    PENDING = "pending", _("Menunggu")
    APPLIED = "applied", _("Diterapkan")
    CONFLICT = "conflict", _("Bentrok: data berubah sejak diusulkan")
    REJECTED = "rejected", _("Ditolak")
