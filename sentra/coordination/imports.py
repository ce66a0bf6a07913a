"""Imports of coordination (issue 15 §1, §8): a meeting's attendance list, and status updates of
follow-ups. Both run through the core engine (sentra.core.imports: dry run, all or nothing, the report,
the audit batch and its rollback) and are registered from CoordinationConfig.ready().

`participants`: an attendance list into one meeting, the import's target (CLI `--meeting ID`, the web
upload from the meeting's page, the API's `target`), or the meeting named per row in `id_rapat`. The
file is typed by a secretariat, not filled from the template, so the schema reads what such files
hold: title rows above the header and labels under merged header cells (ImportSchema.flexible_header),
names and positions in one column ("Budi Santoso / Kepala Seksi IKM", or on two lines), blank and
pre-numbered empty rows, a signature column (ignored), the same person twice (one participant, the
later row a `duplicate_row` warning), people already listed (updated, not added again), and people
whose agency was not invited (accepted as walk-ins and flagged, as services._flag_walk_in does).

`follow-ups`: status, completion date, drop reason, a progress note and an evidence link for
follow-ups the user may update, written by services.follow_up_update and follow_up_note_add, so the
rules and their codes are the services' own (drop_reason_required, note_in_future …). Every row is
tried in the dry run too, inside a savepoint that is rolled back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sentra.accounts.permissions import Area
from sentra.accounts.scope import Actor
from sentra.agencies.models import Agency
from sentra.audit.models import AuditAction, AuditEvent
from sentra.audit.services import BulkEvents, batch_start, diff, object_type, record_change, snapshot
from sentra.core.errors import AccessDenied, DomainError, NotFound
from sentra.core.import_kinds import ImportKind, register_kind
from sentra.core.imports import (
    CellError,
    Column,
    ImportReport,
    ImportSchema,
    Row,
    WriteRefused,
    cell_text,
    is_blank,
    normalise_header,
    parse_choice,
    parse_date,
    parse_int,
    parse_text,
)

from . import selectors, services
from .choices import Attendance, FollowUpStatus
from .models import FollowUp, FollowUpNote, Meeting, Participant

PARTICIPANTS_KIND = "participants"
FOLLOW_UPS_KIND = "follow-ups"


def meeting_target(actor: Actor, pk: int) -> Meeting:
    """The meeting an attendance list is imported into: one the actor reads (else NotFound, as for a
    meeting that does not exist) and may edit (services.can_edit_meeting, else AccessDenied)."""
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    if not services.can_edit_meeting(actor, meeting):
        raise AccessDenied(_("Hanya penyelenggara rapat yang dapat mengimpor daftar hadirnya."))
    return meeting


# ---------------------------------------------------------------------------------------------------
# Reading what secretariats write


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


# Honorifics and titles written before a name; degrees come after a comma and are cut there.
NAME_PREFIXES = frozenset({"bapak", "bpk", "ibu", "sdr", "sdri", "prof", "dr", "drs", "dra", "ir", "h", "hj"})


def person_key(name: str) -> str:
    """A name as two rows of one person compare: "Ir. H. Budi  Santoso, S.E., M.Si." → "budi santoso"."""
    words = _words(name.split(",")[0]).split()
    while len(words) > 1 and words[0] in NAME_PREFIXES:
        words.pop(0)
    return " ".join(words)


# Abbreviations of agency names, written out before names are compared.
ORG_WORDS = {"kab": "kabupaten", "prov": "provinsi", "pemkab": "pemerintah kabupaten", "kota": "kota"}


def organisation_key(text: str) -> str:
    return " ".join(ORG_WORDS.get(word, word) for word in _words(text).split())


def split_name_position(text: str) -> tuple[str, str]:
    """One cell "Nama/Jabatan": the name on the first line and the position on the next ("Budi
    Santoso, S.E." newline "Kabid"), or both on one line around a slash ("Budi Santoso / Kasi IKM")."""
    lines = [line.strip() for line in re.split(r"[\r\n]+", text) if line.strip()]
    if len(lines) > 1:
        return lines[0], " ".join(lines[1:])
    name, slash, position = text.partition("/")
    if slash:
        return name.strip(), position.strip()
    return text.strip(), ""


# What "hadir" is written as on attendance lists (normalised as headers are; ticks as they are).
ATTENDANCE_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "hadir",
            "h",
            "hadir_langsung",
            "langsung",
            "luring",
            "tatap_muka",
            "offline",
            "ya",
            "y",
            "v",
            "x",  # a cross in the attendance box of a printed list
            "ada",
        ),
        Attendance.PRESENT,
    ),
    **dict.fromkeys(("✓", "✔", "√", "☑", "✅"), Attendance.PRESENT),
    **dict.fromkeys(
        (
            "daring",
            "online",
            "zoom",
            "hadir_daring",
            "hadir_online",
            "virtual",
            "vicon",
            "video_conference",
            "gmeet",
            "google_meet",
            "meet",
            "teams",
            "ms_teams",
            "webex",
        ),
        Attendance.ONLINE,
    ),
    **dict.fromkeys(("diwakilkan", "diwakili", "wakil", "mewakili", "w", "dw"), Attendance.REPRESENTED),
    **dict.fromkeys(
        ("tidak_hadir", "tidak", "th", "tdk_hadir", "absen", "izin", "ijin", "sakit", "berhalangan", "a"),
        Attendance.ABSENT,
    ),
    **dict.fromkeys(("belum_dicatat", "belum"), Attendance.UNKNOWN),
}


