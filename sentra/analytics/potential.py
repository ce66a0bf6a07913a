"""Leading potential (potensi unggulan, issue 17 §3): location quotient, shift-share and the ranked
leading commodities of a region, from the maintained counts (KbliCount and its district/regency rollups,
live: analytics.counts picks the coarsest that suffices) and the yearly registry snapshots (SnapshotCount).

The formulas are written once, in the pure functions `lq_frame` and `shift_share_frame` (pandas), and
everything else (web page, API, exports, province profile) reads them through `location_quotient`,
`shift_share` and `leading_commodities`.

Location quotient of KBLI j in region i, for a measure e (enterprises, workers or production value):

    LQ_ij = (e_ij / e_i) / (E_j / E)

e_i is the region's total over every KBLI, E_j and E the same in the reference (the nation, or the
region's parent: the province of a regency, the regency of a district). LQ > 1: the KBLI weighs more in
the region than in the reference (a basis sector, a candidate leading commodity); LQ < 1: less.

Shift-share (classic/Dunn) of the change of e_ij between two years 0 and 1, against the nation:

    G = E1/E0 − 1, G_j = E_j1/E_j0 − 1, g_ij = e_ij1/e_ij0 − 1
    national share NS = e_ij0·G, industry mix IM = e_ij0·(G_j − G),
    regional competitive RS = e_ij0·(g_ij − G_j)
    NS + IM + RS = e_ij1 − e_ij0

A KBLI new in the region (e_ij0 = 0) has NS = IM = 0 and RS = its whole growth (the identity still holds).

Scope: a reader sees rows only for the regions they may read (a region outside answers not found);
the reference totals (the nation, a parent region) are aggregates only, as in the published statistics.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db.models import F, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, code_in_scope, require
from sentra.core.errors import DomainError, FieldError, NotFound
from sentra.core.exports import Column, csv_response, xlsx_response
from sentra.regions.codes import normalise_code
from sentra.regions.models import Kbli, Region

from .counts import level_of, live_counts, within
from .models import RegistrySnapshot, SnapshotCount

LEVELS = {"province": 1, "regency": 2, "district": 3}
LEVEL_FIELD = {1: "province_code", 2: "regency_code", 3: "district_code"}
DIGITS = (2, 3, 5)
MEASURES = ("enterprises", "workers", "production_value")
REFERENCES = ("nation", "parent")

# Few enterprises: an LQ computed from a handful of enterprises swings with each one of them, so it is
# shown but marked: the region counts fewer than this many active IKM in all, or the cell fewer than five.
MIN_REGION_ENTERPRISES = 30
MIN_CELL_ENTERPRISES = 5


# --- the formulas (pure, tested against hand-computed tables) -------------------------------------------


def lq_frame(cells: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """LQ of every cell.

    `cells`: columns region, ref (the reference the region is compared with), kbli, value, enterprises.
    `reference`: columns ref, kbli, value (the reference's total per KBLI, over all of it).
    Adds region_total (e_i), share (e_ij/e_i), ref_value (E_j), ref_total (E), ref_share (E_j/E), lq,
    region_enterprises. A share with a zero denominator is NaN (nothing to compare with).
    """
    out = cells.copy()
    out["region_total"] = out.groupby("region")["value"].transform("sum")
    out["region_enterprises"] = out.groupby("region")["enterprises"].transform("sum")
    ref = reference.rename(columns={"value": "ref_value"})
    ref["ref_total"] = ref.groupby("ref")["ref_value"].transform("sum")
    out = out.merge(ref, on=["ref", "kbli"], how="left")
    out["ref_value"] = out["ref_value"].fillna(0)
    out["ref_total"] = out["ref_total"].fillna(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = _ratio(out["value"], out["region_total"])
        out["ref_share"] = _ratio(out["ref_value"], out["ref_total"])
        out["lq"] = _ratio(out["share"], out["ref_share"])
    return out


def shift_share_frame(region: pd.DataFrame, nation: pd.DataFrame) -> pd.DataFrame:
    """Shift-share of each KBLI of a region between two years.

    `region`: columns kbli, start, end (e_ij0, e_ij1); `nation`: columns kbli, start, end (E_j0, E_j1),
    covering every KBLI of the nation (its sums are E0, E1). Adds national_growth G, kbli_growth G_j,
    region_growth g_ij, change, national_share, industry_mix, regional_shift (which add up to change).
    """
    total_start, total_end = float(nation["start"].sum()), float(nation["end"].sum())
    growth = total_end / total_start - 1 if total_start else np.nan
    out = region.merge(
        nation.rename(columns={"start": "nation_start", "end": "nation_end"}), on="kbli", how="left"
    ).fillna({"nation_start": 0, "nation_end": 0})
    with np.errstate(divide="ignore", invalid="ignore"):
        out["kbli_growth"] = _ratio(out["nation_end"], out["nation_start"]) - 1
        out["region_growth"] = _ratio(out["end"], out["start"]) - 1
    out["national_growth"] = growth
    out["change"] = out["end"] - out["start"]
    start = out["start"].astype(float)
    out["national_share"] = start * (growth if not np.isnan(growth) else 0.0)
    kbli_growth = out["kbli_growth"].where(out["nation_start"] > 0, growth)
    out["industry_mix"] = start * (kbli_growth - growth).fillna(0.0)
    out.loc[out["start"] == 0, ["national_share", "industry_mix"]] = 0.0
    # e_ij0·(g_ij − G_j) written as what is left of the change: the same where e_ij0 > 0, and the
    # whole change of a KBLI new in the region.
    out["regional_shift"] = out["change"] - out["national_share"] - out["industry_mix"]
    return out


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    num = numerator.astype(float)
    den = denominator.astype(float)
    return (num / den.where(den != 0)).astype(float)


# --- parameters -------------------------------------------------------------------------------------------


def _error(field_name: str, code: str, message: str) -> DomainError:
    return DomainError(message, code=code, errors=[FieldError(field_name, message, code)])


def parse_level(level: str) -> int:
    if level not in LEVELS:
        raise _error(
            "level",
            "unknown_level",
            _("Tingkat wilayah '%(level)s' tidak dikenal: pilih province, regency atau district.")
            % {"level": level},
        )
    return LEVELS[level]


def parse_digits(digits) -> int:
    try:
        value = int(digits)
    except (TypeError, ValueError):
        value = None
    if value not in DIGITS:
        raise _error(
            "kbli_digits",
            "unknown_kbli_digits",
            _("Tingkat KBLI '%(digits)s' tidak dikenal: pilih 2, 3 atau 5 digit.") % {"digits": digits},
        )
    return value


def parse_measure(measure: str) -> str:
    if measure not in MEASURES:
        raise _error(
            "measure",
            "unknown_measure",
            _(
                "Ukuran '%(measure)s' tidak dikenal: pilih enterprises (jumlah IKM), workers (tenaga kerja) "
                "atau production_value (nilai produksi)."
            )
            % {"measure": measure},
        )
    return measure


def parse_reference(reference: str) -> str:
    if reference not in REFERENCES:
        raise _error(
            "reference",
            "unknown_reference_area",
            _(
                "Pembanding '%(reference)s' tidak dikenal: pilih nation (nasional) atau parent "
                "(wilayah induk)."
            )
            % {"reference": reference},
        )
    return reference


def find_region(actor: Actor, code: str | None) -> Region | None:
    """The region asked for (None: the country). Not a code or no such region: `unknown_region`;
    outside what the reader may read: not found, as every record outside their region."""
    if code is None or (isinstance(code, str) and not code.strip()):
        return None
    normal = normalise_code(str(code))
    region = Region.objects.filter(code=normal).first() if normal else None
    if region is None:
        raise _error(
            "region", "unknown_region", _("Wilayah dengan kode '%(code)s' tidak dikenal.") % {"code": code}
        )
    if region.level > max(LEVELS.values()):
        raise _error(
            "region",
            "region_too_small",
            _("Potensi unggulan dihitung sampai tingkat kecamatan; %(name)s adalah desa/kelurahan.")
            % {"name": region.name},
        )
    if not code_in_scope(actor, region.code):
        raise NotFound(_("Wilayah tidak ditemukan."))
    return region


def _region_in_scope(actor: Actor, region: Region | str | None) -> Region | None:
    """The region object; None (asked for nothing) is the reader's own region, the country for a
    national reader."""
    if isinstance(region, Region):
        if not code_in_scope(actor, region.code):
            raise NotFound(_("Wilayah tidak ditemukan."))
        return region
    found = find_region(actor, region)
    if found is None and actor.region_code is not None:
        found = find_region(actor, actor.region_code)
    return found


def _actor_level(actor: Actor) -> int:
    """The level of the reader's own region (1 for a national reader: nothing finer is needed)."""
    return level_of(actor.region_code) if actor.region_code else 1


def _grouped(model_qs, group_field: str | None, digits: int, measure: str) -> pd.DataFrame:
    """Sum of the measure (and of enterprises) per (KBLI prefix, group), grouped by the database on the
    code's first `digits` characters: the rows shipped are regions × KBLI at that level (514 × ~22 for
    the regencies at two digits), whatever the size of the count table."""
    keys = ["k"] + ([group_field] if group_field else [])
    sums = {"v": Sum(measure), "n": Sum("enterprises")} if measure != "enterprises" else {"v": Sum(measure)}
    code = F("kbli") if digits == 5 else Substr("kbli", 1, digits)
    rows = list(model_qs.order_by().annotate(k=code).values(*keys).annotate(**sums).values_list(*keys, *sums))
    columns = ["kbli"] + (["group"] if group_field else []) + ["value"]
    columns += ["enterprises"] if measure != "enterprises" else []
    frame = pd.DataFrame(rows, columns=columns)
    if measure == "enterprises":
        frame["enterprises"] = frame["value"]
    frame["value"] = frame["value"].fillna(0).astype("int64")
    frame["enterprises"] = frame["enterprises"].fillna(0).astype("int64")
    return frame


def _kbli_titles(codes) -> dict[str, str]:
    return dict(Kbli.objects.filter(code__in=list(codes)).values_list("code", "title"))


# --- location quotient ----------------------------------------------------------------------------------


@dataclass
class LQRow:
    region_code: str
    region_name: str
    kbli: str
    kbli_title: str
    value: int  # e_ij
    region_total: int  # e_i
    share: float | None  # e_ij / e_i
    reference_code: str  # "" : the nation
    reference_value: int  # E_j
    reference_total: int  # E
    reference_share: float | None  # E_j / E
    lq: float | None
    enterprises: int  # active IKM in the cell
    region_enterprises: int  # active IKM of the region, every KBLI
    few_enterprises: bool

    @property
    def above_one(self) -> bool:
        return self.lq is not None and self.lq > 1


@dataclass
class LQTable:
    region: Region | None
    level: str
    kbli_digits: int
    measure: str
    reference: str
    rows: list[LQRow] = field(default_factory=list)


def _nan_none(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def location_quotient(
    *,
    actor: Actor,
    region: Region | str | None = None,
    level: str = "regency",
    kbli_digits: int = 2,
    measure: str = "enterprises",
    reference: str = "nation",
) -> LQTable:
    """LQ of every KBLI (at `kbli_digits`) in every region at `level` inside `region` (the country when
    None; the region itself when it is at `level`) that the actor may read, by `measure`, against the
    nation or each region's parent. Only cells with an active enterprise are listed, sorted by region
    then LQ (highest first)."""
    require(actor, Action.LIST, Area.ANALYTICS)
    level_number = parse_level(level)
    digits = parse_digits(kbli_digits)
    measure = parse_measure(measure)
    reference = parse_reference(reference)
    region = _region_in_scope(actor, region)
    if actor.region_code is not None and level_number < len(actor.region_code.split(".")):
        # A region above the reader's own would be counted from the reader's part of it only.
        raise NotFound(_("Wilayah tidak ditemukan."))
    if region is not None and region.level > level_number:
        raise _error(
            "level",
            "level_above_region",
            _("%(name)s berada di bawah tingkat %(level)s: pilih tingkat yang sama atau di bawahnya.")
            % {"name": region.name, "level": level},
        )
    finest = max(level_number, region.level if region is not None else 1, _actor_level(actor))
    counts, fields = live_counts(finest)
    cells_qs = counts.filter(within(fields, actor.region_code))
    if region is not None:
        cells_qs = cells_qs.filter(within(fields, region.code))
    cells = _grouped(cells_qs, fields[level_number], digits, measure).rename(columns={"group": "region"})
    table = LQTable(region=region, level=level, kbli_digits=digits, measure=measure, reference=reference)
    if cells.empty:
        return table

    parent_level = level_number - 1 if reference == "parent" and level_number > 1 else None
    # The whole country read by a national reader: the cells are already every count, so the reference
    # is summed from them instead of a second pass over the table.
    everything = region is None and actor.region_code is None
    if parent_level is None:
        cells["ref"] = ""
        if everything:
            ref = cells.groupby(["ref", "kbli"], as_index=False)["value"].sum()
        else:
            ref = _grouped(live_counts(0)[0], None, digits, measure)  # the nation's rows
            ref["ref"] = ""
    else:
        parent_length = {1: 2, 2: 5}[parent_level]
        cells["ref"] = cells["region"].str.slice(0, parent_length)
        if everything:
            ref = cells.groupby(["ref", "kbli"], as_index=False)["value"].sum()
        else:
            parents = sorted(cells["ref"].unique())
            parent_counts, parent_fields = live_counts(parent_level)
            parent_field = parent_fields[parent_level]
            ref = _grouped(
                parent_counts.filter(**{f"{parent_field}__in": parents}), parent_field, digits, measure
            ).rename(columns={"group": "ref"})
    frame = lq_frame(cells[["region", "ref", "kbli", "value", "enterprises"]], ref[["ref", "kbli", "value"]])
    frame["few"] = (frame["region_enterprises"] < MIN_REGION_ENTERPRISES) | (
        frame["enterprises"] < MIN_CELL_ENTERPRISES
    )
    frame = frame.sort_values(["region", "lq", "kbli"], ascending=[True, False, True], na_position="last")

    names = dict(Region.objects.filter(code__in=list(frame["region"].unique())).values_list("code", "name"))
    titles = _kbli_titles(frame["kbli"].unique())

    # Columns to plain Python lists once (NaN → None, numpy ints → int), then one LQRow per row in
    # positional order: for the 514 regencies × KBLI this is a third of the time per-field conversion took.
    def floats(column):
        return [None if pd.isna(v) else float(v) for v in frame[column].tolist()]

    def ints(column):
        return frame[column].astype("int64").tolist()

    regions, kblis, refs = frame["region"].tolist(), frame["kbli"].tolist(), frame["ref"].tolist()
    table.rows = [
        LQRow(region, names.get(region, region), kbli, titles.get(kbli, ""), *rest)
        for region, kbli, *rest in zip(
            regions,
            kblis,
            ints("value"),
            ints("region_total"),
            floats("share"),
            refs,
            ints("ref_value"),
            ints("ref_total"),
            floats("ref_share"),
            floats("lq"),
            ints("enterprises"),
            ints("region_enterprises"),
            [bool(v) for v in frame["few"].tolist()],
            strict=True,
        )
    ]
    return table


# --- shift-share ----------------------------------------------------------------------------------------


@dataclass
class ShiftShareRow:
    kbli: str
    kbli_title: str
    start: int
    end: int
    change: int
    region_growth: float | None  # g_ij; None when the KBLI is new in the region
    kbli_growth: float | None  # G_j
    national_share: float
    industry_mix: float
    regional_shift: float

    @property
    def competitive(self) -> bool:
        return self.regional_shift > 0


@dataclass
class ShiftShare:
    region: Region
    from_year: int
    to_year: int | None  # None: now (the live counts)
    kbli_digits: int
    measure: str
    national_growth: float | None
    rows: list[ShiftShareRow] = field(default_factory=list)

    @property
    def to_label(self) -> str:
        return str(self.to_year) if self.to_year is not None else _("sekarang")

    @property
    def totals(self) -> dict:
        return {
            "start": sum(r.start for r in self.rows),
            "end": sum(r.end for r in self.rows),
            "change": sum(r.change for r in self.rows),
            "national_share": sum(r.national_share for r in self.rows),
            "industry_mix": sum(r.industry_mix for r in self.rows),
            "regional_shift": sum(r.regional_shift for r in self.rows),
        }


def _parse_year(value, field_name: str) -> int | None:
    if field_name == "to_year" and (value is None or str(value).strip().lower() in ("", "now", "sekarang")):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = None
    if year is None or not 1900 <= year <= 2200:
        raise _error(field_name, "invalid_year", _("Tahun '%(year)s' tidak sah.") % {"year": value})
    return year


def _snapshot(year: int, field_name: str) -> RegistrySnapshot:
    snapshot = RegistrySnapshot.objects.filter(year=year).first()
    if snapshot is None:
        years = ", ".join(
            str(y) for y in RegistrySnapshot.objects.order_by("year").values_list("year", flat=True)
        )
        raise _error(
            field_name,
            "no_snapshot",
            _(
                "Belum ada potret registri tahun %(year)s (tersedia: %(years)s). Potret diambil tiap "
                "akhir tahun dengan perintah `sentra snapshot-registry`."
            )
            % {"year": year, "years": years or _("belum ada")},
        )
    return snapshot


def shift_share(
    *,
    actor: Actor,
    region: Region | str,
    from_year,
    to_year="now",
    kbli_digits: int = 2,
    measure: str = "enterprises",
) -> ShiftShare:
    """Shift-share of each KBLI of `region` (a province, regency or district) between the registry
    snapshot of `from_year` and that of `to_year` ("now": the live counts), against the nation."""
    require(actor, Action.LIST, Area.ANALYTICS)
    digits = parse_digits(kbli_digits)
    measure = parse_measure(measure)
    region = _region_in_scope(actor, region)
    if region is None:
        raise _error(
            "region", "region_required", _("Pilih wilayah (provinsi, kabupaten/kota atau kecamatan).")
        )
    start_year = _parse_year(from_year, "from_year")
    end_year = _parse_year(to_year, "to_year")
    if end_year is not None and end_year <= start_year:
        raise _error(
            "to_year",
            "invalid_years",
            _("Tahun akhir (%(end)s) harus sesudah tahun awal (%(start)s).")
            % {"end": end_year, "start": start_year},
        )
    start_snapshot = _snapshot(start_year, "from_year")
    end_snapshot = _snapshot(end_year, "to_year") if end_year is not None else None
    return _shift_share(region, start_snapshot, end_snapshot, digits, measure, actor)


def _shift_share(region, start_snapshot, end_snapshot, digits, measure, actor) -> ShiftShare:
    def counts(snapshot, inside: bool) -> pd.DataFrame:
        if snapshot is None:  # now: the live counts, as coarse as the region and the reader allow
            qs, fields = live_counts(max(region.level, _actor_level(actor)) if inside else 0)
        else:
            qs, fields = SnapshotCount.objects.filter(snapshot=snapshot), LEVEL_FIELD
        if inside:
            qs = qs.filter(within(fields, region.code)).filter(within(fields, actor.region_code))
        return _grouped(qs, None, digits, measure)[["kbli", "value"]]

    def both(inside: bool) -> pd.DataFrame:
        start = counts(start_snapshot, inside).rename(columns={"value": "start"})
        end = counts(end_snapshot, inside).rename(columns={"value": "end"})
        return start.merge(end, on="kbli", how="outer").fillna(0)

    frame = shift_share_frame(both(True), both(False)).sort_values(
        ["regional_shift", "kbli"], ascending=[False, True]
    )
    titles = _kbli_titles(frame["kbli"].unique())
    growth = _nan_none(frame["national_growth"].iloc[0]) if not frame.empty else None
    result = ShiftShare(
        region=region,
        from_year=start_snapshot.year,
        to_year=end_snapshot.year if end_snapshot else None,
        kbli_digits=digits,
        measure=measure,
        national_growth=growth,
    )
    result.rows = [
        ShiftShareRow(
            kbli=r.kbli,
            kbli_title=titles.get(r.kbli, ""),
            start=int(r.start),
            end=int(r.end),
            change=int(r.change),
            region_growth=_nan_none(r.region_growth) if r.start else None,
            kbli_growth=_nan_none(r.kbli_growth),
            national_share=float(r.national_share),
            industry_mix=float(r.industry_mix),
            regional_shift=float(r.regional_shift),
        )
        for r in frame.itertuples(index=False)
    ]
    return result


# --- leading commodities -----------------------------------------------------------------------------


@dataclass
class LeadingCommodity:
    rank: int
    kbli: str
    kbli_title: str
    value: int
    share: float | None  # of the region's total
    lq_nation: float | None
    lq_parent: float | None  # None for a province (its parent is the nation)
    enterprises: int
    few_enterprises: bool
    growth: float | None  # g_ij between `growth_from` and now; None without a snapshot or when new
    national_share: float | None = None
    industry_mix: float | None = None
    regional_shift: float | None = None


@dataclass
class Leading:
    region: Region
    digits: int
    measure: str
    growth_from: int | None  # the snapshot year growth is measured from (to now); None: no snapshot
    items: list[LeadingCommodity] = field(default_factory=list)


def growth_base_year(today=None) -> int | None:
    """The latest snapshot year before the current one (growth runs from it to the live counts)."""
    today = today or timezone.localdate()
    return (
        RegistrySnapshot.objects.filter(year__lt=today.year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


def leading_commodities(
    *, actor: Actor, region_code: str, digits: int = 5, measure: str = "enterprises", limit: int = 10
) -> Leading:
    """The region's KBLI ranked as leading commodities: first those with enough enterprises for a
    stable figure (see MIN_REGION_ENTERPRISES, MIN_CELL_ENTERPRISES), then by LQ against the nation
    (highest first), then by value. Each with its share, LQ against the nation and the parent, and its
    growth and shift-share components from the latest snapshot before this year to now (when one exists)."""
    require(actor, Action.LIST, Area.ANALYTICS)
    region = find_region(actor, region_code)
    if region is None:
        raise _error(
            "region", "region_required", _("Pilih wilayah (provinsi, kabupaten/kota atau kecamatan).")
        )
    level = {v: k for k, v in LEVELS.items()}[region.level]
    nation = location_quotient(
        actor=actor, region=region, level=level, kbli_digits=digits, measure=measure, reference="nation"
    )
    parent_lq = {}
    if region.level > 1:
        parent = location_quotient(
            actor=actor, region=region, level=level, kbli_digits=digits, measure=measure, reference="parent"
        )
        parent_lq = {row.kbli: row.lq for row in parent.rows}
    base = growth_base_year()
    shifts = {}
    if base is not None:
        shares = _shift_share(region, RegistrySnapshot.objects.get(year=base), None, digits, measure, actor)
        shifts = {row.kbli: row for row in shares.rows}
    ordered = sorted(
        nation.rows,
        key=lambda r: (r.few_enterprises, -(r.lq if r.lq is not None else -1), -r.value, r.kbli),
    )
    items = []
    for rank, row in enumerate(ordered[: max(1, int(limit))], start=1):
        shift = shifts.get(row.kbli)
        items.append(
            LeadingCommodity(
                rank=rank,
                kbli=row.kbli,
                kbli_title=row.kbli_title,
                value=row.value,
                share=row.share,
                lq_nation=row.lq,
                lq_parent=parent_lq.get(row.kbli) if region.level > 1 else None,
                enterprises=row.enterprises,
                few_enterprises=row.few_enterprises,
                growth=shift.region_growth if shift else None,
                national_share=shift.national_share if shift else None,
                industry_mix=shift.industry_mix if shift else None,
                regional_shift=shift.regional_shift if shift else None,
            )
        )
    return Leading(
        region=region, digits=nation.kbli_digits, measure=nation.measure, growth_from=base, items=items
    )


# --- exports (the web page's and the API's CSV/XLSX) -------------------------------------------------------


def _blank(value):
    return "" if value is None else round(value, 6)


def _few(row) -> str:
    return "ya" if row.few_enterprises else ""


LQ_COLUMNS = [
    Column("Kode wilayah", lambda r: r.region_code),
    Column("Wilayah", lambda r: r.region_name),
    Column("KBLI", lambda r: r.kbli),
    Column("Judul KBLI", lambda r: r.kbli_title),
    Column("Nilai (e_ij)", lambda r: r.value),
    Column("Total wilayah (e_i)", lambda r: r.region_total),
    Column("Pangsa di wilayah", lambda r: _blank(r.share)),
    Column("Kode pembanding (kosong: nasional)", lambda r: r.reference_code),
    Column("Nilai pembanding (E_j)", lambda r: r.reference_value),
    Column("Total pembanding (E)", lambda r: r.reference_total),
    Column("Pangsa di pembanding", lambda r: _blank(r.reference_share)),
    Column("LQ", lambda r: _blank(r.lq)),
    Column("IKM aktif di sel", lambda r: r.enterprises),
    Column("IKM aktif di wilayah", lambda r: r.region_enterprises),
    Column("Sedikit IKM", _few),
]

SHIFT_SHARE_COLUMNS = [
    Column("KBLI", lambda r: r.kbli),
    Column("Judul KBLI", lambda r: r.kbli_title),
    Column("Awal", lambda r: r.start),
    Column("Akhir", lambda r: r.end),
    Column("Perubahan", lambda r: r.change),
    Column("Pertumbuhan wilayah (g_ij)", lambda r: _blank(r.region_growth)),
    Column("Pertumbuhan KBLI nasional (G_j)", lambda r: _blank(r.kbli_growth)),
    Column("Pertumbuhan nasional (NS)", lambda r: round(r.national_share, 6)),
    Column("Bauran industri (IM)", lambda r: round(r.industry_mix, 6)),
    Column("Keunggulan kompetitif wilayah (RS)", lambda r: round(r.regional_shift, 6)),
]

LEADING_COLUMNS = [
    Column("Peringkat", lambda r: r.rank),
    Column("KBLI", lambda r: r.kbli),
    Column("Judul KBLI", lambda r: r.kbli_title),
    Column("Nilai", lambda r: r.value),
    Column("Pangsa di wilayah", lambda r: _blank(r.share)),
    Column("LQ terhadap nasional", lambda r: _blank(r.lq_nation)),
    Column("LQ terhadap wilayah induk", lambda r: _blank(r.lq_parent)),
    Column("IKM aktif", lambda r: r.enterprises),
    Column("Sedikit IKM", _few),
    Column("Pertumbuhan", lambda r: _blank(r.growth)),
    Column("Pertumbuhan nasional (NS)", lambda r: _blank(r.national_share)),
    Column("Bauran industri (IM)", lambda r: _blank(r.industry_mix)),
    Column("Keunggulan kompetitif wilayah (RS)", lambda r: _blank(r.regional_shift)),
]


def export_response(kind: str, name: str, rows, file_format: str):
    """CSV (default) or XLSX of a table: kind is "lq", "shift_share" or "leading"."""
    columns = {"lq": LQ_COLUMNS, "shift_share": SHIFT_SHARE_COLUMNS, "leading": LEADING_COLUMNS}[kind]
    if file_format == "xlsx":
        return xlsx_response(name, rows, columns, sheet_title=kind)
    return csv_response(name, rows, columns)
