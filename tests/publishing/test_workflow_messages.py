"""After a status change, the admin says what happened, not that something "was changed"."""

import datetime
import re

import pytest
import time_machine
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from news.models import Release
from portal.publishing.models import Status
from tests.adminforms import change_form_data
from tests.factories import EnterpriseFactory, EventFactory, ReleaseFactory, ZoneFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:news_release_changelist")
# 1 June 2024, 10:00 in Shanghai.
JUNE_1 = datetime.datetime(2024, 6, 1, 2, 0, tzinfo=datetime.UTC)


def change_url(release) -> str:
    return reverse("admin:news_release_change", args=[release.pk])


def said(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def save(client, release, **changes) -> list[str]:
    data = change_form_data(client.get(change_url(release))) | changes
    response = client.post(change_url(release), data, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    return said(response)


def run_action(client, action: str, *releases) -> list[str]:
    response = client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [release.pk for release in releases]},
        follow=True,
    )
    return said(response)


def test_submitting_through_the_form_says_submitted_for_review(editor_client):
    release = ReleaseFactory(status=Status.DRAFT, published_at=None, title_en="June figures")
    assert save(editor_client, release, status="review") == [
        "Submitted for review: “June figures” waits for a Publisher."
    ]


def test_publishing_through_the_form_says_published(publisher_client):
    release = ReleaseFactory(status=Status.REVIEW, published_at=None, title_en="June figures")
    assert save(publisher_client, release, status="published") == [
        "Published: visitors now see “June figures”."
    ]


def test_publishing_a_release_that_names_drafts_says_they_are_not_shown_with_it(
    publisher_client, visitor
):
    release = ReleaseFactory(status=Status.REVIEW, published_at=None, title_en="June figures")
    release.zones.add(ZoneFactory(name_en="Tieling Zone", status=Status.DRAFT))
    release.enterprises.add(EnterpriseFactory(name_en="Public Co."))
    EventFactory(title_en="Laser fair", status=Status.DRAFT).releases.add(release)

    assert save(publisher_client, release, status="published") == [
        "Not shown with “June figures” until they are published: event “Laser fair”, "
        "zone “Tieling Zone”.",
        "Published: visitors now see “June figures”.",
    ]
    page = visitor.get(release.get_absolute_url()).content.decode()
    assert "Public Co." in page and "Tieling Zone" not in page


def test_a_release_naming_nothing_has_no_empty_list_of_named_records(visitor):
    release = ReleaseFactory()
    page = visitor.get(release.get_absolute_url()).content.decode()
    assert "Named in this release" not in page


def test_publishing_an_enterprise_in_a_draft_zone_says_visitors_do_not_see_it(publisher_client):
    enterprise = EnterpriseFactory(
        name_en="Laser Co.",
        status=Status.DRAFT,
        published_at=None,
        zone=ZoneFactory(name_en="Tieling Zone", status=Status.DRAFT),
    )
    url = reverse("admin:zones_enterprise_change", args=[enterprise.pk])
    data = change_form_data(publisher_client.get(url)) | {"status": "published"}
    response = publisher_client.post(url, data, follow=True)

    assert said(response) == [
        "Published, but visitors do not see “Laser Co.” until what it sits in is published "
        "too: zone “Tieling Zone”."
    ]
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]


@time_machine.travel(JUNE_1, tick=False)
def test_scheduling_through_the_form_says_when_in_asia_shanghai(publisher_client):
    release = ReleaseFactory(status=Status.REVIEW, published_at=None, title_en="June figures")
    messages = save(
        publisher_client,
        release,
        status="published",
        published_at_0="2024-06-20",
        published_at_1="09:00:00",
    )
    assert messages == [
        "Scheduled for 20 June 2024, 09:00 (Asia/Shanghai): visitors see “June figures” from then."
    ]


def test_unpublishing_through_the_form_says_back_to_draft(publisher_client):
    release = ReleaseFactory(title_en="June figures")
    assert save(publisher_client, release, status="draft") == [
        "Unpublished (back to draft): visitors no longer see “June figures”."
    ]


def test_archiving_through_the_form_says_archived(publisher_client):
    release = ReleaseFactory(title_en="June figures")
    assert save(publisher_client, release, status="archived") == [
        "Archived: visitors are told that “June figures” was withdrawn."
    ]


def test_a_save_that_leaves_the_status_alone_says_it_was_changed(editor_client):
    release = ReleaseFactory(status=Status.DRAFT, published_at=None)
    [message] = save(editor_client, release, title_en="A better title")
    assert "was changed successfully" in message


def test_the_status_message_is_in_chinese_in_the_chinese_admin(publisher_client):
    release = ReleaseFactory(status=Status.REVIEW, published_at=None, title_en="June figures")
    publisher_client.cookies["django_language"] = "zh-hans"
    [message] = save(publisher_client, release, status="published")
    assert "已发布" in message
    assert "June figures" in message


def test_the_submit_action_counts_what_it_submitted(editor_client):
    drafts = [ReleaseFactory(status=Status.DRAFT, published_at=None) for _ in range(2)]
    assert run_action(editor_client, "submit_for_review", *drafts) == [
        "Submitted for review: 2 records."
    ]


def test_the_publish_action_counts_what_it_published(publisher_client):
    release = ReleaseFactory(status=Status.REVIEW, published_at=None)
    assert run_action(publisher_client, "publish", release) == ["Published: 1 record."]


