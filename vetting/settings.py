"""Settings for Vetting, read from the environment only.

With no environment at all the product runs on embedded defaults: SQLite and a
filesystem Celery broker under ``var/``, email written to files under
``var/mail/``. ``VETTING_ENV=production`` switches on the hardened settings that
``manage.py check --deploy`` expects and refuses to start without a SECRET_KEY.
"""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from vetting.env import env_bool, env_int, env_list, env_str
from vetting.evidence.storage import evidence_storage_settings
from vetting.observability import init_sentry, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VETTING_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

VETTING_ENV = env_str("VETTING_ENV", "development")
if VETTING_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("VETTING_ENV must be 'development' or 'production'")
PRODUCTION = VETTING_ENV == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when VETTING_ENV=production")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Shown as a banner on every page; demo logins are printed by seed_demo.
DEMO_MODE = env_bool("VETTING_DEMO_MODE", not PRODUCTION)
BASE_URL = env_str("VETTING_BASE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    # The admin runs on the console site (MFA-enforcing, dashboard on the index).
    "vetting.console.apps.ConsoleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_fsm",
    "django_countries",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # staff backup codes (vetting.accounts.mfa)
    "django_otp_webauthn",  # passkeys; relying party = BASE_URL's host
    "csp",
    "ninja",  # serves Swagger UI from its own static files (no CDN), with no inline script
    "vetting.console",
    "vetting.accounts",
    "vetting.audit",
    "vetting.outbox",
    "vetting.notifications",
    "vetting.webhooks",
    "vetting.organizations",
    "vetting.gated_models",
    "vetting.applications",
    "vetting.clearances",
    "vetting.screening",
    "vetting.api",
    "vetting.demo",
    "vetting.evidence",
    "vetting.portal",
    "django_structlog",
    "simple_history",  # change history with values (vetting/audit/history.py)
    "django_ratelimit",  # vetting.throttle
    "axes",  # login throttling; keep last so its checks see the auth backends
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Answers GET /api/v1/check before sessions, CSRF, auth and messages (the hot path).
    "vetting.api.check.CheckMiddleware",
    "vetting.limits.RequestSizeLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vetting.accounts.sessions.StaffSessionLimitMiddleware",
    # Tells the change history who made a change (the signed-in user of the request).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "vetting.accounts.second_step.SecondStepMiddleware",  # a sign-in owing its factor waits
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vetting.urls"
WSGI_APPLICATION = "vetting.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vetting.accounts.context_processors.site",
                "vetting.notifications.context_processors.inbox",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'vetting.sqlite3'}")
# Persistent connections: reconnecting to PostgreSQL on every request costs ~10x.
_db = dj_database_url.parse(
    DATABASE_URL,
    conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
    conn_health_checks=True,
)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialize writers up front, so the web server and
    # the Celery worker never fail with "database is locked" mid-transaction.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    _db["CONN_MAX_AGE"] = 0
    # Tests run real Celery workers in other processes: they need a file, not :memory:.
    _db["TEST"] = {"NAME": str(VAR_DIR / "test-vetting.sqlite3")}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
# django-ratelimit (vetting.throttle) warns of any cache but memcached and django-redis
# (W001). Django's own Redis cache does what it needs, atomically: add is SET NX and
# incr is INCRBY.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # It also wants a cache all processes share (E003); the embedded default serves from
    # one process, whose memory is that cache. Without Redis, each of several processes
    # would count on its own: limits as many times looser.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# --- Auth -----------------------------------------------------------------
# Argon2id (argon2-cffi) for every new hash; the PBKDF2 hashes made before still verify
# and are rehashed with Argon2 at their owner's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "vetting.accounts.passwords.LeakedPasswordValidator"},  # 4.2 million listed
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "vetting.portal.auth.ThrottlingBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Throttle on username+IP together, so nobody can lock a victim out from elsewhere;
# the lock lifts by itself after the cool-off. The IP is the real client's, counted
# TRUSTED_PROXY_HOPS entries from the right of X-Forwarded-For (vetting.clientip):
# 1 in production (nginx in front, as deploy/ sets up), 0 (REMOTE_ADDR) otherwise.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 1 if PRODUCTION else 0)
AXES_CLIENT_IP_CALLABLE = "vetting.clientip.client_ip"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # Django's login forms name the email field so
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False  # no banner on every manage.py command
# vetting.throttle (django-ratelimit) counts the same real client.
RATELIMIT_IP_META_KEY = "vetting.clientip.client_ip"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)
EMAIL_VERIFICATION_MAX_AGE = env_int("EMAIL_VERIFICATION_MAX_AGE", 3 * 24 * 3600)
INVITATION_MAX_AGE = env_int("INVITATION_MAX_AGE", 14 * 24 * 3600)
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# Bodies above this are refused from their Content-Length, unread (vetting.limits).
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 2 * EVIDENCE_MAX_BYTES)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# The name authenticator apps show next to the console's six-digit codes.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Vetting")
# No admin page of django-otp shows a device's secret or QR code (the console's own device
# admin shows none either, vetting/console/third_party.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the age above is then an inactivity timeout
# A staff session also ends this long after its sign-in (vetting.accounts.sessions).
STAFF_SESSION_MAX_HOURS = env_int("STAFF_SESSION_MAX_HOURS", 12)
# How long a staff enrollment link works (vetting.accounts.enrollment); it works once.
STAFF_ENROLLMENT_HOURS = env_int("STAFF_ENROLLMENT_HOURS", 24)
# Officials and clearance officers verify console sessions with a passkey only.
STAFF_PASSKEY_REQUIRED = env_bool("STAFF_PASSKEY_REQUIRED", PRODUCTION)
# Passkeys are bound to BASE_URL's host; an IP address cannot be one (use localhost).
OTP_WEBAUTHN_RP_ID = urlsplit(BASE_URL).hostname
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = [BASE_URL]
OTP_WEBAUTHN_HELPER_CLASS = "vetting.console.passkey_views.Helper"  # names each passkey
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # a passkey is the second step, after the password

