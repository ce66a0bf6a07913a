"""Registries: IKM units (Enterprise), sentra IKM (Centre) with their legal basis, and products."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sentra.core.models import TimeStampedModel
from sentra.core.versioning import Versioned
from sentra.verification.models import VerifiableModel

from .choices import (
    CentreStatus,
    CertificationKind,
    DecreeKind,
    EnterpriseStatus,
    MarketReach,
    RawMaterialOrigin,
    SizeClass,
)

nib_validator = RegexValidator(r"^\d{13}$", _("NIB harus terdiri dari 13 angka."), code="nib_format")

MINIMUM_CENTRE_MEMBERS = 5  # PP 29/2018 Pasal 1: a sentra IKM has at least 5 business units
# PP 29/2018 Pasal 1: the units of a sentra make similar products; a member "shares the centre's
# KBLI" when its code is in the same 4-digit subgolongan (tahu 10392 and tempe 10391 do).
KBLI_SIMILAR_DIGITS = 4

# KBLI 2020 (Peraturan BPS 2/2020): the section (kategori) of each 2-digit division (golongan pokok).
# An IKM is manufacturing: section C, divisions 10-33 (docs/domain-facts §6, §7.2).
KBLI_SECTIONS = (
    ("A", 1, 3),
    ("B", 5, 9),
    ("C", 10, 33),
    ("D", 35, 35),
    ("E", 36, 39),
    ("F", 41, 43),
    ("G", 45, 47),
    ("H", 49, 53),
    ("I", 55, 56),
    ("J", 58, 63),
    ("K", 64, 66),
    ("L", 68, 68),
    ("M", 69, 75),
    ("N", 77, 82),
    ("O", 84, 84),
    ("P", 85, 85),
    ("Q", 86, 88),
    ("R", 90, 93),
    ("S", 94, 96),
    ("T", 97, 98),
    ("U", 99, 99),
)
MANUFACTURING_SECTION = "C"
MANUFACTURING_DIVISIONS = frozenset(
    f"{n:02d}"
    for letter, first, last in KBLI_SECTIONS
    if letter == MANUFACTURING_SECTION
    for n in range(first, last + 1)
)


def kbli_section(code: str) -> str:
    """The KBLI 2020 section letter of a numeric code ("" when its division is not in KBLI 2020)."""
    division = str(code or "")[:2]
    if len(division) == 2 and division.isdigit():
        number = int(division)
        for letter, first, last in KBLI_SECTIONS:
            if first <= number <= last:
                return letter
    return ""


def is_manufacturing_kbli(code: str) -> bool:
    return str(code or "")[:2] in MANUFACTURING_DIVISIONS


def kbli_not_manufacturing_message(code: str) -> str:
    return gettext(
        "KBLI %(code)s termasuk kategori %(section)s, bukan kategori C Industri Pengolahan "
        "(golongan pokok 10-33); IKM, sentra IKM dan produknya harus berkode KBLI industri pengolahan."
    ) % {"code": code, "section": kbli_section(code) or "?"}


def validate_manufacturing_kbli(code: str) -> None:
    """The one rule "IKM means manufacturing": enterprises, centres and products take only a KBLI of
    section C (code kbli_not_manufacturing). full_clean runs it for services, web forms and the API;
    the import engine reports it per row through the same message."""
    if code and not is_manufacturing_kbli(code):
        raise ValidationError(kbli_not_manufacturing_message(code), code="kbli_not_manufacturing")


class RegionPlacedModel(TimeStampedModel, VerifiableModel, Versioned):
    """A record placed in a village, owned by an agency, and verified level by level.

    province_code and regency_code copy the village code's prefixes so that lists of a province
    or a regency, sorted by name, are served by one composite index even at 4.4 million rows.
    Services set them from the village; nothing else writes them.
    """

    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa/kelurahan")
    )
    province_code = models.CharField(_("kode provinsi"), max_length=2, editable=False)
    regency_code = models.CharField(_("kode kabupaten/kota"), max_length=5, editable=False)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("instansi pemilik")
    )

    class Meta:
        abstract = True

    URL_NAME = ""  # the web detail page, e.g. "web:enterprise_detail"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse(self.URL_NAME, args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.village_id

    def place_in(self, village_code: str) -> None:
        self.village_id = village_code
        self.province_code = village_code[:2]
        self.regency_code = village_code[:5]


class Enterprise(RegionPlacedModel):
    """An IKM unit (unit usaha industri kecil/menengah).

    Investment excludes land and buildings, as Permenperin 64/2016 counts it; size_class is derived
    from workers and investment by registry.services.enterprise_size_class and stored for filtering.
    """

    URL_NAME = "web:enterprise_detail"

    name = models.CharField(_("nama usaha"), max_length=200)
    owner_name = models.CharField(_("nama pemilik"), max_length=150, blank=True)
    # OSS-RBA: the NIB identifies the business actor, not a unit; one NIB holds several units with
    # different KBLI and/or locations (domain-facts §7.2). A unit is NIB + KBLI + village
    # (constraint enterprise_unit below); registry.selectors.business_units lists a NIB's units.
    nib = models.CharField(
        _("NIB"),
        max_length=13,
        null=True,
        blank=True,
        validators=[nib_validator],
        help_text=_(
            "Nomor Induk Berusaha, 13 angka. Satu NIB dapat memiliki beberapa unit usaha (KBLI "
            "dan/atau lokasi berbeda)."
        ),
    )
    # No index of its own: enterprise_kbli_regency (kbli, regency_code) starts with it (migration 0010).
    kbli = models.ForeignKey(
        "regions.Kbli",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("KBLI"),
        validators=[validate_manufacturing_kbli],
        db_index=False,
    )
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("lintang"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-11.5), MaxValueValidator(6.5)],
    )
    longitude = models.DecimalField(
        _("bujur"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(94.5), MaxValueValidator(141.5)],
    )
    workers = models.PositiveIntegerField(_("tenaga kerja"), default=0)
    investment = models.PositiveBigIntegerField(
        _("nilai investasi (Rp)"), default=0, help_text=_("Tidak termasuk tanah dan bangunan.")
    )
    production_capacity = models.DecimalField(
        _("kapasitas produksi"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    capacity_unit = models.CharField(_("satuan kapasitas"), max_length=30, blank=True)
    production_value = models.PositiveBigIntegerField(
        _("nilai produksi per tahun (Rp)"), null=True, blank=True
    )
    # SIINas items for small industry (Permenperin 13/2025 Pasal 7; domain-facts §5, §7.2): what
    # the unit reports each year besides workers, investment and production capacity above. All
    # optional; quantities per year. Text columns carry a database default so that migration 0008
    # adds them without rewriting the table and bulk loaders that name their columns keep working.
    installed_capacity = models.DecimalField(
        _("kapasitas terpasang"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Per tahun, dalam satuan kapasitas."),
    )
    production_quantity = models.DecimalField(
        _("jumlah produksi per tahun"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    production_unit = models.CharField(
        _("satuan produksi"),
        max_length=30,
        blank=True,
        default="",
        db_default="",
        help_text=_("Misalnya kg."),
    )
    raw_material = models.CharField(
        _("bahan baku utama"), max_length=200, blank=True, default="", db_default=""
    )
    raw_material_quantity = models.DecimalField(
        _("jumlah bahan baku per tahun"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    raw_material_unit = models.CharField(
        _("satuan bahan baku"), max_length=30, blank=True, default="", db_default=""
    )
    raw_material_origin = models.CharField(
        _("asal bahan baku"),
        max_length=10,
        choices=RawMaterialOrigin.choices,
        blank=True,
        default="",
        db_default="",
    )
    other_raw_materials = models.TextField(
        _("bahan baku lain"),
        blank=True,
        default="",
        db_default="",
        help_text=_("Satu per baris: nama, jumlah, satuan, asal."),
    )
    land_building_value = models.PositiveBigIntegerField(
        _("nilai tanah dan bangunan (Rp)"), null=True, blank=True
    )
    water_use = models.DecimalField(
        _("pemakaian air per tahun"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    water_unit = models.CharField(
        _("satuan air"), max_length=20, blank=True, default="", db_default="", help_text=_("Misalnya m³.")
    )
    fuel_type = models.CharField(
        _("jenis bahan bakar"),
        max_length=50,
        blank=True,
        default="",
        db_default="",
        help_text=_("Misalnya solar, LPG, kayu bakar."),
    )
    fuel_use = models.DecimalField(
        _("pemakaian bahan bakar per tahun"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fuel_unit = models.CharField(
        _("satuan bahan bakar"),
        max_length=20,
        blank=True,
        default="",
        db_default="",
        help_text=_("Misalnya liter."),
    )
    electricity_use = models.DecimalField(
        _("pemakaian listrik per tahun"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    electricity_unit = models.CharField(
        _("satuan listrik"),
        max_length=20,
        blank=True,
        default="",
        db_default="",
        help_text=_("Misalnya kWh."),
    )
    machine_count = models.PositiveIntegerField(_("jumlah mesin/peralatan"), null=True, blank=True)
    machines = models.TextField(
        _("mesin/peralatan utama"), blank=True, default="", db_default="", help_text=_("Jenis dan jumlahnya.")
    )
    data_year = models.PositiveSmallIntegerField(
        _("tahun data"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("Tahun yang diwakili data produksi dan pemakaian di atas (laporan SIINas)."),
    )
    year_started = models.PositiveSmallIntegerField(
        _("tahun mulai"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    size_class = models.CharField(_("skala"), max_length=10, choices=SizeClass.choices, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE
    )

    class Meta:
        verbose_name = _("IKM")
        verbose_name_plural = _("IKM")
        ordering = ["name", "id"]
        constraints = [
            # The unit key of a unit with a NIB (OSS-RBA: one NIB, several units). Units without a
            # NIB are told apart by name + village, as the import matches them. Its index, led by
            # the NIB, also serves every lookup of a NIB (search, per-NIB page, suggestions).
            models.UniqueConstraint(
                fields=["nib", "kbli", "village"],
                condition=models.Q(nib__isnull=False),
                name="enterprise_unit",
                violation_error_code="unit_exists",
                violation_error_message=_(
                    "Unit usaha dengan NIB, KBLI dan desa/kelurahan ini sudah terdaftar; satu NIB dapat "
                    "memiliki beberapa unit, masing-masing dengan KBLI atau lokasi yang berbeda."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["province_code", "name", "id"], name="enterprise_province_name"),
            models.Index(fields=["regency_code", "name", "id"], name="enterprise_regency_name"),
            models.Index(fields=["name", "id"], name="enterprise_name"),
            models.Index(fields=["kbli", "regency_code"], name="enterprise_kbli_regency"),
            # Each level's verification queue: its region's records in one status.
            models.Index(
                fields=["regency_code", "verification_status", "name"], name="enterprise_regency_queue"
            ),
            models.Index(
                fields=["province_code", "verification_status", "name"], name="enterprise_province_queue"
            ),
            # The dashboard's totals per province and per regency read only this index, never the
            # rows (national: 4.4 million rows fetched one by one took ~26 s on SQLite).
            models.Index(
                fields=["province_code", "regency_code", "workers"], name="enterprise_region_workers"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Certification(models.Model):
    """A certificate held by an enterprise: halal, SNI, PIRT or HKI/merek."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(_("jenis"), max_length=10, choices=CertificationKind.choices)
    number = models.CharField(_("nomor"), max_length=100)
    issued_on = models.DateField(_("tanggal terbit"), null=True, blank=True)

    class Meta:
        verbose_name = _("sertifikat")
        verbose_name_plural = _("sertifikat")
        ordering = ["kind", "issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind", "number"], name="certification_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Decree(TimeStampedModel, Versioned):
    """The legal act that designates one or more sentra (SK Bupati/Walikota, Perbup, Perda…).

    One decree often designates several centres at once: PPU's SK 518/176/2020 designates nine.
    """

    kind = models.CharField(_("jenis"), max_length=20, choices=DecreeKind.choices)
    number = models.CharField(_("nomor"), max_length=100, help_text=_("Misalnya 518/176/2020."))
    issued_on = models.DateField(_("tanggal"))
    signatory = models.CharField(_("penanda tangan"), max_length=150, blank=True)
    title = models.CharField(_("tentang"), max_length=300, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah penerbit")
    )
    scan = models.FileField(_("pindaian dokumen"), upload_to="decrees/%Y/", blank=True)

    class Meta:
        verbose_name = _("dasar hukum")
        verbose_name_plural = _("dasar hukum")
        ordering = ["-issued_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind", "number"],
                name="decree_unique_number",
                violation_error_message=_(
                    "Dasar hukum dengan jenis dan nomor ini sudah ada di wilayah tersebut."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} No. {self.number}"


