"""National-scale synthetic registry data for the benchmarks (not used by tests).

4.4 million enterprises spread like the real IKM population (~62 % on Java: Jateng 20.6 %,
Jatim 20.2 %, Jabar 15.4 %), each in a random real village of its province, with a weighted
manufacturing KBLI 5-digit code from the Kbli table and (for 70 % of them) a unique 13-digit NIB;
~10,500 centres of 5 to 15 members from one regency.

Rows are loaded by each database's fastest path: SQLite executemany in large transactions with
synchronous=OFF and the secondary indexes dropped and rebuilt afterwards; PostgreSQL COPY FROM
STDIN via psycopg with the secondary indexes rebuilt afterwards. `write_csv` writes N enterprise
rows in the import template's format for the import benchmark.

    .venv/bin/python bench/generate.py --db sqlite --rows 4400000
    .venv/bin/python bench/generate.py --csv bench/out/ikm-1m.csv --rows 1000000
"""

from __future__ import annotations

import argparse
import bisect
import csv
import io
import itertools
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
ROOT = BENCH_DIR.parent
PG_BASE_URL = os.getenv("SENTRA_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
NATIONAL_ROWS = 4_400_000
CENTRES_PER_ROW = 10_500 / NATIONAL_ROWS
NIB_SHARE = 0.70

# Share of IKM units by province (per cent). Java 62 %; the rest is spread over the other
# provinces in proportion to their number of villages.
JAVA_SHARES = {"33": 20.6, "35": 20.2, "32": 15.4, "34": 2.3, "36": 2.0, "31": 1.5}

# Weights of manufacturing divisions (KBLI 2-digit) among IKM units: food, apparel, wood and
# furniture dominate, as in the Kemenperin IKM statistics.
DIVISION_WEIGHTS = {
    "10": 40, "11": 3, "12": 1, "13": 6, "14": 10, "15": 3, "16": 8, "17": 1, "18": 2, "20": 1,
    "22": 1, "23": 6, "24": 1, "25": 5, "26": 0.3, "27": 0.3, "28": 0.5, "29": 0.3, "30": 0.5,
    "31": 6, "32": 4, "33": 1,
}  # fmt: skip

PREFIXES = ["UD", "CV", "Toko", "Industri", "Usaha", "Kerajinan", "Home Industry", "PD", "Griya", "Rumah"]
PRODUCTS = [
    "Tempe", "Tahu", "Keripik", "Batik", "Tenun", "Mebel", "Kerupuk", "Roti", "Dodol", "Gerabah",
    "Anyaman", "Konveksi", "Sepatu", "Tas", "Kopi", "Gula Aren", "Jamu", "Sambal", "Rotan", "Besi",
    "Logam", "Ukiran", "Songket", "Abon", "Bakpia", "Madu", "Emping", "Sabun", "Tikar", "Genteng",
]  # fmt: skip
PEOPLE = [
    "Sari", "Rahayu", "Wati", "Budi", "Slamet", "Siti", "Agus", "Dewi", "Hadi", "Yanti", "Joko",
    "Lestari", "Nur", "Wahyu", "Ahmad", "Putri", "Bambang", "Sri", "Rina", "Eko", "Made", "Ketut",
    "Andi", "Daeng", "Ucok", "Asep", "Ujang", "Nining", "Iwan", "Fitri", "Hasan", "Maria", "Yohanes",
]  # fmt: skip
WORDS = [
    "Jaya",
    "Makmur",
    "Abadi",
    "Sejahtera",
    "Mandiri",
    "Berkah",
    "Lestari",
    "Sentosa",
    "Barokah",
    "Indah",
]

ENTERPRISE_COLUMNS = [
    "id", "created_at", "updated_at", "village_id", "province_code", "regency_code", "agency_id",
    "name", "owner_name", "nib", "kbli_id", "address", "latitude", "longitude", "workers",
    "investment", "production_capacity", "capacity_unit", "production_value", "year_started",
    "size_class", "status",
]  # fmt: skip
TIMESTAMP = "2026-01-01 00:00:00"

# The import template's Indonesian headers (sentra/registry/imports.py ENTERPRISE_COLUMNS), by the
# generated field they carry. csv_headers() checks them against the import engine.
FALLBACK_HEADERS = {
    "name": "nama_usaha",
    "owner_name": "nama_pemilik",
    "nib": "nib",
    "village": "kode_wilayah",
    "kbli": "kbli",
    "address": "alamat",
    "workers": "tenaga_kerja",
    "investment": "investasi",
    "year_started": "tahun_mulai",
    "status": "status",
}


# ---------------------------------------------------------------- Django setup and databases


def database_url(db: str, name: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{OUT_DIR / (name + '.sqlite3')}"
    return f"{PG_BASE_URL}/{name}"


def pg_create_database(name: str, *, drop: bool = False) -> None:
    import psycopg

    with psycopg.connect(f"{PG_BASE_URL}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and drop:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(db: str, name: str, *, fresh: bool = False) -> None:
    """Point Django at the bench database `name` (created if missing) and migrate it."""
    OUT_DIR.mkdir(exist_ok=True)
    if db == "sqlite":
        path = OUT_DIR / f"{name}.sqlite3"
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        pg_create_database(name, drop=fresh)
    os.environ["DATABASE_URL"] = database_url(db, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sentra.settings")
    os.environ.setdefault("SENTRA_DATA_DIR", str(OUT_DIR / "data"))
    (OUT_DIR / "data" / "static").mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from sentra.regions.services import reference_is_loaded, reference_load

    if not reference_is_loaded():
        reference_load()


def bench_agencies() -> dict[str, int]:
    """One provincial industry agency per province (owner of the generated rows)."""
    from sentra.agencies.models import Agency, AgencyKind
    from sentra.regions.models import Region

    ids = {}
    for province in Region.objects.filter(level=Region.Level.PROVINCE):
        agency, _ = Agency.objects.get_or_create(
            name=f"Disperindag {province.name}",
            region=province,
            defaults={"kind": AgencyKind.PROVINCE_INDUSTRY},
        )
        ids[province.code] = agency.pk
    return ids


# ---------------------------------------------------------------- row generation


class RowMaker:
    """Deterministic (seeded) enterprise rows over the real villages and KBLI codes."""

    def __init__(self, seed: int, villages: list[str], kbli: list[str]):
        self.rng = random.Random(seed)
        by_province: dict[str, list[str]] = {}
        for code in villages:
            by_province.setdefault(code[:2], []).append(code)
        self.villages = by_province
        others = {p: len(v) for p, v in by_province.items() if p not in JAVA_SHARES}
        rest = 100 - sum(JAVA_SHARES.values())
        shares = dict(JAVA_SHARES)
        total_villages = sum(others.values())
        shares.update({p: rest * n / total_villages for p, n in others.items()})
        self.provinces = [p for p in shares if p in by_province]
        self.province_cum = list(itertools.accumulate(shares[p] for p in self.provinces))
        codes = [c for c in kbli if c[:2] in DIVISION_WEIGHTS]
        per_division: dict[str, int] = {}
        for code in codes:
            per_division[code[:2]] = per_division.get(code[:2], 0) + 1
        self.kbli = codes
        self.kbli_cum = list(
            itertools.accumulate(DIVISION_WEIGHTS[c[:2]] / per_division[c[:2]] for c in codes)
        )

    @classmethod
    def from_database(cls, seed: int) -> RowMaker:
        from sentra.regions.models import Kbli, Region

        villages = list(
            Region.objects.filter(level=Region.Level.VILLAGE).order_by("code").values_list("code", flat=True)
        )
        kbli = list(Kbli.objects.filter(level=5).order_by("code").values_list("code", flat=True))
        return cls(seed, villages, kbli)

    @classmethod
    def from_reference_files(cls, seed: int) -> RowMaker:
        data = ROOT / "sentra" / "regions" / "data"
        with (data / "regions" / "villages.csv").open(encoding="utf-8", newline="") as handle:
            villages = [row["code"] for row in csv.DictReader(handle)]
        with (data / "kbli2020.csv").open(encoding="utf-8", newline="") as handle:
            kbli = [row["code"] for row in csv.DictReader(handle) if row["level"] == "5"]
        return cls(seed, villages, kbli)

    def records(self, count: int, *, first_id: int = 1) -> Iterator[tuple]:
        """(id, village, name, owner, nib, kbli, address, workers, investment, year, size, status)."""
        rng = self.rng
        rand, choice, randint = rng.random, rng.choice, rng.randint
        provinces, province_cum, total = self.provinces, self.province_cum, self.province_cum[-1]
        kbli, kbli_cum, kbli_total = self.kbli, self.kbli_cum, self.kbli_cum[-1]
        villages = self.villages
        cut = bisect.bisect
        nib_step, nib_mod = 7_919_000_003, 10**13  # coprime with 10**13: a permutation, so unique
        for i in range(first_id, first_id + count):
            province = provinces[min(cut(province_cum, rand() * total), len(provinces) - 1)]
            village = choice(villages[province])
            product = choice(PRODUCTS)
            person = choice(PEOPLE)
            name = f"{choice(PREFIXES)} {product} {choice((person, choice(WORDS)))} {choice(WORDS)}"
            nib = f"{(9_120_000_000_000 + i * nib_step) % nib_mod:013d}" if rand() < NIB_SHARE else None
            workers = min(int(rng.expovariate(0.25)) + 1, 300)
            investment = int(rng.lognormvariate(17.5, 1.4)) // 1000 * 1000
            if workers <= 19:
                size = "small" if investment < 1_000_000_000 else "medium"
            else:
                size = "medium" if investment <= 15_000_000_000 else "large"
            status = "active" if rand() < 0.9 else ("inactive" if rand() < 0.7 else "closed")
            yield (
                i,
                village,
                name,
                f"{person} {choice(PEOPLE)}",
                nib,
                kbli[min(cut(kbli_cum, rand() * kbli_total), len(kbli) - 1)],
                f"Jl. {choice(WORDS)} No. {randint(1, 200)}",
                workers,
                investment,
                randint(1975, 2025),
                size,
                status,
            )


def table_row(record: tuple, agencies: dict[str, int]) -> tuple:
    """An enterprise table row (ENTERPRISE_COLUMNS order) from a generated record."""
    i, village, name, owner, nib, kbli, address, workers, investment, year, size, status = record
    return (
        i, TIMESTAMP, TIMESTAMP, village, village[:2], village[:5], agencies[village[:2]], name, owner,
        nib, kbli, address, None, None, workers, investment, None, "", None, year, size, status,
    )  # fmt: skip


# ---------------------------------------------------------------- fast load paths


def _sqlite_path() -> str:
    from django.db import connection

    return connection.settings_dict["NAME"]


def _secondary_indexes(vendor: str, cursor, table: str) -> list[tuple[str, str]]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=%s AND sql IS NOT NULL",
            [table],
        )
    else:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [table],
        )
    return list(cursor.fetchall())


def bulk_load(table: str, columns: list[str], rows, *, rebuild_indexes: bool = True) -> int:
    """Insert rows by the database's fastest path; returns the row count.

    With rebuild_indexes the table's secondary indexes are dropped first and rebuilt at the end
    (the national load); without, they stay in place (the same work an import does).
    """
    from django.db import connection

    vendor = connection.vendor
    with connection.cursor() as cursor:
        indexes = _secondary_indexes(vendor, cursor, table) if rebuild_indexes else []
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    connection.close()
    if vendor == "sqlite":
        count = _sqlite_load(_sqlite_path(), table, columns, rows)
    else:
        count = _pg_copy(table, columns, rows, disable_triggers=rebuild_indexes)
    with connection.cursor() as cursor:
        for _, sql in indexes:
            cursor.execute(sql)
        if vendor == "postgresql":
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}"
            )
    return count


