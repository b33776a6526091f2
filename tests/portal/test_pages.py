"""What every public page shares: languages, metadata, the home page and image renditions."""

import datetime
import html
import io
from decimal import Decimal

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format
from PIL import Image

from news.models import Indicator
from portal.templatetags.portal import figure
from tests.factories import EnterpriseFactory, EventFactory, ReleaseFactory, ZoneFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/en/",
    "/en/zones/",
    "/en/zones/dalian-puwan/",
    "/en/enterprises/",
    "/en/enterprises/allychem/",
    "/en/institutions/",
    "/en/institutions/tianjin-university/",
    "/en/platforms/provincial-industry-university-research-alliances/",
    "/en/news/",
    "/en/news/shenyang-etdz-internationalized-industrial-ecosystem/",
    "/en/events/",
    "/en/events/german-enterprises-trip-in-shenyang/",
]


@pytest.mark.parametrize(
    ("accept_language", "expected"), [("zh-CN,zh;q=0.9", "/zh-hans/"), ("de", "/en/"), ("", "/en/")]
)
def test_the_root_redirects_by_the_browser_language(client, accept_language, expected):
    response = client.get("/", headers={"Accept-Language": accept_language})
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_metadata_and_a_switch_to_the_other_language(client, demo, url):
    text = client.get(url).text
    chinese = url.replace("/en/", "/zh-hans/", 1)
    assert f'<link rel="canonical" href="http://testserver{url}">' in text
    assert f'hreflang="zh-Hans" href="http://testserver{chinese}"' in text
    assert '<meta property="og:title"' in text
    assert f'href="{chinese}" hreflang="zh-Hans" lang="zh-Hans">中文</a>' in text
    assert '<a class="skip-link" href="#main">' in text


def test_a_later_page_of_a_list_is_its_own_canonical_address_and_a_filtered_one_is_not(client, db):
    for number in range(25):
        EventFactory(slug=f"fair-{number}", start_date="2999-01-01")

    second = client.get("/en/events/", {"page": "2"}).text
    filtered = client.get("/en/events/", {"page": "2", "when": "upcoming"})
    assert filtered.context["page_obj"].number == 2
    filtered = filtered.text

    assert '<link rel="canonical" href="http://testserver/en/events/?page=2">' in second
    assert '<link rel="canonical" href="http://testserver/en/events/">' in filtered


def test_a_pages_language_versions_are_named_by_their_canonical_addresses(client, db):
    # A search engine ignores language versions that are not the canonical addresses.
    for number in range(25):
        EventFactory(slug=f"fair-{number}", start_date="2999-01-01")

    shared = client.get("/en/events/fair-1/", {"utm_source": "mail"}).text
    second = client.get("/en/events/", {"page": "2"}).text
    filtered = client.get("/en/events/", {"page": "2", "when": "upcoming"}).text

    assert 'hreflang="zh-Hans" href="http://testserver/zh-hans/events/fair-1/">' in shared
    assert 'hreflang="x-default" href="http://testserver/events/fair-1/">' in shared
    assert 'hreflang="en" href="http://testserver/en/events/?page=2">' in second
    assert 'hreflang="zh-Hans" href="http://testserver/zh-hans/events/?page=2">' in second
    assert 'hreflang="en" href="http://testserver/en/events/">' in filtered
    assert 'hreflang="zh-Hans" href="http://testserver/zh-hans/events/">' in filtered


def test_clear_all_filters_is_offered_only_when_a_filter_is_set(client, db):
    for number in range(25):
        EventFactory(slug=f"fair-{number}", start_date="2999-01-01")
    clear = "Clear all filters</a>"

    assert clear not in client.get("/en/events/", {"page": "2"}).text
    assert clear not in client.get("/en/events/", {"when": ""}).text
    assert clear in client.get("/en/events/", {"when": "upcoming", "page": "2"}).text


def test_titles_are_unique(client, demo):
    titles = set()
    for url in PAGES:
        text = client.get(url).text
        titles.add(text.split("<title>", 1)[1].split("</title>", 1)[0])
    assert len(titles) == len(PAGES)


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(
    ("language", "site_name"), [("en", "Liaoning development zones"), ("zh-hans", "辽宁开发区")]
)
def test_every_page_title_ends_with_the_site_name(client, demo, url, language, site_name):
    text = client.get(url.replace("/en/", f"/{language}/", 1)).text
    title = text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.endswith(site_name)
    assert title.count(site_name) == 1


