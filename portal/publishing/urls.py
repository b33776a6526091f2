"""The address of a record's public page, from its slug.

A list of twenty records links each of them, often twice; reverse() under the language prefix
costs more than the rest of a row's link. So each page's address is reversed once per view,
language and URL prefix, with a stand-in for the slug, and the slug is written into it.
"""

from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Matches the slug converter, and no other part of an address.
STAND_IN = "0slug0"


def page_url(view_name: str, slug: str) -> str:
    """reverse(view_name, kwargs={"slug": slug}) in the active language."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    pattern = reversed_pattern(view_name, get_language(), get_script_prefix(), urlconf)
    # As reverse() quotes a slug that holds more than ASCII letters and digits.
    return pattern.replace(STAND_IN, quote(slug, safe=""))


@lru_cache(maxsize=256)
def reversed_pattern(view_name: str, language: str | None, prefix: str, urlconf: str) -> str:
    # The language and the prefix are in the key since reverse() reads them from the thread.
    return reverse(view_name, kwargs={"slug": STAND_IN}, urlconf=urlconf)
