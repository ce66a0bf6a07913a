"""sentra/settings.py: production mode fails loudly without its secrets and turns on HTTPS-only
cookies, redirects and HSTS; passwords are hashed with Argon2 and checked by the password rules.

The production checks import the settings in a fresh interpreter with a controlled environment.
"""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404: runs this project's own interpreter with fixed arguments
import sys

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

PRODUCTION_ENV = {
    "SENTRA_PRODUCTION": "true",
    "SENTRA_SECRET_KEY": "k9Qz-3vLr_8WbT2xNcYp5HmJd7FsGa0eUoRi4KlVw6ZqXtBnMy1S",
    "DATABASE_URL": "postgres://sentra@db.example:5432/sentra",
    "SENTRA_ALLOWED_HOSTS": "sentra.example.go.id",
}
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({k: "
    "getattr(s, k, None) for k in ('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', "
    "'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER', 'ALLOWED_HOSTS', 'DEBUG')}))"
)


def run_settings(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("SENTRA_") and k != "DATABASE_URL"}
    base.update(DJANGO_SETTINGS_MODULE="sentra.settings", SENTRA_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(  # nosec B603: fixed arguments, no shell
        [sys.executable, "-c", SHOW], env=base, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("missing", ["SENTRA_SECRET_KEY", "DATABASE_URL", "SENTRA_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_each_secret(tmp_path, missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_settings(tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{missing} must be set when SENTRA_PRODUCTION=true" in result.stderr


def test_an_empty_value_counts_as_missing(tmp_path):
    result = run_settings(tmp_path, **{**PRODUCTION_ENV, "SENTRA_SECRET_KEY": "  "})
    assert result.returncode != 0 and "SENTRA_SECRET_KEY must be set" in result.stderr


def test_production_cookies_are_secure_and_https_is_enforced(tmp_path):
    result = run_settings(tmp_path, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # not trusted unless behind a proxy
    assert values["ALLOWED_HOSTS"] == ["sentra.example.go.id"] and values["DEBUG"] is False


def test_behind_a_proxy_its_https_header_is_trusted(tmp_path):
    result = run_settings(tmp_path, **PRODUCTION_ENV, SENTRA_BEHIND_PROXY="true")
    assert json.loads(result.stdout)["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_production_refuses_the_development_key(tmp_path):
    from sentra.settings import DEVELOPMENT_SECRET_KEY

    result = run_settings(tmp_path, **{**PRODUCTION_ENV, "SENTRA_SECRET_KEY": DEVELOPMENT_SECRET_KEY})
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr
    assert "SENTRA_SECRET_KEY is the development key or too weak" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("insecure-development-key-do-not-use-in-production", id="development-key"),
        pytest.param("change-me", id="short"),
        pytest.param("x" * 64, id="one-character-repeated"),
        pytest.param("abab" * 20, id="two-characters"),
        pytest.param("django-insecure-" + "k9Qz3vLr8WbT2xNcYp5HmJd7FsGa0eUoRi4KlVw6", id="django-insecure"),
    ],
)
def test_production_refuses_a_weak_secret_key(key):
    from sentra.settings import production_problems

    problems = production_problems({**PRODUCTION_ENV, "SENTRA_SECRET_KEY": key})
    assert problems and "SENTRA_SECRET_KEY is the development key or too weak" in problems[0]


@pytest.mark.parametrize("hosts", ["*", "testserver", "sentra.example.go.id, testserver", "*,localhost"])
def test_production_refuses_any_host_and_the_test_client_host(hosts):
    from sentra.settings import production_problems

    problems = production_problems({**PRODUCTION_ENV, "SENTRA_ALLOWED_HOSTS": hosts})
    assert len(problems) == 1 and problems[0].startswith("SENTRA_ALLOWED_HOSTS may not contain")


def test_production_answers_only_the_configured_hosts(tmp_path):
    from sentra.settings import production_problems

    assert production_problems(PRODUCTION_ENV) == []
    result = run_settings(tmp_path, **{**PRODUCTION_ENV, "SENTRA_ALLOWED_HOSTS": "testserver"})
    assert result.returncode != 0 and "SENTRA_ALLOWED_HOSTS may not contain testserver" in result.stderr
    hosts = run_settings(tmp_path, **{**PRODUCTION_ENV, "SENTRA_ALLOWED_HOSTS": "a.go.id, b.go.id"})
    assert json.loads(hosts.stdout)["ALLOWED_HOSTS"] == ["a.go.id", "b.go.id"]


def test_development_needs_no_secrets(tmp_path):
    values = json.loads(run_settings(tmp_path).stdout)
    assert not values["SESSION_COOKIE_SECURE"] and not values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "testserver"]


# --- passwords -------------------------------------------------------------------------------------


def test_new_passwords_are_hashed_with_argon2():
    assert identify_hasher(make_password("sentra-demo-2026")).algorithm == "argon2"


def test_existing_pbkdf2_hashes_still_verify_and_are_upgraded(db, django_user_model):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    old = PBKDF2PasswordHasher().encode("rahasia-sekali-123", "garamlama1234567")
    user = django_user_model.objects.create(username="lama", password=old)
    assert check_password("rahasia-sekali-123", old)
    assert user.check_password("rahasia-sekali-123")
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def test_the_demo_password_passes_the_rules():
    validate_password("sentra-demo-2026")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("pendek-1", "terlalu pendek"),  # 8 characters: at least 10
        ("12345678901234", "seluruhnya angka"),
        ("password123", "terlalu umum"),
    ],
)
def test_weak_passwords_are_refused(password, reason):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_password_like_the_username_is_refused(django_user_model):
    user = django_user_model(username="budisantoso", email="budi@example.go.id")
    with pytest.raises(ValidationError):
        validate_password("budisantoso1", user)
