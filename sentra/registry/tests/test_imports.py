"""Enterprise and centre imports: a corpus of bad files, each with its exact errors, and good files."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from sentra.registry.imports import import_centres, import_enterprises
from sentra.registry.models import Centre, CentreMembership, Decree, Enterprise
from sentra.registry.tests.factories import EnterpriseFactory

HEADER = "nama_usaha,nama_pemilik,nib,kbli,kode_wilayah,tenaga_kerja,investasi,status"
GOOD = [
    "UD Amplang Saloloang,Siti Aminah,9120001234567,10794,64.09.01.1001,4,50.000.000,Aktif",
    "CV Kerupuk Penajam,Budi,9120001234568,10794,6409011002,25,2000000000,aktif",
    "Tenun Sarung Samarinda,Rahma,,13121,64.09.01.1001,3,10000000,",
]


def write(tmp_path: Path, text: str | bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def xlsx(tmp_path: Path, rows: list[list], name: str = "data.xlsx") -> Path:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def counts() -> tuple[int, int, int, int]:
    return (
        Enterprise.objects.count(),
        Centre.objects.count(),
        CentreMembership.objects.count(),
        Decree.objects.count(),
    )


def codes(report) -> list[tuple]:
    return [(e.row, e.column, e.code) for e in report.errors]


def test_good_csv_dry_run_writes_nothing_and_commit_writes(tmp_path, ministry_agency, actor):
    path = write(tmp_path, "\n".join([HEADER, *GOOD]) + "\n")
    report = import_enterprises(actor=actor, path=path)
    assert report.ok and report.rows_total == 3 and not report.committed
    assert counts() == (0, 0, 0, 0)
    report = import_enterprises(actor=actor, path=path, commit=True)
    assert report.ok and report.committed and (report.created, report.updated) == (3, 0)
    unit = Enterprise.objects.get(nib="9120001234568")
    assert (unit.village_id, unit.regency_code, unit.size_class) == ("64.09.01.1002", "64.09", "medium")
    assert unit.agency == ministry_agency
    assert Enterprise.objects.get(nib="9120001234567").investment == 50_000_000


def test_reimport_updates_instead_of_duplicating(tmp_path, ministry_agency, actor):
    path = write(tmp_path, "\n".join([HEADER, *GOOD]) + "\n")
    import_enterprises(actor=actor, path=path, commit=True)
    changed = "\n".join([HEADER, GOOD[0].replace(",4,", ",30,"), GOOD[1], GOOD[2].replace("Rahma", "Rahmah")])
    report = import_enterprises(actor=actor, path=write(tmp_path, changed, "again.csv"), commit=True)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 1)  # GOOD[1] as it was
    assert Enterprise.objects.count() == 3
    assert Enterprise.objects.get(nib="9120001234567").workers == 30
    assert Enterprise.objects.get(name="Tenun Sarung Samarinda").owner_name == "Rahmah"


def test_a_file_imported_again_unchanged_writes_nothing_and_keeps_verified_records_verified(
    tmp_path, ministry_agency, actor
):
    """Rows that say what their records already hold are not written: no version counted up, no
    history, and a verified record is not sent back to draft as an edit would be."""
    from sentra.audit.models import AuditEvent
    from sentra.verification.models import VerificationStatus

    path = write(tmp_path, "\n".join([HEADER, *GOOD]) + "\n")
    import_enterprises(actor=actor, path=path, commit=True)
    Enterprise.objects.filter(nib="9120001234567").update(verification_status=VerificationStatus.VERIFIED)
    before = {e.pk: (e.version, e.verification_status, e.updated_at) for e in Enterprise.objects.all()}
    events = AuditEvent.objects.count()

    changed = GOOD[2].replace("Rahma", "Rahmah")
    report = import_enterprises(
        actor=actor,
        path=write(tmp_path, "\n".join([HEADER, GOOD[0], GOOD[1], changed]), "again.csv"),
        commit=True,
    )

    assert report.committed and (report.created, report.updated, report.unchanged) == (0, 1, 2)
    after = {e.pk: (e.version, e.verification_status, e.updated_at) for e in Enterprise.objects.all()}
    edited = Enterprise.objects.get(name="Tenun Sarung Samarinda")
    assert {pk: v for pk, v in after.items() if pk != edited.pk} == {
        pk: v for pk, v in before.items() if pk != edited.pk
    }
    assert Enterprise.objects.get(nib="9120001234567").verification_status == VerificationStatus.VERIFIED
    assert edited.owner_name == "Rahmah" and edited.version != before[edited.pk][0]
    assert AuditEvent.objects.count() == events + 1  # the one edit, recorded
    assert report.as_dict()["unchanged"] == 2


def test_semicolon_delimiter_bom_and_decimal_comma(tmp_path, ministry_agency, actor):
    text = "\ufeffNama Usaha;KBLI;Kode Wilayah;Lintang;Bujur\nUD Amplang;10794;64.09.01.1001;-1,25;116,7\n"
    report = import_enterprises(actor=actor, path=write(tmp_path, text), commit=True)
    assert report.ok, report.errors
    unit = Enterprise.objects.get()
    assert (str(unit.latitude), str(unit.longitude)) == ("-1.250000", "116.700000")


def test_xlsx_detected_by_content_not_name(tmp_path, ministry_agency, actor):
    path = xlsx(
        tmp_path,
        [
            ["nama_usaha", "kbli", "kode_wilayah", "nib"],
            ["UD Amplang", 10794, "64.09.01.1001", 9120001234567],
        ],
        name="upload.csv",
    )
    report = import_enterprises(actor=actor, path=path, commit=True)
    assert report.ok, report.errors
    assert Enterprise.objects.get().nib == "9120001234567"


def test_names_resolved_with_the_gazetteer(tmp_path, ministry_agency, actor):
    text = (
        "nama_usaha,kbli,desa,kecamatan,kabupaten_kota,provinsi\n"
        "UD Amplang,10794,Saloloang,Penajam,Penajam Paser Utara,Kalimantan Timur\n"
    )
    report = import_enterprises(actor=actor, path=write(tmp_path, text), commit=True)
    assert report.ok, report.errors
    assert Enterprise.objects.get().village_id == "64.09.01.1002"  # Salo Loang in the Kemendagri data


def test_unresolvable_names_are_errors(tmp_path, ministry_agency, actor):
    text = (
        "nama_usaha,kbli,desa,kecamatan,kabupaten_kota\n"
        "UD A,10794,Desa Yang Tidak Ada Sama Sekali,Penajam,Penajam Paser Utara\n"
        "UD B,10794,,,\n"
    )
    report = import_enterprises(actor=actor, path=write(tmp_path, text), commit=True)
    assert [(r, c) for r, c, _code in codes(report)] == [(2, "desa"), (3, "desa")]
    assert codes(report)[1][2] == "required"
    assert codes(report)[0][2] in ("region_not_found", "region_ambiguous", "region_contradictory")
    assert counts() == (0, 0, 0, 0)


# The corpus: (file content, expected [(row, column, code)]). Every file leaves the database unchanged.
ROW_CORPUS = {
    "bad_values": (
        HEADER + "\n"
        "UD A,,123,10794,64.09.01.1001,4,0,Aktif\n"
        "UD B,,9120001234590,99999,64.09.01.9999,-1,abc,Bangkrut\n"
        ",,9120001234591,107,desa-x,1.5,0,\n",
        [
            (2, "nib", "nib_format"),
            (3, "kbli", "unknown_kbli"),
            (3, "kode_wilayah", "unknown_village"),
            (3, "tenaga_kerja", "out_of_range"),
            (3, "investasi", "not_integer"),
            (3, "status", "invalid_choice"),
            (4, "nama_usaha", "required"),
            (4, "kbli", "unknown_kbli"),
            (4, "kode_wilayah", "invalid_region_code"),
            (4, "tenaga_kerja", "not_integer"),
        ],
    ),
    "not_a_village": (
        "nama_usaha,kbli,kode_wilayah\nUD A,10794,64.09\n",
        [(2, "kode_wilayah", "not_village")],
    ),
    "duplicates": (
        HEADER + "\n" + GOOD[0] + "\n" + GOOD[0] + "\n" + GOOD[0].replace("Siti", "Ani") + "\n",
        [(3, "", "duplicate_row"), (4, "nib", "duplicate_key")],
    ),
    "formula": (
        "nama_usaha,kbli,kode_wilayah,tenaga_kerja\nUD A,10794,64.09.01.1001,=1+1\n",
        [(2, "tenaga_kerja", "formula"), (2, "tenaga_kerja", "not_integer")],
    ),
    "coordinates": (
        "nama_usaha,kbli,kode_wilayah,lintang,bujur,tahun_mulai\nUD A,10794,64.09.01.1001,45,10,1800\n",
        [(2, "lintang", "out_of_range"), (2, "bujur", "out_of_range"), (2, "tahun_mulai", "out_of_range")],
    ),
}

FILE_CORPUS = {
    "empty": (b"", "empty"),
    "header_only": (b"nama_usaha,kbli,kode_wilayah\n", "empty"),
    "blank_lines": (b"\n\n,,\n", "empty"),
    "latin1": ("nama_usaha,kbli,kode_wilayah\nCaf\u00e9,10794,64.09.01.1001\n".encode("cp1252"), "encoding"),
    "utf16": ("nama_usaha,kbli\n".encode("utf-16"), "encoding"),
    "pdf": (b"%PDF-1.4 binary\x00\x01", "file_type"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00", "file_type"),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "file_type"),
    "zip_not_xlsx": (None, "file_type"),
    "missing": (b"nama_usaha,tenaga_kerja\nUD A,4\n", "missing_columns"),
    "unknown": (
        b"nama_usaha,kbli,kode_wilayah,warna_favorit\nUD A,10794,64.09.01.1001,biru\n",
        "unknown_columns",
    ),
    "dup_header": (
        b"nama_usaha,kbli,kode_wilayah,Nama Usaha\nA,10794,64.09.01.1001,B\n",
        "duplicate_columns",
    ),
}


@pytest.mark.parametrize("name", sorted(ROW_CORPUS))
def test_row_corpus_reports_exact_errors_and_writes_nothing(tmp_path, ministry_agency, name, actor):
    EnterpriseFactory(nib="9120009999999")
    before = counts()
    text, expected = ROW_CORPUS[name]
    report = import_enterprises(actor=actor, path=write(tmp_path, text), commit=True)
    assert codes(report) == expected
    assert all(e.message for e in report.errors)
    assert not report.committed and counts() == before


@pytest.mark.parametrize("name", sorted(FILE_CORPUS))
def test_file_corpus_gives_one_clear_message(tmp_path, ministry_agency, name, actor):
    content, code = FILE_CORPUS[name]
    if content is None:
        buffer = io.BytesIO()
        import zipfile

        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "hi")
        content = buffer.getvalue()
    report = import_enterprises(actor=actor, path=write(tmp_path, content, name + ".xlsx"), commit=True)
    assert codes(report) == [(None, report.errors[0].column, code)]
    assert report.errors[0].message
    assert counts() == (0, 0, 0, 0)


def test_too_large(tmp_path, ministry_agency, settings, actor):
    settings.SENTRA_IMPORT_MAX_BYTES = 10
    report = import_enterprises(actor=actor, path=write(tmp_path, "\n".join([HEADER, *GOOD])), commit=True)
    assert codes(report) == [(None, "", "too_large")]


def test_one_bad_row_blocks_the_whole_file(tmp_path, ministry_agency, actor):
    text = "\n".join([HEADER, *GOOD, "UD X,,1,10794,64.09.01.1001,1,1,"])
    report = import_enterprises(actor=actor, path=write(tmp_path, text), commit=True)
    assert codes(report) == [(5, "nib", "nib_format")]
    assert counts() == (0, 0, 0, 0)


def test_xlsx_formula_is_refused(tmp_path, ministry_agency, actor):
    path = xlsx(
        tmp_path,
        [["nama_usaha", "kbli", "kode_wilayah", "investasi"], ["UD A", "10794", "64.09.01.1001", "=A1*2"]],
    )
    report = import_enterprises(actor=actor, path=path, commit=True)
    assert codes(report)[0] == (2, "investasi", "formula")
    assert counts() == (0, 0, 0, 0)


CENTRE_HEADER = (
    "nama_sentra,komoditas,kbli,kode_wilayah,jenis_dasar_hukum,nomor_dasar_hukum,"
    "tanggal_dasar_hukum,nib_anggota"
)


def test_centres_with_decree_members_and_warning(tmp_path, ministry_agency, actor):
    members = [EnterpriseFactory(nib=f"912000000000{i}") for i in range(3)]
    nibs = ";".join(m.nib for m in members)
    text = (
        CENTRE_HEADER + "\n"
        f'Sentra Amplang,Amplang,10794,"64.09.01.1001;64.09.01.1002",SK Bupati,518/176/2020,'
        f'31/03/2020,"{nibs}"\n'
        f'Sentra Kelapa,Kelapa,10421,64.09.01.1001,sk_bupati,518/176/2020,2020-03-31,"{nibs}"\n'
    )
    path = write(tmp_path, text)
    report = import_centres(actor=actor, path=path, commit=True)
    assert report.ok and report.committed, report.errors
    # The coconut centre's members make amplang (KBLI 10794), not coconut products (1042x).
    assert [(w.row, w.code) for w in report.warnings] == [
        (2, "few_members"),
        (3, "few_members"),
        (3, "members_other_kbli"),
    ]
    centre = Centre.objects.get(name="Sentra Amplang")
    assert sorted(centre.village_links.values_list("village_id", flat=True)) == [
        "64.09.01.1001",
        "64.09.01.1002",
    ]
    assert centre.memberships.count() == 3 and centre.status == "designated"
    assert Decree.objects.count() == 1 and centre.decree.region_id == "64.09"
    again = import_centres(actor=actor, path=path, commit=True)
    assert (again.created, again.updated) == (0, 2)
    assert counts()[1:] == (2, 6, 1)


def test_centre_corpus(tmp_path, ministry_agency, actor):
    text = (
        CENTRE_HEADER + "\n"
        "Sentra A,,10794,64.09.01.1001;99.99.99.9999,,518/1/2020,,9999999999999\n"
        "Sentra A,Amplang,10794,64.09.01.1001,Surat Sakti,518/2/2020,kemarin,\n"
    )
    before = counts()
    report = import_centres(actor=actor, path=write(tmp_path, text), commit=True)
    assert codes(report) == [
        (2, "komoditas", "required"),
        (2, "kode_wilayah", "unknown_village"),
        (2, "jenis_dasar_hukum", "required"),
        (2, "tanggal_dasar_hukum", "required"),
        (2, "nib_anggota", "unknown_member"),
        (3, "jenis_dasar_hukum", "invalid_choice"),
        (3, "tanggal_dasar_hukum", "invalid_date"),
    ]
    assert counts() == before


def test_cli_dry_run_commit_and_exit_code(tmp_path, ministry_agency, user, capsys):
    good = write(tmp_path, "\n".join([HEADER, *GOOD]), "good.csv")
    call_command("import", "enterprises", str(good), "--as", user.username)
    assert Enterprise.objects.count() == 0
    call_command(
        "import", "enterprises", str(good), "--commit", "--agency", str(ministry_agency.pk), "--as", "petugas"
    )
    assert Enterprise.objects.count() == 3
    bad = write(tmp_path, "nama_usaha,kbli,kode_wilayah\nUD,1,64\n", "bad.csv")
    with pytest.raises(SystemExit) as caught:
        call_command("import", "enterprises", str(bad), "--commit", "--as-system")
    assert caught.value.code == 1
    out = capsys.readouterr().out
    assert "baris 2 [kbli] '1' unknown_kbli" in out and "not_village" in out
    assert Enterprise.objects.count() == 3


def test_cli_writes_templates(tmp_path, ministry_agency):
    out = tmp_path / "templat.xlsx"
    call_command("import", "template", "enterprises", str(out))
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert [c.value for c in sheet[1]][:4] == ["nama_usaha", "nama_pemilik", "nib", "kbli"]
    csv_out = tmp_path / "templat.csv"
    call_command("import", "template", "centres", str(csv_out))
    lines = csv_out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("# Petunjuk") and lines[-1].startswith("nama_sentra,komoditas,kbli")


def test_default_agency_is_created_when_missing(tmp_path, db, system_actor):
    report = import_enterprises(
        actor=system_actor, path=write(tmp_path, "\n".join([HEADER, *GOOD])), commit=True
    )
    assert report.ok
    assert Enterprise.objects.first().agency.name == "Direktorat Jenderal IKMA"


def many(count: int, start: int = 0, workers: int = 4) -> list[str]:
    return [
        f"UD Banyak {n},Pemilik {n},{9_140_000_000_000 + n},10794,64.09.01.1001,{workers},10000000,Aktif"
        for n in range(start, start + count)
    ]


def test_a_file_longer_than_a_batch_is_all_or_nothing(tmp_path, ministry_agency, actor):
    from sentra.audit.models import AuditBatch, AuditEvent

    rows = many(4100)
    rows[4050] = rows[4050].replace(",10794,", ",99999,")  # the third batch, after two were written
    rows.append(rows[5])  # and the same unit again, two batches after its first row
    report = import_enterprises(actor=actor, path=write(tmp_path, "\n".join([HEADER, *rows])), commit=True)
    assert codes(report) == [(4052, "kbli", "unknown_kbli"), (4102, "", "duplicate_row")]
    assert "baris 7" in report.errors[1].message
    assert not report.committed and (report.created, report.updated, report.batch_id) == (0, 0, None)
    assert counts() == (0, 0, 0, 0) and AuditBatch.objects.count() == AuditEvent.objects.count() == 0


def test_a_long_reimport_updates_every_batch_and_records_each_change(tmp_path, ministry_agency, actor):
    from sentra.audit.models import AuditEvent

    path = write(tmp_path, "\n".join([HEADER, *many(2500)]))
    first = import_enterprises(actor=actor, path=path, commit=True)
    assert (first.created, first.updated) == (2500, 0)
    again = write(tmp_path, "\n".join([HEADER, *many(2500, workers=30), *many(10, start=2500)]), "again.csv")
    report = import_enterprises(actor=actor, path=again, commit=True)
    assert report.ok and (report.created, report.updated) == (10, 2500)
    assert Enterprise.objects.count() == 2510 and not Enterprise.objects.exclude(workers__in=(4, 30)).exists()
    assert Enterprise.objects.filter(workers=30, size_class="medium").count() == 2500
    events = AuditEvent.objects.filter(batch_id=report.batch_id)
    assert events.filter(action="update").count() == 2500 and events.filter(action="create").count() == 10
    event = events.filter(action="create").first()
    assert (
        event.changes["name"] == [None, event.snapshot["name"]]
        and event.snapshot["verification_status"] == "draft"
    )


def test_a_created_enterprise_is_recorded_as_record_change_would(tmp_path, ministry_agency, actor):
    """The database writes the CREATE events of an import (INSERT … SELECT): same snapshot and changes
    as audit.services would store for the record, so history pages, restore and rollback read them."""
    from sentra.audit.models import AuditEvent
    from sentra.audit.services import diff, snapshot

    text = (
        "nama_usaha,nama_pemilik,nib,kbli,kode_wilayah,lintang,bujur,tenaga_kerja,investasi,"
        "kapasitas_produksi,satuan_kapasitas,nilai_produksi,tahun_mulai,alamat\n"
        'Tenun Ulos Tobá,Rahmá,9120001234567,13121,64.09.01.1001,"-1,25",116.7021,3,10000000,'
        "1200.5,kg,120.000.000,2015,\n"
        "UD Tanpa NIB,,,10794,64.09.01.1002,,,,,,,,,\n"
    )
    report = import_enterprises(actor=actor, path=write(tmp_path, text), commit=True)
    assert report.ok and report.created == 2
    for unit in Enterprise.objects.all():
        event = AuditEvent.objects.get(object_type="registry.enterprise", object_id=unit.pk)
        assert (event.action, event.batch_id, event.object_repr, event.region_code) == (
            "create",
            report.batch_id,
            unit.name,
            unit.village_id,
        )
        assert (event.user_id, event.username, event.channel) == (
            actor.user_id,
            actor.username,
            actor.channel,
        )
        assert event.snapshot == snapshot(unit)
        assert event.changes == diff(None, snapshot(unit))
    # Stored as {} (half the bytes to write); the ORM reads them back from the snapshot, as above.
    stored = AuditEvent.objects.filter(batch_id=report.batch_id).values_list("changes", flat=True)
    assert list(stored) == [{}, {}]
    assert (
        AuditEvent.objects.get(object_id=Enterprise.objects.get(nib="9120001234567").pk).snapshot["latitude"]
        == "-1.250000"
    )


def test_a_column_the_file_lacks_is_stored_as_its_empty_cell_would_be(tmp_path, ministry_agency, actor):
    """New rows leave the columns a file lacks out of their values (written as NULL / '' once per
    statement): each record is the same as from a file with those columns present and empty."""
    from sentra.registry.imports import ENTERPRISE_COLUMNS

    every = [c.key for c in ENTERPRISE_COLUMNS]
    cells = {"nama_usaha": "UD Lengkap", "kbli": "10794", "kode_wilayah": "64.09.01.1001"}
    full = ",".join(every) + "\n" + ",".join(cells.get(key, "") for key in every) + "\n"
    short = "nama_usaha,kbli,kode_wilayah\nUD Singkat,10794,64.09.01.1002\n"
    for name, text in (("full.csv", full), ("short.csv", short)):
        report = import_enterprises(actor=actor, path=write(tmp_path, text, name), commit=True)
        assert report.ok and report.created == 1, report.errors
    ignored = {"id", "name", "village", "created_at", "updated_at"}
    fields = [f.attname for f in Enterprise._meta.concrete_fields if f.name not in ignored]
    complete, lacking = (Enterprise.objects.values(*fields).get(name=n) for n in ("UD Lengkap", "UD Singkat"))
    assert lacking == complete
    assert (lacking["workers"], lacking["status"], lacking["raw_material_origin"], lacking["nib"]) == (
        0,
        "active",
        "",
        None,
    )


def test_an_nib_registered_by_someone_else_during_the_import_names_its_row(
    tmp_path, ministry_agency, actor, monkeypatch
):
    """The file was checked when no record had the unit (NIB, KBLI, village) of row 2,503; another
    user saves that unit before the batch is written. The import names the row and the NIB, and
    writes nothing."""
    from sentra.audit.models import AuditEvent
    from sentra.registry.imports import EnterpriseSchema

    rows = many(4100)
    nib = rows[2501].split(",")[2]
    write_batch = EnterpriseSchema.write_batch

    def someone_else_saves_first(self, batch, report):
        if batch[0].number == 2002:  # the second batch: after one batch was already written
            EnterpriseFactory(nib=nib, kbli_id="10794", village_id="64.09.01.1001")
        write_batch(self, batch, report)

    monkeypatch.setattr(EnterpriseSchema, "write_batch", someone_else_saves_first)
    report = import_enterprises(actor=actor, path=write(tmp_path, "\n".join([HEADER, *rows])), commit=True)
    assert codes(report) == [(2503, "nib", "nib_taken")]
    assert report.errors[0].value == nib and nib in report.errors[0].message
    assert not report.committed and (report.created, report.batch_id) == (0, None)
    assert Enterprise.objects.count() == 0 and AuditEvent.objects.count() == 0


# --- a large import into a small table: indexes and search built once at its end (SQLite) -------------


def enterprise_schema(table: str = "registry_enterprise") -> list[tuple]:
    """A table's indexes and triggers with their SQL (both databases)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s "
                "AND sql IS NOT NULL ORDER BY type, name",
                [table],
            )
        else:
            cursor.execute(
                "SELECT 'index', indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "UNION ALL SELECT 'trigger', tgname, '' FROM pg_trigger "
                "WHERE tgrelid = %s::regclass ORDER BY 1, 2",
                [table, table],
            )
        return cursor.fetchall()


