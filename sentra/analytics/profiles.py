"""Province and regency profile (issue 17 §5): one page per province or regency bringing together what
the other parts keep, for a Rakor annex. Every block reads the owner's selector, live (no cache):

- leading commodities: analytics.potential.leading_commodities (5-digit KBLI, by enterprises);
- existing sentra: registry Centre counts by status and by KBLI 2-digit, and the largest by members;
- programme spending and absorption by commodity: programmes.selectors.control_figures grouped by
  activity (pagu, blokir, realisation to the month, absorption = realised / (pagu − blokir)), each
  activity put under the KBLI 2-digit most of its beneficiaries (centres and IKM) share — ties go to
  the lower code; an activity without beneficiaries under "tanpa penerima";
- facilitator coverage: facilitators.coverage.region_coverage of the region (skipped when the reader
  may not read facilitators, or the module is absent);
- open follow-ups: coordination.selectors.follow_up_list of agencies in the region, still open or in
  progress, with how many are overdue.

Scope: a region outside the reader's answers not found (404); an unknown code `unknown_region`; a
district or village `profile_level` (profiles are for provinces and regencies).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, region_q, require
from sentra.core.errors import AccessDenied, DomainError, FieldError
from sentra.regions.models import Kbli, Region
from sentra.registry.choices import CentreStatus
from sentra.registry.models import Centre

from . import potential

LARGEST_CENTRES = 10
FOLLOW_UPS_LISTED = 10
NO_BENEFICIARY = ""


@dataclass
class CountRow:
    key: str
    label: str
    count: int


@dataclass
class CentreBlock:
    total: int = 0
    active: int = 0  # every status but inactive
    by_status: list[CountRow] = field(default_factory=list)
    by_kbli: list[CountRow] = field(default_factory=list)
    largest: list[dict] = field(default_factory=list)


@dataclass
class SpendingRow:
    kbli: str  # KBLI 2-digit, "" without beneficiaries
    label: str
    activities: int = 0
    pagu: int = 0
    blocked: int = 0
    realised: int = 0

    @property
    def available(self) -> int:
        return self.pagu - self.blocked

    @property
    def absorption(self) -> float | None:
        return round(100 * self.realised / self.available, 2) if self.available > 0 else None


@dataclass
class SpendingBlock:
    fiscal_year: int
    month: int
    rows: list[SpendingRow]
    total: SpendingRow


@dataclass
class FollowUpBlock:
    open: int
    overdue: int
    items: list  # the oldest due first


@dataclass
class Profile:
    region: Region
    level_label: str
    generated_at: dt.datetime
    leading: potential.Leading | None
    leading_note: str
    centres: CentreBlock
    spending: SpendingBlock
    coverage: object | None  # facilitators.coverage.CoverageRow of the region, or None
    coverage_note: str
    follow_ups: FollowUpBlock | None
    follow_ups_note: str

    @property
    def title(self) -> str:
        """ "Provinsi Kalimantan Timur"; a regency's name already says Kabupaten or Kota."""
        if self.region.level == Region.Level.PROVINCE:
            return _("Provinsi %(name)s") % {"name": self.region.name}
        return self.region.name


def _error(code: str, message: str) -> DomainError:
    return DomainError(message, code=code, errors=[FieldError("region", message, code)])


def find_profile_region(actor: Actor, code: str | None) -> Region:
    require(actor, Action.LIST, Area.ANALYTICS)
    if code is None or not str(code).strip():
        raise _error("region_required", _("Pilih provinsi atau kabupaten/kota."))
    # unknown_region, and not found outside the reader's region, as everywhere in analytics; a
    # village answers region_too_small there, a district here.
    region = potential.find_region(actor, code)
    if region.level > Region.Level.REGENCY:
        raise _error(
            "profile_level",
            _("Profil wilayah dibuat untuk provinsi dan kabupaten/kota; %(name)s adalah kecamatan.")
            % {"name": region.name},
        )
    return region


