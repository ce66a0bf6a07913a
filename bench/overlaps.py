"""The overlap check (issue 17 §1): accuracy on labelled pairs and speed among 200,000 activities.

    .venv/bin/python bench/overlaps.py --db sqlite
    .venv/bin/python bench/overlaps.py --db postgres
    .venv/bin/python bench/overlaps.py --db sqlite --activities 20000 --enterprises 20000   # smoke run

Into the bench database `sentra_po_bench` (bench/out/sentra_po_bench.sqlite3 or that PostgreSQL
database), reused while `bench_meta` says it holds the same sizes and seed:

- `--enterprises` IKM of bench/generate.py on the real regions (the beneficiaries; the check reads
  them by primary key only, so their number matters little to its speed);
- three agencies per regency/city (Dinas Perindustrian, Dinas Koperasi dan UKM, Dekranasda), a programme
  per agency and year 2025–2027;
- generated plans: `--activities` activities in all (default 200,000) over the 514 regencies and three
  fiscal years, each with one or two villages of its regency, a title drawn from the ways planners
  write them (Pelatihan/Bimtek/Diklat/Bimbingan teknis …, a commodity in one of its spellings, filler
  such as "bagi IKM", "Angkatan II", the village's name) and 0–6 beneficiary IKM of its regency;
- among them, `--pairs` labelled pairs (default 1,200) with deliberate duplicates and near misses:
  positives — the same topic in other words in the same village and months (synonyms), a village and a
  district-wide activity of its district, the next quarter in the same village, generic titles with
  shared IKM in different villages; negatives — the same topic in another village (same district or
  another), another commodity in the same village and months (titles nearly equal), another kind for the
  same commodity, the same everything one year later; and harder ones — a local craft the normaliser does
  not know ("tapis", "sasirangan", "noken" …) named in both titles, a typo in one title's commodity
  ("batk", "tenn ikat"), the same IKM in a training and then a halal certification (a pathway, no
  duplicate). The synonyms of the plans are mostly those analytics.normalise knows: the bench shows
  the check works as designed on realistic noise, not how it fares on words nobody listed.

The overlap check's stored topic per activity (analytics ActivityTopic) is rebuilt after the bulk load
(`rebuild_topics`: the load bypasses the save that keeps it) and brought up to date on every run.

Measures, in one run:

- **accuracy** of the check (`overlaps_for` on the probe of each pair, through the database: blocking
  and scoring): a pair is predicted an overlap when the partner is in the list; precision and recall
  against the labels (goal both ≥ 0.9), and per kind of pair; against the plain fuzzy-title baseline
  (rapidfuzz `token_set_ratio` of the two titles ≥ 70, 80, 90) on the same pairs;
- **speed**: the check of `--requests` random activities (default 300), p50/p95 (goal p95 < 100 ms).

The 1-minute load average is printed before and after, because the machine is shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (bench/generate.py)

NAME = "sentra_po_bench"
DATA_VERSION = 2
YEARS = (2025, 2026, 2027)
TS = "2026-01-01 00:00:00"

FORMS = {
    "training": ["Pelatihan", "Bimtek", "Diklat", "Pelatihan teknis", "Bimbingan teknis", "Pelatihan"],
    "exhibition": ["Pameran", "Pameran produk", "Promosi"],
    "cert_halal": ["Fasilitasi sertifikasi halal", "Sertifikasi halal"],
    "machine_aid": ["Bantuan mesin", "Bantuan peralatan"],
}
COMMODITIES = {
    "tenun": ["tenun ikat", "tenun", "kain tenun", "songket"],
    "batik": ["batik", "batik tulis", "batik cap"],
    "anyaman": ["anyaman", "kerajinan anyaman", "anyaman rotan"],
    "mebel": ["mebel", "meubel", "furnitur"],
    "pangan": ["makanan olahan", "pangan olahan", "olahan pangan"],
    "kopi": ["kopi", "pengolahan kopi"],
    "gula_aren": ["gula aren", "gula semut"],
    "gerabah": ["gerabah", "keramik"],
    "bordir": ["bordir", "sulam"],
    "konveksi": ["konveksi", "menjahit"],
}
UNKNOWN_CRAFTS = ["tapis", "sasirangan", "ulap doyo", "noken", "tikar pandan", "lurik", "tenun gedogan"]
GENERIC = [
    "peningkatan mutu produk",
    "desain kemasan",
    "manajemen usaha",
    "pemasaran",
    "standardisasi produk",
]
FILLER = ["bagi IKM", "untuk pelaku IKM", "", "Tahun {y}", "Angkatan II", "bagi perajin"]
AGENCY_KINDS = [
    ("regency_industry", "Dinas Perindustrian {n}"),
    ("cooperatives", "Dinas Koperasi dan UKM {n}"),
    ("dekranas", "Dekranasda {n}"),
]
ACTIVITY_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "verification_status",
    "return_reason",
    "version",
    "agency_id",
    "fiscal_year",
    "region_id",
    "province_code",
    "regency_code",
    "programme_id",
    "code",
    "name",
    "kind",
    "funding_source",
    "description",
    "start_date",
    "end_date",
    "plan_reference",
    "kegiatan_code",
    "kro_code",
    "ro_code",
    "component_code",
    "officer_name",
]


def load() -> float:
    return round(os.getloadavg()[0], 2)


def title(rng, kind, commodity, village_name, year) -> str:
    subject = rng.choice(COMMODITIES[commodity]) if commodity else rng.choice(GENERIC)
    filler = rng.choice(FILLER).format(y=year)
    parts = [rng.choice(FORMS[kind]), subject, filler]
    if village_name and rng.random() < 0.7:
        parts.append(f"Desa {village_name}")
    return " ".join(p for p in parts if p)


def period(rng, year) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 1, 15) + dt.timedelta(days=rng.randrange(0, 300))
    return start, min(start + dt.timedelta(days=rng.randrange(2, 60)), dt.date(year, 12, 31))


class Builder:
    """Activities as tuples (bulk_load), their villages and beneficiaries, and the labelled pairs."""

    def __init__(self, seed, agencies, programmes, places, names, enterprises_by_regency):
        self.rng = random.Random(seed)
        self.agencies, self.programmes, self.places, self.names = agencies, programmes, places, names
        self.enterprises = enterprises_by_regency
        self.rows, self.locations, self.beneficiaries, self.pairs = [], [], [], []
        self.next_id = 1

    def add(self, regency, agency_slot, year, kind, name, start, end, villages, enterprises=()):
        pk = self.next_id
        self.next_id += 1
        agency = self.agencies[regency][agency_slot]
        self.rows.append(
            (
                pk,
                TS,
                TS,
                "draft",
                "",
                1,
                agency,
                year,
                regency,
                regency[:2],
                regency,
                self.programmes[agency, year],
                f"B.{pk}",
                name[:250],
                kind,
                "apbd_kab",
                "",
                start.isoformat(),
                end.isoformat(),
                "",
                "",
                "",
                "",
                "",
                "",
            )
        )
        self.locations.extend((pk, v) for v in villages)
        self.beneficiaries.extend((pk, e) for e in enterprises)
        return pk

    def background(self, count):
        rng = self.rng
        regencies = list(self.places)
        for _ in range(count):
            regency = rng.choice(regencies)
            districts = self.places[regency]
            district = rng.choice(list(districts))
            villages = rng.sample(districts[district], min(len(districts[district]), rng.choice((1, 1, 2))))
            year = rng.choice(YEARS)
            kind = rng.choice(["training", "training", "exhibition", "cert_halal", "machine_aid"])
            commodity = rng.choice([*COMMODITIES, None])
            start, end = period(rng, year)
            pool = self.enterprises.get(regency, [])
            benef = rng.sample(pool, min(len(pool), rng.randrange(0, 7)))
            name = title(rng, kind, commodity, self.names[villages[0]], year)
            self.add(regency, rng.randrange(3), year, kind, name, start, end, villages, benef)

    def labelled(self, count):
        rng = self.rng
        regencies = [
            r for r, d in self.places.items() if len(d) >= 2 and max(len(v) for v in d.values()) >= 2
        ]
        kinds = [
            ("pos_synonym", True),
            ("pos_synonym", True),
            ("pos_district_wide", True),
            ("pos_next_quarter", True),
            ("pos_shared_ikm", True),
            ("neg_other_village_same_district", False),
            ("neg_other_district", False),
            ("neg_other_topic_same_village", False),
            ("neg_other_topic_same_village", False),
            ("neg_other_kind", False),
            ("neg_other_year", False),
            ("pos_unknown_commodity", True),
            ("pos_typo", True),
            ("neg_shared_ikm_other_kind", False),
        ]
        for i in range(count):
            case, label = kinds[i % len(kinds)]
            regency = rng.choice(regencies)
            districts = self.places[regency]
            d1 = rng.choice([d for d, v in districts.items() if len(v) >= 2])
            d2 = rng.choice([d for d in districts if d != d1])
            v1, v2 = rng.sample(districts[d1], 2)
            v3 = rng.choice(districts[d2])
            year = 2026
            commodity, other = rng.sample(list(COMMODITIES), 2)
            start, end = period(rng, year)
            a_slot, b_slot = rng.sample(range(3), 2)
            a_name = title(rng, "training", commodity, self.names[v1], year)
            b_kind, b_comm, b_places, b_start, b_end, b_year = "training", commodity, [v1], start, end, year
            a_benef = b_benef = ()
            b_name_fixed = ""
            if case == "pos_district_wide":
                b_places = [d1]
            elif case == "pos_next_quarter":
                b_start = end + dt.timedelta(days=rng.randrange(5, 80))
                b_end = b_start + dt.timedelta(days=rng.randrange(2, 30))
                b_year = b_start.year
            elif case == "pos_shared_ikm":
                pool = self.enterprises.get(regency, [])
                if len(pool) < 8:
                    continue
                shared = rng.sample(pool, rng.randrange(3, 8))
                a_benef, b_benef = shared, shared[: max(3, len(shared) - rng.randrange(0, 3))]
                a_name = title(rng, "training", None, self.names[v1], year)
                b_comm, b_places = None, [v3]
            elif case == "pos_unknown_commodity":  # a local craft the normaliser does not know
                craft = rng.choice(UNKNOWN_CRAFTS)
                a_name = f"{rng.choice(FORMS['training'])} {craft} {rng.choice(FILLER).format(y=year)}"
                b_name_fixed = f"{rng.choice(FORMS['training'])} {craft} Desa {self.names[v1]}"
            elif case == "pos_typo":  # a letter dropped from the commodity in one title
                word = rng.choice(COMMODITIES[commodity])
                cut = rng.randrange(1, len(word) - 1)
                b_name_fixed = (
                    f"{rng.choice(FORMS['training'])} {word[:cut]}{word[cut + 1 :]} Desa {self.names[v1]}"
                )
            elif case == "neg_shared_ikm_other_kind":  # the same IKM, a training then a halal certification
                pool = self.enterprises.get(regency, [])
                if len(pool) < 8:
                    continue
                a_benef = b_benef = rng.sample(pool, rng.randrange(3, 8))
                b_kind = "cert_halal"
            elif case == "neg_other_village_same_district":
                b_places = [v2]
            elif case == "neg_other_district":
                b_places = [v3]
            elif case == "neg_other_topic_same_village":
                b_comm = other
            elif case == "neg_other_kind":
                b_kind = "exhibition"
            elif case == "neg_other_year":
                b_year = year + 1
                b_start, b_end = start.replace(year=b_year), end.replace(year=b_year)
            b_name = b_name_fixed or title(rng, b_kind, b_comm, self.names.get(b_places[0], ""), b_year)
            a = self.add(regency, a_slot, year, "training", a_name, start, end, [v1], a_benef)
            b = self.add(regency, b_slot, b_year, b_kind, b_name, b_start, b_end, b_places, b_benef)
            self.pairs.append(
                {"a": a, "b": b, "case": case, "label": label, "a_name": a_name, "b_name": b_name}
            )


def build(args, log) -> dict:
    from django.db import connection

    from sentra.agencies.models import Agency
    from sentra.programmes.models import Programme
    from sentra.regions.models import Region

    signature = f"v={DATA_VERSION} activities={args.activities} pairs={args.pairs} seed={args.seed}"
    meta = generate.OUT_DIR / f"{NAME}-{args.db}-pairs.json"
    enterprises_loaded = generate.national_is_loaded(args.enterprises, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_meta WHERE key = 'overlaps'")
        row = cursor.fetchone()
    if enterprises_loaded and row and row[0] == signature and meta.exists():
        stored_topics(log)
        return json.loads(meta.read_text())
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in (
            "analytics_activitylink",
            "analytics_activitytopic",
            "programmes_activity_locations",
            "programmes_activity_enterprises",
            "programmes_activity_centres",
            "programmes_activity",
            "programmes_programme",
        ):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("DELETE FROM bench_meta WHERE key = 'overlaps'")
    if not enterprises_loaded:
        log(f"generating {args.enterprises:,} enterprises …")
        generate.generate_national(args.enterprises, args.seed, log=log)  # clears bench_meta
    Agency.objects.filter(name__startswith="BENCH ").delete()
    regencies = list(Region.objects.filter(level=Region.Level.REGENCY).values_list("code", "name"))
    Agency.objects.bulk_create(
        Agency(name=f"BENCH {label.format(n=name)}"[:200], kind=kind, region_id=code)
        for code, name in regencies
        for kind, label in AGENCY_KINDS
    )
    agencies: dict[str, list[int]] = {}
    for pk, code in (
        Agency.objects.filter(name__startswith="BENCH ").order_by("pk").values_list("pk", "region_id")
    ):
        agencies.setdefault(code, []).append(pk)
    Programme.objects.bulk_create(
        Programme(
            agency_id=a,
            fiscal_year=y,
            region_id=c,
            province_code=c[:2],
            regency_code=c,
            code="019.05.BN",
            name="Program bench",
        )
        for c, ids in agencies.items()
        for a in ids
        for y in YEARS
    )
    programmes = {(a, y): pk for pk, a, y in Programme.objects.values_list("pk", "agency_id", "fiscal_year")}
    places: dict[str, dict[str, list[str]]] = {}
    names = {}
    for code, name in (
        Region.objects.filter(level=Region.Level.VILLAGE).values_list("code", "name").iterator()
    ):
        places.setdefault(code[:5], {}).setdefault(code[:8], []).append(code)
        names[code] = name
    places = {r: d for r, d in places.items() if r in agencies}
    enterprises: dict[str, list[int]] = {}
    rng = random.Random(args.seed)
    for pk, regency in Enterprise_ids():
        pool = enterprises.setdefault(regency, [])
        if len(pool) < 300 or rng.random() < 0.05:
            pool.append(pk)
    builder = Builder(args.seed, agencies, programmes, places, names, enterprises)
    builder.labelled(args.pairs)
    builder.background(max(0, args.activities - len(builder.rows)))
    generate.bulk_load("programmes_activity", ACTIVITY_COLUMNS, builder.rows, rebuild_indexes=True)
    generate.bulk_load(
        "programmes_activity_locations",
        ["id", "activity_id", "region_id"],
        ((i, a, r) for i, (a, r) in enumerate(builder.locations, 1)),
    )
    generate.bulk_load(
        "programmes_activity_enterprises",
        ["id", "activity_id", "enterprise_id"],
        ((i, a, e) for i, (a, e) in enumerate(builder.beneficiaries, 1)),
    )
    stored_topics(log)
    generate.analyze()
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_meta VALUES ('overlaps', %s)", [signature])
    data = {
        "pairs": builder.pairs,
        "activities": len(builder.rows),
        "locations": len(builder.locations),
        "beneficiaries": len(builder.beneficiaries),
    }
    meta.write_text(json.dumps(data))
    log(
        f"  {len(builder.rows):,} activities, {len(builder.locations):,} locations, "
        f"{len(builder.beneficiaries):,} beneficiary links in {time.perf_counter() - started:.0f} s"
    )
    return data


def stored_topics(log) -> None:
    """The overlap check's stored topic of every activity (analytics.models.ActivityTopic): the bulk load
    bypasses the model's save that keeps it, so it is rebuilt here (nothing to do when all are current,
    e.g. after migration 0003 filled them)."""
    from sentra.analytics.overlaps import rebuild_topics

    started = time.perf_counter()
    written = rebuild_topics()
    log(f"  stored topics: {written:,} written in {time.perf_counter() - started:.1f} s")


def Enterprise_ids():  # noqa: N802
    from sentra.registry.models import Enterprise

    return Enterprise.objects.values_list("pk", "regency_code").iterator(chunk_size=20_000)


def scores(tp, fp, fn) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "tp": tp, "fp": fp, "fn": fn}


def accuracy(pairs, log) -> dict:
    from rapidfuzz import fuzz

    from sentra.accounts.scope import system_actor
    from sentra.analytics.overlaps import overlaps_for
    from sentra.programmes.models import Activity

    actor = system_actor()
    acts = Activity.objects.in_bulk([p["a"] for p in pairs])
    found = {}
    for p in pairs:
        found[p["a"]] = {
            o.activity_id for o in overlaps_for(actor=actor, activity=acts[p["a"]], limit=10_000)
        }
    out = {"pairs": len(pairs), "positives": sum(p["label"] for p in pairs)}
    tp = sum(1 for p in pairs if p["label"] and p["b"] in found[p["a"]])
    fp = sum(1 for p in pairs if not p["label"] and p["b"] in found[p["a"]])
    fn = sum(1 for p in pairs if p["label"] and p["b"] not in found[p["a"]])
    out["check"] = scores(tp, fp, fn)
    per_case = {}
    for p in pairs:
        c = per_case.setdefault(p["case"], {"n": 0, "flagged": 0})
        c["n"] += 1
        c["flagged"] += p["b"] in found[p["a"]]
    out["check_per_case"] = per_case
    for threshold in (70, 80, 90):
        pred = [fuzz.token_set_ratio(p["a_name"], p["b_name"]) >= threshold for p in pairs]
        tp = sum(1 for p, y in zip(pairs, pred, strict=True) if y and p["label"])
        fp = sum(1 for p, y in zip(pairs, pred, strict=True) if y and not p["label"])
        fn = sum(1 for p, y in zip(pairs, pred, strict=True) if not y and p["label"])
        out[f"fuzzy_title_{threshold}"] = scores(tp, fp, fn)
    return out


def speed(requests, seed) -> dict:
    from sentra.accounts.scope import system_actor
    from sentra.analytics.overlaps import overlaps_for
    from sentra.programmes.models import Activity

    actor = system_actor()
    ids = list(Activity.objects.values_list("pk", flat=True))
    rng = random.Random(seed + 9)
    sample = rng.sample(ids, min(requests, len(ids)))
    times, found = [], []
    for pk in sample:
        t = time.perf_counter()
        act = Activity.objects.get(pk=pk)
        results = overlaps_for(actor=actor, activity=act)
        times.append(time.perf_counter() - t)
        found.append(len(results))
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "n": len(times),
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
        "mean_overlaps": round(statistics.mean(found), 2),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--activities", type=int, default=200_000)
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--pairs", type=int, default=1_200)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args(argv)
    generate.setup_django(args.db, NAME, fresh=args.fresh)
    log = print
    result = {
        "db": args.db,
        "load_before": load(),
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    data = build(args, log)
    result.update({k: data[k] for k in ("activities", "locations", "beneficiaries")})
    log(f"load {load()}: accuracy on {len(data['pairs'])} pairs …")
    result["accuracy"] = accuracy(data["pairs"], log)
    log(json.dumps(result["accuracy"], indent=1))
    log(f"load {load()}: speed …")
    speed(20, args.seed + 1)  # warm the caches
    result["speed"] = speed(args.requests, args.seed)
    result["load_after"] = load()
    log(json.dumps(result["speed"]))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    (generate.OUT_DIR / f"overlaps-{args.db}-{stamp}.json").write_text(json.dumps(result, indent=1))
    log(json.dumps({k: v for k, v in result.items() if k != "accuracy"}))


if __name__ == "__main__":
    main()
