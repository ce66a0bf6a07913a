"""Yearly snapshots of the registry for shift-share (analytics.models.RegistrySnapshot / SnapshotCount).

`take_snapshot(year)` copies the maintained count (KbliCount, per village × KBLI) summed per district ×
KBLI into one snapshot: one INSERT … SELECT … GROUP BY, whatever the size of the registry. A year is taken
once; taking it again replaces it only when asked (`replace=True`), otherwise it is refused with the code
`snapshot_exists`. `sentra snapshot-registry [--year Y] [--replace]` and the beat task on 31 December
(analytics/tasks.py) call it; shift-share reads two snapshots, or one snapshot and the live counts.

`reconstruct_snapshot(year)` is for the demo only: a registry without history is counted as it would
have stood at the end of `year` from each active enterprise's year started (see its docstring).
"""

from __future__ import annotations

import datetime as dt

from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.core.errors import DomainError
from sentra.registry.choices import EnterpriseStatus
from sentra.registry.models import Enterprise

from .models import KbliCount, RegistrySnapshot, SnapshotCount

FIRST_YEAR = 1945

COLUMNS = (
    "(snapshot_id, district_code, regency_code, province_code, kbli, enterprises, workers, production_value)"
)


def _check_year(year: int, today: dt.date) -> None:
    if not isinstance(year, int) or year < FIRST_YEAR or year > today.year:
        raise DomainError(
            _(
                "Tahun potret registri %(year)s tidak dapat dipakai: isi tahun antara %(first)d dan tahun "
                "berjalan %(now)d (potret mencatat registri seperti adanya, bukan tahun yang akan datang)."
            )
            % {"year": year, "first": FIRST_YEAR, "now": today.year},
            code="snapshot_year_invalid",
        )


def _prepare(year: int, taken_on: dt.date, replace: bool, note: str) -> RegistrySnapshot:
    existing = RegistrySnapshot.objects.select_for_update().filter(year=year).first()
    if existing is not None and not replace:
        raise DomainError(
            _(
                "Potret registri tahun %(year)d sudah ada (diambil %(on)s). Potret satu tahun diambil "
                "sekali; untuk menggantinya pakai --replace (atau replace=True)."
            )
            % {"year": year, "on": existing.taken_on.isoformat()},
            code="snapshot_exists",
        )
    if existing is not None:
        existing.counts.all().delete()
        existing.taken_on, existing.note = taken_on, note[:300]
        existing.save(update_fields=["taken_on", "note", "updated_at"])
        return existing
    return RegistrySnapshot.objects.create(year=year, taken_on=taken_on, note=note[:300])


@transaction.atomic
def take_snapshot(
    year: int | None = None, taken_on: dt.date | None = None, *, replace: bool = False, note: str = ""
) -> RegistrySnapshot:
    """The registry as counted now (KbliCount), per district × KBLI, as the snapshot of `year` (default:
    this year, WIB). Refused with `snapshot_exists` when the year has one, unless `replace`."""
    today = timezone.localdate()
    year = today.year if year is None else year
    _check_year(year, today)
    snapshot = _prepare(year, taken_on or today, replace, note)
    connection = connections[router.db_for_write(SnapshotCount)]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(SnapshotCount._meta.db_table)} {COLUMNS} "  # nosec B608: quoted model names
            "SELECT %s, district_code, MIN(regency_code), MIN(province_code), kbli, SUM(enterprises), "
            f"SUM(workers), SUM(production_value) FROM {quote(KbliCount._meta.db_table)} "
            "WHERE enterprises > 0 GROUP BY district_code, kbli",
            [snapshot.pk],
        )
    return snapshot


@transaction.atomic
def reconstruct_snapshot(year: int, *, replace: bool = False) -> RegistrySnapshot:
    """Demo only: the snapshot of `year` as the registry would have stood on 31 December of that year,
    reconstructed from the enterprises active now whose year started is `year` or earlier (unknown: counted,
    nothing says it is new). Workers and production value are today's (the registry keeps no yearly
    history of them), and enterprises closed since are missing; the snapshot's note says so."""
    today = timezone.localdate()
    _check_year(year, today)
    note = _(
        "Rekonstruksi demo: IKM aktif saat ini dengan tahun mulai ≤ %(year)d; tenaga kerja dan nilai "
        "produksi adalah angka saat ini."
    ) % {"year": year}
    snapshot = _prepare(year, dt.date(year, 12, 31), replace, note)
    connection = connections[router.db_for_write(SnapshotCount)]
    quote = connection.ops.quote_name
    meta = Enterprise._meta
    village = quote(meta.get_field("village").column)
    kbli = quote(meta.get_field("kbli").column)
    started = quote(meta.get_field("year_started").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(SnapshotCount._meta.db_table)} {COLUMNS} "  # nosec B608: quoted model names
            f"SELECT %s, SUBSTR({village}, 1, 8), MIN(SUBSTR({village}, 1, 5)), "
            f"MIN(SUBSTR({village}, 1, 2)), "
            f"{kbli}, COUNT(*), COALESCE(SUM({quote(meta.get_field('workers').column)}), 0), "
            f"COALESCE(SUM(COALESCE({quote(meta.get_field('production_value').column)}, 0)), 0) "
            f"FROM {quote(meta.db_table)} WHERE {quote(meta.get_field('status').column)} = %s "
            f"AND ({started} IS NULL OR {started} <= %s) GROUP BY SUBSTR({village}, 1, 8), {kbli}",
            [snapshot.pk, str(EnterpriseStatus.ACTIVE), year],
        )
    return snapshot
