"""Forms of the registry pages. They only parse input; the services decide what is valid."""

from __future__ import annotations

import json
import re

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from sentra.agencies.models import Agency
from sentra.core.errors import DomainError, StaleVersion
from sentra.core.uploads import check_upload
from sentra.regions.codes import normalise_code
from sentra.registry.choices import CentreStatus, EnterpriseStatus, MarketReach, RawMaterialOrigin, SizeClass
from sentra.registry.models import Decree
from sentra.registry.services import DECREE_SCAN_MAX_BYTES, DECREE_SCAN_TYPES, ENTERPRISE_FIELDS
from sentra.verification.models import VerificationStatus
from sentra.verification.services import TRANSITIONS
from sentra.web.fields import CoordinateField

# Service field names that the forms show under another name.
FIELD_ALIASES = {
    "village": "village_code",
    "kbli": "kbli_code",
    "villages": "village_codes",
    "members": "member_ids",
    "enterprise": "enterprise_id",
    "centre": "centre_id",
    "__all__": None,
}


def add_domain_errors(form: forms.Form, error: DomainError) -> None:
    """Show a DomainError's field errors next to their fields, the rest at the top of the form."""
    placed = False
    for item in error.errors:
        name = FIELD_ALIASES.get(item.field, item.field)
        if name in form.fields:
            form.add_error(name, item.message)
            placed = True
        else:
            form.add_error(None, item.message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _plain(value) -> str:
    """A form value as text, to tell whether a field changed between two loads of the record."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, list | tuple):
        return ",".join(_plain(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(getattr(value, "pk", value)).strip()


def _shown(field: forms.Field, value) -> str:
    """A value as the person reads it: the label of a choice, ya/tidak for a checkbox, — for nothing."""
    if isinstance(field, forms.BooleanField):
        return str(_("ya")) if value not in (None, False, "", "False", "false", "0") else str(_("tidak"))
    if value in (None, "", [], ()):
        return "—"
    choices = getattr(field, "choices", None)
    if choices is not None:
        labels = {str(key): str(label) for key, label in choices}
        if isinstance(value, list | tuple):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(_plain(value), str(value))
    return str(value)


class VersionedForm(forms.Form):
    """An edit form that carries the version of the record it was loaded with (core.versioning).

    `loaded_from(record, initial)` fills the hidden `version` and `loaded` (the values shown when the
    form was opened). The view passes `expected_version` to the service; when the service answers
    StaleVersion, `show_conflict` takes the stored value of every field the person left alone, lists
    the fields both changed (label, their value now, your value) and carries the current version, so
    that submitting again saves deliberately. Nothing is overwritten without the person seeing it.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    conflict: list[dict[str, str]] | None = None  # fields both changed meanwhile (theirs now, yours)
    conflict_taken: list[dict[str, str]] = []  # fields only the other person changed: their value taken

    VERSION_FIELDS = ("version", "loaded")

    @staticmethod
    def loaded_from(record, initial: dict) -> dict:
        """`initial` of an edit form, with the record's version and the values it shows."""
        shown = {name: _plain(value) for name, value in initial.items()}
        return {**initial, "version": record.version, "loaded": json.dumps(shown, ensure_ascii=False)}

    @property
    def expected_version(self) -> int | None:
        """The version the form was loaded with (None: an old page without one, any version)."""
        return self.cleaned_data.get("version") if hasattr(self, "cleaned_data") else None

    def show_conflict(self, error: StaleVersion, record, now: dict) -> None:
        """The record changed since the form was loaded: `now` is the initial of a form opened now.

        Field by field, against the hidden `loaded` snapshot of what the form showed:
        - the person did not change it: the form takes the stored value now (someone else's change is
          kept, never undone by saving again); changed meanwhile, it is listed in `conflict_taken`;
        - both changed it (to different values): the person's input stays and is listed in `conflict`
          (their value now beside yours), so that saving again overwrites it deliberately.
        The hidden version and snapshot become the current ones.
        """
        try:
            loaded = json.loads(self.data.get("loaded") or "")
        except ValueError:
            loaded = None
        data = self.data.copy()
        rows, taken = [], []
        for name, value in now.items():
            if name in self.VERSION_FIELDS or name not in self.fields or self.fields[name].disabled:
                continue
            field = self.fields[name]
            theirs, yours = _plain(value), _plain(self[name].value())
            if isinstance(loaded, dict) and name in loaded:
                they_changed, you_changed = loaded[name] != theirs, loaded[name] != yours
            else:  # no record of what was shown: every field where theirs and yours differ
                they_changed = you_changed = theirs != yours
            if not they_changed or theirs == yours:
                continue
            if you_changed:
                rows.append(
                    {
                        "label": str(field.label),
                        "now": _shown(field, value),
                        "yours": _shown(field, self[name].value()),
                    }
                )
            else:
                _put(data, field, name, value)
                taken.append({"label": str(field.label), "now": _shown(field, value)})
        self.conflict = rows
        self.conflict_taken = taken
        data["version"] = str(record.version)
        data["loaded"] = json.dumps({n: _plain(v) for n, v in now.items()}, ensure_ascii=False)
        self.data = data


def _put(data, field: forms.Field, name: str, value) -> None:
    """Set `value` (as a form's initial holds it) in the submitted `data` as a browser would send it."""
    if isinstance(field, forms.BooleanField):
        data[name] = "true" if value else "false"
    elif isinstance(value, list | tuple):
        data.setlist(name, [_plain(v) for v in value])
    else:
        data[name] = "" if value is None else str(getattr(value, "pk", value))


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False)
    region = forms.CharField(label=_("Kode wilayah"), required=False, max_length=13)
    kbli = forms.CharField(label=_("KBLI"), required=False, max_length=5)
    status = forms.CharField(required=False)
    size_class = forms.ChoiceField(
        label=_("Skala"), required=False, choices=[("", _("Semua skala")), *SizeClass.choices]
    )
    market_reach = forms.ChoiceField(
        label=_("Jangkauan pasar"), required=False, choices=[("", _("Semua")), *MarketReach.choices]
    )
    verification = forms.ChoiceField(
        label=_("Status verifikasi"),
        required=False,
        choices=[("", _("Semua status verifikasi")), *VerificationStatus.choices],
    )
    sort = forms.CharField(required=False)


