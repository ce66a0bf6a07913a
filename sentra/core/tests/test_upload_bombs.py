"""Uploads cannot exhaust memory: what an XLSX unpacks to is bounded before its XML is parsed and again
while it is read, and a CSV cell or line of hundreds of MB is refused with its row and column.

The bombs are built here at a few MB (bombs.py streams them); the bench (bench/upload_memory.py) runs
the full-size ones, a 1 GiB shared string and 1.5 GB of whitespace, and measures peak memory. Bounds
that a small file cannot reach in a test are lowered through the settings or the module's constants.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sentra.core import imports, xlsx_guard
from sentra.core.import_kinds import import_file
from sentra.core.tests.bombs import declare_size, repeated, shared_strings_xml, sheet_xml, write_xlsx
from sentra.registry.models import Enterprise

HEADER = ["nama_usaha", "kbli", "kode_wilayah"]
MIB = 1024 * 1024


def refusal(actor, path: Path) -> tuple[str, str]:
    """The one file-level error of a dry run of `path` as an enterprise import: (code, message)."""
    report = import_file(kind="enterprises", actor=actor, path=path, commit=False)
    assert report.error_count == 1, report.errors
    [error] = report.errors
    assert error.row is None
    return error.code, error.message


@pytest.fixture
def nothing_parsed(monkeypatch):
    """The bounds of the ZIP's central directory come first: no reader opens the workbook."""

    def parsed(path):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(imports, "_open_workbook", parsed)


def shared_string_bomb(path: Path, size: int) -> Path:
    """One shared string of `size` bytes of "A", the only cell of the data row."""
    rows = [HEADER, ["#0", "10794", "64.09.01.1001"]]
    return write_xlsx(path, sheet_xml(rows), shared_strings_xml([], huge=(size, b"A")))


def whitespace_bomb(path: Path, size: int) -> Path:
    """A sheet of two rows followed by `size` bytes of whitespace."""
    rows = [HEADER, ["UD Amplang", "10794", "64.09.01.1001"]]
    return write_xlsx(path, sheet_xml(rows, repeated(b" ", size)))


# --- before parsing: what the central directory declares ----------------------------------------------


def test_a_shared_string_packed_a_thousand_to_one_is_refused_by_its_ratio(tmp_path, actor, nothing_parsed):
    path = shared_string_bomb(tmp_path / "ikm.xlsx", 16 * MIB)
    assert path.stat().st_size < 100_000
    code, message = refusal(actor, path)
    assert code == "compression_ratio"
    assert "xl/sharedStrings.xml" in message and "dimampatkan" in message


def test_a_sheet_of_whitespace_packed_a_thousand_to_one_is_refused_by_its_ratio(
    tmp_path, actor, nothing_parsed
):
    code, message = refusal(actor, whitespace_bomb(tmp_path / "ikm.xlsx", 16 * MIB))
    assert code == "compression_ratio"
    assert "xl/worksheets/sheet1.xml" in message


def test_shared_strings_above_their_bound_are_refused_whatever_their_ratio(
    tmp_path, actor, monkeypatch, nothing_parsed
):
    monkeypatch.setattr(xlsx_guard, "MAX_SHARED_STRINGS", 64 * 1024)
    names = [f"UD Nama Usaha {n:07d}" for n in range(4_000)]  # ~150 KB of XML, packs ~10 to 1
    rows = [HEADER, ["#0", "10794", "64.09.01.1001"]]
    path = write_xlsx(tmp_path / "ikm.xlsx", sheet_xml(rows), shared_strings_xml(names))
    code, message = refusal(actor, path)
    assert code == "file_too_large_unpacked"
    assert "Teks berbeda" in message and ".csv" in message


def test_sheets_unpacking_to_more_than_the_setting_are_refused(tmp_path, actor, settings, nothing_parsed):
    settings.SENTRA_IMPORT_MAX_UNPACKED_BYTES = 100_000
    rows = [HEADER] + [[f"UD Amplang {n}", "10794", "64.09.01.1001"] for n in range(2_000)]
    code, message = refusal(actor, write_xlsx(tmp_path / "ikm.xlsx", sheet_xml(rows)))
    assert code == "file_too_large_unpacked"
    assert "xl/worksheets/sheet1.xml" in message


