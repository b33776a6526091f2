"""Zone profiles, the zone list, and the enterprise, institution and platform pages."""

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from tests.factories import (
    CooperationFactory,
    EnterpriseFactory,
    EnterpriseQualificationFactory,
    InstitutionFactory,
    QualificationFactory,
    ZoneFactory,
)
from zones.models import ZoneAlias

pytestmark = pytest.mark.django_db

RELEASE_URL = "/en/news/shenyang-etdz-internationalized-industrial-ecosystem/"


def test_dalian_puwan_profile_shows_its_figures_linked_to_the_release(client, demo):
    response = client.get("/en/zones/dalian-puwan/")
    indicators = list(response.context["indicators"])
    growth = {(i.metric.slug, i.year, str(i.value.normalize())) for i in indicators}
    assert growth == {
        ("high-tech-enterprises-growth", 2023, "23.7"),
        ("gazelle-enterprises-growth", 2023, "116.7"),
        ("young-eagle-enterprises-growth", 2023, "27.3"),
        ("technology-based-smes-growth", 2023, "35"),
        ("provincial-alliance-members", None, "4"),
    }
    for text in ("+23.7%", "+116.7%", "+27.3%", "+35%"):
        assert text in response.text
    # The release is named once, below the table; each row points to it by number.
    assert response.text.count(f'href="{RELEASE_URL}" class="source-link"') == 1
    assert response.text.count('href="#source-1" class="source-ref"') == 5


def test_the_profile_links_to_the_directory_filtered_to_the_zone(client, demo):
    response = client.get("/en/zones/dalian-puwan/")
    assert 'href="/en/enterprises/?zone=dalian-puwan"' in response.text


def test_the_profile_shows_former_names(client, db):
    zone = ZoneFactory(slug="renamed")
    ZoneAlias.objects.create(zone=zone, name="Old Name Zone", used_until=2010)
    response = client.get(zone.get_absolute_url())
    assert "Old Name Zone" in response.text
    assert "until 2010" in response.text


def test_the_chinese_profile_has_the_chinese_name_and_interface(client, demo):
    response = client.get("/zh-hans/zones/dalian-puwan/")
    assert "<h1>大连普湾经济区</h1>" in response.text
    assert "主要数据" in response.text
    assert '<html lang="zh-hans">' in response.text


def test_a_missing_translation_is_shown_in_english_and_marked_as_such(client, demo):
    response = client.get("/zh-hans/enterprises/allychem/")
    # The note is Chinese, on an element of the page's language; the name inside is English.
    assert (
        '<span class="untranslated" title="尚无中文译文">'
        '<span lang="en">Allychem Co., Ltd.</span></span>'
    ) in response.text
    assert 'lang="en" class="untranslated"' not in response.text


def test_the_note_on_a_missing_translation_is_in_the_english_pages_language(client, db):
    ZoneFactory(slug="shenfu", name_en="", name_zh_hans="沈抚示范区")
    response = client.get("/en/zones/")
    assert (
        '<span class="untranslated" title="Not yet translated">'
        '<span lang="zh-Hans">沈抚示范区</span></span>'
    ) in response.text


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("name", ["a", "b"]), ("established", ["b", "a"]), ("enterprises", ["b", "a"])],
)
def test_the_zone_list_sorts(client, db, sort, expected):
    ZoneFactory(slug="a", name_en="Alpha", established_year=2000)
    busy = ZoneFactory(slug="b", name_en="Beta", established_year=1990)
    EnterpriseFactory.create_batch(2, zone=busy)
    response = client.get(reverse("zones:zone_list"), {"sort": sort})
    assert [zone.slug for zone in response.context["object_list"]] == expected


def test_the_zone_list_filters_by_city_and_level(client, demo):
    response = client.get(reverse("zones:zone_list"), {"city": "dalian"})
    assert [zone.slug for zone in response.context["object_list"]] == ["dalian-puwan"]
    response = client.get(reverse("zones:zone_list"), {"level": "national"})
    assert [zone.slug for zone in response.context["object_list"]] == ["shenyang-etdz"]


