from news.models import Event, Release
from portal.publishing.sitemaps import PublishedSitemap

# The lists, in the sitemap's "pages" section.
PAGES = ("news:release_list", "news:event_list")


class ReleaseSitemap(PublishedSitemap):
    model = Release
    priority = 0.7


class EventSitemap(PublishedSitemap):
    model = Event


SITEMAPS = {"news": ReleaseSitemap, "events": EventSitemap}
