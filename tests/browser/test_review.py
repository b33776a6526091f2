"""The June 20 release, changed by an Editor and published by a Publisher, in a real browser."""

import pytest
from django.contrib.auth.models import Group

from news.models import Release
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
NEW_TITLE = "Four development zones report record growth"


def signed_in(browser, live_server, django_user_model, name: str, group: str):
    user = django_user_model.objects.create_user(name, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/admin/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    return page


def test_an_editors_change_to_the_live_release_is_public_only_once_a_publisher_publishes_it(
    browser, site, live_server, django_user_model
):
    release = Release.objects.get()
    editor = signed_in(browser, live_server, django_user_model, "editor", "Editors")
    publisher = signed_in(browser, live_server, django_user_model, "publisher", "Publishers")
    visitor = browser.new_context(base_url=live_server.url).new_page()
    visitor.goto(release.get_absolute_url())
    live_title = visitor.inner_text("h1")

    editor.goto(f"/admin/news/release/{release.pk}/change/")
    assert "Published" in editor.inner_text(".status-badge")
    editor.fill("#id_title_en", NEW_TITLE)
    editor.locator("input[name$='-value']").first.fill("7")
    editor.click("input[name=_save]")
    assert "Saved as a pending draft" in editor.inner_text(".messagelist")
    editor.click("button[value=submit]")
    assert "Submitted for review" in editor.inner_text(".messagelist")

    visitor.reload()
    assert visitor.inner_text("h1") == live_title

    publisher.goto("/admin/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    publisher.screenshot(path=SCREENSHOTS / "admin-home-waiting-for-review.png", full_page=True)
    publisher.locator(f"#waiting-for-review a[href$='/{release.pk}/draft/']").click()
    diff = publisher.inner_text(".pending-draft")
    assert "record" in diff  # the title's new word, marked as inserted
    publisher.screenshot(path=SCREENSHOTS / "pending-draft.png", full_page=True)
    publisher.click("button[value=publish]")
    assert "Published the pending draft" in publisher.inner_text(".messagelist")

    visitor.reload()
    assert visitor.inner_text("h1") == NEW_TITLE
