import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils.translation.trans_real import DjangoTranslation

from news.models import Release
from portal.publishing import editorial
from portal.publishing.admin.inlines import NamedInputsMixin
from tests.adminforms import add_form_data
from tests.factories import (
    EnterpriseFactory,
    MetricFactory,
    ReleaseFactory,
    ZoneFactory,
)
from zones.models import Zone

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [
    model
    for model in apps.get_models()
    if model._meta.app_label in {"zones", "news"} and admin.site.is_registered(model)
]


def test_every_content_model_is_in_the_admin():
    registered = {model.__name__ for model in CONTENT_MODELS}
    assert registered >= {
        "Zone", "Park", "Sector", "Enterprise", "Qualification", "Institution", "Cooperation",
        "Platform", "Series", "Release", "Metric", "Indicator", "Event",
    }  # fmt: skip


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_an_editor_can_open_every_changelist_add_and_change_page(editor_client, demo, model):
    opts = model._meta
    changelist_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert editor_client.get(changelist_url).status_code == 200
    assert editor_client.get(changelist_url, {"_facets": "True"}).status_code == 200
    add = editor_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    # Reference data (sectors, metrics, series…) is added by Publishers only; correspondence
    # (enquiries) comes from the public site only.
    added_elsewhere = (editorial.REFERENCE, editorial.CORRESPONDENCE)
    assert add.status_code == (403 if editorial.role_of(model) in added_elsewhere else 200)
    obj = model.objects.first()
    if obj is not None:
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert editor_client.get(change_url).status_code == 200


def test_a_list_counts_its_filters_choices_only_when_asked_to(editor_client):
    EnterpriseFactory(name_en="Harbour Cranes")
    url = reverse("admin:zones_enterprise_changelist")

    page = editor_client.get(url).content.decode()
    assert "Show counts" in page
    assert ">published</a>" in page

    counted = editor_client.get(url, {"_facets": "True"}).content.decode()
    assert "Hide counts" in counted
    assert ">published (1)</a>" in counted


def test_an_editor_cannot_manage_users(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_a_publisher_enters_a_release_with_links_and_two_figures(publisher_client, client):
    zone = ZoneFactory(name_en="Dalian Puwan Economic Zone", slug="dalian-puwan")
    enterprise = EnterpriseFactory(zone=zone)
    metric = MetricFactory()
    add_url = reverse("admin:news_release_add")
    data = add_form_data(publisher_client.get(add_url)) | {
        "kind": "press_release",
        "title_en": "Puwan grows",
        "title_zh_hans": "普湾增长",
        "slug": "puwan-grows",
        "body_en": "<p>Growth.</p>",
        "zones": [zone.pk],
        "enterprises": [enterprise.pk],
        "status": "published",
        "indicators-TOTAL_FORMS": "2",
        "indicators-0-zone": zone.pk,
        "indicators-0-metric": metric.pk,
        "indicators-0-year": "2023",
        "indicators-0-value": "23.7",
        "indicators-0-unit": "percent_change",
        "indicators-0-qualifier": "exact",
        "indicators-1-zone": zone.pk,
        "indicators-1-metric": metric.pk,
        "indicators-1-year": "2022",
        "indicators-1-value": "12",
        "indicators-1-unit": "count",
        "indicators-1-qualifier": "more_than",
    }
    response = publisher_client.post(add_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    release = Release.objects.get(slug="puwan-grows")
    assert sorted(release.indicators.values_list("value", flat=True)) == [
        Decimal("12"),
        Decimal("23.7"),
    ]
    assert list(release.zones.all()) == [zone]
    public = client.get(release.get_absolute_url())
    assert public.status_code == 200
    assert "Puwan grows" in public.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_code", "91110000100000000X", "should be"),
        ("credit_code", "9111000010000000", "has 16"),
        ("founded_year", "20245", "less than or equal to 2100"),
        ("slug", "taken", "already exists"),
    ],
)
def test_bad_enterprise_input_is_a_form_error(editor_client, field, value, message):
    zone = ZoneFactory()
    EnterpriseFactory(slug="taken")
    add_url = reverse("admin:zones_enterprise_add")
    data = add_form_data(editor_client.get(add_url)) | {
        "name_en": "New Co., Ltd.",
        "slug": "new-co",
        "zone": zone.pk,
        "status": "draft",
        field: value,
    }
    response = editor_client.post(add_url, data)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_negative_zone_area_is_a_form_error(editor_client):
    add_url = reverse("admin:zones_zone_add")
    data = add_form_data(editor_client.get(add_url)) | {
        "name_en": "New zone",
        "slug": "new-zone",
        "city": "dalian",
        "area_km2": "-3",
        "status": "draft",
    }
    response = editor_client.post(add_url, data)
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    assert not Zone.objects.filter(slug="new-zone").exists()


