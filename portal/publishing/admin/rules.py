"""The one editorial rule in the admin, for parts of records (portal/publishing/editorial.py):
a figure, a park, a membership… of a live record changes only through that record's form,
where an Editor's change becomes its pending draft.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from reversion.errors import RevertError

from portal.publishing import editorial


class EditorialRulesMixin:
    """Parts of a live record are read-only on their own pages for those who may not publish
    the record; adding one to a live record is a form error there."""

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if obj is None or editorial.role_of(self.model) != editorial.PART:
            return allowed
        return allowed and editorial.may_change_part(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        if obj is None or editorial.role_of(self.model) != editorial.PART:
            return allowed
        return allowed and editorial.may_change_part(request.user, obj)

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        if editorial.role_of(self.model) == editorial.PART and "delete_selected" in actions:
            _action, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_parts_selected, name, description)
        return actions

    def recover_view(
        self, request: HttpRequest, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        """A deleted part of a live record comes back through the record's form too: said on
        the list of deleted parts, before a form is filled in only to be refused."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if editorial.role_of(self.model) == editorial.PART:
            version = self.own_version(version_id)
            try:
                part = version._object_version.object
            except RevertError:  # refused by the recovery itself, in its own words
                return super().recover_view(request, version_id, extra_context)
            live = [
                record
                for record in editorial.records_of(part)
                if not editorial.may_change_part_of(request.user, record)
            ]
            if live:
                message = gettext("Nothing was recovered. %(reason)s")
                reason = live_record_message(live[0])
                self.message_user(request, message % {"reason": reason}, messages.ERROR)
                opts = self.model._meta
                name = f"{opts.app_label}_{opts.model_name}_recoverlist"
                return HttpResponseRedirect(reverse(f"{self.admin_site.name}:{name}"))
        return super().recover_view(request, version_id, extra_context)

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, **kwargs
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, **kwargs)
        if editorial.role_of(self.model) != editorial.PART:
            return form
        user = request.user

        class PartForm(form):
            def clean(self):
                cleaned_data = super().clean()
                for name in self._meta.model.part_of:
                    record = cleaned_data.get(name)
                    if record is not None and not editorial.may_change_part_of(user, record):
                        self.add_error(name, live_record_message(record))
                return cleaned_data

        return PartForm


def delete_parts_selected(modeladmin, request: HttpRequest, queryset: QuerySet):
    """Django's "Delete selected", which says where the parts of a live record are deleted (in
    the record's own form) rather than answering 403."""
    live = {}
    for part in queryset:
        for record in editorial.records_of(part):
            if not editorial.may_change_part_of(request.user, record):
                live[(type(record), record.pk)] = record
    if not live:
        return delete_selected(modeladmin, request, queryset)
    for record in live.values():
        message = gettext("Nothing was deleted. %(reason)s")
        modeladmin.message_user(
            request, message % {"reason": live_record_message(record)}, messages.ERROR
        )
    return None


def live_record_message(record) -> str:
    return gettext(
        "“%(record)s” is live: make this change in its own form, where it is kept as a pending "
        "draft for a Publisher to review."
    ) % {"record": record}
