"""A meeting's minutes (*notulen*, PDF and DOCX) and attendance sheet (*daftar hadir*, PDF), ready to
print and sign (issue 15 point 3).

Both are built from what the meeting records: the minutes from its kind, title, date, place,
organisers, the participants counted by attendance, the agenda, every decision with its follow-ups
(owner, due date, status), then a signature block for the note-taker and the chair; the attendance
sheet lists the participants (No / Nama / Jabatan / Instansi / Kehadiran / Tanda tangan), grouped by
organisation, with room to sign, its header repeated on every page, and blank rows for walk-ins.
`minutes_of` / `attendance_sheet_of` read through coordination.selectors (404 outside the meeting's
readers); the renderers take what they return, so the web, the API and tests print the same thing.

PDF with reportlab (A4 portrait, the built-in Helvetica: nothing fetched at run time; every text
from the database XML-escaped before it enters a Paragraph), DOCX with python-docx.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from io import BytesIO
from xml.sax.saxutils import escape  # nosec B406 - escapes text for Paragraph markup; parses nothing

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from sentra.accounts.scope import Actor
from sentra.core.pdf import NumberedCanvas, page_number
from sentra.programmes.reports.data import long_date
from sentra.programmes.reports.pdf import HEAD

from . import selectors
from .choices import Attendance
from .models import Meeting

# --- what is printed -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpLine:
    description: str
    owner: str
    due_on: str
    status: str


@dataclass(frozen=True)
class DecisionLine:
    number: int
    text: str
    follow_ups: list[FollowUpLine]


@dataclass(frozen=True)
class AgendaLine:
    order: int
    time: str
    title: str
    presenter: str


@dataclass(frozen=True)
class AttendeeLine:
    name: str
    position: str
    organisation: str
    attendance: str


@dataclass
class MeetingHeader:
    kind: str
    title: str
    date: str
    time: str
    place: str
    organiser: str
    mode: str
    theme: str = ""
    series: str = ""
    signed_at: str = ""  # "Kota Balikpapan, 3 November 2026" above the signatures

    def facts(self) -> list[tuple[str, str]]:
        rows = [
            (_("Jenis rapat"), self.kind),
            (_("Hari/tanggal"), self.date),
            (_("Waktu"), self.time),
            (_("Tempat"), self.place),
            (_("Bentuk"), self.mode),
            (_("Penyelenggara"), self.organiser),
        ]
        if self.series:
            rows.append((_("Seri"), self.series))
        if self.theme:
            rows.insert(1, (_("Tema"), self.theme))
        return rows


@dataclass
class Minutes:
    header: MeetingHeader
    invited: int
    attendance: list[tuple[str, int]]  # (label, count) in the choices' order, only counts above zero
    participants: int
    agenda: list[AgendaLine] = field(default_factory=list)
    decisions: list[DecisionLine] = field(default_factory=list)
    notes: str = ""


@dataclass
class AttendanceSheet:
    header: MeetingHeader
    attendees: list[AttendeeLine]
    blank_rows: int


def day_name(day: dt.date) -> str:
    names = (_("Senin"), _("Selasa"), _("Rabu"), _("Kamis"), _("Jumat"), _("Sabtu"), _("Minggu"))
    return names[day.weekday()]


def _date_text(start: dt.datetime, end: dt.datetime) -> str:
    first, last = timezone.localtime(start).date(), timezone.localtime(end).date()
    text = f"{day_name(first)}, {long_date(first)}"
    if last != first:
        text += f" – {day_name(last)}, {long_date(last)}"
    return text


def _time_text(start: dt.datetime, end: dt.datetime) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    zone = start.tzname() or ""
    return f"{start:%H.%M} – {end:%H.%M} {zone}".strip()


def _header(meeting: Meeting) -> MeetingHeader:
    co = list(meeting.co_organisers.order_by("name").values_list("name", flat=True))
    host = meeting.host_region.name if meeting.host_region_id else ""
    place = ", ".join(part for part in (meeting.venue, host) if part) or "—"
    series = ""
    if meeting.series_id:
        series = meeting.series.name + (
            " · " + _("edisi %(n)s") % {"n": meeting.edition} if meeting.edition else ""
        )
    last_day = timezone.localtime(meeting.ends_at).date()
    where = host or meeting.venue or "…………………"
    return MeetingHeader(
        kind=str(meeting.get_kind_display()),
        title=meeting.title,
        date=_date_text(meeting.starts_at, meeting.ends_at),
        time=_time_text(meeting.starts_at, meeting.ends_at),
        place=place,
        organiser=", ".join([meeting.agency.name, *co]),
        mode=str(meeting.get_mode_display()),
        theme=meeting.theme,
        series=series,
        signed_at=f"{where}, {long_date(last_day)}",
    )


def minutes_of(*, actor: Actor, pk: int) -> Minutes:
    """What the minutes of a meeting say (NotFound outside the meeting's readers)."""
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    counts = selectors.attendance_summary(meeting)
    attendance = [(str(label), counts[value]) for value, label in Attendance.choices if counts.get(value)]
    agenda = [
        AgendaLine(
            order=item.order,
            time=f"{timezone.localtime(item.starts_at):%H.%M}" if item.starts_at else "",
            title=item.title,
            presenter=item.presenter,
        )
        for item in meeting.agendaitems.order_by("order", "starts_at", "pk")
    ]
    decisions = []
    for decision in meeting.decisions.order_by("number", "pk").prefetch_related("follow_ups__agency"):
        lines = [
            FollowUpLine(
                description=f.description,
                owner=f.agency.name + (f" ({f.owner_person})" if f.owner_person else ""),
                due_on=long_date(f.due_on),
                status=str(f.get_status_display())
                + (f": {f.drop_reason}" if f.drop_reason and f.status == "dropped" else ""),
            )
            for f in sorted(decision.follow_ups.all(), key=lambda f: (f.due_on, f.pk))
        ]
        decisions.append(DecisionLine(number=decision.number, text=decision.text, follow_ups=lines))
    return Minutes(
        header=_header(meeting),
        invited=meeting.invitations.count(),
        attendance=attendance,
        participants=sum(counts.values()),
        agenda=agenda,
        decisions=decisions,
        notes=meeting.notes,
    )


# Rows left blank under the list, for those who come without being listed (walk-ins); a meeting
# with no participant recorded yet gets a sheet of blank rows to fill in by hand.
BLANK_ROWS = 5
BLANK_SHEET_ROWS = 25


def attendance_sheet_of(*, actor: Actor, pk: int) -> AttendanceSheet:
    """The attendance sheet of a meeting: its participants grouped by organisation, then by name."""
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    attendees = []
    for person in selectors.participant_list(actor=actor, meeting=meeting):
        if person.attendance == Attendance.UNKNOWN:
            attendance = ""  # filled in on paper
        elif person.attendance == Attendance.REPRESENTED and person.represented_by:
            attendance = _("Diwakili %(name)s") % {"name": person.represented_by}
        else:
            attendance = str(person.get_attendance_display())
        attendees.append(
            AttendeeLine(
                name=person.name,
                position=person.position,
                organisation=person.agency.name if person.agency_id else person.organisation,
                attendance=attendance,
            )
        )
    attendees.sort(key=lambda a: (a.organisation.casefold(), a.name.casefold()))
    return AttendanceSheet(
        header=_header(meeting),
        attendees=attendees,
        blank_rows=BLANK_ROWS if attendees else BLANK_SHEET_ROWS,
    )


def file_name(meeting_pk: int, what: str, extension: str) -> str:
    return f"{what}-rapat-{meeting_pk}.{extension}"


# --- PDF -----------------------------------------------------------------------------------------------

PAGE = A4
MARGIN = 18 * mm
# The text width: inside the margins, less the 6 pt SimpleDocTemplate's frame pads on each side, so
# tables line up with the paragraphs instead of overhanging them.
WIDTH = PAGE[0] - 2 * MARGIN - 12
BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=10.5)
SMALL_BOLD = ParagraphStyle("smallbold", parent=SMALL, fontName="Helvetica-Bold")
TITLE = ParagraphStyle(
    "title", parent=BODY, fontName="Helvetica-Bold", fontSize=14, leading=18, alignment=TA_CENTER
)
SUBTITLE = ParagraphStyle("subtitle", parent=BODY, fontSize=11, leading=14, alignment=TA_CENTER)
H2 = ParagraphStyle(
    "h2", parent=BODY, fontName="Helvetica-Bold", fontSize=11, leading=14, spaceBefore=8, spaceAfter=4
)
CENTRE = ParagraphStyle("centre", parent=BODY, alignment=TA_CENTER)
SIGN_NUMBER_RIGHT = ParagraphStyle("signright", parent=SMALL, alignment=TA_RIGHT)
GRID = colors.HexColor("#808080")


