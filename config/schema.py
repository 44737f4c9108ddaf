"""Every setting Cratedigger reads from the environment, declared once and checked once, at start.

Each `Setting` names its type, default, range or format and whether it is a
secret. `load()` reads them all and, if any is wrong, raises ImproperlyConfigured
listing every wrong one with its name, its value (a secret as ***) and what is
allowed, before web, worker, beat or any command does anything. The README's
Configuration tables list the same settings.
"""

from __future__ import annotations

import re
import tempfile
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.env import BROKER_SCHEMES, DATABASE_SCHEMES, REDIS_SCHEMES, mask_url

RATE = re.compile(r"^\s*([1-9]\d{0,6})\s*/\s*([smh])\s*$", re.IGNORECASE)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
PROVIDER_NAMES = ("beatport", "discogs", "musicbrainz", "spotify", "soundcharts", "deezer", "itunes")
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str  # str, bool, int, float, list, url, rate, timezone, loglevel, dburl, redisurl, brokerurl
    default: Any = ""  # a value, or a callable taking the values read so far
    secret: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None  # for str and each item of a list


def _rate(name: str) -> Setting:
    return Setting(f"{name.upper()}_RATE_LIMIT", "rate", DEFAULT_RATES[name])


DEFAULT_RATES = {
    "musicbrainz": "1/s", "coverart": "1/s", "discogs": "55/m", "spotify": "170/m", "soundcharts": "100/m",
    "deezer": "50/m", "beatport": "30/m", "itunes": "20/m", "slskd": "10/s", "acoustid": "3/s",
}