def test_an_archive_of_too_many_parts_is_refused_before_it_is_listed(tmp_path, actor, monkeypatch):
    path = write_xlsx(tmp_path / "ikm.xlsx", sheet_xml([HEADER]))
    with zipfile.ZipFile(path, "a") as archive:
        for n in range(xlsx_guard.MAX_PARTS):
            archive.writestr(f"xl/media/x{n}.bin", b"")

    def listed(*args, **kwargs):
        raise AssertionError("the central directory was listed")

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", listed)
    code, _message = refusal(actor, path)
    assert code == "too_many_parts"


def test_a_legitimate_workbook_still_reads(tmp_path, actor):
    """The bounds leave a real workbook alone (Excel's kind: shared strings, a ratio of ~10)."""
    names = [f"UD Amplang {n}" for n in range(300)]
    rows = [HEADER] + [[f"#{n}", "10794", "64.09.01.1001"] for n in range(300)]
    path = write_xlsx(tmp_path / "ikm.xlsx", sheet_xml(rows), shared_strings_xml(names))
    report = import_file(kind="enterprises", actor=actor, path=path, commit=False)
    assert report.ok and report.rows_total == 300, report.errors


# --- while reading: what the parts really unpack to ------------------------------------------------------


@pytest.fixture
def no_ratio_bound(monkeypatch):
    """So that a small test file reaches the bounds applied while reading."""
    monkeypatch.setattr(xlsx_guard, "MAX_RATIO", 10**9)


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_one_text_longer_than_any_cell_stops_the_reading(
    tmp_path, actor, monkeypatch, no_ratio_bound, reader
):
    """A shared string of 1 MiB: more than the 32,767 characters of an Excel cell, refused while the
    part is read, before the XML parser gathers it, by both readers."""
    if reader == "openpyxl":
        monkeypatch.setattr(imports, "_open_fast_sheet", lambda path: None)
    path = shared_string_bomb(tmp_path / "ikm.xlsx", MIB)
    code, message = refusal(actor, path)
    assert code == "cell_too_long"
    assert "32.767" in message and "xl/sharedStrings.xml" in message


def test_whitespace_between_two_tags_stops_the_reading(tmp_path, actor, no_ratio_bound):
    code, message = refusal(actor, whitespace_bomb(tmp_path / "ikm.xlsx", MIB))
    assert code == "cell_too_long"
    assert "xl/worksheets/sheet1.xml" in message


def test_a_sheet_whose_header_lies_about_its_size_is_refused_before_calamine_reads_it(
    tmp_path, actor, monkeypatch
):
    """The sheet says 2 KB and unpacks to 16 MiB. Python's zipfile stops at the declared size (and its
    CRC is that of the first 2 KB); calamine unpacks in Rust whatever the stream holds, so the true
    size is counted first."""
    path = declare_size(whitespace_bomb(tmp_path / "ikm.xlsx", 16 * MIB), "xl/worksheets/sheet1.xml", 2048)

    def calamine(*args, **kwargs):
        raise AssertionError("calamine read the file")

    import python_calamine

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", calamine)
    code, message = refusal(actor, path)
    assert code == "file_too_large_unpacked"
    assert "xl/worksheets/sheet1.xml" in message


def test_a_part_read_past_its_bound_stops(tmp_path, no_ratio_bound):
    """The count while reading (GuardedStream) does not trust the declared size either."""
    path = shared_string_bomb(tmp_path / "ikm.xlsx", 200_000)
    with zipfile.ZipFile(path) as plain:
        info = plain.getinfo("xl/sharedStrings.xml")
    info.file_size = 10**9  # as if the header declared more than the part's bound
    with xlsx_guard.GuardedZipFile(path) as archive:
        stream = xlsx_guard.GuardedStream(archive.open("xl/sharedStrings.xml").raw, info)
        stream.limit = 100_000
        with pytest.raises(imports.ImportFileError) as caught:
            stream.read()
    assert caught.value.code == "file_too_large_unpacked"


# --- CSV: a cell or a line longer than any field ---------------------------------------------------------


