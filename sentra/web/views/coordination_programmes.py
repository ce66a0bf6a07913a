"""National programmes cascaded to the regions (issue 15 §6): the list, a programme's page with its
adoption per region as a table (filter, sort, CSV/XLSX) and a map, the programme form for national
senders and the adopt/decline form for the regional office that decides.

Reads go through coordination/cascade.py (scoped: a programme or adoption the user may not read
answers 404), writes through its services (a rule answers on its field; a step not allowed 403).
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import actor_for_request, require
from sentra.coordination import cascade, selectors
from sentra.coordination.choices import AdoptionStatus, AgreementFunding, CascadeLevel
from sentra.coordination.models import Meeting
from sentra.core.errors import AccessDenied, DomainError, StaleVersion
from sentra.core.exports import Column, csv_response, xlsx_response

from ..forms import VersionedForm, add_domain_errors
from .maps import _features
from .registry import COUNT_CAP, PER_PAGE, CappedPaginator

LIST_TEMPLATE = "web/coordination/programme_list.html"


def _blank(choices):
    return [("", _l("Semua")), *choices]


# --- forms -------------------------------------------------------------------------------------------


class ProgrammeFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    tahun = forms.IntegerField(label=_l("Tahun"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_l("Status"),
        choices=[("", _l("Semua")), ("draft", _l("Rancangan")), ("sent", _l("Sudah diteruskan"))],
        required=False,
    )


class AdoptionFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(label=_l("Status"), choices=_blank(AdoptionStatus.choices), required=False)
    region = forms.CharField(label=_l("Kode wilayah"), required=False, max_length=13)
    tingkat = forms.ChoiceField(
        label=_l("Tingkat"),
        choices=[("", _l("Semua")), ("province", _l("Provinsi")), ("regency", _l("Kabupaten/kota"))],
        required=False,
    )
    urut = forms.ChoiceField(
        label=_l("Urutkan"),
        choices=[
            ("", _l("Wilayah")),
            ("-region", _l("Wilayah (terbalik)")),
            ("status", _l("Status")),
            ("-status", _l("Status (terbalik)")),
            ("agency", _l("Instansi")),
            ("-agency", _l("Instansi (terbalik)")),
            ("-decided", _l("Terakhir diputuskan")),
            ("decided", _l("Pertama diputuskan")),
        ],
        required=False,
    )


class ProgrammeForm(VersionedForm):
    title = forms.CharField(label=_l("Judul program"), max_length=300)
    description = forms.CharField(
        label=_l("Uraian"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    presented_at = forms.TypedChoiceField(
        label=_l("Disampaikan pada rapat"), required=False, coerce=int, empty_value=None
    )
    level = forms.ChoiceField(label=_l("Diteruskan sampai"), choices=CascadeLevel.choices)
    fiscal_year = forms.IntegerField(
        label=_l("Tahun program"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_l("Kosong: tahun rapat, atau tahun ini."),
    )
    send = forms.BooleanField(
        label=_l("Teruskan sekarang ke daerah"),
        required=False,
        help_text=_l("Satu adopsi menunggu keputusan dibuat untuk setiap dinas penerima; sekali saja."),
    )


class DecisionForm(VersionedForm):
    status = forms.ChoiceField(label=_l("Keputusan"), choices=AdoptionStatus.choices)
    adaptation = forms.CharField(
        label=_l("Penyesuaian daerah"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_l("Bagaimana program dijalankan di daerah ini."),
    )
    activities = forms.TypedMultipleChoiceField(
        label=_l("Kegiatan pelaksana"),
        required=False,
        coerce=int,
        help_text=_l("Kegiatan instansi Anda atau di wilayah Anda."),
    )
    funding = forms.ChoiceField(label=_l("Pendanaan"), choices=AgreementFunding.choices, required=False)
    decline_reason = forms.CharField(
        label=_l("Alasan tidak diadopsi"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- list --------------------------------------------------------------------------------------------


def _programme_filter(request) -> tuple[cascade.ProgrammeFilter, ProgrammeFilterForm]:
    form = ProgrammeFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    f = cascade.ProgrammeFilter(
        q=(data.get("q") or "").strip(), year=data.get("tahun"), status=data.get("status") or ""
    )
    return f, form


def _page_context(request, qs) -> dict:
    paginator = CappedPaginator(qs, PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": paginator.get_page(request.GET.get("page")),
        "paginator": paginator,
        "query": query.urlencode(),
        "count_cap": COUNT_CAP,
    }


def _can_send(actor) -> bool:
    """Whether the user writes programmes at all: a national agency's user who may create."""
    if not actor.can(Action.CREATE, Area.COORDINATION) or not actor.is_national:
        return False
    return actor.is_superuser or actor.agency_id is not None


