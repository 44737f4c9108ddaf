"""Django settings for Cratedigger.

Every value comes from the environment (see the README's Configuration table);
the defaults run the whole app on one machine with no server installed: SQLite
at var/db.sqlite3 and Celery's filesystem broker under var/.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import broker_url, database_config, env, redis_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("CRATEDIGGER_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

VERSION = "0.1.0"
TESTING = "pytest" in sys.modules or env.bool("CRATEDIGGER_TESTING", default=False)

# --- Security -----------------------------------------------------------------
DEVELOPMENT_SECRET_KEY = "django-insecure-cratedigger-development-key-do-not-use-in-production"
DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="") or DEVELOPMENT_SECRET_KEY
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is the development default. Set SECRET_KEY to a long "
        "random string, for example the output of: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications ---------------------------------------------------------------
INSTALLED_APPS = [
    "core.apps.CratediggerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_celery_results",
    "django_celery_beat",
    "import_export",
    "core.apps.CoreConfig",
    "providers",
    "tracks",
    "library",
    "wantlist",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

# --- Database -------------------------------------------------------------------
DATABASES = {
    "default": database_config(
        env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not :memory:, so that a Celery worker started by a test sees the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and broker ----------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    redis_url("REDIS_URL", REDIS_URL)
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="cratedigger-test" if TESTING else "cratedigger"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
else:
    # Shared by the web server and the workers, unlike the per-process LocMemCache.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FileCache",
            "LOCATION": str(VAR_DIR / ("cache-test" if TESTING else "cache")),
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="cratedigger-test" if TESTING else "cratedigger"),
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

# --- Celery ---------------------------------------------------------------------
CELERY_BROKER_URL = broker_url(env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://"))
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A task may run for up to CELERY_TASK_TIME_LIMIT; Redis redelivers an unacked
        # message after this many seconds, so it must be longer than any task.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        "socket_connect_timeout": 3,
    }
CELERY_RESULT_BACKEND = "django-db"
CELERY_CACHE_BACKEND = "django-cache"
CELERY_RESULT_EXTENDED = True
CELERY_RESULT_EXPIRES = env.int("CELERY_RESULT_EXPIRES", default=7 * 24 * 3600)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TRACK_STARTED = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=30 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=CELERY_TASK_SOFT_TIME_LIMIT + 60)
# A test run gets a queue of its own so it never takes a developer's jobs, nor they its.
CELERY_TASK_DEFAULT_QUEUE = env.str(
    "CELERY_TASK_DEFAULT_QUEUE", default=f"cratedigger-test-{os.getpid()}" if TESTING else "cratedigger"
)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = env.str("TIME_ZONE", default="UTC")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
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
CRATEDIGGER_RETIRED_SCHEDULES = ["Resume fetch tasks whose worker died"]
CRATEDIGGER_DEFAULT_SCHEDULES = {
    "Delete expired task results": {
        "task": "celery.backend_cleanup",
        "crontab": {"minute": "0", "hour": "4"},
    },
    "Refresh stale track metadata": {
        "task": "tracks.tasks.fetch_all_tracks_metadata",
        "crontab": {"minute": "30", "hour": "3"},
        "description": "Fetch metadata for tracks with none, or older than METADATA_STALE_DAYS.",
    },
}

# --- Providers (see the README and providers/) -------------------------------------
# Sent in every request's User-Agent; MusicBrainz asks for a way to reach the operator.
CRATEDIGGER_CONTACT = env.str("CRATEDIGGER_CONTACT", default="https://github.com/cratedigger/cratedigger")
# The order providers are asked in, for metadata and search, and for downloads.
METADATA_PROVIDERS = env.list(
    "METADATA_PROVIDERS", default=["beatport", "discogs", "musicbrainz", "spotify", "soundcharts", "deezer", "itunes"]
)
DOWNLOAD_PROVIDERS = env.list("DOWNLOAD_PROVIDERS", default=["slskd"])

MUSICBRAINZ_URL = env.str("MUSICBRAINZ_URL", default="https://musicbrainz.org")
COVERART_URL = env.str("COVERART_URL", default="https://coverartarchive.org")
DISCOGS_API_URL = env.str("DISCOGS_API_URL", default="https://api.discogs.com")
DISCOGS_TOKEN = env.str("DISCOGS_TOKEN", default="")
SPOTIFY_API_URL = env.str("SPOTIFY_API_URL", default="https://api.spotify.com/v1")
SPOTIFY_ACCOUNTS_URL = env.str("SPOTIFY_ACCOUNTS_URL", default="https://accounts.spotify.com")
SPOTIFY_CLIENT_ID = env.str("SPOTIFY_CLIENT_ID", default="")
SPOTIFY_CLIENT_SECRET = env.str("SPOTIFY_CLIENT_SECRET", default="")
SOUNDCHARTS_API_URL = env.str("SOUNDCHARTS_API_URL", default="https://customer.api.soundcharts.com")
SOUNDCHARTS_APP_ID = env.str("SOUNDCHARTS_APP_ID", default="")
SOUNDCHARTS_API_KEY = env.str("SOUNDCHARTS_API_KEY", default="")
ITUNES_API_URL = env.str("ITUNES_API_URL", default="https://itunes.apple.com")
ITUNES_COUNTRY = env.str("ITUNES_COUNTRY", default="us")
DEEZER_API_URL = env.str("DEEZER_API_URL", default="https://api.deezer.com")
BEATPORT_API_URL = env.str("BEATPORT_API_URL", default="https://api.beatport.com/v4")
BEATPORT_TOKEN = env.str("BEATPORT_TOKEN", default="")
SLSKD_URL = env.str("SLSKD_URL", default="http://localhost:5030")
SLSKD_API_KEY = env.str("SLSKD_API_KEY", default="")
SLSKD_DOWNLOADS_DIR = env.str("SLSKD_DOWNLOADS_DIR", default="")

# Requests allowed per provider, held across every process and machine sharing
# REDIS_URL (or every process on this machine without it): "<count>/<s|m|h>".
PROVIDER_RATE_LIMITS = {
    "musicbrainz": env.str("MUSICBRAINZ_RATE_LIMIT", default="1/s"),
    "coverart": env.str("COVERART_RATE_LIMIT", default="1/s"),
    "discogs": env.str("DISCOGS_RATE_LIMIT", default="55/m"),
    "spotify": env.str("SPOTIFY_RATE_LIMIT", default="170/m"),
    "soundcharts": env.str("SOUNDCHARTS_RATE_LIMIT", default="100/m"),
    "deezer": env.str("DEEZER_RATE_LIMIT", default="50/m"),
    "beatport": env.str("BEATPORT_RATE_LIMIT", default="30/m"),
    "itunes": env.str("ITUNES_RATE_LIMIT", default="20/m"),
    "slskd": env.str("SLSKD_RATE_LIMIT", default="10/s"),
}
SLSKD_MAX_CONCURRENT = env.int("SLSKD_MAX_CONCURRENT", default=5)
# Waiting longer than this for the rate limiter raises RateLimited, so a task
# retries later instead of holding a worker.
PROVIDER_RATE_WAIT_MAX = env.float("PROVIDER_RATE_WAIT_MAX", default=30.0)
PROVIDER_RETRIES = env.int("PROVIDER_RETRIES", default=3)
# First backoff in seconds; it doubles per retry (1 s, 2 s, 4 s) up to 30 s.
PROVIDER_BACKOFF_SECONDS = env.float("PROVIDER_BACKOFF_SECONDS", default=1.0)
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
METADATA_STALE_DAYS = env.int("METADATA_STALE_DAYS", default=30)
# At most this many tracks per metadata fetch job; larger selections become several jobs.
BULK_CHUNK = env.int("BULK_CHUNK", default=100)

# --- Jobs (core.jobs) ------------------------------------------------------------------
# A running job whose run has shown no sign of life for this long may be taken
# over by another worker. A live run beats every few seconds, also during one slow
# item; a dead process on the same machine is noticed at once, without the lease.
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=60)
# Every worker sweeps for abandoned jobs when it starts and this often.
JOB_RESUME_INTERVAL = env.int("JOB_RESUME_INTERVAL", default=15)
# Seconds a job may wait for providers' rate limits, with no item done, before it fails.
JOB_MAX_WAIT = env.int("JOB_MAX_WAIT", default=6 * 3600)
# Retries of a run that failed in the engine itself (the database went away), with backoff.
JOB_ERROR_RETRIES = env.int("JOB_ERROR_RETRIES", default=5)

# --- Admin user created by `manage.py ensure_admin` -------------------------------
CRATEDIGGER_ADMIN_USERNAME = env.str("CRATEDIGGER_ADMIN_USERNAME", default="admin")
CRATEDIGGER_ADMIN_EMAIL = env.str("CRATEDIGGER_ADMIN_EMAIL", default="admin@localhost")

# --- Auth, i18n, static -----------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # musicbrainzngs logs every XML element it does not know at INFO.
        "musicbrainzngs": {"level": "WARNING"},
    },
}
