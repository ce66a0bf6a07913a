"""Issue 13.1–2 and its quality bar: programmes 0006–0008 keep every realisation, line, plan, policy
and audit event; give the realisation of a single-line activity its type and line (an activity with
several lines keeps blank rows, counted by the selectors under its types); turn the old "day N of
month M" windows into dates (2026: the dates DJPb published, as its windows were the old defaults);
set the plain-mean rule before 2024; and make every RPD its version 0.

Runs programmes/tests/migration_check.py in its own process on a fresh SQLite file (the suite's test
database must not be migrated backwards under other tests).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings


def test_budget_scoring_migration_keeps_everything_and_fills_the_new_fields(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    env["SENTRA_DATA_DIR"] = str(tmp_path)
    completed = subprocess.run(
        [sys.executable, "-m", "sentra.programmes.tests.migration_check", str(tmp_path / "p.sqlite3")],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert len(result["before"]["realisations"]) == 4 and len(result["before"]["events"]) == 4
    assert result["after"] == result["before"]
    assert result["types"] == [
        ["A1", 1, "52", "52"],  # the single line's type and the line itself
        ["A1", 2, "52", "52"],
        ["A2", 1, "", None],  # two lines: left blank, not guessed
        ["A2", 2, "", None],
    ]
    assert result["policies"] == [
        ["2023", "mean", "2023-02-14", "2023-04-14", "2023-07-14", "2023-10-14"],
        ["2026", "weighted", "2026-02-19", "2026-04-15", "2026-07-14", "2026-10-14"],
        ["2027", "weighted", "2027-03-31", "2027-05-31", "2027-09-30", "2027-11-30"],
    ]
    plans = {row[0]: row[4] for row in result["before"]["plans"]}
    assert [(v[0], v[1], v[2]) for v in result["versions"]] == [(p, 0, 1) for p in sorted(plans)]
    assert [v[3][11] for v in result["versions"]] == [plans[p] for p in sorted(plans)]