@time_machine.travel(JUNE_1, tick=False)
def test_the_publish_action_says_what_it_scheduled_and_for_when(publisher_client):
    june_20 = datetime.datetime(2024, 6, 20, 1, 0, tzinfo=datetime.UTC)
    scheduled = [ReleaseFactory(status=Status.REVIEW, published_at=june_20) for _ in range(2)]
    now = ReleaseFactory(status=Status.REVIEW, published_at=None)
    assert run_action(publisher_client, "publish", now, *scheduled) == [
        "Published: 1 record.",
        "Scheduled for 20 June 2024, 09:00 (Asia/Shanghai): 2 records.",
    ]
    assert timezone.localtime(june_20).hour == 9


def test_the_unpublish_and_archive_actions_count_what_they_moved(publisher_client):
    releases = [ReleaseFactory() for _ in range(3)]
    assert run_action(publisher_client, "unpublish", *releases[:2]) == [
        "Unpublished (back to draft): 2 records."
    ]
    assert run_action(publisher_client, "archive", releases[2]) == ["Archived: 1 record."]


def test_the_publish_action_names_what_visitors_still_do_not_see(publisher_client):
    first = ReleaseFactory(status=Status.REVIEW, published_at=None, title_en="June figures")
    second = ReleaseFactory(status=Status.REVIEW, published_at=None, title_en="July figures")
    draft_zone = ZoneFactory(name_en="Tieling Zone", status=Status.DRAFT)
    first.zones.add(draft_zone)
    second.zones.add(draft_zone)

    assert run_action(publisher_client, "publish", first, second) == [
        "Published: 2 records.",
        "Not shown with them until they are published: zone “Tieling Zone”.",
    ]

    enterprise = EnterpriseFactory(
        name_en="Laser Co.", status=Status.REVIEW, published_at=None, zone=draft_zone
    )
    response = publisher_client.post(
        reverse("admin:zones_enterprise_changelist"),
        {"action": "publish", "_selected_action": [enterprise.pk]},
        follow=True,
    )
    assert said(response) == [
        "Published: 1 record.",
        "Visitors do not see these until what they sit in is published too: "
        "enterprise “Laser Co.”.",
    ]


def test_the_publish_action_warns_in_the_same_queries_however_many_it_published(rf, publisher):
    release_admin = admin.site._registry[Release]

    def warn_of(releases) -> tuple[int, list[str]]:
        request = rf.post(CHANGELIST)
        request.user = publisher
        request._messages = CookieStorage(request)
        with CaptureQueriesContext(connection) as queries:
            release_admin.warn_of_what_is_not_shown(request, releases)
        return len(queries), [str(message) for message in request._messages]

    one = ReleaseFactory()
    one.zones.add(ZoneFactory(name_en="Tieling Zone", status=Status.DRAFT))
    count, warnings = warn_of([one])
    assert warnings == ["Not shown with them until they are published: zone “Tieling Zone”."]

    many = [ReleaseFactory() for _ in range(6)]
    for number, release in enumerate(many):
        release.zones.add(ZoneFactory(name_en=f"Zone {number}", status=Status.DRAFT))
        release.enterprises.add(EnterpriseFactory(status=Status.REVIEW))
    assert warn_of(many)[0] == count
    assert warn_of(many)[1] == [
        "Not shown with them until they are published: zone “Zone 0”, zone “Zone 1”, "
        "zone “Zone 2”, zone “Zone 3”, zone “Zone 4” and more."
    ]


def test_a_published_record_saved_unchanged_in_the_chinese_admin_logs_no_change(
    publisher_client,
):
    published = timezone.localtime().replace(hour=9, minute=5, second=14, microsecond=584892)
    release = ReleaseFactory(published_at=published)
    publisher_client.cookies["django_language"] = "zh-hans"
    url = reverse("admin:news_release_change", args=[release.pk])
    page = publisher_client.get(url)
    # The time as the page shows it, to the second, as it is kept.
    [shown] = re.findall(r'name="published_at_1" value="([^"]*)"', page.text)
    assert shown == "09:05:14"

    data = change_form_data(page) | {"published_at_1": shown}
    assert publisher_client.post(url, data).status_code == 302
    release.refresh_from_db()
    assert release.published_at == published
    entry = LogEntry.objects.get(object_id=str(release.pk), action_flag=CHANGE)
    with translation.override("zh-hans"):
        assert entry.get_change_message() == "没有字段被修改。"

    again = change_form_data(publisher_client.get(url))
    assert publisher_client.post(url, again | {"published_at_1": "10:05:14"}).status_code == 302
    changed = LogEntry.objects.filter(object_id=str(release.pk)).latest("pk")
    with translation.override("zh-hans"):
        assert changed.get_change_message() == "已修改发布时间。"


@pytest.mark.parametrize(
    "status, shown",
    [
        (Status.DRAFT, False),
        (Status.REVIEW, False),
        (Status.ARCHIVED, False),
        (Status.PUBLISHED, True),
    ],
)
def test_view_on_site_is_offered_only_for_a_record_visitors_see(editor_client, status, shown):
    release = ReleaseFactory(status=status)

    page = editor_client.get(change_url(release)).text

    assert ('class="viewsitelink"' in page) is shown
    if shown:
        assert (
            editor_client.get(reverse("news:release_detail", args=[release.slug])).status_code
            == 200
        )


def test_view_on_site_is_not_offered_for_an_enterprise_in_a_zone_visitors_do_not_see(
    editor_client,
):
    enterprise = EnterpriseFactory(zone=ZoneFactory(status=Status.DRAFT))

    page = editor_client.get(reverse("admin:zones_enterprise_change", args=[enterprise.pk])).text

    assert 'class="viewsitelink"' not in page
