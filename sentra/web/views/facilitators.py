"""Field facilitator (TPL-IKM) pages at /pendamping/ (issue 16): the facilitators, their contracts with
the renewal chain, placements and caseload, and the visits they record — lists with search, filters,
sorting, pagination and export, forms, history and restore from the generic layer (web/generic.py: the
types are declared below and get their routes from `record_urls`); the detail pages, with the forms of
a facilitator's placements and caseload, are views of their own.

Reads go through facilitators/filtersets.py (the lists' filters, shared with the API) on top of the
scope rule of facilitators/selectors.py: a facilitator sees only their own record and work, a Dinas its
regency's facilitators, a province its regencies'; anything else answers 404. Writes go through
facilitators/services.py (a rule answers on its field). Visits are written by the phone app and the
visit API (facilitators/visits.py); here they are only shown. The identity number (NIK) is in no list
and no export: the detail page shows it to managers only on request, read through
selectors.identity_number_for, which logs every reading (UU 27/2022 PDP).
"""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, actor_for_request, require_record, within_region_q
from sentra.agencies.models import Agency
from sentra.coordination import selectors as coordination_selectors
from sentra.coordination.models import Meeting
from sentra.core.errors import AccessDenied, DomainError, NotFound
from sentra.core.exports import Column, csv_response, xlsx_response
from sentra.facilitators import filtersets, selectors, services
from sentra.facilitators.choices import (
    ContractParty,
    Education,
    FacilitatorStatus,
    Polytechnic,
    Sex,
)
from sentra.facilitators.filtersets import (
    CONTRACT_FILTERS,
    EXPIRING_DAYS,
    FACILITATOR_FILTERS,
    VISIT_FILTERS,
)
from sentra.facilitators.models import Contract, Facilitator, VisitPhoto
from sentra.programmes.models import BudgetLine
from sentra.regions.models import Region

from ..forms import VersionedForm, add_domain_errors, resolve_centre, resolve_enterprise
from ..generic import RecordType, list_templates, register, titled_form_extra
from . import coordination  # noqa: F401 (registered first: the earlier parts' types lead every list of types)

DATE = {"widget": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}
FORM_TEMPLATE = "web/facilitators/form.html"
LATEST_VISITS = 10
MEETING_CHOICES = 300


def may_manage(actor: Actor) -> bool:
    """Whether the actor manages facilitators (the Dinas, the province, the ministry): a facilitator
    records their own visits but never their own record, contract, placement or caseload."""
    return actor.can(Action.CREATE, Area.FACILITATORS) and services.is_manager(actor)


def _require_manager(actor: Actor) -> None:
    if not may_manage(actor):
        raise AccessDenied(_("Hanya Dinas, provinsi atau kementerian yang mengelola data pendamping."))


def _managed(actor: Actor, obj) -> None:
    """A record's edit check: the scope rule and the role (require_record), then a manager."""
    require_record(actor, Action.EDIT, obj)
    _require_manager(actor)


def _exporter(name: str, columns: list[Column]):
    def export(key: str, qs, *, fmt: str, title: str):
        rows = qs.iterator(chunk_size=2000)
        if fmt == "xlsx":
            return xlsx_response(name, rows, columns, sheet_title=title)
        return csv_response(name, rows, columns)

    return export


def _list_extra(actor: Actor) -> dict:
    return {"may_manage": may_manage(actor), "today": filtersets.today()}


_form_extra = titled_form_extra  # form titles name the record as %(name)s (web/generic.py)


FACILITATOR_PAGES = {"area": Area.FACILITATORS, "verified": False, "template_dir": "web/facilitators"}


_templates = partial(list_templates, "web/facilitators")


def _region_code(form, field: str, *, level: int = Region.Level.REGENCY) -> Region | None:
    """The regency/city a code field names (64.09), or the field's error."""
    code = (form.cleaned_data.get(field) or "").strip()
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None or region.level != level:
        form.add_error(field, _("Kode kabupaten/kota “%(code)s” tidak dikenal.") % {"code": code})
        return None
    return region


# --- facilitators --------------------------------------------------------------------------------------


