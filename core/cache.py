"""Django's cache backends, without two costs that grow with use.

FileCache (the embedded default) does not slow down as it fills; RedisCache does
not build a new Redis client object for every call.
"""

from __future__ import annotations

import itertools

from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class FileCache(FileBasedCache):
    """A FileBasedCache that looks at its size every CULL_EVERY writes instead of on every one.

    Django's file cache lists the whole cache directory on each write to decide
    whether to cull, so each write costs more as the cache fills (10,000 fetched
    tracks ran at a third of the speed of 1,000). The size may now overshoot
    MAX_ENTRIES by at most CULL_EVERY entries per process before it is culled.
    """

    CULL_EVERY = 500

    def __init__(self, dir, params):  # noqa: A002 - Django's name for it
        super().__init__(dir, params)
        self._writes = itertools.count(1)

    def _cull(self):
        if next(self._writes) % self.CULL_EVERY == 0:
            super()._cull()


class _ReusedClient(RedisCacheClient):
    # Django builds a redis.Redis object (and its 169 response callbacks) on every
    # get and set, about 0.35 ms each: a fetch from cache makes nine per track. One
    # client per connection pool serves every call; redis-py clients are thread-safe
    # and their pools reconnect after a fork.
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(index))
        return client


class RedisCache(DjangoRedisCache):
    """Django's Redis cache, reusing one Redis client per connection pool."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClient
