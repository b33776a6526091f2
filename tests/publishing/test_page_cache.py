"""The page cache: anonymous visitors get stored pages, and never one that a change made stale."""

import datetime
import io

import pytest
import time_machine
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.management import call_command
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_http_date

from portal.publishing import pagecache
from portal.publishing.models import ContentVersion, Status
from portal.search.models import SearchEntry
from tests.factories import EventFactory, ReleaseFactory, SectorFactory, ZoneFactory

pytestmark = pytest.mark.django_db

NEWS = reverse("news:release_list")
RELEASES = reverse("admin:news_release_changelist")


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300


def from_cache(response) -> bool:
    """A stored page did not go through a template this time (the test client records one)."""
    return response.context is None


def run_action(client, action: str, *objects):
    return client.post(
        RELEASES, {"action": action, "_selected_action": [obj.pk for obj in objects]}, follow=True
    )


def test_a_visitor_gets_the_stored_page_the_second_time_without_a_query(
    visitor, django_assert_num_queries
):
    release = ReleaseFactory()
    first = visitor.get(NEWS)
    with django_assert_num_queries(0):
        second = visitor.get(NEWS)
    assert not from_cache(first) and from_cache(second)
    assert second.content == first.content
    assert release.title in second.content.decode()


def test_a_publish_shows_on_the_stored_page_at_once(publisher_client, visitor):
    ReleaseFactory()
    draft = ReleaseFactory(status=Status.REVIEW, published_at=None)
    assert draft.title not in visitor.get(NEWS).content.decode()
    run_action(publisher_client, "publish", draft)
    response = visitor.get(NEWS)
    assert draft.title in response.content.decode()
    assert visitor.get(draft.get_absolute_url()).status_code == 200


def test_an_unpublish_takes_the_release_off_the_stored_pages_at_once(publisher_client, visitor):
    release = ReleaseFactory()
    assert release.title in visitor.get(NEWS).content.decode()
    assert visitor.get(release.get_absolute_url()).status_code == 200
    assert from_cache(visitor.get(release.get_absolute_url()))
    run_action(publisher_client, "unpublish", release)
    assert release.title not in visitor.get(NEWS).content.decode()
    assert visitor.get(release.get_absolute_url()).status_code == 404


def test_an_edit_of_reference_data_shows_at_once(visitor):
    sector = SectorFactory(name_en="Shipbuilding")
    ZoneFactory().sectors.add(sector)
    assert "Shipbuilding" in visitor.get(reverse("zones:zone_list")).content.decode()
    sector.name_en = "Marine engineering"
    sector.save()
    page = visitor.get(reverse("zones:zone_list")).content.decode()
    assert "Marine engineering" in page and "Shipbuilding" not in page


def test_a_scheduled_release_appears_on_the_stored_page_at_its_time(visitor):
    ReleaseFactory()
    due = timezone.now() + datetime.timedelta(minutes=3)
    scheduled = ReleaseFactory(published_at=due)
    assert scheduled.title not in visitor.get(NEWS).content.decode()
    assert from_cache(visitor.get(NEWS))
    with time_machine.travel(due + datetime.timedelta(seconds=1)):
        assert scheduled.title in visitor.get(NEWS).content.decode()


def test_an_event_that_ended_yesterday_leaves_the_stored_upcoming_list_at_midnight(
    visitor, time_machine
):
    last_day = datetime.date(2027, 3, 10)
    event = EventFactory(title_en="Trade fair in March", start_date=last_day)
    upcoming = reverse("news:event_list") + "?when=upcoming"
    shanghai = timezone.get_current_timezone()
    time_machine.move_to(datetime.datetime(2027, 3, 10, 23, 58, tzinfo=shanghai), tick=False)
    assert event.title in visitor.get(upcoming).content.decode()
    assert from_cache(visitor.get(upcoming))

    time_machine.move_to(datetime.datetime(2027, 3, 11, 0, 1, tzinfo=shanghai), tick=False)
    assert event.title not in visitor.get(upcoming).content.decode()