@login_required
@require_GET
def programme_list(request):
    actor = actor_for_request(request)
    require(actor, Action.LIST, Area.COORDINATION)
    f, form = _programme_filter(request)
    context = {
        "rows_template": "web/coordination/_programme_rows.html",
        **_page_context(request, cascade.programme_list(actor=actor, filters=f)),
        "form": form,
        "filters": f,
        "can_create": _can_send(actor),
    }
    if request.htmx and request.htmx.target == "rows":
        return render(request, "web/registry/_rows.html", context)
    return render(request, LIST_TEMPLATE, context)


# --- the programme form --------------------------------------------------------------------------------


def _meeting_choices(actor, form):
    """National meetings the user reads, newest first (a programme is presented at one)."""
    meetings = (
        Meeting.objects.filter(selectors.meeting_visible_q(actor), kind__in=cascade.NATIONAL_MEETINGS)
        .order_by("-starts_at")
        .only("pk", "title")[:200]
    )
    form.fields["presented_at"].choices = [("", "—"), *((m.pk, m.title) for m in meetings)]
    return form


def _programme_initial(programme) -> dict:
    initial = {
        "title": programme.title,
        "description": programme.description,
        "presented_at": programme.presented_at_id or "",
        "level": programme.level,
        "fiscal_year": programme.fiscal_year,
    }
    return VersionedForm.loaded_from(programme, initial)


@login_required
def programme_form(request, pk: int | None = None):
    actor = actor_for_request(request)
    programme = None
    if pk is None:
        require(actor, Action.CREATE, Area.COORDINATION)
        if not _can_send(actor):
            raise AccessDenied(
                _("Hanya instansi nasional (Kemenperin, Dekranas) yang dapat meneruskan program nasional.")
            )
    else:
        programme = cascade.programme_get(actor=actor, pk=pk)
        if not cascade.can_edit_programme(actor, programme):
            raise AccessDenied(_("Hanya instansi pengirim yang dapat mengubah program ini."))
    if request.method == "POST":
        form = _meeting_choices(actor, ProgrammeForm(request.POST))
        if programme is not None and programme.sent_on:
            form.fields["level"].disabled = True
            form.fields["send"].disabled = True
        if form.is_valid():
            cd = form.cleaned_data
            data = {
                "title": cd["title"],
                "description": cd["description"],
                "presented_at": Meeting.objects.filter(pk=cd["presented_at"]).first()
                if cd["presented_at"]
                else None,
                "level": cd["level"],
            }
            if cd["fiscal_year"]:
                data["fiscal_year"] = cd["fiscal_year"]
            try:
                if programme is None:
                    programme = cascade.programme_create(actor=actor, send=cd["send"], **data)
                else:
                    cascade.programme_update(
                        actor=actor, programme=programme, expected_version=form.expected_version, **data
                    )
                    if cd["send"] and not programme.sent_on:
                        cascade.programme_send(actor=actor, programme=programme)
            except StaleVersion as error:
                fresh = cascade.programme_get(actor=actor, pk=pk)
                form.show_conflict(error, fresh, _programme_initial(fresh))
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Program “%(title)s” tersimpan.") % {"title": programme})
                return redirect("web:national_programme_detail", pk=programme.pk)
    else:
        initial = _programme_initial(programme) if programme else {"level": CascadeLevel.REGENCY}
        form = _meeting_choices(actor, ProgrammeForm(initial=initial))
        if programme is not None and programme.sent_on:
            form.fields["level"].disabled = True
            form.fields["send"].disabled = True
    title = _("Ubah program %(title)s") % {"title": programme} if programme else _("Catat program nasional")
    back = (
        reverse("web:national_programme_detail", args=[programme.pk])
        if programme
        else reverse("web:national_programme_list")
    )
    return render(request, "web/coordination/form.html", {"form": form, "title": title, "back": back})


