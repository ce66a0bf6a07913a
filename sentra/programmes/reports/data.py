"""The figures of the two part-3 reports, read only through programmes/selectors.py and the actor's scope.

- `dekon_quarterly`: the quarterly monitoring report of one province's dekonsentrasi DIPA — or, with
  `funding_kind="tp"`, its tugas pembantuan DIPA (from TA 2024 Ditjen IKMA's provincial work is TP;
  PP 19/2022, which replaced PP 7/2008) — as PP 39/2006 asks for both (realised absorption, realised
  output and obstacles), as forms A (per activity), B (per programme) and C (per agency, its programmes);
- `rakor_pack`: the "Bahan Rakor Pengendalian DIPA" for a date: summary, absorption, S-curve and
  deviation, lagging activities with their owners, output achievement.

Rendering (XLSX, PDF) lives in xlsx.py and pdf.py; they only lay these dataclasses out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sentra.accounts.permissions import Action
from sentra.accounts.scope import Actor, code_in_scope, require
from sentra.core.errors import DomainError, FieldError, NotFound
from sentra.regions.codes import normalise_code
from sentra.regions.selectors import region_children, region_get

from ..choices import DIPA_SOURCES, FundingSource, Month, quarter_of
from ..selectors import (
    ControlFigures,
    ControlFilter,
    LaggingActivity,
    PlanFilter,
    activity_list,
    budget_document_list,
    control_figures,
    control_summary,
    lagging_activities,
    lagging_page,
    output_achievements,
    policy_for,
    programme_list,
    realisation_list,
)

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
NATIONAL_KEY = ""  # province_code of records placed at a national (ministry) agency


def long_date(day: dt.date) -> str:
    """23 November 2026 (month names in the active language)."""
    return f"{day.day} {Month(day.month).label} {day.year}"


def _capped_mean(values: list[float | None]) -> float | None:
    """Mean output achievement, each activity counted at most 100 % (as output_achievement_total)."""
    present = [min(v, 100.0) for v in values if v is not None]
    return round(sum(present) / len(present), 2) if present else None


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


# --- dekonsentrasi / tugas pembantuan quarterly report (PP 39/2006 forms A, B, C) ----------------

# The funding kinds the quarterly report is produced for: the DIPA kind it reads.
REPORT_KINDS = (FundingSource.DEKON, FundingSource.TP)

FORM_TITLES = {
    FundingSource.DEKON: {
        "A": _l("FORMULIR A — Laporan pelaksanaan kegiatan dekonsentrasi per kegiatan"),
        "B": _l("FORMULIR B — Laporan pelaksanaan kegiatan dekonsentrasi per program"),
        "C": _l("FORMULIR C — Laporan pelaksanaan kegiatan dekonsentrasi per instansi (K/L/SKPD)"),
    },
    FundingSource.TP: {
        "A": _l("FORMULIR A — Laporan pelaksanaan kegiatan tugas pembantuan per kegiatan"),
        "B": _l("FORMULIR B — Laporan pelaksanaan kegiatan tugas pembantuan per program"),
        "C": _l("FORMULIR C — Laporan pelaksanaan kegiatan tugas pembantuan per instansi (K/L/SKPD)"),
    },
}
SIGNATORY_ROLES = {
    FundingSource.DEKON: _l("Kepala SKPD Pelaksana Dekonsentrasi"),
    FundingSource.TP: _l("Kepala SKPD Pelaksana Tugas Pembantuan"),
}
REPORT_TITLES = {
    FundingSource.DEKON: _l("Laporan Dekonsentrasi %(q)s TA %(y)s — %(prov)s"),
    FundingSource.TP: _l("Laporan Tugas Pembantuan %(q)s TA %(y)s — %(prov)s"),
}


RAKOR_LAGGING_LIMIT = 50


def lagging_note(pack) -> str:
    return _(
        "%(shown)s kegiatan dengan keterlambatan terbesar dari %(total)s; "
        "daftar lengkap di halaman Peringatan."
    ) % {"shown": len(pack.lagging), "total": pack.lagging_count}


@dataclass
class FormARow:
    """One DIPA sub-activity (kegiatan) of form A."""

    activity_id: int
    code: str
    name: str
    programme_id: int
    agency_id: int
    pagu_phln: int
    pagu_rm: int
    pagu: int
    realised_quarter: int
    realised_cumulative: int
    absorption: float
    indicator: str
    unit: str
    target: float | None
    achieved: float | None
    achievement: float | None
    physical: float | None
    obstacles: str


@dataclass
class AggregateRow:
    """A programme (form B, form C) or an agency total (form C)."""

    key: object
    code: str
    name: str
    agency: str = ""
    activities: int = 0
    pagu: int = 0
    realised_quarter: int = 0
    realised_cumulative: int = 0
    absorption: float = 0.0
    achievement: float | None = None
    physical: float | None = None
    with_obstacles: int = 0
    is_total: bool = False


@dataclass
class AgencyBlock:
    agency_id: int
    name: str
    programmes: list[AggregateRow]
    total: AggregateRow


@dataclass
class DekonReport:
    fiscal_year: int
    quarter: int
    province_code: str
    province_name: str
    satkers: list[str]
    dipa_numbers: list[str]
    report_date: dt.date
    place: str
    signatory_agency: str
    form_a: list[FormARow]
    form_b: list[AggregateRow]
    form_c: list[AgencyBlock]
    total: AggregateRow
    generated_by: str = ""
    funding_kind: str = FundingSource.DEKON  # the DIPA kind reported: dekon or tp

    kind = "dekon-quarterly"

    @property
    def kind_label(self) -> str:
        return str(FundingSource(self.funding_kind).label)

    def form_title(self, form: str) -> str:
        return str(FORM_TITLES[self.funding_kind][form])

    @property
    def signatory_role(self) -> str:
        return str(SIGNATORY_ROLES[self.funding_kind])

    @property
    def title(self) -> str:
        return str(REPORT_TITLES[self.funding_kind]) % {
            "q": self.quarter_label,
            "y": self.fiscal_year,
            "prov": self.province_name,
        }

    @property
    def month(self) -> int:
        return self.quarter * 3

    @property
    def quarter_label(self) -> str:
        return f"TW {ROMAN[self.quarter]}"

    @property
    def filename(self) -> str:
        return f"laporan-{self.funding_kind}-{self.province_code}-{self.fiscal_year}-tw{self.quarter}"


def _quarter_sum(figures: ControlFigures, quarter: int) -> int:
    return sum(figures.realised[(quarter - 1) * 3 : quarter * 3])


def _aggregate(key, code: str, name: str, figures: ControlFigures, quarter: int, rows: list[FormARow]):
    return AggregateRow(
        key=key,
        code=code,
        name=name,
        activities=figures.activities,
        pagu=figures.pagu,
        realised_quarter=_quarter_sum(figures, quarter),
        realised_cumulative=figures.realised_to_date,
        absorption=figures.absorption,
        achievement=_capped_mean([r.achievement for r in rows]),
        physical=_mean([r.physical for r in rows if r.physical is not None]),
        with_obstacles=sum(1 for r in rows if r.obstacles),
    )


def resolve_province(actor: Actor, code: str):
    """The province a dekon report is for: 404 when unknown or outside the actor's scope."""
    normalised = normalise_code(code or "")
    region = region_get(code=normalised) if normalised and len(normalised) == 2 else None
    if region is None or not code_in_scope(actor, region.code):
        raise NotFound(_("Provinsi tidak ditemukan."))
    return region


