"""The regions' step of `sentra demo` (core.demo), the first: the reference data every other step
places its records in (Kemendagri regions, KBLI), loaded when missing."""

from __future__ import annotations

from sentra.core.demo import DemoContext

from .services import reference_is_loaded, reference_load

# Share of IKM units per province, in percent, for every step that sizes its data by province (the
# registry's generated IKM, the programmes' dekon/TP shares). Java's three big provinces are BPS IMK
# 2022 (Jateng 20.6, Jatim 20.2, Jabar 15.4) and Java's total 62.2 (Kemenperin, Aug 2022); the split
# of the rest is a rough guess by population and known craft centres, for demo purposes only.
PROVINCE_WEIGHTS: dict[str, float] = {
    "33": 20.6, "35": 20.2, "32": 15.4, "31": 2.0, "34": 2.3, "36": 1.7,  # Java: 62.2
    "11": 2.0, "12": 3.6, "13": 2.5, "14": 1.2, "15": 1.0, "16": 2.0, "17": 0.5, "18": 2.5,
    "19": 0.4, "21": 0.4, "51": 2.6, "52": 3.0, "53": 2.5, "61": 1.5, "62": 0.6, "63": 1.6,
    "64": 0.8, "65": 0.2, "71": 0.8, "72": 1.0, "73": 3.5, "74": 1.0, "75": 0.6, "76": 0.5,
    "81": 0.4, "82": 0.3, "91": 0.15, "92": 0.15, "93": 0.1, "94": 0.1, "95": 0.1, "96": 0.1,
}  # fmt: skip


def demo_step(context: DemoContext) -> None:
    if reference_is_loaded():
        return
    context.stdout.write("Memuat data referensi wilayah dan KBLI…\n")
    reference_load()
    from .gazetteer import reset_gazetteer

    reset_gazetteer()  # it may have been built from the empty table
