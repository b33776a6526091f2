"""Two editors on one record: the second save is refused, shown the first, and keeps its input."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from news.models import Release
from portal.publishing.models import Status
from portal.publishing.notes import read_comment
from tests.adminforms import change_form_data
from tests.factories import EventFactory, IndicatorFactory, ParkFactory, ReleaseFactory
from zones.models import Park

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor_client(editor) -> Client:
    """The same editor in a second browser window."""
    client = Client()
    client.force_login(editor)
    return client


def change_url(release) -> str:
    return reverse("admin:news_release_change", args=[release.pk])


def test_the_second_of_two_saves_is_refused_and_keeps_its_input(
    editor_client, second_editor_client
):
    release = ReleaseFactory(status=Status.DRAFT, title_en="Old title", body_en="<p>Old body.</p>")
    first = change_form_data(editor_client.get(change_url(release)))
    second = change_form_data(second_editor_client.get(change_url(release)))

    assert (
        editor_client.post(change_url(release), first | {"title_en": "New title"}).status_code
        == 302
    )
    response = second_editor_client.post(
        change_url(release), second | {"body_en": "<p>My careful rewrite.</p>"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "saved this record" in page
    assert "They changed title [en]: “Old title” → “New title”" in page
    assert "They changed title:" not in page  # the language field is listed, not its twin
    assert "My careful rewrite." in page  # the input is still in the form
    release.refresh_from_db()
    assert (release.title_en, release.body_en) == ("New title", "<p>Old body.</p>")


def test_saving_again_after_the_conflict_keeps_both_editors_changes(
    editor_client, second_editor_client
):
    release = ReleaseFactory(
        status=Status.DRAFT, body_en="<p>Old body.</p>", summary_en="Old summary"
    )
    first = change_form_data(editor_client.get(change_url(release)))
    second = change_form_data(second_editor_client.get(change_url(release)))
    editor_client.post(change_url(release), first | {"summary_en": "Their summary"})
    refused = second_editor_client.post(change_url(release), second | {"body_en": "<p>Mine.</p>"})

    again = second_editor_client.post(change_url(release), change_form_data(refused))

    assert again.status_code == 302
    release.refresh_from_db()
    assert release.body_en == "<p>Mine.</p>"
    # The second editor's form still held the old summary: it did not write it back.
    assert release.summary_en == "Their summary"
    # And the history credits each with their own change.
    latest = Version.objects.get_for_object(release).first()
    assert read_comment(latest.revision.comment) == "Changed Body [en]."


def test_a_field_both_editors_changed_keeps_the_input_of_the_one_who_saved_again(
    editor_client, second_editor_client
):
    release = ReleaseFactory(status=Status.DRAFT, summary_en="Old summary")
    first = change_form_data(editor_client.get(change_url(release)))
    second = change_form_data(second_editor_client.get(change_url(release)))
    editor_client.post(change_url(release), first | {"summary_en": "Their summary"})
    refused = second_editor_client.post(change_url(release), second | {"summary_en": "Mine"})

    again = second_editor_client.post(change_url(release), change_form_data(refused))

    assert again.status_code == 302
    release.refresh_from_db()
    assert release.summary_en == "Mine"


def test_a_change_to_an_inline_row_by_another_editor_refuses_the_save(
    editor_client, second_editor_client
):
    figure = IndicatorFactory(value="10", release__status=Status.DRAFT)
    release = figure.release
    first = change_form_data(editor_client.get(change_url(release)))
    second = change_form_data(second_editor_client.get(change_url(release)))

    assert (
        editor_client.post(change_url(release), first | {"indicators-0-value": "11"}).status_code
        == 302
    )
    response = second_editor_client.post(change_url(release), second | {"indicators-0-value": "12"})

    assert response.status_code == 200
    assert "They changed figure" in response.content.decode()
    figure.refresh_from_db()
    assert figure.value == 11


def test_a_figure_saved_on_its_own_page_refuses_a_stale_release_form(
    editor_client, second_editor_client
):
    figure = IndicatorFactory(value="10", release__status=Status.DRAFT)
    release = figure.release
    stale = change_form_data(second_editor_client.get(change_url(release)))
    figure_url = reverse("admin:news_indicator_change", args=[figure.pk])
    data = change_form_data(editor_client.get(figure_url)) | {"value": "99"}
    assert editor_client.post(figure_url, data).status_code == 302

    response = second_editor_client.post(change_url(release), stale)

    assert response.status_code == 200
    figure.refresh_from_db()
    assert figure.value == 99


def test_an_event_linked_from_a_release_refuses_its_stale_form(editor_client, second_editor_client):
    """The release's event inline writes the link the event's form lists among its releases:
    the event's form opened before then must not save the link away."""
    release = ReleaseFactory(status=Status.DRAFT)
    event = EventFactory(status=Status.DRAFT)
    event_url = reverse("admin:news_event_change", args=[event.pk])
    stale = change_form_data(second_editor_client.get(event_url))
    data = change_form_data(editor_client.get(change_url(release))) | {
        "Event_releases-TOTAL_FORMS": "1",
        "Event_releases-0-event": str(event.pk),
    }
    assert editor_client.post(change_url(release), data).status_code == 302

    response = second_editor_client.post(event_url, stale | {"description_en": "Mine"})

    assert response.status_code == 200
    assert list(event.releases.all()) == [release]


