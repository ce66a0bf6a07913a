"""Forms of the coordination pages (meetings, follow-ups, agreements). They parse input only: every
rule is coordination.services', whose errors land on these fields (web.forms.add_domain_errors)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sentra.agencies.models import Agency
from sentra.coordination.calendar import zone_of_region
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
from sentra.coordination.models import MeetingSeries

from .forms import LookupInput, VersionedForm
from .templatetags.coordination_time import zone_abbreviation

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
        "series",
        "edition",
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
    # Limited to the series the user may use (selectors.series_usable) when the page prepares the form.
    series = forms.ModelChoiceField(
        label=_("Seri rapat"),
        queryset=MeetingSeries.objects.none(),
        required=False,
        empty_label=_("— tanpa seri —"),
    )
    edition = forms.IntegerField(
        label=_("Edisi"),
        min_value=1,
        max_value=32767,
        required=False,
        help_text=_("Mis. 2 untuk edisi kedua tahun itu."),
    )
    notes = forms.CharField(label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    # The organiser's region when the form has no agency to read it from (the page sets it).
    default_region: str | None = None

    def local_zone(self, host_region: str | None, agency: Agency | None) -> ZoneInfo:
        """Start and end are typed on the clock of the place the meeting is held, the rule of
        calendar.meeting_zone: the host region, else the organiser agency's region."""
        organiser_region = agency.region_id if agency is not None else self.default_region
        return zone_of_region((host_region or "").strip() or organiser_region)

    def show_zone(self, zone: ZoneInfo) -> None:
        for name in ("starts_at", "ends_at"):
            self.fields[name].help_text = _("Waktu setempat: %(zone)s") % {"zone": zone_abbreviation(zone)}

    def clean(self):
        cleaned = super().clean()
        zone = self.local_zone(cleaned.get("host_region"), cleaned.get("agency"))
        for name in ("starts_at", "ends_at"):
            if cleaned.get(name) is not None:
                # The field read the typed clock as Sentra's zone (WIB): the same clock in the host's.
                cleaned[name] = timezone.make_aware(timezone.make_naive(cleaned[name]), zone)
        self.show_zone(zone)
        return cleaned


class FullNameAgencies(forms.ModelMultipleChoiceField):
    """Agencies by their full name (short names repeat across regions: "Disperindag")."""

    def label_from_instance(self, obj) -> str:
        return obj.name


class InviteForm(forms.Form):
    agencies = FullNameAgencies(
        label=_("Instansi"),
        queryset=agencies(),
        required=False,
        # data-filter-options: web/meeting.js puts a filter box over the list (without it: the list).
        widget=forms.SelectMultiple(
            attrs={"size": 8, "data-filter-options": "", "data-filter-placeholder": _("Saring instansi…")}
        ),
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


class AgendaItemForm(forms.Form):
    order = forms.IntegerField(label=_("Urutan"), min_value=1, max_value=999, required=False)
    starts_at = forms.DateTimeField(label=_("Waktu"), required=False, **DATETIME)
    title = forms.CharField(label=_("Acara"), max_length=300)
    presenter = forms.CharField(label=_("Penyaji"), max_length=200, required=False)


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Keputusan/kesimpulan"), widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpCreateForm(forms.Form):
    decision = forms.TypedChoiceField(label=_("Keputusan"), coerce=int)
    owner = forms.ModelChoiceField(label=_("Instansi pemilik"), queryset=agencies())
    owner_person = forms.CharField(label=_("Penanggung jawab"), max_length=150, required=False)
    description = forms.CharField(label=_("Tindak lanjut"), widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("Tenggat"), **DATE)


class FollowUpStatusForm(VersionedForm):
    """Status and evidence. The evidence selects and lookups carry ids (the page sets the choices the
    user may read); the service answers an id the user does not read with `unknown_reference`."""

    status = forms.ChoiceField(
        label=_("Status"), choices=FollowUpStatus.choices, widget=forms.Select(attrs={"data-drop-status": ""})
    )
    drop_reason = forms.CharField(
        label=_("Alasan dibatalkan"),
        widget=forms.Textarea(attrs={"rows": 2, "data-drop-reason": ""}),
        required=False,
    )
    evidence_activity = forms.IntegerField(label=_("Bukti: kegiatan"), required=False, widget=forms.Select)
    evidence_agreement = forms.IntegerField(label=_("Bukti: kerja sama"), required=False, widget=forms.Select)
    evidence_centre = forms.CharField(
        label=_("Bukti: sentra"),
        max_length=250,
        required=False,
        widget=LookupInput(reverse_lazy("web:lookup_centres")),
        help_text=_("Ketik nama sentra lalu pilih dari saran, atau tulis #ID."),
    )
    evidence_enterprise = forms.CharField(
        label=_("Bukti: IKM"),
        max_length=250,
        required=False,
        widget=LookupInput(reverse_lazy("web:lookup_enterprises")),
        help_text=_("Ketik nama atau NIB lalu pilih dari saran, atau tulis #ID."),
    )
    evidence_url = forms.URLField(
        label=_("Bukti: tautan"), max_length=500, required=False, assume_scheme="https"
    )

    def set_evidence_choices(self, activities, agreements) -> None:
        blank = [("", "—")]
        self.fields["evidence_activity"].widget.choices = blank + [
            (a.pk, f"{a.code} {a.name}".strip()) for a in activities
        ]
        self.fields["evidence_agreement"].widget.choices = blank + [
            (a.pk, f"{a.get_kind_display()}: {a.title}") for a in agreements
        ]


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
