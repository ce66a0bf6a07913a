"""One settings module, driven by environment variables (see .env.example).

SQLite is the default so that a fresh checkout runs with one command; DATABASE_URL switches to
PostgreSQL for production.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default)
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"Unexpected value {name}={value}, use 'true' or 'false'")


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"Unexpected value {name}={value}, use a whole number") from exc


def hosts_from(value: str) -> list[str]:
    return [host.strip() for host in value.split(",") if host.strip()]


# Development defaults, never used in production (production_problems refuses to start without its own).
DEVELOPMENT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # nosec B105
DEVELOPMENT_HOSTS = "127.0.0.1,localhost,testserver"  # testserver: Django's test client (tests, bench/)
# Host names a production site never answers to: any host at all, and the test client's name.
REFUSED_PRODUCTION_HOSTS = frozenset({"*", "testserver"})
MIN_SECRET_KEY_LENGTH = 50  # as Django's own deployment check (manage.py check --deploy)
MIN_SECRET_KEY_CHARACTERS = 5


def production_problems(environ) -> list[str]:
    """Why this environment may not run with SENTRA_PRODUCTION=true (empty: it may).

    Secrets, database and hosts must come from the environment: a missing one is a startup error, never
    a silent development default. The development key, a short or repetitive key, and the hosts
    "*" (any) or "testserver" are refused too.
    """
    problems = []
    missing = [
        name
        for name in ("SENTRA_SECRET_KEY", "DATABASE_URL", "SENTRA_ALLOWED_HOSTS")
        if not environ.get(name, "").strip()
    ]
    if missing:
        problems.append(f"{', '.join(missing)} must be set when SENTRA_PRODUCTION=true")
    key = environ.get("SENTRA_SECRET_KEY", "").strip()
    if key and (
        key == DEVELOPMENT_SECRET_KEY
        or key.startswith("django-insecure-")
        or len(key) < MIN_SECRET_KEY_LENGTH
        or len(set(key)) < MIN_SECRET_KEY_CHARACTERS
    ):
        problems.append(
            "SENTRA_SECRET_KEY is the development key or too weak when SENTRA_PRODUCTION=true: use at "
            f"least {MIN_SECRET_KEY_LENGTH} random characters, e.g. from "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    refused = [
        host
        for host in hosts_from(environ.get("SENTRA_ALLOWED_HOSTS", ""))
        if host in REFUSED_PRODUCTION_HOSTS
    ]
    if refused:
        problems.append(
            f"SENTRA_ALLOWED_HOSTS may not contain {', '.join(refused)} when SENTRA_PRODUCTION=true: "
            "name the host names Sentra is served under"
        )
    return problems


DEBUG = envbool("SENTRA_DEBUG", "false")
# Production mode: the checks above, then Secure cookies and HTTP redirected to HTTPS.
PRODUCTION = envbool("SENTRA_PRODUCTION", "false")
if PRODUCTION and (_problems := production_problems(os.environ)):
    raise ImproperlyConfigured("; ".join(_problems))
DATA_DIR = Path(os.getenv("SENTRA_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

# Development only when unset: production mode refused to start above.
SECRET_KEY = os.getenv("SENTRA_SECRET_KEY", "").strip() or DEVELOPMENT_SECRET_KEY
# Production: exactly the configured hosts (required above); development: local names by default.
ALLOWED_HOSTS = hosts_from(os.getenv("SENTRA_ALLOWED_HOSTS", "" if PRODUCTION else DEVELOPMENT_HOSTS))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves Swagger UI from its own static files (no CDN, no inline script: see the CSP)
    "sentra.core",
    "sentra.regions",
    "sentra.agencies",
    "sentra.accounts",
    "sentra.audit",
    "sentra.verification",
    "sentra.registry",
    "sentra.programmes",
    "sentra.coordination",
    "sentra.facilitators",
    "sentra.analytics",
    "sentra.api",
    "sentra.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sentra.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sentra.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "sentra.urls"
WSGI_APPLICATION = "sentra.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "sentra.web.context_processors.permissions",
            ],
        },
    },
]

SQLITE_PATH = DATA_DIR / "sentra.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=envint("SENTRA_DB_CONN_MAX_AGE", "0"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a background import writes; IMMEDIATE avoids
    # "database is locked" upgrades from read to write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id for new and changed passwords; the PBKDF2 hashers stay so that existing hashes still
# verify (Django re-hashes them with Argon2 at the next successful login).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login rate limit (sentra.core.security): failures per username (case-insensitive) and per address
# within the lockout period, after which attempts are refused for that period.
SENTRA_LOGIN_MAX_FAILURES = envint("SENTRA_LOGIN_MAX_FAILURES", "5")
SENTRA_LOGIN_MAX_FAILURES_PER_IP = envint("SENTRA_LOGIN_MAX_FAILURES_PER_IP", "20")
SENTRA_LOGIN_LOCKOUT_MINUTES = envint("SENTRA_LOGIN_LOCKOUT_MINUTES", "15")
# Separation of duties (verification.services.own_submission): an agency never verifies or accepts what
# it submitted itself, unless this is true (a small office with nobody else to check its data).
SENTRA_ALLOW_SELF_VERIFICATION = envbool("SENTRA_ALLOW_SELF_VERIFICATION", "false")
# Facilitators' monthly reports are due on this day of the following month (an assumption: the
# guideline leaves the day to the Dinas; docs/facilitators.md "Monthly reports").
SENTRA_REPORT_DUE_DAY = envint("SENTRA_REPORT_DUE_DAY", "5")
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "sentra" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.getenv("SENTRA_MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Uploaded import files: the limit is checked by the import engine with a clear message.
SENTRA_IMPORT_MAX_BYTES = envint("SENTRA_IMPORT_MAX_BYTES", str(200 * 1024 * 1024))
# What the worksheets of an uploaded XLSX may unpack to, in all (sentra/core/xlsx_guard.py): 20 times
# the upload limit, a limit-sized workbook of real rows (sheet XML packs 5-20 to 1).
SENTRA_IMPORT_MAX_UNPACKED_BYTES = envint(
    "SENTRA_IMPORT_MAX_UNPACKED_BYTES", str(20 * SENTRA_IMPORT_MAX_BYTES)
)
# Above this many bytes, web and API imports run as a background job instead of in the request.
SENTRA_IMPORT_BACKGROUND_BYTES = envint("SENTRA_IMPORT_BACKGROUND_BYTES", str(256 * 1024))
# SQLite page cache (MB) of an import's write transaction: a million-row import touches every index
# of the table, and with the connection's usual 64 MB most inserts missed the cache. Memory stays
# bounded by this figure whatever the file's size; the usual cache returns when the import ends.
SENTRA_IMPORT_CACHE_MB = envint("SENTRA_IMPORT_CACHE_MB", "256")
# SQLite: once an enterprise import has written this many new rows, and at least as many as the table
# held when it began, the table's secondary indexes (all but the unique unit key and the village
# index its lookups use) and its search trigger are set aside and built once at the end, inside the
# import's transaction (registry.imports._DeferredIndexes). 0 turns it off.
SENTRA_IMPORT_DEFER_INDEXES_ROWS = envint("SENTRA_IMPORT_DEFER_INDEXES_ROWS", "50000")
# Documents uploaded to records (meeting files, agreement scans), checked by content in
# sentra/core/uploads.py: the largest file accepted, per kind.
SENTRA_UPLOAD_MAX_BYTES = {
    "pdf": envint("SENTRA_UPLOAD_MAX_PDF_BYTES", str(20 * 1024 * 1024)),
    "image": envint("SENTRA_UPLOAD_MAX_IMAGE_BYTES", str(10 * 1024 * 1024)),
    "docx": envint("SENTRA_UPLOAD_MAX_DOCX_BYTES", str(20 * 1024 * 1024)),
    "xlsx": envint("SENTRA_UPLOAD_MAX_XLSX_BYTES", str(20 * 1024 * 1024)),
}
# Request bodies other than uploaded files (forms, JSON) are capped at 10 MB; uploaded files above
# 2 MB are streamed to a temporary file instead of memory. At most 10 files per request.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# Cookies and security headers. The Content-Security-Policy and Permissions-Policy headers come from
# sentra.core.middleware.ContentSecurityPolicyMiddleware.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # pages send the token from the template (hx-headers), never from the cookie
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and envbool("SENTRA_SSL_REDIRECT", "true")
SECURE_HSTS_SECONDS = envint("SENTRA_HSTS_SECONDS", str(365 * 24 * 3600)) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SENTRA_HSTS_INCLUDE_SUBDOMAINS", "false")
# Behind a reverse proxy that terminates TLS: trust its X-Forwarded-Proto (and, for the login rate
# limit, the last X-Forwarded-For entry). Only set this when the proxy overwrites those headers.
SENTRA_BEHIND_PROXY = envbool("SENTRA_BEHIND_PROXY", "false")
if SENTRA_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# E-mail (the weekly follow-up digest, coordination/reminders.py): printed to the console unless a
# backend is configured (e.g. django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST).
# SENTRA_BASE_URL makes the links in an e-mail absolute (no request to take the host from).
EMAIL_BACKEND = os.getenv("SENTRA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.getenv("SENTRA_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("SENTRA_EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("SENTRA_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("SENTRA_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("SENTRA_EMAIL_USE_TLS", "false")
DEFAULT_FROM_EMAIL = os.getenv("SENTRA_DEFAULT_FROM_EMAIL", "Sentra <sentra@localhost>")
SENTRA_BASE_URL = os.getenv("SENTRA_BASE_URL", "http://localhost:8000").rstrip("/")

# Background jobs: in-process threads by default; Celery workers when a broker is configured.
SENTRA_BROKER_URL = os.getenv("SENTRA_BROKER_URL", "")
CELERY_BROKER_URL = SENTRA_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_IGNORE_RESULT = True
# A running job publishes a heartbeat every SENTRA_JOB_HEARTBEAT_SECONDS (from its own thread, so
# long write phases beat too); a reader marks a running job whose last heartbeat is older than
# SENTRA_JOB_STALE_SECONDS as failed (its worker is gone), and a queued job that no worker picked up
# within SENTRA_JOB_QUEUE_SECONDS (with a broker; without one, the thread starts at once and the
# stale bound applies).
SENTRA_JOB_HEARTBEAT_SECONDS = envint("SENTRA_JOB_HEARTBEAT_SECONDS", "5")
SENTRA_JOB_STALE_SECONDS = envint("SENTRA_JOB_STALE_SECONDS", "60")
SENTRA_JOB_QUEUE_SECONDS = envint("SENTRA_JOB_QUEUE_SECONDS", "3600")

# Caches. "default" holds the dashboard's aggregates (two minutes, analytics.selectors.cached).
# "jobs" carries running jobs' heartbeats and progress: written outside the database (an import
# holds SQLite's only write lock for its whole transaction) and read by every web process, so it
# must be shared between processes: Redis when SENTRA_CACHE_URL is set (or the broker is Redis),
# else files under SENTRA_DATA_DIR (one machine, as with SQLite). With SENTRA_CACHE_URL the
# dashboard cache is shared by the web workers too.
SENTRA_CACHE_URL = os.getenv("SENTRA_CACHE_URL", "").strip()
_JOBS_CACHE_URL = SENTRA_CACHE_URL or (
    SENTRA_BROKER_URL if SENTRA_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": SENTRA_CACHE_URL,
            "KEY_PREFIX": "sentra",
        }
        if SENTRA_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    "jobs": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _JOBS_CACHE_URL,
            "KEY_PREFIX": "sentra-jobs",
        }
        if _JOBS_CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache" / "jobs"),
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    ),
}

# django-leaflet's admin module needs GDAL, so the app is not installed; its static files (Leaflet
# itself) are served from the package directory instead. No tile server: maps draw our own boundaries.
import leaflet  # noqa: E402

STATICFILES_DIRS = [Path(leaflet.__file__).resolve().parent / "static"]

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (-2.5, 118.0),
    "DEFAULT_ZOOM": 5,
    "MIN_ZOOM": 4,
    "MAX_ZOOM": 12,
    # No tile server: the map draws only our own boundaries, so it works offline.
    "TILES": [],
    "ATTRIBUTION_PREFIX": "Batas wilayah: cahyadsn/wilayah_boundaries (MIT)",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("SENTRA_LOG_LEVEL", "WARNING")},
}
