"""Reminders and the weekly digest (issue 15 §2 and §5): what reaches an owner agency without it
opening Sentra.

Run once a day by `sentra digest` (cron) or Celery beat (coordination.tasks), in either order, as
often as one likes: every reminder and every digest is written down (Reminder, Digest rows, unique
per record and kind / per agency and week) in the same transaction that sends it, so a rerun, a
second cron line or a beat that fires twice sends nothing new.

Reminders (a notification in Sentra to every active user of the owner agency whose role reads
coordination):
- a follow-up still open or in progress becomes due: on its due date (`due_on == on`);
- it is overdue: from the first day after its due date; a run that was missed is caught up for
  OVERDUE_CATCH_UP_DAYS days, not further back (switching reminders on must not send one for every
  follow-up that has been late for years);
- an agreement signed or active expires (its `valid_until`) within 90 days, and within 30 days: one
  alert each, the 90-day one only while more than 30 days remain (an agreement recorded 20 days
  before its end gets the 30-day alert only); an agreement already past its end gets none.

The weekly digest (one e-mail per agency per week, the week starting on Monday): to the active users
of the agency with an e-mail address whose role reads coordination, listing the agency's follow-ups
still to do (overdue first) and its agreements expiring within 90 days; an agency with nothing to
report gets no e-mail. Text and HTML, in Bahasa Indonesia, through Django's e-mail (the console
backend unless SENTRA_EMAIL_BACKEND says otherwise).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sentra.accounts.models import Profile, Role
from sentra.accounts.permissions import Action, Area, role_allows
from sentra.accounts.services import notify
from sentra.agencies.models import Agency

from .choices import FOLLOW_UP_PENDING, AgreementStatus, ReminderKind
from .models import Agreement, Digest, FollowUp, Reminder

# How far back a missed run still sends the overdue reminder of a follow-up.
OVERDUE_CATCH_UP_DAYS = 7
# Agreement alerts: (kind, days before the end). The 90-day window stops where the 30-day one starts.
AGREEMENT_ALERTS = ((ReminderKind.AGREEMENT_90, 90), (ReminderKind.AGREEMENT_30, 30))
# Agreements still in force: a draft is not yet, an ended or terminated one no longer.
IN_FORCE = (AgreementStatus.SIGNED, AgreementStatus.ACTIVE)
# The digest lists at most this many records per section (then "and N more" with a link).
DIGEST_LIST_LIMIT = 50
DIGEST_AGREEMENT_DAYS = 90


def _today() -> dt.date:
    return timezone.localdate()


def _reader_roles() -> list[str]:
    return [role for role in Role.values if role_allows(role, Action.VIEW, Area.COORDINATION)]


def _link(name: str, pk: int | None = None) -> str:
    try:
        return reverse(name, args=[pk] if pk is not None else [])
    except NoReverseMatch:
        return ""


def _date(value: dt.date) -> str:
    return formats.date_format(value, "j F Y")


# --- reminders ---------------------------------------------------------------------------------------


@dataclass
class ReminderCounts:
    """What a run sent (or, dry, would send): reminders per kind and the notifications they made."""

    follow_up_due: int = 0
    follow_up_overdue: int = 0
    agreement_90: int = 0
    agreement_30: int = 0
    notifications: int = 0

    @property
    def reminders(self) -> int:
        return self.follow_up_due + self.follow_up_overdue + self.agreement_90 + self.agreement_30


def recipients_by_agency(agency_ids) -> dict[int, list[int]]:
    """Active users (ids) per agency whose role reads coordination: one query."""
    rows = (
        Profile.objects.filter(agency_id__in=agency_ids, user__is_active=True, role__in=_reader_roles())
        .order_by("agency_id", "user_id")
        .values_list("agency_id", "user_id")
    )
    found: dict[int, list[int]] = defaultdict(list)
    for agency_id, user_id in rows:
        found[agency_id].append(user_id)
    return found


def _not_sent(kind: str, field_name: str) -> Exists:
    return Exists(Reminder.objects.filter(kind=kind, **{field_name: OuterRef("pk")}))


def due_follow_ups(on: dt.date):
    """Follow-ups still to do that are due on `on` and have had no due reminder."""
    return FollowUp.objects.filter(status__in=FOLLOW_UP_PENDING, due_on=on).exclude(
        _not_sent(ReminderKind.FOLLOW_UP_DUE, "follow_up")
    )


def overdue_follow_ups(on: dt.date):
    """Follow-ups still to do whose due date has passed (by at most OVERDUE_CATCH_UP_DAYS) and that
    have had no overdue reminder."""
    return FollowUp.objects.filter(
        status__in=FOLLOW_UP_PENDING,
        due_on__lt=on,
        due_on__gte=on - dt.timedelta(days=OVERDUE_CATCH_UP_DAYS),
    ).exclude(_not_sent(ReminderKind.FOLLOW_UP_OVERDUE, "follow_up"))


def expiring_agreements(on: dt.date, kind: str):
    """Agreements in force that end within the alert's window and have had no alert of this kind:
    the 30-day one within 0–30 days of `on`, the 90-day one within 31–90."""
    days = dict(AGREEMENT_ALERTS)[kind]
    nearer = [d for _k, d in AGREEMENT_ALERTS if d < days]
    start = on + dt.timedelta(days=max(nearer) + 1) if nearer else on
    return Agreement.objects.filter(
        status__in=IN_FORCE, valid_until__gte=start, valid_until__lte=on + dt.timedelta(days=days)
    ).exclude(_not_sent(kind, "agreement"))


def _follow_up_message(kind: str, follow_up: FollowUp) -> str:
    values = {
        "name": str(follow_up)[:200],
        "meeting": str(follow_up.meeting)[:150],
        "date": _date(follow_up.due_on),
    }
    if kind == ReminderKind.FOLLOW_UP_DUE:
        return _("Tindak lanjut “%(name)s” (rapat %(meeting)s) jatuh tempo hari ini, %(date)s.") % values
    return _("Tindak lanjut “%(name)s” (rapat %(meeting)s) terlambat: tenggatnya %(date)s.") % values


def _agreement_message(agreement: Agreement, on: dt.date) -> str:
    return _("Kerja sama “%(title)s” berakhir dalam %(days)d hari, pada %(date)s.") % {
        "title": str(agreement)[:250],
        "days": (agreement.valid_until - on).days,
        "date": _date(agreement.valid_until),
    }


def send_due_reminders(*, on: dt.date | None = None, dry_run: bool = False) -> ReminderCounts:
    """Sends the reminders due on `on` (today by default) that were not sent before (module doc).

    Each reminder is written (Reminder row) and its notifications created in one transaction; a
    concurrent run that wrote the same reminder first makes this one skip it. `dry_run` counts what
    would be sent and writes nothing."""
    on = on or _today()
    counts = ReminderCounts()
    batches: list[tuple[str, str, list]] = [
        (ReminderKind.FOLLOW_UP_DUE, "follow_up", list(due_follow_ups(on).select_related("meeting"))),
        (
            ReminderKind.FOLLOW_UP_OVERDUE,
            "follow_up",
            list(overdue_follow_ups(on).select_related("meeting")),
        ),
    ]
    batches += [(kind, "agreement", list(expiring_agreements(on, kind))) for kind, _days in AGREEMENT_ALERTS]
    agency_ids = {record.agency_id for _kind, _field, records in batches for record in records}
    recipients = recipients_by_agency(agency_ids)
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        for kind, field_name, records in batches:
            for record in records:
                users = recipients.get(record.agency_id, [])
                if not dry_run and not _send_reminder(kind, field_name, record, users, on, now):
                    continue
                setattr(counts, kind, getattr(counts, kind) + 1)
                counts.notifications += len(users)
    return counts


def _send_reminder(kind, field_name, record, users, on, now) -> bool:
    """Writes the reminder and notifies `users`; False when another run wrote it first."""
    if field_name == "follow_up":
        message = _follow_up_message(kind, record)
        link = _link("web:follow_up_detail", record.pk)
    else:
        message = _agreement_message(record, on)
        link = _link("web:agreement_detail", record.pk)
    try:
        with transaction.atomic():
            Reminder.objects.create(kind=kind, sent_at=now, **{field_name: record})
            for user_id in users:
                notify(user_id=user_id, message=message, link=link)
    except IntegrityError:
        return False
    return True


# --- weekly digest -----------------------------------------------------------------------------------


@dataclass
class DigestCounts:
    sent: int = 0  # e-mails (one per agency)
    recipients: int = 0
    already_sent: int = 0  # agencies whose digest of this week went out before


@dataclass
class AgencyDigest:
    """What one agency's digest says: its follow-ups still to do and its expiring agreements."""

    agency: Agency
    week_of: dt.date
    on: dt.date
    overdue: list[FollowUp] = field(default_factory=list)
    upcoming: list[FollowUp] = field(default_factory=list)  # still to do, not yet past the due date
    expiring: list[Agreement] = field(default_factory=list)

    @property
    def pending_count(self) -> int:
        return len(self.overdue) + len(self.upcoming)

    @property
    def is_empty(self) -> bool:
        return not (self.overdue or self.upcoming or self.expiring)


