"""What every app's sitemap builds on: public records only, in both languages, with alternates.

Built from `published()`, so an unpublished, archived or not-yet-due record is never listed.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class PublishedSitemap(Sitemap):
    """The public records of one model; one query a sitemap page."""

    model = None
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        published = self.model.objects.published()
        return published.only("slug", "updated_at", "published_at").order_by("pk")

    def lastmod(self, obj):
        return obj.changed_publicly_at


class PagesSitemap(Sitemap):
    """Pages that are not records (the home page, the directories), by URL name."""

    i18n = True
    alternates = True
    x_default = True
    priority = 0.9
    url_names: tuple[str, ...] = ()

    def items(self):
        return list(self.url_names)

    def location(self, item):
        return reverse(item)
