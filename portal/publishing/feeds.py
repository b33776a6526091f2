"""What every app's Atom feed builds on: entries that say which language they are in.

A feed speaks the language of its address (/en/…, /zh-hans/…); an entry whose title has no
translation yet falls back to the other language and says so with its own `xml:lang`, and so
does a summary in another language than its entry's title.
"""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from portal.publishing.translations import content_language


class LocalisedAtom1Feed(Atom1Feed):
    """Atom with an `xml:lang` on every entry and the summary as plain text.

    Django writes the summary as `type="html"`; ours are plain text, which a reader would
    otherwise take for markup.
    """

    def item_attributes(self, item: dict) -> dict:
        return {"xml:lang": item["language"]}

    def add_item_elements(self, handler, item: dict) -> None:
        summary = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if summary:
            attributes = {"type": "text"}
            if item["summary_language"] != item["language"]:
                attributes["xml:lang"] = item["summary_language"]
            handler.addQuickElement("summary", summary, attributes)


class PublicAtomFeed(Feed):
    """An Atom feed of public records. `items()` must call `published()`; `get_object()` must
    look a record up among public ones only, so that an address that is not public is a 404
    like the record's page (Feed turns DoesNotExist into 404)."""

    feed_type = LocalisedAtom1Feed
    author_name = _("Liaoning development zones")
    # The field whose language an entry is in, and the one its summary is in.
    title_field = "title"
    summary_field = "summary"

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # Django takes the page's address as the feed's id; a zone's news and events feeds
        # share a page, and an Atom id must name one feed.
        feed.feed["id"] = feed.feed["feed_url"]
        return feed

    def item_extra_kwargs(self, item) -> dict:
        return {
            "language": content_language(item, self.title_field),
            "summary_language": content_language(item, self.summary_field),
        }

    def item_updateddate(self, item):
        return item.changed_publicly_at

    def item_pubdate(self, item):
        return item.published_at
