"""Demo data: the real facts of demo_facts.py plus reproducible generated registries on real regions.

`demo_rows` is the pure generator (no database: it reads the shipped village list), so the
benchmark can stream millions of rows to a CSV from it; `demo_generate` writes them with
bulk_create in batches; `demo_run` is the registry's step of `sentra demo` (core.demo), registered
by RegistryConfig.ready() after the reference data (regions) and before programmes.
"""

from __future__ import annotations

import csv
import random
import sys
import time
import zlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import accumulate
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from sentra.accounts.models import Profile
from sentra.accounts.scope import Channel, system_actor
from sentra.agencies.demo import demo_agencies_by_name, province_agencies
from sentra.agencies.demo_facts import AGENCIES
from sentra.agencies.models import Agency
from sentra.agencies.services import agency_get_or_create
from sentra.audit.models import AuditAction, AuditEvent
from sentra.audit.services import diff, object_type, record_change, snapshot
from sentra.core.demo import DemoContext, DemoReport, person_name
from sentra.core.imports import insert_many, sqlite_page_cache
from sentra.regions.demo import PROVINCE_WEIGHTS
from sentra.regions.services import DATA_DIR, reference_is_loaded, reference_load

from . import demo_facts as facts
from .choices import CentreStatus, EnterpriseStatus
from .models import Centre, CentreMembership, CentreVillage, Decree, Enterprise
from .services import centre_create, decree_get_or_create, enterprise_create, enterprise_size_class

# size → (enterprises, centres). National matches Kemenperin's ~4.4 M IKM and ~10,500 sentra (2020).
SIZES: dict[str, tuple[int, int]] = {
    "small": (2_000, 60),
    "regional": (50_000, 600),
    "national": (4_400_000, 10_500),
}
BATCH_SIZE = 10_000
PROGRESS_EVERY = 200_000  # enterprises between two progress lines of a large run
# From this many enterprises on, indexes are rebuilt after the load rather than kept up row by row
# (national: minutes saved; regional: the rebuild would cost more than it saves on a filled table).
REBUILD_INDEXES_FROM = 1_000_000
LOAD_CACHE_KIB = 262_144  # page cache (SQLite) / sort memory (PostgreSQL) while loading and indexing
REAL_MEMBERS_PER_CENTRE = 6

JAVA = frozenset({"31", "32", "33", "34", "35", "36"})

# (KBLI 2020, weight %, product word for names, commodity of a sentra). Food ≈ 37 % and
# wood/bamboo/rattan ≈ 14 % as in BPS IMK 2022; the rest roughly follows IKM profiles.
KBLI_WEIGHTS: list[tuple[str, float, str, str]] = [
    ("10710", 7.0, "Roti", "Roti dan kue"),
    ("10794", 7.0, "Kerupuk", "Kerupuk dan keripik"),
    ("10792", 4.0, "Kue", "Kue basah"),
    ("10392", 3.5, "Tahu", "Tahu"),
    ("10391", 3.5, "Tempe", "Tempe"),
    ("10722", 2.5, "Gula Merah", "Gula merah"),
    ("10750", 2.5, "Katering", "Makanan olahan"),
    ("10211", 2.0, "Ikan Asin", "Ikan asin"),
    ("10799", 2.0, "Makanan", "Makanan olahan lainnya"),
    ("10421", 1.0, "Kopra", "Kopra"),
    ("11040", 1.0, "Minuman", "Minuman ringan"),
    ("10771", 1.0, "Kecap", "Kecap"),
    ("16291", 4.0, "Anyaman", "Anyaman rotan dan bambu"),
    ("16101", 4.0, "Kayu", "Penggergajian kayu"),
    ("16293", 3.0, "Ukir", "Ukiran kayu"),
    ("16294", 2.0, "Perabot Dapur", "Alat dapur kayu dan bambu"),
    ("16299", 1.0, "Kerajinan Kayu", "Kerajinan kayu"),
    ("31001", 5.0, "Mebel", "Mebel kayu"),
    ("31002", 1.0, "Mebel Rotan", "Mebel rotan"),
    ("14111", 8.0, "Konveksi", "Konveksi"),
    ("13134", 2.0, "Batik", "Batik"),
    ("13121", 1.5, "Tenun", "Tenun"),
    ("13122", 1.0, "Tenun Ikat", "Tenun ikat"),
    ("15201", 1.5, "Sepatu", "Alas kaki"),
    ("15121", 1.0, "Tas Kulit", "Barang kulit"),
    ("23921", 5.0, "Bata", "Batu bata"),
    ("23922", 2.0, "Genteng", "Genteng"),
    ("23951", 2.0, "Batako", "Barang dari semen"),
    ("25932", 2.0, "Pandai Besi", "Perkakas logam"),
    ("25119", 2.0, "Las", "Barang logam"),
    ("18111", 1.5, "Percetakan", "Percetakan"),
    ("32909", 1.5, "Kerajinan", "Kerajinan lainnya"),
    ("12011", 0.5, "Rokok", "Rokok kretek tangan"),
]

