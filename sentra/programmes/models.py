"""Plans (Programme → Activity → Output), budget documents (DIPA, pagu, RPD) and monthly realisation.

Every record belongs to the agency that owns it and is placed at that agency's region, so the
scope rule of part 2 (accounts/scope.py) reads them like the registries: `scope_code` is the code
it is checked against, and province_code/regency_code serve region_q and the dashboards' GROUP BY.
"""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sentra.core.models import TimeStampedModel
from sentra.core.versioning import Versioned
from sentra.verification.models import VerifiableModel, VerificationStatus

from .choices import AccountGroup, ActivityKind, FundingSource, Month

MONTHS = range(1, 13)
RPD_FIELDS = tuple(f"m{m:02d}" for m in MONTHS)

DEFAULT_QUARTER_TARGETS = (15, 40, 60, 90)  # SMART/IKPA absorption targets for TW I–IV, in %
DEFAULT_RPD_WINDOW_MONTHS = [2, 4, 7, 10]  # Kemenkeu: RPD updated in Feb/Apr/Jul/Oct …
DEFAULT_RPD_WINDOW_LAST_DAY = 14  # … by the 10th working day, about the 14th calendar day
DEFAULT_LAG_THRESHOLD = 10  # percentage points behind the disbursement plan before a warning
# PER-5/PB/2024 (in force for TA 2024): deviation weighted by each spending type's share of the pagu;
# the years before used the plain mean of the types (domain-facts 7.1).
WEIGHTED_DEVIATION_FROM = 2024
# RPD update deadlines published by DJPb per year (domain-facts 7.1); other years fall back to the
# 14th of DEFAULT_RPD_WINDOW_MONTHS.
KNOWN_RPD_WINDOWS = {
    2026: ((2, 19), (4, 15), (7, 14), (10, 14)),
}


class DeviationRule(models.TextChoices):
    WEIGHTED = "weighted", _("Rata-rata tertimbang pagu per jenis belanja (PER-5/PB/2024)")
    MEAN = "mean", _("Rata-rata sederhana per jenis belanja (aturan 2022)")


def default_rpd_windows(fiscal_year: int) -> list[dt.date]:
    """The four RPD update deadlines of a year without a configured policy."""
    pairs = KNOWN_RPD_WINDOWS.get(
        fiscal_year, tuple((m, DEFAULT_RPD_WINDOW_LAST_DAY) for m in DEFAULT_RPD_WINDOW_MONTHS)
    )
    return [dt.date(fiscal_year, month, day) for month, day in pairs]


def default_deviation_rule(fiscal_year: int) -> str:
    return DeviationRule.WEIGHTED if fiscal_year >= WEIGHTED_DEVIATION_FROM else DeviationRule.MEAN


def year_validators():
    return [MinValueValidator(2000), MaxValueValidator(2100)]


