"""Rate limits per client, and who the client is behind the proxies.

A view that a scraper would hammer (search, suggestions, the directory, exports, feeds) is
decorated with `@rate_limited("search")`; the limit is `settings.RATELIMITS["search"]`, a
"requests/period" string set from the environment. Counts live in the shared cache
(django-ratelimit), so that every app server counts the same client together. Past the limit
the answer is 429 with `Retry-After`, never cached.

Any module may import this one: it names no app.
"""

import functools
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with `TRUSTED_PROXY_COUNT` proxies in front, the
    address the outermost of them saw.

    Each proxy appends the address it was reached from to X-Forwarded-For, so with N trusted
    proxies that is the Nth entry from the right; what comes before it is whatever the client
    sent and is never believed.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        return remote_addr
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429, with the seconds to wait in `Retry-After` and on the page, never cached."""
    message = _("Too many requests. Please wait %(seconds)s seconds and try again.") % {
        "seconds": retry_after
    }
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"error": message}, status=429)
    elif request.headers.get("HX-Request"):
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    else:
        response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


Refusal = Callable[[HttpRequest, int], HttpResponse]


def rate_limited(
    name: str, methods: frozenset[str] | None = None, refusal: Refusal = too_many_requests
) -> Callable:
    """Limit a view to `settings.RATELIMITS[name]` requests per client address; with `methods`,
    only requests of those methods count and are refused (a form's POSTs, not its page).
    `refusal` makes the answer past the limit from the request and the seconds to wait.

    Every request counts, the refused ones too, so that a client that keeps going stays
    refused until its window ends. Staff are counted like anyone: the public pages are the
    same for them, and a session should not be a way around a limit.
    """

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def limited(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if methods is not None and request.method not in methods:
                return view(request, *args, **kwargs)
            usage = get_usage(
                request,
                group=name,
                key=lambda group, request: client_ip(request),
                rate=settings.RATELIMITS[name],
                increment=True,
            )
            if usage is not None and usage["should_limit"]:
                return refusal(request, max(1, usage["time_left"]))
            return view(request, *args, **kwargs)

        return limited

    return decorator
