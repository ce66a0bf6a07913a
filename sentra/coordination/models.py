"""Meetings (rapat koordinasi), their decisions and follow-ups, and agreements (MoU → PK).

Placement follows plans and budgets (programmes.AgencyPlacedModel): a meeting is placed at its
organiser's region, a follow-up at its owner agency's region, an agreement at its owning agency's
region, so scoped_queryset and region filters read them as they read an activity. Who else sees a
meeting (host region, co-organisers, invited agencies), a follow-up (the meeting's readers) or an
agreement (its parties) is added by coordination.selectors. Children (participants, agenda items,
decisions, notes, parties) are read through their parent and carry its `scope_code` for the history.

`fiscal_year` of the placed records is derived by the services (a meeting: the year it starts; a
follow-up: the year it is due; an agreement: the year it takes effect), never typed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sentra.core.models import TimeStampedModel
from sentra.core.versioning import Versioned
from sentra.programmes.models import AgencyPlacedModel

from .choices import (
    FOLLOW_UP_PENDING,
    AgreementFunding,
    AgreementKind,
    AgreementStatus,
    Attendance,
    FollowUpStatus,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    PartyKind,
)


class MeetingSeries(TimeStampedModel, Versioned):
    """Meetings held again and again under one name ("Rakornas Dekon Ditjen IKMA", twice a year)."""

    name = models.CharField(_("nama"), max_length=200, unique=True)
    kind = models.CharField(_("jenis rapat"), max_length=20, choices=MeetingKind.choices)
    organiser = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("penyelenggara")
    )

    class Meta:
        verbose_name = _("seri rapat")
        verbose_name_plural = _("seri rapat")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_code(self) -> str | None:
        return self.organiser.region_id


class Meeting(AgencyPlacedModel):
    """A coordination meeting. `agency` is the organiser (the meeting is placed at its region)."""

    kind = models.CharField(_("jenis rapat"), max_length=20, choices=MeetingKind.choices, db_index=True)
    title = models.CharField(_("judul"), max_length=300)
    theme = models.CharField(_("tema"), max_length=300, blank=True)
    co_organisers = models.ManyToManyField(
        "agencies.Agency", blank=True, related_name="+", verbose_name=_("penyelenggara bersama")
    )
    host_region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wilayah tuan rumah"),
    )
    venue = models.CharField(_("tempat"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("mulai"), db_index=True)
    ends_at = models.DateTimeField(_("selesai"))
    mode = models.CharField(
        _("bentuk"), max_length=10, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON
    )
    online_link = models.URLField(_("tautan ruang daring"), max_length=500, blank=True)
    series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("seri"),
    )
    edition = models.PositiveSmallIntegerField(_("edisi ke-"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=MeetingStatus.choices,
        default=MeetingStatus.PLANNED,
        db_index=True,
    )
    visited_centre = models.ForeignKey(
        "registry.Centre",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sentra yang dikunjungi"),
    )
    notes = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("rapat")
        verbose_name_plural = _("rapat")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["province_code", "starts_at"], name="coord_meeting_prov_start")]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "fiscal_year", "edition"], name="coord_meeting_series_edition"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organiser(self):
        return self.agency


class Invitation(TimeStampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("instansi")
    )

    class Meta:
        verbose_name = _("undangan")
        verbose_name_plural = _("undangan")
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="coord_invitation_once")]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.agency}"

    @property
    def scope_code(self) -> str | None:
        return self.meeting.scope_code


class MeetingChild(TimeStampedModel, Versioned):
    """A part of a meeting: read and changed with its meeting, placed where the meeting is."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="%(class)ss")

    class Meta:
        abstract = True

    @property
    def scope_code(self) -> str | None:
        return self.meeting.scope_code


