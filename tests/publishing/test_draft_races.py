"""Two people acting on one record's pending draft at the same moment take turns: the second is
told what the first did, and no save is lost or published twice.

Each test holds the first request inside its work, starts the second, and lets the first go on
after a second. PostgreSQL only: the test database on SQLite lives in memory, where a write
that meets another fails at once instead of waiting.
"""

import threading
from contextlib import contextmanager

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from portal.publishing import drafts
from portal.publishing.models import AuditEntry, PendingChange
from tests.adminforms import change_form_data
from tests.factories import EnterpriseFactory
from zones.models import Enterprise

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs waiting row locks"),
]


def admin_url(obj, view: str = "change") -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class Request(threading.Thread):
    """A POST sent from a thread of its own, with a database connection of its own."""

    def __init__(self, client: Client, url: str, data: dict):
        super().__init__()
        self.client, self.url, self.data = client, url, data
        self.response = None

    def run(self) -> None:
        close_old_connections()
        try:
            self.response = self.client.post(self.url, self.data)
        finally:
            connection.close()


@contextmanager
def held_inside(monkeypatch, name: str):
    """The first call of `drafts.<name>` waits until the block ends (at most ten seconds).
    Gives the event set when that call has started."""
    original = getattr(drafts, name)
    started, go = threading.Event(), threading.Event()

    def held(*args, **kwargs):
        if not started.is_set():
            started.set()
            go.wait(10)
        return original(*args, **kwargs)

    monkeypatch.setattr(drafts, name, held)
    try:
        yield started
    finally:
        go.set()


def race(monkeypatch, held: str, first: Request, second: Request) -> None:
    """`first` runs until it calls `drafts.<held>`; `second` is sent meanwhile."""
    with held_inside(monkeypatch, held) as started:
        first.start()
        assert started.wait(10)
        second.start()
        second.join(1)
    first.join(10)
    second.join(10)


def draft_data(client: Client, record) -> dict:
    pending = client.get(admin_url(record, "draft")).context["pending"]
    return {"action": "publish", "draft": pending.pk, "number": pending.number}


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory(name_en="Allychem Co., Ltd.", website="https://allychem.example")


def test_an_editors_save_while_the_draft_is_published_is_kept_or_refused_never_lost(
    monkeypatch, editor, publisher, enterprise
):
    editor_client, publisher_client = signed_in(editor), signed_in(publisher)
    url = admin_url(enterprise)
    data = change_form_data(editor_client.get(url))
    assert editor_client.post(url, data | {"website": "https://first.example"}).status_code == 302
    publish = Request(
        publisher_client, admin_url(enterprise, "draft"), draft_data(publisher_client, enterprise)
    )
    second_save = change_form_data(editor_client.get(url)) | {"summary_en": "A second change."}
    save = Request(editor_client, url, second_save)

    race(monkeypatch, "publish", publish, save)

    live = Enterprise.objects.get(pk=enterprise.pk)
    assert live.website == "https://first.example"
    pending = PendingChange.objects.for_record(live)
    kept = pending is not None and "A second change." in pending.snapshot
    refused = save.response.status_code == 200 and "A second change." in save.response.text
    assert kept or refused
    if refused:
        assert "was published or discarded meanwhile" in save.response.text


def test_two_editors_saving_one_record_at_once_the_second_is_told_of_the_first(
    monkeypatch, editor, django_user_model, enterprise
):
    other = django_user_model.objects.create_user("editor2", is_staff=True)
    other.groups.set(editor.groups.all())
    first_client, second_client = signed_in(editor), signed_in(other)
    url = admin_url(enterprise)
    first = Request(
        first_client,
        url,
        change_form_data(first_client.get(url)) | {"website": "https://first.example"},
    )
    second = Request(
        second_client, url, change_form_data(second_client.get(url)) | {"founded_year": "1999"}
    )

    race(monkeypatch, "keep", first, second)

    assert first.response.status_code == 302
    assert second.response.status_code == 200
    assert "1999" in second.response.text
    assert "https://first.example" in PendingChange.objects.for_record(enterprise).snapshot


def test_two_publishers_publishing_one_draft_at_once_publish_it_once(
    monkeypatch, editor, publisher, django_user_model, enterprise
):
    other = django_user_model.objects.create_user("publisher2", is_staff=True)
    other.groups.set(publisher.groups.all())
    editor_client = signed_in(editor)
    url = admin_url(enterprise)
    data = change_form_data(editor_client.get(url))
    assert editor_client.post(url, data | {"website": "https://first.example"}).status_code == 302
    first_client, second_client = signed_in(publisher), signed_in(other)
    draft_url = admin_url(enterprise, "draft")
    first = Request(first_client, draft_url, draft_data(first_client, enterprise))
    second = Request(second_client, draft_url, draft_data(second_client, enterprise))

    race(monkeypatch, "publish", first, second)

    assert AuditEntry.objects.filter(action=AuditEntry.Action.PUBLISH).count() == 1
    told = second_client.get(second.response["Location"]).text
    assert "This draft was published or discarded meanwhile." in told
