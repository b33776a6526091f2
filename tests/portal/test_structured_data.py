"""Structured data (schema.org JSON-LD) on every public page: valid for the types it uses,
absolute URLs, ISO 8601 dates, public facts only; and the sharing metadata (Open Graph, Twitter
cards) beside it."""

import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.publishing.models import Status
from tests import schemaorg
from tests.factories import (
    EnterpriseFactory,
    EventFactory,
    InstitutionFactory,
    ParkFactory,
    ReleaseFactory,
    SeriesFactory,
    ZoneFactory,
)
from tests.publicsite import public_site

pytestmark = pytest.mark.django_db

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 630), (11, 79, 138)).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def rich(demo, settings, tmp_path):
    """The demo, and records with every fact the structured data can carry."""
    settings.MEDIA_ROOT = tmp_path
    zone = ZoneFactory(
        slug="liaobin",
        name_en="Liaobin Coastal ETDZ of Panjin",
        name_zh_hans="盘锦辽滨沿海经济技术开发区",
        short_name_en="Liaobin ETDZ",
        summary_en="A coastal zone.",
        website="https://example.org/liaobin",
        address_en="1 Harbour Road",
        latitude=Decimal("40.7"),
        longitude=Decimal("122.1"),
        area_km2=Decimal("123.45"),
        established_year=1992,
        cover_image=jpeg(),
        cover_image_alt_en="The port",
        cover_image_alt_zh_hans="港口",
    )
    zone.aliases.create(name="辽滨经开区", kind="short")
    ParkFactory(zone=zone, name_en="Chemical park", focus_en="Fine chemicals")
    enterprise = EnterpriseFactory(
        slug="harbour-chemicals",
        zone=zone,
        credit_code="91210000000000000X",
        website="https://example.org/harbour",
        founded_year=2008,
        logo=jpeg(),
    )
    InstitutionFactory(slug="research", kind="research_institute", city_en="Dalian")
    release = ReleaseFactory(
        slug="liaobin-grows",
        title_en="Liaobin grows </script><script>alert(1)</script> & more",
        series=SeriesFactory(),
        location_en="Shenyang",
        issuing_body_en="Information Office",
        cover_image=jpeg(),
        cover_image_alt_en="A press conference",
    )
    release.zones.add(zone)
    release.enterprises.add(enterprise)
    event = EventFactory(
        slug="liaobin-day",
        zone=zone,
        start_date=datetime.date(2024, 6, 20),
        end_date=datetime.date(2024, 6, 21),
    )
    event.releases.add(release)
    EventFactory(slug="no-zone-no-date", zone=None, start_date=None)
    return zone


def blocks(html: str) -> list[dict]:
    return [json.loads(block) for block in LD_JSON.findall(html)]


def nodes(html: str, type_: str) -> list[dict]:
    found = []
    for document in blocks(html):
        for node in document["@graph"]:
            if type_ in schemaorg.types_of(node):
                found.append(node)
    return found


def test_every_public_page_has_valid_structured_data(client, rich):
    found = {}
    pages = 0
    for address, body in public_site(client, queries=("liaobin",)).items():
        if not body.startswith(b"<!doctype html>"):
            continue
        html = body.decode()
        documents = LD_JSON.findall(html)
        pages += 1
        if len(documents) != 1:
            found[address] = [f"{len(documents)} ld+json blocks"]
            continue
        if issues := schemaorg.document_problems(json.loads(documents[0])):
            found[address] = issues
    assert found == {}
    assert pages > 30


def test_the_validator_refuses_what_schema_org_does_not_define():
    document = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "name": "A", "url": "/en/enterprises/a/"},
            {"@type": "Event", "name": "B", "url": "http://x/b/", "startDate": "20 June"},
            {"@type": "NewsArticle", "headline": "C", "url": "http://x/c/", "colour": "red"},
            {"@type": "Zone", "name": "D"},
            {"@type": "Place", "url": "http://x/e/"},
        ],
    }
    assert schemaorg.document_problems(document) == [
        "@graph[0].url: '/en/enterprises/a/' is not a ['URL']",
        "@graph[1].startDate: '20 June' is not a ['Date', 'DateTime']",
        "@graph[2]: NewsArticle without datePublished",
        "@graph[2]: colour is not a property of ['NewsArticle']",
        "@graph[3]: unknown @type ['Zone']",
        "@graph[4]: Place without name",
    ]
    assert schemaorg.document_problems({"@context": "http://schema.org", "@graph": []}) == [
        "@context is not https://schema.org"
    ]


def test_a_zone_is_a_place_and_the_body_that_runs_it(client, rich):
    html = client.get("/en/zones/liaobin/").content.decode()
    (zone,) = nodes(html, "Place")
    assert zone["@type"] == ["Place", "GovernmentOrganization"]
    assert zone["url"] == "http://testserver/en/zones/liaobin/"
    assert zone["geo"] == {"@type": "GeoCoordinates", "latitude": 40.7, "longitude": 122.1}
    assert zone["address"]["streetAddress"] == "1 Harbour Road"
    assert zone["alternateName"] == ["Liaobin ETDZ", "辽滨经开区"]
    assert zone["image"].startswith("http://testserver/media/zones/covers/")
    assert zone["sameAs"] == ["https://example.org/liaobin"]
    chinese = nodes(client.get("/zh-hans/zones/liaobin/").content.decode(), "Place")[0]
    assert chinese["name"] == "盘锦辽滨沿海经济技术开发区"


