import pytest

from sentra.analytics.selectors import national_totals, province_totals, regency_totals
from sentra.conftest import KUDUS, PPU
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_totals_by_province_and_regency(django_assert_max_num_queries, system_actor):
    EnterpriseFactory.create_batch(3, workers=4)
    EnterpriseFactory(village_id="33.19.01.2001", workers=10)
    CentreFactory.create_batch(2)
    with django_assert_max_num_queries(3):
        rows = {r.code: r for r in province_totals(actor=system_actor)}
    assert len(rows) == 38
    assert (rows["64"].enterprises, rows["64"].workers, rows["64"].centres) == (3, 12, 2)
    assert (rows["33"].enterprises, rows["33"].workers, rows["33"].centres) == (1, 10, 0)
    assert rows["11"].enterprises == 0

    regencies = {r.code: r for r in regency_totals(actor=system_actor, province_code="64")}
    assert regencies[PPU].enterprises == 3 and regencies[PPU].centres == 2
    assert all(code.startswith("64.") for code in regencies)
    assert KUDUS not in regencies

    totals = national_totals(actor=system_actor)
    assert (totals.enterprises, totals.centres, totals.workers) == (4, 2, 22)


def test_totals_count_only_what_the_reader_may_read():
    from sentra.accounts.models import Role
    from sentra.accounts.tests.factories import actor_of, persona

    EnterpriseFactory.create_batch(2, workers=4)
    EnterpriseFactory(village_id="33.19.01.2001", workers=10)
    kudus_officer = actor_of(persona(Role.REGENCY_OFFICER, region=KUDUS))
    totals = national_totals(actor=kudus_officer)
    assert (totals.enterprises, totals.workers) == (1, 10)
    rows = {r.code: r for r in province_totals(actor=kudus_officer)}
    assert rows["64"].enterprises == 0 and rows["33"].enterprises == 1


def test_cached_totals_are_reused(system_actor):
    from django.core.cache import cache

    from sentra.analytics.selectors import cached

    cache.clear()
    calls = []
    assert cached("test", system_actor, lambda: calls.append(1) or 5) == 5
    assert cached("test", system_actor, lambda: calls.append(1) or 6) == 5
    assert calls == [1]
    cache.clear()


def test_totals_per_province_read_the_covering_index_not_the_rows(system_actor):
    """At national scale (4.4 million IKM) fetching every row for the province totals took ~26 s on
    SQLite; the (province_code, regency_code, workers) index answers the same GROUP BY alone."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL picks its plan from table statistics, not from the indexes alone")
    EnterpriseFactory.create_batch(2, workers=4)
    with CaptureQueriesContext(connection) as queries:
        province_totals(actor=system_actor)
        regency_totals(actor=system_actor, province_code="64")
    grouped = [q["sql"] for q in queries.captured_queries if "registry_enterprise" in q["sql"]]
    assert len(grouped) == 2
    with connection.cursor() as cursor:
        for sql in grouped:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "COVERING INDEX enterprise_region_workers" in plan, plan
