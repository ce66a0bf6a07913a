"""Training pathway of an enterprise or a centre (issue 17 §2).

`pathway(actor=, enterprise=)` / `pathway(actor=, centre=)` gives a timeline, oldest first, of:

- every activity (programmes.Activity) of which it is a beneficiary, with agency, dates and kind. An
  activity the reader may read in full (its region inside the reader's, as in programmes.selectors) shows
  everything; another agency's activity placed outside the reader's region shows only its name, agency and
  dates (`detail_visible` False) — the same rule as the overlap check (analytics.overlaps._reads);
- its result: for a certification activity (cert_halal/cert_sni/cert_hki), the certificate of that kind
  issued from the activity's start to RESULT_DAYS after its end (registry.Certification.issued_on); for an
  enterprise, workers and production value *before* (on the activity's start date) and *after* (RESULT_DAYS
  after its end, or today if sooner). For a centre, the sums over its current members.
  History comes from the audit trail (audit.AuditEvent, object_type "registry.enterprise", `changes` =
  {field: [before, after]}): the value on a date is the "after" of the last change on or before that date,
  else the "before" of the first change after it, else the record's current value;
- certificates obtained (one event each) and facilitator visits (facilitators.Visit through
  VisitEnterprise / VisitCentre, as far as facilitators.selectors.visible_visits lets the reader see them).

Suggested next step (`next_step`): first from planners' recorded sequences (analytics.ActivityLink kind
"sequence"): a sequence whose first activity the beneficiary received and whose second it did not →
suggest the second's kind, name and agency. Otherwise from the registry's habits: the kind most often
recorded as the next step after the kind of the beneficiary's latest activity, counted over all recorded
sequence links (first.kind → second.kind); ties go to the kind listed first in ActivityKind.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, code_in_scope, region_q, require
from sentra.audit.models import AuditEvent
from sentra.core.errors import NotFound
from sentra.core.exports import Column, csv_response, xlsx_response
from sentra.facilitators.selectors import visible_visits
from sentra.programmes.choices import ActivityKind
from sentra.programmes.models import Activity
from sentra.registry.models import Centre, CentreMembership, Certification, Enterprise

from .models import ActivityLink, LinkKind

RESULT_DAYS = 365
MEASURES = ("workers", "production_value")
CERT_KIND = {"cert_halal": "halal", "cert_sni": "sni", "cert_hki": "hki"}


@dataclass
class Event:
    on: dt.date | None
    kind: str  # "activity", "certificate", "visit"
    title: str
    kind_label: str = ""
    agency_name: str = ""
    end: dt.date | None = None
    activity_id: int | None = None
    activity_kind: str = ""
    detail_visible: bool = True
    result: str = ""
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)


@dataclass
class NextStep:
    kind: str
    kind_label: str
    source: str  # "sequence" or "registry"
    explanation: str
    name: str = ""
    agency_name: str = ""
    activity_id: int | None = None


@dataclass
class Pathway:
    subject: str  # "enterprise" or "centre"
    subject_id: int
    subject_name: str
    events: list[Event]
    next_step: NextStep | None


def _reads(actor: Actor, activity: Activity) -> bool:
    if activity.region_id is None:
        return actor.is_national
    return code_in_scope(actor, activity.region_id)


def _value_on(events: list[tuple[dt.date, dict]], current: dict, name: str, on: dt.date):
    """`events`: (date, changes) oldest first. See the module docstring."""
    value = None
    found = False
    for day, changes in events:
        if name not in changes:
            continue
        if day <= on:
            value, found = changes[name][1], True
        elif not found:
            # before the record was created (a create's change is [None, value]): its first known value
            before, after = changes[name][0], changes[name][1]
            return before if before is not None else after
        else:
            break
    return value if found else current.get(name)


def _history(enterprise_ids: list[int]) -> dict[int, list[tuple[dt.date, dict]]]:
    out: dict[int, list[tuple[dt.date, dict]]] = {pk: [] for pk in enterprise_ids}
    rows = (
        AuditEvent.objects.filter(object_type="registry.enterprise", object_id__in=enterprise_ids)
        .exclude(changes={})
        .order_by("at", "id")
        .values_list("object_id", "at", "changes")
    )
    for pk, at, changes in rows:
        picked = {k: v for k, v in (changes or {}).items() if k in MEASURES and isinstance(v, list | tuple)}
        if picked:
            out[pk].append((timezone.localdate(at), picked))
    return out


def _measure(history, currents, on: dt.date) -> dict:
    total = dict.fromkeys(MEASURES, 0)
    for pk, current in currents.items():
        for name in MEASURES:
            value = _value_on(history.get(pk, []), current, name, on)
            total[name] += int(value or 0)
    return total


def pathway(*, actor: Actor, enterprise: int | None = None, centre: int | None = None) -> Pathway:
    """The timeline and the next step; NotFound when the record is outside the reader's region."""
    require(actor, Action.VIEW, Area.ANALYTICS)
    if (enterprise is None) == (centre is None):
        raise ValueError("one of enterprise or centre")
    today = timezone.localdate()
    if enterprise is not None:
        subject = Enterprise.objects.filter(region_q(actor), pk=enterprise).first()
        if subject is None:
            raise NotFound(_("IKM tidak ditemukan atau di luar wilayah Anda."))
        activities = Activity.objects.filter(enterprises=subject.pk)
        members = {subject.pk: {m: getattr(subject, m) for m in MEASURES}}
        visits = visible_visits(actor).filter(visit_enterprises__enterprise_id=subject.pk)
        name, kind = subject.name, "enterprise"
    else:
        subject = Centre.objects.filter(region_q(actor), pk=centre).first()
        if subject is None:
            raise NotFound(_("Sentra tidak ditemukan atau di luar wilayah Anda."))
        activities = Activity.objects.filter(centres=subject.pk)
        members = {
            pk: {"workers": w, "production_value": p}
            for pk, w, p in CentreMembership.objects.filter(centre_id=subject.pk).values_list(
                "enterprise_id", "enterprise__workers", "enterprise__production_value"
            )
        }
        visits = visible_visits(actor).filter(visit_centres__centre_id=subject.pk)
        name, kind = subject.name, "centre"

    acts = list(activities.select_related("agency").order_by("start_date", "pk"))
    history = _history(list(members))
    certs = list(Certification.objects.filter(enterprise_id__in=list(members)).order_by("issued_on", "pk"))
    events: list[Event] = []
    for a in acts:
        visible = _reads(actor, a)
        ev = Event(
            on=a.start_date,
            end=a.end_date,
            kind="activity",
            title=a.name,
            kind_label=str(a.get_kind_display()) if visible else "",
            activity_kind=a.kind if visible else "",
            agency_name=a.agency.name if a.agency_id else "",
            activity_id=a.pk,
            detail_visible=visible,
        )
        if visible and a.start_date:
            after_on = min((a.end_date or a.start_date) + dt.timedelta(days=RESULT_DAYS), today)
            ev.before = _measure(history, members, a.start_date)
            ev.after = _measure(history, members, after_on)
            cert_kind = CERT_KIND.get(a.kind)
            if cert_kind:
                got = [
                    c
                    for c in certs
                    if c.kind == cert_kind and c.issued_on and a.start_date <= c.issued_on <= after_on
                ]
                ev.result = (
                    _("%(n)d sertifikat %(kind)s terbit (%(first)s)")
                    % {"n": len(got), "kind": got[0].get_kind_display(), "first": got[0].issued_on}
                    if got
                    else _("belum ada sertifikat yang tercatat terbit")
                )
        events.append(ev)
    for c in certs:
        events.append(
            Event(
                on=c.issued_on,
                kind="certificate",
                title=f"{c.get_kind_display()} {c.number}",
                kind_label=_("Sertifikat terbit"),
            )
        )
    for v in visits.select_related("facilitator").order_by("visited_at", "pk"):
        events.append(
            Event(
                on=timezone.localdate(v.visited_at),
                kind="visit",
                title=v.get_kind_display(),
                kind_label=_("Kunjungan pendamping"),
                agency_name=v.facilitator.name,
                result=v.advice[:300],
            )
        )
    order = {"activity": 0, "certificate": 1, "visit": 2}
    events.sort(key=lambda e: (e.on is None, e.on or dt.date.min, order[e.kind]))
    return Pathway(kind, subject.pk, name, events, _next_step(acts))


