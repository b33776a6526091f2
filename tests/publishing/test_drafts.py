"""Pending drafts: an Editor's change to a live record waits for a Publisher, and visitors see
the published version until then."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape
from reversion.models import Version

from news.models import Indicator, Release
from portal.publishing import drafts
from portal.publishing.models import AuditEntry, PendingChange, Status
from tests.adminforms import change_form_data, draft_action
from tests.factories import (
    EventFactory,
    IndicatorFactory,
    MetricFactory,
    ReleaseFactory,
    SectorFactory,
    ZoneFactory,
)
from zones.models import Zone

pytestmark = pytest.mark.django_db


def admin_url(obj, view: str = "change") -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def save_form(client, obj, **changes):
    url = admin_url(obj)
    response = client.post(url, change_form_data(client.get(url)) | changes)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


@pytest.fixture
def live_release(db):
    release = ReleaseFactory(title_en="Four zones report growth", body_en="<p>Live body.</p>")
    IndicatorFactory(release=release, zone=ZoneFactory(), value=Decimal("5"))
    return release


def test_an_editors_change_to_a_live_release_leaves_the_public_page_as_it_was(
    editor_client, editor, visitor, live_release
):
    before = visitor.get(live_release.get_absolute_url()).content
    figure = live_release.indicators.get()
    data = change_form_data(editor_client.get(admin_url(live_release)))
    value_field = next(k for k, v in data.items() if k.endswith("-value") and v.startswith("5"))
    data |= {"title_en": "Four zones report record growth", value_field: "7"}
    response = editor_client.post(admin_url(live_release), data)

    assert response.status_code == 302
    assert response["Location"] == admin_url(live_release, "draft")
    assert visitor.get(live_release.get_absolute_url()).content == before
    live_release.refresh_from_db()
    assert live_release.title_en == "Four zones report growth"
    assert live_release.status == Status.PUBLISHED
    figure.refresh_from_db()
    assert figure.value == 5
    pending = PendingChange.objects.get()
    assert (pending.created_by, pending.state) == (editor, PendingChange.State.DRAFT)


def test_the_draft_page_lists_each_change_against_the_live_version(editor_client, live_release):
    save_form(editor_client, live_release, title_en="Four zones report record growth")
    page = editor_client.get(admin_url(live_release, "draft")).content.decode()
    assert "<ins>record" in page
    assert "Started by editor" in page


def test_reopening_the_live_record_continues_the_draft(editor_client, live_release):
    save_form(editor_client, live_release, title_en="A first draft title")
    form = editor_client.get(admin_url(live_release))
    assert form.context["adminform"].form["title_en"].value() == "A first draft title"
    assert "A pending draft is being written." in form.content.decode()
    save_form(editor_client, live_release, summary_en="And a summary.")
    pending = PendingChange.objects.get()
    assert pending.number == 2


def test_an_editors_saved_change_is_not_called_under_review_in_the_chinese_admin(
    editor_client, live_release, settings
):
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    url = admin_url(live_release)
    data = change_form_data(editor_client.get(url)) | {"title_en": "A first draft title"}
    saved = editor_client.post(url, data, follow=True)
    page = editor_client.get(url).content.decode()
    notice = page[page.index('<div class="pending-notice"') :]
    notice = notice[: notice.index("</div>")]

    # Nothing is submitted for review yet: neither the message nor the banner says so.
    [message] = [str(message) for message in saved.context["messages"]]
    assert message.startswith("已保存为“Four zones report growth”的待发布草稿。")
    assert "有一份待发布草稿正在编写。" in notice
    assert "审" not in message + notice


def test_a_draft_saved_by_someone_else_meanwhile_is_not_overwritten(
    editor_client, live_release, client, django_user_model
):
    stale = change_form_data(editor_client.get(admin_url(live_release)))
    save_form(editor_client, live_release, title_en="The other editor's title")
    response = editor_client.post(admin_url(live_release), stale | {"summary_en": "Mine"})
    assert response.status_code == 200
    assert "editor saved this record&#x27;s pending draft at" in response.content.decode()
    assert "The other editor" in PendingChange.objects.get().snapshot


def test_a_publisher_publishes_the_draft_and_the_page_changes(
    editor_client, publisher_client, publisher, visitor, live_release
):
    data = change_form_data(editor_client.get(admin_url(live_release)))
    value_field = next(k for k, v in data.items() if k.endswith("-value") and v.startswith("5"))
    data |= {"title_en": "Four zones report record growth", value_field: "7"}
    editor_client.post(admin_url(live_release), data)

    response = draft_action(publisher_client, live_release, "publish")

    assert response.status_code == 302
    page = visitor.get(live_release.get_absolute_url()).content.decode()
    assert "Four zones report record growth" in page
    assert Indicator.objects.get().value == 7
    assert not PendingChange.objects.exists()
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.PUBLISH).get()
    assert entry.user == publisher
    latest = Version.objects.get_for_object(live_release).first()
    assert latest.field_dict["title_en"] == "Four zones report record growth"
    assert latest.revision.user == publisher


def test_a_published_draft_keeps_the_live_status_and_time(
    editor_client, publisher_client, live_release
):
    published_at = live_release.published_at
    save_form(editor_client, live_release, title_en="New title")
    draft_action(publisher_client, live_release, "publish")
    live_release.refresh_from_db()
    assert (live_release.status, live_release.published_at) == (Status.PUBLISHED, published_at)


def test_removing_and_adding_figures_in_a_draft_is_published_with_it(
    editor_client, publisher_client, live_release, visitor
):
    data = change_form_data(editor_client.get(admin_url(live_release)))
    delete_field = next(k for k in data if k.endswith("-0-value")).replace("-value", "-DELETE")
    prefix = delete_field.split("-0-")[0]
    metric = MetricFactory()
    zone = live_release.indicators.get().zone
    data |= {
        delete_field: "on",
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-1-zone": str(zone.pk),
        f"{prefix}-1-metric": str(metric.pk),
        f"{prefix}-1-value": "12",
        f"{prefix}-1-unit": "count",
        f"{prefix}-1-qualifier": "exact",
    }
    assert editor_client.post(admin_url(live_release), data).status_code == 302
    assert Indicator.objects.get().value == 5

    page = publisher_client.get(admin_url(live_release, "draft")).content.decode()
    assert metric.name in page
    draft_action(publisher_client, live_release, "publish")
    assert list(Indicator.objects.values_list("value", "metric")) == [(12, metric.pk)]


def add_event_in_draft(client, release, event):
    """Save the release's form with `event` as its one event row."""
    data = change_form_data(client.get(admin_url(release)))
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and "event" in k.lower())
    prefix = prefix.removesuffix("-TOTAL_FORMS")
    data |= {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-event": str(event.pk)}
    return client.post(admin_url(release), data)


def test_an_event_added_in_a_draft_is_named_by_its_title(
    editor_client, publisher_client, live_release
):
    event = EventFactory(title_en="Dalian business day")
    assert add_event_in_draft(editor_client, live_release, event).status_code == 302

    page = publisher_client.get(admin_url(live_release, "draft")).content.decode()
    assert "Adds event this release reports on “Dalian business day”." in page
    chinese = publisher_client.get(
        admin_url(live_release, "draft"), headers={"accept-language": "zh-hans"}
    )
    assert "本新闻稿所报道的活动“Dalian business day”" in chinese.content.decode()
    draft_action(publisher_client, live_release, "publish")
    assert list(live_release.events.all()) == [event]


def test_a_draft_naming_an_event_deleted_since_still_shows(
    editor_client, publisher_client, live_release
):
    event = EventFactory(title_en="Dalian business day")
    add_event_in_draft(editor_client, live_release, event)
    event.delete()

    page = publisher_client.get(admin_url(live_release, "draft"))

    assert page.status_code == 200
    assert "Adds event this release reports on “a deleted event”." in page.content.decode()


def test_an_editor_submits_and_the_publishers_are_emailed(
    editor_client, publisher, live_release, django_capture_on_commit_callbacks
):
    publisher.email = "publisher@example.org"
    publisher.save()
    save_form(editor_client, live_release, title_en="New title")
    with django_capture_on_commit_callbacks(execute=True):
        draft_action(editor_client, live_release, "submit")
    assert PendingChange.objects.get().state == PendingChange.State.REVIEW
    assert [message.to for message in mail.outbox] == [["publisher@example.org"]]
    assert admin_url(live_release, "draft") in mail.outbox[0].body


def test_an_editor_cannot_publish_a_draft(editor_client, live_release, visitor):
    save_form(editor_client, live_release, title_en="Sneaked in")
    response = draft_action(editor_client, live_release, "publish")
    assert response.status_code == 403
    assert "Sneaked in" not in visitor.get(live_release.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "comment", ['{"note": ["Deleted"], "values": {}}', '{"note": "Deleted"}', "[1, 2]"]
)
def test_a_comment_that_looks_like_a_stored_note_reads_as_written_in_the_audit_log(
    editor_client, publisher_client, live_release, comment
):
    save_form(editor_client, live_release, title_en="New title")
    draft_action(editor_client, live_release, "submit")
    draft_action(publisher_client, live_release, "send_back", comment=comment)

    log = publisher_client.get(reverse("admin:publishing_auditentry_changelist"))

    assert log.status_code == 200
    assert escape(comment) in log.content.decode()


def test_a_publisher_sends_a_draft_back_with_a_comment(
    editor_client, editor, publisher_client, live_release, django_capture_on_commit_callbacks
):
    editor.email = "editor@example.org"
    editor.save()
    save_form(editor_client, live_release, title_en="New title")
    draft_action(editor_client, live_release, "submit")
    with django_capture_on_commit_callbacks(execute=True):
        draft_action(publisher_client, live_release, "send_back", comment="Check the figure.")
    pending = PendingChange.objects.get()
    assert (pending.state, pending.comment) == (PendingChange.State.DRAFT, "Check the figure.")
    assert "Check the figure." in mail.outbox[-1].body
    assert "Check the figure." in editor_client.get(admin_url(live_release)).content.decode()


def test_discarding_a_draft_leaves_the_live_record_alone(
    editor_client, publisher_client, live_release, visitor
):
    before = visitor.get(live_release.get_absolute_url()).content
    save_form(editor_client, live_release, title_en="Never mind")
    draft_action(publisher_client, live_release, "discard", confirmed="yes")
    assert not PendingChange.objects.exists()
    assert visitor.get(live_release.get_absolute_url()).content == before


def test_the_draft_preview_shows_the_draft_in_both_languages(editor_client, live_release):
    save_form(editor_client, live_release, title_en="Previewed title", title_zh_hans="预览")
    preview = admin_url(live_release, "draft_preview")
    assert "Previewed title" in editor_client.get(preview + "?lang=en").content.decode()
    assert "预览" in editor_client.get(preview + "?lang=zh-hans").content.decode()
    public = editor_client.get(live_release.get_absolute_url()).content.decode()
    assert "Previewed title" not in public


def test_visitors_cannot_open_a_draft_or_its_preview(visitor, editor_client, live_release):
    save_form(editor_client, live_release, title_en="Secret title")
    for view in ("draft", "draft_preview"):
        response = visitor.get(admin_url(live_release, view))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_an_editor_restoring_an_old_version_of_a_live_release_keeps_the_page_up(
    editor_client, publisher_client, visitor, live_release
):
    save_form(publisher_client, live_release, title_en="Second live title")
    old = next(
        version
        for version in Version.objects.get_for_object(live_release)
        if version.field_dict["title_en"] == "Four zones report growth"
    )
    url = reverse("admin:news_release_revision", args=[live_release.pk, old.pk])
    response = editor_client.post(url, change_form_data(editor_client.get(url)))

    assert response.status_code == 302
    # The message names the record as visitors know it, not as the version restored.
    message = editor_client.get(response["Location"]).text
    assert "Saved as a pending draft of “Second live title”." in message
    live_release.refresh_from_db()
    assert (live_release.status, live_release.title_en) == (Status.PUBLISHED, "Second live title")
    assert visitor.get(live_release.get_absolute_url()).status_code == 200
    assert "Four zones report growth" in PendingChange.objects.get().snapshot
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RESTORE).exists()


