"""National programmes cascaded to the regions (issue 15 §6): reads and writes, with their rules.

A work programme agreed nationally (the Dekranas programme presented at a Rakernas, a Kemenperin
priority) is written and sent down by a national agency; sending creates one pending adoption per
province industry office (level `province`) or per province and regency/city industry office (level
`regency`), all in one transaction. Each regional office decides its own adoption: adopted with its
local adaptation (the activities that carry it out and their funding) or declined with the reason.

Rules and their stable codes:
- only a national agency (the ministry, Dekranas) writes and sends a programme (403 otherwise);
  a programme is sent once, and its level is fixed once sent (`already_sent`);
- an adoption is decided by its own agency (403 for anyone else who reads it); adopted needs an
  adaptation or at least one activity (`adaptation_required`); declined needs the reason
  (`decline_reason_required`); the activities are the agency's own or placed in its region, and
  readable by the user (`unknown_reference`).
Who reads what, composed from the one scope rule (accounts/scope.py):
- a programme: national users, the sender, and users whose region contains the region of an agency
  it was sent to (a province reads what was sent to its regencies);
- an adoption: national users, its own agency, and users whose region contains its agency's region
  (a province reads its regencies' adoptions; a regency not its neighbour's).
Outside that: NotFound (404). Every write is audited (audit.record_change) and versioned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, region_q, require, scoped_queryset, unknown_reference
from sentra.agencies.models import Agency, AgencyKind
from sentra.audit.services import snapshot
from sentra.core.errors import AccessDenied, DomainError, FieldError, NotFound
from sentra.core.versioning import check_version, lock_latest
from sentra.programmes.models import Activity
from sentra.regions.selectors import region_filter_q
from sentra.registry.services import owning_agency

from . import selectors, services
from .choices import AdoptionStatus, CascadeLevel, MeetingKind
from .models import Adoption, AgendaItem, Meeting, NationalProgramme

# The agencies that agree programmes nationally and send them down.
NATIONAL_SENDERS = (AgencyKind.MINISTRY, AgencyKind.DEKRANAS)
# The national meetings whose agenda carries the adoption status.
NATIONAL_MEETINGS = (MeetingKind.RAKORNAS, MeetingKind.RAKERNAS)


def _error(message: str, code: str, field: str) -> DomainError:
    return DomainError(message, code=code, errors=[FieldError(field, message, code)])


# --- who reads what ----------------------------------------------------------------------------------


def adoption_visible_q(actor: Actor, prefix: str = "") -> Q:
    """Adoptions the actor reads: placed inside their region, or of their own agency."""
    if not actor.is_authenticated:
        return Q(pk__in=[])
    if actor.is_national:
        return Q()
    p = prefix
    own = Q(**{f"{p}agency_id": actor.agency_id}) if actor.agency_id is not None else Q(pk__in=[])
    return (
        region_q(actor, province=f"{p}province_code", regency=f"{p}regency_code", village=f"{p}region_id")
        | own
    )


def programme_visible_q(actor: Actor) -> Q:
    """Programmes the actor reads: the sender's and every programme sent to an agency in their region."""
    if not actor.is_authenticated:
        return Q(pk__in=[])
    if actor.is_national:
        return Q()
    sent_here = Adoption.objects.filter(programme_id=OuterRef("pk")).filter(adoption_visible_q(actor))
    own = Q(agency_id=actor.agency_id) if actor.agency_id is not None else Q(pk__in=[])
    return own | Q(Exists(sent_here))


# --- reads -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeFilter:
    q: str = ""
    year: int | None = None
    status: str = ""  # "draft" (not sent) or "sent"
    sender: int | None = None


def programme_list(*, actor: Actor, filters: ProgrammeFilter | None = None) -> QuerySet[NationalProgramme]:
    """Visible programmes with their adoption counts as the actor sees them (`n_adopted`…)."""
    require(actor, Action.LIST, Area.COORDINATION)
    f = filters or ProgrammeFilter()
    qs = NationalProgramme.objects.filter(programme_visible_q(actor)).select_related("agency", "presented_at")
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(description__icontains=f.q))
    if f.year:
        qs = qs.filter(fiscal_year=f.year)
    if f.status == "draft":
        qs = qs.filter(sent_on__isnull=True)
    elif f.status == "sent":
        qs = qs.filter(sent_on__isnull=False)
    if f.sender:
        qs = qs.filter(agency_id=f.sender)
    seen = adoption_visible_q(actor, "adoptions__")
    adopted = Q(adoptions__status=AdoptionStatus.ADOPTED)
    declined = Q(adoptions__status=AdoptionStatus.DECLINED)
    pending = Q(adoptions__status=AdoptionStatus.PENDING)
    qs = qs.annotate(
        n_adoptions=Count("adoptions", filter=seen),
        n_adopted=Count("adoptions", filter=seen & adopted),
        n_declined=Count("adoptions", filter=seen & declined),
        n_pending=Count("adoptions", filter=seen & pending),
    )
    return qs.order_by("-fiscal_year", "title", "pk")


