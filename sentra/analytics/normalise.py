"""Indonesian topic normalisation for the overlap check (issue 17 §1).

Activity titles say the same thing many ways: *Bimtek* ≈ *Pelatihan* ≈ *Diklat* ≈ *Pelatihan teknis*,
*tenun ikat* ≈ *songket* ≈ *tenun*, *meubel* ≈ *furnitur* ≈ *mebel*. `topic_of(text)` reduces a title and
description to:

- `forms`: the form of the activity the words name (training, certification, exhibition …), canonical;
- `commodities`: the commodity or craft (tenun, batik, anyaman, kopi, …), canonical — this is what
  separates a weaving course from a batik course in the same village, where a fuzzy ratio of the titles
  cannot (87.7 vs 87.0 in anchors-next);
- `tokens`: every other meaningful word, lower-cased, without stop words and place words, for activities
  whose title names no known commodity.

Pure functions, no database: the bench and the tests call them directly.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Phrases first (longest match wins), then single words. Each maps to a canonical key.
FORM_SYNONYMS: dict[str, str] = {
    "bimbingan teknis": "pelatihan",
    "pelatihan teknis": "pelatihan",
    "pendidikan dan pelatihan": "pelatihan",
    "bimtek": "pelatihan",
    "diklat": "pelatihan",
    "pelatihan": "pelatihan",
    "latihan": "pelatihan",
    "kursus": "pelatihan",
    "workshop": "pelatihan",
    "lokakarya": "pelatihan",
    "training": "pelatihan",
    "magang": "pelatihan",
    "wirausaha baru": "wub",
    "wub": "wub",
    "sertifikasi halal": "halal",
    "sertifikat halal": "halal",
    "halal": "halal",
    "sni": "sni",
    "hki": "hki",
    "merek": "hki",
    "haki": "hki",
    "pameran": "pameran",
    "ekspo": "pameran",
    "expo": "pameran",
    "promosi": "pameran",
    "festival": "pameran",
    "bantuan mesin": "bantuan_alat",
    "bantuan peralatan": "bantuan_alat",
    "bantuan alat": "bantuan_alat",
    "mesin": "bantuan_alat",
    "peralatan": "bantuan_alat",
    "revitalisasi": "revitalisasi",
    "e-commerce": "ecommerce",
    "ecommerce": "ecommerce",
    "marketplace": "ecommerce",
    "onboarding": "ecommerce",
    "pemasaran digital": "ecommerce",
    "kajian": "kajian",
    "studi": "kajian",
}

COMMODITY_SYNONYMS: dict[str, str] = {
    "tenun ikat": "tenun",
    "kain tenun": "tenun",
    "menenun": "tenun",
    "tenunan": "tenun",
    "songket": "tenun",
    "ulos": "tenun",
    "tenun": "tenun",
    "batik tulis": "batik",
    "batik cap": "batik",
    "membatik": "batik",
    "batik": "batik",
    "anyaman": "anyaman",
    "menganyam": "anyaman",
    "anyam": "anyaman",
    "rotan": "rotan",
    "bambu": "bambu",
    "kopi": "kopi",
    "kakao": "kakao",
    "cokelat": "kakao",
    "coklat": "kakao",
    "makanan olahan": "pangan",
    "pangan olahan": "pangan",
    "olahan pangan": "pangan",
    "makanan ringan": "pangan",
    "kue": "pangan",
    "keripik": "pangan",
    "kerupuk": "pangan",
    "abon": "pangan",
    "gula aren": "gula_aren",
    "gula semut": "gula_aren",
    "gula merah": "gula_aren",
    "garam": "garam",
    "gerabah": "gerabah",
    "keramik": "gerabah",
    "tembikar": "gerabah",
    "mebel": "mebel",
    "meubel": "mebel",
    "furnitur": "mebel",
    "furniture": "mebel",
    "kayu": "kayu",
    "ukir": "ukir",
    "ukiran": "ukir",
    "kulit": "kulit",
    "alas kaki": "alas_kaki",
    "sepatu": "alas_kaki",
    "sandal": "alas_kaki",
    "logam": "logam",
    "pandai besi": "logam",
    "perak": "perak",
    "emas": "perhiasan",
    "perhiasan": "perhiasan",
    "bordir": "bordir",
    "sulam": "bordir",
    "konveksi": "konveksi",
    "pakaian jadi": "konveksi",
    "garmen": "konveksi",
    "jahit": "konveksi",
    "menjahit": "konveksi",
    "kosmetik": "kosmetik",
    "jamu": "jamu",
    "herbal": "jamu",
    "minyak atsiri": "atsiri",
    "atsiri": "atsiri",
    "kelapa": "kelapa",
    "vco": "kelapa",
    "sabut": "kelapa",
    "ikan": "ikan",
    "olahan ikan": "ikan",
    "rumput laut": "rumput_laut",
    "madu": "madu",
    "tahu": "tahu_tempe",
    "tempe": "tahu_tempe",
    "bengkel": "bengkel",
    "percetakan": "percetakan",
    "sablon": "percetakan",
}

STOP_WORDS = frozenset(
    """
    bagi untuk dan di ke dari pada dengan yang serta atau dalam oleh tentang se secara para kepada
    ikm umkm ukm imkm pelaku usaha industri kecil menengah mikro pengrajin perajin kelompok masyarakat
    kegiatan program peningkatan pengembangan penguatan fasilitasi kapasitas kualitas mutu produk produksi
    sentra tingkat dasar lanjutan lanjut angkatan tahap gelombang paket batch tahun ta
    desa kelurahan kecamatan kabupaten kota provinsi kab kec kel prov dusun kampung nagari gampong
    i ii iii iv v vi vii viii ix x
    """.split()
)
PLACE_WORDS = frozenset(
    {"desa", "kelurahan", "kecamatan", "kabupaten", "kota", "kab", "kec", "kel", "provinsi", "prov"}
)

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)?")


@dataclass(frozen=True)
class Topic:
    forms: frozenset[str]
    commodities: frozenset[str]
    tokens: frozenset[str]


def fold(text: str) -> str:
    """Lower case, accents off, punctuation to spaces (hyphens inside a word kept: e-commerce)."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(_WORD.findall(text))


