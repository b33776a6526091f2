"""A slug left empty in the admin is made from the English name, or for a record known by its
Chinese name alone from the name's pinyin, and refused in words when it is another's."""

import pytest
from django.urls import reverse

from news.models import Release
from portal.publishing.pinyin import slug_of
from tests.adminforms import add_form_data, change_form_data
from tests.factories import ReleaseFactory, ZoneFactory
from zones.models import Enterprise, Park

pytestmark = pytest.mark.django_db


def add_release(client, **data):
    url = reverse("admin:news_release_add")
    form = add_form_data(client.get(url)) | {"kind": "press_release", "status": "draft"}
    return client.post(url, form | data)


def test_a_release_titled_in_chinese_alone_gets_the_pinyin_of_its_title(editor_client):
    response = add_release(editor_client, title_zh_hans="浑南营商环境", slug="")

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Release.objects.get(title_zh_hans="浑南营商环境").slug == "hun-nan-ying-shang-huan-jing"


def test_a_slug_left_empty_is_made_from_the_english_title_first(editor_client):
    response = add_release(editor_client, title_en="Puwan grows", title_zh_hans="普湾增长", slug="")

    assert response.status_code == 302
    assert Release.objects.get(title_en="Puwan grows").slug == "puwan-grows"


def test_a_slug_typed_is_kept(editor_client):
    add_release(editor_client, title_zh_hans="浑南营商环境", slug="hunnan-business")

    assert Release.objects.get(title_zh_hans="浑南营商环境").slug == "hunnan-business"


def test_a_title_that_gives_another_releases_slug_is_refused_beside_the_slug(editor_client):
    ReleaseFactory(slug="hun-nan-ying-shang-huan-jing")

    response = add_release(editor_client, title_zh_hans="浑南营商环境", slug="")

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["slug"]
    assert not Release.objects.filter(title_zh_hans="浑南营商环境").exists()


def test_a_name_without_a_letter_asks_for_a_slug(editor_client):
    response = add_release(editor_client, title_en="!!!", slug="")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"slug": ["This field is required."]}


def test_the_form_says_an_empty_slug_is_made_from_the_name(editor_client):
    page = editor_client.get(reverse("admin:zones_enterprise_add")).text

    assert "Left empty, it is made from the English name, or from the pinyin" in page


def test_an_enterprise_named_in_chinese_alone_gets_its_pinyin(editor_client):
    url = reverse("admin:zones_enterprise_add")
    data = add_form_data(editor_client.get(url)) | {
        "name_zh_hans": "沈阳浑南",
        "slug": "",
        "zone": ZoneFactory().pk,
        "status": "draft",
    }

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Enterprise.objects.get(name_zh_hans="沈阳浑南").slug == "shen-yang-hun-nan"


def test_a_park_added_on_its_zones_form_gets_its_pinyin(publisher_client):
    zone = ZoneFactory()
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    data = change_form_data(publisher_client.get(url)) | {
        "parks-TOTAL_FORMS": "1",
        "parks-0-name_zh_hans": "中德产业园",
        "parks-0-slug": "",
        "parks-0-position": "0",
    }

    response = publisher_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert Park.objects.get(zone=zone).slug == "zhong-de-chan-ye-yuan"


def test_a_long_name_gives_a_slug_cut_between_words(editor_client):
    title = "沈阳浑南" * 20

    response = add_release(editor_client, title_zh_hans=title, slug="")

    assert response.status_code == 302
    slug = Release.objects.get(title_zh_hans=title).slug
    assert len(slug) <= 150
    assert slug.startswith("shen-yang-hun-nan-")
    assert not slug.endswith("-")


def test_a_slug_cut_to_its_length_never_ends_in_a_hyphen():
    assert slug_of(None, "沈阳浑南", max_length=5) == "shen"
    assert slug_of("Puwan grows", "普湾增长", max_length=6) == "puwan"
