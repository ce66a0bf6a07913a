"""Forms of the coordination pages (meetings, follow-ups, agreements). They parse input only: every
rule is coordination.services', whose errors land on these fields (web.forms.add_domain_errors)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sentra.agencies.models import Agency
from sentra.coordination.choices import (
    AgreementFunding,
    AgreementKind,
    AgreementStatus,
    Attendance,
    FollowUpStatus,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    PartyKind,
)

from .forms import VersionedForm

DATE = {"widget": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}
DATETIME = {
    "widget": forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
}


def _blank(choices):
    return [("", _("Semua")), *choices]


def agencies():
    return Agency.objects.order_by("name")


class MeetingFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Jenis rapat"), choices=_blank(MeetingKind.choices), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_blank(MeetingStatus.choices), required=False)
    region = forms.CharField(label=_("Kode wilayah"), required=False, max_length=13)
    tahun = forms.IntegerField(label=_("Tahun"), required=False, min_value=2000, max_value=2100)


class FollowUpFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    owner = forms.ModelChoiceField(label=_("Instansi pemilik"), queryset=agencies(), required=False)
    region = forms.CharField(label=_("Kode wilayah"), required=False, max_length=13)
    status = forms.ChoiceField(label=_("Status"), choices=_blank(FollowUpStatus.choices), required=False)
    overdue = forms.ChoiceField(
        label=_("Tenggat"),
        choices=[("", _("Semua")), ("1", _("Terlambat")), ("0", _("Tidak terlambat"))],
        required=False,
    )


class AgreementFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Jenis"), choices=_blank(AgreementKind.choices), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_blank(AgreementStatus.choices), required=False)
    region = forms.CharField(label=_("Kode wilayah"), required=False, max_length=13)
    expiring = forms.ChoiceField(
        label=_("Berakhir dalam"),
        choices=[("", _("Semua")), ("30", _("30 hari")), ("90", _("90 hari"))],
        required=False,
    )


class MeetingForm(VersionedForm):
    SERVICE_FIELDS = (
        "kind",
        "title",
        "theme",
        "venue",
        "starts_at",
        "ends_at",
        "mode",
        "online_link",
        "notes",
    )

    agency = forms.ModelChoiceField(label=_("Penyelenggara"), queryset=agencies(), required=False)
    co_organisers = forms.ModelMultipleChoiceField(
        label=_("Penyelenggara bersama"),
        queryset=agencies(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    kind = forms.ChoiceField(label=_("Jenis rapat"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Judul"), max_length=300)
    theme = forms.CharField(label=_("Tema"), max_length=300, required=False)
    host_region = forms.CharField(
        label=_("Wilayah tuan rumah"), max_length=13, required=False, help_text=_("Kode wilayah, mis. 53.04.")
    )
    venue = forms.CharField(label=_("Tempat"), max_length=300, required=False)
    starts_at = forms.DateTimeField(label=_("Mulai"), **DATETIME)
    ends_at = forms.DateTimeField(label=_("Selesai"), **DATETIME)
    mode = forms.ChoiceField(label=_("Bentuk"), choices=MeetingMode.choices)
    online_link = forms.URLField(
        label=_("Tautan ruang daring"), max_length=500, required=False, assume_scheme="https"
    )
    notes = forms.CharField(label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class InviteForm(forms.Form):
    agencies = forms.ModelMultipleChoiceField(
        label=_("Instansi"),
        queryset=agencies(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    every_regency_of = forms.RegexField(
        label=_("Setiap kabupaten/kota provinsi (kode)"), regex=r"^\d{2}$", required=False, max_length=2
    )
    every_province = forms.BooleanField(label=_("Setiap provinsi"), required=False)


class ParticipantForm(forms.Form):
    name = forms.CharField(label=_("Nama"), max_length=150)
    position = forms.CharField(label=_("Jabatan"), max_length=200, required=False)
    agency = forms.ModelChoiceField(label=_("Instansi"), queryset=agencies(), required=False)
    organisation = forms.CharField(label=_("Lembaga lain"), max_length=200, required=False)
    contact = forms.CharField(label=_("Kontak"), max_length=150, required=False)
    attendance = forms.ChoiceField(
        label=_("Kehadiran"), choices=Attendance.choices, initial=Attendance.PRESENT
    )
    represented_by = forms.CharField(label=_("Diwakili oleh"), max_length=150, required=False)


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Keputusan/kesimpulan"), widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpCreateForm(forms.Form):
    decision = forms.TypedChoiceField(label=_("Keputusan"), coerce=int)
    owner = forms.ModelChoiceField(label=_("Instansi pemilik"), queryset=agencies())
    owner_person = forms.CharField(label=_("Penanggung jawab"), max_length=150, required=False)
    description = forms.CharField(label=_("Tindak lanjut"), widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("Tenggat"), **DATE)


class FollowUpStatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUpStatus.choices)
    drop_reason = forms.CharField(
        label=_("Alasan dibatalkan"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    evidence_url = forms.URLField(
        label=_("Bukti: tautan"), max_length=500, required=False, assume_scheme="https"
    )


class NoteForm(forms.Form):
    noted_on = forms.DateField(label=_("Tanggal"), required=False, **DATE)
    text = forms.CharField(label=_("Perkembangan"), widget=forms.Textarea(attrs={"rows": 2}))


class AgreementForm(VersionedForm):
    SERVICE_FIELDS = (
        "kind",
        "title",
        "signed_on",
        "signed_place",
        "scope",
        "objectives",
        "valid_from",
        "valid_until",
        "status",
        "funding",
    )

    agency = forms.ModelChoiceField(label=_("Instansi pemilik"), queryset=agencies(), required=False)
    kind = forms.ChoiceField(label=_("Jenis"), choices=AgreementKind.choices)
    title = forms.CharField(label=_("Judul"), max_length=300)
    parent = forms.TypedChoiceField(label=_("MoU induk / perjanjian yang diubah"), coerce=int, required=False)
    signed_on = forms.DateField(label=_("Tanggal penandatanganan"), required=False, **DATE)
    signed_place = forms.CharField(label=_("Tempat penandatanganan"), max_length=200, required=False)
    scope = forms.CharField(
        label=_("Ruang lingkup"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    objectives = forms.CharField(
        label=_("Maksud dan tujuan"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    valid_from = forms.DateField(label=_("Berlaku mulai"), **DATE)
    valid_until = forms.DateField(label=_("Berlaku sampai"), required=False, **DATE)
    status = forms.ChoiceField(label=_("Status"), choices=AgreementStatus.choices)
    funding = forms.ChoiceField(label=_("Pendanaan"), choices=AgreementFunding.choices, required=False)


class PartyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis pihak"), choices=PartyKind.choices)
    agency = forms.ModelChoiceField(label=_("Instansi"), queryset=agencies(), required=False)
    name = forms.CharField(label=_("Nama pihak"), max_length=200, required=False)
    region = forms.CharField(label=_("Kode wilayah pihak"), max_length=13, required=False)
    document_number = forms.CharField(label=_("Nomor dokumen pihak"), max_length=120, required=False)
    signatory = forms.CharField(label=_("Penanda tangan"), max_length=150, required=False)
    signatory_position = forms.CharField(label=_("Jabatan penanda tangan"), max_length=200, required=False)
