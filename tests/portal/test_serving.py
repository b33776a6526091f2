"""HEAD and OPTIONS on every kind of page, and the files found at fixed addresses."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ZoneFactory


@pytest.fixture
def zone(db):
    return ZoneFactory()


@pytest.mark.parametrize(
    "url",
    ["/en/", "/en/search/?q=shenyang", "/en/zones/", "/sitemap.xml", "/en/news/feed/", "/healthz"],
)
def test_head_answers_the_headers_of_get_without_a_body(client, zone, url):
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]


@pytest.mark.parametrize(
    "url", ["/en/", "/en/search/?q=shenyang", "/en/search/suggest/?q=sh", "/sitemap.xml"]
)
def test_options_on_a_function_view_answers_allow_without_running_the_page(
    client, zone, django_assert_num_queries, url
):
    with django_assert_num_queries(0):
        response = client.options(url)
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.content == b""


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/en/zones/",
        "/en/search/?q=shenyang",
        "/en/search/suggest/?q=sh",
        "/en/news/feed.atom",
        "/en/figures.csv",
        "/sitemap.xml",
    ],
)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_page_that_only_reads_refuses_other_methods(zone, url, method):
    # As a browser or a script sends them: without a CSRF token, which is not what is wrong.
    response = Client(enforce_csrf_checks=True).generic(method, url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "TRACE"])
def test_the_api_docs_page_refuses_other_methods_than_reading(method):
    response = Client(enforce_csrf_checks=True).generic(method, "/api/v1/docs/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_the_forms_and_the_api_still_answer_a_post_themselves(client, zone):
    url = reverse("zones:zone_enquiry", args=[zone.slug])
    enquiry = client.post(url, {})
    assert enquiry.status_code == 400  # the form, with its errors
    assert "This field is required." in enquiry.text
    assert client.options(url)["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.put(url).status_code == 405
    assert client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}).status_code == 302
    unknown = client.post("/api/v1/nowhere/")
    assert unknown.status_code == 404
    assert unknown["Content-Type"] == "application/problem+json"


def test_options_on_a_list_page_answers_allow_without_running_the_page(
    client, zone, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.options(reverse("zones:zone_list"))
    assert response.status_code == 200
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.content == b""


def test_robots_txt_points_at_the_sitemap_index_by_its_full_address(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_security_txt_names_the_contact_and_expires_within_a_year(client, settings):
    settings.SECURITY_CONTACT = "mailto:security@example.org"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Contact: mailto:security@example.org\n" in text
    assert "Canonical: http://testserver/.well-known/security.txt\n" in text
    assert "Preferred-Languages: en, zh\n" in text
    assert re.search(r"^Expires: 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ$", text, re.MULTILINE)


def test_security_txt_is_not_found_without_a_contact(client, settings):
    settings.SECURITY_CONTACT = ""
    assert client.get("/.well-known/security.txt").status_code == 404


def test_the_favicon_is_linked_from_every_page_and_answers_at_its_usual_address(client, db):
    page = client.get("/en/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
