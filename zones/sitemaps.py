from portal.publishing.sitemaps import PublishedSitemap
from zones.models import Enterprise, Institution, Platform, Zone

# The directories, listed in the sitemap's "pages" section.
PAGES = ("zones:zone_list", "zones:enterprise_list", "zones:institution_list")


class ZoneSitemap(PublishedSitemap):
    model = Zone
    priority = 0.8


class EnterpriseSitemap(PublishedSitemap):
    model = Enterprise


class InstitutionSitemap(PublishedSitemap):
    model = Institution


class PlatformSitemap(PublishedSitemap):
    model = Platform


SITEMAPS = {
    "zones": ZoneSitemap,
    "enterprises": EnterpriseSitemap,
    "institutions": InstitutionSitemap,
    "platforms": PlatformSitemap,
}
