"""A figure stated again by a newer release: the newer statement is the zone's figure, on the
profile, in its downloads and in the API."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from news.models import Indicator
from tests.factories import IndicatorFactory, MetricFactory, ReleaseFactory, ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def restated():
    """A zone's planned area and a growth rate for 2023, stated in 2024 and again in 2025,
    the older release entered first; a 2022 rate, and another rate for 2023."""
    zone = ZoneFactory(slug="restated")
    older = ReleaseFactory(published_at=timezone.now() - datetime.timedelta(days=400))
    newer = ReleaseFactory(published_at=timezone.now() - datetime.timedelta(days=2))
    area = MetricFactory(name_en="Planned area")
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
    [(unit, newest)] = charts.latest_by_unit
    assert [figure.value for figure in newest] == [Decimal("28"), Decimal("5")]
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
