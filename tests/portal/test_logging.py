"""Request ids and log lines as an operator reads them."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

from portal.logs import RequestIdFilter

# A key a site with DEBUG off accepts (see portal/settings.py).
A_STRONG_KEY = "a-long-random-production-secret-with-variety-0123456789"

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def log(caplog):
    """The records of a request as the site's handler sees them: with their request id."""
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.INFO)
    return caplog


def as_json(record: logging.LogRecord) -> dict:
    config = settings.LOGGING["formatters"]["json"]
    return json.loads(
        JsonFormatter(config["fmt"], rename_fields=config["rename_fields"]).format(record)
    )


def test_the_proxys_request_id_is_echoed_in_the_response(client, db):
    response = client.get("/healthz", headers={"x-request-id": "0123456789abcdef0123456789abcdef"})
    assert response["X-Request-ID"] == "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize("given", [None, "short", "no spaces or newlines\nallowed", "x" * 129])
def test_a_missing_or_malformed_request_id_is_replaced_by_a_new_one(client, db, given):
    headers = {"x-request-id": given} if given else {}
    response = client.get("/healthz", headers=headers)
    assert len(response["X-Request-ID"]) == 32
    assert response["X-Request-ID"] != given


def test_each_request_writes_one_json_access_line(client, db, log):
    response = client.get("/healthz")
    [record] = [r for r in log.records if r.name == "portal.access"]
    line = as_json(record)
    assert line.keys() >= {"time", "level", "logger", "message", "request_id"}
    assert line["level"] == "INFO"
    assert line["request_id"] == response["X-Request-ID"]
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["user_id"] is None


def test_the_access_line_names_the_staff_member(publisher_client, publisher, log):
    publisher_client.get("/admin/")
    [record] = [r for r in log.records if r.name == "portal.access"]
    assert as_json(record)["user_id"] == publisher.pk


def test_a_missing_page_is_logged_at_info_with_the_request_id(client, db, log):
    response = client.get("/en/no-such-page/")
    [record] = [r for r in log.records if r.name == "django.request"]
    assert record.levelname == "INFO"
    assert as_json(record)["request_id"] == response["X-Request-ID"]


def test_log_format_json_writes_json_lines_to_standard_output():
    env = {k: v for k, v in os.environ.items() if k != "LOG_FORMAT"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "import logging; logging.getLogger('axes').warning('locked out')",
        ],
        cwd=ROOT,
        env=env | {"LOG_FORMAT": "json", "SECRET_KEY": A_STRONG_KEY},
        capture_output=True,
        text=True,
        timeout=60,
    )
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line == line | {"level": "WARNING", "logger": "axes", "message": "locked out"}
    assert line["request_id"] == "-"
