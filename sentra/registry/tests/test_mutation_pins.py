"""Pins of the registry's NIB rule at its exact boundary (issue 14.7): a NIB is thirteen digits, no
fewer and no more, in the model and in the import alike (a prefix of thirteen digits is not a NIB)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sentra.core.imports import CellError
from sentra.registry.imports import _parse_nib
from sentra.registry.models import Enterprise

NIB = "9120001234567"  # thirteen digits


def nib_errors(value: str) -> list[str]:
    try:
        Enterprise._meta.get_field("nib").run_validators(value)
    except ValidationError as exc:
        return [error.code for error in exc.error_list]
    return []


@pytest.mark.parametrize("value", [NIB[:10], NIB[:12], NIB + "8", NIB[:12] + "x"])
def test_the_model_refuses_a_nib_that_is_not_exactly_thirteen_digits(value):
    assert "nib_format" in nib_errors(value)


def test_the_model_accepts_a_nib_of_thirteen_digits():
    assert nib_errors(NIB) == []


@pytest.mark.parametrize("value", [NIB[:10], NIB[:12], NIB + "8", NIB + "x", NIB + "-01"])
def test_the_import_refuses_a_nib_whose_first_thirteen_digits_alone_would_match(value):
    with pytest.raises(CellError) as raised:
        _parse_nib(value)
    assert raised.value.code == "nib_format"


def test_the_import_takes_a_thirteen_digit_nib_and_drops_its_spaces():
    assert _parse_nib(NIB) == NIB
    assert _parse_nib("9120 0012 34567") == NIB
    assert _parse_nib("") is None
