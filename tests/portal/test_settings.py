import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from portal.settings import Env
from zones.models import Zone

# A key a site with DEBUG off accepts (see portal/settings.py).
A_STRONG_KEY = "a-long-random-production-secret-with-variety-0123456789"

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "CACHE_URL", "PAGE_CACHE_SECONDS"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | {"DJANGO_READ_DOT_ENV": "0"} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_start_up_without_a_secret_key_names_the_variable():
    result = manage("check", env={})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "x",
        "changeme-changeme-changeme",
        "x" * 60,
        "django-insecure-" + A_STRONG_KEY,
    ],
)
def test_a_site_with_debug_off_does_not_start_with_a_weak_secret_key(key):
    result = manage("check", env={"SECRET_KEY": key})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "too weak" in result.stderr


def test_a_development_site_starts_with_any_secret_key():
    result = manage("check", env={"SECRET_KEY": "x", "DEBUG": "true"})
    assert result.returncode == 0, result.stderr


def test_the_deployment_checklist_passes_with_the_https_variables():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "SECRET_KEY": A_STRONG_KEY,
            "ALLOWED_HOSTS": "zones.example.org",
            "SECURE_SSL_REDIRECT": "true",
            "SECURE_COOKIES": "true",
            "SECURE_HSTS_SECONDS": "31536000",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
            "SECURE_HSTS_PRELOAD": "true",
            "EMAIL_URL": "smtp+tls://portal:s3cret@mail.example.org:587",
        },
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_deployment_checklist_warns_of_e_mail_printed_to_the_log():
    result = manage(
        "check", "--deploy", env={"SECRET_KEY": A_STRONG_KEY, "EMAIL_URL": "consolemail://"}
    )
    assert "(portal.W002) E-mail is printed to standard output" in result.stderr
    assert "Set EMAIL_URL to the mail server" in result.stderr


def test_a_misspelt_boolean_stops_start_up_naming_the_variable():
    result = manage("check", env={"SECRET_KEY": A_STRONG_KEY, "DEBUG": "ture"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: The DEBUG environment variable is “ture”" in result.stderr
    assert "set it to true or false" in result.stderr


def test_an_unknown_log_level_stops_start_up_naming_the_variable():
    result = manage("check", env={"SECRET_KEY": A_STRONG_KEY, "LOG_LEVEL": "bogus"})
    assert result.returncode != 0
    assert "The LOG_LEVEL environment variable is “BOGUS”" in result.stderr


def test_a_number_with_a_unit_stops_start_up_naming_the_variable():
    result = manage("check", env={"SECRET_KEY": A_STRONG_KEY, "IMAGE_MAX_BYTES": "10MB"})
    assert result.returncode != 0
    assert "The IMAGE_MAX_BYTES environment variable is “10MB”" in result.stderr
    assert "set it to a whole number" in result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True), ("True", True), ("1", True), ("yes", True), ("ON", True), (" on ", True),
        ("false", False), ("FALSE", False), ("0", False), ("no", False), ("Off", False),
    ],
)  # fmt: skip
def test_a_boolean_is_read_in_any_of_its_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_SWITCH", value)
    assert Env().bool("SOME_SWITCH", default=not expected) is expected


