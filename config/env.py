"""Read and check the settings that come from the environment.

Every setting Cratedigger reads is named here or in settings.py, and the README
lists them all. A malformed URL is reported with the variable's name and an
example of a good value, never as a traceback from inside a database driver.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}
REDIS_SCHEMES = {"redis", "rediss"}
BROKER_SCHEMES = REDIS_SCHEMES | {"filesystem", "amqp", "pyamqp", "memory"}


def mask_url(url: str) -> str:
    """Return the URL with any password replaced by '***', safe for logs and pages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def _scheme_of(name: str, url: str, allowed: set[str], example: str) -> str:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a non-numeric port
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} is not a valid URL ({exc}): {mask_url(url)!r}. Example: {example}"
        ) from None
    if parts.scheme not in allowed:
        raise ImproperlyConfigured(
            f"{name} has the scheme {parts.scheme or '(none)'!r}, which Cratedigger does not "
            f"support. Use one of {', '.join(sorted(allowed))}, for example {example}"
        )
    return parts.scheme


def database_config(url: str) -> dict:
    """Return Django's DATABASES entry for DATABASE_URL, or explain what is wrong with it."""
    example = "postgres://user:password@127.0.0.1:5432/cratedigger or sqlite:////abs/path/db.sqlite3"
    scheme = _scheme_of("DATABASE_URL", url, DATABASE_SCHEMES, example)
    if scheme != "sqlite" and not urlsplit(url).path.strip("/"):
        raise ImproperlyConfigured(
            f"DATABASE_URL names no database: {mask_url(url)!r}. Add the database name "
            f"after the host, for example {example}"
        )
    config = environ.Env.db_url_config(url)
    if scheme == "sqlite":
        # Three processes (web, worker, beat) share one file: WAL lets readers and
        # one writer work at once, and IMMEDIATE transactions avoid lock upgrades
        # that SQLite cannot wait for.
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        config.setdefault("OPTIONS", {})["connect_timeout"] = 5
        config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
    return config


def redis_url(name: str, url: str) -> str:
    """Return url after checking it is a redis:// or rediss:// URL."""
    _scheme_of(name, url, REDIS_SCHEMES, "redis://127.0.0.1:6379/0")
    return url


def broker_url(url: str) -> str:
    """Return the Celery broker URL after checking its scheme."""
    _scheme_of("CELERY_BROKER_URL", url, BROKER_SCHEMES, "redis://127.0.0.1:6379/0 or filesystem://")
    return url