def title_of(text: str) -> str:
    return text.split("<title>", 1)[1].split("</title>", 1)[0]


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/en/news/?page=2", "News and releases · Page 2 of 2 · Liaoning development zones"),
        ("/zh-hans/news/?page=2", "新闻与新闻稿 · 第 2 页，共 2 页 · 辽宁开发区"),
        ("/en/news/", "News and releases · Liaoning development zones"),
        (
            "/en/enterprises/?page=2",
            "Enterprise directory · Page 2 of 2 · Liaoning development zones",
        ),
        (
            "/en/search/?q=harbour&type=release&page=2",
            "“harbour” · News · Search · Page 2 of 2 · Liaoning development zones",
        ),
        ("/zh-hans/search/?q=harbour&type=release", "“harbour” · 新闻 · 搜索 · 辽宁开发区"),
        (
            "/en/search/?q=harbour&page=2",
            "“harbour” · Search · Page 2 of 2 · Liaoning development zones",
        ),
    ],
)
def test_a_later_page_and_a_kind_of_search_result_have_their_own_title(client, db, url, title):
    for number in range(25):
        ReleaseFactory(title_en=f"Harbour report {number}")
        EnterpriseFactory()
    assert title_of(client.get(url).text) == title


def test_a_later_page_swapped_in_place_brings_its_title(client, db):
    """htmx sets the page's title from a <title> at the top of its answer."""
    ReleaseFactory.create_batch(25)
    text = client.get("/en/news/?page=2", headers={"HX-Request": "true"}).text
    assert "<html" not in text
    last_line = text.strip().splitlines()[-1]
    assert (
        last_line == "<title>News and releases · Page 2 of 2 · Liaoning development zones</title>"
    )


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_its_chinese_version(client, demo, url):
    response = client.get(url.replace("/en/", "/zh-hans/", 1))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.text
    assert "辽宁开发区" in response.text


def test_the_language_switch_keeps_the_filters(client, demo):
    text = client.get("/en/enterprises/?zone=dalian-puwan").text
    assert 'href="/zh-hans/enterprises/?zone=dalian-puwan"' in text


def test_the_home_page_shows_zones_releases_figures_and_upcoming_events(client, demo):
    EventFactory(title_en="Coming fair", start_date="2999-01-01")
    text = client.get("/en/").text
    assert "Dalian Puwan Economic Zone" in text
    assert "Internationalized Industrial Ecosystem" in text
    assert "+116.7%" in text
    assert "Coming fair" in text
    assert 'role="search"' in text


def test_upcoming_events_come_soonest_first_with_their_last_day(client, db):
    today = timezone.localdate()
    later = [today + datetime.timedelta(days=days) for days in (400, 30, 200, 60, 90, 120)]
    for number, day in enumerate(later):
        EventFactory(title_en=f"Fair {number}", start_date=day)
    EventFactory(
        title_en="Under way",
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=1),
    )

    home = client.get("/en/")
    shown = [event.title for event in home.context["events"]]
    listed = client.get("/en/events/", {"when": "upcoming"}).context["object_list"]

    assert shown == ["Under way", "Fair 1", "Fair 3", "Fair 4", "Fair 5"]
    assert [event.title for event in listed] == [*shown, "Fair 2", "Fair 0"]
    tomorrow = date_format(today + datetime.timedelta(days=1), "DATE_FORMAT")
    assert (
        f'– <time datetime="{(today + datetime.timedelta(days=1)).isoformat()}">{tomorrow}</time>'
        in home.text
    )


def test_releases_filter_by_zone_and_year(client, db):
    zone = ZoneFactory(slug="the-zone")
    ReleaseFactory(slug="about-the-zone").zones.add(zone)
    ReleaseFactory(slug="about-nothing")
    response = client.get("/en/news/", {"zone": "the-zone"})
    assert [r.slug for r in response.context["object_list"]] == ["about-the-zone"]
    response = client.get("/en/news/", {"year": "1999"})
    assert list(response.context["object_list"]) == []


