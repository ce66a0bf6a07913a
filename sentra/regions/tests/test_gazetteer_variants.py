"""The gazetteer reads addresses as people write them (issue 13.10): abbreviated place-name words,
level words written twice, and named localities that are not villages, from a table with a source
for every entry."""

import csv

import pytest

from sentra.regions.gazetteer import (
    ABBREVIATIONS,
    Gazetteer,
    get_gazetteer,
    read_localities,
    reset_gazetteer,
    resolve_place,
)
from sentra.regions.models import LocalityAlias
from sentra.regions.services import DATA_DIR, _load_localities
from sentra.regions.tests.address_variants import VariantReference, make_cases, score

# Real codes from sentra/regions/data/regions/villages.csv.
BATU_AMPAR = "64.71.03.1001"  # Kelurahan Batu Ampar, Kec. Balikpapan Utara, Kota Balikpapan
SOMBER_SAMPANG = "35.27.08.2009"  # Desa Somber, Kab. Sampang (a real village of that name)
SOMBER_SUMENEP = "35.29.21.2002"  # Desa Somber, Kab. Sumenep
SALO_LOANG = "64.09.01.1002"
API_API_PPU = "64.09.02.2001"
SIDOREJO_PPU = "64.09.01.2022"
TANJUNG_PRIOK = "31.72.02.1001"  # Kelurahan Tanjung Priok, Jakarta Utara
SUNGAINANGKA = "64.71.05.1010"  # Kelurahan Sungainangka, Balikpapan Selatan
SEI_RAMPAH = "12.18.04.2006"  # Desa Sei Rampah, Kab. Serdang Bedagai (official short form)
KAMPUNG_EMPAT = "65.71.03.1003"  # Kelurahan Kampung Empat, Tarakan Timur
PONDOK_AREN = "36.74.03.1005"  # Kelurahan Pondok Aren, Kota Tangerang Selatan
PADANG_TUALANG = "12.05.12.2002"  # Desa Padang Tualang, Kab. Langkat
PASAR_KLIWON = "33.72.03.1003"  # Kelurahan Pasarkliwon, Kota Surakarta
DUKUH_PAKIS = "35.78.21.1001"  # Kelurahan Dukuh Pakis, Kota Surabaya


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_csv(DATA_DIR / "regions")


@pytest.mark.parametrize(
    "text, code",
    [
        ("Kel. Tj. Priok, Jakarta Utara", TANJUNG_PRIOK),
        ("Tg. Priok, Kec. Tg. Priok, Jakarta Utara", TANJUNG_PRIOK),
        ("Kel. Sei Nangka, Balikpapan Selatan", SUNGAINANGKA),
        ("Sg. Nangka, Kota Balikpapan", SUNGAINANGKA),
        ("Desa Sungai Rampah, Kec. Sungai Rampah", SEI_RAMPAH),  # official short form, written out
        ("Kp. Empat, Kota Tarakan", KAMPUNG_EMPAT),
        ("Kel. Pd. Aren, Kec. Pondok Aren", PONDOK_AREN),  # Pd. as Pondok (Java) …
        ("Pd. Tualang, Langkat", PADANG_TUALANG),  # … and as Padang (Sumatra)
        ("Ps. Kliwon, Surakarta", PASAR_KLIWON),
        ("Kel. Ps. Kota, Kec. Rengat, Kab. Indragiri Hulu", "14.02.01.1006"),  # "kota" as a name word
        ("Dk. Pakis, Surabaya", DUKUH_PAKIS),
    ],
)
def test_each_abbreviated_place_name_word_is_read_as_the_word(gazetteer, text, code):
    result = gazetteer.resolve(text, level=4)
    assert (result.status, result.best and result.best.code) == ("resolved", code), result.reason


def test_every_abbreviation_in_the_table_is_tested_above_or_predates_issue_13():
    tested = {"tj", "tg", "sei", "sg", "kp", "pd", "ps", "dk", "psr"}
    assert set(ABBREVIATIONS) - tested <= {"kep", "kepl"}