def parse_attendance(value: Any) -> str | None:
    """Kehadiran as written: hadir/H/✓, daring/online/zoom, diwakilkan, tidak hadir/izin/sakit, or the
    label or code of Attendance; None when blank."""
    if is_blank(value):
        return None
    text = cell_text(value)
    found = ATTENDANCE_WORDS.get(text) or ATTENDANCE_WORDS.get(normalise_header(text))
    if found is not None:
        return str(found)
    try:
        return parse_choice(text, Attendance)
    except CellError:
        raise CellError(
            "invalid_choice",
            _(
                "Kehadiran tidak dikenal; tulis hadir (H, ✓), daring (online, zoom), diwakilkan "
                "atau tidak hadir."
            ),
        ) from None


# Where each field of a service's error is in the file.
def _report_domain_error(
    report: ImportReport, row: Row, exc: DomainError, columns: dict[str, str], default: str = ""
) -> None:
    errors = exc.errors or []
    if not errors:
        report.error(row.number, default, row.text(default) if default else "", exc.code, exc.message)
        return
    for error in errors:
        column = columns.get(error.field, default)
        report.error(row.number, column, row.text(column) if column else "", error.code, error.message)


# ---------------------------------------------------------------------------------------------------
# Participants


PARTICIPANT_COLUMNS = (
    Column("no", _l("Nomor urut; tidak dibaca."), "1", aliases=("nomor", "no urut", "nomor urut")),
    Column(
        "id_rapat",
        _l(
            "ID rapat (angka di alamat halaman rapat). Kosongkan bila mengimpor dari halaman rapat "
            "atau dengan --meeting ID."
        ),
        "42",
        aliases=("rapat", "id rapat"),
    ),
    Column(
        "nama",
        _l(
            "Nama peserta, wajib; gelar boleh ditulis. Nama dan jabatan dalam satu sel dipisah garis "
            "miring atau baris baru (Budi Santoso / Kepala Seksi IKM)."
        ),
        "Budi Santoso, S.E.",
        aliases=(
            "nama lengkap",
            "nama peserta",
            "peserta",
            "nama/jabatan",
            "nama dan jabatan",
            "nama & jabatan",
        ),
        multiline=True,
    ),
    Column(
        "jabatan",
        _l("Jabatan, paling banyak 200 karakter."),
        "Kepala Bidang Perindustrian",
        aliases=("posisi", "jabatan/pangkat", "pangkat/jabatan", "jabatan/golongan"),
    ),
    Column(
        "instansi",
        _l(
            "Nama instansi atau singkatannya seperti terdaftar di Sentra; yang tidak dikenal dicatat "
            "sebagai teks. Peserta dari instansi yang tidak diundang diterima dan ditandai tanpa undangan."
        ),
        "Dinas Perindustrian Kab. Belu",
        aliases=(
            "instansi/lembaga",
            "instansi/unit kerja",
            "unit kerja/instansi",
            "satuan kerja",
            "satker",
            "asal lembaga",
            "lembaga",
            "asal instansi",
            "instansi asal",
            "unit kerja",
            "opd",
            "asal",
        ),
    ),
    Column(
        "kontak",
        _l("Nomor HP/telepon atau e-mail."),
        "0812 3456 7890",
        aliases=(
            "hp",
            "no hp",
            "nomor hp",
            "telepon",
            "telp",
            "no telp",
            "whatsapp",
            "wa",
            "no wa",
            "hp/email",
            "hp/wa",
            "no hp/wa",
            "nomor telepon",
            "telepon/hp",
        ),
    ),
    Column(
        "email",
        _l("E-mail, bila dalam kolom sendiri."),
        "budi@example.go.id",
        aliases=("e-mail", "surel", "alamat email", "alamat e-mail"),
    ),
    Column(
        "kehadiran",
        _l(
            "hadir (H, ✓), daring (online, zoom), diwakilkan, tidak hadir (izin, sakit); "
            "kosong: belum dicatat, "
            "atau diwakilkan bila kolom diwakili_oleh terisi."
        ),
        "hadir",
        aliases=("status kehadiran", "keterangan hadir", "hadir/tidak"),
    ),
    Column(
        "diwakili_oleh",
        _l("Nama yang mewakili, untuk peserta yang diwakilkan."),
        "Siti Aminah",
        aliases=("diwakilkan kepada", "wakil", "perwakilan", "diwakili"),
    ),
)

