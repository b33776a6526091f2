"""The sitemap and the news feed list public pages only, and forget a page as soon as it goes."""

import datetime
import re

import pytest
from django.utils import timezone

from portal.publishing.models import Status
from tests.factories import EnterpriseFactory, ReleaseFactory

pytestmark = pytest.mark.django_db


def sitemap(client, section: str) -> str:
    response = client.get(f"/sitemap-{section}.xml")
    assert response.status_code == 200
    return response.content.decode()


def test_the_sitemap_index_names_every_section(client):
    index = client.get("/sitemap.xml").content.decode()
    for section in ("pages", "zones", "enterprises", "institutions", "platforms", "news", "events"):
        assert f"/sitemap-{section}.xml" in index


def test_a_public_page_is_in_the_sitemap_in_both_languages(client):
    enterprise = EnterpriseFactory(slug="listed")
    text = sitemap(client, "enterprises")
    assert f"<loc>http://testserver/en/enterprises/{enterprise.slug}/</loc>" in text
    assert f"<loc>http://testserver/zh-hans/enterprises/{enterprise.slug}/</loc>" in text
    assert 'hreflang="zh-hans"' in text


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.ARCHIVED])
def test_a_page_that_is_not_public_is_in_neither_the_sitemap_nor_the_feed(client, status):
    release = ReleaseFactory(slug="not-public", title_en="Not public yet", status=status)
    assert release.slug not in sitemap(client, "news")
    assert release.title_en not in client.get("/en/news/feed/").content.decode()


def test_a_scheduled_release_joins_the_feed_at_its_time(client, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    ReleaseFactory(title_en="Scheduled", published_at=now + datetime.timedelta(minutes=1))
    assert "Scheduled" not in client.get("/en/news/feed/").content.decode()
    time_machine.move_to(now + datetime.timedelta(minutes=2), tick=False)
    assert "Scheduled" in client.get("/en/news/feed/").content.decode()


def test_the_feed_speaks_the_language_of_its_address(client):
    ReleaseFactory(title_en="Puwan grows", title_zh_hans="普湾增长")
    assert "<title>Puwan grows</title>" in client.get("/en/news/feed/").content.decode()
    assert "<title>普湾增长</title>" in client.get("/zh-hans/news/feed/").content.decode()


def test_a_page_and_the_sitemap_give_the_same_default_address_and_it_leads_to_the_page(client):
    enterprise = EnterpriseFactory(slug="listed")
    default = f"http://testserver/enterprises/{enterprise.slug}/"
    x_default = re.compile(r'hreflang="x-default" href="([^"]+)"')

    assert x_default.search(sitemap(client, "enterprises"))[1] == default
    for language in ("en", "zh-hans"):
        page = client.get(f"/{language}/enterprises/{enterprise.slug}/").text
        assert x_default.search(page)[1] == default
    followed = client.get(default, follow=True, headers={"accept-language": "zh-hans"})
    assert followed.redirect_chain[-1][0] == f"/zh-hans/enterprises/{enterprise.slug}/"
