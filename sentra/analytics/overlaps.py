"""The overlap check (issue 17 §1): activities of other agencies that probably do the same thing.

`overlaps_for(actor=, activity=, draft=)` is the one entry point: the activity page, the planning form
(before saving: `draft`), the API (`/api/v1/activities/{id}/overlaps`), the import and the regional
report of likely duplicates all call it.

How a pair is judged — block first, then score:

1. **Blocking** (indexed queries, no scoring yet): only activities of *other* agencies, whose period
   overlaps the activity's or lies within one quarter (92 days) of it (an activity without dates spans its
   fiscal year), and that share a place: a location in the same regency (or a location enclosing one of
   ours: a regency- or province-wide activity), an agency placed in the same regency (activities without
   locations), or a beneficiary centre or enterprise in common. Among those, only the ones whose topic can
   still reach the threshold (a kind of the same family or form, and no other commodity named) are read:
   filtered in SQL on the topic stored per activity (`ActivityTopic`, kept by every save of an activity:
   `on_activity_saved`; `rebuild_topics` after bulk loads). An activity whose stored topic is missing or
   out of date (another version of the activity, other normalisation rules) is read and judged in Python.
2. **Scoring** (0..1) = topic × place × time:
   - *topic* = kind similarity × (0.2 + 0.8 × subject). Kind: same kind 1, same family (training/WUB;
     halal/SNI/HKI; exhibition/e-commerce; machines/revitalisation) 0.7, otherwise 0.2 (0.8 when the
     titles name the same form, e.g. a "lainnya" activity titled *Bimtek*). Subject: the commodities the
     title and description name after normalisation (analytics.normalise: *tenun ikat* ≈ *songket* ≈
     *tenun*): shared 1, both named but different 0 — a weaving course and a batik course in one village
     are different topics however alike their titles; otherwise the beneficiaries' KBLI (shared 0.85,
     different 0.1), otherwise the remaining title words (Jaccard), otherwise 0.5 (unknown).
   - *place* = the best of: same village 1, a location enclosing the other (district 0.9, regency 0.7,
     province 0.4), another village of the same district 0.45, same regency 0.2; shared beneficiaries
     lift it (any shared 0.7, Jaccard ≥ 0.3 or ≥ 3 shared: 1).
   - *time*: periods overlap 1, adjacent (within a quarter) 0.75.
   A pair scoring at least `THRESHOLD` (0.5) is a probable overlap. So "same topic, another village of the
   district" (0.45), "another topic, same village" (≤ 0.2) and "same everything, another year" (blocked)
   are not flagged; synonyms in the same village and period score 1.

Scope (accounts.scope): an activity the actor may read (its agency's region inside the actor's region)
is shown in full (`detail_visible=True`). An activity the actor may not read is shown only when it works
inside the actor's region (a location or a beneficiary there, or a location enclosing the region: a
province-wide activity seen by a regency) — and then only its id (to link the pair), name and agency:
no region, dates, score reasons (they would tell its beneficiaries and months); its score is kept for the
order. Anything else outside the actor's region is left out entirely. Beneficiary ids in a draft count
only when the actor may read them, so the check cannot be used to probe other regions' enterprises.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import chain

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, code_in_scope, scoped_queryset
from sentra.programmes.models import Activity
from sentra.regions.selectors import region_filter_q
from sentra.registry.models import Centre, Enterprise

from .models import ActivityLink, ActivityTopic
from .normalise import RULES, Topic, commodity_label, form_label, jaccard, stored_keys, topic_of

THRESHOLD = 0.5
ADJACENT_DAYS = 92  # one quarter
MAX_CANDIDATES = 3000
# Kind similarity (see the module docstring): same kind, same family, a form both name, otherwise.
KIND_SAME, KIND_SAME_FAMILY, KIND_SAME_FORM, KIND_OTHER = 1.0, 0.7, 0.8, 0.2

KIND_FAMILY = {
    "training": "capacity",
    "wub": "capacity",
    "cert_halal": "certification",
    "cert_sni": "certification",
    "cert_hki": "certification",
    "exhibition": "market",
    "ecommerce": "market",
    "machine_aid": "equipment",
    "revitalisation": "equipment",
    "study": "study",
    "other": "other",
}
KIND_FORM = {
    "training": "pelatihan",
    "wub": "wub",
    "cert_halal": "halal",
    "cert_sni": "sni",
    "cert_hki": "hki",
    "exhibition": "pameran",
    "ecommerce": "ecommerce",
    "machine_aid": "bantuan_alat",
    "revitalisation": "revitalisasi",
    "study": "kajian",
}
MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


@dataclass
class Overlap:
    """One probable overlap, for the form, the activity page, the API and the report."""

    activity_id: int
    name: str
    agency_name: str
    region_name: str
    start_date: dt.date | None
    end_date: dt.date | None
    score: float  # 0..1
    reasons: list[
        str
    ]  # Indonesian words: "12 IKM yang sama", "sama-sama pelatihan tenun", "Juni dan Juli 2026"
    detail_visible: bool  # False: only id, name and agency may be shown (see the module's scope rule)
    link_kind: str | None  # an ActivityLink between the pair already: merge / sequence / separate


@dataclass
class Plan:
    """An activity (saved or a form's draft) as the check sees it."""

    pk: int | None
    name: str
    description: str
    kind: str
    agency_id: int | None
    fiscal_year: int | None
    start: dt.date | None
    end: dt.date | None
    locations: set[str] = field(default_factory=set)
    centres: set[int] = field(default_factory=set)
    enterprises: set[int] = field(default_factory=set)
    beneficiary_villages: set[str] = field(default_factory=set)
    kblis: set[str] = field(default_factory=set)
    region_id: str | None = None
    agency_name: str = ""
    region_name: str = ""

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        start, end = self.start, self.end
        if start is None and end is None:
            if not self.fiscal_year:
                return None
            return dt.date(self.fiscal_year, 1, 1), dt.date(self.fiscal_year, 12, 31)
        start = start or end
        end = end or start
        return (start, end) if start <= end else (end, start)

    @property
    def places(self) -> set[str]:
        """Where it works: its locations and its beneficiaries' villages; else its agency's region."""
        places = self.locations | self.beneficiary_villages
        if not places and self.region_id:
            places = {self.region_id}
        return places

    @property
    def topic(self) -> Topic:
        return topic_of(f"{self.name} {self.description}")


def overlaps_for(
    *, actor: Actor, activity: Activity | None = None, draft: dict | None = None, limit: int = 20
) -> list[Overlap]:
    """Activities of other agencies that probably do the same thing as `activity` or `draft`.

    `activity`: a saved activity (the caller has read it through programmes.selectors.activity_get).
    `draft`: the unsaved form's values, keys (all optional) `name`, `description`, `kind`, `agency_id`,
    `fiscal_year`, `start_date`, `end_date` (date or ISO string), `location_codes` (region codes),
    `centre_ids`, `enterprise_ids`; with `activity` too, the draft's values replace the saved ones (an
    edit being checked) and the activity itself is left out. Returns at most `limit` overlaps scoring at
    least THRESHOLD, best first; [] when the actor may not read activities or nothing overlaps.
    """
    if not actor.is_authenticated or not actor.can(Action.VIEW, Area.PROGRAMMES):
        return []
    plan = _plan(actor, activity, draft or {})
    period = plan.period
    if period is None or not (plan.places or plan.centres or plan.enterprises):
        return []
    candidates = _candidates(plan, period)
    if not candidates:
        return []
    scored = []
    for cand in candidates:
        score, why = _score(plan, cand)
        if score >= THRESHOLD:
            scored.append((score, cand, why))
    scored.sort(key=lambda t: (-t[0], t[1].start or dt.date.max, t[1].pk))
    shown = []
    for score, cand, why in scored:
        full = _reads(actor, cand)
        if full or _works_in(actor, cand):
            shown.append((score, cand, why if full else [], full))
        if len(shown) >= limit:
            break
    _name_places(shown)
    results = [
        Overlap(
            activity_id=cand.pk,
            name=cand.name,
            agency_name=cand.agency_name,
            region_name=cand.region_name if full else "",
            start_date=cand.start if full else None,
            end_date=cand.end if full else None,
            score=round(score, 3),
            reasons=why,
            detail_visible=full,
            link_kind=None,
        )
        for score, cand, why, full in shown
    ]
    if plan.pk and results:
        _attach_links(plan.pk, results)
    return results


# --- the plan -------------------------------------------------------------------------------------


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _ids(values) -> set[int]:
    out = set()
    for v in values or ():
        try:
            out.add(int(getattr(v, "pk", v)))
        except (TypeError, ValueError):
            continue
    return out


def _plan(actor: Actor, activity: Activity | None, draft: dict) -> Plan:
    if activity is not None:
        plan = Plan(
            pk=activity.pk,
            name=activity.name,
            description=activity.description,
            kind=activity.kind,
            agency_id=activity.agency_id,
            fiscal_year=activity.fiscal_year,
            start=activity.start_date,
            end=activity.end_date,
            region_id=activity.region_id,
        )
        through = Activity.locations.through.objects.filter(activity_id=activity.pk)
        plan.locations = set(through.values_list("region_id", flat=True))
        plan.centres = set(
            Activity.centres.through.objects.filter(activity_id=activity.pk).values_list(
                "centre_id", flat=True
            )
        )
        plan.enterprises = set(
            Activity.enterprises.through.objects.filter(activity_id=activity.pk).values_list(
                "enterprise_id", flat=True
            )
        )
    else:
        plan = Plan(
            pk=None, name="", description="", kind="", agency_id=None, fiscal_year=None, start=None, end=None
        )
    if draft:
        for key, attr in (("name", "name"), ("description", "description"), ("kind", "kind")):
            if key in draft:
                setattr(plan, attr, str(draft[key] or ""))
        if "agency_id" in draft:
            plan.agency_id = int(draft["agency_id"]) if draft["agency_id"] not in (None, "") else None
            plan.region_id = _agency_region(plan.agency_id)
        if "fiscal_year" in draft:
            try:
                plan.fiscal_year = int(draft["fiscal_year"])
            except (TypeError, ValueError):
                plan.fiscal_year = None
        if "start_date" in draft:
            plan.start = _date(draft["start_date"])
        if "end_date" in draft:
            plan.end = _date(draft["end_date"])
        if "location_codes" in draft:
            plan.locations = {str(c).strip() for c in draft["location_codes"] or () if str(c).strip()}
        # Beneficiaries a draft names count only when the actor may read them (no probing by id).
        if "centre_ids" in draft:
            ids = _ids(draft["centre_ids"])
            plan.centres = set(scoped_queryset(actor, Centre).filter(pk__in=ids).values_list("pk", flat=True))
        if "enterprise_ids" in draft:
            ids = _ids(draft["enterprise_ids"])
            plan.enterprises = set(
                scoped_queryset(actor, Enterprise).filter(pk__in=ids).values_list("pk", flat=True)
            )
    villages, kblis = _beneficiary_facts(plan.centres, plan.enterprises)
    plan.beneficiary_villages = set(chain.from_iterable(villages.values()))
    plan.kblis = set(chain.from_iterable(kblis.values()))
    return plan


def _agency_region(agency_id: int | None) -> str | None:
    if agency_id is None:
        return None
    from sentra.agencies.models import Agency

    return Agency.objects.filter(pk=agency_id).values_list("region_id", flat=True).first()


def _beneficiary_facts(centres: set[int], enterprises: set[int]):
    """Villages and KBLI codes of beneficiaries, keyed by ("c"|"e", id)."""
    villages: dict[tuple[str, int], set[str]] = {}
    kblis: dict[tuple[str, int], set[str]] = {}
    if centres:
        for pk, village, kbli in Centre.objects.filter(pk__in=centres).values_list(
            "pk", "village_id", "kbli_id"
        ):
            villages[("c", pk)] = {village}
            kblis[("c", pk)] = {kbli}
    if enterprises:
        for pk, village, kbli in Enterprise.objects.filter(pk__in=enterprises).values_list(
            "pk", "village_id", "kbli_id"
        ):
            villages[("e", pk)] = {village}
            kblis[("e", pk)] = {kbli}
    return villages, kblis


# --- blocking -------------------------------------------------------------------------------------


def _enclosing(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _candidates(plan: Plan, period: tuple[dt.date, dt.date]) -> list[Plan]:
    lo = period[0] - dt.timedelta(days=ADJACENT_DAYS)
    hi = period[1] + dt.timedelta(days=ADJACENT_DAYS)
    years = list(range(lo.year, hi.year + 1))
    regencies = {c[:5] for c in plan.places if len(c) >= 5}
    wide = {c for c in plan.places if len(c) < 5}  # a province-wide plan
    enclosing = set(chain.from_iterable(_enclosing(c) for c in plan.places)) | wide

    ids: set[int] = set()
    through = Activity.locations.through.objects.filter(activity__fiscal_year__in=years)
    place_q = Q(region_id__in=enclosing) if enclosing else Q(pk__in=[])
    for code in sorted(regencies | wide):
        place_q |= region_filter_q("region_id", code)
    ids.update(through.filter(place_q).values_list("activity_id", flat=True)[:MAX_CANDIDATES])
    if regencies or wide:
        agency_q = (
            Q(regency_code__in=regencies) | Q(province_code__in=wide)
            if wide
            else Q(regency_code__in=regencies)
        )
        ids.update(
            Activity.objects.filter(agency_q, fiscal_year__in=years).values_list("pk", flat=True)[
                :MAX_CANDIDATES
            ]
        )
    if plan.centres:
        ids.update(
            Activity.centres.through.objects.filter(
                centre_id__in=plan.centres, activity__fiscal_year__in=years
            ).values_list("activity_id", flat=True)
        )
    if plan.enterprises:
        ids.update(
            Activity.enterprises.through.objects.filter(
                enterprise_id__in=plan.enterprises, activity__fiscal_year__in=years
            ).values_list("activity_id", flat=True)
        )
    ids.discard(plan.pk)
    if not ids:
        return []
    qs = Activity.objects.filter(
        Q(start_date__lte=hi) | Q(start_date__isnull=True),
        Q(end_date__gte=lo) | Q(end_date__isnull=True),
        pk__in=ids,
        fiscal_year__in=years,
    )
    if plan.agency_id is not None:
        qs = qs.exclude(agency_id=plan.agency_id)
    plan_topic = plan.topic
    topic_q = _topic_q(plan, plan_topic)
    if topic_q is not None:
        qs = qs.filter(topic_q)
    rows = list(
        qs.values_list(
            "pk",
            "name",
            "description",
            "kind",
            "agency_id",
            "fiscal_year",
            "start_date",
            "end_date",
            "region_id",
            "agency__name",
            "region__name",
        )[:MAX_CANDIDATES]
    )
    cands: dict[int, Plan] = {}
    for pk, name, desc, kind, agency, year, start, end, region, agency_name, region_name in rows:
        cand = Plan(pk, name, desc, kind, agency, year, start, end, region_id=region)
        cand.agency_name, cand.region_name = agency_name or "", region_name or ""
        p = cand.period
        if p is None or p[0] > hi or p[1] < lo or _topic_bound(plan, plan_topic, cand) < THRESHOLD:
            continue
        cands[pk] = cand
    if not cands:
        return []
    keys = list(cands)
    for aid, code in Activity.locations.through.objects.filter(activity_id__in=keys).values_list(
        "activity_id", "region_id"
    ):
        cands[aid].locations.add(code)
    centre_rows = list(
        Activity.centres.through.objects.filter(activity_id__in=keys).values_list("activity_id", "centre_id")
    )
    enterprise_rows = list(
        Activity.enterprises.through.objects.filter(activity_id__in=keys).values_list(
            "activity_id", "enterprise_id"
        )
    )
    for aid, cid in centre_rows:
        cands[aid].centres.add(cid)
    for aid, eid in enterprise_rows:
        cands[aid].enterprises.add(eid)
    villages, kblis = _beneficiary_facts({c for _, c in centre_rows}, {e for _, e in enterprise_rows})
    for aid, cid in centre_rows:
        cands[aid].beneficiary_villages |= villages.get(("c", cid), set())
        cands[aid].kblis |= kblis.get(("c", cid), set())
    for aid, eid in enterprise_rows:
        cands[aid].beneficiary_villages |= villages.get(("e", eid), set())
        cands[aid].kblis |= kblis.get(("e", eid), set())
    return list(cands.values())


# --- the stored topic (ActivityTopic) ------------------------------------------------------------


def _topic_q(plan: Plan, ta: Topic) -> Q | None:
    """`_topic_bound` in SQL, on the stored topics: the candidates whose topic may reach THRESHOLD, and
    those without a current stored topic (Python judges them); None when no candidate can be dropped.

    The kind similarity is one of four levels (same kind, same family, a form in common, otherwise)
    and the best subject 1 (a commodity in common, or none named on one side) or 0 (both name
    commodities, none shared): every pair of levels that reaches THRESHOLD is let through. A level is
    the kinds it takes and the forms a title may name instead (None: any candidate)."""
    family = KIND_FAMILY.get(plan.kind)
    forms = _forms(plan, ta)
    kinds: list[tuple[float, tuple[set[str], set[str]] | None]] = [
        (KIND_OTHER, None),
        (KIND_SAME, ({plan.kind} if plan.kind else set(), set())),
        (KIND_SAME_FAMILY, ({k for k, f in KIND_FAMILY.items() if f == family} if family else set(), set())),
        (KIND_SAME_FORM, ({k for k, f in KIND_FORM.items() if f in forms}, set(forms))),
    ]
    subjects: list[tuple[float, Q | None]] = [(1.0, None)]
    if ta.commodities:
        shared_q = Q(overlap_topic__commodities="")
        for c in sorted(ta.commodities):
            shared_q |= Q(overlap_topic__commodities__contains=f" {c} ")
        subjects = [(1.0, shared_q), (0.0, None)]
    reach = Q(pk__in=[])
    for subject, subject_q in subjects:
        levels = [level for kind, level in kinds if kind * (0.2 + 0.8 * subject) >= THRESHOLD]
        if not levels:
            continue
        if None in levels:
            if subject_q is None:
                return None
            reach |= subject_q
            continue
        kind_q = Q(kind__in=sorted(set().union(*(k for k, _f in levels))))
        for f in sorted(set().union(*(f for _k, f in levels))):
            kind_q |= Q(overlap_topic__forms__contains=f" {f} ")
        reach |= kind_q if subject_q is None else kind_q & subject_q
    current = Q(overlap_topic__version=F("version"), overlap_topic__rules=RULES)
    return ~current | reach


def on_activity_saved(sender, instance, raw=False, **kwargs) -> None:
    """post_save of programmes.Activity (connected in apps.py): its stored topic, in the same
    transaction (a fixture load, `raw`, is left to rebuild_topics)."""
    if not raw and instance.pk is not None:
        _write_topics(Activity.objects.filter(pk=instance.pk))


def rebuild_topics(activity_ids=None, *, chunk: int = 5000) -> int:
    """Brings the stored topics of `activity_ids` (all activities when None) up to date where missing,
    of an older version of the activity or of other normalisation rules: after writes that bypass
    the model's save (bulk loads, raw SQL) or a change of analytics.normalise. Returns how many it
    wrote."""
    current = Q(overlap_topic__version=F("version"), overlap_topic__rules=RULES)
    qs = Activity.objects.filter(~current).order_by("pk")
    if activity_ids is not None:
        qs = qs.filter(pk__in=list(activity_ids))
    written, last = 0, 0
    while True:
        ids = list(qs.filter(pk__gt=last).values_list("pk", flat=True)[:chunk])
        if not ids:
            return written
        written += _write_topics(Activity.objects.filter(pk__in=ids))
        last = ids[-1]


def _write_topics(activities) -> int:
    rows = []
    for pk, version, name, description in activities.values_list("pk", "version", "name", "description"):
        commodities, forms = stored_keys(f"{name} {description}")
        rows.append(
            ActivityTopic(activity_id=pk, version=version, rules=RULES, commodities=commodities, forms=forms)
        )
    with transaction.atomic():
        ActivityTopic.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["activity"],
            update_fields=["version", "rules", "commodities", "forms"],
        )
    return len(rows)


# --- scoring --------------------------------------------------------------------------------------

_ENCLOSING_WEIGHT = {2: 0.4, 5: 0.7, 8: 0.9}


def code_similarity(a: str, b: str) -> float:
    """How much two region codes are the same place (see the module docstring)."""
    if a == b:
        return 1.0
    if b.startswith(a + "."):
        return _ENCLOSING_WEIGHT.get(len(a), 0.4)
    if a.startswith(b + "."):
        return _ENCLOSING_WEIGHT.get(len(b), 0.4)
    if len(a) > 8 and len(b) > 8 and a[:8] == b[:8]:
        return 0.45
    if a[:5] == b[:5] and len(a) >= 5 and len(b) >= 5:
        return 0.2
    return 0.0


def _place(a: Plan, b: Plan) -> tuple[float, str | None]:
    best, best_pair = 0.0, None
    for x in a.places:
        for y in b.places:
            s = code_similarity(x, y)
            if s > best:
                best, best_pair = s, (x, y)
                if s == 1.0:
                    return best, x
    if best_pair is None:
        return 0.0, None
    x, y = best_pair
    return best, (x if len(x) <= len(y) else y) if best >= 0.7 else x[:8] if best == 0.45 else None


def _forms(plan: Plan, topic: Topic) -> frozenset[str]:
    """The forms the title names and the kind's own."""
    return topic.forms | ({KIND_FORM[plan.kind]} if plan.kind in KIND_FORM else frozenset())


def _kind_similarity(a: Plan, b: Plan, ta: Topic, tb: Topic) -> float:
    if a.kind and a.kind == b.kind:
        return KIND_SAME
    if KIND_FAMILY.get(a.kind) and KIND_FAMILY.get(a.kind) == KIND_FAMILY.get(b.kind):
        return KIND_SAME_FAMILY
    if _forms(a, ta) & _forms(b, tb):
        return KIND_SAME_FORM
    return KIND_OTHER


def _subject(a: Plan, b: Plan, ta: Topic, tb: Topic) -> float:
    if ta.commodities and tb.commodities:
        return 1.0 if ta.commodities & tb.commodities else 0.0
    if a.kblis and b.kblis:
        return 0.85 if a.kblis & b.kblis else 0.1
    if ta.tokens and tb.tokens:
        return min(1.0, jaccard(ta.tokens, tb.tokens) * 2)
    return 0.5


def _topic_bound(a: Plan, ta: Topic, b: Plan) -> float:
    """The highest topic score the pair can reach whatever its beneficiaries (place and time ≤ 1): a
    candidate below THRESHOLD here is dropped before its locations and beneficiaries are read."""
    tb = b.topic
    subject_max = 0.0 if ta.commodities and tb.commodities and not ta.commodities & tb.commodities else 1.0
    return _kind_similarity(a, b, ta, tb) * (0.2 + 0.8 * subject_max)


def _time(pa: tuple[dt.date, dt.date], pb: tuple[dt.date, dt.date]) -> float:
    if pa[0] <= pb[1] and pb[0] <= pa[1]:
        return 1.0
    gap = (pb[0] - pa[1]).days if pb[0] > pa[1] else (pa[0] - pb[1]).days
    return 0.75 if gap <= ADJACENT_DAYS else 0.0


def score_pair(a: Plan, b: Plan) -> float:
    """The score alone (bench and tests)."""
    return _score(a, b)[0]


def _score(a: Plan, b: Plan) -> tuple[float, list[str]]:
    ta, tb = a.topic, b.topic
    kind = _kind_similarity(a, b, ta, tb)
    subject = _subject(a, b, ta, tb)
    topic = kind * (0.2 + 0.8 * subject)
    place, place_code = _place(a, b)
    shared_c = len(a.centres & b.centres)
    shared_e = len(a.enterprises & b.enterprises)
    shared = shared_c + shared_e
    if shared:
        keys_a = {("c", i) for i in a.centres} | {("e", i) for i in a.enterprises}
        keys_b = {("c", i) for i in b.centres} | {("e", i) for i in b.enterprises}
        place = max(place, 1.0 if shared >= 3 or jaccard(keys_a, keys_b) >= 0.3 else 0.7)
    pa, pb = a.period, b.period
    time = _time(pa, pb) if pa and pb else 0.0
    score = topic * place * time
    if score < THRESHOLD:
        return score, []
    reasons: list[str] = []
    if shared_e:
        reasons.append(_("%(n)s IKM yang sama") % {"n": shared_e})
    if shared_c:
        reasons.append(_("%(n)s sentra yang sama") % {"n": shared_c})
    reasons.append(_topic_reason(a, b, ta, tb))
    if place_code and place >= 0.45:
        reasons.append(("place", place_code, place))  # named in one query for all results (_name_places)
    reasons.append(_time_reason(pa, pb))
    return score, [r for r in reasons if r]


def _topic_reason(a: Plan, b: Plan, ta: Topic, tb: Topic) -> str:
    if a.kind == b.kind and a.kind in KIND_FORM:
        form = form_label(KIND_FORM[a.kind])
    else:
        common = (ta.forms | {KIND_FORM.get(a.kind, "")}) & (tb.forms | {KIND_FORM.get(b.kind, "")}) - {""}
        form = form_label(sorted(common)[0]) if common else ""
    commodities = sorted(ta.commodities & tb.commodities)
    subject = ", ".join(commodity_label(c) for c in commodities)
    if not subject and a.kblis & b.kblis:
        subject = _("KBLI %(codes)s") % {"codes": ", ".join(sorted(a.kblis & b.kblis)[:3])}
    text = " ".join(p for p in (form, subject) if p)
    return _("sama-sama %(topic)s") % {"topic": text} if text else ""


_LEVEL_WORDS = {13: "desa/kelurahan", 8: "kecamatan", 5: "kabupaten/kota", 2: "provinsi"}


def _name_places(shown) -> None:
    """Replaces the ("place", code, weight) markers in the reasons by words, one query for all."""
    from sentra.regions.models import Region

    codes = {r[1] for _s, _c, why, _f in shown for r in why if isinstance(r, tuple)}
    names = dict(Region.objects.filter(pk__in=codes).values_list("code", "name")) if codes else {}
    for _s, _c, why, _f in shown:
        for i, r in enumerate(why):
            if isinstance(r, tuple):
                why[i] = _place_reason(r[1], r[2], names.get(r[1], r[1]))


def _place_reason(code: str, place: float, name: str) -> str:
    level = _LEVEL_WORDS.get(len(code), "wilayah")
    if place >= 1.0:
        return _("di %(level)s yang sama: %(name)s") % {"level": level, "name": name}
    if place >= 0.7:
        return _("lokasi mencakup %(level)s %(name)s") % {"level": level, "name": name}
    return _("desa berbeda di kecamatan yang sama: %(name)s") % {"name": name}


def _months(start: dt.date, end: dt.date) -> str:
    months = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month) and len(months) < 13:
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    label = lambda ym: _(MONTHS[ym[1] - 1])  # noqa: E731
    first, last = months[0], months[-1]
    if len(months) == 1:
        return f"{label(first)} {first[0]}"
    if len(months) == 2 and first[0] == last[0]:
        return _("%(a)s dan %(b)s %(y)s") % {"a": label(first), "b": label(last), "y": first[0]}
    if first[0] == last[0]:
        return f"{label(first)}–{label(last)} {first[0]}"
    return f"{label(first)} {first[0]}–{label(last)} {last[0]}"