def test_a_zones_figures_are_a_dataset_based_on_the_releases_that_report_them(client, demo):
    html = client.get("/en/zones/dalian-puwan/").content.decode()
    (dataset,) = nodes(html, "Dataset")
    assert [source["url"] for source in dataset["isBasedOn"]] == [
        f"http://testserver{demo.get_absolute_url()}"
    ]
    assert "Growth in gazelle enterprises" in dataset["variableMeasured"]


def test_an_enterprise_carries_its_credit_code_as_identifier(client, rich):
    html = client.get("/en/enterprises/harbour-chemicals/").content.decode()
    (enterprise,) = nodes(html, "Organization")
    assert enterprise["identifier"] == {
        "@type": "PropertyValue",
        "propertyID": "unified social credit code",
        "name": "unified social credit code",
        "value": "91210000000000000X",
    }
    assert enterprise["location"]["url"] == "http://testserver/en/zones/liaobin/"


def test_a_release_is_a_news_article_about_its_public_zones(client, rich):
    hidden = EnterpriseFactory(name_en="Draft Enterprise", status=Status.DRAFT)
    release = rich.releases.get()
    release.enterprises.add(hidden)
    html = client.get("/zh-hans/news/liaobin-grows/").content.decode()
    (article,) = nodes(html, "NewsArticle")
    assert article["about"][0]["url"] == "http://testserver/zh-hans/zones/liaobin/"
    assert article["inLanguage"] == "en"
    assert article["datePublished"].endswith("+08:00")
    assert article["image"][0].startswith("http://testserver/media/releases/covers/")
    assert article["isPartOf"]["@type"] == "CreativeWorkSeries"
    named = [m["url"] for m in article["mentions"] if m["@type"] == "Organization"]
    assert named == ["http://testserver/zh-hans/enterprises/harbour-chemicals/"]
    assert "Draft Enterprise" not in html


def test_structured_data_cannot_close_its_script_element(client, rich):
    html = client.get("/en/news/liaobin-grows/").content.decode()
    (block,) = LD_JSON.findall(html)
    assert "<" not in block and ">" not in block and "&" not in block
    assert nodes(html, "NewsArticle")[0]["headline"].startswith("Liaobin grows </script>")


def test_an_event_has_its_days_and_its_zone(client, rich):
    (event,) = nodes(client.get("/en/events/liaobin-day/").content.decode(), "Event")
    assert (event["startDate"], event["endDate"]) == ("2024-06-20", "2024-06-21")
    assert event["location"]["name"] == "Liaobin Coastal ETDZ of Panjin"
    assert "organizer" not in event and "eventStatus" not in event
    (undated,) = nodes(client.get("/en/events/no-zone-no-date/").content.decode(), "Event")
    assert "startDate" not in undated and "location" not in undated


def test_detail_pages_have_breadcrumbs_with_absolute_urls(client, rich):
    html = client.get("/zh-hans/enterprises/harbour-chemicals/").content.decode()
    (crumbs,) = nodes(html, "BreadcrumbList")
    assert [item["item"] for item in crumbs["itemListElement"]] == [
        "http://testserver/zh-hans/",
        "http://testserver/zh-hans/enterprises/",
        "http://testserver/zh-hans/enterprises/harbour-chemicals/",
    ]
    assert crumbs["itemListElement"][0]["name"] == "首页"


def test_the_home_page_offers_the_search_to_search_engines(client, db):
    (site,) = nodes(client.get("/zh-hans/").content.decode(), "WebSite")
    assert site["url"] == "http://testserver/zh-hans/"
    assert site["potentialAction"]["target"]["urlTemplate"] == (
        "http://testserver/zh-hans/search/?q={search_term_string}"
    )


def meta(html: str, name: str) -> list[str]:
    pattern = rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"'
    return re.findall(pattern, html)


@pytest.mark.parametrize(
    ("language", "locale", "alternate"), [("en", "en_US", "zh_CN"), ("zh-hans", "zh_CN", "en_US")]
)
def test_sharing_metadata_names_the_page_its_language_and_its_image(
    client, rich, language, locale, alternate
):
    html = client.get(f"/{language}/zones/liaobin/").content.decode()
    assert meta(html, "og:url") == [f"http://testserver/{language}/zones/liaobin/"]
    assert meta(html, "og:locale") == [locale]
    assert meta(html, "og:locale:alternate") == [alternate]
    (image,) = meta(html, "og:image")
    assert image.startswith("http://testserver/media/zones/covers/")
    assert meta(html, "og:image:alt") == ["港口" if language == "zh-hans" else "The port"]
    assert meta(html, "twitter:card") == ["summary_large_image"]


def test_a_page_without_an_image_shares_as_a_summary_card(client, demo):
    html = client.get("/en/zones/dalian-puwan/").content.decode()
    assert meta(html, "og:image") == []
    assert meta(html, "twitter:card") == ["summary"]
    assert meta(html, "og:url") == ["http://testserver/en/zones/dalian-puwan/"]


def test_a_release_with_a_cover_image_shares_it(client, rich):
    html = client.get("/en/news/liaobin-grows/").content.decode()
    assert meta(html, "og:image")[0].startswith("http://testserver/media/releases/covers/")
    assert meta(html, "og:type") == ["article"]
    assert meta(html, "twitter:card") == ["summary_large_image"]
