"""Editors enter the facts investors look for in the zone's own form."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.publishing.models import PendingChange
from tests.adminforms import change_form_data
from tests.factories import (
    CooperationFactory,
    EnterpriseFactory,
    EnterpriseQualificationFactory,
    EventFactory,
    InstitutionFactory,
    ParkFactory,
    ReleaseFactory,
    SectorFactory,
    ZoneFactory,
)
from zones.models import Zone

pytestmark = pytest.mark.django_db


def leading_industry_rows(sectors) -> dict:
    data = {
        "leading_industries-TOTAL_FORMS": str(len(sectors)),
        "leading_industries-INITIAL_FORMS": "0",
    }
    for index, sector in enumerate(sectors):
        data[f"leading_industries-{index}-sector"] = str(sector.pk)
        data[f"leading_industries-{index}-position"] = str(index)
    return data


def test_an_editor_enters_investor_facts_and_ordered_leading_industries_in_the_zone_form(
    editor_client, client
):
    zone = ZoneFactory(status="draft", slug="harbour")
    first, second = SectorFactory(name_en="Logistics"), SectorFactory(name_en="Chemicals")
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    data = change_form_data(editor_client.get(url)) | {
        "approving_body_en": "State Council",
        "investment_office_en": "Investment Promotion Bureau",
        "investment_email": "invest@harbour.example.cn",
        "investment_telephone": "+86 427 000 0000",
        "preferential_policies_en": "<p>Rent-free land</p><script>alert(1)</script>",
    }
    data |= leading_industry_rows([first, second])

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    zone.refresh_from_db()
    assert zone.approving_body_en == "State Council"
    assert zone.preferential_policies_en == "<p>Rent-free land</p>"
    assert [li.sector for li in zone.leading_industries.all()] == [first, second]


def test_an_editors_new_leading_industry_on_a_live_zone_waits_as_its_pending_draft(
    editor_client, client
):
    zone = ZoneFactory(slug="harbour")
    sector = SectorFactory(name_en="Logistics")
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    data = change_form_data(editor_client.get(url)) | leading_industry_rows([sector])

    assert editor_client.post(url, data).status_code == 302

    assert not Zone.objects.get(pk=zone.pk).leading_industries.exists()
    assert PendingChange.objects.for_record(zone) is not None
    assert "Logistics" not in client.get(zone.get_absolute_url()).text


@pytest.mark.parametrize("factory", [ZoneFactory, EnterpriseFactory])
def test_the_zone_and_enterprise_forms_show_status_pending_draft_and_previews(
    editor_client, factory
):
    record = factory()
    opts = record._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    editor_client.post(url, change_form_data(editor_client.get(url)) | {"name_en": "Renamed"})

    page = editor_client.get(url).content.decode()

    assert "A pending draft is being written." in page
    assert "Preview saved version" in page
    assert "Preview without saving" in page
    assert 'class="status-badge' in page


def test_an_export_address_with_an_unknown_filter_says_so(publisher_client):
    response = publisher_client.get(
        reverse("admin:zones_enterprise_export") + "?foo=1", follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("admin:zones_enterprise_changelist")
    assert "holds a filter the list does not have" in response.content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, ["Allychem Co., Ltd.", "鞍山恒泰", "大连三环"]),
        ({"o": "-1"}, ["大连三环", "鞍山恒泰", "Allychem Co., Ltd."]),
        ({"o": "4"}, ["鞍山恒泰", "Allychem Co., Ltd.", "大连三环"]),
        ({"o": "-4"}, ["Allychem Co., Ltd.", "鞍山恒泰", "大连三环"]),
    ],
)
def test_the_chinese_admin_lists_by_pinyin_and_empty_values_last_on_every_database(
    publisher_client, query, expected
):
    EnterpriseFactory(name_en="Allychem Co., Ltd.", name_zh_hans="", founded_year=2001)
    EnterpriseFactory(name_en="Dalian Sanhuan", name_zh_hans="大连三环", founded_year=None)
    EnterpriseFactory(name_en="Anshan Hengtai", name_zh_hans="鞍山恒泰", founded_year=1999)

    response = publisher_client.get(
        reverse("admin:zones_enterprise_changelist"), query, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert [str(obj) for obj in response.context["cl"].result_list] == expected


def test_the_admin_sorts_a_relation_column_by_the_related_records_order(publisher_client):
    zone = ZoneFactory()
    second = ParkFactory(zone=zone, name_en="Second park", position=2)
    first = ParkFactory(zone=zone, name_en="First park", position=1)
    EnterpriseFactory(name_en="In the second", zone=zone, park=second)
    EnterpriseFactory(name_en="In the first", zone=zone, park=first)

    response = publisher_client.get(reverse("admin:zones_enterprise_changelist"), {"o": "3"})

    names = [str(obj) for obj in response.context["cl"].result_list]
    assert names == ["In the first", "In the second"]


def test_a_list_sorted_by_a_zone_lists_the_zones_by_name_and_records_without_one_last(
    publisher_client,
):
    yingkou, anshan = ZoneFactory(name_en="Yingkou zone"), ZoneFactory(name_en="Anshan zone")
    CooperationFactory(title_en="In no zone", zone=None)
    CooperationFactory(title_en="In Yingkou", zone=yingkou)
    CooperationFactory(title_en="In Anshan", zone=anshan)
    changelist = reverse("admin:zones_cooperation_changelist")

    for order in ("3", "-3"):
        response = publisher_client.get(changelist, {"o": order})
        titles = [str(obj) for obj in response.context["cl"].result_list]
        assert titles[-1] == "In no zone"
    assert titles[:2] == ["In Yingkou", "In Anshan"]


def test_the_chinese_admin_sorts_titles_in_pinyin_and_one_without_chinese_by_its_english(
    publisher_client,
):
    for title_en, title_zh in [
        ("Zeta", None),
        ("Dalian", "大连合作"),
        ("Alpha", ""),
        ("Anshan", "鞍山合作"),
    ]:
        CooperationFactory(title_en=title_en, title_zh_hans=title_zh, signed_on=None)

    response = publisher_client.get(
        reverse("admin:zones_cooperation_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    # Not by code point, which puts 大 (U+5927) before 鞍 (U+978D), and both after every Latin
    # letter.
    assert [str(obj) for obj in response.context["cl"].result_list] == [
        "Alpha",
        "鞍山合作",
        "大连合作",
        "Zeta",
    ]


@pytest.mark.parametrize(
    "factory, url_name, field, order",
    [
        (ReleaseFactory, "admin:news_release_changelist", "title", "1"),
        (EventFactory, "admin:news_event_changelist", "title", "1"),
        (ParkFactory, "admin:zones_park_changelist", "name", "1"),
    ],
)
def test_the_chinese_admin_sorts_a_title_or_name_column_in_pinyin(
    publisher_client, factory, url_name, field, order
):
    for english, chinese in [("Dalian", "大连"), ("Zeta", ""), ("Anshan", "鞍山")]:
        factory(**{f"{field}_en": english, f"{field}_zh_hans": chinese})

    shown = {}
    for direction in (order, f"-{order}"):
        response = publisher_client.get(
            reverse(url_name), {"o": direction}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
        shown[direction] = [str(obj) for obj in response.context["cl"].result_list]

    assert shown[order] == ["鞍山", "大连", "Zeta"]
    assert shown[f"-{order}"] == ["Zeta", "大连", "鞍山"]


def test_an_empty_short_name_sorts_last(publisher_client):
    ZoneFactory(name_en="Alpha zone", short_name_en="", short_name_zh_hans="")
    ZoneFactory(name_en="Shenyang zone", short_name_en="Shenyang ETDZ")

    for order in ("2", "-2"):
        response = publisher_client.get(reverse("admin:zones_zone_changelist"), {"o": order})
        names = [str(obj) for obj in response.context["cl"].result_list]
        assert names == ["Shenyang zone", "Alpha zone"]


def test_an_enterprises_park_is_chosen_from_the_parks_grouped_under_their_zones(
    publisher_client,
):
    for zone_name in ("Yingkou zone", "Anshan zone"):
        zone = ZoneFactory(name_en=zone_name)
        ParkFactory(zone=zone, name_en="Equipment manufacturing zone")

    page = publisher_client.get(reverse("admin:zones_enterprise_add")).text
    select = page[page.index('name="park"') : page.index("</select>", page.index('name="park"'))]

    groups = re.findall(
        r'<optgroup label="([^"]*)">\s*<option value="\d+">([^<]*)</option>', select
    )
    assert groups == [
        ("Anshan zone", "Equipment manufacturing zone"),
        ("Yingkou zone", "Equipment manufacturing zone"),
    ]


def test_the_chinese_admin_groups_the_parks_under_zones_in_pinyin_order(publisher_client):
    # English names in the other order, so that only the pinyin puts 鞍山 (an) before 大连 (da).
    for english, chinese in (("Alpha zone", "大连开发区"), ("Zeta zone", "鞍山开发区")):
        ParkFactory(zone=ZoneFactory(name_en=english, name_zh_hans=chinese), name_en="Port park")

    page = publisher_client.get(
        reverse("admin:zones_enterprise_add"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).text

    assert re.findall(r'<optgroup label="([^"]*)">', page) == ["鞍山开发区", "大连开发区"]


@pytest.mark.parametrize("order, expected", [("1", ["Alpha", "Zeta"]), ("-1", ["Zeta", "Alpha"])])
def test_the_english_admin_sorts_cooperation_by_title(publisher_client, order, expected):
    for title in ("Zeta", "Alpha"):
        CooperationFactory(title_en=title, signed_on=None)

    response = publisher_client.get(reverse("admin:zones_cooperation_changelist"), {"o": order})

    assert [str(obj) for obj in response.context["cl"].result_list] == expected


@pytest.mark.parametrize("words", ["大连普湾经济区", "大连理工大学"], ids=["zone", "institution"])
def test_the_cooperation_list_finds_it_by_its_zones_or_institutions_chinese_name(
    publisher_client, words
):
    cooperation = CooperationFactory(zone__name_zh_hans="大连普湾经济区")
    cooperation.institutions.add(InstitutionFactory(name_zh_hans="大连理工大学"))
    CooperationFactory()

    response = publisher_client.get(reverse("admin:zones_cooperation_changelist"), {"q": words})

    assert list(response.context["cl"].result_list) == [cooperation]


def test_the_enterprise_list_filters_by_a_sector_or_qualification_without_distinct(
    publisher_client,
):
    energy, materials = SectorFactory(name_en="New energy"), SectorFactory(name_en="Materials")
    both = EnterpriseFactory(name_en="Both sectors")
    both.sectors.set([energy, materials])
    EnterpriseFactory(name_en="Materials only").sectors.set([materials])
    EnterpriseFactory(name_en="No sector")
    EnterpriseQualificationFactory(enterprise=both, qualification__name_en="Gazelle")
    changelist = reverse("admin:zones_enterprise_changelist")

    def listed(query: dict) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            response = publisher_client.get(changelist, query)
        assert response.status_code == 200
        # A join would list a record once per link and need the whole list DISTINCT.
        assert not [statement for statement in captured if "DISTINCT" in statement["sql"]]
        return sorted(str(obj) for obj in response.context["cl"].result_list)

    assert listed({"sectors": energy.pk}) == ["Both sectors"]
    assert listed({"sectors": materials.pk}) == ["Both sectors", "Materials only"]
    assert listed({"sectors": "none"}) == ["No sector"]
    qualification = both.qualifications.get()
    assert listed({"qualifications": qualification.pk, "sectors": materials.pk}) == ["Both sectors"]
    page = publisher_client.get(changelist, {"sectors": energy.pk}).text
    assert re.search(r'<li class="selected">\s*<a href="\?sectors=\d+">New energy</a>', page)


def test_a_sector_filter_that_is_not_a_sector_goes_back_to_the_whole_list(publisher_client):
    EnterpriseFactory(name_en="Listed")
    changelist = reverse("admin:zones_enterprise_changelist")

    response = publisher_client.get(changelist, {"sectors": "abc"}, follow=True)

    assert response.redirect_chain == [(f"{changelist}?e=1", 302)]
    assert [str(obj) for obj in response.context["cl"].result_list] == ["Listed"]
    # A number past any id: no error either (SQLite refuses it, PostgreSQL finds nothing).
    assert publisher_client.get(changelist, {"sectors": "9" * 20}, follow=True).status_code == 200


def test_the_chinese_admin_lists_a_filters_zones_and_sectors_in_pinyin_order(publisher_client):
    for name_zh in ("沈阳经开区", "大连普湾", "朝阳建平"):
        ZoneFactory(name_zh_hans=name_zh)
    for name_zh in ("装备制造", "新材料", "农产品加工"):
        SectorFactory(name_zh_hans=name_zh)

    page = publisher_client.get(
        reverse("admin:zones_enterprise_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).text

    zones = re.findall(r'<a href="\?zone__id__exact=\d+">([^<]+)</a>', page)
    sectors = re.findall(r'<a href="\?sectors=\d+">([^<]+)</a>', page)
    assert zones == ["朝阳建平", "大连普湾", "沈阳经开区"]
    assert sectors == ["农产品加工", "新材料", "装备制造"]
