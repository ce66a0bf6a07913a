"""Hostile cells in the realisation import (the text and number rules of sentra.core.text and
sentra.core.imports, as in sentra/core/tests/test_hostile_input.py): a row error with its code, never
decimal.InvalidOperation, and nothing written."""

from __future__ import annotations

import pytest

from sentra.programmes.models import Realisation

from .factories import YEAR
from .test_imports import errors, officer, ppu_activity, run  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("cells", "column", "code"),
    [
        pytest.param("1E+308,35,,", "realisasi_rp", "not_integer", id="amount-1e308"),
        pytest.param(f"{'9' * 29},35,,", "realisasi_rp", "out_of_range", id="amount-29-digits"),
        pytest.param(f"-{'9' * 5000},35,,", "realisasi_rp", "out_of_range", id="amount-5000-digits"),
        pytest.param("1000,1E+308,,", "progres_fisik", "out_of_range", id="progress-1e308"),
        pytest.param(f"1000,{'1' * 29},,", "progres_fisik", "out_of_range", id="progress-29-digits"),
        pytest.param("1000,35,1e30,", "capaian_keluaran", "out_of_range", id="output-1e30"),
        pytest.param("1000,35,inf,", "capaian_keluaran", "not_number", id="output-inf"),
        pytest.param("1000,35,,Hujan\x1b[2Jderas", "kendala", "control_character", id="obstacles-escape"),
        pytest.param("1000,35,,Hujan\u200bderas", "kendala", "invisible_character", id="obstacles-zwsp"),
        pytest.param("1000,35,,Hujan \u202ederas", "kendala", "bidi_character", id="obstacles-rtl"),
    ],
)
def test_a_hostile_realisation_cell_is_a_row_error(tmp_path, officer, ppu_activity, cells, column, code):  # noqa: F811
    report = run(tmp_path, officer, f"{YEAR},5305.001,3,{cells}", commit=True)
    assert (2, column, code) in errors(report)
    assert not report.committed
    assert not Realisation.objects.exists()


def test_a_hostile_activity_code_is_a_row_error(tmp_path, officer, ppu_activity):  # noqa: F811
    report = run(tmp_path, officer, f"{YEAR},5305.001\u200d,3,1000,35,,", commit=True)
    assert (2, "kode_kegiatan", "invisible_character") in errors(report)
    assert not Realisation.objects.exists()


def test_obstacles_are_free_text_in_the_import(tmp_path, officer, ppu_activity):  # noqa: F811
    """The obstacles column is a textarea on the web: its line breaks are kept, as the form keeps them."""
    report = run(tmp_path, officer, f'{YEAR},5305.001,3,1000,35,,"Hujan deras\nJalan putus"', commit=True)
    assert report.ok, errors(report)
    assert Realisation.objects.get().obstacles == "Hujan deras\nJalan putus"


@pytest.mark.parametrize(
    ("obstacles", "code"),
    [
        pytest.param("Hujan deras\r\nJalan putus\tdua", None, id="lines-and-tab"),
        pytest.param("Hujan\x00deras", "control_character", id="nul"),
        pytest.param("Hujan\u200dderas", "invisible_character", id="zero-width-joiner"),
        pytest.param("Hujan \u202ederas", "bidi_character", id="rtl-override"),
    ],
)
def test_the_realisation_service_applies_the_text_rule(officer, ppu_activity, obstacles, code):  # noqa: F811
    from sentra.core.errors import DomainError
    from sentra.programmes.services import realisation_record

    from .test_imports import TODAY

    def record():
        return realisation_record(
            actor=officer,
            activity=ppu_activity,
            month=3,
            amount=1000,
            physical_progress=35,
            obstacles=obstacles,
            today=TODAY,
        )

    if code is None:
        assert record().obstacles == obstacles
        return
    with pytest.raises(DomainError) as caught:
        record()
    assert [(e.field, e.code) for e in caught.value.errors] == [("obstacles", code)]
    assert not Realisation.objects.exists()
