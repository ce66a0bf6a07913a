"""Coordination pages (issue 15): meetings, follow-ups and agreements — lists with search, filters,
sorting, pagination and export, forms, history and restore from the generic layer (web/generic.py:
the three types are declared below and get their routes from `record_urls`); the detail pages, with
their tabs and the forms of a record's children (participants, decisions, follow-ups, parties, progress
notes), stay views of their own.

Reads go through coordination/selectors.py (scoped: a record the user may not read answers 404),
writes through coordination/services.py (a rule answers on its field; a step the user may not take 403).
The filters are the ones the API takes (coordination/filtersets.py).
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sentra.accounts.permissions import Area
from sentra.accounts.scope import Actor, actor_for_request, scoped_queryset
from sentra.coordination import selectors, services
from sentra.coordination.calendar import meeting_zone
from sentra.coordination.choices import MEETING_STATUS_NEXT, AgreementStatus
from sentra.coordination.filtersets import AGREEMENT_FILTERS, FOLLOW_UP_FILTERS, MEETING_FILTERS
from sentra.coordination.models import Agreement
from sentra.core.errors import AccessDenied, DomainError, StaleVersion
from sentra.core.exports import Column, csv_response, xlsx_response
from sentra.programmes.models import Activity

from ..forms import (
    LINE_SEPARATOR,
    VersionedForm,
    add_domain_errors,
    centre_line,
    resolve_centre,
    resolve_enterprise,
)
from ..forms_coordination import (
    AgendaItemForm,
    AgreementForm,
    DecisionForm,
    FollowUpCreateForm,
    FollowUpStatusForm,
    InviteForm,
    MeetingForm,
    NoteForm,
    ParticipantForm,
    PartyForm,
)
from ..generic import RecordType, list_templates, register, titled_form_extra
from . import registry  # noqa: F401 (registered first: the registry's types lead every list of types)

FORM_TEMPLATE = "web/coordination/form.html"


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else value


def _exporter(name: str, columns: list[Column]):
    """The type's export (RecordType.export_fn): the filtered, scoped list as CSV or XLSX."""

    def export(key: str, qs, *, fmt: str, title: str):
        rows = qs.iterator(chunk_size=2000)
        if fmt == "xlsx":
            return xlsx_response(name, rows, columns, sheet_title=title)
        return csv_response(name, rows, columns)

    return export


def _today(actor: Actor) -> dict:
    return {"today": selectors.today()}


def _owner_only(message):
    """A coordination record's edit check: only its organisers (meetings) or owner (agreements)."""

    def check(can_edit):
        def may_edit(actor: Actor, obj) -> None:
            if not can_edit(actor, obj):
                raise AccessDenied(message)

        return may_edit

    return check


def _agency_fixed(prepare=None):
    """A record keeps its organiser/owner: the agency is chosen when it is created, then shown only."""

    def prepare_form(form, actor: Actor, obj):
        if obj is not None:
            form.fields["agency"].disabled = True
        return prepare(form, actor, obj) if prepare else form

    return prepare_form


# Form titles name the record as %(title)s; lists live in web/coordination (web/generic.py).
_form_extra = partial(titled_form_extra, placeholder="title")


# What the three coordination types' declarations share (as REGISTRY_LISTS does for the registry's).
COORDINATION_PAGES = {"area": Area.COORDINATION, "verified": False, "template_dir": "web/coordination"}


_templates = partial(list_templates, "web/coordination")


# --- meetings ----------------------------------------------------------------------------------------

MEETING_COLUMNS = [
    Column("ID", lambda o: o.pk),
    Column("Jenis", lambda o: o.get_kind_display()),
    Column("Judul", lambda o: o.title),
    Column("Tema", lambda o: o.theme),
    Column("Penyelenggara", lambda o: o.agency.name),
    Column("Kode wilayah penyelenggara", lambda o: o.region_id),
    Column("Kode wilayah tuan rumah", lambda o: o.host_region_id),
    Column("Tempat", lambda o: o.venue),
    Column("Mulai", lambda o: _local(o.starts_at)),
    Column("Selesai", lambda o: _local(o.ends_at)),
    Column("Bentuk", lambda o: o.get_mode_display()),
    Column("Seri", lambda o: o.series.name if o.series else ""),
    Column("Edisi", lambda o: o.edition),
    Column("Status", lambda o: o.get_status_display()),
]