class Centre(RegionPlacedModel):
    """A sentra IKM: at least five units making similar products from similar raw materials in one place.

    `village` is the main village (it places the centre in a region); `villages` lists every
    village it spans, the main one included.
    """

    URL_NAME = "web:centre_detail"

    name = models.CharField(_("nama sentra"), max_length=200)
    commodity = models.CharField(_("komoditas"), max_length=150)
    kbli = models.ForeignKey(
        "regions.Kbli",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("KBLI"),
        validators=[validate_manufacturing_kbli],
    )
    raw_material = models.CharField(_("bahan baku"), max_length=200, blank=True)
    description = models.TextField(_("keterangan"), blank=True)
    villages = models.ManyToManyField(
        "regions.Region", through="CentreVillage", related_name="+", verbose_name=_("desa/kelurahan")
    )
    members = models.ManyToManyField(
        Enterprise, through="CentreMembership", related_name="centres", verbose_name=_("anggota")
    )
    decree = models.ForeignKey(
        Decree,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="centres",
        verbose_name=_("dasar hukum"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CentreStatus.choices, default=CentreStatus.PROPOSED
    )
    proposed_on = models.DateField(_("tanggal diusulkan"), null=True, blank=True)
    designated_on = models.DateField(_("tanggal ditetapkan"), null=True, blank=True)
    developing_on = models.DateField(_("tanggal berkembang"), null=True, blank=True)
    self_reliant_on = models.DateField(_("tanggal mandiri"), null=True, blank=True)
    inactive_on = models.DateField(_("tanggal tidak aktif"), null=True, blank=True)
    inactive_reason = models.TextField(
        _("alasan tidak aktif"),
        blank=True,
        help_text=_("Misalnya: dibubarkan, anggota berhenti berproduksi."),
    )
    board_chair = models.CharField(_("ketua pengurus"), max_length=150, blank=True)
    board_members = models.TextField(_("susunan pengurus"), blank=True)
    upt_name = models.CharField(_("UPT"), max_length=200, blank=True)
    has_gapura = models.BooleanField(_("gapura"), default=False)
    has_logo = models.BooleanField(_("logo"), default=False)
    has_showroom = models.BooleanField(_("showroom"), default=False)
    facilities = models.TextField(_("sarana dan prasarana"), blank=True)
    is_desa_wisata = models.BooleanField(_("desa wisata"), default=False)
    is_desa_pengrajin = models.BooleanField(_("desa pengrajin"), default=False)

    class Meta:
        verbose_name = _("sentra IKM")
        verbose_name_plural = _("sentra IKM")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["province_code", "name"], name="centre_province_name"),
            models.Index(fields=["regency_code", "name"], name="centre_regency_name"),
            models.Index(fields=["name", "village"], name="centre_natural_key"),
        ]

    def __str__(self) -> str:
        return self.name