def test_a_figure_of_a_live_release_is_read_only_on_its_own_page_for_editors(
    editor_client, live_release
):
    figure = live_release.indicators.get()
    page = editor_client.get(admin_url(figure))
    assert not page.context["has_change_permission"]
    assert editor_client.post(admin_url(figure), {"value": "9"}).status_code == 403
    figure.refresh_from_db()
    assert figure.value == 5


def test_an_editor_cannot_add_a_figure_to_a_live_release_on_its_own(editor_client, live_release):
    figure = live_release.indicators.get()
    response = editor_client.post(
        reverse("admin:news_indicator_add"),
        {
            "zone": figure.zone_id,
            "metric": figure.metric_id,
            "release": live_release.pk,
            "value": "3",
            "unit": "count",
        },
    )
    assert response.status_code == 200
    assert "release" in response.context["adminform"].form.errors
    assert Indicator.objects.count() == 1


def test_an_editor_cannot_change_reference_data(editor_client):
    sector = SectorFactory(name_en="Equipment")
    assert editor_client.post(admin_url(sector), {"name_en": "Renamed"}).status_code == 403
    assert editor_client.get(reverse("admin:zones_sector_add")).status_code == 403
    sector.refresh_from_db()
    assert sector.name_en == "Equipment"


@pytest.fixture
def other(django_user_model, editor):
    """A second Editor, named "other"."""
    user = django_user_model.objects.create_user("other", password="x", is_staff=True)
    user.groups.add(*editor.groups.all())
    return user


