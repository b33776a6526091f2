"""A zone profile answers an investor's first questions: facts, areas with their sources, who to
contact, charts of the figures."""

import re
from decimal import Decimal

import pytest

from news.models import Indicator
from tests.factories import (
    EnterpriseFactory,
    IndicatorFactory,
    MetricFactory,
    ParkFactory,
    ReleaseFactory,
    SectorFactory,
    ZoneFactory,
)
from zones.models import LeadingIndustry

pytestmark = pytest.mark.django_db


def test_investor_facts_are_shown_when_entered(client, db):
    zone = ZoneFactory(
        approving_body_en="State Council",
        investment_office_en="Investment Promotion Bureau",
        investment_email="invest@zone.example.cn",
        investment_telephone="+86 411 1234 5678",
        preferential_policies_en="<p>Three years free of land rent.</p>",
    )
    for position, name in enumerate(["Petrochemicals", "Logistics"]):
        LeadingIndustry.objects.create(
            zone=zone, sector=SectorFactory(name_en=name), position=position
        )

    text = client.get(zone.get_absolute_url()).text

    assert "State Council" in text
    assert "Investment Promotion Bureau" in text
    assert 'href="mailto:invest@zone.example.cn"' in text
    assert 'href="tel:+8641112345678"' in text
    assert "<p>Three years free of land rent.</p>" in text
    assert text.index("Petrochemicals") < text.index("Logistics")


def test_facts_not_entered_are_not_shown(client, db):
    text = client.get(ZoneFactory().get_absolute_url()).text
    for label in (
        "Approved by",
        "Investment contact",
        "Preferential policies",
        "Leading industries",
    ):
        assert label not in text


def test_the_demo_shows_only_what_the_release_states(client, demo):
    text = client.get("/en/zones/dalian-puwan/").text
    assert "Investment contact" not in text
    assert "Approved by" not in text
    jianping = client.get("/en/zones/chaoyang-jianping/").text
    assert "Leading industries" in jianping


def test_an_area_is_a_figure_with_its_period_and_source(client, db):
    zone = ZoneFactory()
    release = ReleaseFactory(title_en="Zone yearbook")
    IndicatorFactory(
        zone=zone,
        metric=MetricFactory(name_en="Planned area", is_zone_area=True),
        release=release,
        unit=Indicator.Unit.KM2,
        value=Decimal("58.5"),
        year=2022,
    )

    text = client.get(zone.get_absolute_url()).text

    assert '<dd class="area">58.5 km² · 2022 <a href="#source-1" class="source-ref">' in text
    # Named once on the page; the structured data for machines names it too.
    visible = re.sub(r'<script type="application/ld\+json">.*?</script>', "", text, flags=re.S)
    assert visible.count("Zone yearbook") == 1


def test_figures_are_drawn_as_charts_with_a_title_and_their_numbers(client, db):
    zone = ZoneFactory()
    first, second = MetricFactory(name_en="Exports"), MetricFactory(name_en="Imports")
    for year, value in ((2021, "3"), (2022, "5"), (2023, "8")):
        IndicatorFactory(zone=zone, metric=first, year=year, value=Decimal(value))
    IndicatorFactory(zone=zone, metric=second, year=2023, value=Decimal("-2"))

    text = client.get(zone.get_absolute_url()).text

    assert text.count('role="img"') == 2
    assert '<title id="chart-bars-1-title">Newest figures for 2023, percent change</title>' in text
    assert '<title id="chart-line-1-title">Exports by year, percent change</title>' in text
    assert 'class="chart__bar chart__bar--negative"' in text
    assert "<td>2021</td><td>2022</td><td>2023</td>" in text
    assert "style=" not in text


def test_a_parks_figure_is_charted_under_its_parks_name_beside_the_zones(client, db):
    zone = ZoneFactory()
    park = ParkFactory(zone=zone, name_en="North Park")
    metric = MetricFactory(name_en="Contracts")
    for year, value in ((2022, "3"), (2023, "8")):
        IndicatorFactory(zone=zone, metric=metric, year=year, value=Decimal(value))
        IndicatorFactory(zone=zone, park=park, metric=metric, year=year, value=Decimal(value) * 2)

    text = client.get(zone.get_absolute_url()).text

    labels = re.findall(r'<text class="chart__label"[^>]*>(.*?)</text>', text, flags=re.S)
    assert sorted(" ".join(re.sub(r"<[^>]+>", " ", label).split()) for label in labels[:2]) == [
        "Contracts",
        "Contracts · North Park",
    ]
    titles = re.findall(r'<title id="chart-line-\d-title">(.*?)</title>', text)
    assert sorted(titles) == [
        "Contracts by year, percent change",
        "Contracts, North Park, by year, percent change",
    ]


def test_a_single_figure_draws_no_chart(client, db):
    zone = ZoneFactory()
    IndicatorFactory(zone=zone)
    assert 'role="img"' not in client.get(zone.get_absolute_url()).text


def test_the_profile_links_to_compare_and_to_the_enquiry_form_without_a_csrf_token(client, db):
    zone = ZoneFactory(slug="puwan")
    text = client.get(zone.get_absolute_url()).text
    assert 'href="/en/zones/compare/?zones=puwan"' in text
    assert 'href="/en/zones/puwan/enquiry/"' in text
    assert "csrfmiddlewaretoken" not in text


def test_a_zone_profile_gives_the_zones_name_in_the_other_language_too(client, demo):
    english = client.get("/en/zones/dalian-puwan/").text
    assert '<p class="subtitle" lang="zh-Hans">大连普湾经济区</p>' in english
    chinese = client.get("/zh-hans/zones/dalian-puwan/").text
    assert '<p class="subtitle" lang="en">Dalian Puwan Economic Zone</p>' in chinese


def test_a_park_links_its_enterprises_only_when_it_has_some(client, db):
    zone = ZoneFactory(slug="harbour")
    busy = ParkFactory(zone=zone, slug="busy", name_en="Busy park")
    ParkFactory(zone=zone, slug="empty", name_en="Empty park")
    EnterpriseFactory.create_batch(2, zone=zone, park=busy)

    page = client.get(zone.get_absolute_url()).text

    assert '<a href="/en/enterprises/?park=harbour.busy">2 enterprises in this park</a>' in page
    assert "park=harbour.empty" not in page
