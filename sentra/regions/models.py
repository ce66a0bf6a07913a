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
