"""Where a sentra fits (issue 17 §4, PP 29/2018: at least five units making a similar product from a
similar raw material or by a similar process in one place).

`candidates()` lists, from the maintained count per village × 5-digit KBLI (KbliCount, live):

* villages where at least `min_enterprises` (5) active IKM share a 5-digit KBLI and no sentra of that
  KBLI exists in that village;
* clusters: the villages of one district (there are no village boundaries, so "neighbouring villages"
  are the villages of one district) that together reach the minimum for a KBLI where no single village
  does, and no sentra of that KBLI lies anywhere in the district;
* with a regency, district or village chosen: villages where at least five active IKM share a raw
  material (Enterprise.raw_material, normalised: lower case, single spaces, no punctuation) and no
  sentra in that village names it. Raw material is free text on the enterprises themselves (no
  maintained count), so it is computed on demand for one regency at most, never nationally.

"No sentra exists" counts every sentra whatever its status except *tidak aktif*: a proposed one
(*diusulkan*) is already on its way, so the place is not offered twice; an inactive one no longer works
as a sentra, so its place may be proposed again.

Ranked by size (active IKM), then workers, then growth (active IKM of the district × KBLI since the
latest registry snapshot before this year, when one exists).

`weak_centres()` flags designated sentra (ditetapkan, berkembang, mandiri) with fewer than five active
members, and `propose_centre()` turns a candidate into a sentra proposal (status *diusulkan*) through
the registry's normal service, in one transaction, with the candidate's enterprises as members.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connections, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, code_in_scope, region_q, require
from sentra.core.errors import DomainError, FieldError, NotFound
from sentra.core.exports import Column, csv_response, xlsx_response
from sentra.regions.codes import normalise_code
from sentra.regions.models import Kbli, Region
from sentra.regions.selectors import region_filter_q
from sentra.registry.choices import CentreStatus, EnterpriseStatus
from sentra.registry.models import Centre, CentreVillage, Enterprise

from .counts import DISTRICT, ROLLUP_DISTRICT_FIELDS, level_of, within
from .models import KbliCount, KbliRollup, RegistrySnapshot, SnapshotCount
from .potential import growth_base_year

MIN_ENTERPRISES = 5
# Sentra that count as "a sentra exists here": every status but inactive.
LIVE_STATUSES = (
    CentreStatus.PROPOSED,
    CentreStatus.DESIGNATED,
    CentreStatus.DEVELOPING,
    CentreStatus.SELF_RELIANT,
)
# Designated sentra checked for the minimum of active members.
DESIGNATED_STATUSES = (CentreStatus.DESIGNATED, CentreStatus.DEVELOPING, CentreStatus.SELF_RELIANT)

LEVEL_FIELD = {1: "province_code", 2: "regency_code", 3: "district_code", 4: "village_code"}

KIND_VILLAGE, KIND_DISTRICT, KIND_RAW = "village", "district", "raw_material"
KIND_LABELS = {
    KIND_VILLAGE: "Desa/kelurahan (KBLI sama)",
    KIND_DISTRICT: "Gabungan desa satu kecamatan (KBLI sama)",
    KIND_RAW: "Desa/kelurahan (bahan baku sama)",
}


def _error(field_name: str, code: str, message: str) -> DomainError:
    return DomainError(message, code=code, errors=[FieldError(field_name, message, code)])


@dataclass
class Candidate:
    kind: str  # village, district, raw_material
    place_code: str  # the village (village, raw_material) or the district (district)
    place_name: str
    district_code: str
    district_name: str
    regency_code: str
    regency_name: str
    kbli: str  # "" for a raw-material candidate
    kbli_title: str
    raw_material: str  # the normalised raw material (raw_material candidates)
    enterprises: int
    workers: int
    production_value: int
    villages: list[str]  # the villages whose IKM make it up
    growth: float | None = None  # active IKM of the district × KBLI since the base year (0.1 = +10 %)
    rank: int = 0

    @property
    def kind_label(self) -> str:
        return _(KIND_LABELS[self.kind])

    @property
    def suggested_name(self) -> str:
        what = self.kbli_title or self.raw_material
        return f"Sentra {what} {self.place_name}"[:200]


@dataclass
class Candidates:
    region: Region | None
    kbli: str | None
    min_enterprises: int
    growth_from: int | None
    raw_material_checked: bool
    items: list[Candidate]  # ranked; only the first `limit` when candidates() was given one
    total: int = 0  # every candidate found, whatever the limit


# --- parameters ---------------------------------------------------------------------------------------


def find_region(actor: Actor, code: str | None) -> Region | None:
    if code is None or not str(code).strip():
        return None
    normal = normalise_code(str(code))
    region = Region.objects.filter(code=normal).first() if normal else None
    if region is None:
        raise _error(
            "region", "unknown_region", _("Wilayah dengan kode '%(code)s' tidak dikenal.") % {"code": code}
        )
    if not code_in_scope(actor, region.code):
        raise NotFound(_("Wilayah tidak ditemukan."))
    return region


def find_kbli(code: str | None) -> str | None:
    if code is None or not str(code).strip():
        return None
    code = str(code).strip()
    if not (len(code) == 5 and Kbli.objects.filter(code=code).exists()):
        raise _error(
            "kbli",
            "unknown_kbli",
            _("KBLI '%(code)s' tidak dikenal: isi kode KBLI 2020 lima digit (misalnya 13121).")
            % {"code": code},
        )
    return code


def parse_min(value) -> int:
    if value is None or value == "":
        return MIN_ENTERPRISES
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 2:
        raise _error(
            "min",
            "invalid_min_enterprises",
            _("Jumlah minimal IKM '%(value)s' tidak sah: isi bilangan bulat 2 atau lebih (PP 29/2018: 5).")
            % {"value": value},
        )
    return number


def normalise_material(text: str | None) -> str:
    """'Rotan,  ROTAN alam.' → 'rotan rotan alam'."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w]+", " ", (text or "").lower())).strip()


