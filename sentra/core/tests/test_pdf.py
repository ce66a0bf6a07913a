"""Printed reports number their pages "Halaman N dari M" (core/pdf.py)."""

import re
from io import BytesIO

from django.utils import translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from sentra.core.pdf import NumberedCanvas, page_number


def build(pages: int, *, numbered=lambda page: True) -> bytes:
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, pageCompression=0)

    def footer(canvas, document):
        if numbered(document.page):
            page_number(canvas, A4[0] - 40, 20)

    story = []
    for n in range(pages):
        story += [Paragraph(f"Isi halaman {n + 1}", getSampleStyleSheet()["Normal"]), PageBreak()]
    doc.build(story[:-1], onFirstPage=footer, onLaterPages=footer, canvasmaker=NumberedCanvas)
    return out.getvalue()


def labels(pdf: bytes) -> list[str]:
    return re.findall(rb"\((Halaman [^)]*|Page [^)]*)\) Tj", pdf)


def test_every_page_says_its_number_and_the_total():
    with translation.override("id"):
        pdf = build(3)

    assert labels(pdf) == [b"Halaman 1 dari 3", b"Halaman 2 dari 3", b"Halaman 3 dari 3"]


def test_a_page_whose_footer_asks_for_no_number_gets_none_and_the_others_keep_the_total():
    with translation.override("id"):
        pdf = build(3, numbered=lambda page: page != 2)

    assert labels(pdf) == [b"Halaman 1 dari 3", b"Halaman 3 dari 3"]
    assert b"Isi halaman 1" in pdf and b"Isi halaman 3" in pdf  # every page's own content is kept


def test_in_english():
    with translation.override("en"):
        pdf = build(2)

    assert labels(pdf) == [b"Page 1 of 2", b"Page 2 of 2"]