SCHEMA: tuple[Setting, ...] = (
    # Where things live
    Setting("CRATEDIGGER_VAR_DIR", "str", lambda v: str(Path(__file__).resolve().parent.parent / "var")),
    Setting("DATABASE_URL", "dburl", lambda v: f"sqlite:///{Path(v['CRATEDIGGER_VAR_DIR']) / 'db.sqlite3'}"),
    Setting("DATABASE_CONN_MAX_AGE", "int", 60, minimum=0, maximum=86400),
    Setting("REDIS_URL", "redisurl", ""),
    Setting("CELERY_BROKER_URL", "brokerurl", lambda v: v["REDIS_URL"] or "filesystem://"),
    Setting("CELERY_TASK_DEFAULT_QUEUE", "str", "cratedigger"),
    Setting("CELERY_CONCURRENCY", "int", 2, minimum=1, maximum=256),
    Setting("CELERY_TASK_SOFT_TIME_LIMIT", "int", 1800, minimum=1, maximum=7 * 86400),
    Setting("CELERY_TASK_TIME_LIMIT", "int", lambda v: v["CELERY_TASK_SOFT_TIME_LIMIT"] + 60, minimum=2),
    Setting("CELERY_VISIBILITY_TIMEOUT", "int", 3600, minimum=60),
    Setting("CELERY_RESULT_EXPIRES", "int", 7 * 24 * 3600, minimum=60),
    Setting("CACHE_KEY_PREFIX", "str", "cratedigger"),
    # Security
    Setting("SECRET_KEY", "str", "", secret=True),
    Setting("DEBUG", "bool", True),
    Setting("ALLOWED_HOSTS", "list", ["localhost", "127.0.0.1", "[::1]"]),
    Setting("CSRF_TRUSTED_ORIGINS", "list", []),
    Setting("CRATEDIGGER_HTTPS", "bool", False),
    Setting("TIME_ZONE", "timezone", "UTC"),
    Setting("LOG_LEVEL", "loglevel", "INFO"),
    Setting("CRATEDIGGER_ADMIN_USERNAME", "str", "admin"),
    Setting("CRATEDIGGER_ADMIN_EMAIL", "str", "admin@localhost"),
    Setting("CRATEDIGGER_ADMIN_PASSWORD", "str", "", secret=True),
    # Providers
    Setting("CRATEDIGGER_CONTACT", "str", "https://github.com/cratedigger/cratedigger"),
    Setting("METADATA_PROVIDERS", "list", list(PROVIDER_NAMES), choices=PROVIDER_NAMES),
    Setting("DOWNLOAD_PROVIDERS", "list", ["slskd"], choices=("slskd", "ytdlp")),
    Setting("MUSICBRAINZ_URL", "url", "https://musicbrainz.org"),
    Setting("COVERART_URL", "url", "https://coverartarchive.org"),
    Setting("DISCOGS_API_URL", "url", "https://api.discogs.com"),
    Setting("DISCOGS_TOKEN", "str", "", secret=True),
    Setting("SPOTIFY_API_URL", "url", "https://api.spotify.com/v1"),
    Setting("SPOTIFY_ACCOUNTS_URL", "url", "https://accounts.spotify.com"),
    Setting("SPOTIFY_CLIENT_ID", "str", "", secret=True),
    Setting("SPOTIFY_CLIENT_SECRET", "str", "", secret=True),
    Setting("SOUNDCHARTS_API_URL", "url", "https://customer.api.soundcharts.com"),
    Setting("SOUNDCHARTS_APP_ID", "str", "", secret=True),
    Setting("SOUNDCHARTS_API_KEY", "str", "", secret=True),
    Setting("ITUNES_API_URL", "url", "https://itunes.apple.com"),
    Setting("ITUNES_COUNTRY", "str", "us"),
    Setting("DEEZER_API_URL", "url", "https://api.deezer.com"),
    Setting("BEATPORT_API_URL", "url", "https://api.beatport.com/v4"),
    Setting("BEATPORT_TOKEN", "str", "", secret=True),
    Setting("SLSKD_URL", "url", "http://localhost:5030"),
    Setting("SLSKD_API_KEY", "str", "", secret=True),
    Setting("SLSKD_DOWNLOADS_DIR", "str", ""),
    Setting("SLSKD_MAX_CONCURRENT", "int", 5, minimum=1, maximum=100),
    Setting("SLSKD_SEARCHES_PER_WINDOW", "int", 34, minimum=1, maximum=1000),
    Setting("SLSKD_SEARCH_WINDOW_SECONDS", "int", 220, minimum=1, maximum=86400),
    Setting("SLSKD_SEARCH_TIMEOUT", "float", 30.0, minimum=1, maximum=600),
    Setting("SLSKD_STALL_SECONDS", "int", 120, minimum=1, maximum=86400),
    Setting("YTDLP_AUDIO_FORMAT", "str", "", choices=("", "mp3", "m4a", "opus", "flac", "wav")),
    Setting("ACOUSTID_URL", "url", "https://api.acoustid.org"),
    Setting("ACOUSTID_API_KEY", "str", "", secret=True),
    *(_rate(name) for name in DEFAULT_RATES),
    Setting("PROVIDER_RATE_WAIT_MAX", "float", 30.0, minimum=0, maximum=3600),
    Setting("PROVIDER_RETRIES", "int", 3, minimum=0, maximum=10),
    Setting("PROVIDER_BACKOFF_SECONDS", "float", 1.0, minimum=0, maximum=60),
    # Catalogue and jobs
    Setting("METADATA_STALE_DAYS", "int", 30, minimum=1, maximum=36500),
    Setting("WANTLIST_MAX", "int", 10_000, minimum=1, maximum=10_000_000),
    Setting("PURCHASE_LINKS_STALE_HOURS", "int", 24, minimum=1, maximum=24 * 365),
    Setting("BULK_CHUNK", "int", 100, minimum=1, maximum=10000),
    Setting("JOB_LEASE_SECONDS", "int", 60, minimum=2, maximum=86400),
    Setting("JOB_RESUME_INTERVAL", "int", 15, minimum=1, maximum=3600),
    Setting("JOB_MAX_WAIT", "int", 6 * 3600, minimum=1, maximum=30 * 86400),
    Setting("JOB_ERROR_RETRIES", "int", 5, minimum=0, maximum=50),
    # Downloads, files and tags
    Setting("MUSIC_ROOT", "str", lambda v: str(Path(v["CRATEDIGGER_VAR_DIR"]) / "music")),
    Setting("DOWNLOAD_QUARANTINE_DIR", "str", lambda v: str(Path(v["CRATEDIGGER_VAR_DIR"]) / "quarantine")),
    Setting("DOWNLOAD_WORK_DIR", "str", lambda v: str(Path(v["CRATEDIGGER_VAR_DIR"]) / "downloads")),
    Setting("DOWNLOAD_PATH_TEMPLATE", "str", "{artist}/{album}/{artist} - {title}{ (version)}.{ext}"),
    Setting("DOWNLOAD_MAX_CANDIDATES", "int", 3, minimum=1, maximum=50),
    Setting("DOWNLOAD_MAX_RETRIES", "int", 8, minimum=0, maximum=100),
    Setting("TAGS_ID3_VERSION", "int", 4, minimum=3, maximum=4),
    Setting("ARTWORK_MAX_PX", "int", 1400, minimum=16, maximum=10000),
    # Into and out of DJ software (crates/)
    Setting("DJ_MUSIC_ROOT", "str", ""),
    Setting("TRAKTOR_VOLUME", "str", "Macintosh HD"),
    Setting("DUPLICATES_DIR", "str", lambda v: str(Path(v["CRATEDIGGER_VAR_DIR"]) / "duplicates")),
    Setting("MUSIC_RENAME_ON_EDIT", "bool", False),
    # The JSON API (api/)
    Setting("API_THROTTLE_RATE", "rate", "600/m"),
    Setting("API_PAGE_SIZE", "int", 50, minimum=1, maximum=1000),
    Setting("API_IDEMPOTENCY_HOURS", "int", 24, minimum=1, maximum=24 * 30),
)
SECRET_SETTINGS = tuple(setting.name for setting in SCHEMA if setting.secret)
URL_SETTINGS = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")


