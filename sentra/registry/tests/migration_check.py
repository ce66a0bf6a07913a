"""Run in its own process by test_unit_migration: registry 0007 → latest on a fresh SQLite file.

    python -m sentra.registry.tests.migration_check /tmp/m.sqlite3

Migrates every app, takes registry back to 0007 (before the unit key), writes enterprises and their
audit events through the models as they were then, migrates forwards again and prints, as JSON,
what was there before and after, whether the search triggers still follow a renamed record, and
whether a second unit of a NIB and the same unit twice are accepted. Its own process, because the
test database of the suite must not be migrated backwards under other tests.
"""

from __future__ import annotations

import json
import os
import sys

BEFORE_UNITS = ("registry", "0007_manufacturing_and_lifecycle")


def rows(cursor) -> dict:
    cursor.execute("SELECT id, nib, kbli_id, village_id, name FROM registry_enterprise ORDER BY id")
    enterprises = [list(r) for r in cursor.fetchall()]
    cursor.execute("SELECT id, object_type, object_id, action, changes FROM audit_auditevent ORDER BY id")
    events = [[*r[:4], json.loads(r[4]) if isinstance(r[4], str) else r[4]] for r in cursor.fetchall()]
    return {"enterprises": enterprises, "events": events}


def main(path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "sentra.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import IntegrityError, connection, transaction
    from django.db.migrations.executor import MigrationExecutor

    call_command("migrate", verbosity=0)
    call_command("migrate", *BEFORE_UNITS, verbosity=0)
    graph = MigrationExecutor(connection).loader.graph
    nodes = [BEFORE_UNITS] + [
        leaf for leaf in graph.leaf_nodes() if leaf[0] in ("regions", "agencies", "audit")
    ]
    apps = MigrationExecutor(connection).loader.project_state(nodes).apps
    Region = apps.get_model("regions", "Region")
    Kbli = apps.get_model("regions", "Kbli")
    Agency = apps.get_model("agencies", "Agency")
    Enterprise = apps.get_model("registry", "Enterprise")
    AuditEvent = apps.get_model("audit", "AuditEvent")

    parent = None
    for level, code, name in ((1, "64", "Kalimantan Timur"), (2, "64.09", "Penajam Paser Utara"),
                              (3, "64.09.01", "Penajam"), (4, "64.09.01.1002", "Salo Loang")):  # fmt: skip
        parent = Region.objects.create(code=code, name=name, level=level, parent=parent)
    for code, title in (("10392", "Industri Tahu Kedelai"), ("10391", "Industri Tempe Kedelai")):
        Kbli.objects.create(code=code, title=title, level=5)
    agency = Agency.objects.create(name="Dinas PPU", kind="regency_industry", region_id="64.09")
    for i, (nib, kbli) in enumerate(
        (("9120001234567", "10392"), ("9120001234568", "10391"), (None, "10392"))
    ):
        unit = Enterprise.objects.create(
            name=f"UD Kedelai {i}", nib=nib, kbli_id=kbli, village_id="64.09.01.1002", province_code="64",
            regency_code="64.09", agency=agency, size_class="small", workers=3,
        )  # fmt: skip
        for action in ("create", "update"):
            AuditEvent.objects.create(
                object_type="registry.enterprise", object_id=unit.pk, object_repr=unit.name, action=action,
                channel="web", changes={"workers": [None, 3]}, snapshot={"name": unit.name},
                region_code="64.09.01.1002",
            )  # fmt: skip
    with connection.cursor() as cursor:
        before = rows(cursor)

    call_command("migrate", verbosity=0)

    result = {"before": before}
    with connection.cursor() as cursor:
        result["after"] = rows(cursor)
        cursor.execute("UPDATE registry_enterprise SET name = 'Zqxwv Baru' WHERE nib = '9120001234567'")
        cursor.execute(
            "SELECT rowid FROM registry_enterprise_fts WHERE registry_enterprise_fts MATCH %s", ['"zqxwv"']
        )
        result["search_found"] = [r[0] for r in cursor.fetchall()]
        insert = (
            "INSERT INTO registry_enterprise (created_at, updated_at, village_id, province_code, "
            "regency_code, agency_id, name, owner_name, nib, kbli_id, address, workers, investment, "
            "capacity_unit, size_class, status) VALUES ('2026-01-01', '2026-01-01', '64.09.01.1002', "
            "'64', '64.09', %s, 'UD Unit Kedua', '', '9120001234567', %s, '', 1, 1, '', 'small', 'active')"
        )
        cursor.execute(insert, [agency.pk, "10391"])
        result["second_unit"] = True
        try:
            with transaction.atomic():
                cursor.execute(insert, [agency.pk, "10391"])
            result["same_unit_twice"] = True
        except IntegrityError:
            result["same_unit_twice"] = False
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
