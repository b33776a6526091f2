"""On a phone (390 px wide), the home page's figures read as cards, without a sideways scroll."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_figures_values_are_visible_on_a_phone_without_scrolling_sideways(phone, site, language):
    phone.goto(f"{site}/{language}/")
    value = phone.locator("table.figures td.number").first
    expect(value).to_be_visible()
    box = value.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 390
    assert value.inner_text().strip()
    scroller = phone.locator(".table-scroll").first
    assert scroller.evaluate("element => element.scrollWidth <= element.clientWidth")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # Each cell names its column, since the table's header row is hidden on a phone.
    label = value.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label.strip('"') in ("Value", "数值")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.locator("table.figures").screenshot(path=SCREENSHOTS / f"home-figures-390-{language}.png")
