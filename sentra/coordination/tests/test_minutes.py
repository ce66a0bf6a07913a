"""Minutes (notulen, PDF and DOCX) and the attendance sheet (daftar hadir, PDF) of a meeting: what they
say, who may have them, and how the printed page looks (rendered with poppler, words located)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document as WordDocument

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.coordination import minutes
from sentra.coordination.models import AgendaItem
from sentra.core.errors import NotFound
from sentra.programmes.tests.test_report_layout import Word, page_words
from sentra.registry.tests.factories import AgencyFactory

from .factories import (
    DecisionFactory,
    FollowUpFactory,
    InvitationFactory,
    MeetingFactory,
    ParticipantFactory,
    wib,
)

pytestmark = pytest.mark.django_db
POPPLER = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdftotext")), reason="poppler-utils not installed"
)
SHOTS = Path("/tmp/shots/docs")


@pytest.fixture
def rakor():
    """The Belu Rakor of 2019 in small: NTT organises with Belu, two decisions, one with two
    follow-ups (one dropped with its reason), participants in every state of attendance."""
    ntt = AgencyFactory(name="Disperindag Provinsi NTT", kind="province_industry", region_id="53")
    belu = AgencyFactory(name="Dinas Perindustrian Kab. Belu", kind="regency_industry", region_id="53.04")
    meeting = MeetingFactory(
        agency=ntt,
        kind="rakor_programme",
        title="Rakor Pelaksanaan Program IKM Provinsi NTT",
        theme="Penguatan sentra IKM perbatasan",
        host_region_id="53.04",
        venue="Aula Hotel Nusantara, Atambua",
        starts_at=wib(2026, 11, 2, 9),
        ends_at=wib(2026, 11, 3, 16),
    )
    meeting.co_organisers.add(belu)
    InvitationFactory(meeting=meeting, agency=belu)
    AgendaItem.objects.create(
        meeting=meeting, order=1, title="Pembukaan", presenter="Kepala Dinas", starts_at=wib(2026, 11, 2, 9)
    )
    AgendaItem.objects.create(meeting=meeting, order=2, title="Paparan program 2027", presenter="Ditjen IKMA")
    first = DecisionFactory(meeting=meeting, number=1, text="Kontrak tenaga pendamping ditandatangani.")
    FollowUpFactory(
        decision=first, agency=belu, owner_person="Kabid Perindustrian", description="Serahkan daftar TPL",
        due_on=dt.date(2026, 11, 30), status="in_progress",
    )  # fmt: skip
    FollowUpFactory(
        decision=first, agency=ntt, description="Anggarkan honor TPL", due_on=dt.date(2026, 12, 15),
        status="dropped", drop_reason="Dibiayai APBN",
    )  # fmt: skip
    DecisionFactory(meeting=meeting, number=2, text="Rakor berikutnya di Kupang.")
    for name, attendance in [
        ("Yohanes Bere", "present"),
        ("Maria Lopes", "present"),
        ("Agustinus Taek", "online"),
        ("Fransiska Hale", "represented"),
        ("Petrus Mau", "absent"),
    ]:
        ParticipantFactory(
            meeting=meeting,
            name=name,
            agency=belu,
            attendance=attendance,
            represented_by="Staf" if attendance == "represented" else "",
        )
    reader = actor_of(persona(Role.PROVINCE_OFFICER, agency=ntt))
    return meeting, reader


def docx_text(content: bytes) -> str:
    doc = WordDocument(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


class TestWhatTheMinutesSay:
    def test_header_attendance_agenda_decisions_follow_ups_and_signatures(self, rakor):
        meeting, reader = rakor
        data = minutes.minutes_of(actor=reader, pk=meeting.pk)
        facts = dict(data.header.facts())
        assert facts["Hari/tanggal"] == "Senin, 2 November 2026 – Selasa, 3 November 2026"
        assert facts["Waktu"] == "09.00 – 16.00 WIB"
        assert facts["Penyelenggara"] == "Disperindag Provinsi NTT, Dinas Perindustrian Kab. Belu"
        assert data.attendance == [
            ("Hadir langsung", 2),
            ("Hadir daring", 1),
            ("Diwakilkan", 1),
            ("Tidak hadir", 1),
        ]
        assert (data.invited, data.participants) == (1, 5)
        assert [a.title for a in data.agenda] == ["Pembukaan", "Paparan program 2027"]
        assert data.agenda[0].time == "09.00"
        first, second = data.decisions
        assert [f.description for f in first.follow_ups] == ["Serahkan daftar TPL", "Anggarkan honor TPL"]
        assert first.follow_ups[0].owner == "Dinas Perindustrian Kab. Belu (Kabid Perindustrian)"
        assert first.follow_ups[1].status == "Dibatalkan: Dibiayai APBN"
        assert second.follow_ups == []

    def test_the_docx_carries_the_same_content(self, rakor):
        meeting, reader = rakor
        text = docx_text(minutes.minutes_docx(minutes.minutes_of(actor=reader, pk=meeting.pk)))
        for expected in (
            "NOTULEN RAPAT",
            "Rakor Pelaksanaan Program IKM Provinsi NTT",
            "Tempat | : | Aula Hotel Nusantara, Atambua",
            "Hadir langsung | 2",
            "1 | 09.00 | Pembukaan | Kepala Dinas",
            "1. Kontrak tenaga pendamping ditandatangani.",
            "Serahkan daftar TPL | Dinas Perindustrian Kab. Belu (Kabid Perindustrian) | 30 November 2026 | "
            "Sedang dikerjakan",
            "2. Rakor berikutnya di Kupang.",
            "Notulis, | Pimpinan rapat,",
        ):
            assert expected in text, expected
        # the host region and the last day, above the chair's signature
        assert " | Kabupaten Belu, 3 November 2026" in text

    def test_outside_the_meetings_readers_there_are_no_minutes(self, rakor):
        meeting, _reader = rakor
        kaltim = AgencyFactory(name="Disperindagkop Kaltim", kind="province_industry", region_id="64")
        outsider = actor_of(persona(Role.PROVINCE_OFFICER, agency=kaltim))
        with pytest.raises(NotFound):
            minutes.minutes_of(actor=outsider, pk=meeting.pk)
        with pytest.raises(NotFound):
            minutes.attendance_sheet_of(actor=outsider, pk=meeting.pk)

    def test_the_attendance_sheet_lists_by_organisation_then_name_with_blank_rows(self, rakor):
        meeting, reader = rakor
        ParticipantFactory(meeting=meeting, name="Aaron Tse", organisation="Yayasan Tenun Ikat")
        sheet = minutes.attendance_sheet_of(actor=reader, pk=meeting.pk)
        assert [a.name for a in sheet.attendees][:2] == ["Agustinus Taek", "Fransiska Hale"]
        assert sheet.attendees[-1].name == "Aaron Tse"  # Yayasan… after Dinas…, whatever the name
        assert {a.name: a.attendance for a in sheet.attendees}["Fransiska Hale"] == "Diwakili Staf"
        ParticipantFactory(meeting=meeting, name="Walk In", organisation="Dekranasda")  # not yet marked
        sheet = minutes.attendance_sheet_of(actor=reader, pk=meeting.pk)
        assert {a.name: a.attendance for a in sheet.attendees}["Walk In"] == ""  # filled in on paper
        assert sheet.blank_rows == minutes.BLANK_ROWS
        empty = MeetingFactory(agency=meeting.agency)
        assert minutes.attendance_sheet_of(actor=reader, pk=empty.pk).blank_rows == minutes.BLANK_SHEET_ROWS


class TestChannels:
    def test_web_and_api_serve_pdf_and_docx_to_readers_404_outside(self, client, rakor):
        meeting, _reader = rakor
        client.force_login(persona(Role.PROVINCE_OFFICER, agency=meeting.agency, username="ntt_web"))
        for url, kind in [
            (f"/koordinasi/rapat/{meeting.pk}/notulen.pdf", b"%PDF-"),
            (f"/koordinasi/rapat/{meeting.pk}/daftar-hadir.pdf", b"%PDF-"),
            (f"/koordinasi/rapat/{meeting.pk}/notulen.docx", b"PK"),
            (f"/api/v1/meetings/{meeting.pk}/minutes.pdf", b"%PDF-"),
            (f"/api/v1/meetings/{meeting.pk}/minutes.docx", b"PK"),
            (f"/api/v1/meetings/{meeting.pk}/attendance.pdf", b"%PDF-"),
        ]:
            answer = client.get(url)
            assert answer.status_code == 200 and answer.content.startswith(kind), url
            assert f"rapat-{meeting.pk}." in answer["Content-Disposition"]
        kaltim = AgencyFactory(name="Disperindagkop Kaltim", kind="province_industry", region_id="64")
        client.force_login(persona(Role.PROVINCE_OFFICER, agency=kaltim, username="kaltim_web"))
        assert client.get(f"/koordinasi/rapat/{meeting.pk}/notulen.pdf").status_code == 404
        assert client.get(f"/api/v1/meetings/{meeting.pk}/attendance.pdf").status_code == 404


def overlaps(words: list[Word]) -> list[tuple[str, str]]:
    return [(a.text, b.text) for i, a in enumerate(words) for b in words[i + 1 :] if a.overlaps(b)]


def render(content: bytes, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(content)
    if SHOTS.parent.exists():  # keep images to look at (/tmp/shots/docs) when the folder is there
        SHOTS.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "100", "-png", str(path), str(SHOTS / name)], check=True)
    return path


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@POPPLER
class TestPrinted:
    def test_the_minutes_pdf_reads_as_the_minutes_and_no_words_collide(self, rakor, tmp_path):
        meeting, reader = rakor
        path = render(
            minutes.minutes_pdf(minutes.minutes_of(actor=reader, pk=meeting.pk)), tmp_path, "notulen"
        )
        text = pdf_text(path)
        for expected in (
            "NOTULEN RAPAT",
            "Aula Hotel Nusantara, Atambua",
            "Serahkan daftar TPL",
            "Pimpinan rapat,",
        ):
            assert expected in text, expected
        for page in range(1, pages(path) + 1):
            assert overlaps(page_words(path, page)) == []

    def test_the_attendance_sheet_repeats_its_header_wraps_long_names_and_has_room_to_sign(
        self, rakor, tmp_path
    ):
        meeting, reader = rakor
        long_name = "Dr. Ir. Bernadetha Maria Goreti Nahak Tae Seran, S.T., M.Sc., M.Eng. (Wakil Ketua)"
        ParticipantFactory(meeting=meeting, name=long_name, organisation="Dekranasda Kabupaten Belu")
        for i in range(60):
            ParticipantFactory(
                meeting=meeting, name=f"Peserta Rakor {i:02d}", organisation="Dinas Kabupaten Malaka"
            )
        path = render(
            minutes.attendance_pdf(minutes.attendance_sheet_of(actor=reader, pk=meeting.pk)),
            tmp_path,
            "daftar-hadir",
        )
        count = pages(path)
        assert count >= 3
        for page in range(1, count + 1):
            words = page_words(path, page)
            assert overlaps(words) == []
            header = [w for w in words if w.text in ("Nama", "Jabatan", "Instansi", "Kehadiran", "Tanda")]
            assert {w.text for w in header} == {"Nama", "Jabatan", "Instansi", "Kehadiran", "Tanda"}, page
            # every word inside the page's text area (nothing runs off to the right)
            assert max(w.x1 for w in words) <= 595 - 18 * 72 / 25.4 + 1
        # The long name wraps inside the Nama column: its words on more than one line, left of Jabatan.
        first = page_words(path, 1)
        nama = next(w for w in first if w.text == "Nama")
        jabatan = next(w for w in first if w.text == "Jabatan")
        parts = [w for w in first if w.text in ("Bernadetha", "Seran,", "M.Eng.", "(Wakil", "Ketua)")]
        assert len({round(w.y0) for w in parts}) > 1
        assert all(nama.x0 - 1 <= w.x0 and w.x1 < jabatan.x0 for w in parts)
        # Rows are tall enough to sign: consecutive row numbers at least 12 mm apart.
        numbers = sorted(
            (w for w in first if w.text in {"10", "11", "12"} and w.x0 < nama.x0), key=lambda w: w.y0
        )
        assert len(numbers) == 3 and all(
            b.y0 - a.y0 >= 12 * 72 / 25.4 - 0.5 for a, b in zip(numbers, numbers[1:], strict=False)
        )
