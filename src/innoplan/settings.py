"""Django settings for innoplan, read from the environment (see docs/operations.md).

Every setting has the same meaning in development, tests and production; only its value
changes through the environment.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from innoplan.core.env import env_bool, env_decimal, env_int, env_list, env_str, env_time

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(env_str("INNOPLAN_HOME", str(PACKAGE_DIR.parent.parent))).resolve()
VAR_DIR = Path(env_str("INNOPLAN_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _kept_secret(name: str, file_name: str) -> str:
    """The secret from the environment, else one generated once and kept under var/."""
    # Only an unset secret falls back; an unreadable ``<name>_FILE`` is an error.
    key = env_str(name, "")
    if key:
        return key
    key_file = VAR_DIR / file_name
    if not key_file.exists():
        # Several processes may start at once (gunicorn workers, parallel tests): each writes
        # its own candidate and links it into place; the first link wins, the rest read it.
        candidate = VAR_DIR / f".{file_name}.{os.getpid()}"
        candidate.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        candidate.chmod(0o600)
        try:
            os.link(candidate, key_file)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _kept_secret("INNOPLAN_SECRET_KEY", "secret_key")
DEBUG = env_bool("INNOPLAN_DEBUG", False)
ALLOWED_HOSTS = env_list("INNOPLAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("INNOPLAN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_filters",
    "django_tables2",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "innoplan.core",
    "innoplan.accounts",
    "innoplan.audit",
    # After innoplan.audit, whose `auditlogflush` refuses: the trail is purged only by
    # `innoplan audit purge`.
    "auditlog",
    "innoplan.imports",
    "innoplan.registry",
    "innoplan.metrics",
    "innoplan.plans",
    "innoplan.supervision",
    "innoplan.notifications",
    "innoplan.reports",
    "innoplan.dashboard",
    "innoplan.demo",
    # After the project's apps, so that `innoplan import` is the project's command, not
    # django-import-export's.
    "import_export",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "innoplan.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Nothing answered to a signed-in user is kept in a cache (static files come before).
    "innoplan.core.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "innoplan.core.middleware.IdleTimeoutMiddleware",
    # Forced password change and the second factor come before any other page.
    "innoplan.accounts.middleware.IdentityGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "innoplan.audit.middleware.AuditlogMiddleware",
    # Must stay last: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "innoplan.urls"
WSGI_APPLICATION = "innoplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "innoplan.core.context_processors.platform",
                "innoplan.notifications.context_processors.unread_count",
            ],
        },
    },
]

# SQLite by default; PostgreSQL (or another ORM-supported database) through DATABASE_URL.
# IMMEDIATE transactions, a busy timeout and WAL keep concurrent writers from failing with
# "database is locked".
_SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": env_int("INNOPLAN_SQLITE_TIMEOUT", 20, minimum=1),
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'innoplan.sqlite3'}"),
        conn_max_age=env_int("INNOPLAN_DB_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = _SQLITE_OPTIONS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("INNOPLAN_PASSWORD_MIN_LENGTH", 8, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "innoplan.accounts.validators.CharacterClassValidator",
        "OPTIONS": {"min_classes": env_int("INNOPLAN_PASSWORD_MIN_CLASSES", 3, minimum=1)},
    },
    # No reuse of the current password or the last INNOPLAN_PASSWORD_HISTORY ones.
    {"NAME": "innoplan.accounts.validators.PasswordHistoryValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle logout: the session ends after this many seconds without a request.
# 等保 level 3 asks for a short idle limit: ten minutes unless the deployment says otherwise.
SESSION_IDLE_TIMEOUT = env_int("INNOPLAN_SESSION_IDLE_SECONDS", 10 * 60, minimum=60)
SESSION_COOKIE_AGE = env_int("INNOPLAN_SESSION_MAX_SECONDS", 12 * 60 * 60, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
HTTPS = env_bool("INNOPLAN_HTTPS", False)
# Addresses of reverse proxies whose X-Forwarded-* headers are believed.
TRUSTED_PROXIES = env_list("INNOPLAN_TRUSTED_PROXIES", [])
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# Pages carry the token in their forms; no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Browsers keep to HTTPS for a year once they have seen the site over it.
    SECURE_HSTS_SECONDS = env_int("INNOPLAN_HSTS_SECONDS", 365 * 24 * 60 * 60, minimum=0)

# Lockout after repeated failures, keyed on username and IP together.
AXES_FAILURE_LIMIT = env_int("INNOPLAN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("INNOPLAN_LOGIN_COOLOFF_MINUTES", 30, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy the lockout must key on the client, not on the proxy.
AXES_CLIENT_IP_CALLABLE = "innoplan.core.net.client_ip"

# Content Security Policy: everything is served by this site; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("INNOPLAN_STATIC_ROOT", str(VAR_DIR / "static")))
# Front-end packages installed from the npm registry at set-up (package-lock.json).
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Bootstrap, ECharts and htmx from node_modules: only the files the pages load
# (core/staticfinders.py), not the packages' 55 MB of other builds.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "innoplan.core.staticfinders.VendorFinder",
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("INNOPLAN_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Attachments to reported values: what is accepted and how large.
UPLOAD_MAX_BYTES = env_int("INNOPLAN_UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Register imports (.xlsx/.csv): the largest file accepted, and the row count above which the
# web import runs in the background with a progress bar.
INNOPLAN_IMPORT_MAX_BYTES = env_int("INNOPLAN_IMPORT_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
# Plan documents read by `innoplan plan parse` (.docx, .txt, .pdf): the largest accepted.
INNOPLAN_PLAN_MAX_BYTES = env_int("INNOPLAN_PLAN_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# What the parts of an uploaded .xlsx or .docx may inflate to, at most, whatever the ratio to
# the file (core/archives.py): a worker's memory grows several times that when it reads one.
INNOPLAN_OFFICE_MAX_INFLATED_BYTES = env_int(
    "INNOPLAN_OFFICE_MAX_INFLATED_BYTES", 100 * 1024 * 1024, minimum=1024 * 1024
)
INNOPLAN_IMPORT_BACKGROUND_ROWS = env_int("INNOPLAN_IMPORT_BACKGROUND_ROWS", 500, minimum=0)
# An uploaded import file is kept (encrypted) only until its import ends, and a file checked
# but never confirmed at most this many days.
INNOPLAN_IMPORT_KEEP_DAYS = env_int("INNOPLAN_IMPORT_KEEP_DAYS", 7, minimum=1)

# Background work (imports) runs through django-tasks, its queue kept in the database and
# drained by the worker `innoplan serve` starts beside the web server.
TASKS = {
    "default": {
        "BACKEND": env_str("INNOPLAN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# When the background worker runs the daily jobs (the supervision ladder, the notification
# digest), local time HH:MM.
INNOPLAN_DAILY_AT = env_time("INNOPLAN_DAILY_AT", "07:00")

# Personal identifiers (ID-card numbers) are encrypted with this key and looked up by a keyed
# hash derived from it (core/crypto.py). It is not SECRET_KEY, so that rotating sessions'
# key keeps the identifiers readable; back it up with the database: losing it loses them.
INNOPLAN_FIELD_KEY = _kept_secret("INNOPLAN_FIELD_KEY", "field_key")
# Earlier field keys, newest first: they only decrypt and find, so that values stay readable
# until `innoplan rotate-field-key` has moved them all to the current key. From the environment
# (comma-separated) or else var/field_key.previous (one a line), where the command keeps them.
INNOPLAN_FIELD_KEY_PREVIOUS = env_list("INNOPLAN_FIELD_KEY_PREVIOUS", []) or (
    [
        key.strip()
        for key in (VAR_DIR / "field_key.previous").read_text(encoding="utf-8").splitlines()
        if key.strip()
    ]
    if (VAR_DIR / "field_key.previous").exists()
    else []
)
# The cipher class (core.crypto.FieldCipher); an SM4 implementation can take its place.
INNOPLAN_FIELD_CIPHER = env_str("INNOPLAN_FIELD_CIPHER", "innoplan.core.crypto.AesGcmCipher")

# Status of a target: the shortfall against the linear required path, as a fraction of the
# whole journey from baseline to target, above which a target is 滞后 / 严重滞后.
INNOPLAN_STATUS_LAGGING = env_decimal("INNOPLAN_STATUS_LAGGING", "0.05")
INNOPLAN_STATUS_SEVERE = env_decimal("INNOPLAN_STATUS_SEVERE", "0.15")
INNOPLAN_ABOUT_TOLERANCE = env_decimal("INNOPLAN_ABOUT_TOLERANCE", "0.10")

# Audit: who did what to targets, reported values and approvals.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Identity: password expiry and history, second factor, single sign-on -------------------
# A password older than this many days must be changed at the next request.
INNOPLAN_PASSWORD_MAX_AGE_DAYS = env_int("INNOPLAN_PASSWORD_MAX_AGE_DAYS", 90, minimum=1)
# A new password may not be any of the account's last N.
INNOPLAN_PASSWORD_HISTORY = env_int("INNOPLAN_PASSWORD_HISTORY", 5, minimum=1)
# Roles that must pass a second factor (TOTP) after the password; others may enrol.
INNOPLAN_OTP_REQUIRED_ROLES = env_list(
    "INNOPLAN_OTP_REQUIRED_ROLES", ["sysadmin", "secadmin", "auditadmin"]
)
OTP_TOTP_ISSUER = env_str("INNOPLAN_OTP_ISSUER", "innoplan")
# 统一身份认证 (OIDC single sign-on), off by default. It signs in existing local accounts only,
# matched by the username claim; it creates no account and grants no role. Local passwords stay
# as the fallback, and the administrators still pass the second factor after it.
INNOPLAN_OIDC_ENABLED = env_bool("INNOPLAN_OIDC_ENABLED", False)
INNOPLAN_OIDC_USERNAME_CLAIM = env_str("INNOPLAN_OIDC_USERNAME_CLAIM", "preferred_username")
if INNOPLAN_OIDC_ENABLED:
    OIDC_OP_ISSUER = env_str("INNOPLAN_OIDC_ISSUER", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("INNOPLAN_OIDC_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env_str("INNOPLAN_OIDC_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env_str("INNOPLAN_OIDC_USERINFO_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env_str("INNOPLAN_OIDC_JWKS_ENDPOINT", "") or None
    OIDC_RP_CLIENT_ID = env_str("INNOPLAN_OIDC_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env_str("INNOPLAN_OIDC_CLIENT_SECRET")  # or *_FILE
    OIDC_RP_SIGN_ALGO = env_str("INNOPLAN_OIDC_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = env_str("INNOPLAN_OIDC_SCOPES", "openid profile")
    OIDC_CREATE_USER = False
    OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_authentication_callback"
    LOGIN_REDIRECT_URL_FAILURE = "accounts:login"
    AUTHENTICATION_BACKENDS.append("innoplan.accounts.oidc.LocalAccountOIDCBackend")

# --- Audit trail: append-only, hash-chained, kept at least 184 days -------------------------
INNOPLAN_AUDIT_RETENTION_DAYS = env_int("INNOPLAN_AUDIT_RETENTION_DAYS", 184, minimum=184)
# Keys the hash chain (HMAC), so that rewriting the trail needs more than database access.
INNOPLAN_AUDIT_KEY = _kept_secret("INNOPLAN_AUDIT_KEY", "audit_key")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("INNOPLAN_LOG_LEVEL", "WARNING")},
    # The audit trail's daily anchor line (audit/tasks.py) is written whatever the level.
    "loggers": {"innoplan.audit.anchor": {"level": "INFO"}},
}

# Set by `innoplan demo`: every page carries the 演示数据 banner.
INNOPLAN_DEMO = env_bool("INNOPLAN_DEMO", False)

# --- Notifications ---------------------------------------------------------------------------
# In-site notifications, and an outbox of emails and group-chat messages that the background
# worker drains: urgent matters (a rejection, a new 督办) at once, reminders in one digest email
# per person a day (at INNOPLAN_DAILY_AT). A failed send is retried, logged and kept
# (`innoplan notify status`).
from innoplan.core.env import SettingError  # noqa: E402
from innoplan.notifications.chat import (  # noqa: E402 (no Django import in it)
    parse_minutes,
    parse_site_url,
    parse_webhooks,
)

# Email through django.core.mail. The console backend (the default) writes mail to the log;
# for a mail server set INNOPLAN_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and
# the host below. The password may be read from INNOPLAN_EMAIL_HOST_PASSWORD_FILE.
EMAIL_BACKEND = env_str("INNOPLAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("INNOPLAN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("INNOPLAN_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("INNOPLAN_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("INNOPLAN_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("INNOPLAN_EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("INNOPLAN_EMAIL_USE_SSL", False)  # implicit TLS, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise SettingError("INNOPLAN_EMAIL_USE_TLS and INNOPLAN_EMAIL_USE_SSL: set one, not both")
# Seconds to wait for the mail server before the attempt counts as failed.
EMAIL_TIMEOUT = env_int("INNOPLAN_EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("INNOPLAN_EMAIL_FROM", "innoplan@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address as users reach it (https://innoplan.example.gov.cn): links in emails and
# chat messages start with it. Without it they carry no link (the site's inbox still has it).
INNOPLAN_SITE_URL = parse_site_url("INNOPLAN_SITE_URL", env_str("INNOPLAN_SITE_URL", ""))
# Group-chat robots (企业微信 / 钉钉 群机器人) told of urgent matters, comma-separated (or one a
# line in the file named by INNOPLAN_CHAT_WEBHOOKS_FILE, which keeps the tokens out of the
# environment):
#   wecom:NAME=https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY
#   dingtalk:NAME=https://oapi.dingtalk.com/robot/send?access_token=TOKEN[#SECRET]
# NAME (letters, digits, - and _) is what the outbox records; #SECRET is DingTalk's signing
# (加签) secret. A malformed entry stops start-up naming the variable.
INNOPLAN_CHAT_WEBHOOKS = parse_webhooks(
    "INNOPLAN_CHAT_WEBHOOKS", env_list("INNOPLAN_CHAT_WEBHOOKS", [])
)
# Minutes to wait after the 1st, 2nd, … failed attempt (the last repeats), and the number of
# attempts after which a delivery is given up (kept, with its last error, as "given up").
INNOPLAN_NOTIFY_RETRY_MINUTES = parse_minutes(
    "INNOPLAN_NOTIFY_RETRY_MINUTES",
    env_list("INNOPLAN_NOTIFY_RETRY_MINUTES", ["1", "5", "30", "120", "720"]),
)
INNOPLAN_NOTIFY_MAX_ATTEMPTS = env_int("INNOPLAN_NOTIFY_MAX_ATTEMPTS", 6, minimum=1)
# --- end of Notifications ---------------------------------------------------------------------
