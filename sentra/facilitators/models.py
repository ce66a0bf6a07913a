"""Field facilitators (TPL-IKM): the person, their yearly contracts, placements and caseload, their
visits (recorded offline on a phone), the enterprise updates they propose, and their monthly reports.

Placement: every record here is placed at the facilitator's placement regency. `province_code` and
`regency_code` are copied from the facilitator by the services (as RegionPlacedModel copies them from a
village), so lists of a province or a regency read one index and the scope rule (accounts.scope
`region_q`) applies to them unchanged. A facilitator-role user reads only their own records: that
narrowing lives in facilitators.selectors (`visible_facilitators` and friends), the one place to look.

Sync: a visit, a photo and a proposal made on a phone carry a `client_id` (a UUID made on the phone).
It is unique, so a sync replayed after a dropped connection finds the row it already wrote and never
writes a second one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from sentra.core.models import TimeStampedModel
from sentra.core.versioning import Versioned
from sentra.verification.models import VerifiableModel

from .choices import (
    ContractParty,
    Education,
    FacilitatorStatus,
    LocationFlag,
    Polytechnic,
    ProposalStatus,
    Sex,
    VisitKind,
)


class FacilitatorPlaced(models.Model):
    """Placed at the facilitator's placement regency (codes copied by the services, never typed)."""

    province_code = models.CharField(_("kode provinsi"), max_length=2, editable=False, db_index=False)
    regency_code = models.CharField(_("kode kabupaten/kota"), max_length=5, editable=False)

    class Meta:
        abstract = True

    @property
    def scope_code(self) -> str | None:
        return self.regency_code or None

    def place_at(self, regency_code: str) -> None:
        self.regency_code = regency_code
        self.province_code = regency_code[:2]


def _url(name: str, pk: int) -> str:
    try:
        return reverse(f"web:{name}", args=[pk])
    except NoReverseMatch:  # the web layer registers its pages; a domain never depends on them
        return ""


