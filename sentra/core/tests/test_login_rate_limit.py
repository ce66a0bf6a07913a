"""Login rate limiting and lockout (sentra.core.security, wired into the /masuk/ page).

Five failures for one username (any letter case) or twenty from one address within 15 minutes lock
further attempts for 15 minutes, with one message that does not say whether the account exists.
Only failures count; a successful login clears the username's failures.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sentra.core import security
from sentra.core.models import LoginFailure
from sentra.core.tests.factories import LoginFailureFactory

PASSWORD = "rahasia-sekali-123"
LOCKED_TEXT = "Terlalu banyak percobaan masuk yang gagal"


@pytest.fixture(autouse=True)
def _fast_hasher_and_defaults(settings):
    """The rule is under test here, not Argon2: a fast hasher keeps fifty logins quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SENTRA_LOGIN_MAX_FAILURES = 5
    settings.SENTRA_LOGIN_MAX_FAILURES_PER_IP = 20
    settings.SENTRA_LOGIN_LOCKOUT_MINUTES = 15
    settings.SENTRA_BEHIND_PROXY = False


@pytest.fixture
def officer(db, django_user_model):
    return django_user_model.objects.create_user(username="petugas", password=PASSWORD)


def login(client, username, password, **extra):
    return client.post(reverse("web:login"), {"username": username, "password": password}, **extra)


# --- the page -------------------------------------------------------------------------------------


def test_five_failures_lock_the_username_even_with_the_right_password(client, officer):
    for _ in range(5):
        response = login(client, "petugas", "salah-sekali")
        assert response.status_code == 200 and LOCKED_TEXT not in response.content.decode()

    refused = login(client, "petugas", PASSWORD)

    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, coba lagi dalam 15 menit." in html
    assert "_auth_user_id" not in client.session


def test_the_username_is_counted_case_insensitively(client, officer):
    for name in ("Petugas", "PETUGAS", " petugas", "petugaS", "petugas"):
        login(client, name, "salah-sekali")

    assert login(client, "petugas", PASSWORD).status_code == 429


def test_refused_attempts_are_not_counted_and_the_lock_ends_after_15_minutes(client, officer):
    earlier = timezone.now() - timedelta(minutes=16)
    LoginFailureFactory.create_batch(5, created_at=earlier)
    assert login(client, "petugas", PASSWORD).status_code == 302


def test_the_lock_lasts_15_minutes_from_the_failure_that_reached_the_limit(client, officer):
    now = timezone.now()
    for minutes in (20, 14, 13, 12, 11):  # the fifth failure within 15 minutes came 11 minutes ago
        LoginFailureFactory(created_at=now - timedelta(minutes=minutes))
    assert login(client, "petugas", PASSWORD).status_code == 429
    assert LoginFailure.objects.count() == 5  # the refused attempt was not recorded


def test_twenty_failures_from_one_address_lock_every_username_from_it(client, officer):
    for n in range(20):
        login(client, f"tamu{n}", "salah-sekali")

    assert login(client, "petugas", PASSWORD).status_code == 429
    other_address = login(client, "petugas", PASSWORD, REMOTE_ADDR="10.1.2.3")
    assert other_address.status_code == 302


def test_the_message_is_the_same_whether_or_not_the_account_exists(client, officer):
    LoginFailureFactory.create_batch(5, username="petugas")
    LoginFailureFactory.create_batch(5, username="tidak-ada", ip="10.9.9.9")

    existing = login(client, "petugas", PASSWORD).content.decode()
    missing = login(client, "tidak-ada", "apa-saja", REMOTE_ADDR="10.9.9.9").content.decode()

    def alert(html):
        return html.split('role="alert">')[1].split("</div>")[0]

    assert (
        alert(existing)
        == alert(missing)
        == ("Terlalu banyak percobaan masuk yang gagal. Demi keamanan, coba lagi dalam 15 menit.")
    )


def test_fifty_successful_logins_from_one_address_are_never_throttled(db, client, django_user_model):
    for n in range(50):
        django_user_model.objects.create_user(username=f"beban{n}", password=PASSWORD)
    for n in range(50):
        client.logout()
        assert login(client, f"beban{n}", PASSWORD).status_code == 302
    assert LoginFailure.objects.count() == 0


def test_a_successful_login_clears_the_usernames_failures(client, officer):
    LoginFailureFactory.create_batch(4, username="petugas")
    LoginFailureFactory(username="orang-lain")

    assert login(client, "petugas", PASSWORD).status_code == 302

    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["orang-lain"]


def test_limits_come_from_settings(client, officer, settings):
    settings.SENTRA_LOGIN_MAX_FAILURES = 2
    settings.SENTRA_LOGIN_LOCKOUT_MINUTES = 30
    login(client, "petugas", "salah-sekali")
    login(client, "petugas", "salah-sekali")

    refused = login(client, "petugas", PASSWORD)

    assert refused.status_code == 429 and "coba lagi dalam 30 menit" in refused.content.decode()


def test_an_empty_form_is_not_a_failure(client, officer):
    login(client, "", "")
    login(client, "petugas", "")
    assert LoginFailure.objects.count() == 0


# --- the rule as plain functions -------------------------------------------------------------------


def test_failures_are_stored_case_folded_with_the_address(db):
    security.login_failure_record(" PeTugas ", "127.0.0.1")
    failure = LoginFailure.objects.get()
    assert (failure.username, failure.ip) == ("petugas", "127.0.0.1")


def test_locked_until_is_15_minutes_after_the_fifth_failure(db):
    now = timezone.now()
    LoginFailureFactory.create_batch(5, created_at=now - timedelta(minutes=5))
    assert security.login_locked_until("petugas", None, now=now) == now + timedelta(minutes=10)
    assert security.login_is_locked("petugas", None, now=now + timedelta(minutes=9))
    assert not security.login_is_locked("petugas", None, now=now + timedelta(minutes=11))


def test_failures_spread_over_more_than_the_window_do_not_lock(db):
    now = timezone.now()
    for minutes in (60, 45, 30, 16, 1):
        LoginFailureFactory(created_at=now - timedelta(minutes=minutes))
    assert not security.login_is_locked("petugas", None, now=now)


def test_old_failures_are_deleted_when_new_ones_arrive(db):
    LoginFailureFactory(created_at=timezone.now() - timedelta(hours=2))
    security.login_failure_record("petugas", "127.0.0.1")
    assert LoginFailure.objects.count() == 1


def test_client_address_trusts_x_forwarded_for_only_behind_a_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert security.client_ip(request) == "10.0.0.1"
    settings.SENTRA_BEHIND_PROXY = True
    assert security.client_ip(request) == "203.0.113.7"  # the entry our proxy appended, not the client's
    assert security.client_ip(rf.get("/", REMOTE_ADDR="bukan-ip")) is None


def test_django_admin_login_is_locked_the_same_way(client, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    url = reverse("admin:login")
    for _ in range(5):
        assert client.post(url, {"username": "root", "password": "salah"}).status_code == 200
    response = client.post(url, {"username": "root", "password": PASSWORD})
    assert LOCKED_TEXT in response.content.decode()
    assert "_auth_user_id" not in client.session
