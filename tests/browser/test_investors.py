"""An investor compares two zones from the zone list and sends an enquiry; the new pages pass
axe in both languages."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import blocking_violations
from zones.models import Enquiry

pytestmark = pytest.mark.browser


def test_an_investor_compares_two_zones_ticked_on_the_zone_list(page_without_javascript, site):
    page = page_without_javascript
    page.goto(f"{site}/en/zones/")
    page.get_by_label("Compare Dalian Puwan Economic Zone").check()
    page.get_by_label("Compare Liaobin Coastal Economic").check()
    page.get_by_role("button", name="Compare selected zones").click()

    expect(page).to_have_url(
        re.compile(r"/en/zones/compare/\?zones=dalian-puwan&zones=panjin-liaobin$")
    )
    table = page.locator("table.compare")
    expect(table.locator("thead th")).to_have_count(2)
    expect(table.locator("thead")).to_contain_text("Dalian Puwan Economic Zone")
    row = table.locator("tr", has_text="Growth in gazelle enterprises, percent change")
    expect(row.locator("td").nth(0)).to_contain_text("116.7")
    expect(row.locator("td").nth(1)).to_have_text("not reported")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert download.value.suggested_filename == "zones-compared.csv"


def test_an_investor_sends_an_enquiry_from_a_profile(page, site):
    page.goto(f"{site}/en/zones/dalian-puwan/")
    page.get_by_role("link", name="Send an enquiry").click()
    expect(page).to_have_url(f"{site}/en/zones/dalian-puwan/enquiry/")
    expect(page.get_by_label("Dalian Puwan Economic Zone")).to_be_checked()

    page.get_by_role("button", name="Send the enquiry").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields")

    page.get_by_label("Your name").fill("Li Wei")
    page.get_by_label("Your e-mail").fill("li.wei@example.com")
    page.get_by_label("Country").select_option("DE")
    page.get_by_label("New materials").check()
    page.get_by_label("Your question").fill("Is there land for a 5 ha plant?")
    page.get_by_label("I agree to be contacted").check()
    page.get_by_role("button", name="Send the enquiry").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your enquiry is sent")
    reference = Enquiry.objects.get().reference
    expect(page.locator(".reference")).to_have_text(reference)
    assert [message.to for message in mail.outbox][-1] == ["li.wei@example.com"]


def test_a_form_sent_with_errors_opens_on_them_and_leads_to_each_field(page, site):
    page.goto(f"{site}/en/zones/dalian-puwan/enquiry/")
    page.get_by_label("Your e-mail").fill("not-an-address")
    page.get_by_role("button", name="Send the enquiry").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(
        page.get_by_role("link", name="Your e-mail: Enter a valid email address.")
    ).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your e-mail")).to_be_focused()


def test_a_bot_that_fills_the_hidden_field_sends_nothing(page, site):
    page.goto(f"{site}/en/zones/dalian-puwan/enquiry/")
    expect(page.locator(".honeypot")).not_to_be_in_viewport()
    page.get_by_label("Your name").fill("Bot")
    page.get_by_label("Your e-mail").fill("bot@example.com")
    page.get_by_label("Your question").fill("Cheap pills")
    page.get_by_label("I agree to be contacted").check()
    page.locator("#id_homepage").evaluate("field => { field.value = 'http://spam.example'; }")
    page.get_by_role("button", name="Send the enquiry").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your enquiry is sent")
    assert Enquiry.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_compare_and_enquiry_pages_pass_axe(page, site, language):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    problems = {}
    for name, path in {
        "compare": "/zones/compare/?zones=dalian-puwan,panjin-liaobin",
        "compare-choice": "/zones/compare/?zones=dalian-puwan",
        "enquiry": "/zones/compare/enquiry/?zones=dalian-puwan,panjin-liaobin",
        "zone": "/zones/chaoyang-jianping/",
    }.items():
        page.goto(f"{site}/{language}{path}")
        if blocking := blocking_violations(page):
            problems[name] = blocking
    page.goto(f"{site}/{language}/zones/dalian-puwan/enquiry/")
    page.get_by_role("button").last.click()  # an empty form: the page with its errors
    if blocking := blocking_violations(page):
        problems["enquiry-errors"] = blocking
    assert problems == {}
    assert [url for url in requested if not url.startswith(site)] == []
