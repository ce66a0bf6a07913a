"""The region profile as a PDF annex for a Rakor (reportlab, A4 portrait): the same blocks and figures
as the page (analytics.profiles.region_profile), each with its one-line explanation."""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape  # nosec B406 - escapes text for Paragraph markup; parses nothing

from django.utils import formats
from django.utils.translation import gettext as _

from sentra.programmes.choices import Month

from .profiles import Profile


def _n(value) -> str:
    return "—" if value is None else formats.number_format(value, use_l10n=True, force_grouping=True)


def _pct(value) -> str:
    return "—" if value is None else f"{formats.number_format(value, 1, use_l10n=True)} %"


# A table cell that is a figure: digits with grouping, decimals, %, "/", the few-IKM star, or "—"
# (a date, 16-11-2026, is not).
FIGURE = re.compile(r"^(?!\d{2}-\d{2}-\d{4}$)(—|[\d.,\s%/*+−-]*\d[\d.,\s%/*+−-]*)$")


def _lq(value) -> str:
    """Two decimals always, as the page writes it ("1,50", not "1,5" next to "4,64")."""
    return formats.number_format(value, 2, use_l10n=True)


def profile_pdf(p: Profile) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from sentra.core.pdf import NumberedCanvas, page_number

    base = ParagraphStyle("b", fontName="Helvetica", fontSize=8.5, leading=10.5)
    small = ParagraphStyle("s", parent=base, fontSize=7.5, leading=9, textColor=colors.HexColor("#444444"))
    h1 = ParagraphStyle("h1", parent=base, fontName="Helvetica-Bold", fontSize=13, leading=16)
    h2 = ParagraphStyle(
        "h2", parent=base, fontName="Helvetica-Bold", fontSize=10.5, leading=13, spaceBefore=6
    )
    cell = ParagraphStyle("c", parent=base, fontSize=7.5, leading=9)

    def para(text, style=base):
        return Paragraph(escape(str(text)), style)

    cell_right = ParagraphStyle("cr", parent=cell, alignment=TA_RIGHT)

    def table(header, rows, widths):
        # A column of figures only (counts, rupiah, shares, LQ, "3 / 9", "—") is right-aligned, heading
        # included, so that a Rakor reads the digits under each other as on the page.
        numeric = {i for i in range(len(header)) if rows and all(FIGURE.match(str(r[i])) for r in rows)}
        data = [[para(h, cell_right if i in numeric else cell) for i, h in enumerate(header)]] + [
            [para(v, cell_right if i in numeric else cell) for i, v in enumerate(row)] for row in rows
        ]
        t = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    story = [
        para(_("Lampiran Rakor — Profil %(title)s") % {"title": p.title}, h1),
        para(
            _("Kode wilayah %(code)s. Data per %(time)s, langsung dari Sentra.")
            % {"code": p.region.code, "time": p.generated_at.strftime("%d-%m-%Y %H:%M")},
            small,
        ),
        Spacer(1, 3 * mm),
        para(_("1. Komoditas unggulan"), h2),
    ]
    if p.leading and p.leading.items:
        story.append(
            para(
                _(
                    "KBLI 5 digit menurut jumlah IKM aktif. LQ > 1: KBLI ini lebih menonjol di wilayah ini "
                    "daripada rata-rata nasional. * = dihitung dari sedikit IKM, angkanya mudah berubah."
                ),
                small,
            )
        )
        rows = [
            [
                item.rank,
                f"{item.kbli} {item.kbli_title}",
                _n(item.enterprises),
                _pct(None if item.share is None else 100 * item.share),
                (_lq(item.lq_nation) if item.lq_nation is not None else "—")
                + (" *" if item.few_enterprises else ""),
            ]
            for item in p.leading.items
        ]
        story.append(
            table(["#", "KBLI", _("IKM"), _("Pangsa"), _("LQ nasional")], rows, [8, 100, 20, 22, 25])
        )
    else:
        story.append(para(p.leading_note or _("Belum ada IKM aktif tercatat di wilayah ini."), small))

    c = p.centres
    story += [
        para(_("2. Sentra IKM yang ada"), h2),
        para(
            _("%(total)s sentra tercatat, %(active)s masih aktif.")
            % {"total": _n(c.total), "active": _n(c.active)},
            small,
        ),
        table(
            [r.label for r in c.by_status],
            [[_n(r.count) for r in c.by_status]],
            [175 / max(1, len(c.by_status))] * len(c.by_status),
        ),
        Spacer(1, 2 * mm),
    ]
    if c.largest:
        story.append(
            table(
                [_("Sentra terbesar"), _("Komoditas"), "KBLI", _("Desa"), _("Status"), _("Anggota")],
                [
                    [
                        r["name"],
                        r["commodity"],
                        r["kbli_id"],
                        r["village__name"],
                        r["status_label"],
                        _n(r["member_count"]),
                    ]
                    for r in c.largest
                ],
                [50, 38, 14, 35, 22, 16],
            )
        )

    s = p.spending
    story += [
        para(
            _("3. Belanja program dan penyerapan per komoditas (TA %(year)s)") % {"year": s.fiscal_year}, h2
        ),
        para(
            _(
                "Komoditas = KBLI 2 digit yang dimiliki sebagian besar penerima manfaat kegiatan "
                "(sentra dan IKM). "
                "Penyerapan = realisasi s.d. bulan %(month)s ÷ (pagu − blokir)."
            )
            % {"month": Month(s.month).label},  # "Desember", not "12"
            small,
        ),
    ]
    if s.rows:
        rows = [
            [f"{r.kbli} {r.label}".strip(), _n(r.activities), _n(r.pagu), _n(r.realised), _pct(r.absorption)]
            for r in [*s.rows, s.total]
        ]
        story.append(
            table(
                [_("Komoditas"), _("Kegiatan"), _("Pagu (Rp)"), _("Realisasi (Rp)"), _("Penyerapan")],
                rows,
                [70, 18, 32, 32, 23],
            )
        )
    else:
        story.append(para(_("Belum ada kegiatan pada tahun anggaran ini."), small))

    story.append(para(_("4. Cakupan pendamping (TPL-IKM)"), h2))
    if p.coverage is not None:
        cov = p.coverage
        story.append(
            table(
                [
                    _("Pendamping"),
                    _("Sentra didampingi"),
                    _("IKM didampingi"),
                    _("Kunjungan bulan ini"),
                    _("Belum dikunjungi 90 hari"),
                ],
                [
                    [
                        _n(cov.facilitators),
                        f"{_n(cov.centres_covered)} / {_n(cov.centres)}",
                        f"{_n(cov.enterprises_covered)} / {_n(cov.enterprises)}",
                        _n(cov.visits_month),
                        _n(cov.not_visited_90),
                    ]
                ],
                [30, 35, 35, 35, 40],
            )
        )
    else:
        story.append(para(p.coverage_note, small))

    story.append(para(_("5. Tindak lanjut rapat yang masih terbuka"), h2))
    if p.follow_ups is not None:
        f = p.follow_ups
        story.append(
            para(
                _("%(open)s terbuka, %(overdue)s lewat tenggat.")
                % {"open": _n(f.open), "overdue": _n(f.overdue)},
                small,
            )
        )
        if f.items:
            story.append(
                table(
                    [_("Tindak lanjut"), _("Penanggung jawab"), _("Tenggat"), _("Status")],
                    [
                        [
                            item.description,
                            item.agency.name,
                            item.due_on.strftime("%d-%m-%Y") if item.due_on else "—",
                            item.get_status_display(),
                        ]
                        for item in f.items
                    ],
                    [85, 45, 20, 25],
                )
            )
    else:
        story.append(para(p.follow_ups_note, small))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=_("Profil %(name)s") % {"name": p.region.name},
    )

    def footer(canvas, doc_):
        page_number(canvas, A4[0] - 15 * mm, 8 * mm, color=colors.black)

    doc.build(story, onFirstPage=footer, onLaterPages=footer, canvasmaker=NumberedCanvas)
    return buffer.getvalue()
