"""Error pages in the site's look, in the visitor's language; 500 even with the database down."""

import pytest
from django.db import connections
from django.db.utils import OperationalError
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.error_urls")]

HEADINGS = {
    400: ("Bad request", "请求有误"),
    403: ("Access denied", "无权访问"),
    404: ("Page not found", "页面未找到"),
    500: ("Something went wrong", "出错了"),
}


def assert_branded_page(response, status: int, language: str) -> None:
    english, chinese = HEADINGS[status]
    page = response.content.decode()
    assert response.status_code == status
    assert f'<html lang="{language}">' in page
    assert '<header class="site-header">' in page
    assert f"<h1>{english if language == 'en' else chinese}</h1>" in page


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_missing_page_answers_404_in_the_visitors_language(client, language):
    assert_branded_page(client.get(f"/{language}/no-such-page/"), 404, language)


@pytest.mark.parametrize(
    ("browser", "link", "other"), [("zh-hans", "English", "en"), ("en", "中文", "zh-hans")]
)
def test_the_language_link_of_a_missing_page_without_a_language_switches_language(
    client, browser, link, other
):
    response = client.get("/old-page.html?from=mail", headers={"accept-language": browser})

    assert_branded_page(response, 404, browser)
    assert f'<a href="/{other}/old-page.html?from=mail" hreflang=' in response.content.decode()
    assert f">{link}</a>" in response.content.decode()
    assert_branded_page(client.get(f"/{other}/old-page.html?from=mail"), 404, other)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_forbidden_page_answers_403_in_the_visitors_language(client, language):
    assert_branded_page(client.get(f"/{language}/forbidden/"), 403, language)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_unknown_host_answers_400_in_the_visitors_language(client, language):
    response = client.get(f"/{language}/", headers={"host": "attacker.example"})
    assert_branded_page(response, 400, language)


@pytest.mark.parametrize(
    ("language", "words"), [("en", "could not be sent"), ("zh-hans", "未能提交")]
)
def test_a_form_without_its_csrf_token_answers_403_saying_what_to_do(language, words):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/i18n/setlang/", {"language": "en"}, headers={"accept-language": language}
    )
    assert response.status_code == 403
    assert words in response.content.decode()
    assert '<header class="site-header">' in response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_bug_answers_500_in_the_visitors_language(language):
    client = Client(raise_request_exception=False)
    assert_branded_page(client.get(f"/{language}/broken/"), 500, language)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_500_page_renders_while_the_database_is_down(monkeypatch, language):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    client = Client(raise_request_exception=False)
    with monkeypatch.context() as patch:
        patch.setattr(connections["default"], "cursor", refuse)
        patch.setattr(connections["default"], "ensure_connection", refuse)
        response = client.get(f"/{language}/")
    assert_branded_page(response, 500, language)


def test_the_language_switch_of_a_page_not_found_leads_to_the_other_language(client, db):
    english = client.get("/en/no-such-page/?x=1")
    assert english.status_code == 404
    assert '<a href="/zh-hans/no-such-page/?x=1" hreflang="zh-Hans"' in english.text
    chinese = client.get("/zh-hans/no-such-page/")
    assert '<a href="/en/no-such-page/" hreflang="en"' in chinese.text
