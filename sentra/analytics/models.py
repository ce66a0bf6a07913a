"""What analytics keeps (part 6, issue 17): a maintained count of the registry per village × KBLI, yearly
snapshots of it for shift-share, and the links planners record between overlapping activities.

`KbliCount` is kept current by the registry's writes in the same transaction (services and imports: see
analytics.aggregates), so location quotients, sentra candidates and province profiles read a few hundred
thousand small rows instead of 4.4 million enterprises, and every figure reflects the last saved record.
Only active enterprises are counted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sentra.core.models import TimeStampedModel
from sentra.core.versioning import Versioned


class KbliTotals(models.Model):
    """What every live count holds for its place and 5-digit KBLI: active IKM, workers, production value."""

    regency_code = models.CharField(_("kode kabupaten/kota"), max_length=5)
    province_code = models.CharField(_("kode provinsi"), max_length=2)
    kbli = models.CharField(_("KBLI"), max_length=5)
    enterprises = models.PositiveIntegerField(_("jumlah IKM"), default=0)
    workers = models.PositiveBigIntegerField(_("tenaga kerja"), default=0)
    production_value = models.PositiveBigIntegerField(_("nilai produksi (Rp)"), default=0)

    class Meta:
        abstract = True


class KbliCount(KbliTotals):
    """Active enterprises, their workers and production value in one village for one 5-digit KBLI."""

    village_code = models.CharField(_("kode desa/kelurahan"), max_length=13)
    district_code = models.CharField(_("kode kecamatan"), max_length=8)

    class Meta:
        verbose_name = _("jumlah IKM per desa dan KBLI")
        verbose_name_plural = _("jumlah IKM per desa dan KBLI")
        constraints = [
            models.UniqueConstraint(fields=["village_code", "kbli"], name="analytics_kblicount_once")
        ]
        indexes = [
            models.Index(fields=["regency_code", "kbli"], name="analytics_kc_regency"),
            models.Index(fields=["province_code", "kbli"], name="analytics_kc_province"),
            # With the village: a cluster's member villages are read from the index alone.
            models.Index(fields=["district_code", "kbli", "village_code"], name="analytics_kc_district_v"),
            models.Index(fields=["kbli", "enterprises"], name="analytics_kc_kbli_size"),
            # Sentra candidates of the whole country: the villages reaching the minimum, by an index range.
            models.Index(fields=["enterprises"], name="analytics_kc_size"),
        ]

    def __str__(self) -> str:
        return f"{self.village_code} {self.kbli}: {self.enterprises}"


class KbliRollup(KbliTotals):
    """`KbliCount` summed per district, regency, province and for the nation × 5-digit KBLI, kept with
    it in the same transaction (analytics.aggregates). Province and nation rows carry "" for the codes
    they have none of. At 4.4 million IKM the village counts run to millions of rows;
    the LQ of every regency, a province profile and the clusters of sentra candidates read these
    instead: one row per regency × KBLI (about 200,000 nationally) or per district × KBLI."""

    class Level(models.IntegerChoices):
        NATION = 0, _("Nasional")
        PROVINCE = 1, _("Provinsi")
        REGENCY = 2, _("Kabupaten/Kota")
        DISTRICT = 3, _("Kecamatan")

    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices)
    region_code = models.CharField(_("kode wilayah"), max_length=8)

    class Meta:
        verbose_name = _("jumlah IKM per wilayah dan KBLI")
        verbose_name_plural = _("jumlah IKM per wilayah dan KBLI")
        constraints = [
            models.UniqueConstraint(fields=["level", "region_code", "kbli"], name="analytics_rollup_once")
        ]
        indexes = [
            models.Index(fields=["level", "province_code", "kbli"], name="analytics_ru_province"),
            models.Index(fields=["level", "regency_code", "kbli"], name="analytics_ru_regency"),
            # Covering: the sentra candidates of the whole country read ~200,000 district rows reaching the
            # minimum from the index alone (on SQLite a lookup of each in the table cost seconds).
            models.Index(
                fields=[
                    "level",
                    "enterprises",
                    "workers",
                    "region_code",
                    "regency_code",
                    "kbli",
                    "production_value",
                ],
                name="analytics_ru_size_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.region_code} {self.kbli}: {self.enterprises}"


class RegistrySnapshot(TimeStampedModel):
    """The registry counted on one date (one per year, by `sentra snapshot-registry` and a beat task)."""

    year = models.PositiveSmallIntegerField(_("tahun"), unique=True)
    taken_on = models.DateField(_("tanggal"))
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("potret registri")
        verbose_name_plural = _("potret registri")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} ({self.taken_on})"


class SnapshotCount(models.Model):
    """A snapshot's count per district × 5-digit KBLI (districts are the smallest level of shift-share)."""

    snapshot = models.ForeignKey(RegistrySnapshot, on_delete=models.CASCADE, related_name="counts")
    district_code = models.CharField(_("kode kecamatan"), max_length=8)
    regency_code = models.CharField(_("kode kabupaten/kota"), max_length=5)
    province_code = models.CharField(_("kode provinsi"), max_length=2)
    kbli = models.CharField(_("KBLI"), max_length=5)
    enterprises = models.PositiveIntegerField(default=0)
    workers = models.PositiveBigIntegerField(default=0)
    production_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "district_code", "kbli"], name="analytics_snapshot_count_once"
            )
        ]
        indexes = [
            models.Index(fields=["snapshot", "regency_code", "kbli"], name="analytics_sc_regency"),
            models.Index(fields=["snapshot", "province_code", "kbli"], name="analytics_sc_province"),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id} {self.district_code} {self.kbli}"