def test_an_expired_qualification_is_shown_as_expired(client, db):
    held = EnterpriseQualificationFactory(
        qualification=QualificationFactory(validity_years=3), year_granted=2015
    )
    response = client.get(held.enterprise.get_absolute_url())
    assert "expired 2017" in response.text


def test_platform_page_lists_its_members(client, demo):
    response = client.get(
        reverse(
            "zones:platform_detail",
            kwargs={"slug": "provincial-industry-university-research-alliances"},
        )
    )
    assert "Allychem Co., Ltd." in response.text


def test_institution_pages(client, demo):
    response = client.get(reverse("zones:institution_list"))
    assert "Tianjin University" in response.text
    response = client.get("/zh-hans/institutions/dalian-university-of-technology/")
    assert "大连理工大学" in response.text


def test_the_location_links_to_a_map_without_loading_one(client, db):
    zone = ZoneFactory(latitude="39.123456", longitude="121.654321")
    text = client.get(zone.get_absolute_url()).text
    assert "https://www.openstreetmap.org/?mlat=39.123456&amp;mlon=121.654321" in text
    assert "<iframe" not in text and '<script src="http' not in text


def test_a_chinese_former_name_is_marked_as_chinese_on_the_english_page(client, demo):
    text = client.get("/en/zones/chaoyang-jianping/").text
    assert '<span lang="zh-Hans">辽宁建平经济开发区</span>' in text


@pytest.mark.parametrize(
    "url",
    [
        "/en/zones/shenyang-etdz/",
        "/en/enterprises/allychem/",
        "/en/institutions/tianjin-university/",
        "/en/platforms/provincial-industry-university-research-alliances/",
        "/en/events/german-enterprises-trip-in-shenyang/",
    ],
)
def test_every_profile_lists_the_releases_that_mention_it_with_their_dates(client, demo, url):
    text = client.get(url).text
    section = text.split('<h2 id="releases-heading">Related releases</h2>', 1)[1]
    section = section.split("</section>", 1)[0]
    assert f'href="{RELEASE_URL}"' in section
    assert '<time datetime="2024-06-20' in section


def shown_text(response) -> str:
    """The page's text as read, one space between words."""
    return " ".join(strip_tags(response.text).split())


@pytest.mark.parametrize(
    "language, value, written",
    [
        ("en", "110000000.00", "110,000,000 yuan"),
        ("zh-hans", "110000000.00", "1.1亿元"),
        ("en", "1234.50", "1,234.50 yuan"),
        ("zh-hans", "123456.78", "123,456.78元"),
    ],
)
def test_a_cooperation_shows_its_date_and_value_wherever_it_is_listed(
    client, language, value, written
):
    zone = ZoneFactory(slug="the-zone")
    enterprise = EnterpriseFactory(slug="the-enterprise", zone=zone)
    institution = InstitutionFactory(slug="the-institution")
    cooperation = CooperationFactory(
        zone=zone, title_en="Pilot line", signed_on="2024-06-20", value_cny=value
    )
    cooperation.enterprises.add(enterprise)
    cooperation.institutions.add(institution)
    date = "June 20, 2024" if language == "en" else "2024年6月20日"
    for path in ("zones/the-zone/", "enterprises/the-enterprise/", "institutions/the-institution/"):
        text = shown_text(client.get(f"/{language}/{path}"))
        assert "Pilot line" in text, path
        assert f"{date} · {written}" in text, path


def test_a_cooperation_without_a_date_or_value_shows_neither(client):
    zone = ZoneFactory(slug="the-zone")
    CooperationFactory(zone=zone, title_en="Pilot line")
    text = shown_text(client.get("/en/zones/the-zone/"))
    assert "Pilot line technology contract At a glance" in text
