"""`sentra import visits FILE`: one row per visit, checked by the same rules as a synced visit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sentra.core.import_kinds import import_file, import_rollback, is_import_kind
from sentra.facilitators.models import Visit, VisitAction, VisitEnterprise
from sentra.registry.tests.factories import EnterpriseFactory

from .test_visits import make_amplang

pytestmark = pytest.mark.django_db

HEADER = (
    "ID Pendamping,Tanggal Kunjungan,Tujuan,IKM,Sentra,Lintang,Bujur,Akurasi,Kode Desa,Temuan,Masalah,Saran,"
    "Tindak Lanjut"
)


@pytest.fixture
def working(facilitator, placement, contract):
    return facilitator


@pytest.fixture
def amplang(ppu_dinas):
    return make_amplang(ppu_dinas)


@pytest.fixture
def csv_file(tmp_path):
    def make(rows: list[str], name: str = "kunjungan.csv"):
        path = tmp_path / name
        path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        return path

    return make


def rows_for(facilitator, amplang) -> list[str]:
    return [
        f'{facilitator.pk},14/11/2026 09:30,coaching,{amplang.nib},,"-1,25",116.7,12,,Produksi naik,'
        'Belum PIRT,Urus PIRT,"Urus PIRT | 2026-12-31\nFoto produk"',
        f"{facilitator.pk},2026-11-10,Pendataan IKM,{amplang.pk},,,,,64.09.01.1002,Data diperbarui,,,",
    ]


def errors(report) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.column, e.code) for e in report.errors]


def test_the_kind_is_registered():
    assert is_import_kind("visits")


def test_dry_run_then_commit(csv_file, working, amplang, ppu_officer):
    path = csv_file(rows_for(working, amplang))
    dry = import_file(kind="visits", path=path, actor=ppu_officer)
    assert dry.ok, dry.errors
    assert Visit.objects.count() == 0
    report = import_file(kind="visits", path=path, actor=ppu_officer, commit=True)
    assert report.ok and report.created == 2, report.errors
    first, second = Visit.objects.order_by("-visited_at")
    assert first.latitude == Decimal("-1.250000") and first.village_id == "64.09.01.1002"
    assert first.visited_at == dt.datetime(2026, 11, 14, 2, 30, tzinfo=dt.UTC)  # 09:30 WIB
    assert list(first.actions.order_by("pk").values_list("description", "due_on")) == [
        ("Urus PIRT", dt.date(2026, 12, 31)),
        ("Foto produk", None),
    ]
    assert second.kind == "data_collection" and second.visited_at == dt.datetime(
        2026, 11, 10, 5, 0, tzinfo=dt.UTC
    )  # 12:00 WIB
    assert VisitEnterprise.objects.filter(enterprise=amplang).count() == 2


def test_the_same_file_twice_writes_nothing_new(csv_file, working, amplang, ppu_officer):
    path = csv_file(rows_for(working, amplang))
    import_file(kind="visits", path=path, actor=ppu_officer, commit=True)
    again = import_file(kind="visits", path=path, actor=ppu_officer, commit=True)
    assert again.ok and again.created == 0
    assert {w.code for w in again.warnings} == {"already_synced"}
    assert Visit.objects.count() == 2 and VisitAction.objects.count() == 2


def test_a_bad_row_gets_its_codes_on_its_cells_and_nothing_is_written(
    csv_file, working, amplang, ppu_officer, kudus_agency
):
    outside = EnterpriseFactory(village_id="33.19.01.2001", agency=kudus_agency)
    rows = [
        *rows_for(working, amplang),
        f"{working.pk},01/01/2027 10:00,coaching,{outside.pk},,,,,,,,,",
        f"{working.pk},2024-06-01,arisan,9999999999999,,,,,,,,,",
        f"{working.pk},kemarin,coaching,,,,,,,,,,",
        ",2026-11-01,coaching,,,,,,,,,,",
    ]
    report = import_file(kind="visits", path=csv_file(rows), actor=ppu_officer, commit=True)
    assert not report.ok
    found = errors(report)
    assert (4, "waktu_kunjungan", "future_date") in found
    assert (4, "ikm", "unknown_enterprise") in found
    assert (5, "tujuan", "invalid_choice") in found
    assert (5, "ikm", "unknown_enterprise") in found
    assert (6, "waktu_kunjungan", "invalid") in found
    assert (7, "id_pendamping", "required") in found
    assert Visit.objects.count() == 0


def test_before_the_contract_is_reported(csv_file, working, ppu_officer):
    report = import_file(
        kind="visits", path=csv_file([f"{working.pk},2024-06-01,coaching,,,,,,,,,,"]), actor=ppu_officer
    )
    assert errors(report) == [(2, "waktu_kunjungan", "before_contract")]


def test_outside_the_importers_region_nothing_is_written(csv_file, working, amplang, kudus_officer):
    report = import_file(
        kind="visits", path=csv_file(rows_for(working, amplang)), actor=kudus_officer, commit=True
    )
    assert not report.ok and {c for _r, _c, c in errors(report)} >= {"unknown_facilitator"}
    assert Visit.objects.count() == 0


def test_a_committed_import_rolls_back_as_a_whole(csv_file, working, amplang, ppu_officer):
    report = import_file(
        kind="visits", path=csv_file(rows_for(working, amplang)), actor=ppu_officer, commit=True
    )
    assert report.batch_id
    import_rollback(batch_id=report.batch_id, actor=ppu_officer)
    assert Visit.objects.count() == 0 and VisitAction.objects.count() == 0


def test_the_command_line(csv_file, working, amplang, ppu_officer_user):
    from django.core.management import call_command

    path = str(csv_file(rows_for(working, amplang)))
    call_command("import", "visits", path, "--as", ppu_officer_user.username, "--no-progress")
    assert not Visit.objects.exists()
    call_command("import", "visits", path, "--commit", "--as", ppu_officer_user.username, "--no-progress")
    assert Visit.objects.count() == 2
