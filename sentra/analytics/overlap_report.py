"""Overlaps report per region (issue 17 §1, /analisis/tumpang-tindih/): likely duplicates nobody has
decided on yet, and trainings that no later activity follows up.

1. **Likely duplicates not yet linked**: every pair the overlap check (analytics.overlaps.overlaps_for)
   flags for an activity of the filter (fiscal year, region, kind) that the reader reads in full and that
   carries no ActivityLink (merge, sequence or separate) yet. Each pair once, best score first. At most
   `MAX_CHECKED` activities are checked per request (the newest first); the report says when the filter
   must be narrowed.
2. **Trainings not followed up**: trainings (kind `training`) of the filter, already finished on the report's
   date, with no sequence link to a next step (`first` of a sequence) and no later training, WUB, machine
   aid or revitalisation of any agency for one of the same beneficiaries (a shared centre or enterprise,
   starting after the training ended). A training without recorded beneficiaries can only be followed up by
   a sequence link; it is listed with that note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, code_in_scope, require
from sentra.core.errors import DomainError, FieldError, NotFound
from sentra.core.exports import Column, csv_response, xlsx_response
from sentra.programmes import selectors as programme_selectors
from sentra.programmes.choices import ActivityKind
from sentra.programmes.models import Activity
from sentra.regions.models import Region

from .models import ActivityLink, LinkKind
from .overlaps import overlaps_for

MAX_CHECKED = 300
FOLLOW_UP_KINDS = ("training", "wub", "machine_aid", "revitalisation")


@dataclass
class Filter:
    year: int
    region: str = ""  # a region code inside the reader's; empty: the reader's own region
    kind: str = ""  # an ActivityKind; empty: every kind


@dataclass
class DuplicateRow:
    activity_id: int
    activity_name: str
    agency_name: str
    other_id: int
    other_name: str
    other_agency: str
    score: float
    reasons: list[str]
    region_name: str

    @property
    def reasons_text(self) -> str:
        return "; ".join(self.reasons)


@dataclass
class TrainingRow:
    activity_id: int
    name: str
    agency_name: str
    region_name: str
    start_date: dt.date | None
    end_date: dt.date | None
    beneficiaries: int
    note: str


@dataclass
class Report:
    filter: Filter
    region_name: str
    duplicates: list[DuplicateRow] = field(default_factory=list)
    trainings: list[TrainingRow] = field(default_factory=list)
    checked: int = 0
    truncated: bool = False
    today: dt.date | None = None


def _error(name: str, message: str, code: str) -> DomainError:
    return DomainError(message, code=code, errors=[FieldError(name, message, code)])


def clean_filter(actor: Actor, *, year: str = "", region: str = "", kind: str = "") -> Filter:
    """The report's filter from text (the web page and the export): a clear error for each bad value."""
    year = (year or "").strip()
    region = (region or "").strip()
    kind = (kind or "").strip()
    if not year:
        value = programme_selectors.default_fiscal_year()
    elif year.isdigit() and 2000 <= int(year) <= 2100:
        value = int(year)
    else:
        raise _error("tahun", _("Tahun anggaran harus empat angka antara 2000 dan 2100."), "invalid_year")
    if kind and kind not in ActivityKind.values:
        raise _error("jenis", _("Jenis kegiatan '%(kind)s' tidak dikenal.") % {"kind": kind}, "unknown_kind")
    if region:
        if not Region.objects.filter(code=region).exists():
            raise _error(
                "wilayah", _("Kode wilayah '%(code)s' tidak dikenal.") % {"code": region}, "unknown_region"
            )
        if not code_in_scope(actor, region):
            raise NotFound(_("Wilayah ini di luar wilayah kerja Anda."))
    return Filter(year=value, region=region, kind=kind)


def _activities(actor: Actor, f: Filter):
    qs = programme_selectors.activity_list(
        actor=actor, filters=programme_selectors.PlanFilter(fiscal_year=f.year, region=f.region)
    )
    if f.kind:
        qs = qs.filter(kind=f.kind)
    return qs


