"""Forms of the plan and budget pages. They only parse input; programmes/services.py decides what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sentra.programmes.choices import AccountGroup, ActivityKind, FundingSource, Month
from sentra.programmes.models import RPD_FIELDS, DeviationRule
from sentra.verification.models import VerificationStatus

from .forms import AgencyField, VersionedForm

DATE = {"widget": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}  # what <input type=date> reads
# A DIPA for APBN, dekonsentrasi and tugas pembantuan; the equivalent document (DPA, agreement) otherwise.
DOCUMENT_KINDS = FundingSource.choices


def _codes(text: str) -> list[str]:
    return [c.strip() for c in (text or "").replace("\n", ",").split(",") if c.strip()]


class IdsField(forms.TypedMultipleChoiceField):
    """Checked registry records: any integer may be posted; the service checks it is in scope."""

    def __init__(self, **kwargs):
        super().__init__(coerce=int, required=False, **kwargs)

    def valid_value(self, value) -> bool:
        return str(value).isdigit()


class PlanFilterForm(forms.Form):
    tahun = forms.IntegerField(label=_("Tahun anggaran"), required=False, min_value=2000, max_value=2100)
    q = forms.CharField(label=_("Cari"), required=False)
    region = forms.CharField(label=_("Kode wilayah"), required=False, max_length=13)
    kind = forms.ChoiceField(
        label=_("Jenis kegiatan"), required=False, choices=[("", _("Semua jenis")), *ActivityKind.choices]
    )
    funding_source = forms.ChoiceField(
        label=_("Sumber dana"), required=False, choices=[("", _("Semua sumber dana")), *FundingSource.choices]
    )
    verification = forms.ChoiceField(
        label=_("Status verifikasi"),
        required=False,
        choices=[("", _("Semua status verifikasi")), *VerificationStatus.choices],
    )
    sort = forms.CharField(required=False)


class ProgrammeForm(VersionedForm):
    fiscal_year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    code = forms.CharField(label=_("Kode program"), max_length=40)
    name = forms.CharField(label=_("Nama program"), max_length=250)
    agency = AgencyField()


class ActivityForm(VersionedForm):
    programme = forms.TypedChoiceField(label=_("Program"), coerce=int)
    code = forms.CharField(label=_("Kode kegiatan"), max_length=40)
    name = forms.CharField(label=_("Nama kegiatan"), max_length=250)
    kind = forms.ChoiceField(label=_("Jenis kegiatan"), choices=ActivityKind.choices)
    funding_source = forms.ChoiceField(label=_("Sumber dana"), choices=FundingSource.choices)
    description = forms.CharField(label=_("Uraian"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    start_date = forms.DateField(label=_("Mulai"), required=False, **DATE)
    end_date = forms.DateField(label=_("Selesai"), required=False, **DATE)
    plan_reference = forms.CharField(
        label=_("Indikator RPJMD/Renstra"),
        max_length=300,
        required=False,
        help_text=_("Indikator rencana daerah yang didukung kegiatan ini."),
    )
    officer_name = forms.CharField(
        label=_("Penanggung jawab"),
        max_length=150,
        required=False,
        help_text=_("Pejabat/petugas yang bertanggung jawab atas kegiatan, mis. PPK atau kepala bidang."),
    )
    # SAKTI coding (programmes.sakti checks the shapes in the service, with stable codes).
    kegiatan_code = forms.CharField(
        label=_("Kode kegiatan SAKTI"), max_length=20, required=False, help_text=_("4 digit, mis. 5305.")
    )
    kro_code = forms.CharField(label=_("Kode KRO"), max_length=20, required=False, help_text=_("Mis. RBS."))
    ro_code = forms.CharField(
        label=_("Kode RO"), max_length=20, required=False, help_text=_("3 digit, mis. 001.")
    )
    component_code = forms.CharField(
        label=_("Kode komponen"), max_length=20, required=False, help_text=_("3 digit, mis. 051.")
    )
    location_codes = forms.CharField(
        label=_("Lokasi (kode wilayah)"),
        required=False,
        help_text=_("Satu atau lebih kode wilayah, dipisah koma, misalnya 64.09, 64.09.01.1002."),
    )
    centres = IdsField(label=_("Sentra penerima"))
    enterprises = IdsField(label=_("IKM penerima"))

    SERVICE_FIELDS = (
        "code",
        "name",
        "kind",
        "funding_source",
        "description",
        "start_date",
        "end_date",
        "plan_reference",
        "officer_name",
        "kegiatan_code",
        "kro_code",
        "ro_code",
        "component_code",
    )

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [
            (p.pk, f"{p.fiscal_year} · {p.code} {p.name}") for p in programmes
        ]

    def clean_location_codes(self):
        return _codes(self.cleaned_data.get("location_codes") or "")


class OutputForm(forms.Form):
    indicator = forms.CharField(label=_("Indikator keluaran"), max_length=250)
    unit = forms.CharField(label=_("Satuan"), max_length=40)
    target = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2, min_value=0)


class CopyPlanForm(forms.Form):
    agency = AgencyField()
    from_year = forms.IntegerField(label=_("Dari tahun"), min_value=2000, max_value=2100)
    to_year = forms.IntegerField(label=_("Ke tahun"), min_value=2000, max_value=2100)


class BudgetDocumentForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Sumber dana"), choices=DOCUMENT_KINDS)
    number = forms.CharField(label=_("Nomor DIPA/DPA/perjanjian"), max_length=80)
    issued_on = forms.DateField(label=_("Tanggal dokumen"), **DATE)
    agency = AgencyField()


class BudgetLineForm(forms.Form):
    activity = forms.TypedChoiceField(label=_("Kegiatan"), coerce=int)
    account_group = forms.ChoiceField(label=_("Jenis belanja"), choices=AccountGroup.choices)
    account_code = forms.CharField(
        label=_("Kode akun SAKTI"),
        max_length=20,
        required=False,
        help_text=_("6 digit; dua digit pertama sama dengan jenis belanja, mis. 526111."),
    )
    amount = forms.IntegerField(label=_("Pagu (Rp)"), min_value=0)

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [
            (a.pk, f"{a.code} {a.name} ({a.get_funding_source_display()})") for a in activities
        ]


class BudgetReviseForm(forms.Form):
    """The revision's number and date; the changed amounts are read per line by the view."""

    revision_number = forms.CharField(label=_("Nomor revisi"), max_length=80)
    revised_on = forms.DateField(label=_("Tanggal revisi"), **DATE)
    reason = forms.CharField(label=_("Alasan revisi"), max_length=500, required=False)
    new_activity = forms.TypedChoiceField(
        label=_("Pagu baru: kegiatan"), coerce=int, required=False, empty_value=None
    )
    new_account_group = forms.ChoiceField(
        label=_("Pagu baru: jenis belanja"), choices=[("", "—"), *AccountGroup.choices], required=False
    )
    new_amount = forms.IntegerField(label=_("Pagu baru (Rp)"), min_value=0, required=False)

    def __init__(self, *args, lines=(), activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.line_fields = []
        for line in lines:
            name = f"line_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"{line.activity.code} · {line.get_account_group_display()}",
                min_value=0,
                required=False,
                initial=line.amount,
                help_text=_("Kosong: tidak berubah."),
            )
            self.line_fields.append((name, line))
        self.fields["new_activity"].choices = [("", "—")] + [(a.pk, f"{a.code} {a.name}") for a in activities]

    def clean(self):
        data = super().clean()
        new = [data.get("new_activity"), data.get("new_account_group"), data.get("new_amount")]
        if any(v not in (None, "") for v in new) and not all(v not in (None, "") for v in new):
            raise forms.ValidationError(_("Pagu baru perlu kegiatan, jenis belanja dan jumlahnya."))
        return data


