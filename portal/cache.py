"""The shared cache (Redis), which an outage turns into a cache that keeps nothing rather than
into errors: pages are rendered (the page cache misses), sessions are read from the database
(`cached_db`), rate limits let requests through (RATELIMIT_FAIL_OPEN) and /readyz reports the
cache as down. Every failure would otherwise be a 500 on every page, /healthz included.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# One warning a minute per process is enough to be seen, and not a line per request.
WARN_EVERY_SECONDS = 60


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache while Redis cannot be reached."""

    warned_at = 0.0

    def failed(self, error: RedisError) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache.warned_at >= WARN_EVERY_SECONDS:
            ResilientRedisCache.warned_at = now
            logger.warning("The cache cannot be reached; serving without it: %r", error)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            self.failed(error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            self.failed(error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as error:
            self.failed(error)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            self.failed(error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            self.failed(error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as error:
            self.failed(error)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as error:
            self.failed(error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self.failed(error)
            # As for a key that is not there, which is what callers already handle.
            raise ValueError(f"Key '{key}' not found") from error

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            self.failed(error)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except RedisError as error:
            self.failed(error)

    def clear(self):
        try:
            return super().clear()
        except RedisError as error:
            self.failed(error)
            return False
