"""The count of active IKM per village × KBLI (analytics.aggregates) follows every registry write in the
write's transaction: services, the import's bulk path, audit's restore and an import's rollback."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.analytics.aggregates import apply_change, kbli_count_drift, rebuild_kbli_counts
from sentra.analytics.models import KbliCount, KbliRollup
from sentra.audit.models import AuditEvent
from sentra.audit.services import restore_version
from sentra.core.errors import DomainError
from sentra.core.import_kinds import import_rollback
from sentra.registry.imports import import_enterprises
from sentra.registry.models import Enterprise
from sentra.registry.services import enterprise_create, enterprise_update, record_delete
from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

SALOLOANG, NENANG = "64.09.01.1002", "64.09.01.1001"
KUDUS_VILLAGE = "33.19.01.2001"  # Jawa Tengah
SEPAKU = "64.09.03.2001"  # another district of PPU (Kecamatan Sepaku)
AMPLANG, TENUN = "10794", "13121"


def count(village: str, kbli: str) -> tuple[int, int, int] | None:
    row = KbliCount.objects.filter(village_code=village, kbli=kbli).first()
    return None if row is None else (row.enterprises, row.workers, row.production_value)


def create(actor, village=SALOLOANG, kbli=AMPLANG, **data):
    data.setdefault("name", "UD Uji")
    return enterprise_create(actor=actor, village_code=village, kbli_code=kbli, **data)


def test_services_keep_the_count_exact(actor):
    a = create(actor, workers=4, production_value=100)
    b = create(actor, workers=6, production_value=50, name="UD Dua")
    assert count(SALOLOANG, AMPLANG) == (2, 10, 150)
    row = KbliCount.objects.get(village_code=SALOLOANG, kbli=AMPLANG)
    assert (row.district_code, row.regency_code, row.province_code) == ("64.09.01", "64.09", "64")

    enterprise_update(actor=actor, enterprise=a, workers=9)  # workers in place
    assert count(SALOLOANG, AMPLANG) == (2, 15, 150)
    enterprise_update(actor=actor, enterprise=a, production_value=None)  # a value cleared counts 0
    assert count(SALOLOANG, AMPLANG) == (2, 15, 50)
    enterprise_update(actor=actor, enterprise=a, kbli_code=TENUN)  # another KBLI
    assert count(SALOLOANG, AMPLANG) == (1, 6, 50) and count(SALOLOANG, TENUN) == (1, 9, 0)
    enterprise_update(actor=actor, enterprise=a, village_code=SEPAKU)  # another village and district
    assert count(SALOLOANG, TENUN) is None  # the emptied row is gone, not left at zero
    assert count(SEPAKU, TENUN) == (1, 9, 0)
    enterprise_update(actor=actor, enterprise=b, status="inactive")  # only active IKM count
    assert count(SALOLOANG, AMPLANG) is None
    enterprise_update(actor=actor, enterprise=b, status="closed")  # inactive → closed: nothing counted
    assert count(SALOLOANG, AMPLANG) is None
    enterprise_update(actor=actor, enterprise=b, status="active")
    assert count(SALOLOANG, AMPLANG) == (1, 6, 50)
    create(actor, status="closed", workers=30, name="UD Tutup")  # created closed: not counted
    assert count(SALOLOANG, AMPLANG) == (1, 6, 50)
    record_delete(actor=actor, record=a)
    assert count(SEPAKU, TENUN) is None
    assert kbli_count_drift() == []


def test_a_refused_write_leaves_the_count_as_it_was(actor):
    a = create(actor, workers=4, nib="9120000000001")
    create(actor, workers=2, nib="9120000000002", village=NENANG)
    with pytest.raises(DomainError):  # the unit exists: the whole edit is refused
        enterprise_update(actor=actor, enterprise=a, nib="9120000000002", village_code=NENANG)
    assert count(SALOLOANG, AMPLANG) == (1, 4, 0) and count(NENANG, AMPLANG) == (1, 2, 0)


def test_one_update_costs_one_statement(actor):
    a = create(actor, workers=4)
    a = Enterprise.objects.get(pk=a.pk)
    with CaptureQueriesContext(connection) as queries:
        enterprise_update(actor=actor, enterprise=a, workers=5)
    ours = [q["sql"] for q in queries.captured_queries if "analytics_kblicount" in q["sql"]]
    assert len(ours) == 1 and ours[0].startswith("UPDATE")
    with CaptureQueriesContext(connection) as queries:
        enterprise_update(actor=actor, enterprise=a, name="UD Nama Baru")  # nothing counted changed
    assert not [q for q in queries.captured_queries if "analytics_kblicount" in q["sql"]]


def test_a_drifted_count_never_fails_a_save(actor):
    a = create(actor, workers=4)
    KbliCount.objects.filter(village_code=SALOLOANG).update(workers=1)  # wrong on purpose
    enterprise_update(actor=actor, enterprise=a, workers=0)  # 1 - 4 would break the CHECK (>= 0)
    assert count(SALOLOANG, AMPLANG) == (1, 0, 0)
    assert apply_change(None, None) == 0


def test_rebuild_counts_all_or_some_villages(actor, regency_agency):
    EnterpriseFactory.create_batch(3, village_id=SALOLOANG, workers=2, production_value=10)
    EnterpriseFactory(village_id=NENANG, kbli_id=TENUN, workers=5)
    EnterpriseFactory(village_id=NENANG, kbli_id=TENUN, workers=7, status="inactive")
    assert KbliCount.objects.count() == 0  # factories write past the services
    assert len(kbli_count_drift()) == 2
    rebuild_kbli_counts([NENANG])
    assert count(NENANG, TENUN) == (1, 5, 0) and count(SALOLOANG, AMPLANG) is None
    assert [d.village_code for d in kbli_count_drift()] == [SALOLOANG]
    assert rebuild_kbli_counts() == 2
    assert count(SALOLOANG, AMPLANG) == (3, 6, 30)
    assert kbli_count_drift() == []
    KbliCount.objects.filter(village_code=NENANG).update(regency_code="64.01")
    assert [d.village_code for d in kbli_count_drift()] == [NENANG]  # the copied prefixes are checked


def test_rebuild_command_checks_and_rebuilds(actor, capsys):
    EnterpriseFactory(workers=3)
    with pytest.raises(CommandError):
        call_command("rebuild_kbli_counts", "--check")
    call_command("rebuild_kbli_counts")
    call_command("rebuild_kbli_counts", "--check")
    assert "sesuai" in capsys.readouterr().out


HEADER = "nama_usaha,nib,kbli,kode_wilayah,tenaga_kerja,investasi,status"


def write_csv(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_many_mixed_writes_through_services_imports_restore_and_rollback_equal_a_fresh_count(
    tmp_path, regency_agency
):
    officer = actor_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))
    made = [
        create(officer, village=(SALOLOANG, NENANG, SEPAKU)[i % 3], kbli=(AMPLANG, TENUN)[i % 2], workers=i)
        for i in range(12)
    ]
    assert kbli_count_drift() == []
    # An import: new units, and existing ones moved, re-classified, closed and given more workers.
    lines = [
        f"UD Impor {i},{9_120_000_000_100 + i},{AMPLANG},{NENANG},{i + 1},50000000,aktif" for i in range(8)
    ]
    first = import_enterprises(actor=officer, path=write_csv(tmp_path, "a.csv", lines), commit=True)
    assert first.ok and first.created == 8, first.errors
    assert count(NENANG, AMPLANG)[0] == 8 + sum(1 for i in range(12) if i % 3 == 1 and i % 2 == 0)
    again = [
        f"UD Impor 0,{9_120_000_000_100},{AMPLANG},{NENANG},40,50000000,tutup",  # closed
        f"UD Impor 1,{9_120_000_000_101},{AMPLANG},{NENANG},41,50000000,aktif",  # more workers
        f"UD Impor 9,{9_120_000_000_109},{TENUN},{SEPAKU},2,50000000,aktif",  # new
    ]
    second = import_enterprises(actor=officer, path=write_csv(tmp_path, "b.csv", again), commit=True)
    assert second.ok and (second.created, second.updated) == (1, 2), second.errors
    assert kbli_count_drift() == []
    # More service writes between the imports and their rollback.
    enterprise_update(actor=officer, enterprise=made[0], village_code=NENANG, workers=50)
    enterprise_update(actor=officer, enterprise=made[1], status="inactive")
    record_delete(actor=officer, record=made[2])
    assert kbli_count_drift() == []
    # The second import rolled back: the closed unit active again, the new one gone.
    import_rollback(actor=officer, batch_id=second.batch_id)
    assert kbli_count_drift() == []
    assert count(SEPAKU, TENUN)[0] == sum(1 for i in range(3, 12) if i % 3 == 2 and i % 2 == 1)
    # A restore of an earlier version: made[0] back in Saloloang with its first workers.
    created = AuditEvent.objects.filter(
        object_id=made[0].pk, object_type="registry.enterprise", action="create"
    )
    restore_version(actor=officer, event=created.get())
    assert Enterprise.objects.get(pk=made[0].pk).village_id == SALOLOANG
    assert kbli_count_drift() == []
    # The first import rolled back too (keeping the two units the second import changed).
    import_rollback(actor=officer, batch_id=first.batch_id, keep_changed=True)
    assert kbli_count_drift() == []
    assert not KbliCount.objects.filter(enterprises=0).exists()


def test_a_write_rolled_back_takes_its_count_with_it(actor):
    create(actor, workers=4)
    with pytest.raises(RuntimeError), transaction.atomic():
        create(actor, workers=6, name="UD Batal")
        assert count(SALOLOANG, AMPLANG) == (2, 10, 0)
        raise RuntimeError
    assert count(SALOLOANG, AMPLANG) == (1, 4, 0)


def rollup(level: int, code: str, kbli: str) -> tuple[int, int, int] | None:
    row = KbliRollup.objects.filter(level=level, region_code=code, kbli=kbli).first()
    return None if row is None else (row.enterprises, row.workers, row.production_value)


def test_district_and_regency_rollups_follow_every_write(actor):
    a = create(actor, workers=4, production_value=100)
    create(actor, village=NENANG, workers=6, production_value=50, name="UD Dua")
    c = create(actor, village=SEPAKU, workers=1, name="UD Tiga")
    assert rollup(3, "64.09.01", AMPLANG) == (2, 10, 150)  # Saloloang and Nenang: one district
    assert rollup(3, "64.09.03", AMPLANG) == (1, 1, 0)
    assert rollup(2, "64.09", AMPLANG) == (3, 11, 150)
    row = KbliRollup.objects.get(level=3, region_code="64.09.01", kbli=AMPLANG)
    assert (row.regency_code, row.province_code) == ("64.09", "64")

    enterprise_update(actor=actor, enterprise=a, workers=9)  # in place: both levels
    assert rollup(3, "64.09.01", AMPLANG) == (2, 15, 150) and rollup(2, "64.09", AMPLANG) == (3, 16, 150)
    enterprise_update(actor=actor, enterprise=a, village_code=SEPAKU)  # to another district, same regency
    assert rollup(3, "64.09.01", AMPLANG) == (1, 6, 50) and rollup(3, "64.09.03", AMPLANG) == (2, 10, 100)
    assert rollup(2, "64.09", AMPLANG) == (3, 16, 150)
    enterprise_update(actor=actor, enterprise=a, kbli_code=TENUN)
    assert rollup(2, "64.09", AMPLANG) == (2, 7, 50) and rollup(2, "64.09", TENUN) == (1, 9, 100)
    record_delete(actor=actor, record=a)
    assert rollup(3, "64.09.03", TENUN) is None and rollup(2, "64.09", TENUN) is None  # emptied: gone
    enterprise_update(actor=actor, enterprise=c, status="inactive")
    assert rollup(3, "64.09.03", AMPLANG) is None and rollup(2, "64.09", AMPLANG) == (1, 6, 50)
    assert kbli_count_drift() == []


def test_a_wrong_rollup_is_found_and_a_rebuild_mends_it(actor):
    create(actor, workers=4)
    KbliRollup.objects.filter(level=2).update(workers=99)
    drift = kbli_count_drift()
    assert [(d.level, d.village_code, d.stored, d.counted) for d in drift] == [
        (2, "64.09", (1, 99, 0), (1, 4, 0))
    ]
    rebuild_kbli_counts()
    assert kbli_count_drift() == [] and rollup(2, "64.09", AMPLANG) == (1, 4, 0)
    KbliRollup.objects.filter(level=3).delete()  # a recount of some villages mends their districts
    rebuild_kbli_counts([SALOLOANG])
    assert rollup(3, "64.09.01", AMPLANG) == (1, 4, 0) and kbli_count_drift() == []


def test_the_migration_fills_the_rollups_from_the_counts_already_kept(actor):
    import importlib

    from django.apps import apps

    from sentra.analytics.aggregates import rollup_drift

    migration = importlib.import_module("sentra.analytics.migrations.0002_kbli_rollup")
    upper = importlib.import_module("sentra.analytics.migrations.0006_rollup_province_nation")
    create(actor, workers=4, production_value=7)
    create(actor, village=NENANG, workers=6, name="UD Dua")
    create(actor, village=SEPAKU, kbli=TENUN, workers=1, name="UD Tiga")
    KbliRollup.objects.all().delete()  # as before the migration: only the village counts exist
    assert len(rollup_drift()) == 4 + 2 + 2  # districts and regency; the province; the nation

    class Editor:  # what fill_rollups uses of a schema editor (SQLite's cannot open inside a test)
        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    migration.fill_rollups(apps, Editor())  # 0002: districts and regencies from the village counts
    upper.fill_province_and_nation(apps, Editor())  # 0006: provinces from regencies, the nation from them
    assert rollup_drift() == []
    assert rollup(0, "", AMPLANG) == (2, 10, 7) and rollup(1, "64", TENUN) == (1, 1, 0)
    assert rollup(3, "64.09.01", AMPLANG) == (2, 10, 7) and rollup(2, "64.09", TENUN) == (1, 1, 0)


def test_province_and_nation_rows_follow_writes_and_recounts(actor):
    a = create(actor, workers=4, production_value=5)
    create(actor, village=KUDUS_VILLAGE, workers=2, name="UD Kudus")
    assert rollup(1, "64", AMPLANG) == (1, 4, 5) and rollup(1, "33", AMPLANG) == (1, 2, 0)
    assert rollup(0, "", AMPLANG) == (2, 6, 5)
    row = KbliRollup.objects.get(level=1, region_code="64", kbli=AMPLANG)
    assert (row.regency_code, row.province_code) == ("", "64")
    enterprise_update(actor=actor, enterprise=a, kbli_code=TENUN)
    assert rollup(0, "", AMPLANG) == (1, 2, 0) and rollup(0, "", TENUN) == (1, 4, 5)
    KbliRollup.objects.filter(level__lte=1).delete()
    rebuild_kbli_counts([SALOLOANG])  # a recount of one village mends its province and the nation
    assert rollup(1, "64", TENUN) == (1, 4, 5) and rollup(0, "", TENUN) == (1, 4, 5)
    assert rollup(1, "33", AMPLANG) is None  # Kudus was not recounted: its province row waits
    rebuild_kbli_counts()
    assert kbli_count_drift() == []
