"""`sentra import facilitators FILE`: the lists of TPL-IKM and their contracts as offices keep them.

One row per contract; a title row above the header, headers as people write them ("JK", "Kab Asal",
"No Kontrak", "Honor"), day-first dates, "Rp 3.500.000", regions by name or code, the host Dinas left
blank, the same person's contracts in any order (a renewal chain in date order)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from sentra.audit.models import AuditEvent
from sentra.conftest import PPU
from sentra.core.errors import AccessDenied
from sentra.core.import_kinds import import_file, import_rollback, is_import_kind
from sentra.facilitators.models import Contract, Facilitator, Placement

pytestmark = pytest.mark.django_db

HEADER = (
    "No,Nama,JK,Thn Lahir,Pendidikan,Politeknik,Angkatan,Kab Asal,HP,Email,Penempatan,Dinas,"
    "No Kontrak,Pihak,Tgl TTD,Tempat TTD,Mulai,Berakhir,Honor,Operasional,Sumber Dana"
)
TITLE = "DAFTAR TPL-IKM KABUPATEN PENAJAM PASER UTARA,,,,,,,,,,,,,,,,,,,,"

# Nur Aisyah's three contracts, the latest first; Andi's one, his home regency by name.
ROWS = [
    "1,Nur Aisyah,P,1993,D3,ATK Yogyakarta,2014,64.09,0811,nur@example.id,,,3.8.2 /IKM/KK/3/2019,Dirjen,"
    '02/01/2019,Jakarta,02/01/2019,31/12/2019,"Rp 3.750.000",1.000.000,DIPA Ditjen IKMA 2019',
    "2,Nur Aisyah,P,1993,D3,ATK Yogyakarta,2014,64.09,0811,nur@example.id,,,3.8.2 /IKM/KK/1/2017,Dirjen,"
    "02/01/2017,Balikpapan,02/01/2017,31/12/2017,3500000,1000000,DIPA Ditjen IKMA 2017",
    "3,Nur  Aisyah ,P,1993,D3,ATK Yogyakarta,2014,64.09,0811,nur@example.id,,,3.8.2 /IKM/KK/2/2018,Dirjen,"
    "02/01/2018,Jakarta,02/01/2018,31/12/2018,3500000,1000000,DIPA Ditjen IKMA 2018",
    "4,Andi Saputra,L,1992,D-III,STTT Bandung,2013,Kab. Penajam Paser Utara,,,,,"
    "3.8.2 /IKM/KK/5/2018,Direktur Jenderal IKMA,,,2018-01-02,2018-12-31,3500000,,",
]


@pytest.fixture
def csv_file(tmp_path):
    def make(rows: list[str], name: str = "tpl.csv"):
        path = tmp_path / name
        path.write_text("\n".join([TITLE, HEADER, *rows]) + "\n", encoding="utf-8")
        return path

    return make


def errors(report) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.column, e.code) for e in report.errors]


def test_the_kind_is_registered():
    assert is_import_kind("facilitators")


def test_dry_run_reports_and_writes_nothing(csv_file, ppu_officer, ppu_dinas):
    report = import_file(kind="facilitators", path=csv_file(ROWS), actor=ppu_officer)
    assert report.ok, report.errors
    assert report.rows_total == 4 and not report.committed
    assert not Facilitator.objects.exists() and not Contract.objects.exists()


def test_commit_builds_people_placements_and_renewal_chains(csv_file, ppu_officer, ppu_dinas):
    report = import_file(kind="facilitators", path=csv_file(ROWS), actor=ppu_officer, commit=True)
    assert report.committed, report.errors
    assert report.created == 4
    nur = Facilitator.objects.get(name="Nur Aisyah")
    assert (nur.sex, nur.cohort, nur.polytechnic, nur.agency, nur.regency_code) == (
        "f",
        2014,
        "atk_yogyakarta",
        ppu_dinas,
        PPU,
    )
    chain = list(nur.contracts.order_by("period_start"))
    assert [c.number for c in chain] == [
        "3.8.2 /IKM/KK/1/2017",
        "3.8.2 /IKM/KK/2/2018",
        "3.8.2 /IKM/KK/3/2019",
    ]
    assert [c.contract_year for c in chain] == [1, 2, 3]
    assert [c.previous for c in chain] == [None, chain[0], chain[1]]
    assert chain[2].honorarium == 3_750_000 and chain[0].signed_place == "Balikpapan"
    [placement] = Placement.objects.filter(facilitator=nur)
    assert (placement.region_id, placement.host_agency, placement.starts_on) == (
        PPU,
        ppu_dinas,
        dt.date(2017, 1, 2),
    )
    andi = Facilitator.objects.get(name="Andi Saputra")
    assert (andi.home_region_id, andi.education, andi.polytechnic) == (PPU, "d3", "sttt_bandung")
    # One audit batch holds every record the import wrote, so it can be rolled back as a whole.
    assert AuditEvent.objects.filter(batch_id=report.batch_id).count() >= 4 + 2 + 2


def test_the_same_file_again_writes_nothing_new(csv_file, ppu_officer, ppu_dinas):
    import_file(kind="facilitators", path=csv_file(ROWS), actor=ppu_officer, commit=True)
    again = import_file(kind="facilitators", path=csv_file(ROWS), actor=ppu_officer, commit=True)
    assert again.ok and again.created == 0
    assert {w.code for w in again.warnings} == {"already_imported"}
    assert Contract.objects.count() == 4 and Facilitator.objects.count() == 2


def test_a_renewal_imported_later_joins_the_chain(csv_file, ppu_officer, ppu_dinas):
    import_file(kind="facilitators", path=csv_file(ROWS[1:2]), actor=ppu_officer, commit=True)
    report = import_file(kind="facilitators", path=csv_file(ROWS[2:3]), actor=ppu_officer, commit=True)
    assert report.committed, report.errors
    renewal = Contract.objects.get(number="3.8.2 /IKM/KK/2/2018")
    assert (renewal.previous.number, renewal.contract_year) == ("3.8.2 /IKM/KK/1/2017", 2)


MESSY = [
    # row 3: a sex nobody knows, a cohort still to come
    "1,Budi,X,1990,D3,,2030,64.09,,,,,K/1,,,,2018-01-02,2018-12-31,0,0,",
    # row 4: ends before it starts
    "2,Citra,P,1991,D3,,2015,64.09,,,,,K/2,,,,2018-12-31,2018-01-02,0,0,",
    # row 5: a regency nobody knows
    "3,Dedi,L,1991,D3,,2015,Kabupaten Antah Berantah,,,,,K/3,,,,2018-01-02,2018-12-31,0,0,",
    # rows 6 and 7: the same contract number twice
    "4,Eka,P,1991,D3,,2015,64.09,,,,,K/4,,,,2018-01-02,2018-12-31,0,0,",
    "5,Fajar,L,1991,D3,,2015,64.09,,,,,K/4,,,,2019-01-02,2019-12-31,0,0,",
    # rows 8 and 9: one person's two contracts overlapping
    "6,Gita,P,1991,D3,,2015,64.09,,,,,K/6,,,,2018-01-02,2018-12-31,0,0,",
    "7,Gita,P,1991,D3,,2015,64.09,,,,,K/7,,,,2018-06-01,2019-05-31,0,0,",
    # row 10: a NIK-like birth year and a date nobody can read
    "8,Hadi,L,19901,D3,,2015,64.09,,,,,K/8,,kemarin,,2018-01-02,2018-12-31,0,0,",
    # row 11: a Dinas that is not there
    "9,Indah,P,1991,D3,,2015,64.09,,,,Dinas Pariwisata Kab. Kudus,K/9,,,,2018-01-02,2018-12-31,0,0,",
    # row 12: fine on its own
    "10,Joko,L,1991,D3,,2015,64.09,,,,,K/10,,,,2018-01-02,2018-12-31,0,0,",
]


def test_a_messy_file_gets_every_error_on_its_row_and_nothing_is_written(csv_file, ppu_officer, ppu_dinas):
    report = import_file(kind="facilitators", path=csv_file(MESSY), actor=ppu_officer, commit=True)
    assert not report.committed
    found = errors(report)
    assert (3, "jenis_kelamin", "invalid_choice") in found
    assert (3, "angkatan", "cohort") in found
    assert (4, "akhir_kontrak", "period_order") in found
    assert (5, "kabupaten_asal", "unknown_region") in found
    assert (7, "nomor_kontrak", "duplicate_key") in found
    assert (9, "mulai_kontrak", "contract_overlap") in found
    assert (10, "tahun_lahir", "birth_year") in found
    assert (10, "tanggal_tanda_tangan", "invalid_date") in found
    assert (11, "dinas", "unknown_agency") in found
    assert not any(row == 12 for row, _c, _code in found)
    overlap = next(e for e in report.errors if e.code == "contract_overlap")
    assert "K/6" in overlap.message
    assert (
        not Facilitator.objects.exists() and not Contract.objects.exists() and not Placement.objects.exists()
    )


def test_outside_the_importers_region_nothing_is_written(csv_file, kudus_officer, ppu_dinas):
    report = import_file(kind="facilitators", path=csv_file(ROWS), actor=kudus_officer, commit=True)
    assert not report.committed
    assert {e.code for e in report.errors} == {"out_of_scope"}
    assert not Facilitator.objects.exists()


def test_facilitators_and_viewers_may_not_import(csv_file, tpl, viewer):
    for actor in (tpl, viewer):
        with pytest.raises(AccessDenied):
            import_file(kind="facilitators", path=csv_file(ROWS), actor=actor)


def test_a_committed_import_is_rolled_back_as_a_whole(csv_file, ppu_officer, ppu_dinas):
    report = import_file(kind="facilitators", path=csv_file(ROWS), actor=ppu_officer, commit=True)
    import_rollback(actor=ppu_officer, batch_id=report.batch_id)
    assert (
        not Contract.objects.exists() and not Placement.objects.exists() and not Facilitator.objects.exists()
    )


def test_the_command_line(csv_file, ppu_officer_user, ppu_dinas, capsys):
    path = csv_file(ROWS)
    call_command("import", "facilitators", str(path), "--as", ppu_officer_user.username, "--no-progress")
    assert not Facilitator.objects.exists()
    call_command(
        "import", "facilitators", str(path), "--commit", "--as", ppu_officer_user.username, "--no-progress"
    )
    assert Contract.objects.count() == 4


def test_the_template_filled_with_its_examples_imports(tmp_path, ppu_officer, ppu_dinas):
    """The downloadable template (web, API, CLI) lists every column; its example row is a valid row."""
    from sentra.core.import_kinds import template_file
    from sentra.facilitators.imports import COLUMNS

    content, _type = template_file("facilitators", "csv")
    assert all(column.key in content for column in COLUMNS)
    path = tmp_path / "contoh.csv"
    row = ",".join(f'"{column.example}"' for column in COLUMNS)
    path.write_text(content + row + "\n", encoding="utf-8")
    report = import_file(kind="facilitators", path=path, actor=ppu_officer)
    assert report.ok, report.errors
