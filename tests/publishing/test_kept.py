"""Detail pages read their record once per version of the content, and never show a stale one."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from news.models import Release
from portal.publishing import kept
from portal.publishing.models import ContentVersion, Status
from tests.adminforms import change_form_data
from tests.factories import EnterpriseFactory, ReleaseFactory, ZoneFactory

pytestmark = pytest.mark.django_db

RELEASES = reverse("admin:news_release_changelist")


def test_a_second_visit_reads_nothing_but_the_contents_version(visitor, django_assert_num_queries):
    release = ReleaseFactory(title_en="Port logistics grow")
    assert "Port logistics grow" in visitor.get(release.get_absolute_url()).content.decode()
    with django_assert_num_queries(1):
        page = visitor.get(release.get_absolute_url()).content.decode()
    assert "Port logistics grow" in page


def test_an_edit_shows_on_the_page_at_once(visitor):
    zone = ZoneFactory(name_en="Old Harbour Zone")
    assert "Old Harbour Zone" in visitor.get(zone.get_absolute_url()).content.decode()
    zone.name_en = "New Harbour Zone"
    zone.save()
    page = visitor.get(zone.get_absolute_url()).content.decode()
    assert "New Harbour Zone" in page and "Old Harbour Zone" not in page


def test_an_edit_of_a_record_the_page_lists_shows_at_once(visitor):
    zone = ZoneFactory()
    enterprise = EnterpriseFactory(zone=zone, name_en="Harbour Cranes Co.")
    assert "Harbour Cranes Co." in visitor.get(zone.get_absolute_url()).content.decode()
    enterprise.name_en = "Harbour Robotics Co."
    enterprise.save()
    page = visitor.get(zone.get_absolute_url()).content.decode()
    assert "Harbour Robotics Co." in page and "Harbour Cranes Co." not in page


def test_an_unpublish_takes_the_page_down_at_once(publisher_client, visitor):
    release = ReleaseFactory()
    assert visitor.get(release.get_absolute_url()).status_code == 200
    publisher_client.post(
        RELEASES, {"action": "unpublish", "_selected_action": [release.pk]}, follow=True
    )
    assert visitor.get(release.get_absolute_url()).status_code == 404


def test_a_change_saved_by_another_process_shows_at_once(visitor):
    release = ReleaseFactory(title_en="Port logistics grow")
    visitor.get(release.get_absolute_url())
    # Another process's save: its row and the content's new version, in the database only.
    Release.objects.filter(pk=release.pk).update(title_en="Port logistics double")
    ContentVersion.renew()
    cache.clear()
    page = visitor.get(release.get_absolute_url()).content.decode()
    assert "Port logistics double" in page and "Port logistics grow" not in page


def test_a_scheduled_release_appears_on_the_zones_page_at_its_time(visitor):
    zone = ZoneFactory()
    due = timezone.now() + datetime.timedelta(minutes=3)
    scheduled = ReleaseFactory(title_en="Port opens a new berth", published_at=due)
    scheduled.zones.add(zone)
    assert "Port opens a new berth" not in visitor.get(zone.get_absolute_url()).content.decode()
    with time_machine.travel(due + datetime.timedelta(seconds=1)):
        page = visitor.get(zone.get_absolute_url()).content.decode()
    assert "Port opens a new berth" in page


def test_a_draft_is_not_found_however_often_it_is_asked_for(visitor):
    release = ReleaseFactory(status=Status.DRAFT, published_at=None)
    assert visitor.get(release.get_absolute_url()).status_code == 404
    release.status = Status.PUBLISHED
    release.save()
    assert visitor.get(release.get_absolute_url()).status_code == 200


def test_each_language_keeps_its_own_page(visitor):
    zone = ZoneFactory(name_en="Harbour Zone", name_zh_hans="港区")
    for _ in range(2):
        for language, name in (("en", "Harbour Zone"), ("zh-hans", "港区")):
            with translation.override(language):
                url = zone.get_absolute_url()
            heading = visitor.get(url).content.decode().split("<h1", 1)[1].split("</h1>", 1)[0]
            assert name in heading


@pytest.mark.parametrize("visited_first", [True, False])
def test_a_draft_preview_shows_the_draft_and_visitors_keep_the_live_page(
    editor_client, visitor, visited_first
):
    release = ReleaseFactory(title_en="Four zones report growth")
    if visited_first:
        assert (
            "Four zones report growth" in visitor.get(release.get_absolute_url()).content.decode()
        )
    change = reverse("admin:news_release_change", args=[release.pk])
    data = change_form_data(editor_client.get(change)) | {
        "title_en": "Four zones report record growth"
    }
    assert editor_client.post(change, data).status_code == 302
    preview = reverse("admin:news_release_draft_preview", args=[release.pk])
    assert "Four zones report record growth" in editor_client.get(preview).content.decode()
    page = visitor.get(release.get_absolute_url()).content.decode()
    assert "Four zones report growth" in page and "record growth" not in page


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_page_rendered_from_what_was_kept_is_the_page_rendered_afresh(visitor, language):
    zone = ZoneFactory(name_en="Harbour Zone", name_zh_hans="港区")
    EnterpriseFactory(zone=zone)
    release = ReleaseFactory()
    release.zones.add(zone)
    with translation.override(language):
        urls = [reverse("home"), zone.get_absolute_url(), release.get_absolute_url()]
    for url in urls:
        first, second = (without_nonces(visitor.get(url)) for _ in range(2))
        assert second == first, url
        kept.forget()
        assert without_nonces(visitor.get(url)) == first, url


def without_nonces(response) -> str:
    return re.sub(r'nonce="[^"]*"', "", response.content.decode())


def test_the_structured_data_names_the_host_each_visit_asked_for(settings, visitor):
    settings.ALLOWED_HOSTS = ["testserver", "zones.example.org"]
    zone = ZoneFactory()
    for host in ("testserver", "zones.example.org", "testserver"):
        page = visitor.get(zone.get_absolute_url(), HTTP_HOST=host).content.decode()
        data = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
        assert f'"url":"http://{host}{zone.get_absolute_url()}"' in data
        assert "zones.example.org" not in data or host == "zones.example.org"
