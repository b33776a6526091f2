"""The sectors and qualifications a search names, with the lists that show their records.

Someone who searches for 新能源 or "gazelle enterprise" is asking for a kind of zone or
enterprise, which no record's own name or text may hold (a zone is filed under new energy, its
profile need not say so). The search page then offers the zone list and the directory filtered
to that sector or qualification, with how many each shows.

Only what the lists would show is offered: a sector or qualification that no public zone or
enterprise has is never named, so a search cannot tell whether one is in use by a draft. The
names and counts are worked out once per content version (the page cache's token, which every
change replaces) and kept in the shared cache, so a search pays one cache read for them, and
never longer than until the next scheduled publication or midnight, when a qualification may
lapse.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.publishing import pagecache
from portal.search.text import tokens
from zones.models import Enterprise, EnterpriseQualification, Qualification, Sector, Zone

# Longer than any name of either kind (a sector's or a qualification's is at most 200).
MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class Topic:
    """A sector or a qualification, and how many public zones and enterprises have it."""

    kind: str  # "sector" or "qualification", the lists' parameter
    slug: str
    name_en: str
    name_zh_hans: str
    zones: int
    enterprises: int

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
    """The sectors and qualifications whose English or Chinese name is the query."""
    if not query or len(query) > MAX_NAME_CHARS:
        return []
    return in_use().get(key_of(query), [])


def in_use() -> dict[str, list[Topic]]:
    """Every sector and qualification a public zone or enterprise has, by the keys of its names."""
    version = pagecache.content_version()
    today = timezone.localdate()
    key = f"topics:{version}:{today.isoformat()}"
    topics = cache.get(key)
    if topics is None:
        topics = by_name(sectors() + qualifications(today))
        cache.set(key, topics, seconds_valid(version))
    return topics


def seconds_valid(version: str) -> int:
    """Until the next scheduled publication, or midnight, whichever comes first."""
    now = timezone.localtime()
    midnight = datetime.datetime.combine(
        now.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=now.tzinfo
    )
    return max(1, min(pagecache.seconds_to_next_publication(version), (midnight - now).seconds))


def by_name(topics: list[Topic]) -> dict[str, list[Topic]]:
    named: dict[str, list[Topic]] = {}
    for topic in topics:
        for key in {key_of(topic.name_en), key_of(topic.name_zh_hans)} - {""}:
            named.setdefault(key, []).append(topic)
    return named


def sectors() -> list[Topic]:
    zones = counts(
        Zone.sectors.through.objects.filter(zone__in=Zone.objects.published()),
        "sector_id",
        "zone_id",
    )
    enterprises = counts(
        Enterprise.sectors.through.objects.filter(enterprise__in=Enterprise.objects.published()),
        "sector_id",
        "enterprise_id",
    )
    return [
        Topic("sector", slug, name_en, name_zh_hans or "", zones.get(pk, 0), enterprises.get(pk, 0))
        for pk, slug, name_en, name_zh_hans in Sector.objects.filter(
            pk__in=zones.keys() | enterprises.keys()
        ).values_list("pk", "slug", "name_en", "name_zh_hans")
    ]


def qualifications(today: datetime.date) -> list[Topic]:
    """As the directory filters by them: held by a public enterprise and valid today."""
    enterprises = counts(
        EnterpriseQualification.objects.valid(on=today).filter(
            enterprise__in=Enterprise.objects.published()
        ),
        "qualification_id",
        "enterprise_id",
    )
    return [
        Topic("qualification", slug, name_en, name_zh_hans or "", 0, enterprises[pk])
        for pk, slug, name_en, name_zh_hans in Qualification.objects.filter(
            pk__in=enterprises.keys()
        ).values_list("pk", "slug", "name_en", "name_zh_hans")
    ]


def counts(links, group: str, counted: str) -> dict[int, int]:
    """How many different `counted` each `group` has among the rows of `links`."""
    return dict(
        links.order_by()
        .values(group)
        .annotate(count=Count(counted, distinct=True))
        .values_list(group, "count")
    )
