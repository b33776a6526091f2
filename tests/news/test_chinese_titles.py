"""Releases, events and parks known by their Chinese title or name alone (a Chinese release, a
park a release names in Chinese): entered without an English one, and shown, listed, found and
fed with the Chinese wherever the English would be, marked as untranslated on English pages."""

import io
import xml.etree.ElementTree as ET

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from PIL import Image

from news.models import Event, Release
from tests.adminforms import add_form_data, change_form_data
from tests.factories import EventFactory, ParkFactory, ReleaseFactory, ZoneFactory
from tests.zones.test_chinese_names import marked
from zones.models import Park

pytestmark = pytest.mark.django_db

TITLE = "浑南区召开营商环境建设新闻发布会"
ATOM = "{http://www.w3.org/2005/Atom}"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def release(db) -> Release:
    return ReleaseFactory(
        title_en="", title_zh_hans=TITLE, slug="hunnan-yingshang", summary_en="", body_en=""
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_editor_enters_a_release_by_its_chinese_title_alone(editor_client, language):
    url = reverse("admin:news_release_add")
    headers = {"Accept-Language": language}
    data = add_form_data(editor_client.get(url, headers=headers)) | {
        "kind": "press_release",
        "title_zh_hans": TITLE,
        "slug": "hunnan-yingshang",
        "status": "draft",
    }

    response = editor_client.post(url, data, headers=headers)

    assert response.status_code == 302, response.context["adminform"].form.errors
    release = Release.objects.get(slug="hunnan-yingshang")
    assert (release.title_en or "", str(release)) == ("", TITLE)


def test_an_editor_enters_an_event_by_its_chinese_title_alone(editor_client):
    url = reverse("admin:news_event_add")
    data = add_form_data(editor_client.get(url)) | {
        "kind": "trade_exchange",
        "title_zh_hans": "沈阳—德国经贸交流会",
        "slug": "shenyang-deguo",
        "status": "draft",
    }

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert str(Event.objects.get(slug="shenyang-deguo")) == "沈阳—德国经贸交流会"


def test_a_chinese_release_describes_its_cover_image_in_chinese_alone(
    editor_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("admin:news_release_add")
    data = add_form_data(editor_client.get(url)) | {
        "kind": "press_release",
        "title_zh_hans": TITLE,
        "slug": "hunnan-yingshang",
        "cover_image": SimpleUploadedFile("cover.png", png()),
        "cover_image_alt_zh_hans": "浑南区新闻发布会现场",
        "status": "draft",
    }

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    release = Release.objects.get(slug="hunnan-yingshang")
    assert release.cover_image and not release.cover_image_alt_en


def test_an_editor_adds_a_park_by_its_chinese_name_alone_on_its_zones_form(publisher_client):
    zone = ZoneFactory()
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    data = change_form_data(publisher_client.get(url))
    prefix = "parks"
    data |= {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-0-name_zh_hans": "中德产业园",
        f"{prefix}-0-slug": "zhongde",
        f"{prefix}-0-position": "0",
    }

    response = publisher_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert str(Park.objects.get(zone=zone, slug="zhongde")) == "中德产业园"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Give the title in English, in Chinese or in both."),
        ("zh-hans", "请填写英文标题或中文标题，或两者都填写。"),
    ],
)
def test_a_release_without_a_title_in_either_language_is_refused_in_words(
    editor_client, language, message
):
    url = reverse("admin:news_release_add")
    headers = {"Accept-Language": language}
    data = add_form_data(editor_client.get(url, headers=headers)) | {
        "kind": "press_release",
        "title_en": " ",
        "slug": "untitled",
        "status": "draft",
    }

    response = editor_client.post(url, data, headers=headers)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"title_en": [message]}
    assert not Release.objects.filter(slug="untitled").exists()


@pytest.mark.parametrize(
    ("factory", "field"),
    [(ReleaseFactory, "title"), (EventFactory, "title"), (ParkFactory, "name")],
)
def test_the_database_refuses_a_record_without_a_title_or_name(factory, field):
    with pytest.raises(IntegrityError):
        factory(**{f"{field}_en": "", f"{field}_zh_hans": None})


