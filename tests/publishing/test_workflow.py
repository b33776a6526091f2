"""Drafts, review, publishing and scheduling: who may do what, and what visitors then see."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from news.models import Release
from portal.publishing.models import AuditEntry, Status
from tests.adminforms import add_form_data, change_form_data
from tests.factories import EnterpriseFactory, ReleaseFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:news_release_changelist")


def change_url(release) -> str:
    return reverse("admin:news_release_change", args=[release.pk])


def run_action(client, action: str, *objects, url=CHANGELIST):
    return client.post(
        url, {"action": action, "_selected_action": [obj.pk for obj in objects]}, follow=True
    )


def test_an_editor_submits_a_draft_for_review(editor_client):
    draft = ReleaseFactory(status=Status.DRAFT, published_at=None)
    run_action(editor_client, "submit_for_review", draft)
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW
    assert AuditEntry.objects.get().action == AuditEntry.Action.SUBMIT


def test_an_editor_is_not_offered_the_publish_actions(editor_client):
    ReleaseFactory(status=Status.REVIEW)
    actions = editor_client.get(CHANGELIST).context["action_form"].fields["action"].choices
    names = {name for name, _label in actions}
    assert "submit_for_review" in names
    assert not names & {"publish", "unpublish", "archive"}


def test_an_editor_cannot_publish_by_posting_the_action(editor_client):
    draft = ReleaseFactory(status=Status.REVIEW, published_at=None)
    run_action(editor_client, "publish", draft)
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW
    assert not AuditEntry.objects.exists()


def test_an_editor_cannot_publish_by_posting_the_status_in_the_form(editor_client, visitor):
    draft = ReleaseFactory(status=Status.REVIEW, published_at=None)
    data = change_form_data(editor_client.get(change_url(draft))) | {"status": "published"}
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW
    assert visitor.get(draft.get_absolute_url()).status_code == 404


def test_an_editor_cannot_schedule_by_posting_a_publication_time(editor_client):
    draft = ReleaseFactory(status=Status.DRAFT, published_at=None)
    data = change_form_data(editor_client.get(change_url(draft))) | {
        "published_at_0": "2030-01-01",
        "published_at_1": "09:00:00",
    }
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is None


def test_an_editor_cannot_unpublish_a_release_through_its_pending_draft(editor_client, visitor):
    release = ReleaseFactory()
    page = editor_client.get(change_url(release))
    assert page.status_code == 200
    assert "status" not in page.context["adminform"].form.fields
    data = change_form_data(page) | {"title_en": "Changed live", "status": "draft"}
    assert editor_client.post(change_url(release), data).status_code == 302
    release.refresh_from_db()
    assert release.title_en != "Changed live"
    assert release.status == Status.PUBLISHED
    assert visitor.get(release.get_absolute_url()).status_code == 200


def test_a_publisher_publishes_and_the_audit_log_records_it(publisher_client, publisher, visitor):
    draft = ReleaseFactory(status=Status.REVIEW, published_at=None)
    run_action(publisher_client, "publish", draft)
    draft.refresh_from_db()
    assert draft.is_published()
    assert visitor.get(draft.get_absolute_url()).status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.action, entry.object_repr) == (
        publisher,
        AuditEntry.Action.PUBLISH,
        draft.title,
    )


def test_unpublishing_takes_the_page_off_the_site_at_once(publisher_client, visitor):
    release = ReleaseFactory()
    run_action(publisher_client, "unpublish", release)
    assert visitor.get(release.get_absolute_url()).status_code == 404
    assert release.title not in visitor.get(reverse("news:release_list")).content.decode()


def test_an_archived_release_answers_410_gone(publisher_client, visitor):
    release = ReleaseFactory()
    run_action(publisher_client, "archive", release)
    response = visitor.get(release.get_absolute_url())
    assert response.status_code == 410
    assert AuditEntry.objects.get().action == AuditEntry.Action.ARCHIVE


def test_an_archived_enterprise_answers_410_gone(publisher_client, visitor):
    enterprise = EnterpriseFactory()
    run_action(
        publisher_client, "archive", enterprise, url=reverse("admin:zones_enterprise_changelist")
    )
    assert visitor.get(enterprise.get_absolute_url()).status_code == 410


def test_an_unknown_address_is_still_404(visitor):
    assert visitor.get(reverse("news:release_detail", args=["no-such-release"])).status_code == 404


def test_a_scheduled_release_appears_at_its_time_with_no_job_to_run(publisher_client, visitor):
    draft = ReleaseFactory(status=Status.REVIEW, published_at=None)
    in_a_minute = timezone.now() + datetime.timedelta(minutes=1)
    local = timezone.localtime(in_a_minute)
    data = change_form_data(publisher_client.get(change_url(draft))) | {
        "status": "published",
        "published_at_0": local.strftime("%Y-%m-%d"),
        "published_at_1": local.strftime("%H:%M:%S"),
    }
    assert publisher_client.post(change_url(draft), data).status_code == 302
    assert AuditEntry.objects.get().action == AuditEntry.Action.SCHEDULE
    assert visitor.get(draft.get_absolute_url()).status_code == 404
    assert not Release.objects.published().filter(pk=draft.pk).exists()
    with time_machine.travel(in_a_minute + datetime.timedelta(seconds=1)):
        assert visitor.get(draft.get_absolute_url()).status_code == 200
        assert draft.title in visitor.get(reverse("news:release_list")).content.decode()


def test_the_admin_shows_times_in_asia_shanghai_and_marks_scheduled_releases(publisher_client):
    ReleaseFactory(
        title_en="Tomorrow's news",
        published_at=datetime.datetime(2099, 1, 1, 9, 0, tzinfo=datetime.UTC),
    )
    page = publisher_client.get(CHANGELIST).content.decode()
    assert "2099-01-01 17:00 (Asia/Shanghai)" in page
    assert "scheduled for" in page


def test_an_editor_cannot_add_a_release_as_published(editor_client):
    add_url = reverse("admin:news_release_add")
    data = add_form_data(editor_client.get(add_url)) | {
        "kind": "press_release",
        "title_en": "Straight to the public",
        "slug": "straight-to-the-public",
        "status": "published",
    }
    response = editor_client.post(add_url, data)
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Release.objects.filter(slug="straight-to-the-public").exists()


def test_submitting_a_draft_emails_the_publishers_and_publishing_emails_its_author(
    editor_client, editor, publisher_client, publisher, django_capture_on_commit_callbacks
):
    from django.core import mail

    editor.email, publisher.email = "editor@example.org", "publisher@example.org"
    editor.save()
    publisher.save()
    draft = ReleaseFactory(status=Status.DRAFT, published_at=None)
    data = change_form_data(editor_client.get(change_url(draft))) | {"title_en": "Ready"}
    editor_client.post(change_url(draft), data)

    with django_capture_on_commit_callbacks(execute=True):
        run_action(editor_client, "submit_for_review", draft)
    assert [message.to for message in mail.outbox] == [["publisher@example.org"]]
    with django_capture_on_commit_callbacks(execute=True):
        run_action(publisher_client, "publish", draft)
    assert mail.outbox[-1].to == ["editor@example.org"]
    assert "Ready" in mail.outbox[-1].subject


def test_an_editor_reads_the_publication_time_with_its_time_zone_and_no_scheduling_help(
    editor_client,
):
    release = ReleaseFactory(
        status=Status.DRAFT,
        published_at=datetime.datetime(2024, 6, 20, 1, 0, tzinfo=datetime.UTC),
    )

    page = editor_client.get(change_url(release)).content.decode()

    assert "2024-06-20 09:00 (Asia/Shanghai)" in page
    assert 'name="published_at' not in page
    assert "schedule" not in page.lower()


def test_a_publisher_sending_a_record_in_review_back_to_draft_is_recorded_and_told(
    editor_client, editor, publisher_client, publisher, django_capture_on_commit_callbacks
):
    from django.core import mail

    editor.email = "editor@example.org"
    editor.save()
    draft = ReleaseFactory(status=Status.DRAFT, published_at=None)
    data = change_form_data(editor_client.get(change_url(draft))) | {"title_en": "Not yet"}
    editor_client.post(change_url(draft), data)
    run_action(editor_client, "submit_for_review", draft)
    submitted = AuditEntry.objects.get(action=AuditEntry.Action.SUBMIT)
    assert "Publication time" not in submitted.detail

    with django_capture_on_commit_callbacks(execute=True):
        run_action(publisher_client, "unpublish", draft)

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SEND_BACK)
    assert entry.user == publisher
    assert mail.outbox[-1].to == ["editor@example.org"]
    assert "Not yet" in mail.outbox[-1].subject
    assert change_url(draft) in mail.outbox[-1].body


def test_a_list_action_says_why_it_left_records_as_they_were(editor_client, publisher_client):
    live = ReleaseFactory()
    draft = ReleaseFactory(status=Status.DRAFT, published_at=None)

    page = run_action(editor_client, "submit_for_review", live, draft).text
    assert "Submitted for review: 1 record." in page
    assert "Left as it was: 1 record that is not a draft." in page
    assert "submitted from its pending draft" in page

    page = run_action(publisher_client, "publish", live).text
    assert "Left as it was: 1 record already published." in page


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31"])
def test_a_publication_time_before_1900_is_refused_in_words(publisher_client, day):
    draft = ReleaseFactory(status=Status.REVIEW, published_at=None)
    data = change_form_data(publisher_client.get(change_url(draft))) | {
        "status": "published",
        "published_at_0": day,
        "published_at_1": "00:00:00",
    }

    response = publisher_client.post(change_url(draft), data)

    assert response.status_code == 200
    assert "A publication time is from the year 1900 on." in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == (Status.REVIEW, None)
