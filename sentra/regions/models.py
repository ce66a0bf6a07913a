"""Kemendagri administrative regions and the KBLI 2020 classification: the reference spine."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A province, regency/city, district (kecamatan) or village (desa/kelurahan).

    The dotted Kemendagri code is the primary key, so a record's region code is stored directly on
    it and "everything in Kab. Penajam Paser Utara" is a range scan on an index
    (`code >= '64.09' AND code < '64.09/'`), with no join and no tree table.
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Provinsi")
        REGENCY = 2, _("Kabupaten/Kota")
        DISTRICT = 3, _("Kecamatan")
        VILLAGE = 4, _("Desa/Kelurahan")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120, db_index=True)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("induk"),
    )

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def province_code(self) -> str:
        return self.code[:2]

    @property
    def regency_code(self) -> str | None:
        return self.code[:5] if self.level >= self.Level.REGENCY else None

    @property
    def village_kind(self) -> str | None:
        """Kelurahan, desa or desa adat, from the first digit of the village segment."""
        if self.level != self.Level.VILLAGE:
            return None
        return {"1": "kelurahan", "2": "desa", "3": "desa adat"}.get(self.code[9], "desa")


class Kbli(models.Model):
    """A KBLI 2020 code at any of its five levels (kategori letter to 5-digit kelompok)."""

    code = models.CharField(_("kode"), max_length=5, primary_key=True)
    title = models.CharField(_("judul"), max_length=400)
    level = models.PositiveSmallIntegerField(_("tingkat"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("induk"),
    )
    description = models.TextField(_("uraian"), blank=True)

    class Meta:
        verbose_name = _("KBLI 2020")
        verbose_name_plural = _("KBLI 2020")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class LocalityAlias(models.Model):
    """A named place below the village (kampung, dusun, neighbourhood, industrial area) that people
    write in addresses instead of the village: "Somber" for Kelurahan Batu Ampar, Balikpapan.

    The gazetteer answers the village and names the locality in its reason. Every entry carries the
    source that places the locality in that village; the shipped entries come from
    sentra/regions/data/localities.csv (see SOURCES.md) through `sentra load-reference`.
    """

    class Kind(models.TextChoices):
        KAMPUNG = "kampung", _("kampung")
        DUSUN = "dusun", _("dusun")
        DUKUH = "dukuh", _("dukuh")
        LINGKUNGAN = "lingkungan", _("lingkungan")
        KAWASAN = "kawasan", _("kawasan")
        JALAN = "jalan", _("jalan")

    name = models.CharField(_("nama lokalitas"), max_length=120)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    village = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="locality_aliases",
        limit_choices_to={"level": Region.Level.VILLAGE},
        verbose_name=_("desa/kelurahan"),
    )
    source = models.CharField(
        _("sumber"), max_length=500, help_text=_("URL atau dokumen yang menjadi dasar.")
    )
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("nama lokalitas")
        verbose_name_plural = _("nama lokalitas")
        ordering = ["name", "village"]
        constraints = [
            models.UniqueConstraint(fields=["name", "village"], name="regions_locality_alias_unique"),
            models.CheckConstraint(condition=~models.Q(source=""), name="regions_locality_alias_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.village_id}"