def provinces_in_scope(actor: Actor) -> list:
    """The provinces whose dekon report the actor may print: all for national users, else their own."""
    if not actor.is_authenticated:
        return []
    if actor.region_code is None:
        return list(region_children(code=None))
    if len(actor.region_code) == 2:
        return [r for r in [region_get(code=actor.region_code)] if r]
    return []


def dekon_quarterly(
    *,
    actor: Actor,
    fiscal_year: int,
    quarter: int,
    province: str,
    report_date: dt.date | None = None,
    funding_kind: str = FundingSource.DEKON,
) -> DekonReport:
    """The quarterly monitoring report of one province's DIPA of `funding_kind`: dekonsentrasi (years
    before 2024 at Ditjen IKMA) or tugas pembantuan (2024 on); the same forms and figures for both."""
    require(actor, Action.EXPORT)
    if quarter not in ROMAN:
        raise DomainError(_("Triwulan harus 1–4."), errors=[FieldError("quarter", _("Triwulan harus 1–4."))])
    if funding_kind not in REPORT_KINDS:
        message = _("Jenis laporan harus dekon (dekonsentrasi) atau tp (tugas pembantuan).")
        raise DomainError(message, code="invalid_kind", errors=[FieldError("kind", message, "invalid_kind")])
    region = resolve_province(actor, province)
    month = quarter * 3
    cf = ControlFilter(fiscal_year=fiscal_year, month=month, region=region.code, funding_source=funding_kind)
    plan = PlanFilter(fiscal_year=fiscal_year, region=region.code, funding_source=funding_kind)

    activities = list(activity_list(actor=actor, filters=plan).prefetch_related("outputs"))
    per_activity = {f.key: f for f in control_figures(actor=actor, f=cf, group="activity")}
    achievements = output_achievements(activity_ids=[a.pk for a in activities], month=month)

    latest: dict[int, object] = {}
    obstacles: dict[int, list[str]] = defaultdict(list)
    realisations = realisation_list(
        actor=actor, filters=PlanFilter(fiscal_year=fiscal_year, region=region.code)
    )
    for r in realisations.filter(activity__in=[a.pk for a in activities], month__lte=month).order_by(
        "activity_id", "month"
    ):
        latest[r.activity_id] = r
        text = (r.obstacles or "").strip()
        if text and r.month > month - 3 and text not in obstacles[r.activity_id]:
            obstacles[r.activity_id].append(text)

    form_a: list[FormARow] = []
    for a in activities:
        figures = per_activity.get(a.pk) or ControlFigures(key=a.pk, month=month)
        outputs = list(a.outputs.all())
        main = outputs[0] if outputs else None
        last = latest.get(a.pk)
        form_a.append(
            FormARow(
                activity_id=a.pk,
                code=a.code,
                name=a.name,
                programme_id=a.programme_id,
                agency_id=a.agency_id,
                pagu_phln=0,  # no loan/grant funding is recorded: a dekon/TP DIPA is Rupiah Murni
                pagu_rm=figures.pagu,
                pagu=figures.pagu,
                realised_quarter=_quarter_sum(figures, quarter),
                realised_cumulative=figures.realised_to_date,
                absorption=figures.absorption,
                indicator=main.indicator if main else "",
                unit=main.unit if main else "",
                target=float(main.target) if main else None,
                achieved=float(last.output_achieved) if (main and last) else (0.0 if main else None),
                achievement=achievements.get(a.pk),
                physical=float(last.physical_progress) if last else None,
                obstacles="; ".join(obstacles.get(a.pk, [])),
            )
        )

    programme_ids = {a.programme_id for a in activities}
    programmes = {
        p.pk: p
        for p in programme_list(actor=actor, filters=PlanFilter(fiscal_year=fiscal_year)).filter(
            pk__in=programme_ids
        )
    }
    rows_of = defaultdict(list)
    for row in form_a:
        rows_of[("programme", row.programme_id)].append(row)
        rows_of[("agency", row.agency_id)].append(row)

    form_b = []
    for figures in control_figures(actor=actor, f=cf, group="programme"):
        p = programmes.get(figures.key)
        form_b.append(
            _aggregate(
                figures.key,
                p.code if p else str(figures.key),
                p.name if p else "",
                figures,
                quarter,
                rows_of[("programme", figures.key)],
            )
        )
    for row in form_b:
        p = programmes.get(row.key)
        row.agency = p.agency.name if p else ""
    form_b.sort(key=lambda r: (r.code, r.agency))

    form_c = []
    agency_figures = {f.key: f for f in control_figures(actor=actor, f=cf, group="agency")}
    agency_names = {a.agency_id: a.agency.name for a in activities}
    for agency_id, figures in sorted(agency_figures.items(), key=lambda kv: agency_names.get(kv[0], "")):
        name = agency_names.get(agency_id, "")
        total = _aggregate(agency_id, "", name, figures, quarter, rows_of[("agency", agency_id)])
        total.is_total = True
        form_c.append(
            AgencyBlock(
                agency_id=agency_id,
                name=name,
                programmes=[
                    r for r in form_b if programmes.get(r.key) and programmes[r.key].agency_id == agency_id
                ],
                total=total,
            )
        )

    everything = control_figures(actor=actor, f=cf)
    grand = _aggregate(
        None, "", _("Jumlah"), everything[0] if everything else ControlFigures(month=month), quarter, form_a
    )
    grand.is_total = True

    documents = list(budget_document_list(actor=actor, filters=plan))
    satkers = sorted({d.agency.name for d in documents} | set(agency_names.values()))
    signatory = documents[0].agency if documents else None
    place = region.name
    if signatory and signatory.region_id:
        place_region = region_get(code=signatory.region_id)
        place = place_region.name if place_region else place
    return DekonReport(
        fiscal_year=fiscal_year,
        quarter=quarter,
        province_code=region.code,
        province_name=region.name,
        satkers=satkers,
        dipa_numbers=[str(d) for d in documents],
        report_date=report_date or timezone.localdate(),
        place=place,
        signatory_agency=signatory.name if signatory else (satkers[0] if satkers else ""),
        form_a=form_a,
        form_b=form_b,
        form_c=form_c,
        total=grand,
        generated_by=actor.username,
        funding_kind=funding_kind,
    )


