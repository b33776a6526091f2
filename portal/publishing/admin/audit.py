"""The audit log in the admin: read-only, written by the actions it records."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.publishing import notes
from portal.publishing.admin.ordering import SameOrderAdminMixin
from portal.publishing.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(SameOrderAdminMixin, admin.ModelAdmin):
    """Read-only: entries are written by the actions they record."""

    list_display = ("created_at", "user", "action", "content_type", "record_name", "shown_detail")
    fields = ("user", "action", "content_type", "object_id", "record_name", "shown_detail")
    readonly_fields = ("record_name", "shown_detail")
    # Only the kinds and people the log names, not every model and account there is.
    list_filter = (
        "action",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("user", "content_type")
    search_fields = ("object_repr", "detail", "user__username")
    date_hierarchy = "created_at"

    @admin.display(description=_("record"))
    def record_name(self, entry: AuditEntry) -> str:
        return entry.record_name()

    @admin.display(description=_("detail"))
    def shown_detail(self, entry: AuditEntry) -> str:
        return notes.read(entry.detail)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
