"""Django's Redis cache with one redis-py client per connection pool instead of one per call.

`django.core.cache.backends.redis.RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call;
its constructor (response callbacks, retry and option set-up) was 5-7 % of a till check's and of a vote's CPU
in the benchmark, which makes two or three cache calls per request. A `redis.Redis` is thread-safe and holds no
state but its pool, so one per pool is kept. Same configuration as Django's backend: `CACHES["default"]
["BACKEND"] = "core.cache_backends.RedisCache"`.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write: bool = False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client

    def decode(self, raw: bytes):
        """A value as stored by this cache, read by a script (core.throttling.read_and_count)."""
        return self._serializer.loads(raw)

    def encode(self, value):
        """A value as this cache stores it, written beside plain strings (core.throttling.set_many_with_plain)."""
        return self._serializer.dumps(value)


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
