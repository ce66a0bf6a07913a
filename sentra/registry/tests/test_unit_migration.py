"""Issue 13 point 4 and its quality bar: the migration to the unit key (registry 0008, then 0009)
keeps every enterprise record and every audit event, ids and all, keeps the SQLite search index in
step (its triggers are recreated after the table copy), and leaves the database accepting a second
unit of a NIB while refusing the same unit twice.

Runs registry/tests/migration_check.py in its own process on a fresh SQLite file: migrating the
suite's test database backwards would pull it from under other tests. Its time at national size is
measured by bench/migrations.py, not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings


def test_migrating_to_units_keeps_every_record_and_event(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    env["SENTRA_DATA_DIR"] = str(tmp_path)
    completed = subprocess.run(
        [sys.executable, "-m", "sentra.registry.tests.migration_check", str(tmp_path / "m.sqlite3")],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert len(result["before"]["enterprises"]) == 3 and len(result["before"]["events"]) == 6
    assert result["after"] == result["before"]
    renamed = next(row[0] for row in result["before"]["enterprises"] if row[1] == "9120001234567")
    assert result["search_found"] == [renamed]
    assert result["second_unit"] is True and result["same_unit_twice"] is False
