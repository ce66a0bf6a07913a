"""Contracts coming to an end: who hears of it, and when (issue 16 §2).

`sentra notify-contracts` (cron) or Celery beat (facilitators.tasks) runs `notify_expiring_contracts`
once a day, as often as one likes: a contract that is not renewed gets one notice 60 days before its
`period_end` and one 30 days before, each written down (ContractNotice, unique per contract and
notice) in the same transaction as its notifications, so a rerun, a second cron line or a beat that
fires twice sends nothing new. The 60-day notice goes out only while more than 30 days remain (a
contract recorded 20 days before its end gets the 30-day notice only); a contract past its end, or
renewed (a contract points to it as `previous`), gets none.

Who is notified (a notification in Sentra, accounts.services.notify): the facilitator's own account,
the active users of the host Dinas (the facilitator's agency) whose role manages facilitators, and the
active province officers of the facilitator's province.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sentra.accounts.models import Profile, Role
from sentra.accounts.services import notify

from .models import Contract, ContractNotice

# (days before the end) nearest last: each window runs from the next nearer notice + 1 to its days.
NOTICE_DAYS = (60, 30)
# Who at the host Dinas hears of it: the roles that manage facilitators there.
DINAS_ROLES = (Role.REGENCY_OFFICER,)


@dataclass
class NoticeCounts:
    days_60: int = 0
    days_30: int = 0
    notifications: int = 0

    @property
    def notices(self) -> int:
        return self.days_60 + self.days_30


def due_contracts(on: dt.date, days: int):
    """Contracts not renewed that end within the notice's window and have not had that notice: the
    30-day one 0–30 days ahead of `on`, the 60-day one 31–60 days ahead."""
    nearer = [d for d in NOTICE_DAYS if d < days]
    start = on + dt.timedelta(days=max(nearer) + 1) if nearer else on
    renewed = Contract.objects.filter(previous_id=OuterRef("pk"))
    sent = ContractNotice.objects.filter(contract_id=OuterRef("pk"), days_before=days)
    return (
        Contract.objects.filter(period_end__gte=start, period_end__lte=on + dt.timedelta(days=days))
        .exclude(Exists(renewed))
        .exclude(Exists(sent))
        .select_related("facilitator")
        .order_by("period_end", "pk")
    )


def recipients(contract: Contract) -> list[int]:
    """The facilitator, the host Dinas's managers and the province's officers (user ids, once each)."""
    facilitator = contract.facilitator
    staff = Profile.objects.filter(user__is_active=True).filter(
        Q(agency_id=facilitator.agency_id, role__in=DINAS_ROLES)
        | Q(role=Role.PROVINCE_OFFICER, region_id=facilitator.province_code)
    )
    users = list(staff.order_by("user_id").values_list("user_id", flat=True))
    if facilitator.user_id is not None and facilitator.user.is_active:
        users.insert(0, facilitator.user_id)
    return list(dict.fromkeys(users))


def _message(contract: Contract, on: dt.date) -> str:
    return _(
        "Kontrak %(number)s pendamping %(name)s berakhir dalam %(days)d hari, pada %(date)s. "
        "Siapkan perpanjangan atau akhir penugasannya."
    ) % {
        "number": contract.number,
        "name": contract.facilitator.name,
        "days": (contract.period_end - on).days,
        "date": formats.date_format(contract.period_end, "j F Y"),
    }


def notify_expiring_contracts(*, on: dt.date | None = None, dry_run: bool = False) -> NoticeCounts:
    """Sends the notices due on `on` (today) not sent before; `dry_run` counts and writes nothing."""
    on = on or timezone.localdate()
    counts = NoticeCounts()
    with translation.override(settings.LANGUAGE_CODE):
        for days in NOTICE_DAYS:
            for contract in due_contracts(on, days):
                users = recipients(contract)
                if not dry_run and not _send(contract, days, users, on):
                    continue
                setattr(counts, f"days_{days}", getattr(counts, f"days_{days}") + 1)
                counts.notifications += len(users)
    return counts


def _send(contract: Contract, days: int, users: list[int], on: dt.date) -> bool:
    """Writes the notice and its notifications together; False when another run wrote it first."""
    message = _message(contract, on)
    link = contract.get_absolute_url()
    try:
        with transaction.atomic():
            ContractNotice.objects.create(contract=contract, days_before=days, recipients=len(users))
            for user_id in users:
                notify(user_id=user_id, message=message, link=link)
    except IntegrityError:
        return False
    return True
