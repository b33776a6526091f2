"""schema.org nodes of releases (NewsArticle) and events (Event); see
portal/publishing/structured_data.py. Each builder reads only what its page loaded."""

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from news.models import Event, Release
from portal.publishing.structured_data import (
    Absolute,
    compact,
    iso_date,
    iso_datetime,
    language_tag,
    reference,
)
from portal.publishing.translations import content_language
from zones.structured_data import releases_about, zone_reference

# Longer headlines are cut by search engines' article results.
HEADLINE_CHARS = 110


def portal_publisher(absolute: Absolute) -> dict:
    """The portal, which publishes every release's page."""
    return {
        "@type": "Organization",
        "name": _("Liaoning development zones"),
        "url": absolute(reverse("home")),
    }


def release_data(release: Release, absolute: Absolute) -> dict:
    """The release's NewsArticle: `about` its public zones, `mentions` the other public records
    it names. Reads the relations the release page prefetched."""
    mentioned = [
        *(
            reference("Organization", record.name, absolute(record.get_absolute_url()))
            for record in (
                *release.enterprises.all(),
                *release.institutions.all(),
                *release.platforms.all(),
            )
        ),
        *(
            reference("Event", event.title, absolute(event.get_absolute_url()))
            for event in release.events.all()
        ),
    ]
    series = None
    if release.series:
        series = {"@type": "CreativeWorkSeries", "name": release.series.name}
    return compact(
        {
            "@type": "NewsArticle",
            "headline": Truncator(release.title).chars(HEADLINE_CHARS),
            "description": release.summary,
            "url": absolute(release.get_absolute_url()),
            "datePublished": iso_datetime(release.published_at),
            "dateModified": iso_datetime(release.changed_publicly_at),
            "inLanguage": language_tag(content_language(release, "title")),
            "articleSection": release.get_kind_display(),
            "image": [absolute.file(release.cover_image)] if release.cover_image else [],
            "publisher": portal_publisher(absolute),
            "author": {"@type": "Organization", "name": release.issuing_body}
            if release.issuing_body
            else None,
            "isPartOf": series,
            "contentLocation": {"@type": "Place", "name": release.location}
            if release.location
            else None,
            "about": [zone_reference(zone, absolute) for zone in release.zones.all()],
            "mentions": mentioned,
        }
    )


def event_data(event: Event, absolute: Absolute) -> dict:
    """The event's node. Its dates are days (the portal keeps no times); organiser, status
    and attendance mode are left out, as the portal does not know them."""
    return compact(
        {
            "@type": "Event",
            "name": event.title,
            "description": event.description,
            "url": absolute(event.get_absolute_url()),
            "inLanguage": language_tag(content_language(event, "title")),
            "startDate": iso_date(event.start_date),
            "endDate": iso_date(event.end_date),
            "location": zone_reference(event.zone, absolute) if event.zone else None,
            "subjectOf": releases_about(event.releases.all(), absolute),
        }
    )


def release_breadcrumbs(release: Release) -> list[tuple[str, str]]:
    return [(_("News"), reverse("news:release_list")), (release.title, release.get_absolute_url())]


def event_breadcrumbs(event: Event) -> list[tuple[str, str]]:
    return [(_("Events"), reverse("news:event_list")), (event.title, event.get_absolute_url())]
