"""Login rate limiting and lockout.

The rule: after SENTRA_LOGIN_MAX_FAILURES failed logins for one username (case-insensitive), or
SENTRA_LOGIN_MAX_FAILURES_PER_IP from one IP address, within SENTRA_LOGIN_LOCKOUT_MINUTES, further
attempts are refused for SENTRA_LOGIN_LOCKOUT_MINUTES after the last failure that reached the limit.

Only failures count, so a busy office (or a load test) logging many people in from one address is
never throttled. Refused attempts are not checked against the password and not recorded, so a
lockout ends on time even while someone keeps trying. Failures live in the database (LoginFailure)
because the app runs under several worker processes. A successful login clears the failures of
that username.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sentra.core.models import LoginFailure

# One message whether or not the account exists, and whichever limit was reached.
LOCKOUT_MESSAGE = _(
    "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, coba lagi dalam %(minutes)d menit."
)


def lockout_minutes() -> int:
    return settings.SENTRA_LOGIN_LOCKOUT_MINUTES


def lockout_message() -> str:
    return LOCKOUT_MESSAGE % {"minutes": lockout_minutes()}


def normalise_username(username: str | None) -> str:
    """The key failures are counted under: 'Petugas ' and 'petugas' are the same account."""
    return (username or "").strip().casefold()[:150]


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from.

    X-Forwarded-For is only trusted with SENTRA_BEHIND_PROXY=true, and then only its last entry
    (the one our own proxy appended); anything a client writes in front of it is ignored.
    """
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.SENTRA_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            candidate = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def _locked_until(times: Sequence[datetime], limit: int, window: timedelta) -> datetime | None:
    """The end of the latest lockout: `limit` failures within `window`, plus `window` after the last."""
    ordered = sorted(times)
    until = None
    for i in range(limit - 1, len(ordered)):
        if ordered[i] - ordered[i - limit + 1] <= window:
            until = ordered[i] + window
    return until


def login_locked_until(username: str | None, ip: str | None, now: datetime | None = None) -> datetime | None:
    """When the lockout for this username or address ends, or None when a login may be tried."""
    now = now or timezone.now()
    window = timedelta(minutes=lockout_minutes())
    since = now - 2 * window  # a lockout reached within the last window still lasts a full window
    ends = []
    key = normalise_username(username)
    if key:
        times = LoginFailure.objects.filter(username=key, created_at__gte=since).values_list(
            "created_at", flat=True
        )
        ends.append(_locked_until(list(times), settings.SENTRA_LOGIN_MAX_FAILURES, window))
    if ip:
        times = LoginFailure.objects.filter(ip=ip, created_at__gte=since).values_list("created_at", flat=True)
        ends.append(_locked_until(list(times), settings.SENTRA_LOGIN_MAX_FAILURES_PER_IP, window))
    ends = [end for end in ends if end and end > now]
    return max(ends) if ends else None


def login_is_locked(username: str | None, ip: str | None, now: datetime | None = None) -> bool:
    return login_locked_until(username, ip, now) is not None


def login_failure_record(username: str | None, ip: str | None, now: datetime | None = None) -> None:
    """Count one failed login; also forgets failures too old to matter."""
    now = now or timezone.now()
    LoginFailure.objects.filter(created_at__lt=now - 2 * timedelta(minutes=lockout_minutes())).delete()
    LoginFailure.objects.create(username=normalise_username(username), ip=ip, created_at=now)


def login_failures_clear(username: str | None) -> None:
    """After a successful login: that account's earlier failures no longer count."""
    LoginFailure.objects.filter(username=normalise_username(username)).delete()
