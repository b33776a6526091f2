"""What every app's read-only API shares: bilingual values, links to pages, pagination, problem
details for errors, and validators for conditional requests.

The API (`/api/v1/`, routed in portal/api.py) is built from each app's `api.py`; this module
names no app.
"""

import datetime
import hashlib
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponseBase, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers, viewsets
from rest_framework.pagination import BasePagination, CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import exception_handler

from portal.publishing.listing import whole_number
from portal.publishing.negotiation import PROBLEM_CONTENT_TYPE
from portal.publishing.urls import STAND_IN

# Language codes as the pages use them ("zh-hans"), with the suffix of modeltranslation's fields.
LANGUAGES = [(code, code.replace("-", "_")) for code, _ in settings.LANGUAGES]
PROBLEM_TYPE = "about:blank"


class BilingualTextSerializer(serializers.Serializer):
    """A translated value: a key per language, null where the record has no text in that
    language (never the other language's text instead)."""

    # Describes the OpenAPI component only; BilingualField writes the values.

    def get_fields(self) -> dict[str, serializers.Field]:
        # "zh-hans" is not a Python name, so the fields cannot be declared as attributes.
        return {code: serializers.CharField(allow_null=True) for code, _ in LANGUAGES}


@extend_schema_field(BilingualTextSerializer)
class BilingualField(serializers.Field):
    """A translated field as `{"en": …, "zh-hans": …}`, read from the raw per-language columns.

    modeltranslation's `name` falls back to the other language when one is empty; an API that
    did so would state an English name as the Chinese one. Here an empty language is null.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> dict[str, str | None]:
        *path, name = self.source_attrs
        for attribute in path:
            instance = getattr(instance, attribute)
            if instance is None:
                return None
        return {code: getattr(instance, f"{name}_{suffix}") or None for code, suffix in LANGUAGES}

    def to_representation(self, value: dict[str, str | None]) -> dict[str, str | None]:
        return value


class PageLinksSerializer(serializers.Serializer):
    """The record's page on the portal, in each language."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {code: serializers.URLField() for code, _ in LANGUAGES}


@extend_schema_field(PageLinksSerializer)
class PageLinksField(serializers.Field):
    """A record's public page in each language, as absolute URLs: `{"en": …, "zh-hans": …}`,
    for a URL pattern that takes the record's slug.

    Every language, so that an answer never depends on the client's Accept-Language. The URLs
    are reversed once per response with a stand-in slug, then filled in for each record:
    reversing for each record and language took a third of a page's time.
    """

    def __init__(self, view_name: str, **kwargs: Any) -> None:
        self.view_name = view_name
        kwargs["read_only"] = True
        kwargs.setdefault("source", "slug")
        super().__init__(**kwargs)

    @cached_property
    def templates(self) -> dict[str, str]:
        request = self.context.get("request")
        return page_links(request, lambda: reverse(self.view_name, kwargs={"slug": STAND_IN}))

    def to_representation(self, slug: str) -> dict[str, str]:
        return {code: url.replace(STAND_IN, slug) for code, url in self.templates.items()}


def slug_url(request: HttpRequest, view_name: str) -> Callable[[str], str]:
    """The absolute URL of a record's page from its slug, in the language active now: reversed
    once, then filled in for each record (for a long download, reversing per row costs more
    than the row)."""
    template = request.build_absolute_uri(reverse(view_name, kwargs={"slug": STAND_IN}))
    return lambda slug: template.replace(STAND_IN, slug)


def page_links(request: HttpRequest | None, url: Callable[[], str]) -> dict[str, str]:
    """`url()` (a reverse() under the language prefix) in each language, absolute."""
    links = {}
    for code, _name in LANGUAGES:
        with translation.override(code):
            path = url()
        links[code] = request.build_absolute_uri(path) if request is not None else path
    return links


