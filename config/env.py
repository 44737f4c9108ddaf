"""Helpers for the settings: URL schemes Cratedigger supports, password masking, the database entry.

The settings themselves are declared and checked in config/schema.py.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import environ

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


def database_config(url: str, *, conn_max_age: int = 60) -> dict:
    """Return Django's DATABASES entry for DATABASE_URL, or explain what is wrong with it."""
    scheme = urlsplit(url).scheme
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
        config["CONN_MAX_AGE"] = conn_max_age
        config["CONN_HEALTH_CHECKS"] = True
    return config
