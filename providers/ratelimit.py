"""Per-provider rate limits, and slots that one holder at a time may have, shared by every worker.

pyrate-limiter keeps the request log: in Redis when REDIS_URL is set (so every
process on every machine shares one budget), otherwise in a SQLite file under
var/ guarded by a file lock (every process on this machine).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from pyrate_limiter import Duration, Limiter, Rate, RedisBucket, SQLiteBucket

from common.processes import holder_is_dead, worker_identity
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


# --- Slots: one holder at a time, across every process and machine ------------------------------
#
# A slot is a key whose value names its holder and whose expiry is when the holder's claim lapses: in
# Redis when REDIS_URL is set, otherwise in a small file under VAR_DIR/slots (every process on this
# machine). Taking one never waits: a slot held by another comes back as the seconds until its claim
# lapses, for the caller to come back then (RateLimited), as a rate limit does.
#
# Who may hold one: a process (code holding it while it runs, e.g. around slskd's search POST), named
# by common.processes.worker_identity() with a lease of JOB_LEASE_SECONDS that it renews while it
# holds it; or a thing with its own end (a slskd search, until its deadline). A process that is dead on
# this machine loses its slot at once, by the rule the job engine uses for its runs
# (common.processes.holder_is_dead); one on another machine when its lease lapses.

# Seconds before someone kept out of a slot looks again, at most: a holder may let go before its claim lapses.
SLOT_RECHECK_SECONDS = 2.0


def slot_take(name: str, holder: str, seconds: float) -> float | None:
    """Take the slot `name` for holder for `seconds` and return None; the same holder takes it again and extends it.

    When someone else holds it, return the seconds until their claim lapses. A holder that is a dead
    process on this machine loses the slot to the taker at once.
    """
    return _slots().take(_slot_key(name), holder, max(0.05, float(seconds)))


def slot_extend(name: str, holder: str, seconds: float) -> bool:
    """Renew holder's claim on the slot for `seconds` from now; False when holder no longer has it."""
    return _slots().extend(_slot_key(name), holder, max(0.05, float(seconds)))


def slot_release(name: str, holder: str) -> bool:
    """Let go of the slot if holder has it; False when someone else has it (or nobody)."""
    return _slots().release(_slot_key(name), holder)


def slot_holder(name: str) -> tuple[str, float] | None:
    """Return who holds the slot and the seconds until their claim lapses, or None when it is free."""
    return _slots().holder(_slot_key(name))


def slot_lease_seconds() -> float:
    """How long a process's claim lasts without being renewed: the job engine's lease."""
    return float(settings.JOB_LEASE_SECONDS)


@contextlib.contextmanager
def concurrency_slot(provider: str, limit: int) -> Iterator[None]:
    """Hold one of `limit` slots for provider across processes while the block runs; never wait for one.

    Raise RateLimited, saying when to look again, when every slot is held. The slot names this process,
    thread and block; its lease (JOB_LEASE_SECONDS) is renewed while the block runs, so a process killed inside the
    block frees it at once on this machine and within the lease anywhere.
    """
    # This process and thread, and this block: a block nested in another of the same thread is refused, never
    # let in to give back the outer block's slot when it ends.
    holder = f"{worker_identity()}:{uuid.uuid4().hex[:8]}"
    lease = slot_lease_seconds()
    waits = []
    for index in range(limit):
        name = f"{provider}:{index}"
        wait = slot_take(name, holder, lease)
        if wait is None:
            keeper = _SlotKeeper(name, holder, lease)
            keeper.start()
            try:
                yield
            finally:
                keeper.end()
                slot_release(name, holder)
            return
        waits.append(wait)
    raise RateLimited(provider, "concurrency slot", retry_after=max(0.1, min(min(waits), SLOT_RECHECK_SECONDS)))


class _SlotKeeper(threading.Thread):
    """Renew a process's claim on a slot while it holds it."""

    def __init__(self, name: str, holder: str, lease: float):
        super().__init__(name=f"slot-{name}", daemon=True)
        self.slot, self.holder, self.lease = name, holder, lease
        self.finished = threading.Event()

    def run(self) -> None:
        while not self.finished.wait(max(0.2, min(5.0, self.lease / 4))):
            try:
                slot_extend(self.slot, self.holder, self.lease)
            except Exception:  # noqa: BLE001 - a missed renewal is retried; the lease allows a few
                continue

    def end(self) -> None:
        self.finished.set()
        self.join(timeout=5)


