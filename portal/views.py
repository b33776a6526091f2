from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from news.models import Event, Indicator, Release
from portal.publishing.structured_data import Absolute, breadcrumb_list, graph, language_tag
from portal.search.queries import search as search_index
from portal.search.queries import suggest
from portal.search.text import MAX_QUERY_CHARS
from zones.models import Zone


def home(request):
    """Latest releases, the zones, recent key figures and upcoming events."""
    context = {
        "releases": Release.objects.published().select_related("series")[:5],
        "zones": Zone.objects.published(),
        "figures": Indicator.objects.published()
        .select_related("zone", "metric", "release")
        .order_by("-release__published_at", "zone__name", "metric__name")[:8],
        "events": Event.objects.upcoming().select_related("zone")[:5],
        "structured_data": graph(website_data(Absolute(request))),
    }
    return render(request, "portal/home.html", context)


def website_data(absolute: Absolute) -> dict:
    """The portal as a WebSite, with its search as the action a search engine may offer."""
    return {
        "@type": "WebSite",
        "name": _("Liaoning development zones"),
        "url": absolute(reverse("home")),
        "inLanguage": language_tag(),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": absolute(reverse("search")) + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }


def search(request):
    """The search page: results of every kind, a count per kind, one kind at a time if asked."""
    raw = request.GET.get("q", "")
    kind = request.GET.get("type", "")
    results = search_index(raw, kind)
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    did_you_mean = results.did_you_mean()
    # What a link to another page of these results keeps: the query as searched, and its kind.
    query = QueryDict(mutable=True)
    query["q"] = raw[:MAX_QUERY_CHARS]
    if results.kind:
        query["type"] = results.kind
    context = {
        "q": raw[:MAX_QUERY_CHARS],
        "kind": results.kind or "",
        "results": results,
        "page_obj": page,
        "query": query,
        "did_you_mean": did_you_mean,
        "did_you_mean_url": "?" + urlencode({"q": did_you_mean, "type": results.kind or ""}),
        "structured_data": graph(
            {
                "@type": "SearchResultsPage",
                "name": _("Search"),
                "url": Absolute(request)(reverse("search")),
                "inLanguage": language_tag(),
            },
            breadcrumb_list(Absolute(request), [(_("Search"), reverse("search"))]),
        ),
    }
    return render(request, "portal/search.html", context)


def search_suggestions(request):
    """Suggestions for search as you type, as JSON: the best name matches per kind."""
    raw = request.GET.get("q", "")
    groups = suggest(raw)
    data = {
        "query": raw[:MAX_QUERY_CHARS],
        "search_url": reverse("search") + "?" + urlencode({"q": raw[:MAX_QUERY_CHARS]}),
        "groups": [
            {
                "type": kind,
                "label": str(label),
                "items": [{"title": r.title, "url": r.url} for r in items],
            }
            for kind, label, items in groups
        ],
    }
    # Not cached: an unpublished record must drop out of the suggestions at once.
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