class CentreVillage(models.Model):
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="village_links")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["centre", "village"], name="centre_village_unique")]

    def __str__(self) -> str:
        return f"{self.centre_id} @ {self.village_id}"


class CentreMembership(models.Model):
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="memberships")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships")
    joined_on = models.DateField(_("tanggal bergabung"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["centre", "enterprise"], name="centre_member_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} ∈ {self.centre_id}"


class Product(RegionPlacedModel):
    """A product of an enterprise and/or a centre, for the catalogue and market linkage."""

    URL_NAME = "web:product_detail"

    name = models.CharField(_("nama produk"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("IKM"),
    )
    centre = models.ForeignKey(
        Centre,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("sentra"),
    )
    kbli = models.ForeignKey(
        "regions.Kbli",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("KBLI"),
        validators=[validate_manufacturing_kbli],
    )
    description = models.TextField(_("deskripsi"), blank=True)
    price_min = models.PositiveBigIntegerField(_("harga terendah (Rp)"), null=True, blank=True)
    price_max = models.PositiveBigIntegerField(_("harga tertinggi (Rp)"), null=True, blank=True)
    market_reach = models.CharField(
        _("jangkauan pasar"), max_length=10, choices=MarketReach.choices, default=MarketReach.LOCAL
    )
    photo = models.ImageField(_("foto"), upload_to="products/%Y/", blank=True)

    class Meta:
        verbose_name = _("produk")
        verbose_name_plural = _("produk")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=False) | models.Q(centre__isnull=False),
                name="product_has_maker",
                violation_error_message=_("Produk harus terkait dengan IKM atau sentra."),
            ),
            models.CheckConstraint(
                condition=models.Q(price_min__isnull=True)
                | models.Q(price_max__isnull=True)
                | models.Q(price_min__lte=models.F("price_max")),
                name="product_price_range",
                violation_error_message=_("Harga terendah tidak boleh melebihi harga tertinggi."),
            ),
        ]
        indexes = [models.Index(fields=["regency_code", "name"], name="product_regency_name")]

    def __str__(self) -> str:
        return self.name


