"""The headers that defend every page, and the answer to a locked-out sign-in.

The Content-Security-Policy itself is in settings (CONTENT_SECURITY_POLICY); this module adds, in
the admin, the hashes of the two inline things the rich-text editor needs, and the
Permissions-Policy header everywhere.
"""

import base64
import functools
import hashlib
import math
import re

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.cache import add_never_cache_headers

INLINE_SCRIPT = re.compile(r"<script[^>]*>(.*)</script>", re.DOTALL)


def text_hash(text: str) -> str:
    """The CSP source that allows an inline element with this text, by its hash."""
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def script_hash(element: str) -> str:
    """The CSP source that allows one inline <script> element."""
    return text_hash(INLINE_SCRIPT.fullmatch(element).group(1))


@functools.cache
def editor_importmap_hash() -> str:
    """The hash of django-prose-editor's import map, as its widget renders it.

    An import map cannot be a file, so it is inline. It names the editor's static files, whose
    addresses (hashed names in production) are fixed for the life of a process.
    """
    from django_prose_editor.widgets import importmap

    return script_hash(str(importmap))


# The editor (Tiptap, inside editor.js) adds its base stylesheet as a <style> element: the
# CSS is a constant, `this.css = inject(CONSTANT, nonce)`, read from the file as shipped.
EDITOR_STYLE_CALL = re.compile(r"this\.css=[\w$]+\(([\w$]+),")


@functools.cache
def editor_style_hash() -> str:
    """The hash of the rich-text editor's own <style> element, read from its editor.js.

    Raises ImproperlyConfigured when a new version of django-prose-editor no longer reads the
    same way; `manage.py check` reports it (portal/apps.py).
    """
    path = finders.find("django_prose_editor/editor.js")
    script = open(path, encoding="utf-8").read() if path else ""
    call = EDITOR_STYLE_CALL.search(script)
    constant = call and re.search(rf"[,;\s]{re.escape(call.group(1))}=`([^`$\\]*)`", script)
    if not constant:
        raise ImproperlyConfigured(
            "The rich-text editor's inline style was not found in "
            "django_prose_editor/editor.js: its Content-Security-Policy hash cannot be computed."
        )
    return text_hash(constant.group(1))


# What a view sets on its response to change its policy (django-csp's decorators).
PER_VIEW_POLICY = tuple(
    f"_csp_{what}{suffix}"
    for what in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's header; in the admin, the rich-text editor's import map and style are
    allowed by their hashes, and with a map tile service configured, its images everywhere.

    The policy of a public page depends on the settings alone: it is built once, where
    django-csp builds it for each response (a third of the time a cached page takes).
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not self.has_public_policy(request, response):
            return super().process_response(request, response)
        if policy := public_policy():
            response.setdefault(HEADER, policy)
        # As django-csp does once the header is written: a nonce asked for now would be lost.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def has_public_policy(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        """Whether the response gets the settings' policy as public_policy() builds it: outside
        the admin, with no nonce, no policy of its own and no report-only policy to add."""
        policy = settings.CONTENT_SECURITY_POLICY or {}
        return not (
            in_admin(request)
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in PER_VIEW_POLICY)
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or policy.get("EXCLUDE_URL_PREFIXES")
            or (settings.DEBUG and response.status_code in (404, 500))
        )

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        update = dict(parts.update or {})
        if settings.MAP_TILES_ORIGIN:
            update["img-src"] = [settings.MAP_TILES_ORIGIN]  # added to the policy's own
        if in_admin(request):
            update["script-src"] = [*update.get("script-src", ()), editor_importmap_hash()]
            update["style-src"] = [*update.get("style-src", ()), editor_style_hash()]
        parts.update = update or None
        return parts


def in_admin(request: HttpRequest) -> bool:
    return request.path.startswith(admin_path(get_script_prefix()))


@functools.cache
def admin_path(script_prefix: str) -> str:
    return reverse("admin:index")


@functools.cache
def public_policy() -> str:
    """The header of a page outside the admin: the settings' policy, and the tile service."""
    update = {"img-src": [settings.MAP_TILES_ORIGIN]} if settings.MAP_TILES_ORIGIN else None
    return build_policy(update=update)


@receiver(setting_changed)
def forget_policy(*, setting: str, **kwargs) -> None:
    if setting in {"CONTENT_SECURITY_POLICY", "MAP_TILES_ORIGIN", "ROOT_URLCONF"}:
        public_policy.cache_clear()
        admin_path.cache_clear()


class PermissionsPolicyMiddleware:
    """Refuse every page the browser features it never uses (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page a locked-out sign-in gets (django-axes' AXES_LOCKOUT_CALLABLE).

    429 Too Many Requests, axes' own choice: the credentials may be right, the attempts were
    too many. It states the cool-off; the lockout ends at most that long from now.
    """
    cool_off = settings.AXES_COOLOFF_TIME
    context = admin.site.each_context(request) | {
        "minutes": math.ceil(cool_off.total_seconds() / 60),
    }
    response = render(request, "admin/lockout.html", context, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    add_never_cache_headers(response)
    return response


@checks.register(checks.Tags.security)
def check_editor_style_hash(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """`manage.py check` fails when the editor's style hash cannot be read from the file."""
    try:
        editor_style_hash()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="portal.E001")]
    return []
