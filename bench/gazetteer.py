"""Gazetteer benchmark: addresses written as people write them, against the real reference data.

Run: .venv/bin/python bench/gazetteer.py [--samples 5000] [--baseline-samples 200] [--seed 20261123]

Builds the Gazetteer straight from the reference CSVs (no database), samples villages with a fixed
seed, writes each as a messy address and checks the answer against the village it came from. The
baseline is a generic fuzzy matcher over the 83,762 full place paths "village, district, regency,
province": difflib.get_close_matches semantics (SequenceMatcher.ratio, n=3, cutoff 0.5), made
affordable by the standard character-trigram shortlist (the 300 paths sharing most trigrams with the
query are re-ranked by ratio; an exhaustive ratio over every path costs ~10 s per query). It knows
nothing of Indonesian place names and runs on the first --baseline-samples inputs of the same set.
"""

from __future__ import annotations

import argparse
import difflib
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sentra.settings")

import django  # noqa: E402

django.setup()

from sentra.regions.gazetteer import Gazetteer, normalise  # noqa: E402
from sentra.regions.services import DATA_DIR  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
SCENARIOS = [  # (name, weight)
    ("full", 40),
    ("no_district", 20),
    ("reversed", 15),
    ("village_district", 10),
    ("wrong_district", 10),
    ("with_province", 5),
]


@dataclass
class Case:
    text: str
    code: str
    scenario: str
    truly_ambiguous: bool


def _compact(name: str) -> str:
    return normalise(name).replace(" ", "")


class Reference:
    def __init__(self, gazetteer: Gazetteer) -> None:
        self.names = gazetteer.names
        self.villages = sorted(c for c in self.names if len(c) == 13)
        self.districts_of: dict[str, list[str]] = defaultdict(list)
        self.villages_of: dict[str, list[str]] = defaultdict(list)
        for code in self.names:
            if len(code) == 8:
                self.districts_of[code[:5]].append(code)
            elif len(code) == 13:
                self.villages_of[code[:8]].append(code)
        # Ground truth for "truly ambiguous": villages sharing the written names at every level given.
        self.by_village_name: dict[str, list[str]] = defaultdict(list)
        for code in self.villages:
            self.by_village_name[_compact(self.names[code])].append(code)

    def regency_short(self, code: str) -> str:
        name = self.names[code]
        for prefix in ("Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota "):
            if name.startswith(prefix):
                return name[len(prefix) :]
        return name

    def matching(self, village: str, *, district: str | None, regency: str | None, province: bool) -> int:
        """How many villages fit every level written (names compared, as a reader of the text would)."""
        count = 0
        for other in self.by_village_name[_compact(self.names[village])]:
            if district and _compact(self.names[other[:8]]) != _compact(self.names[district]):
                continue
            if regency and _compact(self.regency_short(other[:5])) != _compact(self.regency_short(regency)):
                continue
            if province and other[:2] != village[:2]:
                continue
            count += 1
        return count


