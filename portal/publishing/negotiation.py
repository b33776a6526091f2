"""The API's content negotiation (REST_FRAMEWORK in settings): a module of its own, since DRF
reads the setting while its views are imported."""

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request

# What the API's errors are sent as (RFC 9457).
PROBLEM_CONTENT_TYPE = "application/problem+json"


class ContentNegotiation(DefaultContentNegotiation):
    """JSON for a client that asks for problem details (`application/problem+json`, as the
    errors are sent), and 406, not 404, for a `format` other than JSON."""

    def select_renderer(self, request: Request, renderers: list, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except exceptions.NotAcceptable:
            if PROBLEM_CONTENT_TYPE in request.META.get("HTTP_ACCEPT", ""):
                return renderers[0], renderers[0].media_type
            raise

    def filter_renderers(self, renderers: list, format: str) -> list:
        found = [renderer for renderer in renderers if renderer.format == format]
        if not found:
            raise exceptions.NotAcceptable(
                f"The format “{format}” is not offered: the API answers in JSON only."
            )
        return found