def searched(text: str) -> list[int]:
    """Ids the search finds for a name (SQLite: the FTS5 table the trigger fills)."""
    from sentra.accounts.scope import system_actor
    from sentra.registry.selectors import RegistryFilter, enterprise_list

    found = enterprise_list(actor=system_actor(), filters=RegistryFilter(q=text))
    return sorted(found.values_list("id", flat=True))


@pytest.fixture
def small_batches(monkeypatch, settings):
    """Batches of 20 rows (read and written), indexes set aside after 20 new rows: a few dozen rows
    behave as 100,000 do with the real sizes."""
    from sentra.core import imports as engine
    from sentra.registry import imports as registry_imports

    monkeypatch.setattr(engine, "ONE_PASS_BATCH", 20)
    monkeypatch.setattr(registry_imports, "BATCH_SIZE", 20)
    settings.SENTRA_IMPORT_DEFER_INDEXES_ROWS = 20
    return settings


def import_deferring(tmp_path, actor, rows: list[str]):
    """Import `rows`; returns (report, whether the import set indexes aside)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        report = import_enterprises(
            actor=actor, path=write(tmp_path, "\n".join([HEADER, *rows])), commit=True
        )
    return report, any(q["sql"].startswith("DROP INDEX") for q in captured.captured_queries)


def test_a_large_import_into_a_small_table_builds_its_indexes_and_search_once_at_its_end(
    tmp_path, ministry_agency, actor, small_batches
):

    before = enterprise_schema()
    report, deferred = import_deferring(tmp_path, actor, many(51))  # set aside after the first batch
    assert report.committed and report.created == 51 and deferred
    assert enterprise_schema() == before  # every index and the search trigger, with their own SQL
    # rows written before the indexes were set aside, after, and in the last short batch are all found
    for n in (7, 33, 50):
        assert Enterprise.objects.get(name=f"UD Banyak {n}").pk in searched(f"UD Banyak {n}")
    assert len(searched("UD Banyak")) == 51
    # and the trigger is back: a record saved later is found too
    unit = EnterpriseFactory(name="Keripik Setelah Impor")
    assert searched("Setelah Impor") == [unit.pk]


def test_a_file_whose_lines_reach_the_threshold_sets_the_indexes_aside_after_its_first_batch(
    tmp_path, ministry_agency, actor, small_batches, monkeypatch
):
    from sentra.registry.imports import _DeferredIndexes

    small_batches.SENTRA_IMPORT_DEFER_INDEXES_ROWS = 40  # 51 rows: reached only after two batches written
    in_table_then = []
    defer = _DeferredIndexes.defer

    def defer_counting(self, last_id):
        in_table_then.append(Enterprise.objects.count())
        defer(self, last_id)

    monkeypatch.setattr(_DeferredIndexes, "defer", defer_counting)
    report = import_enterprises(
        actor=actor, path=write(tmp_path, "\n".join([HEADER, *many(51)])), commit=True
    )
    assert report.committed and report.created == 51
    # the file's 52 lines announced it: set aside after one batch of 20, not a second with every index
    assert in_table_then == [20]
    assert len(searched("UD Banyak")) == 51
    # a file shorter than the threshold keeps them, as before
    small_batches.SENTRA_IMPORT_DEFER_INDEXES_ROWS = 60
    report, deferred = import_deferring(tmp_path, actor, many(30, start=100))
    assert report.committed and report.created == 30 and not deferred


def test_an_import_failing_after_its_indexes_were_set_aside_leaves_them_in_place(
    tmp_path, ministry_agency, actor, small_batches
):

    before = enterprise_schema()
    rows = many(51)
    rows[45] = rows[45].replace(",10794,", ",99999,")  # the third batch: two were written
    report, deferred = import_deferring(tmp_path, actor, rows)
    assert deferred
    assert not report.committed and codes(report) == [(47, "kbli", "unknown_kbli")]
    assert enterprise_schema() == before and Enterprise.objects.count() == 0
    unit = EnterpriseFactory(name="Keripik Setelah Gagal")
    assert searched("Setelah Gagal") == [unit.pk]


def test_a_batch_still_being_written_when_a_later_row_fails_is_undone_with_the_rest(
    tmp_path, ministry_agency, actor, small_batches, monkeypatch
):
    """PostgreSQL writes a batch's audit events in a worker thread while the next batch is checked
    (BackgroundWrites): the engine waits for it before the transaction ends, so a slow write still
    lands inside the transaction the error rolls back — never after it, on its own."""
    import threading
    import time

    from sentra.audit.models import AuditEvent
    from sentra.registry.imports import _EnterpriseInserter

    small_batches.SENTRA_IMPORT_DEFER_INDEXES_ROWS = 0
    original = _EnterpriseInserter._record_events

    def slow_events(self, *args):
        time.sleep(0.3)  # the import reads on and finds the bad row meanwhile
        original(self, *args)

    monkeypatch.setattr(_EnterpriseInserter, "_record_events", slow_events)
    rows = many(45)
    rows[44] = rows[44].replace(",10794,", ",99999,")  # the third batch: two were sent to be written
    report = import_enterprises(actor=actor, path=write(tmp_path, "\n".join([HEADER, *rows])), commit=True)
    assert not report.committed and codes(report) == [(46, "kbli", "unknown_kbli")]
    # no write job outlives the import (one would run outside its transaction, after the rollback)
    assert not [t for t in threading.enumerate() if t.name.startswith("sentra-import-write")]
    assert Enterprise.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_the_count_after_an_import_as_large_as_the_table_is_built_with_its_indexes_set_aside(
    tmp_path, ministry_agency, actor, small_batches
):
    """Such an import is most of the count per village × KBLI too: the recount drops the count's and
    rollups' secondary indexes and builds them again, and the figures are exact."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sentra.analytics.aggregates import kbli_count_drift
    from sentra.analytics.models import KbliCount, KbliRollup

    tables = (KbliCount._meta.db_table, KbliRollup._meta.db_table)
    before = [enterprise_schema(table) for table in tables]
    rows = many(30) + [r.replace("64.09.01.1001", "64.09.01.1002") for r in many(21, start=100, workers=2)]
    with CaptureQueriesContext(connection) as captured:
        report = import_enterprises(
            actor=actor, path=write(tmp_path, "\n".join([HEADER, *rows])), commit=True
        )
    assert report.committed and report.created == 51
    dropped = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('DROP INDEX "analytics_')]
    assert len(dropped) >= 4  # the count's own and the rollups'
    assert [enterprise_schema(table) for table in tables] == before
    assert kbli_count_drift() == []
    counted = KbliCount.objects.filter(kbli="10794").order_by("village_code")
    assert [(c.village_code, c.enterprises, c.workers) for c in counted] == [
        ("64.09.01.1001", 30, 120),
        ("64.09.01.1002", 21, 42),
    ]
    regency = KbliRollup.objects.get(level=KbliRollup.Level.REGENCY, region_code="64.09", kbli="10794")
    assert (regency.enterprises, regency.workers) == (51, 162)