class FacilitatorForm(VersionedForm):
    SERVICE_FIELDS = (
        "name",
        "sex",
        "birth_year",
        "education",
        "polytechnic",
        "study_programme",
        "phone",
        "email",
        "cohort",
        "scholarship_programme",
        "notes",
    )

    name = forms.CharField(label=gettext_lazy("Nama"), max_length=150)
    sex = forms.ChoiceField(label=gettext_lazy("Jenis kelamin"), choices=Sex.choices)
    birth_year = forms.IntegerField(label=gettext_lazy("Tahun lahir"), required=False)
    education = forms.ChoiceField(label=gettext_lazy("Pendidikan"), choices=Education.choices)
    polytechnic = forms.ChoiceField(
        label=gettext_lazy("Politeknik"), choices=[("", "—"), *Polytechnic.choices], required=False
    )
    study_programme = forms.CharField(label=gettext_lazy("Program studi"), max_length=150, required=False)
    cohort = forms.IntegerField(label=gettext_lazy("Angkatan"), help_text=gettext_lazy("Tahun, mis. 2014."))
    scholarship_programme = forms.CharField(
        label=gettext_lazy("Program beasiswa"), max_length=150, required=False
    )
    home_region = forms.CharField(
        label=gettext_lazy("Kode kabupaten/kota asal"),
        max_length=5,
        help_text=gettext_lazy("Kode Kemendagri, mis. 64.09 (Penajam Paser Utara)."),
    )
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Dinas pembina"), queryset=Agency.objects.order_by("name"), required=False
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=FacilitatorStatus.choices)
    phone = forms.CharField(label=gettext_lazy("Telepon"), max_length=30, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    user = forms.CharField(
        label=gettext_lazy("Akun pengguna (nama pengguna)"),
        max_length=150,
        required=False,
        help_text=gettext_lazy("Akun dengan peran pendamping lapangan; kosongkan bila belum ada."),
    )
    identity_number = forms.CharField(
        label=gettext_lazy("NIK"),
        max_length=16,
        required=False,
        help_text=gettext_lazy(
            "16 angka; hanya bila perlu (UU 27/2022 PDP). Pada perubahan data, kosongkan bila tidak diganti."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    notes = forms.CharField(
        label=gettext_lazy("Catatan"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


def _facilitator_initial(facilitator: Facilitator) -> dict:
    initial = {name: getattr(facilitator, name) for name in FacilitatorForm.SERVICE_FIELDS}
    initial.update(
        home_region=facilitator.home_region_id,
        agency=facilitator.agency_id,
        status=facilitator.status,
        user=facilitator.user.username if facilitator.user_id else "",
        identity_number="",  # never shown in a form: the detail page reads it on request, logged
    )
    return initial


def _account(form):
    username = (form.cleaned_data.get("user") or "").strip()
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        form.add_error("user", _("Akun “%(name)s” tidak ada.") % {"name": username})
    return user


def _facilitator_save(form, actor: Actor, facilitator):
    cd = form.cleaned_data
    data = {name: cd[name] for name in FacilitatorForm.SERVICE_FIELDS}
    home_region = _region_code(form, "home_region")
    user = _account(form)
    if form.errors:
        return None
    if cd["identity_number"]:
        data["identity_number"] = cd["identity_number"]
    if facilitator is None:
        return services.facilitator_create(
            actor=actor,
            agency=cd.get("agency"),
            home_region=home_region,
            user=user,
            status=cd["status"],
            **data,
        )
    services.facilitator_update(
        actor=actor,
        facilitator=facilitator,
        expected_version=form.expected_version,
        home_region=home_region,
        user=user,
        status=cd["status"],
        **data,
    )
    return facilitator


def _facilitator_prepare(form, actor: Actor, facilitator):
    _require_manager(actor)
    if not (actor.is_national or actor.is_superuser):
        form.fields["agency"].queryset = Agency.objects.filter(pk=actor.agency_id)
        form.fields["agency"].empty_label = None
    if facilitator is not None:
        form.fields["agency"].disabled = True
    return form


FACILITATOR_COLUMNS = [
    Column("ID", lambda o: o.pk),
    Column("Nama", lambda o: o.name),
    Column("Jenis kelamin", lambda o: o.get_sex_display()),
    Column("Tahun lahir", lambda o: o.birth_year),
    Column("Pendidikan", lambda o: o.get_education_display()),
    Column("Politeknik", lambda o: o.get_polytechnic_display()),
    Column("Program studi", lambda o: o.study_programme),
    Column("Angkatan", lambda o: o.cohort),
    Column("Program beasiswa", lambda o: o.scholarship_programme),
    Column("Kode kab/kota asal", lambda o: o.home_region_id),
    Column("Kode provinsi penempatan", lambda o: o.province_code),
    Column("Kode kab/kota penempatan", lambda o: o.regency_code),
    Column("Dinas pembina", lambda o: o.agency.name),
    Column("Status", lambda o: o.get_status_display()),
    Column("Telepon", lambda o: o.phone),
    Column("E-mail", lambda o: o.email),
]

FACILITATOR = register(
    RecordType(
        key="facilitator",
        title=gettext_lazy("Pendamping lapangan (TPL-IKM)"),
        slug="pendamping",
        **FACILITATOR_PAGES,
        list_fn=filtersets.facilitator_list,
        get_fn=filtersets.facilitator_get,
        filter_set=FACILITATOR_FILTERS,
        **_templates("facilitator"),
        list_extra=_list_extra,
        export_fn=_exporter("sentra-pendamping", FACILITATOR_COLUMNS),
        form_class=FacilitatorForm,
        form_template=FORM_TEMPLATE,
        initial=_facilitator_initial,
        new_initial=lambda actor: {"agency": actor.agency_id, "status": FacilitatorStatus.ACTIVE},
        may_edit=_managed,
        prepare_form=_facilitator_prepare,
        form_extra=_form_extra(
            gettext_lazy("Tambah pendamping"),
            gettext_lazy("Ubah data %(name)s"),
            "web:facilitator_list",
            "web:facilitator_detail",
        ),
        save=_facilitator_save,
        saved_message=gettext_lazy("Data pendamping “%(name)s” tersimpan."),
    )
)


def _identity_number(request, actor: Actor, facilitator: Facilitator) -> dict:
    """The NIK only when a manager asks for it (?nik=1): every reading is logged by the selector."""
    if not facilitator.identity_number or not selectors.may_read_identity_number(actor, facilitator):
        return {"may_read_identity": False, "identity_number": None}
    shown = selectors.identity_number_for(actor, facilitator) if request.GET.get("nik") == "1" else None
    return {"may_read_identity": True, "identity_number": shown}


class ContactForm(forms.Form):
    """What a facilitator corrects in their own record (services.OWN_CONTACT_FIELDS)."""

    phone = forms.CharField(label=gettext_lazy("Telepon"), max_length=30, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    study_programme = forms.CharField(label=gettext_lazy("Program studi"), max_length=150, required=False)


class PlacementForm(forms.Form):
    region = forms.CharField(
        label=gettext_lazy("Kode kabupaten/kota penempatan"),
        max_length=5,
        help_text=gettext_lazy("Mis. 64.09."),
    )
    host_agency = forms.ModelChoiceField(
        label=gettext_lazy("Dinas penempatan"), queryset=Agency.objects.order_by("name")
    )
    supervisor = forms.CharField(
        label=gettext_lazy("Pembimbing (nama pengguna)"), max_length=150, required=False
    )
    starts_on = forms.DateField(label=gettext_lazy("Mulai"), **DATE)
    ends_on = forms.DateField(label=gettext_lazy("Berakhir"), required=False, **DATE)


class EndForm(forms.Form):
    ends_on = forms.DateField(label=gettext_lazy("Tanggal berakhir"), **DATE)
    reason = forms.CharField(label=gettext_lazy("Alasan"), max_length=500, required=False)


class AssignmentForm(forms.Form):
    centre = forms.CharField(
        label=gettext_lazy("Sentra IKM"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("ID sentra (#12) atau namanya."),
    )
    enterprise = forms.CharField(
        label=gettext_lazy("IKM"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("NIB, ID (#12) atau nama IKM."),
    )
    starts_on = forms.DateField(label=gettext_lazy("Mulai"), **DATE)


def _host_agencies(form, actor: Actor):
    if not (actor.is_national or actor.is_superuser) and actor.region_code:
        form.fields["host_agency"].queryset = Agency.objects.filter(
            within_region_q(actor, "region_id")
        ).order_by("name")
    return form


def _facilitator_page(request, actor: Actor, facilitator: Facilitator, status: int = 200, **forms_):
    today = filtersets.today()
    contracts = list(
        facilitator.contracts.select_related("previous", "party_agency").order_by("period_start", "pk")
    )
    renewed = {c.previous_id for c in contracts if c.previous_id}
    assignments = list(
        facilitator.assignments.select_related("centre", "enterprise").order_by("-starts_on", "-pk")
    )
    manager = may_manage(actor) and _may_change(actor, facilitator)
    context = {
        "facilitator": facilitator,
        "obj": facilitator,
        "today": today,
        "may_manage": manager,
        "current_placement": selectors.current_placement(facilitator),
        "placements": facilitator.placements.select_related("region", "host_agency", "supervisor").order_by(
            "-starts_on", "-pk"
        ),
        "contracts": contracts,
        "renewed": renewed,
        "active_assignments": [a for a in assignments if a.ends_on is None],
        "ended_assignments": [a for a in assignments if a.ends_on is not None],
        "visits": facilitator.visits.select_related("village").order_by("-visited_at", "-pk")[:LATEST_VISITS],
        "visit_count": facilitator.visits.count(),
        "reports": facilitator.reports.order_by("-month", "-pk")[:12],
        "placement_form": forms_.get("placement_form") or PlacementForm(),
        "assignment_form": forms_.get("assignment_form") or AssignmentForm(initial={"starts_on": today}),
        "end_form": EndForm(initial={"ends_on": today}),
        "own_record": facilitator.user_id is not None and facilitator.user_id == actor.user_id,
        "contact_form": forms_.get("contact_form")
        or ContactForm(initial={k: getattr(facilitator, k) for k in ("phone", "email", "study_programme")}),
        "expiring_days": EXPIRING_DAYS,
        **_identity_number(request, actor, facilitator),
    }
    if manager:
        _host_agencies(context["placement_form"], actor)
    return render(request, "web/facilitators/facilitator_detail.html", context, status=status)


def _may_change(actor: Actor, record) -> bool:
    try:
        _managed(actor, record)
    except (AccessDenied, NotFound):
        return False
    return True


@login_required
@require_GET
def facilitator_detail(request, pk: int):
    actor = actor_for_request(request)
    facilitator = filtersets.facilitator_get(actor=actor, pk=pk)
    return _facilitator_page(request, actor, facilitator)


def _facilitator_post(request, pk: int, form_class, key: str, write, *, managers_only: bool = True):
    """A form posted from a facilitator's page: done → back to the page; refused → the page with errors."""
    actor = actor_for_request(request)
    facilitator = filtersets.facilitator_get(actor=actor, pk=pk)
    if managers_only:
        _managed(actor, facilitator)
    form = form_class(request.POST)
    if key == "placement_form":
        _host_agencies(form, actor)
    if form.is_valid():
        try:
            message = write(actor, facilitator, form)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            if message is not None:
                messages.success(request, message)
                return redirect("web:facilitator_detail", pk=facilitator.pk)
    return _facilitator_page(request, actor, facilitator, status=400, **{key: form})


@login_required
@require_POST
def facilitator_contact(request, pk: int):
    """A facilitator corrects their own phone, e-mail and study programme (the service says who may)."""

    def write(actor, facilitator, form):
        services.facilitator_update(actor=actor, facilitator=facilitator, **form.cleaned_data)
        return _("Kontak Anda tersimpan.")

    return _facilitator_post(request, pk, ContactForm, "contact_form", write, managers_only=False)


@login_required
@require_POST
def facilitator_placement(request, pk: int):
    def write(actor, facilitator, form):
        cd = form.cleaned_data
        region = _region_code(form, "region")
        supervisor = None
        if cd["supervisor"].strip():
            supervisor = get_user_model().objects.filter(username=cd["supervisor"].strip()).first()
            if supervisor is None:
                form.add_error("supervisor", _("Akun “%(name)s” tidak ada.") % {"name": cd["supervisor"]})
        if form.errors:
            return None
        services.placement_create(
            actor=actor,
            facilitator=facilitator,
            region=region,
            host_agency=cd["host_agency"],
            supervisor=supervisor,
            starts_on=cd["starts_on"],
            ends_on=cd["ends_on"],
        )
        return _("Penempatan di %(region)s dicatat.") % {"region": region.name}

    return _facilitator_post(request, pk, PlacementForm, "placement_form", write)


@login_required
@require_POST
def facilitator_assignment(request, pk: int):
    def write(actor, facilitator, form):
        cd = form.cleaned_data
        centre = enterprise = None
        try:
            if cd["centre"].strip():
                centre = resolve_centre(cd["centre"], actor)
        except forms.ValidationError as error:
            form.add_error("centre", error)
        try:
            if cd["enterprise"].strip():
                enterprise = resolve_enterprise(cd["enterprise"], actor)
        except forms.ValidationError as error:
            form.add_error("enterprise", error)
        if form.errors:
            return None
        assignment = services.assignment_create(
            actor=actor,
            facilitator=facilitator,
            starts_on=cd["starts_on"],
            centre=centre,
            enterprise=enterprise,
        )
        return _("%(target)s masuk binaan %(name)s.") % {
            "target": assignment.centre or assignment.enterprise,
            "name": facilitator.name,
        }

    return _facilitator_post(request, pk, AssignmentForm, "assignment_form", write)


def _end(request, record, end, detail_pk: int, done_message: str):
    actor = actor_for_request(request)
    _managed(actor, record)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Isi tanggal berakhir."))
    else:
        try:
            end(
                actor=actor,
                ends_on=form.cleaned_data["ends_on"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            messages.error(request, error.errors[0].message if error.errors else error.message)
        else:
            messages.success(request, done_message)
    return redirect("web:facilitator_detail", pk=detail_pk)


@login_required
@require_POST
def placement_end(request, pk: int):
    actor = actor_for_request(request)
    placement = filtersets.placement_get(actor=actor, pk=pk)

    def end(**kwargs):
        services.placement_end(placement=placement, **kwargs)

    return _end(request, placement, end, placement.facilitator_id, _("Penempatan diakhiri."))


@login_required
@require_POST
def assignment_end(request, pk: int):
    actor = actor_for_request(request)
    assignment = filtersets.assignment_get(actor=actor, pk=pk)

    def end(**kwargs):
        services.assignment_end(assignment=assignment, **kwargs)

    return _end(
        request, assignment, end, assignment.facilitator_id, _("Binaan diakhiri; riwayatnya tetap tersimpan.")
    )


# --- contracts -----------------------------------------------------------------------------------------


class ContractForm(VersionedForm):
    SERVICE_FIELDS = (
        "number",
        "party",
        "party_agency",
        "signed_on",
        "signed_place",
        "contract_year",
        "period_start",
        "period_end",
        "funding_source",
        "honorarium",
        "operating_costs",
        "notes",
    )

    facilitator = forms.ModelChoiceField(
        label=gettext_lazy("Pendamping"), queryset=Facilitator.objects.none()
    )
    number = forms.CharField(
        label=gettext_lazy("Nomor kontrak"),
        max_length=80,
        help_text=gettext_lazy("Mis. 3.8.2 /IKM/KK/1/2018."),
    )
    party = forms.ChoiceField(label=gettext_lazy("Pihak pemberi kontrak"), choices=ContractParty.choices)
    party_agency = forms.ModelChoiceField(
        label=gettext_lazy("Instansi pemberi kontrak"),
        queryset=Agency.objects.order_by("name"),
        required=False,
    )
    signed_on = forms.DateField(label=gettext_lazy("Tanggal penandatanganan"), required=False, **DATE)
    signed_place = forms.CharField(
        label=gettext_lazy("Tempat penandatanganan"), max_length=200, required=False
    )
    signed_at_meeting = forms.TypedChoiceField(
        label=gettext_lazy("Ditandatangani pada rapat"), coerce=int, required=False, empty_value=None
    )
    contract_year = forms.IntegerField(label=gettext_lazy("Kontrak tahun ke-"), min_value=1, max_value=50)
    period_start = forms.DateField(label=gettext_lazy("Mulai"), **DATE)
    period_end = forms.DateField(label=gettext_lazy("Berakhir"), **DATE)
    funding_source = forms.CharField(label=gettext_lazy("Sumber dana"), max_length=150, required=False)
    budget_line = forms.IntegerField(label=gettext_lazy("Baris anggaran (ID)"), min_value=1, required=False)
    honorarium = forms.DecimalField(
        label=gettext_lazy("Honorarium per bulan (Rp)"), max_digits=14, decimal_places=0, min_value=0
    )
    operating_costs = forms.DecimalField(
        label=gettext_lazy("Biaya operasional per bulan (Rp)"), max_digits=14, decimal_places=0, min_value=0
    )
    notes = forms.CharField(
        label=gettext_lazy("Catatan"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


def _contract_initial(contract: Contract) -> dict:
    initial = {name: getattr(contract, name) for name in ContractForm.SERVICE_FIELDS}
    initial.update(
        facilitator=contract.facilitator_id,
        party_agency=contract.party_agency_id,
        signed_at_meeting=contract.signed_at_meeting_id or "",
        budget_line=contract.budget_line_id,
    )
    return initial


def _meeting_choices(actor: Actor, keep: int | None = None) -> list:
    meetings = Meeting.objects.filter(
        coordination_selectors.meeting_visible_q(actor) | Q(pk=keep or 0)
    ).order_by("-starts_at", "-pk")[:MEETING_CHOICES]
    return [("", "—"), *((m.pk, f"{m.starts_at:%d-%m-%Y} · {m.title}") for m in meetings)]


def _contract_prepare(form, actor: Actor, contract):
    _require_manager(actor)
    form.fields["facilitator"].queryset = selectors.visible_facilitators(actor).order_by("name")
    if contract is not None:
        form.fields["facilitator"].disabled = True
    form.fields["signed_at_meeting"].choices = _meeting_choices(
        actor, contract.signed_at_meeting_id if contract else None
    )
    return form


def _contract_new_initial(request_actor: Actor) -> dict:
    return {
        "party": ContractParty.DIRECTOR_GENERAL,
        "contract_year": 1,
        "honorarium": 0,
        "operating_costs": 0,
    }


def _references(form) -> dict | None:
    """The meeting and budget line the form names, as the service takes them (it checks that the
    actor reads them: `unknown_reference`)."""
    cd = form.cleaned_data
    refs = {"signed_at_meeting": None, "budget_line": None}
    if cd.get("signed_at_meeting"):
        refs["signed_at_meeting"] = Meeting.objects.filter(pk=cd["signed_at_meeting"]).first()
    if cd.get("budget_line"):
        refs["budget_line"] = BudgetLine.objects.filter(pk=cd["budget_line"]).first()
        if refs["budget_line"] is None:
            form.add_error(
                "budget_line", _("Baris anggaran dengan ID %(id)s tidak ada.") % {"id": cd["budget_line"]}
            )
            return None
    return refs


def _contract_save(form, actor: Actor, contract):
    cd = form.cleaned_data
    data = {name: cd[name] for name in ContractForm.SERVICE_FIELDS}
    refs = _references(form)
    if refs is None:
        return None
    if contract is None:
        return services.contract_create(actor=actor, facilitator=cd["facilitator"], **data, **refs)
    services.contract_update(
        actor=actor, contract=contract, expected_version=form.expected_version, **data, **refs
    )
    return contract


CONTRACT_COLUMNS = [
    Column("ID", lambda o: o.pk),
    Column("Nomor kontrak", lambda o: o.number),
    Column("Pendamping", lambda o: o.facilitator.name),
    Column("Angkatan", lambda o: o.facilitator.cohort),
    Column("Kode kab/kota penempatan", lambda o: o.regency_code),
    Column("Pihak pemberi kontrak", lambda o: o.get_party_display()),
    Column("Instansi pemberi kontrak", lambda o: o.party_agency.name if o.party_agency else ""),
    Column("Tanggal penandatanganan", lambda o: o.signed_on),
    Column("Tempat penandatanganan", lambda o: o.signed_place),
    Column("Kontrak tahun ke-", lambda o: o.contract_year),
    Column("Mulai", lambda o: o.period_start),
    Column("Berakhir", lambda o: o.period_end),
    Column("Sumber dana", lambda o: o.funding_source),
    Column("Honorarium per bulan", lambda o: o.honorarium),
    Column("Biaya operasional per bulan", lambda o: o.operating_costs),
    Column("Kontrak sebelumnya", lambda o: o.previous.number if o.previous else ""),
]


def _contract_list_extra(actor: Actor) -> dict:
    return {**_list_extra(actor), "expiring_days": EXPIRING_DAYS}


CONTRACT = register(
    RecordType(
        key="facilitator_contract",
        title=gettext_lazy("Kontrak TPL-IKM"),
        slug="kontrak",
        **FACILITATOR_PAGES,
        list_fn=filtersets.contract_list,
        get_fn=filtersets.contract_get,
        filter_set=CONTRACT_FILTERS,
        list_template="web/facilitators/contract_list.html",
        rows_template="web/facilitators/_contract_rows.html",
        list_extra=_contract_list_extra,
        export_fn=_exporter("sentra-kontrak-tpl", CONTRACT_COLUMNS),
        form_class=ContractForm,
        form_template=FORM_TEMPLATE,
        initial=_contract_initial,
        new_initial=_contract_new_initial,
        may_edit=_managed,
        prepare_form=_contract_prepare,
        form_extra=_form_extra(
            gettext_lazy("Catat kontrak"),
            gettext_lazy("Ubah kontrak %(name)s"),
            "web:facilitator_contract_list",
            "web:facilitator_contract_detail",
        ),
        save=_contract_save,
        saved_message=gettext_lazy("Kontrak “%(name)s” tersimpan."),
    )
)


@login_required
@require_GET
def contract_detail(request, pk: int):
    actor = actor_for_request(request)
    contract = filtersets.contract_get(actor=actor, pk=pk)
    chain = filtersets.contract_chain(contract)
    today = filtersets.today()
    context = {
        "contract": contract,
        "obj": contract,
        "chain": chain,
        "renewal": next((c for c in chain if c.previous_id == contract.pk), None),
        "today": today,
        "running": contract.period_start <= today <= contract.period_end,
        "days_left": (contract.period_end - today).days,
        "may_manage": may_manage(actor) and _may_change(actor, contract),
        "expiring_days": EXPIRING_DAYS,
    }
    return render(request, "web/facilitators/contract_detail.html", context)


class RenewalForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Nomor kontrak baru"), max_length=80)
    period_start = forms.DateField(
        label=gettext_lazy("Mulai"),
        required=False,
        help_text=gettext_lazy("Kosong: sehari setelah kontrak ini berakhir."),
        **DATE,
    )
    period_end = forms.DateField(
        label=gettext_lazy("Berakhir"),
        required=False,
        help_text=gettext_lazy("Kosong: setahun kemudian."),
        **DATE,
    )
    signed_on = forms.DateField(label=gettext_lazy("Tanggal penandatanganan"), required=False, **DATE)
    signed_place = forms.CharField(
        label=gettext_lazy("Tempat penandatanganan"), max_length=200, required=False
    )
    signed_at_meeting = forms.TypedChoiceField(
        label=gettext_lazy("Ditandatangani pada rapat"), coerce=int, required=False, empty_value=None
    )
    honorarium = forms.DecimalField(
        label=gettext_lazy("Honorarium per bulan (Rp)"),
        max_digits=14,
        decimal_places=0,
        min_value=0,
        required=False,
        help_text=gettext_lazy("Kosong: sama dengan kontrak ini."),
    )
    operating_costs = forms.DecimalField(
        label=gettext_lazy("Biaya operasional per bulan (Rp)"),
        max_digits=14,
        decimal_places=0,
        min_value=0,
        required=False,
        help_text=gettext_lazy("Kosong: sama dengan kontrak ini."),
    )


@login_required
def contract_renew(request, pk: int):
    """The next year's contract of the chain: a new number, the period following this one by default."""
    actor = actor_for_request(request)
    contract = filtersets.contract_get(actor=actor, pk=pk)
    _managed(actor, contract)
    form = RenewalForm(request.POST or None)
    form.fields["signed_at_meeting"].choices = _meeting_choices(actor)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            cd = form.cleaned_data
            fields = {k: v for k, v in cd.items() if k != "signed_at_meeting" and v not in (None, "")}
            if cd["signed_at_meeting"]:
                fields["signed_at_meeting"] = Meeting.objects.filter(pk=cd["signed_at_meeting"]).first()
            try:
                renewal = services.contract_renew(actor=actor, contract=contract, **fields)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Kontrak diperpanjang: %(number)s (tahun ke-%(year)s).")
                    % {"number": renewal.number, "year": renewal.contract_year},
                )
                return redirect("web:facilitator_contract_detail", pk=renewal.pk)
    context = {
        "form": form,
        "title": _("Perpanjang kontrak %(number)s") % {"number": contract.number},
        "back": reverse("web:facilitator_contract_detail", args=[contract.pk]),
        "contract": contract,
    }
    return render(request, FORM_TEMPLATE, context, status=status)


# --- visits (written by the phone app and the visit API; shown here) -------------------------------------


VISIT_COLUMNS = [
    Column("ID", lambda o: o.pk),
    Column("Waktu", lambda o: o.visited_at.astimezone().replace(tzinfo=None)),
    Column("Pendamping", lambda o: o.facilitator.name),
    Column("Kode kab/kota", lambda o: o.regency_code),
    Column("Desa/kelurahan", lambda o: o.village.name if o.village else ""),
    Column("Tujuan", lambda o: o.get_kind_display()),
    Column("Lintang", lambda o: o.latitude),
    Column("Bujur", lambda o: o.longitude),
    Column("Akurasi (m)", lambda o: o.accuracy_m),
    Column("Catatan lokasi", lambda o: o.get_location_flag_display() if o.location_flag else ""),
    Column("Temuan", lambda o: o.findings),
    Column("Permasalahan", lambda o: o.problems),
    Column("Saran", lambda o: o.advice),
]


FACILITATOR_CHOICES = 500  # the visits list's facilitator select; more: type the id in the address


def _visit_list_extra(actor: Actor) -> dict:
    """The facilitators the user reads, for the visits list's facilitator select (by name, not by id)."""
    people = selectors.visible_facilitators(actor).order_by("name", "pk").values_list("pk", "name")
    return {**_list_extra(actor), "facilitator_choices": list(people[:FACILITATOR_CHOICES])}


VISIT = register(
    RecordType(
        key="visit",
        title=gettext_lazy("Kunjungan pendamping"),
        slug="kunjungan",
        **FACILITATOR_PAGES,
        list_fn=filtersets.visit_list,
        get_fn=filtersets.visit_get,
        filter_set=VISIT_FILTERS,
        **_templates("visit"),
        list_extra=_visit_list_extra,
        export_fn=_exporter("sentra-kunjungan", VISIT_COLUMNS),
        may_edit=_managed,
    )
)


@login_required
@require_GET
def visit_detail(request, pk: int):
    actor = actor_for_request(request)
    visit = filtersets.visit_get(actor=actor, pk=pk)
    context = {
        "visit": visit,
        "obj": visit,
        "centres": visit.centres.order_by("name"),
        "enterprises": visit.enterprises.order_by("name"),
        "actions": visit.actions.all(),
        "photos": visit.photos.all(),
        "proposals": visit.proposals.select_related("enterprise").order_by("pk"),
        "today": filtersets.today(),
        "has_point": visit.latitude is not None and visit.longitude is not None,
    }
    return render(request, "web/facilitators/visit_detail.html", context)


@login_required
@require_GET
def visit_photo(request, pk: int):
    """A visit's photo, to those who read the visit (the file is never a public static URL)."""
    actor = actor_for_request(request)
    photo = VisitPhoto.objects.filter(pk=pk).select_related("visit").first()
    if photo is None or not selectors.visible_visits(actor).filter(pk=photo.visit_id).exists():
        raise Http404
    try:
        handle = photo.image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
