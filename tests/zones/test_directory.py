"""The enterprise directory: filters as shareable GET parameters, facet counts, chips, CSV."""

import csv
import io

import pytest
from django.urls import reverse

from portal.publishing.models import Status
from tests.factories import (
    EnterpriseFactory,
    EnterpriseQualificationFactory,
    ParkFactory,
    QualificationFactory,
    SectorFactory,
    ZoneFactory,
)
from zones import views

pytestmark = pytest.mark.django_db

DIRECTORY = "/en/enterprises/"
ALLIANCE = "provincial-industry-university-research-alliances"
PUWAN_ENTERPRISES = {"allychem", "dalian-sanhuan-composite-material"}


def slugs(response) -> set[str]:
    return {enterprise.slug for enterprise in response.context["page_obj"].object_list}


def facet(response, name: str) -> dict[str, int]:
    facets = {facet.name: facet for facet in response.context["facets"]}
    return {option.value: option.count for option in facets[name].options}


def test_filtering_by_dalian_puwan_gives_the_two_enterprises_the_release_names(client, demo):
    response = client.get(DIRECTORY, {"zone": "dalian-puwan"})
    assert slugs(response) == PUWAN_ENTERPRISES
    assert response.context["paginator"].count == 2


def test_filtering_by_alliance_membership_gives_the_same_two(client, demo):
    response = client.get(DIRECTORY, {"platform": ALLIANCE})
    assert slugs(response) == PUWAN_ENTERPRISES


def test_search_matches_name_in_either_language(client, db):
    EnterpriseFactory(slug="sanhuan", name_en="Sanhuan Composite", name_zh_hans="三环复合材料")
    EnterpriseFactory(slug="other", name_en="Other Works")
    assert slugs(client.get(DIRECTORY, {"q": "composite"})) == {"sanhuan"}
    assert slugs(client.get(DIRECTORY, {"q": "三环"})) == {"sanhuan"}


def test_search_text_is_cut_and_stripped_of_nul_bytes(client, db):
    EnterpriseFactory(slug="sanhuan", name_en="Sanhuan Composite")
    assert slugs(client.get(DIRECTORY, {"q": "San\x00huan"})) == {"sanhuan"}
    assert client.get(DIRECTORY, {"q": "x" * 10_000}).context["paginator"].count == 0


def test_unpublished_enterprises_are_not_listed(client, db):
    EnterpriseFactory(slug="draft", status=Status.DRAFT)
    EnterpriseFactory(slug="public")
    assert slugs(client.get(DIRECTORY)) == {"public"}


def test_each_facet_counts_under_the_other_filters(client, db):
    zone, other_zone = ZoneFactory(slug="a"), ZoneFactory(slug="b")
    gazelle = QualificationFactory(slug="gazelle")
    for zone_, held in [(zone, True), (zone, False), (other_zone, True)]:
        enterprise = EnterpriseFactory(zone=zone_)
        if held:
            EnterpriseQualificationFactory(enterprise=enterprise, qualification=gazelle)
    response = client.get(DIRECTORY, {"zone": "a", "qualification": "gazelle"})
    assert response.context["paginator"].count == 1
    assert facet(response, "zone") == {"a": 1, "b": 1}
    assert facet(response, "qualification") == {"gazelle": 1}


def test_several_values_of_one_filter_add_up(client, db):
    EnterpriseFactory(slug="one", zone=ZoneFactory(slug="a"))
    EnterpriseFactory(slug="two", zone=ZoneFactory(slug="b"))
    EnterpriseFactory(slug="three", zone=ZoneFactory(slug="c"))
    assert slugs(client.get(f"{DIRECTORY}?zone=a&zone=b")) == {"one", "two"}


def test_parks_are_named_with_their_zone_since_park_slugs_repeat(client, db):
    first, second = ZoneFactory(slug="a"), ZoneFactory(slug="b")
    EnterpriseFactory(slug="in-a", zone=first, park=ParkFactory(zone=first, slug="east"))
    EnterpriseFactory(slug="in-b", zone=second, park=ParkFactory(zone=second, slug="east"))
    assert slugs(client.get(DIRECTORY, {"park": "b.east"})) == {"in-b"}