def _slot_key(name: str) -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', 'cratedigger')}:slots:{name}"


def _slots():
    if settings.REDIS_URL:
        return _RedisSlots(_redis(settings.REDIS_URL))
    return _FileSlots(Path(settings.VAR_DIR) / "slots")


_redis_clients: dict[tuple[int, str], Any] = {}


def _redis(url: str):
    import redis

    # One client per process: a forked worker must not reuse its parent's connections.
    key = (os.getpid(), url)
    if key not in _redis_clients:
        _redis_clients[key] = redis.Redis.from_url(url)
    return _redis_clients[key]


class _RedisSlots:
    # Compare-and-set in one step, so a holder never extends or frees a slot someone else has taken meanwhile.
    _EXTEND = (
        "if redis.call('get', KEYS[1]) == ARGV[1] then "
        "return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
    )
    _RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
    _REPLACE = (
        "if redis.call('get', KEYS[1]) == ARGV[1] then "
        "redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end return 0"
    )

    def __init__(self, client):
        self.client = client

    def take(self, key: str, holder: str, seconds: float) -> float | None:
        millis = max(1, int(seconds * 1000))
        for _ in range(5):
            if self.client.set(key, holder, nx=True, px=millis):
                return None
            current, left = self._get(key)
            if current is None:
                continue  # it lapsed between the two looks
            if current == holder:
                if self.client.eval(self._EXTEND, 1, key, holder, millis):
                    return None
                continue
            if holder_is_dead(current):
                if self.client.eval(self._REPLACE, 1, key, current, holder, millis):
                    return None
                continue
            return left
        return SLOT_RECHECK_SECONDS

    def extend(self, key: str, holder: str, seconds: float) -> bool:
        return bool(self.client.eval(self._EXTEND, 1, key, holder, max(1, int(seconds * 1000))))

    def release(self, key: str, holder: str) -> bool:
        return bool(self.client.eval(self._RELEASE, 1, key, holder))

    def holder(self, key: str) -> tuple[str, float] | None:
        current, left = self._get(key)
        return None if current is None else (current, left)

    def _get(self, key: str) -> tuple[str | None, float]:
        pipe = self.client.pipeline()
        pipe.get(key)
        pipe.pttl(key)
        value, ttl = pipe.execute()
        if value is None:
            return None, 0.0
        return value.decode(), max(0.05, ttl / 1000) if ttl and ttl > 0 else 0.05


class _FileSlots:
    """Slots as small JSON files ({holder, expires}) changed under a file lock: every process on this machine."""

    def __init__(self, directory: Path):
        self.directory = directory

    def take(self, key: str, holder: str, seconds: float) -> float | None:
        with self._locked(key) as (read, write):
            current, expires = read()
            now = time.time()
            if current is None or expires <= now or current == holder or holder_is_dead(current):
                write(holder, now + seconds)
                return None
            return max(0.05, expires - now)

    def extend(self, key: str, holder: str, seconds: float) -> bool:
        with self._locked(key) as (read, write):
            current, expires = read()
            if current != holder or expires <= time.time():
                return False
            write(holder, time.time() + seconds)
            return True

    def release(self, key: str, holder: str) -> bool:
        with self._locked(key) as (read, write):
            current, expires = read()
            if current != holder or expires <= time.time():
                return False
            write(None, 0.0)
            return True

    def holder(self, key: str) -> tuple[str, float] | None:
        with self._locked(key) as (read, _write):
            current, expires = read()
            left = expires - time.time()
            return (current, left) if current is not None and left > 0 else None

    @contextlib.contextmanager
    def _locked(self, key: str):
        from filelock import FileLock

        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / ("".join(char if char.isalnum() or char in "-_." else "_" for char in key) + ".json")

        def read() -> tuple[str | None, float]:
            try:
                data = json.loads(path.read_text())
                return data.get("holder"), float(data.get("expires") or 0)
            except (OSError, ValueError, AttributeError):
                return None, 0.0

        def write(holder: str | None, expires: float) -> None:
            if holder is None:
                path.unlink(missing_ok=True)
                return
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps({"holder": holder, "expires": expires}))
            os.replace(temporary, path)

        # An OS lock around each read-and-write: the kernel drops it if the process dies holding it.
        with FileLock(str(path.with_suffix(".lock"))):
            yield read, write
