"""Enterprise search inside a regency or smaller (PostgreSQL: the area's rows are tested one by one).

At 4.4 million rows the trigram indexes answer for the whole country: the bitmap of a common word
holds 147,000 rows ("tempe") before a regency's few hundred are kept, and a long phrase reads the
lists of all its trigrams. Inside a regency (the filter or the reader's scope) PostgreSQL asks the
area's index for its rows and tests each for the term instead (selectors._substring_q,
`strpos(UPPER(…), UPPER(q)) > 0`, which no trigram index serves); SQLite keeps its FTS5 probe. The
matches must stay those of `icontains` on the name or the owner, on both databases.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.registry import selectors
from sentra.registry.selectors import RegistryFilter, enterprise_list
from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

PPU = "64.09"  # the factories' regency (Penajam Paser Utara)
KUDUS_VILLAGE = "33.19.01.2001"


def names(actor, q: str, **filters) -> list[str]:
    return [e.name for e in enterprise_list(actor=actor, filters=RegistryFilter(q=q, **filters))]


@pytest.fixture
def shops(db):
    EnterpriseFactory(name="UD Amplang Ikan Belida", owner_name="Siti Rahayu")
    EnterpriseFactory(name="Tempe Sari Murni", owner_name="Joko Amplangi")
    EnterpriseFactory(name="Kerupuk 100% Ikan", owner_name="Made Wirawan")
    EnterpriseFactory(name="Batik Benuo Taka", owner_name="")
    EnterpriseFactory(name="UD Amplang Kudus", village_id=KUDUS_VILLAGE)


def test_inside_a_regency_postgresql_tests_the_areas_rows_instead_of_the_trigram_indexes(actor, shops):
    with CaptureQueriesContext(connection) as queries:
        found = names(actor, "amplang", region=PPU)
    assert found == ["Tempe Sari Murni", "UD Amplang Ikan Belida"]  # newest first; Kudus left out
    if connection.vendor == "postgresql":
        statements = [q["sql"] for q in queries]
        probe = [sql for sql in statements if "STRPOS(" in sql]
        assert len(probe) == 1 and "LIMIT 1001" in probe[0] and '"regency_code" = ' in probe[0]
        explained = [sql for sql in statements if sql.startswith("EXPLAIN")]  # the area's size only
        assert len(explained) == 1 and "STRPOS(" not in explained[0]
        assert not [sql for sql in statements if " LIKE " in sql]  # the trigram indexes are not asked


def test_an_area_the_planner_expects_to_be_large_keeps_the_trigram_indexes(actor, shops, monkeypatch):
    # The largest regencies (52,000 rows at 4.4 M) cost more read row by row than from the indexes.
    monkeypatch.setattr(selectors, "PG_AREA_ROWS", 0)
    with CaptureQueriesContext(connection) as queries:
        found = names(actor, "amplang", region=PPU)
    assert found == ["Tempe Sari Murni", "UD Amplang Ikan Belida"]
    if connection.vendor == "postgresql":
        assert not [q for q in queries if "STRPOS(" in q["sql"]]
        assert [q for q in queries if " LIKE " in q["sql"]]


def test_a_regency_officer_without_a_region_filter_is_searched_the_same_way(shops, regency_agency):
    officer = actor_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))
    with CaptureQueriesContext(connection) as queries:
        found = names(officer, "AMPLANG")
    assert found == ["Tempe Sari Murni", "UD Amplang Ikan Belida"]
    if connection.vendor == "postgresql":
        assert [q for q in queries if "STRPOS(" in q["sql"]]


def test_the_areas_matches_are_those_of_a_case_insensitive_substring(actor, shops):
    # The owner's name counts, case does not, wildcards are characters.
    assert names(actor, "aMpLaNgI", region=PPU) == ["Tempe Sari Murni"]
    assert names(actor, "100%", region=PPU) == ["Kerupuk 100% Ikan"]
    assert names(actor, "k_r", region=PPU) == []
    assert names(actor, "ikan", region=PPU, sort="name") == ["Kerupuk 100% Ikan", "UD Amplang Ikan Belida"]
    assert names(actor, "rendang", region=PPU) == []
    assert names(actor, "amplang", region="64.09.01") == ["Tempe Sari Murni", "UD Amplang Ikan Belida"]
    # a province is too large to test row by row: the trigram indexes, same matches
    assert names(actor, "amplang", region="64") == ["Tempe Sari Murni", "UD Amplang Ikan Belida"]


def test_more_matches_in_the_area_than_the_probe_takes_keep_the_match_in_the_query(actor, shops, monkeypatch):
    monkeypatch.setattr(selectors, "PG_ID_LIMIT", 1)
    monkeypatch.setattr(selectors, "FTS_ID_LIMIT", 1)
    qs = enterprise_list(actor=actor, filters=RegistryFilter(q="amplang", region=PPU))
    assert [e.name for e in qs] == ["Tempe Sari Murni", "UD Amplang Ikan Belida"]
    assert qs.order_by()[:1001].count() == 2
    if connection.vendor == "postgresql":
        assert '"registry_enterprise"."id" IN (' not in str(qs.query)
