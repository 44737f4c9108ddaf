"""Cache provider answers in Django's cache (Redis when configured).

Search keys are normalised so that "deadmau5 - strobe", "Strobe deadmau5" and
"DEADMAU5  strobe" share one entry: case, accents, punctuation, spacing and word
order are folded. Errors are never cached; empty answers are, for a shorter time.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")
_MISSING = object()
_EMPTY = "__cratedigger_empty__"
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_local = threading.local()


class NotCached(Exception):
    """Under cache_only(), the answer is not in the cache: it would take a request."""


@contextlib.contextmanager
def cache_only() -> Iterator[None]:
    """Within this block, answer from the cache only: a miss raises NotCached instead of asking the provider.

    Callers answer what they can this way in one thread, and send only the misses
    to threads that wait on the network.
    """
    _local.cache_only = True
    try:
        yield
    finally:
        _local.cache_only = False


def is_cache_only() -> bool:
    return getattr(_local, "cache_only", False)


def normalise_query(text: str) -> str:
    """Return text folded for use as a search cache key."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(sorted(_NON_WORD.sub(" ", plain).split()))


def cache_key(provider: str, kind: str, *parts: object) -> str:
    raw = "\x1f".join(str(part) for part in parts)
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"providers:{provider}:{kind}:{digest}"


def cached(
    provider: str,
    kind: str,
    parts: tuple,
    fetch: Callable[[], T],
    *,
    force_refresh: bool = False,
) -> T:
    """Return the cached answer for (provider, kind, parts), or fetch, store and return it.

    kind is one of PROVIDER_CACHE_TTL's keys. An empty answer (None, [] or {}) is
    kept for the "failed" time instead. force_refresh skips the lookup but stores
    the fresh answer.
    """
    key = cache_key(provider, kind, *parts)
    if not force_refresh:
        hit = cache.get(key, _MISSING)
        if hit is not _MISSING:
            return None if hit == _EMPTY else hit
    if is_cache_only():
        raise NotCached(key)
    value = fetch()
    ttls = settings.PROVIDER_CACHE_TTL
    if value is None or value == [] or value == {}:
        cache.set(key, _EMPTY if value is None else value, ttls["failed"])
    else:
        cache.set(key, value, ttls[kind])
    return value
