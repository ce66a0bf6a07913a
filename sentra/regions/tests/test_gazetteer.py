import json

import pytest
from django.core.management import call_command

from sentra.regions.gazetteer import Gazetteer, get_gazetteer, reset_gazetteer, resolve_place
from sentra.regions.services import DATA_DIR

# Real codes from sentra/regions/data/regions/villages.csv.
SALO_LOANG = "64.09.01.1002"  # Kelurahan Salo Loang, Kec. Penajam, Kab. Penajam Paser Utara
API_API_PPU = "64.09.02.2001"  # Desa Api-api, Kec. Waru, Kab. Penajam Paser Utara
API_API_BONTANG = "64.74.01.1006"  # Kelurahan Api-api, Kec. Bontang Utara, Kota Bontang
KELURAHAN_PENAJAM = "64.09.01.1011"
SIDOREJO_PPU = "64.09.01.2022"
PURWOSARI_KUDUS = "33.19.02.1001"  # Kel. Purwosari, Kec. Kota Kudus, Kab. Kudus
KUDUS = "33.19"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_csv(DATA_DIR / "regions")


@pytest.mark.parametrize(
    "text",
    [
        "Kelurahan Saloloang, Kecamatan Penajam, Kab. Penajam Paser Utara",
        "Kel. Salo Loang, Kec. Penajam, Kabupaten Penajam Paser Utara",
        "KAB  PENAJAM-PASER utara ,  kec.penajam , kel . salo  loang",
        "Salo-loang, Penajam",
        "Jl. Sudirman No. 5, RT 02 RW 03, Kel. Salo Loang, Kec. Penajam, 76141",
        "Kel. Saloloang Kec. Penajam Kab. Penajam Paser Utara",
    ],
)
def test_saloloang_written_with_prefixes_spacing_or_order_resolves_to_its_code(gazetteer, text):
    result = gazetteer.resolve(text)
    assert result.status == "resolved", result.reason
    assert result.best.code == SALO_LOANG
    assert result.best.path == ["Kalimantan Timur", "Kabupaten Penajam Paser Utara", "Penajam", "Salo Loang"]
    assert result.best.score == 1.0


def test_api_api_with_its_kecamatan_and_regency_resolves_to_the_one_in_penajam_paser_utara(gazetteer):
    result = gazetteer.resolve("Api-Api, Waru, Penajam Paser Utara")
    assert result.status == "resolved"
    assert result.best.code == API_API_PPU


def test_api_api_with_only_the_city_resolves_to_the_one_in_bontang(gazetteer):
    assert gazetteer.resolve("Kel. Api-api, Kota Bontang").best.code == API_API_BONTANG


def test_api_api_alone_is_ambiguous_and_lists_both_kalimantan_timur_candidates(gazetteer):
    result = gazetteer.resolve("Api-Api")
    assert result.status == "ambiguous"
    assert result.best is None
    codes = {c.code for c in result.candidates}
    assert {API_API_PPU, API_API_BONTANG} <= codes
    assert "Kota Bontang" in result.reason and "Penajam Paser Utara" in result.reason


def test_within_narrows_an_ambiguous_name_to_one_answer(gazetteer):
    assert gazetteer.resolve("Api-Api", within="64.74").best.code == API_API_BONTANG
    assert gazetteer.resolve("Api-Api", within="6409").best.code == API_API_PPU


def test_village_in_the_wrong_kecamatan_is_contradictory_and_shows_where_it_really_is(gazetteer):
    result = gazetteer.resolve("Kel. Salo Loang, Kec. Waru, Kab. Penajam Paser Utara")
    assert result.status == "contradictory"
    assert result.best is None
    assert result.candidates[0].code == SALO_LOANG
    assert "Kecamatan Penajam" in result.reason and "Kecamatan Waru" in result.reason


def test_village_in_the_wrong_regency_is_contradictory(gazetteer):
    result = gazetteer.resolve("Desa Sidorejo, Kec. Penajam, Kota Bontang")
    assert result.status == "contradictory"
    assert result.candidates[0].code == SIDOREJO_PPU
    assert "Kota Bontang" in result.reason


def test_kab_kudus_resolves_to_the_regency(gazetteer):
    result = gazetteer.resolve("Kab. Kudus")
    assert (result.status, result.best.code, result.best.level) == ("resolved", KUDUS, 2)


def test_kota_prefix_chooses_the_city_over_a_village_of_the_same_name(gazetteer):
    assert gazetteer.resolve("Kota Bontang").best.code == "64.74"


def test_old_oe_spelling_resolves(gazetteer):
    result = gazetteer.resolve("Kel. Poerwosari, Kec. Kota Koedoes, Kab. Koedoes")
    assert result.status == "resolved"
    assert result.best.code == PURWOSARI_KUDUS
    assert result.best.score < 1.0


def test_old_dj_and_tj_spellings_resolve(gazetteer):
    assert gazetteer.resolve("Desa Sidoredjo, Kec. Penajam").best.code == SIDOREJO_PPU
    assert gazetteer.resolve("Kab. Tjilatjap").best.code == "33.01"


def test_small_typo_is_matched_among_the_children_of_the_named_kecamatan(gazetteer):
    result = gazetteer.resolve("Kel. Salolong, Kec. Penajam, Kab. Penajam Paser Utara")
    assert result.status == "resolved"
    assert result.best.code == SALO_LOANG
    assert 0.5 < result.best.score < 1.0


def test_name_shared_by_a_kecamatan_and_its_kelurahan_is_ambiguous_unless_a_level_is_asked(gazetteer):
    assert gazetteer.resolve("Penajam, Penajam Paser Utara").status == "ambiguous"
    assert gazetteer.resolve("Penajam, Penajam Paser Utara", level=4).best.code == KELURAHAN_PENAJAM
    assert gazetteer.resolve("Kec. Penajam, Penajam Paser Utara").best.code == "64.09.01"