def para(text, style=BODY) -> Paragraph:
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def _footer(label: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(MARGIN + 6, 10 * mm, label[:110])
        page_number(canvas, PAGE[0] - MARGIN - 6, 10 * mm, size=7.5)
        canvas.restoreState()

    return draw


def _build(story: list, title: str, footer: str) -> bytes:
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Sentra",
    )
    draw = _footer(footer)
    doc.build(story, onFirstPage=draw, onLaterPages=draw, canvasmaker=NumberedCanvas)
    return out.getvalue()


def _grid(rows: list[list], widths: list[float], *, repeat: int = 1) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=repeat, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), (-1, repeat - 1), HEAD),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _facts(header: MeetingHeader) -> Table:
    rows = [[para(label), para(":"), para(value)] for label, value in header.facts()]
    table = Table(rows, colWidths=[34 * mm, 4 * mm, WIDTH - 38 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _signatures(header: MeetingHeader) -> KeepTogether:
    """Note-taker on the left, the chair on the right, place and date above the chair."""
    half = WIDTH / 2
    rows = [
        [para(""), para(header.signed_at, CENTRE)],
        [para(_("Notulis,"), CENTRE), para(_("Pimpinan rapat,"), CENTRE)],
        [Spacer(1, 22 * mm), Spacer(1, 22 * mm)],
        [para("(" + "." * 50 + ")", CENTRE), para("(" + "." * 50 + ")", CENTRE)],
        [para(_("NIP.") + " " + "." * 38, CENTRE), para(_("NIP.") + " " + "." * 38, CENTRE)],
    ]
    table = Table(rows, colWidths=[half, half])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Spacer(1, 10 * mm), table])


