"""A figure stated again by a newer release: the newer statement is the zone's figure, on the
profile, in its downloads and in the API. The profile's charts never set figures of different
periods side by side without saying so."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from news.models import Indicator
from portal.publishing.models import Status
from tests.factories import (
    IndicatorFactory,
    MetricFactory,
    ParkFactory,
    ReleaseFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def restated():
    """A zone's planned area and a growth rate for 2023, stated in 2024 and again in 2025,
    the older release entered first; a 2022 rate, and another rate for 2023."""
    zone = ZoneFactory(slug="restated")
    older = ReleaseFactory(published_at=timezone.now() - datetime.timedelta(days=400))
    newer = ReleaseFactory(published_at=timezone.now() - datetime.timedelta(days=2))
    area = MetricFactory(name_en="Planned area", is_zone_area=True)
    growth = MetricFactory(name_en="Growth")
    for release, planned, rate in ((older, "10", "27.3"), (newer, "12.5", "28")):
        IndicatorFactory(
            zone=zone,
            metric=area,
            release=release,
            year=None,
            value=Decimal(planned),
            unit=Indicator.Unit.KM2,
        )
        IndicatorFactory(zone=zone, metric=growth, release=release, value=Decimal(rate))
    IndicatorFactory(zone=zone, metric=growth, release=older, year=2022, value=Decimal("20"))
    output = MetricFactory(name_en="Output growth")
    IndicatorFactory(zone=zone, metric=output, release=older, value=Decimal("5"))
    return zone, older, newer


def test_the_profile_shows_the_newest_statement_of_a_figure(client, restated):
    zone, older, newer = restated
    response = client.get(zone.get_absolute_url())

    charts = response.context["charts"]
    assert [area.value for area in charts.areas] == [Decimal("12.5")]
    assert "12.5 km²" in response.content.decode()
    [newest] = charts.newest
    assert [figure.value for figure in newest.figures] == [Decimal("28"), Decimal("5")]
    [history] = charts.histories
    assert [(figure.year, figure.value) for figure in history] == [
        (2022, Decimal("20")),
        (2023, Decimal("28")),
    ]
    table = [(figure.metric.name, figure.release_id) for figure in response.context["indicators"]]
    assert table == [
        ("Growth", newer.pk),
        ("Growth", older.pk),
        ("Growth", older.pk),
        ("Output growth", older.pk),
        ("Planned area", newer.pk),
        ("Planned area", older.pk),
    ]


def test_the_downloads_and_the_api_list_the_newest_statement_first(client, restated):
    zone, older, newer = restated
    response = client.get(reverse("news:zone_figures_csv", args=[zone.slug]))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [(row["Metric"], row["Value"]) for row in rows] == [
        ("Growth", "28"),
        ("Growth", "27.3"),
        ("Growth", "20"),
        ("Output growth", "5"),
        ("Planned area", "12.5"),
        ("Planned area", "10"),
    ]

    figures = client.get(f"/api/v1/zones/{zone.slug}/").json()["figures"]
    assert [figure["value"] for figure in figures] == ["28", "27.3", "20", "5", "12.5", "10"]


def bar_charts(html: str) -> dict[str, list[str]]:
    """The profile's bar charts: each one's title (in its SVG) and the names its bars are labelled
    with."""
    charts = {}
    for svg in re.findall(r'<svg class="chart chart--bars".*?</svg>', html, re.S):
        title = re.search(r'<title id="[^"]+">(.*?)</title>', svg)[1]
        labels = re.findall(r"<text[^>]*chart__label[^>]*>(.*?)</text>", svg)
        charts[title] = [
            " ".join(re.findall(r"<tspan[^>]*>(.*?)</tspan>", label)) for label in labels
        ]
    return charts


def test_the_newest_figures_of_different_periods_are_charted_apart_each_naming_its_period(
    client,
):
    zone = ZoneFactory(slug="two-years")
    older = ReleaseFactory(published_at=timezone.now() - datetime.timedelta(days=300))
    newer = ReleaseFactory(published_at=timezone.now() - datetime.timedelta(days=5))
    for name, release, year, value in (
        ("Gazelle", newer, 2024, "80.5"),
        ("Output", newer, 2024, "7.4"),
        ("High-tech", older, 2023, "23.7"),
        ("Young eagle", older, 2023, "27"),
    ):
        metric = MetricFactory(name_en=name, name_zh_hans="")
        IndicatorFactory(zone=zone, metric=metric, release=release, year=year, value=value)
    # Totals as of each release's day, and a count of a year: three periods, never one chart.
    for name, release, year in (
        ("Alliances", newer, None),
        ("Platforms", newer, None),
        ("Incubators", older, None),
        ("Patents", older, 2023),
        ("Contracts", older, 2023),
    ):
        metric = MetricFactory(name_en=name, name_zh_hans="")
        IndicatorFactory(
            zone=zone, metric=metric, release=release, year=year, unit=Indicator.Unit.COUNT
        )
    with translation.override("en"):
        as_of = date_format(timezone.localdate(newer.published_at), "DATE_FORMAT")

    english = bar_charts(client.get("/en/zones/two-years/").text)
    assert english == {
        "Newest figures for 2024, percent change": ["Gazelle", "Output"],
        "Newest figures for 2023, percent change": ["High-tech", "Young eagle"],
        f"Newest figures as of {as_of}, count": ["Alliances", "Platforms"],
        "Newest figures for 2023, count": ["Contracts", "Patents"],
    }
    chinese = client.get("/zh-hans/zones/two-years/").text
    assert bar_charts(chinese)["2024年最新数据：增减幅度"] == ["Gazelle", "Output"]
    assert "<figcaption>2023年最新数据：增减幅度" in chinese


def table_rows(html: str) -> list[str]:
    """The rows of the page's table of figures, as their HTML."""
    table = re.search(r'<table class="figures">.*?</table>', html, re.S)[0]
    return re.findall(r"<tr[ >].*?</tr>", table.split("<tbody>")[1], re.S)