NAME_MAX, POSITION_MAX, ORGANISATION_MAX, CONTACT_MAX = 150, 200, 200, 150


@dataclass
class _MeetingInfo:
    meeting: Meeting
    expected: set[int]  # organisers and invited agencies: anyone else is a walk-in
    existing: dict[tuple[str, Any], int]  # (person, agency id or organisation) → participant id


@dataclass
class _Person:
    row: int
    meeting_id: int
    name: str
    position: str = ""
    agency_id: int | None = None
    organisation: str = ""
    contact: str = ""
    attendance: str | None = None
    represented_by: str = ""
    walk_in: bool = False
    existing_id: int | None = None
    merged: list[int] = field(default_factory=list)


class ParticipantSchema(ImportSchema):
    kind = PARTICIPANTS_KIND
    title = _l("Daftar hadir rapat")
    columns = PARTICIPANT_COLUMNS
    flexible_header = True
    # The signature column of a printed list, and personal data such lists carry that a participant
    # record does not keep (NIP, rank, sex, age), and the free remarks column: read past, never stored.
    ignored_headers = frozenset(
        {"tanda_tangan", "ttd", "paraf", "tanda_tangan_paraf", "ttd_paraf", "keterangan", "ket"}
        | {"nip", "nik", "nip_nik", "pangkat", "golongan", "pangkat_golongan", "l_p", "jenis_kelamin", "usia"}
    )

    def __init__(
        self,
        *,
        actor: Actor | None = None,
        agency: Agency | None = None,
        description: str = "",
        target: Meeting | None = None,
    ) -> None:
        self.actor = actor
        self.description = description
        self.target = target
        self.meetings: dict[int, _MeetingInfo | tuple[str, str]] = {}
        self.people: dict[tuple[int, str, Any], _Person] = {}  # key → first row's person
        self.by_row: dict[int, _Person] = {}

    def missing_columns(self, present: set[str]) -> list[str]:
        return [] if "nama" in present else ["nama"]

    def prepare(self, present: set[str]) -> None:
        self.present = present
        self.agencies: dict[str, list[tuple[int, int]]] = {}  # name → [(agency id, order)]
        for pk, name, short in Agency.objects.values_list("pk", "name", "short_name"):
            for text in (name, short):
                if text:
                    self.agencies.setdefault(organisation_key(text), []).append(pk)
        if self.target is not None:
            self._meeting(self.target.pk)

    # --- the meeting of a row

    def _meeting(self, pk: int) -> _MeetingInfo | tuple[str, str]:
        if pk in self.meetings:
            return self.meetings[pk]
        assert self.actor is not None
        try:
            found: _MeetingInfo | tuple[str, str] = self._load_meeting(meeting_target(self.actor, pk))
        except NotFound:
            found = (
                "unknown_reference",
                _("Rapat %(id)s tidak ditemukan atau tidak dapat Anda lihat.") % {"id": pk},
            )
        except AccessDenied as exc:
            found = ("forbidden", str(exc))
        self.meetings[pk] = found
        return found

    def _load_meeting(self, meeting: Meeting) -> _MeetingInfo:
        expected = services.organiser_ids(meeting) | set(
            meeting.invitations.values_list("agency_id", flat=True)
        )
        existing = {}
        for pk, name, agency_id, organisation in meeting.participants.values_list(
            "pk", "name", "agency_id", "organisation"
        ):
            existing.setdefault((person_key(name), agency_id or organisation_key(organisation)), pk)
        return _MeetingInfo(meeting, expected, existing)

    def _row_meeting(self, row: Row, report: ImportReport) -> _MeetingInfo | None:
        written = row.get("id_rapat")
        pk = None
        if not is_blank(written):
            try:
                pk = parse_int(written, minimum=1)
            except CellError:
                report.error(
                    row.number,
                    "id_rapat",
                    written,
                    "unknown_reference",
                    _("ID rapat harus berupa angka dari alamat halaman rapat."),
                )
                return None
        if self.target is not None:
            if pk is not None and pk != self.target.pk:
                report.error(
                    row.number,
                    "id_rapat",
                    written,
                    "meeting_mismatch",
                    _("Baris ini untuk rapat %(row)s, sedangkan impor ditujukan ke rapat %(target)s.")
                    % {"row": pk, "target": self.target.pk},
                )
                return None
            pk = self.target.pk
        if pk is None:
            report.error(
                row.number,
                "id_rapat",
                "",
                "required",
                _(
                    "Sebutkan rapatnya: impor dari halaman rapat, dengan --meeting ID, "
                    "atau isi kolom id_rapat."
                ),
            )
            return None
        found = self._meeting(pk)
        if isinstance(found, tuple):
            report.error(row.number, "id_rapat", written or pk, *found)
            return None
        return found

    # --- one row

    def _agency(self, text: str, info: _MeetingInfo) -> int | None:
        ids = self.agencies.get(organisation_key(text), [])
        if len(ids) > 1:  # the same name in several regions: the one invited, when only one is
            ids = [pk for pk in ids if pk in info.expected]
        return ids[0] if len(ids) == 1 else None

    def check(self, row: Row, report: ImportReport) -> Any:
        def fail(column: str, code: str, message: str) -> None:
            report.error(row.number, column, row.text(column), code, message)

        name, position = split_name_position(row.text("nama"))
        if not name:
            # A row numbered in advance and left empty, or holding only a signature: nothing to import.
            if all(is_blank(v) for k, v in row.values.items() if k not in ("no", "id_rapat")):
                return None
            fail("nama", "required", _("Nama peserta wajib diisi."))
            return None
        info = self._row_meeting(row, report)
        person = _Person(row=row.number, meeting_id=0, name=name)
        failed = info is None
        explicit_position = row.text("jabatan")
        values = {
            "name": ("nama", name, NAME_MAX),
            "position": (
                "jabatan" if explicit_position else "nama",
                explicit_position or position,
                POSITION_MAX,
            ),
            "represented_by": ("diwakili_oleh", row.text("diwakili_oleh"), CONTACT_MAX),
        }
        for attribute, (column, text, limit) in values.items():
            try:
                setattr(person, attribute, parse_text(text, max_length=limit))
            except CellError as exc:
                fail(column, exc.code, exc.message)
                failed = True
        contact = " / ".join(t for t in (row.text("kontak"), row.text("email")) if t)
        try:
            person.contact = parse_text(contact, max_length=CONTACT_MAX)
        except CellError as exc:
            fail("kontak", exc.code, exc.message)
            failed = True
        try:
            person.attendance = parse_attendance(row.get("kehadiran"))
        except CellError as exc:
            fail("kehadiran", exc.code, exc.message)
            failed = True
        if person.attendance is None and person.represented_by:
            person.attendance = Attendance.REPRESENTED
        if person.attendance == Attendance.REPRESENTED and not person.represented_by:
            try:
                services._check_participant(Participant(attendance=Attendance.REPRESENTED))
            except DomainError as exc:
                _report_domain_error(report, row, exc, {"represented_by": "diwakili_oleh"}, "diwakili_oleh")
                failed = True
        if failed or info is None:
            return None
        organisation = row.text("instansi")
        person.meeting_id = info.meeting.pk
        person.agency_id = self._agency(organisation, info) if organisation else None
        if person.agency_id is None and organisation:
            try:
                person.organisation = parse_text(organisation, max_length=ORGANISATION_MAX)
            except CellError as exc:
                fail("instansi", exc.code, exc.message)
                return None
        # As services._flag_walk_in: anyone whose agency neither organises nor was invited.
        person.walk_in = person.agency_id is None or person.agency_id not in info.expected
        key = (info.meeting.pk, person_key(name), person.agency_id or organisation_key(organisation))
        first = self.people.get(key)
        if first is not None:
            report.warn(
                row.number,
                "nama",
                name,
                "duplicate_row",
                _("Orang yang sama sudah ada di baris %(row)d; dicatat satu kali.") % {"row": first.row},
            )
            for attribute in (
                "position",
                "contact",
                "represented_by",
                "attendance",
            ):  # fill what it left blank
                if not getattr(first, attribute) and getattr(person, attribute):
                    setattr(first, attribute, getattr(person, attribute))
            return None
        self.people[key] = person
        self.by_row[row.number] = person
        person.existing_id = info.existing.get(key[1:])
        if person.walk_in and person.existing_id is None:
            if person.agency_id is not None:
                message = _("Instansi %(org)s tidak diundang; peserta diterima dan ditandai tanpa undangan.")
            elif organisation:
                message = _(
                    "Instansi %(org)s tidak terdaftar di Sentra; dicatat sebagai teks dan peserta ditandai "
                    "tanpa undangan."
                )
            else:
                message = _("Instansi tidak diisi; peserta ditandai tanpa undangan.")
            report.warn(row.number, "instansi", organisation, "walk_in", message % {"org": organisation})
        return None  # duplicates are found above, as warnings: the engine's natural key is not used

    # --- writing

    def write(self, rows: Iterator[Row], report: ImportReport, on_row: Callable[[], None]) -> None:
        assert self.actor is not None
        for pk, info in self.meetings.items():
            if isinstance(info, _MeetingInfo):
                try:  # still the organiser, with the meeting locked until the import commits
                    services.require_meeting_edit(self.actor, info.meeting)
                except (NotFound, AccessDenied) as exc:
                    report.error(None, "id_rapat", pk, "forbidden", str(exc) or _("Tidak diizinkan."))
                    raise WriteRefused from exc
        batch = batch_start(actor=self.actor, kind="import", description=self.description or str(self.title))
        report.batch_id = batch.pk
        meetings = {pk: info.meeting for pk, info in self.meetings.items() if isinstance(info, _MeetingInfo)}
        new: list[Participant] = []
        updates: dict[int, _Person] = {}
        # Everything to write was kept by check(), in file order: the file is not read a second time.
        for person in self.by_row.values():
            on_row()
            if person.existing_id is not None:
                updates[person.existing_id] = person
                continue
            new.append(
                Participant(
                    meeting=meetings[person.meeting_id],
                    name=person.name,
                    position=person.position,
                    agency_id=person.agency_id,
                    organisation=person.organisation,
                    contact=person.contact,
                    attendance=person.attendance or Attendance.UNKNOWN,
                    represented_by=person.represented_by,
                    walk_in=person.walk_in,
                )
            )
        created = Participant.objects.bulk_create(new, batch_size=1_000)
        events = BulkEvents(actor=self.actor, batch=batch, model=Participant)
        for participant in created:
            after = snapshot(participant)
            events.add(
                AuditAction.CREATE,
                participant.pk,
                str(participant),
                participant.scope_code,
                diff(None, after),
                after,
            )
        events.flush()
        report.created += len(created)
        for participant in Participant.objects.filter(pk__in=updates).select_for_update():
            person = updates[participant.pk]
            participant.meeting = meetings[participant.meeting_id]
            before = snapshot(participant)
            for attribute in ("position", "contact", "represented_by", "attendance"):
                value = getattr(person, attribute)
                if value:
                    setattr(participant, attribute, value)
            if participant.attendance != Attendance.REPRESENTED:
                participant.represented_by = participant.represented_by if person.represented_by else ""
            try:
                services._check_participant(participant)
            except DomainError as exc:
                report.error(person.row, "diwakili_oleh", "", exc.code, exc.message)
                raise WriteRefused from exc
            participant.save()
            if record_change(
                actor=self.actor, action=AuditAction.UPDATE, obj=participant, before=before, batch=batch
            ):
                report.updated += 1


