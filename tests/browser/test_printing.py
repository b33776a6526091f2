"""An investor prints a zone profile or a release: the paper holds the page's own content and
says where it came from, not the site's navigation and the controls that only work on screen."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

PAGES = {
    "zone": "/zones/dalian-puwan/",
    "release": "/news/shenyang-etdz-internationalized-industrial-ecosystem/",
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("kind", PAGES)
def test_a_printed_page_leaves_out_the_navigation_and_names_its_address(page, site, kind, language):
    address = f"{site}/{language}{PAGES[kind]}"
    page.goto(address)
    page.emulate_media(media="print")

    for hidden in (".site-header", ".main-nav", ".breadcrumbs", ".site-footer", ".downloads"):
        expect(page.locator(hidden)).to_be_hidden()
    # Buttons (compare, enquire, the directory) and feeds are for the screen.
    for control in page.locator("main .button, main .feed-links").all():
        expect(control).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    # The first thing on the paper is the page's title, not a strip of site chrome above it.
    assert page.locator("h1").bounding_box()["y"] < 100
    expect(page.locator(".print-only")).to_contain_text(address)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"print-{kind}-{language}.png", full_page=True)
