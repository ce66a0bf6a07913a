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


DEBUG = envbool("SENTRA_DEBUG", "false")
DATA_DIR = Path(os.getenv("SENTRA_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.getenv("SENTRA_SECRET_KEY", "")
if not SECRET_KEY:
    if envbool("SENTRA_PRODUCTION", "false"):
        raise ImproperlyConfigured("SENTRA_SECRET_KEY must be set when SENTRA_PRODUCTION=true")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = os.getenv("SENTRA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "sentra.core",
    "sentra.regions",
    "sentra.agencies",
    "sentra.accounts",
    "sentra.audit",
    "sentra.verification",
    "sentra.registry",
    "sentra.analytics",
    "sentra.api",
    "sentra.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
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
# Above this many bytes, web and API imports run as a background job instead of in the request.
SENTRA_IMPORT_BACKGROUND_BYTES = envint("SENTRA_IMPORT_BACKGROUND_BYTES", str(256 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Background jobs: in-process threads by default; Celery workers when a broker is configured.
SENTRA_BROKER_URL = os.getenv("SENTRA_BROKER_URL", "")
CELERY_BROKER_URL = SENTRA_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_IGNORE_RESULT = True

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
