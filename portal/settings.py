"""Settings for the city-centre portal, read from the environment (django-environ).

With nothing set the portal runs on SQLite with Celery tasks executed eagerly, so a newcomer needs no server.
Production sets DATABASE_URL (PostgreSQL), CELERY_BROKER_URL / REDIS_URL (Redis), SECRET_KEY and ALLOWED_HOSTS.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

COMMAND = sys.argv[1] if len(sys.argv) > 1 and Path(sys.argv[0]).name == "manage.py" else ""
TESTING = "pytest" in sys.modules or COMMAND == "test"
# Developer tools that never sign, encrypt or serve anything: they run on a fresh checkout with nothing set.
COMMANDS_WITHOUT_SECRETS = {"makemigrations", "showmigrations", "sqlmigrate", "makemessages", "spectacular"}
DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING or COMMAND in COMMANDS_WITHOUT_SECRETS):
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment outside DEBUG.")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] + (["testserver"] if TESTING else []))
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "auditlog",
    "import_export",
    "axes",
    "csp",
    # The layers, each importing only those above it in this list (tests/portal/test_layers.py checks it).
    "core",
    "centres",
    "loyalty",
    "gardens",
    "contests",
    "murals",
    "office",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Malformed input (NUL bytes, lone surrogates, integers beyond 64 bits, oversized bodies) is a 400 first.
    "core.middleware.BadInputMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, as django-axes asks: it answers a locked-out log-in attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Database: SQLite by default, PostgreSQL (psycopg 3) through DATABASE_URL -------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A hot hand-written statement (core.rows.prepared_cursor) is prepared on a connection after this many runs
    # there; empty turns it off (a transaction pooler that does not keep prepared statements). The ORM's queries
    # are never prepared (Django binds their parameters on the client).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = env.int(
        "DATABASE_PREPARE_THRESHOLD", default=5) if env.str("DATABASE_PREPARE_THRESHOLD", default="5") else None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "core.cache_backends.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Several web servers: sessions are read from the shared Redis and written through to the database (a Redis
# restart signs nobody out). Without Redis they stay in the database.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None) or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_IMPORTS = ("office.imports",)  # the office's import task (office/imports.py) is not in a tasks.py
CELERY_TIMEZONE = "Europe/Warsaw"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
}

# --- Auth ---------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "centres.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTHENTICATION_BACKENDS = [
    # First: refuses an attempt for an account from an address that has guessed too often (django-axes).
    "core.security.LoginGuardBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- E-mail: console in development, SMTP from EMAIL_URL in production --------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Portal Centrum Miasta <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Languages and time -------------------------------------------------------------------------------
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploads and generated files go through Django's storage API only. Several web servers share one object store:
# S3-compatible (django-storages) when STORAGE_URL=s3://<bucket>[?endpoint=https://host:port&region=...] or
# AWS_STORAGE_BUCKET_NAME is given (keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY); else the local folder.
STORAGE_URL = env.str("STORAGE_URL", default="")
_storage = urlsplit(STORAGE_URL) if STORAGE_URL else None
if _storage is not None and _storage.scheme != "s3":
    raise ImproperlyConfigured("STORAGE_URL must be s3://<bucket>[?endpoint=...&region=...].")
_storage_query = dict(parse_qsl(_storage.query)) if _storage is not None else {}
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default=_storage.netloc if _storage else "")
if AWS_STORAGE_BUCKET_NAME:
    DEFAULT_FILE_STORAGE_OPTIONS = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=_storage_query.get("endpoint", "")) or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default=_storage_query.get("region", "")) or None,
        "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
        "location": env.str("AWS_LOCATION", default=_storage_query.get("prefix", "")),
        "default_acl": None,  # the bucket stays private: files are read through the portal or signed URLs
        "querystring_auth": True,
        "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=3600),
        "file_overwrite": False,
    }
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": DEFAULT_FILE_STORAGE_OPTIONS}
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# Map tiles behind the Leaflet maps; empty means a plain background (tests, offline). Attribution is shown on the map.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="© OpenStreetMap contributors")
# Café-garden permits: the fee is due this many days after approval.
GARDEN_PAYMENT_DAYS = env.int("GARDEN_PAYMENT_DAYS", default=14)
# Images are opened and re-encoded; more pixels than this is refused before decoding (a pixel bomb).
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)

# --- Security (production; `manage.py check --deploy` runs in CI) -------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- API ----------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous request then gets 401 with WWW-Authenticate, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.PageNumberPagination",
    "PAGE_SIZE": 25,
    # DRF's anon, user and scoped throttles (same rates and meaning) in one Redis round trip: core.throttling.
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.RateThrottles"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/min"),
        "user": env.str("THROTTLE_USER", default="600/min"),
        # Card verification at the till: generous for a busy till, tight enough to stop guessing numbers.
        "verify": env.str("THROTTLE_VERIFY", default="60/min"),
        "vote": env.str("THROTTLE_VOTE", default="20/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "core.openapi.PortalAutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
DRF_STANDARDIZED_ERRORS = {"ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": False,
                           "EXCEPTION_HANDLER_CLASS": "core.api_errors.ServiceErrorHandler"}
SPECTACULAR_SETTINGS = {
    "TITLE": "City-centre portal API",
    "DESCRIPTION": "Moja Starówka loyalty card, café-garden permits, contests and murals of a city-centre office.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One tag per app, each with its line (core.openapi.PortalAutoSchema tags operations by path).
    "TAGS": [
        {"name": "auth", "description": "Log in for the API: exchange an e-mail and password for a token."},
        {"name": "centres", "description": "City centres, their zones, fee rates and registered businesses."},
        {"name": "loyalty", "description": "Moja Starówka: cards, partners' perks, verification at the till, figures."},
        {"name": "gardens", "description": "Café-garden permits: seasons, rules, fees, applications, inspections."},
        {"name": "contests", "description": "Contests: entries, jury scores, public voting rounds and results."},
        {"name": "murals", "description": "Murals: the register, walls and design calls, artists, the walking trail."},
        {"name": "open-data", "description": "Open data (CC BY 4.0): the map layers as GeoJSON and CSV, no log-in."},
    ],
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
        "ErrorCode401Enum": "drf_standardized_errors.openapi_serializers.ErrorCode401Enum.choices",
        "ErrorCode403Enum": "drf_standardized_errors.openapi_serializers.ErrorCode403Enum.choices",
        "ErrorCode404Enum": "drf_standardized_errors.openapi_serializers.ErrorCode404Enum.choices",
        "ErrorCode405Enum": "drf_standardized_errors.openapi_serializers.ErrorCode405Enum.choices",
        "ErrorCode406Enum": "drf_standardized_errors.openapi_serializers.ErrorCode406Enum.choices",
        "ErrorCode415Enum": "drf_standardized_errors.openapi_serializers.ErrorCode415Enum.choices",
        "ErrorCode429Enum": "drf_standardized_errors.openapi_serializers.ErrorCode429Enum.choices",
        "ErrorCode500Enum": "drf_standardized_errors.openapi_serializers.ErrorCode500Enum.choices",
        # Our own choice sets: one name each, so that fields named "kind" or "status" in different apps do not
        # collide in the schema.
        "ZoneKindEnum": "centres.models.Zone.Kind",
        "FeeRateUseEnum": "centres.models.FeeRate.Use",
        "BusinessCategoryEnum": "centres.models.Business.Category",
        "MembershipRoleEnum": "centres.models.BusinessMembership.Role",
        "ContestKindEnum": "contests.models.Contest.Kind",
        "RankingMethodEnum": "contests.models.Contest.RankingMethod",
        "PhaseKindEnum": "contests.models.Phase.Kind",
        "EntryStatusEnum": "contests.models.Entry.Status",
        "NominationRelationEnum": "contests.models.Nomination.Relation",
        "VotingEligibilityEnum": "contests.models.VotingRound.Eligibility",
        "GreeneryKindEnum": "gardens.models.GreeneryKind",
        "AestheticRuleCategoryEnum": "gardens.models.AestheticRule.Category",
        "AestheticRuleCheckEnum": "gardens.models.AestheticRule.Check",
        "GardenApplicationStatusEnum": "gardens.models.GardenApplication.Status",
        "AttachmentKindEnum": "gardens.models.Attachment.Kind",
        "CardStatusEnum": "loyalty.models.Card.Status",
        "PerkKindEnum": "loyalty.models.Perk.Kind",
        "CheckResultEnum": "loyalty.models.Check.Result",
        "CheckRefusalEnum": "loyalty.models.Check.Refusal",
        "MuralStatusEnum": "murals.models.Mural.Status",
    },
    "POSTPROCESSING_HOOKS": ["drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
                             "core.openapi.generic_validation_errors"],
}

# --- Logging ------------------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "level": LOG_LEVEL}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

AUDITLOG_INCLUDE_ALL_MODELS = False

# Periodic jobs (Celery beat). Each runs daily in Europe/Warsaw time; the tasks are idempotent.
CELERY_BEAT_SCHEDULE.update(
    {
        "loyalty-daily": {"task": "loyalty.tasks.daily", "schedule": crontab(hour=3, minute=0)},
        "gardens-daily": {"task": "gardens.tasks.daily", "schedule": crontab(hour=6, minute=30)},
        "contests-phases": {"task": "contests.tasks.sync_phases", "schedule": crontab(minute="*/15")},
    }
)

# --- Trust boundaries (issue 10): client address, log-in throttling, tokens, input limits, headers ----------
# How many reverse proxies in front of the portal append to X-Forwarded-For. 0: the address is REMOTE_ADDR and
# any X-Forwarded-For a client sends is ignored. Used by the API throttles (DRF's NUM_PROXIES), django-axes and
# the security log (core.net.client_ip).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES
# Expiring tokens, answered from the cache (one look-up, no query) and forgotten on any token, person or membership
# change; a cached identity lives at most API_TOKEN_CACHE_SECONDS (core.tokens).
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"][0] = "core.tokens.CachedTokenAuthentication"
API_TOKEN_CACHE_SECONDS = env.int("API_TOKEN_CACHE_SECONDS", default=300)
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "core.parsers.SafeJSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"][0] = "core.filters.SafeFilterBackend"
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"] = env.str("THROTTLE_LOGIN", default="30/min")
# API tokens expire this long after they were made; a password change or a log-out deletes them at once.
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=24 * 14)
# Request bodies other than file uploads, and the nesting of JSON documents.
MAX_JSON_BODY_BYTES = env.int("MAX_JSON_BODY_BYTES", default=1024 * 1024)
MAX_JSON_DEPTH = env.int("MAX_JSON_DEPTH", default=32)

# django-axes: ten wrong passwords for one account from one address lock that pair only (never the account from
# elsewhere, so an attacker cannot lock the real user out); the lock ends after the cool-off.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The first lock lasts AXES_COOLOFF_MINUTES; each further failure doubles it (core.security.login_cool_off).
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=5)
AXES_COOLOFF_TIME = "core.security.login_cool_off"
AXES_USE_ATTEMPT_EXPIRATION = True  # each pair's records expire on their own cool-off, not another request's
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_USERNAME_CALLABLE = "core.security.attempted_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Password reset: requests per address and per e-mail address in an hour, beyond which none is sent.
PASSWORD_RESET_LIMIT_PER_IP = env.int("PASSWORD_RESET_LIMIT_PER_IP", default=20)
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=5)
# The security log (core.security.SecurityEvent) keeps events this many days; a daily task deletes older ones.
SECURITY_LOG_RETENTION_DAYS = env.int("SECURITY_LOG_RETENTION_DAYS", default=365)
CELERY_BEAT_SCHEDULE["security-log-cleanup"] = {"task": "core.tasks.clean_security_log",
                                                "schedule": crontab(hour=4, minute=15)}

# Serve uploaded files from the portal itself (core.media: stored type, nosniff, downloads for non-images) when
# no web server serves MEDIA_ROOT; always on with DEBUG.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)

# Exports through django-import-export neutralise cells that a spreadsheet would read as a formula.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# Content-Security-Policy (django-csp): no inline script anywhere; styles may be inline (Leaflet, Swagger UI).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", "https://tile.openstreetmap.org", "https://*.tile.openstreetmap.org"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Permissions-Policy: no page may use the camera, microphone or position, except the till's camera (QR codes).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
PERMISSIONS_POLICY_CAMERA_PATHS = ["/moja-starowka/kasa/"]