def _phrases(table: dict[str, str]) -> list[tuple[tuple[str, ...], str]]:
    return sorted(((tuple(k.split()), v) for k, v in table.items()), key=lambda kv: -len(kv[0]))


_FORMS = _phrases(FORM_SYNONYMS)
_COMMODITIES = _phrases(COMMODITY_SYNONYMS)
_MAX_PHRASE = max(len(p) for p, _ in _FORMS + _COMMODITIES)
_FORM_INDEX = {p: v for p, v in _FORMS}
_COMMODITY_INDEX = {p: v for p, v in _COMMODITIES}
_PHRASE_STARTS = frozenset(p[0] for p, _ in _FORMS + _COMMODITIES if len(p) > 1)


@lru_cache(maxsize=65536)
def topic_of(text: str) -> Topic:
    """The topic of a title (and description): canonical forms, commodities and remaining tokens.

    A word right after a place word (desa Sumba, kab. Kutai …) is a place name, not a topic, and is
    dropped with it, so two activities in different villages do not share a "topic" word by name."""
    words = fold(text).split()
    forms: set[str] = set()
    commodities: set[str] = set()
    tokens: set[str] = set()
    i = 0
    while i < len(words):
        if words[i] in PLACE_WORDS:
            i += 2  # the place word and the name after it
            continue
        matched = False
        longest = min(_MAX_PHRASE, len(words) - i) if words[i] in _PHRASE_STARTS else 1
        for size in range(longest, 0, -1):
            phrase = tuple(words[i : i + size])
            if phrase in _COMMODITY_INDEX:
                commodities.add(_COMMODITY_INDEX[phrase])
            elif phrase in _FORM_INDEX:
                forms.add(_FORM_INDEX[phrase])
            else:
                continue
            i += size
            matched = True
            break
        if matched:
            continue
        word = words[i]
        if word not in STOP_WORDS and len(word) > 2 and not word.isdigit():
            tokens.add(_stem(word))
        i += 1
    return Topic(frozenset(forms), frozenset(commodities), frozenset(tokens))


def stored_keys(text: str) -> tuple[str, str]:
    """The commodities and forms of `text` as the overlap check stores them per activity
    (analytics.models.ActivityTopic): canonical keys in order, space-separated, with a space before the
    first and after the last (" batik tenun "), so that a key is found in SQL as `LIKE '% tenun %'`;
    "" when there is none."""
    topic = topic_of(text)
    return _joined(topic.commodities), _joined(topic.forms)


def _joined(keys) -> str:
    return f" {' '.join(sorted(keys))} " if keys else ""


def _rules() -> str:
    """A fingerprint of what `stored_keys` depends on (the synonyms, the place words, the parsing): a
    stored topic computed under other rules is not trusted and is computed again (ActivityTopic)."""
    parts = (
        TOPIC_RULES_VERSION,
        sorted(FORM_SYNONYMS.items()),
        sorted(COMMODITY_SYNONYMS.items()),
        sorted(PLACE_WORDS),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


#: Raise when topic_of's parsing changes in a way the tables above do not show.
TOPIC_RULES_VERSION = 1
RULES = _rules()


def _stem(word: str) -> str:
    """A light Indonesian stem: the common suffixes -nya, -an, -kan off long words (olahan → olah)."""
    for suffix in ("nya", "kan", "an"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def jaccard(a, b) -> float:
    a, b = set(a), set(b)
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


COMMODITY_LABELS: dict[str, str] = {
    "tenun": "tenun",
    "batik": "batik",
    "anyaman": "anyaman",
    "pangan": "makanan olahan",
    "gula_aren": "gula aren",
    "alas_kaki": "alas kaki",
    "rumput_laut": "rumput laut",
    "tahu_tempe": "tahu/tempe",
}
FORM_LABELS: dict[str, str] = {
    "pelatihan": "pelatihan",
    "wub": "wirausaha baru",
    "halal": "sertifikasi halal",
    "sni": "sertifikasi SNI",
    "hki": "HKI/merek",
    "pameran": "pameran/promosi",
    "bantuan_alat": "bantuan mesin/peralatan",
    "revitalisasi": "revitalisasi",
    "ecommerce": "e-commerce",
    "kajian": "kajian",
}


def commodity_label(key: str) -> str:
    return COMMODITY_LABELS.get(key, key.replace("_", " "))


def form_label(key: str) -> str:
    return FORM_LABELS.get(key, key.replace("_", " "))
