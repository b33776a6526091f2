"""Enterprises, institutions and platforms that a release names in Chinese alone: entered with
the Chinese name only, and shown, listed, found and downloaded with it wherever the English one
would be, marked as untranslated on English pages."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse

from tests.adminforms import add_form_data
from tests.factories import (
    EnterpriseFactory,
    InstitutionFactory,
    PlatformFactory,
    ReleaseFactory,
    ZoneFactory,
)
from tests.zones.test_import import post_import
from zones.models import Enterprise, Institution, Platform

pytestmark = pytest.mark.django_db

HUNNAN = "沈阳浑南智造装备有限公司"


# How an English page shows a name it has only in Chinese.
def marked(name: str) -> str:
    return (
        '<span class="untranslated" title="Not yet translated">'
        f'<span lang="zh-Hans">{name}</span></span>'
    )


MARKED = marked(HUNNAN)


@pytest.fixture
def hunnan(db) -> Enterprise:
    zone = ZoneFactory(slug="shenyang-etdz", name_en="Shenyang ETDZ", name_zh_hans="沈阳经开区")
    return EnterpriseFactory(name_en="", name_zh_hans=HUNNAN, slug="hunnan-zhizao", zone=zone)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_editor_enters_an_enterprise_by_its_chinese_name_alone(editor_client, language):
    zone = ZoneFactory()
    url = reverse("admin:zones_enterprise_add")
    data = add_form_data(editor_client.get(url)) | {
        "name_zh_hans": HUNNAN,
        "slug": "hunnan-zhizao",
        "zone": zone.pk,
        "status": "draft",
    }

    response = editor_client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 302, response.context["adminform"].form.errors
    enterprise = Enterprise.objects.get(slug="hunnan-zhizao")
    assert (enterprise.name_en or "", enterprise.name_zh_hans) == ("", HUNNAN)
    assert str(enterprise) == HUNNAN


@pytest.mark.parametrize(
    ("model", "fields"),
    [(Institution, {"kind": "university"}), (Platform, {"kind": "alliance"})],
)
def test_an_editor_enters_an_institution_or_platform_by_its_chinese_name_alone(
    editor_client, model, fields
):
    url = reverse(f"admin:zones_{model._meta.model_name}_add")
    data = add_form_data(editor_client.get(url)) | fields
    data |= {"name_zh_hans": "沈阳工学院", "slug": "sy-gongxueyuan", "status": "draft"}

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert str(model.objects.get(slug="sy-gongxueyuan")) == "沈阳工学院"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Give the name in English, in Chinese or in both."),
        ("zh-hans", "请填写英文名称或中文名称，或两者都填写。"),
    ],
)
def test_an_enterprise_without_a_name_in_either_language_is_refused_in_words(
    editor_client, language, message
):
    url = reverse("admin:zones_enterprise_add")
    data = add_form_data(editor_client.get(url)) | {
        "slug": "nameless",
        "zone": ZoneFactory().pk,
        "status": "draft",
    }

    response = editor_client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"name_en": [message]}
    assert not Enterprise.objects.filter(slug="nameless").exists()


@pytest.mark.parametrize("factory", [EnterpriseFactory, InstitutionFactory, PlatformFactory])
def test_the_database_refuses_a_record_without_a_name(factory):
    with pytest.raises(IntegrityError):
        factory(name_en="", name_zh_hans=None)


def test_the_english_page_shows_the_chinese_name_marked_as_untranslated(client, hunnan):
    page = client.get(hunnan.get_absolute_url()).text

    assert f"<h1>{MARKED}</h1>" in page
    assert f'"@type":"Organization","name":"{HUNNAN}"' in page  # JSON-LD


def test_institution_and_platform_pages_show_a_chinese_name_marked_in_english(client, db):
    institution = InstitutionFactory(name_en="", name_zh_hans="沈阳工学院")
    platform = PlatformFactory(name_en="", name_zh_hans="浑南装备产业联盟")

    for record, name in ((institution, "沈阳工学院"), (platform, "浑南装备产业联盟")):
        page = client.get(record.get_absolute_url()).text
        assert f"<h1>{marked(name)}</h1>" in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Anshan Hengtai", HUNNAN, "Tieling Valves"]),
        ("zh-hans", ["鞍山恒泰", HUNNAN, "Tieling Valves"]),
    ],
)
def test_the_directory_lists_a_chinese_name_in_its_pinyin_place(client, hunnan, language, expected):
    EnterpriseFactory(name_en="Tieling Valves", zone=hunnan.zone)
    EnterpriseFactory(name_en="Anshan Hengtai", name_zh_hans="鞍山恒泰", zone=hunnan.zone)

    response = client.get(f"/{language}/enterprises/")

    assert [str(row) for row in response.context["page_obj"]] == expected
    if language == "en":
        assert MARKED in response.text


def test_the_chinese_name_is_found_by_its_characters_and_its_pinyin(client, hunnan):
    for q in ("浑南智造", "hunnan zhizao"):
        response = client.get(reverse("search"), {"q": q})
        assert MARKED in response.text, q


def test_a_suggestion_of_a_chinese_name_says_its_language(client, hunnan):
    data = client.get(reverse("search_suggestions"), {"q": "hunnan"}).json()

    (group,) = data["groups"]
    assert group["items"] == [
        {"title": HUNNAN, "url": "/en/enterprises/hunnan-zhizao/", "lang": "zh-Hans"}
    ]


def test_the_api_gives_no_english_name_rather_than_the_chinese_one(client, hunnan):
    data = client.get("/api/v1/enterprises/hunnan-zhizao/").json()
    assert data["name"] == {"en": None, "zh-hans": HUNNAN}


def test_the_downloads_hold_the_chinese_name(client, hunnan):
    response = client.get(reverse("zones:enterprise_export"))
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert [row["Name"] for row in rows] == [HUNNAN]

    response = client.get(reverse("zones:enterprise_export_json"))
    (enterprise,) = json.loads(response.getvalue())
    assert enterprise["name"] == {"en": None, "zh-hans": HUNNAN}


def test_the_release_page_names_it_marked_as_untranslated(client, hunnan):
    release = ReleaseFactory()
    release.enterprises.add(hunnan)

    assert MARKED in client.get(release.get_absolute_url()).text


def test_the_admin_lists_and_offers_it_in_its_pinyin_place(publisher_client, hunnan):
    EnterpriseFactory(name_en="Tieling Valves", zone=hunnan.zone)
    EnterpriseFactory(name_en="Anshan Hengtai", zone=hunnan.zone)
    expected = ["Anshan Hengtai", HUNNAN, "Tieling Valves"]

    changelist = publisher_client.get(reverse("admin:zones_enterprise_changelist"))
    autocomplete = publisher_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "news", "model_name": "release", "field_name": "enterprises", "term": ""},
    )
    found = publisher_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "news", "model_name": "release", "field_name": "enterprises", "term": "浑南"},
    )

    assert [str(row) for row in changelist.context["cl"].result_list] == expected
    assert [item["text"] for item in autocomplete.json()["results"]] == expected
    assert [item["text"] for item in found.json()["results"]] == [HUNNAN]


def test_the_import_takes_a_row_with_the_chinese_name_alone(tmp_path, capsys):
    zone = ZoneFactory(slug="shenyang-etdz")
    path = tmp_path / "enterprises.csv"
    path.write_text(f"slug,name_en,name_zh_hans,zone\n,,{HUNNAN},{zone.slug}\n", encoding="utf-8")

    call_command("import_enterprises", path)

    enterprise = Enterprise.objects.get()
    assert (enterprise.name_en or "", enterprise.name_zh_hans) == ("", HUNNAN)
    # The address from the name's pinyin: an address, not a name made up.
    assert enterprise.slug == "shen-yang-hun-nan-zhi-zao-zhuang-bei-you-xian-gong-si"


def test_the_admin_import_refuses_a_row_without_a_name_naming_its_column(editor_client):
    zone = ZoneFactory(slug="shenyang-etdz")

    response = post_import(
        editor_client,
        "admin:zones_enterprise_import",
        ["slug", "name_en", "name_zh_hans", "zone"],
        [["", "", HUNNAN, zone.slug], ["nameless", "", "", zone.slug]],
    )

    errors = [(e.row, e.column, e.message) for e in response.context["cell_errors"]]
    assert errors == [(2, "name_en", "Give the name in English, in Chinese or in both.")]