def _scope_q(actor: Actor) -> Q:
    code = actor.region_code
    if code is None:
        return Q()
    return Q(**{LEVEL_FIELD.get(len(code.split(".")), "village_code"): code})


# --- the check --------------------------------------------------------------------------------------------


def _covered(region: Region | None, kbli: str | None) -> tuple[set, set]:
    """(village, KBLI) and (district, KBLI) pairs where a live sentra lies."""
    links = CentreVillage.objects.filter(centre__status__in=LIVE_STATUSES)
    if region is not None:
        links = links.filter(region_filter_q("village_id", region.code))
    if kbli:
        links = links.filter(centre__kbli_id=kbli)
    villages, districts = set(), set()
    for village, code in links.values_list("village_id", "centre__kbli_id"):
        villages.add((village, code))
        districts.add((village[:8], code))
    return villages, districts


def _growth(districts: set[str], kbli: str | None) -> tuple[int | None, dict]:
    base = growth_base_year()
    if base is None or not districts:
        return base, {}
    snapshot = RegistrySnapshot.objects.filter(year=base).first()
    rows = SnapshotCount.objects.filter(snapshot=snapshot, district_code__in=sorted(districts))
    if kbli:
        rows = rows.filter(kbli=kbli)
    return base, {
        (r.district_code, r.kbli): r.enterprises for r in rows.only("district_code", "kbli", "enterprises")
    }


