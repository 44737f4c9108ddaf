"""Django settings for Cratedigger.

Every value comes from the environment (see the README's Configuration table);
the defaults run the whole app on one machine with no server installed: SQLite
at var/db.sqlite3 and Celery's filesystem broker under var/.
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config import schema
from config.env import database_config

# Every setting from the environment, checked at once (config/schema.py): a bad
# value stops the process here with a message naming it, before anything runs.
CONF = schema.load(os.environ)
SECRET_SETTINGS = schema.SECRET_SETTINGS

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(CONF["CRATEDIGGER_VAR_DIR"])

VERSION = "0.1.0"
TESTING = "pytest" in sys.modules or os.environ.get("CRATEDIGGER_TESTING", "").lower() in schema.TRUE

# --- Security -----------------------------------------------------------------
DEVELOPMENT_SECRET_KEY = "django-insecure-cratedigger-development-key-do-not-use-in-production"
DEBUG = CONF["DEBUG"]
SECRET_KEY = CONF["SECRET_KEY"] or DEVELOPMENT_SECRET_KEY
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is the development default. Set SECRET_KEY to a long "
        "random string, for example the output of: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
ALLOWED_HOSTS = CONF["ALLOWED_HOSTS"]
CSRF_TRUSTED_ORIGINS = CONF["CSRF_TRUSTED_ORIGINS"]
# Served over HTTPS (directly, or behind a proxy that sets X-Forwarded-Proto): secure
# cookies, HSTS and a redirect of plain HTTP. `manage.py check --deploy` then passes.
HTTPS = CONF["CRATEDIGGER_HTTPS"]
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A pasted tracklist may be as large as an uploaded one (5 MB, library.tracklists.TRACKLIST_MAX_BYTES): the form,
# not Django's bare 400 page, says when a paste is too large; past this, the tracklist page still says so.
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# Repeated failed logins are throttled (django-axes): after AXES_FAILURE_LIMIT tries
# for one user name from one address, that pair waits AXES_COOLOFF_TIME.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_VERBOSE = False
# The admin is the whole app: logging in without a ?next= lands on its dashboard.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

# --- Applications ---------------------------------------------------------------
INSTALLED_APPS = [
    # The admin's theme (django-unfold) comes before the admin so that its templates win.
    "unfold.apps.BasicAppConfig",  # the plain app: our own site (core.admin) stays the default
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.import_export",
    "core.apps.CratediggerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_celery_results",
    "django_celery_beat",
    "import_export",
    "axes",
    "core.apps.CoreConfig",
    "providers",
    "tracks",
    "library",
    "wantlist",
    "audio",
    "downloads",
    "crates",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# The admin's theme: its sidebar is the admin's sections (core.admin.sidebar_navigation),
# its index the dashboard (core.dashboard). Everything it draws is served by the app: no CDN.
UNFOLD = {
    "SITE_TITLE": "Cratedigger",
    "SITE_HEADER": "Cratedigger",
    "SITE_SUBHEADER": "Your music library",
    "SITE_SYMBOL": "album",
    "SITE_FAVICONS": [{"rel": "icon", "type": "image/svg+xml", "href": lambda request: static_url("core/favicon.svg")}],
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "STYLES": [lambda request: static_url("core/cratedigger.css")],
    "SIDEBAR": {"show_search": True, "show_all_applications": False,
                "navigation": "core.admin.sidebar_navigation"},
    "COLORS": {"primary": {
        "50": "oklch(97.9% .021 166.113)", "100": "oklch(95% .052 163.051)", "200": "oklch(90.5% .093 164.15)",
        "300": "oklch(84.5% .143 164.978)", "400": "oklch(76.5% .177 163.223)", "500": "oklch(69.6% .17 162.48)",
        "600": "oklch(59.6% .145 163.225)", "700": "oklch(50.8% .118 165.612)", "800": "oklch(43.2% .095 166.913)",
        "900": "oklch(37.8% .077 168.94)", "950": "oklch(26.2% .051 172.552)",
    }},
}


def static_url(path: str) -> str:
    from django.templatetags.static import static

    return static(path)


# --- Database -------------------------------------------------------------------
DATABASES = {"default": database_config(CONF["DATABASE_URL"], conn_max_age=CONF["DATABASE_CONN_MAX_AGE"])}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not :memory:, so that a Celery worker started by a test sees the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and broker ----------------------------------------------------
REDIS_URL = CONF["REDIS_URL"]
# A test run keeps its cache keys and its queue apart from a developer's.
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX") or ("cratedigger-test" if TESTING else CONF["CACHE_KEY_PREFIX"])
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
else:
    # Shared by the web server and the workers, unlike the per-process LocMemCache.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FileCache",
            "LOCATION": str(VAR_DIR / ("cache-test" if TESTING else "cache")),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

# --- Celery ---------------------------------------------------------------------
CELERY_BROKER_URL = CONF["CELERY_BROKER_URL"]
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The filesystem transport needs no host; naming one spares kombu's "No hostname was supplied" warning.
    CELERY_BROKER_URL = "filesystem://localhost/"
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # Looked at five times a second: a message starts soon, and Ctrl-C stops the worker in about a second.
        "polling_interval": 0.2,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A task may run for up to CELERY_TASK_TIME_LIMIT; Redis redelivers an unacked
        # message after this many seconds, so it must be longer than any task.
        "visibility_timeout": CONF["CELERY_VISIBILITY_TIMEOUT"],
        "socket_connect_timeout": 3,
    }
CELERY_RESULT_BACKEND = "django-db"
CELERY_CACHE_BACKEND = "django-cache"
CELERY_RESULT_EXTENDED = True
CELERY_RESULT_EXPIRES = CONF["CELERY_RESULT_EXPIRES"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TRACK_STARTED = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = CONF["CELERY_TASK_SOFT_TIME_LIMIT"]
CELERY_TASK_TIME_LIMIT = CONF["CELERY_TASK_TIME_LIMIT"]
# A test run gets a queue of its own so it never takes a developer's jobs, nor they its.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE") or (
    f"cratedigger-test-{os.getpid()}" if TESTING else CONF["CELERY_TASK_DEFAULT_QUEUE"]
)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = CONF["TIME_ZONE"]
CELERY_BEAT_SCHEDULER = "core.scheduler:Scheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing from a web request must fail fast when the broker is down, so that the
# person gets a message in seconds rather than a hung page.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Periodic tasks installed by `manage.py install_schedules` (called by `make run`).
# They are created once; edits made in the admin (Periodic tasks) are kept.
# Retired ones (their task no longer exists) are deleted by the same command.
CRATEDIGGER_RETIRED_SCHEDULES = [
    "Resume fetch tasks whose worker died",
    # django-celery-beat's own entry for the results cleanup: it ran the cleanup a second time.
    "celery.backend_cleanup",
]
CRATEDIGGER_DEFAULT_SCHEDULES = {
    "Delete expired task results": {
        "task": "celery.backend_cleanup",
        "crontab": {"minute": "0", "hour": "4"},
    },
    "Store discovery statistics": {
        "task": "library.tasks.store_discovery_statistics",
        "crontab": {"minute": "15", "hour": "4"},
        "description": "Store the daily, weekly, monthly and all-time discovery statistics of today, "
        "and close yesterday's.",
    },
    "Refresh stale purchase links": {
        "task": "wantlist.tasks.refresh_stale_purchase_links",
        "crontab": {"minute": "45", "hour": "3"},
        "description": "Ask the stores again for wanted tracks whose links are older than PURCHASE_LINKS_STALE_HOURS.",
    },
    "Refresh stale track metadata": {
        "task": "tracks.tasks.fetch_all_tracks_metadata",
        "crontab": {"minute": "30", "hour": "3"},
        "description": "Fetch metadata for tracks with none, or older than METADATA_STALE_DAYS.",
    },
    "Delete expired API idempotency keys": {
        "task": "api.tasks.idempotency_keys_expire",
        "crontab": {"minute": "30", "hour": "4"},
        "description": "Forget the answers kept for Idempotency-Key headers older than API_IDEMPOTENCY_HOURS.",
    },
    "Download wanted tracks of priority 1": {
        "task": "downloads.tasks.download_wanted",
        "crontab": {"minute": "0", "hour": "5"},
        "kwargs": {"priority": 1, "quality": "best"},
        "enabled": False,
        "description": "Off until you turn it on: start downloads (best quality) of wanted tracks of priority 1 "
        "that have no file and no download under way.",
    },
}

# --- Providers (see the README and providers/) -------------------------------------
# Sent in every request's User-Agent; MusicBrainz asks for a way to reach the operator.
CRATEDIGGER_CONTACT = CONF["CRATEDIGGER_CONTACT"]
# The order providers are asked in, for metadata and search, and for downloads.
METADATA_PROVIDERS = CONF["METADATA_PROVIDERS"]
DOWNLOAD_PROVIDERS = CONF["DOWNLOAD_PROVIDERS"]

MUSICBRAINZ_URL = CONF["MUSICBRAINZ_URL"]
COVERART_URL = CONF["COVERART_URL"]
DISCOGS_API_URL = CONF["DISCOGS_API_URL"]
DISCOGS_TOKEN = CONF["DISCOGS_TOKEN"]
SPOTIFY_API_URL = CONF["SPOTIFY_API_URL"]
SPOTIFY_ACCOUNTS_URL = CONF["SPOTIFY_ACCOUNTS_URL"]
SPOTIFY_CLIENT_ID = CONF["SPOTIFY_CLIENT_ID"]
SPOTIFY_CLIENT_SECRET = CONF["SPOTIFY_CLIENT_SECRET"]
SOUNDCHARTS_API_URL = CONF["SOUNDCHARTS_API_URL"]
SOUNDCHARTS_APP_ID = CONF["SOUNDCHARTS_APP_ID"]
SOUNDCHARTS_API_KEY = CONF["SOUNDCHARTS_API_KEY"]
ITUNES_API_URL = CONF["ITUNES_API_URL"]
ITUNES_COUNTRY = CONF["ITUNES_COUNTRY"]
DEEZER_API_URL = CONF["DEEZER_API_URL"]
BEATPORT_API_URL = CONF["BEATPORT_API_URL"]
BEATPORT_TOKEN = CONF["BEATPORT_TOKEN"]
SLSKD_URL = CONF["SLSKD_URL"]
SLSKD_API_KEY = CONF["SLSKD_API_KEY"]
SLSKD_DOWNLOADS_DIR = CONF["SLSKD_DOWNLOADS_DIR"]
# Soulseek bans accounts that search too often: at most this many searches per window, one at a time.
SLSKD_SEARCHES_PER_WINDOW = CONF["SLSKD_SEARCHES_PER_WINDOW"]
SLSKD_SEARCH_WINDOW_SECONDS = CONF["SLSKD_SEARCH_WINDOW_SECONDS"]
SLSKD_SEARCH_TIMEOUT = CONF["SLSKD_SEARCH_TIMEOUT"]
# A transfer with no progress for this long is abandoned for the next candidate.
SLSKD_STALL_SECONDS = CONF["SLSKD_STALL_SECONDS"]
# yt-dlp keeps the original audio stream unless this names a format to convert to (with ffmpeg).
YTDLP_AUDIO_FORMAT = CONF["YTDLP_AUDIO_FORMAT"]
ACOUSTID_URL = CONF["ACOUSTID_URL"]
ACOUSTID_API_KEY = CONF["ACOUSTID_API_KEY"]

# --- Downloads, the music folder and tags --------------------------------------------
MUSIC_ROOT = CONF["MUSIC_ROOT"]
# Files that failed verification are kept here for inspection, never in the library.
DOWNLOAD_QUARANTINE_DIR = CONF["DOWNLOAD_QUARANTINE_DIR"]
# Where non-slskd sources (yt-dlp) download before verification and filing.
DOWNLOAD_WORK_DIR = CONF["DOWNLOAD_WORK_DIR"]
DOWNLOAD_PATH_TEMPLATE = CONF["DOWNLOAD_PATH_TEMPLATE"]
DOWNLOAD_MAX_CANDIDATES = CONF["DOWNLOAD_MAX_CANDIDATES"]
DOWNLOAD_MAX_RETRIES = CONF["DOWNLOAD_MAX_RETRIES"]
TAGS_ID3_VERSION = CONF["TAGS_ID3_VERSION"]
ARTWORK_MAX_PX = CONF["ARTWORK_MAX_PX"]
# Into and out of DJ software (crates/): MUSIC_ROOT as the DJ's computer sees it (exports write paths under it,
# Rekordbox imports read them back), the start-up disk Traktor names a path by, where "keep the best" puts the
# other copies of a duplicate (never deleted), and whether an edit of a track's title, artist or album moves its file.
DJ_MUSIC_ROOT = CONF["DJ_MUSIC_ROOT"]
TRAKTOR_VOLUME = CONF["TRAKTOR_VOLUME"]
DUPLICATES_DIR = CONF["DUPLICATES_DIR"]
MUSIC_RENAME_ON_EDIT = CONF["MUSIC_RENAME_ON_EDIT"]

# Requests allowed per provider, held across every process and machine sharing
# REDIS_URL (or every process on this machine without it): "<count>/<s|m|h>".
PROVIDER_RATE_LIMITS = {name: CONF[f"{name.upper()}_RATE_LIMIT"] for name in schema.DEFAULT_RATES}
SLSKD_MAX_CONCURRENT = CONF["SLSKD_MAX_CONCURRENT"]
# Waiting longer than this for the rate limiter raises RateLimited, so a task
# retries later instead of holding a worker.
PROVIDER_RATE_WAIT_MAX = CONF["PROVIDER_RATE_WAIT_MAX"]
PROVIDER_RETRIES = CONF["PROVIDER_RETRIES"]
# First backoff in seconds; it doubles per retry (1 s, 2 s, 4 s) up to 30 s.
PROVIDER_BACKOFF_SECONDS = CONF["PROVIDER_BACKOFF_SECONDS"]
PROVIDER_TIMEOUTS = {"search": 5, "metadata": 10, "download": 300}
# Seconds each kind of answer is cached; download URLs are never cached.
PROVIDER_CACHE_TTL = {
    "metadata": 24 * 3600,
    "search": 3600,
    "failed": 6 * 3600,
    "entity": 7 * 24 * 3600,
    "purchase_links": 2 * 3600,
}

# --- Catalogue -----------------------------------------------------------------------
# Metadata older than this many days is fetched again by the daily refresh.
METADATA_STALE_DAYS = CONF["METADATA_STALE_DAYS"]
# The want list holds at most this many entries; purchase links older than this are refreshed by beat.
WANTLIST_MAX = CONF["WANTLIST_MAX"]
PURCHASE_LINKS_STALE_HOURS = CONF["PURCHASE_LINKS_STALE_HOURS"]
# At most this many tracks per metadata fetch job; larger selections become several jobs.
BULK_CHUNK = CONF["BULK_CHUNK"]

# --- Jobs (core.jobs) ------------------------------------------------------------------
# A running job whose run has shown no sign of life for this long may be taken
# over by another worker. A live run beats every few seconds, also during one slow
# item; a dead process on the same machine is noticed at once, without the lease.
JOB_LEASE_SECONDS = CONF["JOB_LEASE_SECONDS"]
# Every worker sweeps for abandoned jobs when it starts and this often.
JOB_RESUME_INTERVAL = CONF["JOB_RESUME_INTERVAL"]
# Seconds a job may wait for providers' rate limits, with no item done, before it fails.
JOB_MAX_WAIT = CONF["JOB_MAX_WAIT"]
# Retries of a run that failed in the engine itself (the database went away), with backoff.
JOB_ERROR_RETRIES = CONF["JOB_ERROR_RETRIES"]

# --- The JSON API under /api/v1/ (api/) --------------------------------------------------
# Requests per user allowed through the API ("N/s", "N/m" or "N/h"); more are answered 429 with Retry-After.
API_THROTTLE_RATE = CONF["API_THROTTLE_RATE"]
# Rows on one page of a list unless ?page_size= asks for fewer (or more, up to API_PAGE_SIZE_MAX).
API_PAGE_SIZE = CONF["API_PAGE_SIZE"]
API_PAGE_SIZE_MAX = 1000
# How long the answer to a request with an Idempotency-Key is kept to answer its repeats.
API_IDEMPOTENCY_HOURS = CONF["API_IDEMPOTENCY_HOURS"]
REST_FRAMEWORK = {
    # Tokens (`manage.py api_token USERNAME`) for scripts; the session of a logged-in admin for the docs page.
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.TokenAuthentication",
                                       "rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ModelPermissions"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.UserThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser", "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # ?format= names an export's file format (csv, json, txt, xlsx), not a renderer.
    "URL_FORMAT_OVERRIDE": None,
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cratedigger API",
    "DESCRIPTION": (
        "Everything the admin does, over HTTP: the catalogue, discovery, the want list, downloads and jobs. "
        "Authenticate with `Authorization: Bearer <token>` (`python manage.py api_token USERNAME`). "
        "Every POST that starts work honours an `Idempotency-Key` header. Errors are JSON: "
        '`{"error": {"status", "code", "message", "fields"}}`.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs page draws with files the app serves itself (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": ["rest_framework.authentication.SessionAuthentication", "api.auth.TokenAuthentication"],
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "core.models.JobStatus", "WantStatusEnum": "wantlist.models.WantStatus",
        "LineStatusEnum": "library.models.DiscoveryStatus", "DownloadStateEnum": "downloads.models.DownloadState",
        "QualityEnum": "downloads.quality.Quality",
    },
    "DISABLE_ERRORS_AND_WARNINGS": False,
}

# --- Admin user created by `manage.py ensure_admin` -------------------------------
CRATEDIGGER_ADMIN_USERNAME = CONF["CRATEDIGGER_ADMIN_USERNAME"]
CRATEDIGGER_ADMIN_EMAIL = CONF["CRATEDIGGER_ADMIN_EMAIL"]

# --- Auth, i18n, static -----------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = CONF["TIME_ZONE"]
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
# `manage.py collectstatic` gathers them here; WhiteNoise serves them, compressed.
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"()": "common.redact.RedactingFormatter", "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": CONF["LOG_LEVEL"]},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # musicbrainzngs logs every XML element it does not know at INFO.
        "musicbrainzngs": {"level": "WARNING"},
    },
}