@login_required
@require_POST
def programme_send(request, pk: int):
    actor = actor_for_request(request)
    programme = cascade.programme_get(actor=actor, pk=pk)
    try:
        created = cascade.programme_send(actor=actor, programme=programme)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Program diteruskan ke %(n)s dinas daerah.") % {"n": created})
    return redirect("web:national_programme_detail", pk=pk)


# --- a programme's page --------------------------------------------------------------------------------


def _adoption_filter(request) -> tuple[cascade.AdoptionFilter, AdoptionFilterForm]:
    form = AdoptionFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    f = cascade.AdoptionFilter(
        q=(data.get("q") or "").strip(),
        status=data.get("status") or "",
        region=(data.get("region") or "").strip(),
        level=data.get("tingkat") or "",
        sort=data.get("urut") or "",
    )
    return f, form


def _without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _map_level(programme, request) -> str:
    asked = request.GET.get("peta")
    if asked in (CascadeLevel.PROVINCE, CascadeLevel.REGENCY):
        return asked
    return programme.level


@login_required
@require_GET
def programme_detail(request, pk: int):
    actor = actor_for_request(request)
    programme = cascade.programme_get(actor=actor, pk=pk)
    f, form = _adoption_filter(request)
    adoptions = cascade.adoption_list(actor=actor, programme=programme, filters=f)
    context = {
        "rows_template": "web/coordination/_adoption_rows.html",
        **_page_context(request, adoptions),
        "programme": programme,
        "form": form,
        "filters": f,
        "sort_query": _without(request, "page", "urut"),
        "summary": cascade.adoption_summary(cascade.adoption_list(actor=actor, programme=programme)),
        "statuses": AdoptionStatus.choices,
        "export_url": reverse("web:national_programme_export", args=[programme.pk]),
        "can_edit": cascade.can_edit_programme(actor, programme),
        "map_level": _map_level(programme, request),
        "map_url": reverse("web:national_programme_map", args=[programme.pk]),
    }
    if request.htmx and request.htmx.target == "rows":
        return render(request, "web/registry/_rows.html", context)
    return render(request, "web/coordination/programme_detail.html", context)


ADOPTION_COLUMNS = [
    Column("ID", lambda o: o.pk),
    Column("Program", lambda o: o.programme.title),
    Column("Kode wilayah", lambda o: o.region_id),
    Column("Wilayah", lambda o: o.region.name if o.region else ""),
    Column("Instansi", lambda o: o.agency.name),
    Column("Status", lambda o: o.get_status_display()),
    Column("Penyesuaian daerah", lambda o: o.adaptation),
    Column("Kegiatan pelaksana", lambda o: "; ".join(str(a) for a in o.activities.all())),
    Column("Pendanaan", lambda o: o.get_funding_display()),
    Column("Alasan tidak diadopsi", lambda o: o.decline_reason),
    Column("Tanggal keputusan", lambda o: o.decided_on),
]


@login_required
@require_GET
def programme_export(request, pk: int):
    actor = actor_for_request(request)
    require(actor, Action.EXPORT, Area.COORDINATION)
    programme = cascade.programme_get(actor=actor, pk=pk)
    f, _form = _adoption_filter(request)
    qs = cascade.adoption_list(actor=actor, programme=programme, filters=f).prefetch_related("activities")
    name = f"sentra-adopsi-program-{programme.pk}"
    if request.GET.get("format") == "xlsx":
        return xlsx_response(name, qs.iterator(chunk_size=1000), ADOPTION_COLUMNS, sheet_title=_("Adopsi"))
    return csv_response(name, qs.iterator(chunk_size=1000), ADOPTION_COLUMNS)


