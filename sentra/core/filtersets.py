"""One filter set per record type, read by every channel (issue 14 §1).

A list's filters (search text, a kind, a status, a year, "overdue only", the sort) are declared once,
beside the selector that applies them, as a `FilterSet`: the selector's filter dataclass and one
`FilterField` per parameter. The web page (web/generic.py `filter_form`) and the API (api/generic.py
`filter_schema`) both build their inputs from it and both clean every value with the field's own
`clean`, so a value one channel accepts the other accepts, and a value one refuses (an unknown
status, a year out of range, a sort nobody offers) the other refuses too: the API with 422, the web
page with the message beside the filter (and the filter left out).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NO_NUL = re.compile(r"^[^\x00]*$")
TRUE = ("1", "true", "ya", "yes", "on")
FALSE = ("0", "false", "tidak", "no", "off")


@dataclass(frozen=True)
class FilterField:
    """One parameter. `kind`: text, choice, integer, boolean. `choices` (value, label) pairs, or a
    function giving them (read when a form is drawn: agencies, say); `web_name` the parameter's name
    on the web page when the site's convention differs (the year is `tahun` on every page)."""

    name: str
    kind: str = "text"
    label: Any = ""
    description: str = ""
    choices: Iterable | Callable[[], Iterable] = ()
    max_length: int = 200
    pattern: str = ""
    minimum: int | None = None
    maximum: int | None = None
    check_choices: bool = True  # False: the choices are offered, any value of the kind is taken
    web_name: str = ""
    neutral: Any = None  # a value that filters nothing, like an empty one (waiting=false)

    @property
    def param(self) -> str:
        return self.web_name or self.name

    def choice_list(self) -> list[tuple]:
        return list(self.choices() if callable(self.choices) else self.choices)

    def empty(self):
        return "" if self.kind in ("text", "choice") else None

    def clean(self, raw: Any) -> Any:
        """The value the selector takes, or ValueError with the message shown to the user."""
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            return self.empty()
        if self.kind == "boolean":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in TRUE or text in FALSE:
                return text in TRUE
            raise ValueError(_("Isi ya atau tidak."))
        if self.kind == "integer":
            if isinstance(raw, bool) or not (isinstance(raw, int) or str(raw).strip().isdigit()):
                raise ValueError(_("Isi bilangan bulat."))
            value = int(str(raw).strip())
            if self.minimum is not None and value < self.minimum:
                raise ValueError(_("Paling kecil %(n)s.") % {"n": self.minimum})
            if self.maximum is not None and value > self.maximum:
                raise ValueError(_("Paling besar %(n)s.") % {"n": self.maximum})
            offered = {int(v) for v, _label in self.choice_list()} if self.check_choices else set()
            if offered and value not in offered:
                raise ValueError(_("Pilihan tidak dikenal."))
            return value
        text = str(raw).strip()
        if len(text) > self.max_length:
            raise ValueError(_("Paling banyak %(n)s karakter.") % {"n": self.max_length})
        if not NO_NUL.match(text) or (self.pattern and not re.fullmatch(self.pattern, text)):
            raise ValueError(_("Isian tidak sah."))
        if self.kind == "choice" and text not in {str(v) for v, _label in self.choice_list()}:
            raise ValueError(_("Pilihan tidak dikenal."))
        return text


def sort_field(keys: Iterable[str], description: str = "") -> FilterField:
    """The `sort` parameter: a sortable column's key, or `-key` for the reverse order."""
    keys = list(keys)
    return FilterField(
        "sort",
        kind="choice",
        label=gettext_lazy("Urutan"),
        description=description or "Urutan: " + ", ".join(k for key in keys for k in (key, f"-{key}")),
        choices=[(k, k) for key in keys for k in (key, f"-{key}")],
    )


@dataclass(frozen=True)
class FilterSet:
    """The filters of one list: `target(**values)` is what its selector takes."""

    target: type
    fields: tuple[FilterField, ...]
    sorts: dict[str, Any] = field(default_factory=dict)  # sort key -> column label, in order

    def __post_init__(self):
        if self.sorts and all(f.name != "sort" for f in self.fields):
            object.__setattr__(self, "fields", (*self.fields, sort_field(self.sorts)))

    def parse(self, params: Mapping, *, web: bool = False) -> tuple[Any, dict[str, str]]:
        """(the selector's filter, {parameter: message}); a refused value is left out of the filter."""
        values, errors = {}, {}
        for f in self.fields:
            key = f.param if web else f.name
            try:
                values[f.name] = f.clean(params.get(key))
            except ValueError as error:
                errors[key] = str(error)
                values[f.name] = f.empty()
        return self.target(**values), errors

    def is_unfiltered(self, filters) -> bool:
        return all(getattr(filters, f.name) in ("", None, f.neutral) for f in self.fields if f.name != "sort")