# --- Rakor Pengendalian DIPA pack ----------------------------------------------------------------------


@dataclass
class ProvinceRow:
    code: str
    name: str
    activities: int
    pagu: int
    plan_to_date: int
    realised_to_date: int
    absorption: float
    planned_absorption: float
    target: int
    gap_to_target: float
    lag: float
    deviation: float
    deviation_month: float


@dataclass
class OutputRow:
    code: str
    name: str
    with_output: int
    complete: int
    achievement: float | None


@dataclass
class LaggingRow:
    code: str
    name: str
    province: str
    owner: str
    officer: str  # the named responsible officer; "—" when the activity names none
    programme: str
    pagu: int
    absorption: float
    planned_absorption: float
    lag: float
    months_lagging: int
    achievement: float | None


@dataclass
class RakorPack:
    fiscal_year: int
    as_of: dt.date
    month: int
    scope_label: str
    sources_label: str
    target: int
    threshold: int
    total: ControlFigures
    output_achievement: float | None
    lagging_count: int
    provinces: list[ProvinceRow]
    s_curve: list[dict]
    lagging: list[LaggingRow]
    outputs: list[OutputRow]
    generated_by: str = ""

    kind = "rakor"

    @property
    def title(self) -> str:
        return _("Bahan Rakor Pengendalian DIPA TA %(year)s") % {"year": self.fiscal_year}

    @property
    def month_label(self) -> str:
        return f"{Month(self.month).label} {self.fiscal_year}"

    @property
    def filename(self) -> str:
        return f"bahan-rakor-{self.fiscal_year}-{self.as_of.isoformat()}"


