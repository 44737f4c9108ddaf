"""Ask several providers about several things at once: each provider in its own thread, within its own shared
rate limit, so the slowest never holds the others up; what the cache knows is answered first, with no thread
hand-off. The metadata fetch and the identification of tracklist lines both gather this way."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError
from redis.exceptions import RedisError

from providers.base import ProviderError, RateLimited
from providers.cache import NotCached, cache_only
from providers.client import Provider

logger = logging.getLogger(__name__)


@dataclass
class Gathered:
    """What the providers said about one thing, and the errors of those that failed."""

    results: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    complete: bool = False  # every provider answered (none was stopped or rate limited)
    asked: int = 0  # how many providers were asked
    answered_by: list[str] = field(default_factory=list)  # the providers that answered, in no set order


@dataclass
class GatherOutcome:
    by_key: dict[Hashable, Gathered]
    wait: RateLimited | None = None  # the first rate limit met: the job waits, then asks again
    interrupted: bool = False  # the run's soft time limit struck; the complete entries are still good


_pool: tuple[int, ThreadPoolExecutor] | None = None


def _provider_pool() -> ThreadPoolExecutor:
    """Return this process's pool of provider threads, kept so their connections (cache, HTTP) are reused."""
    global _pool
    if _pool is None or _pool[0] != os.getpid():  # a forked worker must not use its parent's threads
        _pool = (os.getpid(), ThreadPoolExecutor(max_workers=16, thread_name_prefix="provider"))
    return _pool[1]


def gather(
    *, keys: Sequence[Hashable], clients: Sequence[Provider], ask: Callable[[Provider, Any], list],
    should_stop: Callable[[], bool] = lambda: False,
) -> GatherOutcome:
    """Ask every client about every key with ask(client, key) -> [results]; one provider failing never stops
    the others. An entry is complete only when every client answered for it."""
    gathered = {key: Gathered() for key in keys}
    answered = dict.fromkeys(keys, 0)
    waits: list[RateLimited] = []
    abandoned = threading.Event()

    def ask_one(client: Provider, key) -> bool:
        """Ask client about key and note the answer; False when the client must not be asked further."""
        entry = gathered[key]
        try:
            entry.results.extend(ask(client, key))
        except RateLimited as exc:
            waits.append(exc)
            return False
        except ProviderError as exc:
            entry.errors.append(str(exc))
        except (SoftTimeLimitExceeded, NotCached, RedisError, DatabaseError):
            # The run hands itself back / the caller asks again over the network / our own cache
            # or database failed: that is no provider's fault, and the run is retried as a whole.
            raise
        except Exception as exc:  # noqa: BLE001 - a provider's bug fails that provider, not the job
            logger.exception("%s failed on %s", client.name, key)
            entry.errors.append(f"{client.name}: unexpected error: {exc.__class__.__name__}: {exc}")
        entry.answered_by.append(client.name)
        answered[key] += 1
        return True

    # First everything the cache can answer, here: no thread hand-offs for a repeat.
    misses: dict[str, list] = {}
    with cache_only():
        for client in clients:
            for key in keys:
                try:
                    ask_one(client, key)
                except NotCached:
                    misses.setdefault(client.name, []).append(key)

    def work(client: Provider) -> None:
        for key in misses[client.name]:
            if should_stop() or waits or abandoned.is_set():
                return
            if not ask_one(client, key):
                return

    need_network = [client for client in clients if client.name in misses]
    interrupted = False
    try:
        if len(need_network) == 1:
            work(need_network[0])
        elif need_network:
            futures = [_provider_pool().submit(work, client) for client in need_network]
            try:
                for future in futures:
                    future.result()
            finally:
                # Left early (a soft time limit): the threads stop before their next key.
                abandoned.set()
                for future in futures:
                    future.cancel()
    except SoftTimeLimitExceeded:
        interrupted = True
    for key, entry in gathered.items():
        entry.complete = answered[key] == len(clients)
        entry.asked = len(clients)
    return GatherOutcome(gathered, waits[0] if waits else None, interrupted)