def _centres(actor: Actor, region: Region) -> CentreBlock:
    field_name = "province_code" if region.level == Region.Level.PROVINCE else "regency_code"
    qs = Centre.objects.filter(region_q(actor), **{field_name: region.code})
    block = CentreBlock()
    counts = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    block.by_status = [CountRow(s.value, str(s.label), counts.get(s.value, 0)) for s in CentreStatus]
    block.total = sum(counts.values())
    block.active = block.total - counts.get(CentreStatus.INACTIVE, 0)
    kbli_counts = (
        qs.exclude(status=CentreStatus.INACTIVE)
        .annotate(k2=Substr("kbli_id", 1, 2))
        .values_list("k2")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = sorted(kbli_counts, key=lambda r: (-r[1], r[0]))
    titles = dict(Kbli.objects.filter(code__in=[r[0] for r in rows]).values_list("code", "title"))
    block.by_kbli = [CountRow(k, titles.get(k, ""), n) for k, n in rows]
    largest = (
        qs.exclude(status=CentreStatus.INACTIVE)
        .annotate(member_count=Count("memberships"))
        .order_by("-member_count", "name", "id")
        .values("id", "name", "commodity", "kbli_id", "status", "member_count", "village__name")[
            :LARGEST_CENTRES
        ]
    )
    labels = dict(CentreStatus.choices)
    block.largest = [
        {**row, "status_label": str(labels.get(row["status"], row["status"]))} for row in largest
    ]
    return block


def _dominant_kbli(activity_ids) -> dict[int, str]:
    """Each activity's KBLI 2-digit: the one most of its beneficiaries (centres and IKM) share."""
    from sentra.programmes.models import Activity

    votes: dict[int, Counter] = defaultdict(Counter)
    for through, fk in ((Activity.centres.through, "centre"), (Activity.enterprises.through, "enterprise")):
        rows = (
            through.objects.filter(activity_id__in=activity_ids)
            .annotate(k2=Substr(f"{fk}__kbli_id", 1, 2))
            .values_list("activity_id", "k2")
            .annotate(n=Count("id"))
            .order_by()
        )
        for activity_id, k2, n in rows:
            votes[activity_id][k2] += n
    return {a: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for a, c in votes.items() if c}


def _spending(actor: Actor, region: Region, fiscal_year: int | None) -> SpendingBlock:
    from sentra.programmes.selectors import ControlFilter, control_activities, control_figures

    today = timezone.localdate()
    year = fiscal_year or today.year
    month = today.month if year == today.year else 12
    f = ControlFilter(fiscal_year=year, month=month, region=region.code)
    rows = control_figures(actor=actor, f=f, group="activity")
    kbli_of = _dominant_kbli(control_activities(actor=actor, f=f).values("id").order_by())
    groups: dict[str, SpendingRow] = {}
    total = SpendingRow(kbli="", label=_("Jumlah"))
    for figures in rows:
        k2 = kbli_of.get(figures.key, NO_BENEFICIARY)
        row = groups.setdefault(k2, SpendingRow(kbli=k2, label=""))
        for target in (row, total):
            target.activities += figures.activities
            target.pagu += figures.pagu
            target.blocked += figures.blocked
            target.realised += figures.realised_to_date
    titles = dict(Kbli.objects.filter(code__in=[k for k in groups if k]).values_list("code", "title"))
    for k, row in groups.items():
        row.label = titles.get(k, "") if k else _("Tanpa penerima manfaat tercatat")
    ordered = sorted(groups.values(), key=lambda r: (r.kbli == NO_BENEFICIARY, -r.pagu, r.kbli))
    return SpendingBlock(fiscal_year=year, month=month, rows=ordered, total=total)


def _coverage(actor: Actor, region: Region):
    try:
        from sentra.facilitators import coverage
    except ImportError:  # pragma: no cover - part 5 absent
        return None, _("Cakupan pendamping belum tersedia.")
    try:
        result = coverage.region_coverage(actor=actor, region=region)
    except AccessDenied:
        return None, _("Peran Anda tidak diizinkan melihat data pendamping (TPL-IKM).")
    return result.total, ""


def _follow_ups(actor: Actor, region: Region):
    from sentra.coordination.choices import FOLLOW_UP_PENDING
    from sentra.coordination.selectors import FollowUpFilter, follow_up_list, overdue_q

    try:
        qs = follow_up_list(actor=actor, filters=FollowUpFilter(region=region.code))
    except AccessDenied:
        return None, _("Peran Anda tidak diizinkan melihat tindak lanjut rapat koordinasi.")
    pending = qs.filter(status__in=FOLLOW_UP_PENDING)
    counts = pending.aggregate(open=Count("id"), overdue=Count("id", filter=overdue_q()))
    items = list(pending.order_by("due_on", "pk")[:FOLLOW_UPS_LISTED])
    return FollowUpBlock(open=counts["open"], overdue=counts["overdue"], items=items), ""


def region_profile(*, actor: Actor, code: str | None, fiscal_year: int | None = None) -> Profile:
    region = find_profile_region(actor, code)
    try:
        leading, leading_note = potential.leading_commodities(actor=actor, region_code=region.code), ""
    except DomainError as error:
        leading, leading_note = None, error.message
    coverage, coverage_note = _coverage(actor, region)
    follow_ups, follow_ups_note = _follow_ups(actor, region)
    return Profile(
        region=region,
        level_label=str(Region.Level(region.level).label),
        generated_at=timezone.localtime(),
        leading=leading,
        leading_note=leading_note,
        centres=_centres(actor, region),
        spending=_spending(actor, region, fiscal_year),
        coverage=coverage,
        coverage_note=coverage_note,
        follow_ups=follow_ups,
        follow_ups_note=follow_ups_note,
    )


def profile_regions(*, actor: Actor) -> list[Region]:
    """The regions whose profile the reader may open, provinces first, by code."""
    require(actor, Action.LIST, Area.ANALYTICS)
    code = actor.region_code
    if code is None:
        return list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("code"))
    own = Region.objects.filter(code=code).first()
    if own is None or own.level > Region.Level.REGENCY:
        return []
    if own.level == Region.Level.REGENCY:
        return [own]
    return [
        own,
        *Region.objects.filter(level=Region.Level.REGENCY, code__startswith=code + ".").order_by("code"),
    ]


def child_regencies(region: Region) -> list[Region]:
    if region.level != Region.Level.PROVINCE:
        return []
    return list(
        Region.objects.filter(level=Region.Level.REGENCY, code__startswith=region.code + ".").order_by("code")
    )