def _region_name(code: str) -> str:
    if not code:
        return _("Nasional")
    return Region.objects.filter(code=code).values_list("name", flat=True).first() or code


def _where(activity: Activity) -> str:
    return activity.agency.region.name if activity.agency_id and activity.agency.region_id else _("Nasional")


def build(*, actor: Actor, f: Filter, today: dt.date | None = None) -> Report:
    require(actor, Action.LIST, Area.ANALYTICS)
    require(actor, Action.LIST, Area.PROGRAMMES)
    today = today or timezone.localdate()
    report = Report(filter=f, region_name=_region_name(f.region or (actor.region_code or "")), today=today)
    qs = _activities(actor, f).select_related("agency__region").order_by("-start_date", "-pk")
    checked = list(qs[: MAX_CHECKED + 1])
    report.truncated = len(checked) > MAX_CHECKED
    checked = checked[:MAX_CHECKED]
    report.checked = len(checked)
    seen: set[tuple[int, int]] = set()
    for activity in checked:
        for found in overlaps_for(actor=actor, activity=activity, limit=50):
            if not found.detail_visible or found.link_kind:
                continue
            pair = (min(activity.pk, found.activity_id), max(activity.pk, found.activity_id))
            if pair in seen:
                continue
            seen.add(pair)
            report.duplicates.append(
                DuplicateRow(
                    activity_id=activity.pk,
                    activity_name=activity.name,
                    agency_name=activity.agency.name,
                    other_id=found.activity_id,
                    other_name=found.name,
                    other_agency=found.agency_name,
                    score=round(found.score, 2),
                    reasons=list(found.reasons),
                    region_name=_where(activity),
                )
            )
    report.duplicates.sort(key=lambda r: (-r.score, r.activity_id, r.other_id))
    report.trainings = _not_followed_up(actor, f, today)
    return report


def _not_followed_up(actor: Actor, f: Filter, today: dt.date) -> list[TrainingRow]:
    if f.kind and f.kind != ActivityKind.TRAINING:
        return []
    trainings = (
        _activities(actor, f)
        .filter(kind=ActivityKind.TRAINING)
        .filter(Q(end_date__lt=today) | Q(end_date__isnull=True, start_date__lt=today))
        .exclude(pk__in=ActivityLink.objects.filter(kind=LinkKind.SEQUENCE).values("first_id"))
        .select_related("agency__region")
        .prefetch_related("centres", "enterprises")
        .order_by("end_date", "pk")
    )
    rows = []
    for t in trainings[:2000]:
        centres = [c.pk for c in t.centres.all()]
        enterprises = [e.pk for e in t.enterprises.all()]
        ended = t.end_date or t.start_date
        if centres or enterprises:
            later = (
                Activity.objects.filter(kind__in=FOLLOW_UP_KINDS, start_date__gt=ended)
                .filter(Q(centres__in=centres) | Q(enterprises__in=enterprises))
                .exclude(pk=t.pk)
            )
            if later.exists():
                continue
            note = _("Belum ada pelatihan, WUB atau bantuan lanjutan untuk %(n)s penerimanya.") % {
                "n": len(centres) + len(enterprises)
            }
        else:
            note = _("Penerima tidak tercatat; tautkan kegiatan lanjutannya sebagai 'berurutan'.")
        rows.append(
            TrainingRow(
                activity_id=t.pk,
                name=t.name,
                agency_name=t.agency.name,
                region_name=_where(t),
                start_date=t.start_date,
                end_date=t.end_date,
                beneficiaries=len(centres) + len(enterprises),
                note=note,
            )
        )
    return rows


