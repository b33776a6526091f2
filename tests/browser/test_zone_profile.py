"""An investor reads a zone profile, checks a figure's source and reads it in Chinese."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

RELEASE = "/news/shenyang-etdz-internationalized-industrial-ecosystem/"


def test_an_investor_follows_a_figure_to_its_release_and_switches_language(page, site):
    page.goto(f"{site}/en/zones/dalian-puwan/")
    figures = page.locator("table.figures tbody tr")
    expect(figures).to_have_count(5)
    expect(page.locator("table.figures")).to_contain_text("+116.7%")

    page.locator(".source-link").first.click()
    expect(page).to_have_url(f"{site}/en{RELEASE}")
    expect(page.get_by_role("heading", name="Figures in this release")).to_be_visible()

    page.get_by_role("link", name="中文").click()
    expect(page).to_have_url(f"{site}/zh-hans{RELEASE}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="本新闻稿中的数据")).to_be_visible()
    expect(page.locator("main")).to_contain_text("大连普湾经济区")

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(rf"/en{RELEASE}$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_the_charts_take_the_system_colours_in_a_high_contrast_mode(browser, site):
    context = browser.new_context(forced_colors="active", color_scheme="dark")
    page = context.new_page()
    page.goto(f"{site}/en/zones/dalian-puwan/")
    label = page.locator(".chart .chart__label").first
    expect(label).to_be_visible()
    # The colour the system gives text in this mode, light on its dark background here.
    system_text = page.evaluate(
        """() => {
            const probe = document.createElement("span");
            probe.style.color = "CanvasText";
            document.body.append(probe);
            return getComputedStyle(probe).color;
        }"""
    )
    assert label.evaluate("element => getComputedStyle(element).fill") == system_text
    context.close()


def test_the_zones_feeds_are_told_apart_by_their_names(page, site):
    page.goto(f"{site}/en/zones/dalian-puwan/")
    follow = page.locator("aside", has=page.get_by_role("heading", name="Follow this zone"))
    links = follow.get_by_role("link")
    names = ["News: Atom feed", "Events: Atom feed", "Events: Calendar (iCalendar)"]
    expect(links).to_have_count(len(names))
    for number, name in enumerate(names):
        expect(links.nth(number)).to_have_accessible_name(name)
    follow.locator(".feed-links").last.screenshot(path=SCREENSHOTS / "zone-follow-en.png")
