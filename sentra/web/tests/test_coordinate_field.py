"""Latitude and longitude as people type them (issue 14.4): a decimal comma, a typographic minus."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from sentra.web.fields import CoordinateField
from sentra.web.forms import EnterpriseForm


@pytest.mark.parametrize(
    ("axis", "typed", "expected"),
    [
        ("lat", "−0,5", Decimal("-0.5")),  # U+2212 minus and a decimal comma
        ("lat", "-1,234567", Decimal("-1.234567")),
        ("lat", " –2,25 ", Decimal("-2.25")),  # an en dash and spaces, as pasted
        ("lng", "117,25", Decimal("117.25")),
        ("lng", "117.25", Decimal("117.25")),  # a point still works
        ("lng", "116", Decimal("116")),
    ],
)
def test_a_comma_or_a_point_and_any_minus_sign(axis, typed, expected):
    assert CoordinateField(axis).clean(typed) == expected


def test_blank_is_no_coordinate():
    assert CoordinateField("lat").clean("") is None


@pytest.mark.parametrize(
    ("axis", "typed"),
    [
        ("lat", "1,234,5"),  # two commas: not a number
        ("lat", "0,5.5"),  # a comma and a point
        ("lat", "utara"),
        ("lat", "90,5"),  # beyond the pole
        ("lng", "-180,01"),
        ("lat", "-0,1234567"),  # more than six decimals
    ],
)
def test_what_is_not_a_coordinate_is_refused_with_a_reason(axis, typed):
    with pytest.raises(forms.ValidationError) as refused:
        CoordinateField(axis).clean(typed)
    assert refused.value.messages


def test_the_reason_shows_how_to_write_it():
    with pytest.raises(forms.ValidationError) as refused:
        CoordinateField("lat").clean("utara")
    assert "-0,5" in refused.value.messages[0]


def test_the_enterprise_form_takes_comma_decimals():
    assert isinstance(EnterpriseForm.base_fields["latitude"], CoordinateField)
    assert isinstance(EnterpriseForm.base_fields["longitude"], CoordinateField)
    field = EnterpriseForm.base_fields["longitude"]
    assert field.clean("117,25") == Decimal("117.25")


@pytest.mark.django_db
def test_the_form_page_marks_the_fields_for_the_location_button(auth_client):
    page = auth_client.get(reverse("web:enterprise_create")).content.decode()
    assert 'data-coordinate="lat"' in page and 'data-coordinate="lng"' in page
    assert 'inputmode="decimal"' in page
    assert "web/layout.js" in page
