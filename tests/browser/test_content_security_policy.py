"""The main public and admin pages, driven in a real browser, break no rule of the
Content-Security-Policy (the autouse csp_violations fixture fails any test that does)."""

import pytest
from django.contrib.auth.models import Group

from news.models import Release

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def test_a_violation_fails_the_test(page, site, csp_violations):
    """The check itself: a page with an inline style under a strict policy is reported."""
    page.route(
        f"{site}/probe/",
        lambda route: route.fulfill(
            body='<p style="color: red">Inline</p>',
            headers={"Content-Type": "text/html", "Content-Security-Policy": "style-src 'self'"},
        ),
    )
    page.goto(f"{site}/probe/")
    page.wait_for_timeout(200)
    assert any("style-src" in violation for violation in csp_violations)
    csp_violations.clear()


def test_public_pages_and_their_scripts_run_under_the_policy(page, site):
    page.goto(f"{site}/en/")
    page.fill("#search-box-q", "Dalian")
    page.wait_for_selector("#search-box-suggestions [role=option]")
    page.goto(f"{site}/en/enterprises/")
    page.select_option("#f-zone", index=1) if page.query_selector("select#f-zone") else None
    page.goto(f"{site}/en/search/?q=dalian")
    page.goto(f"{site}/zh-hans/zones/dalian-puwan/")
    page.goto(f"{site}/en/news/shenyang-etdz-internationalized-industrial-ecosystem/")


@pytest.fixture
def publisher_page(browser, site, live_server, django_user_model):
    user = django_user_model.objects.create_user("publisher", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Publishers"))
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/admin/login/")
    page.fill("#id_username", "publisher")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    yield page
    context.close()


def test_the_admins_main_pages_run_under_the_policy(publisher_page):
    page = publisher_page
    release = Release.objects.get()
    page.goto("/admin/news/release/")
    page.goto(f"/admin/news/release/{release.pk}/change/")
    editor = page.locator(".ProseMirror:visible").first
    editor.click()
    page.keyboard.type(" More.")
    page.fill("#id_summary_en", "A summary changed in the browser.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    page.goto(f"/admin/news/release/{release.pk}/history/")
    page.click("text=What changed")
    page.wait_for_selector(".version-changes")
    page.goto("/admin/zones/enterprise/import/")
    page.wait_for_selector("input[type=file]")
    page.goto("/admin/zones/enterprise/")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "export_admin_action")
    page.click("button[name=index]")
    page.wait_for_selector(".select-toggle")
    page.uncheck(".select-toggle")
    page.goto("/admin/axes/accessattempt/")
    page.goto("/admin/zones/zone/add/")
    page.locator(".ProseMirror:visible").first.wait_for()


def test_the_lockout_page_runs_under_the_policy(page, site, django_user_model):
    django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)
    for _ in range(5):
        page.goto(f"{site}/admin/login/")
        page.fill("#id_username", "editor")
        page.fill("#id_password", "wrong")
        page.click("input[type=submit]")
    assert "Sign-in locked" in page.inner_text("h1")