def test_the_english_pages_show_the_chinese_title_marked_as_untranslated(client, release):
    page = client.get(release.get_absolute_url()).text
    assert f"<h1>{marked(TITLE)}</h1>" in page

    for url in (reverse("news:release_list"), reverse("home")):
        assert marked(TITLE) in client.get(url).text, url


def test_the_english_page_marks_the_chinese_description_of_its_cover_image(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ReleaseFactory(
        title_en="",
        title_zh_hans=TITLE,
        slug="hunnan-yingshang",
        cover_image=SimpleUploadedFile("cover.png", png()),
        cover_image_alt_en="",
        cover_image_alt_zh_hans="浑南区新闻发布会现场",
    )

    page = client.get("/en/news/hunnan-yingshang/").text

    assert 'alt="浑南区新闻发布会现场" lang="zh-Hans"' in page


def test_the_chinese_page_shows_it_as_its_own(client, release):
    page = client.get(release.get_absolute_url().replace("/en/", "/zh-hans/", 1)).text
    assert f"<h1>{TITLE}</h1>" in page


def test_an_event_and_a_park_show_their_chinese_names_marked_in_english(client):
    event = EventFactory(title_en="", title_zh_hans="沈阳—德国经贸交流会")
    park = ParkFactory(zone=event.zone, name_en="", name_zh_hans="中德产业园")

    event_page = client.get(event.get_absolute_url()).text
    zone_page = client.get(park.zone.get_absolute_url()).text

    assert f"<h1>{marked('沈阳—德国经贸交流会')}</h1>" in event_page
    assert marked("中德产业园") in zone_page


def test_the_english_feed_gives_the_chinese_title_in_its_language(client, release):
    feed = ET.fromstring(client.get("/en/news/feed.atom").content)

    (entry,) = feed.iter(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == TITLE
    assert entry.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-hans"


def test_the_chinese_title_is_found_by_its_characters_and_its_pinyin(client, release):
    for q in ("营商环境", "hunnan"):
        response = client.get(reverse("search"), {"q": q})
        assert marked(TITLE) in response.text, q


def test_the_api_gives_no_english_title_rather_than_the_chinese_one(client, release):
    data = client.get(f"/api/v1/releases/{release.slug}/").json()
    assert data["title"] == {"en": None, "zh-hans": TITLE}


def test_the_admin_lists_it_by_its_chinese_title(publisher_client, release):
    response = publisher_client.get(reverse("admin:news_release_changelist"))
    assert [str(row) for row in response.context["cl"].result_list] == [TITLE]
    # And its form opens, in both languages.
    url = reverse("admin:news_release_change", args=[release.pk])
    for language in ("en", "zh-hans"):
        assert publisher_client.get(url, headers={"Accept-Language": language}).status_code == 200


def test_the_admin_finds_a_chinese_park_by_its_pinyin_slug(publisher_client):
    park = ParkFactory(name_en="", name_zh_hans="中德产业园", slug="zhongde-chanyeyuan")

    changelist = publisher_client.get(reverse("admin:zones_park_changelist"), {"q": "zhongde"})
    figure_park = publisher_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "news", "model_name": "indicator", "field_name": "park", "term": "zhongde"},
    )

    assert list(changelist.context["cl"].result_list) == [park]
    assert [item["text"] for item in figure_park.json()["results"]] == ["中德产业园"]


@pytest.mark.parametrize(
    ("title", "language", "lang"),
    [("全文", "en", "zh-Hans"), ("Full text", "zh-hans", "en")],
)
def test_an_attachments_title_says_its_language(client, title, language, lang):
    """An attachment's title is written in one language, whichever the page's is."""
    release = ReleaseFactory(title_zh_hans="标题")
    attachment = release.attachments.create(
        title=title, file=ContentFile(b"%PDF-1.4\n", name="full.pdf")
    )

    page = client.get(f"/{language}/news/{release.slug}/").text

    assert f'<a href="{attachment.get_absolute_url()}" download lang="{lang}">{title}</a>' in page
