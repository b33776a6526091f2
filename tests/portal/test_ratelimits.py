"""Rate limits per client: search, suggestions, the directory, downloads, feeds, the API and the
enquiry form."""

import pytest
from django.conf import settings
from django.test import Client, override_settings

from portal.ratelimits import client_ip
from tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def still_clock(time_machine):
    """The clock stands still: a count's window (a minute, an hour) never ends during a test."""
    time_machine.move_to("2026-06-20 10:00:30+08:00", tick=False)


LIMITED = {
    "search": "/en/search/?q=dalian",
    "suggest": "/en/search/suggest/?q=da",
    "directory": "/en/enterprises/",
    "export": "/en/enterprises/export.csv",
    "feed": "/en/news/feed/",
    "api": "/api/v1/enterprises/",
}
# Every other download and feed counts against the same limits.
ALSO_LIMITED = {
    "/en/enterprises/export.xlsx": "export",
    "/en/enterprises/export.json": "export",
    "/en/figures.csv": "export",
    "/en/figures.json": "export",
    "/en/news/feed.atom": "feed",
    "/en/events/feed.atom": "feed",
    "/en/events/calendar.ics": "feed",
    "/api/v1/zones/": "api",
}


def limits(**changed: str) -> dict[str, str]:
    """The default limits, with some changed."""
    return settings.RATELIMIT_DEFAULTS | changed


@pytest.mark.parametrize(("name", "url"), LIMITED.items())
def test_the_request_after_the_limit_is_refused_with_the_time_to_wait(client, name, url):
    with override_settings(RATELIMITS=limits(**{name: "3/m"})):
        statuses = [client.get(url).status_code for _ in range(3)]
        refused = client.get(url)
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "no-store" in refused["Cache-Control"]


@pytest.mark.parametrize(("url", "name"), ALSO_LIMITED.items())
def test_every_download_feed_and_endpoint_is_limited(client, url, name):
    with override_settings(RATELIMITS=limits(**{name: "1/m"})):
        assert client.get(url).status_code == 200
        assert client.get(url).status_code == 429


@override_settings(RATELIMITS=limits(api="1/m"))
def test_the_api_refuses_with_problem_details(client):
    client.get(LIMITED["api"])
    refused = client.get(LIMITED["api"])
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["status"] == 429
    assert 1 <= int(refused["Retry-After"]) <= 60


@override_settings(RATELIMITS=limits(enquiry="2/h"))
def test_the_enquiry_form_counts_what_is_sent_not_its_page(client):
    url = f"/en/zones/{ZoneFactory().slug}/enquiry/"
    assert all(client.get(url).status_code == 200 for _ in range(3))
    sent = [client.post(url, {"name": ""}).status_code for _ in range(2)]
    assert sent == [400, 400]  # counted, though the form was not filled in
    refused = client.post(url, {"name": ""})
    assert refused.status_code == 429
    assert client.get(url).status_code == 200


@override_settings(RATELIMITS=limits(search="2/m"))
def test_another_client_is_not_affected_by_a_refused_one():
    scraper, reader = Client(REMOTE_ADDR="192.0.2.7"), Client(REMOTE_ADDR="192.0.2.8")
    for _ in range(3):
        scraper.get(LIMITED["search"])
    assert scraper.get(LIMITED["search"]).status_code == 429
    assert reader.get(LIMITED["search"]).status_code == 200


@override_settings(RATELIMITS=limits(search="2/m"))
def test_each_kind_of_page_has_its_own_count(client):
    for _ in range(3):
        client.get(LIMITED["search"])
    assert client.get(LIMITED["search"]).status_code == 429
    assert client.get(LIMITED["directory"]).status_code == 200


@override_settings(RATELIMITS=limits(search="1/m"))
def test_the_refusal_is_a_page_in_the_visitors_language(client):
    client.get("/zh-hans/search/?q=dalian")
    refused = client.get("/zh-hans/search/?q=dalian")
    assert refused.status_code == 429
    assert '<html lang="zh-hans">' in refused.content.decode()
    assert f"请等待 {refused['Retry-After']} 秒后再试" in refused.content.decode()
    english = client.get("/en/search/?q=dalian")
    assert "Too many requests" in english.content.decode()
    assert f"wait {english['Retry-After']} second" in english.content.decode()


@override_settings(RATELIMITS=limits(suggest="1/m", directory="1/m"))
def test_scripts_get_a_short_refusal(client):
    client.get(LIMITED["suggest"], headers={"Accept": "application/json"})
    suggestions = client.get(LIMITED["suggest"], headers={"Accept": "application/json"})
    assert suggestions.status_code == 429
    assert "Too many requests" in suggestions.json()["error"]
    client.get(LIMITED["directory"], headers={"HX-Request": "true"})
    partial = client.get(LIMITED["directory"], headers={"HX-Request": "true"})
    assert partial.status_code == 429
    assert b"<html" not in partial.content


@override_settings(RATELIMITS=limits(export="1/m"))
def test_staff_are_limited_like_everyone(publisher_client):
    assert publisher_client.get(LIMITED["export"]).status_code == 200
    assert publisher_client.get(LIMITED["export"]).status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1, RATELIMITS=limits(search="1/m"))
def test_behind_the_proxy_each_forwarded_client_counts_separately():
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    assert (
        proxy.get(LIMITED["search"], headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 200
    )
    assert (
        proxy.get(LIMITED["search"], headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 200
    )
    refused = proxy.get(LIMITED["search"], headers={"X-Forwarded-For": "198.51.100.1"})
    assert refused.status_code == 429


class Request:
    def __init__(self, remote_addr: str, forwarded_for: str | None = None):
        self.META = {"REMOTE_ADDR": remote_addr}
        if forwarded_for is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded_for


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_a_forwarded_address_is_ignored():
    assert client_ip(Request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        # A client cannot choose its address by sending the header itself.
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (1, "", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
        (2, "198.51.100.1", "10.0.0.1"),
    ],
)
def test_behind_trusted_proxies_the_outermost_proxys_view_is_the_client(
    settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(Request("10.0.0.1", forwarded_for)) == expected
