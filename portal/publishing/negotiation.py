"""The API's content negotiation (REST_FRAMEWORK in settings): a module of its own, since DRF
reads the setting while its views are imported."""

from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request

# What the API's errors are sent as (RFC 9457).
PROBLEM_CONTENT_TYPE = "application/problem+json"


def quality(accept: str, media_type: str) -> float:
    """How much `accept` (an Accept header) wants `media_type`: the q of its most specific
    range that covers it (RFC 9110, 12.5.1), 0 when none does. DRF's own negotiation reads no
    q, so `application/json;q=0` (JSON refused) got JSON."""
    kind = media_type.split("/")[0]
    best, found = -1, 0.0
    for part in accept.split(","):
        media_range, *parameters = (piece.strip().lower() for piece in part.split(";"))
        if media_range == media_type:
            precision = 2
        elif media_range == f"{kind}/*":
            precision = 1
        elif media_range == "*/*":
            precision = 0
        else:
            continue
        q = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        if precision > best:
            best, found = precision, q
    return found


class ContentNegotiation(DefaultContentNegotiation):
    """JSON for a client that accepts it, or that asks for problem details
    (`application/problem+json`, as the errors are sent); 406 otherwise, and 406, not 404, for
    a `format` other than JSON."""

    def select_renderer(self, request: Request, renderers: list, format_suffix=None):
        format = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if format:
            renderers = self.filter_renderers(renderers, format)
        accept = request.META.get("HTTP_ACCEPT", "").strip() or "*/*"
        # The one the client wants most; of those it wants as much, the first offered.
        wanted = [(quality(accept, renderer.media_type), renderer) for renderer in renderers]
        best, renderer = max(wanted, key=lambda pair: pair[0], default=(0, None))
        if best > 0:
            return renderer, renderer.media_type
        # Asked by name: JSON refused beside "*/*" is refused.
        if renderers and PROBLEM_CONTENT_TYPE in accept and quality(accept, PROBLEM_CONTENT_TYPE):
            return renderers[0], renderers[0].media_type
        raise exceptions.NotAcceptable(available_renderers=renderers)

    def filter_renderers(self, renderers: list, format: str) -> list:
        found = [renderer for renderer in renderers if renderer.format == format]
        if not found:
            raise exceptions.NotAcceptable(
                gettext("The format “%(format)s” is not offered: the API answers in JSON only.")
                % {"format": format}
            )
        return found