def test_a_lost_version_token_is_a_miss_never_a_stale_page(visitor):
    release = ReleaseFactory()
    visitor.get(NEWS)
    cache.delete(pagecache.VERSION_KEY)
    # A change that reached the database (its row and the content's version there) but not the
    # cache, whose token is lost: a new one.
    type(release).objects.filter(pk=release.pk).update(title_en="Changed outside the ORM")
    ContentVersion.renew()
    response = visitor.get(NEWS)
    assert not from_cache(response)
    assert "Changed outside the ORM" in response.content.decode()


def test_staff_pages_are_never_stored(publisher_client):
    release = ReleaseFactory()
    publisher_client.get(NEWS)
    assert not from_cache(publisher_client.get(NEWS))
    preview = reverse("admin:news_release_change", args=[release.pk])
    publisher_client.get(preview)
    assert not from_cache(publisher_client.get(preview))


def test_a_visitor_with_a_message_waiting_gets_a_page_of_their_own(visitor, rf):
    ReleaseFactory()
    visitor.get(NEWS)
    assert from_cache(visitor.get(NEWS))
    storage = CookieStorage(rf.get(NEWS))
    storage.add(messages.SUCCESS, "Thank you for your enquiry.")
    response = HttpResponse()
    storage.update(response)
    visitor.cookies["messages"] = response.cookies["messages"].value
    assert not from_cache(visitor.get(NEWS))


def test_a_page_with_a_form_that_uses_a_csrf_token_is_never_stored(visitor):
    login = reverse("admin:login")
    visitor.get(login)
    response = visitor.get(login)
    assert not from_cache(response)
    assert "csrfmiddlewaretoken" in response.content.decode()


def test_the_enterprise_results_for_htmx_and_the_whole_page_are_stored_apart(visitor):
    directory = reverse("zones:enterprise_list")
    page = visitor.get(directory)
    results = visitor.get(directory, headers={"HX-Request": "true"})
    assert b"<html" in page.content and b"<html" not in results.content
    assert b"<html" in visitor.get(directory).content


@pytest.mark.parametrize(
    "first",
    [
        {"HX-History-Restore-Request": "true"},
        {"HX-Request": "tru", "HX-History-Restore-Request": "e"},
    ],
)
def test_no_other_htmx_headers_store_a_whole_page_as_the_results(visitor, first):
    directory = reverse("zones:enterprise_list") + "?sector=none-such"
    assert b"<html" in visitor.get(directory, headers=first).content
    assert b"<html" not in visitor.get(directory, headers={"HX-Request": "true"}).content


def test_a_rebuild_of_the_search_index_shows_on_the_stored_search_pages(visitor):
    zone = ZoneFactory(name_en="Tieling Zone")
    SearchEntry.objects.all().delete()
    search = reverse("search") + "?q=tieling"
    assert zone.get_absolute_url().encode() not in visitor.get(search).content

    call_command("rebuild_search_index", "--no-progress", stdout=io.StringIO())

    assert zone.get_absolute_url().encode() in visitor.get(search).content


def test_a_migrate_retires_the_stored_pages(visitor):
    visitor.get(NEWS)
    assert from_cache(visitor.get(NEWS))
    call_command("migrate", verbosity=0)
    assert not from_cache(visitor.get(NEWS))