def week_of(on: dt.date) -> dt.date:
    """The Monday of `on`'s week: the digest's week."""
    return on - dt.timedelta(days=on.weekday())


def emails_by_agency(agency_ids=None) -> dict[int, list[str]]:
    """E-mail addresses per agency of its active users whose role reads coordination: one query."""
    profiles = Profile.objects.filter(
        agency_id__isnull=False, user__is_active=True, role__in=_reader_roles()
    ).exclude(user__email="")
    if agency_ids is not None:
        profiles = profiles.filter(agency_id__in=agency_ids)
    found: dict[int, list[str]] = defaultdict(list)
    for agency_id, email in profiles.order_by("agency_id", "user__email").values_list(
        "agency_id", "user__email"
    ):
        if email not in found[agency_id]:
            found[agency_id].append(email)
    return found


def agency_digests(on: dt.date, agency_ids) -> dict[int, AgencyDigest]:
    """The digest of every agency in `agency_ids` that has something to report: two queries."""
    agencies = Agency.objects.in_bulk(list(agency_ids))
    digests = {pk: AgencyDigest(agency=agency, week_of=week_of(on), on=on) for pk, agency in agencies.items()}
    follow_ups = (
        FollowUp.objects.filter(agency_id__in=list(agencies), status__in=FOLLOW_UP_PENDING)
        .select_related("meeting")
        .order_by("due_on", "pk")
    )
    for follow_up in follow_ups:
        digest = digests[follow_up.agency_id]
        (digest.overdue if follow_up.due_on < on else digest.upcoming).append(follow_up)
    agreements = Agreement.objects.filter(
        agency_id__in=list(agencies),
        status__in=IN_FORCE,
        valid_until__gte=on,
        valid_until__lte=on + dt.timedelta(days=DIGEST_AGREEMENT_DAYS),
    ).order_by("valid_until", "pk")
    for agreement in agreements:
        digests[agreement.agency_id].expiring.append(agreement)
    return {pk: digest for pk, digest in digests.items() if not digest.is_empty}


