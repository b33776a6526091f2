"""/healthz and /readyz, as a load balancer sees them."""

import pytest
from django.core.cache import cache
from django.db import connections
from django.db.utils import OperationalError

from portal import health


def test_healthz_answers_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_readyz_answers_200_with_each_check_when_all_pass(client, db, media_root):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": {"ok": True},
            "cache": {"ok": True},
            "migrations": {"ok": True},
            "media": {"ok": True},
        },
    }
    assert "no-cache" in response["Cache-Control"]
    assert list(media_root.iterdir()) == []  # its test file is gone


def test_readyz_answers_503_when_the_database_is_down(client, db, media_root, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connections["default"], "cursor", refuse)
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}


def test_readyz_answers_503_when_the_cache_loses_what_it_was_given(
    client, db, media_root, monkeypatch
):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"ok": False, "error": "LookupError"}


def test_readyz_answers_503_while_a_migration_is_not_applied(client, db, media_root, monkeypatch):
    monkeypatch.setattr(health, "migrations_applied", False)
    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: [("a migration", False)]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "error": "LookupError"}


def test_readyz_answers_503_when_media_cannot_be_written(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "missing"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["media"] == {"ok": False, "error": "FileNotFoundError"}


def test_health_endpoints_answer_outside_the_language_prefix(client, db):
    assert client.get("/en/healthz").status_code == 404
