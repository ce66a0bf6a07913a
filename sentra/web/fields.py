"""Form fields shared by the web forms."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

# Minus signs a phone keyboard or a copied text may bring: hyphen-minus, minus sign, en and em dash.
MINUS_SIGNS = ("\u2212", "\u2013", "\u2014", "\ufe63", "\uff0d")


class CoordinateField(forms.DecimalField):
    """A latitude or longitude in decimal degrees as people type it in Indonesia: a decimal comma
    ("117,25") as well as a point, a typographic minus ("−0,5"), spaces around. The widget carries
    data-coordinate="lat"/"lng" so the page can offer "Gunakan lokasi saya" (web/static/web/layout.js)."""

    LIMITS = {"lat": Decimal(90), "lng": Decimal(180)}

    def __init__(self, axis: str, **kwargs):
        if axis not in self.LIMITS:
            raise ValueError(axis)
        self.axis = axis
        limit = self.LIMITS[axis]
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 6)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "data-coordinate": axis}),
        )
        super().__init__(**kwargs)
        self.validators += [MinValueValidator(-limit), MaxValueValidator(limit)]
        self.error_messages["invalid"] = _(
            "Tulis derajat desimal, misalnya -0,5 atau 117,25 (koma atau titik sebagai pemisah desimal)."
        )

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().replace(" ", "")
            for sign in MINUS_SIGNS:
                text = text.replace(sign, "-")
            if text.count(",") == 1 and "." not in text:
                text = text.replace(",", ".")
            value = text
        return super().to_python(value)

    def widget_attrs(self, widget):
        # A text input (not type=number, which refuses a comma in many browsers): no step/min/max.
        attrs = super().widget_attrs(widget)
        for key in ("step", "min", "max"):
            attrs.pop(key, None)
        return attrs
