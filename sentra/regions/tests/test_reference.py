from django.core.management import call_command

from sentra.regions.models import Kbli, Region
from sentra.regions.services import reference_counts, reference_load


def test_reference_has_every_official_region_and_kbli_code(db):
    counts = reference_counts()
    assert (counts.provinces, counts.regencies, counts.districts, counts.villages) == (38, 514, 7285, 83762)
    assert counts.kbli == 2712


def test_loading_twice_keeps_the_same_counts(db):
    before = reference_counts()
    assert reference_load() == before


def test_villages_hang_under_their_district(db):
    saloloang = Region.objects.get(code="64.09.01.1001")
    assert saloloang.parent_id == "64.09.01"
    assert saloloang.level == Region.Level.VILLAGE
    assert saloloang.village_kind == "kelurahan"


def test_kbli_keeps_leading_zeros_and_descriptions(db):
    assert Kbli.objects.get(code="01111").parent_id == "0111"
    assert "kerupuk" in Kbli.objects.get(code="10794").title.lower()


def test_command_prints_the_counts(db, capsys):
    call_command("load_reference")
    out = capsys.readouterr().out
    assert "83,762" in out and "514" in out