# ---------------------------------------------------------------------------------------------------
# Follow-up status updates


STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(("belum", "belum_dikerjakan", "terbuka", "baru", "open"), FollowUpStatus.OPEN),
    **dict.fromkeys(
        (
            "proses",
            "dalam_proses",
            "sedang_dikerjakan",
            "sedang_berjalan",
            "berjalan",
            "dikerjakan",
            "progres",
            "on_progress",
            "in_progress",
        ),
        FollowUpStatus.IN_PROGRESS,
    ),
    **dict.fromkeys(
        ("selesai", "sudah", "tuntas", "beres", "done", "complete", "completed"), FollowUpStatus.DONE
    ),
    **dict.fromkeys(
        ("batal", "dibatalkan", "tidak_dilanjutkan", "dropped", "cancelled"), FollowUpStatus.DROPPED
    ),
}


def parse_status(value: Any) -> str | None:
    if is_blank(value):
        return None
    found = STATUS_WORDS.get(normalise_header(cell_text(value)))
    if found is not None:
        return str(found)
    try:
        return parse_choice(value, FollowUpStatus)
    except CellError:
        raise CellError(
            "invalid_choice",
            _(
                "Status tidak dikenal; tulis belum dikerjakan, sedang dikerjakan (proses), "
                "selesai atau dibatalkan."
            ),
        ) from None


