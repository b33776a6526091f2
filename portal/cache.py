"""The shared cache (Redis), which an outage turns into a cache that keeps nothing rather than
into errors: pages are rendered (the page cache misses), rate limits let requests through
(RATELIMIT_FAIL_OPEN) and /readyz reports the cache as down. Every failure would otherwise be a
500 on every page, /healthz included. Sessions are not in it (settings.SESSION_ENGINE).

After a failure, Redis is left alone for RETRY_AFTER_SECONDS: a Redis that hangs, rather than
refusing connections, would otherwise cost every cache call its socket timeout, a second each
and several per page. When it answers again, the pages stored before the outage are retired: a
change made meanwhile could not retire them.
"""

import logging
import time
from functools import partial

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# One warning a minute per process is enough to be seen, and not a line per request.
WARN_EVERY_SECONDS = 60
RETRY_AFTER_SECONDS = 5


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache while Redis cannot be reached."""

    # Per process, for every cache and thread: an outage is the server's, not a connection's.
    warned_at = 0.0
    down_until = 0.0
    was_down = False

    def attempt(self, call, fallback):
        """`call()`, or `fallback` while Redis is down or if it fails now."""
        cls = ResilientRedisCache
        if time.monotonic() < cls.down_until:
            return fallback
        try:
            result = call()
        except RedisError as error:
            self.failed(error)
            return fallback
        if cls.was_down:
            # The first answer after an outage may be what the outage left stale (the content
            # version a change could not replace): taken as a miss, once the pages are retired.
            cls.was_down = False
            self.recovered()
            return fallback
        return result

    def failed(self, error: RedisError) -> None:
        cls = ResilientRedisCache
        now = time.monotonic()
        cls.down_until, cls.was_down = now + RETRY_AFTER_SECONDS, True
        if now - cls.warned_at >= WARN_EVERY_SECONDS:
            cls.warned_at = now
            logger.warning("The cache cannot be reached; serving without it: %r", error)

    def recovered(self) -> None:
        from portal.publishing import pagecache

        logger.warning("The cache answers again; the pages stored before the outage are retired")
        pagecache.new_version()

    def get(self, key, default=None, version=None):
        return self.attempt(partial(super().get, key, default, version), default)

    def get_many(self, keys, version=None):
        return self.attempt(partial(super().get_many, keys, version), {})

    def has_key(self, key, version=None):
        return self.attempt(partial(super().has_key, key, version), False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self.attempt(partial(super().add, key, value, timeout, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.attempt(partial(super().set, key, value, timeout, version), None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self.attempt(partial(super().set_many, data, timeout, version), list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self.attempt(partial(super().touch, key, timeout, version), False)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self.attempt(partial(super().incr, key, delta, version), missing)
        if value is missing:
            # As for a key that is not there, which is what callers already handle.
            raise ValueError(f"Key '{key}' not found")
        return value

    def delete(self, key, version=None):
        return self.attempt(partial(super().delete, key, version), False)

    def delete_many(self, keys, version=None):
        self.attempt(partial(super().delete_many, keys, version), None)

    def clear(self):
        return self.attempt(super().clear, False)