class ReasonForm(forms.Form):
    """The optional (or, for return and reopen, required) reason of a delete, restore or step."""

    reason = forms.CharField(label=_("Alasan"), max_length=500, required=False)


class BulkTransitionForm(forms.Form):
    jenis = forms.CharField(max_length=10)
    action = forms.ChoiceField(choices=[(name, name) for name in TRANSITIONS])
    reason = forms.CharField(label=_("Alasan"), max_length=500, required=False)
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)

    MAX_IDS = 500

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer may be posted; the selector decides which of them the user may touch.
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()

    def clean_ids(self):
        ids = self.cleaned_data["ids"]
        if not ids:
            raise forms.ValidationError(_("Pilih sedikitnya satu data."))
        if len(ids) > self.MAX_IDS:
            raise forms.ValidationError(_("Paling banyak %(n)s data sekaligus.") % {"n": self.MAX_IDS})
        return ids


class AgencyField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Agency.objects.order_by("name"), label=_("Instansi pemilik"), **kwargs)


class LookupInput(forms.TextInput):
    """A text input that suggests values as one types (htmx, sentra/web/views/lookup.py).

    The suggestions are buttons in a list under the input; web/lookup.js puts the chosen code in
    the input. Without JavaScript the input still takes a code or a name (see the fields below).
    """

    template_name = "web/registry/_lookup_input.html"

    def __init__(self, url, *, multiple: bool = False, attrs=None):
        self.url = url
        self.multiple = multiple
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(lookup_url=str(self.url), multiple=self.multiple)
        return context


VILLAGE_LOOKUP = reverse_lazy("web:lookup_villages")
KBLI_LOOKUP = reverse_lazy("web:lookup_kbli")
CODE_RE = re.compile(r"^\s*\d{2}\.?\d{2}\.?\d{2}\.?\d{4}\s*$")
MAX_CANDIDATES = 8


def village_label(path: list[str], code: str) -> str:
    """ "Salo Loang, Penajam, Kabupaten Penajam Paser Utara, Kalimantan Timur (64.09.01.1002)"."""
    return f"{', '.join(reversed(path))} ({code})"


def _candidate_list(items: list[str]) -> str:
    return "; ".join(items[:MAX_CANDIDATES]) + ("; …" if len(items) > MAX_CANDIDATES else "")


def resolve_village(text: str) -> str:
    """A village code from its code (dotted or not) or its name as people write it.

    Names go through the gazetteer ("Saloloang, Penajam"); a name that fits several villages, or
    none, is a validation error that lists the candidates — never a silent guess.
    """
    from sentra.regions.gazetteer import resolve_place

    text = text.strip()
    if CODE_RE.match(text):
        return normalise_code(text) or text
    if text.replace(".", "").isdigit():
        return text  # some other code: the service says what is wrong with it
    found = resolve_place(text, level=4)
    if found.status == "resolved" and found.best:
        return found.best.code
    candidates = [village_label(c.path, c.code) for c in found.candidates if c.level == 4]
    if found.status == "ambiguous" and candidates:
        raise forms.ValidationError(
            _(
                "“%(text)s” cocok dengan beberapa desa/kelurahan: %(candidates)s. Pilih salah satu, "
                "tulis kodenya, atau tambahkan kecamatan/kabupaten."
            ),
            code="village_ambiguous",
            params={"text": text, "candidates": _candidate_list(candidates)},
        )
    if candidates:
        raise forms.ValidationError(
            _("“%(text)s” tidak cocok persis: %(reason)s Mungkin: %(candidates)s."),
            code="village_contradictory",
            params={"text": text, "reason": found.reason, "candidates": _candidate_list(candidates)},
        )
    raise forms.ValidationError(
        _("Desa/kelurahan “%(text)s” tidak ditemukan. Tulis nama desa dengan kecamatannya, atau kodenya."),
        code="village_not_found",
        params={"text": text},
    )