def minutes_pdf(minutes: Minutes) -> bytes:
    h = minutes.header
    story: list = [
        para(_("NOTULEN RAPAT"), TITLE),
        Spacer(1, 2 * mm),
        para(h.title, SUBTITLE),
        Spacer(1, 6 * mm),
        _facts(h),
        para(_("Peserta"), H2),
        para(
            _("Instansi diundang: %(invited)s. Peserta tercatat: %(total)s orang.")
            % {"invited": minutes.invited, "total": minutes.participants}
        ),
    ]
    if minutes.attendance:
        rows = [[para(_("Kehadiran"), SMALL_BOLD), para(_("Jumlah"), SMALL_BOLD)]]
        rows += [[para(label, SMALL), para(str(count), SMALL)] for label, count in minutes.attendance]
        story += [Spacer(1, 2 * mm), _grid(rows, [60 * mm, 25 * mm])]
    story.append(para(_("Acara"), H2))
    if minutes.agenda:
        rows = [[para(t, SMALL_BOLD) for t in (_("No."), _("Waktu"), _("Acara"), _("Penyaji"))]]
        rows += [
            [para(i, SMALL), para(a.time, SMALL), para(a.title, SMALL), para(a.presenter, SMALL)]
            for i, a in enumerate(minutes.agenda, 1)
        ]
        story.append(_grid(rows, [10 * mm, 16 * mm, WIDTH - 76 * mm, 50 * mm]))
    else:
        story.append(para(_("Tidak ada acara yang dicatat.")))
    story.append(para(_("Keputusan/kesimpulan dan tindak lanjut"), H2))
    if not minutes.decisions:
        story.append(para(_("Tidak ada keputusan yang dicatat.")))
    for decision in minutes.decisions:
        story.append(
            Table(
                [[para(f"{decision.number}."), para(decision.text)]],
                colWidths=[8 * mm, WIDTH - 8 * mm],
                style=[("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")],
            )
        )
        if decision.follow_ups:
            rows = [
                [
                    para(t, SMALL_BOLD)
                    for t in (_("Tindak lanjut"), _("Penanggung jawab"), _("Tenggat"), _("Status"))
                ]
            ]
            rows += [
                [
                    para(f.description, SMALL),
                    para(f.owner, SMALL),
                    para(f.due_on, SMALL),
                    para(f.status, SMALL),
                ]
                for f in decision.follow_ups
            ]
            inner = WIDTH - 8 * mm
            table = _grid(rows, [inner - 108 * mm, 50 * mm, 26 * mm, 32 * mm])
            story.append(
                Table(
                    [["", table]],
                    colWidths=[8 * mm, inner],
                    style=[("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)],
                )
            )
        story.append(Spacer(1, 3 * mm))
    if minutes.notes:
        story += [para(_("Catatan"), H2), para(minutes.notes)]
    story.append(_signatures(h))
    return _build(
        story, _("Notulen %(title)s") % {"title": h.title}, _("Notulen — %(title)s") % {"title": h.title}
    )


# Column widths of the attendance sheet on A4 portrait (about 170 mm of text width): a signature gets
# the rest, about 29 mm; a name or an office wraps onto a second line rather than being cut.
SHEET_COLUMNS = (9 * mm, 44 * mm, 30 * mm, 36 * mm, 22 * mm, None)
SIGN_ROW_HEIGHT = 12 * mm
SIGN_SPACE = SIGN_ROW_HEIGHT - 6 - SMALL.leading  # less the cell's padding and the number's line


def attendance_pdf(sheet: AttendanceSheet) -> bytes:
    h = sheet.header
    widths = [w for w in SHEET_COLUMNS if w is not None]
    widths.append(WIDTH - sum(widths))
    head = [
        para(t, SMALL_BOLD)
        for t in (_("No."), _("Nama"), _("Jabatan"), _("Instansi"), _("Kehadiran"), _("Tanda tangan"))
    ]
    rows = [head]
    total = len(sheet.attendees) + sheet.blank_rows
    for i in range(1, total + 1):
        person = sheet.attendees[i - 1] if i <= len(sheet.attendees) else None
        # Signatures alternate left and right, as on paper sheets, so that neighbours do not collide;
        # the spacer keeps room to sign while a long name or office may still make the row taller.
        sign = [para(f"{i}.", SMALL if i % 2 else SIGN_NUMBER_RIGHT), Spacer(1, SIGN_SPACE)]
        if person is None:
            rows.append([para(i, SMALL), "", "", "", "", sign])
        else:
            rows.append(
                [
                    para(i, SMALL),
                    para(person.name, SMALL),
                    para(person.position, SMALL),
                    para(person.organisation, SMALL),
                    para(person.attendance, SMALL),
                    sign,
                ]
            )
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                ("VALIGN", (0, 1), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    story = [
        para(_("DAFTAR HADIR"), TITLE),
        Spacer(1, 2 * mm),
        para(h.title, SUBTITLE),
        Spacer(1, 5 * mm),
        _facts(h),
        Spacer(1, 5 * mm),
        table,
    ]
    return _build(
        story,
        _("Daftar hadir %(title)s") % {"title": h.title},
        _("Daftar hadir — %(title)s") % {"title": h.title},
    )


# --- DOCX ----------------------------------------------------------------------------------------------


def minutes_docx(minutes: Minutes) -> bytes:
    """The minutes as a Word document, to be edited before signing (the same content as the PDF)."""
    from docx import Document as WordDocument
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    h = minutes.header
    doc = WordDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    doc.core_properties.title = _("Notulen %(title)s") % {"title": h.title}
    doc.core_properties.author = "Sentra"

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_("NOTULEN RAPAT"))
    run.bold, run.font.size = True, Pt(14)
    subtitle = doc.add_paragraph(h.title)
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER

    facts = doc.add_table(rows=0, cols=3)
    for label, value in h.facts():
        cells = facts.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = label, ":", value
    for row in facts.rows:
        row.cells[0].width, row.cells[1].width, row.cells[2].width = Mm(38), Mm(5), Mm(127)

    def heading(text: str) -> None:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(10)
        paragraph.add_run(text).bold = True

    def grid(headers: list[str], rows: list[list[str]]):
        table = doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for values in rows:
            for cell, text in zip(table.add_row().cells, values, strict=True):
                cell.text = str(text)
        return table

    heading(_("Peserta"))
    doc.add_paragraph(
        _("Instansi diundang: %(invited)s. Peserta tercatat: %(total)s orang.")
        % {"invited": minutes.invited, "total": minutes.participants}
    )
    if minutes.attendance:
        grid([_("Kehadiran"), _("Jumlah")], [[label, str(count)] for label, count in minutes.attendance])

    heading(_("Acara"))
    if minutes.agenda:
        grid(
            [_("No."), _("Waktu"), _("Acara"), _("Penyaji")],
            [[str(i), a.time, a.title, a.presenter] for i, a in enumerate(minutes.agenda, 1)],
        )
    else:
        doc.add_paragraph(_("Tidak ada acara yang dicatat."))

    heading(_("Keputusan/kesimpulan dan tindak lanjut"))
    if not minutes.decisions:
        doc.add_paragraph(_("Tidak ada keputusan yang dicatat."))
    for decision in minutes.decisions:
        doc.add_paragraph(f"{decision.number}. {decision.text}")
        if decision.follow_ups:
            grid(
                [_("Tindak lanjut"), _("Penanggung jawab"), _("Tenggat"), _("Status")],
                [[f.description, f.owner, f.due_on, f.status] for f in decision.follow_ups],
            )
    if minutes.notes:
        heading(_("Catatan"))
        doc.add_paragraph(minutes.notes)

    doc.add_paragraph()
    signatures = doc.add_table(rows=5, cols=2)
    texts = [
        ("", h.signed_at),
        (_("Notulis,"), _("Pimpinan rapat,")),
        ("\n\n\n", "\n\n\n"),
        ("(" + "." * 40 + ")", "(" + "." * 40 + ")"),
        (_("NIP.") + " " + "." * 30, _("NIP.") + " " + "." * 30),
    ]
    for row, (left, right) in zip(signatures.rows, texts, strict=True):
        for cell, text in zip(row.cells, (left, right), strict=True):
            cell.text = text
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