class LinkKind(models.TextChoices):
    MERGE = "merge", _("Gabung (dana bersama)")
    SEQUENCE = "sequence", _("Berurutan (dasar → lanjutan)")
    SEPARATE = "separate", _("Tetap terpisah")


class ActivityLink(TimeStampedModel, Versioned):
    """A planner's decision on two activities that probably do the same thing.

    For a sequence, `first` is the basic step and `second` the next one (basic → advanced); for merge and
    separate the order is the one the planner chose. `score` and `reasons` are the overlap check's words
    when the link was made, kept so the link still explains itself after the activities change.
    """

    first = models.ForeignKey(
        "programmes.Activity", on_delete=models.CASCADE, related_name="+", verbose_name=_("kegiatan pertama")
    )
    second = models.ForeignKey(
        "programmes.Activity", on_delete=models.CASCADE, related_name="+", verbose_name=_("kegiatan kedua")
    )
    kind = models.CharField(_("keputusan"), max_length=10, choices=LinkKind.choices)
    reason = models.TextField(_("alasan"), blank=True)
    score = models.FloatField(_("skor kemiripan"), null=True, blank=True)
    reasons = models.JSONField(_("alasan kemiripan"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )

    class Meta:
        verbose_name = _("tautan kegiatan")
        verbose_name_plural = _("tautan kegiatan")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="analytics_link_once"),
            models.CheckConstraint(condition=~models.Q(first=models.F("second")), name="analytics_link_two"),
        ]
        indexes = [models.Index(fields=["second"], name="analytics_link_second")]

    def __str__(self) -> str:
        return f"{self.first_id} → {self.second_id} ({self.kind})"

    @property
    def scope_code(self) -> str | None:
        return self.first.scope_code


class ActivityTopic(models.Model):
    """What an activity's title and description name, as the overlap check reads it (analytics.overlaps):
    the canonical commodities and forms of analytics.normalise, so that the check drops candidates of
    another topic in SQL, before any row reaches Python.

    Written by analytics' receiver of every activity save, in its transaction (overlaps.on_activity_saved,
    connected in apps.py); filled for existing rows by migration 0003 and `overlaps.rebuild_topics`. A
    row counts only while `version` is the activity's version and `rules` the normaliser's fingerprint
    (normalise.RULES): a write that bypassed the receiver (bulk loads, audit's rollbacks, which all count
    the version up) or a change of the synonyms makes the check read that activity's title itself."""

    activity = models.OneToOneField(
        "programmes.Activity",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="overlap_topic",
        verbose_name=_("kegiatan"),
    )
    version = models.PositiveIntegerField(_("versi kegiatan"))
    rules = models.CharField(_("versi normalisasi"), max_length=12)
    commodities = models.TextField(_("komoditas"), blank=True)  # " batik tenun "
    forms = models.TextField(_("bentuk kegiatan"), blank=True)  # " pelatihan "

    class Meta:
        verbose_name = _("topik kegiatan")
        verbose_name_plural = _("topik kegiatan")

    def __str__(self) -> str:
        return f"{self.activity_id}:{self.commodities.strip()}/{self.forms.strip()}"