BUSINESS_FORMS = ["UD", "CV", "IKM", "Usaha", "Home Industri", "KUB", "Rumah Produksi", ""]
BUSINESS_WORDS = [
    "Berkah", "Sejahtera", "Maju Jaya", "Barokah", "Sumber Rezeki", "Mandiri", "Lestari", "Makmur",
    "Sari", "Jaya Abadi", "Bunda", "Putra", "Putri", "Sentosa", "Mulia", "Harapan", "Karya",
    "Sinar", "Cahaya", "Tunas", "Mekar", "Rukun", "Amanah", "Nusantara", "Bintang", "Sumber Jaya",
    "Kencana", "Mitra", "Sakinah", "Al Hikmah", "Rejeki", "Melati", "Mawar", "Anggrek", "Kenanga",
]  # fmt: skip
STREETS = [
    "Jl. Merdeka", "Jl. Pahlawan", "Jl. Sudirman", "Jl. Diponegoro", "Jl. Kartini", "Jl. Veteran",
    "Jl. Pemuda", "Jl. Masjid", "Jl. Pasar", "Jl. Raya", "Jl. Poros Desa", "Jl. Kenanga",
]  # fmt: skip


@lru_cache(maxsize=1)
def villages_by_province() -> dict[str, list[tuple[str, str]]]:
    """(code, name) of every village in the shipped Kemendagri list, by province code."""
    grouped: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with (DATA_DIR / "regions" / "villages.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            grouped[row["code"][:2]].append((row["code"], row["name"]))
    return dict(grouped)


DEMO_ACTOR = system_actor(Channel.CLI, username="sentra demo")


def demo_nib(*, seed: int, index: int) -> str:
    """A unique 13-digit NIB for generated row `index`: 9, two digits of the seed, ten scrambled.

    Multiplying by a number prime to 10 permutes 0…10¹⁰−1, so indexes never collide and the NIBs
    do not look sequential.
    """
    return f"9{seed % 100:02d}{(index * 6_364_136_223 + seed) % 10**10:010d}"


def _pick_workers(rng: random.Random) -> tuple[int, int]:
    roll = rng.random()
    if roll < 0.60:
        workers = rng.randint(1, 4)
        investment = rng.randrange(5, 150) * 1_000_000
    elif roll < 0.95:
        workers = rng.randint(5, 19)
        investment = rng.randrange(50, 700, 5) * 1_000_000
    elif roll < 0.995:
        workers = rng.randint(20, 99)
        investment = rng.randrange(800, 12_000, 50) * 1_000_000
    else:
        workers = rng.randint(100, 300)
        investment = rng.randrange(5_000, 20_000, 100) * 1_000_000
    return workers, investment


def _enterprise_row(
    rng: random.Random, *, seed: int, index: int, village: tuple[str, str], kbli: tuple[str, float, str, str]
) -> dict[str, Any]:
    code, village_name = village
    owner = person_name(rng)
    form = rng.choice(BUSINESS_FORMS)
    word = rng.choice(BUSINESS_WORDS) if rng.random() < 0.75 else owner.split()[0]
    workers, investment = _pick_workers(rng)
    roll = rng.random()
    status = (
        EnterpriseStatus.ACTIVE
        if roll < 0.90
        else EnterpriseStatus.INACTIVE
        if roll < 0.97
        else EnterpriseStatus.CLOSED
    )
    return {
        "nib": demo_nib(seed=seed, index=index),
        "name": " ".join(p for p in (form, kbli[2], word) if p),
        "owner_name": owner,
        "kbli": kbli[0],
        "village": code,
        "province_code": code[:2],
        "regency_code": code[:5],
        "address": f"{rng.choice(STREETS)} No. {rng.randint(1, 150)}, {village_name}",
        "workers": workers,
        "investment": investment,
        "size_class": str(enterprise_size_class(workers=workers, investment=investment)),
        "year_started": rng.randint(1985, 2025),
        "status": str(status),
    }


def demo_rows(*, enterprises: int, centres: int, seed: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ("centre", row) and ("enterprise", row) pairs, reproducibly from `seed`. No database.

    Each centre comes first, followed by its 5–12 members (same KBLI, same village; their rows
    carry "centre": the centre's index); then the unattached enterprises up to `enterprises` in
    all. Provinces follow PROVINCE_WEIGHTS, KBLI codes KBLI_WEIGHTS, villages are uniform within
    the province. Enterprise rows hold model field values plus "kbli" and "village" codes.
    """
    rng = random.Random(seed)
    villages = villages_by_province()
    provinces = [p for p in PROVINCE_WEIGHTS if p in villages]
    # Cumulative weights once, not per draw: the national run draws millions of times.
    province_weights = list(accumulate(PROVINCE_WEIGHTS[p] for p in provinces))
    kbli_weights = list(accumulate(k[1] for k in KBLI_WEIGHTS))
    index = 0
    for centre_index in range(centres):
        if index >= enterprises:
            break
        province = rng.choices(provinces, cum_weights=province_weights)[0]
        village = rng.choice(villages[province])
        kbli = rng.choices(KBLI_WEIGHTS, cum_weights=kbli_weights)[0]
        roll = rng.random()
        status = (
            CentreStatus.PROPOSED
            if roll < 0.25
            else CentreStatus.DESIGNATED
            if roll < 0.75
            else CentreStatus.DEVELOPING
            if roll < 0.95
            else CentreStatus.SELF_RELIANT
        )
        year = rng.randint(2008, 2024)
        proposed_on = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
        yield (
            "centre",
            {
                "index": centre_index,
                "name": f"Sentra {kbli[3]} {village[1]}",
                "commodity": kbli[3],
                "kbli": kbli[0],
                "village": village[0],
                "province_code": village[0][:2],
                "regency_code": village[0][:5],
                "status": str(status),
                "proposed_on": proposed_on,
                "chair": person_name(rng),
            },
        )
        for _ in range(min(rng.randint(5, 12), enterprises - index)):
            row = _enterprise_row(rng, seed=seed, index=index, village=village, kbli=kbli)
            row["centre"] = centre_index
            yield "enterprise", row
            index += 1
    while index < enterprises:
        province = rng.choices(provinces, cum_weights=province_weights)[0]
        kbli = rng.choices(KBLI_WEIGHTS, cum_weights=kbli_weights)[0]
        row = _enterprise_row(rng, seed=seed, index=index, village=rng.choice(villages[province]), kbli=kbli)
        row["centre"] = None
        yield "enterprise", row
        index += 1


def enterprise_rows(*, count: int, seed: int, centres: int = 0) -> Iterator[dict[str, Any]]:
    """Only the enterprise rows of demo_rows, e.g. to write a CSV for an import benchmark."""
    for kind, row in demo_rows(enterprises=count, centres=centres, seed=seed):
        if kind == "enterprise":
            yield row


# --- writing ------------------------------------------------------------------------------------


def _resolve(text: str, *, level: int, report: DemoReport) -> str | None:
    from sentra.regions.gazetteer import resolve_place  # lazy: builds its index on first use

    resolution = resolve_place(text, level=level)
    if resolution.status == "resolved" and resolution.best is not None:
        return resolution.best.code
    report.unresolved.append(f"{text} → {resolution.status}: {resolution.reason}")
    return None


def _demo_agencies(report: DemoReport) -> dict[str, Agency]:
    agencies: dict[str, Agency] = {}
    for name, short_name, kind, place, level in AGENCIES:
        region = _resolve(place, level=level, report=report) if place else None
        if place and region is None:
            continue  # reported; an agency placed at a guessed region would scope the wrong data
        before = Agency.objects.count()
        agencies[name] = agency_get_or_create(name=name, kind=kind, region_code=region, short_name=short_name)
        report.created["agencies"] += Agency.objects.count() - before
    return agencies


def _real_members(
    *, centre: Centre, villages: list[str], agency: Agency, seed: int, report: DemoReport, product: str = ""
) -> None:
    """Generated member units for a real sentra, so it meets the five-unit minimum; `product` is the
    word in their names when the KBLI is not one of the generated ones (else the commodity)."""
    rng = random.Random(f"{seed}:{centre.name}:{centre.village_id}")
    kbli = next(
        (k for k in KBLI_WEIGHTS if k[0] == centre.kbli_id),
        (centre.kbli_id, 0, product or centre.commodity, ""),
    )
    from sentra.regions.models import Region

    names = dict(Region.objects.filter(code__in=villages).values_list("code", "name"))
    member_ids = []
    for i in range(REAL_MEMBERS_PER_CENTRE):
        village = villages[i % len(villages)]
        row = _enterprise_row(rng, seed=seed, index=i, village=(village, names[village]), kbli=kbli)
        # NIB space 8…: never collides with the generated 9… rows.
        nib = f"8{centre.pk % 10**6:06d}{i:06d}"
        existing = Enterprise.objects.filter(nib=nib).first()
        if existing is None:
            existing = enterprise_create(
                actor=DEMO_ACTOR,
                agency=agency,
                village_code=village,
                kbli_code=centre.kbli_id,
                name=row["name"],
                owner_name=row["owner_name"],
                nib=nib,
                address=row["address"],
                workers=min(row["workers"], 19),
                investment=min(row["investment"], 900_000_000),
                year_started=row["year_started"],
            )
            report.created["enterprises"] += 1
        member_ids.append(existing.pk)
    existing_links = set(
        CentreMembership.objects.filter(centre=centre).values_list("enterprise_id", flat=True)
    )
    CentreMembership.objects.bulk_create(
        [CentreMembership(centre=centre, enterprise_id=pk) for pk in member_ids if pk not in existing_links]
    )


# Facts a real sentra's spec may give beyond its name, commodity and place (all Centre fields).
REAL_CENTRE_FIELDS = ("raw_material", "description", "upt_name", "facilities", "board_members")


def _real_centre(*, spec: dict, villages: list[str], agency: Agency, decree: Decree | None, seed, report):
    centre = Centre.objects.filter(name=spec["name"], village_id=villages[0]).first()
    before = snapshot(centre) if centre is not None else None
    if centre is None:
        data = {
            "name": spec["name"],
            "commodity": spec["commodity"],
            **{key: spec[key] for key in REAL_CENTRE_FIELDS if key in spec},
            "status": spec.get("status", CentreStatus.DESIGNATED),
            "decree": decree,
        }
        if decree is not None:
            data["designated_on"] = decree.issued_on
        if spec.get("proposed_on"):
            data["proposed_on"] = spec["proposed_on"]
        centre = centre_create(
            actor=DEMO_ACTOR, agency=agency, village_codes=villages, kbli_code=spec["kbli"], **data
        )
        report.created["centres"] += 1
    _real_members(
        centre=centre,
        villages=villages,
        agency=agency,
        seed=seed,
        report=report,
        product=spec.get("product", ""),
    )
    _record_members(centre, before)
    return centre


def _record_members(centre: Centre, before: dict | None) -> None:
    """The history records the centre as the demo made it: its members are linked after centre_create
    (their NIBs come from the centre's id), so the creation event's snapshot and changes are taken
    again with them (audit.links) — else restoring the "created" version would unlink them all. A
    centre found from an earlier run gets an event for the members linked now, if any."""
    if before is not None:
        record_change(actor=DEMO_ACTOR, action=AuditAction.UPDATE, obj=centre, before=before)
        return
    taken = snapshot(centre)
    AuditEvent.objects.filter(
        object_type=object_type(centre), object_id=centre.pk, action=AuditAction.CREATE
    ).update(snapshot=taken, changes=diff(None, taken))


def _real_village(village: facts.Village, *, regency: str, report: DemoReport) -> str | None:
    """The code of a real sentra's village. A code the facts state is used once the reference data
    confirms its name, kecamatan and regency (a mismatch is reported, not placed); a village given by
    name only is resolved through the gazetteer, as reported."""
    if village.code is None:
        district = f"Kecamatan {village.district}, " if village.district else ""
        return _resolve(f"{village.name}, {district}{regency}", level=4, report=report)
    from sentra.regions.models import Region

    found = (
        Region.objects.filter(code=village.code, level=Region.Level.VILLAGE)
        .select_related("parent__parent")
        .first()
    )
    stated = f"{village.code} {village.name}, Kecamatan {village.district}, {regency}"
    if found is None:
        report.unresolved.append(f"{stated} → not_found: kode tidak ada di data wilayah.")
        return None
    actual = (found.name, found.parent.name, found.parent.parent.name)
    if any(
        expected is not None and expected.casefold() != name.casefold()
        for expected, name in zip((village.name, village.district, regency), actual, strict=True)
    ):
        place = f"{actual[0]}, Kecamatan {actual[1]}, {actual[2]}"
        report.unresolved.append(f"{stated} → contradictory: kode {found.code} adalah {place}.")
        return None
    return found.code


def _real_decree(spec: dict | None, report: DemoReport) -> Decree | None:
    """The decree of a real sentra, issued by the region its place names (resolved by name)."""
    if spec is None:
        return None
    region = _resolve(spec["place"], level=2, report=report)
    if region is None:
        return None
    before = Decree.objects.count()
    decree = decree_get_or_create(region_code=region, **{k: v for k, v in spec.items() if k != "place"})
    report.created["decrees"] += Decree.objects.count() - before
    return decree


@transaction.atomic
def demo_real_facts(*, seed: int, report: DemoReport) -> dict[str, Agency]:
    """Agencies, the PPU decree and its nine sentra, Tarakan and Balikpapan, each place resolved."""
    agencies = _demo_agencies(report)
    ppu_agency = agencies.get(facts.PPU_AGENCY)
    decree = _real_decree(facts.PPU_DECREE, report)
    for spec in facts.PPU_CENTRES:
        villages = [
            code
            for village in spec["villages"]
            if (code := _real_village(village, regency=facts.PPU, report=report))
        ]
        if not villages or ppu_agency is None:
            report.notes.append(f"{spec['name']} ({facts.PPU}) tidak dibuat: tidak ada desa yang dikenali.")
            continue
        if len(villages) < len(spec["villages"]):
            report.notes.append(f"{spec['name']}: hanya desa yang dikenali yang dicatat.")
        _real_centre(spec=spec, villages=villages, agency=ppu_agency, decree=decree, seed=seed, report=report)
    for spec in facts.OTHER_CENTRES:
        villages = [
            code
            for village in spec["villages"]
            if (code := _real_village(village, regency=spec["regency"], report=report))
        ]
        agency = agencies.get(spec["agency"])
        if not villages or agency is None:
            report.notes.append(
                f"{spec['name']} ({spec['regency']}) tidak dibuat: "
                "lokasinya tidak dikenali sebagai desa/kelurahan."
            )
            continue
        if len(villages) < len(spec["villages"]):
            report.notes.append(f"{spec['name']}: hanya desa yang dikenali yang dicatat.")
        decree = _real_decree(spec.get("decree"), report)
        _real_centre(spec=spec, villages=villages, agency=agency, decree=decree, seed=seed, report=report)
    return agencies


def demo_generate(
    *, size: str = "small", seed: int = 2026, stdout: TextIO | None = None, report: DemoReport | None = None
) -> DemoReport:
    """Write the generated registries for `size` in one transaction: all of them or, if stopped, none.

    Rows are valid by construction (real village and KBLI codes, 13-digit NIBs), so there is no
    per-row full_clean and, as for every generated row, no audit history. Enterprises and
    memberships, millions at national size, go in as plain tuples by the database's fastest path
    (insert_many: executemany on SQLite, COPY on PostgreSQL); model instances and bulk_create cost
    several times more per row. Running it again with the same seed finds its first NIB and
    writes nothing.
    """
    enterprises_total, centres_total = SIZES[size]
    report = report or DemoReport()
    out = stdout or sys.stdout
    if Enterprise.objects.filter(nib=demo_nib(seed=seed, index=0)).exists():
        report.notes.append(f"Data contoh seed {seed} sudah ada; tidak ditulis ulang.")
        return report
    started = time.monotonic()
    rebuild = enterprises_total >= REBUILD_INDEXES_FROM
    with sqlite_page_cache(LOAD_CACHE_KIB if rebuild else 0), transaction.atomic():
        if connection.vendor == "postgresql":
            # Check each row's foreign keys as it is copied: deferred, millions of checks would
            # queue in memory until COMMIT, and CREATE INDEX refuses to run while any is pending.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        owners = province_agencies(demo_agencies_by_name(), report)
        indexes = _EnterpriseIndexes() if rebuild else None
        if indexes:
            indexes.drop()
        _write_generated(
            enterprises_total=enterprises_total,
            centres_total=centres_total,
            seed=seed,
            owners=owners,
            report=report,
            progress=lambda written: out.write(
                f"  {written:,} / {enterprises_total:,} IKM ({time.monotonic() - started:,.0f} s)\n"
            ),
        )
        if indexes:
            out.write("  Membangun ulang indeks IKM…\n")
            indexes.restore()
    if enterprises_total >= 100_000:
        out.write(f"  Data bangkitan selesai dalam {time.monotonic() - started:,.0f} s.\n")
    return report


def _write_generated(*, enterprises_total, centres_total, seed, owners, report, progress) -> None:
    writer = _EnterpriseWriter(owners)
    decrees: dict[str, int] = {}
    centre_rows: dict[int, dict] = {}
    pending: list[dict[str, Any]] = []
    written = 0
    last_centre = None

    def flush() -> None:
        nonlocal written
        new_centres = [c for c in centre_rows.values() if "pk" not in c]
        for row in new_centres:
            if row["status"] != CentreStatus.PROPOSED and row["regency_code"] not in decrees:
                decrees[row["regency_code"]] = _regency_decree(row, len(decrees) + 1)
                report.created["decrees"] += 1
        objects = [_centre_object(row, owners, decrees) for row in new_centres]
        Centre.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        for row, obj in zip(new_centres, objects, strict=True):
            row["pk"] = obj.pk
        CentreVillage.objects.bulk_create(
            [CentreVillage(centre_id=obj.pk, village_id=obj.village_id) for obj in objects],
            batch_size=BATCH_SIZE,
        )
        ids = writer.write(pending)
        insert_many(
            connection,
            CentreMembership._meta.db_table,
            ("centre_id", "enterprise_id"),
            [
                (centre_rows[row["centre"]]["pk"], pk)
                for row, pk in zip(pending, ids, strict=True)
                if row["centre"] is not None
            ],
        )
        report.created["centres"] += len(new_centres)
        report.created["enterprises"] += len(pending)
        before, written = written, written + len(pending)
        pending.clear()
        # Only the centre the stream is still adding members to is needed after a flush.
        for key in [k for k in centre_rows if k != last_centre]:
            del centre_rows[key]
        if enterprises_total >= 100_000 and written // PROGRESS_EVERY > before // PROGRESS_EVERY:
            progress(written)

    for kind, row in demo_rows(enterprises=enterprises_total, centres=centres_total, seed=seed):
        if kind == "centre":
            centre_rows[row["index"]] = row
            last_centre = row["index"]
            continue
        pending.append(row)
        if len(pending) >= BATCH_SIZE:
            flush()
    if pending or centre_rows:
        flush()


class _EnterpriseIndexes:
    """The enterprise table's secondary indexes (and, on SQLite, the search table's insert trigger),
    dropped before a national load and rebuilt after it, inside the load's transaction.

    Building an index once over sorted millions of rows is several times cheaper than updating it
    row by row; the FTS5 search table is refilled in one pass (about 5 µs a row, against 100 µs
    through its trigger). Both databases have transactional DDL, so an interrupted load leaves the
    indexes as they were. Unique indexes stay: they are constraints, not speed-ups.
    """

    FTS_TABLE = "registry_enterprise_fts"
    FTS_TRIGGER = "registry_enterprise_fts_ai"

    def __init__(self) -> None:
        self.table = Enterprise._meta.db_table
        self.indexes: list[tuple[str, str]] = []
        self.trigger: str | None = None

    def drop(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                    "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%' ORDER BY name",
                    [self.table],
                )
                self.indexes = list(cursor.fetchall())
                cursor.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [self.FTS_TRIGGER]
                )
                found = cursor.fetchone()
                self.trigger = found[0] if found else None
                if self.trigger:
                    cursor.execute(f"DROP TRIGGER {self.FTS_TRIGGER}")
            else:
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                    "AND tablename = %s AND indexdef NOT LIKE 'CREATE UNIQUE%%' "
                    "AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname",
                    [self.table],
                )
                self.indexes = list(cursor.fetchall())
                cursor.execute(f"SET LOCAL maintenance_work_mem = '{LOAD_CACHE_KIB // 1024}MB'")
            for name, _sql in self.indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")

    def restore(self) -> None:
        with connection.cursor() as cursor:
            for _name, sql in self.indexes:
                cursor.execute(sql)
            if self.trigger:
                rebuild = f"INSERT INTO {self.FTS_TABLE}({self.FTS_TABLE}) VALUES ('rebuild')"  # nosec B608: constant
                cursor.execute(rebuild)
                cursor.execute(self.trigger)
            # Fresh statistics, as after bench/generate.py: the planner picks the list and count
            # indexes the benchmarks measured.
            for model in (Enterprise, Centre, CentreMembership):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


class _EnterpriseWriter:
    """Enterprise rows of demo_rows → INSERTed tuples with ids chosen here (memberships need them)."""

    COLUMNS = (
        *("id", "created_at", "updated_at"),
        *("verification_status", "submitted_at", "verified_at", "accepted_at", "return_reason"),
        *("village_id", "province_code", "regency_code", "agency_id", "kbli_id"),
        *("name", "owner_name", "nib", "address", "workers", "investment", "capacity_unit"),
        *("year_started", "size_class", "status"),
    )

    def __init__(self, owners: dict[str, int]) -> None:
        meta = Enterprise._meta
        # Left out columns are NULL or their database default (version): every other must be written.
        missing = {f.column for f in meta.concrete_fields if not f.null and not f.has_db_default()} - set(
            self.COLUMNS
        )
        assert not missing, f"_EnterpriseWriter does not fill {sorted(missing)}"
        self.table = meta.db_table
        self.owners = owners
        ops = connection.ops
        now = ops.adapt_datetimefield_value(timezone.now())
        self.created = (now, now)
        self.states = {}
        for status in set(DEMO_VERIFICATION):
            state = _verification_state(status)
            self.states[status] = (
                state["verification_status"],
                *(
                    ops.adapt_datetimefield_value(state.get(k))
                    for k in ("submitted_at", "verified_at", "accepted_at")
                ),
                state.get("return_reason", ""),
            )
        self.sequence = None  # SQLite's AUTOINCREMENT follows the largest id by itself
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [self.table])
                self.sequence = cursor.fetchone()[0]

    def write(self, rows: list[dict[str, Any]]) -> range:
        """INSERT `rows`; returns their ids."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(self.table)}")  # nosec B608
            first = (cursor.fetchone()[0] or 0) + 1
            ids = range(first, first + len(rows))
            if self.sequence and rows:
                # Move the sequence past these ids first (setval outlives a rollback): a record created
                # later, even after an interrupted run, never collides with them.
                cursor.execute(
                    "SELECT setval(%s, GREATEST(%s, nextval(%s)))", [self.sequence, ids[-1], self.sequence]
                )
        insert_many(
            connection,
            self.table,
            self.COLUMNS,
            [self._row(pk, row) for pk, row in zip(ids, rows, strict=True)],
        )
        return ids

    def _row(self, pk: int, row: dict[str, Any]) -> tuple[Any, ...]:
        code = row["village"]
        return (
            pk,
            *self.created,
            *self.states[_demo_verification_status(row["nib"] or row["name"])],
            code,
            code[:2],
            code[:5],
            self.owners[code[:2]],
            row["kbli"],
            row["name"],
            row["owner_name"],
            row["nib"],
            row["address"],
            row["workers"],
            row["investment"],
            "",
            row["year_started"],
            row["size_class"],
            row["status"],
        )


# Most demo data has passed verification; the rest fills every level's queue. Out of 20 records:
DEMO_VERIFICATION = (
    ["accepted"] * 13 + ["verified"] * 2 + ["submitted"] * 2 + ["draft"] * 2 + ["returned"] * 1
)


def _demo_verification_status(key: str) -> str:
    """A stable verification status for a generated record (the same on every run of a seed)."""
    return DEMO_VERIFICATION[zlib.crc32(key.encode()) % len(DEMO_VERIFICATION)]


def _verification_state(status: str) -> dict[str, Any]:
    moment = datetime(2026, 1, 15, tzinfo=UTC)
    state: dict[str, Any] = {"verification_status": status}
    if status != "draft":
        state["submitted_at"] = moment
    if status in ("verified", "accepted"):
        state["verified_at"] = moment + timedelta(days=7)
    if status == "accepted":
        state["accepted_at"] = moment + timedelta(days=21)
    if status == "returned":
        state["return_reason"] = "Koordinat dan jumlah tenaga kerja belum sesuai hasil kunjungan lapangan."
    return state


def _demo_verification(key: str) -> dict[str, Any]:
    return _verification_state(_demo_verification_status(key))


def _regency_decree(row: dict[str, Any], number: int) -> int:
    is_city = int(row["regency_code"][3:5]) >= 71  # kota are numbered 71–99
    issued_on = row["proposed_on"] + timedelta(days=180)
    # get_or_create: another seed may already have issued this number in this regency.
    decree, _ = Decree.objects.get_or_create(
        kind="sk_walikota" if is_city else "sk_bupati",
        number=f"530/{number}/{issued_on.year}",
        region_id=row["regency_code"],
        defaults={"issued_on": issued_on, "title": "Penetapan sentra IKM (data contoh)"},
    )
    return decree.pk


def _centre_object(row: dict[str, Any], owners: dict[str, int], decrees: dict[str, int]) -> Centre:
    designated = row["status"] != CentreStatus.PROPOSED
    decree_id = decrees.get(row["regency_code"]) if designated else None
    designated_on = row["proposed_on"] + timedelta(days=180) if designated else None
    return Centre(
        **_demo_verification(row["name"] + row["village"]),
        name=row["name"],
        commodity=row["commodity"],
        kbli_id=row["kbli"],
        village_id=row["village"],
        province_code=row["province_code"],
        regency_code=row["regency_code"],
        agency_id=owners[row["province_code"]],
        status=row["status"],
        proposed_on=row["proposed_on"],
        designated_on=designated_on,
        developing_on=(
            designated_on + timedelta(days=730)
            if row["status"] in (CentreStatus.DEVELOPING, CentreStatus.SELF_RELIANT)
            else None
        ),
        self_reliant_on=(
            designated_on + timedelta(days=1460) if row["status"] == CentreStatus.SELF_RELIANT else None
        ),
        board_chair=row["chair"],
        decree_id=decree_id,
    )


def demo_users(*, agencies: dict[str, Agency], report: DemoReport) -> None:
    """One login per persona (password DEMO_PASSWORD); existing users keep their password."""
    User = get_user_model()
    for persona, username, agency_name in facts.PERSONAS:
        role = facts.PERSONA_ROLES.get(username)
        agency = agencies.get(agency_name) if agency_name else None
        user = User.objects.filter(username=username).first()
        if user is None:
            is_admin = agency_name is None  # Django admin is for superusers only
            # An address on the reserved .example domain (RFC 2606), so the weekly follow-up digest
            # has someone to write to in the demo (console e-mail backend by default).
            user = User(
                username=username,
                email=f"{username}@demo.sentra.example",
                is_staff=is_admin,
                is_superuser=is_admin,
            )
            user.set_password(facts.DEMO_PASSWORD)
            user.save()
            report.created["users"] += 1
        if role and agency:
            Profile.objects.update_or_create(
                user=user,
                defaults={
                    "role": role,
                    "agency": agency,
                    "region_id": agency.region_id,
                    "manages_users": role in ("ministry_admin", "province_officer"),
                },
            )
        report.users.append((persona, username, str(agency) if agency else "—"))


def demo_run(
    *, size: str = "small", seed: int = 2026, stdout: TextIO | None = None, report: DemoReport | None = None
) -> DemoReport:
    """The registry's demo: real facts, generated registries, demo logins; safe to run again. The
    reference data is the regions' step; loaded here too when this runs alone (it needs the villages)."""
    out = stdout or sys.stdout
    report = report or DemoReport()
    report.password = facts.DEMO_PASSWORD
    if not reference_is_loaded():
        out.write("Memuat data referensi wilayah dan KBLI…\n")
        reference_load()
        from sentra.regions.gazetteer import reset_gazetteer

        reset_gazetteer()  # it may have been built from the empty table
    agencies = demo_real_facts(seed=seed, report=report)
    demo_generate(size=size, seed=seed, stdout=out, report=report)
    demo_users(agencies=agencies, report=report)
    return report


def demo_step(context: DemoContext) -> None:
    """The registry's step of `sentra demo` (core.demo). Its streams are named from the seed alone
    (demo_rows, _real_members), so the other steps' data never shifts it."""
    demo_run(size=context.size, seed=context.seed, stdout=context.stdout, report=context.report)


def demo_describe(size: str) -> str:
    enterprises, centres = SIZES[size]
    return f"±{enterprises:,} IKM, ±{centres:,} sentra"
