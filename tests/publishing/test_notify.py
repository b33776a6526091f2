"""The e-mail that tells editors where their work stands reaches each of them in the language
they work in, in the admin, whatever the language of whoever acted."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.publishing.models import StaffLanguage
from tests.adminforms import change_form_data, draft_action
from tests.factories import IndicatorFactory, ReleaseFactory, ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_release(db):
    release = ReleaseFactory(
        title_en="Four zones report growth", title_zh_hans="四个开发区报告增长"
    )
    IndicatorFactory(release=release, zone=ZoneFactory(), value=Decimal("5"))
    return release


@pytest.fixture(autouse=True)
def addresses(editor, publisher):
    editor.email, publisher.email = "editor@example.org", "publisher@example.org"
    editor.save()
    publisher.save()


def choose_language(client: Client, language: str) -> None:
    """What the language button beside the admin's user links sends."""
    index = reverse("admin:index")
    client.post("/i18n/setlang/", {"language": language, "next": index})
    assert f'lang="{language}"' in client.get(index).text


def draft_of(client: Client, release) -> None:
    url = reverse("admin:news_release_change", args=[release.pk])
    data = change_form_data(client.get(url)) | {"body_en": "<p>A new body.</p>"}
    assert client.post(url, data).status_code == 302


def test_an_editor_working_in_chinese_reads_in_chinese_that_an_english_publisher_sent_back(
    editor_client, publisher_client, live_release, django_capture_on_commit_callbacks
):
    choose_language(editor_client, "zh-hans")
    choose_language(publisher_client, "en")
    draft_of(editor_client, live_release)
    draft_action(editor_client, live_release, "submit")

    with django_capture_on_commit_callbacks(execute=True):
        draft_action(publisher_client, live_release, "send_back", comment="Check the figure.")

    message = mail.outbox[-1]
    assert message.to == ["editor@example.org"]
    assert message.subject == "已退回：四个开发区报告增长"
    assert message.body.startswith("publisher退回了您对“四个开发区报告增长”的修改：")
    assert "Check the figure." in message.body


def test_an_english_publisher_reads_in_english_what_a_chinese_editor_submitted(
    editor_client, publisher_client, live_release, django_capture_on_commit_callbacks
):
    choose_language(editor_client, "zh-hans")
    choose_language(publisher_client, "en")
    draft_of(editor_client, live_release)

    with django_capture_on_commit_callbacks(execute=True):
        draft_action(editor_client, live_release, "submit")

    message = mail.outbox[-1]
    assert message.to == ["publisher@example.org"]
    assert message.subject == "For review: Four zones report growth"
    assert message.body.startswith(
        "editor submitted a change to “Four zones report growth” for review:"
    )


def test_an_editor_who_never_chose_a_language_reads_the_portals_default(
    editor_client, publisher_client, live_release, django_capture_on_commit_callbacks
):
    choose_language(publisher_client, "zh-hans")
    draft_of(editor_client, live_release)
    draft_action(editor_client, live_release, "submit")

    with django_capture_on_commit_callbacks(execute=True):
        draft_action(publisher_client, live_release, "send_back", comment="Check the figure.")

    assert mail.outbox[-1].subject == "Sent back: Four zones report growth"


def test_signing_in_remembers_the_language_the_admin_is_shown_in(
    editor, publisher_client, live_release, django_capture_on_commit_callbacks
):
    editor.set_password("a-long-test-password")
    editor.save()
    browser = Client(headers={"accept-language": "zh-hans"})
    signed_in = browser.post(
        reverse("admin:login"),
        {"username": "editor", "password": "a-long-test-password"},
        follow=True,
    )
    assert 'lang="zh-hans"' in signed_in.text
    draft_of(browser, live_release)
    draft_action(browser, live_release, "submit")

    with django_capture_on_commit_callbacks(execute=True):
        draft_action(publisher_client, live_release, "send_back", comment="Check the figure.")

    assert mail.outbox[-1].subject == "已退回：四个开发区报告增长"


def test_a_visitor_choosing_a_language_leaves_no_trace(visitor):
    response = visitor.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert not StaffLanguage.objects.exists()


def test_telling_more_publishers_takes_no_more_queries(
    django_user_model, editor_client, live_release, django_capture_on_commit_callbacks
):
    draft_of(editor_client, live_release)
    draft_action(editor_client, live_release, "submit")

    def queries_to_submit_again() -> int:
        pending = editor_client.get(reverse("admin:news_release_draft", args=[live_release.pk]))
        with CaptureQueriesContext(connection) as queries:
            editor_client.post(
                pending.request["PATH_INFO"],
                {
                    "action": "submit",
                    "draft": pending.context["pending"].pk,
                    "number": pending.context["pending"].number,
                },
            )
        return len(queries)

    one_publisher = queries_to_submit_again()
    publishers = Group.objects.get(name="Publishers")
    for number, language in enumerate(["en", "zh-hans", "zh-hans"]):
        user = django_user_model.objects.create_user(
            f"publisher{number}", f"publisher{number}@example.org", is_staff=True
        )
        user.groups.add(publishers)
        StaffLanguage.objects.create(user=user, language=language)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert queries_to_submit_again() == one_publisher
    assert {message.to[0]: message.subject for message in mail.outbox} == {
        "publisher0@example.org": "For review: Four zones report growth",
        "publisher1@example.org": "待审核：四个开发区报告增长",
        "publisher2@example.org": "待审核：四个开发区报告增长",
        "publisher@example.org": "For review: Four zones report growth",
    }