def test_an_import_smaller_than_the_table_keeps_its_indexes(tmp_path, ministry_agency, actor, small_batches):
    small_batches.SENTRA_IMPORT_DEFER_INDEXES_ROWS = 0  # off: the table gets 60 rows the usual way
    report, deferred = import_deferring(tmp_path, actor, many(60))
    assert report.committed and not deferred
    small_batches.SENTRA_IMPORT_DEFER_INDEXES_ROWS = 20
    # 50 new rows into 60: rebuilding the indexes would cost more than keeping them
    report, deferred = import_deferring(tmp_path, actor, many(50, start=100))
    assert report.committed and report.created == 50 and not deferred


def test_postgresql_keeps_the_indexes_while_a_reader_holds_the_table(
    tmp_path, ministry_agency, actor, small_batches, monkeypatch
):
    """DROP INDEX waits for every reader of the table, and every later reader would queue behind it:
    with a reader in the way longer than LOCK_TIMEOUT, the import keeps its indexes, writes row by
    row as before and commits."""
    import psycopg
    from django.db import connection

    from sentra.core.indexes import IndexesSetAside

    if connection.vendor != "postgresql":
        pytest.skip("SQLite readers never block a schema change in WAL mode")
    monkeypatch.setattr(IndexesSetAside, "LOCK_TIMEOUT", "50ms")
    before = enterprise_schema()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as reader:
        reader.execute("LOCK TABLE registry_enterprise IN ACCESS SHARE MODE")  # a long SELECT
        report, _tried = import_deferring(tmp_path, actor, many(51))
        reader.rollback()
    assert report.committed and report.created == 51
    assert enterprise_schema() == before and len(searched("UD Banyak")) == 51


def test_postgresql_sets_its_indexes_aside_under_the_session_s_own_lock_timeout(
    tmp_path, ministry_agency, actor, small_batches, monkeypatch
):
    """The short lock timeout is for the DROP only: the rest of the import (the counts' upserts
    wait for other writers' rows) runs with the session's own."""
    from django.db import connection

    from sentra.registry.imports import _DeferredIndexes

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    seen = []
    restore = _DeferredIndexes.restore

    def restore_noting_the_timeout(self):
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            seen.append((bool(self.deferred), cursor.fetchone()[0]))
        restore(self)

    monkeypatch.setattr(_DeferredIndexes, "restore", restore_noting_the_timeout)
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        timeout = cursor.fetchone()[0]
    report, deferred = import_deferring(tmp_path, actor, many(51))
    assert report.committed and deferred and seen == [(True, timeout)] and timeout != "1s"
