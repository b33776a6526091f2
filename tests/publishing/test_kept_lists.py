"""List pages and the search read what they show for a query once per version of the content,
and never show a stale list."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.publishing import kept
from portal.publishing.models import Status
from tests.factories import EnterpriseFactory, InstitutionFactory, ReleaseFactory, ZoneFactory
from tests.publishing.test_kept import without_nonces
from zones.models import City

pytestmark = pytest.mark.django_db

ENTERPRISES = reverse("admin:zones_enterprise_changelist")
RELEASES = reverse("admin:news_release_changelist")

LISTS = [
    reverse("zones:zone_list"),
    reverse("zones:enterprise_list"),
    reverse("news:release_list"),
    reverse("news:event_list"),
    reverse("zones:institution_list"),
    reverse("search") + "?q=harbour",
    reverse("search_suggestions") + "?q=harbour",
]


@pytest.mark.parametrize("url", LISTS)
def test_a_second_visit_reads_nothing_but_the_contents_version(
    visitor, django_assert_num_queries, url
):
    zone = ZoneFactory(name_en="Harbour Zone")
    EnterpriseFactory(zone=zone, name_en="Harbour Cranes Co.")
    first = visitor.get(url)
    with django_assert_num_queries(1):
        second = visitor.get(url)
    assert second.content == first.content


def test_each_query_is_answered_for_itself(visitor):
    ZoneFactory(name_en="Harbour Zone", city=City.DALIAN)
    ZoneFactory(name_en="Riverside Zone", city=City.SHENYANG)
    for _ in range(2):
        for city, shown, left_out in (
            ("dalian", "Harbour Zone", "Riverside Zone"),
            ("shenyang", "Riverside Zone", "Harbour Zone"),
        ):
            page = visitor.get(reverse("zones:zone_list"), {"city": city}).content.decode()
            assert shown in page and left_out not in page


@pytest.mark.parametrize(
    "url",
    [
        reverse("zones:enterprise_list"),
        reverse("search") + "?q=harbour",
        reverse("search_suggestions") + "?q=harbour",
    ],
)
def test_a_new_enterprise_shows_at_once_and_an_unpublished_one_goes_at_once(
    publisher_client, visitor, url
):
    zone = ZoneFactory(name_en="Harbour Zone")
    assert "Harbour Cranes Co." not in visitor.get(url).content.decode()
    enterprise = EnterpriseFactory(zone=zone, name_en="Harbour Cranes Co.")
    assert "Harbour Cranes Co." in visitor.get(url).content.decode()
    publisher_client.post(
        ENTERPRISES, {"action": "unpublish", "_selected_action": [enterprise.pk]}, follow=True
    )
    assert "Harbour Cranes Co." not in visitor.get(url).content.decode()


def test_an_unpublished_release_leaves_the_news_at_once(publisher_client, visitor):
    release = ReleaseFactory(title_en="Harbour grows")
    assert "Harbour grows" in visitor.get(reverse("news:release_list")).content.decode()
    publisher_client.post(
        RELEASES, {"action": "unpublish", "_selected_action": [release.pk]}, follow=True
    )
    assert "Harbour grows" not in visitor.get(reverse("news:release_list")).content.decode()


def test_a_renamed_institution_shows_renamed_in_the_list_at_once(visitor):
    institution = InstitutionFactory(name_en="Harbour University")
    url = reverse("zones:institution_list")
    assert "Harbour University" in visitor.get(url).content.decode()
    institution.name_en = "Harbour Maritime University"
    institution.save()
    assert "Harbour Maritime University" in visitor.get(url).content.decode()


def test_the_zone_lists_count_of_enterprises_follows_a_publish(visitor):
    zone = ZoneFactory(name_en="Harbour Zone")
    assert "0 enterprises" in visitor.get(reverse("zones:zone_list")).content.decode()
    enterprise = EnterpriseFactory(zone=zone, status=Status.DRAFT, published_at=None)
    assert "0 enterprises" in visitor.get(reverse("zones:zone_list")).content.decode()
    enterprise.status = Status.PUBLISHED
    enterprise.published_at = timezone.now()
    enterprise.save()
    assert "1 enterprise<" in visitor.get(reverse("zones:zone_list")).content.decode()


def test_a_scheduled_release_joins_the_news_and_the_search_at_its_time(visitor):
    due = timezone.now() + datetime.timedelta(minutes=3)
    ReleaseFactory(title_en="Harbour opens a new berth", published_at=due)
    urls = [reverse("news:release_list"), reverse("search") + "?q=berth"]
    for url in urls:
        assert "Harbour opens a new berth" not in visitor.get(url).content.decode()
    with time_machine.travel(due + datetime.timedelta(seconds=1)):
        for url in urls:
            assert "Harbour opens a new berth" in visitor.get(url).content.decode()


def test_a_list_rendered_from_what_was_kept_is_the_list_rendered_afresh(visitor):
    zone = ZoneFactory(name_en="Harbour Zone")
    EnterpriseFactory(zone=zone, name_en="Harbour Cranes Co.")
    ReleaseFactory(title_en="Harbour grows")
    for url in LISTS:
        for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
            first, second = (without_nonces(visitor.get(url, **htmx)) for _ in range(2))
            assert second == first, url
            kept.forget()
            assert without_nonces(visitor.get(url, **htmx)) == first, url


def test_a_query_string_too_long_to_keep_is_answered_all_the_same(visitor):
    ZoneFactory(name_en="Harbour Zone")
    long_query = {"q": "harbour", "extra": "x" * kept.QUERY_KEPT_CHARS}
    for _ in range(2):
        page = visitor.get(reverse("search"), long_query).content.decode()
        assert "Harbour Zone" in page
    assert not kept.lists._kept


def test_the_lists_shelf_keeps_the_most_recently_used_queries(visitor, monkeypatch):
    monkeypatch.setattr(kept.lists, "size", 3)
    for word in ("harbour", "port", "river", "bay"):
        visitor.get(reverse("search"), {"q": word})
    queries = [key[-1] for key in kept.lists._kept]
    assert queries == [(("q", (word,)),) for word in ("port", "river", "bay")]
