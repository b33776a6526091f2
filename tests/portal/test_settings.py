import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
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


def test_the_deployment_checklist_passes_with_the_https_variables():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-with-variety-0123456789",
            "ALLOWED_HOSTS": "zones.example.org",
            "SECURE_SSL_REDIRECT": "true",
            "SECURE_COOKIES": "true",
            "SECURE_HSTS_SECONDS": "31536000",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
            "SECURE_HSTS_PRELOAD": "true",
        },
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
