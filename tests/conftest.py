import io

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import translation

from news.models import Release
from portal.publishing import kept


@pytest.fixture(autouse=True, scope="session")
def plain_static_files():
    """Static files under their own names: the hashed names come from collectstatic, which
    the tests do not run (Django's advice for ManifestStaticFilesStorage)."""
    storages = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    with override_settings(STORAGES=storages):
        yield


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
def empty_cache(settings):
    """Each test starts with an empty cache, so with no request counted by a rate limit, and
    pages are rendered for every request (tests read the response's context).

    tests/portal/test_page_cache.py switches the page cache on, and tests/portal/test_ratelimits.py
    sets the limits it checks: elsewhere a test may ask as often as it needs. The template
    fragments are emptied too, as a test may change what they are made from (a setting), and
    so is what detail pages keep of the content (portal/publishing/kept.py): a test's changes
    are rolled back with the version of the content they made, and rows written without a
    signal (bulk_create) make none.
    """
    for each in caches.all():
        each.clear()
    kept.forget()
    settings.PAGE_CACHE_SECONDS = 0
    settings.RATELIMITS = dict.fromkeys(settings.RATELIMITS, "100000/m")


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
