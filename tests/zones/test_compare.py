"""Comparing zones side by side: /<lang>/zones/compare/?zones=a,b."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news.models import Indicator
from portal.publishing.models import Status
from tests.factories import (
    CooperationFactory,
    EnterpriseFactory,
    EnterpriseQualificationFactory,
    IndicatorFactory,
    InstitutionFactory,
    MetricFactory,
    ParkFactory,
    PlatformFactory,
    QualificationFactory,
    ReleaseFactory,
    SectorFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db

URL = "/en/zones/compare/"


def rows(response) -> dict[str, list]:
    return {row.label: row for row in response.context["comparison"].rows}


def test_dalian_puwan_and_liaobin_are_compared_side_by_side(client, demo):
    response = client.get(f"{URL}?zones=dalian-puwan,panjin-liaobin")
    assert response.status_code == 200
    zones = [zone.slug for zone in response.context["comparison"].zones]
    assert zones == ["dalian-puwan", "panjin-liaobin"]
    growth = rows(response)["Growth in gazelle enterprises, percent change"]
    assert [cell.text for cell in growth.cells] == ["116.7", "not reported"]
    assert "Dalian Puwan Economic Zone" in response.text
    assert "+116.7%" in response.text
    assert "not reported" in response.text
    # A total "as of" its release is dated in the portal's time zone, as the release is.
    investment = rows(response)["Research and development investment, yuan (CNY)"]
    assert investment.cells[1].period == "as of June 20, 2024"


def test_the_same_metric_is_one_row_with_each_zones_period_and_source(client, db):
    metric = MetricFactory(name_en="GDP")
    release = ReleaseFactory(title_en="Statistics bulletin")
    a, b = ZoneFactory(slug="a"), ZoneFactory(slug="b")
    IndicatorFactory(zone=a, metric=metric, release=release, year=2023, value=Decimal("5"))
    IndicatorFactory(zone=b, metric=metric, release=release, year=2023, value=Decimal("7"))

    response = client.get(f"{URL}?zones=a,b")

    row = rows(response)["GDP, percent change"]
    assert [(cell.text, cell.period) for cell in row.cells] == [("5", "2023"), ("7", "2023")]
    assert row.note == ""
    # The source is named once below the table, and each cell points to it by number.
    assert response.text.count("Statistics bulletin") == 1
    assert response.text.count('href="#source-1"') == 2


def test_a_years_figure_is_newer_than_a_total_without_a_year_on_every_database(client, db):
    metric = MetricFactory(name_en="GDP")
    a, b = ZoneFactory(slug="a"), ZoneFactory(slug="b")
    older = ReleaseFactory(published_at=datetime.datetime(2023, 1, 10, tzinfo=datetime.UTC))
    newer = ReleaseFactory(published_at=datetime.datetime(2025, 1, 10, tzinfo=datetime.UTC))
    for zone in (a, b):
        IndicatorFactory(zone=zone, metric=metric, release=older, year=None, value=Decimal("1"))
        IndicatorFactory(zone=zone, metric=metric, release=newer, year=2024, value=Decimal("5"))

    row = rows(client.get(f"{URL}?zones=a,b"))["GDP, percent change"]

    assert [(cell.text, cell.period) for cell in row.cells] == [("5", "2024"), ("5", "2024")]


def test_a_row_whose_periods_differ_says_so(client, db):
    metric = MetricFactory(name_en="GDP")
    a, b = ZoneFactory(slug="a"), ZoneFactory(slug="b")
    IndicatorFactory(zone=a, metric=metric, year=2023)
    IndicatorFactory(zone=b, metric=metric, year=2021)

    response = client.get(f"{URL}?zones=a,b")

    assert rows(response)["GDP, percent change"].note == "Different periods: 2021, 2023"
    assert "Different periods: 2021, 2023" in response.text


def test_a_missing_figure_is_not_reported_never_zero(client, db):
    metric = MetricFactory(name_en="GDP")
    a, _b = ZoneFactory(slug="a"), ZoneFactory(slug="b")
    IndicatorFactory(zone=a, metric=metric)

    response = client.get(f"{URL}?zones=a,b")

    cells = rows(response)["GDP, percent change"].cells
    assert cells[1].text == "not reported"
    assert cells[1].value is None


def test_an_unpublished_zone_is_named_like_an_unknown_one_and_never_shown(client, db):
    ZoneFactory(slug="a", name_en="Alpha")
    ZoneFactory(slug="b", name_en="Beta")
    ZoneFactory(slug="secret", name_en="Secret Zone", status=Status.DRAFT)

    hidden = client.get(f"{URL}?zones=a,b,secret")
    unknown = client.get(f"{URL}?zones=a,b,nowhere")

    assert hidden.status_code == unknown.status_code == 200
    assert "Secret Zone" not in hidden.text
    assert "No published zone has the address “secret”" in hidden.text
    assert "No published zone has the address “nowhere”" in unknown.text
    assert [z.slug for z in hidden.context["comparison"].zones] == ["a", "b"]


def test_an_address_no_zone_could_have_is_left_out_like_an_unknown_one(client, db):
    ZoneFactory(slug="a", name_en="Alpha")
    ZoneFactory(slug="b", name_en="Beta")

    for path in (URL, f"{URL}export.csv"):
        response = client.get(path, {"zones": "a,b,not\x00a-slug"})
        assert response.status_code == 200
        assert "\x00" not in response.text
    assert (
        "No published zone has the address “not\ufffda-slug”"
        in client.get(URL, {"zones": "a,b,not\x00a-slug"}).text
    )
    data = json.loads(client.get(f"{URL}export.json", {"zones": "a,b,not\x00a-slug"}).content)
    assert [zone["slug"] for zone in data["zones"]] == ["a", "b"]

    page = client.get(URL, {"zones": "a,b,dalian puwan"})
    assert "No published zone has the address “dalian puwan”" in page.text
    assert [z.slug for z in page.context["comparison"].zones] == ["a", "b"]


def test_no_public_zone_at_all_is_a_bad_request_with_a_message(client, db):
    ZoneFactory(slug="secret", status=Status.DRAFT)
    response = client.get(f"{URL}?zones=secret,nowhere")
    assert response.status_code == 400
    assert "Choose at least two zones to compare." in response.text


def test_one_zone_offers_the_choice_of_others(client, db):
    ZoneFactory(slug="a", name_en="Alpha")
    ZoneFactory(slug="b", name_en="Beta")
    response = client.get(f"{URL}?zones=a")
    assert response.status_code == 200
    assert response.context["comparison"] is None
    assert 'name="zones" value="a" checked' in response.text
    assert 'name="zones" value="b">' in response.text


def test_more_than_four_zones_shows_the_first_four_and_says_so(client, db):
    for letter in "abcde":
        ZoneFactory(slug=letter)
    response = client.get(f"{URL}?zones=a,b,c,d,e")
    assert [z.slug for z in response.context["comparison"].zones] == ["a", "b", "c", "d"]
    assert "At most 4 zones can be compared" in response.text


def test_the_zone_lists_checkboxes_reach_the_comparison(client, db):
    ZoneFactory(slug="a")
    ZoneFactory(slug="b")
    assert 'action="/en/zones/compare/"' in client.get("/en/zones/").text
    response = client.get(f"{URL}?zones=a&zones=b")
    assert [z.slug for z in response.context["comparison"].zones] == ["a", "b"]


def test_enterprise_counts_by_sector_and_qualification_parks_platforms_institutions(client, db):
    a, b = ZoneFactory(slug="a"), ZoneFactory(slug="b")
    sector = SectorFactory(name_en="New materials")
    enterprise = EnterpriseFactory(zone=a)
    enterprise.sectors.add(sector)
    EnterpriseFactory(zone=a, status=Status.DRAFT).sectors.add(sector)
    EnterpriseQualificationFactory(enterprise=enterprise, qualification__name_en="Gazelle")
    in_b, gazelle = EnterpriseFactory(zone=b), enterprise.held_qualifications.get().qualification
    for qualification in (gazelle, QualificationFactory(name_en="Lapsed")):
        EnterpriseQualificationFactory(
            enterprise=in_b,
            qualification=qualification,
            year_granted=2015,
            valid_until=datetime.date(2018, 12, 31),
        )
    ParkFactory(zone=b, name_en="Harbour park")
    PlatformFactory(name_en="Alliance").zones.add(a)
    CooperationFactory(zone=b).institutions.add(InstitutionFactory(name_en="Tech University"))

    table = rows(client.get(f"{URL}?zones=a,b"))

    assert [c.text for c in table["All enterprises"].cells] == ["1", "1"]
    assert [c.text for c in table["Sector: New materials"].cells] == ["1", "none listed"]
    # Only valid qualifications count, as in the directory: b's Gazelle expired in 2018.
    assert [c.text for c in table["Qualification: Gazelle"].cells] == ["1", "none listed"]
    assert "Qualification: Lapsed" not in table
    assert [c.text for c in table["Parks"].cells] == ["none listed", "Harbour park"]
    assert [c.text for c in table["Platforms"].cells] == ["Alliance", "none listed"]
    assert [c.text for c in table["Institutions"].cells] == ["none listed", "Tech University"]


def test_the_csv_download_has_values_periods_sources_and_never_a_formula(client, db):
    metric = MetricFactory(name_en="GDP")
    a = ZoneFactory(slug="a", name_en="=HYPERLINK(1)")
    ZoneFactory(slug="b", name_en="Beta")
    indicator = IndicatorFactory(zone=a, metric=metric, year=2022, value=Decimal("5"))

    response = client.get("/en/zones/compare/export.csv?zones=a,b")

    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["Section", "Row", "'=HYPERLINK(1)"]
    gdp = next(line for line in table if line[1] == "GDP, percent change")
    source = f"http://testserver{indicator.release.get_absolute_url()}"
    assert gdp[2:10] == ["5", "2022", source, "", "not reported", "", "", ""]


def test_the_chinese_csv_download_heads_its_row_labels_as_items(client, db):
    ZoneFactory(slug="a")
    ZoneFactory(slug="b")

    response = client.get("/zh-hans/zones/compare/export.csv?zones=a,b")

    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[1] == "项目"


def test_the_json_download_has_the_sources_with_absolute_urls(client, db):
    metric = MetricFactory(name_en="GDP")
    a = ZoneFactory(slug="a")
    ZoneFactory(slug="b")
    indicator = IndicatorFactory(zone=a, metric=metric, year=2022, value=Decimal("5"))

    data = json.loads(client.get("/en/zones/compare/export.json?zones=a,b").content)

    assert [zone["slug"] for zone in data["zones"]] == ["a", "b"]
    gdp = next(row for row in data["rows"] if row["label"] == "GDP, percent change")
    assert gdp["values"] == [
        {
            "value": "5",
            "text": "5",
            "period": "2022",
            "unit": "percent_change",
            "qualifier": "exact",
            "note": "",
            "source": 1,
        },
        None,
    ]
    assert data["sources"] == [
        {
            "number": 1,
            "title": indicator.release.title,
            "published": timezone.localtime(indicator.release.published_at).isoformat(),
            "url": f"http://testserver{indicator.release.get_absolute_url()}",
        }
    ]


def test_only_the_releases_of_the_figures_shown_are_sources(client, db):
    metric = MetricFactory(name_en="GDP")
    a = ZoneFactory(slug="a")
    ZoneFactory(slug="b")
    older = ReleaseFactory(title_en="Older report")
    newer = ReleaseFactory(title_en="Newer report")
    IndicatorFactory(zone=a, metric=metric, year=2022, value=Decimal("5"), release=older)
    IndicatorFactory(zone=a, metric=metric, year=2023, value=Decimal("6"), release=newer)

    page = client.get(URL, {"zones": "a,b"})
    data = json.loads(client.get("/en/zones/compare/export.json?zones=a,b").content)

    assert [source.title for source in page.context["comparison"].sources] == ["Newer report"]
    assert "Older report" not in page.text
    assert [source["title"] for source in data["sources"]] == ["Newer report"]
    gdp = next(row for row in data["rows"] if row["label"] == "GDP, percent change")
    assert gdp["values"][0]["source"] == 1


def test_the_json_download_numbers_every_figure_of_a_shared_release(client, demo):
    # The demo release reports figures of both zones: one source, numbered once.
    response = client.get("/en/zones/compare/export.json?zones=dalian-puwan,shenyang-etdz")

    assert response.status_code == 200
    # Saved as a file, as the CSV is, rather than shown in the browser.
    assert response["Content-Disposition"] == 'attachment; filename="zones-compared.json"'
    data = json.loads(response.content)
    sources = {
        value["source"]
        for row in data["rows"]
        for value in row["values"]
        if value and "source" in value
    }
    assert sources == {1}
    assert [source["title"] for source in data["sources"]] == [demo.title]
    # The release's day in China, as the page and the other downloads date it.
    assert data["sources"][0]["published"].startswith("2024-06-20T")
    assert data["sources"][0]["published"].endswith("+08:00")


def test_what_the_release_says_beside_a_figure_is_shown_and_downloaded_with_it(client, demo):
    Indicator.objects.filter(metric__slug="trade-exchange-activities").update(
        note_en="Held on a regular basis"
    )
    query = "?zones=dalian-puwan,shenyang-etdz"
    page = client.get(f"{URL}{query}")
    activities = rows(page)["Economic and trade exchange activities held, count"]
    # "Over 100": a lower bound, never a bare 100.
    assert [cell.text for cell in activities.cells] == ["not reported", "more than 100"]
    assert "Held on a regular basis" in page.text

    table = list(
        csv.reader(io.StringIO(client.get(f"{URL}export.csv{query}").text.lstrip("\ufeff")))
    )
    assert table[0][2:10] == [
        "Dalian Puwan Economic Zone",
        "Period",
        "Source",
        "Note",
        "Shenyang Economic and Technological Development Zone",
        "Period",
        "Source",
        "Note",
    ]
    line = next(line for line in table if line[1] == activities.label)
    assert line[6] == "more than 100" and line[9] == "Held on a regular basis"

    data = json.loads(client.get(f"{URL}export.json{query}").content)
    row = next(row for row in data["rows"] if row["label"] == activities.label)
    value = row["values"][1]
    assert (value["value"], value["qualifier"], value["text"]) == (
        "100",
        "more_than",
        "more than 100",
    )
    assert value["note"] == "Held on a regular basis"


def test_a_download_of_fewer_than_two_zones_is_a_bad_request(client, db):
    ZoneFactory(slug="a")
    response = client.get("/en/zones/compare/export.csv?zones=a")
    assert response.status_code == 400
    assert "Choose at least two zones" in response.content.decode()


def populate(zone_count: int) -> str:
    slugs = []
    sector = SectorFactory()
    for n in range(zone_count):
        zone = ZoneFactory(slug=f"z{n}")
        slugs.append(zone.slug)
        ParkFactory(zone=zone)
        enterprise = EnterpriseFactory(zone=zone)
        enterprise.sectors.add(sector)
        EnterpriseQualificationFactory(enterprise=enterprise)
        PlatformFactory().zones.add(zone)
        CooperationFactory(zone=zone).institutions.add(InstitutionFactory())
        IndicatorFactory(zone=zone, unit=Indicator.Unit.COUNT)
    return ",".join(slugs)


@pytest.mark.parametrize("zone_count", [2, 4])
def test_the_comparison_runs_the_same_number_of_queries_for_two_and_four_zones(
    client, db, zone_count
):
    slugs = populate(zone_count)
    # The enterprise counts come from the directory's index, built by a fixed number of
    # queries on the first request after a change.
    client.get(f"{URL}?zones={slugs}")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"{URL}?zones={slugs}").status_code == 200
    assert len(captured) == 11


def test_chinese_pages_write_lists_labels_and_years_the_chinese_way(client, demo):
    compared = client.get("/zh-hans/zones/compare/?zones=dalian-puwan,panjin-liaobin").text
    assert "研发投入，元（人民币）" in compared
    assert '<span class="period">2023年</span>' in compared
    profile = client.get("/zh-hans/zones/panjin-liaobin/").text
    partners = profile.split("合作方：", 1)[1].split("</p>", 1)[0]
    assert partners.count("</a>、<a") == 2
    english = client.get("/en/zones/panjin-liaobin/").text
    assert english.split("With: ", 1)[1].split("</p>", 1)[0].count("</a>, <a") == 2


def test_chinese_pages_write_a_zones_year_and_area_as_its_figures_are_written(client, db):
    ZoneFactory(slug="a", established_year=1992, area_km2=Decimal("123.45"))
    ZoneFactory(slug="b", established_year=2006)

    profile = client.get("/zh-hans/zones/a/").text
    assert "<dd>1992年</dd>" in profile
    assert "<dd>123.45平方公里</dd>" in profile
    assert "km²" not in profile.split("<main", 1)[1]
    compared = rows(client.get("/zh-hans/zones/compare/?zones=a,b"))
    assert [cell.text for cell in compared["设立年份"].cells] == ["1992年", "2006年"]
    english = client.get("/en/zones/a/").text
    assert "<dd>1992</dd>" in english and "<dd>123.45 km²</dd>" in english


def test_names_without_a_chinese_translation_are_marked_english_on_chinese_pages(client, demo):
    compared = client.get("/zh-hans/zones/compare/?zones=dalian-puwan,chaoyang-jianping").text
    untranslated = '<span class="untranslated" title="尚无中文译文"><span lang="en">'
    assert f"<li>{untranslated}New materials industry zone</span></span></li>" in compared
    assert (
        f'<th scope="row">{untranslated}Growth in gazelle enterprises</span></span>，' in compared
    )
    data = client.get("/zh-hans/zones/compare/export.json?zones=dalian-puwan,chaoyang-jianping")
    parks = next(row for row in data.json()["rows"] if row["label"] == "园区")
    assert "New materials industry zone" in parks["values"][1]["value"]
