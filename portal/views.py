from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from news.models import Event, Indicator, Release
from portal.ratelimits import rate_limited
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
    }
    return render(request, "portal/home.html", context)


@rate_limited("search")
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
    }
    return render(request, "portal/search.html", context)


@rate_limited("suggest")
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
