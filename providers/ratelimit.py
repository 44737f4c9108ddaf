"""Per-provider rate limits and concurrency slots shared by every worker.

pyrate-limiter keeps the request log: in Redis when REDIS_URL is set (so every
process on every machine shares one budget), otherwise in a SQLite file under
var/ guarded by a file lock (every process on this machine).
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from pyrate_limiter import Duration, Limiter, Rate, RedisBucket, SQLiteBucket

from providers.base import RateLimited

_UNITS = {"s": Duration.SECOND, "m": Duration.MINUTE, "h": Duration.HOUR}
_limiters: dict[tuple[int, str, str], Limiter] = {}


def parse_rate(text: str) -> Rate:
    """Return the Rate for "<count>/<s|m|h>", e.g. "55/m", as one request per even interval.

    "55/m" becomes one request every 1,091 ms rather than 55 at once then a wait
    for the window to slide: no burst reaches the provider, and no request waits
    longer than one interval for its turn (so a job is never put aside just
    because a window filled up).
    """
    try:
        count, unit = text.strip().split("/")
        count = int(count)
        period = int(_UNITS[unit.strip().lower()[0]])
        if count < 1:
            raise ValueError
    except (ValueError, KeyError, IndexError):
        raise ValueError(f"A rate limit looks like '1/s', '55/m' or '1000/h', not {text!r}") from None
    return Rate(1, max(1, math.ceil(period / count)))


def _bucket(provider: str, rate: Rate):
    key = f"{settings.CACHES['default'].get('KEY_PREFIX', 'cratedigger')}:ratelimit:{provider}"
    if settings.REDIS_URL:
        import redis

        return RedisBucket.init([rate], redis.Redis.from_url(settings.REDIS_URL), key)
    path = Path(settings.VAR_DIR) / "ratelimit.sqlite3"
    table = "rate_" + "".join(char if char.isalnum() else "_" for char in key)
    return SQLiteBucket.init_from_file([rate], table=table, db_path=str(path), use_file_lock=True)


def limiter_for(provider: str) -> Limiter | None:
    """Return this process's limiter for provider, or None when it has no limit."""
    spec = settings.PROVIDER_RATE_LIMITS.get(provider)
    if not spec:
        return None
    # One limiter per process: a forked worker must not reuse its parent's connections.
    cache_key = (os.getpid(), provider, spec)
    if cache_key not in _limiters:
        _limiters[cache_key] = Limiter(_bucket(provider, parse_rate(spec)), buffer_ms=20)
    return _limiters[cache_key]


def acquire(provider: str, endpoint: str) -> None:
    """Wait for the provider's rate limit, or raise RateLimited if that would take too long."""
    limiter = limiter_for(provider)
    if limiter is None:
        return
    wait_max = settings.PROVIDER_RATE_WAIT_MAX
    if not limiter.try_acquire(provider, blocking=True, timeout=wait_max):
        raise RateLimited(provider, endpoint, retry_after=wait_max)


def window_acquire(name: str, count: int, seconds: int, endpoint: str) -> None:
    """Take one of `count` turns allowed per `seconds` window for name, or raise RateLimited saying when.

    Unlike `acquire`, the turns may come in a burst; the window is what the other side counts
    (Soulseek bans an account that searches more than about 34 times in 220 s).
    """
    cache_key = (os.getpid(), f"window:{name}", f"{count}/{seconds}")
    if cache_key not in _limiters:
        # A bucket per budget: a changed setting starts a fresh window rather than misreading the old one.
        bucket = _bucket(f"{name}-window-{count}-per-{seconds}", Rate(count, seconds * 1000))
        _limiters[cache_key] = Limiter(bucket, buffer_ms=20)
    if not _limiters[cache_key].try_acquire(name, blocking=True, timeout=0.05):
        raise RateLimited(name, endpoint, retry_after=max(1.0, seconds / count))


@contextlib.contextmanager
def concurrency_slot(provider: str, limit: int, timeout: float = 60) -> Iterator[None]:
    """Hold one of `limit` slots for provider across processes, waiting up to timeout seconds."""
    prefix = f"{settings.CACHES['default'].get('KEY_PREFIX', 'cratedigger')}:slots:{provider}"
    deadline = time.monotonic() + timeout
    while True:
        for index in range(limit):
            lock = _slot_lock(f"{prefix}:{index}", timeout)
            if _try_acquire(lock):
                try:
                    yield
                finally:
                    lock.release()
                return
        if time.monotonic() > deadline:
            raise RateLimited(provider, "concurrency slot", retry_after=5)
        time.sleep(0.05)


def _slot_lock(name: str, timeout: float):
    if settings.REDIS_URL:
        import redis

        # The lock expires on its own if its holder dies without releasing it.
        return redis.Redis.from_url(settings.REDIS_URL).lock(name, timeout=max(timeout, 600))
    from filelock import FileLock

    directory = Path(settings.VAR_DIR) / "slots"
    directory.mkdir(parents=True, exist_ok=True)
    return FileLock(str(directory / (name.replace(":", "_") + ".lock")))


def _try_acquire(lock) -> bool:
    from filelock import Timeout

    try:
        return bool(lock.acquire(blocking=False))
    except Timeout:
        return False