class Facilitator(TimeStampedModel, FacilitatorPlaced, Versioned):
    """A TPL-IKM: a graduate of the Kemenperin scholarship placed in their home regency/city.

    `agency` is the host Dinas that manages them (it owns the record); `regency_code` is the current
    placement's regency (the home regency until a placement exists). Personal data is kept to what the
    work needs (UU 27/2022 PDP): the identity number is optional, shown only to managers, and every
    reading of it is logged (facilitators.selectors.identity_number_for).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitator",
        verbose_name=_("akun pengguna"),
    )
    name = models.CharField(_("nama"), max_length=150)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(_("tahun lahir"), null=True, blank=True)
    education = models.CharField(_("pendidikan"), max_length=10, choices=Education.choices, default="d3")
    polytechnic = models.CharField(_("politeknik"), max_length=30, choices=Polytechnic.choices, blank=True)
    study_programme = models.CharField(_("program studi"), max_length=150, blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    identity_number = models.CharField(_("NIK"), max_length=16, blank=True)
    cohort = models.PositiveSmallIntegerField(_("angkatan"), db_index=True)
    scholarship_programme = models.CharField(
        _("program beasiswa"), max_length=150, default="Beasiswa TPL-IKM Kemenperin", blank=True
    )
    home_region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kabupaten/kota asal"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=FacilitatorStatus.choices,
        default=FacilitatorStatus.ACTIVE,
        db_index=True,
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("dinas pembina")
    )
    notes = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("pendamping lapangan (TPL-IKM)")
        verbose_name_plural = _("pendamping lapangan (TPL-IKM)")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["regency_code", "status"], name="fac_facilitator_reg_status"),
            models.Index(fields=["province_code", "status"], name="fac_facilitator_prov_status"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (angkatan {self.cohort})"

    def get_absolute_url(self) -> str:
        return _url("facilitator_detail", self.pk)


class Contract(TimeStampedModel, FacilitatorPlaced, Versioned):
    """One year's contract (kontrak kerja), e.g. "3.8.2 /IKM/KK/1/2018"; a renewal points to the last."""

    facilitator = models.ForeignKey(
        Facilitator, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("pendamping")
    )
    number = models.CharField(_("nomor kontrak"), max_length=80, unique=True)
    party = models.CharField(
        _("pihak pemberi kontrak"),
        max_length=20,
        choices=ContractParty.choices,
        default=ContractParty.DIRECTOR_GENERAL,
    )
    party_agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instansi pemberi kontrak"),
    )
    signed_on = models.DateField(_("tanggal penandatanganan"), null=True, blank=True)
    signed_place = models.CharField(_("tempat penandatanganan"), max_length=200, blank=True)
    signed_at_meeting = models.ForeignKey(
        "coordination.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditandatangani pada rapat"),
    )
    contract_year = models.PositiveSmallIntegerField(_("kontrak tahun ke-"), default=1)
    period_start = models.DateField(_("mulai"))
    period_end = models.DateField(_("berakhir"), db_index=True)
    funding_source = models.CharField(_("sumber dana"), max_length=150, blank=True)
    budget_line = models.ForeignKey(
        "programmes.BudgetLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("baris anggaran"),
    )
    honorarium = models.DecimalField(
        _("honorarium per bulan (Rp)"), max_digits=14, decimal_places=0, default=0
    )
    operating_costs = models.DecimalField(
        _("biaya operasional per bulan (Rp)"), max_digits=14, decimal_places=0, default=0
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewal",
        verbose_name=_("kontrak sebelumnya"),
    )
    notes = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("kontrak TPL-IKM")
        verbose_name_plural = _("kontrak TPL-IKM")
        ordering = ["-period_start", "pk"]
        indexes = [
            models.Index(fields=["facilitator", "period_start"], name="fac_contract_fac_start"),
            models.Index(fields=["regency_code", "period_end"], name="fac_contract_reg_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="fac_contract_period_order"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return _url("facilitator_contract_detail", self.pk)


class Placement(TimeStampedModel, FacilitatorPlaced, Versioned):
    """Where a facilitator works, for whom and under whom: one regency/city and its Dinas, dated."""

    facilitator = models.ForeignKey(
        Facilitator, on_delete=models.PROTECT, related_name="placements", verbose_name=_("pendamping")
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("kabupaten/kota")
    )
    host_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("dinas penempatan")
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pembimbing/atasan"),
    )
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("berakhir"), null=True, blank=True)

    class Meta:
        verbose_name = _("penempatan")
        verbose_name_plural = _("penempatan")
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["facilitator", "starts_on"], name="fac_placement_fac_start")]

    def __str__(self) -> str:
        return f"{self.facilitator} — {self.region_id}"


