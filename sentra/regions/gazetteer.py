"""The gazetteer: free-text Indonesian place names to Kemendagri region codes.

Everything is answered from dict indexes built once per process (about 92,000 names), so a query
costs a handful of dict lookups. Candidates come from the exact compact key first, then a "loose"
key that folds old spellings and doubled letters; only when that fails is a fuzzy comparison made,
and only against the few dozen children of a region the rest of the address already pinned down.

An address is read as a set of mentions (comma parts, or name spans found inside one part). Every
candidate region is scored by how many mentions its own ancestor chain explains; the best chain
wins only if no other chain explains the text as well (ambiguous) and no mention names a region
outside it (contradictory), so the caller is never handed a silent guess.
"""

from __future__ import annotations

import csv
import re
import sys
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _

from .codes import normalise_code

SEGMENT_LENGTHS = (2, 5, 8, 13)
LEVEL_BY_LENGTH = {2: 1, 5: 2, 8: 3, 13: 4}

# Match qualities: a loose-key hit must lose to an exact hit of another region, while the tie
# margin still treats "Salo Loang" and "Saloloang" as the same name.
Q_EXACT = 1.0
Q_LOOSE = 0.93
Q_WRONG_KIND = 0.9  # "Kab. Bontang" for Kota Bontang
Q_WRONG_LEVEL = 0.85  # "Kab. Waru" for Kecamatan Waru
Q_FUZZY = 0.9  # times the similarity ratio
Q_LOCALITY = 0.98  # a locality alias: ties with a village of the same name, never beats it
TIE_MARGIN = 0.03
FUZZY_THRESHOLD = 0.84
MAX_CANDIDATES = 10

# Words that announce the level of the name that follows: (level, regency kind).
KEYWORDS: dict[str, tuple[int, str | None]] = {
    "desa": (4, None),
    "ds": (4, None),
    "kel": (4, None),
    "kelurahan": (4, None),
    "kec": (3, None),
    "kecamatan": (3, None),
    "distrik": (3, None),
    "kab": (2, "kabupaten"),
    "kabupaten": (2, "kabupaten"),
    "kota": (2, "kota"),
    "kodya": (2, "kota"),
    "kotamadya": (2, "kota"),
    "prov": (1, None),
    "prop": (1, None),
    "provinsi": (1, None),
    "propinsi": (1, None),
}
# Level words that are never a word of a name.
_LEVEL_ONLY = frozenset(KEYWORDS) - {"kota", "desa"}
# Parts of an address below the village (streets, RT/RW, hamlets) or above the country's regions.
NOISE_WORDS = frozenset(
    "jl jln jalan rt rw no nomor gg gang blok komplek kompleks komp perum perumahan dusun dsn "
    "lingkungan lingk kode kodepos indonesia".split()
)
# Abbreviations people write for a word of a place name. A name word is only read as an
# abbreviation when another name word follows it ("Sei Rampah", "Tg. Pinang"): a village called just
# "Sei" keeps its name. Reference names are indexed both as written and expanded, so the official
# "Sei Rampah" is found as "Sungai Rampah" and the other way round. An abbreviation with several
# readings ("Pd.") is not expanded in the query; instead each full name is also indexed under it,
# and the rest of the address (or an "ambiguous" answer) decides. The evidence column below counts
# whole words in the 83,762 + 7,285 official names (idn-area-data 4.0.1); "no collision" means the
# abbreviation is never a name word of its own there. Left out on purpose: "Bt." (Batu and Batang),
# "Kr." (Karang, and Krueng in Aceh), "Sp." (Simpang, but "SP" is the transmigration Satuan
# Pemukiman in official names: "SP. Kerta Mulya"), "Kt." (Kota, but "Koto" in Kerinci's official
# "Kt. Dian P. Tengah"), "Ma" (a name word: "Ma' Libu"), and one-letter "P." (Pulau, Pangeran).
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "tj": ("tanjung",),  # Tj. Priok; official: "Tj. Baru Silaiya", "Simpang Tj. Nan IV"; issue 13
    "tg": ("tanjung",),  # Tg. Pinang, Tg. Morawa; issue 13; no collision
    "sei": ("sungai",),  # Malay/Banjar for river; 195 official names ("Sei Rampah"); issue 13
    "sg": ("sungai",),  # Sg. as in Riau/Kepri addresses; no collision
    "kp": ("kampung",),  # official: "Kp. Bantan", "Dayah Kp Pisang"; issue 13
    "pd": ("pondok", "padang"),  # Pondok in Java (Pd. Gede), Padang in Sumatra (official "Pd. Panjang")
    "ps": ("pasar",),  # official: "Ps. Tebing Tinggi"
    "psr": ("pasar",),  # official: "Psr Siborong Borong"
    "dk": ("dukuh",),  # Dukuh, the hamlet of Central Java; issue 13; no collision
    "kep": ("kepulauan",),  # Kab. Kep. Seribu (before issue 13)
    "kepl": ("kepulauan",),  # (before issue 13)
}
# Every word the table reads or writes for a multi-reading abbreviation: names without any are
# indexed as they are (the common case, kept cheap).
_ABBREVIATION_WORDS = frozenset(ABBREVIATIONS) | frozenset(
    reading for readings in ABBREVIATIONS.values() if len(readings) > 1 for reading in readings
)
# The table as it was before issue 13, for the switch that measures what the rest costs.
_LEGACY_ABBREVIATIONS = {key: ABBREVIATIONS[key] for key in ("kep", "kepl")}
# Level words written twice ("Kec. Kecamatan Penajam", "Kel. Kelurahan …") are read once: a keyword
# directly followed by another of the same family is dropped. Only same-family pairs: "Kab. Kota
# Baru" (a regency) and "Kel. Desa Baru" (a village named "Desa Baru") stay as written.
PREFIX_FAMILY = {
    "ds": "desa",
    "desa": "desa",
    "kel": "kelurahan",
    "kelurahan": "kelurahan",
    "kec": "kecamatan",
    "kecamatan": "kecamatan",
    "distrik": "distrik",
    "kab": "kabupaten",
    "kabupaten": "kabupaten",
    "kota": "kota",
    "kodya": "kota",
    "kotamadya": "kota",
    "prov": "provinsi",
    "prop": "provinsi",
    "provinsi": "provinsi",
    "propinsi": "provinsi",
}
# A comma part opened by one of these is a hamlet, unless the whole part is a region's name
# ("Dukuh Pakis" is a kecamatan of Surabaya; 47 villages, most in Kerinci and Bengkulu, are called
# "Dusun …"). Before issue 13 "dusun" always opened a part to skip.
HAMLET_WORDS = frozenset({"dukuh", "dusun", "dsn"})
PROVINCE_ALIASES = {
    "11": ["nad", "nanggroe aceh darussalam"],
    "12": ["sumut"],
    "13": ["sumbar"],
    "16": ["sumsel"],
    "19": ["babel", "bangka belitung"],
    "21": ["kepri"],
    "31": ["dki", "dki jakarta", "jakarta"],
    "32": ["jabar"],
    "33": ["jateng"],
    "34": ["diy", "yogyakarta", "jogja", "jogjakarta"],
    "35": ["jatim"],
    "52": ["ntb"],
    "53": ["ntt"],
    "61": ["kalbar"],
    "62": ["kalteng"],
    "63": ["kalsel"],
    "64": ["kaltim"],
    "65": ["kaltara"],
    "71": ["sulut"],
    "72": ["sulteng"],
    "73": ["sulsel"],
    "74": ["sultra"],
    "76": ["sulbar"],
}

