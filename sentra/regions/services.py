"""Loading the reference data shipped in sentra/regions/data (see its SOURCES.md)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Kbli, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
REGION_FILES = [
    (Region.Level.PROVINCE, "provinces.csv"),
    (Region.Level.REGENCY, "regencies.csv"),
    (Region.Level.DISTRICT, "districts.csv"),
    (Region.Level.VILLAGE, "villages.csv"),
]
BATCH_SIZE = 5000


@dataclass
class ReferenceCounts:
    provinces: int
    regencies: int
    districts: int
    villages: int
    kbli: int

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
    return reference_counts()


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
    )


def reference_is_loaded() -> bool:
    return Region.objects.filter(level=Region.Level.VILLAGE).exists() and Kbli.objects.exists()
