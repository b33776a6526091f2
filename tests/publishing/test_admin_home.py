"""The admin's home page tells the signed-in editor where their work stands."""

import datetime

import pytest
import reversion
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.publishing.models import AuditEntry, PendingChange, Status
from tests.adminforms import change_form_data, draft_action
from tests.factories import (
    EnterpriseFactory,
    EventFactory,
    InstitutionFactory,
    PlatformFactory,
    ReleaseFactory,
    ZoneFactory,
)
from zones.models import Enterprise

pytestmark = pytest.mark.django_db

HOME = reverse("admin:index")
# 1 June 2024, 10:00 in Shanghai.
JUNE_1 = datetime.datetime(2024, 6, 1, 2, 0, tzinfo=datetime.UTC)
FACTORIES = (ZoneFactory, EnterpriseFactory, InstitutionFactory, PlatformFactory, ReleaseFactory)


def section(client, section_id: str) -> str:
    """The text of one section of the home page, tags and all ("" when it is not there)."""
    page = client.get(HOME).content.decode()
    start = page.find(f'id="{section_id}"')
    if start == -1:
        return ""
    return page[start : page.find("</div>", start)]


def saved_by(user, record):
    """`record` saved by `user`, as a save through the admin records it."""
    with reversion.create_revision():
        reversion.set_user(user)
        record.save()
    return record


def change_url(record) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def draft_url(record) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_draft", args=[record.pk])


def submitted(user, record):
    record.status = Status.REVIEW
    record.save()
    AuditEntry.record(user, AuditEntry.Action.SUBMIT, record)
    return record


# My drafts.


def test_my_drafts_lists_the_drafts_i_saved_last_of_every_kind(editor_client, editor, publisher):
    mine = [
        saved_by(editor, factory(status=Status.DRAFT, published_at=None))
        for factory in (*FACTORIES, EventFactory)
    ]
    theirs = saved_by(publisher, ReleaseFactory(status=Status.DRAFT, title_en="Their draft"))
    mine_then_theirs = saved_by(editor, ReleaseFactory(status=Status.DRAFT, title_en="Taken over"))
    saved_by(publisher, mine_then_theirs)
    live = saved_by(editor, ReleaseFactory(title_en="Already live"))

    drafts = section(editor_client, "my-drafts")

    for record in mine:
        assert f'<a href="{change_url(record)}">{record}</a>' in drafts
    for record in (theirs, mine_then_theirs, live):
        assert str(record) not in drafts


def test_my_drafts_lists_my_pending_drafts_of_live_records(editor_client):
    release = ReleaseFactory(title_en="Four zones report growth")
    data = change_form_data(editor_client.get(change_url(release)))
    editor_client.post(change_url(release), data | {"title_en": "Four zones report record growth"})
    assert PendingChange.objects.exists()

    drafts = section(editor_client, "my-drafts")

    assert f'<a href="{draft_url(release)}">Four zones report growth</a>' in drafts
    assert "Release, pending draft" in drafts


def test_my_drafts_says_so_when_there_are_none(editor_client):
    assert "You have no drafts." in section(editor_client, "my-drafts")


# Waiting for review.


def test_a_publisher_sees_what_waits_for_review_oldest_first_with_who_and_since_when(
    publisher_client, editor
):
    with time_machine.travel(JUNE_1, tick=False):
        older = submitted(editor, EventFactory(title_en="Older event"))
    with time_machine.travel(JUNE_1 + datetime.timedelta(days=1), tick=False):
        newer = submitted(editor, ReleaseFactory(title_en="Newer release"))

    waiting = section(publisher_client, "waiting-for-review")

    assert waiting.index("Older event") < waiting.index("Newer release")
    assert f'<a href="{change_url(older)}">' in waiting
    assert f'<a href="{change_url(newer)}">' in waiting
    assert "<td>editor</td><td>2024-06-01 10:00 (Asia/Shanghai)</td>" in waiting


def test_a_publisher_sees_pending_drafts_submitted_for_review(
    publisher_client, editor_client, editor
):
    release = ReleaseFactory(title_en="Four zones report growth")
    data = change_form_data(editor_client.get(change_url(release)))
    editor_client.post(change_url(release), data | {"title_en": "Record growth"})
    draft_action(editor_client, release, "submit")

    waiting = section(publisher_client, "waiting-for-review")

    assert f'<a href="{draft_url(release)}">Four zones report growth</a>' in waiting
    assert "<td>editor</td>" in waiting


def test_an_editor_has_no_review_section(editor_client, editor):
    submitted(editor, ReleaseFactory())
    assert section(editor_client, "waiting-for-review") == ""


def test_the_review_section_says_so_when_nothing_waits(publisher_client):
    assert "Nothing is waiting for review." in section(publisher_client, "waiting-for-review")


# Scheduled.


