"""How every bench starts Django: a throw-away var dir and SQLite file, or BENCH_DATABASE_URL (and, for the
benches that use a cache or rate limit, BENCH_REDIS_URL), then the migrations."""

from __future__ import annotations

import os


def configure(workdir: str, *, redis: bool = False, **env: str) -> None:
    """Point the settings at workdir and the bench's servers (env), set Django up and migrate.

    With redis=True the cache and rate limiter use BENCH_REDIS_URL when it is set; otherwise, and always
    for the benches that need neither, they stay on files under workdir."""
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CRATEDIGGER_VAR_DIR": workdir,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3"),
        "LOG_LEVEL": "ERROR",
        "ALLOWED_HOSTS": "testserver",
        **env,
    })
    if redis and os.environ.get("BENCH_REDIS_URL"):
        os.environ["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    else:
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