def candidates(
    *,
    actor: Actor,
    region=None,
    kbli: str | None = None,
    min_enterprises=MIN_ENTERPRISES,
    limit: int | None = None,
) -> Candidates:
    """Candidates ranked (see the module's docstring); with `limit`, only the first `limit` of them are
    built (named, with their villages and growth) and `total` still counts them all."""
    require(actor, Action.LIST, Area.ANALYTICS)
    region = region if isinstance(region, Region) else find_region(actor, region)
    if region is not None and not code_in_scope(actor, region.code):
        raise NotFound(_("Wilayah tidak ditemukan."))
    kbli = find_kbli(kbli)
    minimum = parse_min(min_enterprises)

    counts = KbliCount.objects.filter(_scope_q(actor), enterprises__gt=0)
    if region is not None:
        counts = counts.filter(**{LEVEL_FIELD[region.level]: region.code})
    if kbli:
        counts = counts.filter(kbli=kbli)
    covered_villages, covered_districts = _covered(region, kbli)

    # Every candidate first as a plain tuple (nationally there can be hundreds of thousands of district
    # clusters): (enterprises, workers, kind, place, district, regency, KBLI, value). Only the ranked
    # page asked for (`limit`) becomes Candidate objects with names, member villages and growth.
    light: list[tuple] = []
    # Villages: one indexed read of the cells that reach the minimum (the index on the cell's size).
    reached: set[tuple[str, str]] = set()  # (district, KBLI) where one village alone reaches the minimum
    for row in counts.filter(enterprises__gte=minimum).values_list(
        "village_code", "district_code", "regency_code", "kbli", "enterprises", "workers", "production_value"
    ):
        village, district, regency, code, n, workers, value = row
        reached.add((district, code))
        if (village, code) not in covered_villages:
            light.append((n, workers or 0, KIND_VILLAGE, village, district, regency, code, value or 0))
    # Clusters: districts × KBLI reaching the minimum together where no village does alone — read from
    # the district rollup (one row per district × KBLI, kept with the village count), not summed here.
    finest = max(region.level if region is not None else 1, level_of(actor.region_code or "0"))
    if finest <= DISTRICT:  # inside one village there is no cluster of villages
        districts = KbliRollup.objects.filter(
            within(ROLLUP_DISTRICT_FIELDS, actor.region_code),
            level=KbliRollup.Level.DISTRICT,
            enterprises__gte=minimum,
        )
        if region is not None:
            districts = districts.filter(within(ROLLUP_DISTRICT_FIELDS, region.code))
        if kbli:
            districts = districts.filter(kbli=kbli)
        excluded = reached | covered_districts
        # Nationally ~200,000 district rows reach the minimum: read as plain tuples by the database
        # cursor (no model rows), filtered here against the pairs a village or a sentra already holds.
        sql, params = districts.values_list(
            "enterprises", "workers", "region_code", "regency_code", "kbli", "production_value"
        ).query.sql_with_params()
        with connections[districts.db].cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(20000):
                light.extend(
                    (n, w or 0, KIND_DISTRICT, d, d, r, k, v or 0)
                    for n, w, d, r, k, v in chunk
                    if (d, k) not in excluded
                )
    raw_checked = region is not None and region.level >= Region.Level.REGENCY and not kbli
    raw = _raw_material_candidates(actor, region, minimum) if raw_checked else []
    light.extend((c.enterprises, c.workers, KIND_RAW, c.place_code, "", "", "", 0, c) for c in raw)

    total = len(light)
    if limit is not None and len(light) > limit:
        # The page, and every candidate tied with its last one on (IKM, workers): growth and the codes
        # decide among those, so the first `limit` are exactly those of the whole list ranked.
        best = heapq.nlargest(limit, light, key=lambda t: (t[0], t[1])) if limit > 0 else []
        if best:
            last = best[-1][:2]
            best += [t for t in light if t[:2] == last and t not in best]
        light = best
    found = [t[8] if len(t) > 8 else _candidate(t) for t in light]
    _members([c for c in found if c.kind == KIND_DISTRICT])

    base, growth_base = _growth({c.district_code for c in found if c.kbli}, kbli)
    if growth_base:
        now = {
            (district, code): n
            for district, code, n in KbliRollup.objects.filter(
                level=KbliRollup.Level.DISTRICT,
                region_code__in=sorted({c.district_code for c in found if c.kbli}),
                kbli__in=sorted({c.kbli for c in found if c.kbli}),
            ).values_list("region_code", "kbli", "enterprises")
        }
        for c in found:
            before = growth_base.get((c.district_code, c.kbli))
            if before:
                c.growth = now.get((c.district_code, c.kbli), 0) / before - 1

    found.sort(
        key=lambda c: (
            -c.enterprises,
            -c.workers,
            -(c.growth if c.growth is not None else -1e9),
            c.place_code,
            c.kbli,
        )
    )
    if limit is not None:
        found = found[:limit]
    _name(found)
    for rank, c in enumerate(found, start=1):
        c.rank = rank
    return Candidates(
        region=region,
        kbli=kbli,
        min_enterprises=minimum,
        growth_from=base,
        raw_material_checked=raw_checked,
        items=found,
        total=total,
    )


def _candidate(t: tuple) -> Candidate:
    n, workers, kind, place, district, regency, code, value = t
    villages = [place] if kind == KIND_VILLAGE else []  # a cluster's villages: _members
    return Candidate(kind, place, "", district, "", regency, "", code, "", "", n, workers, value, villages)