def programme_get(*, actor: Actor, pk: int) -> NationalProgramme:
    require(actor, Action.VIEW, Area.COORDINATION)
    found = (
        NationalProgramme.objects.filter(programme_visible_q(actor), pk=pk)
        .select_related("agency", "presented_at")
        .first()
    )
    if found is None:
        raise NotFound
    return found


@dataclass(frozen=True)
class AdoptionFilter:
    q: str = ""  # the deciding agency's name or its region's name
    status: str = ""
    region: str = ""  # the deciding agency's region, any level
    level: str = ""  # "province" or "regency": which offices
    sort: str = ""  # "region" (default), "status", "agency", "decided", each with "-" for descending


ADOPTION_SORTS = {
    "region": ("region_id", "pk"),
    "status": ("status", "region_id", "pk"),
    "agency": ("agency__name", "pk"),
    "decided": ("decided_on", "region_id", "pk"),
}


def adoption_list(
    *, actor: Actor, programme: NationalProgramme | None = None, filters: AdoptionFilter | None = None
) -> QuerySet[Adoption]:
    """Adoptions the actor reads (of one programme, or of every programme)."""
    require(actor, Action.LIST, Area.COORDINATION)
    f = filters or AdoptionFilter()
    qs = Adoption.objects.filter(adoption_visible_q(actor)).select_related("agency", "region", "programme")
    if programme is not None:
        qs = qs.filter(programme_id=programme.pk)
    if f.q:
        qs = qs.filter(Q(agency__name__icontains=f.q) | Q(region__name__icontains=f.q))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.region:
        qs = qs.filter(region_filter_q("region_id", f.region))
    if f.level == CascadeLevel.PROVINCE:
        qs = qs.filter(regency_code="")
    elif f.level == CascadeLevel.REGENCY:
        qs = qs.exclude(regency_code="")
    key = f.sort.lstrip("-")
    order = ADOPTION_SORTS.get(key, ADOPTION_SORTS["region"])
    if f.sort.startswith("-") and key in ADOPTION_SORTS:
        order = tuple(f"-{name}" for name in order)
    return qs.order_by(*order)


def adoption_get(*, actor: Actor, pk: int) -> Adoption:
    require(actor, Action.VIEW, Area.COORDINATION)
    found = (
        Adoption.objects.filter(adoption_visible_q(actor), pk=pk)
        .select_related("agency", "region", "programme")
        .first()
    )
    if found is None:
        raise NotFound
    return found


def adoption_summary(adoptions: QuerySet[Adoption]) -> dict[str, int]:
    """{status: count} of some adoptions, every status present (zero when none), plus `total`."""
    counts = dict.fromkeys(AdoptionStatus.values, 0)
    for row in adoptions.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["total"] = sum(counts[s] for s in AdoptionStatus.values)
    return counts


def my_pending_adoptions(*, actor: Actor) -> QuerySet[Adoption]:
    """The adoptions the actor's agency still has to decide (home page card)."""
    if actor.agency_id is None or not actor.can(Action.VIEW, Area.COORDINATION):
        return Adoption.objects.none()
    return (
        Adoption.objects.filter(agency_id=actor.agency_id, status=AdoptionStatus.PENDING)
        .select_related("programme", "programme__agency")
        .order_by("programme__sent_on", "pk")
    )


def activity_choices(*, actor: Actor, adoption: Adoption) -> QuerySet[Activity]:
    """The activities that may carry an adoption: the deciding agency's own or placed in its region,
    as far as the actor reads them."""
    own_or_region = Q(agency_id=adoption.agency_id)
    if adoption.region_id:
        own_or_region |= region_filter_q("region_id", adoption.region_id)
    return scoped_queryset(actor, Activity).filter(own_or_region).order_by("-fiscal_year", "code", "pk")


def previous_national_meeting(meeting: Meeting) -> Meeting | None:
    """The meeting before this one: of its series, or (without a series) the organiser's previous
    meeting of the same kind (the Rakernas before this Rakernas)."""
    if meeting.series_id is not None:
        return selectors.previous_meeting(meeting)
    return (
        Meeting.objects.filter(
            agency_id=meeting.agency_id, kind=meeting.kind, starts_at__lt=meeting.starts_at
        )
        .order_by("-starts_at", "-pk")
        .first()
    )


@dataclass
class ProgrammeStatus:
    programme: NationalProgramme
    counts: dict[str, int]


