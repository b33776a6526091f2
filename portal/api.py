"""The read-only API at /api/v1/: the router over each app's viewsets, the OpenAPI schema and
its docs page. Outside the language prefix: every translated value carries both languages."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import include, path, re_path
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from news import api as news_api
from portal.publishing.api import PROBLEM_CONTENT_TYPE, problem
from portal.ratelimits import rate_limited
from zones import api as zones_api

router = SimpleRouter()
router.register("zones", news_api.ZoneViewSet, basename="zone")
router.register("enterprises", zones_api.EnterpriseViewSet, basename="enterprise")
router.register("institutions", zones_api.InstitutionViewSet, basename="institution")
router.register("platforms", zones_api.PlatformViewSet, basename="platform")
router.register("releases", news_api.ReleaseViewSet, basename="release")
router.register("figures", news_api.FigureViewSet, basename="figure")
router.register("events", news_api.EventViewSet, basename="event")


# The API's views answer every method themselves (portal.middleware.HttpMethodsMiddleware
# leaves them be); this page reads only, and is exempt from the CSRF check so that a POST is
# told so (405), not refused as a forged form (403).
@csrf_exempt
@require_safe
def docs(request: HttpRequest):
    """Swagger UI from drf-spectacular-sidecar's files, started by a script file of ours:
    drf-spectacular's own page starts it with an inline script, which the CSP refuses."""
    return render(request, "api/docs.html")


@csrf_exempt  # a POST to an unknown address is told that it is unknown, as a GET is
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse(
        problem(404, "There is no such address in the API."),
        status=404,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429 as problem details, with the seconds to wait in `Retry-After`."""
    detail = f"Too many requests: wait {retry_after} seconds and try again."
    response = JsonResponse(problem(429, detail), status=429, content_type=PROBLEM_CONTENT_TYPE)
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


# Every endpoint counts against the client's API limit (RATELIMIT_API).
for pattern in router.urls:
    pattern.callback = rate_limited("api", refusal=too_many_requests)(pattern.callback)

app_name = "api"

urlpatterns = [
    path("", include(router.urls)),
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", docs, name="docs"),
    # Any other address under /api/v1/, newlines included.
    re_path(r"^(?P<rest>[\s\S]*)$", not_found),
]
