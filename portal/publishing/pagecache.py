"""Whole public pages for anonymous visitors, kept in the shared cache and never stale.

A page is stored under its address (scheme, host, path, query string), language (and whether
htmx asked for the page or its results only, and the values of any other request header its
Vary names), together with the *content version*: a random token in the shared cache that
every save or delete of content replaces, once its transaction has committed. A publish, an
unpublish, an archive, an edit or a delete therefore moves every server to new keys at once; the
old pages are never read again and expire. If the cache loses the token (evicted, flushed), the
next request draws a new one, which is the same as a change: a miss, never a stale page.

A page is kept at most PAGE_CACHE_SECONDS, and never past the next scheduled publication time,
so a release scheduled for 09:00 is on the pages at 09:00. That time is looked up once per
content version (one query per publishable model) and kept beside the token. Nor past midnight
in the portal's time zone: what is upcoming or past, and which qualifications still hold,
change with the day.

Only what is the same for every anonymous visitor is stored: GET requests without a session
cookie (staff, previews and anyone signed in have one, and bypass the cache both ways) or a
message waiting to be shown, 200
answers that set no cookie, used no CSRF token, are not streamed and do not say private or
no-store. Hits answer conditional requests (ETag, Last-Modified) with 304.

This middleware comes right after SecurityMiddleware, so a hit costs two cache reads; what a view
decorator adds (a rate limit's 429) is never a 200 and so never stored.
"""

import datetime
import hashlib
import secrets
import time
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language_from_path, get_language_from_request

from portal.publishing.models import ContentVersion

VERSION_KEY = "pagecache:version"
MESSAGES_COOKIE = getattr(settings, "MESSAGE_COOKIE_NAME", "messages")
# Far enough to mean "nothing scheduled", and still a number the cache can hold.
NOTHING_SCHEDULED = 365 * 24 * 3600
# How long the time a page last changed is kept (see changed_at()).
CHANGED_AT_SECONDS = 30 * 24 * 3600


def content_version() -> str:
    """The current token; a new one when the cache has none (a first start, or an eviction)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def new_version() -> None:
    cache.set(VERSION_KEY, secrets.token_hex(8), timeout=None)


def content_changed() -> None:
    """Retire every cached page: now, and again once the current transaction commits; and give
    the content a new version in the database, in the transaction (portal/publishing/kept.py).

    Again after the commit: a request that read the first new token while the change was still
    uncommitted may have stored the old content under it.
    """
    new_version()
    transaction.on_commit(new_version)
    ContentVersion.renew()


def retire_after_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    # Not when migrated back to before the content's version had a table.
    tables = connections[using].introspection.table_names()
    if using == DEFAULT_DB_ALIAS and ContentVersion._meta.db_table in tables:
        content_changed()


def _on_save_or_delete(sender, **kwargs) -> None:
    content_changed()


def _on_m2m_changed(sender, action, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        content_changed()


def connect_signals() -> None:
    """Listen to the saves and deletes of every model of the content apps.

    A content app is one with a publishable model; all its models count, reference data and the
    parts of records included. Each model is connected by name rather than all senders at once:
    a receiver for every model would also turn the fast deletes of other apps (the search
    index's) into one signal per row.
    """
    from portal.publishing.models import Publishable

    content_apps = {
        model._meta.app_label for model in apps.get_models() if issubclass(model, Publishable)
    }
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in content_apps:
            continue
        uid = f"pagecache.{model._meta.label_lower}"
        if model._meta.auto_created:
            m2m_changed.connect(_on_m2m_changed, sender=model, dispatch_uid=uid)
        else:
            post_save.connect(_on_save_or_delete, sender=model, dispatch_uid=uid)
            post_delete.connect(_on_save_or_delete, sender=model, dispatch_uid=uid)


def seconds_to_next_publication(version: str) -> int:
    """Seconds until the soonest scheduled record goes live, looked up once per version."""
    key = f"pagecache:next:{version}"
    moment = cache.get(key)
    now = timezone.now()
    if moment is None or moment <= now:
        from portal.publishing.models import Publishable

        times = [
            model._default_manager.scheduled().aggregate(soonest=Min("published_at"))["soonest"]
            for model in apps.get_models()
            if issubclass(model, Publishable)
        ]
        moment = min(
            (time for time in times if time is not None),
            default=now + datetime.timedelta(seconds=NOTHING_SCHEDULED),
        )
        cache.set(key, moment, timeout=max(1, int((moment - now).total_seconds())))
    return int((moment - now).total_seconds())


def seconds_to_next_day() -> int:
    """Seconds until midnight in the portal's time zone."""
    now = timezone.localtime()
    midnight = datetime.datetime.combine(
        now.date() + datetime.timedelta(days=1), datetime.time.min, tzinfo=now.tzinfo
    )
    return int((midnight - now).total_seconds())


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if (
            not seconds
            or request.method not in {"GET", "HEAD"}
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            # A message waiting to be shown (after a form was sent) is for this visitor only.
            or MESSAGES_COOKIE in request.COOKIES
        ):
            return checked_back(self.get_response(request))
        version = content_version()
        key = self.key(request, version)
        # Kept with the time it stops being valid, which is checked here too: a cache server's
        # own expiry may come a little late, and must not keep a scheduled page out.
        cached, valid_until = cache.get(key, (None, 0))
        if isinstance(cached, Varies):
            cached, valid_until = cache.get(cached.key(key, request), (None, 0))
        if cached is not None and time.time() < valid_until:
            conditional = get_conditional_response(
                request,
                etag=cached["ETag"],
                last_modified=parse_http_date_safe(cached["Last-Modified"]),
                # A 304 carries the page's validators, Cache-Control and Vary.
                response=cached,
            )
            return conditional or cached
        response = self.get_response(request)
        if request.method == "GET" and self.storable(request, response):
            timeout = min(seconds, seconds_to_next_publication(version), seconds_to_next_day())
            if timeout > 0:
                self.store(key, request, response, timeout)
                # Answer this request the same way as the hits will.
                conditional = get_conditional_response(
                    request,
                    etag=response["ETag"],
                    last_modified=parse_http_date_safe(response["Last-Modified"]),
                    response=response,
                )
                return conditional or response
        return checked_back(response)

    @staticmethod
    def key(request, version: str) -> str:
        """The page's key: its address as the visitor asked for it (scheme, host, path, query),
        its language and whether htmx asked. The host is the one ALLOWED_HOSTS let through,
        port included: an absolute link a page holds (canonical, the API's pages) is built from
        it, and another host's page must never answer this one."""
        language = get_language_from_path(request.path_info) or get_language_from_request(request)
        # What the views read of htmx's headers (django-htmx: each is "true" or not), each on its
        # own: a history restore alone is a whole page, and must not take a results-only key.
        htmx = "".join(
            "1" if request.headers.get(header) == "true" else "0"
            for header in ("HX-Request", "HX-History-Restore-Request")
        )
        address = hashlib.md5(
            f"{request.scheme}://{request.get_host()}{request.get_full_path()}".encode(),
            usedforsecurity=False,
        )
        return f"pagecache:{version}:{language}:{htmx}:{address.hexdigest()}"

    @staticmethod
    def storable(request, response) -> bool:
        user = getattr(request, "user", None)
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and "*" not in varies_on(response)
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_USED")
            and not (user is not None and user.is_authenticated)
            and "private" not in cache_control
            and "no-store" not in cache_control
            and "no-cache" not in cache_control
        )

    @staticmethod
    def store(key: str, request, response, timeout: int) -> None:
        now = timezone.now()
        if not response.has_header("ETag"):
            digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
            response["ETag"] = f'"{digest}"'
        # Browsers and proxies check back every time: the page may change at any publish.
        response.setdefault("Cache-Control", "max-age=0, must-revalidate")
        valid_until = time.time() + timeout
        headers = varies_on(response) - KEYED_HEADERS
        if headers:
            varies = Varies(tuple(sorted(headers)))
            cache.set(key, (varies, valid_until), timeout)
            key = varies.key(key, request)
        # Also in place of a view's own: a feed or a sitemap dates itself by its newest item,
        # which an item taken off leaves as it was (or moves back) while the document changed.
        response["Last-Modified"] = http_date(changed_at(key, response["ETag"], now))
        cache.set(key, (response, valid_until), timeout)


