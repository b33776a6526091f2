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


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def page_without_javascript(browser, site):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def pytest_terminal_summary(terminalreporter):
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "browser tests skipped" in str(report.longrepr)
    ]
    if skipped:
        reason = str(skipped[0].longrepr[2]).removeprefix("Skipped: ")
        terminalreporter.write_line(f"{len(skipped)} browser tests skipped. {reason}", yellow=True)
