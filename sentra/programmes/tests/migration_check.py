"""Run in its own process by test_budget_scoring_migration: programmes 0005 → latest on a fresh SQLite.

    python -m sentra.programmes.tests.migration_check /tmp/p.sqlite3

Migrates every app, takes programmes back to 0005 (before budget scoring), writes a year of plans
through the models as they were then (two activities: one with a single budget line, one with two;
their RPDs, untyped realisation, audit events; policies for 2023 and 2026 with the old "day N of
month M" window), migrates forwards and prints, as JSON, what was there before and after.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

BEFORE = ("programmes", "0005_tp_and_sakti_codes")


def rows(cursor) -> dict:
    def all_(sql):
        cursor.execute(sql)
        return [list(r) for r in cursor.fetchall()]

    return {
        "realisations": all_("SELECT id, activity_id, month, amount FROM programmes_realisation ORDER BY id"),
        "lines": all_("SELECT id, activity_id, account_group, amount FROM programmes_budgetline ORDER BY id"),
        "plans": all_("SELECT id, line_id, m01, m06, m12 FROM programmes_disbursementplan ORDER BY id"),
        "policies": all_(
            "SELECT id, fiscal_year, target_q1, lag_threshold FROM programmes_budgetpolicy ORDER BY id"
        ),
        "events": all_("SELECT id, object_type, object_id, action FROM audit_auditevent ORDER BY id"),
    }


def main(path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "sentra.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    call_command("migrate", verbosity=0)
    call_command("migrate", *BEFORE, verbosity=0)
    graph = MigrationExecutor(connection).loader.graph
    nodes = [BEFORE] + [leaf for leaf in graph.leaf_nodes() if leaf[0] in ("regions", "agencies", "audit")]
    apps = MigrationExecutor(connection).loader.project_state(nodes).apps
    Region = apps.get_model("regions", "Region")
    Agency = apps.get_model("agencies", "Agency")
    Programme = apps.get_model("programmes", "Programme")
    Activity = apps.get_model("programmes", "Activity")
    BudgetDocument = apps.get_model("programmes", "BudgetDocument")
    BudgetLine = apps.get_model("programmes", "BudgetLine")
    DisbursementPlan = apps.get_model("programmes", "DisbursementPlan")
    Realisation = apps.get_model("programmes", "Realisation")
    BudgetPolicy = apps.get_model("programmes", "BudgetPolicy")
    AuditEvent = apps.get_model("audit", "AuditEvent")

    Region.objects.create(code="64", name="Kalimantan Timur", level=1)
    agency = Agency.objects.create(name="Disperindagkop Kaltim", kind="province_industry", region_id="64")
    placed = {"agency": agency, "fiscal_year": 2026, "region_id": "64", "province_code": "64"}
    programme = Programme.objects.create(code="P1", name="Program", **placed)
    document = BudgetDocument.objects.create(
        kind="apbn", number="SP DIPA-1", issued_on=dt.date(2025, 12, 5), **placed
    )
    single = Activity.objects.create(programme=programme, code="A1", name="Bimtek", kind="training",
                                     funding_source="apbn", **placed)  # fmt: skip
    double = Activity.objects.create(programme=programme, code="A2", name="Mesin", kind="machine_aid",
                                     funding_source="apbn", **placed)  # fmt: skip
    for activity, group, amount in ((single, "52", 120), (double, "52", 60), (double, "53", 240)):
        line = BudgetLine.objects.create(
            document=document, activity=activity, account_group=group, amount=amount
        )
        DisbursementPlan.objects.create(line=line, **{f"m{m:02d}": amount // 12 for m in range(1, 13)})
    for activity in (single, double):
        for month in (1, 2):
            row = Realisation.objects.create(activity=activity, month=month, amount=10, physical_progress=5,
                                             **placed)  # fmt: skip
            AuditEvent.objects.create(
                object_type="programmes.realisation", object_id=row.pk, object_repr=str(row.pk),
                action="create", channel="web", changes={"amount": [None, 10]}, snapshot={}, region_code="64",
            )  # fmt: skip
    BudgetPolicy.objects.create(fiscal_year=2023, rpd_window_months=[2, 4, 7, 10], rpd_window_last_day=14)
    BudgetPolicy.objects.create(fiscal_year=2026, rpd_window_months=[2, 4, 7, 10], rpd_window_last_day=14)
    BudgetPolicy.objects.create(fiscal_year=2027, rpd_window_months=[3, 5, 9, 11], rpd_window_last_day=31)
    with connection.cursor() as cursor:
        before = rows(cursor)

    call_command("migrate", verbosity=0)

    result = {"before": before}
    with connection.cursor() as cursor:
        result["after"] = rows(cursor)
        cursor.execute(
            "SELECT a.code, r.month, r.account_group, l.account_group FROM programmes_realisation r "
            "JOIN programmes_activity a ON a.id = r.activity_id "
            "LEFT JOIN programmes_budgetline l ON l.id = r.budget_line_id ORDER BY r.id"
        )
        result["types"] = [list(r) for r in cursor.fetchall()]
        cursor.execute(
            "SELECT fiscal_year, deviation_rule, rpd_window_q1, rpd_window_q2, rpd_window_q3, rpd_window_q4 "
            "FROM programmes_budgetpolicy ORDER BY fiscal_year"
        )
        result["policies"] = [[str(v) for v in r] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT plan_id, number, effective_from, months FROM programmes_disbursementplanversion "
            "ORDER BY plan_id"
        )
        result["versions"] = [[*r[:3], json.loads(r[3])] for r in cursor.fetchall()]
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
