"""Searching a phrase of several words (a full name): the same matches, fewer index lists read.

pg_trgm answers `%usaha jamu makmur berkah%` by reading the posting lists of all 22 trigrams of the
phrase, each long when its word is common: 0.1-0.2 s of a rare full name's 0.2 s at 4.4 million
rows. PostgreSQL's probe asks the trigram indexes for the first and last three letters of each
word only (8 lists) and tests the few candidates for the whole phrase with `strpos`, which no
index serves (selectors._sparse_trigram_q). The matches must stay those of `icontains` on the name
or the owner, on both databases: a row holding every word in another order is not one.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sentra.registry import selectors
from sentra.registry.selectors import RegistryFilter, enterprise_list
from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def found(actor, q: str, **filters) -> list[str]:
    return [e.name for e in enterprise_list(actor=actor, filters=RegistryFilter(q=q, **filters))]


@pytest.fixture
def names(db):
    EnterpriseFactory(name="Usaha Jamu Makmur Berkah", owner_name="Siti Rahayu")
    EnterpriseFactory(name="Jamu Berkah Usaha Makmur", owner_name="Joko Susilo")  # every word, other order
    EnterpriseFactory(name="Usaha Jamu Makmur", owner_name="Berkah Usaha Jamu Makmur")  # phrase cut short
    EnterpriseFactory(name="Kopi Bubuk Sinar", owner_name="H. Usaha Jamu Makmur Berkahnya")  # in the owner
    EnterpriseFactory(name="CV. Jamu-Makmur Berkah", owner_name="")  # a hyphen, not a space


def test_a_full_name_finds_the_names_and_owners_holding_that_exact_phrase(actor, names):
    assert found(actor, "Usaha Jamu Makmur Berkah") == ["Kopi Bubuk Sinar", "Usaha Jamu Makmur Berkah"]
    assert found(actor, "uSAHA jamu MAKMUR berkah") == ["Kopi Bubuk Sinar", "Usaha Jamu Makmur Berkah"]


def test_the_words_of_the_phrase_in_another_order_or_apart_are_not_a_match(actor, names):
    assert found(actor, "Berkah Usaha Jamu") == ["Usaha Jamu Makmur"]  # the owner holds it
    assert found(actor, "Jamu Makmur Berkah") == ["Kopi Bubuk Sinar", "Usaha Jamu Makmur Berkah"]
    assert found(actor, "Jamu-Makmur Berkah") == ["CV. Jamu-Makmur Berkah"]
    assert found(actor, "Makmur Berkah Usaha") == []


def test_a_phrase_cut_mid_word_matches_as_a_substring(actor, names):
    assert found(actor, "ha Jamu Makmur Ber") == ["Kopi Bubuk Sinar", "Usaha Jamu Makmur Berkah"]
    assert found(actor, "mur Berkahn") == ["Kopi Bubuk Sinar"]


def test_a_phrase_and_a_region_filter_together(actor, names):
    both = ["Kopi Bubuk Sinar", "Usaha Jamu Makmur Berkah"]
    assert found(actor, "Usaha Jamu Makmur Berkah", region="64") == both
    assert found(actor, "Usaha Jamu Makmur Berkah", region="33") == []


def test_postgresql_asks_the_trigram_indexes_for_the_words_ends_only(actor, names):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite reads the phrase from its FTS5 table")
    with CaptureQueriesContext(connection) as queries:
        assert found(actor, "Usaha Jamu Makmur Berkah", region="64") == [
            "Kopi Bubuk Sinar",
            "Usaha Jamu Makmur Berkah",
        ]
    probe = [q["sql"] for q in queries if "LIMIT 1001" in q["sql"] and not q["sql"].startswith("EXPLAIN")]
    assert len(probe) == 1, probe
    likes = probe[0].count(" LIKE ")
    assert likes == 2 * 8  # usa, aha, jam, amu, mak, mur, ber, kah in the name, then in the owner
    assert "%USAHA JAMU MAKMUR BERKAH%" not in probe[0].upper()  # the phrase is no trigram condition
    assert probe[0].count("STRPOS(") == 2  # but tested on every candidate


def test_a_single_word_keeps_the_probe_of_all_its_trigrams(actor, names):
    # Two of one word's trigrams ("ren", "ang" of "rendang") can be common together.
    with CaptureQueriesContext(connection) as queries:
        assert found(actor, "Berkahnya") == ["Kopi Bubuk Sinar"]
    if connection.vendor == "postgresql":
        assert not [q for q in queries if "STRPOS(" in q["sql"]]


def test_sqlite_asks_fts5_for_the_words_ends_only(actor, names):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL asks its trigram indexes")
    with CaptureQueriesContext(connection) as queries:
        assert found(actor, "Usaha Jamu Makmur Berkah") == ["Kopi Bubuk Sinar", "Usaha Jamu Makmur Berkah"]
    matched = [q["sql"] for q in queries if "MATCH" in q["sql"]]
    assert len(matched) == 1, matched
    assert '"usa" and "aha" and "jam"' in matched[0].lower()  # fragments, not the phrase
    assert '"usaha jamu makmur berkah"' not in matched[0].lower()


def test_fragments_finding_too_many_rows_fall_back_to_the_whole_phrase(actor, names, monkeypatch):
    monkeypatch.setattr(selectors, "FTS_SPARSE_CANDIDATES", 1)
    assert found(actor, "Usaha Jamu Makmur Berkah") == ["Kopi Bubuk Sinar", "Usaha Jamu Makmur Berkah"]
    assert found(actor, "Makmur Berkah Usaha") == []
