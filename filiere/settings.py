"""Filière settings, read from the environment.

Every setting a deployment may change is an environment variable read through the small typed
helpers below; the README lists them. Defaults suit a developer's machine: SQLite, French, DEBUG
only when asked for.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from filiere.accounts.psc import origin_of, psc_providers

# Lets classes such as ModelAdmin[Centre] be subscripted at run time, as the type hints do.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# Outside DEBUG there is no fallback: a deployment without SECRET_KEY refuses to start.
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on-" + "x" * 16

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Where the app keeps files of its own: the SQLite database, uploaded attachments (outside the
# web root, served only through views that check permissions) and generated exports.
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var")))
PRIVATE_FILES_DIR = DATA_DIR / "private"

INSTALLED_APPS = [
    "filiere.accounts",
    "filiere.network",
    "filiere.audit",
    "filiere.nomenclature",
    "filiere.identity",
    "filiere.patients",
    "filiere.meetings",
    "filiere.followup",
    "filiere.transfusion",
    "filiere.research",
    "filiere.surveys",
    "filiere.directory",
    "filiere.education",
    "filiere.guidelines",
    "filiere.events",
    "filiere.core",
    "filiere.jobs",
    "filiere.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_htmx",
    "csp",
]

MIDDLEWARE = [
    "filiere.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "filiere.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "filiere.core.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "filiere.core.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "filiere.accounts.middleware.RequireSecondFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "filiere.core.access_errors.AccessDeniedAuditMiddleware",
    "filiere.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "filiere.urls"
WSGI_APPLICATION = "filiere.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "filiere" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "filiere.core.context_processors.filiere",
                "filiere.demo.context_processors.demo_accounts",
            ],
        },
    },
]

# One template draws every form and field (filiere/core/templates/core/forms/).
FORM_RENDERER = "filiere.core.forms.FormRenderer"

# --- Database ---------------------------------------------------------------------------------
# SQLite by default; PostgreSQL (production) with DATABASE_URL=postgres://user@host:5432/name.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'filiere.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# The audit trail's retention purge connects as its own role on PostgreSQL (see the README's
# Security section); in tests it mirrors the default connection.
AUDIT_PURGE_DATABASE_URL = env_str("AUDIT_PURGE_DATABASE_URL")
if AUDIT_PURGE_DATABASE_URL:
    DATABASES["audit_purge"] = dj_database_url.parse(AUDIT_PURGE_DATABASE_URL, conn_max_age=0)
    DATABASES["audit_purge"]["TEST"] = {"MIRROR": "default"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------
# Rate limits and one-time TOTP codes need a cache shared by every worker: Redis when REDIS_URL
# is set, else a table in the main database.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "filiere_cache",
        }
    }

# --- Background jobs ----------------------------------------------------------------------------
# Celery, with the Redis of the cache as its broker: `filiere worker` runs the jobs, `filiere
# scheduler` (Celery beat) sends the daily ones below. Without REDIS_URL (a developer's machine),
# or with JOBS_EAGER=1 (the tests), a job runs at once in the process that asks for it.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("JOBS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# Two instances sharing one Redis give each its own queue.
CELERY_TASK_DEFAULT_QUEUE = env_str("JOBS_QUEUE", "filiere")
# A message is acknowledged once its job is done: a worker killed mid-job (a restart, the OOM
# killer) leaves it to the next worker, so every job is written to be run twice safely. Redis
# hands an unacknowledged message out again after the visibility timeout: it must exceed the
# longest job (the nightly transfusion recompute), or a job still running would start twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Seconds; lowered only by the fault tests, which kill a worker and wait for the redelivery.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("JOBS_VISIBILITY_TIMEOUT", 6 * 3600),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# What a job did is logged (and, for a job started from a page, kept in its record), not stored
# in the broker.
CELERY_TASK_IGNORE_RESULT = True
# The worker keeps the JSON logs configured below instead of its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # After the night's donor imports and the 02:30 backup.
    "transfusion-recompute": {
        "task": "transfusion.recompute_instructions",
        "schedule": crontab(hour=3, minute=30),
    },
    # After the registry's changes of the day (visits, diagnoses, episodes), before the morning.
    "followup-refresh": {
        "task": "followup.refresh_schedules",
        "schedule": crontab(hour=4, minute=30),
    },
    # During office hours, when the requesting physician reads mail.
    "rcp-follow-up-reminders": {
        "task": "meetings.send_follow_up_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Jobs asked for while the broker was down leave once it is back.
    "jobs-resend-waiting": {
        "task": "jobs.resend_waiting",
        "schedule": crontab(minute="*/10"),
    },
    # E-mails: the next attempt after a relay failure, those recorded while the broker was
    # down, those a dead worker left « envoi en cours » (jobs/services.py, the outbox).
    "jobs-send-due-mail": {
        "task": "jobs.send_due_mail",
        "schedule": crontab(minute="*"),
    },
    # The diagnosis observatory's snapshots (network, each centre), after the registry's day.
    "observatory-warm": {
        "task": "patients.observatory_warm",
        "schedule": crontab(hour=5, minute=0),
    },
    # The files the jobs wrote (exports, reports, printed cards) are deleted once past their
    # retention (JOB_FILES_RETENTION_DAYS), before the 02:30 backup: it does not copy them again.
    "jobs-expire-files": {
        "task": "jobs.expire_files",
        "schedule": crontab(hour=1, minute=30),
    },
}
# The diagnosis observatory's figures are kept this long before being counted again (they take
# seconds on a national registry); the scheduler recomputes them every night.
OBSERVATORY_CACHE_MINUTES = env_int("OBSERVATORY_CACHE_MINUTES", 60)
# Days a job's files (a centre's export, an activity report, printed care cards) are kept
# after the job ends; then deleted, and the job's page says so (ask again for a new one).
JOB_FILES_RETENTION_DAYS = env_int("JOB_FILES_RETENTION_DAYS", 7)

# The load balancer's `/sante/` answers status only; this token unlocks the per-component detail.
HEALTH_TOKEN = env_str("HEALTH_TOKEN")
# Prometheus reads `/metriques/` with this token; empty: the page answers 404.
METRICS_TOKEN = env_str("METRICS_TOKEN")

# --- Accounts, passwords, sessions --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "filiere.accounts.backends.VerifiedEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# Sessions live in the database so that logout and account deactivation end them server-side.
SESSION_ENGINE = "filiere.core.sessions"
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 12))
SESSION_COOKIE_AGE = int(SESSION_IDLE_TIMEOUT.total_seconds())
SESSION_SAVE_EVERY_REQUEST = True
# An unchanged session is written back (its idle expiry pushed back) at most this often.
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
# Messages in the server-side session: they may name a patient's pseudonym, which the default
# cookie storage would carry to the browser.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

ACCOUNT_ADAPTER = "filiere.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# An address added on /accounts/email/ opens nothing until verified (accounts/backends.py, the
# reset form) and becomes the account's only then (accounts/views.py): so a user with a second
# factor may add one, which allauth refuses by default for fear of exactly that.
ACCOUNT_FORMS = {"reset_password": "filiere.accounts.forms.ResetPasswordForm"}
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Failed logins are counted twice over a window (accounts/adapter.py): per account, whatever the
# address, so guesses spread over many addresses are stopped; and per client address, with a
# higher bar, so that one person mistyping behind a hospital's shared address locks no one else.
# A locked account unlocks at the end of the window or by a password reset.
LOGIN_FAILURE_WINDOW = timedelta(minutes=env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15))
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 10)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 50)
_LOGIN_WINDOW_SECONDS = int(LOGIN_FAILURE_WINDOW.total_seconds())
ACCOUNT_RATE_LIMITS = {
    "login_failed": (
        f"{LOGIN_FAILURES_PER_ADDRESS}/{_LOGIN_WINDOW_SECONDS}s/ip,"
        f"{LOGIN_FAILURES_PER_ACCOUNT}/{_LOGIN_WINDOW_SECONDS}s/key"
    ),
    "reset_password": "5/m/ip,3/5m/key",
    "reauthenticate": "10/m/user",
}
MFA_ADAPTER = "filiere.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Filière MHEMO")
MFA_RECOVERY_CODE_COUNT = 10
# Keys encrypting the TOTP secrets and recovery-code seeds in the database (Fernet: 32 bytes in
# URL-safe base64). Comma-separated to rotate: the first encrypts, all decrypt. Required when
# DEBUG is off (check filiere.E002); a DEBUG instance derives one from SECRET_KEY.
MFA_ENCRYPTION_KEYS = env_list("MFA_ENCRYPTION_KEY", [])

# --- Pro Santé Connect (the national identity of health professionals, OpenID Connect) ----------
# Off unless the three variables are set: no button, no callback. A PSC login is accepted only at
# an accepted `acr` with an accepted `amr`, and only for an existing active account whose RPPS is
# the one PSC asserts (accounts/psc.py); it counts as the second factor.
PSC_DISCOVERY_URL = env_str("PSC_DISCOVERY_URL")
PSC_CLIENT_ID = env_str("PSC_CLIENT_ID")
PSC_CLIENT_SECRET = env_str("PSC_CLIENT_SECRET")
# "eidas1" is PSC's value for its eIDAS "substantiel" level (CPS card or e-CPS app), per its
# technical documentation (industriels.esante.gouv.fr, Pro Santé Connect, documentation
# technique); a setting, because PSC, not this application, defines the values.
PSC_ACCEPTED_ACR = env_list("PSC_ACCEPTED_ACR", ["eidas1"])
# RFC 8176 methods that prove a second factor (a device held): a PSC login whose `amr` names
# none of them (a password or a PIN alone) is refused.
PSC_ACCEPTED_AMR = env_list("PSC_ACCEPTED_AMR", ["mfa", "sc", "hwk", "swk", "otp", "pop"])
PSC_SCOPES = env_list("PSC_SCOPES", ["openid", "scope_all"])
# The login form posts to Filière, which redirects to PSC's authorization endpoint: the browser
# checks that redirect against the CSP's form-action, which must name PSC's login host.
PSC_AUTHORIZATION_ORIGIN = env_str("PSC_AUTHORIZATION_ORIGIN", origin_of(PSC_DISCOVERY_URL))
SOCIALACCOUNT_ADAPTER = "filiere.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = psc_providers(
    discovery_url=PSC_DISCOVERY_URL,
    client_id=PSC_CLIENT_ID,
    secret=PSC_CLIENT_SECRET,
    scopes=PSC_SCOPES,
    acr_values=PSC_ACCEPTED_ACR,
)

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "filiere" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
# Where `filiere collectstatic` gathers the static files, for the reverse proxy to serve.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "filiere" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# --- Uploads --------------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 20) * 1024 * 1024

# --- E-mail -------------------------------------------------------------------------------
# In production the SMTP relay is the secure health-messaging (MSSanté) gateway.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Filière MHEMO <ne-pas-repondre@filiere.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[Filière] "

# --- Security headers and cookies ------------------------------------------------------------
# HTTPS defaults to on outside DEBUG; a developer or a browser test on http://127.0.0.1 turns it
# off. The __Host- cookie prefixes need Secure cookies, so they follow the same switch.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
# Behind reverse proxies, how many of them append to X-Forwarded-For (1: a single nginx). The
# client address used by throttling, the audit trail and sessions is the entry that many places
# from the right (filiere/core/client_address.py); without a proxy it is the socket's address.
BEHIND_PROXY = env_bool("BEHIND_PROXY")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"] + ([PSC_AUTHORIZATION_ORIGIN] if SOCIALACCOUNT_PROVIDERS else []),
    }
}

# --- Logging ------------------------------------------------------------------------------
# Only to standard error, never by e-mail: Django's AdminEmailHandler would mail request data.
# Production writes one JSON object a line (core/logs.py: request id, user id, duration, never
# an identity trait); a developer reads plain text.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "filiere.core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Its 4xx warnings repeat the request line (filiere.request) with the raw path, which
        # may carry a secret (an invitation link's token); its errors keep their traceback.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- API ------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
API_TOKEN_LIFETIME = timedelta(days=env_int("API_TOKEN_DAYS", 30))

# --- Filière ----------------------------------------------------------------------------------
# The shared reference data (nomenclatures, HLA tables, SDM-MR kit), when present beside the
# repository. Nothing requires it: imports are pointed at files explicitly.
SHARED_DATA_DIR = Path(env_str("SHARED_DATA_DIR", str(BASE_DIR.parent / "shared" / "data")))
# Root OID of the national rare-disease identifier (IdMR), given by the BNDMR; without it the
# IdMR is not written into SDM-MR documents.
IDMR_OID = env_str("IDMR_OID")
# The URI of the registry's pseudonyms in FHIR exports (``Patient.identifier.system``).
FHIR_PSEUDONYM_SYSTEM = env_str("FHIR_PSEUDONYM_SYSTEM", "urn:filiere:pseudonyme")
# The admin is not at /admin/, where scanners look first.
ADMIN_URL = env_str("ADMIN_URL", "gestion/")
LOGIN_URL_PATH = "/accounts/login/"
# The index that decides whether a platelet transfusion was effective in a window: "cci" (the
# body-size-corrected index that defines refractoriness, Stanworth 2015), "rtp", "pi", or "all"
# (ineffective as soon as one index fails, the reading of the network's slides).
TRANSFUSION_VERDICT_RULE = env_str("TRANSFUSION_VERDICT_RULE", "cci")
if TRANSFUSION_VERDICT_RULE not in {"cci", "rtp", "pi", "all"}:
    raise ImproperlyConfigured(
        f"TRANSFUSION_VERDICT_RULE must be cci, rtp, pi or all, not {TRANSFUSION_VERDICT_RULE!r}"
    )
# Bw4/Bw6 are unacceptable at a threshold T when at least this share of the beads carrying the
# epitope (and at least 3) read ≥ T: 0.8, the 80 % positive-bead rule of deepMatchR's eplet calls
# (shared/reference/transfusion.md §2.4); 1 is the former "every bead" rule.
TRANSFUSION_EPITOPE_SHARE = float(env_str("TRANSFUSION_EPITOPE_SHARE", "0.8"))
if not 0 < TRANSFUSION_EPITOPE_SHARE <= 1:
    raise ImproperlyConfigured(
        f"TRANSFUSION_EPITOPE_SHARE must be in (0, 1], not {TRANSFUSION_EPITOPE_SHARE!r}"
    )
# The IPD-IMGT/HLA allele list (hla_nom.txt) against which typings, beads and donor files are
# checked; when the file is absent, only the allele groups of the shipped serology table are.
HLA_ALLELE_LIST = Path(
    env_str("HLA_ALLELE_LIST", str(SHARED_DATA_DIR / "hla" / "imgt-3.58.0" / "hla_nom.txt"))
)