def csv_path(tmp_path, text: str) -> Path:
    path = tmp_path / "ikm.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_200000_character_cell_names_its_row_and_column(tmp_path, actor):
    """It was reported as a file that is not CSV ("file_type": field larger than field limit)."""
    path = csv_path(
        tmp_path,
        "nama_usaha,kbli,kode_wilayah\nUD Amplang,10794,64.09.01.1001\n" + "A" * 200_000 + ",10794,64\n",
    )
    report = import_file(kind="enterprises", actor=actor, path=path, commit=False)
    [error] = report.errors
    assert (error.row, error.column, error.code) == (None, "nama_usaha", "cell_too_long")
    assert "baris 3" in error.message and "kolom nama_usaha" in error.message and "32.767" in error.message


def test_a_cell_above_excels_limit_but_below_the_csv_modules_is_refused_the_same_way(tmp_path, actor):
    path = csv_path(tmp_path, 'nama_usaha;kbli;kode_wilayah\nUD Amplang;"1;0' + "9" * 40_000 + '";64\n')
    report = import_file(kind="enterprises", actor=actor, path=path, commit=False)
    [error] = report.errors
    assert (error.column, error.code) == ("kbli", "cell_too_long")
    assert "baris 2" in error.message and error.value.startswith("1;0999")


def test_a_line_of_hundreds_of_megabytes_is_refused_without_reading_it_whole(tmp_path, actor):
    # 3 MiB stand for the hundreds: the line is read at most 1 MiB + 1 character at a time.
    path = csv_path(tmp_path, "nama_usaha,kbli,kode_wilayah\nUD Amplang," + "9 " * (3 * MIB // 2) + "\n")
    report = import_file(kind="enterprises", actor=actor, path=path, commit=False)
    [error] = report.errors
    assert error.code == "line_too_long" and "Baris 2 terlalu panjang" in error.message


# --- every channel gives the same message -----------------------------------------------------------------


def test_the_api_answers_a_bomb_with_its_code_and_message(auth_client, tmp_path):
    data = shared_string_bomb(tmp_path / "ikm.xlsx", 16 * MIB).read_bytes()
    upload = SimpleUploadedFile("ikm.xlsx", data, content_type="application/octet-stream")
    response = auth_client.post("/api/v1/imports/enterprises?commit=true", {"file": upload})
    assert response.status_code == 200  # a file's errors come in the report, as every file error
    [error] = response.json()["report"]["errors"]
    assert error["code"] == "compression_ratio" and "dimampatkan" in error["message"]
    assert Enterprise.objects.count() == 0


def test_the_web_upload_shows_the_message(auth_client, tmp_path):
    text = "nama_usaha,kbli,kode_wilayah\n" + "A" * 200_000 + ",10794,64.09.01.1001\n"
    upload = SimpleUploadedFile("ikm.csv", text.encode(), content_type="text/csv")
    response = auth_client.post(
        reverse("web:import_upload"),
        {"kind": "enterprises", "file": upload, "action": "dry_run"},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sel terlalu panjang di baris 2, kolom nama_usaha" in page and "cell_too_long" in page


BACKGROUND_APPS = [
    "sentra.core",
    "sentra.accounts",
    "sentra.audit",
    "sentra.agencies",
    "sentra.registry",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
]


@pytest.mark.django_db(transaction=True, available_apps=BACKGROUND_APPS)
def test_a_background_job_reports_the_refusal(client, settings, tmp_path):
    from sentra.accounts.models import Role
    from sentra.accounts.tests.factories import persona
    from sentra.core.jobs import wait_for_jobs

    settings.SENTRA_BROKER_URL = ""
    settings.SENTRA_IMPORT_BACKGROUND_BYTES = 10
    client.force_login(persona(Role.MINISTRY_ADMIN, username="besar"))
    data = whitespace_bomb(tmp_path / "ikm.xlsx", 16 * MIB).read_bytes()
    upload = SimpleUploadedFile("ikm.xlsx", data, content_type="application/octet-stream")
    response = client.post("/api/v1/imports/enterprises?commit=true", {"file": upload})
    assert response.status_code == 202
    wait_for_jobs(timeout=60)
    body = client.get(f"/api/v1/imports/jobs/{response.json()['id']}").json()
    assert body["finished"]
    [error] = body["report"]["errors"]
    assert error["code"] == "compression_ratio" and "xl/worksheets/sheet1.xml" in error["message"]
    assert Enterprise.objects.count() == 0