def test_a_figure_a_newer_release_states_again_is_marked_restated_and_points_to_it(
    client, restated
):
    zone, older, newer = restated
    rows = table_rows(client.get(zone.get_absolute_url()).text)
    [marked] = [row for row in rows if 'class="restated"' in row]
    assert "+27.3%" in marked
    assert f'Restated in <a href="{newer.get_absolute_url()}">{newer.title}</a>' in marked
    # The 2022 figure, the newer statement and a total as of an older day are current.
    assert sum("Restated in" in row for row in rows) == 1

    chinese = client.get(f"/zh-hans/zones/{zone.slug}/").text
    assert f'已在<a href="/zh-hans/news/{newer.slug}/">' in chinese


def test_the_older_releases_page_points_to_the_newer_statement(client, restated):
    zone, older, newer = restated
    [marked] = [
        row for row in table_rows(client.get(older.get_absolute_url()).text) if "Restated in" in row
    ]
    assert "+27.3%" in marked and 'class="restated"' in marked
    assert f'<a href="{newer.get_absolute_url()}">{newer.title}</a>' in marked
    assert "Restated in" not in client.get(newer.get_absolute_url()).text


def test_the_downloads_and_the_api_name_the_release_that_restates_a_figure(client, restated):
    zone, older, newer = restated
    response = client.get(reverse("news:zone_figures_csv", args=[zone.slug]))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [(row["Value"], row["Restated in"]) for row in rows] == [
        ("28", ""),
        ("27.3", f"http://testserver{newer.get_absolute_url()}"),
        ("20", ""),
        ("5", ""),
        ("12.5", ""),
        ("10", ""),
    ]

    response = client.get(reverse("news:zone_figures_json", args=[zone.slug]))
    figures = json.loads(b"".join(response.streaming_content))
    assert [figure["restated_in"] for figure in figures] == [None, newer.slug, *[None] * 4]

    # Whatever the order they come in, the restated one names the current statement's release.
    growth = Indicator.objects.get(value=Decimal("28")).metric
    params = {"zone": zone.slug, "metric": growth.slug, "year": 2023}
    api = client.get("/api/v1/figures/", params).json()["results"]
    assert sorted((figure["value"], figure["restated_in"] or "") for figure in api) == [
        ("27.3", newer.slug),
        ("28", ""),
    ]


def test_a_release_not_public_yet_restates_nothing(client):
    zone = ZoneFactory(slug="only-public")
    metric = MetricFactory()
    current = IndicatorFactory(zone=zone, metric=metric, value=Decimal("116.7"))
    for later in (
        ReleaseFactory(status=Status.DRAFT),
        ReleaseFactory(published_at=timezone.now() + datetime.timedelta(days=1)),
    ):
        IndicatorFactory(zone=zone, metric=metric, release=later, value=Decimal("106.7"))

    assert "Restated in" not in client.get(zone.get_absolute_url()).text
    assert "Restated in" not in client.get(current.release.get_absolute_url()).text
    [figure] = client.get("/api/v1/figures/", {"zone": zone.slug}).json()["results"]
    assert figure["restated_in"] is None


def test_a_parks_figure_is_not_restated_by_the_zones_nor_a_figure_in_another_unit(client):
    zone = ZoneFactory(slug="parks-and-units")
    park = ParkFactory(zone=zone)
    metric = MetricFactory()
    older = ReleaseFactory(published_at=timezone.now() - datetime.timedelta(days=30))
    IndicatorFactory(zone=zone, park=park, metric=metric, release=older)
    IndicatorFactory(zone=zone, metric=metric, release=older, unit=Indicator.Unit.PERCENT)
    IndicatorFactory(zone=zone, metric=metric)

    figures = client.get("/api/v1/figures/", {"zone": zone.slug}).json()["results"]
    assert [figure["restated_in"] for figure in figures] == [None, None, None]