def _next_step(acts: list[Activity]) -> NextStep | None:
    if not acts:
        return None
    received = {a.pk for a in acts}
    link = (
        ActivityLink.objects.filter(kind=LinkKind.SEQUENCE, first_id__in=received)
        .exclude(second_id__in=received)
        .select_related("second__agency")
        .order_by("-second__start_date", "pk")
        .first()
    )
    if link is not None:
        s = link.second
        return NextStep(
            kind=s.kind,
            kind_label=str(s.get_kind_display()),
            source="sequence",
            name=s.name,
            agency_name=s.agency.name if s.agency_id else "",
            activity_id=s.pk,
            explanation=_(
                "Perencana mencatat kegiatan ini sebagai lanjutan dari kegiatan yang sudah diterima, "
                "tetapi penerima ini belum mengikutinya."
            ),
        )
    dated = [a for a in acts if a.start_date] or acts
    last = max(dated, key=lambda a: (a.start_date or dt.date.min, a.pk))
    counts = Counter(
        dict(
            ActivityLink.objects.filter(kind=LinkKind.SEQUENCE, first__kind=last.kind)
            .values_list("second__kind")
            .annotate(n=Count("pk"))
            .values_list("second__kind", "n")
        )
    )
    if not counts:
        return None
    rank = {k: i for i, k in enumerate(ActivityKind.values)}
    best = min(counts, key=lambda k: (-counts[k], rank.get(k, 99)))
    return NextStep(
        kind=best,
        kind_label=str(ActivityKind(best).label),
        source="registry",
        explanation=_(
            "Di seluruh registri, setelah kegiatan jenis '%(kind)s' perencana paling sering mencatat "
            "lanjutan jenis ini (%(n)d dari %(total)d urutan)."
        )
        % {"kind": ActivityKind(last.kind).label, "n": counts[best], "total": sum(counts.values())},
    )


COLUMNS = [
    Column(gettext_lazy("Tanggal"), lambda e: e.on),
    Column(gettext_lazy("Selesai"), lambda e: e.end),
    Column(gettext_lazy("Jenis"), lambda e: e.kind_label),
    Column(gettext_lazy("Kegiatan / peristiwa"), lambda e: e.title),
    Column(gettext_lazy("Instansi / pendamping"), lambda e: e.agency_name),
    Column(gettext_lazy("Hasil"), lambda e: e.result),
    Column(gettext_lazy("Tenaga kerja sebelum"), lambda e: e.before.get("workers")),
    Column(gettext_lazy("Tenaga kerja sesudah"), lambda e: e.after.get("workers")),
    Column(gettext_lazy("Nilai produksi sebelum (Rp)"), lambda e: e.before.get("production_value")),
    Column(gettext_lazy("Nilai produksi sesudah (Rp)"), lambda e: e.after.get("production_value")),
]


def export_response(p: Pathway, file_format: str):
    name = f"jalur-{'ikm' if p.subject == 'enterprise' else 'sentra'}-{p.subject_id}"
    if file_format == "xlsx":
        return xlsx_response(name, p.events, COLUMNS, sheet_title=name[:31])
    return csv_response(name, p.events, COLUMNS)
