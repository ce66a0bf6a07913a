"""What waits for whom: each level's verification queue, and the steps a user may take on a record."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Q, QuerySet

from sentra.accounts.permissions import Action
from sentra.accounts.scope import Actor, require_record
from sentra.core.errors import AccessDenied, NotFound

from .models import VerificationStatus as S


def waiting_statuses(actor: Actor) -> list[str]:
    """Statuses the actor is expected to act on next: the ministry accepts what provinces verified,
    the province verifies what regencies submitted, the regency submits its drafts and returned data."""
    if actor.can(Action.ACCEPT):
        return [S.VERIFIED]
    if actor.can(Action.VERIFY):
        return [S.SUBMITTED]
    if actor.can(Action.SUBMIT):
        return [S.DRAFT, S.RETURNED]
    return []


def waiting_q(actor: Actor) -> Q:
    statuses = waiting_statuses(actor)
    if not statuses:
        return Q(pk__in=[])
    return Q(verification_status__in=statuses)


def queue(*, actor: Actor, qs: QuerySet) -> QuerySet:
    """`qs` must already be scoped to the actor (a registry selector's list)."""
    return qs.filter(waiting_q(actor))


def waiting_count(querysets: list[QuerySet], *, cap: int) -> int:
    """How many records the queues hold, each queue counted up to `cap` rows, in one query: the count
    on "Verifikasi" is on every page, so one SELECT adds up a capped COUNT per record type instead of
    one query per type (a UNION of LIMITed selects is refused by SQLite, hence the sum of scalar
    subqueries). The querysets are already scoped and filtered to the actor's waiting statuses."""
    if not querysets:
        return 0
    terms, params = [], []
    for number, qs in enumerate(querysets):
        capped = qs.order_by().values_list("pk", flat=True)[:cap]
        sql, term_params = capped.query.get_compiler(using=capped.db).as_sql()
        # The SQL Django compiled for a scoped queryset; its values stay bound parameters.
        terms.append(f"(SELECT COUNT(*) FROM ({sql}) AS queue_{number})")  # nosec B608
        params.extend(term_params)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute("SELECT " + " + ".join(terms), params)  # nosec B608: compiled querysets, params bound
        return cursor.fetchone()[0]


@dataclass
class Steps:
    """The verification steps to offer on a record: `available` (names, in TRANSITIONS order), and
    `withheld`: why a step the role would allow is not offered (e.g. the record is the actor's
    agency's own submission), or ""."""

    available: list[str] = field(default_factory=list)
    withheld: str = ""


def record_steps(*, actor: Actor, record) -> Steps:
    """What the record's detail page offers: the steps its status allows, the role and scope permit,
    and the separation of duties does not withhold (the same rules as services.transition)."""
    from .services import TRANSITIONS, own_submission, own_submission_message

    steps = Steps()
    for name, step in TRANSITIONS.items():
        if record.verification_status not in step.sources:
            continue
        try:
            require_record(actor, step.action, record)
        except (AccessDenied, NotFound):
            continue
        if own_submission(actor, step.action, record):
            steps.withheld = own_submission_message(record)
            continue
        steps.available.append(name)
    return steps
