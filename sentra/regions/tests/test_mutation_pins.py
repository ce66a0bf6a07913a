"""Pin of the gazetteer's tie margin (issue 14.7): readings within TIE_MARGIN of the best are ties,
so a locality alias (quality 0.98) ties with a real village of the same name (1.0) and the address
is flagged as ambiguous instead of silently going to the village; a gap wider than the margin (a
loose spelling, 0.93, against an exact name) is no tie."""

from __future__ import annotations

from sentra.regions.gazetteer import Q_EXACT, Q_LOCALITY, Q_LOOSE, TIE_MARGIN, Gazetteer

ROWS = [
    ("64", "Kalimantan Timur"),
    ("64.09", "Kabupaten Penajam Paser Utara"),
    ("64.09.01", "Penajam"),
    ("64.09.01.1002", "Salo Loang"),
    ("64.09.02", "Waru"),
    ("64.09.02.2001", "Api-api"),
    ("64.09.02.2002", "Bangun Mulya"),
]
SALO_LOANG, API_API = "64.09.01.1002", "64.09.02.2001"


def test_the_margin_sits_between_a_locality_and_a_loose_spelling():
    assert Q_EXACT - Q_LOCALITY < TIE_MARGIN < Q_EXACT - Q_LOOSE


def test_a_locality_alias_ties_with_a_village_of_the_same_name():
    gazetteer = Gazetteer(ROWS, [("Api-Api", "kampung", SALO_LOANG, "test")])
    result = gazetteer.resolve("Api-Api, Penajam Paser Utara", level=4)
    assert result.status == "ambiguous", result.reason
    assert {c.code for c in result.candidates} == {SALO_LOANG, API_API}


def test_without_the_alias_the_village_is_resolved():
    result = Gazetteer(ROWS).resolve("Api-Api, Penajam Paser Utara", level=4)
    assert (result.status, result.best.code) == ("resolved", API_API), result.reason
