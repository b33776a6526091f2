"""The header's search box: its suggestions are readable, not only present in the page."""

import pytest

from tests.browser.conftest import SCREENSHOTS

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


def test_the_header_suggestions_are_readable(page, site):
    page.goto(f"{site}/en/")
    page.fill("#search-box-q", "Dalian")
    suggestion = page.locator("#search-box-suggestions a").first
    suggestion.wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "header-suggestions.png")

    assert "Dalian" in suggestion.inner_text()
    assert suggestion.evaluate(CONTRAST) >= 4.5


def test_escape_closes_the_suggestions_and_keeps_what_was_typed(page, site):
    page.goto(f"{site}/en/")
    page.fill("#search-box-q", "Dalian")
    page.locator("#search-box-suggestions a").first.wait_for()

    page.press("#search-box-q", "Escape")

    assert page.locator("#search-box-suggestions").is_hidden()
    assert page.input_value("#search-box-q") == "Dalian"


def test_the_suggestions_close_when_the_keyboard_leaves_them(page, site):
    page.goto(f"{site}/en/")
    page.fill("#search-box-q", "Dalian")
    links = page.locator("#search-box-suggestions a")
    links.first.wait_for()

    # Past the search button and every suggestion, to the language switcher.
    for _ in range(links.count() + 1):
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")

    assert not page.evaluate(
        "document.querySelector('form.search-box').contains(document.activeElement)"
    )
    assert page.locator("#search-box-suggestions").is_hidden()
