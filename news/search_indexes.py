"""What the site search finds of releases and events (see portal/search/registry.py). The codes
are stored in every index entry: never change them."""

from django.utils.translation import gettext_lazy as _

from news.models import Event, Release
from portal.search.registry import SearchIndex, register


@register
class ReleaseIndex(SearchIndex):
    model = Release
    kind = "release"
    code = 1
    label = _("News")
    url_name = "news:release_detail"
    title = "title"
    names = ("title",)
    text = ("summary", "body")
    rich_text = ("body",)


@register
class EventIndex(SearchIndex):
    model = Event
    kind = "event"
    # The lowest code: among equally good name matches, an event comes after the zones,
    # enterprises and releases (the ranking's tie-break, portal/search/backends/base.py).
    code = 0
    label = _("Events")
    url_name = "news:event_detail"
    title = "title"
    names = ("title",)
    text = ("description",)
    # Public without a zone, or with a public one (EventQuerySet.surroundings_q): a change of the
    # zone's status or time re-indexes its events.
    public_with = "zone"
