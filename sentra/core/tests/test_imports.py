"""The generic import engine: cell parsing, file sniffing, header mapping, progress, reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from sentra.core.imports import (
    CellError,
    Column,
    ImportReport,
    ImportSchema,
    cell_text,
    normalise_header,
    parse_date,
    parse_decimal,
    parse_int,
    report_csv,
    run_import,
    template_csv,
    template_xlsx,
)


class EchoSchema(ImportSchema):
    """A schema with no database: counts rows, keys on `kode`, refuses a negative `jumlah`."""

    kind = "echo"
    columns = (Column("kode", "Kode"), Column("jumlah", "Jumlah", aliases=("qty",)))

    def __init__(self) -> None:
        self.written: list[tuple] = []

    def missing_columns(self, present):
        return [] if "kode" in present else ["kode"]

    def check(self, row, report):
        try:
            parse_int(row.get("jumlah"))
        except CellError as exc:
            report.error(row.number, "jumlah", row.get("jumlah"), exc.code, exc.message)
            return None
        return row.text("kode")

    def write(self, rows, report, on_row):
        for row in rows:
            on_row()
            self.written.append((row.number, row.text("kode"), parse_int(row.get("jumlah"))))
            report.created += 1


def write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "f"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1500000", 1500000),
        ("1.500.000", 1500000),
        ("Rp 1.500.000", 1500000),
        ("1,500,000", 1500000),
        (12.0, 12),
        (7, 7),
        ("", None),
        (None, None),
    ],
)
def test_parse_int_accepts_indonesian_thousands(text, expected):
    assert parse_int(text) == expected


@pytest.mark.parametrize(
    ("text", "code"), [("1,5", "not_integer"), ("abc", "not_integer"), ("-3", "out_of_range")]
)
def test_parse_int_errors(text, code):
    with pytest.raises(CellError) as caught:
        parse_int(text)
    assert caught.value.code == code


def test_parse_decimal_point_or_comma():
    assert parse_decimal("-1,25", places=6) == Decimal("-1.250000")
    assert parse_decimal("116.7", places=2) == Decimal("116.70")
    with pytest.raises(CellError):
        parse_decimal("1,2,3")
    with pytest.raises(CellError):
        parse_decimal("NaN")


def test_parse_date_formats():
    expected = dt.date(2020, 3, 31)
    for value in ("2020-03-31", "31/03/2020", "31-03-2020", dt.datetime(2020, 3, 31)):
        assert parse_date(value) == expected
    with pytest.raises(CellError):
        parse_date("31 Maret 2020")


def test_cell_text_and_headers():
    assert cell_text(9120001234567.0) == "9120001234567"
    assert cell_text(dt.datetime(2020, 1, 2)) == "2020-01-02"
    assert normalise_header("  Nama Usaha ") == normalise_header("NAMA-USAHA") == "nama_usaha"


def test_dry_run_and_commit_with_progress(tmp_path, db):
    path = write(tmp_path, "Kode;QTY\n" + "".join(f"k{i};{i}\n" for i in range(5000)))
    seen: list[tuple[int, int]] = []
    schema = EchoSchema()
    report = run_import(path=path, schema=schema, on_progress=lambda d, t: seen.append((d, t)))
    assert report.ok and report.rows_total == 5000 and not report.committed and schema.written == []
    assert seen[-1][0] == seen[-1][1] and seen[0][0] == 2000
    seen.clear()
    report = run_import(path=path, schema=schema, commit=True, on_progress=lambda d, t: seen.append((d, t)))
    assert report.committed and report.created == 5000 and schema.written[0] == (2, "k0", 0)
    assert seen[-1] == (10000, 10000) and [d for d, _t in seen] == sorted(d for d, _t in seen)


def test_blank_rows_are_skipped_and_row_numbers_are_spreadsheet_rows(tmp_path):
    path = write(tmp_path, "kode,jumlah\n\na,1\n,\nb,-1\n")
    report = run_import(path=path, schema=EchoSchema())
    assert report.rows_total == 2
    assert [(e.row, e.column, e.code) for e in report.errors] == [(5, "jumlah", "out_of_range")]


def test_errors_stop_the_write(tmp_path):
    schema = EchoSchema()
    report = run_import(path=write(tmp_path, "kode,jumlah\na,1\nb,x\n"), schema=schema, commit=True)
    assert not report.committed and schema.written == [] and report.error_count == 1


def test_duplicates_identical_and_conflicting(tmp_path):
    report = run_import(path=write(tmp_path, "kode,jumlah\na,1\na,1\na,2\n"), schema=EchoSchema())
    assert [(e.row, e.code) for e in report.errors] == [(3, "duplicate_row"), (4, "duplicate_key")]
    assert "baris 2" in report.errors[0].message


def test_non_utf8_late_in_the_file_is_an_encoding_error(tmp_path):
    content = (
        "kode,jumlah\n" + "".join(f"k{i},1\n" for i in range(3000)) + "x,y\n"
    ).encode() + "é,1\n".encode("cp1252")
    report = run_import(path=write(tmp_path, content), schema=EchoSchema(), commit=True)
    assert [(e.row, e.code) for e in report.errors] == [(None, "encoding")]
    assert "UTF-8" in report.errors[0].message


def test_listing_is_capped_but_counting_is_exact(tmp_path, monkeypatch):
    monkeypatch.setattr("sentra.core.imports.MAX_LISTED_ISSUES", 3)
    report = run_import(
        path=write(tmp_path, "kode,jumlah\n" + "".join(f"k{i},x\n" for i in range(10))), schema=EchoSchema()
    )
    assert report.error_count == 10 and len(report.errors) == 3


def test_report_round_trip_and_csv_defuses_formulas():
    report = ImportReport(kind="echo")
    report.error(2, "jumlah", '=HYPERLINK("x")', "formula", "Rumus tidak diperbolehkan.")
    report.warn(3, "kode", "-5", "note", "Catatan.")
    again = ImportReport.from_dict(report.as_dict())
    assert again.as_dict() == report.as_dict()
    lines = report_csv(report.as_dict()).lstrip("\ufeff").splitlines()
    assert lines[0] == "jenis,baris,kolom,nilai,kode,keterangan"
    assert (
        lines[1].startswith("galat,2,jumlah,\"'=HYPERLINK")
        and lines[2] == "peringatan,3,kode,-5,note,Catatan."
    )


def test_templates_have_the_column_keys():
    assert template_csv(EchoSchema()).lstrip("\ufeff").splitlines()[-1] == "kode,jumlah"
    assert template_xlsx(EchoSchema())[:4] == b"PK\x03\x04"


def test_the_csv_template_carries_the_guidance_and_imports_back_as_it_is(tmp_path):
    """Issue 14.3: the CSV template explains every column like the XLSX's Petunjuk sheet, in '#' lines
    above the header that the importer skips; a filled-in template imports, with spreadsheet row numbers."""
    template = template_csv(EchoSchema())
    lines = template.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("# Petunjuk") and lines[1] == "# kode: Kode" and lines[2] == "# jumlah: Jumlah"
    path = tmp_path / "template.csv"
    path.write_text(template + "A1,5\nA2,-1\n# bukan komentar,3\n", encoding="utf-8")
    schema = EchoSchema()
    report = run_import(path=path, schema=schema, commit=False)
    header_row = len(lines)
    assert [(e.row, e.code) for e in report.errors] == [(header_row + 2, "out_of_range")]
    # Below the header a cell starting with '#' is data, not a comment.
    assert report.rows_total == 3


class OnePassEcho(EchoSchema):
    """EchoSchema read once: each batch is checked, then written at once as Job rows (a real table,
    so that the test sees what the transaction kept)."""

    one_pass = True

    def write_batch(self, rows, report):
        from sentra.core.models import Job

        Job.objects.bulk_create([Job(kind="echo", params={"kode": row.text("kode")}) for row in rows])
        report.created += len(rows)


def echo_jobs() -> int:
    from sentra.core.models import Job

    return Job.objects.filter(kind="echo").count()


def key_table_exists() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT to_regclass('pg_temp.sentra_import_keys') IS NOT NULL")
        else:
            cursor.execute("SELECT COUNT(*) > 0 FROM sqlite_temp_master WHERE name = 'sentra_import_keys'")
        return bool(cursor.fetchone()[0])


def test_one_pass_writes_batch_by_batch_and_counts_each_row_once(tmp_path, db):
    path = write(tmp_path, "kode,jumlah\n" + "".join(f"k{i},{i}\n" for i in range(5000)))
    seen: list[tuple[int, int]] = []
    report = run_import(path=path, schema=OnePassEcho(), on_progress=lambda d, t: seen.append((d, t)))
    assert report.ok and not report.committed and report.created == 0 and echo_jobs() == 0
    seen.clear()
    report = run_import(
        path=path, schema=OnePassEcho(), commit=True, on_progress=lambda d, t: seen.append((d, t))
    )
    assert report.committed and report.created == 5000 and echo_jobs() == 5000
    assert seen[-1] == (5000, 5000) and [d for d, _t in seen] == sorted(d for d, _t in seen)
    assert not key_table_exists()


def test_one_pass_error_in_a_late_batch_undoes_the_batches_already_written(tmp_path, db):
    rows = "".join(f"k{i},{i}\n" for i in range(4500)) + "bad,x\n" + "".join(f"m{i},1\n" for i in range(10))
    report = run_import(path=write(tmp_path, "kode,jumlah\n" + rows), schema=OnePassEcho(), commit=True)
    assert [(e.row, e.code) for e in report.errors] == [(4502, "not_integer")]
    assert report.rows_total == 4511 and report.error_count == 1
    assert not report.committed and report.created == 0 and echo_jobs() == 0
    assert not key_table_exists()


def test_one_pass_finds_duplicates_across_batches_and_lists_errors_in_file_order(tmp_path, db):
    rows = ["a,1", *(f"k{i},x" if i == 2500 else f"k{i},{i}" for i in range(3000)), "a,1", "a,2", "k7,7"]
    report = run_import(
        path=write(tmp_path, "kode,jumlah\n" + "\n".join(rows) + "\n"), schema=OnePassEcho(), commit=True
    )
    assert [(e.row, e.code) for e in report.errors] == [
        (2503, "not_integer"),
        (3003, "duplicate_row"),
        (3004, "duplicate_key"),
        (3005, "duplicate_row"),
    ]
    assert "baris 2" in report.errors[1].message and "baris 10" in report.errors[3].message
    assert echo_jobs() == 0 and not key_table_exists()


def test_one_pass_broken_file_late_is_one_message_and_writes_nothing(tmp_path, db):
    content = ("kode,jumlah\n" + "".join(f"k{i},1\n" for i in range(4500))).encode() + "é,1\n".encode(
        "cp1252"
    )
    report = run_import(path=write(tmp_path, content), schema=OnePassEcho(), commit=True)
    assert [(e.row, e.code) for e in report.errors] == [(None, "encoding")]
    assert not report.committed and report.created == 0 and echo_jobs() == 0


class FailingEcho(OnePassEcho):
    """Writes its first batch, then the database refuses the second."""

    def write_batch(self, rows, report):
        from django.db import IntegrityError

        if report.created:
            raise IntegrityError("unique constraint failed")
        super().write_batch(rows, report)


class FailingTwoPassEcho(EchoSchema):
    def write(self, rows, report, on_row):
        from django.db import IntegrityError

        from sentra.core.models import Job

        Job.objects.create(kind="echo", params={})
        report.created, report.batch_id = 1, 7
        raise IntegrityError("unique constraint failed")


@pytest.mark.parametrize("schema", [FailingEcho, FailingTwoPassEcho])
def test_a_database_error_while_writing_is_one_message_and_nothing_written(tmp_path, db, schema):
    path = write(tmp_path, "kode,jumlah\n" + "".join(f"k{i},{i}\n" for i in range(4500)))
    report = run_import(path=path, schema=schema(), commit=True)
    assert [(e.row, e.code) for e in report.errors] == [(None, "write_failed")]
    assert "tidak ada data yang ditulis" in report.errors[0].message
    assert not report.committed and (report.created, report.updated, report.batch_id) == (0, 0, None)
    assert echo_jobs() == 0


def test_write_refused_rolls_back_and_reports_nothing_written(db):
    from sentra.core.imports import WriteRefused, all_or_nothing
    from sentra.core.models import Job

    report = ImportReport(kind="echo")
    with all_or_nothing(report):
        Job.objects.create(kind="echo", params={})
        report.created, report.batch_id = 1, 3
        report.error(2, "kode", "x", "locked", "Terkunci.")
        raise WriteRefused
    assert not report.committed and (report.created, report.batch_id) == (0, None)
    assert [(e.row, e.code) for e in report.errors] == [(2, "locked")] and echo_jobs() == 0
    with all_or_nothing(report):
        Job.objects.create(kind="echo", params={})
    assert report.committed and echo_jobs() == 1


def page_cache_kib() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        size = cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        return -size if size < 0 else size * cursor.fetchone()[0] // 1024


def test_on_sqlite_an_import_writes_with_the_import_page_cache_and_gives_it_back(tmp_path, db, settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the page cache is the PostgreSQL server's")
    usual = page_cache_kib()
    settings.SENTRA_IMPORT_CACHE_MB = usual // 1024 + 64
    seen: list[int] = []

    class Watching(OnePassEcho):
        def write_batch(self, rows, report):
            seen.append(page_cache_kib())
            super().write_batch(rows, report)

    path = write(tmp_path, "kode,jumlah\n" + "".join(f"k{i},{i}\n" for i in range(10)))
    report = run_import(path=path, schema=Watching(), commit=True)
    assert report.committed and seen == [(usual // 1024 + 64) * 1024]
    assert page_cache_kib() == usual
    run_import(path=write(tmp_path, "kode,jumlah\nk1,x\n"), schema=Watching(), commit=True)
    assert page_cache_kib() == usual  # given back after a refused import too


def test_keys_moved_from_memory_to_the_table_still_find_duplicates_of_early_rows(tmp_path, db, monkeypatch):
    """Up to MEMORY_KEYS keys live in a dict; the batch that passes it moves them all to the temporary
    table (here the second), and later batches still find duplicates of the first rows."""
    from sentra.core import imports

    monkeypatch.setattr(imports._KeyIndex, "MEMORY_KEYS", 3_000)
    created = []
    create = imports._KeyIndex._create
    monkeypatch.setattr(imports._KeyIndex, "_create", lambda self: (created.append(1), create(self)))
    rows = ["a,1", *(f"k{i},{i}" for i in range(5000)), "a,1", "a,2"]
    report = run_import(
        path=write(tmp_path, "kode,jumlah\n" + "\n".join(rows) + "\n"), schema=OnePassEcho(), commit=True
    )
    assert [(e.row, e.code) for e in report.errors] == [(5003, "duplicate_row"), (5004, "duplicate_key")]
    assert "baris 2" in report.errors[0].message
    assert created == [1] and echo_jobs() == 0 and not key_table_exists()
