"""Request ids and the access log; HEAD and OPTIONS for every view."""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import BadRequest
from django.core.signals import request_finished
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)

from portal.logs import request_id
from portal.publishing.admin.ids import is_id

access_log = logging.getLogger("portal.access")

# What the proxy sends as X-Request-ID (nginx's $request_id is 32 hex digits); anything else,
# which could forge or break log lines, is replaced by an id of our own.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


class RequestIdMiddleware:
    """Gives each request an id, echoed in `X-Request-ID`, and writes one access line for it.

    The id comes from the proxy's `X-Request-ID` when it is well formed, so the proxy's log and
    the app's share it; otherwise a new one is made. Every log line written while the request
    is answered carries it (portal.logs.RequestIdFilter).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        rid = given if WELL_FORMED_ID.fullmatch(given) else uuid.uuid4().hex
        # Kept until the response is sent, not only while the middleware runs: Django logs a
        # 4xx or 5xx that a view returned after the last middleware has finished.
        request_id.set(rid)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        access_log.info(
            '"%s %s" %s',
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": staff_user_id(request),
            },
        )
        return response


def forget_request_id(**kwargs) -> None:
    request_id.set("-")


request_finished.connect(forget_request_id, dispatch_uid="portal.forget_request_id")


def staff_user_id(request: HttpRequest) -> int | None:
    """The staff member's id if the request has already loaded its user; never a query.

    The admin loads the user on every request; a public page does not, and loading it only for
    the log would cost a query on every page a signed-in editor reads.
    """
    user = getattr(request, "_cached_user", None)  # set by django.contrib.auth once loaded
    return user.pk if user is not None and user.is_staff else None


class HttpMethodsMiddleware:
    """OPTIONS answers `Allow` without running the page; HEAD answers without a body; a page
    that only reads refuses the other methods.

    A class-based view takes the methods it has. A function view would run in full and send its
    page: the public site's function views (home, search, suggestions, exports, feeds, sitemaps,
    downloads) only read, so OPTIONS is answered here for them, and POST, PUT, PATCH or DELETE
    get 405; the views that take a form (the language switch, the enquiries) take a POST as
    well. Both are refused here, before the CSRF check would answer a form without a token with
    403. The admin's views are left to the admin, which signs visitors in first, and the API's
    to the API, which answers in its own format.
    gunicorn and runserver drop a HEAD response's body too; this makes it so whatever serves.
    """

    READ_ONLY = ["GET", "HEAD", "OPTIONS"]
    TAKE_FORMS = {"set_language", "zone_enquiry", "compare_enquiry"}
    ANSWER_THEMSELVES = {"admin", "api"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "HEAD":
            if isinstance(response, StreamingHttpResponse):
                response.streaming_content = []
            else:
                # The same Content-Length as GET's, as HEAD promises.
                response.headers.setdefault("Content-Length", str(len(response.content)))
                response.content = b""
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method in ("GET", "HEAD"):
            return None
        match = request.resolver_match
        if self.ANSWER_THEMSELVES.intersection(match.namespaces):
            return None
        if view_class := getattr(view_func, "view_class", None):
            # The methods the view has, as it would answer itself (HEAD with GET); said here,
            # before the CSRF check refuses a PUT or a DELETE with 403.
            allowed = [
                method.upper()
                for method in view_class.http_method_names
                if hasattr(view_class, "get" if method == "head" else method)
            ]
        elif match.url_name in self.TAKE_FORMS:
            allowed = self.READ_ONLY + ["POST"]
        else:
            allowed = self.READ_ONLY
        if request.method not in allowed:
            return HttpResponseNotAllowed(allowed)
        if request.method != "OPTIONS":
            return None
        response = HttpResponse()
        response["Allow"] = ", ".join(allowed)
        response["Content-Length"] = "0"
        return response


class AdminInputMiddleware:
    """What the admin hands to the database unchecked must be well formed, or the request is a
    bad request.

    - A list action's selection names records by their ids. The admin filters by the selected
      values unchecked: a value that is not an id ("abc", "1.5", a number past 64 bits), which
      only a crafted form sends, failed in the database as a 500. Every model in the admin has
      whole-number ids.
    - No parameter holds a NUL character, and no address, which names no record then (404).
      The lists' filters, the autocomplete's term and the history page's id go to the
      database as they come, and PostgreSQL cannot compare text with one (SQLite can: the two
      answered differently).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if "admin" not in request.resolver_match.namespaces:
            return None
        if "\0" in request.path:
            raise Http404("No record has an id with a NUL character.")
        if any(
            "\0" in key or any("\0" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("A parameter holds a NUL character.")
        if request.method == "POST":
            selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
            if not all(is_id(value) for value in selected):
                raise BadRequest("A list action's selection holds a value that is not an id.")
        return None
