"""axe-core finds no serious or critical problem on the main pages, in both languages; every
request stays on the portal's own host; screenshots at phone and desktop widths are kept."""

import pytest

from tests.browser.conftest import AXE, SCREENSHOTS, blocking_violations

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "zones": "/zones/",
    "zone": "/zones/dalian-puwan/",
    "enterprises": "/enterprises/?zone=dalian-puwan",
    "enterprise": "/enterprises/allychem/",
    "release": "/news/shenyang-etdz-internationalized-industrial-ecosystem/",
}
WIDTHS = (390, 1280)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_pages_pass_axe_and_load_nothing_from_elsewhere(page, site, language):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    problems = {}
    for name, path in PAGES.items():
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{site}/{language}{path}")
        blocking = blocking_violations(page)
        if blocking:
            problems[name] = blocking
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=SCREENSHOTS / f"{name}-{language}-{width}.png", full_page=True)
    assert problems == {}
    assert [url for url in requested if not url.startswith(site)] == []


@pytest.mark.parametrize(
    "path", ["/", "/search/?q=shenyang", "/zones/compare/?zones=dalian-puwan,shenyang-etdz"]
)
def test_the_home_search_and_comparison_pages_have_no_axe_finding_at_all(page, site, path):
    # Moderate findings too: two search landmarks without names to tell them apart, a heading
    # that skips a level.
    page.goto(f"{site}/en{path}")
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    assert [violation["id"] for violation in result["violations"]] == []
