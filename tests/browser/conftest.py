"""Playwright's sync API driving Debian's Chromium against pytest-django's live server.

Without Chromium the browser tests are skipped with a message; on CI (CI=true) a missing browser
is a failure, so that the suite cannot pass there without having run them.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
# What axe finds that a page may not have.
BLOCKING = frozenset({"serious", "critical"})


def blocking_violations(page) -> list[str]:
    """axe's serious and critical findings on the page, one line each.

    axe is evaluated by the test, not added as a <script>, which the page's
    Content-Security-Policy would rightly refuse.
    """
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])}×)"
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]


def unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}. On CI the browser tests must run.", pytrace=False)
    pytest.skip(f"{reason}: browser tests skipped (apt-get install -y chromium to run them).")


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests, closed when they are done.

    Playwright's sync API runs an event loop in the test thread; Django would then refuse the
    fixtures' database calls as "async-unsafe" although they run synchronously. The switch that
    allows them is on only while this browser is open, so that the rest of the suite (and the
    processes it starts) keeps Django's protection.
    """
    if not CHROMIUM.exists():
        unavailable(f"Chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("The playwright package is not installed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                headless=True,
                args=[
                    "--no-sandbox",
                    "--disable-background-networking",
                    "--disable-dev-shm-usage",
                ],
            )
            yield browser
            browser.close()


@pytest.fixture
def site(live_server, transactional_db):
    """The live server's address, with the demo content loaded."""
    call_command("load_demo", stdout=io.StringIO())
    return live_server.url


# Runs in every page before its own scripts (Playwright's init scripts are not subject to the
# page's Content-Security-Policy): each violation the browser reports becomes a console error.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber} (${event.sample})`);
});
"""


class PolicyViolations(list):
    """What the Content-Security-Policy refused while a test ran, read from the console."""

    def watch(self, page) -> None:
        page.on("console", self.record)

    def record(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation"):
            self.append(f"{message.page.url if message.page else ''}: {text}")


@pytest.fixture(autouse=True)
def csp_violations(browser, monkeypatch, transactional_db):
    """Every browser test fails when a page it opened broke the Content-Security-Policy.

    Every context the test opens, through the fixtures below or its own, reports each
    violation to the console, and every page's console is read. When the test ends, every
    one of them is closed, before the database is emptied (this fixture stands on
    `transactional_db`, so it is torn down first): a page left open would go on asking the
    live server for things (a script's timer, a late favicon) while the tables are flushed.
    """
    violations = PolicyViolations()
    contexts = []
    new_context = browser.new_context

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("page", violations.watch)
        contexts.append(context)
        return context

    monkeypatch.setattr(browser, "new_context", watched_context)
    yield violations
    for context in contexts:
        close(context)
    assert not violations, "The Content-Security-Policy refused:\n" + "\n".join(violations)


def close(context):
    """Close a context whose pages may still be holding a request back in a slow route.

    A route that delays its answer would otherwise wake on a closed page and fail the next
    test.
    """
    for page in context.pages:
        page.unroute_all(behavior="ignoreErrors")
    context.close()


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    close(context)


@pytest.fixture
def page_without_javascript(browser, site):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    close(context)


def pytest_terminal_summary(terminalreporter):
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "browser tests skipped" in str(report.longrepr)
    ]
    if skipped:
        reason = str(skipped[0].longrepr[2]).removeprefix("Skipped: ")
        terminalreporter.write_line(f"{len(skipped)} browser tests skipped. {reason}", yellow=True)