def test_a_pending_draft_is_not_in_the_live_records_history(editor_client, live_release):
    save_form(editor_client, live_release, title_en="Staged title")
    titles = [v.field_dict["title_en"] for v in Version.objects.get_for_object(live_release)]
    assert "Staged title" not in titles


def test_a_refused_save_of_the_draft_lists_their_changes_and_saving_again_keeps_both(
    editor_client, live_release, other
):
    save_form(editor_client, live_release, summary_en="A first summary.")
    stale = change_form_data(editor_client.get(admin_url(live_release)))
    editor_client.force_login(other)
    save_form(editor_client, live_release, title_en="The other editor's title")

    mine = stale | {"summary_en": "My summary."}
    refused = editor_client.post(admin_url(live_release), mine)

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "other saved this record&#x27;s pending draft at" in page
    assert (
        "They changed title [en]: “Four zones report growth” → “The other editor&#x27;s title”"
        in page
    )
    form = refused.context["adminform"].form
    assert form["summary_en"].value() == "My summary."
    # What the browser sends again: the inputs the page has.
    assert 'name="draft_based_on" value="1"' in page

    editor_client.post(admin_url(live_release), change_form_data(refused))

    draft = PendingChange.objects.get()
    assert draft.number == 3
    values = drafts.record_values(draft.snapshot)
    assert values["title_en"] == "The other editor's title"
    assert values["summary_en"] == "My summary."