class _Invalid(Exception):
    def __init__(self, allowed: str):
        self.allowed = allowed


def shown(setting: Setting, raw: str) -> str:
    """Return a value as it may appear in a message: secrets as ***, passwords in URLs masked."""
    if setting.secret:
        return "***"
    if setting.kind in ("dburl", "redisurl", "brokerurl"):
        return mask_url(raw)
    return raw if len(raw) <= 80 else raw[:80] + "…"


def _url(raw: str, schemes: set[str], example: str, *, needs_host: bool) -> str:
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises ValueError on a non-numeric port
    except ValueError:
        raise _Invalid(f"a URL such as {example}") from None
    if parts.scheme not in schemes:
        raise _Invalid(f"a URL with the scheme {' or '.join(sorted(schemes))}, such as {example}")
    if needs_host and not parts.hostname:
        raise _Invalid(f"a URL with a host, such as {example}")
    return raw


def _number(setting: Setting, raw: str, cast: Callable[[str], float]) -> float:
    bounds = (
        f" between {setting.minimum:g} and {setting.maximum:g}" if setting.maximum is not None
        else f" of at least {setting.minimum:g}" if setting.minimum is not None else ""
    )
    allowed = f"{'a whole number' if cast is int else 'a number'}{bounds}"
    try:
        value = cast(raw.strip())
    except ValueError:
        raise _Invalid(allowed) from None
    if value != value or (setting.minimum is not None and value < setting.minimum) or (
        setting.maximum is not None and value > setting.maximum
    ):
        raise _Invalid(allowed)
    return value