class KeysetPagination(CursorPagination):
    """Pages that cost the same at the first and the thousandth: `WHERE key > last ORDER BY key
    LIMIT n` on a unique, indexed column. The cursor is opaque; follow `next`."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "slug"

    def decode_cursor(self, request: Request):
        # A cursor is a parameter like any other: one that cannot be read is not understood
        # (400), not an address that does not exist.
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise self.not_a_cursor() from None

    def get_page_size(self, request: Request) -> int:
        """`page_size`, up to max_page_size; a value that is not a whole number from 1 is not
        understood (400), rather than quietly taken as the default."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = whole_number(raw)
        if size < 1:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        gettext("A whole number from 1 to %(largest)d.")
                        % {"largest": self.max_page_size}
                    ]
                }
            )
        return min(size, self.max_page_size)

    def not_a_cursor(self) -> exceptions.ValidationError:
        return exceptions.ValidationError(
            {self.cursor_query_param: [gettext("Not a cursor this API gave: follow `next`.")]}
        )

    def paginate_queryset(self, queryset, request: Request, view=None):
        if "page" in request.query_params:
            raise exceptions.ValidationError(
                {"page": [gettext("Pages go by cursor: follow `next`.")]}
            )
        # A cursor made by hand may hold a position its ordering's column cannot take (a date
        # that is not one, or past the year 9999 in UTC, a NUL character, which PostgreSQL's
        # text refuses); the database would refuse it mid-query.
        cursor = self.decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            ordering = self.get_ordering(request, queryset, view)[0].lstrip("-")
            options = queryset.model._meta
            field = options.pk if ordering == "pk" else options.get_field(ordering)
            if "\x00" in cursor.position:
                raise self.not_a_cursor()
            try:
                value = field.to_python(cursor.position)
                if isinstance(value, datetime.datetime):
                    value.astimezone(datetime.UTC)
            except (DjangoValidationError, OverflowError):
                raise self.not_a_cursor() from None
        return super().paginate_queryset(queryset, request, view)


class SearchPagination(BasePagination):
    """Numbered pages for results ranked by relevance, up to `max_pages`.

    A keyset needs a unique order to continue from; a relevance rank has three values and is
    computed anew by every request, so a cursor over it would come down to an offset anyway.
    Offsets cost more the deeper they go, hence the cap: narrow a search with filters instead.
    No total is counted: that would run the search a second time.
    """

    page_size = KeysetPagination.page_size
    max_page_size = KeysetPagination.max_page_size
    max_pages = 20

    def paginate_queryset(self, queryset, request: Request, view=None) -> list:
        self.request = request
        self.page_size = KeysetPagination().get_page_size(request)
        try:
            self.number = int(request.query_params.get("page", 1))
        except ValueError:
            self.number = 0
        if not 1 <= self.number <= self.max_pages:
            raise exceptions.ValidationError(
                {
                    "page": [
                        gettext(
                            "Search results come in pages 1 to %(last)d; narrow the search instead."
                        )
                        % {"last": self.max_pages}
                    ]
                }
            )
        start = (self.number - 1) * self.page_size
        rows = list(queryset[start : start + self.page_size + 1])
        if not rows and self.number > 1:
            raise exceptions.NotFound(gettext("There are no results on this page."))
        self.has_next = len(rows) > self.page_size and self.number < self.max_pages
        return rows[: self.page_size]

    def link(self, number: int) -> str:
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, "page")
        return replace_query_param(url, "page", number)

    def get_paginated_response(self, data: list) -> Response:
        return Response(
            {
                "next": self.link(self.number + 1) if self.has_next else None,
                "previous": self.link(self.number - 1) if self.number > 1 else None,
                "results": data,
            }
        )


class KeysetOrSearchPagination(KeysetPagination):
    """Keyset pages for a list in its own order; numbered pages when `q` ranks it by relevance
    (see SearchPagination). Both answer `{"next", "previous", "results"}`."""

    search_parameter = "q"

    def paginate_queryset(self, queryset, request: Request, view=None):
        self.search = None
        # Each way of paging takes its own parameter: the other one would be ignored.
        if request.query_params.get(self.search_parameter, "").strip():
            if self.cursor_query_param in request.query_params:
                raise exceptions.ValidationError(
                    {
                        self.cursor_query_param: [
                            gettext("With q, results come in numbered pages (page).")
                        ]
                    }
                )
            self.search = SearchPagination()
            return self.search.paginate_queryset(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: list) -> Response:
        if self.search is not None:
            return self.search.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        page = {
            "name": "page",
            "required": False,
            "in": "query",
            "description": (
                f"With q: the page of results ranked by relevance (1 to "
                f"{SearchPagination.max_pages}). Without q, pages go by cursor."
            ),
            "schema": {"type": "integer", "minimum": 1},
        }
        return [*super().get_schema_operation_parameters(view), page]


def problem(status_code: int, detail: Any = None, errors: dict | None = None) -> dict:
    """An RFC 9457 problem details object."""
    body = {
        "type": PROBLEM_TYPE,
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
    }
    if detail:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = errors
    return body