def test_sector_city_country_and_founding_years_filter(client, db):
    sector = SectorFactory(slug="new-materials")
    match = EnterpriseFactory(
        slug="match", zone=ZoneFactory(city="dalian"), founded_year=2015, country="DE"
    )
    match.sectors.add(sector)
    EnterpriseFactory(slug="older", zone=match.zone, founded_year=1990, country="DE")
    EnterpriseFactory(slug="elsewhere", founded_year=2015, country="DE")
    response = client.get(
        DIRECTORY,
        {
            "sector": "new-materials",
            "city": "dalian",
            "country": "DE",
            "founded_min": "2000",
            "founded_max": "2020",
        },
    )
    assert slugs(response) == {"match"}


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", ["Harbour Zone", "East Park", "Dalian", "founded 2015", "Germany", "New Materials"]),
        ("zh-hans", ["港区", "东园", "大连", "德国", "新材料"]),
    ],
)
def test_a_row_shows_zone_park_city_founding_country_and_sectors(client, db, language, shown):
    zone = ZoneFactory(name_en="Harbour Zone", name_zh_hans="港区", city="dalian")
    enterprise = EnterpriseFactory(
        zone=zone,
        park=ParkFactory(zone=zone, name_en="East Park", name_zh_hans="东园"),
        founded_year=2015,
        country="DE",
    )
    enterprise.sectors.add(SectorFactory(name_en="New Materials", name_zh_hans="新材料"))
    page = client.get(f"/{language}/enterprises/").content.decode()
    row = page[page.index('<li class="result">') :]
    row = row[: row.index("</li>\n")]
    for text in shown:
        assert text in row


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["a", "b", "c"]),
        ("founded", ["b", "c", "a"]),
        ("-founded", ["a", "c", "b"]),
    ],
)
def test_sorting(client, db, sort, expected):
    EnterpriseFactory(slug="a", name_en="Alpha", founded_year=2020)
    EnterpriseFactory(slug="b", name_en="Beta", founded_year=2000)
    EnterpriseFactory(slug="c", name_en="Gamma", founded_year=2010)
    response = client.get(DIRECTORY, {"sort": sort})
    assert [e.slug for e in response.context["page_obj"].object_list] == expected


def test_active_filters_show_as_chips_that_remove_them(client, demo):
    response = client.get(DIRECTORY, {"zone": "dalian-puwan", "platform": ALLIANCE, "page": 1})
    chips = {chip.name: chip.remove_url for chip in response.context["chips"]}
    assert chips == {"zone": f"?platform={ALLIANCE}", "platform": "?zone=dalian-puwan"}
    assert 'href="?platform=' in response.text


def test_an_empty_result_suggests_the_filter_to_remove(client, demo):
    response = client.get(DIRECTORY, {"zone": "dalian-puwan", "city": "shenyang"})
    assert response.context["paginator"].count == 0
    suggested = {chip.name for chip in response.context["suggestions"]}
    assert suggested == {"city"}  # without the zone filter Shenyang still has none
    assert "Try removing one of these filters" in response.text


def test_a_selected_choice_no_enterprise_has_still_shows_as_a_removable_chip(client, demo):
    response = client.get(DIRECTORY, {"zone": "dalian-puwan", "sector": "new-energy"})
    assert response.context["paginator"].count == 0
    chips = {chip.name: chip.remove_url for chip in response.context["chips"]}
    assert chips == {"zone": "?sector=new-energy", "sector": "?zone=dalian-puwan"}


def test_the_result_count_is_shown(client, demo):
    assert "2 enterprises" in client.get(DIRECTORY, {"zone": "dalian-puwan"}).text


def test_htmx_requests_get_only_the_directory(client, demo):
    response = client.get(DIRECTORY, {"zone": "dalian-puwan"}, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="directory"')
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]


