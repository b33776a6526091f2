"""A zone's own areas (planned, built-up) are facts at a glance on its profile; another figure
in km², such as the factory floor space built, is a figure like the rest."""

import importlib
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from news.models import Indicator, Metric
from tests.adminforms import add_form_data
from tests.factories import IndicatorFactory, MetricFactory, ZoneFactory
from tests.zones.test_chinese_order import models_as_of

pytestmark = pytest.mark.django_db


def at_a_glance(page: str) -> str:
    (facts,) = re.findall(r'<h2 id="facts-heading">.*?</dl>', page, flags=re.S)
    return facts


def test_only_the_zones_own_area_is_shown_at_a_glance(client):
    zone = ZoneFactory()
    planned = MetricFactory(name_en="Planned area", is_zone_area=True)
    floor_space = MetricFactory(name_en="Standard factory floor space completed")
    for metric, value in ((planned, "58.5"), (floor_space, "1.2")):
        IndicatorFactory(
            zone=zone, metric=metric, unit=Indicator.Unit.KM2, value=Decimal(value), year=2023
        )

    page = client.get(zone.get_absolute_url()).text

    facts = at_a_glance(page)
    assert "Planned area" in facts and "58.5 km²" in facts
    assert "floor space" not in facts and "1.2" not in facts
    # Still a figure of the zone, in its table.
    assert page.count("Standard factory floor space completed") >= 1


def test_a_zone_area_stated_in_another_unit_is_not_shown_as_km2(client):
    zone = ZoneFactory()
    metric = MetricFactory(name_en="Planned area", is_zone_area=True)
    IndicatorFactory(zone=zone, metric=metric, unit=Indicator.Unit.PERCENT_CHANGE)

    assert "Planned area" not in at_a_glance(client.get(zone.get_absolute_url()).text)


def test_the_upgrade_marks_the_planned_and_built_up_areas_and_no_other_km2_metric():
    names = {
        "planned-area": "Planned area",
        "built-up-area": "Built-up area",
        "floor-space": "Standard factory floor space completed",
        "planned-investment": "Planned area",  # the name, without a figure in km²
    }
    for slug, name in names.items():
        unit = Indicator.Unit.COUNT if slug == "planned-investment" else Indicator.Unit.KM2
        IndicatorFactory(metric=MetricFactory(slug=slug, name_en=name), unit=unit)
    migration = importlib.import_module("news.migrations.0018_metrics_of_the_zones_area")

    migration.mark_zone_areas(models_as_of(("news", "0018_metrics_of_the_zones_area")), None)

    marked = Metric.objects.filter(is_zone_area=True).values_list("slug", flat=True)
    assert sorted(marked) == ["built-up-area", "planned-area"]


def test_a_publisher_marks_a_metric_as_an_area_of_the_zone_in_its_form(publisher_client):
    url = reverse("admin:news_metric_add")
    data = add_form_data(publisher_client.get(url)) | {
        "name_en": "Built-up area",
        "slug": "built-up-area",
        "is_zone_area": "on",
    }

    assert publisher_client.post(url, data).status_code == 302
    assert Metric.objects.get(slug="built-up-area").is_zone_area