DUPLICATE_COLUMNS = [
    Column(gettext_lazy("ID kegiatan"), lambda r: r.activity_id),
    Column(gettext_lazy("Kegiatan"), lambda r: r.activity_name),
    Column(gettext_lazy("Instansi"), lambda r: r.agency_name),
    Column(gettext_lazy("ID kegiatan lain"), lambda r: r.other_id),
    Column(gettext_lazy("Kegiatan lain"), lambda r: r.other_name),
    Column(gettext_lazy("Instansi lain"), lambda r: r.other_agency),
    Column(gettext_lazy("Skor (0-1)"), lambda r: r.score),
    Column(gettext_lazy("Alasan"), lambda r: r.reasons_text),
    Column(gettext_lazy("Wilayah"), lambda r: r.region_name),
]
TRAINING_COLUMNS = [
    Column(gettext_lazy("ID kegiatan"), lambda r: r.activity_id),
    Column(gettext_lazy("Pelatihan"), lambda r: r.name),
    Column(gettext_lazy("Instansi"), lambda r: r.agency_name),
    Column(gettext_lazy("Wilayah"), lambda r: r.region_name),
    Column(gettext_lazy("Mulai"), lambda r: r.start_date),
    Column(gettext_lazy("Selesai"), lambda r: r.end_date),
    Column(gettext_lazy("Jumlah penerima"), lambda r: r.beneficiaries),
    Column(gettext_lazy("Catatan"), lambda r: r.note),
]


def export_response(report: Report, table: str, file_format: str):
    """CSV (default) or XLSX of one table: `duplikat` or `pelatihan`."""
    if table == "pelatihan":
        rows, columns, name = report.trainings, TRAINING_COLUMNS, "pelatihan-tanpa-lanjutan"
    else:
        rows, columns, name = report.duplicates, DUPLICATE_COLUMNS, "kemungkinan-duplikat"
    name = f"{name}-{report.filter.year}{'-' + report.filter.region if report.filter.region else ''}"
    if file_format == "xlsx":
        return xlsx_response(name, rows, columns, sheet_title=name[:31])
    return csv_response(name, rows, columns)


# --- the beneficiaries import (programmes.signals.beneficiary_row_checked) -------------------------------

IMPORT_MAX_CHECKS = 500


def import_row_warnings(
    sender, *, schema, actor: Actor, activity_id: int, centre_ids=(), enterprise_ids=(), **kwargs
) -> list[tuple[str, str]]:
    """Warnings for a row adding a beneficiary to an activity: each likely overlap of the activity with
    another agency's activity that this beneficiary reveals, named with its agency and reasons, once per
    pair in an import. After IMPORT_MAX_CHECKS rows the check stops, with one warning saying so."""
    state = schema.__dict__.setdefault("_overlap_state", {"checks": 0, "seen": set()})
    state["checks"] += 1
    if state["checks"] > IMPORT_MAX_CHECKS:
        if state["checks"] == IMPORT_MAX_CHECKS + 1:
            return [
                (
                    "overlap_check_stopped",
                    _(
                        "Pemeriksaan tumpang tindih berhenti setelah %(n)d baris; periksa sisanya di laporan "
                        "Tumpang tindih kegiatan."
                    )
                    % {"n": IMPORT_MAX_CHECKS},
                )
            ]
        return []
    activity = Activity.objects.filter(pk=activity_id).select_related("agency").first()
    if activity is None:
        return []
    draft = {"centre_ids": list(centre_ids), "enterprise_ids": list(enterprise_ids)}
    warnings = []
    for found in overlaps_for(actor=actor, activity=activity, draft=draft, limit=5):
        if found.link_kind or (activity.pk, found.activity_id) in state["seen"]:
            continue
        state["seen"].add((activity.pk, found.activity_id))
        message = _("Kemungkinan tumpang tindih dengan kegiatan “%(name)s” (%(agency)s)") % {
            "name": found.name,
            "agency": found.agency_name,
        }
        if found.detail_visible and found.reasons:
            message += ": " + "; ".join(found.reasons)
        warnings.append(("likely_overlap", message + "."))
    return warnings