def test_events_filter_by_upcoming_and_past(client, db):
    EventFactory(slug="next", start_date="2999-01-01")
    EventFactory(slug="last", start_date="2000-01-01", end_date="2000-01-02")
    # Held regularly, with no dates: neither upcoming nor past.
    EventFactory(slug="regular", start_date=None, end_date=None, recurring=True)
    upcoming = client.get("/en/events/", {"when": "upcoming"}).context["object_list"]
    past = client.get("/en/events/", {"when": "past"}).context["object_list"]
    assert [e.slug for e in upcoming] == ["next"]
    assert [e.slug for e in past] == ["last"]


def jpeg(width: int, height: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (11, 79, 138)).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_images_are_served_as_renditions_with_their_alt_text(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    zone = ZoneFactory(cover_image=jpeg(2000, 1000), cover_image_alt_en="The port at dawn")
    html = Template(
        "{% load pages %}"
        '{% responsive_image zone.cover_image zone.cover_image_alt widths="400,800" %}'
    ).render(Context({"zone": zone}))
    assert 'alt="The port at dawn"' in html
    assert "-400w.webp 400w" in html and "-800w.webp 800w" in html
    renditions = sorted((tmp_path / "renditions").rglob("*.webp"))
    assert [Image.open(path).size for path in renditions] == [(400, 200), (800, 400)]
    assert 'alt="The port at dawn"' in client.get("/en/zones/").text


def test_a_rendition_is_never_wider_than_the_original(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    zone = ZoneFactory(cover_image=jpeg(300, 200), cover_image_alt_en="Small")
    html = Template(
        '{% load pages %}{% responsive_image zone.cover_image "Small" widths="400,800" %}'
    ).render(Context({"zone": zone}))
    assert 'width="300" height="200"' in html


def test_large_amounts_are_written_as_each_language_does_and_name_their_currency_once(client, demo):
    for language, value, unit in (
        ("en", "110,000,000", "yuan (CNY)"),
        ("zh-hans", "1.1亿", "元（人民币）"),
    ):
        text = client.get(f"/{language}/zones/panjin-liaobin/").text
        assert '<td class="number" data-label="' in text
        assert f">{value}</td>" in text
        assert f">{unit}</td>" in text
        assert "¥" not in text


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        ("110000000", "1.1亿"),
        ("200000000000", "2000亿"),
        ("50000", "5万"),
        ("12345", "1.2345万"),
        ("9999", "9,999"),
        # Never rounded: an amount 亿 cannot hold in four decimals keeps its digits.
        ("123456789", "123,456,789"),
    ],
)
def test_a_chinese_page_writes_yuan_in_yi_and_wan_without_rounding(amount, written):
    indicator = Indicator(value=Decimal(amount), unit=Indicator.Unit.CNY)
    with translation.override("zh-hans"):
        assert figure(indicator) == written
    with translation.override("en"):
        assert figure(indicator) == intcomma(Decimal(amount), use_l10n=False)


def test_events_offer_only_the_partner_countries_they_have(client, demo):
    choices = client.get("/en/events/").context["filter"].form.fields["country"].choices
    assert [code for code, _name in choices if code] == ["DE"]
    response = client.get("/en/events/", {"country": "DE"})
    assert response.context["paginator"].count == 2


def test_the_header_and_footer_kept_once_per_language_are_each_languages_own(client, db):
    english = client.get("/en/zones/").text
    chinese = client.get("/zh-hans/zones/").text
    again = client.get("/en/zones/").text
    for page in (english, again):
        assert '<a href="/en/enterprises/">Enterprises</a>' in page
        assert "Figures are shown with the release they come from." in page
    assert '<a href="/zh-hans/enterprises/">企业</a>' in chinese
    assert '<a href="/en/enterprises/">' not in chinese