def adoption_status_of(*, actor: Actor, meeting: Meeting) -> list[ProgrammeStatus]:
    """The adoption status (as the actor sees it) of the programmes presented at the previous
    meeting, for a national meeting's page and agenda; empty for other meetings."""
    if meeting.kind not in NATIONAL_MEETINGS:
        return []
    previous = previous_national_meeting(meeting)
    if previous is None:
        return []
    programmes = NationalProgramme.objects.filter(programme_visible_q(actor), presented_at=previous).filter(
        sent_on__isnull=False
    )
    return [
        ProgrammeStatus(p, adoption_summary(Adoption.objects.filter(adoption_visible_q(actor), programme=p)))
        for p in programmes.order_by("title", "pk")
    ]


# --- writes: programmes ------------------------------------------------------------------------------

PROGRAMME_FIELDS = ("title", "description", "presented_at", "level", "fiscal_year")


def require_national_sender(actor: Actor, action: str, agency: Agency) -> None:
    """A programme is written in the name of a national agency (the ministry, Dekranas) by its users."""
    services.require_agency_write(actor, action, agency)
    if agency.region_id is not None or agency.kind not in NATIONAL_SENDERS:
        raise AccessDenied(
            _("Hanya instansi nasional (Kemenperin, Dekranas) yang dapat meneruskan program nasional.")
        )
    if not actor.is_superuser and not services._is_ministry_admin(actor) and actor.agency_id != agency.pk:
        raise AccessDenied(_("Anda hanya dapat mencatat data atas nama instansi Anda."))


def can_edit_programme(actor: Actor, programme: NationalProgramme) -> bool:
    try:
        require_national_sender(actor, Action.EDIT, programme.agency)
    except AccessDenied:
        return False
    return True


def _check_programme(programme: NationalProgramme, before: dict | None) -> None:
    if before is not None and before.get("sent_on") and before.get("level") != programme.level:
        raise _error(
            _("Program sudah diteruskan; tingkatnya tidak dapat diubah lagi."), "already_sent", "level"
        )
    if not programme.fiscal_year:
        meeting = programme.presented_at
        programme.fiscal_year = meeting.fiscal_year if meeting else selectors.today().year


@transaction.atomic
def programme_create(
    *, actor: Actor, agency: Agency | None = None, send: bool = False, **data: Any
) -> NationalProgramme:
    """A national programme, sent down at once when `send`."""
    agency = owning_agency(actor, agency)
    require_national_sender(actor, Action.CREATE, agency)
    programme = NationalProgramme(fiscal_year=0)
    programme.place_at_agency(agency)
    services._assign(programme, data, PROGRAMME_FIELDS)
    _check_programme(programme, None)
    services._save(actor, programme)
    if send:
        programme_send(actor=actor, programme=programme)
    return programme


@transaction.atomic
def programme_update(
    *,
    actor: Actor,
    programme: NationalProgramme,
    reason: str = "",
    expected_version: int | None = None,
    **data: Any,
) -> NationalProgramme:
    programme_get(actor=actor, pk=programme.pk)
    lock_latest(programme)
    require_national_sender(actor, Action.EDIT, programme.agency)
    check_version(programme, expected_version)
    before = snapshot(programme)
    services._assign(programme, data, PROGRAMME_FIELDS)
    _check_programme(programme, before)
    services._save(actor, programme, before=before, reason=reason)
    return programme


def recipients(level: str) -> list[Agency]:
    """The regional industry offices a programme is sent to: every province's, and at level
    `regency` also every regency's/city's."""
    kinds = [AgencyKind.PROVINCE_INDUSTRY]
    if level == CascadeLevel.REGENCY:
        kinds.append(AgencyKind.REGENCY_INDUSTRY)
    offices = Agency.objects.filter(kind__in=kinds, region__isnull=False).order_by("region_id", "pk")
    # One office per region: where a region has two offices of the kind, the first recorded decides.
    chosen: dict[str, Agency] = {}
    for office in offices:
        chosen.setdefault(office.region_id, office)
    return list(chosen.values())


@transaction.atomic
def programme_send(
    *,
    actor: Actor,
    programme: NationalProgramme,
    expected_version: int | None = None,
    sent_on: dt.date | None = None,
) -> int:
    """Sends a programme down: one pending adoption per recipient office, all or nothing; returns
    how many were created. A programme is sent once (`already_sent`). `sent_on` (default today)
    records when an earlier sending happened (the demo's 2022 programme)."""
    programme_get(actor=actor, pk=programme.pk)
    lock_latest(programme)
    require_national_sender(actor, Action.EDIT, programme.agency)
    check_version(programme, expected_version)
    if programme.sent_on is not None:
        raise _error(
            _("Program ini sudah diteruskan pada %(date)s.") % {"date": programme.sent_on.isoformat()},
            "already_sent",
            "sent_on",
        )
    before = snapshot(programme)
    programme.sent_on = sent_on or selectors.today()
    services._save(actor, programme, before=before)
    created = 0
    for office in recipients(programme.level):
        adoption = Adoption(programme=programme, fiscal_year=programme.fiscal_year)
        adoption.place_at_agency(office)
        services._save(actor, adoption)
        created += 1
    return created


