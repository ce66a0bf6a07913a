"""Celery task of analytics (autodiscovered by sentra.celery; beat runs it on 31 December when a broker is
set, `sentra snapshot-registry` from cron otherwise)."""

from django.db import close_old_connections

from sentra.celery import app

from . import snapshots


@app.task(bind=True, name="sentra.analytics.snapshot_registry", ignore_result=True)
def snapshot_registry(self) -> dict:
    """The year's registry snapshot (analytics/snapshots.py), taken on the year's last day. It replaces a
    snapshot of the same year taken earlier (by hand or by the demo): the year-end count is the year's."""
    eager = bool(self.request.is_eager)
    if not eager:
        close_old_connections()
    try:
        snapshot = snapshots.take_snapshot(replace=True, note="Potret akhir tahun (tugas terjadwal).")
        return {"year": snapshot.year, "rows": snapshot.counts.count()}
    finally:
        if not eager:
            close_old_connections()
