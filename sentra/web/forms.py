"""Forms of the registry pages. They only parse input; the services decide what is valid."""

from __future__ import annotations

import re

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from sentra.agencies.models import Agency
from sentra.core.errors import DomainError
from sentra.regions.codes import normalise_code
from sentra.registry.choices import CentreStatus, EnterpriseStatus, MarketReach, SizeClass
from sentra.registry.services import ENTERPRISE_FIELDS
from sentra.verification.models import VerificationStatus
from sentra.verification.services import TRANSITIONS

# Service field names that the forms show under another name.
FIELD_ALIASES = {"village": "village_code", "kbli": "kbli_code", "villages": "village_codes", "__all__": None}


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


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Nama usaha"), max_length=200)
    owner_name = forms.CharField(label=_("Nama pemilik"), max_length=150, required=False)
    nib = forms.CharField(label=_("NIB"), max_length=13, required=False, help_text=_("13 angka."))
    village_code = VillageField()
    kbli_code = KbliField()
    address = forms.CharField(label=_("Alamat"), max_length=300, required=False)
    latitude = forms.DecimalField(label=_("Lintang"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("Bujur"), max_digits=9, decimal_places=6, required=False)
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

    SERVICE_FIELDS = ENTERPRISE_FIELDS


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.replace("\n", ",").split(",") if c.strip()]


class CentreForm(forms.Form):
    name = forms.CharField(label=_("Nama sentra"), max_length=200)
    commodity = forms.CharField(label=_("Komoditas"), max_length=150)
    kbli_code = KbliField()
    village_codes = VillagesField()
    member_ids = forms.CharField(
        label=_("Anggota (ID IKM)"), required=False, help_text=_("ID IKM dipisah koma.")
    )
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
    board_chair = forms.CharField(label=_("Ketua pengurus"), max_length=150, required=False)
    upt_name = forms.CharField(label=_("UPT"), max_length=200, required=False)
    has_gapura = forms.BooleanField(label=_("Gapura"), required=False)
    has_logo = forms.BooleanField(label=_("Logo"), required=False)
    has_showroom = forms.BooleanField(label=_("Showroom"), required=False)
    is_desa_wisata = forms.BooleanField(label=_("Desa wisata"), required=False)
    is_desa_pengrajin = forms.BooleanField(label=_("Desa pengrajin"), required=False)
    agency = AgencyField()

    SERVICE_FIELDS = (
        "name",
        "commodity",
        "raw_material",
        "description",
        "status",
        "proposed_on",
        "designated_on",
        "board_chair",
        "upt_name",
        "has_gapura",
        "has_logo",
        "has_showroom",
        "is_desa_wisata",
        "is_desa_pengrajin",
    )

    def clean_member_ids(self):
        ids = _codes(self.cleaned_data.get("member_ids") or "")
        if not all(i.isdigit() for i in ids):
            raise forms.ValidationError(_("ID anggota harus berupa angka, dipisah koma."))
        return [int(i) for i in ids]


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Nama produk"), max_length=200)
    enterprise_id = forms.IntegerField(label=_("ID IKM pembuat"), required=False)
    centre_id = forms.IntegerField(label=_("ID sentra pembuat"), required=False)
    kbli_code = KbliField(required=False)
    description = forms.CharField(
        label=_("Deskripsi"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    price_min = forms.IntegerField(label=_("Harga terendah (Rp)"), min_value=0, required=False)
    price_max = forms.IntegerField(label=_("Harga tertinggi (Rp)"), min_value=0, required=False)
    market_reach = forms.ChoiceField(label=_("Jangkauan pasar"), choices=MarketReach.choices)
    agency = AgencyField()

    SERVICE_FIELDS = ("name", "description", "price_min", "price_max", "market_reach")