def _sqlite_load(path: str, table: str, columns: list[str], rows, batch: int = 200_000) -> int:
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    conn.execute("PRAGMA temp_store=MEMORY")
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    count = 0
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, batch)):
        conn.execute("BEGIN")
        conn.executemany(sql, chunk)
        conn.execute("COMMIT")
        count += len(chunk)
    conn.close()
    return count


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return str(value)


def _pg_copy(table: str, columns: list[str], rows, *, disable_triggers: bool, batch: int = 50_000) -> int:
    import psycopg

    conn = psycopg.connect(_pg_dsn(), autocommit=False)
    count = 0
    with conn:
        if disable_triggers:  # the generated data is valid: skip per-row FK checks (superuser)
            conn.execute("SET session_replication_role = replica")
        with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            buffer = io.StringIO()
            for n, row in enumerate(rows, 1):
                buffer.write("\t".join(map(_copy_text, row)))
                buffer.write("\n")
                if n % batch == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
                count = n
            copy.write(buffer.getvalue())
    conn.close()
    return count


def _pg_dsn() -> str:
    from django.db import connection

    s = connection.settings_dict
    return f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} user={s['USER']} dbname={s['NAME']}"


# ---------------------------------------------------------------- the national data set


def national_is_loaded(rows: int, seed: int) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (key varchar(50) PRIMARY KEY, value text)")
        cursor.execute("SELECT value FROM bench_meta WHERE key = 'national'")
        row = cursor.fetchone()
    return bool(row) and row[0] == f"rows={rows} seed={seed}"


