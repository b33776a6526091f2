"""Everything a visitor can fetch, for tests that compare the public site before and after."""

import re

from django.test import Client

LANGUAGES = ("en", "zh-hans")
# The pages a visitor reaches without knowing a record: lists, exports, feeds.
ENTRY_PAGES = (
    "/{lang}/",
    "/{lang}/zones/",
    "/{lang}/zones/compare/",
    "/{lang}/enterprises/",
    "/{lang}/enterprises/export.csv",
    "/{lang}/enterprises/export.json",
    "/{lang}/figures.csv",
    "/{lang}/figures.json",
    "/{lang}/institutions/",
    "/{lang}/news/",
    "/{lang}/news/feed/",
    "/{lang}/news/feed.atom",
    "/{lang}/events/feed.atom",
    "/{lang}/events/calendar.ics",
    "/{lang}/events/",
    "/{lang}/events/?when=past",
)
LOC = re.compile(r"<loc>https?://[^/<]+(/[^<]*)</loc>")


def public_site(client: Client | None = None, queries: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every public page as a visitor gets it: the entry pages and every page the sitemap
    names, in both languages, plus the search page and suggestions for each of `queries`.
    Keyed by address; a page that is not 200 is kept with its status."""
    client = client or Client()
    addresses = {page.format(lang=lang) for page in ENTRY_PAGES for lang in LANGUAGES}
    addresses.add("/sitemap.xml")
    for section in LOC.findall(client.get("/sitemap.xml").content.decode()):
        addresses.add(section)
        addresses.update(LOC.findall(client.get(section).content.decode()))
    for query in queries:
        for lang in LANGUAGES:
            addresses.add(f"/{lang}/search/?q={query}")
            addresses.add(f"/{lang}/search/suggest/?q={query}")
            addresses.add(f"/{lang}/enterprises/?q={query}")
    site = {}
    for address in sorted(addresses):
        response = client.get(address)
        body = response.getvalue()  # streamed or not
        site[address] = body if response.status_code == 200 else f"{response.status_code}".encode()
    return site


def differences(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """The addresses whose response changed, appeared or went."""
    return sorted(a for a in before.keys() | after.keys() if before.get(a) != after.get(a))