def test_one_editor_saving_twice_in_a_row_is_not_a_conflict(editor_client):
    release = ReleaseFactory(status=Status.DRAFT)
    for title in ("One", "Two"):
        data = change_form_data(editor_client.get(change_url(release))) | {"title_en": title}
        assert editor_client.post(change_url(release), data).status_code == 302
    assert Release.objects.get(pk=release.pk).title_en == "Two"


# A time as `timezone.now()` gives it, with microseconds (the history keeps milliseconds).
JUNE_20_9AM = datetime.datetime(2024, 6, 20, 1, 0, 0, 123456, tzinfo=datetime.UTC)


def conflict_notice(response) -> str:
    return " ".join(str(error) for error in response.context["adminform"].form.non_field_errors())


def test_the_conflict_notice_lists_only_what_the_other_editor_changed(
    editor_client, second_editor_client
):
    release = ReleaseFactory(status=Status.DRAFT, published_at=JUNE_20_9AM, title_en="Old title")
    first = change_form_data(editor_client.get(change_url(release)))
    second = change_form_data(second_editor_client.get(change_url(release)))
    editor_client.post(change_url(release), first | {"title_en": "New title"})

    notice = conflict_notice(second_editor_client.post(change_url(release), second))

    assert "They changed title [en]" in notice
    assert "publication time" not in notice


def test_the_conflict_notice_gives_a_changed_time_in_local_time_to_the_minute(
    publisher_client, publisher
):
    release = ReleaseFactory(status=Status.PUBLISHED, published_at=JUNE_20_9AM)
    other_window = Client()
    other_window.force_login(publisher)
    first = change_form_data(publisher_client.get(change_url(release)))
    second = change_form_data(other_window.get(change_url(release)))
    publisher_client.post(
        change_url(release),
        first | {"published_at_0": "2024-06-21", "published_at_1": "10:30:00"},
    )

    notice = conflict_notice(other_window.post(change_url(release), second))

    assert (
        "They changed publication time: “2024-06-20 09:00 (Asia/Shanghai)” → "
        "“2024-06-21 10:30 (Asia/Shanghai)”" in notice
    )


def test_a_save_made_outside_the_admin_refuses_a_stale_form(editor_client):
    release = ReleaseFactory(status=Status.DRAFT, title_en="Old title")
    stale = change_form_data(editor_client.get(change_url(release)))
    scripted = Release.objects.get(pk=release.pk)
    scripted.summary_en = "Written by an import script"
    scripted.save()

    response = editor_client.post(change_url(release), stale | {"title_en": "Editor's title"})

    assert response.status_code == 200
    assert "saved this record after you opened it" in response.content.decode()
    release.refresh_from_db()
    assert (release.title_en, release.summary_en) == ("Old title", "Written by an import script")


def test_two_publishers_on_one_figure_the_second_is_shown_the_first_and_both_are_kept(
    publisher_client, publisher
):
    figure = IndicatorFactory(value=5, year=2023, note_en="")
    url = reverse("admin:news_indicator_change", args=[figure.pk])
    page = publisher_client.get(url)
    assert 'name="seen_state"' in page.content.decode()
    first = change_form_data(page)
    other = Client()
    other.force_login(publisher)
    second = change_form_data(other.get(url))
    assert other.post(url, second | {"note_en": "Estimated."}).status_code == 302

    refused = publisher_client.post(url, first | {"year": "2024"})

    assert refused.status_code == 200
    assert "They changed note [en]: “” → “Estimated.”" in refused.content.decode()
    figure.refresh_from_db()
    assert (figure.year, figure.note_en) == (2023, "Estimated.")

    assert publisher_client.post(url, change_form_data(refused)).status_code == 302
    figure.refresh_from_db()
    assert (figure.year, figure.note_en) == (2024, "Estimated.")


def test_a_park_saved_meanwhile_refuses_a_stale_form(publisher_client, publisher):
    park = ParkFactory(name_en="North park")
    url = reverse("admin:zones_park_change", args=[park.pk])
    stale = change_form_data(publisher_client.get(url))
    Park.objects.filter(pk=park.pk).update(name_en="North industrial park")

    refused = publisher_client.post(url, stale | {"slug": "north"})

    assert refused.status_code == 200
    assert "“North park” → “North industrial park”" in refused.content.decode()