def checked_back(response):
    """`response`, which browsers and proxies must check back on before using again if it has a
    Last-Modified (a feed's, a sitemap's): without a Cache-Control they may keep it for a tenth
    of its age unasked (RFC 9111, 4.2.2), and miss for days a release published since."""
    if response.has_header("Last-Modified"):
        response.setdefault("Cache-Control", "max-age=0, must-revalidate")
    return response


def changed_at(key: str, etag: str, now: datetime.datetime) -> float:
    """When the page at this key (whatever the content version) last changed to this ETag: its
    Last-Modified.

    Not the time of this store: every change to any content, a draft's or a preview's included,
    stores pages anew, and a page that did not change would show when an editor last saved
    something visitors cannot see. Nor when a page with this ETag was first seen: a page that
    changed and then changed back (a release unpublished, then published again) would go back
    in time, and a client asking with If-Modified-Since would keep the page in between. Kept
    apart from the content version, as long as a page may be.
    """
    _prefix, _version, page = key.split(":", 2)
    seen_key = f"pagecache:seen:{page}"
    seen = cache.get(seen_key)
    if seen is not None and seen[0] == etag:
        return seen[1]
    cache.set(seen_key, (etag, now.timestamp()), CHANGED_AT_SECONDS)
    return now.timestamp()


# The request headers a page may vary on that its key already holds: the language (from the path,
# or where there is none from the language cookie and Accept-Language, as LocaleMiddleware reads
# them), htmx's, and the cookies (only requests without a session or a message are served).
KEYED_HEADERS = {"accept-language", "cookie", "hx-request", "hx-history-restore-request"}


def varies_on(response) -> set[str]:
    """The request headers named in the response's Vary, in lower case."""
    return {
        header.strip().lower() for header in response.get("Vary", "").split(",") if header.strip()
    }


@dataclass(frozen=True)
class Varies:
    """Stored in a page's place when it also depends on other request headers (the API's on
    Accept): the page is under a key that adds their values, at the cost of one more read."""

    headers: tuple[str, ...]

    def key(self, key: str, request) -> str:
        values = "\n".join(request.headers.get(header, "") for header in self.headers)
        digest = hashlib.md5(values.encode(), usedforsecurity=False).hexdigest()
        return f"{key}:{digest}"