@pytest.mark.parametrize("value", ["ture", "", "2", "y", "enabled", "true!"])
def test_any_other_word_for_a_boolean_is_refused(monkeypatch, value):
    monkeypatch.setenv("SOME_SWITCH", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_SWITCH"):
        Env().bool("SOME_SWITCH", default=False)


@pytest.mark.parametrize("value", ["10MB", "1e7", "", "3.5", "ten", "-5", "+5", "1_000", "１０"])
def test_a_number_that_is_not_whole_digits_is_refused(monkeypatch, value):
    monkeypatch.setenv("SOME_LIMIT", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_LIMIT"):
        Env().int("SOME_LIMIT", default=1)


def test_a_number_is_read_as_written(monkeypatch):
    monkeypatch.setenv("SOME_LIMIT", " 31536000 ")
    assert Env().int("SOME_LIMIT", default=0) == 31536000


def test_an_unset_variable_takes_its_default(monkeypatch):
    monkeypatch.delenv("SOME_SWITCH", raising=False)
    monkeypatch.delenv("SOME_LIMIT", raising=False)
    assert Env().bool("SOME_SWITCH", default=True) is True
    assert Env().int("SOME_LIMIT", default=200) == 200


def test_a_security_contact_that_is_not_an_address_stops_start_up_naming_the_variable():
    result = manage("check", env={"SECRET_KEY": A_STRONG_KEY, "SECURITY_CONTACT": "security@x.org"})
    assert result.returncode != 0
    assert "The SECURITY_CONTACT environment variable is “security@x.org”" in result.stderr


def test_log_format_takes_only_console_or_json():
    result = manage("check", env={"SECRET_KEY": A_STRONG_KEY, "LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "The LOG_FORMAT environment variable is “xml”" in result.stderr


def test_a_redis_cache_url_means_djangos_own_backend_kept_going_and_sessions_in_the_database():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)",
        env={"SECRET_KEY": A_STRONG_KEY, "CACHE_URL": "redis://127.0.0.1:6379/1"},
    )
    assert result.stdout.split()[-2:] == [
        "portal.cache.ResilientRedisCache",
        "django.contrib.sessions.backends.db",
    ]


def test_the_language_cookie_is_secure_like_the_session_cookie_and_sessions_last_a_day():
    show = (
        "from django.conf import settings as s; print(s.LANGUAGE_COOKIE_SECURE, "
        "s.SESSION_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE, s.SESSION_COOKIE_AGE)"
    )
    env = {"SECRET_KEY": A_STRONG_KEY}
    assert manage("shell", "--no-imports", "-c", show, env=env).stdout.split() == [
        "False",
        "False",
        "Lax",
        "28800",
    ]
    secure = env | {"SECURE_COOKIES": "true", "SESSION_COOKIE_AGE": "3600"}
    assert manage("shell", "--no-imports", "-c", show, env=secure).stdout.split() == [
        "True",
        "True",
        "Lax",
        "3600",
    ]


def test_postgresql_connections_prepare_the_statements_they_run_again_unless_told_not_to():
    show = (
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; "
        "print(o['server_side_binding'], o['prepare_threshold'])"
    )
    env = {"SECRET_KEY": A_STRONG_KEY, "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal"}
    assert manage("shell", "--no-imports", "-c", show, env=env).stdout.split() == ["True", "5"]
    behind_a_pooler = env | {"DATABASE_PREPARE_THRESHOLD": "0"}
    assert manage("shell", "--no-imports", "-c", show, env=behind_a_pooler).stdout.split() == [
        "True",
        "None",
    ]


@pytest.mark.django_db
def test_a_statement_run_more_than_five_times_is_prepared_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for _ in range(6):
        list(Zone.objects.published().filter(slug="prepared"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"zones_zone"."slug" = $' in statement for statement in prepared), prepared


@pytest.mark.parametrize(
    ("cache_url", "seconds"), [("locmemcache://", "0"), ("redis://127.0.0.1:6379/1", "300")]
)
def test_the_page_cache_is_on_by_default_only_with_a_cache_every_process_shares(cache_url, seconds):
    show = "from django.conf import settings; print(settings.PAGE_CACHE_SECONDS)"
    env = {"SECRET_KEY": A_STRONG_KEY, "CACHE_URL": cache_url}
    result = manage("shell", "-c", show, env=env)
    assert result.stdout.split()[-1] == seconds


@pytest.mark.parametrize(
    "variable, value, named",
    [
        ("DATABASE_URL", "postgres//portal:s3cret@db/portal", "not a database address"),
        ("DATABASE_URL", "garbage", "not a database address"),
        ("DATABASE_URL", "postgress://portal:s3cret@db/portal", "not a database address"),
        ("CACHE_URL", "redis//s3cret@cache", "not a cache address"),
        ("CACHE_URL", "memcache://s3cret@cache:11211", "a cache the portal does not run on"),
        ("CACHE_URL", "filecache:///tmp/s3cret", "a cache the portal does not run on"),
        ("EMAIL_URL", "smtps+tsl://portal:s3cret@mail", "not a mail server address"),
    ],
)
def test_an_address_that_is_not_one_stops_start_up_naming_the_variable_not_its_secret(
    variable, value, named
):
    result = manage("check", env={"SECRET_KEY": A_STRONG_KEY, variable: value})
    assert result.returncode != 0
    assert f"The {variable} environment variable is {named}" in result.stderr
    assert "s3cret" not in result.stderr


def test_serving_with_debug_off_and_no_allowed_hosts_stops_naming_the_variable():
    result = subprocess.run(
        [sys.executable, "-c", "import portal.wsgi"],
        cwd=ROOT,
        env=os.environ
        | {
            "DJANGO_READ_DOT_ENV": "0",
            "SECRET_KEY": A_STRONG_KEY,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "The ALLOWED_HOSTS environment variable is empty" in result.stderr


def test_a_database_setting_of_postgresql_is_checked_on_sqlite_too():
    env = {"SECRET_KEY": A_STRONG_KEY, "DATABASE_PREPARE_THRESHOLD": "x"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DATABASE_PREPARE_THRESHOLD" in result.stderr
