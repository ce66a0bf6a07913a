"""Enterprise search: a case-insensitive substring of the name or the owner, from an index.

The same specification holds on SQLite (FTS5 trigram table kept by triggers) and PostgreSQL
(pg_trgm GIN indexes); the suite runs on both. Matches come newest first unless the reader picks a
sort (selectors.SEARCH_ORDER); a term of one or two letters lists names starting with it, by name.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.conftest import KUDUS
from sentra.registry.models import Enterprise
from sentra.registry.selectors import RegistryFilter, enterprise_list
from sentra.registry.tests.factories import AgencyFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

KUDUS_VILLAGE = "33.19.01.2001"


def found(actor, q: str, **filters) -> list[str]:
    return [e.name for e in enterprise_list(actor=actor, filters=RegistryFilter(q=q, **filters))]


@pytest.fixture
def shops(db):
    return {
        "amplang": EnterpriseFactory(name="UD Amplang Ikan Belida", owner_name="Siti Rahayu"),
        "tempe": EnterpriseFactory(name="Tempe Sari Murni", owner_name="Joko Amplangi"),
        "batik": EnterpriseFactory(name="Batik Benuo Taka", owner_name="Made Wirawan"),
    }


def test_a_word_inside_the_name_finds_the_enterprise(actor, shops):
    assert found(actor, "Ikan") == ["UD Amplang Ikan Belida"]
    assert found(actor, "nuo Ta") == ["Batik Benuo Taka"]  # across a space, mid-word


def test_search_ignores_case(actor, shops):
    assert found(actor, "BELIDA") == ["UD Amplang Ikan Belida"]
    assert found(actor, "bAtIk bEnUo") == ["Batik Benuo Taka"]


def test_the_owner_name_is_searched_too(actor, shops):
    assert found(actor, "wirawan") == ["Batik Benuo Taka"]
    # "amplang" is in one name and in another's owner: both.
    assert set(found(actor, "amplang")) == {"Tempe Sari Murni", "UD Amplang Ikan Belida"}


def test_a_term_that_is_nowhere_finds_nothing(actor, shops):
    assert found(actor, "rendang") == []
    assert found(actor, "Amplang Belida") == []  # the words must follow each other


def test_quotes_and_wildcards_are_plain_characters(actor, shops):
    EnterpriseFactory(name='Toko "Maju" 100% Halal_Jaya')
    assert found(actor, '"Maju"') == ['Toko "Maju" 100% Halal_Jaya']
    assert found(actor, "100%") == ['Toko "Maju" 100% Halal_Jaya']
    assert found(actor, "l_J") == ['Toko "Maju" 100% Halal_Jaya']
    assert found(actor, "a%a") == []
    assert found(actor, "OR ") == []  # not read as a query operator


def test_renamed_and_deleted_enterprises_are_found_by_their_current_name(actor, shops):
    shop = shops["tempe"]
    shop.name = "Tahu Bakso Murni"
    shop.save()
    assert found(actor, "tempe") == []
    assert found(actor, "bakso") == ["Tahu Bakso Murni"]
    Enterprise.objects.filter(pk=shop.pk).update(owner_name="Wulan")
    assert found(actor, "wulan") == ["Tahu Bakso Murni"]
    assert found(actor, "joko") == []
    shop.delete()
    assert found(actor, "bakso") == []


def test_a_term_shorter_than_three_characters_matches_the_start_of_the_name(actor, shops):
    assert found(actor, "ba") == ["Batik Benuo Taka"]
    assert found(actor, "T") == ["Tempe Sari Murni"]
    assert found(actor, "ik") == []  # inside a word: needs three characters


def test_a_nib_finds_exactly_that_enterprise(actor, shops):
    assert found(actor, shops["batik"].nib) == ["Batik Benuo Taka"]


def test_search_stays_inside_the_readers_region(shops, regency_agency):
    kudus = EnterpriseFactory(
        name="UD Amplang Kudus", village_id=KUDUS_VILLAGE, agency=AgencyFactory(region_id=KUDUS)
    )
    officer = actor_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))
    assert set(found(officer, "amplang")) == {"Tempe Sari Murni", "UD Amplang Ikan Belida"}
    assert kudus.name not in found(officer, "kudus")


def test_search_combines_with_the_filters_and_the_sort(actor, shops):
    EnterpriseFactory(name="UD Amplang Kudus", village_id=KUDUS_VILLAGE, workers=30)
    assert found(actor, "amplang", region="33") == ["UD Amplang Kudus"]
    assert set(found(actor, "amplang", region="64.09")) == {"Tempe Sari Murni", "UD Amplang Ikan Belida"}
    assert found(actor, "amplang", sort="-workers")[0] == "UD Amplang Kudus"
    assert found(actor, "amplang", sort="-name") == [
        "UD Amplang Kudus",
        "UD Amplang Ikan Belida",
        "Tempe Sari Murni",
    ]


def test_matches_come_newest_first_unless_a_sort_is_chosen(actor, shops):
    EnterpriseFactory(name="Keripik Amplang Zaitun")
    EnterpriseFactory(name="Amplang Anggrek")
    newest_first = ["Amplang Anggrek", "Keripik Amplang Zaitun", "Tempe Sari Murni", "UD Amplang Ikan Belida"]
    assert found(actor, "amplang") == newest_first
    assert found(actor, "amplang", sort="bogus") == newest_first  # an unknown sort is no sort
    assert found(actor, "amplang", sort="name") == sorted(newest_first)
    assert found(actor, "amplang", sort="-name") == sorted(newest_first, reverse=True)


def test_without_a_term_or_with_a_prefix_the_list_stays_in_name_order(actor, shops):
    EnterpriseFactory(name="Abon Sapi")
    EnterpriseFactory(name="Bakpia Pathok")
    assert found(actor, "") == [
        "Abon Sapi",
        "Bakpia Pathok",
        "Batik Benuo Taka",
        "Tempe Sari Murni",
        "UD Amplang Ikan Belida",
    ]
    assert found(actor, "ba") == ["Bakpia Pathok", "Batik Benuo Taka"]


def test_the_search_is_served_by_an_index(actor, shops):
    with CaptureQueriesContext(connection) as queries:
        sql = str(enterprise_list(actor=actor, filters=RegistryFilter(q="amplang")).query)
    if connection.vendor == "sqlite":  # the ids come from the FTS5 table, then the rows by id
        assert [q["sql"] for q in queries if "registry_enterprise_fts MATCH" in q["sql"]]
        assert "json_each" in sql and "LIKE" not in sql
    else:  # the ids come from the trigram indexes (no sequential scan allowed), then the rows by id
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'registry_enterprise' "
                "AND indexdef LIKE '%%gin_trgm_ops%%' ORDER BY indexname"
            )
            assert [row[0] for row in cursor.fetchall()] == ["enterprise_name_trgm", "enterprise_owner_trgm"]
        probe = [
            q["sql"] for q in queries if 'UPPER("registry_enterprise"."name"::text) LIKE UPPER(' in q["sql"]
        ]
        assert len(probe) == 2 and probe[0].startswith("EXPLAIN")  # the planner's estimate, then the ids
        assert any("set_config('enable_seqscan', 'off', true)" in q["sql"] for q in queries)
        assert "LIKE" not in sql and '"registry_enterprise"."id" IN (' in sql
    assert sql.endswith('ORDER BY "registry_enterprise"."id" DESC')  # the primary key's order


def test_on_postgresql_a_term_expected_to_be_common_keeps_its_match_in_the_query(actor, shops, monkeypatch):
    # A GIN bitmap cannot stop early: for a common word, asking it for ids would cost more than
    # the newest-first page, which walks the primary key and stops after a page.
    from sentra.registry import selectors

    monkeypatch.setattr(selectors, "PG_PROBE_ESTIMATE", 0)
    with CaptureQueriesContext(connection) as queries:
        sql = str(enterprise_list(actor=actor, filters=RegistryFilter(q="amplang")).query)
    if connection.vendor == "postgresql":
        assert len(queries) == 1 and queries[0]["sql"].startswith("EXPLAIN")
        assert 'UPPER("registry_enterprise"."name"::text) LIKE UPPER(' in sql
    assert found(actor, "amplang") == ["Tempe Sari Murni", "UD Amplang Ikan Belida"]


def test_a_term_with_many_matches_gives_the_same_page_and_count(actor, shops, monkeypatch):
    # On SQLite a term matching more than FTS_ID_LIMIT rows keeps the FTS5 match inside the
    # query; here the limit is 1 so that "amplang" (3 rows) does.
    from sentra.registry import selectors

    monkeypatch.setattr(selectors, "FTS_ID_LIMIT", 1)
    monkeypatch.setattr(selectors, "PG_ID_LIMIT", 1)  # PostgreSQL: more matches than its probe takes
    EnterpriseFactory(name="Roti Bakar", owner_name="Ny. AMPLANG")
    qs = enterprise_list(actor=actor, filters=RegistryFilter(q="Amplang"))
    if connection.vendor == "sqlite":
        assert "registry_enterprise_fts MATCH" in str(qs.query)
    else:
        assert 'UPPER("registry_enterprise"."name"::text) LIKE UPPER(' in str(qs.query)
    assert [e.name for e in qs] == ["Roti Bakar", "Tempe Sari Murni", "UD Amplang Ikan Belida"]
    assert qs.order_by()[:10].count() == 3
    assert qs.order_by().values("pk")[:10].count() == 3
    assert found(actor, "amplang", sort="name") == [
        "Roti Bakar",
        "Tempe Sari Murni",
        "UD Amplang Ikan Belida",
    ]
    assert found(actor, "amplang", sort="-name")[0] == "UD Amplang Ikan Belida"
    assert found(actor, "amplang", region="64.09") == [
        "Roti Bakar",
        "Tempe Sari Murni",
        "UD Amplang Ikan Belida",
    ]
    assert found(actor, "100%") == []  # wildcards stay characters on this plan too
    assert found(actor, "Ikan Belida", sort="-workers") == ["UD Amplang Ikan Belida"]


def test_a_search_costs_one_query_per_page_and_per_count(actor, shops):
    with CaptureQueriesContext(connection) as queries:
        qs = enterprise_list(actor=actor, filters=RegistryFilter(q="amplang"))
        assert qs.order_by().values("pk")[:10_001].count() == 2
        assert len(list(qs[:50])) == 2
    # SQLite first asks FTS5 for the ids of a term with few matches, once; PostgreSQL asks the
    # planner whether the term is rare, then the trigram indexes (sequential scans off and back on,
    # in a transaction: a savepoint inside the test's own, not counted).
    statements = [q for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == (3 if connection.vendor == "sqlite" else 6)


def test_pages_of_a_search_cover_every_match_once(actor, shops):
    for i in range(7):
        EnterpriseFactory(name=f"Kerupuk Amplang {i}")
    qs = enterprise_list(actor=actor, filters=RegistryFilter(q="AMPLANG"))
    pages = [[e.name for e in qs[start : start + 3]] for start in range(0, 12, 3)]
    listed = [name for page in pages for name in page]
    assert len(listed) == len(set(listed)) == qs.order_by()[:10_001].count() == 9
    assert listed[:3] == ["Kerupuk Amplang 6", "Kerupuk Amplang 5", "Kerupuk Amplang 4"]
    assert found(actor, "100%") == []  # wildcards stay characters
    assert found(actor, "Ikan Belida", sort="-workers") == ["UD Amplang Ikan Belida"]


def test_inside_a_regency_sqlite_walks_the_areas_index(actor, shops, monkeypatch):
    from sentra.registry import selectors

    monkeypatch.setattr(selectors, "FTS_ID_LIMIT", 1)
    # A regency has a few thousand rows: SQLite tests each against the matches (`+id IN`)
    # rather than looking up every match in the country; the results stay the same.
    in_regency = str(enterprise_list(actor=actor, filters=RegistryFilter(q="amplang", region="64.09")).query)
    in_province = str(enterprise_list(actor=actor, filters=RegistryFilter(q="amplang", region="64")).query)
    if connection.vendor == "sqlite":  # a term with many matches keeps FTS5 in the query
        assert '+"registry_enterprise"."id" IN' in in_regency
        assert '+"registry_enterprise"."id" IN' not in in_province
    assert found(actor, "amplang", region="64.09") == found(actor, "amplang", region="64")
    assert found(actor, "amplang", region="64.09", sort="name") == sorted(found(actor, "amplang"))


def test_a_search_sorted_by_name_on_postgresql_sorts_its_matches(actor, shops):
    # PostgreSQL would walk the name index filtering every entry; `name || ''` sorts the same
    # without being that index, so the trigram bitmap's matches are sorted instead.
    EnterpriseFactory(name="amplang kecil")  # lower case: the collation decides, as for `name`
    qs = enterprise_list(actor=actor, filters=RegistryFilter(q="amplang", sort="-name"))
    if connection.vendor == "postgresql":
        assert "|| '')" in str(qs.query)
    by_name = [e.name for e in enterprise_list(actor=actor, filters=RegistryFilter(sort="-name"))]
    assert [e.name for e in qs] == [name for name in by_name if name != "Batik Benuo Taka"]
