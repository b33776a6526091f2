"""Uploads in every content admin: images are checked by content and re-encoded before they
are stored (portal/publishing/images.py).
"""

from portal.publishing.images import ValidatedImageField


class UploadsAdminMixin:
    """Images are checked by content and re-encoded before they are stored (portal.images)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        from django.db import models

        if isinstance(db_field, models.ImageField):
            kwargs["form_class"] = ValidatedImageField
        return super().formfield_for_dbfield(db_field, request, **kwargs)
