"""Chinese pages list names in pinyin order, not in the code-point order a database uses; English
pages list them alphabetically whatever their case and accents, not as a collation orders them."""

import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from news.models import Metric
from portal.publishing import history
from tests.factories import (
    EnterpriseFactory,
    EnterpriseQualificationFactory,
    IndicatorFactory,
    InstitutionFactory,
    MetricFactory,
    QualificationFactory,
    ReleaseFactory,
    SectorFactory,
    ZoneFactory,
)
from zones.collation import pinyin_sort_key
from zones.models import Zone

pytestmark = pytest.mark.django_db

# By code point 大 (U+5927) < 沈 (U+6C88) < 阿 (U+963F) < 鞍 (U+978D); by pinyin a < an < da < shen.
NAMES = ["大连", "沈阳", "阿城", "鞍山"]
PINYIN_ORDER = ["阿城", "鞍山", "大连", "沈阳"]


def models_as_of(migration: tuple[str, str]):
    """The models as a migration's code gets them: as they were when it ran."""
    return MigrationExecutor(connection).loader.project_state(migration).apps


def in_page_order(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=html.index)


def test_the_sort_key_spells_the_pinyin_with_tones():
    assert pinyin_sort_key("大连普湾经济区") == "da4 lian2 pu3 wan1 jing1 ji4 qu1"
    assert pinyin_sort_key("重庆") == "chong2 qing4"  # as the word is read, not 重 alone
    assert sorted(NAMES) != PINYIN_ORDER
    assert sorted(NAMES, key=pinyin_sort_key) == PINYIN_ORDER


def test_a_place_name_is_read_as_the_place():
    # 朝阳 is Chaoyang, the city, not zhāoyáng ("the morning sun"), as pypinyin reads the word.
    assert pinyin_sort_key("朝阳建平经济开发区").startswith("chao2 yang2 jian4 ping2")
    assert sorted(["大连普湾", "朝阳建平"], key=pinyin_sort_key) == ["朝阳建平", "大连普湾"]


def test_the_chinese_zone_list_is_in_pinyin_order(client):
    for number, name in enumerate(NAMES):
        ZoneFactory(name_en=f"Zone {number}", name_zh_hans=f"{name}开发区")
    html = client.get("/zh-hans/zones/").content.decode()
    zones = [f"{name}开发区" for name in NAMES]
    assert in_page_order(html, zones) == [f"{name}开发区" for name in PINYIN_ORDER]


def test_the_english_zone_list_stays_in_alphabetical_order(client):
    for name in ("Beta", "Alpha"):
        ZoneFactory(name_en=f"{name} Zone", name_zh_hans="")
    html = client.get("/en/zones/").content.decode()
    assert in_page_order(html, ["Beta Zone", "Alpha Zone"]) == ["Alpha Zone", "Beta Zone"]


def test_the_english_directory_files_names_without_case_or_accents(client):
    zone = ZoneFactory()
    names = ["Zeta Co.", "Ölmann Dalian Co.", "iSoftStone (Dalian) Co.", "ABB Engineering Co."]
    for name in names:
        EnterpriseFactory(zone=zone, name_en=name, name_zh_hans="")
    EnterpriseFactory(zone=zone, name_en="", name_zh_hans="大连公司")  # shown in Chinese
    expected = [
        "ABB Engineering Co.",
        "大连公司",  # da4 lian2 …, among the D's
        "iSoftStone (Dalian) Co.",
        "Ölmann Dalian Co.",
        "Zeta Co.",
    ]
    for query in ("", "?sort=name"):
        html = client.get(f"/en/enterprises/{query}").content.decode()
        assert in_page_order(html, expected) == expected
    # On a Chinese page, among the pinyin: Ö with the o's.
    html = client.get("/zh-hans/enterprises/").content.decode()
    assert in_page_order(html, ["大连公司", "Ölmann Dalian Co.", "Zeta Co."]) == [
        "大连公司",
        "Ölmann Dalian Co.",
        "Zeta Co.",
    ]


