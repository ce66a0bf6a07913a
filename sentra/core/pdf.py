"""Printed pages say "Halaman N dari M": reportlab draws a page before it knows how many follow, so
the canvas holds every page until the document is saved and then writes each page's number.

A report's footer callback (onFirstPage/onLaterPages) calls `page_number(canvas, x, y)` where it used to
draw "Halaman N" itself, and the document is built with `canvasmaker=NumberedCanvas`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

FOOTER_GREY = colors.HexColor("#555555")


def page_number(canvas, x: float, y: float, *, size: float = 7, color=FOOTER_GREY) -> None:
    """Marks where this page's "Halaman N dari M" goes (right-aligned at x); written on save."""
    canvas._sentra_page_number = (x, y, size, color)


class NumberedCanvas(Canvas):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sentra_page_number = None
        self._held_pages: list[dict] = []

    def showPage(self):
        self._held_pages.append(dict(self.__dict__))
        self._startPage()
        self._sentra_page_number = None

    def save(self):
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            if self._sentra_page_number:
                x, y, size, color = self._sentra_page_number
                self.saveState()
                self.setFont("Helvetica", size)
                self.setFillColor(color)
                self.drawRightString(x, y, _("Halaman %(n)s dari %(total)s") % {"n": number, "total": total})
                self.restoreState()
            super().showPage()
        super().save()
