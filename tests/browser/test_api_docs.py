"""A developer reads the API's docs page: every operation listed, from this host alone, and the
page works under a Content-Security-Policy without 'unsafe-inline'."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE

pytestmark = pytest.mark.browser

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'"
)


def test_the_docs_page_lists_every_operation_from_this_host_under_a_strict_csp(page, site):
    requested, refused = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def with_strict_csp(route):
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": STRICT_CSP}
        route.fulfill(response=response, headers=headers)

    page.route("**/api/v1/docs/", with_strict_csp)
    page.goto(f"{site}/api/v1/docs/")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.locator(".opblock-summary-path")).to_have_count(13)
    expect(page.locator("body")).to_contain_text("/api/v1/enterprises/")
    host = urlsplit(site).netloc
    assert {urlsplit(url).netloc for url in requested if url.startswith("http")} == {host}
    assert [text for text in refused if "script" in text] == []


def test_the_docs_page_reads_at_aa_contrast(page, site):
    page.goto(f"{site}/api/v1/docs/")
    expect(page.locator(".opblock-summary-method").first).to_be_visible()
    page.evaluate(AXE.read_text())

    result = page.evaluate("axe.run(document, {runOnly: ['color-contrast']})")

    failing = [node["target"] for violation in result["violations"] for node in violation["nodes"]]
    assert failing == []