def test_a_figure_added_to_the_draft_meanwhile_is_named_in_the_refusal(editor_client, live_release):
    stale = change_form_data(editor_client.get(admin_url(live_release)))
    data = change_form_data(editor_client.get(admin_url(live_release)))
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and "indicator" in k)[
        : -len("-TOTAL_FORMS")
    ]
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    first = f"{prefix}-0-"
    row = {
        k.replace(first, f"{prefix}-{total}-"): v for k, v in data.items() if k.startswith(first)
    }
    row = {k: v for k, v in row.items() if not k.endswith(("-id", "-DELETE"))}
    metric = MetricFactory(name_en="Technology contracts signed")
    data |= row | {
        f"{prefix}-TOTAL_FORMS": str(total + 1),
        f"{prefix}-{total}-metric": str(metric.pk),
        f"{prefix}-{total}-value": "9",
    }
    assert editor_client.post(admin_url(live_release), data).status_code == 302

    refused = editor_client.post(admin_url(live_release), stale | {"summary_en": "Mine."})

    assert refused.status_code == 200
    assert "They added figure “" in refused.content.decode()


def publish_as_shown(client, release, shown: PendingChange):
    """ "Publish the draft" from a draft page that showed `shown`."""
    return client.post(
        admin_url(release, "draft"),
        {"action": "publish", "draft": shown.pk, "number": shown.number},
        follow=True,
    )


def test_a_draft_saved_again_after_the_publisher_opened_it_is_not_published_unseen(
    editor_client, publisher_client, visitor, live_release
):
    save_form(editor_client, live_release, title_en="Reviewed title")
    draft_action(editor_client, live_release, "submit")
    page = publisher_client.get(admin_url(live_release, "draft"))
    save_form(editor_client, live_release, summary_en="Added after the review.")

    shown = page.context["pending"]
    response = publish_as_shown(publisher_client, live_release, shown)

    assert "The draft was saved again after this page showed it." in response.content.decode()
    assert "Added after the review." not in visitor.get(live_release.get_absolute_url()).text
    assert PendingChange.objects.for_record(live_release) is not None
    without_number = publisher_client.post(admin_url(live_release, "draft"), {"action": "publish"})
    assert without_number.status_code == 302
    assert PendingChange.objects.for_record(live_release) is not None


def test_a_draft_discarded_and_started_again_is_not_published_from_the_older_page(
    editor_client, publisher_client, visitor, live_release
):
    save_form(editor_client, live_release, title_en="The first draft's title")
    page = publisher_client.get(admin_url(live_release, "draft"))
    shown = page.context["pending"]
    draft_action(editor_client, live_release, "discard", confirmed="yes")
    save_form(editor_client, live_release, title_en="Started again")
    assert PendingChange.objects.get().number == shown.number

    response = publish_as_shown(publisher_client, live_release, shown)

    assert "The draft was saved again after this page showed it." in response.content.decode()
    assert "Started again" not in visitor.get(live_release.get_absolute_url()).text
    assert PendingChange.objects.get().snapshot


def test_a_form_opened_on_a_discarded_draft_does_not_overwrite_the_next_one(
    editor_client, live_release, other
):
    save_form(editor_client, live_release, summary_en="The first draft's summary.")
    stale = change_form_data(editor_client.get(admin_url(live_release)))
    draft_action(editor_client, live_release, "discard", confirmed="yes")
    editor_client.force_login(other)
    save_form(editor_client, live_release, title_en="The other editor's title")
    assert PendingChange.objects.get().number == 1

    refused = editor_client.post(admin_url(live_release), stale | {"summary_en": "Mine."})

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "The pending draft you opened was discarded meanwhile." in page
    assert "Your form still holds the discarded draft&#x27;s changes as well as yours" in page
    assert "The pending draft you opened was discarded meanwhile." in page
    assert "Your form still holds the discarded draft&#x27;s changes as well as yours" in page
    assert "other saved this record&#x27;s pending draft at" in page
    assert (
        "They changed title [en]: “Four zones report growth” → “The other editor&#x27;s title”"
        in page
    )
    values = drafts.record_values(PendingChange.objects.get().snapshot)
    assert values["title_en"] == "The other editor's title"

    editor_client.post(admin_url(live_release), change_form_data(refused))

    values = drafts.record_values(PendingChange.objects.get().snapshot)
    assert values["title_en"] == "The other editor's title"
    assert values["summary_en"] == "Mine."


