import pytest

from sentra.analytics.selectors import national_totals, province_totals, regency_totals
from sentra.conftest import KUDUS, PPU
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_totals_by_province_and_regency(django_assert_max_num_queries):
    EnterpriseFactory.create_batch(3, workers=4)
    EnterpriseFactory(village_id="33.19.01.2001", workers=10)
    CentreFactory.create_batch(2)
    with django_assert_max_num_queries(3):
        rows = {r.code: r for r in province_totals()}
    assert len(rows) == 38
    assert (rows["64"].enterprises, rows["64"].workers, rows["64"].centres) == (3, 12, 2)
    assert (rows["33"].enterprises, rows["33"].workers, rows["33"].centres) == (1, 10, 0)
    assert rows["11"].enterprises == 0

    regencies = {r.code: r for r in regency_totals(province_code="64")}
    assert regencies[PPU].enterprises == 3 and regencies[PPU].centres == 2
    assert all(code.startswith("64.") for code in regencies)
    assert KUDUS not in regencies

    totals = national_totals()
    assert (totals.enterprises, totals.centres, totals.workers) == (4, 2, 22)


def test_cached_totals_are_reused():
    from django.core.cache import cache

    from sentra.analytics.selectors import cached

    cache.clear()
    calls = []
    assert cached("test", lambda: calls.append(1) or 5) == 5
    assert cached("test", lambda: calls.append(1) or 6) == 5
    assert calls == [1]
    cache.clear()
