"""The regions' step of `sentra demo` (core.demo), the first: the reference data every other step
places its records in (Kemendagri regions, KBLI), loaded when missing."""

from __future__ import annotations

from sentra.core.demo import DemoContext

from .services import reference_is_loaded, reference_load


def demo_step(context: DemoContext) -> None:
    if reference_is_loaded():
        return
    context.stdout.write("Memuat data referensi wilayah dan KBLI…\n")
    reference_load()
    from .gazetteer import reset_gazetteer

    reset_gazetteer()  # it may have been built from the empty table