def test_a_form_opened_on_a_draft_published_meanwhile_is_refused(
    editor_client, publisher_client, live_release
):
    save_form(editor_client, live_release, summary_en="The draft's summary.")
    stale = change_form_data(editor_client.get(admin_url(live_release)))
    draft_action(publisher_client, live_release, "publish")

    refused = editor_client.post(admin_url(live_release), stale | {"title_en": "Mine."})

    assert refused.status_code == 200
    assert "The pending draft you opened was published or discarded meanwhile." in (
        refused.content.decode()
    )
    assert not PendingChange.objects.exists()

    assert editor_client.post(admin_url(live_release), change_form_data(refused)).status_code == 302
    values = drafts.record_values(PendingChange.objects.get().snapshot)
    assert (values["title_en"], values["summary_en"]) == ("Mine.", "The draft's summary.")


def test_a_draft_is_sent_back_only_with_a_comment(editor_client, publisher_client, live_release):
    save_form(editor_client, live_release, title_en="New title")
    draft_action(editor_client, live_release, "submit")

    response = draft_action(publisher_client, live_release, "send_back", comment="  ")

    assert PendingChange.objects.get().state == PendingChange.State.REVIEW
    assert (
        "Say what the author should change."
        in publisher_client.get(response["Location"]).content.decode()
    )


def test_publishing_the_draft_of_an_archived_record_says_visitors_do_not_see_it(
    editor_client, publisher_client, live_release
):
    save_form(editor_client, live_release, title_en="New title")
    Release.objects.filter(pk=live_release.pk).update(status=Status.ARCHIVED)

    response = draft_action(publisher_client, live_release, "publish")

    page = publisher_client.get(response["Location"]).content.decode()
    assert "which visitors do not see: it is archived." in page


def test_an_editors_draft_of_an_archived_record_does_not_say_visitors_see_it(
    editor_client, live_release
):
    Release.objects.filter(pk=live_release.pk).update(status=Status.ARCHIVED)

    saved = save_form(editor_client, live_release, title_en="New title")

    message = editor_client.get(saved["Location"]).text
    assert "Saved as a pending draft of “Four zones report growth”, which stays as it is" in message
    assert "Visitors still see" not in message


def test_deleting_a_record_deletes_its_pending_draft(editor_client, publisher_client, live_release):
    saved = save_form(editor_client, live_release, title_en="A title never published")
    message = editor_client.get(saved["Location"]).text
    # The message names the record as visitors know it.
    assert "Saved as a pending draft of “Four zones report growth”." in message

    publisher_client.post(admin_url(live_release, "delete"), {"post": "yes"})

    assert not PendingChange.objects.exists()
    assert "A title never published" not in editor_client.get(reverse("admin:index")).text


def test_a_publishers_change_to_the_live_record_is_kept_when_the_draft_is_published(
    editor_client, publisher_client, visitor, live_release
):
    save_form(editor_client, live_release, title_en="The draft's title")
    save_form(publisher_client, live_release, summary_en="The publisher's summary.")

    page = editor_client.get(admin_url(live_release, "draft")).content.decode()
    assert "The publisher&#x27;s summary." not in page
    draft_action(publisher_client, live_release, "publish")

    live_release.refresh_from_db()
    assert (live_release.title_en, live_release.summary_en) == (
        "The draft's title",
        "The publisher's summary.",
    )


def test_a_draft_refused_over_a_publishers_save_lists_only_what_the_publisher_changed(
    editor_client, publisher_client, live_release
):
    save_form(editor_client, live_release, title_en="The draft's title")
    stale = change_form_data(editor_client.get(admin_url(live_release)))
    save_form(publisher_client, live_release, summary_en="The publisher's summary.")

    refused = editor_client.post(admin_url(live_release), stale | {"location_en": "Shenyang"})

    assert refused.status_code == 200
    theirs = [str(error) for error in refused.context["adminform"].form.non_field_errors()]
    assert [line for line in theirs if line.startswith("They changed")] == [
        "They changed summary [en]: “A release for the tests.” → “The publisher's summary.”"
    ]
    editor_client.post(admin_url(live_release), change_form_data(refused))
    values = drafts.record_values(PendingChange.objects.get().snapshot)
    assert values["summary_en"] == "The publisher's summary."
    assert (values["title_en"], values["location_en"]) == ("The draft's title", "Shenyang")