def problem_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's errors as RFC 9457 problem details (`application/problem+json`).

    A bad parameter answers 400 with `errors`, each message under the parameter's name, as the
    FilterSet's form reports it.
    """
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    errors = None
    detail = None
    if isinstance(exc, exceptions.ValidationError):
        errors = {key: [str(message) for message in value] for key, value in data.items()}
        detail = " ".join(f"{key}: {' '.join(messages)}" for key, messages in errors.items())
    elif isinstance(data, dict) and "detail" in data:
        detail = data["detail"]
    body = problem(response.status_code, detail, errors)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def with_validators(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Add a strong `ETag` (a hash of the body) to a successful GET, and answer 304 when the
    client's `If-None-Match` already holds it.

    The hash covers everything the answer depends on, including what becomes public at a
    scheduled time and figures that carry no change time; the database work is done, but the
    body is not sent again.
    """
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if response.streaming or response.has_header("ETag"):
        return response
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    # RFC 9110: an answer without a modification date ignores If-Unmodified-Since, which
    # Django would answer with 412.
    request.META.pop("HTTP_IF_UNMODIFIED_SINCE", None)
    conditional = get_conditional_response(request, etag=response["ETag"], response=response)
    if conditional.status_code == HTTPStatus.PRECONDITION_FAILED:
        return JsonResponse(
            problem(
                HTTPStatus.PRECONDITION_FAILED,
                gettext("The answer's ETag is none of those in If-Match."),
            ),
            status=HTTPStatus.PRECONDITION_FAILED,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    return conditional


class KnownParametersMixin:
    """An endpoint answers a parameter it does not take with 400 naming it: dropped without a
    word, `?city=dalian` on the zones (which have no such filter) gave every zone for the ones
    asked for, and the client could not tell."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if self.action not in {"list", "retrieve"}:
            return  # a method the address does not take: 405 follows, whatever the parameters
        known = self.known_parameters()
        # `page` on a list whose pages go by cursor: the paginator refuses it, saying so.
        passed_on = {"page"} if self.action == "list" else set()
        unknown = sorted(set(request.query_params) - known - passed_on)
        if unknown:
            message = gettext("Not a parameter of this address, which takes: %(known)s.") % {
                "known": ", ".join(sorted(known))
            }
            raise exceptions.ValidationError({name: [message] for name in unknown})

    def known_parameters(self) -> set[str]:
        known = {api_settings.URL_FORMAT_OVERRIDE}
        if self.action == "list":
            paginator = self.paginator
            known |= {
                getattr(paginator, "cursor_query_param", None),
                getattr(paginator, "page_size_query_param", None),
                # Numbered pages of results ranked by relevance.
                "page" if isinstance(paginator, KeysetOrSearchPagination) else None,
            } - {None}
            filterset_class = getattr(self, "filterset_class", None)
            if filterset_class is not None:
                known |= set(filterset_class.base_filters)
        return known


class PublicViewSet(KnownParametersMixin, viewsets.ReadOnlyModelViewSet):
    """A list and a detail by slug of what visitors may see; `get_queryset()` applies the
    `published()` rule. An archived record that was public answers 410, like its page (`gone()`);
    anything else not public, 404."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            model = self.get_queryset().model
            if model._default_manager.gone().filter(slug=kwargs.get(self.lookup_field)).exists():
                raise Gone() from None
            # Not Django's "No Zone matches the given query.", in English whatever the language.
            raise exceptions.NotFound(
                gettext("No %(kind)s has this slug.") % {"kind": model._meta.verbose_name}
            ) from None

    def finalize_response(self, request: Request, response: Response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # JSON, or 406 to a client that accepts none: the answer depends on Accept.
        patch_vary_headers(response, ("Accept",))
        return with_validators(request, response)


class Gone(exceptions.APIException):
    status_code = 410
    default_detail = _("This record has been archived.")
    default_code = "gone"


ERROR_RESPONSES = {
    "400": "A parameter was not understood; `errors` names it.",
    "404": "No such record, or not public.",
    "405": "Only GET and HEAD are allowed.",
    "406": "The API answers JSON only.",
    "410": "The record has been archived.",
    "429": "Too many requests from this client: try again after `Retry-After` seconds.",
}
NOT_MODIFIED = {
    "description": (
        "Not modified: the request's If-None-Match names the answer's ETag, which every 200 "
        "carries. No body."
    ),
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer"},
    }
}


def document_problems(result: dict, generator, request, public: bool) -> dict:
    """drf-spectacular postprocessing hook: every operation answers its errors as problem
    details (RFC 9457), so the schema says so, with one `Problem` component."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = {
        "type": "object",
        "description": "RFC 9457 problem details, as every error of the API answers.",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {
                "type": "object",
                "description": "For 400: the messages for each parameter not understood.",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "required": ["type", "title", "status"],
    }
    content = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation["responses"]
            responses.setdefault("304", NOT_MODIFIED)
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": description, "content": content})
            responses["429"].setdefault("headers", RETRY_AFTER)
    return result