# (district, KBLI) pairs per OR-ed statement: each pair one probe of the covering index on both
# databases (SQLite does not probe an index for a row value IN a VALUES list: it scans the table), and
# well under SQLite's expression depth of 1,000.
PAIRS_PER_STATEMENT = 200


def _members(clusters: list[Candidate]) -> None:
    """The villages of each district cluster (those with an active IKM of its KBLI)."""
    if not clusters:
        return
    keys = {(c.district_code, c.kbli): c for c in clusters}
    pairs = sorted(keys)
    for start in range(0, len(pairs), PAIRS_PER_STATEMENT):
        part = pairs[start : start + PAIRS_PER_STATEMENT]
        wanted = reduce(or_, (Q(district_code=d, kbli=k) for d, k in part))
        for district, code, village in KbliCount.objects.filter(wanted, enterprises__gt=0).values_list(
            "district_code", "kbli", "village_code"
        ):
            keys[(district, code)].villages.append(village)
    for cluster in clusters:
        cluster.villages.sort()


def _raw_material_candidates(actor: Actor, region: Region, minimum: int) -> list[Candidate]:
    rows = (
        Enterprise.objects.filter(
            region_q(actor), status=EnterpriseStatus.ACTIVE, regency_code=region.code[:5]
        )
        .filter(region_filter_q("village_id", region.code))
        .exclude(raw_material="")
        .values_list("village_id", "raw_material", "workers", "production_value")
    )
    groups: dict[tuple[str, str], list[int]] = {}
    for village, material, workers, value in rows.iterator(chunk_size=5000):
        key = (village, normalise_material(material))
        if not key[1]:
            continue
        group = groups.setdefault(key, [0, 0, 0])
        group[0] += 1
        group[1] += workers or 0
        group[2] += value or 0
    covered = {
        (village, normalise_material(material))
        for village, material in CentreVillage.objects.filter(
            region_filter_q("village_id", region.code), centre__status__in=LIVE_STATUSES
        ).values_list("village_id", "centre__raw_material")
    }
    return [
        Candidate(
            KIND_RAW, village, "", village[:8], "", village[:5], "", "", "", material, n, w, v, [village]
        )
        for (village, material), (n, w, v) in groups.items()
        if n >= minimum and (village, material) not in covered
    ]


def _name(found: list[Candidate]) -> None:
    codes = set()
    for c in found:
        codes.update({c.place_code, c.district_code, c.regency_code})
    if len(codes) > 5000:  # nationally tens of thousands of villages: every name in one plain read
        names = dict(
            Region.objects.filter(level__gte=2).values_list("code", "name").iterator(chunk_size=20000)
        )
    else:
        names = dict(Region.objects.filter(code__in=sorted(codes)).values_list("code", "name"))
    titles = dict(
        Kbli.objects.filter(code__in=sorted({c.kbli for c in found if c.kbli})).values_list("code", "title")
    )
    for c in found:
        c.place_name = names.get(c.place_code, c.place_code)
        c.district_name = names.get(c.district_code, c.district_code)
        c.regency_name = names.get(c.regency_code, c.regency_code)
        c.kbli_title = titles.get(c.kbli, "")


# --- designated sentra that no longer meet the rule -----------------------------------------------------


@dataclass
class WeakCentre:
    centre: Centre
    active_members: int


def weak_centres(*, actor: Actor, region=None, kbli: str | None = None, min_enterprises=MIN_ENTERPRISES):
    """Designated sentra (ditetapkan, berkembang, mandiri) with fewer than the minimum of active members."""
    require(actor, Action.LIST, Area.ANALYTICS)
    region = region if isinstance(region, Region) else find_region(actor, region)
    kbli = find_kbli(kbli)
    minimum = parse_min(min_enterprises)
    centres = Centre.objects.filter(region_q(actor), status__in=DESIGNATED_STATUSES)
    if region is not None:
        centres = centres.filter(region_filter_q("village_id", region.code))
    if kbli:
        centres = centres.filter(kbli_id=kbli)
    centres = (
        centres.annotate(
            active=Count("memberships", filter=Q(memberships__enterprise__status=EnterpriseStatus.ACTIVE))
        )
        .filter(active__lt=minimum)
        .select_related("village", "kbli")
        .order_by("active", "name", "id")
    )
    return [WeakCentre(centre=c, active_members=c.active) for c in centres]