# --- writes: adoptions -------------------------------------------------------------------------------


def can_decide(actor: Actor, adoption: Adoption) -> bool:
    """The regional agency decides its own adoption (and the platform itself, for the demo)."""
    if not actor.can(Action.EDIT, Area.COORDINATION):
        return False
    return actor.is_superuser or (actor.agency_id is not None and actor.agency_id == adoption.agency_id)


def _activities(actor: Actor, adoption: Adoption, activities: Sequence[Any]) -> list[Activity]:
    ids = [a.pk if isinstance(a, Activity) else a for a in activities]
    allowed = {a.pk: a for a in activity_choices(actor=actor, adoption=adoption).filter(pk__in=ids)}
    for pk in ids:
        if pk not in allowed:
            raise unknown_reference("activities", pk)
    return [allowed[pk] for pk in dict.fromkeys(ids)]


def _check_decision(adoption: Adoption, activities: list[Activity]) -> None:
    if adoption.status == AdoptionStatus.ADOPTED and not adoption.adaptation.strip() and not activities:
        raise _error(
            _("Program yang diadopsi perlu penyesuaian daerah atau paling sedikit satu kegiatan pelaksana."),
            "adaptation_required",
            "adaptation",
        )
    if adoption.status == AdoptionStatus.DECLINED and not adoption.decline_reason.strip():
        raise _error(
            _("Sebutkan alasan program tidak diadopsi."), "decline_reason_required", "decline_reason"
        )
    if adoption.status != AdoptionStatus.DECLINED:
        adoption.decline_reason = ""
    if adoption.status == AdoptionStatus.PENDING:
        adoption.decided_on = None
    else:
        adoption.decided_on = adoption.decided_on or selectors.today()


DECISION_FIELDS = ("status", "adaptation", "decline_reason", "funding", "decided_on")


@transaction.atomic
def adoption_decide(
    *,
    actor: Actor,
    adoption: Adoption,
    activities: Sequence[Any] | None = None,
    reason: str = "",
    expected_version: int | None = None,
    **data: Any,
) -> Adoption:
    """Records a region's decision on a programme: adopted (with its adaptation, activities and
    funding) or declined (with the reason), or back to pending."""
    adoption_get(actor=actor, pk=adoption.pk)
    lock_latest(adoption)
    if not can_decide(actor, adoption):
        raise AccessDenied(_("Hanya instansi daerah penerima program yang dapat memutuskan adopsinya."))
    check_version(adoption, expected_version)
    before = snapshot(adoption)
    services._assign(adoption, data, DECISION_FIELDS)
    chosen = (
        _activities(actor, adoption, activities)
        if activities is not None
        else list(adoption.activities.all())
    )
    if adoption.status == AdoptionStatus.DECLINED:
        chosen = []
        adoption.funding = ""
    _check_decision(adoption, chosen)
    services._save(
        actor, adoption, before=before, reason=reason, links=lambda: adoption.activities.set(chosen)
    )
    return adoption


# --- the next national meeting's agenda -------------------------------------------------------------

ADOPTION_AGENDA_TITLE = _l("Status adopsi program nasional")


def _summary_line(status: ProgrammeStatus) -> str:
    c = status.counts
    return _("%(title)s: %(adopted)s diadopsi, %(declined)s tidak, %(pending)s belum diputuskan") % {
        "title": status.programme.title[:80],
        "adopted": c[AdoptionStatus.ADOPTED],
        "declined": c[AdoptionStatus.DECLINED],
        "pending": c[AdoptionStatus.PENDING],
    }


@transaction.atomic
def adoption_agenda(*, actor: Actor, meeting: Meeting) -> AgendaItem | None:
    """Gives a national meeting (Rakornas, Rakernas) an agenda item "Status adopsi program nasional"
    summarising how the regions took up the programmes presented at the previous meeting (none when
    nothing was presented there; once only)."""
    services.require_meeting_edit(actor, meeting)
    statuses = adoption_status_of(actor=actor, meeting=meeting)
    if not statuses or meeting.agendaitems.filter(title=str(ADOPTION_AGENDA_TITLE)).exists():
        return None
    listing = "; ".join(_summary_line(s) for s in statuses)
    return services.agenda_item_add(
        actor=actor, meeting=meeting, title=str(ADOPTION_AGENDA_TITLE), presenter=listing[:200]
    )
