"""Atom feeds of releases (all, a zone's, a series') and of events (all, a zone's): public
records only, in the language of the address, each entry saying its own language."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from portal.publishing.models import Status
from tests.factories import EventFactory, ReleaseFactory, SeriesFactory, ZoneFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def atom(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def entries(feed: ET.Element) -> dict[str, ET.Element]:
    return {entry.findtext(f"{ATOM}title"): entry for entry in feed.iter(f"{ATOM}entry")}


@pytest.fixture
def zone():
    return ZoneFactory(
        slug="puwan", name_en="Dalian Puwan Economic Zone", name_zh_hans="大连普湾经济区"
    )


def test_the_news_feed_lists_public_releases_with_absolute_links_dates_and_summaries(client):
    release = ReleaseFactory(slug="grows", title_en="Puwan grows", summary_en="Up 23.7%.")
    ReleaseFactory(title_en="A draft", status=Status.DRAFT)
    feed = atom(client, "/en/news/feed.atom")
    assert feed.get(XML_LANG) == "en"
    assert list(entries(feed)) == ["Puwan grows"]
    entry = entries(feed)["Puwan grows"]
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/en/news/grows/"
    assert entry.findtext(f"{ATOM}summary") == "Up 23.7%."
    assert entry.find(f"{ATOM}summary").get("type") == "text"
    assert entry.findtext(f"{ATOM}published") == release.published_at.isoformat()
    assert entry.findtext(f"{ATOM}updated") == release.updated_at.isoformat()
    assert feed.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Liaoning development zones"


def test_a_feed_speaks_the_language_of_its_address_and_marks_an_untranslated_entry(client):
    ReleaseFactory(title_en="Puwan grows", title_zh_hans="普湾增长")
    ReleaseFactory(title_en="Only in English", title_zh_hans="")
    feed = atom(client, "/zh-hans/news/feed.atom")
    assert feed.get(XML_LANG) == "zh-hans"
    found = entries(feed)
    assert found["普湾增长"].get(XML_LANG) == "zh-hans"
    assert found["Only in English"].get(XML_LANG) == "en"
    assert (
        found["普湾增长"]
        .find(f"{ATOM}link")
        .get("href")
        .startswith("http://testserver/zh-hans/news/")
    )


def test_a_summary_in_another_language_than_its_entrys_title_says_so(client):
    ReleaseFactory(title_en="Puwan grows", title_zh_hans="普湾增长", summary_en="Up 23.7%.")
    ReleaseFactory(title_en="Both", title_zh_hans="两种语言", summary_en="x", summary_zh_hans="是")
    found = entries(atom(client, "/zh-hans/news/feed.atom"))
    assert found["普湾增长"].find(f"{ATOM}summary").get(XML_LANG) == "en"
    assert found["两种语言"].find(f"{ATOM}summary").get(XML_LANG) is None  # the entry's own


def test_a_zones_news_feed_lists_the_public_releases_that_name_it(client, zone):
    named = ReleaseFactory(title_en="About Puwan")
    named.zones.add(zone)
    ReleaseFactory(title_en="About another zone")
    ReleaseFactory(title_en="Scheduled", published_at=timezone.now() + datetime.timedelta(days=1))
    feed = atom(client, "/en/zones/puwan/news.atom")
    assert list(entries(feed)) == ["About Puwan"]
    assert "Dalian Puwan Economic Zone" in feed.findtext(f"{ATOM}title")
    events = atom(client, "/en/zones/puwan/events.atom")
    assert feed.findtext(f"{ATOM}id") == "http://testserver/en/zones/puwan/news.atom"
    assert events.findtext(f"{ATOM}id") == "http://testserver/en/zones/puwan/events.atom"


def test_a_series_feed_lists_its_public_releases(client):
    series = SeriesFactory(slug="high-quality", name_en="High-quality development")
    ReleaseFactory(title_en="Fifth conference", series=series)
    ReleaseFactory(title_en="Draft conference", series=series, status=Status.REVIEW)
    ReleaseFactory(title_en="No series")
    feed = atom(client, "/en/news/series/high-quality/feed.atom")
    assert list(entries(feed)) == ["Fifth conference"]


def test_the_events_feeds_list_public_events_with_their_dates(client, zone):
    EventFactory(
        title_en="German Enterprises' Trip",
        zone=zone,
        start_date=datetime.date(2024, 6, 20),
        end_date=datetime.date(2024, 6, 22),
        description_en="A visit.",
    )
    EventFactory(title_en="Elsewhere")
    EventFactory(title_en="Draft event", zone=zone, status=Status.DRAFT)
    everything = entries(atom(client, "/en/events/feed.atom"))
    assert set(everything) == {"German Enterprises' Trip", "Elsewhere"}
    in_zone = entries(atom(client, "/en/zones/puwan/events.atom"))
    assert list(in_zone) == ["German Enterprises' Trip"]
    assert in_zone["German Enterprises' Trip"].findtext(f"{ATOM}summary") == (
        "<p>June 20, 2024 – June 22, 2024 · Dalian Puwan Economic Zone</p><p>A visit.</p>"
    )


def summary_html(entry: ET.Element) -> ET.Element:
    """An entry's HTML summary, parsed: it must be well-formed."""
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    return ET.fromstring(f"<div>{summary.text}</div>")


def test_an_events_summary_is_in_the_feeds_language_even_when_its_title_is_not(client, zone):
    """The summary opens with when and where in the feed's language; an entry titled in English
    does not make it English."""
    EventFactory(title_en="Only in English", zone=zone, start_date=datetime.date(2024, 6, 20))
    found = entries(atom(client, "/zh-hans/events/feed.atom"))
    assert found["Only in English"].get(XML_LANG) == "en"
    summary = found["Only in English"].find(f"{ATOM}summary")
    assert summary.get(XML_LANG) == "zh-hans"
    assert summary_html(found["Only in English"]).findtext("p") == "2024年6月20日 · 大连普湾经济区"