def test_csv_export_has_a_bom_and_the_filtered_rows(client, demo):
    response = client.get(reverse("zones:enterprise_export"), {"zone": "dalian-puwan"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response.getvalue()  # streamed: read once
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "Name"
    assert {row[0] for row in rows[1:]} == {
        "Allychem Co., Ltd.",
        "Dalian Sanhuan Composite Material Technology Development Co., Ltd.",
    }


def test_csv_export_in_chinese_has_chinese_headers_and_names(client, demo):
    response = client.get("/zh-hans/enterprises/export.csv", {"zone": "dalian-puwan"})
    text = response.getvalue().decode("utf-8-sig")
    assert text.startswith("名称,开发区")
    assert "大连普湾经济区" in text


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(client, db):
    EnterpriseFactory(name_en='=HYPERLINK("http://example.com")')
    text = client.get(reverse("zones:enterprise_export")).getvalue().decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_the_csv_export_of_a_search_in_two_sectors_lists_each_match_once_names_first(client, db):
    sectors = [SectorFactory(), SectorFactory()]
    for name in ("Bay Tools Co., Ltd.", "Harbour Robotics Co., Ltd."):
        enterprise = EnterpriseFactory(name_en=name, summary_en="Makes robotics kits.")
        enterprise.sectors.add(*sectors)
    EnterpriseFactory(name_en="Coast Foods Co., Ltd.").sectors.add(*sectors)
    EnterpriseFactory(name_en="Robotics Outside Co., Ltd.", summary_en="Makes robotics kits.")
    # Two sectors chosen: the rows are made DISTINCT, and sorted by how each one matched.
    params = {"q": "robotics", "sector": [sector.slug for sector in sectors]}
    body = client.get(reverse("zones:enterprise_export"), params).getvalue()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["Harbour Robotics Co., Ltd.", "Bay Tools Co., Ltd."]


def test_htmx_requests_push_the_address_without_empty_parameters(client, demo):
    response = client.get(
        f"{DIRECTORY}?q=&zone=dalian-puwan&founded_min=&sort=name", headers={"HX-Request": "true"}
    )
    assert response["HX-Push-Url"] == f"{DIRECTORY}?zone=dalian-puwan&sort=name"


def test_enterprises_without_a_founding_year_sort_last_either_way(client, db):
    EnterpriseFactory(slug="unknown", founded_year=None)
    EnterpriseFactory(slug="old", founded_year=1990)
    EnterpriseFactory(slug="new", founded_year=2020)
    for sort, expected in (
        ("founded", ["old", "new", "unknown"]),
        ("-founded", ["new", "old", "unknown"]),
    ):
        response = client.get(DIRECTORY, {"sort": sort})
        assert [e.slug for e in response.context["page_obj"].object_list] == expected


def test_the_csv_export_streams_reading_a_chunk_of_enterprises_per_three_queries(
    client, db, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(views, "EXPORT_CHUNK", 10)
    zone = ZoneFactory()
    EnterpriseFactory.create_batch(25, zone=zone)
    response = client.get(reverse("zones:enterprise_export"))
    assert response.streaming
    # The sectors' names, the enterprises and their zone, then for each of the three chunks of
    # 10 their sectors, qualifications and the releases that name them (the sources).
    with django_assert_num_queries(3 + 3 * 3):
        rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert len(rows) == 1 + 25


@pytest.mark.parametrize(
    ("parameter", "values"),
    [("country", ["XX", "DE"]), ("city", ["nope", "dalian"]), ("city", ["dalian", "Dalian"])],
)
def test_a_value_no_choice_has_is_named_and_dropped_and_the_others_kept(
    client, db, parameter, values
):
    EnterpriseFactory(slug="match", zone=ZoneFactory(city="dalian"), country="DE")
    EnterpriseFactory(slug="other", zone=ZoneFactory(city="shenyang"), country="US")
    response = client.get(DIRECTORY, {parameter: values})
    assert slugs(response) == {"match"}
    bad = next(value for value in values if value not in {"DE", "dalian"})
    assert f"{bad} is not one of the available choices" in response.text


def test_a_parks_option_names_its_zone_and_marks_a_name_shown_untranslated(client, db):
    zone = ZoneFactory(slug="harbour", name_en="Harbour Zone", name_zh_hans="港区")
    EnterpriseFactory(zone=zone, park=ParkFactory(zone=zone, slug="east", name_en="East <Park>"))
    page = client.get("/zh-hans/enterprises/").content.decode()
    option = page[page.index('<input type="checkbox" id="f-park-harboureast"') :]
    option = option[: option.index("</li>")]
    assert 'name="park" value="harbour.east">' in option
    assert (
        '<label for="f-park-harboureast"><span class="untranslated" title="尚无中文译文">'
        '<span lang="en">East &lt;Park&gt;</span></span> <small>· 港区</small>'
    ) in option
    assert '<span class="count"><span class="visually-hidden">(</span>1<' in option


def test_a_row_says_where_an_enterprise_is_and_what_it_holds_escaped_and_marked(client, db):
    zone = ZoneFactory(slug="harbour", name_en="Harbour Zone", name_zh_hans="港区", city="dalian")
    enterprise = EnterpriseFactory(
        slug="tools",
        name_en="Tools & <Dies>",
        zone=zone,
        park=ParkFactory(zone=zone, name_en="East <Park>"),
        founded_year=2010,
        country="DE",
    )
    enterprise.sectors.add(SectorFactory(name_en="Chips & Boards", name_zh_hans="芯片"))
    EnterpriseQualificationFactory(
        enterprise=enterprise,
        qualification=QualificationFactory(name_en="High-tech <enterprise>", validity_years=3),
        year_granted=2015,
    )
    page = client.get("/zh-hans/enterprises/").content.decode()
    row = page[page.index('<li class="result">') :]
    row = row[: row.index("</li>\n")]
    untranslated = (
        '<span class="untranslated" title="尚无中文译文"><span lang="en">{}</span></span>'
    )
    assert (
        '<h3 class="result__title"><a href="/zh-hans/enterprises/tools/">'
        + untranslated.format("Tools &amp; &lt;Dies&gt;")
        + "</a></h3>"
    ) in row
    assert (
        '<p class="meta">港区 · '
        + untranslated.format("East &lt;Park&gt;")
        + " · 大连 · 成立于2010年 · 德国</p>"
    ) in row
    assert '<ul class="tags"><li>芯片</li></ul>' in row
    assert (
        '<ul class="tags tags--qualifications" aria-label="资质"><li class="tag--expired">'
        + untranslated.format("High-tech &lt;enterprise&gt;")
        + " · 2017年已过期</li></ul>"
    ) in row