def merge_figures(lists: list[list[ControlFigures]], month: int) -> dict[object, ControlFigures]:
    """Adds up control figures of the same key read under different filters (one per DIPA source)."""
    merged: dict[object, ControlFigures] = {}
    for rows in lists:
        for row in rows:
            target = merged.setdefault(row.key, ControlFigures(key=row.key, label=row.label, month=month))
            target.pagu += row.pagu
            target.plan = [a + b for a, b in zip(target.plan, row.plan, strict=True)]
            target.realised = [a + b for a, b in zip(target.realised, row.realised, strict=True)]
            target.activities += row.activities
    return merged


def rakor_month(fiscal_year: int, as_of: dt.date) -> int:
    """Figures as at the end of the date's month; a date after the year reads the whole year."""
    if as_of.year < fiscal_year:
        raise DomainError(
            _("Tanggal rakor tidak boleh sebelum tahun anggaran."),
            errors=[FieldError("date", _("Tanggal rakor tidak boleh sebelum tahun anggaran."))],
        )
    return as_of.month if as_of.year == fiscal_year else 12


def rakor_pack(
    *,
    actor: Actor,
    fiscal_year: int,
    as_of: dt.date,
    region: str = "",
    funding_source: str = "",
) -> RakorPack:
    """The meeting pack: every DIPA activity (APBN, dekon, TP) in the actor's scope, or one source."""
    require(actor, Action.EXPORT)
    month = rakor_month(fiscal_year, as_of)
    code = ""
    scope_label = _("Nasional")
    if region:
        code = normalise_code(region) or ""
        place = region_get(code=code) if code else None
        if place is None or not code_in_scope(actor, code):
            raise NotFound(_("Wilayah tidak ditemukan."))
        scope_label = place.name
    elif actor.region_code:
        place = region_get(code=actor.region_code)
        scope_label = place.name if place else actor.region_code
    if funding_source and funding_source not in DIPA_SOURCES:
        raise DomainError(
            _("Sumber dana harus APBN, dekonsentrasi atau tugas pembantuan."),
            errors=[FieldError("funding_source", _("Pilih sumber dana DIPA."))],
        )
    sources = [funding_source] if funding_source else sorted(DIPA_SOURCES)
    # One pass over every chosen source at once (not one per source): a national year is large.
    # The year's settings read once for the whole pack (target, threshold, deviation rule).
    policy = policy_for(fiscal_year)
    f = ControlFilter(
        fiscal_year=fiscal_year,
        month=month,
        region=code,
        funding_sources=tuple(sources),
        deviation_rule=policy.deviation_rule,
    )
    # The dashboard's definition (programmes.selectors.control_summary): same date, scope and sources,
    # same activity count, absorption and output achievement.
    summary = control_summary(actor=actor, f=f, group="province")
    per_province = {row.key: row for row in summary.groups}
    total = summary.total
    target = policy.quarter_targets[quarter_of(month) - 1]
    names = {r.code: r.name for r in region_children(code=None)}

    provinces = []
    for key, figures in sorted(per_province.items(), key=lambda kv: str(kv[0])):
        deviations = figures.monthly_deviation()
        provinces.append(
            ProvinceRow(
                code=key or "",
                name=names.get(key, _("Pusat (satker nasional)")),
                activities=figures.activities,
                pagu=figures.pagu,
                plan_to_date=figures.plan_to_date,
                realised_to_date=figures.realised_to_date,
                absorption=figures.absorption,
                planned_absorption=figures.planned_absorption,
                target=target,
                gap_to_target=round(figures.absorption - target, 2),
                lag=figures.lag,
                deviation=figures.deviation,
                deviation_month=deviations[-1] if deviations else 0.0,
            )
        )

    # A meeting looks at the worst: the pack lists RAKOR_LAGGING_LIMIT of them and counts them all
    # (the full list is the early-warning page and its export).
    # (the database counts them and picks the worst: not thousands of rows for fifty).
    # Output achievement of every activity, read once: the outputs section and the lagging list.
    achievement_rows = summary.achievements
    threshold = policy.lag_threshold
    lagging_count, worst = lagging_page(actor=actor, f=f, limit=RAKOR_LAGGING_LIMIT, threshold=threshold)
    lagging: list[LaggingActivity] = lagging_activities(
        actor=actor,
        f=f,
        threshold=threshold,
        rows=worst,
        achievements={pk: value for pk, _key, value in achievement_rows},
    )
    lagging.sort(key=lambda r: (-r.figures.lag, r.activity.code))
    lagging_rows = [
        LaggingRow(
            code=item.activity.code,
            name=item.activity.name,
            province=names.get(item.activity.province_code, _("Pusat (satker nasional)")),
            owner=item.activity.agency.name,
            officer=item.activity.officer_name or "—",
            programme=str(item.activity.programme),
            pagu=item.figures.pagu,
            absorption=item.figures.absorption,
            planned_absorption=item.figures.planned_absorption,
            lag=item.figures.lag,
            months_lagging=item.months_lagging,
            achievement=item.output_achievement,
        )
        for item in lagging
    ]

    # Every province with activities has a row, with or without outputs.
    achievements: dict[str, list] = defaultdict(list)
    for _pk, key, value in achievement_rows:
        achievements[key].append(value)
    outputs = []
    for key in sorted(per_province, key=str):
        values = [value for value in achievements.get(key, []) if value is not None]
        outputs.append(
            OutputRow(
                code=key,
                name=names.get(key, _("Pusat (satker nasional)")),
                with_output=len(values),
                complete=sum(1 for v in values if v >= 100),
                achievement=_capped_mean(values),
            )
        )

    source_labels = [str(FundingSource(s).label) for s in sources]
    return RakorPack(
        fiscal_year=fiscal_year,
        as_of=as_of,
        month=month,
        scope_label=scope_label,
        sources_label=", ".join(source_labels),
        target=target,
        threshold=threshold,
        total=total,
        output_achievement=summary.output_achievement,
        lagging_count=lagging_count,
        provinces=provinces,
        s_curve=total.s_curve(),
        lagging=lagging_rows,
        outputs=outputs,
        generated_by=actor.username,
    )


__all__ = [
    "AgencyBlock",
    "AggregateRow",
    "DekonReport",
    "FormARow",
    "LaggingRow",
    "OutputRow",
    "ProvinceRow",
    "RakorPack",
    "dekon_quarterly",
    "long_date",
    "provinces_in_scope",
    "rakor_pack",
]