_ASCII_DROP = re.compile(r"[\"'`]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_DOUBLED = re.compile(r"([^i])\1+")  # not "i": Roman numerals tell "Julu II" from "Julu III"
_PARENTHESES = re.compile(r"\([^)]*\)")
# Old (pre-1972 and Dutch) spellings folded onto the modern ones; "y" and "j" are merged because
# the old "j" is today's "y" while the old "dj" became today's "j".
_OLD_SPELLINGS = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("ch", "kh"), ("y", "j"))
_SPLIT_PARTS = re.compile(r"[,;\n|]+")
_DEEPEST_FIRST = {length: [n for n in reversed(SEGMENT_LENGTHS) if n <= length] for length in SEGMENT_LENGTHS}


def normalise(text: str) -> str:
    """Lower-case ASCII words separated by single spaces; apostrophes join ("Ra'as" → "raas")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _NON_ALNUM.sub(" ", _ASCII_DROP.sub("", ascii_text)).strip()


def expand_words(words: list[str], table: dict[str, tuple[str, ...]] = ABBREVIATIONS) -> list[str]:
    """Abbreviated name words written out ("tg pinang" → "tanjung pinang"); one with several
    readings stays as written. Only a word followed by another name word counts ("Ps. Kota Bakti"
    too: "kota" and "desa" are name words as often as level words)."""
    last = len(words) - 1
    return [
        table[w][0]
        if w in table and i < last and len(table[w]) == 1 and words[i + 1] not in _LEVEL_ONLY
        else w
        for i, w in enumerate(words)
    ]


def collapse_prefixes(words: list[str]) -> list[str]:
    """ "kec kecamatan penajam" → "kecamatan penajam": a level word written twice is read once."""
    out: list[str] = []
    for w in words:
        family = PREFIX_FAMILY.get(w)
        if family and out and PREFIX_FAMILY.get(out[-1]) == family:
            out[-1] = w
        else:
            out.append(w)
    return out


def _abbreviated_forms(words: list[str]) -> list[list[str]]:
    """The full name also written with each abbreviation that has several readings ("pondok gede"
    → "pd gede"), so that the query can keep such an abbreviation as written."""
    forms = []
    for abbreviation, readings in ABBREVIATIONS.items():
        if len(readings) > 1:
            for reading in readings:
                if reading in words[:-1]:
                    forms.append([abbreviation if w == reading else w for w in words[:-1]] + words[-1:])
    return forms


@lru_cache(maxsize=65_536)
def loose_key(compact: str) -> str:
    for old, new in _OLD_SPELLINGS:
        compact = compact.replace(old, new)
    return _DOUBLED.sub(r"\1", compact)


_ALPHABET = {char: i for i, char in enumerate("abcdefghijklmnopqrstuvwxyz0123456789")}


def _letter_mask(key: str) -> int:
    """A bit per (letter, occurrence): "anna" sets a#1, n#1, n#2, a#2. The AND of two masks has one
    bit per letter the two words share, counted with multiplicity."""
    mask = 0
    seen: dict[str, int] = {}
    for char in key:
        occurrence = seen.get(char, 0)
        seen[char] = occurrence + 1
        # Keys are [a-z0-9]; anything else shares one bit, which only weakens the bound.
        mask |= 1 << (occurrence * 37 + _ALPHABET.get(char, 36))
    return mask


def _level(code: str) -> int:
    return LEVEL_BY_LENGTH[len(code)]


def _chain(code: str) -> list[str]:
    return [code[:n] for n in SEGMENT_LENGTHS if n <= len(code)]


def _inside(code: str, within: str) -> bool:
    return code == within or code.startswith(within + ".")


@dataclass
class Candidate:
    code: str
    level: int
    name: str
    path: list[str]
    score: float


@dataclass
class Resolution:
    query: str
    status: str  # "resolved" | "ambiguous" | "contradictory" | "not_found"
    best: Candidate | None
    candidates: list[Candidate]
    reason: str

    def as_dict(self) -> dict:
        return {
            "query": self.query,
            "status": self.status,
            "best": asdict(self.best) if self.best else None,
            "candidates": [asdict(c) for c in self.candidates],
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Locality:
    """A named place below the village that stands for it (see LocalityAlias)."""

    name: str
    kind: str
    village: str
    source: str


@dataclass
class _Mention:
    text: str
    compact: str
    loose: str
    hint_level: int | None = None
    hint_kind: str | None = None
    cands: dict[str, float] = field(default_factory=dict)
    # village code → the locality alias that named it
    localities: dict[str, Locality] = field(default_factory=dict)


@dataclass
class _Reading:
    """One interpretation: the region `code` and which mention explains which of its ancestors."""

    code: str
    assigned: dict[int, str]
    quality: float
    conflicts: list[int]

    rank: tuple = field(init=False)

    def __post_init__(self) -> None:
        # Compared many times while readings are ranked: computed once.
        self.rank = (len(self.assigned), -len(self.conflicts), round(self.quality, 2), len(self.code))


class Gazetteer:
    def __init__(
        self,
        rows: Iterable[tuple[str, str]],
        localities: Iterable[Locality | tuple[str, str, str, str]] = (),
        *,
        variants: bool = True,
    ) -> None:
        """`rows` are (code, name) pairs at every level; `localities` are (name, kind, village code,
        source). `variants=False` reads addresses as before issue 13 (no abbreviations of name
        words, no doubled level words, no localities): the benchmark's switch."""
        self.variants = variants
        self._abbreviations = ABBREVIATIONS if variants else _LEGACY_ABBREVIATIONS
        self.names: dict[str, str] = {}
        self.children: dict[str | None, tuple[str, ...]] = {}
        children: dict[str | None, list[str]] = {}
        signatures: dict[str, tuple[str, int, int]] = {}
        self._by_compact: dict[str, list[str]] = {}
        self._by_loose: dict[str, list[str]] = {}
        self._fuzzy_key: dict[str, str] = {}
        # (length, multiset bit mask) of each fuzzy key: the bit count of two masks ANDed is the
        # number of letters the keys share, i.e. exactly difflib's quick_ratio numerator.
        self._fuzzy_sig: dict[str, tuple[int, int]] = {}
        self._kind: dict[str, str] = {}
        self._near_cache: dict[str | None | tuple[str | None, int], tuple[str, ...]] = {}
        for code, name in rows:
            self.names[code] = name
            parent = code[: SEGMENT_LENGTHS[SEGMENT_LENGTHS.index(len(code)) - 1]] if len(code) > 2 else None
            children.setdefault(parent, []).append(code)
            aliases = self._aliases(code, name)
            if variants:
                aliases = self._variants(aliases)
            fuzzy_key = loose_key(aliases[0].replace(" ", ""))
            signature = signatures.get(fuzzy_key)
            if signature is None:  # namesakes share one key and one signature
                signature = signatures[fuzzy_key] = (
                    sys.intern(fuzzy_key),
                    len(fuzzy_key),
                    _letter_mask(fuzzy_key),
                )
            self._fuzzy_key[code] = signature[0]
            self._fuzzy_sig[code] = signature[1:]
            for alias in aliases:
                compact = alias.replace(" ", "")
                for index, key in ((self._by_compact, compact), (self._by_loose, loose_key(compact))):
                    codes = index.setdefault(key, [])
                    if code not in codes:
                        codes.append(code)
        # Tuples of strings are smaller than lists and untracked by the garbage collector, so the
        # ~200,000 index entries do not slow every full collection of the process.
        self.children = {parent: tuple(sorted(codes)) for parent, codes in children.items()}
        self._by_compact = {key: tuple(codes) for key, codes in self._by_compact.items()}
        self._by_loose = {key: tuple(codes) for key, codes in self._by_loose.items()}
        self._localities: dict[str, tuple[Locality, ...]] = {}
        self._localities_loose: dict[str, tuple[Locality, ...]] = {}
        if variants:
            self._index_localities(localities)

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[str, str]], localities: Iterable[Locality | tuple[str, str, str, str]] = ()
    ) -> Gazetteer:
        """Build from (code, name) pairs at every level, e.g. straight from the reference CSVs."""
        return cls(rows, localities)

    @classmethod
    def from_csv(cls, directory: Path, *, localities: Path | None = None, variants: bool = True) -> Gazetteer:
        """Build from the region CSVs in `directory` and the locality aliases in `localities`
        (default: the localities.csv beside that directory, as shipped in sentra/regions/data)."""

        def rows():
            for filename in ("provinces.csv", "regencies.csv", "districts.csv", "villages.csv"):
                with (directory / filename).open(encoding="utf-8", newline="") as handle:
                    for row in csv.DictReader(handle):
                        yield row["code"], row["name"]

        path = localities if localities is not None else directory.parent / "localities.csv"
        aliases = read_localities(path) if path.exists() else []
        return cls(rows(), aliases, variants=variants)

    def _variants(self, aliases: list[str]) -> list[str]:
        """The reference names also written out ("sei rampah" → "sungai rampah", first: it is the
        fuzzy key) and under an abbreviation with several readings ("pondok gede" → "pd gede")."""
        out = []
        for alias in aliases:
            words = alias.split()
            if _ABBREVIATION_WORDS.isdisjoint(words):
                out.append(alias)
                continue
            out.append(" ".join(expand_words(words)))
            out.append(alias)
            out += [" ".join(form) for form in _abbreviated_forms(words)]
        return list(dict.fromkeys(out))

    def _index_localities(self, localities: Iterable[Locality | tuple[str, str, str, str]]) -> None:
        exact: dict[str, list[Locality]] = {}
        loose: dict[str, list[Locality]] = {}
        for entry in localities:
            locality = entry if isinstance(entry, Locality) else Locality(*entry)
            if locality.village not in self.names or len(locality.village) != 13:
                continue
            words = normalise(locality.name).split()
            if not words:
                continue
            # "Somber" and "Kawasan Somber" (its kind written in front) alike.
            for written in (words, [locality.kind, *words]):
                for form in (written, *_abbreviated_forms(written)):
                    compact = "".join(expand_words(form))
                    for index, key in ((exact, compact), (loose, loose_key(compact))):
                        entries = index.setdefault(key, [])
                        if locality not in entries:
                            entries.append(locality)
        self._localities = {key: tuple(entries) for key, entries in exact.items()}
        self._localities_loose = {key: tuple(entries) for key, entries in loose.items()}

    def _aliases(self, code: str, name: str) -> list[str]:
        base = normalise(name)
        aliases = [base]
        if len(code) == 5:
            kind = "kota" if base.startswith("kota ") else "kabupaten"
            self._kind[code] = kind
            short = base.removeprefix(kind + " ").removeprefix("administrasi ")
            aliases.insert(0, short)
        elif len(code) == 2:
            aliases += PROVINCE_ALIASES.get(code, [])
        if "(" in name:
            aliases.append(normalise(_PARENTHESES.sub(" ", name)))
        if "/" in name:
            aliases += [normalise(part) for part in name.split("/")]
        return [a for a in dict.fromkeys(aliases) if a]

    # --- parsing ------------------------------------------------------------------------------

    def _lookup(self, words: list[str], hint_level: int | None, hint_kind: str | None) -> dict[str, float]:
        compact = "".join(words)
        found: dict[str, float] = {}
        for code in self._by_loose.get(loose_key(compact), ()):
            found[code] = Q_LOOSE
        for code in self._by_compact.get(compact, ()):
            found[code] = Q_EXACT
        if self._localities:
            for q, locality in self._locality_hits(compact):
                if q > found.get(locality.village, 0.0):
                    found[locality.village] = q
        if hint_level is None or not found:
            return found
        at_level = {c: q for c, q in found.items() if _level(c) == hint_level}
        if not at_level:
            return {c: q * Q_WRONG_LEVEL for c, q in found.items()}
        if hint_kind and hint_level == 2:
            at_level = {c: q if self._kind[c] == hint_kind else q * Q_WRONG_KIND for c, q in at_level.items()}
        return at_level

    def _locality_hits(self, compact: str) -> list[tuple[float, Locality]]:
        hits = [(Q_LOCALITY * Q_LOOSE, loc) for loc in self._localities_loose.get(loose_key(compact), ())]
        return hits + [(Q_LOCALITY, loc) for loc in self._localities.get(compact, ())]

    def _mention(self, words: list[str], hint: tuple[int, str | None] | None) -> _Mention:
        compact = "".join(words)
        level, kind = hint or (None, None)
        mention = _Mention(" ".join(words), compact, loose_key(compact), level, kind)
        mention.cands = self._lookup(words, level, kind)
        if self._localities:
            # Which villages only the locality explains (not their own name), for the reason.
            named = set(self._by_compact.get(compact, ())) | set(self._by_loose.get(mention.loose, ()))
            for _q, locality in self._locality_hits(compact):
                if locality.village in mention.cands and locality.village not in named:
                    mention.localities[locality.village] = locality
        return mention

    def _locality_mention(self, words: list[str]) -> list[_Mention]:
        """A part opened by a word for a street or hamlet ("Dusun Somber", "Jl. …") names no region;
        it counts only if it (or the name after that word) is a known locality."""
        if not self._localities or len(words) < 2:
            return []
        for span in (words[1:], words):
            mention = self._mention(span, None)
            if mention.localities:
                mention.cands = {c: q for c, q in mention.cands.items() if c in mention.localities}
                return [mention]
        return []

    def _parse_part(self, words: list[str], *, alone: bool) -> list[_Mention]:
        if self.variants:
            words = collapse_prefixes(words)
        words = expand_words(words, self._abbreviations)
        if not words or all(w.isdigit() for w in words):
            return []
        if self.variants and words[0] in HAMLET_WORDS and len(words) > 1:
            if not self._lookup(words, None, None):
                return self._locality_mention(words)
        elif words[0] in NOISE_WORDS:
            return self._locality_mention(words)
        hint = KEYWORDS.get(words[0])
        if hint and len(words) > 1:
            mention = self._mention(words[1:], hint)
            # "Kota Baru" is also a village name: the keyword may belong to the name.
            for code, q in self._lookup(words, None, None).items():
                if q > mention.cands.get(code, 0.0):
                    mention.cands[code] = q
            if mention.cands or not (alone or any(w in KEYWORDS for w in words[2:])):
                return [mention]
        else:
            mention = self._mention(words, None)
            # A comma part with no keyword inside is one name, perhaps misspelt: splitting it would
            # turn "Kampung Tngah" into a real "Kampung" somewhere else.
            if mention.cands or len(words) == 1 or not (alone or any(w in KEYWORDS for w in words[1:])):
                return [mention]
        return self._split_spans(words)

    def _split_spans(self, words: list[str]) -> list[_Mention]:
        """Read "Desa Api-Api Kec. Waru Kab. PPU" or "Saloloang Penajam" without commas: longest
        known name first, keywords as hints, unknown words kept together for the fuzzy step."""
        mentions: list[_Mention] = []
        unknown: list[str] = []
        i = 0
        while i < len(words):
            hint = KEYWORDS.get(words[i])
            start = i + 1 if hint and i + 1 < len(words) else i
            for end in range(len(words), start, -1):
                cands = self._lookup(words[start:end], *(hint or (None, None)))
                if cands:
                    if unknown:
                        mentions.append(self._mention(unknown, None))
                        unknown = []
                    mention = self._mention(words[start:end], hint)
                    mentions.append(mention)
                    i = end
                    break
            else:
                if words[i] not in KEYWORDS:
                    unknown.append(words[i])
                i += 1
        if unknown:
            mentions.append(self._mention(unknown, None))
        return mentions

    def _parse(self, text: str) -> list[_Mention]:
        mentions: list[_Mention] = []
        parts = _SPLIT_PARTS.split(text)
        for part in parts:
            mentions += self._parse_part(normalise(part).split(), alone=len(parts) == 1)
        return mentions

    # --- reading ------------------------------------------------------------------------------

    def _readings(self, mentions: list[_Mention], *, within: str | None, level: int | None) -> list[_Reading]:
        leaves: set[str] = set()
        for mention in mentions:
            leaves.update(mention.cands)
        if within:
            leaves = {c for c in leaves if _inside(c, within)}
        # Which mentions name a region, so that a leaf's chain costs one lookup per level.
        hits: dict[str, list[tuple[int, float]]] = {}
        for i, mention in enumerate(mentions):
            for node, q in mention.cands.items():
                hits.setdefault(node, []).append((i, q))
        named = [i for i, m in enumerate(mentions) if m.cands]
        best: dict[str, _Reading] = {}
        for leaf in sorted(leaves):
            found = [
                (i, node, q)
                for node in [leaf[:n] for n in _DEEPEST_FIRST[len(leaf)]]
                for i, q in hits.get(node, ())
            ]
            if len(found) == 1:
                # Most leaves are a namesake that nothing else in the address supports.
                i, node, quality = found[0]
                assigned = {i: node}
            else:
                options: list[list[tuple[str, float]]] = [[] for _ in mentions]
                for i, node, q in found:
                    options[i].append((node, q))
                assigned, quality = _assign(options)
            if not assigned:
                continue
            code = max(assigned.values(), key=len)
            if within and not _inside(code, within):
                continue
            if level is not None:
                if _level(code) < level:
                    continue
                code = code[: SEGMENT_LENGTHS[level - 1]]
            conflicts = [i for i in named if i not in assigned]
            reading = _Reading(code, assigned, quality, conflicts)
            if code not in best or reading.rank > best[code].rank:
                best[code] = reading
        # Ties in rank keep code order, so the answer does not depend on the hash seed of the process.
        return sorted(sorted(best.values(), key=lambda r: r.code), key=lambda r: r.rank, reverse=True)

    def _fuzzy(self, mentions: list[_Mention], readings: list[_Reading], within: str | None) -> bool:
        """Compare unexplained mentions with the neighbourhood of the best readings only."""
        anchors: dict[str | None, dict[int, str]] = {}
        if readings:
            # The best reading, and for every mention the best reading that uses it, so that one
            # common village name with dozens of namesakes cannot crowd out the regency's reading.
            # The shallowest such reading has the widest neighbourhood.
            anchors[readings[0].code] = readings[0].assigned
            for i in range(len(mentions)):
                using = [r for r in readings if i in r.assigned]
                if using:
                    widest = min(using, key=lambda r: (-len(r.assigned), len(r.code)))
                    anchors.setdefault(widest.code, widest.assigned)
            top = len(readings[0].assigned)
            for reading in readings[:20]:
                if len(reading.assigned) == top:
                    anchors.setdefault(reading.code, reading.assigned)
        else:
            anchors[within] = {}
        added = False
        # Several anchors share neighbourhoods (and every regency scope is tried for several
        # anchors): each name is compared with each region once per query.
        memos: dict[str, dict[str, float]] = {}
        for n, (anchor, assigned) in enumerate(anchors.items()):
            used = set(assigned.values())
            scopes = [anchor]
            if anchor and len(anchor) > 5 and n < 4:
                scopes.append(anchor[:5])
            regency = anchor[:5] if anchor and len(anchor) >= 5 else None
            for i, mention in enumerate(mentions):
                if i in assigned or len(mention.loose) < 3:
                    continue
                # A name that really exists in this regency is a contradiction to report, not a
                # typo to fix by picking a similar name where the address says it should be.
                if regency and any(
                    c.startswith(regency) for c in mention.cands if mention.cands[c] >= Q_LOOSE
                ):
                    continue
                for scope in scopes:
                    pool = self._neighbourhood(scope)
                    if mention.hint_level:
                        # The named level, unless none of it is left to compare with.
                        at_level = self._neighbourhood(scope, mention.hint_level)
                        if any(c not in used for c in at_level):
                            pool = at_level
                    found = self._similar(mention.loose, pool, memos.setdefault(mention.loose, {}), used)
                    for code, ratio in found:
                        q = Q_FUZZY * ratio
                        if q > mention.cands.get(code, 0.0):
                            mention.cands[code] = q
                            added = True
                    if found:
                        break
        return added

    def _neighbourhood(self, code: str | None, level: int | None = None) -> Sequence[str]:
        """The region's chain, its siblings when it is a village, and two levels below it; only the
        regions at `level` when given."""
        if code is not None and len(code) == 13:
            near: Sequence[str] = _chain(code) + list(self.children.get(code[:8], ()))
            if level is None:
                return near
            return [c for c in near if len(c) == SEGMENT_LENGTHS[level - 1]]
        # Above the village there are at most ~7,300 neighbourhoods (times five levels asked):
        # keep them once built.
        if level is not None:
            key = (code, level)
            near = self._near_cache.get(key)
            if near is None:
                want = SEGMENT_LENGTHS[level - 1]
                near = tuple(c for c in self._neighbourhood(code) if len(c) == want)
                self._near_cache[key] = near
            return near
        near = self._near_cache.get(code)
        if near is None:
            if code is None:
                provinces = self.children.get(None, ())
                near = provinces + tuple(r for p in provinces for r in self.children[p])
            else:
                below = self.children.get(code, ())
                if len(code) < 8:
                    below += tuple(g for c in below for g in self.children.get(c, ()))
                near = tuple(_chain(code)) + below
            self._near_cache[code] = near
        return near

    def _similar(
        self,
        key: str,
        codes: Iterable[str],
        memo: dict[str, float] | None = None,
        skip: set[str] | frozenset[str] = frozenset(),
    ) -> list[tuple[str, float]]:
        """The three codes whose fuzzy key has the highest SequenceMatcher ratio to `key` (at least
        FUZZY_THRESHOLD). The ratio is only computed where the length slack and difflib's own upper
        bound (quick_ratio, here a bit count of two letter masks) allow it; `memo` keeps the ratio
        (0.0 below the threshold) of every code compared."""
        if memo is None:
            memo = {}
        length = len(key)
        mask = _letter_mask(key)
        slack = max(2, length // 4)
        signatures = self._fuzzy_sig
        matcher: SequenceMatcher | None = None
        found = []
        for code in codes:
            if skip and code in skip:
                continue
            ratio = memo.get(code)
            if ratio is None:
                ratio = 0.0
                other_length, other_mask = signatures[code]
                if (
                    abs(other_length - length) <= slack
                    and 2.0 * (mask & other_mask).bit_count() / (length + other_length) >= FUZZY_THRESHOLD
                ):
                    if matcher is None:
                        matcher = SequenceMatcher(None, autojunk=False)
                        matcher.set_seq2(key)
                    matcher.set_seq1(self._fuzzy_key[code])
                    ratio = matcher.ratio()
                    if ratio < FUZZY_THRESHOLD:
                        ratio = 0.0
                memo[code] = ratio
            if ratio:
                found.append((code, ratio))
        found.sort(key=lambda item: -item[1])
        return found[:3]

    # --- answers ------------------------------------------------------------------------------

    def resolve(self, text: str, *, level: int | None = None, within: str | None = None) -> Resolution:
        query = text
        if level is not None and level not in LEVEL_BY_LENGTH.values():
            return Resolution(query, "not_found", None, [], _("Tingkat wilayah harus 1 sampai 4."))
        if within is not None:
            within = normalise_code(within)
            if within is None or within not in self.names:
                return Resolution(query, "not_found", None, [], _("Kode wilayah pembatas tidak dikenal."))
        code = normalise_code(text)
        if code is not None:
            return self._resolve_code(query, code, level=level, within=within)

        mentions = self._parse(text)
        if not mentions:
            return Resolution(query, "not_found", None, [], _("Tidak ada nama wilayah dalam teks."))
        base = self._readings(mentions, within=within, level=None)
        readings = self._at_level(mentions, base, within=within, level=level)
        needs_fuzzy = not readings or readings[0].conflicts or len(readings[0].assigned) < len(mentions)
        if needs_fuzzy and self._fuzzy(mentions, base, within):
            base = self._readings(mentions, within=within, level=None)
            readings = self._at_level(mentions, base, within=within, level=level)
        return self._answer(query, mentions, readings, level=level)

    def _at_level(
        self, mentions: list[_Mention], base: list[_Reading], *, within: str | None, level: int | None
    ) -> list[_Reading]:
        # A village is the deepest level: its readings are the unrestricted readings of villages,
        # in the same order.
        if level is None:
            return base
        if level == 4:
            return [r for r in base if len(r.code) == 13]
        return self._readings(mentions, within=within, level=level)

    def _resolve_code(self, query: str, code: str, *, level: int | None, within: str | None) -> Resolution:
        if code not in self.names:
            return Resolution(
                query, "not_found", None, [], _("Kode wilayah %(code)s tidak dikenal.") % {"code": code}
            )
        if within and not _inside(code, within):
            return Resolution(
                query,
                "contradictory",
                None,
                [self._candidate(code, 1.0)],
                _("%(region)s tidak berada di wilayah %(within)s.")
                % {"region": self._label(code), "within": self._label(within)},
            )
        if level is not None and _level(code) != level:
            if _level(code) < level:
                return Resolution(
                    query,
                    "not_found",
                    None,
                    [self._candidate(code, 1.0)],
                    _("Kode %(code)s bukan kode tingkat yang diminta.") % {"code": code},
                )
            code = code[: SEGMENT_LENGTHS[level - 1]]
        return Resolution(
            query, "resolved", self._candidate(code, 1.0), [], _("Kode wilayah dikenali langsung.")
        )

    def _answer(
        self, query: str, mentions: list[_Mention], readings: list[_Reading], *, level: int | None
    ) -> Resolution:
        total = len(mentions)

        def score(reading: _Reading) -> float:
            return min(1.0, reading.quality / total)

        if not readings:
            texts = ", ".join(f"'{m.text}'" for m in mentions)
            if level is not None:
                reason = _("Tidak ada wilayah tingkat %(level)s yang cocok dengan %(texts)s.") % {
                    "level": self._level_label(level),
                    "texts": texts,
                }
            else:
                reason = _("Tidak ada wilayah yang cocok dengan %(texts)s.") % {"texts": texts}
            return Resolution(query, "not_found", None, [], reason)

        top = readings[0]
        tied = [
            r
            for r in readings
            if len(r.assigned) == len(top.assigned)
            and len(r.conflicts) == len(top.conflicts)
            and r.quality >= top.quality - TIE_MARGIN
        ]
        if top.conflicts:
            ordered = sorted(readings, key=lambda r: (len(r.assigned), len(r.code), r.quality), reverse=True)
            first = ordered[0]
            return Resolution(
                query,
                "contradictory",
                None,
                [self._candidate(r.code, score(r)) for r in ordered[:MAX_CANDIDATES]],
                self._contradiction(first, mentions),
            )
        if len(tied) > 1:
            shown = tied[:MAX_CANDIDATES]
            listing = "; ".join(self._label_with_context(r.code) for r in shown[:5])
            return Resolution(
                query,
                "ambiguous",
                None,
                [self._candidate(r.code, score(r)) for r in shown],
                _(
                    "'%(text)s' cocok dengan %(count)d wilayah: %(listing)s. "
                    "Sebutkan tingkatnya (Desa/Kel., Kec., Kab./Kota) atau wilayah induknya agar pasti."
                )
                % {"text": query.strip(), "count": len(tied), "listing": listing},
            )
        # Regions containing the answer are not alternatives to it.
        blocking = [
            m.text
            for i, m in enumerate(mentions)
            if i not in top.assigned and not m.cands and (m.hint_level or 5) >= _level(top.code)
        ]
        if blocking:
            # An unknown name that may be the very region asked for: show the reading, don't pick it.
            return Resolution(
                query,
                "not_found",
                None,
                [self._candidate(r.code, score(r)) for r in readings[:MAX_CANDIDATES]],
                _("%(parts)s tidak dikenali; yang cocok hanya bagian lain alamat: %(region)s.")
                % {
                    "parts": ", ".join(f"'{t}'" for t in blocking),
                    "region": self._label_with_context(top.code),
                },
            )
        others = [
            self._candidate(r.code, score(r))
            for r in [r for r in readings[1:] if not _inside(top.code, r.code)][: MAX_CANDIDATES - 1]
        ]
        unexplained = [m.text for i, m in enumerate(mentions) if i not in top.assigned]
        reason = _("Cocok dengan %(region)s.") % {"region": self._label_with_context(top.code)}
        if unexplained:
            reason += " " + _("Bagian yang tidak dikenali: %(parts)s.") % {
                "parts": ", ".join(f"'{t}'" for t in unexplained)
            }
        for i, node in sorted(top.assigned.items()):
            locality = mentions[i].localities.get(node)
            if locality:
                reason += " " + _(
                    "'%(text)s' adalah nama lokalitas (%(kind)s %(name)s) di %(village)s; sumber: %(source)s."
                ) % {
                    "text": mentions[i].text,
                    "kind": locality.kind,
                    "name": locality.name,
                    "village": self._label(node),
                    "source": locality.source,
                }
        # A locality alias is an exact hit at its own quality; anything lower was a near spelling.
        if any(
            mentions[i].cands[node] < (Q_LOCALITY if node in mentions[i].localities else Q_EXACT)
            for i, node in top.assigned.items()
        ):
            reason += " " + _("Sebagian nama dicocokkan dengan ejaan atau ketikan yang mirip.")
        return Resolution(query, "resolved", self._candidate(top.code, score(top)), others, reason)

    def _contradiction(self, reading: _Reading, mentions: list[_Mention]) -> str:
        parts = []
        for i in reading.conflicts:
            mention = mentions[i]
            named = max(mention.cands, key=lambda c: (mention.cands[c], -len(c)))
            same_level = reading.code[: len(named)] if len(named) < len(reading.code) else None
            if same_level and same_level != named:
                parts.append(
                    _("%(region)s berada di %(actual)s, bukan di %(named)s.")
                    % {
                        "region": self._label(reading.code),
                        "actual": self._label(same_level),
                        "named": self._label(named),
                    }
                )
            else:
                parts.append(
                    _("'%(text)s' tidak berada di %(region)s.")
                    % {"text": mention.text, "region": self._label_with_context(reading.code)}
                )
        return _("Alamat saling bertentangan: ") + " ".join(parts)

    def _candidate(self, code: str, score: float) -> Candidate:
        return Candidate(
            code=code,
            level=_level(code),
            name=self.names[code],
            path=[self.names[c] for c in _chain(code)],
            score=round(score, 3),
        )

    @staticmethod
    def _level_label(level: int) -> str:
        return {1: _("provinsi"), 2: _("kabupaten/kota"), 3: _("kecamatan"), 4: _("desa/kelurahan")}[level]

    def _label(self, code: str) -> str:
        name = self.names[code]
        match len(code):
            case 2:
                return _("Provinsi %(name)s") % {"name": name}
            case 5:
                return name
            case 8:
                return _("Kecamatan %(name)s") % {"name": name}
        kind = _("Kelurahan") if code[9] == "1" else _("Desa")
        return f"{kind} {name}"

    def _label_with_context(self, code: str) -> str:
        chain = _chain(code)
        if len(chain) == 1:
            return self._label(code)
        context = ", ".join(self._label(c) for c in reversed(chain[1:-1]))
        context = context or self._label(chain[0])
        return f"{self._label(code)} ({context})"


def _assign(options: list[list[tuple[str, float]]]) -> tuple[dict[int, str], float]:
    """Give each mention at most one node of the chain, no node twice, maximising (count, quality)."""
    if all(len(o) <= 1 for o in options):
        assigned: dict[int, str] = {}
        taken: dict[str, int] = {}
        quality = 0.0
        simple = True
        for i, opts in enumerate(options):
            if opts:
                node = opts[0][0]
                if node in taken:
                    simple = False
                    break
                taken[node] = i
                assigned[i] = node
                quality += opts[0][1]
        if simple:
            return assigned, quality

    # Options come deepest first; on equal count and quality the deeper reading wins, so that
    # "Penajam" may still be the kelurahan when the kecamatan of the same name is not written.
    best: tuple[int, float, int, dict[int, str]] = (0, 0.0, 0, {})

    def walk(i: int, used: frozenset[str], chosen: dict[int, str], quality: float) -> None:
        nonlocal best
        if i == len(options):
            depth = sum(len(node) for node in chosen.values())
            if (len(chosen), quality, depth) > best[:3]:
                best = (len(chosen), quality, depth, dict(chosen))
            return
        for node, q in options[i]:
            if node not in used:
                chosen[i] = node
                walk(i + 1, used | {node}, chosen, quality + q)
                del chosen[i]
        walk(i + 1, used, chosen, quality)

    walk(0, frozenset(), {}, 0.0)
    return best[3], best[1]


def read_localities(path: Path) -> list[Locality]:
    """The locality aliases of a CSV with columns name, kind, village_code, source (and note)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Locality(row["name"], row["kind"], row["village_code"], row["source"])
            for row in csv.DictReader(handle)
        ]


_instance: Gazetteer | None = None
_lock = threading.Lock()


def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built from the Region table on first use."""
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                from .models import LocalityAlias, Region

                _instance = Gazetteer.from_rows(
                    Region.objects.values_list("code", "name").iterator(chunk_size=10_000),
                    LocalityAlias.objects.values_list("name", "kind", "village_id", "source"),
                )
    return _instance


def reset_gazetteer() -> None:
    """Forget the cached gazetteer, e.g. after the reference data changed or between tests."""
    global _instance
    _instance = None


def resolve_place(text: str, *, level: int | None = None, within: str | None = None) -> Resolution:
    return get_gazetteer().resolve(text, level=level, within=within)
