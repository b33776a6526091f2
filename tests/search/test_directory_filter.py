"""The enterprise directory's `q` filter: the same search, composed with the other filters."""

import pytest

from portal.search.queries import AS_TYPED, ON_NAME, filter_queryset, prepare, record_matches
from tests.factories import EnterpriseFactory, SectorFactory, ZoneFactory
from zones.models import Enterprise

pytestmark = pytest.mark.django_db


def names(queryset) -> list[str]:
    return [enterprise.name for enterprise in queryset]


@pytest.fixture
def directory():
    dalian, shenyang = ZoneFactory(), ZoneFactory()
    chemicals, machinery = SectorFactory(), SectorFactory()
    records = [
        ("Allychem Co., Ltd.", "", dalian, chemicals),
        ("Dalian Catalyst Co., Ltd.", "大连催化剂有限公司", dalian, chemicals),
        ("Northern Trading", "", dalian, machinery),
        ("Shenyang Catalyst Works", "沈阳催化剂厂", shenyang, chemicals),
    ]
    for name_en, name_zh, zone, sector in records:
        enterprise = EnterpriseFactory(name_en=name_en, name_zh_hans=name_zh, zone=zone)
        enterprise.sectors.add(sector)
    trader = Enterprise.objects.get(name_en="Northern Trading")
    trader.summary_en = "Buys catalysts."
    trader.save()
    return {"dalian": dalian, "chemicals": chemicals}


def test_query_composes_with_two_other_filters(directory):
    queryset = Enterprise.objects.published().filter(
        zone=directory["dalian"], sectors=directory["chemicals"]
    )
    assert names(filter_queryset(queryset, "catalyst")) == ["Dalian Catalyst Co., Ltd."]
    assert names(filter_queryset(queryset, "催化剂")) == ["Dalian Catalyst Co., Ltd."]


def test_traditional_characters_filter_the_directory_as_simplified_ones(client, directory):
    response = client.get("/zh-hans/enterprises/", {"q": "瀋陽催化劑"})
    assert [enterprise.name_en for enterprise in response.context["page_obj"]] == [
        "Shenyang Catalyst Works"
    ]


def test_a_chinese_query_lists_enterprises_named_in_english_only(client, demo):
    response = client.get("/zh-hans/enterprises/", {"q": "大连"})
    names = [enterprise.name_en for enterprise in response.context["page_obj"]]
    assert "Dalian Sanhuan Composite Material Technology Development Co., Ltd." in names


def test_name_matches_come_before_text_matches(directory):
    found = filter_queryset(Enterprise.objects.published(), "catalyst")
    assert names(found)[-1] == "Northern Trading"
    assert [e.search_rank for e in found] == [0, 0, 1]


def test_misspelling_finds_the_enterprise(directory):
    assert names(filter_queryset(Enterprise.objects.published(), "allychen")) == [
        "Allychem Co., Ltd."
    ]


def test_pinyin_finds_the_enterprise(directory):
    assert names(filter_queryset(Enterprise.objects.published(), "cuihuaji")) == [
        "Dalian Catalyst Co., Ltd.",
        "Shenyang Catalyst Works",
    ]


def test_empty_query_leaves_the_queryset_alone(directory):
    queryset = Enterprise.objects.published()
    assert filter_queryset(queryset, "  ") is queryset


def test_filter_keeps_the_querysets_own_visibility(directory):
    Enterprise.objects.filter(name_en="Allychem Co., Ltd.").update(status="draft")
    assert names(filter_queryset(Enterprise.objects.published(), "allychem")) == []


def matched(query: str) -> dict[str, tuple[bool, bool]]:
    """record_matches() by name: (matched on a name as typed, matched as typed)."""
    by_id = dict(Enterprise.objects.values_list("pk", "name_en"))
    return {
        by_id[match >> 2]: (bool(match & ON_NAME), bool(match & AS_TYPED))
        for match in record_matches(Enterprise, prepare(query))
    }


def test_record_matches_says_how_each_record_matched(directory):
    assert matched("catalyst") == {
        "Dalian Catalyst Co., Ltd.": (True, True),
        "Shenyang Catalyst Works": (True, True),
        "Northern Trading": (False, True),  # in its summary
    }
    assert matched("催化剂") == {
        "Dalian Catalyst Co., Ltd.": (True, True),
        "Shenyang Catalyst Works": (True, True),
    }
    # Through a spelling correction only.
    assert matched("allychen") == {"Allychem Co., Ltd.": (False, False)}
    assert matched("qxzvwk") == {}
