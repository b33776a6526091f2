"""The sitemap: every public page, in both languages, with its alternates.

Built from `published()`, so an unpublished, archived or not-yet-due record is never listed.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from news.models import Event, Release
from zones.models import Enterprise, Institution, Platform, Zone


class PublishedSitemap(Sitemap):
    """The public records of one model; one query a sitemap page."""

    model = None
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return self.model.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class ZoneSitemap(PublishedSitemap):
    model = Zone
    priority = 0.8


class EnterpriseSitemap(PublishedSitemap):
    model = Enterprise


class InstitutionSitemap(PublishedSitemap):
    model = Institution


class PlatformSitemap(PublishedSitemap):
    model = Platform


class ReleaseSitemap(PublishedSitemap):
    model = Release
    priority = 0.7


class EventSitemap(PublishedSitemap):
    model = Event


class ListPageSitemap(Sitemap):
    """The home page and the directories."""

    i18n = True
    alternates = True
    x_default = True
    priority = 0.9

    def items(self):
        return [
            "home",
            "zones:zone_list",
            "zones:enterprise_list",
            "zones:institution_list",
            "news:release_list",
            "news:event_list",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": ListPageSitemap,
    "zones": ZoneSitemap,
    "enterprises": EnterpriseSitemap,
    "institutions": InstitutionSitemap,
    "platforms": PlatformSitemap,
    "news": ReleaseSitemap,
    "events": EventSitemap,
}