def _meeting_initial(meeting) -> dict:
    initial = {name: getattr(meeting, name) for name in MeetingForm.SERVICE_FIELDS}
    # Shown on the clock the form reads them in (MeetingForm.clean): the meeting's own zone.
    zone = meeting_zone(meeting)
    initial.update(
        starts_at=timezone.make_naive(meeting.starts_at, zone),
        ends_at=timezone.make_naive(meeting.ends_at, zone),
        host_region=meeting.host_region_id or "",
        agency=meeting.agency_id,
        co_organisers=list(meeting.co_organisers.values_list("pk", flat=True)),
    )
    return initial


def _meeting_save(form, actor: Actor, meeting):
    cd = form.cleaned_data
    data = {name: cd[name] for name in MeetingForm.SERVICE_FIELDS}
    data["host_region_id"] = cd["host_region"].strip() or None
    try:
        if meeting is None:
            return services.meeting_create(
                actor=actor, agency=cd.get("agency"), co_organisers=list(cd["co_organisers"]), **data
            )
        services.meeting_update(
            actor=actor,
            meeting=meeting,
            co_organisers=list(cd["co_organisers"]),
            expected_version=form.expected_version,
            **data,
        )
        return meeting
    except DomainError as error:
        # The service names the column; the form calls the field host_region.
        if any(e.field == "host_region_id" for e in error.errors):
            form.add_error("host_region", _("Kode wilayah tidak dikenal."))
        raise


def _series_choices(form, actor: Actor, meeting):
    """The series select offers the series the user may plan in (and the one the meeting has)."""
    keep = meeting.series_id if meeting is not None else None
    form.fields["series"].queryset = selectors.series_usable(actor=actor, keep=keep)
    return form


def _meeting_prepare(form, actor: Actor, meeting):
    """Series choices, and the zone the times are typed in: the meeting's, or the user's region's
    for a new one (the form names the zone it used again once it has read the input)."""
    form.default_region = meeting.region_id if meeting is not None else actor.region_code
    form.show_zone(meeting_zone(meeting) if meeting is not None else form.local_zone(None, None))
    return _series_choices(form, actor, meeting)


MEETING = register(
    RecordType(
        key="meeting",
        title=gettext_lazy("Rapat"),
        slug="rapat",
        **COORDINATION_PAGES,
        list_fn=selectors.meeting_list,
        get_fn=selectors.meeting_get,
        filter_set=MEETING_FILTERS,
        **_templates("meeting"),
        export_fn=_exporter("sentra-rapat", MEETING_COLUMNS),
        form_class=MeetingForm,
        form_template=FORM_TEMPLATE,
        initial=_meeting_initial,
        new_initial=lambda actor: {"agency": actor.agency_id},
        may_edit=_owner_only(gettext_lazy("Hanya penyelenggara rapat yang dapat mengubahnya."))(
            services.can_edit_meeting
        ),
        prepare_form=_agency_fixed(_meeting_prepare),
        form_extra=_form_extra(
            gettext_lazy("Rencanakan rapat"),
            gettext_lazy("Ubah rapat %(title)s"),
            "web:meeting_list",
            "web:meeting_detail",
        ),
        save=_meeting_save,
        saved_message=gettext_lazy("Rapat “%(name)s” tersimpan."),
    )
)


