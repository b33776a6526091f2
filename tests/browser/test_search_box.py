"""The header's search box: its suggestions are readable, not only present in the page, and a
combobox that a keyboard and a screen reader can use."""

import pytest

from tests.browser.conftest import AXE, SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The WCAG 2.1 ratio between the relative luminances of two colours.
CONTRAST = """(element) => {
  const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  let background = element;
  while (background && getComputedStyle(background).backgroundColor === "rgba(0, 0, 0, 0)") {
    background = background.parentElement;
  }
  const fg = luminance(rgb(getComputedStyle(element).color));
  const bg = luminance(rgb(getComputedStyle(background).backgroundColor));
  return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
}"""


def suggest(page, site, q="Dalian"):
    page.goto(f"{site}/en/")
    page.fill("#search-box-q", q)
    options = page.get_by_role("option")
    options.first.wait_for()
    return options


def test_the_header_suggestions_are_readable(page, site):
    suggestion = suggest(page, site).first
    page.keyboard.press("ArrowDown")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "header-suggestions.png")

    assert "Dalian" in suggestion.inner_text()
    assert suggestion.evaluate(CONTRAST) >= 4.5


def test_the_suggestions_are_a_listbox_of_the_box_announced_by_count(page, site):
    options = suggest(page, site)
    box = page.get_by_role("combobox", name="Search")
    listbox = page.get_by_role("listbox", name="Suggestions")

    assert box.get_attribute("aria-expanded") == "true"
    assert listbox.is_visible()
    assert page.get_by_role("group", name="Zones").get_by_role("option").first.inner_text() == (
        "Dalian Puwan Economic Zone"
    )
    assert page.locator("#search-box-status").inner_text() == f"{options.count()} suggestions"
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run('form.search-box', {resultTypes: ['violations']})")
    assert [violation["id"] for violation in result["violations"]] == []


def test_the_arrow_keys_choose_a_suggestion_and_enter_opens_it(page, site):
    options = suggest(page, site)
    box = page.locator("#search-box-q")

    box.press("ArrowDown")
    box.press("ArrowDown")
    second = options.nth(1)
    assert box.get_attribute("aria-activedescendant") == second.get_attribute("id")
    assert second.get_attribute("aria-selected") == "true"
    assert page.evaluate("document.activeElement.id") == "search-box-q"

    box.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    target = options.first.get_attribute("href")
    box.press("Enter")
    page.wait_for_url(f"{site}{target}")


def test_enter_without_a_chosen_suggestion_searches(page, site):
    suggest(page, site)
    page.press("#search-box-q", "Enter")
    page.wait_for_url(f"{site}/en/search/?q=Dalian")


def test_a_click_on_a_suggestion_opens_it(page, site):
    option = suggest(page, site).first
    target = option.get_attribute("href")
    option.click()
    page.wait_for_url(f"{site}{target}")


def test_escape_closes_the_suggestions_and_keeps_what_was_typed(page, site):
    suggest(page, site)

    page.press("#search-box-q", "Escape")

    assert page.locator("#search-box-suggestions").is_hidden()
    assert page.get_attribute("#search-box-q", "aria-expanded") == "false"
    assert page.input_value("#search-box-q") == "Dalian"
    page.press("#search-box-q", "ArrowDown")
    assert page.locator("#search-box-suggestions").is_visible()


def test_the_suggestions_close_when_the_keyboard_leaves_them(page, site):
    suggest(page, site)

    # The suggestions are not in the tab order: past the search button, to the language switcher.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")

    assert not page.evaluate(
        "document.querySelector('form.search-box').contains(document.activeElement)"
    )
    assert page.locator("#search-box-suggestions").is_hidden()


def test_typing_after_choosing_a_suggestion_makes_enter_search_what_was_typed(page, site):
    suggest(page, site)
    box = page.locator("#search-box-q")
    box.press("ArrowDown")

    # The new suggestions are slow to come: Enter must not open the one chosen before.
    page.route(
        "**/search/suggest/**", lambda route: page.wait_for_timeout(1000) or route.continue_()
    )
    box.press("End")
    box.type(" port")
    assert box.get_attribute("aria-activedescendant") is None
    box.press("Enter")
    page.wait_for_url(f"{site}/en/search/?q=Dalian+port")


def test_arrow_up_past_the_first_suggestion_returns_to_the_box_and_down_chooses_it_again(
    page, site
):
    options = suggest(page, site)
    box = page.locator("#search-box-q")

    for key in ("ArrowDown", "ArrowUp", "ArrowUp", "ArrowUp", "ArrowDown"):
        box.press(key)

    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")


def test_a_late_answer_does_not_reopen_suggestions_the_box_no_longer_wants(page, site):
    page.goto(f"{site}/en/")
    page.route(
        "**/search/suggest/**", lambda route: page.wait_for_timeout(800) or route.continue_()
    )
    box = page.locator("#search-box-q")
    box.type("Dalian")
    page.wait_for_timeout(300)  # asked, not answered yet
    box.fill("D")
    box.dispatch_event("input")
    page.wait_for_timeout(1500)

    assert page.locator("#search-box-suggestions").is_hidden()
