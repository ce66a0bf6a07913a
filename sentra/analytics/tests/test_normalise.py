import pytest

from sentra.analytics.normalise import fold, jaccard, topic_of


@pytest.mark.parametrize(
    "title",
    [
        "Pelatihan tenun ikat bagi IKM Desa Sumba",
        "Bimtek Tenun Ikat IKM desa Sumba",
        "Diklat kain tenun",
        "Pelatihan teknis songket",
        "BIMBINGAN TEKNIS menenun",
    ],
)
def test_weaving_trainings_normalise_to_one_topic(title):
    topic = topic_of(title)
    assert topic.forms == {"pelatihan"}
    assert topic.commodities == {"tenun"}


def test_weaving_and_batik_are_different_commodities_though_titles_are_alike():
    assert topic_of("Pelatihan tenun ikat Desa Sumba").commodities == {"tenun"}
    assert topic_of("Pelatihan batik Desa Sumba").commodities == {"batik"}


def test_place_names_after_a_place_word_are_not_topic_words():
    topic = topic_of("Pelatihan pengolahan ikan Desa Karya Kec. Penajam Kab. Penajam Paser Utara")
    assert topic.commodities == {"ikan"}
    assert "karya" not in topic.tokens and "penajam" not in topic.tokens


def test_synonym_phrases_win_over_their_words():
    assert topic_of("Fasilitasi sertifikasi halal produk pangan olahan").forms == {"halal"}
    assert topic_of("Pameran produk meubel").commodities == {"mebel"}
    assert topic_of("Bimtek furnitur").commodities == {"mebel"}
    assert topic_of("Pelatihan gula semut").commodities == {"gula_aren"}


def test_stop_words_and_numbers_drop_and_words_are_stemmed():
    topic = topic_of("Peningkatan kapasitas IKM angkatan II tahun 2026 pengemasan")
    assert topic.tokens == {"pengemas"}


def test_fold_and_jaccard():
    assert fold("E-Commerce, Kopi  Luwak!") == "e-commerce kopi luwak"
    assert jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)
    assert jaccard(set(), set()) == 0.0