def _time_reason(pa, pb) -> str:
    if not pa or not pb:
        return ""
    if pa[0] <= pb[1] and pb[0] <= pa[1]:
        return _months(max(pa[0], pb[0]), min(pa[1], pb[1]))
    gap = (pb[0] - pa[1]).days if pb[0] > pa[1] else (pa[0] - pb[1]).days
    return _("waktunya berdekatan (selang %(days)s hari)") % {"days": gap}


# --- scope and links ------------------------------------------------------------------------------


def _reads(actor: Actor, cand: Plan) -> bool:
    """Whether the actor may read the activity in full (its agency's region inside the actor's)."""
    if cand.region_id is None:
        return actor.is_national
    return code_in_scope(actor, cand.region_id)


def _works_in(actor: Actor, cand: Plan) -> bool:
    """Whether an activity the actor may not read works inside the actor's region."""
    region = actor.region_code
    if region is None:
        return True
    for code in cand.locations | cand.beneficiary_villages:
        if code_in_scope(actor, code) or region.startswith(code + "."):
            return True
    return False


def _attach_links(pk: int, results: list[Overlap]) -> None:
    ids = [r.activity_id for r in results]
    links = {}
    for first, second, kind in ActivityLink.objects.filter(
        Q(first_id=pk, second_id__in=ids) | Q(second_id=pk, first_id__in=ids)
    ).values_list("first_id", "second_id", "kind"):
        links[second if first == pk else first] = kind
    for r in results:
        r.link_kind = links.get(r.activity_id)