def test_psr_is_pasar_too(gazetteer):
    result = gazetteer.resolve("Kel. Psr. Kliwon, Kec. Psr. Kliwon", level=4)
    assert (result.status, result.best.code) == ("resolved", PASAR_KLIWON)


def test_an_abbreviation_is_only_read_before_another_name_word(gazetteer):
    # Desa Se'i (Timor Tengah Selatan) is "sei" on its own: never "Sungai".
    result = gazetteer.resolve("Sei", level=4)
    assert result.best is not None and result.best.name == "Se'i"


def test_a_hamlet_part_opened_by_dk_is_ignored_like_dusun(gazetteer):
    result = gazetteer.resolve("Dk. Krajan, Ds. Api-Api, Kec. Waru", level=4)
    assert (result.status, result.best.code) == ("resolved", API_API_PPU)


def test_a_village_whose_official_name_begins_with_dusun_is_not_skipped_as_a_hamlet(gazetteer):
    code = next(c for c, n in gazetteer.names.items() if len(c) == 13 and n.startswith("Dusun Baru"))
    district = gazetteer.names[code[:8]]
    result = gazetteer.resolve(f"{gazetteer.names[code]}, Kec. {district}", level=4)
    assert (result.status, result.best.code) == ("resolved", code), result.reason


@pytest.mark.parametrize(
    "text, code",
    [
        ("Kec. Kecamatan Penajam, Kab. Kabupaten Penajam Paser Utara", "64.09.01"),
        ("Kel. Kelurahan Salo Loang, Kec. Kecamatan Penajam", SALO_LOANG),
        ("Ds. Desa Api-Api, Kec.Kec. Waru", API_API_PPU),
        ("Desa Ds. Sidorejo, Kecamatan Kec. Penajam", SIDOREJO_PPU),
        ("KEL. KEL. SALO LOANG; KAB. KABUPATEN PENAJAM PASER UTARA", SALO_LOANG),
    ],
)
def test_a_level_word_written_twice_is_read_once(gazetteer, text, code):
    result = gazetteer.resolve(text)
    assert (result.status, result.best and result.best.code) == ("resolved", code), result.reason


def test_two_different_level_words_are_not_collapsed(gazetteer):
    # "Kab. Kota Baru" is Kabupaten Kotabaru, not "Kota Baru" read as a city.
    assert gazetteer.resolve("Kab. Kota Baru").best.code == "63.02"


def test_somber_balikpapan_is_kelurahan_batu_ampar_and_the_reason_names_the_locality_and_its_source(
    gazetteer,
):
    result = gazetteer.resolve("Somber, Balikpapan", level=4)
    assert (result.status, result.best.code) == ("resolved", BATU_AMPAR)
    assert "Somber" in result.reason and "Kelurahan Batu Ampar" in result.reason
    assert "https://web.balikpapan.go.id/berita/read/8389" in result.reason
    assert "ejaan" not in result.reason  # an alias is not a misspelling


@pytest.mark.parametrize(
    "text",
    [
        "Kawasan Somber, Kec. Balikpapan Utara",
        "Jl. Alam Baru, Dusun Somber, Kota Balikpapan",
        "somber balikpapan utara",
    ],
)
def test_somber_written_other_ways(gazetteer, text):
    result = gazetteer.resolve(text, level=4)
    assert (result.status, result.best.code) == ("resolved", BATU_AMPAR), result.reason


def test_somber_alone_is_ambiguous_with_the_real_villages_of_that_name(gazetteer):
    result = gazetteer.resolve("Somber", level=4)
    assert result.status == "ambiguous" and result.best is None
    assert {BATU_AMPAR, SOMBER_SAMPANG, SOMBER_SUMENEP} <= {c.code for c in result.candidates}


