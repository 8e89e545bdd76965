"""Django settings for Stride, read from the environment (see README, Configuration)."""

from __future__ import annotations

import datetime as dt
import os

from stride import config as stride_config
from stride.web import logs

CONFIG = stride_config.load()
env = os.environ
BASE_DIR = stride_config.BASE_DIR
STRIDE_ENV = CONFIG.mode
PRODUCTION = STRIDE_ENV == "production"
TESTING = STRIDE_ENV == "test"

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = CONFIG.allowed_hosts
SITE_URL = CONFIG.site_url
STRIDE_CLOCK = CONFIG.clock
DATA_DIR = CONFIG.data_dir

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "csp",
    "stride.site",
    "stride.library",
    "stride.assessment",
    "stride.booking",
    "stride.office",
    "stride.demo",
    "stride.ops",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: an ID for every request, then /healthz and /readyz for any Host, before
    # anything checks the host or redirects to HTTPS (stride/web/health.py).
    "stride.web.requestid.middleware",
    "stride.web.health.middleware",
    "django.middleware.security.SecurityMiddleware",
    "stride.web.middleware.InputHygieneMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "stride.site.middleware.security_headers",
    "stride.library.middleware.legacy_redirects",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "stride.office.middleware.idle_timeout",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "stride.urls"
WSGI_APPLICATION = "stride.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "stride" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "stride.site.context_processors.clinic",
                "stride.web.formguard.form_context",
            ],
            "builtins": ["stride.site.templatetags.stride_time"],
        },
    },
]

# Databases -----------------------------------------------------------------
DATABASES = {"default": stride_config.database_from_url(CONFIG.database_url)}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # A web server has several threads or processes writing: WAL lets readers go on
    # while one writes, the busy timeout makes a writer wait instead of failing, and
    # IMMEDIATE takes the write lock when a transaction begins, so two transactions
    # can never both read and then both write.
    # Keep each thread's connection: SQLite reads the whole schema on a connection's
    # first statement, which was most of a request's time under load.
    _db["CONN_MAX_AGE"] = 60
    _db["CONN_HEALTH_CHECKS"] = True
    _db["OPTIONS"] = {
        "timeout": stride_config.env_int(env, "SQLITE_BUSY_TIMEOUT", 5),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
    }
    # Tests use a database file, not memory, so concurrency tests race for real.
    _db["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
    DATA_DIR.mkdir(parents=True, exist_ok=True)
else:
    _db.setdefault("TEST", {})
    # An unreachable server fails a request (and /readyz) in seconds instead of hanging.
    _db.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", stride_config.env_int(env, "DATABASE_CONNECT_TIMEOUT", 5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": stride_config.cache_from_url(CONFIG.cache_url)}

# Auth ----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out username first
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/office/login/"
# Staff sign-in: a username, or an address, is locked for 15 minutes after 5 failures.
AXES_FAILURE_LIMIT = stride_config.env_int(env, "STAFF_LOGIN_FAILURES", 5)
# A lockout lasts STAFF_LOCKOUT_MINUTES, doubled for each earlier lockout of the same
# username and address that day (stride/office/signin_guard.py).
STAFF_LOCKOUT_BASE = dt.timedelta(minutes=stride_config.env_int(env, "STAFF_LOCKOUT_MINUTES", 15))
AXES_COOLOFF_TIME = "stride.office.signin_guard.cool_off"
# The admin never shows a staff member's authenticator key, its QR code or recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# The username and the address together: a stranger's failures never lock staff out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Each attempt expires on its own (a long lockout is not cleared by someone else's short
# one), and attempts made while locked do not restart the wait.
AXES_USE_ATTEMPT_EXPIRATION = True
# axes keeps a keyed hash of the username, never the text typed (it may be a password).
AXES_USERNAME_CALLABLE = "stride.office.signin_guard.username_key"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Sign-in attempts per address (IPv6 by its /64) per hour, whatever the usernames.
STAFF_SIGNIN_LIMIT_PER_IP = stride_config.env_int(env, "STAFF_SIGNIN_LIMIT_PER_IP", 30)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "stride.web.ratelimit.client_ip"
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "stride.office.auth_views.locked_out"
# Staff are signed out after this many idle minutes (the back office and the admin).
STAFF_IDLE_MINUTES = stride_config.env_int(env, "STAFF_IDLE_MINUTES", 30)
OTP_TOTP_ISSUER = "Stride"
# How long the audit trail of staff access to patient data is kept.
AUDIT_RETENTION_YEARS = stride_config.env_int(env, "AUDIT_RETENTION_YEARS", 8)