# Links of a centre (villages, members) are rows of their own, not fields: every audit event of a
# centre carries them under these names (registry/links.py registers them with audit.links), so that
# the history lists them and a restore or a rollback puts them back.
CENTRE_LINK_FIELDS = ("village_codes", "member_ids")


def centre_links(centre: Centre) -> dict[str, list]:
    return {
        "village_codes": sorted(centre.village_links.values_list("village_id", flat=True)),
        "member_ids": sorted(centre.memberships.values_list("enterprise_id", flat=True)),
    }


def centre_links_restore(centre: Centre, values: dict[str, list]) -> None:
    """Sets the centre's villages and members back to `values` (either key may be absent)."""
    if "village_codes" in values:
        codes = set(values["village_codes"] or [])
        centre.village_links.exclude(village_id__in=codes).delete()
        have = set(centre.village_links.values_list("village_id", flat=True))
        CentreVillage.objects.bulk_create(CentreVillage(centre=centre, village_id=c) for c in codes - have)
    if "member_ids" in values:
        ids = set(values["member_ids"] or [])
        centre.memberships.exclude(enterprise_id__in=ids).delete()
        have = set(centre.memberships.values_list("enterprise_id", flat=True))
        existing = set(Enterprise.objects.filter(pk__in=ids - have).values_list("pk", flat=True))
        CentreMembership.objects.bulk_create(
            CentreMembership(centre=centre, enterprise_id=i) for i in existing
        )