class Assignment(TimeStampedModel, FacilitatorPlaced, Versioned):
    """A centre or an enterprise in a facilitator's caseload, dated; ended, it stays as history.

    `last_visit_on` is kept by the visit services in the same transaction as the visit, so "not visited
    in 90 days" is one indexed read, never a scan of the visits.
    """

    facilitator = models.ForeignKey(
        Facilitator, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("pendamping")
    )
    centre = models.ForeignKey(
        "registry.Centre",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sentra IKM"),
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("IKM"),
    )
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("berakhir"), null=True, blank=True)
    last_visit_on = models.DateField(_("kunjungan terakhir"), null=True, blank=True)

    class Meta:
        verbose_name = _("penugasan (binaan)")
        verbose_name_plural = _("penugasan (binaan)")
        ordering = ["-starts_on", "pk"]
        indexes = [
            models.Index(fields=["facilitator", "ends_on"], name="fac_assign_fac_end"),
            models.Index(fields=["centre", "ends_on"], name="fac_assign_centre_end"),
            models.Index(fields=["enterprise", "ends_on"], name="fac_assign_ent_end"),
            models.Index(fields=["regency_code", "ends_on", "last_visit_on"], name="fac_assign_reg_last"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(centre__isnull=False) & Q(enterprise__isnull=True))
                | (Q(centre__isnull=True) & Q(enterprise__isnull=False)),
                name="fac_assign_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.facilitator} → {self.centre or self.enterprise}"


class Visit(TimeStampedModel, FacilitatorPlaced, Versioned):
    """One field visit, usually typed on a phone without signal and synced later (see `client_id`).

    Coordinates are accepted as the phone gives them; `location_flag` marks those the supervisor
    should look at (outside Indonesia, far outside the placement regency, an accuracy of 0 as mock
    locations report). `village` is resolved from the coordinates by the gazetteer when it can be.
    """

    client_id = models.UUIDField(_("ID perangkat"), unique=True)
    facilitator = models.ForeignKey(
        Facilitator, on_delete=models.PROTECT, related_name="visits", verbose_name=_("pendamping")
    )
    visited_at = models.DateTimeField(_("waktu kunjungan"))
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.FloatField(_("akurasi GPS (m)"), null=True, blank=True)
    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa/kelurahan"),
    )
    location_flag = models.CharField(
        _("catatan lokasi"), max_length=20, choices=LocationFlag.choices, blank=True, default=""
    )
    kind = models.CharField(_("tujuan kunjungan"), max_length=20, choices=VisitKind.choices)
    findings = models.TextField(_("temuan"), blank=True)
    problems = models.TextField(_("permasalahan"), blank=True)
    advice = models.TextField(_("saran/bimbingan yang diberikan"), blank=True)
    centres = models.ManyToManyField(
        "registry.Centre", through="VisitCentre", related_name="+", verbose_name=_("sentra dikunjungi")
    )
    enterprises = models.ManyToManyField(
        "registry.Enterprise", through="VisitEnterprise", related_name="+", verbose_name=_("IKM dikunjungi")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )

    class Meta:
        verbose_name = _("kunjungan")
        verbose_name_plural = _("kunjungan")
        ordering = ["-visited_at", "pk"]
        indexes = [
            models.Index(fields=["facilitator", "visited_at"], name="fac_visit_fac_at"),
            models.Index(fields=["regency_code", "visited_at"], name="fac_visit_reg_at"),
            models.Index(fields=["province_code", "visited_at"], name="fac_visit_prov_at"),
            # The ministry's national list, newest first, reads this one.
            models.Index(fields=["visited_at"], name="fac_visit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.facilitator.name} — {self.visited_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return _url("visit_detail", self.pk)


class VisitCentre(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="visit_centres")
    centre = models.ForeignKey("registry.Centre", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "centre"], name="fac_visit_centre_once")]

    def __str__(self) -> str:
        return f"{self.visit_id} → {self.centre_id}"


