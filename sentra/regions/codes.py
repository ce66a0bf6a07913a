"""Helpers for dotted Kemendagri codes. Pure functions: no database."""

from __future__ import annotations

import re

CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
LEVEL_BY_LENGTH = {2: 1, 5: 2, 8: 3, 13: 4}


def normalise_code(value: str) -> str | None:
    """Return the dotted code for `value` written dotted or undotted, or None if it is not a code."""
    text = value.strip()
    if CODE_PATTERN.match(text):
        return text
    if text.isdigit() and len(text) in (2, 4, 6, 10):
        parts = [text[:2], text[2:4], text[4:6], text[6:10]]
        return ".".join(p for p in parts if p)
    return None


def level_of(code: str) -> int:
    return LEVEL_BY_LENGTH[len(code)]


def prefix_range(code: str) -> tuple[str, str]:
    """Bounds such that `lo <= c < hi` holds exactly for `code` and the codes below it.

    '/' sorts right after '.', and no code has a character between them after a full segment.
    """
    return code, code + "/"
