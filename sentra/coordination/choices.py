"""The fixed vocabularies of coordination: kinds of meeting, modes, statuses, kinds of agreement."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    RAKOR_DIPA = "rakor_dipa", _("Rakor Pengendalian DIPA")
    RAKOR_PROGRAMME = "rakor_programme", _("Rakor pelaksanaan/penyusunan program")
    RAKORNAS = "rakornas", _("Rakornas")
    RAKERNAS = "rakernas", _("Rakernas")
    RAKORNIS = "rakornis", _("Rakornis")
    FORUM_SKPD = "forum_skpd", _("Forum SKPD / Musrenbang")
    FIELD_VISIT = "field_visit", _("Kunjungan lapangan")
    OTHER = "other", _("Lainnya")


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("Tatap muka")
    ONLINE = "online", _("Daring")
    HYBRID = "hybrid", _("Hibrida (tatap muka dan daring)")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Direncanakan")
    HELD = "held", _("Terlaksana")
    MINUTES_FINAL = "minutes_final", _("Notulen final")


# planned → held → minutes_final, one step at a time; a held meeting may go back to planned only by
# an edit of its date (not offered), so the order is strict.
MEETING_STATUS_NEXT = {
    MeetingStatus.PLANNED: MeetingStatus.HELD,
    MeetingStatus.HELD: MeetingStatus.MINUTES_FINAL,
}


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", _("Belum dicatat")
    PRESENT = "present", _("Hadir langsung")
    ONLINE = "online", _("Hadir daring")
    REPRESENTED = "represented", _("Diwakilkan")
    ABSENT = "absent", _("Tidak hadir")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Belum dikerjakan")
    IN_PROGRESS = "in_progress", _("Sedang dikerjakan")
    DONE = "done", _("Selesai")
    DROPPED = "dropped", _("Dibatalkan")


# Still to be done: the statuses an overdue follow-up can have.
FOLLOW_UP_PENDING = (FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS)


class AgreementKind(models.TextChoices):
    MOU = "mou", _("Nota Kesepahaman (MoU)")
    PK = "pk", _("Perjanjian Kerja Sama (PK/PKS)")
    ADDENDUM = "addendum", _("Adendum")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Rancangan")
    SIGNED = "signed", _("Ditandatangani")
    ACTIVE = "active", _("Berlaku")
    EXPIRED = "expired", _("Berakhir")
    TERMINATED = "terminated", _("Diakhiri")


class PartyKind(models.TextChoices):
    AGENCY = "agency", _("Instansi pemerintah")
    REGIONAL_HEAD = "regional_head", _("Kepala daerah (Bupati/Walikota/Gubernur)")
    DEKRANAS = "dekranas", _("Dekranas/Dekranasda")
    VILLAGE = "village", _("Desa")
    COMPANY = "company", _("Perusahaan")
    BANK = "bank", _("Bank")
    UNIVERSITY = "university", _("Perguruan tinggi")
    FOREIGN = "foreign", _("Mitra luar negeri")
    OTHER = "other", _("Lainnya")


class AgreementFunding(models.TextChoices):
    NONE = "", _("Belum ditentukan")
    GRANT = "grant", _("Hibah")
    AGENCY_PROGRAMME = "agency_programme", _("Program instansi (APBD/APBN)")
    CSR = "csr", _("CSR")


class DocumentKind(models.TextChoices):
    INVITATION = "invitation", _("Undangan")
    MATERIALS = "materials", _("Bahan/materi")
    MINUTES = "minutes", _("Notulen")
    ATTENDANCE = "attendance", _("Pindaian daftar hadir")
    SIGNED = "signed", _("Naskah yang ditandatangani")
    OTHER = "other", _("Lainnya")


class ReminderKind(models.TextChoices):
    """What a reminder was sent for; one of each per record, so a rerun never sends it twice."""

    FOLLOW_UP_DUE = "follow_up_due", _("Tindak lanjut jatuh tempo")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", _("Tindak lanjut terlambat")
    AGREEMENT_90 = "agreement_90", _("Kerja sama berakhir dalam 90 hari")
    AGREEMENT_30 = "agreement_30", _("Kerja sama berakhir dalam 30 hari")


class AdoptionStatus(models.TextChoices):
    PENDING = "pending", _("Belum diputuskan")
    ADOPTED = "adopted", _("Diadopsi")
    DECLINED = "declined", _("Tidak diadopsi")


class CascadeLevel(models.TextChoices):
    """Down to which level a national programme is sent."""

    PROVINCE = "province", _("Provinsi")
    REGENCY = "regency", _("Provinsi dan kabupaten/kota")
