"""Sign-in protection: a username from one address is locked out after repeated failures,
for a cool-off period, and a Publisher can unlock it; an Editor cannot."""

import datetime
import logging

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    """Each sign-in checks a password: the quick hasher keeps these many sign-ins fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def fail(client: Client, username: str):
    """Five wrong passwords: the first four are refused on the sign-in page, the fifth locks."""
    for _ in range(4):
        assert sign_in(client, username, "wrong").status_code == 200
    return sign_in(client, username, "wrong")


def test_five_wrong_passwords_lock_the_username_out(editor):
    locked = fail(Client(), "editor")
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    assert "try again in 15 minutes" in locked.content.decode()
    assert locked["Retry-After"] == "900"


def test_the_right_password_is_refused_during_the_lockout(editor):
    client = Client()
    fail(client, "editor")
    response = sign_in(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_is_in_chinese_for_a_chinese_browser(editor):
    locked = fail(Client(headers={"Accept-Language": "zh-CN"}), "editor")
    assert locked.status_code == 429
    assert "登录已锁定" in locked.content.decode()
    assert "请在 15 分钟后再试" in locked.content.decode()


def test_the_same_username_from_another_address_can_still_sign_in(editor):
    fail(Client(REMOTE_ADDR="192.0.2.1"), "editor")
    other = Client(REMOTE_ADDR="192.0.2.2")
    assert sign_in(other, "editor", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(editor):
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        fail(client, "editor")
        traveller.shift(datetime.timedelta(minutes=14))
        assert sign_in(client, "editor", PASSWORD).status_code == 429
        traveller.shift(datetime.timedelta(minutes=2))
        assert sign_in(client, "editor", PASSWORD).status_code == 302


def test_every_failure_and_the_lockout_are_logged_as_warnings(editor, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        fail(Client(), "editor")
    warnings = [
        r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "AXES" in r.msg
    ]
    assert sum("login failure by" in message for message in warnings) == 5
    assert any("Locking out" in message for message in warnings)
    assert all('username: "editor"' in message for message in warnings)


def locked_out(username: str) -> None:
    fail(Client(), username)
    assert AccessAttempt.objects.filter(username=username).exists()


def test_a_publisher_sees_and_unlocks_a_locked_out_user(editor, publisher_client):
    locked_out("editor")
    listing = publisher_client.get("/admin/axes/accessattempt/?locked_out=yes")
    assert listing.status_code == 200
    assert "editor" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="editor")
    response = publisher_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert sign_in(Client(), "editor", PASSWORD).status_code == 302


def test_an_editor_cannot_unlock(publisher, editor_client):
    locked_out("publisher")
    assert editor_client.get("/admin/axes/accessattempt/").status_code == 403
    attempt = AccessAttempt.objects.get(username="publisher")
    editor_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert AccessAttempt.objects.filter(username="publisher").exists()
    assert sign_in(Client(), "publisher", PASSWORD).status_code == 429