class AgencyPlacedModel(TimeStampedModel, Versioned):
    """A record owned by an agency for a fiscal year, placed at the agency's region (none: national)."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("instansi/satker")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"), validators=year_validators())
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("wilayah"),
    )
    province_code = models.CharField(_("kode provinsi"), max_length=2, blank=True, editable=False)
    regency_code = models.CharField(_("kode kabupaten/kota"), max_length=5, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def scope_code(self) -> str | None:
        return self.region_id

    def place_at_agency(self, agency) -> None:
        self.agency = agency
        code = agency.region_id or ""
        self.region_id = code or None
        self.province_code = code[:2]
        self.regency_code = code[:5] if len(code) >= 5 else ""


class BudgetPolicy(Versioned):
    """The control settings of one fiscal year; a year without a row uses the defaults."""

    fiscal_year = models.PositiveSmallIntegerField(
        _("tahun anggaran"), unique=True, validators=year_validators()
    )
    target_q1 = models.PositiveSmallIntegerField(
        _("target penyerapan TW I (%)"), default=DEFAULT_QUARTER_TARGETS[0]
    )
    target_q2 = models.PositiveSmallIntegerField(
        _("target penyerapan TW II (%)"), default=DEFAULT_QUARTER_TARGETS[1]
    )
    target_q3 = models.PositiveSmallIntegerField(
        _("target penyerapan TW III (%)"), default=DEFAULT_QUARTER_TARGETS[2]
    )
    target_q4 = models.PositiveSmallIntegerField(
        _("target penyerapan TW IV (%)"), default=DEFAULT_QUARTER_TARGETS[3]
    )
    lag_threshold = models.PositiveSmallIntegerField(
        _("ambang keterlambatan (poin %)"),
        default=DEFAULT_LAG_THRESHOLD,
        validators=[MaxValueValidator(100)],
    )
    # Blank when created: save() writes the rule of the year (weighted from TA 2024, plain mean
    # before), so a policy created without a rule — the demo, the admin — scores as the Treasury did.
    deviation_rule = models.CharField(
        _("aturan deviasi RPD"),
        max_length=10,
        choices=DeviationRule.choices,
        blank=True,
        default="",
        help_text=_(
            "Cara menggabungkan deviasi per jenis belanja: tertimbang pagu (sejak 2024) atau rata-rata; "
            "kosong: aturan tahun itu."
        ),
    )
    # {"52": [15, 40, 60, 90], …}: absorption targets per spending type and quarter (PER-5/PB/2024
    # Pasal 9); a type without an entry uses target_q1–q4.
    type_targets = models.JSONField(_("target penyerapan per jenis belanja"), default=dict, blank=True)
    # RPD update deadlines, one per quarter (2026: 19 Feb, 15 Apr, 14 Jul, 14 Oct). The window of a
    # quarter runs from the quarter's first day to its deadline. (They replaced the former "day N of
    # month M" form, rpd_window_months/_last_day, converted by migration 0008 and dropped by 0009.)
    rpd_window_q1 = models.DateField(_("batas revisi RPD TW I"), null=True, blank=True)
    rpd_window_q2 = models.DateField(_("batas revisi RPD TW II"), null=True, blank=True)
    rpd_window_q3 = models.DateField(_("batas revisi RPD TW III"), null=True, blank=True)
    rpd_window_q4 = models.DateField(_("batas revisi RPD TW IV"), null=True, blank=True)

    class Meta:
        verbose_name = _("kebijakan pengendalian anggaran")
        verbose_name_plural = _("kebijakan pengendalian anggaran")

    def __str__(self) -> str:
        return f"TA {self.fiscal_year}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("web:budget_policy") + f"?tahun={self.fiscal_year}"

    def save(self, *args, **kwargs):
        if not self.deviation_rule:
            self.deviation_rule = default_deviation_rule(self.fiscal_year)
        super().save(*args, **kwargs)

    @property
    def scope_code(self) -> str | None:
        return None  # national: set and read by the ministry (its history too)

    @property
    def quarter_targets(self) -> tuple[int, int, int, int]:
        return (self.target_q1, self.target_q2, self.target_q3, self.target_q4)

    @property
    def window_months(self) -> list[int]:
        return [deadline.month for deadline in self.rpd_windows]

    @property
    def rpd_windows(self) -> list[dt.date]:
        """The four RPD update deadlines (TW I–IV); unset ones fall back to the year's defaults."""
        defaults = default_rpd_windows(self.fiscal_year)
        set_ = (self.rpd_window_q1, self.rpd_window_q2, self.rpd_window_q3, self.rpd_window_q4)
        return [value or default for value, default in zip(set_, defaults, strict=True)]

    def targets_for(self, account_group: str) -> tuple[int, int, int, int]:
        """The quarter targets of one spending type (the year's general ones when not set)."""
        values = (self.type_targets or {}).get(account_group)
        return tuple(values) if values else self.quarter_targets


