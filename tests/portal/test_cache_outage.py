"""A Redis that cannot be reached: the portal serves without it, and says so where asked."""

import logging
import socket
import time
import uuid

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError

from portal import cache as shared_cache

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every connection is refused at once.
UNREACHABLE = {
    "default": {
        "BACKEND": "portal.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}


def forget_outages():
    shared_cache.ResilientRedisCache.warned_at = 0.0
    shared_cache.ResilientRedisCache.down_until = 0.0
    shared_cache.ResilientRedisCache.was_down = False


@pytest.fixture(autouse=True)
def no_outage_before_or_after():
    forget_outages()
    yield
    forget_outages()


@pytest.fixture
def redis_down(settings):
    settings.CACHES = UNREACHABLE
    settings.PAGE_CACHE_SECONDS = 300


def test_pages_health_and_sign_in_are_served_while_redis_is_down(
    demo, editor, redis_down, client, caplog
):
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        assert client.get("/en/").status_code == 200
        assert client.get("/en/zones/dalian-puwan/").status_code == 200
        assert client.get("/en/search/", {"q": "沈阳"}).status_code == 200
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        client.force_login(editor)
        assert client.get("/admin/").status_code == 200

    assert ready.status_code == 503
    assert ready.json()["checks"]["cache"] != "ok"
    warnings = [r for r in caplog.records if r.name == "portal.cache"]
    assert len(warnings) == 1
    assert "The cache cannot be reached" in warnings[0].getMessage()


def test_the_cache_answers_as_an_empty_one(redis_down):
    assert cache.get("key", "default") == "default"
    assert cache.add("key", 1) is False
    assert cache.set("key", 1) is None
    assert cache.get_many(["key"]) == {}
    with pytest.raises(ValueError):
        cache.incr("key")


def test_a_redis_that_hangs_costs_one_timeout_and_is_then_left_alone_for_a_while(monkeypatch):
    """A Redis that takes connections and never answers (stopped, or overloaded): the first
    call waits its second, the next ones do not wait at all."""
    silent = socket.create_server(("127.0.0.1", 0))
    hanging = shared_cache.ResilientRedisCache(
        f"redis://127.0.0.1:{silent.getsockname()[1]}/0",
        {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
    )
    try:
        started = time.monotonic()
        assert [hanging.get("key", "default") for _ in range(5)] == ["default"] * 5
        waited = time.monotonic() - started
    finally:
        silent.close()
    assert 1 <= waited < 2.5


def test_when_redis_answers_again_the_pages_stored_before_the_outage_are_retired(monkeypatch):
    """A change made during the outage could not retire them."""
    stored = {}
    outage = True

    def get(self, key, default=None, version=None):
        if outage:
            raise RedisConnectionError("down")
        return stored.get(key, default)

    def set(self, key, value, timeout=None, version=None):
        stored[key] = value

    monkeypatch.setattr(RedisCache, "get", get)
    monkeypatch.setattr(RedisCache, "set", set)
    shared = shared_cache.ResilientRedisCache("redis://127.0.0.1:1/0", {})
    monkeypatch.setattr("portal.publishing.pagecache.cache", shared)
    stored["pagecache:version"] = "before"

    assert shared.get("pagecache:version") is None
    outage = False
    assert shared.get("pagecache:version") is None  # left alone for a while
    shared_cache.ResilientRedisCache.down_until = 0.0  # the while has passed

    # The first answer after the outage is taken as a miss: it may be what the outage left.
    assert shared.get("pagecache:version") is None

    assert stored["pagecache:version"] not in {"before", None}
    assert shared.get("pagecache:version") == stored["pagecache:version"]


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379")
def test_a_session_signed_out_while_redis_was_down_does_not_come_back(settings, client, editor):
    """A sign-out that could not reach Redis must not leave a copy of the session there, to
    sign the old cookie in again once Redis answers."""
    reachable = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/13",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        },
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.CACHES = reachable
    client.force_login(editor)
    signed_in = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/admin/").status_code == 200

    settings.CACHES = UNREACHABLE
    client.post("/admin/logout/")
    settings.CACHES = reachable
    forget_outages()
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in

    for _ in range(3):
        assert client.get("/admin/").status_code == 302
    cache.clear()