def _misspell(name: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15 and "u" in name:
        return name.replace("u", "oe")  # pre-1972 spelling
    if roll < 0.22 and "j" in name:
        return name.replace("j", "dj")
    if roll < 0.27 and "c" in name:
        return name.replace("c", "tj")
    if roll < 0.35:
        return name.replace(" ", "")  # "Salo Loang" → "Saloloang"
    if roll < 0.42 and " " in name:
        return name.replace(" ", "-")
    if roll < 0.47 and "-" in name:
        return name.replace("-", " ")
    if roll < 0.55 and len(name) >= 7:  # one small typo: a doubled, dropped or swapped letter
        i = rng.randrange(1, len(name) - 2)
        kind = rng.choice(("double", "drop", "swap"))
        if kind == "double":
            return name[:i] + name[i] + name[i:]
        if kind == "drop":
            return name[:i] + name[i + 1 :]
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name


def _case(text: str, rng: random.Random) -> str:
    return rng.choice((str.lower, str.upper, str.title, lambda s: s, lambda s: s))(text)


def _spacing(text: str, rng: random.Random) -> str:
    return rng.choice((text, text.replace(". ", "."), text.replace(" ", "  "), text))


def make_case(ref: Reference, village: str, rng: random.Random) -> Case:
    scenario = rng.choices([s for s, _ in SCENARIOS], [w for _, w in SCENARIOS])[0]
    district, regency, province = village[:8], village[:5], village[:2]
    # A wrong kecamatan that holds a namesake of the village would make the address right after all.
    wrong = [
        d
        for d in ref.districts_of[regency]
        if d != district
        and not any(_compact(ref.names[v]) == _compact(ref.names[village]) for v in ref.villages_of[d])
    ]
    if scenario == "wrong_district" and not wrong:
        scenario = "full"

    kind = "kel" if village[9] == "1" else "desa"
    v_prefix = rng.choice(
        {"kel": ["", "Kel. ", "Kelurahan ", "Kel "], "desa": ["", "Desa ", "Ds. ", "Ds "]}[kind]
        + ["", "Desa "]
    )
    v_text = v_prefix + _misspell(ref.names[village], rng)

    written_district = district
    if scenario == "wrong_district":
        written_district = rng.choice(wrong)
    d_text = rng.choice(["", "Kec. ", "Kecamatan ", "Kec "]) + _misspell(ref.names[written_district], rng)

    regency_name = ref.names[regency]
    is_city = regency_name.startswith("Kota ")
    r_prefix = rng.choice(["Kota ", "Kota ", ""] if is_city else ["Kab. ", "Kabupaten ", "Kab ", ""])
    r_text = r_prefix + ref.regency_short(regency)
    p_text = rng.choice(["", "Prov. ", "Provinsi "]) + ref.names[province]

    parts = {
        "full": [v_text, d_text, r_text],
        "no_district": [v_text, r_text],
        "reversed": [r_text, d_text, v_text],
        "village_district": [v_text, d_text],
        "wrong_district": [v_text, d_text, r_text],
        "with_province": [v_text, d_text, r_text, p_text],
    }[scenario]
    text = _spacing(_case(", ".join(parts), rng), rng)

    has_district = scenario in ("full", "reversed", "village_district", "with_province")
    has_regency = scenario != "village_district"
    matches = ref.matching(
        village,
        district=district if has_district else None,
        regency=regency if has_regency else None,
        province=scenario == "with_province",
    )
    return Case(text, village, scenario, scenario != "wrong_district" and matches > 1)


@dataclass
class Tally:
    label: str
    n: int = 0
    answerable: int = 0
    right: int = 0
    ambiguous: int = 0
    ambiguous_flagged: int = 0
    contradictory: int = 0
    contradictory_flagged: int = 0
    wrong: int = 0
    times: list[float] | None = None

    def add(self, case: Case, status: str, best: str | None, candidates: list[str], seconds: float) -> None:
        self.n += 1
        self.times = (self.times or []) + [seconds]
        if status == "resolved" and best != case.code:
            self.wrong += 1
        if case.scenario == "wrong_district":
            self.contradictory += 1
            self.contradictory_flagged += status == "contradictory" and case.code in candidates[:3]
        elif case.truly_ambiguous:
            self.ambiguous += 1
            self.ambiguous_flagged += status == "ambiguous" and case.code in candidates
        else:
            self.answerable += 1
            self.right += status == "resolved" and best == case.code

    def figures(self) -> dict[str, float]:
        times = sorted(self.times or [0.0])

        def pct(p: float) -> float:
            return 1000 * times[int(p * (len(times) - 1))]

        return {
            "right": 100 * self.right / max(1, self.answerable),
            "ambiguous_flagged": 100 * self.ambiguous_flagged / max(1, self.ambiguous),
            "contradictory_flagged": 100 * self.contradictory_flagged / max(1, self.contradictory),
            "wrong": 100 * self.wrong / max(1, self.n),
            "mean_ms": 1000 * statistics.fmean(times),
            "p50_ms": pct(0.50),
            "p95_ms": pct(0.95),
            "p99_ms": pct(0.99),
            "max_ms": 1000 * times[-1],
        }

    def line(self) -> str:
        f = self.figures()
        return (
            f"{self.label}: n={self.n} · right village {f['right']:.2f} % of {self.answerable} answerable · "
            f"truly ambiguous flagged {f['ambiguous_flagged']:.1f} % of {self.ambiguous} · "
            f"wrong kecamatan flagged contradictory {f['contradictory_flagged']:.1f} % "
            f"of {self.contradictory} · "
            f"wrong answers {f['wrong']:.2f} % · {f['mean_ms']:.3f} ms mean, {f['p50_ms']:.3f} ms p50, "
            f"{f['p95_ms']:.3f} ms p95, {f['p99_ms']:.3f} ms p99, {f['max_ms']:.1f} ms max"
        )


def run_gazetteer(gazetteer: Gazetteer, cases: list[Case], label: str) -> tuple[Tally, Counter]:
    tally = Tally(label)
    misses: Counter = Counter()
    for case in cases:
        started = time.perf_counter()
        result = gazetteer.resolve(case.text, level=4)
        elapsed = time.perf_counter() - started
        candidates = [c.code for c in result.candidates]
        tally.add(case, result.status, result.best.code if result.best else None, candidates, elapsed)
        expected = (
            "contradictory"
            if case.scenario == "wrong_district"
            else "ambiguous"
            if case.truly_ambiguous
            else "resolved"
        )
        if result.status != expected or (result.best and result.best.code != case.code):
            misses[(case.scenario, expected, result.status)] += 1
    return tally, misses


SHORTLIST = 300


class FuzzyBaseline:
    """get_close_matches(query, paths, n=3, cutoff=0.5) over a character-trigram shortlist; or, as
    `scorer`, two other generic scores that forgive word order: trigram Dice coefficient, and the
    difflib ratio of the words sorted ("token sort")."""

    SCORERS = {
        "ratio": "trigram shortlist + difflib ratio",
        "dice": "trigram Dice",
        "token_sort": "trigram shortlist + difflib ratio of sorted words",
    }

    def __init__(self, ref: Reference) -> None:
        self.paths: list[str] = []
        self.codes: list[str] = []
        for code in ref.villages:
            names = [ref.names[code], ref.names[code[:8]], ref.names[code[:5]], ref.names[code[:2]]]
            self.paths.append(", ".join(names).lower())
            self.codes.append(code)
        self.index: dict[str, list[int]] = defaultdict(list)
        self.gram_counts: list[int] = []
        for i, path in enumerate(self.paths):
            grams = self._grams(path)
            self.gram_counts.append(len(grams))
            for gram in grams:
                self.index[gram].append(i)
        self.sorted_words = [self._sort_words(path) for path in self.paths]

    @staticmethod
    def _sort_words(text: str) -> str:
        return " ".join(sorted(re.findall(r"[a-z0-9]+", text.lower())))

    @staticmethod
    def _grams(text: str) -> set[str]:
        padded = f"  {text} "
        return {padded[i : i + 3] for i in range(len(padded) - 2)}

    def match(self, text: str, scorer: str = "ratio") -> str | None:
        query = text.lower()
        grams = self._grams(query)
        shared: Counter = Counter()
        for gram in grams:
            shared.update(self.index.get(gram, ()))
        if scorer == "dice":
            dice = [
                (2 * n / (len(grams) + self.gram_counts[i]), self.paths[i], self.codes[i])
                for i, n in shared.items()
            ]
            top = max(dice, default=None)
            return top[2] if top and top[0] >= 0.5 else None
        candidates = self.sorted_words if scorer == "token_sort" else self.paths
        if scorer == "token_sort":
            query = self._sort_words(query)
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(query)
        scored = []
        for i, _count in shared.most_common(SHORTLIST):
            matcher.set_seq1(candidates[i])
            if matcher.real_quick_ratio() >= 0.5 and matcher.quick_ratio() >= 0.5:
                ratio = matcher.ratio()
                if ratio >= 0.5:
                    scored.append((ratio, self.paths[i], self.codes[i]))
        return max(scored)[2] if scored else None


def run_baseline(baseline: FuzzyBaseline, cases: list[Case], scorer: str = "ratio") -> Tally:
    tally = Tally(f"baseline: generic fuzzy matcher over full paths ({FuzzyBaseline.SCORERS[scorer]})")
    for case in cases:
        started = time.perf_counter()
        best = baseline.match(case.text, scorer)
        elapsed = time.perf_counter() - started
        tally.add(case, "resolved" if best else "not_found", best, [], elapsed)
    return tally


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())
    return f"nproc {nproc}, {cpu}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--baseline-samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--no-write", action="store_true", help="print only; do not append to RESULTS.md")
    parser.add_argument("--show-misses", type=int, default=0, help="print this many missed inputs")
    args = parser.parse_args()

    rss_before = rss_mb()
    started = time.perf_counter()
    gazetteer = Gazetteer.from_csv(DATA_DIR / "regions")
    build_s = time.perf_counter() - started
    rss_after = rss_mb()
    memory = f"process RSS {rss_before:.0f} → {rss_after:.0f} MB (gazetteer +{rss_after - rss_before:.0f} MB)"
    ref = Reference(gazetteer)
    rng = random.Random(args.seed)
    cases = [make_case(ref, code, rng) for code in rng.sample(ref.villages, args.samples)]
    print(f"Gazetteer built from the CSVs in {build_s:.2f} s ({len(gazetteer.names):,} regions); {memory}.")
    print("Scenarios:", dict(Counter(c.scenario for c in cases)))

    gaz, misses = run_gazetteer(gazetteer, cases, "gazetteer")
    print(gaz.line())
    print("Misses by (scenario, expected, got):", dict(misses.most_common(12)))
    if args.show_misses:
        shown = 0
        for case in cases:
            result = gazetteer.resolve(case.text, level=4)
            ok = (
                result.status == "contradictory"
                if case.scenario == "wrong_district"
                else result.status == "ambiguous"
                if case.truly_ambiguous
                else result.best is not None and result.best.code == case.code
            )
            if not ok:
                print(f"  {case.scenario} {case.code} {case.text!r} → {result.status} {result.reason}")
                shown += 1
                if shown >= args.show_misses:
                    break

    sub = cases[: args.baseline_samples]
    gaz_sub, _ = run_gazetteer(gazetteer, sub, f"gazetteer (same {len(sub)} inputs)")
    fuzzy = FuzzyBaseline(ref)
    bases = [run_baseline(fuzzy, sub, scorer) for scorer in FuzzyBaseline.SCORERS]
    print(gaz_sub.line())
    g = gaz_sub.figures()
    lines = []
    for base, scorer in zip(bases, FuzzyBaseline.SCORERS, strict=True):
        b = base.figures()
        lines.append(base.line())
        lines.append(
            f"gazetteer vs baseline ({scorer}) on the same {len(sub)} inputs: "
            f"right {g['right']:.1f} % vs {b['right']:.1f} % (×{g['right'] / max(b['right'], 0.01):.2f}); "
            f"wrong answers {g['wrong']:.1f} % vs {b['wrong']:.1f} %; "
            f"ambiguous flagged {g['ambiguous_flagged']:.0f} % vs {b['ambiguous_flagged']:.0f} %; "
            f"speed ×{b['mean_ms'] / max(g['mean_ms'], 1e-6):,.0f} faster (mean ms/query), "
            f"×{b['p95_ms'] / max(g['p95_ms'], 1e-6):,.0f} (p95)"
        )
    for line in lines:
        print(line)

    if not args.no_write:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        block = [
            "## Gazetteer",
            "",
            f"`bench/gazetteer.py --samples {args.samples} --baseline-samples {args.baseline_samples} "
            f"--seed {args.seed}`, {stamp}; {machine()}.",
            f"Built from the CSVs in {build_s:.2f} s, {memory}. Queries ask for a village (level=4).",
            "",
            f"- {gaz.line()}",
            f"- {gaz_sub.line()}",
            *(f"- {line}" for line in lines),
            "",
        ]
        write_section("\n".join(block))
        print(f"Wrote the Gazetteer section of {RESULTS.relative_to(ROOT)}.")


def write_section(block: str) -> None:
    """Replace the "## Gazetteer" section (up to the next heading) or append it."""
    text = RESULTS.read_text(encoding="utf-8")
    start = text.find("\n## Gazetteer\n")
    if start < 0:
        RESULTS.write_text(text.rstrip("\n") + "\n\n" + block, encoding="utf-8")
        return
    start += 1
    ends = [i for i in (text.find("\n## ", start + 1), text.find("\n### ", start + 1)) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    RESULTS.write_text(text[:start] + block + ("\n" if ends else "") + text[end:], encoding="utf-8")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    main()