class VisitEnterprise(models.Model):
    """`visited_on` copies the visit's date so an enterprise's last visit is one index read."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="visit_enterprises")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="+")
    visited_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "enterprise"], name="fac_visit_enterprise_once")
        ]
        indexes = [models.Index(fields=["enterprise", "visited_on"], name="fac_visit_ent_on")]

    def __str__(self) -> str:
        return f"{self.visit_id} → {self.enterprise_id}"


class VisitAction(TimeStampedModel):
    """A follow-up action agreed on a visit ("urus PIRT sebelum 30 Juni"), with its due date."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("tindak lanjut"), max_length=500)
    due_on = models.DateField(_("tenggat"), null=True, blank=True)
    done_on = models.DateField(_("selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("tindak lanjut kunjungan")
        verbose_name_plural = _("tindak lanjut kunjungan")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description

    @property
    def scope_code(self) -> str | None:
        return self.visit.scope_code


def visit_photo_path(instance: VisitPhoto, filename: str) -> str:
    return f"visits/{instance.client_id}.jpg"


class VisitPhoto(TimeStampedModel):
    """A photo of a visit, downscaled on the phone and re-encoded on the server (only time and place kept)."""

    client_id = models.UUIDField(_("ID perangkat"), unique=True)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("foto"), upload_to=visit_photo_path)
    taken_at = models.DateTimeField(_("waktu foto"), null=True, blank=True)
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True)
    width = models.PositiveIntegerField(_("lebar"), default=0)
    height = models.PositiveIntegerField(_("tinggi"), default=0)
    size_bytes = models.PositiveIntegerField(_("ukuran (bita)"), default=0)
    caption = models.CharField(_("keterangan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("foto kunjungan")
        verbose_name_plural = _("foto kunjungan")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.client_id}"

    @property
    def scope_code(self) -> str | None:
        return self.visit.scope_code


class EnterpriseProposal(TimeStampedModel, FacilitatorPlaced, VerifiableModel, Versioned):
    """An update of an enterprise's data seen in the field, proposed by a facilitator.

    It never overwrites the enterprise: it goes through the verification workflow to the Dinas, and
    only an accepted proposal is applied — by the registry's services, checked against the version of
    the enterprise the facilitator saw (`base_version`). When the enterprise changed meanwhile, the
    proposal is marked `conflict` and shown side by side to the supervisor, never applied blindly.
    """

    client_id = models.UUIDField(_("ID perangkat"), unique=True)
    facilitator = models.ForeignKey(
        Facilitator, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("pendamping")
    )
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.CASCADE, related_name="+", verbose_name=_("IKM")
    )
    changes = models.JSONField(_("usulan perubahan"), default=dict)
    base_values = models.JSONField(_("nilai saat diusulkan"), default=dict)
    base_version = models.PositiveIntegerField(_("versi IKM saat diusulkan"), null=True, blank=True)
    outcome = models.CharField(
        _("hasil"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    decision_note = models.TextField(_("catatan keputusan"), blank=True)

    class Meta:
        verbose_name = _("usulan pembaruan data IKM")
        verbose_name_plural = _("usulan pembaruan data IKM")
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["regency_code", "outcome"], name="fac_proposal_reg_outcome")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {', '.join(sorted(self.changes))}"

    @property
    def agency_id(self):
        return self.facilitator.agency_id


class MonthlyReport(TimeStampedModel, FacilitatorPlaced, VerifiableModel, Versioned):
    """The laporan bulanan TPL-IKM: generated from the month's visits, written up, submitted, approved.

    `figures` is what the generator counted when the report was last generated (visits, enterprises
    assisted, problems, results), kept so an approved report does not change when a late visit syncs.
    """

    facilitator = models.ForeignKey(
        Facilitator, on_delete=models.PROTECT, related_name="reports", verbose_name=_("pendamping")
    )
    month = models.DateField(_("bulan"), help_text=_("Tanggal 1 bulan laporan."))
    due_on = models.DateField(_("batas penyampaian"))
    figures = models.JSONField(_("angka"), default=dict)
    results = models.TextField(_("hasil pendampingan"), blank=True)
    problems = models.TextField(_("permasalahan"), blank=True)
    plan_next_month = models.TextField(_("rencana bulan berikutnya"), blank=True)

    class Meta:
        verbose_name = _("laporan bulanan TPL-IKM")
        verbose_name_plural = _("laporan bulanan TPL-IKM")
        ordering = ["-month", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["facilitator", "month"], name="fac_report_once_a_month")
        ]
        indexes = [models.Index(fields=["regency_code", "month"], name="fac_report_reg_month")]

    def __str__(self) -> str:
        return f"{self.facilitator.name} — {self.month:%m/%Y}"

    def get_absolute_url(self) -> str:
        return _url("monthly_report_detail", self.pk)

    @property
    def agency_id(self):
        return self.facilitator.agency_id

    def submitted_by_its_author(self) -> bool:
        """Submitted by the facilitator themself: the Dinas that hosts them may approve it although
        the facilitator's profile names that Dinas (verification.services.personal_submission)."""
        return self.submitted_by_id is not None and self.submitted_by_id == self.facilitator.user_id


class ContractNotice(models.Model):
    """That the notice of a contract's end was sent, `days_before` its end (60, then 30): written in
    the same transaction as the notifications, unique, so a rerun of `sentra notify-contracts` sends
    nothing twice."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="notices")
    days_before = models.PositiveSmallIntegerField(_("hari sebelum berakhir"))
    sent_at = models.DateTimeField(_("dikirim"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("penerima"), default=0)

    class Meta:
        verbose_name = _("pemberitahuan kontrak berakhir")
        verbose_name_plural = _("pemberitahuan kontrak berakhir")
        constraints = [
            models.UniqueConstraint(fields=["contract", "days_before"], name="fac_contract_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}: H-{self.days_before}"