def test_level_above_the_village_returns_the_containing_region(gazetteer):
    assert gazetteer.resolve("Salo Loang, Penajam", level=2).best.code == "64.09"


@pytest.mark.parametrize("text", ["64.09.01.1002", "6409011002", " 64.09.01.1002 "])
def test_code_written_dotted_or_undotted_resolves_directly(gazetteer, text):
    result = gazetteer.resolve(text)
    assert (result.status, result.best.code, result.best.level) == ("resolved", SALO_LOANG, 4)


def test_unknown_code_and_unknown_name_are_not_found(gazetteer):
    assert gazetteer.resolve("99.99.99.9999").status == "not_found"
    result = gazetteer.resolve("Zzyzx Qwertyuiop")
    assert (result.status, result.best, result.candidates) == ("not_found", None, [])


def test_as_dict_is_json_ready(gazetteer):
    data = gazetteer.resolve("Api-Api").as_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"query", "status", "best", "candidates", "reason"}


def test_get_gazetteer_is_built_once_from_the_region_table_and_can_be_reset(db):
    reset_gazetteer()
    first = get_gazetteer()
    assert get_gazetteer() is first
    assert resolve_place("Kab. Kudus").best.code == KUDUS
    reset_gazetteer()
    assert get_gazetteer() is not first


def test_resolve_place_command_prints_json(db, capsys):
    call_command("resolve_place", "Kelurahan Saloloang, Kecamatan Penajam, Kab. Penajam Paser Utara")
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "resolved"
    assert data["best"]["code"] == SALO_LOANG
    assert data["best"]["path"][-1] == "Salo Loang"


def test_resolve_place_command_accepts_level_and_within(db, capsys):
    call_command("resolve_place", "Api-Api", "--within", "64.74", "--level", "4")
    assert json.loads(capsys.readouterr().out)["best"]["code"] == API_API_BONTANG


def test_names_shared_by_many_villages_list_equal_candidates_in_code_order(gazetteer):
    """The order of tied candidates must not depend on the process (hash seed, set order)."""
    result = gazetteer.resolve("Sidorejo")
    assert result.status == "ambiguous"
    assert len(result.candidates) == 10
    assert [c.code for c in result.candidates] == sorted(c.code for c in result.candidates)
    assert gazetteer.resolve("Sidorejo").as_dict() == result.as_dict()


def test_asking_for_a_village_gives_the_same_answer_as_asking_for_any_level(gazetteer):
    for text in (
        "Kel. Salolong, Kec. Penajam, Kab. Penajam Paser Utara",
        "Kel. Salo Loang, Kec. Waru, Kab. Penajam Paser Utara",
        "Api-Api",
        "Desa Sidoredjo, Kec. Penajam",
    ):
        anywhere = gazetteer.resolve(text)
        village = gazetteer.resolve(text, level=4)
        assert (village.status, village.best) == (anywhere.status, anywhere.best), text
        assert [c.code for c in village.candidates] == [
            c.code for c in anywhere.candidates if c.level == 4
        ], text


def test_typo_in_the_kecamatan_is_matched_within_the_named_regency(gazetteer):
    result = gazetteer.resolve("Kel. Salo Loang, Kec. Penajm, Kab. Penajam Paser Utara", level=4)
    assert (result.status, result.best.code) == ("resolved", SALO_LOANG)
    assert result.best.score < 1.0


def test_typo_with_within_and_old_spelling(gazetteer):
    result = gazetteer.resolve("Desa Sidoredjo", within="64.09")
    assert (result.status, result.best.code) == ("resolved", SIDOREJO_PPU)


def test_letter_masks_give_difflib_quick_ratio_exactly():
    from difflib import SequenceMatcher

    from sentra.regions.gazetteer import _letter_mask

    words = [
        "saloloang",
        "salolong",
        "anna",
        "nana",
        "a",
        "tanjungagung",
        "juluii",
        "juluiii",
        "r2d2",
        "kotabaru",
    ]
    for a in words:
        for b in words:
            shared = (_letter_mask(a) & _letter_mask(b)).bit_count()
            assert 2.0 * shared / (len(a) + len(b)) == SequenceMatcher(None, a, b).quick_ratio(), (a, b)


def test_similar_keeps_the_three_best_ratios_above_the_threshold_as_a_plain_scan_would(gazetteer):
    from difflib import SequenceMatcher

    from sentra.regions.gazetteer import FUZZY_THRESHOLD

    pool = list(gazetteer._neighbourhood("64.09"))
    key = "salolong"
    expected = []
    for code in pool:
        ratio = SequenceMatcher(None, gazetteer._fuzzy_key[code], key, autojunk=False).ratio()
        if ratio >= FUZZY_THRESHOLD:
            expected.append((code, ratio))
    expected.sort(key=lambda item: -item[1])
    memo: dict[str, float] = {}
    assert gazetteer._similar(key, pool, memo) == expected[:3]
    assert SALO_LOANG in dict(expected)
    # A second scan answers from the memo, and skipped codes are left out.
    assert gazetteer._similar(key, pool, memo) == expected[:3]
    assert SALO_LOANG not in dict(gazetteer._similar(key, pool, {}, {SALO_LOANG}))


def test_indexes_are_tuples_the_garbage_collector_does_not_track(gazetteer):
    import gc

    gc.collect()
    assert isinstance(gazetteer.children["64.09"], tuple)
    assert not gc.is_tracked(gazetteer.children["64.09"])
    assert not gc.is_tracked(next(iter(gazetteer._by_loose.values())))
