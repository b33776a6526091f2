"""The zone, release and event lists filter in place with JavaScript, and by the form without."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_choosing_a_city_filters_the_zones_in_place(page, site):
    page.goto(f"{site}/en/zones/")
    expect(page.locator(".card")).to_have_count(4)
    page.get_by_label("City").select_option("dalian")
    expect(page).to_have_url(re.compile(r"city=dalian"))
    expect(page.locator(".card")).to_have_count(1)
    expect(page.locator(".card")).to_contain_text("Dalian Puwan Economic Zone")


def test_sorting_zones_by_number_of_enterprises(page, site):
    page.goto(f"{site}/en/zones/")
    page.get_by_label("Sort by").select_option("enterprises")
    expect(page).to_have_url(re.compile(r"sort=enterprises"))
    expect(page.locator(".card").first).to_contain_text("Dalian Puwan Economic Zone")


def test_past_events_without_javascript(page_without_javascript, site):
    page = page_without_javascript
    page.goto(f"{site}/en/events/")
    page.get_by_label("When").select_option("upcoming")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"when=upcoming"))
    expect(page.locator(".result-count")).to_have_text("0 events")
