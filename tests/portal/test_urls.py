"""No record's page is shadowed by a fixed address: every fixed path that a `<slug>` route of the
same folder would also match is a slug its model refuses."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from tests.factories import ReleaseFactory, ZoneFactory

pytestmark = pytest.mark.django_db

SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# The routes whose slugs a fixed address could take, and the slugs their model refuses.
RESERVED = {
    "news:release_detail": {"feed"},
    "zones:zone_detail": {"compare", "enquiry-sent"},
}


def routes(resolvers, prefix="", namespace=""):
    """(route, name) for every public route, its language prefix left out."""
    for entry in resolvers:
        route = str(entry.pattern) if isinstance(entry.pattern, RoutePattern) else ""
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from routes(entry.url_patterns, prefix + route, inner)
        elif isinstance(entry, URLPattern):
            yield prefix + route, f"{namespace}{entry.name}"


def shadowed_slugs() -> dict[str, set[str]]:
    """For each `<folder>/<slug:slug>/` route, the fixed `<folder>/<word>/` paths matched
    before it (Django tries routes in order) whose word is a slug."""
    found: dict[str, set[str]] = {}
    listed = list(routes(get_resolver().url_patterns))
    for position, (route, name) in enumerate(listed):
        folder, _, rest = route.rpartition("<slug:slug>")
        if not folder or rest != "/":
            continue
        for fixed, _name in listed[:position]:
            word = fixed.removeprefix(folder).removesuffix("/")
            if fixed.startswith(folder) and fixed.endswith("/") and SLUG.fullmatch(word):
                found.setdefault(name, set()).add(word)
    return found


def test_the_only_fixed_addresses_that_look_like_a_records_page_are_reserved():
    assert shadowed_slugs() == RESERVED


@pytest.mark.parametrize("slug", sorted(RESERVED["news:release_detail"]))
def test_a_release_cannot_take_the_slug_of_a_fixed_address(slug):
    release = ReleaseFactory.build(slug=slug)
    with pytest.raises(ValidationError) as error:
        release.clean()
    assert error.value.message_dict == {
        "slug": [f"“{slug}” is the address of another page; choose another slug."]
    }


def test_a_slug_that_only_starts_like_a_fixed_address_is_allowed():
    ReleaseFactory.build(slug="feed-in-tariffs").clean()


@pytest.mark.parametrize("slug", sorted(RESERVED["zones:zone_detail"]))
def test_a_zone_cannot_take_the_slug_of_a_fixed_address(slug):
    zone = ZoneFactory.build(slug=slug)
    with pytest.raises(ValidationError) as error:
        zone.clean()
    assert error.value.message_dict == {
        "slug": [f"“{slug}” is the address of another page; choose another slug."]
    }