class DisbursementPlanForm(VersionedForm):
    reason = forms.CharField(label=_("Alasan perubahan"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, name in enumerate(RPD_FIELDS, start=1):
            self.fields[name] = forms.IntegerField(label=Month(number).label, min_value=0, initial=0)
        self.fields["months"] = forms.CharField(required=False, widget=forms.HiddenInput)  # RPD-sum errors

    def months(self) -> list[int]:
        return [self.cleaned_data.get(name) or 0 for name in RPD_FIELDS]


class BudgetLineBlockForm(VersionedForm):
    """The blokir of a budget line: loose on purpose, programmes/services.py checks the amount."""

    blocked = forms.IntegerField(
        label=_("Blokir (Rp)"),
        min_value=0,
        help_text=_(
            "Bagian pagu yang diblokir; penyerapan diukur terhadap pagu dikurangi blokir. 0: tanpa blokir."
        ),
    )
    reason = forms.CharField(label=_("Alasan perubahan"), max_length=500, required=False)


class DekonAllocationForm(forms.Form):
    total = forms.IntegerField(label=_("Total alokasi (Rp)"), min_value=0)
    legal_basis = forms.CharField(label=_("Dasar hukum"), max_length=200, required=False)
    shares = forms.CharField(required=False, widget=forms.HiddenInput)  # unbalanced-total errors

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.share_fields = []
        for province in provinces:
            name = f"share_{province.code}"
            self.fields[name] = forms.IntegerField(label=province.name, min_value=0, required=False)
            self.share_fields.append((name, province))

    def share_values(self) -> dict[str, int]:
        return {p.code: self.cleaned_data.get(name) or 0 for name, p in self.share_fields}


class BudgetPolicyForm(forms.Form):
    """A year's control settings. Loose on purpose: programmes/services.py checks the values."""

    target_q1 = forms.IntegerField(label=_("Target penyerapan TW I (%)"))
    target_q2 = forms.IntegerField(label=_("Target penyerapan TW II (%)"))
    target_q3 = forms.IntegerField(label=_("Target penyerapan TW III (%)"))
    target_q4 = forms.IntegerField(label=_("Target penyerapan TW IV (%)"))
    deviation_rule = forms.ChoiceField(
        label=_("Aturan deviasi RPD"),
        choices=DeviationRule.choices,
        help_text=_(
            "Deviasi dihitung per jenis belanja lalu digabung: tertimbang pagu (PER-5/PB/2024, sejak "
            "2024) atau rata-rata sederhana (aturan 2022, untuk tahun sebelumnya)."
        ),
    )
    target_51 = forms.CharField(label=_("Target belanja 51 (TW I–IV, %)"), required=False)
    target_52 = forms.CharField(label=_("Target belanja 52 (TW I–IV, %)"), required=False)
    target_53 = forms.CharField(label=_("Target belanja 53 (TW I–IV, %)"), required=False)
    target_57 = forms.CharField(
        label=_("Target belanja 57 (TW I–IV, %)"),
        required=False,
        help_text=_("Empat angka dipisah koma, mis. 10,35,60,90; kosong: target umum di atas."),
    )
    rpd_window_q1 = forms.DateField(
        label=_("Batas revisi RPD TW I"), widget=forms.DateInput(attrs={"type": "date"})
    )
    rpd_window_q2 = forms.DateField(
        label=_("Batas revisi RPD TW II"), widget=forms.DateInput(attrs={"type": "date"})
    )
    rpd_window_q3 = forms.DateField(
        label=_("Batas revisi RPD TW III"), widget=forms.DateInput(attrs={"type": "date"})
    )
    rpd_window_q4 = forms.DateField(
        label=_("Batas revisi RPD TW IV"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("RPD boleh direvisi sekali per triwulan, dari awal triwulan sampai tanggal batasnya."),
    )
    lag_threshold = forms.IntegerField(
        label=_("Ambang keterlambatan (poin %)"),
        help_text=_(
            "Kegiatan masuk daftar peringatan dini bila realisasinya tertinggal dari RPD lebih dari ini."
        ),
    )
    reason = forms.CharField(label=_("Alasan perubahan"), max_length=500, required=False)

    TYPE_GROUPS = ("51", "52", "53", "57")

    def targets(self) -> list[int | None]:
        return [self.cleaned_data.get(f"target_q{q}") for q in range(1, 5)]

    def window_dates(self) -> list:
        return [self.cleaned_data.get(f"rpd_window_q{q}") for q in range(1, 5)]

    def type_targets(self) -> dict[str, list[str]]:
        """{"53": ["5", "30", "60", "95"]} from "5, 30, 60, 95"; the service checks the numbers."""
        out = {}
        for group in self.TYPE_GROUPS:
            text = (self.cleaned_data.get(f"target_{group}") or "").replace(";", ",")
            values = [part.strip() for part in text.split(",") if part.strip()]
            if values:
                out[group] = values
        return out

    @staticmethod
    def type_target_initial(policy) -> dict[str, str]:
        return {f"target_{g}": ", ".join(str(v) for v in t) for g, t in (policy.type_targets or {}).items()}
