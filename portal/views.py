from datetime import UTC, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseServerError,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.generic import RedirectView
from django.views.i18n import set_language as django_set_language

from news.models import Event, Indicator, Release
from portal.publishing.kept import kept, kept_for_query, new_kept_id
from portal.publishing.listing import forgiving_page, unread_page
from portal.publishing.models import StaffLanguage
from portal.publishing.structured_data import Absolute, breadcrumb_list, graph, language_tag
from portal.publishing.translations import fallback_tag
from portal.ratelimits import rate_limited
from portal.search import registry
from portal.search.queries import search as search_index
from portal.search.queries import suggest
from portal.search.text import MAX_QUERY_CHARS
from zones.directory.orderings import by_name
from zones.models import Zone
from zones.topics import named_by


def home(request):
    """Latest releases, the zones, recent key figures and upcoming events, read once per version
    of the content (portal/publishing/kept.py)."""
    context = kept(("home",), home_lists) | {
        "structured_data": graph(website_data(Absolute(request)))
    }
    return render(request, "portal/home.html", context)


def home_lists() -> dict:
    """The home page's lists. Each reads only what the page shows of its records: not a
    release's body or a zone's profile, in every language."""
    return {
        "kept_id": new_kept_id(),
        "releases": list(Release.objects.published().only("slug", "title", "published_at")[:5]),
        "zones": list(
            Zone.objects.published().only("slug", "name", "city", "kind").order_by(by_name(), "pk")
        ),
        "figures": list(
            Indicator.objects.published()
            .for_tables()
            .order_by("-release__published_at", by_name("zone__"), by_name("metric__"))[:8]
        ),
        "events": list(
            Event.objects.upcoming()
            .soonest_first()
            .only("slug", "title", "start_date", "end_date")[:5]
        ),
    }


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


@rate_limited("search")
def search(request):
    """The search page: results of every kind, a count per kind, one kind at a time if asked.
    What it shows for a query is read once per version of the content (kept.py)."""
    context = kept_for_query(request, ("search",), lambda: search_results(request.GET))
    absolute = Absolute(request)
    structured_data = graph(
        {
            "@type": "SearchResultsPage",
            "name": _("Search"),
            "url": absolute(reverse("search")),
            "inLanguage": language_tag(),
        },
        breadcrumb_list(absolute, [(_("Search"), reverse("search"))]),
    )
    return render(request, "portal/search.html", {**context, "structured_data": structured_data})


def search_results(params: QueryDict) -> dict:
    """What the search page shows for the GET parameters `params`, the same for every visitor."""
    # A query of spaces alone (full-width ones included) is no query: the empty search page.
    # NULs are dropped, as the directory's search drops them (zones/filters.py), rather than
    # echoed into the title and the search box.
    raw = params.get("q", "").replace("\x00", "").strip()
    kind = params.get("type", "")
    results = search_index(raw, kind)
    page = forgiving_page(Paginator(results, 20), params.get("page"))
    did_you_mean = results.did_you_mean()
    # What a link to another page of these results keeps: the query as searched, and its kind.
    query = QueryDict(mutable=True)
    query["q"] = raw[:MAX_QUERY_CHARS]
    if results.kind:
        query["type"] = results.kind
    return {
        "kept_id": new_kept_id(),
        "q": raw[:MAX_QUERY_CHARS],
        # A kind the page does not know is ignored, and said to be.
        "unknown_kind": kind if kind and not results.kind else "",
        "unread_page": unread_page(params.get("page")),
        "kind": results.kind or "",
        "kind_label": registry.get(results.kind).label if results.kind else "",
        "results": results,
        "page_obj": page,
        "query": query,
        "did_you_mean": did_you_mean,
        "did_you_mean_url": "?" + urlencode({"q": did_you_mean, "type": results.kind or ""}),
        "topics": named_by(raw),
    }


@rate_limited("suggest")
def search_suggestions(request):
    """Suggestions for search as you type, as JSON: the best name matches per kind, read once
    per version of the content (kept.py), so that an unpublished record drops out at once."""
    data = kept_for_query(request, ("suggestions",), lambda: suggestions(request.GET))
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def suggestions(params: QueryDict) -> dict:
    """The suggestions for the GET parameters `params`, the same for every visitor."""
    raw = params.get("q", "").replace("\x00", "")
    groups = suggest(raw)
    count = sum(len(items) for _, _, items in groups)
    return {
        "query": raw[:MAX_QUERY_CHARS],
        # What a screen reader announces as the list changes.
        "status": (
            ngettext("%(count)d suggestion", "%(count)d suggestions", count) % {"count": count}
            if count
            else _("No suggestions")
        ),
        "search_url": reverse("search") + "?" + urlencode({"q": raw[:MAX_QUERY_CHARS]}),
        "groups": [
            {
                "type": kind,
                "label": str(label),
                "items": [
                    # `lang`: the title's language where it is not the page's (untranslated).
                    {"title": r.title, "url": r.url, "lang": fallback_tag(r.entry, "title")}
                    for r in items
                ],
            }
            for kind, label, items in groups
        ],
    }


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch. A staff member's choice is remembered as well, so that the
    e-mail the portal sends them comes in the language they work in (publishing/notify.py)."""
    response = django_set_language(request)
    # The cookie is set only for a language Django accepts.
    if chosen := response.cookies.get(settings.LANGUAGE_COOKIE_NAME):
        StaffLanguage.remember(request.user, chosen.value)
    return response


# Error pages. 400 and 500 render without the context processors, which could reach the
# database (the signed-in user, messages) while it is the database that failed; base.html needs
# only the request, the language and URLs, none of which touch it.


def render_without_database(request: HttpRequest, template_name: str) -> str:
    return loader.get_template(template_name).render({"request": request})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(render_without_database(request, "400.html"))


def server_error(request: HttpRequest) -> HttpResponseServerError:
    return HttpResponseServerError(render_without_database(request, "500.html"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponseForbidden:
    """A refused form: most often a page left open for hours, or cookies switched off."""
    return HttpResponseForbidden(render_without_database(request, "403_csrf.html"))


# Files robots, browsers and security researchers look for at fixed addresses.


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap_index'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# RFC 9116 asks for an expiry under a year ahead, so that a stale file is not trusted forever;
# this one is written when asked for, from SECURITY_CONTACT, so it is never stale.
SECURITY_TXT_VALID_FOR = timedelta(days=180)


@require_safe
@cache_control(max_age=86400, public=True)
def security_txt(request: HttpRequest) -> HttpResponse:
    if not settings.SECURITY_CONTACT:
        raise Http404("SECURITY_CONTACT is not set.")
    expires = (timezone.now() + SECURITY_TXT_VALID_FOR).replace(microsecond=0)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"Canonical: {request.build_absolute_uri(reverse('security_txt'))}",
        "Preferred-Languages: en, zh",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class FaviconView(RedirectView):
    """/favicon.ico, which browsers ask for whatever the page links: the SVG icon."""

    http_method_names = ["get", "head", "options"]

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("favicon.svg")