@pytest.mark.parametrize("view", ["draft", "draft_preview", "preview"])
def test_the_draft_and_preview_of_a_record_that_does_not_exist_are_not_found(editor_client, view):
    url = reverse(f"admin:news_release_{view}", args=[999])

    assert editor_client.get(url).status_code == 404


def test_a_publishers_second_change_is_kept_after_the_editor_saved_the_draft_again(
    editor_client, publisher_client, live_release
):
    save_form(editor_client, live_release, title_en="The draft's title")
    save_form(publisher_client, live_release, summary_en="First summary.")
    save_form(editor_client, live_release, location_en="Shenyang")
    save_form(publisher_client, live_release, summary_en="Second summary.")

    draft_action(publisher_client, live_release, "publish")

    live_release.refresh_from_db()
    assert (live_release.title_en, live_release.location_en, live_release.summary_en) == (
        "The draft's title",
        "Shenyang",
        "Second summary.",
    )


def test_an_empty_translation_stays_empty_in_a_chinese_admin(
    editor_client, publisher_client, live_release
):
    save_form(editor_client, live_release, summary_en="A draft summary.")
    chinese = {"accept-language": "zh-hans"}

    form = editor_client.get(admin_url(live_release), headers=chinese).context["adminform"].form
    assert form["title_zh_hans"].value() in (None, "")
    publisher_client.get(admin_url(live_release, "draft"), headers=chinese)
    pending = PendingChange.objects.get()
    publisher_client.post(
        admin_url(live_release, "draft"),
        {"action": "publish", "draft": pending.pk, "number": pending.number},
        headers=chinese,
    )

    live_release.refresh_from_db()
    assert live_release.title_zh_hans in (None, "")
    assert live_release.summary_en == "A draft summary."


def test_a_publishers_change_to_a_figure_of_the_live_record_is_kept_when_the_draft_is_published(
    editor_client, publisher_client, live_release
):
    save_form(editor_client, live_release, title_en="The draft's title")
    data = change_form_data(publisher_client.get(admin_url(live_release)))
    value = next(k for k in data if k.endswith("-0-value"))
    assert publisher_client.post(admin_url(live_release), data | {value: "9"}).status_code == 302

    page = publisher_client.get(admin_url(live_release, "draft")).content.decode()
    # The draft does not change the figure: the page lists no change of it.
    assert 'class="part-changes"' not in page
    draft_action(publisher_client, live_release, "publish")

    live_release.refresh_from_db()
    assert live_release.title_en == "The draft's title"
    assert list(live_release.indicators.values_list("value", flat=True)) == [9]


def test_a_field_of_a_figure_only_a_publisher_changed_is_kept_beside_the_drafts_change_to_it(
    editor_client, publisher_client, live_release
):
    data = change_form_data(editor_client.get(admin_url(live_release)))
    value = next(k for k in data if k.endswith("-0-value"))
    save_form(editor_client, live_release, **{value: "7"})
    data = change_form_data(publisher_client.get(admin_url(live_release)))
    note = value.replace("-value", "-note_en")
    assert (
        publisher_client.post(admin_url(live_release), data | {note: "Audited."}).status_code == 302
    )

    page = publisher_client.get(admin_url(live_release, "draft")).content.decode()
    assert "Audited." not in page.split('class="part-changes"', 1)[-1]
    draft_action(publisher_client, live_release, "publish")

    figure = live_release.indicators.get()
    assert (figure.value, figure.note_en) == (7, "Audited.")


def test_a_figure_a_publisher_added_meanwhile_is_kept_and_one_the_draft_changed_wins(
    editor_client, publisher_client, live_release
):
    data = change_form_data(editor_client.get(admin_url(live_release)))
    value = next(k for k in data if k.endswith("-0-value"))
    save_form(editor_client, live_release, **{value: "7"})
    IndicatorFactory(release=live_release, zone=ZoneFactory(), value=Decimal("3"))
    Indicator.objects.filter(value=5).update(value=Decimal("6"))

    draft_action(publisher_client, live_release, "publish")

    assert sorted(live_release.indicators.values_list("value", flat=True)) == [3, 7]


def test_saving_a_live_record_unchanged_makes_no_draft(editor_client, live_release):
    url = admin_url(live_release)
    response = editor_client.post(url, change_form_data(editor_client.get(url)), follow=True)

    assert "Nothing was changed in “Four zones report growth”, so no pending draft was made." in (
        response.content.decode()
    )
    assert not PendingChange.objects.exists()