def test_a_locality_never_silently_beats_a_village_of_the_same_name(tmp_path):
    """An alias "Api-Api" in Kelurahan Salo Loang and the real Desa Api-Api are both in Penajam
    Paser Utara: the address is flagged, not guessed; naming the kecamatan decides."""
    path = tmp_path / "localities.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "kind", "village_code", "source", "note"])
        writer.writerow(["Api-Api", "kampung", SALO_LOANG, "test", ""])
    gazetteer = Gazetteer.from_csv(DATA_DIR / "regions", localities=path)
    result = gazetteer.resolve("Api-Api, Penajam Paser Utara", level=4)
    assert result.status == "ambiguous"
    assert {SALO_LOANG, API_API_PPU} <= {c.code for c in result.candidates}
    assert gazetteer.resolve("Api-Api, Kec. Waru", level=4).best.code == API_API_PPU
    assert gazetteer.resolve("Api-Api, Kec. Penajam", level=4).best.code == SALO_LOANG


def test_with_the_variants_switched_off_the_gazetteer_reads_as_before():
    off = Gazetteer.from_csv(DATA_DIR / "regions", variants=False)
    assert off.resolve("Somber, Balikpapan", level=4).status != "resolved"
    assert off.resolve("Kp. Empat, Kota Tarakan", level=4).status == "not_found"


def test_every_shipped_locality_has_a_source_and_a_real_village(gazetteer):
    localities = read_localities(DATA_DIR / "localities.csv")
    assert localities
    for locality in localities:
        assert locality.source.strip(), locality
        assert len(locality.village) == 13 and locality.village in gazetteer.names, locality
        assert locality.kind in LocalityAlias.Kind.values, locality


def test_load_reference_loads_the_localities_and_the_process_gazetteer_uses_them(db):
    alias = LocalityAlias.objects.get(name="Somber")
    assert alias.village_id == BATU_AMPAR and alias.source.startswith("https://")
    reset_gazetteer()
    try:
        result = resolve_place("Somber, Balikpapan", level=4)
        assert (result.status, result.best.code) == ("resolved", BATU_AMPAR)
        assert "Somber" in result.reason
    finally:
        reset_gazetteer()
    assert get_gazetteer() is not None


def test_localities_csv_rows_are_upserted_stale_ones_removed_and_a_row_without_source_refused(db, tmp_path):
    path = tmp_path / "localities.csv"

    def write(*rows):
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["name", "kind", "village_code", "source", "note"])
            writer.writerows(rows)

    write(["Kampung Uji", "kampung", SALO_LOANG, "https://example.org/a", ""])
    _load_localities(path)
    assert list(LocalityAlias.objects.values_list("name", "source")) == [
        ("Kampung Uji", "https://example.org/a")
    ]
    write(["Kampung Uji", "kampung", SALO_LOANG, "https://example.org/b", "moved"])
    _load_localities(path)
    assert LocalityAlias.objects.get().source == "https://example.org/b"
    write(["Dusun Lain", "dusun", API_API_PPU, "https://example.org/c", ""])
    _load_localities(path)
    assert list(LocalityAlias.objects.values_list("name", flat=True)) == ["Dusun Lain"]
    write(["Tanpa Sumber", "dusun", SALO_LOANG, " ", ""])
    with pytest.raises(ValueError, match="Tanpa Sumber"):
        _load_localities(path)


def test_a_seeded_sample_of_variant_addresses_is_read_right(gazetteer):
    """≥ 99.5 % of answerable addresses to the right village, none to a wrong one, and the truly
    ambiguous ones flagged (the full measurement: bench/gazetteer_variants.py)."""
    ref = VariantReference(gazetteer, read_localities(DATA_DIR / "localities.csv"))
    cases = make_cases(ref, 600, seed=20261206)
    assert sum("locality" in c.variants for c in cases) >= 5
    assert sum("doubled prefix" in c.variants for c in cases) >= 100
    assert sum(any("→" in v for v in c.variants) for c in cases) >= 200
    tally, misses = score(gazetteer, cases)
    assert tally.wrong == 0, misses
    assert tally.right / tally.answerable >= 0.995, misses
    assert tally.flagged + tally.ambiguous_right == tally.ambiguous, misses
