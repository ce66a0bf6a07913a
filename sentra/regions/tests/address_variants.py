"""Addresses written with the variants people use, generated from the real reference data.

Shared by the variant test (test_gazetteer_variants.py) and bench/gazetteer_variants.py. Every
address is made from one real village, written with some of: abbreviated name words ("Tg." for
Tanjung, "Sei" for Sungai, and the other way round for official names that carry the short form),
level words written twice ("Kec. Kecamatan …"), a hamlet or street part to ignore ("Dusun Krajan",
"Dk. Krajan", "Jl. Merdeka No. 5"), a locality alias instead of the village ("Somber"), mixed case
and punctuation, with or without the kecamatan and the regency. Whether the address is truly
ambiguous is decided from the names alone, as a reader would: another village whose name, written
the same way, fits every level the address gives.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from sentra.regions.gazetteer import ABBREVIATIONS, Gazetteer, Locality, expand_words, normalise

# Full word → the abbreviations people write for it (from the gazetteer's one table).
SHORT_FORMS: dict[str, list[str]] = defaultdict(list)
for _short, _readings in ABBREVIATIONS.items():
    for _reading in _readings:
        SHORT_FORMS[_reading].append(_short)
# How each short form is written: with or without its full stop (Sei is a word, not an abbreviation).
WRITTEN = {
    "tj": ["Tj.", "Tj"],
    "tg": ["Tg.", "Tg"],
    "sei": ["Sei", "SEI"],
    "sg": ["Sg.", "Sg"],
    "kp": ["Kp.", "Kp"],
    "pd": ["Pd.", "Pd"],
    "ps": ["Ps.", "Ps"],
    "psr": ["Psr.", "Psr"],
    "dk": ["Dk.", "Dk"],
    "kep": ["Kep.", "Kep"],
    "kepl": ["Kepl."],
}
SCENARIOS = [  # (name, weight): which levels the address gives
    ("village_district_regency", 40),
    ("village_regency", 25),
    ("village_district", 15),
    ("regency_first", 15),
    ("village_only", 5),
]
VILLAGE_PREFIXES = {
    "kel": ["", "Kel. ", "Kelurahan ", "Kel. Kelurahan ", "Kelurahan Kel. ", "KEL. KEL. "],
    "desa": ["", "Desa ", "Ds. ", "Ds. Desa ", "Desa Ds. ", "Desa Desa "],
}
DISTRICT_PREFIXES = ["", "Kec. ", "Kecamatan ", "Kec. Kecamatan ", "Kecamatan Kec. ", "Kec.Kec. "]
REGENCY_PREFIXES = ["", "Kab. ", "Kabupaten ", "Kab. Kabupaten ", "Kabupaten Kab. "]
CITY_PREFIXES = ["", "Kota ", "Kota ", "Kodya Kota "]
HAMLETS = [
    "Dusun Krajan",
    "Dsn. Krajan II",
    "Dk. Sidomulyo",
    "Dukuh Ngemplak",
    "Lingkungan III",
    "Jl. Merdeka No. 5",
    "Jl. Tg. Pura Gg. Mawar",
    "RT 02 RW 03",
]


@dataclass
class VariantCase:
    text: str
    code: str
    scenario: str
    truly_ambiguous: bool
    variants: tuple[str, ...]


def _key(name: str) -> str:
    """A name as the gazetteer compares it: abbreviations written out, spaces dropped."""
    return "".join(expand_words(normalise(name).split()))


def _readings(written: str) -> set[str]:
    """Every full name a written name may stand for ("Pd. Panjang": Pondok and Padang Panjang)."""
    keys = {""}
    words = normalise(written).split()
    for i, word in enumerate(words):
        options = ABBREVIATIONS.get(word, (word,)) if i < len(words) - 1 else (word,)
        keys = {k + option for k in keys for option in (*options, word)}
    return keys


class VariantReference:
    def __init__(self, gazetteer: Gazetteer, localities: list[Locality]) -> None:
        self.names = gazetteer.names
        self.villages = sorted(c for c in self.names if len(c) == 13)
        self.by_key: dict[str, list[str]] = defaultdict(list)
        for code in self.villages:
            name = self.names[code]
            # "Waskey/ Tanjung Batu" is also "Tanjung Batu", as the gazetteer reads it.
            for written in {name, *(name.split("/") if "/" in name else ())}:
                for key in _readings(written):
                    self.by_key[key].append(code)
        # Villages with a word that has a short form (or that is one): the bench leans on them.
        self.abbreviable = [
            c
            for c in self.villages
            if any(w in SHORT_FORMS or w in ABBREVIATIONS for w in normalise(self.names[c]).split()[:-1])
        ]
        self.localities = localities
        self.locality_keys: dict[str, list[str]] = defaultdict(list)
        for locality in localities:
            for key in _readings(locality.name):
                self.locality_keys[key].append(locality.village)

    def short(self, code: str) -> str:
        name = self.names[code]
        for prefix in ("Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota "):
            if name.startswith(prefix):
                return name[len(prefix) :]
        return name

    def namesakes(self, written: str, village: str, *, district: bool, regency: bool) -> int:
        """How many villages (or locality aliases) a reader could take `written` for, given the
        levels the address names (compared by name, as written)."""
        found = set()
        for key in _readings(written):
            for other in self.by_key.get(key, []) + self.locality_keys.get(key, []):
                if district and _readings(self.names[other[:8]]).isdisjoint(
                    _readings(self.names[village[:8]])
                ):
                    continue
                if regency and _readings(self.short(other[:5])).isdisjoint(
                    _readings(self.short(village[:5]))
                ):
                    continue
                found.add(other)
        return len(found)


def _abbreviate(name: str, rng: random.Random, used: list[str]) -> str:
    """Write one word of the name short ("Tanjung Morawa" → "Tg. Morawa"), or an official short
    form in full ("Sei Rampah" → "Sungai Rampah"); never the last word."""
    words = name.split()
    spots = [
        i
        for i, w in enumerate(words[:-1])
        if normalise(w) in SHORT_FORMS
        or (normalise(w) in ABBREVIATIONS and len(ABBREVIATIONS[normalise(w)]) == 1)
    ]
    if not spots:
        return name
    i = rng.choice(spots)
    word = normalise(words[i])
    if word in SHORT_FORMS:
        short = rng.choice(SHORT_FORMS[word])
        words[i] = rng.choice(WRITTEN.get(short, [short.title()]))
        used.append(f"{word}→{short}")
    else:
        words[i] = ABBREVIATIONS[word][0].title()
        used.append(f"{word}→{ABBREVIATIONS[word][0]}")
    return " ".join(words)


def _case(text: str, rng: random.Random) -> str:
    return rng.choice((str.lower, str.upper, str.title, lambda s: s, lambda s: s))(text)


def _punctuation(text: str, rng: random.Random) -> str:
    return rng.choice(
        (
            text,
            text.replace(". ", "."),
            text.replace(" ", "  "),
            text.replace(", ", " , "),
            text.replace(",", ";"),
        )
    )


def make_case(ref: VariantReference, village: str, rng: random.Random) -> VariantCase:
    scenario = rng.choices([s for s, _ in SCENARIOS], [w for _, w in SCENARIOS])[0]
    used: list[str] = []
    district, regency = village[:8], village[:5]
    locality = None
    aliases = [loc for loc in ref.localities if loc.village == village]
    if aliases and rng.random() < 0.7:
        locality = rng.choice(aliases)

    if locality:
        v_text = rng.choice(["", "Kawasan ", f"{locality.kind.title()} "]) + locality.name
        written_village = locality.name
        used.append("locality")
    else:
        kind = "kel" if village[9] == "1" else "desa"
        prefix = rng.choice(VILLAGE_PREFIXES[kind])
        written_village = (
            _abbreviate(ref.names[village], rng, used) if rng.random() < 0.8 else ref.names[village]
        )
        v_text = prefix + written_village
        if prefix.count(" ") > 1 or prefix.lower().startswith("desa desa"):
            used.append("doubled prefix")
    d_used: list[str] = []
    d_prefix = rng.choice(DISTRICT_PREFIXES)
    d_name = _abbreviate(ref.names[district], rng, d_used) if rng.random() < 0.5 else ref.names[district]
    d_text = d_prefix + d_name
    if d_prefix.count(" ") > 1 or d_prefix == "Kec.Kec. ":
        d_used.append("doubled prefix")
    r_used: list[str] = []
    is_city = ref.names[regency].startswith("Kota ")
    r_prefix = rng.choice(CITY_PREFIXES if is_city else REGENCY_PREFIXES)
    r_name = _abbreviate(ref.short(regency), rng, r_used) if rng.random() < 0.5 else ref.short(regency)
    r_text = r_prefix + r_name
    if r_prefix.count(" ") > 1:
        r_used.append("doubled prefix")

    parts = {
        "village_district_regency": [v_text, d_text, r_text],
        "village_regency": [v_text, r_text],
        "village_district": [v_text, d_text],
        "regency_first": [r_text, d_text, v_text],
        "village_only": [v_text],
    }[scenario]
    # Only the variants of the parts written count.
    used += (d_used if d_text in parts else []) + (r_used if r_text in parts else [])
    if rng.random() < 0.25:
        parts.insert(0, rng.choice(HAMLETS))
        used.append("hamlet part")
    text = _punctuation(_case(", ".join(parts), rng), rng)
    if text != ", ".join(parts):
        used.append("case/punctuation")

    has_district = scenario in ("village_district_regency", "village_district", "regency_first")
    has_regency = scenario in ("village_district_regency", "village_regency", "regency_first")
    matches = ref.namesakes(written_village, village, district=has_district, regency=has_regency)
    return VariantCase(text, village, scenario, matches > 1, tuple(dict.fromkeys(used)))


def make_cases(ref: VariantReference, samples: int, seed: int) -> list[VariantCase]:
    """`samples` addresses: half from villages whose names have a word with a short form, a few from
    the villages of locality aliases, the rest from all villages; the same seed gives the same list."""
    rng = random.Random(seed)
    with_locality = sorted({loc.village for loc in ref.localities})
    codes = [rng.choice(with_locality) for _ in range(max(1, samples // 50))] if with_locality else []
    half = (samples - len(codes)) // 2
    codes += rng.sample(ref.abbreviable, half)
    codes += rng.sample(ref.villages, samples - len(codes))
    rng.shuffle(codes)
    return [make_case(ref, code, rng) for code in codes]


@dataclass
class Score:
    n: int = 0
    answerable: int = 0
    right: int = 0
    ambiguous: int = 0
    flagged: int = 0
    ambiguous_right: int = 0
    wrong: int = 0
    not_found: int = 0

    def add(self, case: VariantCase, status: str, best: str | None, candidates: list[str]) -> str:
        """Count one answer; returns what went wrong ("" when nothing did)."""
        self.n += 1
        if status == "resolved" and best != case.code:
            self.wrong += 1
            return "wrong"
        if case.truly_ambiguous:
            self.ambiguous += 1
            # Flagged: the answer lists the candidates (the first ten; a name shared by dozens of
            # villages may list others first).
            if status == "ambiguous" and (case.code in candidates or len(candidates) >= 10):
                self.flagged += 1
                return ""
            if status == "resolved":  # its own village, which the reader could not tell: not wrong
                self.ambiguous_right += 1
                return ""
            return "ambiguous not flagged"
        self.answerable += 1
        if status == "resolved":
            self.right += 1
            return ""
        self.not_found += status == "not_found"
        return status

    def share(self, part: int, whole: int) -> float:
        return 100.0 * part / max(1, whole)


def score(gazetteer: Gazetteer, cases: list[VariantCase]) -> tuple[Score, list[tuple[VariantCase, str, str]]]:
    tally = Score()
    misses = []
    for case in cases:
        result = gazetteer.resolve(case.text, level=4)
        problem = tally.add(
            case,
            result.status,
            result.best.code if result.best else None,
            [c.code for c in result.candidates],
        )
        if problem:
            misses.append((case, problem, result.reason))
    return tally, misses
