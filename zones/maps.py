"""The map of the zone list and of a zone's profile.

Drawn only when an operator configures a tile service (MAP_TILES_URL): in China a published map
must use an approved base map, so the portal ships none of its own. Without one, the pages load
no map script and request nothing from another host; addresses are shown instead.
"""

from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import get_language

from zones.models import Park, Zone


def tile_service() -> dict | None:
    """What the map script needs to fetch tiles, or None when no tile service is configured."""
    if not settings.MAP_TILES_URL:
        return None
    return {
        "url": settings.MAP_TILES_URL,
        "attribution": settings.MAP_TILES_ATTRIBUTION,
        "max_zoom": settings.MAP_TILES_MAX_ZOOM,
    }


def shown_language(record: Zone | Park, field_name: str) -> str:
    """The language a translated field is shown in when it is not the page's (modeltranslation
    falls back to the other one), for a `lang` attribute; empty when it is the page's."""
    current = get_language() or settings.LANGUAGE_CODE
    if getattr(record, f"{field_name}_{current.replace('-', '_')}", None):
        return ""
    for code, _name in settings.LANGUAGES:
        if code != current and getattr(record, f"{field_name}_{code.replace('-', '_')}", None):
            return code
    return ""


def marker(record: Zone | Park, kind: str) -> dict:
    return {
        "kind": kind,
        "name": record.name,
        "lang": shown_language(record, "name"),
        "address": record.address,
        "address_lang": shown_language(record, "address"),
        "lat": float(record.latitude),
        "lng": float(record.longitude),
    }


def zone_marker(zone: Zone) -> dict:
    return marker(zone, "zone") | {"url": zone.get_absolute_url()}


def park_marker(park: Park, zone: Zone) -> dict:
    return marker(park, "park") | {
        # A park has no page of its own: its marker leads to its zone's.
        "url": zone.get_absolute_url(),
    }


def zone_list_map(zones: Iterable[Zone]) -> dict:
    """The map context of a list of zones: a marker for each zone with a position.

    No query: the zones are those of the page already loaded.
    """
    tiles = tile_service()
    markers = [zone_marker(zone) for zone in zones if zone.has_position] if tiles else []
    return {"map_tiles": tiles, "map_markers": markers}


def zone_profile_map(zone: Zone) -> dict:
    """The map context of a zone's profile: the zone and its parks, those with a position.

    No query when the parks are prefetched.
    """
    tiles = tile_service()
    markers = []
    if tiles:
        if zone.has_position:
            markers.append(zone_marker(zone))
        markers += [park_marker(park, zone) for park in zone.parks.all() if park.has_position]
    return {"map_tiles": tiles, "map_markers": markers}