FOLLOW_UP_COLUMNS = (
    Column(
        "id_tindak_lanjut",
        _l("ID tindak lanjut, wajib (kolom ID pada ekspor daftar tindak lanjut)."),
        "1234",
        aliases=("id", "id tl", "nomor tindak lanjut"),
    ),
    Column(
        "status",
        _l("Belum dikerjakan, Sedang dikerjakan (proses), Selesai, Dibatalkan; kosong: tidak diubah."),
        "Selesai",
        aliases=("status tindak lanjut",),
    ),
    Column(
        "tanggal_selesai",
        _l("Tanggal selesai, untuk status Selesai (kosong: hari ini)."),
        "2026-11-10",
        aliases=("tgl selesai", "selesai pada"),
    ),
    Column(
        "alasan_dibatalkan",
        _l("Wajib bila status Dibatalkan."),
        "Digabung dengan program Dinas Koperasi",
        aliases=("alasan batal", "alasan"),
        multiline=True,
    ),
    Column(
        "catatan_perkembangan",
        _l(
            "Catatan perkembangan; ditambahkan dengan tanggal hari ini "
            "(catatan yang sama hari ini tidak diulang)."
        ),
        "Jadwal pelatihan sudah disepakati",
        aliases=("perkembangan", "catatan", "progres"),
        multiline=True,
    ),
    Column(
        "bukti_tautan",
        _l("Tautan bukti (https://…)."),
        "https://example.go.id/laporan.pdf",
        aliases=("bukti", "tautan bukti", "tautan", "url bukti"),
    ),
)

