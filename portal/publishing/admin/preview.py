"""Preview: the public page, rendered from the unsaved form or the stored record, for staff
only; nothing of it is saved.
"""

import copy
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import path, resolve, reverse
from django.utils import timezone, translation

from portal.publishing.models import Publishable, Status


class PreviewMixin:
    """ "Preview without saving" on the form, "Preview saved version" on a saved record, each
    in every language of the site (`?lang=` or the button's value; the admin's own otherwise)."""

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name=f"{opts.app_label}_{opts.model_name}_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The stored record's public page, as visitors would see it once it is published."""
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(self.model)):
            response = render_as_public(request, obj, request.GET.get("lang"))
            transaction.set_rollback(True)
        return response

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        if request.method == "POST" and "_preview" in request.POST:
            return self.preview_unsaved(request, None, form_url, extra_context)
        return super().add_view(request, form_url, extra_context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        if request.method == "POST" and "_preview" in request.POST:
            return self.preview_unsaved(request, object_id, form_url, extra_context)
        return super().change_view(request, object_id, form_url, extra_context)

    def preview_unsaved(self, request: HttpRequest, object_id: str, form_url, extra_context):
        """Save the form, render the public page from it, then undo the save.

        A preview of the unsaved change that leaves no trace: it runs outside reversion's
        revision (so no history entry) and in a transaction that is rolled back (so no row,
        version number, log or audit entry survives). An invalid form comes back with its errors.
        """
        with transaction.atomic(using=router.db_for_write(self.model)):
            response = self.changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            transaction.set_rollback(True)
        return response

    def response_add(
        self, request: HttpRequest, obj: Model, post_url_continue: str | None = None
    ) -> HttpResponse:
        if "_preview" in request.POST:
            return render_as_public(request, obj, request.POST["_preview"])
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Model) -> HttpResponse:
        if "_preview" in request.POST:
            return render_as_public(request, obj, request.POST["_preview"])
        return super().response_change(request, obj)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict,
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Model | None = None,
    ) -> HttpResponse:
        context["preview_languages"] = settings.LANGUAGES
        context["preview_url"] = (
            reverse(
                f"{self.admin_site.name}:{self.model._meta.app_label}_"
                f"{self.model._meta.model_name}_preview",
                args=[obj.pk],
            )
            if obj is not None and obj.pk
            else None
        )
        return super().render_change_form(request, context, add, change, form_url, obj)


def render_as_public(request: HttpRequest, obj, language: str | None = None) -> HttpResponse:
    """Render `obj`'s public page through the public view itself, as if it were published, in
    `language` (one of the site's; the current one when it is anything else).

    Must run inside a transaction the caller rolls back: the record is marked published (with a
    publication time that has come) for the length of the render only.
    """
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    with translation.override(language):
        return render_public_page(request, obj)


def shown_as_published(obj) -> None:
    obj.status = Status.PUBLISHED
    obj.published_at = timezone.now() - datetime.timedelta(seconds=1)
    obj.save(update_fields=["status", "published_at"])


def render_public_page(request: HttpRequest, obj) -> HttpResponse:
    # Saved rather than updated in bulk, so that whatever follows saves follows this one too,
    # inside the transaction that is rolled back: above all the tokens of the content that
    # the processes' own caches are kept under (the directory's index). A bulk update left the
    # token as it was, and an index built for the preview, holding the record as published,
    # was then served to visitors under it.
    shown_as_published(obj)
    # And what it sits in (an enterprise's or an event's zone), if visitors cannot see that
    # yet: a new zone is drafted with its enterprises, whose pages answer 404 until it is out.
    for model_field in obj._meta.concrete_fields:
        if model_field.many_to_one and issubclass(model_field.related_model, Publishable):
            around = getattr(obj, model_field.name)
            if around is not None and not around.is_published():
                shown_as_published(around)
    match = resolve(obj.get_absolute_url())
    # The public views answer GET only; a preview of an unsaved change arrives as a POST.
    public_request = copy.copy(request)
    public_request.method = "GET"
    public_request.POST = QueryDict()
    response = match.func(public_request, *match.args, **match.kwargs)
    if hasattr(response, "render"):
        response.render()
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response
