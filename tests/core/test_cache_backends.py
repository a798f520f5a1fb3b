"""core.cache_backends.RedisCache: one redis-py client per connection pool, not one per cache call."""

from __future__ import annotations

from core.cache_backends import RedisCache


def test_the_client_is_made_once_per_pool():
    backend = RedisCache("redis://127.0.0.1:6379/0", {})  # no connection is opened until a command is sent
    client = backend._cache.get_client(write=True)
    assert backend._cache.get_client(write=True) is client
    assert client.connection_pool is backend._cache._get_connection_pool(True)
