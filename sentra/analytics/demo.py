"""Analytics' step of `sentra demo` (core.demo, order 60, after the registry and the domains on top of it).

1. The count per village × KBLI is rebuilt from the enterprises: the registry's demo loads its generated
   IKM by its bulk path (no service call per record), so the count is made once at the end (one GROUP BY).
2. Registry years for shift-share. The demo registry has no history, so earlier years are reconstructed
   from each active IKM's year started (analytics.snapshots.reconstruct_snapshot): 2024 holds the IKM
   started in 2024 or before, 2025 those started in 2025 or before (the demo's IKM started 1985–2025, so
   the years differ by the IKM that started in 2025); workers and production value are today's. The
   running year (2026) is taken from the live count, as the year-end task will take it again on
   31 December (replacing the demo's). Deterministic: the same data give the same snapshots; a year that
   exists is left as it is, so running the demo again writes nothing twice.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sentra.core.demo import DemoContext

from .aggregates import rebuild_kbli_counts
from .models import KbliCount, RegistrySnapshot
from .overlaps import rebuild_topics
from .snapshots import reconstruct_snapshot, take_snapshot

RECONSTRUCTED_YEARS = (2024, 2025)


@transaction.atomic
def seed(*, report=None) -> dict[str, int]:
    had = KbliCount.objects.count()
    rebuild_kbli_counts()
    rebuild_topics()  # the demo's generated activities were bulk-created, past the save that keeps them
    made = 0
    for year in RECONSTRUCTED_YEARS:
        if not RegistrySnapshot.objects.filter(year=year).exists():
            reconstruct_snapshot(year)
            made += 1
    this_year = timezone.localdate().year
    if this_year not in RECONSTRUCTED_YEARS and not RegistrySnapshot.objects.filter(year=this_year).exists():
        take_snapshot(this_year, note="Demo: jumlah IKM aktif saat demo dimuat (registri berjalan).")
        made += 1
    # New rows of the count (a second run recounts the same rows: nothing new).
    counts = {"registry counts": max(KbliCount.objects.count() - had, 0), "registry snapshots": made}
    if report is not None:
        for name, value in counts.items():
            report.created[name] += value
    return counts


def demo_step(context: DemoContext) -> None:
    """Analytics' step of `sentra demo` (core.demo)."""
    seed(report=context.report)