def test_the_migration_fills_both_keys_of_existing_rows():
    zone = ZoneFactory(name_en="Ölmann Zone", name_zh_hans="")
    Zone.objects.filter(pk=zone.pk).update(sort_key_zh="", sort_key_en="")
    migration = importlib.import_module("zones.migrations.0017_english_sort_keys")
    migration.fill_sort_keys(models_as_of(("zones", "0017_english_sort_keys")), None)
    zone.refresh_from_db()
    assert (zone.sort_key_en, zone.sort_key_zh) == ("olmann zone", "olmann zone")


def test_the_chinese_directory_lists_enterprises_in_pinyin_order(client):
    zone = ZoneFactory()
    for name in NAMES:
        EnterpriseFactory(zone=zone, name_zh_hans=f"{name}有限公司")
    for query in ("", "?sort=name"):
        html = client.get(f"/zh-hans/enterprises/{query}").content.decode()
        names = [f"{name}有限公司" for name in NAMES]
        assert in_page_order(html, names) == [f"{name}有限公司" for name in PINYIN_ORDER]


def test_the_chinese_directorys_downloads_list_a_querys_matches_in_the_pages_order(client):
    zone = ZoneFactory()
    for name in NAMES:
        EnterpriseFactory(
            zone=zone, name_en=f"{name} Harbour Works", name_zh_hans=f"{name}有限公司"
        )
    names = [f"{name}有限公司" for name in NAMES]
    page = client.get("/zh-hans/enterprises/?q=harbour").content.decode()
    assert in_page_order(page, names) == [f"{name}有限公司" for name in PINYIN_ORDER]
    for download in ("export.csv", "export.json"):
        response = client.get(f"/zh-hans/enterprises/{download}?q=harbour")
        assert in_page_order(response.getvalue().decode("utf-8-sig"), names) == in_page_order(
            page, names
        )


def test_the_chinese_institution_list_is_in_pinyin_order(client):
    for name in NAMES:
        InstitutionFactory(name_zh_hans=f"{name}大学")
    html = client.get("/zh-hans/institutions/").content.decode()
    names = [f"{name}大学" for name in NAMES]
    assert in_page_order(html, names) == [f"{name}大学" for name in PINYIN_ORDER]


def test_the_directorys_sector_and_qualification_choices_are_in_pinyin_order(client):
    enterprise = EnterpriseFactory()
    for name in NAMES:
        enterprise.sectors.add(SectorFactory(name_zh_hans=f"{name}产业"))
        EnterpriseQualificationFactory(
            enterprise=enterprise, qualification=QualificationFactory(name_zh_hans=f"{name}资质")
        )
    facets = {
        facet.name: [str(option.label) for option in facet.options]
        for facet in client.get("/zh-hans/enterprises/").context["facets"]
        if facet.name in ("sector", "qualification")
    }
    assert facets["sector"] == [f"{name}产业" for name in PINYIN_ORDER]
    assert facets["qualification"] == [f"{name}资质" for name in PINYIN_ORDER]


def test_an_enterprises_sectors_are_tagged_in_pinyin_order_as_the_facet_lists_them(client):
    enterprise = EnterpriseFactory(name_en="Tagged Co.")
    for number, name in enumerate(NAMES):
        enterprise.sectors.add(
            SectorFactory(name_en=f"{'DCBA'[number]} sector", name_zh_hans=f"{name}产业")
        )
    tags = re.search(
        r'<ul class="tags">(.*?)</ul>', client.get("/zh-hans/enterprises/").content.decode()
    )
    assert re.findall(r"<li>([^<]*)</li>", tags[1]) == [f"{name}产业" for name in PINYIN_ORDER]
    tags = re.search(
        r'<ul class="tags">(.*?)</ul>', client.get("/en/enterprises/").content.decode()
    )
    assert re.findall(r"<li>([^<]*)</li>", tags[1]) == [f"{letter} sector" for letter in "ABCD"]


def test_a_renamed_record_moves_to_its_new_place():
    zone = ZoneFactory(name_zh_hans="沈阳")
    zone.name_zh_hans = "阿城"
    zone.save()
    zone.refresh_from_db()
    assert zone.sort_key_zh == "a1 cheng2"