def split_villages(text: str) -> list[str]:
    """Villages written one per line or separated by ';'; codes may also be separated by commas.

    A part whose comma-separated pieces are not all codes is a name with its context
    ("Saloloang, Penajam"); codes written before such a name ("64.09.01.1001, Saloloang, Penajam")
    count as villages of their own.
    """
    villages = []
    for part in re.split(r"[;\n]", text):
        pieces = [p.strip() for p in part.split(",")]
        while pieces and CODE_RE.match(pieces[0]):
            villages.append(pieces.pop(0))
        if rest := ", ".join(p for p in pieces if p):
            villages.append(rest)
    return villages


class VillageField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Desa/kelurahan"))
        kwargs.setdefault(
            "help_text", _("Ketik nama desa, misalnya “Saloloang, Penajam”, lalu pilih; atau tulis kodenya.")
        )
        super().__init__(max_length=200, widget=LookupInput(VILLAGE_LOOKUP), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return resolve_village(value) if value else value


class VillagesField(forms.CharField):
    """One or more villages; the first is the main one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Desa/kelurahan"))
        kwargs.setdefault(
            "help_text",
            _(
                "Satu atau lebih, dipisah titik koma; yang pertama adalah desa utama. Ketik nama lalu pilih, "
                "atau tulis kodenya."
            ),
        )
        super().__init__(widget=LookupInput(VILLAGE_LOOKUP, multiple=True), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        codes, errors = [], []
        for text in split_villages(value or ""):
            try:
                codes.append(resolve_village(text))
            except forms.ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise forms.ValidationError(errors)
        return codes


def resolve_kbli(text: str) -> str:
    """A 5-digit KBLI code, from the code or from words of its title when they fit one code."""
    from sentra.regions.models import Kbli

    text = text.strip()
    code = text.split(" ", 1)[0]
    if code.isdigit():
        return code  # the service checks that the code exists at the 5-digit level
    matches = list(
        Kbli.objects.filter(level=5, title__icontains=text)
        .order_by("code")
        .values_list("code", "title")[: MAX_CANDIDATES + 1]
    )
    if len(matches) == 1:
        return matches[0][0]
    if matches:
        raise forms.ValidationError(
            _("“%(text)s” cocok dengan beberapa KBLI: %(candidates)s. Pilih salah satu atau tulis kodenya."),
            code="kbli_ambiguous",
            params={"text": text, "candidates": _candidate_list([f"{c} {t}" for c, t in matches])},
        )
    raise forms.ValidationError(
        _("KBLI “%(text)s” tidak ditemukan. Tulis kode 5 angka atau kata dari judulnya."),
        code="kbli_not_found",
        params={"text": text},
    )


class KbliField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("KBLI"))
        kwargs.setdefault("help_text", _("Ketik kode atau judul KBLI 2020 (5 angka), lalu pilih."))
        super().__init__(max_length=200, widget=LookupInput(KBLI_LOOKUP), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return resolve_kbli(value) if value else value


def _quantity_field(label, help_text="") -> forms.DecimalField:
    """A yearly quantity of the SIINas items: 0 or more, two decimals (DecimalField(14, 2))."""
    return forms.DecimalField(
        label=label, min_value=0, max_digits=14, decimal_places=2, required=False, help_text=help_text
    )


class EnterpriseForm(VersionedForm):
    name = forms.CharField(label=_("Nama usaha"), max_length=200)
    owner_name = forms.CharField(label=_("Nama pemilik"), max_length=150, required=False)
    nib = forms.CharField(label=_("NIB"), max_length=13, required=False, help_text=_("13 angka."))
    village_code = VillageField()
    kbli_code = KbliField()
    address = forms.CharField(label=_("Alamat"), max_length=300, required=False)
    latitude = CoordinateField("lat", label=_("Lintang"))
    longitude = CoordinateField("lng", label=_("Bujur"))
    workers = forms.IntegerField(label=_("Tenaga kerja"), min_value=0, initial=0)
    investment = forms.IntegerField(label=_("Nilai investasi (Rp)"), min_value=0, initial=0)
    production_capacity = forms.DecimalField(
        label=_("Kapasitas produksi"), max_digits=14, decimal_places=2, required=False
    )
    capacity_unit = forms.CharField(label=_("Satuan kapasitas"), max_length=30, required=False)
    production_value = forms.IntegerField(
        label=_("Nilai produksi per tahun (Rp)"), min_value=0, required=False
    )
    year_started = forms.IntegerField(label=_("Tahun mulai"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=EnterpriseStatus.choices)
    agency = AgencyField()
    # SIINas items (Permenperin 13/2025 Pasal 7), all optional, quantities per year.
    data_year = forms.IntegerField(
        label=_("Tahun data SIINas"),
        min_value=1900,
        max_value=2100,
        required=False,
        help_text=_("Tahun yang diwakili data produksi dan pemakaian di bawah."),
    )
    installed_capacity = _quantity_field(_("Kapasitas terpasang"), _("Per tahun, dalam satuan kapasitas."))
    production_quantity = _quantity_field(_("Jumlah produksi per tahun"))
    production_unit = forms.CharField(label=_("Satuan produksi"), max_length=30, required=False)
    raw_material = forms.CharField(label=_("Bahan baku utama"), max_length=200, required=False)
    raw_material_quantity = _quantity_field(_("Jumlah bahan baku per tahun"))
    raw_material_unit = forms.CharField(label=_("Satuan bahan baku"), max_length=30, required=False)
    raw_material_origin = forms.ChoiceField(
        label=_("Asal bahan baku"), choices=[("", "—"), *RawMaterialOrigin.choices], required=False
    )
    other_raw_materials = forms.CharField(
        label=_("Bahan baku lain"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Satu per baris: nama, jumlah, satuan, asal."),
    )
    land_building_value = forms.IntegerField(
        label=_("Nilai tanah dan bangunan (Rp)"), min_value=0, required=False
    )
    water_use = _quantity_field(_("Pemakaian air per tahun"))
    water_unit = forms.CharField(
        label=_("Satuan air"), max_length=20, required=False, help_text=_("Misalnya m³.")
    )
    fuel_type = forms.CharField(
        label=_("Jenis bahan bakar"),
        max_length=50,
        required=False,
        help_text=_("Misalnya solar, LPG, kayu bakar."),
    )
    fuel_use = _quantity_field(_("Pemakaian bahan bakar per tahun"))
    fuel_unit = forms.CharField(
        label=_("Satuan bahan bakar"), max_length=20, required=False, help_text=_("Misalnya liter.")
    )
    electricity_use = _quantity_field(_("Pemakaian listrik per tahun"))
    electricity_unit = forms.CharField(
        label=_("Satuan listrik"), max_length=20, required=False, help_text=_("Misalnya kWh.")
    )
    machine_count = forms.IntegerField(label=_("Jumlah mesin/peralatan"), min_value=0, required=False)
    machines = forms.CharField(
        label=_("Mesin/peralatan utama"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Jenis dan jumlahnya."),
    )

    SERVICE_FIELDS = ENTERPRISE_FIELDS


MEMBER_LOOKUP = reverse_lazy("web:lookup_enterprises")
NIB_RE = re.compile(r"^\d{13}$")
REFERENCE_RE = re.compile(r"^#?\d+$")
LINE_SEPARATOR = " — "


def member_line(enterprise) -> str:
    """How a member is written in the field: its NIB (or #id when it has none), then its name."""
    reference = enterprise.nib or f"#{enterprise.pk}"
    return f"{reference}{LINE_SEPARATOR}{enterprise.name}"


def member_place(enterprise) -> str:
    """ "Salo Loang, Penajam": the village and its kecamatan."""
    village = enterprise.village
    parent = getattr(village, "parent", None)
    return f"{village.name}, {parent.name}" if parent else village.name


def member_meta(enterprise) -> str:
    """ "9120000000001 · Salo Loang, Penajam": what tells two enterprises of one name apart."""
    return f"{enterprise.nib or _('tanpa NIB')} · {member_place(enterprise)}"


def member_label(enterprise) -> str:
    return f"{enterprise.name} ({member_meta(enterprise)})"


def split_members(text: str) -> list[str]:
    """One member per line. A line of numbers separated by commas is a list of IDs (the old format)."""
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        pieces = [p.strip() for p in line.split(",") if p.strip()]
        if all(p.isdigit() for p in pieces):
            entries.extend(pieces)
        else:
            entries.append(line)
    return entries


def _scoped_enterprises(actor):
    from sentra.accounts.scope import region_q
    from sentra.registry.models import Enterprise

    return Enterprise.objects.filter(region_q(actor)).select_related("village__parent")


NAME_SCAN = 50  # search matches looked through for the name written in another case


def _named(text: str, scoped, search) -> list:
    """The records a typed name means, at most MAX_CANDIDATES + 1 of them.

    The name itself wins over names that contain it: first as written or in the usual cases
    (equality on a name index of `scoped`), then in any case among the first matches of `search`;
    otherwise all those matches, of which the caller needs exactly one.
    """
    spellings = {text, text.upper(), text.lower(), text.title(), text.capitalize()}
    exact = scoped.filter(name__in=spellings).order_by("name", "id")
    if exact := list(exact[: MAX_CANDIDATES + 1]):
        return exact
    found = list(search[:NAME_SCAN])
    same = [r for r in found if r.name.casefold() == text.casefold()]
    return (same or found)[: MAX_CANDIDATES + 1]


def _name_matches(text: str, actor) -> list:
    """The enterprises a typed name means, inside the scope; the search is the enterprise list's
    own (name or owner's name, from its index)."""
    from sentra.registry.selectors import RegistryFilter, enterprise_list

    found = enterprise_list(actor=actor, filters=RegistryFilter(q=text)).select_related("village__parent")
    return _named(text, _scoped_enterprises(actor), found)


def _unit_of_nib(units: list, entry: str) -> tuple[object | None, list]:
    """(the unit a NIB entry names, or None; the units to choose from when it names several).
    The picker writes "NIB — name": with several units the name tells them apart when it is one's."""
    if len(units) <= 1:
        return (units[0] if units else None), []
    name = entry.split(LINE_SEPARATOR, 1)[1].strip().casefold() if LINE_SEPARATOR in entry else ""
    named = [u for u in units if name and u.name.casefold() == name]
    return (named[0], []) if len(named) == 1 else (None, units)


def resolve_members(text: str, actor) -> tuple[list[tuple[str, object]], list[forms.ValidationError]]:
    """Each entry of the member field with the enterprise it names, and an error for each that names none.

    An entry is a NIB (13 digits), an ID (digits, or "#12"), either followed by " — name" as the
    picker writes it, or a name. Only enterprises the actor may read are found: one outside their
    region reads as unknown, as everywhere else.
    """
    entries = split_members(text)
    references = {}
    for entry in entries:
        head = entry.split(LINE_SEPARATOR, 1)[0].strip()
        if NIB_RE.match(head) or REFERENCE_RE.match(head):
            references[entry] = head
    nibs = {r for r in references.values() if NIB_RE.match(r)}
    ids = {int(r.lstrip("#")) for r in references.values() if not NIB_RE.match(r)}
    by_nib, by_id = {}, {}
    if nibs:
        # A NIB may hold several units (issue 13 point 4): each NIB maps to all of them.
        for unit in _scoped_enterprises(actor).filter(nib__in=nibs).order_by("id"):
            by_nib.setdefault(unit.nib, []).append(unit)
    if ids:
        by_id = {e.pk: e for e in _scoped_enterprises(actor).filter(pk__in=ids)}

    resolved, errors = [], []
    for entry in entries:
        head = references.get(entry)
        if head is not None:
            if NIB_RE.match(head):
                enterprise, ambiguous = _unit_of_nib(by_nib.get(head, []), entry)
                if ambiguous:
                    errors.append(
                        forms.ValidationError(
                            _(
                                "NIB %(nib)s memiliki beberapa unit usaha: %(candidates)s. Pilih unitnya, "
                                "atau tulis nomornya (#id)."
                            ),
                            code="member_ambiguous",
                            params={
                                "nib": head,
                                "candidates": _candidate_list(
                                    [f"#{u.pk} {member_label(u)}" for u in ambiguous]
                                ),
                            },
                        )
                    )
                    continue
            else:
                enterprise = by_id.get(int(head.lstrip("#")))
            if enterprise is not None:
                resolved.append((entry, enterprise))
            else:
                errors.append(
                    forms.ValidationError(
                        _("IKM “%(text)s” tidak ditemukan di wilayah Anda."),
                        code="member_not_found",
                        params={"text": head},
                    )
                )
            continue
        matches = _name_matches(entry, actor)
        if len(matches) == 1:
            resolved.append((entry, matches[0]))
        elif matches:
            errors.append(
                forms.ValidationError(
                    _(
                        "“%(text)s” cocok dengan beberapa IKM: %(candidates)s. Pilih salah satu, "
                        "atau tulis NIB-nya."
                    ),
                    code="member_ambiguous",
                    params={"text": entry, "candidates": _candidate_list([member_label(m) for m in matches])},
                )
            )
        else:
            errors.append(
                forms.ValidationError(
                    _("IKM “%(text)s” tidak ditemukan di wilayah Anda. Tulis NIB atau nama usahanya."),
                    code="member_not_found",
                    params={"text": entry},
                )
            )
    return resolved, errors


class MemberPicker(forms.Textarea):
    """The centre's members: chips of the chosen enterprises, a search input that suggests more
    (htmx, /cari/ikm/), and under them the textarea that is sent, one member per line.

    web/lookup.js hides the textarea and keeps it in step with the chips; without JavaScript the
    textarea is the field (NIBs or names, one per line) and the chips only show what it holds.
    """

    template_name = "web/registry/_member_picker.html"

    def __init__(self, attrs=None):
        self.actor = None
        super().__init__(attrs={"rows": 4, "spellcheck": "false", **(attrs or {})})

    def get_context(self, name, value, attrs):
        from sentra.registry.models import MINIMUM_CENTRE_MEMBERS

        context = super().get_context(name, value, attrs)
        chosen = []
        if value and self.actor is not None:
            seen = set()
            for line, enterprise in resolve_members(str(value), self.actor)[0]:
                if enterprise.pk not in seen:
                    seen.add(enterprise.pk)
                    chosen.append({"line": line, "enterprise": enterprise, "meta": member_meta(enterprise)})
        context["widget"].update(lookup_url=str(MEMBER_LOOKUP), chosen=chosen, minimum=MINIMUM_CENTRE_MEMBERS)
        return context


class MembersField(forms.CharField):
    """Member enterprises by NIB or name (IDs still work); cleans to a list of enterprise IDs."""

    widget = MemberPicker

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Anggota (IKM)"))
        kwargs.setdefault(
            "help_text",
            _(
                "Ketik nama usaha, NIB, atau nama pemilik, lalu pilih. Tanpa JavaScript: satu NIB atau "
                "nama usaha per baris."
            ),
        )
        self.actor = None
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return []
        if self.actor is None:
            raise forms.ValidationError(_("Anggota tidak dapat diperiksa."), code="member_no_actor")
        resolved, errors = resolve_members(value, self.actor)
        if errors:
            raise forms.ValidationError(errors)
        return list(dict.fromkeys(enterprise.pk for _line, enterprise in resolved))


def decree_label(decree) -> str:
    """ "SK Bupati No. 518/176/2020, 11/06/2020 — Penajam Paser Utara": what tells decrees apart."""
    label = f"{decree} — {decree.issued_on.strftime('%d/%m/%Y')}"
    if decree.region_id:
        label += f" — {decree.region.name}"
    return label


class DecreeChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Decree.objects.none(),
            required=False,
            label=_("Dasar hukum yang sudah tercatat"),
            empty_label=_("— belum ada / isi dasar hukum baru di bawah —"),
            help_text=_(
                "Satu SK sering menetapkan beberapa sentra: pilih bila sudah tercatat, atau isi yang baru."
            ),
            **kwargs,
        )

    def label_from_instance(self, obj) -> str:
        return decree_label(obj)


def decree_choices(actor, centre=None):
    """The decrees a centre may name: those the actor may read, including the acts of the regions
    above theirs (a governor's decree for a regency), narrowed to the centre's regency and province
    when editing one; the centre's current decree always stays selectable."""
    from django.db.models import Q

    from sentra.accounts.scope import scoped_queryset

    if actor is None:
        return Decree.objects.none()
    qs = scoped_queryset(actor, Decree, enclosing=True)
    if centre is not None and centre.pk:
        qs = qs.filter(region_id__in=[centre.province_code, centre.regency_code])
        if centre.decree_id:
            qs = Decree.objects.filter(Q(pk__in=qs.values("pk")) | Q(pk=centre.decree_id))
    return qs.select_related("region").order_by("region_id", "-issued_on", "number")


class CentreForm(VersionedForm):
    name = forms.CharField(label=_("Nama sentra"), max_length=200)
    commodity = forms.CharField(label=_("Komoditas"), max_length=150)
    kbli_code = KbliField()
    village_codes = VillagesField()
    member_ids = MembersField()
    raw_material = forms.CharField(label=_("Bahan baku"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Keterangan"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=CentreStatus.choices)
    proposed_on = forms.DateField(
        label=_("Tanggal diusulkan"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    designated_on = forms.DateField(
        label=_("Tanggal ditetapkan"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    developing_on = forms.DateField(
        label=_("Tanggal berkembang"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    self_reliant_on = forms.DateField(
        label=_("Tanggal mandiri"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    inactive_on = forms.DateField(
        label=_("Tanggal tidak aktif"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    inactive_reason = forms.CharField(
        label=_("Alasan tidak aktif"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Wajib bila status Tidak aktif."),
    )
    # The legal basis: one already recorded (one decree often designates several sentra), or a new one.
    decree = DecreeChoiceField()
    decree_kind = forms.ChoiceField(
        label=_("Jenis"), required=False, choices=[("", "—"), *Decree._meta.get_field("kind").choices]
    )
    decree_number = forms.CharField(
        label=_("Nomor"), max_length=100, required=False, help_text=_("Misalnya 518/176/2020.")
    )
    decree_issued_on = forms.DateField(
        label=_("Tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    decree_signatory = forms.CharField(
        label=_("Penanda tangan"),
        max_length=150,
        required=False,
        help_text=_("Misalnya Bupati Penajam Paser Utara."),
    )
    decree_title = forms.CharField(label=_("Tentang"), max_length=300, required=False)
    decree_scan = forms.FileField(
        label=_("Pindaian dokumen"),
        required=False,
        help_text=_("PDF, JPG atau PNG, paling besar 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    board_chair = forms.CharField(label=_("Ketua pengurus"), max_length=150, required=False)
    board_members = forms.CharField(
        label=_("Susunan pengurus"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Satu jabatan per baris, misalnya “Sekretaris: Siti Aminah”."),
    )
    upt_name = forms.CharField(label=_("UPT"), max_length=200, required=False)
    has_gapura = forms.BooleanField(label=_("Gapura"), required=False)
    has_logo = forms.BooleanField(label=_("Logo"), required=False)
    has_showroom = forms.BooleanField(label=_("Showroom"), required=False)
    is_desa_wisata = forms.BooleanField(label=_("Desa wisata"), required=False)
    is_desa_pengrajin = forms.BooleanField(label=_("Desa pengrajin"), required=False)
    facilities = forms.CharField(
        label=_("Sarana dan prasarana"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Misalnya rumah produksi bersama, mesin, gudang."),
    )
    agency = AgencyField()

    # The form's sections, in order (web/registry/centre_form.html): (title, field names).
    SECTIONS = (
        (_("Identitas"), ("name", "commodity", "kbli_code", "raw_material", "description", "agency")),
        (_("Wilayah dan anggota"), ("village_codes", "member_ids")),
        (
            _("Status dan tanggal"),
            (
                "status",
                "proposed_on",
                "designated_on",
                "developing_on",
                "self_reliant_on",
                "inactive_on",
                "inactive_reason",
            ),
        ),
        (
            _("Dasar hukum"),
            (
                "decree",
                "decree_kind",
                "decree_number",
                "decree_issued_on",
                "decree_signatory",
                "decree_title",
                "decree_scan",
            ),
        ),
        (_("Pengurus dan UPT"), ("board_chair", "board_members", "upt_name")),
        (
            _("Sarana"),
            ("has_gapura", "has_logo", "has_showroom", "is_desa_wisata", "is_desa_pengrajin", "facilities"),
        ),
    )
    NEW_DECREE_FIELDS = (
        "decree_kind",
        "decree_number",
        "decree_issued_on",
        "decree_signatory",
        "decree_title",
    )

    SERVICE_FIELDS = (
        "name",
        "commodity",
        "raw_material",
        "description",
        "status",
        "proposed_on",
        "designated_on",
        "developing_on",
        "self_reliant_on",
        "inactive_on",
        "inactive_reason",
        "board_chair",
        "board_members",
        "upt_name",
        "has_gapura",
        "has_logo",
        "has_showroom",
        "is_desa_wisata",
        "is_desa_pengrajin",
        "facilities",
    )

    def __init__(self, *args, actor=None, centre=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Members are looked up inside the reader's region, both when read and when shown.
        field = self.fields["member_ids"]
        field.actor = field.widget.actor = actor
        self.fields["decree"].queryset = decree_choices(actor, centre)
        initial = self.initial.get("member_ids")
        if not self.is_bound and initial and actor is not None:
            # The stored members as the picker writes them (NIB — name), not as bare IDs.
            # One outside the reader's region stays an ID, so that saving reports it rather than
            # dropping it quietly.
            resolved = dict(resolve_members(str(initial), actor)[0])
            lines = [
                member_line(resolved[entry]) if entry in resolved else f"#{entry.lstrip('#')}"
                for entry in split_members(str(initial))
            ]
            self.initial["member_ids"] = "\n".join(lines)

    WIDE_FIELDS = ("description", "member_ids", "inactive_reason", "decree", "board_members", "facilities")

    def sections(self) -> list[dict]:
        """The sections to render: title and bound fields (`wide` ones take the whole row)."""
        return [
            {
                "title": title,
                "key": names[0],
                "fields": [{"bound": self[name], "wide": name in self.WIDE_FIELDS} for name in names],
            }
            for title, names in self.SECTIONS
        ]

    def clean_decree_scan(self):
        """PDF, JPG or PNG by its content, not its name (core.uploads), at most 5 MB."""
        scan = self.cleaned_data.get("decree_scan")
        if scan:
            try:
                check_upload(
                    scan, allowed=DECREE_SCAN_TYPES, field="decree_scan", limit=DECREE_SCAN_MAX_BYTES
                )
            except DomainError as error:
                raise forms.ValidationError(error.message, code=error.code) from None
        return scan

    def clean(self):
        """A new decree is entered when its number is given (then kind and date are required too);
        choosing an existing one and entering a new one at once is refused, never guessed."""
        data = super().clean()
        if not self.has_new_decree:
            if any(data.get(n) for n in (*self.NEW_DECREE_FIELDS, "decree_scan")):
                self.add_error(
                    "decree_number", _("Isi nomor dasar hukum baru, atau kosongkan isian dasar hukum baru.")
                )
            return data
        if data.get("decree"):
            self.add_error(
                "decree",
                _("Pilih dasar hukum yang ada atau isi dasar hukum baru, tidak keduanya."),
            )
        for name, message in (
            ("decree_kind", _("Jenis dasar hukum wajib diisi bila nomornya diisi.")),
            ("decree_issued_on", _("Tanggal dasar hukum wajib diisi bila nomornya diisi.")),
        ):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        return data

    @property
    def has_new_decree(self) -> bool:
        return bool((self.cleaned_data.get("decree_number") or "").strip())

    def new_decree(self) -> dict:
        """The new decree's fields as registry.services.decree_create_for_centre takes them."""
        data = {name.removeprefix("decree_"): self.cleaned_data.get(name) for name in self.NEW_DECREE_FIELDS}
        data["number"] = data["number"].strip()
        data["signatory"] = data["signatory"] or ""
        data["title"] = data["title"] or ""
        if self.cleaned_data.get("decree_scan"):
            data["scan"] = self.cleaned_data["decree_scan"]
        return data


def resolve_enterprise(text: str, actor):
    """The one enterprise a field names, written as one line of the member field: a NIB, an ID
    ("12", "#12"), either followed by " — name" as the suggestions write it, or a name."""
    resolved, errors = resolve_members(" ".join(text.split()), actor)
    if errors:
        raise forms.ValidationError(errors)
    if len(resolved) != 1:
        raise forms.ValidationError(_("Tulis satu IKM saja."), code="maker_several")
    return resolved[0][1]


CENTRE_LOOKUP = reverse_lazy("web:lookup_centres")


def centre_line(centre) -> str:
    """How a centre is written in the field: "#ID — name" (centres have no NIB; names repeat)."""
    return f"#{centre.pk}{LINE_SEPARATOR}{centre.name}"


def centre_meta(centre) -> str:
    """ "Amplang · Salo Loang, Penajam": what tells two centres of one name apart."""
    return f"{centre.commodity} · {member_place(centre)}"


def _scoped_centres(actor):
    from sentra.accounts.scope import region_q
    from sentra.registry.models import Centre

    return Centre.objects.filter(region_q(actor)).select_related("village__parent")


def resolve_centre(text: str, actor):
    """The one centre, inside the actor's region, that a field names by ID ("#12 — name" as the
    suggestions write it, or the bare ID of old) or by name; several or none is an error."""
    text = " ".join(text.split())
    head = text.split(LINE_SEPARATOR, 1)[0].strip()
    if REFERENCE_RE.match(head):
        centre = _scoped_centres(actor).filter(pk=int(head.lstrip("#"))).first()
        if centre is None:
            raise forms.ValidationError(
                _("Sentra “%(text)s” tidak ditemukan di wilayah Anda."),
                code="centre_not_found",
                params={"text": head},
            )
        return centre
    scoped = _scoped_centres(actor)
    matches = _named(text, scoped, scoped.filter(name__icontains=text).order_by("name", "id"))
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise forms.ValidationError(
            _("“%(text)s” cocok dengan beberapa sentra: %(candidates)s. Pilih salah satu dari saran."),
            code="centre_ambiguous",
            params={
                "text": text,
                "candidates": _candidate_list([f"{c.name} ({centre_meta(c)})" for c in matches]),
            },
        )
    raise forms.ValidationError(
        _("Sentra “%(text)s” tidak ditemukan di wilayah Anda. Tulis nama sentranya."),
        code="centre_not_found",
        params={"text": text},
    )


class MakerField(forms.CharField):
    """The enterprise or centre that makes a product, typed by name with suggestions (LookupInput);
    cleans to its ID, or None when left empty. Looked up inside the actor's region."""

    def __init__(self, url, resolve, **kwargs):
        self.actor = None
        self.resolve = resolve
        super().__init__(max_length=250, required=False, widget=LookupInput(url), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        if self.actor is None:
            raise forms.ValidationError(_("Pembuat tidak dapat diperiksa."), code="maker_no_actor")
        return self.resolve(value, self.actor).pk


class ProductForm(VersionedForm):
    name = forms.CharField(label=_("Nama produk"), max_length=200)
    # KBLI before the makers: they take two columns each (web/lookup.css), the rows stay full.
    kbli_code = KbliField(required=False)
    enterprise_id = MakerField(
        MEMBER_LOOKUP,
        resolve_enterprise,
        label=_("IKM pembuat"),
        help_text=_("Ketik nama usaha, NIB, atau nama pemilik, lalu pilih; atau tulis NIB atau nama usaha."),
    )
    centre_id = MakerField(
        CENTRE_LOOKUP,
        resolve_centre,
        label=_("Sentra pembuat"),
        help_text=_("Ketik nama sentra, lalu pilih. Isi IKM, sentra, atau keduanya."),
    )
    price_min = forms.IntegerField(label=_("Harga terendah (Rp)"), min_value=0, required=False)
    price_max = forms.IntegerField(label=_("Harga tertinggi (Rp)"), min_value=0, required=False)
    description = forms.CharField(
        label=_("Deskripsi"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    market_reach = forms.ChoiceField(label=_("Jangkauan pasar"), choices=MarketReach.choices)
    agency = AgencyField()

    SERVICE_FIELDS = ("name", "description", "price_min", "price_max", "market_reach")

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise_id"].actor = self.fields["centre_id"].actor = actor
        if self.is_bound or actor is None:
            return
        # The stored maker by name, as the suggestions write it. One outside the reader's region
        # stays an ID, so that saving reports it rather than dropping it quietly.
        if pk := self.initial.get("enterprise_id"):
            enterprise = _scoped_enterprises(actor).filter(pk=pk).first()
            self.initial["enterprise_id"] = member_line(enterprise) if enterprise else f"#{pk}"
        if pk := self.initial.get("centre_id"):
            centre = _scoped_centres(actor).filter(pk=pk).first()
            self.initial["centre_id"] = centre_line(centre) if centre else f"#{pk}"
