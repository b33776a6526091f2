"""The audit log: who published, unpublished, archived, deleted, restored or imported what."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One editorial action. Written by the admin as it acts; never changed afterwards."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("submitted for review")
        PUBLISH = "publish", _("published")
        SCHEDULE = "schedule", _("scheduled")
        UNPUBLISH = "unpublish", _("unpublished")
        ARCHIVE = "archive", _("archived")
        DELETE = "delete", _("deleted")
        RESTORE = "restore", _("restored an earlier version")
        RECOVER = "recover", _("recovered after deletion")
        IMPORT = "import", _("imported")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="audit_entries",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    action = models.CharField(_("action"), max_length=10, choices=Action, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("kind of record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    # Text, not a foreign key: the record may be gone (deleted) when the entry is read.
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=300, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    # What undoing the action needs beyond reversion's snapshot: for a delete, the links other
    # records held to this one ({"app.model.field": [pk, …]}), restored on recovery.
    links = models.JSONField(_("links"), default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.object_repr}"

    @classmethod
    def record(
        cls,
        user,
        action: str,
        obj: models.Model | None = None,
        detail: str = "",
        model=None,
        links: dict | None = None,
    ) -> "AuditEntry":
        """Write an entry for `obj` (or, for an action on many rows, for `model`)."""
        model = model or type(obj)
        return cls.objects.create(
            user=user if user is not None and user.is_authenticated else None,
            action=action,
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:300] if obj is not None else "",
            detail=detail,
            links=links or {},
        )
