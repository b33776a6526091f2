"""Feeds of releases and events: RSS of the newest releases, and Atom of releases (all, a zone's,
a series'), and of events (all, a zone's). All in the language of the address."""

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from news.models import Event, Release, Series
from portal.publishing.feeds import PublicAtomFeed, shown_html
from zones.models import Zone

ENTRIES = 20


class LatestReleasesFeed(Feed):
    """The twenty newest public releases, in the language of the address (RSS 2.0, kept for
    the readers subscribed to it; the Atom feeds below say more)."""

    title = gettext_lazy("Liaoning development zones")
    description = gettext_lazy(
        "Development zones of Liaoning, their enterprises and the news about them."
    )

    def link(self) -> str:
        return reverse("news:release_list")

    def items(self) -> QuerySet[Release]:
        return Release.objects.published()[:ENTRIES]

    def item_title(self, item: Release) -> str:
        return item.title

    def item_description(self, item: Release) -> SafeString:
        # HTML, as RSS readers take it: a summary not yet translated says its language.
        return shown_html(item, "summary")

    def item_pubdate(self, item: Release) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Release) -> datetime:
        return item.changed_publicly_at


class ReleaseAtomFeed(PublicAtomFeed):
    """The twenty newest public releases."""

    subtitle = gettext_lazy(
        "Development zones of Liaoning, their enterprises and the news about them."
    )

    def title(self, obj) -> str:
        return _("News · Liaoning development zones")

    def link(self, obj) -> str:
        return reverse("news:release_list")

    def items(self, obj) -> QuerySet[Release]:
        return Release.objects.published()[:ENTRIES]

    def item_title(self, item: Release) -> str:
        return item.title

    def item_description(self, item: Release) -> str:
        return item.summary


class ZoneReleaseAtomFeed(ReleaseAtomFeed):
    """The twenty newest public releases that name a public zone."""

    def get_object(self, request, slug: str) -> Zone:
        return Zone.objects.published().get(slug=slug)

    def title(self, zone: Zone) -> str:
        return _("News about %(zone)s") % {"zone": zone.name}

    def link(self, zone: Zone) -> str:
        return zone.get_absolute_url()

    def items(self, zone: Zone) -> QuerySet[Release]:
        return zone.releases.published()[:ENTRIES]


class SeriesReleaseAtomFeed(ReleaseAtomFeed):
    """The twenty newest public releases of a press-conference series (reference data, public
    like the series filter of the release list that names it)."""

    def get_object(self, request, slug: str) -> Series:
        return Series.objects.get(slug=slug)

    def title(self, series: Series) -> str:
        return _("News of the series “%(series)s”") % {"series": series.name}

    def link(self, series: Series) -> str:
        return f"{reverse('news:release_list')}?series={series.slug}"

    def items(self, series: Series) -> QuerySet[Release]:
        return series.releases.published()[:ENTRIES]


def event_summary(event: Event) -> SafeString:
    """When and where, then the description: what a reader needs before opening the page. HTML
    in the feed's language; a zone's name or a description not yet translated says its own."""
    parts = []
    if event.start_date:
        when = date_format(event.start_date, "DATE_FORMAT")
        if event.end_date and event.end_date != event.start_date:
            when = f"{when} – {date_format(event.end_date, 'DATE_FORMAT')}"
        parts.append(when)
    if event.zone:
        parts.append(shown_html(event.zone, "name"))
    paragraphs = []
    if parts:
        paragraphs.append(format_html_join(" · ", "{}", ((part,) for part in parts)))
    if event.description:
        paragraphs.append(shown_html(event, "description"))
    return format_html_join("", "<p>{}</p>", ((paragraph,) for paragraph in paragraphs))


class EventAtomFeed(PublicAtomFeed):
    """The public events, the most recently announced first."""

    # The summary mixes when and where, in the feed's language, with the description, in its
    # own (event_summary).
    summary_field = None

    def title(self, obj) -> str:
        return _("Events · Liaoning development zones")

    def link(self, obj) -> str:
        return reverse("news:event_list")

    def events(self, obj) -> QuerySet[Event]:
        return Event.objects.published()

    def items(self, obj) -> QuerySet[Event]:
        return self.events(obj).select_related("zone").order_by("-published_at", "-pk")[:ENTRIES]

    def item_title(self, item: Event) -> str:
        return item.title

    def item_description(self, item: Event) -> str:
        return event_summary(item)


class ZoneEventAtomFeed(EventAtomFeed):
    """The public events of a public zone."""

    def get_object(self, request, slug: str) -> Zone:
        return Zone.objects.published().get(slug=slug)

    def title(self, zone: Zone) -> str:
        return _("Events in %(zone)s") % {"zone": zone.name}

    def link(self, zone: Zone) -> str:
        return zone.get_absolute_url()

    def events(self, zone: Zone) -> QuerySet[Event]:
        return Event.objects.published().filter(zone=zone)