@login_required
@require_GET
def meeting_detail(request, pk: int):
    actor = actor_for_request(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    return _meeting_page(request, actor, meeting)


def _meeting_page(request, actor, meeting, **forms):
    decisions = list(meeting.decisions.prefetch_related("follow_ups__agency"))
    follow_up_form = forms.get("follow_up_form") or FollowUpCreateForm()
    follow_up_form.fields["decision"].choices = [(d.pk, str(d)) for d in decisions]
    previous = selectors.previous_meeting(meeting)
    done, counted = selectors.completion_rate(previous) if previous else (0, 0)
    context = {
        "meeting": meeting,
        "can_edit": services.can_edit_meeting(actor, meeting),
        "next_status": MEETING_STATUS_NEXT.get(meeting.status),
        "co_organisers": meeting.co_organisers.order_by("name"),
        "invited": meeting.invitations.select_related("agency").order_by("agency__name"),
        "agenda": meeting.agendaitems.all(),
        "agenda_form": forms.get("agenda_form") or AgendaItemForm(),
        "carried_item": services.carried_over_item(meeting),
        "participants": selectors.participant_list(actor=actor, meeting=meeting)[:500],
        "attendance": selectors.attendance_summary(meeting),
        "decisions": decisions,
        "carried_over": selectors.open_follow_ups_of_series(meeting)[:50],
        "previous": previous,
        "previous_rate": round(100 * done / counted) if counted else None,
        "today": selectors.today(),
        "invite_form": forms.get("invite_form") or InviteForm(),
        "participant_form": forms.get("participant_form") or ParticipantForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "follow_up_form": follow_up_form,
    }
    return render(request, "web/coordination/meeting_detail.html", context, status=400 if forms else 200)


def _meeting_post(request, pk: int, form_class, key: str, write):
    """A form posted from a meeting's page: done → back to the page; refused → the page with errors."""
    actor = actor_for_request(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    form = form_class(request.POST)
    if key == "follow_up_form":
        form.fields["decision"].choices = [(d.pk, str(d)) for d in meeting.decisions.all()]
    if form.is_valid():
        try:
            message = write(actor, meeting, form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("web:meeting_detail", pk=meeting.pk)
    return _meeting_page(request, actor, meeting, **{key: form})


@login_required
@require_POST
def meeting_invite(request, pk: int):
    def write(actor, meeting, cd):
        agencies = list(cd["agencies"])
        if cd["every_regency_of"]:
            agencies += services.regency_agencies_of(cd["every_regency_of"])
        if cd["every_province"]:
            agencies += services.province_agencies()
        added = services.invite(actor=actor, meeting=meeting, agencies=agencies)
        return _("%(n)s instansi diundang.") % {"n": added}

    return _meeting_post(request, pk, InviteForm, "invite_form", write)


@login_required
@require_POST
def meeting_participant(request, pk: int):
    def write(actor, meeting, cd):
        person = services.participant_add(actor=actor, meeting=meeting, **cd)
        if person.walk_in:
            return _("%(name)s dicatat sebagai peserta tanpa undangan.") % {"name": person}
        return _("%(name)s dicatat.") % {"name": person}

    return _meeting_post(request, pk, ParticipantForm, "participant_form", write)


@login_required
@require_POST
def meeting_attendance(request, pk: int):
    """Marks the ticked participants present, online or absent in one step (services.attendance_mark)."""
    actor = actor_for_request(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    ids = [int(v) for v in request.POST.getlist("participants") if v.isdigit()]
    if not ids:
        messages.error(request, _("Centang peserta yang akan ditandai."))
        return redirect(reverse("web:meeting_detail", args=[meeting.pk]) + "#participants")
    try:
        changed = services.attendance_mark(
            actor=actor, meeting=meeting, participant_ids=ids, attendance=request.POST.get("attendance", "")
        )
    except DomainError as error:
        messages.error(request, error.errors[0].message if error.errors else error.message)
    else:
        messages.success(request, _("Kehadiran %(n)s peserta diubah.") % {"n": changed})
    return redirect(reverse("web:meeting_detail", args=[meeting.pk]) + "#participants")


@login_required
@require_POST
def meeting_agenda_add(request, pk: int):
    def write(actor, meeting, cd):
        services.agenda_item_add(
            actor=actor,
            meeting=meeting,
            title=cd["title"],
            presenter=cd["presenter"],
            starts_at=cd["starts_at"],
            order=cd["order"],
        )
        return _("Acara ditambahkan.")

    return _meeting_post(request, pk, AgendaItemForm, "agenda_form", write)


@login_required
@require_POST
def meeting_agenda_edit(request, pk: int, item_pk: int):
    def write(actor, meeting, cd):
        item = get_object_or_404(meeting.agendaitems, pk=item_pk)
        if "remove" in request.POST:
            services.agenda_item_remove(actor=actor, item=item)
            return _("Acara “%(title)s” dihapus.") % {"title": item.title}
        services.agenda_item_update(
            actor=actor,
            item=item,
            title=cd["title"],
            presenter=cd["presenter"],
            starts_at=cd["starts_at"],
            order=cd["order"] or item.order,
        )
        return _("Acara tersimpan.")

    return _meeting_post(request, pk, AgendaItemForm, "agenda_form", write)


@login_required
@require_POST
def meeting_decision(request, pk: int):
    def write(actor, meeting, cd):
        services.decision_add(actor=actor, meeting=meeting, text=cd["text"])
        return _("Keputusan dicatat.")

    return _meeting_post(request, pk, DecisionForm, "decision_form", write)


@login_required
@require_POST
def meeting_follow_up(request, pk: int):
    def write(actor, meeting, cd):
        decision = meeting.decisions.get(pk=cd["decision"])
        services.follow_up_create(
            actor=actor,
            decision=decision,
            owner=cd["owner"],
            description=cd["description"],
            owner_person=cd["owner_person"],
            due_on=cd["due_on"],
        )
        return _("Tindak lanjut dicatat.")

    return _meeting_post(request, pk, FollowUpCreateForm, "follow_up_form", write)


@login_required
@require_POST
def meeting_advance(request, pk: int):
    actor = actor_for_request(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    try:
        services.meeting_advance(actor=actor, meeting=meeting, status=request.POST.get("status", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Status rapat: %(status)s.") % {"status": meeting.get_status_display()})
    return redirect("web:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_carry_over(request, pk: int):
    actor = actor_for_request(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    if services.carry_over_agenda(actor=actor, meeting=meeting):
        messages.success(request, _("Acara “Tindak lanjut rapat sebelumnya” ditambahkan."))
    else:
        messages.info(request, _("Tidak ada tindak lanjut terbuka dari rapat sebelumnya."))
    return redirect("web:meeting_detail", pk=meeting.pk)


# --- follow-ups ----------------------------------------------------------------------------------------


def my_follow_ups_context(actor, limit: int = 10) -> dict:
    """For the home page (template web/coordination/_my_follow_ups.html) and a navigation badge: the
    open and in-progress follow-ups the user's agency owns, overdue first, and their counts."""
    mine = selectors.my_follow_ups(actor=actor)
    overdue_count = mine["overdue"].count()
    return {
        "agency_id": actor.agency_id,
        "today": selectors.today(),
        "pending_count": mine["pending"].count(),
        "overdue_count": overdue_count,
        "rows": list(mine["overdue"][:limit])
        + list(mine["pending"].exclude(selectors.overdue_q())[: max(limit - overdue_count, 0)]),
    }


FOLLOW_UP_COLUMNS = [
    Column("ID", lambda o: o.pk),
    Column("Rapat", lambda o: o.meeting.title),
    Column("Keputusan", lambda o: o.decision.text),
    Column("Tindak lanjut", lambda o: o.description),
    Column("Instansi pemilik", lambda o: o.agency.name),
    Column("Kode wilayah pemilik", lambda o: o.region_id),
    Column("Penanggung jawab", lambda o: o.owner_person),
    Column("Tenggat", lambda o: o.due_on),
    Column("Status", lambda o: o.get_status_display()),
    Column("Terlambat", lambda o: "ya" if selectors.is_overdue(o) else "tidak"),
    Column("Alasan dibatalkan", lambda o: o.drop_reason),
    Column("Tanggal selesai", lambda o: o.completed_on),
    Column("Bukti: tautan", lambda o: o.evidence_url),
]


FOLLOW_UP = register(
    RecordType(
        key="follow_up",
        title=gettext_lazy("Tindak lanjut"),
        slug="tindak-lanjut",
        **COORDINATION_PAGES,
        list_fn=selectors.follow_up_list,
        get_fn=selectors.follow_up_get,
        filter_set=FOLLOW_UP_FILTERS,
        **_templates("follow_up"),
        list_extra=_today,
        export_fn=_exporter("sentra-tindak-lanjut", FOLLOW_UP_COLUMNS),
        # No form of its own: status, evidence and notes are posted on its page (follow_up_detail).
        may_edit=_owner_only(gettext_lazy("Hanya instansi pemilik yang dapat memperbarui tindak lanjut."))(
            services.can_update_follow_up
        ),
    )
)


def _follow_up_initial(follow_up) -> dict:
    initial = {
        "status": follow_up.status,
        "drop_reason": follow_up.drop_reason,
        "evidence_activity": follow_up.evidence_activity_id,
        "evidence_agreement": follow_up.evidence_agreement_id,
        "evidence_centre": centre_line(follow_up.evidence_centre) if follow_up.evidence_centre else "",
        "evidence_enterprise": (
            f"#{follow_up.evidence_enterprise_id}{LINE_SEPARATOR}{follow_up.evidence_enterprise.name}"
            if follow_up.evidence_enterprise
            else ""
        ),
        "evidence_url": follow_up.evidence_url,
    }
    return VersionedForm.loaded_from(follow_up, initial)


def _evidence_choices(form, actor: Actor, follow_up):
    """The evidence selects: the owner agency's activities and the agreements the user reads (the
    ones the follow-up already names stay offered)."""
    activities = scoped_queryset(actor, Activity).filter(
        Q(agency_id=follow_up.agency_id) | Q(pk=follow_up.evidence_activity_id or 0)
    )
    agreements = Agreement.objects.filter(
        selectors.agreement_visible_q(actor) | Q(pk=follow_up.evidence_agreement_id or 0)
    )
    form.set_evidence_choices(
        activities.order_by("-start_date", "name")[:300], agreements.order_by("title")[:300]
    )
    return form


def _evidence_id(form, field: str, resolve, actor: Actor) -> int | None:
    """The id a lookup field names: "#12 — name" as the suggestions write it or a bare "#12" go to
    the service as they are (which answers an id the user does not read with unknown_reference);
    a name or NIB is looked up inside the user's region."""
    text = " ".join((form.cleaned_data.get(field) or "").split())
    if not text:
        return None
    head = text.split(LINE_SEPARATOR, 1)[0].strip()
    if head.startswith("#") and head[1:].isdigit():
        return int(head[1:])
    try:
        return resolve(text, actor).pk
    except ValidationError as error:
        form.add_error(field, error)
        return None


def _evidence(form, actor: Actor, follow_up) -> dict | None:
    cd = form.cleaned_data
    centre = _evidence_id(form, "evidence_centre", resolve_centre, actor)
    enterprise = _evidence_id(form, "evidence_enterprise", resolve_enterprise, actor)
    if form.errors:
        return None
    return services.evidence_references(
        actor,
        follow_up,
        activity=cd["evidence_activity"],
        agreement=cd["evidence_agreement"],
        centre=centre,
        enterprise=enterprise,
    )


class _FormRefused(Exception):
    """A field of the form was refused before the service was asked (its error is on the field)."""


@login_required
def follow_up_detail(request, pk: int):
    actor = actor_for_request(request)
    follow_up = selectors.follow_up_get(actor=actor, pk=pk)
    status_form = _evidence_choices(
        FollowUpStatusForm(initial=_follow_up_initial(follow_up)), actor, follow_up
    )
    note_form = NoteForm()
    status = 200
    if request.method == "POST":
        status = 400
        if "text" in request.POST:
            note_form = NoteForm(request.POST)
            if note_form.is_valid():
                try:
                    services.follow_up_note_add(
                        actor=actor,
                        follow_up=follow_up,
                        text=note_form.cleaned_data["text"],
                        noted_on=note_form.cleaned_data["noted_on"],
                    )
                except DomainError as error:
                    add_domain_errors(note_form, error)
                else:
                    messages.success(request, _("Perkembangan dicatat."))
                    return redirect("web:follow_up_detail", pk=pk)
        else:
            status_form = _evidence_choices(FollowUpStatusForm(request.POST), actor, follow_up)
            if status_form.is_valid():
                cd = status_form.cleaned_data
                try:
                    evidence = _evidence(status_form, actor, follow_up)
                    if evidence is None:
                        raise _FormRefused
                    services.follow_up_update(
                        actor=actor,
                        follow_up=follow_up,
                        expected_version=status_form.expected_version,
                        status=cd["status"],
                        drop_reason=cd["drop_reason"],
                        evidence_url=cd["evidence_url"],
                        **evidence,
                    )
                except _FormRefused:
                    pass
                except StaleVersion as error:
                    fresh = selectors.follow_up_get(actor=actor, pk=pk)
                    status_form.show_conflict(error, fresh, _follow_up_initial(fresh))
                except DomainError as error:
                    add_domain_errors(status_form, error)
                else:
                    messages.success(request, _("Tindak lanjut tersimpan."))
                    return redirect("web:follow_up_detail", pk=pk)
    context = {
        "follow_up": follow_up,
        "overdue": selectors.is_overdue(follow_up),
        "can_update": services.can_update_follow_up(actor, follow_up),
        "notes": follow_up.notes.all(),
        "status_form": status_form,
        "note_form": note_form,
    }
    return render(request, "web/coordination/follow_up_detail.html", context, status=status)


# --- agreements ----------------------------------------------------------------------------------------


AGREEMENT_COLUMNS = [
    Column("ID", lambda o: o.pk),
    Column("Jenis", lambda o: o.get_kind_display()),
    Column("Judul", lambda o: o.title),
    Column("Induk", lambda o: o.parent.title if o.parent else ""),
    Column("Instansi pemilik", lambda o: o.agency.name),
    Column("Kode wilayah", lambda o: o.region_id),
    Column("Tanggal penandatanganan", lambda o: o.signed_on),
    Column("Berlaku mulai", lambda o: o.valid_from),
    Column("Berlaku sampai", lambda o: o.valid_until),
    Column("Status", lambda o: dict(AgreementStatus.choices)[selectors.effective_status(o)]),
    Column("Pendanaan", lambda o: o.get_funding_display()),
]


def _agreement_initial(agreement) -> dict:
    initial = {name: getattr(agreement, name) for name in AgreementForm.SERVICE_FIELDS}
    initial.update(agency=agreement.agency_id, parent=agreement.parent_id or "")
    return initial


def _parent_choices(form, actor, agreement=None):
    qs = Agreement.objects.filter(selectors.agreement_visible_q(actor)).order_by("title")
    if agreement is not None:
        qs = qs.exclude(pk=agreement.pk)
    form.fields["parent"].choices = [("", "—"), *((a.pk, f"{a.get_kind_display()}: {a}") for a in qs[:500])]
    return form


def _agreement_save(form, actor: Actor, agreement):
    cd = form.cleaned_data
    data = {name: cd[name] for name in AgreementForm.SERVICE_FIELDS}
    data["funding"] = data["funding"] or ""
    data["parent"] = Agreement.objects.filter(pk=cd["parent"]).first() if cd["parent"] else None
    if agreement is None:
        return services.agreement_create(actor=actor, agency=cd.get("agency"), **data)
    services.agreement_update(
        actor=actor, agreement=agreement, expected_version=form.expected_version, **data
    )
    return agreement


AGREEMENT = register(
    RecordType(
        key="agreement",
        title=gettext_lazy("Kerja sama"),
        slug="kerja-sama",
        **COORDINATION_PAGES,
        list_fn=selectors.agreement_list,
        get_fn=selectors.agreement_get,
        filter_set=AGREEMENT_FILTERS,
        **_templates("agreement"),
        list_extra=_today,
        export_fn=_exporter("sentra-kerja-sama", AGREEMENT_COLUMNS),
        form_class=AgreementForm,
        form_template=FORM_TEMPLATE,
        initial=_agreement_initial,
        new_initial=lambda actor: {"agency": actor.agency_id, "status": "draft"},
        may_edit=_owner_only(gettext_lazy("Hanya instansi pemilik kerja sama yang dapat mengubahnya."))(
            services.can_edit_agreement
        ),
        prepare_form=_agency_fixed(_parent_choices),
        form_extra=_form_extra(
            gettext_lazy("Catat kerja sama"),
            gettext_lazy("Ubah kerja sama %(title)s"),
            "web:agreement_list",
            "web:agreement_detail",
        ),
        save=_agreement_save,
        saved_message=gettext_lazy("Kerja sama “%(name)s” tersimpan."),
    )
)


@login_required
def agreement_detail(request, pk: int):
    actor = actor_for_request(request)
    agreement = selectors.agreement_get(actor=actor, pk=pk)
    party_form = PartyForm()
    status = 200
    if request.method == "POST":
        status = 400
        party_form = PartyForm(request.POST)
        if party_form.is_valid():
            cd = party_form.cleaned_data
            values = {k: v for k, v in cd.items() if k != "region"}
            values["region_id"] = cd["region"].strip() or None
            try:
                services.agreement_party_add(actor=actor, agreement=agreement, **values)
            except DomainError as error:
                add_domain_errors(party_form, error)
            else:
                messages.success(request, _("Pihak ditambahkan."))
                return redirect("web:agreement_detail", pk=pk)
    context = {
        "agreement": agreement,
        "effective_status": selectors.effective_status(agreement),
        "chain": selectors.agreement_chain(actor=actor, agreement=agreement),
        "parties": agreement.parties.select_related("agency", "region"),
        "activities": agreement.activities.all(),
        "can_edit": services.can_edit_agreement(actor, agreement),
        "party_form": party_form,
    }
    return render(request, "web/coordination/agreement_detail.html", context, status=status)
