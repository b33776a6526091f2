"""The zone map, against tiles served by a local test server: markers, their popups, and where
the browser fetches from; with no tile service, nothing leaves the portal's host."""

import io
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, blocking_violations
from zones.models import Park, Zone

pytestmark = pytest.mark.browser

# Positions for the test only: the demo has none, as its release gives none.
POSITIONS = {
    "shenyang-etdz": ("41.75", "123.30"),
    "dalian-puwan": ("39.40", "121.95"),
    "chaoyang-jianping": ("41.40", "119.64"),
    "panjin-liaobin": ("40.80", "121.95"),
}


def tile_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (220, 232, 220)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def tile_server():
    """A tile service on 127.0.0.1 (the portal runs on localhost): one PNG for every tile, and
    the paths asked for."""
    png, requested = tile_png(), []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(png)))
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requested
    server.shutdown()
    server.server_close()


@pytest.fixture
def mapped(site, settings, tile_server):
    """The demo with positions, and the portal pointed at the local tile server."""
    origin, requested = tile_server
    for slug, (latitude, longitude) in POSITIONS.items():
        Zone.objects.filter(slug=slug).update(
            latitude=Decimal(latitude), longitude=Decimal(longitude)
        )
    Park.objects.filter(zone__slug="chaoyang-jianping", position=0).update(
        latitude=Decimal("41.45"), longitude=Decimal("119.60")
    )
    settings.MAP_TILES_URL = f"{origin}/{{z}}/{{x}}/{{y}}.png"
    settings.MAP_TILES_ORIGIN = origin
    settings.MAP_TILES_ATTRIBUTION = "Test tiles"
    return origin, requested


def hosts_of(urls: list[str]) -> set[str]:
    return {urlsplit(url).netloc for url in urls}


def test_the_zone_list_shows_a_marker_per_zone_and_tiles_from_the_tile_service(page, site, mapped):
    origin, tiles_requested = mapped
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{site}/en/zones/")
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(4)
    expect(page.locator("#map img.leaflet-tile-loaded").first).to_be_visible()
    assert tiles_requested
    assert hosts_of(requested) == {urlsplit(site).netloc, urlsplit(origin).netloc}
    assert all(url.endswith(".png") for url in requested if url.startswith(origin))
    page.locator("#map").screenshot(path=SCREENSHOTS / "zone-map-en.png")


def test_a_markers_popup_links_to_the_zones_profile(page, site, mapped):
    page.goto(f"{site}/en/zones/")
    page.get_by_role("button", name="Dalian Puwan Economic Zone").click()
    link = page.locator(".leaflet-popup-content a")
    expect(link).to_have_text("Dalian Puwan Economic Zone")
    link.click()
    expect(page).to_have_url(f"{site}/en/zones/dalian-puwan/")


def test_escape_closes_a_markers_popup_and_leaves_the_focus_on_the_marker(page, site, mapped):
    page.goto(f"{site}/en/zones/")
    marker = page.get_by_role("button", name="Dalian Puwan Economic Zone")
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup")
    expect(popup).to_contain_text("Dalian Puwan Economic Zone")

    page.keyboard.press("Escape")
    expect(popup).to_have_count(0)
    expect(marker).to_be_focused()

    # From the link in the popup too.
    page.keyboard.press("Enter")
    popup.get_by_role("link").focus()
    page.keyboard.press("Escape")
    expect(popup).to_have_count(0)
    expect(marker).to_be_focused()


def test_a_profile_maps_the_zone_and_its_park(page, site, mapped):
    page.goto(f"{site}/zh-hans/zones/chaoyang-jianping/")
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(2)
    expect(page.locator(".places li")).to_have_count(2)


def test_filtering_the_zone_list_redraws_the_map_with_the_zones_left(page, site, mapped):
    page.goto(f"{site}/en/zones/?city=dalian")
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(1)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_pages_with_the_map_pass_axe(page, site, mapped, language):
    problems = {}
    for path in ("/zones/", "/zones/chaoyang-jianping/"):
        page.goto(f"{site}/{language}{path}")
        expect(page.locator("#map .leaflet-marker-icon").first).to_be_visible()
        blocking = blocking_violations(page)
        if blocking:
            problems[path] = blocking
    assert problems == {}


def test_without_a_tile_service_nothing_is_requested_from_another_host(page, site):
    Zone.objects.filter(slug="dalian-puwan").update(
        latitude=Decimal("39.40"), longitude=Decimal("121.95")
    )
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ("/en/zones/", "/en/zones/dalian-puwan/", "/zh-hans/zones/dalian-puwan/"):
        page.goto(f"{site}{path}")
        expect(page.locator("h1")).to_be_visible()
    assert page.locator("#map").count() == 0
    assert hosts_of(requested) == {urlsplit(site).netloc}
    assert not [url for url in requested if "leaflet" in url or "map.js" in url]