def parse(setting: Setting, raw: str) -> Any:
    """Return the typed value of raw for setting, or raise _Invalid saying what is allowed."""
    if "\x00" in raw or any(ord(char) < 32 and char not in "\t" for char in raw):
        raise _Invalid("text without NUL or control characters")
    kind = setting.kind
    if kind == "str":
        if setting.choices and raw not in setting.choices:
            raise _Invalid(f"one of {', '.join(setting.choices)}")
        return raw
    if kind == "bool":
        text = raw.strip().lower()
        if text in TRUE or text in FALSE:
            return text in TRUE
        raise _Invalid("true or false (1/0, yes/no, on/off)")
    if kind == "int":
        return int(_number(setting, raw, int))
    if kind == "float":
        return float(_number(setting, raw, float))
    if kind == "list":
        items = [item.strip() for item in raw.split(",") if item.strip()]
        if setting.choices:
            unknown = [item for item in items if item not in setting.choices]
            if unknown:
                raise _Invalid(f"a comma-separated list of {', '.join(setting.choices)} "
                               f"(unknown: {', '.join(unknown)})")
            if len(set(items)) != len(items):
                raise _Invalid("a list naming each at most once")
        return items
    if kind == "url":
        return _url(raw.strip(), {"http", "https"}, "https://example.com", needs_host=True).rstrip("/")
    if kind == "rate":
        if not raw.strip():
            return ""  # no limit
        if not RATE.match(raw):
            raise _Invalid("requests per second, minute or hour, such as 1/s, 55/m or 1000/h, or empty for no limit")
        return raw.strip()
    if kind == "timezone":
        try:
            zoneinfo.ZoneInfo(raw)
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            raise _Invalid("a time zone name such as UTC or Europe/Berlin") from None
        return raw
    if kind == "loglevel":
        if raw.strip().upper() not in LOG_LEVELS:
            raise _Invalid(f"one of {', '.join(LOG_LEVELS)}")
        return raw.strip().upper()
    if kind == "dburl":
        example = "postgres://user:password@127.0.0.1:5432/cratedigger or sqlite:////abs/path/db.sqlite3"
        _url(raw, DATABASE_SCHEMES, example, needs_host=False)
        if urlsplit(raw).scheme != "sqlite" and not urlsplit(raw).path.strip("/"):
            raise _Invalid(f"a URL that names the database after the host, such as {example}")
        return raw
    if kind == "redisurl":
        return raw and _url(raw, REDIS_SCHEMES, "redis://127.0.0.1:6379/0", needs_host=True)
    if kind == "brokerurl":
        return _url(raw, BROKER_SCHEMES, "redis://127.0.0.1:6379/0 or filesystem://", needs_host=False)
    raise AssertionError(f"unknown kind {kind}")


def load(environ: Mapping[str, str]) -> dict[str, Any]:
    """Return every setting's value from environ; raise ImproperlyConfigured listing every wrong one."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for setting in SCHEMA:
        raw = environ.get(setting.name)
        if raw is None:
            default = setting.default(values) if callable(setting.default) else setting.default
            values[setting.name] = default
            continue
        try:
            values[setting.name] = parse(setting, raw)
        except _Invalid as exc:
            problems.append(f"{setting.name}={shown(setting, raw)!r} is not allowed: use {exc.allowed}.")
            values[setting.name] = setting.default(values) if callable(setting.default) else setting.default
    problems.extend(_cross_checks(values))
    if problems:
        raise ImproperlyConfigured("\n".join(problems))
    return values


def _cross_checks(values: dict[str, Any]) -> list[str]:
    problems = []
    soft, hard = values["CELERY_TASK_SOFT_TIME_LIMIT"], values["CELERY_TASK_TIME_LIMIT"]
    if hard <= soft:
        problems.append(
            f"CELERY_TASK_TIME_LIMIT={hard} must be above CELERY_TASK_SOFT_TIME_LIMIT={soft}: "
            "the soft limit lets a job hand itself back before it is killed."
        )
    if values["REDIS_URL"] and values["CELERY_VISIBILITY_TIMEOUT"] <= hard:
        problems.append(
            f"CELERY_VISIBILITY_TIMEOUT={values['CELERY_VISIBILITY_TIMEOUT']} must be above "
            f"CELERY_TASK_TIME_LIMIT={hard}: Redis would hand a running job to a second worker."
        )
    if values["JOB_RESUME_INTERVAL"] > values["JOB_LEASE_SECONDS"]:
        problems.append(
            f"JOB_RESUME_INTERVAL={values['JOB_RESUME_INTERVAL']} must not be above "
            f"JOB_LEASE_SECONDS={values['JOB_LEASE_SECONDS']}: abandoned jobs would wait longer than the lease."
        )
    var_dir = Path(values["CRATEDIGGER_VAR_DIR"])
    try:
        var_dir.mkdir(parents=True, exist_ok=True)
        # A file of this process's own: web, worker and beat start at once and check together.
        with tempfile.TemporaryFile(dir=var_dir) as probe:
            probe.write(b"ok")
    except OSError as exc:
        problems.append(
            f"CRATEDIGGER_VAR_DIR={str(var_dir)!r} cannot be written ({exc.strerror or exc}): "
            "point it at a folder this user may write, or fix its permissions."
        )
    return problems