@time_machine.travel(JUNE_1, tick=False)
def test_scheduled_records_show_when_they_go_live_in_asia_shanghai(editor_client):
    release = ReleaseFactory(
        title_en="June 20 conference",
        published_at=datetime.datetime(2024, 6, 20, 1, 0, tzinfo=datetime.UTC),
    )
    ReleaseFactory(title_en="Already out")

    scheduled = section(editor_client, "scheduled")

    assert f'<a href="{change_url(release)}">June 20 conference</a>' in scheduled
    assert "20 June 2024, 09:00 (Asia/Shanghai)" in scheduled
    assert "Already out" not in scheduled


def test_the_scheduled_section_says_so_when_nothing_is_scheduled(editor_client):
    ReleaseFactory()
    assert "Nothing is scheduled." in section(editor_client, "scheduled")


# Published lately.


def test_published_lately_lists_who_published_what_and_when(publisher_client, editor_client):
    release = ReleaseFactory(status=Status.REVIEW, published_at=None, title_en="June figures")
    publisher_client.post(
        reverse("admin:news_release_changelist"),
        {"action": "publish", "_selected_action": [release.pk]},
    )
    entry = AuditEntry.objects.get()

    lately = section(editor_client, "published-lately")

    assert f'<a href="{change_url(release)}">June figures</a>' in lately
    assert "<td>publisher</td>" in lately
    assert timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M") in lately


def test_published_lately_names_the_record_in_the_readers_language(publisher_client, editor_client):
    release = ReleaseFactory(
        status=Status.REVIEW, published_at=None, title_en="June figures", title_zh_hans="六月数据"
    )
    publisher_client.cookies["django_language"] = "zh-hans"
    publisher_client.post(
        reverse("admin:news_release_changelist"),
        {"action": "publish", "_selected_action": [release.pk]},
    )

    assert f'<a href="{change_url(release)}">June figures</a>' in section(
        editor_client, "published-lately"
    )
    log = editor_client.get(reverse("admin:publishing_auditentry_changelist")).content.decode()
    assert "June figures" in log and "六月数据" not in log


def test_published_lately_says_so_when_nothing_was_published(editor_client):
    assert "Nothing has been published yet." in section(editor_client, "published-lately")


# Both languages; the cost.


def test_the_home_page_sections_are_in_chinese_in_the_chinese_admin(publisher_client):
    publisher_client.cookies["django_language"] = "zh-hans"
    page = publisher_client.get(HOME).content.decode()
    for heading in ("我的草稿", "等待审核", "定时发布", "最近发布"):
        assert heading in page


def add_work(editor, publisher, count: int) -> None:
    """`count` records of each kind in each section, and as many audit entries."""
    for factory in FACTORIES:
        for _ in range(count):
            saved_by(publisher, factory(status=Status.DRAFT, published_at=None))
            submitted(editor, factory())
            factory(published_at=timezone.now() + datetime.timedelta(days=3))
            live = factory()
            published = AuditEntry.record(publisher, AuditEntry.Action.PUBLISH, live)
            PendingChange.objects.create(
                content_type_id=published.content_type_id,
                object_id=str(live.pk),
                object_repr=str(live),
                snapshot="[]",
                base_version=live.version,
                created_by=publisher,
                updated_by=publisher,
                state=PendingChange.State.REVIEW,
                submitted_at=timezone.now(),
            )


def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    return len(captured)


def plan(sql: str) -> str:
    """How the database would run a statement, as it says it."""
    explain = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {sql}")
        return "\n".join(str(row) for row in cursor.fetchall())


def test_the_submit_of_each_record_in_review_is_found_by_its_record_not_among_all_submits(
    publisher_client, editor, publisher
):
    add_work(editor, publisher, 2)
    # Submits of many other records, as a year of work leaves them, and the database told so.
    kind = ContentType.objects.get_for_model(Enterprise)
    AuditEntry.objects.bulk_create(
        AuditEntry(action=AuditEntry.Action.SUBMIT, content_type=kind, object_id=str(10**6 + n))
        for n in range(5000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as captured:
        publisher_client.get(HOME)
    in_review = [
        query["sql"]
        for query in captured
        if query["sql"].startswith("SELECT")
        and "'review'" in query["sql"]
        and "portal_auditentry" in query["sql"]
    ]
    assert in_review
    for sql in in_review:
        assert "portal_auditentry_record_idx" in plan(sql)
    for sql in in_review:
        assert "portal_auditentry_record_idx" in plan(sql)


def test_the_home_page_runs_as_many_queries_at_50_records_as_at_2(
    publisher_client, editor, publisher, django_assert_max_num_queries
):
    add_work(editor, publisher, 2)
    at_two = home_queries(publisher_client)
    add_work(editor, publisher, 48)
    with django_assert_max_num_queries(30):
        at_fifty = home_queries(publisher_client)
    assert at_fifty == at_two
