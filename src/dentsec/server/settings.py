"""Django settings of the practice console, read from the environment.

``DENTSEC_DATABASE_URL`` selects the database (PostgreSQL for larger deployments);
by default an SQLite file under ``DENTSEC_HOME/server``. ``DENTSEC_SECRET_KEY`` or a
0600 file beside the database holds the signing key. ``DENTSEC_SECURE_COOKIES=0`` is
only for plain-HTTP use on the loopback address (``dentsec serve`` sets it there).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url

from dentsec.errors import DentsecError
from dentsec.paths import dentsec_home
from dentsec.server.console.proxies import Network, parse_networks

PACKAGE_DIR = Path(__file__).resolve().parent
STATE_DIR = dentsec_home() / "server"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _secret_key() -> str:
    env = os.environ.get("DENTSEC_SECRET_KEY")
    if env:
        return env
    path = STATE_DIR / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    os.replace(tmp, path)
    return key


def _database() -> dict[str, Any]:
    url = os.environ.get("DENTSEC_DATABASE_URL")
    if url:
        # Persistent connections without a health check: the check is one more round trip
        # (of seven) on every upload. After a PostgreSQL restart each worker's first request
        # fails once and the connection is replaced; an agent keeps that report and resends.
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=False))
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(STATE_DIR / "dentsec.sqlite3"),
        # WAL + a busy timeout so concurrent uploads wait instead of failing.
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


SECRET_KEY = _secret_key()
DEBUG = _flag("DENTSEC_DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get(
    "DENTSEC_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get(
    "DENTSEC_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "dentsec.server.console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dentsec.server.console.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dentsec.server.console.security.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "dentsec.server.urls"
WSGI_APPLICATION = "dentsec.server.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dentsec.server.console.views.nav_context",
            ],
        },
    },
]

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "console:login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "console" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

STATIC_URL = "/static/"
# Only for `collectstatic` in production set-ups that serve files from a proxy.
STATIC_ROOT = os.environ.get("DENTSEC_STATIC_ROOT") or None
# Served straight from the app folders: no collectstatic step for the embedded server.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SECURE_COOKIES = _flag("DENTSEC_SECURE_COOKIES", True)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # pages carry the token; no script needs the cookie
CSRF_FAILURE_VIEW = "dentsec.server.console.error_views.csrf_failure"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def _trusted_proxies() -> tuple[Network, ...]:
    try:
        return parse_networks(os.environ.get("DENTSEC_TRUSTED_PROXIES", ""))
    except ValueError as exc:
        raise DentsecError(
            f"DENTSEC_TRUSTED_PROXIES : « {exc} » n'est ni une adresse ni un réseau IP.",
            f"DENTSEC_TRUSTED_PROXIES: '{exc}' is neither an IP address nor a network.",
        ) from None


# Reverse proxies whose X-Forwarded-For is believed (see console.proxies): the sign-in
# throttle and the Journal then see each visitor, not the proxy.
TRUSTED_PROXIES = _trusted_proxies()
if _flag("DENTSEC_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000

# Reports are small; anything bigger is refused before it is parsed (see console.api).
REPORT_MAX_BYTES = int(os.environ.get("DENTSEC_REPORT_MAX_BYTES", str(1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = REPORT_MAX_BYTES + 1024

EMAIL_BACKEND = os.environ.get(
    "DENTSEC_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("DENTSEC_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DENTSEC_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DENTSEC_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DENTSEC_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _flag("DENTSEC_EMAIL_TLS", False)
# A hung mail server must not hold the hourly sweep (digests, monthly reports) for long.
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DENTSEC_EMAIL_FROM", "dentsec@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DENTSEC_LOG_LEVEL", "WARNING")},
}

# --- alerts and reports for the records (issue 13b) ---------------------------------------
# A device that sends nothing for this many days raises a "silent agent" alert.
SILENT_AFTER_DAYS = max(1, int(os.environ.get("DENTSEC_SILENT_AFTER_DAYS", "7") or "7"))
# The console's address as people reach it, for the links in e-mails and PDF reports.
PUBLIC_URL = os.environ.get("DENTSEC_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