# --- one step from a candidate to a sentra proposal ------------------------------------------------------


@transaction.atomic
def propose_centre(
    *, actor: Actor, kind: str, place_code: str, kbli: str = "", raw_material: str = "", name: str = ""
) -> Centre:
    """Checks the candidate again (it must still be one) and creates the sentra *diusulkan* through
    registry.services.centre_create: its villages, KBLI, a suggested name, and as members the active
    IKM that make up the candidate and that the planner may read."""
    from sentra.registry.services import centre_create

    if kind not in KIND_LABELS:
        raise _error(
            "kind", "unknown_candidate_kind", _("Jenis kandidat '%(kind)s' tidak dikenal.") % {"kind": kind}
        )
    region = find_region(actor, place_code)
    wanted_level = Region.Level.DISTRICT if kind == KIND_DISTRICT else Region.Level.VILLAGE
    if region is None or region.level != wanted_level:
        raise _error(
            "place", "not_a_candidate", _("Tempat ini bukan kandidat sentra; muat ulang daftar kandidat.")
        )
    result = candidates(actor=actor, region=region, kbli=kbli or None)
    material = normalise_material(raw_material)
    match = next(
        (
            c
            for c in result.items
            if c.kind == kind
            and c.place_code == region.code
            and c.kbli == (kbli or "")
            and (kind != KIND_RAW or c.raw_material == material)
        ),
        None,
    )
    if match is None:
        raise _error(
            "place",
            "not_a_candidate",
            _(
                "%(place)s tidak lagi memenuhi syarat kandidat sentra (minimal %(min)s IKM aktif dan belum "
                "ada sentra): mungkin sudah diusulkan. Muat ulang daftar kandidat."
            )
            % {"place": region.name, "min": result.min_enterprises},
        )
    members = Enterprise.objects.filter(
        region_q(actor), status=EnterpriseStatus.ACTIVE, village_id__in=match.villages
    )
    if kind == KIND_RAW:
        members = [
            e.pk for e in members.only("pk", "raw_material") if normalise_material(e.raw_material) == material
        ]
        kbli_code = (
            Enterprise.objects.filter(pk__in=members)
            .values("kbli_id")
            .annotate(n=Count("id"))
            .order_by("-n", "kbli_id")
            .values_list("kbli_id", flat=True)
            .first()
        )
    else:
        members = list(members.filter(kbli_id=match.kbli).values_list("pk", flat=True))
        kbli_code = match.kbli
    return centre_create(
        actor=actor,
        village_codes=match.villages,
        kbli_code=kbli_code,
        member_ids=members,
        name=(name or "").strip() or match.suggested_name,
        commodity=(match.kbli_title or match.raw_material)[:150],
        raw_material=match.raw_material[:200],
        status=CentreStatus.PROPOSED,
        proposed_on=timezone.localdate(),
    )


# --- exports --------------------------------------------------------------------------------------------


def _growth_cell(c: Candidate):
    return "" if c.growth is None else round(c.growth, 6)


CANDIDATE_COLUMNS = [
    Column("Peringkat", lambda c: c.rank),
    Column("Jenis", lambda c: c.kind_label),
    Column("Kode tempat", lambda c: c.place_code),
    Column("Tempat", lambda c: c.place_name),
    Column("Kecamatan", lambda c: c.district_name),
    Column("Kabupaten/kota", lambda c: c.regency_name),
    Column("KBLI", lambda c: c.kbli),
    Column("Judul KBLI", lambda c: c.kbli_title),
    Column("Bahan baku", lambda c: c.raw_material),
    Column("IKM aktif", lambda c: c.enterprises),
    Column("Tenaga kerja", lambda c: c.workers),
    Column("Nilai produksi (Rp)", lambda c: c.production_value),
    Column("Jumlah desa", lambda c: len(c.villages)),
    Column("Pertumbuhan IKM kecamatan×KBLI", _growth_cell),
    Column("Usulan nama", lambda c: c.suggested_name),
]


def export_response(result: Candidates, file_format: str):
    name = "kandidat-sentra"
    if file_format == "xlsx":
        return xlsx_response(name, result.items, CANDIDATE_COLUMNS, sheet_title="kandidat")
    return csv_response(name, result.items, CANDIDATE_COLUMNS)