# --- I18N / static --------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
if not PRODUCTION:  # whitenoise warns on every request while the folder is missing
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Outside production whitenoise serves the apps' static folders directly, so the demo
# runs with DEBUG off (real error pages) without a collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
    # Uploaded evidence: private files under PRIVATE_STORAGE_ROOT, or with
    # EVIDENCE_S3_BUCKET set a private S3-compatible bucket shared by all web hosts.
    "evidence": evidence_storage_settings(),
}
# Uploaded evidence lives outside the static and media URL space.
PRIVATE_STORAGE_ROOT = Path(env_str("PRIVATE_STORAGE_ROOT", str(VAR_DIR / "private")))

# --- Email ----------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Vetting <vetting@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "broker"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        # Broadcast/control messages too, or kombu writes them to ./control.
        "control_folder": str(VAR_DIR / "broker-control"),
        "polling_interval": 0.2,
    }
    # No broadcast traffic through the directory: nothing here uses remote control
    # (inspect/ping/revoke), and task events are off (the default).
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None  # nothing reads task results
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Only the beat holding the lock sends the schedule; others stand by (vetting.beat_lock).
BEAT_LOCK_POLL_SECONDS = float(env_str("BEAT_LOCK_POLL_SECONDS", "5"))
# Late acknowledgement is set per task, only on idempotent ones.
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# A web request that commits while the broker is down waits ~1 s, not minutes:
# the outbox sweeper re-dispatches what could not be queued.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# How often beat sweeps the outbox tables (recovering lost and abandoned work).
OUTBOX_SWEEP_INTERVAL_SECONDS = float(env_str("OUTBOX_SWEEP_INTERVAL_SECONDS", "60"))
# Every job is idempotent; "expires" drops a run beat queued while no worker was up.
CELERY_BEAT_SCHEDULE: dict = {
    "outbox-consistency": {
        "task": "vetting.outbox.tasks.consistency_sweep",
        "schedule": OUTBOX_SWEEP_INTERVAL_SECONDS,
        "options": {"expires": OUTBOX_SWEEP_INTERVAL_SECONDS},
    },
    "outbox-sweep": {
        "task": "vetting.notifications.tasks.sweep_outbox",
        "schedule": OUTBOX_SWEEP_INTERVAL_SECONDS,
        "options": {"expires": OUTBOX_SWEEP_INTERVAL_SECONDS},
    },
    "webhook-sweep": {
        "task": "vetting.webhooks.tasks.sweep_webhooks",
        "schedule": OUTBOX_SWEEP_INTERVAL_SECONDS,
        "options": {"expires": OUTBOX_SWEEP_INTERVAL_SECONDS},
    },
    "clearances-expire": {
        "task": "vetting.clearances.tasks.expire_due_clearances",
        "schedule": 300.0,
        "options": {"expires": 300},
    },
    "clearances-expiry-reminders": {
        "task": "vetting.clearances.tasks.send_expiry_reminders",
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 3600},
    },
    "audit-checkpoint": {
        "task": "vetting.audit.tasks.write_checkpoint",
        "schedule": 300.0,
        "options": {"expires": 300},
    },
    "review-deadline-digest": {
        "task": "vetting.applications.tasks.send_review_deadline_digest",
        "schedule": crontab(hour=7, minute=30),
        "options": {"expires": 3600},
    },
}
# Outbox delivery (vetting.notifications) and webhooks (vetting.webhooks).
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 8)
NOTIFICATION_RETRY_BASE_SECONDS = float(env_str("NOTIFICATION_RETRY_BASE_SECONDS", "30"))
NOTIFICATION_SEND_TIME_LIMIT = env_int("NOTIFICATION_SEND_TIME_LIMIT", 60)
# Rows a delivery task claims at once and sends over one SMTP connection.
NOTIFICATION_BATCH_SIZE = env_int("NOTIFICATION_BATCH_SIZE", 50)
# A pending outbox row (email, webhook, job) whose task has not reached it this long
# after it was due is handed to the broker again by the sweep.
OUTBOX_SWEEP_AFTER_SECONDS = float(env_str("OUTBOX_SWEEP_AFTER_SECONDS", "60"))
# Work the consistency sweep calls stuck: an application still submitted, a list
# version not re-screened, this long after the cause.
OUTBOX_STUCK_AFTER_SECONDS = float(env_str("OUTBOX_STUCK_AFTER_SECONDS", "300"))
# Each worker writes a heartbeat this often; none for the second figure = "no worker".
WORKER_HEARTBEAT_SECONDS = float(env_str("WORKER_HEARTBEAT_SECONDS", "15"))
WORKER_SILENT_AFTER_SECONDS = float(env_str("WORKER_SILENT_AFTER_SECONDS", "60"))
WEBHOOK_RETRY_BASE_SECONDS = float(env_str("WEBHOOK_RETRY_BASE_SECONDS", "30"))
WEBHOOK_RETRY_WINDOW_SECONDS = float(env_str("WEBHOOK_RETRY_WINDOW_SECONDS", str(24 * 3600)))
WEBHOOK_DISABLE_AFTER_SECONDS = float(env_str("WEBHOOK_DISABLE_AFTER_SECONDS", str(24 * 3600)))
WEBHOOK_TIMEOUT_SECONDS = float(env_str("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_BATCH_SIZE = env_int("WEBHOOK_BATCH_SIZE", 20)  # deliveries a task POSTs in turn
# What a receiver may answer with: bytes read of its body (the rest is dropped).
WEBHOOK_MAX_RESPONSE_BYTES = env_int("WEBHOOK_MAX_RESPONSE_BYTES", 64 * 1024)
# Receivers are public https URLs (vetting.webhooks.safety). Plain http only outside
# production; loopback receivers only where a test or a local demo says so.
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", not PRODUCTION)
WEBHOOK_ALLOW_LOOPBACK = env_bool("WEBHOOK_ALLOW_LOOPBACK", False)
# Fernet keys for secrets at rest (vetting.encryption), the first encrypts.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")

# --- Security (production) ------------------------------------------------
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when VETTING_ENV=production")

# Every page loads only from this origin: no inline script (a template that needs one
# uses {{ request.csp_nonce }}), no inline style, no framing. The check answers with a
# fixed "default-src 'none'" of its own (vetting.api.check).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logs and errors (vetting.observability) --------------------------------
LOGGING = logging_config(
    json=env_str("LOG_FORMAT", "json" if PRODUCTION else "console") == "json",
    level=env_str("LOG_LEVEL", "INFO"),
)
DJANGO_STRUCTLOG_CELERY_ENABLED = True
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = 10  # DEBUG: one line per request, when it ends
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False  # bound by vetting.observability instead
# nginx's $request_id arrives as X-Request-ID; without a trusted proxy it is the
# client's word, so a new id is made.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = TRUSTED_PROXY_HOPS > 0
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    init_sentry(
        SENTRY_DSN,
        environment=VETTING_ENV,
        traces_sample_rate=float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# --- Domain settings -------------------------------------------------------
REVIEW_DEADLINE_BUSINESS_DAYS = env_int("REVIEW_DEADLINE_BUSINESS_DAYS", 5)

# --- Screening and domain verification (vetting.screening) -------------------
# Score (0-100) from which a name similarity becomes a hit for a person to look at.
SCREENING_THRESHOLD = float(env_str("SCREENING_THRESHOLD", "88"))
# "host:port" of the DNS server that answers domain challenges; empty = system resolver.
VETTING_DNS_NAMESERVER = env_str("VETTING_DNS_NAMESERVER")
DOMAIN_CHALLENGE_VALID_DAYS = env_int("DOMAIN_CHALLENGE_VALID_DAYS", 7)
CELERY_BEAT_SCHEDULE["screening-recheck-domains"] = {
    "task": "vetting.screening.tasks.recheck_verified_domains",
    "schedule": 24 * 60 * 60,
}

# --- Gateway API (vetting.api) ------------------------------------------------
# "kid:base64seed,kid2:seed2": the first signs certificates, all are published in
# the JWKS. Required in production; development derives a key from SECRET_KEY.
VETTING_SIGNING_KEYS = env_str("VETTING_SIGNING_KEYS")
# The audit trail's checkpoint key, never in the database (vetting.audit.checkpoints).
AUDIT_SIGNING_KEY = env_str("AUDIT_SIGNING_KEY")
AUDIT_SIGNING_KEY_FILE = env_str("AUDIT_SIGNING_KEY_FILE")
AUDIT_RETIRED_PUBLIC_KEYS = env_str("AUDIT_RETIRED_PUBLIC_KEYS")
# PostgreSQL: the role web, worker and beat connect as (not the tables' owner); each
# migrate, run as the owner, grants it what it needs (vetting.audit.db_roles).
DATABASE_APP_ROLE = env_str("DATABASE_APP_ROLE")
# The owner's URL, only where owner work runs beside the app role: `flush` (which test
# runs use between transactional tests) and the test database's creation.
DATABASE_OWNER_URL = env_str("DATABASE_OWNER_URL")
AUDIT_CHECKPOINT_LOG = env_str("AUDIT_CHECKPOINT_LOG", str(VAR_DIR / "audit-checkpoints.jsonl"))
