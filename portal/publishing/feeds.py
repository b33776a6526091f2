"""What every app's feed builds on: entries that say which language they are in.

A feed speaks the language of its address (/en/…, /zh-hans/…); an entry whose title has no
translation yet falls back to the other language and says so with its own `xml:lang`, and so
does a summary in another language than its entry's title. A summary made of parts in several
languages is HTML in the feed's language, each part in another language marked with its own
`lang` (`shown_html`).
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.publishing.translations import content_language, shown


def shown_html(obj, field_name: str) -> SafeString:
    """`obj.<field_name>`, plain text, as HTML in the current language: escaped, and in a span
    that says its language where it is shown in another one (an untranslated fallback)."""
    value, language = shown(obj, field_name)
    if language is None:
        return format_html("{}", value)
    return format_html('<span lang="{}">{}</span>', language, value)


class LocalisedAtom1Feed(Atom1Feed):
    """Atom with an `xml:lang` on every entry and the summary as plain text, unless said.

    Django writes the summary as `type="html"`; most of ours are plain text, which a reader
    would otherwise take for markup.
    """

    def item_attributes(self, item: dict) -> dict:
        return {"xml:lang": item["language"]}

    def add_item_elements(self, handler, item: dict) -> None:
        summary = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if summary:
            attributes = {"type": item["summary_type"]}
            if item["summary_language"] != item["language"]:
                attributes["xml:lang"] = item["summary_language"]
            handler.addQuickElement("summary", summary, attributes)


class PublicAtomFeed(Feed):
    """An Atom feed of public records. `items()` must call `published()`; `get_object()` must
    look a record up among public ones only, so that an address that is not public is a 404
    like the record's page (Feed turns DoesNotExist into 404)."""

    feed_type = LocalisedAtom1Feed
    author_name = _("Liaoning development zones")
    # The field whose language an entry is in, and the one its summary shows as plain text;
    # None for a summary written as HTML in the feed's language (`shown_html`).
    title_field = "title"
    summary_field: str | None = "summary"

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # Django takes the page's address as the feed's id; a zone's news and events feeds
        # share a page, and an Atom id must name one feed.
        feed.feed["id"] = feed.feed["feed_url"]
        return feed

    def item_extra_kwargs(self, item) -> dict:
        if self.summary_field is None:
            summary = {
                "summary_type": "html",
                "summary_language": get_language() or settings.LANGUAGE_CODE,
            }
        else:
            summary = {
                "summary_type": "text",
                "summary_language": content_language(item, self.summary_field),
            }
        return {"language": content_language(item, self.title_field), **summary}

    def item_updateddate(self, item):
        return item.changed_publicly_at

    def item_pubdate(self, item):
        return item.published_at