def generate_national(rows: int = NATIONAL_ROWS, seed: int = 1, *, log=print) -> dict:
    """Fill the (configured, migrated) database with `rows` enterprises and their centres."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (key varchar(50) PRIMARY KEY, value text)")
        cursor.execute("DELETE FROM bench_meta")
        for table in (
            "registry_centremembership",
            "registry_centrevillage",
            "registry_product",
            "registry_centre",
            "registry_certification",
            "registry_enterprise",
        ):
            cursor.execute(f"DELETE FROM {table}")
    agencies = bench_agencies()
    maker = RowMaker.from_database(seed)
    by_regency: dict[str, list[tuple[int, str, str]]] = {}
    sample_rng = random.Random(seed + 1)
    sample_rate = min(1.0, CENTRES_PER_ROW * 40)

    def rows_and_sample():
        for record in maker.records(rows):
            if sample_rng.random() < sample_rate:  # candidates for centre membership
                by_regency.setdefault(record[1][:5], []).append((record[0], record[1], record[5]))
            yield table_row(record, agencies)

    count = bulk_load("registry_enterprise", ENTERPRISE_COLUMNS, rows_and_sample())
    log(f"  enterprises: {count:,} rows in {time.perf_counter() - started:.0f} s")

    centres, villages, members = _centres(rows, seed, by_regency, agencies)
    bulk_load(
        "registry_centre",
        ["id", "created_at", "updated_at", "village_id", "province_code", "regency_code", "agency_id",
         "name", "commodity", "kbli_id", "raw_material", "description", "status", "board_chair",
         "board_members", "upt_name", "has_gapura", "has_logo", "has_showroom", "facilities",
         "is_desa_wisata", "is_desa_pengrajin", "inactive_reason"],
        centres,
    )  # fmt: skip
    bulk_load("registry_centrevillage", ["id", "centre_id", "village_id"], villages)
    bulk_load("registry_centremembership", ["id", "centre_id", "enterprise_id"], members)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_meta VALUES ('national', %s)", [f"rows={rows} seed={seed}"])
    elapsed = time.perf_counter() - started
    log(f"  centres: {len(centres):,} with {len(members):,} members; total {elapsed:.0f} s")
    return {"enterprises": count, "centres": len(centres), "memberships": len(members), "seconds": elapsed}


def _centres(rows: int, seed: int, by_regency: dict, agencies: dict):
    rng = random.Random(seed + 2)
    wanted = max(1, round(rows * CENTRES_PER_ROW))
    regencies = [r for r, members in by_regency.items() if len(members) >= 15]
    weights = [len(by_regency[r]) for r in regencies]
    centres, villages, members = [], [], []
    used: set[int] = set()
    false = False
    for centre_id in range(1, wanted + 1):
        regency = rng.choices(regencies, weights)[0]
        candidates = [m for m in rng.sample(by_regency[regency], 15) if m[0] not in used][
            : rng.randint(5, 15)
        ]
        if len(candidates) < 5:
            candidates = rng.sample(by_regency[regency], 5)
        village, kbli = candidates[0][1], candidates[0][2]
        product = rng.choice(PRODUCTS)
        centres.append(
            (centre_id, TIMESTAMP, TIMESTAMP, village, village[:2], village[:5], agencies[village[:2]],
             f"Sentra {product} {rng.choice(WORDS)} {centre_id}", product, kbli, "", "",
             rng.choice(["proposed", "designated", "developing", "self_reliant"]), "", "", "", false,
             false, false, "", false, false, "")
        )  # fmt: skip
        for village_code in dict.fromkeys(m[1] for m in candidates):
            villages.append((len(villages) + 1, centre_id, village_code))
        for member in candidates:
            used.add(member[0])
            members.append((len(members) + 1, centre_id, member[0]))
    return centres, villages, members


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        else:
            connection.ensure_connection()
            connection.connection.autocommit = True
            cursor.execute("VACUUM ANALYZE")


# ---------------------------------------------------------------- CSV for the import benchmark


def csv_headers() -> dict[str, str]:
    """Generated field → template header; fails loudly if the import engine renamed a column."""
    try:
        from sentra.registry.imports import ENTERPRISE_COLUMNS as IMPORT_COLUMNS
    except ImportError:  # the import engine has not landed
        return dict(FALLBACK_HEADERS)
    keys = {column.key for column in IMPORT_COLUMNS}
    missing = sorted(set(FALLBACK_HEADERS.values()) - keys)
    if missing:
        raise SystemExit(f"the import template has no column(s) {missing}: update bench/generate.py")
    return dict(FALLBACK_HEADERS)


def write_csv(path: Path, rows: int, seed: int = 7, *, maker: RowMaker | None = None) -> Path:
    """N enterprise rows in the import template's format (UTF-8, comma separated)."""
    maker = maker or RowMaker.from_reference_files(seed)
    headers = csv_headers()
    keys = list(FALLBACK_HEADERS)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([headers.get(k, FALLBACK_HEADERS[k]) for k in keys])
        seen: set[tuple[str, str]] = set()  # the import refuses two NIB-less units with one name/village
        for rec in maker.records(rows):
            i, village, name, owner, nib, kbli, address, workers, investment, year, _size, status = rec
            if not nib:
                if (name.casefold(), village) in seen:
                    name = f"{name} {i}"
                seen.add((name.casefold(), village))
            writer.writerow(
                [name, owner, nib or "", village, kbli, address, workers, investment, year, status]
            )
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=NATIONAL_ROWS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--name", default=None, help="database name (default sentra_bench_<rows>)")
    parser.add_argument("--csv", type=Path, help="write a CSV of --rows enterprise rows instead")
    parser.add_argument("--force", action="store_true", help="regenerate even if already loaded")
    args = parser.parse_args(argv)
    if args.csv:
        started = time.perf_counter()
        write_csv(args.csv, args.rows, args.seed)
        print(f"{args.csv}: {args.rows:,} rows in {time.perf_counter() - started:.0f} s")
        return
    setup_django(args.db, args.name or f"sentra_bench_{args.rows}")
    if args.force or not national_is_loaded(args.rows, args.seed):
        generate_national(args.rows, args.seed)
        analyze()
    else:
        print("already loaded with this seed")


if __name__ == "__main__":
    main()