def test_a_draft_whose_slug_another_record_took_since_still_opens_and_is_not_published(
    editor_client, publisher_client, visitor, live_release
):
    save_form(editor_client, live_release, slug="four-zones", title_en="Four zones, renamed")
    ReleaseFactory(slug="four-zones", title_en="The record that took the slug")

    form = editor_client.get(admin_url(live_release))
    assert form.status_code == 200
    shown = form.context["adminform"].form
    assert shown["title_en"].value() == "Four zones, renamed"
    assert shown["slug"].value() == live_release.slug
    assert "Another record has taken what the pending draft gives as slug" in form.text
    preview = editor_client.get(admin_url(live_release, "draft_preview"))
    assert preview.status_code == 200
    assert "Four zones, renamed" in preview.text

    response = draft_action(publisher_client, live_release, "publish")
    assert response.status_code == 302
    refusal = publisher_client.get(response["Location"]).text
    assert "The draft cannot be published: another record has taken what it gives as slug" in (
        refusal
    )
    live_release.refresh_from_db()
    assert live_release.title_en == "Four zones report growth"
    assert PendingChange.objects.for_record(live_release) is not None
    assert visitor.get("/en/news/four-zones/").text.count("The record that took the slug")

    # Saving the draft again with another slug clears the way.
    save_form(editor_client, live_release, slug="four-zones-renamed")
    assert draft_action(publisher_client, live_release, "publish").status_code == 302
    assert visitor.get("/en/news/four-zones-renamed/").status_code == 200


def test_a_changed_link_shows_in_the_drafts_changes_and_the_history(
    editor_client, publisher_client, live_release
):
    body = '<p>See <a href="https://www.ln.gov.cn/">the official notice</a>.</p>'
    Release.objects.filter(pk=live_release.pk).update(body_en=body)
    save_form(
        editor_client,
        live_release,
        body_en=body.replace("https://www.ln.gov.cn/", "https://elsewhere.example/notice"),
    )

    draft_page = publisher_client.get(admin_url(live_release, "draft")).text
    assert "https://www.ln.gov.cn/" in draft_page
    assert "https://elsewhere.example/notice" in draft_page

    draft_action(publisher_client, live_release, "publish")
    latest = Version.objects.get_for_object(live_release).first()
    changes = publisher_client.get(
        reverse("admin:news_release_changes", args=[live_release.pk, latest.pk])
    ).text
    assert "elsewhere.example/notice" in changes


