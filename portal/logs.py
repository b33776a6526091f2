"""What every log line carries: the id of the request it belongs to, and a fair level.

Configured in settings.LOGGING; the id is set by portal.middleware.RequestIdMiddleware.
"""

import logging
from contextvars import ContextVar

# The id of the request this thread or task is answering; "-" outside a request.
request_id: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so that a formatter can print it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class NotFoundIsInfo(logging.Filter):
    """Logs a 404 from `django.request` at INFO, not WARNING: bots and typos, not trouble.

    Django logs every 4xx at WARNING; left so, a crawler probing for /wp-login.php would drown
    the warnings that matter (failed sign-ins, refused CSRF tokens, 5xx).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 404 and record.levelno == logging.WARNING:
            record.levelno, record.levelname = logging.INFO, "INFO"
            return logging.getLogger(record.name).isEnabledFor(logging.INFO)
        return True
