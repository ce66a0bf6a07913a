"""SAKTI / OM-SPAN coding of a budget line and the rules on it (issue 13.7; domain-facts 7.1).

A line of a DIPA is coded satker (6 digits, on the agency) → program (Programme.code) → kegiatan (4
digits) → KRO (3 characters) → RO (3 digits) → komponen (3 digits) → akun (6 digits, e.g. 521211,
526111) whose first two digits are the account group (51 pegawai, 52 barang, 53 modal, 57 bansos).
The same checks serve the services (so web forms and the API), and the SAKTI realisation import;
every error has a stable code.

Akun 57 (bantuan sosial) on an activity is questioned, not refused: PMK 254/2015 as amended by PMK
228/2016 keeps social aid for ministries with a social-protection task; goods handed to IKM are
usually belanja barang untuk diserahkan kepada masyarakat (526…, group 52). Whether Kemenperin may use
57 was not confirmed (domain-facts 7.1), so a warning with that reason is shown in every channel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sentra.core.errors import FieldError

from .choices import AccountGroup

KEGIATAN_RE = re.compile(r"[0-9]{4}\Z")
KRO_RE = re.compile(r"[A-Z0-9]{3}\Z")  # e.g. QDB, RBS, UAB: letters as SAKTI writes them
RO_RE = re.compile(r"[0-9]{3}\Z")
COMPONENT_RE = re.compile(r"[0-9]{3}\Z")
ACCOUNT_RE = re.compile(r"[0-9]{6}\Z")

# field name → (pattern, stable error code, message)
ACTIVITY_CODE_RULES = {
    "kegiatan_code": (
        KEGIATAN_RE,
        "invalid_kegiatan_code",
        _l("Kode kegiatan SAKTI harus 4 digit, mis. 5305."),
    ),
    "kro_code": (KRO_RE, "invalid_kro_code", _l("Kode KRO harus 3 huruf/angka, mis. RBS.")),
    "ro_code": (RO_RE, "invalid_ro_code", _l("Kode RO harus 3 digit angka, mis. 001.")),
    "component_code": (
        COMPONENT_RE,
        "invalid_component_code",
        _l("Kode komponen harus 3 digit angka, mis. 051."),
    ),
}
ACTIVITY_CODE_FIELDS = tuple(ACTIVITY_CODE_RULES)


def normalise_code(value: object) -> str:
    """Trimmed, upper-case text of a code cell or field ('rbs ' → 'RBS'); None → ''."""
    return "" if value is None else str(value).strip().upper()


def activity_code_errors(values: dict[str, object]) -> list[FieldError]:
    """Errors of the SAKTI codes among `values` (blank is allowed: an activity outside a DIPA)."""
    errors = []
    for name, (pattern, code, message) in ACTIVITY_CODE_RULES.items():
        value = normalise_code(values.get(name))
        if value and not pattern.match(value):
            errors.append(FieldError(name, f"{message} " + _("Tertulis: %(v)s.") % {"v": value}, code))
    return errors


def account_code_errors(account_code: object, account_group: str | None) -> list[FieldError]:
    """A 6-digit akun whose first two digits are the line's account group (blank allowed)."""
    value = normalise_code(account_code)
    if not value:
        return []
    if not ACCOUNT_RE.match(value):
        message = _("Kode akun harus 6 digit angka, mis. 526111. Tertulis: %(v)s.") % {"v": value}
        return [FieldError("account_code", message, "invalid_account_code")]
    if value[:2] not in AccountGroup.values:
        message = _("Akun %(v)s bukan belanja pegawai (51), barang (52), modal (53) atau bansos (57).") % {
            "v": value
        }
        return [FieldError("account_code", message, "invalid_account_code")]
    if account_group and value[:2] != account_group:
        message = _(
            "Akun %(v)s termasuk jenis belanja %(g)s, bukan %(line)s: dua digit pertama akun adalah "
            "jenis belanjanya."
        ) % {
            "v": value,
            "g": value[:2],
            "line": account_group,
        }
        return [FieldError("account_code", message, "account_group_mismatch")]
    return []


@dataclass(frozen=True)
class RuleWarning:
    """A rule that questions a value without refusing it: shown on forms, listed by the API
    (`warnings`) and in import reports."""

    code: str
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "message": self.message}


def social_aid_warning(account_group: str | None, account_code: str = "") -> RuleWarning | None:
    """Akun 57 (bantuan sosial) for an IKM activity is questioned (PMK 254/2015 jo. PMK 228/2016)."""
    group = account_group or normalise_code(account_code)[:2]
    if group != AccountGroup.SOCIAL:
        return None
    return RuleWarning(
        "social_aid_for_ikm",
        "account_group",
        _(
            "Belanja bantuan sosial (57) dibatasi untuk kementerian/lembaga yang bertugas di bidang "
            "perlindungan sosial (PMK 254/2015 sebagaimana diubah PMK 228/2016); barang yang diserahkan "
            "kepada IKM biasanya dianggarkan pada akun 526 (belanja barang, jenis 52). Periksa kembali "
            "jenis belanja ini."
        ),
    )