@login_required
@require_GET
@gzip_page  # every regency's boundary is ~3 MB of GeoJSON; gzip takes it under 1 MB
def programme_map(request, pk: int):
    """The boundaries of the regions a programme was sent to (provinces, or regencies/cities with
    `?peta=regency`), each with the status of its office's adoption as the reader sees it. Regions
    the reader sees no adoption of are left out (a regional reader gets their own region's shapes)."""
    actor = actor_for_request(request)
    programme = cascade.programme_get(actor=actor, pk=pk)
    level = _map_level(programme, request)
    province_level = level == CascadeLevel.PROVINCE
    adoptions = cascade.adoption_list(
        actor=actor, programme=programme, filters=cascade.AdoptionFilter(level=level)
    )
    by_code = {a.region_id: a for a in adoptions}
    labels = dict(AdoptionStatus.choices)
    features = []
    for feature in _features("provinces.geojson" if province_level else "regencies.geojson"):
        code = feature["properties"]["code"]
        adoption = by_code.get(code)
        if adoption is None:
            continue
        properties = {
            "code": code,
            "name": adoption.region.name if adoption.region else feature["properties"].get("name", code),
            "status": adoption.status,
            "status_label": str(labels[adoption.status]),
            "agency": adoption.agency.name,
            "url": reverse("web:adoption_detail", args=[adoption.pk]),
        }
        features.append({"type": "Feature", "properties": properties, "geometry": feature["geometry"]})
    body = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    return HttpResponse(body, content_type="application/geo+json")


# --- an adoption ---------------------------------------------------------------------------------------


def _decision_initial(adoption) -> dict:
    initial = {
        "status": adoption.status,
        "adaptation": adoption.adaptation,
        "activities": list(adoption.activities.values_list("pk", flat=True)),
        "funding": adoption.funding,
        "decline_reason": adoption.decline_reason,
    }
    return VersionedForm.loaded_from(adoption, initial)


def _activity_choices(actor, adoption, form):
    choices = cascade.activity_choices(actor=actor, adoption=adoption)[:300]
    form.fields["activities"].choices = [(a.pk, f"{a.fiscal_year} · {a.code} {a.name}") for a in choices]
    return form


@login_required
def adoption_detail(request, pk: int):
    """An adoption; its own office decides it here (adopted with the adaptation, or declined)."""
    actor = actor_for_request(request)
    adoption = cascade.adoption_get(actor=actor, pk=pk)
    can_decide = cascade.can_decide(actor, adoption)
    form = _activity_choices(actor, adoption, DecisionForm(initial=_decision_initial(adoption)))
    status = 200
    if request.method == "POST":
        if not can_decide:
            raise AccessDenied(_("Hanya instansi daerah penerima program yang dapat memutuskan adopsinya."))
        status = 400
        form = _activity_choices(actor, adoption, DecisionForm(request.POST))
        if form.is_valid():
            cd = form.cleaned_data
            try:
                cascade.adoption_decide(
                    actor=actor,
                    adoption=adoption,
                    expected_version=form.expected_version,
                    status=cd["status"],
                    adaptation=cd["adaptation"],
                    decline_reason=cd["decline_reason"],
                    funding=cd["funding"] or "",
                    activities=cd["activities"],
                )
            except StaleVersion as error:
                fresh = cascade.adoption_get(actor=actor, pk=pk)
                form.show_conflict(error, fresh, _decision_initial(fresh))
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Keputusan adopsi tersimpan."))
                return redirect("web:adoption_detail", pk=pk)
    context = {
        "adoption": adoption,
        "programme": adoption.programme,
        "activities": adoption.activities.all(),
        "can_decide": can_decide,
        "form": form,
    }
    return render(request, "web/coordination/programme_adoption.html", context, status=status)


def pending_adoptions_context(actor, limit: int = 10) -> dict | None:
    """For the home page card "Program nasional menunggu keputusan": the adoptions the user's agency
    still has to decide (None when there are none)."""
    pending = cascade.my_pending_adoptions(actor=actor)
    rows = list(pending[:limit])
    if not rows:
        return None
    return {"rows": rows, "count": pending.count() if len(rows) == limit else len(rows)}


@login_required
@require_POST
def meeting_adoption_agenda(request, pk: int):
    """Puts "Status adopsi program nasional" on a national meeting's agenda (organisers only)."""
    actor = actor_for_request(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    if cascade.adoption_agenda(actor=actor, meeting=meeting):
        messages.success(request, _("Acara “Status adopsi program nasional” ditambahkan."))
    else:
        messages.info(
            request, _("Tidak ada program nasional dari rapat sebelumnya, atau acaranya sudah ada.")
        )
    return redirect("web:meeting_detail", pk=meeting.pk)
