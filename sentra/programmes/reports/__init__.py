"""Part 3 reports: the quarterly dekonsentrasi monitoring report (PP 39/2006 forms A, B, C) and the
Rakor Pengendalian DIPA pack, as XLSX or PDF. Figures come only from programmes/selectors.py, read
with the actor's scope; see data.py for the figures, xlsx.py and pdf.py for the layouts.
"""

from __future__ import annotations

from .data import DekonReport, RakorPack, dekon_quarterly, provinces_in_scope, rakor_pack

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def render(report: DekonReport | RakorPack, fmt: str, *, compress: bool = True) -> bytes:
    """The file's bytes; `compress=False` leaves PDF page streams readable (tests)."""
    from . import pdf, xlsx

    if fmt not in FORMATS:
        raise ValueError(fmt)
    if isinstance(report, DekonReport):
        return xlsx.dekon_xlsx(report) if fmt == "xlsx" else pdf.dekon_pdf(report, compress=compress)
    return xlsx.rakor_xlsx(report) if fmt == "xlsx" else pdf.rakor_pdf(report, compress=compress)


__all__ = [
    "FORMATS",
    "DekonReport",
    "RakorPack",
    "dekon_quarterly",
    "provinces_in_scope",
    "rakor_pack",
    "render",
]