def add_park_in_draft(client, zone, name_zh_hans: str):
    """Save the zone's form with one park more, named in Chinese alone, its slug left empty."""
    data = change_form_data(client.get(admin_url(zone)))
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and "park" in k)
    prefix = prefix.removesuffix("-TOTAL_FORMS")
    count = int(data[f"{prefix}-TOTAL_FORMS"])
    data |= {
        f"{prefix}-TOTAL_FORMS": str(count + 1),
        f"{prefix}-{count}-name_zh_hans": name_zh_hans,
        f"{prefix}-{count}-position": "0",
    }
    response = client.post(admin_url(zone), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def published_changes(client, record) -> str:
    """The history's page of what the latest save of `record` changed."""
    latest = Version.objects.get_for_object(record).first()
    opts = record._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changes", args=[record.pk, latest.pk])
    return client.get(url).text


def test_the_history_of_a_published_draft_lists_the_park_it_added(editor_client, publisher_client):
    zone = ZoneFactory()
    add_park_in_draft(editor_client, zone, "综合保税区")
    draft_action(publisher_client, zone, "publish")

    changes = published_changes(publisher_client, zone)

    assert "Added park “综合保税区”." in changes
    assert "changed none of the record" not in changes


def test_the_history_of_a_published_draft_lists_the_event_it_linked(
    editor_client, publisher_client, live_release
):
    add_event_in_draft(editor_client, live_release, EventFactory(title_en="Dalian business day"))
    draft_action(publisher_client, live_release, "publish")

    changes = published_changes(publisher_client, live_release)

    assert "Added event this release reports on “Dalian business day”." in changes


def test_the_history_of_a_published_draft_lists_the_figures_it_changed_and_removed(
    editor_client, publisher_client, live_release
):
    kept = IndicatorFactory(release=live_release, value=Decimal("8"))
    removed = live_release.indicators.exclude(pk=kept.pk).get()
    data = change_form_data(editor_client.get(admin_url(live_release)))
    prefix = next(k for k in data if k.endswith("-0-value")).removesuffix("-0-value")
    row = {data[f"{prefix}-{i}-id"]: i for i in range(2)}
    data |= {
        f"{prefix}-{row[str(kept.pk)]}-value": "9",
        f"{prefix}-{row[str(removed.pk)]}-DELETE": "on",
    }
    assert editor_client.post(admin_url(live_release), data).status_code == 302
    draft_action(publisher_client, live_release, "publish")

    changes = published_changes(publisher_client, live_release)

    kept.refresh_from_db()
    assert f"Changed figure “{kept}”:" in changes
    assert "<del>8</del><ins>9</ins>" in changes
    assert f"Removed figure “{removed}”." in changes


def test_the_history_names_a_figure_changed_or_deleted_on_its_own_page_under_that_save_alone(
    publisher_client,
):
    release = ReleaseFactory(status=Status.DRAFT)
    changed = IndicatorFactory(release=release, value=Decimal("10"))
    deleted = IndicatorFactory(release=release, value=Decimal("20"))
    save_form(publisher_client, release)  # the release's history starts with both figures
    url = reverse("admin:news_indicator_change", args=[changed.pk])
    data = change_form_data(publisher_client.get(url)) | {"value": "99"}
    assert publisher_client.post(url, data).status_code == 302
    url = reverse("admin:news_indicator_delete", args=[deleted.pk])
    assert publisher_client.post(url, {"post": "yes"}).status_code == 302

    save_form(publisher_client, release, summary_en="Only the summary changes.")
    changes = published_changes(publisher_client, release)

    assert "Only the summary changes." in changes
    assert not any(f"{action} figure" in changes for action in ("Added", "Changed", "Removed"))


LIVE_CHANGED = "The published version was changed after this draft was started."


def change_figure_value(client, release, value: str) -> None:
    """Save the release's form with its one figure's value changed."""
    data = change_form_data(client.get(admin_url(release)))
    value_field = next(k for k in data if k.endswith("-0-value"))
    assert client.post(admin_url(release), data | {value_field: value}).status_code == 302


def test_a_figure_saved_for_a_demo_zone_does_not_say_the_zones_draft_was_overtaken(
    demo, editor_client, publisher_client
):
    zone = Zone.objects.get(slug="shenyang-etdz")
    add_park_in_draft(editor_client, zone, "综合保税区")
    assert LIVE_CHANGED not in editor_client.get(admin_url(zone, "draft")).text

    data = change_form_data(publisher_client.get(admin_url(demo)))
    figure = demo.indicators.filter(zone=zone).first()
    row = next(k for k, v in data.items() if k.endswith("-id") and v == str(figure.pk))
    value_field = row.removesuffix("-id") + "-value"
    data[value_field] = str(figure.value + 1)
    assert publisher_client.post(admin_url(demo), data).status_code == 302

    assert LIVE_CHANGED not in editor_client.get(admin_url(zone, "draft")).text


def test_the_draft_page_says_so_when_a_publisher_changed_the_live_record_since(
    editor_client, publisher_client
):
    zone = ZoneFactory()
    IndicatorFactory(release=ReleaseFactory(), zone=zone, value=Decimal("5"))
    add_park_in_draft(editor_client, zone, "综合保税区")
    change_figure_value(publisher_client, zone.indicators.get().release, "6")
    assert LIVE_CHANGED not in editor_client.get(admin_url(zone, "draft")).text

    save_form(publisher_client, zone, summary_en="A summary the Publisher corrected.")

    assert LIVE_CHANGED in editor_client.get(admin_url(zone, "draft")).text


def test_a_zones_form_opened_before_a_figure_of_the_zone_was_saved_still_saves(
    publisher_client,
):
    zone = ZoneFactory()
    IndicatorFactory(release=ReleaseFactory(), zone=zone, value=Decimal("5"))
    opened = change_form_data(publisher_client.get(admin_url(zone)))

    change_figure_value(publisher_client, zone.indicators.get().release, "6")
    response = publisher_client.post(admin_url(zone), opened | {"summary_en": "Corrected."})

    assert response.status_code == 302, response.context["adminform"].form.errors
    zone.refresh_from_db()
    assert zone.summary_en == "Corrected."


def test_discarding_a_draft_asks_first_and_keeps_it_until_confirmed(editor_client, live_release):
    save_form(editor_client, live_release, title_en="Worth keeping")

    asked = draft_action(editor_client, live_release, "discard")

    assert asked.status_code == 200
    assert "Its changes are lost: they cannot be brought back." in asked.text
    assert 'name="confirmed" value="yes"' in asked.text
    assert PendingChange.objects.for_record(live_release) is not None


def test_a_draft_made_in_the_chinese_admin_leaves_the_empty_chinese_body_empty(
    editor_client, publisher_client, live_release, visitor, settings
):
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    save_form(editor_client, live_release, location_zh_hans="沈阳")
    draft_action(publisher_client, live_release, "publish")

    live_release.refresh_from_db()
    assert (live_release.location_zh_hans, live_release.body_zh_hans) == ("沈阳", "")
    page = visitor.get(live_release.get_absolute_url().replace("/en/", "/zh-hans/", 1))
    assert '<div class="rich-text" lang="en"><p>Live body.</p></div>' in page.content.decode()