def add_release_with_a_figure(client, slug: str, value: str, unit: str):
    """Post the admin's form for a new draft release reporting one figure."""
    zone, metric = ZoneFactory(), MetricFactory()
    add_url = reverse("admin:news_release_add")
    data = add_form_data(client.get(add_url)) | {
        "kind": "press_release",
        "title_en": slug.capitalize(),
        "slug": slug,
        "status": "draft",
        "indicators-TOTAL_FORMS": "1",
        "indicators-0-zone": zone.pk,
        "indicators-0-metric": metric.pk,
        "indicators-0-value": value,
        "indicators-0-unit": unit,
        "indicators-0-qualifier": "exact",
    }
    return client.post(add_url, data)


def test_a_decline_below_100_percent_is_a_form_error_on_the_release(editor_client):
    response = add_release_with_a_figure(editor_client, "decline", "-120", "percent_change")
    assert response.status_code == 200
    assert "A decline cannot be more than 100%." in response.content.decode()
    assert not Release.objects.filter(slug="decline").exists()


def test_a_draft_release_is_invisible_to_visitors(client):
    draft = ReleaseFactory(status="draft")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.title_en not in client.get(reverse("news:release_list")).content.decode()


def test_release_bodies_are_edited_with_the_rich_text_editor_served_from_static(editor_client):
    page = editor_client.get(reverse("admin:news_release_add")).content.decode()
    assert 'name="body_en"' in page
    assert "data-django-prose-editor-configurable" in page
    assert "django_prose_editor/configurable.js" in page
    assert finders.find("django_prose_editor/configurable.js")


def test_the_chinese_admin_index_names_the_sign_in_records_and_its_columns_in_chinese(
    admin_client,
):
    page = admin_client.get(reverse("admin:index"), headers={"Accept-Language": "zh-hans"}).text
    for chinese in ("登录保护", "访问尝试", "访问失败", "访问日志", "模型名称", "添加链接"):
        assert chinese in page
    for english in (">Axes<", "Access attempts", "Access failures", "Access logs", "Model name"):
        assert english not in page


def test_an_editor_switches_the_admin_to_chinese_whatever_the_browser_asks_for(editor_client):
    index = reverse("admin:index")
    page = editor_client.get(index, headers={"Accept-Language": "en"}).text
    assert 'name="language" value="zh-hans"' in page

    response = editor_client.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": index}, follow=True
    )

    assert response.redirect_chain[-1][0] == index
    assert 'lang="zh-hans"' in response.text
    assert 'name="language" value="en"' in response.text
    again = editor_client.get(index, headers={"Accept-Language": "en"})
    assert 'lang="zh-hans"' in again.text


@pytest.mark.parametrize(
    ("value", "refused"),
    [("9999999999999999", True), ("123456789012.3456", True), ("999999999999999", False)],
)
def test_a_figure_longer_than_the_database_keeps_exactly_is_a_form_error(
    editor_client, value, refused
):
    """SQLite keeps 15 significant digits: a longer value came back changed, or broke every
    page showing it."""
    response = add_release_with_a_figure(editor_client, "big-numbers", value, "cny")
    if refused:
        assert response.status_code == 200
        assert "at most 15 significant digits" in response.text
        assert not Release.objects.filter(slug="big-numbers").exists()
    else:
        assert response.status_code == 302
        release = Release.objects.get(slug="big-numbers")
        assert release.indicators.get().value == Decimal(value)


def test_the_rich_text_editors_dialogs_are_in_chinese_in_the_chinese_admin(editor_client):
    editor_client.cookies["django_language"] = "zh-hans"

    catalog = editor_client.get(reverse("admin:jsi18n")).text

    # The catalogue is JSON, its Chinese written as escapes.
    assert f'"Insert Figure": {json.dumps("插入图片")}' in catalog
    assert f'"Alternative Text": {json.dumps("替代文本")}' in catalog


def test_every_string_the_rich_text_editor_translates_has_its_chinese():
    # editor.js is minified: its translating function is named pX in this version.
    script = Path(finders.find("django_prose_editor/editor.js")).read_text()
    wanted = set(re.findall(r'pX\("([^"]*)"\)', script))
    # And its toolbar's button titles, which static/portal/editor_titles.js translates.
    wanted |= set(re.findall(r'\.(?:material|text|svg)\((?:"[^"]*"|`[^`]*`),"([^"]*)"', script))
    # And the choices of its block-style picker and of its dialogs' selects, which it reads too.
    wanted |= set(re.findall(r'option:pG\("[^"]*",\{textContent:"([^"]*)"\}', script))
    wanted |= {f"Heading {level}" for level in range(1, 7)}
    for choices in re.findall(r"enum:\[([^\]]*)\]", script):
        wanted |= set(re.findall(r'"([^"]*)"', choices))
    chinese = DjangoTranslation("zh-hans", domain="djangojs")
    missing = sorted(text for text in wanted if chinese.gettext(text) == text)

    assert len(wanted) > 40
    assert missing == []


def test_every_tabular_inline_of_the_admin_names_its_inputs():
    inlines = {
        inline
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
        if issubclass(inline, admin.TabularInline)
    }
    assert len(inlines) > 5
    assert [inline for inline in inlines if not issubclass(inline, NamedInputsMixin)] == []