# Language and time ------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Static files and media -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.get("STATIC_ROOT") or str(
    DATA_DIR / "static" if TESTING else BASE_DIR / "staticfiles"
)
STATICFILES_DIRS = [BASE_DIR / "stride" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.get("MEDIA_ROOT") or str(DATA_DIR / "media")
SERVE_MEDIA = stride_config.env_bool(env, "SERVE_MEDIA", not PRODUCTION)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 365 * 24 * 60 * 60
if TESTING:
    os.makedirs(STATIC_ROOT, exist_ok=True)

# Public pages ------------------------------------------------------------------
# Browsers and shared caches may keep a public page this many seconds.
PUBLIC_PAGE_MAX_AGE = stride_config.env_int(env, "PUBLIC_PAGE_MAX_AGE", 300)
# The WSGI page cache (see stride/site/pagecache.py) and how often each process
# checks whether content changed.
PAGE_CACHE = stride_config.env_bool(env, "PAGE_CACHE", not TESTING)
PAGE_CACHE_VERSION_TTL = float(env.get("PAGE_CACHE_VERSION_TTL", "0.5"))

# Booking abuse limits ------------------------------------------------------------
# How many reverse proxies in front of Stride add to X-Forwarded-For (nginx: 1).
TRUSTED_PROXIES = stride_config.env_int(env, "TRUSTED_PROXIES", 1 if PRODUCTION else 0)
BOOKING_LIMIT_PER_IP = stride_config.env_int(env, "BOOKING_LIMIT_PER_IP", 20)  # per hour
BOOKING_LIMIT_PER_EMAIL = stride_config.env_int(env, "BOOKING_LIMIT_PER_EMAIL", 5)  # per hour
# POST /api/assessment per address per hour: an adaptive session takes about 15 calls;
# away from production the default lets an evaluation of thousands of cases through.
ASSESSMENT_LIMIT_PER_IP = stride_config.env_int(
    env, "ASSESSMENT_LIMIT_PER_IP", 600 if PRODUCTION else 20_000
)

# Reminder emails this many hours before an appointment (stride send-reminders).
REMINDER_HOURS = [int(h) for h in stride_config.env_list(env, "REMINDER_HOURS", ["48", "24"])]

# Background tasks (django-tasks): kept in the database and run by `stride db_worker`,
# so several workers can drain one queue without running a task twice. Tests use the
# same backend: a test enqueues into the database and runs the worker.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# TASK_WORKER=true where `stride worker` runs (deploy/systemd/stride-worker.service):
# /readyz and `stride doctor` then want its heartbeat no older than this many seconds.
TASK_WORKER = CONFIG.task_worker
WORKER_HEARTBEAT_MAX_AGE = stride_config.env_int(env, "WORKER_HEARTBEAT_MAX_AGE", 120)

# Email -------------------------------------------------------------------------
EMAIL_BACKEND = env.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.get("EMAIL_HOST", "localhost")
EMAIL_PORT = stride_config.env_int(env, "EMAIL_PORT", 587)
EMAIL_HOST_USER = env.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = stride_config.env_bool(env, "EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = stride_config.env_int(env, "EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL", "Stride <no-reply@localhost>")
SERVER_EMAIL = env.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = [("Admin", a) for a in stride_config.env_list(env, "ADMINS", [])]

# Security ----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)
if PRODUCTION:
    SECURE_SSL_REDIRECT = stride_config.env_bool(env, "SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = stride_config.env_int(env, "SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = stride_config.env_bool(
        env, "SECURE_HSTS_INCLUDE_SUBDOMAINS", True
    )
    SECURE_HSTS_PRELOAD = stride_config.env_bool(env, "SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if stride_config.env_bool(env, "BEHIND_PROXY", True):
        # The reverse proxy terminates TLS and says so in this header.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [SITE_URL]
    SILENCED_SYSTEM_CHECKS = (
        # HSTS preload is a one-way choice a clinic makes for its own domain.
        ["security.W021"] if not SECURE_HSTS_PRELOAD else []
    )

# A strict policy: nothing from another origin, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    }
}

# Logging: to stderr, each line with its request's ID, as text or JSON (LOG_FORMAT);
# never request bodies. Errors are also counted for `stride send-error-digest`.
LOGGING = logs.config(fmt=CONFIG.log_format, level=env.get("LOG_LEVEL", "WARNING"))

# Retention of patient data -----------------------------------------------------
# `stride apply-retention` (daily) removes a patient's personal data this many years
# after their last appointment; for someone under 18 when last seen, not before this
# birthday (one later if they were 17), whichever is later. See docs/back-office.md.
RETENTION_ADULT_YEARS = stride_config.env_int(env, "RETENTION_ADULT_YEARS", 8)
RETENTION_CHILD_UNTIL_AGE = stride_config.env_int(env, "RETENTION_CHILD_UNTIL_AGE", 25)
