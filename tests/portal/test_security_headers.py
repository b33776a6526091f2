"""The headers that defend every page: Content-Security-Policy and Permissions-Policy, on the
public pages and in the admin alike, and pages that need nothing inline to be allowed."""

import re

import pytest
from django.urls import reverse

from portal.security import script_hash
from tests.portal.test_pages import PAGES

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "/admin/",
    "/admin/news/release/",
    "/admin/news/release/add/",
    "/admin/zones/enterprise/",
    "/admin/zones/enterprise/import/",
    "/admin/axes/accessattempt/",
]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_a_public_page_forbids_inline_code_framing_plugins_and_base_changes(client, demo):
    policy = directives(client.get("/en/"))
    assert policy["default-src"] == ["'self'"]
    for name in ("script-src", "style-src"):
        assert "'self'" in policy[name]
        assert "'unsafe-inline'" not in policy[name]
        assert "'unsafe-eval'" not in policy[name]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


@pytest.mark.parametrize("url", ["/en/", "/admin/login/", "/en/news/feed/"])
def test_every_answer_refuses_the_browser_features_the_portal_never_uses(client, demo, url):
    policy = client.get(url)["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_the_admin_has_the_same_policy(publisher_client, url):
    response = publisher_client.get(url)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]


def test_the_rich_text_editors_import_map_is_allowed_by_its_hash(editor_client):
    response = editor_client.get(reverse("admin:news_release_add"))
    page = response.content.decode()
    importmap = re.search(r'<script type="importmap">.*?</script>', page, re.DOTALL).group()
    assert script_hash(importmap) in directives(response)["script-src"]


INLINE = [
    (re.compile(r"<style[\s>]", re.I), "a <style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on…= handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]
# A <script> element runs code inline unless it loads a file or holds data.
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\ssrc=)(?![^>]*type=\"(application/json|application/ld\+json|importmap)\")"
)


def inline_code(html: str) -> list[str]:
    found = [what for pattern, what in INLINE if pattern.search(html)]
    if INLINE_SCRIPT.search(html):
        found.append("an inline <script>")
    return found


@pytest.mark.parametrize("url", PAGES)
def test_public_pages_have_nothing_inline_for_the_policy_to_refuse(client, demo, url):
    assert inline_code(client.get(url).content.decode()) == []


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_have_nothing_inline_for_the_policy_to_refuse(publisher_client, demo, url):
    assert inline_code(publisher_client.get(url).content.decode()) == []


def test_a_configured_map_tile_service_may_send_images_and_nothing_else(client, settings):
    settings.MAP_TILES_ORIGIN = "https://*.tiles.example"
    policy = directives(client.get("/en/zones/"))
    assert policy["img-src"] == ["'self'", "data:", "https://*.tiles.example"]
    assert "tiles.example" not in " ".join(policy["script-src"] + policy["connect-src"])
