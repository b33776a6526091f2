"""schema.org nodes of zones, enterprises, institutions and platforms (see
portal/publishing/structured_data.py). Each builder reads only what its page loaded."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from portal.publishing.structured_data import (
    Absolute,
    compact,
    iso_datetime,
    language_tag,
    reference,
)
from zones.models import Enterprise, Institution, Platform, Zone

# A zone is both a place (its area, address and coordinates) and the government body that runs
# it (its administrative committee, with the website and the releases): schema.org allows an
# entity of several types, and one record with one page is better one node than two nodes that
# would need two identities for one thing.
ZONE_TYPE = ["Place", "GovernmentOrganization"]
INSTITUTION_TYPES = {
    Institution.Kind.UNIVERSITY: "CollegeOrUniversity",
    Institution.Kind.RESEARCH_INSTITUTE: "ResearchOrganization",
}
# UN/CEFACT Common Code of the square kilometre, as schema.org's unitCode expects.
SQUARE_KILOMETRE = "KMK"


def zone_reference(zone: Zone, absolute: Absolute) -> dict:
    return reference(ZONE_TYPE, zone.name, absolute(zone.get_absolute_url()))


def releases_about(releases: Iterable, absolute: Absolute) -> list[dict]:
    """Public releases that name a record (its page's related releases), as its `subjectOf`."""
    return [
        {
            "@type": "NewsArticle",
            "headline": release.title,
            "url": absolute(release.get_absolute_url()),
            "datePublished": iso_datetime(release.published_at),
        }
        for release in releases
    ]


def postal_address(city: str = "", street: str = "") -> dict:
    """Every zone of the portal lies in Liaoning, China."""
    return compact(
        {
            "@type": "PostalAddress",
            "streetAddress": street,
            "addressLocality": city,
            "addressRegion": _("Liaoning"),
            "addressCountry": "CN",
        }
    )


def zone_data(zone: Zone, absolute: Absolute, releases: Iterable = ()) -> dict:
    """The zone profile's node. Reads the zone's aliases, parks and sectors (prefetched)."""
    node = {
        "@type": ZONE_TYPE,
        "name": zone.name,
        "alternateName": [name for name in (zone.short_name,) if name]
        + [alias.name for alias in zone.aliases.all()],
        "description": zone.summary,
        "url": absolute(zone.get_absolute_url()),
        "sameAs": [zone.website] if zone.website else [],
        "image": absolute.file(zone.cover_image),
        "address": postal_address(zone.get_city_display(), zone.address),
        "foundingDate": str(zone.established_year) if zone.established_year else None,
        "keywords": [sector.name for sector in zone.sectors.all()],
        "containsPlace": [
            compact({"@type": "Place", "name": park.name, "description": park.focus})
            for park in zone.parks.all()
        ],
        "subjectOf": releases_about(releases, absolute),
    }
    if zone.latitude is not None and zone.longitude is not None:
        node["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(zone.latitude),
            "longitude": float(zone.longitude),
        }
    if zone.area_km2 is not None:
        node["additionalProperty"] = {
            "@type": "PropertyValue",
            "name": _("Area"),
            "value": float(zone.area_km2),
            "unitCode": SQUARE_KILOMETRE,
            "unitText": "km²",
        }
    return compact(node)


def zone_figures_data(zone: Zone, indicators: Iterable, absolute: Absolute) -> dict | None:
    """The zone's key figures as a Dataset based on the releases that report them
    (`isBasedOn`). Reads each figure's metric and release (select_related by the view)."""
    indicators = list(indicators)
    if not indicators:
        return None
    metrics = dict.fromkeys(indicator.metric.name for indicator in indicators)
    releases = {indicator.release_id: indicator.release for indicator in indicators}
    return {
        "@type": "Dataset",
        "name": _("Key figures of %(zone)s") % {"zone": zone.name},
        "description": _(
            "Figures about %(zone)s as releases reported them, each with the release it comes from."
        )
        % {"zone": zone.name},
        "url": absolute(zone.get_absolute_url()),
        "inLanguage": language_tag(),
        "about": zone_reference(zone, absolute),
        "variableMeasured": list(metrics),
        "isBasedOn": releases_about(releases.values(), absolute),
    }


def enterprise_data(enterprise: Enterprise, absolute: Absolute, releases: Iterable = ()) -> dict:
    """The enterprise's node. Reads its zone, sectors and public platforms (loaded by the view)."""
    identifier = None
    if enterprise.credit_code:
        identifier = {
            "@type": "PropertyValue",
            "propertyID": "unified social credit code",
            "name": _("unified social credit code"),
            "value": enterprise.credit_code,
        }
    return compact(
        {
            "@type": "Organization",
            "name": enterprise.name,
            "description": enterprise.summary,
            "url": absolute(enterprise.get_absolute_url()),
            "sameAs": [enterprise.website] if enterprise.website else [],
            "logo": absolute.file(enterprise.logo),
            "identifier": identifier,
            "foundingDate": str(enterprise.founded_year) if enterprise.founded_year else None,
            "location": zone_reference(enterprise.zone, absolute),
            "keywords": [sector.name for sector in enterprise.sectors.all()],
            "memberOf": [
                reference("Organization", platform.name, absolute(platform.get_absolute_url()))
                for platform in enterprise.platforms.all()
            ],
            "subjectOf": releases_about(releases, absolute),
        }
    )


def institution_data(institution: Institution, absolute: Absolute, releases: Iterable = ()) -> dict:
    return compact(
        {
            "@type": INSTITUTION_TYPES.get(institution.kind, "Organization"),
            "name": institution.name,
            "alternateName": institution.short_name,
            "description": institution.summary,
            "url": absolute(institution.get_absolute_url()),
            "sameAs": [institution.website] if institution.website else [],
            # Not necessarily in Liaoning: a locality only.
            "address": {"@type": "PostalAddress", "addressLocality": institution.city}
            if institution.city
            else None,
            "subjectOf": releases_about(releases, absolute),
        }
    )


def platform_data(platform: Platform, absolute: Absolute, releases: Iterable = ()) -> dict:
    """The platform's node. Reads its public zones and members (prefetched by the view)."""
    return compact(
        {
            "@type": "Organization",
            "name": platform.name,
            "alternateName": platform.short_name,
            "description": platform.summary,
            "url": absolute(platform.get_absolute_url()),
            "sameAs": [platform.website] if platform.website else [],
            "areaServed": [zone_reference(zone, absolute) for zone in platform.zones.all()],
            "member": [
                reference("Organization", member.name, absolute(member.get_absolute_url()))
                for member in platform.members.all()
            ],
            "subjectOf": releases_about(releases, absolute),
        }
    )
