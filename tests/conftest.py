import io

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from news.models import Release


@pytest.fixture
def demo(db) -> Release:
    """The demo content (the June 20 release and what it names); returns the release."""
    call_command("load_demo", stdout=io.StringIO())
    return Release.objects.get()


def staff_member(user_model, username: str, group: str):
    """A staff user in one of the editorial groups that `migrate` creates."""
    user = user_model.objects.create_user(username, password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return staff_member(django_user_model, "editor", "Editors")


@pytest.fixture
def editor_client(editor) -> Client:
    """A browser signed in as the Editor, separate from the Publisher's and the visitor's."""
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def english():
    """Each test starts in English: a request to a /zh-hans/ page leaves Chinese active."""
    with translation.override("en"):
        yield


@pytest.fixture
def publisher(db, django_user_model):
    return staff_member(django_user_model, "publisher", "Publishers")


@pytest.fixture
def publisher_client(publisher) -> Client:
    client = Client()
    client.force_login(publisher)
    return client


@pytest.fixture
def visitor() -> Client:
    """A browser with nobody signed in, separate from the staff clients above."""
    return Client()


@pytest.fixture(autouse=True)
def rate_limits_out_of_the_way(settings):
    """Tests make many requests from one address: their limits are far above the defaults
    (tests/portal/test_ratelimits.py sets its own), and each test starts with none counted."""
    settings.RATELIMITS = dict.fromkeys(settings.RATELIMIT_DEFAULTS, "100000/m")
    cache.clear()
