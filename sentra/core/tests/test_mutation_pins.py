"""Pin of the login lockout window at its boundary (issue 14.7): the limit's failures count when they
fall WITHIN the window, its ends included — five failures spanning exactly fifteen minutes lock, as
five spanning a second more do not; the lockout then lasts the window after the last failure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sentra.core import security
from sentra.core.security import _locked_until

WINDOW = timedelta(minutes=15)


def test_failures_spanning_exactly_the_window_lock():
    start = timezone.now()
    times = [start + i * WINDOW / 4 for i in range(5)]  # the fifth exactly 15 minutes after the first
    assert _locked_until(times, 5, WINDOW) == times[-1] + WINDOW


def test_failures_spanning_a_second_more_than_the_window_do_not_lock():
    start = timezone.now()
    times = [start + i * WINDOW / 4 for i in range(4)] + [start + WINDOW + timedelta(seconds=1)]
    assert _locked_until(times, 5, WINDOW) is None


@pytest.mark.django_db
def test_the_account_is_locked_when_its_failures_fit_the_window_exactly(settings):
    settings.SENTRA_LOGIN_MAX_FAILURES = 5
    settings.SENTRA_LOGIN_MAX_FAILURES_PER_IP = 20
    settings.SENTRA_LOGIN_LOCKOUT_MINUTES = 15
    start = timezone.now()
    for i in range(5):
        security.login_failure_record("petugas", "10.0.0.1", now=start + i * WINDOW / 4)
    last = start + WINDOW
    assert security.login_locked_until("petugas", None, now=last) == last + WINDOW
    assert security.login_is_locked("Petugas", None, now=last + WINDOW - timedelta(seconds=1))
    assert not security.login_is_locked("petugas", None, now=last + WINDOW)