# Columns of an exported follow-up list that the file may still carry: read past, never written.
FOLLOW_UP_CONTEXT_HEADERS = frozenset(
    {
        "no",
        "tindak_lanjut",
        "uraian",
        "keputusan",
        "rapat",
        "instansi_pemilik",
        "pemilik",
        "penanggung_jawab",
        "tenggat",
        "terlambat",
    }
)

FOLLOW_UP_FIELD_COLUMNS = {
    "status": "status",
    "drop_reason": "alasan_dibatalkan",
    "completed_on": "tanggal_selesai",
    "evidence_url": "bukti_tautan",
    "text": "catatan_perkembangan",
    "noted_on": "catatan_perkembangan",
}


class _TryOnly(Exception):
    """Rolls back the savepoint a dry run tried a row's writes in."""


class FollowUpStatusSchema(ImportSchema):
    kind = FOLLOW_UPS_KIND
    title = _l("Perkembangan tindak lanjut")
    columns = FOLLOW_UP_COLUMNS
    flexible_header = True
    ignored_headers = FOLLOW_UP_CONTEXT_HEADERS

    def __init__(
        self, *, actor: Actor | None = None, agency: Agency | None = None, description: str = ""
    ) -> None:
        self.actor = actor
        self.description = description
        self.parsed: dict[int, dict[str, Any]] = {}

    def missing_columns(self, present: set[str]) -> list[str]:
        return [] if "id_tindak_lanjut" in present else ["id_tindak_lanjut"]

    def _follow_up(self, pk: int) -> FollowUp | None:
        assert self.actor is not None
        try:
            return selectors.follow_up_get(actor=self.actor, pk=pk)
        except NotFound:
            return None

    def check(self, row: Row, report: ImportReport) -> Any:
        def fail(column: str, code: str, message: str) -> None:
            report.error(row.number, column, row.text(column), code, message)

        values: dict[str, Any] = {}
        failed = False
        for column, parse in (
            ("id_tindak_lanjut", lambda v: parse_int(v, minimum=1)),
            ("status", parse_status),
            ("tanggal_selesai", parse_date),
            ("bukti_tautan", lambda v: parse_text(v, max_length=500)),
        ):
            try:
                values[column] = parse(row.get(column))
            except CellError as exc:
                fail(column, exc.code, exc.message)
                failed = True
        pk = values.get("id_tindak_lanjut")
        if pk is None and not failed:
            fail("id_tindak_lanjut", "required", _("ID tindak lanjut wajib diisi."))
            return None
        if failed:
            return None
        follow_up = self._follow_up(pk)
        if follow_up is None:
            fail(
                "id_tindak_lanjut",
                "unknown_reference",
                _("Tindak lanjut %(id)s tidak ditemukan atau tidak dapat Anda lihat.") % {"id": pk},
            )
            return None
        changes: dict[str, Any] = {}
        if values["status"] is not None:
            changes["status"] = values["status"]
        if row.text("alasan_dibatalkan"):
            changes["drop_reason"] = row.text("alasan_dibatalkan")
        if values["tanggal_selesai"] is not None:
            if (changes.get("status") or follow_up.status) != FollowUpStatus.DONE:
                fail(
                    "tanggal_selesai",
                    "completed_without_done",
                    _("Tanggal selesai hanya untuk tindak lanjut berstatus Selesai."),
                )
                return None
            if values["tanggal_selesai"] > selectors.today():
                fail(
                    "tanggal_selesai", "completed_in_future", _("Tanggal selesai tidak boleh di masa depan.")
                )
                return None
            changes["completed_on"] = values["tanggal_selesai"]
        if values["bukti_tautan"]:
            changes["evidence_url"] = values["bukti_tautan"]
        note = row.text("catatan_perkembangan")
        if (
            note
            and FollowUpNote.objects.filter(
                follow_up=follow_up, text=note, noted_on=selectors.today()
            ).exists()
        ):
            report.warn(
                row.number,
                "catatan_perkembangan",
                note,
                "note_exists",
                _("Catatan yang sama sudah dicatat hari ini; tidak diulang."),
            )
            note = ""
        if not changes and not note:
            return pk
        # The services' own rules and codes, tried now and rolled back (the write runs them again):
        # who may update it (the owner agency, the meeting's organisers: `forbidden`), drop reasons …
        try:
            with transaction.atomic():
                self._apply(follow_up, changes, note)
                raise _TryOnly
        except _TryOnly:
            pass
        except DomainError as exc:
            _report_domain_error(report, row, exc, FOLLOW_UP_FIELD_COLUMNS)
            return pk
        except (AccessDenied, NotFound) as exc:
            fail("id_tindak_lanjut", "forbidden", str(exc))
            return pk
        self.parsed[row.number] = {"pk": pk, "changes": changes, "note": note}
        return pk

    def _apply(self, follow_up: FollowUp, changes: dict[str, Any], note: str) -> set[int]:
        """Writes through the services; returns the notes added."""
        assert self.actor is not None
        notes = set()
        if changes:
            services.follow_up_update(actor=self.actor, follow_up=follow_up, **changes)
        if note:
            notes.add(services.follow_up_note_add(actor=self.actor, follow_up=follow_up, text=note).pk)
        return notes

    def duplicate_key_message(self, first_row: int) -> tuple[str, str]:
        return "id_tindak_lanjut", _("Tindak lanjut ini sudah diperbarui di baris %(row)d.") % {
            "row": first_row
        }

    def write(self, rows: Iterator[Row], report: ImportReport, on_row: Callable[[], None]) -> None:
        assert self.actor is not None
        batch = batch_start(actor=self.actor, kind="import", description=self.description or str(self.title))
        report.batch_id = batch.pk
        since = AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0
        touched: set[int] = set()
        notes: set[int] = set()
        for row in rows:
            on_row()
            data = self.parsed.get(row.number)
            if data is None:
                continue
            follow_up = self._follow_up(data["pk"])
            try:
                if follow_up is None:
                    raise NotFound(_("Tindak lanjut %(id)s tidak ditemukan.") % {"id": data["pk"]})
                notes |= self._apply(follow_up, data["changes"], data["note"])
            except DomainError as exc:
                _report_domain_error(report, row, exc, FOLLOW_UP_FIELD_COLUMNS)
                raise WriteRefused from exc
            except (AccessDenied, NotFound) as exc:
                report.error(row.number, "id_tindak_lanjut", data["pk"], "unknown_reference", str(exc))
                raise WriteRefused from exc
            touched.add(data["pk"])
            if data["changes"]:
                report.updated += 1
            if data["note"]:
                report.created += 1
        # The services record each change on its own; this import's are gathered into its batch, so
        # that it is rolled back as a whole (the rows are locked by the services until commit).
        mine = AuditEvent.objects.filter(pk__gt=since, batch__isnull=True, username=self.actor.username)
        mine.filter(object_type=object_type(FollowUp), object_id__in=touched).update(batch=batch)
        mine.filter(object_type=object_type(FollowUpNote), object_id__in=notes).update(batch=batch)


def register_import_kinds() -> None:
    """Called from CoordinationConfig.ready()."""
    register_kind(
        ImportKind(
            key=PARTICIPANTS_KIND,
            label=_l("Daftar hadir rapat (peserta)"),
            schema=f"{__name__}.ParticipantSchema",
            area=Area.COORDINATION,
            target=f"{__name__}.meeting_target",
        )
    )
    register_kind(
        ImportKind(
            key=FOLLOW_UPS_KIND,
            label=_l("Perkembangan tindak lanjut rapat"),
            schema=f"{__name__}.FollowUpStatusSchema",
            area=Area.COORDINATION,
        )
    )