@pytest.mark.parametrize(
    ("url", "marked"),
    [
        ("/en/zones/", '<a href="/en/zones/" aria-current="page">Zones</a>'),
        ("/en/zones/?city=dalian", '<a href="/en/zones/" aria-current="page">Zones</a>'),
        ("/en/zones/dalian-puwan/", '<a href="/en/zones/" aria-current="true">Zones</a>'),
        ("/en/zones/dalian-puwan/enquiry/", '<a href="/en/zones/" aria-current="true">Zones</a>'),
        ("/en/enterprises/allychem/", '<a href="/en/enterprises/" aria-current="true">'),
        ("/en/institutions/", '<a href="/en/institutions/" aria-current="page">'),
        ("/en/news/", '<a href="/en/news/" aria-current="page">News</a>'),
        ("/zh-hans/events/", '<a href="/zh-hans/events/" aria-current="page">活动</a>'),
    ],
)
def test_the_main_navigation_marks_the_section_the_page_is_in(client, demo, url, marked):
    # Another section's page first: the navigation kept for it is not served here.
    client.get("/en/enterprises/")
    client.get("/zh-hans/enterprises/")
    navigation = client.get(url).text.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert marked in navigation
    assert navigation.count("aria-current") == 1


def test_pages_in_no_section_mark_none(client, demo):
    client.get("/en/zones/")
    for url in ("/en/", "/en/search/?q=dalian"):
        navigation = client.get(url).text.split('<nav class="main-nav"', 1)[1].split("</nav>")[0]
        assert "aria-current" not in navigation


@pytest.mark.parametrize(
    ("url", "name"), [("/en/", 'aria-label="Site search"'), ("/zh-hans/", 'aria-label="全站搜索"')]
)
def test_the_headers_search_is_a_landmark_named_apart_from_the_home_pages(client, demo, url, name):
    text = client.get(url).text
    assert f'<form class="search-box" action="{url}search/" method="get" role="search" {name}' in (
        text
    )
    assert 'aria-labelledby="home-search-label"' in text


def descriptions(page: str) -> tuple[str, str]:
    """The page's description of itself, and the one it gives a site that shows it shared."""
    description = page.split('<meta name="description" content="', 1)[1].split('"', 1)[0]
    shared = page.split('<meta property="og:description" content="', 1)[1].split('"', 1)[0]
    return description, shared


def test_a_chinese_page_describes_itself_in_chinese_where_its_summary_is_english_only(client, demo):
    description, shared = descriptions(client.get("/zh-hans/zones/shenyang-etdz/").text)
    assert (
        description
        == shared
        == "沈阳经济技术开发区概况：园区、产业、注明来源的主要数据、企业与合作。"
    )


@pytest.mark.parametrize(
    "url",
    [
        "/en/zones/",
        "/zh-hans/zones/",
        "/en/zones/compare/",
        "/en/zones/dalian-puwan/enquiry/",
        "/en/enterprises/",
        "/en/institutions/",
        "/en/news/",
        "/zh-hans/news/",
        "/en/events/",
    ],
)
def test_a_list_shared_elsewhere_is_described_as_the_page_describes_itself(client, demo, url):
    description, shared = descriptions(client.get(url).text)
    assert shared == description
    assert "Development zones of Liaoning, their enterprises" not in description


def test_a_long_description_is_cut_between_characters_not_inside_an_escaped_one(client, db):
    # An apostrophe is escaped as six characters, "&#x27;": cut there, a snippet ended "&#x…".
    summary = "x" * 196 + "'s partners, with more words than a snippet holds."
    ReleaseFactory(slug="cut", summary_en=summary)
    page = client.get("/en/news/cut/").text
    for tag in ('<meta name="description" content="', '<meta property="og:description" content="'):
        shown = html.unescape(page.split(tag, 1)[1].split('"', 1)[0])
        assert shown == "x" * 196 + "'s …"


def test_a_transparent_logos_renditions_keep_it_transparent(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGBA", (800, 400), (0, 0, 0, 0)).save(buffer, "PNG")
    zone = ZoneFactory(
        cover_image=SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png"),
        cover_image_alt_en="A logo",
    )
    Template(
        '{% load pages %}{% responsive_image zone.cover_image zone.cover_image_alt widths="400" %}'
    ).render(Context({"zone": zone}))
    (rendition,) = (tmp_path / "renditions").rglob("*.webp")
    assert Image.open(rendition).convert("RGBA").getpixel((0, 0))[3] == 0
