"""What the site search finds of zones, enterprises, institutions and platforms (see
portal/search/registry.py). The codes are stored in every index entry: never change them."""

from django.utils.translation import gettext_lazy as _

from portal.search.registry import SearchIndex, register
from zones.models import Enterprise, Institution, Platform, Zone


@register
class ZoneIndex(SearchIndex):
    model = Zone
    kind = "zone"
    code = 5
    label = _("Zones")
    url_name = "zones:zone_detail"
    names = ("name", "short_name")
    text = ("summary", "description")
    rich_text = ("description",)
    # A zone is found by its former and other names; an alias saved or deleted re-indexes it.
    other_names = "aliases__name"
    # And by its sectors' names (新材料 finds the zones in new materials), and its parks'.
    topics = "sectors"
    parts = "parks"
    part_text = ("name", "focus")


@register
class EnterpriseIndex(SearchIndex):
    model = Enterprise
    kind = "enterprise"
    code = 2
    label = _("Enterprises")
    url_name = "zones:enterprise_detail"
    names = ("name",)
    text = ("summary", "description")
    rich_text = ("description",)
    # Public only in a public zone (EnterpriseQuerySet.surroundings_q): a change of the zone's
    # status or time re-indexes its enterprises.
    public_with = "zone"


@register
class InstitutionIndex(SearchIndex):
    model = Institution
    kind = "institution"
    code = 4
    label = _("Institutions")
    url_name = "zones:institution_detail"
    names = ("name", "short_name")
    text = ("summary", "city")


@register
class PlatformIndex(SearchIndex):
    model = Platform
    kind = "platform"
    code = 3
    label = _("Platforms")
    url_name = "zones:platform_detail"
    names = ("name", "short_name")
    text = ("summary",)
