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

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sentra.core.errors import AccessDenied
from sentra.core.models import TimeStampedModel
from sentra.core.versioning import Versioned
from sentra.programmes.models import AgencyPlacedModel

from .choices import (
    FOLLOW_UP_PENDING,
    AdoptionStatus,
    AgreementFunding,
    AgreementKind,
    AgreementStatus,
    Attendance,
    CascadeLevel,
    DocumentKind,
    FollowUpStatus,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    PartyKind,
    ReminderKind,
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

    def get_absolute_url(self) -> str:
        return reverse("web:meeting_detail", args=[self.pk])

    def restore_check(self, actor) -> None:
        """Restoring an earlier version is an edit: the organisers' (audit.services.restore_version)."""
        from .services import can_edit_meeting

        if not can_edit_meeting(actor, self):
            raise AccessDenied(_("Hanya penyelenggara rapat yang dapat mengubahnya."))

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

    def get_absolute_url(self) -> str:
        return reverse("web:follow_up_detail", args=[self.pk])

    def restore_check(self, actor) -> None:
        """A restore may bring back its text, owner and due date: the meeting's organisers only."""
        from .services import can_edit_meeting

        if not can_edit_meeting(actor, self.meeting):
            raise AccessDenied(_("Hanya penyelenggara rapat yang dapat mengubahnya."))

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

    def get_absolute_url(self) -> str:
        return reverse("web:agreement_detail", args=[self.pk])

    def restore_check(self, actor) -> None:
        from .services import can_edit_agreement

        if not can_edit_agreement(actor, self):
            raise AccessDenied(_("Hanya instansi pemilik kerja sama yang dapat mengubahnya."))


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


class Document(TimeStampedModel):
    """A file of a meeting (invitation, materials, minutes, attendance scan) or of an agreement (the
    signed scan). Checked by content and size before it is stored (core.uploads); read through its
    parent, so it is seen by whoever sees the meeting or the agreement."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField(_("jenis dokumen"), max_length=12, choices=DocumentKind.choices)
    title = models.CharField(_("judul"), max_length=300, blank=True)
    file = models.FileField(_("berkas"), upload_to="coordination/%Y/")
    original_name = models.CharField(_("nama berkas asli"), max_length=255)
    content_type = models.CharField(_("jenis isi"), max_length=100)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("dokumen")
        verbose_name_plural = _("dokumen")
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(meeting__isnull=False, agreement__isnull=True))
                | (models.Q(meeting__isnull=True, agreement__isnull=False)),
                name="coord_document_one_parent",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.original_name

    @property
    def parent(self):
        return self.meeting if self.meeting_id else self.agreement

    @property
    def scope_code(self) -> str | None:
        return self.parent.scope_code


class CalendarFeed(TimeStampedModel):
    """A user's secret iCal address. Revoking keeps the row (the address then answers 404) so the
    history shows when it was cut; a new address is a new row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(_("token"), max_length=64, unique=True)
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)

    class Meta:
        verbose_name = _("umpan kalender")
        verbose_name_plural = _("umpan kalender")
        indexes = [models.Index(fields=["user", "revoked_at"], name="coord_calfeed_user")]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"


class Reminder(models.Model):
    """A reminder that went out (follow-up due/overdue, agreement expiring in 90/30 days): kept so
    that `sentra digest`, Celery beat or a rerun never sends the same one twice."""

    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("pengingat")
        verbose_name_plural = _("pengingat")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "follow_up"],
                condition=models.Q(follow_up__isnull=False),
                name="coord_reminder_followup_once",
            ),
            models.UniqueConstraint(
                fields=["kind", "agreement"],
                condition=models.Q(agreement__isnull=False),
                name="coord_reminder_agreement_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.follow_up or self.agreement}"


class Digest(models.Model):
    """The weekly follow-up digest of one agency for one week (Monday): sent at most once."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    week_of = models.DateField()
    sent_at = models.DateTimeField()
    recipients = models.PositiveSmallIntegerField(default=0)
    open_count = models.PositiveIntegerField(default=0)
    overdue_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ringkasan mingguan")
        verbose_name_plural = _("ringkasan mingguan")
        constraints = [models.UniqueConstraint(fields=["agency", "week_of"], name="coord_digest_once")]

    def __str__(self) -> str:
        return f"{self.agency} — {self.week_of}"


class NationalProgramme(AgencyPlacedModel):
    """A work programme agreed nationally (a Dekranas programme presented at a Rakernas, a
    Kemenperin priority) sent down to the regions. `agency` is the national agency that sends it."""

    title = models.CharField(_("judul program"), max_length=300)
    description = models.TextField(_("uraian"), blank=True)
    presented_at = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="national_programmes",
        verbose_name=_("disampaikan pada rapat"),
    )
    level = models.CharField(
        _("diteruskan sampai"), max_length=10, choices=CascadeLevel.choices, default=CascadeLevel.REGENCY
    )
    sent_on = models.DateField(_("tanggal diteruskan"), null=True, blank=True)

    class Meta:
        verbose_name = _("program nasional")
        verbose_name_plural = _("program nasional")
        ordering = ["-fiscal_year", "title", "pk"]

    def __str__(self) -> str:
        return self.title


class Adoption(AgencyPlacedModel):
    """How one province or regency took up a national programme: adopted with its local adaptation
    (the activities that carry it and their funding) or not, with the reason. `agency` is the
    regional agency that decides (placed at its region)."""

    programme = models.ForeignKey(NationalProgramme, on_delete=models.CASCADE, related_name="adoptions")
    status = models.CharField(
        _("status"), max_length=10, choices=AdoptionStatus.choices, default=AdoptionStatus.PENDING
    )
    adaptation = models.TextField(_("penyesuaian daerah"), blank=True)
    decline_reason = models.TextField(_("alasan tidak diadopsi"), blank=True)
    funding = models.CharField(
        _("pendanaan"), max_length=20, choices=AgreementFunding.choices, blank=True, default=""
    )
    decided_on = models.DateField(_("tanggal keputusan"), null=True, blank=True)
    activities = models.ManyToManyField(
        "programmes.Activity", blank=True, related_name="+", verbose_name=_("kegiatan pelaksana")
    )

    class Meta:
        verbose_name = _("adopsi program nasional")
        verbose_name_plural = _("adopsi program nasional")
        ordering = ["province_code", "regency_code", "pk"]
        constraints = [models.UniqueConstraint(fields=["programme", "agency"], name="coord_adoption_once")]
        indexes = [models.Index(fields=["programme", "status"], name="coord_adoption_status")]

    def __str__(self) -> str:
        return f"{self.programme} — {self.agency}"
