"""The sectors and qualifications a search names, with the lists that show their records.

Someone who searches for 新能源 or "gazelle enterprise" is asking for a kind of zone or
enterprise, which no record's own name or text may hold (a zone is filed under new energy, its
profile need not say so). The search page then offers the zone list and the directory filtered
to that sector or qualification, with how many each shows.

Only what the lists would show is offered: a sector or qualification that no public zone or
enterprise has is never named, so a search cannot tell whether one is in use by a draft. The
counts are read when a query names one (the enterprises' from the directory's index), so they
are those of the lists at that moment. The names are kept in a shared cache under the content
version (which every change replaces, portal/publishing/pagecache.py); with a cache of one
process's own, which another process's change cannot reach, they are read on every search,
two small queries.
"""

from dataclasses import dataclass, replace

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from portal.publishing import pagecache
from portal.search.text import tokens
from zones import directory
from zones.models import Qualification, Sector, Zone

# Longer than any name of either kind (a sector's or a qualification's is at most 200).
MAX_NAME_CHARS = 200
# How long the names are kept under one content version, which a change replaces anyway.
NAMES_SECONDS = 3600


@dataclass(frozen=True)
class Topic:
    """A sector or a qualification, and how many public zones and enterprises have it."""

    kind: str  # "sector" or "qualification", the lists' parameter
    pk: int
    slug: str
    name_en: str
    name_zh_hans: str
    zones: int = 0
    enterprises: int = 0

    @property
    def label(self):
        return _("Sector") if self.kind == "sector" else _("Qualification")

    @property
    def query(self) -> str:
        return f"{self.kind}={self.slug}"


def key_of(name: str) -> str:
    """A name as a search matches it: its words, normalised and run together (专精特新“小巨人”
    企业 as typed without the quotes, high-tech as hightech), an English plural as its singular
    (the qualification "high-tech enterprise" for "high-tech enterprises")."""
    words = tokens(name[: MAX_NAME_CHARS + 1])
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and words[-1].isascii():
        words[-1] = words[-1][:-1]
    return "".join(words)


def named_by(query: str) -> list[Topic]:
    """The sectors and qualifications whose English or Chinese name is the query, each with
    the public zones and enterprises that have it; one that none has is left out."""
    key = key_of(query) if len(query) <= MAX_NAME_CHARS else ""
    if not key:
        return []
    topics = [counted(topic) for topic in names().get(key, [])]
    return [topic for topic in topics if topic.zones or topic.enterprises]


def names() -> dict[str, list[Topic]]:
    """Every sector and qualification by the keys of its names, uncounted."""
    if not settings.PAGE_CACHE_SECONDS:  # no shared cache (see the module's docstring)
        return by_name()
    key = f"topics:{pagecache.content_version()}"
    named = cache.get(key)
    if named is None:
        named = by_name()
        cache.set(key, named, NAMES_SECONDS)
    return named


def by_name() -> dict[str, list[Topic]]:
    named: dict[str, list[Topic]] = {}
    for kind, model in (("sector", Sector), ("qualification", Qualification)):
        rows = model.objects.values_list("pk", "slug", "name_en", "name_zh_hans")
        for pk, slug, name_en, name_zh_hans in rows:
            topic = Topic(kind, pk, slug, name_en, name_zh_hans or "")
            for key in {key_of(name_en), key_of(name_zh_hans or "")} - {""}:
                named.setdefault(key, []).append(topic)
    return named


def counted(topic: Topic) -> Topic:
    """The topic with its public zones and enterprises counted. The enterprises are counted by
    the directory's index, as the directory it links to counts them (a qualification's are those
    holding it today): in SQL, a broad sector took most of a second at 100,000 enterprises."""
    index = directory.current()
    if topic.kind == "sector":
        zones = Zone.objects.published().filter(sectors=topic.pk).count()
        enterprises = index.values["sector"].get(topic.pk, 0).bit_count()
    else:
        zones = 0
        enterprises = index.values["qualification"].get(topic.pk, 0).bit_count()
    return replace(topic, zones=zones, enterprises=enterprises)