def test_a_record_without_a_chinese_name_sorts_by_its_english_one():
    assert ZoneFactory(name_en="Liaobin Zone", name_zh_hans="").sort_key_zh == "liaobin zone"


def test_the_migration_fills_the_keys_of_existing_rows():
    zone = ZoneFactory(name_zh_hans="大连")
    Zone.objects.filter(pk=zone.pk).update(sort_key_zh="")
    migration = importlib.import_module("zones.migrations.0008_chinese_sort_keys")
    migration.fill_sort_keys(apps, None)
    zone.refresh_from_db()
    assert zone.sort_key_zh == "da4 lian2"


def test_the_sort_key_never_shows_in_a_records_history():
    zone = ZoneFactory(name_zh_hans="大连")
    changed = history.changes(Zone, {"sort_key_zh": "da4 lian2"}, {"sort_key_zh": "a1 cheng2"})
    assert changed == []
    assert re.fullmatch(r"[a-z0-9 ]+", zone.sort_key_zh)


def test_the_home_page_comparison_and_enquiry_list_zones_in_pinyin_order_in_chinese(client, demo):
    pinyin = [
        "朝阳建平经济开发区",
        "大连普湾经济区",
        "辽滨沿海经济技术开发区",
        "沈阳经济技术开发区",
    ]

    def order(text: str) -> list[str]:
        return sorted((name for name in pinyin if name in text), key=lambda name: text.index(name))

    assert order(client.get("/zh-hans/").text.split("<h2", 2)[1]) == pinyin
    chooser = client.get("/zh-hans/zones/compare/?zones=dalian-puwan").text
    assert order(chooser.split("compare-chooser", 1)[1]) == pinyin
    form = client.get("/zh-hans/zones/compare/enquiry/?zones=dalian-puwan,panjin-liaobin")
    assert [zone.slug for zone in form.context["form"].fields["zones"].queryset] == [
        "chaoyang-jianping",
        "dalian-puwan",
        "panjin-liaobin",
        "shenyang-etdz",
    ]


def test_a_releases_named_records_and_the_zone_filter_are_in_pinyin_order_in_chinese(client, demo):
    release = client.get(demo.get_absolute_url().replace("/en/", "/zh-hans/", 1)).text
    named = release.split("<h2", 2)[-1]
    zones = ["朝阳建平经济开发区", "大连普湾经济区", "沈阳经济技术开发区"]
    assert in_page_order(named, [name for name in zones if name in named]) == [
        name for name in zones if name in named
    ]
    institutions = ["大连理工大学", "天津大学", "中国科学院大连化学物理研究所"]
    assert in_page_order(release, institutions) == institutions

    events = client.get("/zh-hans/events/").text
    chooser = events.split('name="zone"', 1)[1].split("</select>", 1)[0]
    zones = ["朝阳建平", "大连普湾", "盘锦辽滨沿海", "沈阳经济技术"]
    assert in_page_order(chooser, zones) == zones


def test_figures_are_listed_by_their_metrics_pinyin_in_chinese(client):
    zone = ZoneFactory(slug="figures-zone")
    release = ReleaseFactory()
    for name in NAMES:
        metric = MetricFactory(name_zh_hans=f"{name}指数")
        IndicatorFactory(zone=zone, release=release, metric=metric)
    IndicatorFactory(zone=zone, release=release, metric=MetricFactory(name_en="Growth in bees"))
    # Growth (g-r) comes between 大连 (d-a) and 沈阳 (s-h), not before every Chinese name.
    expected = ["阿城指数", "鞍山指数", "大连指数", "Growth in bees", "沈阳指数"]
    for page in ("/zh-hans/zones/figures-zone/", "/zh-hans/"):
        html = client.get(page).text
        assert in_page_order(html, expected) == expected, page


def test_the_migration_fills_the_metrics_keys():
    metric = MetricFactory(name_zh_hans="大连")
    Metric.objects.filter(pk=metric.pk).update(sort_key_zh="")
    migration = importlib.import_module("news.migrations.0006_metric_chinese_sort_key")
    migration.fill_sort_keys(apps, None)
    metric.refresh_from_db()
    assert metric.sort_key_zh == "da4 lian2"
