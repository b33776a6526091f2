"""A visitor filters the enterprise directory, with JavaScript and without."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.factories import EnterpriseFactory, EnterpriseQualificationFactory, ZoneFactory
from zones.models import Qualification

pytestmark = pytest.mark.browser


@pytest.fixture
def many_enterprises(site):
    """25 gazelle enterprises and 5 others in one zone: two pages of gazelles."""
    zone = ZoneFactory(slug="test-zone", name_en="Test Zone")
    gazelle = Qualification.objects.get(slug="gazelle")
    for number in range(30):
        enterprise = EnterpriseFactory(zone=zone, name_en=f"Test Works {number:02d}")
        if number < 25:
            EnterpriseQualificationFactory(enterprise=enterprise, qualification=gazelle)
    return site


def test_a_visitor_filters_removes_a_chip_pages_and_downloads(page, many_enterprises):
    page.goto(f"{many_enterprises}/en/enterprises/")
    page.locator("#f-zone-test-zone").check()
    expect(page).to_have_url(re.compile(r"zone=test-zone"))
    expect(page.locator(".result-count")).to_have_text("30 enterprises")
    expect(page.locator("#results-status")).to_have_text("30 enterprises, page 1 of 2")

    page.locator("#f-qualification-gazelle").check()
    expect(page).to_have_url(re.compile(r"\?zone=test-zone&qualification=gazelle&sort=name$"))
    expect(page.locator(".result-count")).to_have_text("25 enterprises")
    expect(page.locator(".chip", has_text="Zone: Test Zone")).to_be_visible()

    page.locator(".chip", has_text="Zone: Test Zone").click()
    expect(page).not_to_have_url(re.compile(r"zone="))
    expect(page.locator(".chip", has_text="Zone: Test Zone")).to_have_count(0)
    expect(page.locator(".result-count")).to_have_text("25 enterprises")

    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".pagination")).to_contain_text("Page 2 of 2")
    expect(page.locator(".result")).to_have_count(5)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    content = open(download.value.path(), "rb").read()
    assert content.startswith(b"\xef\xbb\xbf")
    assert len(content.decode("utf-8-sig").strip().splitlines()) == 1 + 25


def test_after_next_the_focus_is_on_the_count_of_the_new_page(page, many_enterprises):
    page.goto(f"{many_enterprises}/en/enterprises/?zone=test-zone")
    page.get_by_role("link", name="Next").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".result-count")).to_be_focused()
    expect(page.locator("#results-status")).to_have_text("30 enterprises, page 2 of 2")
    # Reading goes on from there: the next Tab is in the results, not back in the header.
    page.keyboard.press("Tab")
    expect(page.locator(".results :focus")).to_have_count(1)


def test_the_title_follows_the_page_shown_in_place_and_back_again(page, many_enterprises):
    page.goto(f"{many_enterprises}/en/enterprises/?zone=test-zone")
    page.get_by_role("link", name="Next").click()
    expect(page).to_have_title("Enterprise directory · Page 2 of 2 · Liaoning development zones")
    page.get_by_role("link", name="Previous").click()
    expect(page).to_have_title("Enterprise directory · Liaoning development zones")
    page.go_back()
    expect(page).to_have_title("Enterprise directory · Page 2 of 2 · Liaoning development zones")


def test_after_removing_a_chip_the_focus_is_on_the_count_of_the_results(page, many_enterprises):
    page.goto(f"{many_enterprises}/en/enterprises/?zone=test-zone&qualification=gazelle")
    page.locator(".chip", has_text="Zone: Test Zone").focus()
    page.keyboard.press("Enter")

    expect(page).not_to_have_url(re.compile(r"zone="))
    expect(page.locator(".result-count")).to_be_focused()
    expect(page.locator("#results-status")).to_have_text("25 enterprises, page 1 of 2")


def test_a_ticked_box_keeps_the_focus(page, many_enterprises):
    page.goto(f"{many_enterprises}/en/enterprises/")
    page.locator("#f-zone-test-zone").focus()
    page.keyboard.press("Space")

    expect(page.locator("#results-status")).to_have_text("30 enterprises, page 1 of 2")
    expect(page.locator("#f-zone-test-zone")).to_be_focused()
    page.get_by_label("Sort by").focus()
    page.get_by_label("Sort by").select_option("founded")
    expect(page).to_have_url(re.compile(r"sort=founded"))
    expect(page.get_by_label("Sort by")).to_be_focused()


def test_the_same_filters_work_without_javascript(page_without_javascript, many_enterprises):
    page = page_without_javascript
    page.goto(f"{many_enterprises}/en/enterprises/")
    page.locator("#f-zone-test-zone").check()
    page.locator("#f-qualification-gazelle").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"zone=test-zone.*qualification=gazelle"))
    expect(page.locator(".result-count")).to_have_text("25 enterprises")

    page.locator(".chip", has_text="Qualification").click()
    expect(page.locator(".result-count")).to_have_text("30 enterprises")

    page.get_by_role("link", name="Next").click()
    expect(page.locator(".pagination")).to_contain_text("Page 2 of 2")
    expect(page).to_have_url(re.compile(r"zone=test-zone.*page=2"))


def test_filtering_to_dalian_puwan_gives_the_two_enterprises_of_the_release(page, site):
    page.goto(f"{site}/en/enterprises/?zone=dalian-puwan")
    expect(page.locator(".result__title")).to_have_text(
        [
            "Allychem Co., Ltd.",
            "Dalian Sanhuan Composite Material Technology Development Co., Ltd.",
        ]
    )


def test_the_language_switch_follows_the_filters_changed_in_place(page, site):
    page.goto(f"{site}/en/enterprises/")
    page.locator("#f-zone-dalian-puwan").check()
    expect(page).to_have_url(re.compile(r"zone=dalian-puwan"))
    page.get_by_role("link", name="中文").click()
    expect(page).to_have_url(re.compile(r"/zh-hans/enterprises/\?.*zone=dalian-puwan"))
    expect(page.locator(".result-count")).to_have_text("2 家企业")


def test_typing_a_name_narrows_the_directory_as_one_types(page, site):
    page.goto(f"{site}/en/enterprises/")
    page.locator("#f-q").press_sequentially("allychem", delay=20)
    expect(page).to_have_url(re.compile(r"q=allychem"))
    expect(page.locator(".result__title")).to_have_text(["Allychem Co., Ltd."])
    expect(page.locator("#f-q")).to_be_focused()


def test_a_box_ticked_while_the_typed_name_is_still_loading_is_kept(page, site):
    page.goto(f"{site}/en/enterprises/")
    # The answer to the typed name alone comes late, as on a slow line.
    page.route(
        re.compile(r"/enterprises/\?q=co&"),
        lambda route: page.wait_for_timeout(800) or route.continue_(),
    )
    page.locator("#f-q").fill("co")

    # Leaving the box sends the name; the box is ticked before that answer comes.
    page.locator("label[for=f-zone-dalian-puwan]").click()

    expect(page).to_have_url(re.compile(r"q=co&zone=dalian-puwan"))
    page.wait_for_timeout(1000)  # past the late answer
    expect(page.locator("#f-zone-dalian-puwan")).to_be_checked()
    expect(page.locator("#f-q")).to_have_value("co")
    expect(page.locator(".result__title")).to_have_text(
        [
            "Allychem Co., Ltd.",
            "Dalian Sanhuan Composite Material Technology Development Co., Ltd.",
        ]
    )
    expect(page).to_have_url(re.compile(r"q=co&zone=dalian-puwan"))


@pytest.mark.parametrize("width", [375, 1280])
def test_ticking_a_filter_leaves_the_ticked_box_where_it_was(page, site, width):
    # A directory with every facet filled, as a real one is.
    call_command("generate_scale_data", enterprises=300, releases=0, verbosity=0)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{site}/en/enterprises/")
    page.evaluate("window.scrollTo(0, 400)")
    box = page.locator("#f-sector-new-energy")
    box.evaluate("element => element.scrollIntoView({block: 'center'})")
    before = box.bounding_box()["y"]

    page.locator("label[for=f-sector-new-energy]").click()  # by mouse: it takes the focus

    expect(page).to_have_url(re.compile(r"sector=new-energy"))
    page.wait_for_timeout(500)  # for htmx to settle the swap
    after = page.locator("#f-sector-new-energy").bounding_box()["y"]
    # Moved by the row of chips at most, not sent off the screen.
    assert abs(after - before) < 100, (before, after)