def test_a_conditional_request_for_an_unchanged_page_answers_304(visitor):
    ReleaseFactory()
    first = visitor.get(NEWS)
    assert first["ETag"] and first["Last-Modified"]
    again = visitor.get(NEWS, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == first["Cache-Control"]
    assert (
        visitor.get(NEWS, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304
    )
    ReleaseFactory()
    assert visitor.get(NEWS, headers={"If-None-Match": first["ETag"]}).status_code == 200


def test_page_cache_seconds_zero_switches_it_off(settings, visitor):
    settings.PAGE_CACHE_SECONDS = 0
    visitor.get(NEWS)
    assert not from_cache(visitor.get(NEWS))


@pytest.mark.parametrize("address", ["/en/news/feed.atom", "/sitemap-news.xml"])
def test_a_dated_feed_or_sitemap_is_checked_back_on_also_when_pages_are_not_stored(
    settings, visitor, address
):
    settings.PAGE_CACHE_SECONDS = 0
    ReleaseFactory()
    response = visitor.get(address)
    assert response.has_header("Last-Modified")
    assert response["Cache-Control"] == "max-age=0, must-revalidate"


def test_a_page_asked_for_under_another_host_is_stored_apart(settings, visitor):
    settings.ALLOWED_HOSTS = ["portal.example.org"]
    ReleaseFactory()
    visitor.get(NEWS, HTTP_HOST="portal.example.org:1337")
    page = visitor.get(NEWS, HTTP_HOST="portal.example.org")
    assert not from_cache(page)
    assert "portal.example.org:1337" not in page.content.decode()
    assert 'href="http://portal.example.org/en/news/"' in page.content.decode()


def test_a_stored_api_answer_gets_the_cors_headers_of_each_request(visitor):
    ReleaseFactory()
    url = "/api/v1/releases/"
    visitor.get(url)
    stored = visitor.get(url, headers={"Origin": "https://other.example"})
    assert stored["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in visitor.get(url)


def test_a_stored_api_answer_is_not_given_to_a_client_that_accepts_no_json(
    visitor, django_assert_num_queries
):
    ReleaseFactory()
    url = "/api/v1/releases/"
    assert visitor.get(url, headers={"Accept": "application/json"}).status_code == 200
    assert visitor.get(url, headers={"Accept": "text/html"}).status_code == 406
    with django_assert_num_queries(0):
        assert visitor.get(url, headers={"Accept": "application/json"}).status_code == 200


def test_a_change_visitors_cannot_see_leaves_the_pages_last_modified_as_it_was(
    visitor, time_machine
):
    """Every save stores pages anew; a page that did not change must not tell when an editor
    last saved something unpublished."""
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    ReleaseFactory()
    first = visitor.get(NEWS)
    time_machine.move_to(now + datetime.timedelta(minutes=5), tick=False)
    ReleaseFactory(status=Status.DRAFT, published_at=None)

    again = visitor.get(NEWS, headers={"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 304
    assert again["Last-Modified"] == first["Last-Modified"]


def test_a_page_that_changes_back_is_modified_again_for_a_client_that_kept_the_change(
    publisher_client, visitor, time_machine
):
    """A release unpublished, then published again: the list is as it was at first, and newer
    than the list without it that a feed reader or a proxy kept meanwhile."""
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    ReleaseFactory()
    release = ReleaseFactory()
    first = visitor.get(NEWS)
    time_machine.move_to(now + datetime.timedelta(minutes=1), tick=False)
    run_action(publisher_client, "unpublish", release)
    without = visitor.get(NEWS)
    assert release.title not in without.content.decode()
    time_machine.move_to(now + datetime.timedelta(minutes=2), tick=False)
    run_action(publisher_client, "publish", release)

    again = visitor.get(NEWS, headers={"If-Modified-Since": without["Last-Modified"]})

    assert again.status_code == 200
    assert release.title in again.content.decode()
    assert again["ETag"] == first["ETag"]
    assert parse_http_date(again["Last-Modified"]) > parse_http_date(without["Last-Modified"])


@pytest.mark.parametrize("address", [reverse("news:release_atom"), "/sitemap-news.xml"])
def test_a_feed_or_sitemap_that_lost_an_item_is_modified_for_a_client_that_kept_it(
    publisher_client, visitor, time_machine, address
):
    """A feed and a sitemap date themselves by their newest item; an item taken off leaves
    that date as it was, or moves it back, while the document changed."""
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    ReleaseFactory(published_at=now - datetime.timedelta(days=2))
    newest = ReleaseFactory(published_at=now - datetime.timedelta(days=1))
    first = visitor.get(address)
    assert newest.get_absolute_url() in first.content.decode()
    time_machine.move_to(now + datetime.timedelta(minutes=1), tick=False)
    run_action(publisher_client, "unpublish", newest)

    again = visitor.get(address, headers={"If-Modified-Since": first["Last-Modified"]})

    assert again.status_code == 200
    assert newest.get_absolute_url() not in again.content.decode()
    assert parse_http_date(again["Last-Modified"]) > parse_http_date(first["Last-Modified"])
