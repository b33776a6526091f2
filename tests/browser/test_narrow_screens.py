"""On a phone (390 px wide, 360 for the smallest), the figures read as cards and wide tables scroll
in their own box: the page never scrolls sideways."""

import itertools
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from news.models import Indicator
from tests.browser.conftest import SCREENSHOTS
from tests.factories import IndicatorFactory, MetricFactory, ReleaseFactory
from zones.models import Zone

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


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_zone_comparison_scrolls_in_its_own_box_on_a_phone(phone, site, language):
    phone.goto(f"{site}/{language}/zones/compare/?zones=dalian-puwan,shenyang-etdz")
    expect(phone.locator("table.compare")).to_be_visible()
    # The table is wider than the phone and scrolls inside its box; the page itself does not.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_four_zones_compared_on_a_phone_keep_columns_wide_enough_to_read(phone, site, language):
    zones = "dalian-puwan,panjin-liaobin,shenyang-etdz,chaoyang-jianping"
    phone.goto(f"{site}/{language}/zones/compare/?zones={zones}")
    columns = phone.locator("table.compare thead th")
    expect(columns).to_have_count(4)
    # Each zone's column stays wide enough for words (a letter a line made the table
    # thousands of pixels tall); the table scrolls sideways in its box instead.
    widths = [columns.nth(n).bounding_box()["width"] for n in range(4)]
    assert min(widths) >= 120
    assert phone.locator("table.compare").bounding_box()["height"] < 3000
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.locator(".table-scroll").first.screenshot(
        path=SCREENSHOTS / f"compare-four-390-{language}.png"
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_compared_figures_period_is_never_broken_across_lines_on_a_phone(phone, site, language):
    phone.goto(f"{site}/{language}/zones/compare/?zones=dalian-puwan,shenyang-etdz,panjin-liaobin")
    periods = phone.locator("table.compare .period")
    expect(periods.first).to_be_visible()
    # "2023年" or "截至2024年6月20日" read as one: not "2023" above "年", "6" above "月20日".
    lines = periods.evaluate_all(
        "spans => spans.map(s => [s.textContent, s.getClientRects().length])"
    )
    assert len(lines) == 8
    assert [text for text, count in lines if count > 1] == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_compared_rows_keep_their_label_in_view_while_the_zones_scroll(phone, site, language):
    zones = "shenyang-etdz,dalian-puwan,chaoyang-jianping"
    phone.goto(f"{site}/{language}/zones/compare/?zones={zones}")

    phone.locator(".table-scroll").first.evaluate("box => { box.scrollLeft = box.scrollWidth }")

    label = phone.locator("table.compare tbody th[scope=row]").first
    box = label.bounding_box()
    assert box["x"] >= 0
    # In front of the zones' values, not under them.
    middle = phone.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('th')?.scope",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert middle == "row"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_ten_year_history_keeps_each_year_and_value_on_one_line_on_a_phone(phone, site, language):
    zone, metric, release = Zone.objects.get(slug="dalian-puwan"), MetricFactory(), ReleaseFactory()
    for number, year in enumerate(range(2015, 2025)):
        IndicatorFactory(
            zone=zone,
            metric=metric,
            release=release,
            year=year,
            value=Decimal(110_000_000 + 5_000_000 * number),
            unit=Indicator.Unit.CNY,
        )
    phone.goto(f"{site}/{language}/zones/dalian-puwan/")
    table = phone.locator(".chart-table").first
    expect(table).to_be_visible()
    # Each cell is one line high: no year or number broken digit by digit.
    heights = table.locator("td").evaluate_all("cells => cells.map(c => c.clientHeight)")
    assert len(heights) == 20 and max(heights) < 1.5 * min(heights)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # The chart writes the values that fit; none runs into the next.
    values = phone.locator(".chart--line").first.locator(".chart__value")
    edges = values.evaluate_all(
        "texts => texts.map(t => [t.getBoundingClientRect().left, t.getBoundingClientRect().right])"
    )
    assert len(edges) >= 2
    assert all(right <= left for (_, right), (left, _) in itertools.pairwise(edges))
    phone.locator(".chart-figure", has=table).screenshot(
        path=SCREENSHOTS / f"zone-history-390-{language}.png"
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_wide_table_in_a_release_keeps_its_numbers_whole_and_scrolls_in_its_box(
    phone, site, language
):
    years = "".join(f"<th>{year}</th>" for year in range(2013, 2025))
    values = "".join(f"<td>{1000 + year}.0</td>" for year in range(12))
    table = f"<table><tbody><tr>{years}</tr><tr>{values}</tr></tbody></table>"
    release = ReleaseFactory(
        body_en=f"<p>Output by year:</p>{table}", body_zh_hans=f"<p>历年产值：</p>{table}"
    )
    phone.goto(f"{site}/{language}{release.get_absolute_url()[len('/en') :]}")
    box = phone.locator(".rich-text .table-scroll")
    expect(box).to_be_visible()
    # Each cell one line high: no year or number broken digit by digit.
    heights = box.locator("th, td").evaluate_all("cells => cells.map(c => c.clientHeight)")
    assert len(heights) == 24 and max(heights) < 1.5 * min(heights)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # The box scrolls, from the keyboard too.
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")
    box.focus()
    phone.keyboard.press("ArrowRight")
    expect(box).not_to_have_js_property("scrollLeft", 0)
    box.screenshot(path=SCREENSHOTS / f"release-table-390-{language}.png")


PUBLIC_PAGES = (
    "/",
    "/zones/",
    "/zones/dalian-puwan/",
    "/zones/compare/?zones=dalian-puwan,shenyang-etdz,panjin-liaobin,chaoyang-jianping",
    "/enterprises/",
    "/enterprises/dalian-sanhuan-composite-material/",
    "/news/",
    "/news/shenyang-etdz-internationalized-industrial-ecosystem/",
    "/search/?q=dalian",
    "/search/?q=dalain",
    "/no-such-page/",
)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_public_page_scrolls_sideways_on_the_smallest_phone(browser, site, language):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(10_000)
    wider = {}
    for path in PUBLIC_PAGES:
        page.goto(f"{site}/{language}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wider[path] = width
    assert wider == {}
