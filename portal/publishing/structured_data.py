"""What every app's structured data (schema.org JSON-LD) builds on.

Each app builds the nodes of its own records as plain dicts (`zones/structured_data.py`,
`news/structured_data.py`), so a new fact is one more key; a view hands them to the page as
one graph, which `base.html` writes in a `<script type="application/ld+json">` data block (not
executed, so allowed under a strict Content-Security-Policy).

Only public facts go in: the nodes are built from what the page itself shows, loaded with the
same `published()` rules, and a related record appears only when the page lists it.
"""

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.cache import caches
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal.publishing.translations import language_tag

SCHEMA_ORG = "https://schema.org"

# As Django's json_script: nothing in the data can close the <script> element or start markup.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def ld_json_script(data: dict) -> SafeString:
    """`data` as a `<script type="application/ld+json">` block, escaped like `json_script`."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text.translate(SCRIPT_ESCAPES))
    )


def graph(*nodes: dict | None) -> dict:
    """One JSON-LD document of the page's nodes (empty ones left out)."""
    return {"@context": SCHEMA_ORG, "@graph": [node for node in nodes if node]}


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def iso_datetime(value: datetime | None) -> str | None:
    """A time with its offset, in the portal's time zone (2024-06-20T09:00:00+08:00)."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def compact(node: dict[str, Any]) -> dict[str, Any]:
    """The node without the properties that have no value: schema.org has no "unknown"."""
    return {key: value for key, value in node.items() if value not in (None, "", [], {})}


class Absolute:
    """Absolute URLs for the request's scheme and host, as the page's canonical link has them."""

    def __init__(self, request: HttpRequest):
        self.request = request

    def __call__(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def file(self, field) -> str | None:
        """The absolute URL of an uploaded file, or None when there is none."""
        return self(field.url) if field else None


def reference(type_: str | list[str], name: str, url: str, **more: Any) -> dict:
    """A short node that names another record and links its page."""
    return compact({"@type": type_, "name": name, "url": url, **more})


def breadcrumb_list(absolute: Absolute, trail: Iterable[tuple[str, str]]) -> dict:
    """A BreadcrumbList from the home page down to `trail`'s (name, path) pairs."""
    items = [(_("Home"), reverse("home")), *trail]
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": str(name), "item": absolute(path)}
            for position, (name, path) in enumerate(items, start=1)
        ],
    }


class StructuredDataMixin:
    """A view whose page carries JSON-LD: `structured_data()` returns its nodes, built from the
    page's context so that they cost no query the page does not make."""

    def structured_data(self, context: dict[str, Any], absolute: Absolute) -> list[dict]:
        return []

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any):
        # Here rather than in get_context_data, so that it sees the view's whole context.
        context["structured_data"] = self.page_graph(context)
        return super().render_to_response(context, **response_kwargs)

    def page_graph(self, context: dict[str, Any]) -> dict:
        """The page's graph; made once for what a page kept (`kept_id`, kept.py) and the
        scheme and host its absolute links name, and kept beside the page's fragments."""

        def make() -> dict:
            return graph(*self.structured_data(context, Absolute(self.request)))

        kept_id = context.get("kept_id")
        if not kept_id:
            return make()
        key = f"structured_data:{kept_id}:{self.request.scheme}://{self.request.get_host()}"
        return caches["fragments"].get_or_set(key, make, timeout=None)


class CollectionPageMixin(StructuredDataMixin):
    """A list page: a CollectionPage named `page_name` (its heading), and its breadcrumbs,
    where it is `breadcrumb_name` as in the page's own."""

    page_name = ""
    breadcrumb_name = ""

    def structured_data(self, context: dict[str, Any], absolute: Absolute) -> list[dict]:
        path = self.request.path
        return [
            {
                "@type": "CollectionPage",
                "name": str(self.page_name),
                "url": absolute(path),
                "inLanguage": language_tag(),
            },
            breadcrumb_list(absolute, [(self.breadcrumb_name, path)]),
        ]
