"""A Redis that cannot be reached: the portal serves without it, and says so where asked."""

import logging

import pytest
from django.core.cache import cache

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


@pytest.fixture
def redis_down(settings):
    settings.CACHES = UNREACHABLE
    settings.PAGE_CACHE_SECONDS = 300
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    shared_cache.ResilientRedisCache.warned_at = 0.0


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
