"""Uploads in every content admin: images are checked by content and re-encoded before they
are stored (portal/publishing/images.py).
"""

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext

from portal.publishing.images import ValidatedImageField
from portal.publishing.translations import listed


class UploadsAdminMixin:
    """Images are checked by content and re-encoded before they are stored (portal.images).

    A form sent back with errors has lost the files chosen in it, which a browser never fills
    in again: the page says which ones to choose again, or the record would be saved without
    them once the errors are put right.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        from django.db import models

        if isinstance(db_field, models.ImageField):
            kwargs["form_class"] = ValidatedImageField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def render_change_form(self, request: HttpRequest, context, *args, **kwargs):
        if request.method == "POST" and request.FILES and context.get("errors"):
            chosen = sorted({upload.name for upload in request.FILES.values()})
            self.message_user(
                request,
                gettext(
                    "Choose these files again before saving: a form sent back with errors does "
                    "not keep the files chosen in it. %(files)s"
                )
                % {"files": listed(f"“{name}”" for name in chosen)},
                messages.WARNING,
            )
        return super().render_change_form(request, context, *args, **kwargs)
