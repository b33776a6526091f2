"""The zone, release and event lists filter in place with JavaScript, and by the form without."""

import re

import pytest
from playwright.sync_api import expect

from news.models import Release
from tests.factories import ReleaseFactory

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


def test_after_previous_the_focus_is_on_the_count_of_the_news(page, site):
    ReleaseFactory.create_batch(21 - Release.objects.published().count())
    page.goto(f"{site}/en/news/?page=2")
    page.get_by_role("link", name="Previous").focus()
    page.keyboard.press("Enter")

    expect(page).not_to_have_url(re.compile(r"page=2"))
    expect(page.locator(".result-count")).to_be_focused()
    expect(page.locator("#results-status")).to_have_text("21 releases, page 1 of 2")
