"""Loading the reference data shipped in sentra/regions/data (see its SOURCES.md)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Kbli, LocalityAlias, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
REGION_FILES = [
    (Region.Level.PROVINCE, "provinces.csv"),
    (Region.Level.REGENCY, "regencies.csv"),
    (Region.Level.DISTRICT, "districts.csv"),
    (Region.Level.VILLAGE, "villages.csv"),
]
LOCALITIES_FILE = "localities.csv"
BATCH_SIZE = 5000


@dataclass
class ReferenceCounts:
    provinces: int
    regencies: int
    districts: int
    villages: int
    kbli: int
    localities: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _upsert(model, objects: list, fields: list[str]) -> None:
    for start in range(0, len(objects), BATCH_SIZE):
        model.objects.bulk_create(
            objects[start : start + BATCH_SIZE],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=fields,
        )


@transaction.atomic
def reference_load(*, data_dir: Path = DATA_DIR) -> ReferenceCounts:
    """Insert or update every region and KBLI code; running it twice changes nothing."""
    for level, filename in REGION_FILES:
        rows = [
            Region(code=row["code"], name=row["name"], level=level, parent_id=row["parent_code"] or None)
            for row in _read_csv(data_dir / "regions" / filename)
        ]
        _upsert(Region, rows, ["name", "level", "parent"])

    descriptions = {
        row["code"]: row["description"] for row in _read_csv(data_dir / "kbli2020_descriptions.csv")
    }
    kbli = [
        Kbli(
            code=row["code"],
            title=row["title"],
            level=int(row["level"]),
            parent_id=row["parent"] or None,
            description=descriptions.get(row["code"], ""),
        )
        for row in _read_csv(data_dir / "kbli2020.csv")
    ]
    _upsert(Kbli, kbli, ["title", "level", "parent", "description"])
    _load_localities(data_dir / LOCALITIES_FILE)
    return reference_counts()


def _load_localities(path: Path) -> None:
    """The locality aliases are exactly the rows of the shipped CSV (each with its source): rows
    are inserted or updated by (name, village), and rows no longer in the file are removed."""
    if not path.exists():
        return
    rows = list(_read_csv(path))
    missing = [row["name"] for row in rows if not row["source"].strip()]
    if missing:
        raise ValueError(f"{path.name}: tanpa sumber: {', '.join(missing)}")
    aliases = [
        LocalityAlias(
            name=row["name"].strip(),
            kind=row["kind"].strip(),
            village_id=row["village_code"].strip(),
            source=row["source"].strip(),
            note=row.get("note", "").strip(),
        )
        for row in rows
    ]
    LocalityAlias.objects.bulk_create(
        aliases,
        update_conflicts=True,
        unique_fields=["name", "village"],
        update_fields=["kind", "source", "note"],
    )
    keep = {(a.name, a.village_id) for a in aliases}
    stale = [
        pk
        for pk, name, village in LocalityAlias.objects.values_list("pk", "name", "village_id")
        if (name, village) not in keep
    ]
    LocalityAlias.objects.filter(pk__in=stale).delete()


def reference_counts() -> ReferenceCounts:
    by_level = dict.fromkeys(Region.Level.values, 0)
    for level in Region.Level.values:
        by_level[level] = Region.objects.filter(level=level).count()
    return ReferenceCounts(
        provinces=by_level[Region.Level.PROVINCE],
        regencies=by_level[Region.Level.REGENCY],
        districts=by_level[Region.Level.DISTRICT],
        villages=by_level[Region.Level.VILLAGE],
        kbli=Kbli.objects.count(),
        localities=LocalityAlias.objects.count(),
    )


def reference_is_loaded() -> bool:
    return Region.objects.filter(level=Region.Level.VILLAGE).exists() and Kbli.objects.exists()