def test_an_events_untranslated_description_says_its_own_language_in_the_summary(client, zone):
    EventFactory(
        title_en="German Enterprises' Trip in Shenyang",
        title_zh_hans="德国企业沈阳行",
        zone=zone,
        start_date=datetime.date(2024, 6, 20),
        description_en="One of more than 100 activities.",
    )
    entry = entries(atom(client, "/zh-hans/events/feed.atom"))["德国企业沈阳行"]

    assert entry.get(XML_LANG) == "zh-hans"
    assert entry.find(f"{ATOM}summary").get(XML_LANG) is None  # Chinese, as its entry
    when, about = summary_html(entry).findall("p")
    assert (when.text, when.get("lang")) == ("2024年6月20日 · 大连普湾经济区", None)
    [description] = about
    assert (description.text, description.get("lang")) == ("One of more than 100 activities.", "en")


def test_an_events_untranslated_zone_says_its_own_language_in_the_summary(client):
    EventFactory(
        title_zh_hans="投资推介会",
        zone=ZoneFactory(name_en="Allychem Park", name_zh_hans=""),
        start_date=datetime.date(2024, 6, 20),
        description_zh_hans="推介会。",
    )
    entry = entries(atom(client, "/zh-hans/events/feed.atom"))["投资推介会"]

    when, about = summary_html(entry).findall("p")
    assert when.text == "2024年6月20日 · "
    assert (when.find("span").text, when.find("span").get("lang")) == ("Allychem Park", "en")
    assert (about.text, list(about)) == ("推介会。", [])


def test_an_entry_scheduled_ahead_was_updated_when_it_appeared(client, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    appears = now + datetime.timedelta(minutes=5)
    ReleaseFactory(title_en="Scheduled", published_at=appears)
    EventFactory(title_en="Scheduled event", published_at=appears)
    time_machine.move_to(appears + datetime.timedelta(minutes=1), tick=False)
    for url, title in [
        ("/en/news/feed.atom", "Scheduled"),
        ("/en/events/feed.atom", "Scheduled event"),
    ]:
        entry = entries(atom(client, url))[title]
        assert entry.findtext(f"{ATOM}updated") == entry.findtext(f"{ATOM}published")
        assert entry.findtext(f"{ATOM}published") == appears.isoformat()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.ARCHIVED])
@pytest.mark.parametrize("feed", ["news.atom", "events.atom", "events.ics"])
def test_the_feeds_of_a_zone_that_is_not_public_are_not_found(client, status, feed):
    ZoneFactory(slug="hidden", status=status)
    assert client.get(f"/en/zones/hidden/{feed}").status_code == 404
    assert client.get(f"/en/zones/no-such-zone/{feed}").status_code == 404


def test_the_feed_of_an_unknown_series_is_not_found(client):
    assert client.get("/en/news/series/no-such-series/feed.atom").status_code == 404


def test_a_scheduled_zone_has_no_feed_until_its_time(client, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    ZoneFactory(slug="soon", published_at=now + datetime.timedelta(minutes=1))
    assert client.get("/en/zones/soon/news.atom").status_code == 404
    time_machine.move_to(now + datetime.timedelta(minutes=2), tick=False)
    assert client.get("/en/zones/soon/news.atom").status_code == 200


def test_the_rss_feed_stays_where_it_was(client):
    ReleaseFactory(title_en="Puwan grows")
    response = client.get("/en/news/feed/")
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert "<title>Puwan grows</title>" in response.content.decode()


def test_an_untranslated_summary_in_the_rss_feed_says_its_own_language(client):
    ReleaseFactory(title_en="Puwan grows", title_zh_hans="普湾增长", summary_en="Up 23.7% & more.")
    ReleaseFactory(title_en="Both", title_zh_hans="两种语言", summary_en="x", summary_zh_hans="是")
    response = client.get("/zh-hans/news/feed/")
    channel = ET.fromstring(response.content).find("channel")
    found = {i.findtext("title"): i.findtext("description") for i in channel.iter("item")}

    assert channel.findtext("language") == "zh-hans"
    assert found["普湾增长"] == '<span lang="en">Up 23.7% &amp; more.</span>'
    assert found["两种语言"] == "是"


def test_pages_name_their_feeds_in_the_head_and_link_them(client, zone):
    series = SeriesFactory(slug="high-quality")
    head_links = {
        "/en/news/": ["/en/news/feed.atom", "/en/news/feed/"],
        "/en/news/?series=high-quality": ["/en/news/series/high-quality/feed.atom"],
        "/en/events/": ["/en/events/feed.atom", "/en/events/calendar.ics"],
        "/en/zones/puwan/": [
            "/en/zones/puwan/news.atom",
            "/en/zones/puwan/events.atom",
            "/en/zones/puwan/events.ics",
        ],
    }
    assert series.slug
    for page, feeds in head_links.items():
        html = client.get(page).content.decode()
        head, body = html.split("</head>")
        for feed in feeds:
            assert f'href="http://testserver{feed}"' in head, (page, feed)
            assert f'href="{feed}"' in body, (page, feed)


def test_a_chinese_zone_feed_is_titled_in_chinese(client, zone):
    feed = atom(client, "/zh-hans/zones/puwan/news.atom")
    assert feed.findtext(f"{ATOM}title") == "大连普湾经济区相关新闻"
    assert feed.find(f"{ATOM}author").findtext(f"{ATOM}name") == "辽宁开发区"