class Programme(AgencyPlacedModel):
    """A programme of an agency for a fiscal year, e.g. Program Nilai Tambah dan Daya Saing Industri."""

    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("nama program"), max_length=250)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("program")
        ordering = ["fiscal_year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "fiscal_year", "code"],
                name="programmes_programme_code",
                violation_error_message=_("Kode program ini sudah dipakai instansi pada tahun yang sama."),
            )
        ]
        indexes = [models.Index(fields=["fiscal_year", "province_code"], name="prog_year_province")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Activity(AgencyPlacedModel, VerifiableModel):
    """A kegiatan: what is done, where, when, for whom, funded from which source."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="activities", verbose_name=_("program")
    )
    code = models.CharField(_("kode kegiatan"), max_length=40)
    name = models.CharField(_("nama kegiatan"), max_length=250)
    kind = models.CharField(_("jenis kegiatan"), max_length=20, choices=ActivityKind.choices)
    funding_source = models.CharField(_("sumber dana"), max_length=15, choices=FundingSource.choices)
    description = models.TextField(_("uraian"), blank=True)
    start_date = models.DateField(_("mulai"), null=True, blank=True)
    end_date = models.DateField(_("selesai"), null=True, blank=True)
    plan_reference = models.CharField(
        _("indikator RPJMD/Renstra"),
        max_length=300,
        blank=True,
        help_text=_("Indikator rencana daerah yang didukung kegiatan ini."),
    )
    # SAKTI coding of the activity (domain-facts 7.1): program (Programme.code) → kegiatan → KRO → RO →
    # komponen; the akun is on each budget line. Blank where the activity is not in a DIPA.
    kegiatan_code = models.CharField(_("kode kegiatan SAKTI"), max_length=4, blank=True)
    kro_code = models.CharField(_("kode KRO"), max_length=3, blank=True)
    ro_code = models.CharField(_("kode RO"), max_length=3, blank=True)
    component_code = models.CharField(_("kode komponen"), max_length=3, blank=True)
    officer_name = models.CharField(
        _("penanggung jawab"),
        max_length=150,
        blank=True,
        help_text=_("Pejabat/petugas yang bertanggung jawab atas kegiatan, mis. PPK atau kepala bidang."),
    )
    locations = models.ManyToManyField(
        "regions.Region", blank=True, related_name="+", verbose_name=_("lokasi")
    )
    centres = models.ManyToManyField(
        "registry.Centre", blank=True, related_name="activities", verbose_name=_("sentra penerima")
    )
    enterprises = models.ManyToManyField(
        "registry.Enterprise", blank=True, related_name="activities", verbose_name=_("IKM penerima")
    )

    URL_NAME = "web:activity_detail"

    class Meta:
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")
        ordering = ["fiscal_year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "fiscal_year", "code"],
                name="programmes_activity_code",
                violation_error_message=_("Kode kegiatan ini sudah dipakai instansi pada tahun yang sama."),
            )
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "province_code", "regency_code"], name="act_year_place"),
            models.Index(fields=["fiscal_year", "kind"], name="act_year_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse(self.URL_NAME, args=[self.pk])


class Output(Versioned):
    """A keluaran of an activity: an indicator with a unit and a yearly target. The first is the main one."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="outputs")
    indicator = models.CharField(_("indikator keluaran"), max_length=250)
    unit = models.CharField(_("satuan"), max_length=40)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("keluaran")
        verbose_name_plural = _("keluaran")
        ordering = ["activity_id", "id"]

    def __str__(self) -> str:
        return f"{self.indicator} ({self.target} {self.unit})"


class BudgetDocument(AgencyPlacedModel):
    """A budget document of one satker for one fiscal year and funding source: a DIPA for central funds
    (APBN, dekonsentrasi, tugas pembantuan), the equivalent for the others (DPA for APBD, the grant or
    CSR agreement…), so every activity can have a pagu. Revisions keep every version."""

    kind = models.CharField(_("sumber dana"), max_length=15, choices=FundingSource.choices)
    number = models.CharField(_("nomor DIPA"), max_length=80)
    issued_on = models.DateField(_("tanggal DIPA"))
    revision = models.PositiveSmallIntegerField(_("revisi ke-"), default=0)
    revision_number = models.CharField(_("nomor revisi"), max_length=80, blank=True)
    revised_on = models.DateField(_("tanggal revisi"), null=True, blank=True)

    URL_NAME = "web:budget_detail"

    class Meta:
        verbose_name = _("DIPA")
        verbose_name_plural = _("DIPA")
        ordering = ["fiscal_year", "province_code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "fiscal_year", "kind"],
                name="programmes_budget_document_one_per_kind",
                violation_error_message=_(
                    "Satker ini sudah memiliki DIPA jenis tersebut pada tahun yang sama."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} (rev. {self.revision})" if self.revision else self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse(self.URL_NAME, args=[self.pk])


class BudgetDocumentVersion(models.Model):
    """A frozen copy of a DIPA's lines at one revision, so that any two versions can be compared."""

    document = models.ForeignKey(BudgetDocument, on_delete=models.CASCADE, related_name="versions")
    revision = models.PositiveSmallIntegerField(_("revisi ke-"))
    number = models.CharField(_("nomor"), max_length=80)
    dated = models.DateField(_("tanggal"))
    lines = models.JSONField(_("rincian pagu"), default=list)  # [{activity, code, account_group, amount}]
    total = models.BigIntegerField(_("total pagu"), default=0)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.CharField(_("oleh"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("versi DIPA")
        verbose_name_plural = _("versi DIPA")
        ordering = ["document_id", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["document", "revision"], name="programmes_budget_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number} (rev. {self.revision})"


class BudgetLine(TimeStampedModel, Versioned):
    """A pagu: the amount of one activity and spending type in a DIPA."""

    document = models.ForeignKey(BudgetDocument, on_delete=models.CASCADE, related_name="lines")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="budget_lines")
    account_group = models.CharField(_("jenis belanja"), max_length=2, choices=AccountGroup.choices)
    # The six-digit akun of SAKTI (e.g. 521211, 526111); its first two digits are the account group.
    account_code = models.CharField(_("kode akun"), max_length=6, blank=True)
    amount = models.BigIntegerField(_("pagu (Rp)"), validators=[MinValueValidator(0)])
    # Blokir: part of the pagu that may not be spent yet; absorption is measured against the rest
    # (PER-5/PB/2024 Pasal 9). Changed through budget_line_block (audited, If-Match).
    blocked = models.BigIntegerField(_("blokir (Rp)"), default=0, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("pagu")
        verbose_name_plural = _("pagu")
        ordering = ["document_id", "activity_id", "account_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "activity", "account_group"],
                name="programmes_budget_line_unique",
                violation_error_message=_("Pagu kegiatan dan jenis belanja ini sudah ada di DIPA."),
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="programmes_budget_line_positive"),
            models.CheckConstraint(
                condition=models.Q(blocked__gte=0, blocked__lte=models.F("amount")),
                name="programmes_budget_line_blocked_within_pagu",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity.code} / {self.account_group}: Rp{self.amount:,}"

    @property
    def available(self) -> int:
        """Pagu minus blokir: what absorption is measured against."""
        return self.amount - self.blocked

    @property
    def scope_code(self) -> str | None:
        return self.document.region_id

    @property
    def agency_id(self) -> int:
        """The owner, for the own-agency rule of accounts/scope.py (the DIPA's satker)."""
        return self.document.agency_id


class DisbursementPlan(TimeStampedModel, Versioned):
    """The RPD (DIPA page III) of one budget line: twelve monthly amounts that add up to the pagu.

    One row with a column per month rather than a row per month, so that a revision is one audited
    change whose history shows every month's before and after.
    """

    line = models.OneToOneField(BudgetLine, on_delete=models.CASCADE, related_name="plan")
    m01 = models.BigIntegerField(_("Januari"), default=0)
    m02 = models.BigIntegerField(_("Februari"), default=0)
    m03 = models.BigIntegerField(_("Maret"), default=0)
    m04 = models.BigIntegerField(_("April"), default=0)
    m05 = models.BigIntegerField(_("Mei"), default=0)
    m06 = models.BigIntegerField(_("Juni"), default=0)
    m07 = models.BigIntegerField(_("Juli"), default=0)
    m08 = models.BigIntegerField(_("Agustus"), default=0)
    m09 = models.BigIntegerField(_("September"), default=0)
    m10 = models.BigIntegerField(_("Oktober"), default=0)
    m11 = models.BigIntegerField(_("November"), default=0)
    m12 = models.BigIntegerField(_("Desember"), default=0)
    revised_quarters = models.JSONField(
        _("triwulan yang sudah direvisi"), default=list, blank=True
    )  # e.g. [1, 3]: the RPD may be revised once per quarter

    class Meta:
        verbose_name = _("rencana penarikan dana (RPD)")
        verbose_name_plural = _("rencana penarikan dana (RPD)")

    def __str__(self) -> str:
        return f"RPD {self.line}"

    @property
    def scope_code(self) -> str | None:
        return self.line.document.region_id

    @property
    def agency_id(self) -> int:
        return self.line.document.agency_id

    def months(self) -> list[int]:
        return [getattr(self, f) for f in RPD_FIELDS]


class DisbursementPlanVersion(models.Model):
    """One version of an RPD as it took effect: version 0 is the first plan, each revision adds one.

    A revision changes the months from `effective_from` on (the first month of the quarter it was made
    in); the months before keep the plan that was in force for them, so the plan in force for a month
    is the latest version whose effective_from is not after it (plan_in_force)."""

    plan = models.ForeignKey(DisbursementPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("versi ke-"))
    effective_from = models.PositiveSmallIntegerField(
        _("berlaku mulai bulan"),
        choices=Month.choices,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    took_effect_on = models.DateField(_("tanggal berlaku"))
    months = models.JSONField(_("RPD 12 bulan"), default=list)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.CharField(_("oleh"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("versi RPD")
        verbose_name_plural = _("versi RPD")
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="programmes_plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"RPD v{self.number} ({self.took_effect_on})"


def plan_in_force(versions: list[DisbursementPlanVersion]) -> list[int]:
    """The twelve months as each was planned when it ran: month m from the latest version (by number)
    whose effective_from <= m. `versions` of one plan, any order."""
    months = [0] * 12
    for version in sorted(versions, key=lambda v: v.number):
        for m in range(version.effective_from - 1, 12):
            months[m] = version.months[m]
    return months


class Realisation(AgencyPlacedModel, VerifiableModel):
    """One month of an activity: money spent (rupiah), physical progress and output achieved so far.

    physical_progress and output_achieved are cumulative (as reported at the month's end); amount is
    the month's own spending. A verified or accepted month is a closed period: only a logged reopening
    (verification's `reopen`) opens it again.
    """

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="realisations")
    month = models.PositiveSmallIntegerField(_("bulan"), choices=Month.choices)
    # The spending type (IKPA scores deviation per type) and, where known, the budget line it was
    # spent from. Blank on rows recorded before types were asked of activities with several lines.
    account_group = models.CharField(
        _("jenis belanja"), max_length=2, choices=AccountGroup.choices, blank=True
    )
    # PROTECT: a pagu against which money was recorded cannot vanish with a DIPA edit; a revision
    # sets it to zero instead, and deleting the realisation first is an explicit, audited act.
    budget_line = models.ForeignKey(
        BudgetLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="realisations",
        verbose_name=_("pagu"),
    )
    amount = models.BigIntegerField(_("realisasi keuangan (Rp)"), validators=[MinValueValidator(0)])
    physical_progress = models.DecimalField(
        _("progres fisik (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    output_achieved = models.DecimalField(
        _("capaian keluaran"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Capaian kumulatif keluaran utama kegiatan, dalam satuannya."),
    )
    obstacles = models.CharField(_("kendala"), max_length=500, blank=True)

    URL_NAME = "web:realisation_detail"
    # Entered in a textarea: may hold line breaks and tabs (sentra.core.text).
    MULTILINE_FIELDS = ("obstacles",)
    REOPENABLE = frozenset({VerificationStatus.VERIFIED, VerificationStatus.ACCEPTED})

    class Meta:
        verbose_name = _("realisasi")
        verbose_name_plural = _("realisasi")
        ordering = ["activity_id", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "month", "account_group"],
                name="programmes_realisation_one_per_month_type",
                violation_error_message=_(
                    "Realisasi bulan dan jenis belanja ini sudah dicatat untuk kegiatan tersebut."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="programmes_realisation_month"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="programmes_realisation_positive"),
        ]
        indexes = [models.Index(fields=["fiscal_year", "province_code", "month"], name="real_year_place")]

    def __str__(self) -> str:
        label = f"{self.activity.code} — {Month(self.month).label} {self.fiscal_year}"
        return f"{label} ({self.account_group})" if self.account_group else label

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse(self.URL_NAME, args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.verification_status in self.REOPENABLE


class DekonAllocation(TimeStampedModel, Versioned):
    """The ministry's allocation to provinces for a year, split across provinces (DekonShare): either
    dekonsentrasi or, from TA 2024 for Ditjen IKMA, tugas pembantuan (PP 19/2022; domain-facts 7.1).
    One allocation per year and kind."""

    class Kind(models.TextChoices):
        DEKON = "dekon", _("Dekonsentrasi")
        TP = "tp", _("Tugas pembantuan")

    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"), validators=year_validators())
    kind = models.CharField(_("jenis"), max_length=5, choices=Kind.choices, default=Kind.DEKON)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("kementerian")
    )
    total = models.BigIntegerField(_("total alokasi (Rp)"), validators=[MinValueValidator(0)])
    legal_basis = models.CharField(_("dasar hukum"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("alokasi dekonsentrasi/tugas pembantuan")
        verbose_name_plural = _("alokasi dekonsentrasi/tugas pembantuan")
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "kind"], name="programmes_allocation_year_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} TA {self.fiscal_year}"

    @property
    def scope_code(self) -> str | None:
        return None


class DekonShare(models.Model):
    allocation = models.ForeignKey(DekonAllocation, on_delete=models.CASCADE, related_name="shares")
    province = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("provinsi")
    )
    amount = models.BigIntegerField(_("alokasi (Rp)"), validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("alokasi provinsi")
        verbose_name_plural = _("alokasi provinsi")
        ordering = ["allocation_id", "province_id"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "province"], name="programmes_dekon_share_unique")
        ]

    def __str__(self) -> str:
        return f"{self.province_id}: Rp{self.amount:,}"

    @property
    def scope_code(self) -> str | None:
        return self.province_id
