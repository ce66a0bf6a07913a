"""Gazetteer variant benchmark: abbreviations, doubled level words, localities, case and punctuation.

Run: .venv/bin/python bench/gazetteer_variants.py [--samples 5000] [--seed 20261206] [--rounds 3]

Builds the Gazetteer from the reference CSVs and data/localities.csv (no database), writes a seeded
sample of real villages the way sentra/regions/tests/address_variants.py describes (half of them
villages whose names have a word with a short form), and counts per address: resolved to the right
village, resolved to a wrong one, flagged ambiguous (when the written names fit several villages) or
left unresolved. Speed: the same inputs, and those of bench/gazetteer.py, timed with the variant
reading switched off (`Gazetteer(..., variants=False)`, the reading before issue 13) and on, in
alternating rounds on one process, so that the machine's load falls on both alike.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sentra.settings")

import django  # noqa: E402

django.setup()

import gazetteer as plain_bench  # noqa: E402  (bench/gazetteer.py: its inputs, for the speed check)

from sentra.regions.gazetteer import Gazetteer, read_localities  # noqa: E402
from sentra.regions.services import DATA_DIR  # noqa: E402
from sentra.regions.tests.address_variants import VariantReference, make_cases, score  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "### Gazetteer: addresses written with variants"


def timed(gazetteer: Gazetteer, texts: list[str]) -> list[float]:
    times = []
    for text in texts:
        started = time.perf_counter()
        gazetteer.resolve(text, level=4)
        times.append(time.perf_counter() - started)
    return times


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return 1000 * statistics.fmean(ordered), 1000 * ordered[int(0.95 * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--rounds", type=int, default=3, help="alternating off/on timing rounds")
    parser.add_argument("--speed-samples", type=int, default=2000, help="bench/gazetteer.py inputs timed")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--show-misses", type=int, default=20)
    args = parser.parse_args()

    localities = read_localities(DATA_DIR / "localities.csv")
    started = time.perf_counter()
    on = Gazetteer.from_csv(DATA_DIR / "regions")
    build_on = time.perf_counter() - started
    started = time.perf_counter()
    off = Gazetteer.from_csv(DATA_DIR / "regions", variants=False)
    build_off = time.perf_counter() - started

    ref = VariantReference(on, localities)
    cases = make_cases(ref, args.samples, args.seed)
    variants = Counter(v for case in cases for v in case.variants)
    lines = [f"{args.samples} addresses, seed {args.seed}; variants used: {dict(variants.most_common())}"]
    for label, gazetteer in (("variants on", on), ("variants off (before issue 13)", off)):
        tally, misses = score(gazetteer, cases)
        right = tally.share(tally.right, tally.answerable)
        flagged = tally.share(tally.flagged, tally.ambiguous)
        lines.append(
            f"{label}: right village {right:.2f} % of {tally.answerable} answerable · "
            f"wrong village {tally.wrong} ({tally.share(tally.wrong, tally.n):.2f} %) · "
            f"truly ambiguous flagged {flagged:.1f} % of {tally.ambiguous} "
            f"(resolved to its own village {tally.ambiguous_right}) · not found {tally.not_found}"
        )
        print(lines[-1])
        if gazetteer is on:
            by = Counter((case.scenario, problem) for case, problem, _ in misses)
            print("misses by (scenario, problem):", dict(by.most_common()))
            for case, problem, reason in misses[: args.show_misses]:
                print(f"  {problem}: {case.code} {case.text!r} {case.variants} → {reason[:200]}")

    # Speed: the plain inputs of bench/gazetteer.py and the variant inputs, off and on alternately.
    plain_ref = plain_bench.Reference(off)
    rng = random.Random(20261123)
    plain = [
        plain_bench.make_case(plain_ref, c, rng).text
        for c in rng.sample(plain_ref.villages, args.speed_samples)
    ]
    variant_texts = [case.text for case in cases]
    for texts in (plain, variant_texts):  # warm both (lru caches, fuzzy memos) before timing
        timed(off, texts[:200])
        timed(on, texts[:200])
    speed = {}
    for name, texts in (("bench/gazetteer.py inputs", plain), ("variant inputs", variant_texts)):
        runs: dict[str, list[float]] = {"off": [], "on": []}
        for _ in range(args.rounds):
            runs["off"] += timed(off, texts)
            runs["on"] += timed(on, texts)
        (off_mean, off_p95), (on_mean, on_p95) = summary(runs["off"]), summary(runs["on"])
        speed[name] = (off_mean, off_p95, on_mean, on_p95)
        lines.append(
            f"speed, {name} (n={len(texts)}, {args.rounds} alternating rounds): off {off_mean:.3f} ms mean, "
            f"{off_p95:.3f} ms p95 · on {on_mean:.3f} ms mean, {on_p95:.3f} ms p95 · "
            f"ratio on/off {on_mean / off_mean:.2f} (mean), {on_p95 / off_p95:.2f} (p95)"
        )
        print(lines[-1])
    lines.append(f"build from the CSVs: off {build_off:.2f} s, on {build_on:.2f} s")
    lines.append(
        f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (absolute times "
        "on a loaded "
        "machine are far above a quiet one's; the on/off ratio of alternating rounds is what this measures)"
    )
    print(lines[-1])

    if not args.no_write:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        block = "\n".join(
            [
                HEADING,
                "",
                f"`bench/gazetteer_variants.py --samples {args.samples} --seed {args.seed} "
                f"--rounds {args.rounds} --speed-samples {args.speed_samples}`, {stamp}; "
                f'{plain_bench.machine()}. Queries ask for a village (level=4); "off" is the same code '
                "with `variants=False` (the reading before issue 13).",
                "",
                *(f"- {line}" for line in lines),
                "",
            ]
        )
        write_section(block)
        print(f"Wrote '{HEADING}' in {RESULTS.relative_to(ROOT)}.")


def write_section(block: str) -> None:
    RESULTS.write_text(with_section(RESULTS.read_text(encoding="utf-8"), block), encoding="utf-8")


def with_section(text: str, block: str) -> str:
    """Replace this section (up to the next heading), or add it after the "## Gazetteer" section and
    the "### Gazetteer: …" sections that follow it."""
    start = text.find("\n" + HEADING + "\n")
    if start >= 0:
        start += 1
        ends = [i for i in (text.find("\n## ", start + 1), text.find("\n### ", start + 1)) if i >= 0]
        end = min(ends) + 1 if ends else len(text)
        return text[:start] + block + ("\n" if ends else "") + text[end:]
    at = text.find("\n## Gazetteer\n")
    if at < 0:
        return text.rstrip("\n") + "\n\n" + block
    while True:
        following = [i for i in (text.find("\n## ", at + 1), text.find("\n### ", at + 1)) if i >= 0]
        if not following:
            return text.rstrip("\n") + "\n\n" + block
        at = min(following)
        if not text.startswith("\n### Gazetteer", at):
            return text[: at + 1] + block + "\n" + text[at + 1 :]


if __name__ == "__main__":
    main()
