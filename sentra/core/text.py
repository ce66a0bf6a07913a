"""Which characters text may hold: one rule for imports, forms, the API and exports.

Refused, with a stable code per kind:

- `control_character`: C0 controls (U+0000–U+001F), DEL (U+007F) and C1 controls (U+0080–U+009F).
  NUL is refused everywhere. Free text (a TextField: descriptions, notes, lists of members) may hold
  line breaks and tabs (LF, CR, TAB; a browser sends a textarea's lines as CR LF); names, codes and
  every other single-line value (a CharField) may not.
- `invisible_character`: characters that show nothing but make two equal-looking names different,
  so that duplicate detection misses them ("IKM Kopra\u200dHarapan" is not "IKM Kopra Harapan"):
  zero-width space / non-joiner / joiner (U+200B–U+200D), word joiner (U+2060), the invisible
  operators (U+2061–U+2064), the byte order mark / zero-width no-break space (U+FEFF), the soft
  hyphen (U+00AD) and the Mongolian vowel separator (U+180E).
- `bidi_character`: direction controls that make text read other than it is stored: embeddings and
  overrides (U+202A–U+202E), isolates (U+2066–U+2069), LRM / RLM (U+200E, U+200F) and the Arabic
  letter mark (U+061C).
- `invalid_character`: lone surrogates (U+D800–U+DFFF), which no database can store, and the
  non-characters U+FFFE / U+FFFF.

Nothing is removed or replaced silently on the way in: the person who typed or exported the value
is told which character, where, so the record is corrected at its source.

Exports (sentra.core.exports) do the opposite for records stored before this rule: every record is
written, its control characters (but not TAB, LF, CR) replaced by U+FFFD, see `replace_controls`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

CONTROL = "control_character"
INVISIBLE = "invisible_character"
BIDI = "bidi_character"
INVALID = "invalid_character"

_LINE_BREAKS = "\t\n\r"
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_INVISIBLE = "\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_INVALID = "\ud800-\udfff\ufffe\uffff"

# Free text: line breaks and tabs allowed. Single-line: refused as well.
_MULTILINE = re.compile(f"[{_CONTROLS}{_INVISIBLE}{_BIDI}{_INVALID}]")
_SINGLE_LINE = re.compile(f"[{_LINE_BREAKS}{_CONTROLS}{_INVISIBLE}{_BIDI}{_INVALID}]")
_EXPORT_CONTROLS = re.compile(f"[{_CONTROLS}]")


@dataclass(frozen=True)
class BadCharacter:
    """The first refused character of a text: its kind (code), 1-based position and code point."""

    code: str
    position: int
    char: str

    @property
    def codepoint(self) -> str:
        return f"U+{ord(self.char):04X}"

    @property
    def message(self) -> str:
        params = {"position": self.position, "codepoint": self.codepoint, "name": _char_name(self.char)}
        if self.code == CONTROL:
            text = _(
                "Berisi karakter kendali %(codepoint)s (%(name)s) pada posisi %(position)d; "
                "hapus karakter itu (sering terbawa dari sistem lain)."
            )
        elif self.code == INVISIBLE:
            text = _(
                "Berisi karakter tak terlihat %(codepoint)s (%(name)s) pada posisi %(position)d; "
                "hapus karakter itu (sering terbawa saat menyalin teks)."
            )
        elif self.code == BIDI:
            text = _(
                "Berisi karakter pengatur arah teks %(codepoint)s (%(name)s) pada posisi %(position)d; "
                "hapus karakter itu."
            )
        else:
            text = _("Berisi karakter tidak sah %(codepoint)s pada posisi %(position)d; hapus karakter itu.")
        return text % params


_NAMES = {"\t": "tab", "\n": "ganti baris", "\r": "carriage return", "\x00": "NUL"}


def _char_name(char: str) -> str:
    if char in _NAMES:
        return _NAMES[char]
    try:
        return unicodedata.name(char).lower()
    except ValueError:  # controls and surrogates have no name
        return "kontrol" if ord(char) < 0xA0 else "surrogat"


def _kind(char: str) -> str:
    if re.match(f"[{_LINE_BREAKS}{_CONTROLS}]", char):
        return CONTROL
    if re.match(f"[{_INVISIBLE}]", char):
        return INVISIBLE
    if re.match(f"[{_BIDI}]", char):
        return BIDI
    return INVALID


def find_bad_character(text: str, *, multiline: bool = False) -> BadCharacter | None:
    """The first character `text` may not hold, or None. Single-line text refuses tab and line breaks."""
    # Most text is printable (isprintable is False for every refused character): one C-speed pass.
    if text.isprintable():
        return None
    found = (_MULTILINE if multiline else _SINGLE_LINE).search(text)
    if found is None:  # e.g. a no-break space: not printable, but allowed
        return None
    char = found.group()
    return BadCharacter(code=_kind(char), position=found.start() + 1, char=char)


def check_text(text: str, *, multiline: bool = False) -> None:
    """Raise ValidationError (with the kind's code) when `text` holds a refused character."""
    bad = find_bad_character(text, multiline=multiline)
    if bad is not None:
        raise ValidationError(bad.message, code=bad.code)


def model_text_errors(
    instance: models.Model, exclude: list[str] | None = None
) -> dict[str, list[ValidationError]]:
    """Refused characters in a model's text fields: a CharField is single-line, a TextField free text,
    as is a CharField the model names in MULTILINE_FIELDS (one entered in a textarea)."""
    errors: dict[str, list[ValidationError]] = {}
    skip = set(exclude or ())
    free_text = set(getattr(instance, "MULTILINE_FIELDS", ()))
    for field in instance._meta.concrete_fields:
        if field.name in skip or not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname, None)
        if not isinstance(value, str) or not value:
            continue
        bad = find_bad_character(
            value, multiline=isinstance(field, models.TextField) or field.name in free_text
        )
        if bad is not None:
            errors[field.name] = [ValidationError(bad.message, code=bad.code)]
    return errors


def replace_controls(text: str) -> str:
    """Text for an export cell: control characters (not TAB, LF, CR) become U+FFFD, so that XLSX
    (whose XML cannot hold them; openpyxl raises IllegalCharacterError) writes every record, and
    the reader sees where a character was."""
    if text.isprintable():
        return text
    return _EXPORT_CONTROLS.sub("\ufffd", text)
