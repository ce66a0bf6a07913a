"""Imports of coordination: a meeting's attendance list as a secretariat types it, and follow-up
status updates through the services' own rules. Dry run writes nothing; commit is all or nothing;
a committed import rolls back as a whole."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditEvent
from sentra.coordination.imports import (
    parse_attendance,
    person_key,
    split_name_position,
)
from sentra.coordination.models import FollowUp, FollowUpNote, Participant
from sentra.core.errors import AccessDenied, NotFound
from sentra.core.import_kinds import import_file, import_rollback, template_file
from sentra.registry.tests.factories import AgencyFactory

from .factories import DecisionFactory, FollowUpFactory, InvitationFactory, MeetingFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

NTT, BELU, KUPANG = "53", "53.04", "53.01"


@pytest.fixture
def ntt():
    return AgencyFactory(
        name="Disperindag Provinsi NTT", short_name="Disperindag NTT", kind="province_industry", region_id=NTT
    )


@pytest.fixture
def belu():
    return AgencyFactory(name="Dinas Perindustrian Kab. Belu", kind="regency_industry", region_id=BELU)


@pytest.fixture
def kupang():
    return AgencyFactory(name="Dinas Perindustrian Kab. Kupang", kind="regency_industry", region_id=KUPANG)


@pytest.fixture
def meeting(ntt, belu, kupang):
    meeting = MeetingFactory(agency=ntt, title="Rakor Pelaksanaan Kegiatan IKM NTT")
    InvitationFactory(meeting=meeting, agency=belu)  # Kupang is not invited
    return meeting


@pytest.fixture
def organiser(ntt):
    return persona(Role.PROVINCE_OFFICER, agency=ntt, username="sekretariat_ntt")


def codes(issues) -> list[tuple[int | None, str]]:
    return [(issue.row, issue.code) for issue in issues]


MESSY_ROWS = [
    [
        1,
        "Budi Santoso, S.E.\nKepala Bidang Perindustrian",
        "Disperindag NTT",
        "0812 3456 7890",
        "budi@ntt.go.id",
        "H",
        None,
        None,
    ],
    [2, "Maria Goreti / Kepala Seksi IKM", "Dinas Perindustrian Kabupaten Belu", None, None, "✓", None, None],
    [],
    [3, "Yohanes Bria", "Dinas Perindustrian Kab. Kupang", None, None, "zoom", None, None],
    [4, "Ir. Budi Santoso", "DISPERINDAG PROVINSI NTT", None, "budi@ntt.go.id", "hadir", None, None],
    [5, "Anton Lake", "Bank NTT", None, None, "diwakilkan", "Rina Lay", None],
    [6, None, None, None, None, None, None, None],
]
# Spreadsheet rows: two titles, a blank row, the header over rows 4-5, the column numbers on 6.
FIRST = 7


# --- reading what secretariats write ---------------------------------------------------------------


def test_names_and_positions_in_one_cell_are_split():
    assert split_name_position("Budi Santoso, S.E.\nKabid") == ("Budi Santoso, S.E.", "Kabid")
    assert split_name_position("Budi Santoso / Kepala Seksi IKM") == ("Budi Santoso", "Kepala Seksi IKM")
    assert split_name_position("Budi Santoso, S.E.") == ("Budi Santoso, S.E.", "")


def test_one_person_is_recognised_under_titles_and_degrees():
    assert person_key("Ir. H. Budi  Santoso, S.E., M.Si.") == person_key("budi santoso") == "budi santoso"
    assert person_key("Budi Santoso") != person_key("Budi Santosa")


@pytest.mark.parametrize(
    "written, code",
    [
        ("H", "present"),
        ("✓", "present"),
        ("x", "present"),
        ("Hadir", "present"),
        ("online", "online"),
        ("Zoom", "online"),
        ("daring", "online"),
        ("Diwakilkan", "represented"),
        ("tidak hadir", "absent"),
        ("Izin", "absent"),
        ("Hadir daring", "online"),
        (None, None),
    ],
)
def test_attendance_is_read_as_it_is_written(written, code):
    assert parse_attendance(written) == code


# --- the attendance list ---------------------------------------------------------------------------


def test_a_messy_attendance_list_dry_run_reports_and_writes_nothing(meeting, organiser, attendance_file):
    report = import_file(
        kind="participants", path=attendance_file(MESSY_ROWS), actor=organiser, target=meeting.pk
    )
    assert report.ok, report.errors
    assert report.committed is False
    assert not Participant.objects.exists()
    # Row 4 of the data is the same person as row 1 (title, case); Kupang was not invited; the bank
    # is no registered agency.
    assert codes(report.warnings) == [
        (FIRST + 3, "walk_in"),
        (FIRST + 4, "duplicate_row"),
        (FIRST + 5, "walk_in"),
    ]
    assert "baris 7" in report.warnings[1].message


def test_a_messy_attendance_list_is_imported_once_per_person(
    meeting, organiser, ntt, belu, kupang, attendance_file
):
    report = import_file(
        kind="participants", path=attendance_file(MESSY_ROWS), actor=organiser, target=meeting.pk, commit=True
    )
    assert report.committed and report.created == 4 and report.batch_id
    people = {p.name: p for p in meeting.participants.all()}
    assert set(people) == {"Budi Santoso, S.E.", "Maria Goreti", "Yohanes Bria", "Anton Lake"}
    budi = people["Budi Santoso, S.E."]
    assert (budi.position, budi.agency, budi.attendance, budi.walk_in) == (
        "Kepala Bidang Perindustrian",
        ntt,
        "present",
        False,
    )
    assert budi.contact == "0812 3456 7890 / budi@ntt.go.id"  # HP and E-mail under the merged "Kontak"
    maria = people["Maria Goreti"]
    assert (maria.position, maria.agency, maria.attendance, maria.walk_in) == (
        "Kepala Seksi IKM",
        belu,
        "present",
        False,
    )
    yohanes = people["Yohanes Bria"]
    assert (yohanes.agency, yohanes.attendance, yohanes.walk_in) == (kupang, "online", True)
    anton = people["Anton Lake"]
    assert (anton.agency, anton.organisation, anton.attendance, anton.represented_by, anton.walk_in) == (
        None,
        "Bank NTT",
        "represented",
        "Rina Lay",
        True,
    )
    events = AuditEvent.objects.filter(batch_id=report.batch_id)
    assert events.count() == 4 and set(events.values_list("action", flat=True)) == {"create"}
    assert set(events.values_list("region_code", flat=True)) == {NTT}


def test_a_person_already_listed_is_updated_not_added_again(meeting, organiser, ntt, attendance_file):
    listed = ParticipantFactory(
        meeting=meeting, name="Budi Santoso", agency=ntt, position="", attendance="unknown"
    )
    rows = [[1, "Drs. Budi Santoso / Kabid Perindustrian", "Disperindag Provinsi NTT", None, None, "daring"]]
    report = import_file(
        kind="participants", path=attendance_file(rows), actor=organiser, target=meeting.pk, commit=True
    )
    assert (report.created, report.updated) == (0, 1)
    listed.refresh_from_db()
    assert (listed.name, listed.position, listed.attendance) == (
        "Budi Santoso",
        "Kabid Perindustrian",
        "online",
    )
    again = import_file(
        kind="participants", path=attendance_file(rows), actor=organiser, target=meeting.pk, commit=True
    )
    assert (again.created, again.updated) == (0, 0)
    assert meeting.participants.count() == 1


def test_row_errors_have_stable_codes_and_nothing_is_written(meeting, organiser, attendance_file):
    rows = [
        [1, "Budi Santoso", "Disperindag NTT", None, None, "mungkin"],
        [2, "Kepala Dinas Belu", "Dinas Perindustrian Kab. Belu", None, None, "diwakilkan", None],
        [3, None, "Dinas Perindustrian Kab. Belu", "0812", None, "H"],
        [4, "X" * 151, None, None, None, "H"],
        [5, "Maria Goreti", "Dinas Perindustrian Kab. Belu", None, None, "H"],
    ]
    report = import_file(
        kind="participants", path=attendance_file(rows), actor=organiser, target=meeting.pk, commit=True
    )
    assert codes(report.errors) == [
        (FIRST, "invalid_choice"),
        (FIRST + 1, "represented_by_required"),
        (FIRST + 2, "required"),
        (FIRST + 3, "too_long"),
    ]
    assert [e.column for e in report.errors] == ["kehadiran", "diwakili_oleh", "nama", "nama"]
    assert "hadir" in report.errors[0].message and "Sebutkan siapa yang mewakili" in report.errors[1].message
    assert report.committed is False and report.batch_id is None
    assert not Participant.objects.exists() and not AuditEvent.objects.filter(
        object_type="coordination.participant"
    )


def test_unknown_columns_and_a_missing_name_column_are_refused(meeting, organiser, csv_file):
    report = import_file(
        kind="participants", path=csv_file("nama,hobi\nBudi,memancing\n"), actor=organiser, target=meeting.pk
    )
    assert codes(report.errors) == [(None, "unknown_columns")]
    report = import_file(
        kind="participants",
        path=csv_file("instansi,kehadiran\nBank NTT,H\n"),
        actor=organiser,
        target=meeting.pk,
    )
    assert codes(report.errors) == [(None, "missing_columns")]


def test_headers_secretariats_write_and_personal_data_read_past(meeting, organiser, csv_file):
    text = (
        "DAFTAR HADIR;;;;;;;\n"
        "No.;NAMA;NIP;L/P;Jabatan/Pangkat;Instansi/Unit Kerja;No HP/WA;Alamat Email;TTD;Keterangan\n"
        "1;Maria Goreti;198001012005012001;P;Kepala Seksi IKM;Dinas Perindustrian Kab. Belu;"
        "0812;m@belu.go.id;;datang terlambat\n"
    )
    report = import_file(
        kind="participants", path=csv_file(text), actor=organiser, target=meeting.pk, commit=True
    )
    assert report.committed, report.errors
    maria = meeting.participants.get()
    assert (maria.position, maria.contact) == ("Kepala Seksi IKM", "0812 / m@belu.go.id")
    assert "198001012005012001" not in str(AuditEvent.objects.filter(batch_id=report.batch_id).values())


def test_only_an_organiser_imports_into_a_meeting(meeting, belu, attendance_file):
    invited = persona(Role.REGENCY_OFFICER, agency=belu)  # reads the meeting, does not organise it
    with pytest.raises(AccessDenied):
        import_file(kind="participants", path=attendance_file(MESSY_ROWS), actor=invited, target=meeting.pk)
    elsewhere = persona(
        Role.PROVINCE_OFFICER, agency=AgencyFactory(name="Disperindag Kaltim", region_id="64")
    )
    with pytest.raises(NotFound):
        import_file(kind="participants", path=attendance_file(MESSY_ROWS), actor=elsewhere, target=meeting.pk)
    with pytest.raises(NotFound):
        import_file(kind="participants", path=attendance_file(MESSY_ROWS), actor=elsewhere, target=999_999)


def test_the_meeting_may_be_named_per_row(meeting, organiser, ntt, csv_file):
    other = MeetingFactory(agency=ntt)
    hidden = MeetingFactory(agency=AgencyFactory(name="Disperindag Kaltim", region_id="64"))
    text = (
        "ID rapat,Nama,Instansi,Kehadiran\n"
        f"{meeting.pk},Budi Santoso,Disperindag NTT,H\n"
        f"{other.pk},Budi Santoso,Disperindag NTT,online\n"
        f"{hidden.pk},Siti,Disperindag Kaltim,H\n"
        ",Tanpa Rapat,,H\n"
    )
    report = import_file(kind="participants", path=csv_file(text), actor=organiser)
    assert codes(report.errors) == [(4, "unknown_reference"), (5, "required")]
    fixed = csv_file(
        text.replace(f"{hidden.pk},Siti,Disperindag Kaltim,H\n", "").replace(",Tanpa Rapat,,H\n", "")
    )
    report = import_file(kind="participants", path=fixed, actor=organiser, commit=True)
    assert report.created == 2
    assert (
        meeting.participants.get().attendance == "present" and other.participants.get().attendance == "online"
    )
    # With a target, a row naming another meeting is refused.
    report = import_file(kind="participants", path=csv_file(text), actor=organiser, target=meeting.pk)
    assert (3, "meeting_mismatch") in codes(report.errors)


def test_a_committed_attendance_import_rolls_back_as_a_whole(meeting, organiser, ntt, attendance_file):
    listed = ParticipantFactory(meeting=meeting, name="Budi Santoso", agency=ntt, attendance="unknown")
    report = import_file(
        kind="participants", path=attendance_file(MESSY_ROWS), actor=organiser, target=meeting.pk, commit=True
    )
    assert (report.created, report.updated) == (3, 1)
    assert import_rollback(actor=actor_of(organiser), batch_id=report.batch_id) == 4
    assert list(meeting.participants.all()) == [listed]
    listed.refresh_from_db()
    assert listed.attendance == "unknown"


def test_the_command_line_imports_into_the_meeting_given(meeting, organiser, attendance_file, capsys):
    path = attendance_file(MESSY_ROWS)
    call_command(
        "import",
        "participants",
        str(path),
        "--meeting",
        str(meeting.pk),
        "--as",
        organiser.username,
        "--no-progress",
    )
    assert "Uji coba" in capsys.readouterr().out and not Participant.objects.exists()
    call_command(
        "import",
        "participants",
        str(path),
        "--meeting",
        str(meeting.pk),
        "--commit",
        "--as",
        organiser.username,
        "--no-progress",
    )
    out = capsys.readouterr().out
    assert "PERINGATAN baris 11" in out and "duplicate_row" in out and meeting.participants.count() == 4
    with pytest.raises(CommandError):
        call_command(
            "import",
            "participants",
            str(path),
            "--meeting",
            "999999",
            "--as",
            organiser.username,
            "--no-progress",
        )


def test_a_target_is_refused_for_a_kind_without_one(organiser, csv_file):
    from sentra.core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        import_file(kind="follow-ups", path=csv_file("id_tindak_lanjut\n1\n"), actor=organiser, target=1)
    assert exc.value.code == "target_unsupported"


def test_a_thousand_people_are_imported_in_one_batch(meeting, organiser, tmp_path):
    lines = ["Nama,Jabatan,Instansi,Kontak,Kehadiran"]
    lines += [f"Peserta {n},Staf,Dinas Perindustrian Kab. Belu,0812{n:06d},H" for n in range(1_000)]
    path = tmp_path / "seribu.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = import_file(kind="participants", path=path, actor=organiser, target=meeting.pk, commit=True)
    assert report.created == 1_000 and meeting.participants.filter(walk_in=False).count() == 1_000
    assert AuditEvent.objects.filter(batch_id=report.batch_id).count() == 1_000


# --- templates -----------------------------------------------------------------------------------


def test_the_templates_describe_every_column_and_import_as_they_are(meeting, organiser, csv_file):
    content, _type = template_file("participants", "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Data", "Petunjuk"]
    guide = {row[0]: row[1] for row in book["Petunjuk"].iter_rows(min_row=2, values_only=True)}
    assert {"nama", "instansi", "kehadiran", "diwakili_oleh", "id_rapat"} <= set(guide)
    assert "zoom" in guide["kehadiran"]
    text, _type = template_file("participants", "csv")
    report = import_file(
        kind="participants",
        path=csv_file(text + ",,Budi Santoso,Kabid,Disperindag NTT,0812,,H,\n"),
        actor=organiser,
        target=meeting.pk,
    )
    assert report.ok and report.rows_total == 1, report.errors
    text, _type = template_file("follow-ups", "csv")
    assert "# status:" in text and text.rstrip().endswith(
        "id_tindak_lanjut,status,tanggal_selesai,alasan_dibatalkan,catatan_perkembangan,bukti_tautan"
    )


# --- follow-up status updates --------------------------------------------------------------------


@pytest.fixture
def follow_ups(meeting, belu, kupang):
    decision = DecisionFactory(meeting=meeting)
    return {
        "belu": FollowUpFactory(decision=decision, agency=belu, description="Sinkronisasi pelatihan Belu"),
        "kupang": FollowUpFactory(decision=decision, agency=kupang, description="Usulan sentra Kupang"),
    }


@pytest.fixture
def belu_officer(belu):
    return persona(Role.REGENCY_OFFICER, agency=belu, username="dinas_belu")


def test_the_owner_reports_progress_of_its_follow_ups(follow_ups, belu_officer, csv_file):
    mine = follow_ups["belu"]
    text = (
        "ID tindak lanjut,Status,Tanggal selesai,Catatan perkembangan,Bukti tautan\n"
        f"{mine.pk},selesai,10/11/2026,Pelatihan bersama Dinas Koperasi terlaksana,https://belu.go.id/laporan.pdf\n"
    )
    dry = import_file(kind="follow-ups", path=csv_file(text), actor=belu_officer)
    assert dry.ok and not dry.committed, dry.errors
    mine.refresh_from_db()
    assert mine.status == "open" and not FollowUpNote.objects.exists()
    report = import_file(kind="follow-ups", path=csv_file(text), actor=belu_officer, commit=True)
    assert report.committed and (report.updated, report.created) == (1, 1)
    mine.refresh_from_db()
    assert (mine.status, mine.completed_on, mine.evidence_url) == (
        "done",
        dt.date(2026, 11, 10),
        "https://belu.go.id/laporan.pdf",
    )
    note = mine.notes.get()
    assert (note.text, note.noted_on, note.author) == (
        "Pelatihan bersama Dinas Koperasi terlaksana",
        dt.date(2026, 11, 16),
        "dinas_belu",
    )
    assert AuditEvent.objects.filter(batch_id=report.batch_id).count() == 2
    # The same file again adds no second note the same day.
    again = import_file(kind="follow-ups", path=csv_file(text), actor=belu_officer, commit=True)
    assert codes(again.warnings) == [(2, "note_exists")] and mine.notes.count() == 1


def test_follow_up_rules_are_the_services_own(follow_ups, belu_officer, csv_file):
    mine = follow_ups["belu"]
    text = (
        "id_tindak_lanjut,status,tanggal_selesai,alasan_dibatalkan\n"
        f"{mine.pk},batal,,\n"
        f"{mine.pk},proses,,\n"
        f"{mine.pk + 1000},selesai,,\n"
        f"{follow_ups['kupang'].pk},selesai,,\n"
        f"abc,selesai,,\n"
        f"{mine.pk + 2000},kelar,,\n"
    )
    report = import_file(kind="follow-ups", path=csv_file(text), actor=belu_officer, commit=True)
    assert codes(report.errors) == [
        (2, "drop_reason_required"),
        (3, "duplicate_key"),
        (4, "unknown_reference"),
        (5, "forbidden"),
        (6, "not_integer"),
        (7, "invalid_choice"),
    ]
    assert report.errors[0].column == "alasan_dibatalkan"
    mine.refresh_from_db()
    assert mine.status == "open" and not report.committed


def test_an_id_the_user_may_not_see_reads_as_one_that_does_not_exist(follow_ups, csv_file):
    kaltim = persona(Role.PROVINCE_OFFICER, agency=AgencyFactory(name="Disperindag Kaltim", region_id="64"))
    hidden, missing = follow_ups["belu"].pk, FollowUp.objects.order_by("-pk").first().pk + 1
    report = import_file(
        kind="follow-ups",
        path=csv_file(f"id_tindak_lanjut,status\n{hidden},selesai\n{missing},selesai\n"),
        actor=kaltim,
    )
    first, second = report.errors
    assert (first.code, second.code) == ("unknown_reference", "unknown_reference")
    assert first.message.replace(str(hidden), "N") == second.message.replace(str(missing), "N")


def test_a_dropped_follow_up_with_its_reason_and_the_rollback(follow_ups, belu_officer, csv_file):
    mine = follow_ups["belu"]
    text = (
        "No,Tindak lanjut,ID,Status,Alasan dibatalkan,Catatan\n"
        f"1,{mine.description},{mine.pk},Dibatalkan,"
        "Digabung dengan program Dinas Koperasi,Dibahas di rapat staf\n"
    )
    report = import_file(kind="follow-ups", path=csv_file(text), actor=belu_officer, commit=True)
    assert report.committed, report.errors
    mine.refresh_from_db()
    assert (mine.status, mine.drop_reason) == ("dropped", "Digabung dengan program Dinas Koperasi")
    import_rollback(actor=actor_of(belu_officer), batch_id=report.batch_id)
    mine.refresh_from_db()
    assert (mine.status, mine.drop_reason) == ("open", "") and not mine.notes.exists()


def test_a_completion_date_needs_the_done_status(follow_ups, belu_officer, csv_file):
    mine, also = (
        follow_ups["belu"],
        FollowUpFactory(decision=follow_ups["belu"].decision, agency=follow_ups["belu"].agency),
    )
    text = (
        "id_tindak_lanjut,status,tanggal_selesai\n"
        f"{mine.pk},proses,01/11/2026\n{also.pk},selesai,31/12/2026\n"
    )
    report = import_file(kind="follow-ups", path=csv_file(text), actor=belu_officer)
    assert codes(report.errors) == [(2, "completed_without_done"), (3, "completed_in_future")]


# --- from the meeting's page and the API -----------------------------------------------------------


def test_the_meeting_page_leads_to_an_upload_into_that_meeting(
    client, meeting, organiser, belu, attendance_file
):
    from django.urls import reverse

    client.force_login(organiser)
    page = client.get(reverse("web:meeting_detail", args=[meeting.pk])).content.decode()
    link = f"{reverse('web:import_upload')}?kind=participants&amp;target={meeting.pk}"
    assert "Impor daftar hadir" in page and link in page
    upload = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'id="import-target"' in upload and meeting.title in upload
    assert f'name="target" value="{meeting.pk}"' in upload
    with attendance_file(MESSY_ROWS).open("rb") as handle:
        response = client.post(
            reverse("web:import_upload"),
            {"kind": "participants", "target": meeting.pk, "file": handle, "action": "commit"},
        )
    assert response.status_code == 302 and meeting.participants.count() == 4
    # Invited, not organising: 403; outside the meeting's readers: 404.
    client.force_login(persona(Role.REGENCY_OFFICER, agency=belu))
    assert client.get(link.replace("&amp;", "&")).status_code == 403
    client.force_login(
        persona(Role.PROVINCE_OFFICER, agency=AgencyFactory(name="Disperindag Kaltim", region_id="64"))
    )
    assert client.get(link.replace("&amp;", "&")).status_code == 404


def test_the_api_imports_an_attendance_list_into_its_target(client, meeting, organiser, attendance_file):
    client.force_login(organiser)
    with attendance_file(MESSY_ROWS).open("rb") as handle:
        response = client.post(
            f"/api/v1/imports/participants?commit=true&target={meeting.pk}", {"file": handle}
        )
    assert response.status_code == 200, response.content
    report = response.json()["report"]
    assert report["committed"] and report["created"] == 4
    assert [w["code"] for w in report["warnings"]] == ["walk_in", "duplicate_row", "walk_in"]
    with attendance_file(MESSY_ROWS).open("rb") as handle:
        response = client.post("/api/v1/imports/participants?target=999999", {"file": handle})
    assert response.status_code == 404
    with attendance_file(MESSY_ROWS).open("rb") as handle:
        response = client.post(f"/api/v1/imports/follow-ups?target={meeting.pk}", {"file": handle})
    assert response.status_code == 400 and response.json()["code"] == "target_unsupported"


def test_a_background_job_imports_into_the_meeting_its_upload_named(
    meeting, organiser, attendance_file, tmp_path
):
    """A large upload runs as a job (core.jobs): the meeting travels in the job's parameters."""
    import shutil

    from sentra.core.import_kinds import run_import_job
    from sentra.core.models import Job

    path = tmp_path / "upload.bin"
    shutil.copy(attendance_file(MESSY_ROWS), path)
    params = {"kind": "participants", "commit": True, "path": str(path), "target": meeting.pk}
    job = Job.objects.create(kind="import_participants", params=params, created_by=organiser)
    result = run_import_job(job=job, params=params, progress=lambda done, total: None)
    assert result["committed"] and result["created"] == 4 and meeting.participants.count() == 4


def test_a_clean_check_on_the_web_is_imported_into_its_meeting_in_one_click(
    client, meeting, organiser, attendance_file, settings, tmp_path
):
    from django.urls import reverse

    from sentra.core.models import Job

    settings.DATA_DIR = tmp_path
    client.force_login(organiser)
    with attendance_file(MESSY_ROWS).open("rb") as handle:
        response = client.post(
            reverse("web:import_upload"),
            {"kind": "participants", "target": meeting.pk, "file": handle, "action": "check"},
        )
    checked = Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert checked.params["target"] == meeting.pk and not meeting.participants.exists()
    response = client.post(reverse("web:import_job_commit", args=[checked.pk]))
    assert response.status_code == 302 and meeting.participants.count() == 4