class Participant(MeetingChild):
    name = models.CharField(_("nama"), max_length=150)
    position = models.CharField(_("jabatan"), max_length=200, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instansi"),
    )
    organisation = models.CharField(
        _("instansi/lembaga (teks)"),
        max_length=200,
        blank=True,
        help_text=_("Untuk peserta dari lembaga yang tidak terdaftar sebagai instansi."),
    )
    contact = models.CharField(_("kontak"), max_length=150, blank=True)
    attendance = models.CharField(
        _("kehadiran"), max_length=12, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    represented_by = models.CharField(_("diwakili oleh"), max_length=150, blank=True)
    walk_in = models.BooleanField(
        _("tanpa undangan"),
        default=False,
        editable=False,
        help_text=_("Instansi peserta tidak diundang dan bukan penyelenggara: diterima dan ditandai."),
    )

    class Meta:
        verbose_name = _("peserta")
        verbose_name_plural = _("peserta")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class AgendaItem(MeetingChild):
    order = models.PositiveSmallIntegerField(_("urutan"), default=1)
    title = models.CharField(_("acara"), max_length=300)
    presenter = models.CharField(_("penyaji"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("waktu"), null=True, blank=True)

    class Meta:
        verbose_name = _("acara rapat")
        verbose_name_plural = _("acara rapat")
        ordering = ["order", "starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Decision(MeetingChild):
    """A decision or conclusion (keputusan/kesimpulan) of a meeting."""

    number = models.PositiveSmallIntegerField(_("nomor"), default=1)
    text = models.TextField(_("keputusan/kesimpulan"))

    class Meta:
        verbose_name = _("keputusan")
        verbose_name_plural = _("keputusan")
        ordering = ["number", "pk"]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"


class FollowUp(AgencyPlacedModel):
    """A follow-up (tindak lanjut) of a decision. `agency` is the owner agency (placed at its region).

    Overdue is never stored: it is `status` still pending and `due_on` before today, computed by
    coordination.selectors (followup_overdue_q) whenever it is read."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="follow_ups")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="follow_ups")
    description = models.TextField(_("tindak lanjut"))
    owner_person = models.CharField(_("penanggung jawab"), max_length=150, blank=True)
    due_on = models.DateField(_("tenggat"), db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN, db_index=True
    )
    drop_reason = models.TextField(_("alasan dibatalkan"), blank=True)
    completed_on = models.DateField(_("tanggal selesai"), null=True, blank=True)
    # Evidence: what shows the follow-up was carried out (kept simple: one of each at most).
    evidence_activity = models.ForeignKey(
        "programmes.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bukti: kegiatan"),
    )
    evidence_agreement = models.ForeignKey(
        "Agreement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bukti: kerja sama"),
    )
    evidence_centre = models.ForeignKey(
        "registry.Centre",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bukti: sentra IKM"),
    )
    evidence_enterprise = models.ForeignKey(
        "registry.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bukti: IKM"),
    )
    evidence_url = models.URLField(_("bukti: tautan"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["agency", "status", "due_on"], name="coord_followup_owner"),
            models.Index(fields=["province_code", "status", "due_on"], name="coord_followup_prov"),
        ]

    def __str__(self) -> str:
        return self.description[:120]

    @property
    def owner(self):
        return self.agency

    @property
    def is_pending(self) -> bool:
        return self.status in FOLLOW_UP_PENDING


class FollowUpNote(TimeStampedModel):
    """A dated note of progress on a follow-up; notes are added, never changed."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="notes")
    noted_on = models.DateField(_("tanggal"))
    text = models.TextField(_("perkembangan"))
    author = models.CharField(_("dicatat oleh"), max_length=150, blank=True, editable=False)

    class Meta:
        verbose_name = _("catatan perkembangan")
        verbose_name_plural = _("catatan perkembangan")
        ordering = ["noted_on", "pk"]

    def __str__(self) -> str:
        return f"{self.noted_on}: {self.text[:80]}"

    @property
    def scope_code(self) -> str | None:
        return self.follow_up.scope_code


class Agreement(AgencyPlacedModel):
    """An MoU, a PK/PKS or an addendum. `agency` is the owning agency (who keeps and follows it up)."""

    kind = models.CharField(_("jenis"), max_length=10, choices=AgreementKind.choices, db_index=True)
    title = models.CharField(_("judul"), max_length=300)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("MoU induk / perjanjian yang diubah"),
    )
    signed_on = models.DateField(_("tanggal penandatanganan"), null=True, blank=True)
    signed_place = models.CharField(_("tempat penandatanganan"), max_length=200, blank=True)
    signed_at_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("ditandatangani pada rapat"),
    )
    scope = models.TextField(_("ruang lingkup"), blank=True)
    objectives = models.TextField(_("maksud dan tujuan"), blank=True)
    valid_from = models.DateField(_("berlaku mulai"))
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    funding = models.CharField(
        _("pendanaan"), max_length=20, choices=AgreementFunding.choices, blank=True, default=""
    )
    activities = models.ManyToManyField(
        "programmes.Activity", blank=True, related_name="+", verbose_name=_("kegiatan terkait")
    )

    class Meta:
        verbose_name = _("kerja sama")
        verbose_name_plural = _("kerja sama")
        ordering = ["-valid_from", "-pk"]

    def __str__(self) -> str:
        return self.title


class AgreementParty(TimeStampedModel, Versioned):
    """One party of an agreement, with the number its own side gave the document."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("jenis pihak"), max_length=15, choices=PartyKind.choices)
    name = models.CharField(_("nama pihak"), max_length=200)
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instansi"),
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wilayah"),
        help_text=_("Wilayah pihak (mis. kabupaten seorang Bupati), untuk yang bukan instansi."),
    )
    document_number = models.CharField(_("nomor dokumen pihak"), max_length=120, blank=True)
    signatory = models.CharField(_("penanda tangan"), max_length=150, blank=True)
    signatory_position = models.CharField(_("jabatan penanda tangan"), max_length=200, blank=True)
    obligations = models.TextField(_("kewajiban"), blank=True)

    class Meta:
        verbose_name = _("pihak")
        verbose_name_plural = _("pihak")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_code(self) -> str | None:
        return self.agreement.scope_code
