"""Government agencies and councils that own records: each sits at a region."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sentra.core.models import TimeStampedModel


class AgencyKind(models.TextChoices):
    MINISTRY = "ministry", _("Kemenperin / Ditjen IKMA")
    PROVINCE_INDUSTRY = "province_industry", _("Disperindag(kop) Provinsi")
    REGENCY_INDUSTRY = "regency_industry", _("Dinas Perindustrian Kabupaten/Kota")
    DEKRANAS = "dekranas", _("Dekranas / Dekranasda")
    DPMD = "dpmd", _("DPMD")
    COOPERATIVES = "cooperatives", _("Dinas Koperasi dan UKM")
    TOURISM = "tourism", _("Dinas Pariwisata")
    PLANNING = "planning", _("Bapelitbang / Bappeda")
    COMMUNICATIONS = "communications", _("Diskominfo")
    OTHER = "other", _("Lainnya")


# SAKTI's satker code: exactly six digits (e.g. 465570). Stable code for every channel.
satker_code_validator = RegexValidator(
    r"^[0-9]{6}\Z",
    _("Kode satker harus tepat 6 digit angka, mis. 465570."),
    code="invalid_satker_code",
)


class Agency(TimeStampedModel):
    """An agency (instansi, dinas, OPD) or crafts council, placed at the region it serves.

    The ministry sits at no region; a province's Disperindag at the province code; a regency's dinas
    at the regency code. Records owned by an agency are scoped by that region (part 2).
    """

    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("singkatan"), max_length=60, blank=True)
    kind = models.CharField(_("jenis"), max_length=30, choices=AgencyKind.choices, db_index=True)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("wilayah"),
    )
    # SAKTI/OM-SPAN identify a spending unit by its six-digit satker code (domain-facts 7.1); the
    # realisation import matches SAKTI rows to an agency by it. Blank for councils and unknown codes.
    satker_code = models.CharField(
        _("kode satker"),
        max_length=6,
        blank=True,
        db_index=True,
        validators=[satker_code_validator],
        help_text=_("Kode satker SAKTI, 6 digit."),
    )

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "region"],
                name="agencies_agency_name_region",
                violation_error_message=_("Instansi dengan nama ini sudah ada di wilayah tersebut."),
            ),
            # One satker, one agency: the SAKTI import finds the agency by this code.
            models.UniqueConstraint(
                fields=["satker_code"],
                condition=~models.Q(satker_code=""),
                name="agencies_agency_satker_code_unique",
                violation_error_code="duplicate_satker_code",
                violation_error_message=_("Kode satker ini sudah dipakai instansi lain."),
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name
