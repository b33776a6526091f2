"""The zone map: drawn only with a configured tile service, from positions editors enter."""

import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from portal.settings import map_tiles_origin
from tests.factories import ParkFactory, ZoneFactory

pytestmark = pytest.mark.django_db

TILES = "https://tiles.example.org/{z}/{x}/{y}.png"


@pytest.fixture
def tiles(settings):
    settings.MAP_TILES_URL = TILES
    settings.MAP_TILES_ATTRIBUTION = "© Example tiles"
    return settings


def markers(html: str) -> list[dict]:
    found = re.search(r'<script id="map-markers" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1)) if found else []


def place(**position) -> dict:
    return {"latitude": Decimal("41.8057"), "longitude": Decimal("123.4315")} | position


def test_without_a_tile_service_no_map_and_no_map_script_is_loaded(client):
    zone = ZoneFactory(address_en="1 Example Road, Shenyang", **place())
    for url in ("/en/zones/", zone.get_absolute_url()):
        html = client.get(url).content.decode()
        assert 'id="map"' not in html
        assert "leaflet" not in html
        assert "map.js" not in html
    assert "1 Example Road, Shenyang" in client.get(zone.get_absolute_url()).content.decode()


def test_with_a_tile_service_the_zone_list_has_a_marker_per_zone_with_a_position(client, tiles):
    placed = ZoneFactory(name_en="Placed Zone", **place())
    ZoneFactory(name_en="Unplaced Zone")
    html = client.get("/en/zones/").content.decode()
    assert 'id="map"' in html
    assert 'data-tiles-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert "vendor/leaflet/leaflet.js" in html
    assert [(m["name"], m["url"]) for m in markers(html)] == [
        ("Placed Zone", placed.get_absolute_url())
    ]
    # The same places as a list beside the map.
    assert re.search(r'<ul class="places">\s*<li><a href="/en/zones/[^"]+">Placed Zone</a>', html)


def test_a_profile_maps_the_zone_and_its_parks(client, tiles):
    zone = ZoneFactory(name_en="Mapped Zone", **place())
    ParkFactory(zone=zone, name_en="Mapped Park", **place(latitude=Decimal("41.9")))
    ParkFactory(zone=zone, name_en="Park Without Position")
    html = client.get(zone.get_absolute_url()).content.decode()
    assert [(m["kind"], m["name"]) for m in markers(html)] == [
        ("zone", "Mapped Zone"),
        ("park", "Mapped Park"),
    ]


def test_a_profile_without_any_position_draws_no_map(client, tiles):
    zone = ZoneFactory()
    html = client.get(zone.get_absolute_url()).content.decode()
    assert 'id="map"' not in html
    assert "leaflet" not in html


def test_an_untranslated_name_on_the_map_list_is_marked_with_its_language(client, tiles):
    ZoneFactory(name_en="English Only Zone", **place())
    html = client.get("/zh-hans/zones/").content.decode()
    assert '<a href="/zh-hans/zones/' in html
    assert 'lang="en">English Only Zone</a>' in html
    assert markers(html)[0]["lang"] == "en"


def test_the_map_adds_no_query_per_zone(client, tiles):
    for _ in range(2):
        ZoneFactory(**place())
    with CaptureQueriesContext(connection) as two:
        client.get("/en/zones/")
    for _ in range(20):
        ParkFactory(zone=ZoneFactory(**place()), **place())
    with CaptureQueriesContext(connection) as many:
        client.get("/en/zones/")
    assert len(many) == len(two)


def test_a_latitude_without_a_longitude_is_refused_in_words():
    zone = ZoneFactory.build(slug="half-placed", latitude=Decimal("41.8"))
    with pytest.raises(ValidationError, match="both the latitude and the longitude"):
        zone.full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        ZoneFactory(latitude=Decimal("41.8"))


def test_a_park_latitude_out_of_range_is_refused():
    park = ParkFactory.build(zone=ZoneFactory(), latitude=Decimal("91"), longitude=Decimal("1"))
    with pytest.raises(ValidationError, match="latitude"):
        park.full_clean()


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("", ""),
        ("https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org"),
        (
            "https://t{s}.tianditu.gov.cn/img_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k",
            "https://*.tianditu.gov.cn",
        ),
        ("http://127.0.0.1:8081/{z}/{x}/{y}.png", "http://127.0.0.1:8081"),
    ],
)
def test_the_tile_services_origin_is_what_the_content_security_policy_allows(url, origin):
    assert map_tiles_origin(url) == origin


@pytest.mark.parametrize(
    "url", ["tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org/tile.png"]
)
def test_a_tile_address_that_cannot_work_stops_start_up_naming_the_variable(url):
    with pytest.raises(ImproperlyConfigured, match="MAP_TILES_URL"):
        map_tiles_origin(url)
