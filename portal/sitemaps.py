"""The sitemap index: every public page, in both languages, from each app's own sitemaps."""

from news import sitemaps as news_sitemaps
from portal.publishing.sitemaps import PagesSitemap
from zones import sitemaps as zones_sitemaps


class ListPageSitemap(PagesSitemap):
    """The home page and the apps' directories."""

    url_names = ("home", *zones_sitemaps.PAGES, *news_sitemaps.PAGES)


SITEMAPS = {"pages": ListPageSitemap, **zones_sitemaps.SITEMAPS, **news_sitemaps.SITEMAPS}