def _absolute(path: str) -> str:
    return f"{settings.SENTRA_BASE_URL}{path}" if path else ""


def render_digest(digest: AgencyDigest) -> tuple[str, str, str]:
    """(subject, text, html) of an agency's digest, in Bahasa Indonesia."""
    with translation.override(settings.LANGUAGE_CODE):
        limit = DIGEST_LIST_LIMIT
        context = {
            "digest": digest,
            "agency": digest.agency,
            "on": digest.on,
            "overdue": [
                {"record": f, "days_late": (digest.on - f.due_on).days, "url": _follow_up_url(f)}
                for f in digest.overdue[:limit]
            ],
            "overdue_more": max(len(digest.overdue) - limit, 0),
            "upcoming": [{"record": f, "url": _follow_up_url(f)} for f in digest.upcoming[:limit]],
            "upcoming_more": max(len(digest.upcoming) - limit, 0),
            "expiring": [
                {
                    "record": a,
                    "days_left": (a.valid_until - digest.on).days,
                    "url": _absolute(_link("web:agreement_detail", a.pk)),
                }
                for a in digest.expiring[:limit]
            ],
            "expiring_more": max(len(digest.expiring) - limit, 0),
            "follow_ups_url": _absolute(_link("web:follow_up_list")),
            "agreements_url": _absolute(_link("web:agreement_list")),
            "site_url": settings.SENTRA_BASE_URL,
        }
        subject = _("Sentra: ringkasan tindak lanjut minggu %(date)s — %(agency)s") % {
            "date": _date(digest.week_of),
            "agency": digest.agency.name,
        }
        text = render_to_string("coordination/email/digest.txt", context)
        html = render_to_string("coordination/email/digest.html", context)
    return subject, text, html


def _follow_up_url(follow_up: FollowUp) -> str:
    return _absolute(_link("web:follow_up_detail", follow_up.pk))


def send_weekly_digest(*, on: dt.date | None = None, dry_run: bool = False) -> DigestCounts:
    """Sends this week's digest to every agency that has not had it yet (module doc).

    The Digest row and the e-mail go together: if sending fails the row is rolled back and the next
    run tries again; a concurrent run that wrote the row first makes this one skip the agency."""
    on = on or _today()
    monday = week_of(on)
    counts = DigestCounts()
    emails = emails_by_agency()
    done = set(
        Digest.objects.filter(week_of=monday, agency_id__in=list(emails)).values_list("agency_id", flat=True)
    )
    counts.already_sent = len(done)
    digests = agency_digests(on, [pk for pk in emails if pk not in done])
    now = timezone.now()
    for agency_id, digest in sorted(digests.items(), key=lambda item: item[1].agency.name):
        recipients = emails[agency_id]
        if not dry_run:
            subject, text, html = render_digest(digest)
            message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to=recipients)
            message.attach_alternative(html, "text/html")
            try:
                with transaction.atomic():
                    Digest.objects.create(
                        agency_id=agency_id,
                        week_of=monday,
                        sent_at=now,
                        recipients=len(recipients),
                        open_count=digest.pending_count,
                        overdue_count=len(digest.overdue),
                    )
                    message.send()
            except IntegrityError:
                counts.already_sent += 1
                continue
        counts.sent += 1
        counts.recipients += len(recipients)
    return counts
