"""What every content admin shares: history with restore, the publishing workflow, safe saves.

- History: django-reversion records every save (who, when, the whole record with its inline rows
  and links); the history page shows what each save changed, and any version can be restored.
  Deleted records are recovered from the same snapshots.
- Workflow: Editors draft and submit for review; only users with the model's `publish`
  permission (the Publishers group) publish, schedule, unpublish or archive, whether through an
  action, the form or a hand-made POST.
- No overwritten work: the form carries the record's version; a save made from an older
  version is refused with the other editor's changes listed and the form's input kept.
- Preview: the public page, rendered from the unsaved form or the stored draft, for staff only.
"""

import copy
import datetime
from contextlib import contextmanager

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, resolve, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.models import Version

from portal import drafts, editorial, history, notify
from portal.images import ValidatedImageField
from portal.publishing.models import AuditEntry, PendingChange, Publishable, Status
from portal.times import local_time, long_local_time


class HistoryAdmin(VersionAdmin):
    """Every save recorded; a readable diff per save; restore and recover, both audited."""

    object_history_template = "admin/portal/object_history.html"
    history_latest_first = True

    # Parts of a live record change only through the record's form (portal/editorial.py).

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or editorial.role_of(self.model) != editorial.PART:
            return allowed
        return allowed and editorial.may_change_part(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or editorial.role_of(self.model) != editorial.PART:
            return allowed
        return allowed and editorial.may_change_part(request.user, obj)

    def get_form(self, request, obj=None, **kwargs):
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

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/history/<int:version_id>/changes/",
                self.admin_site.admin_view(self.changes_view),
                name=f"{opts.app_label}_{opts.model_name}_changes",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            self.record_first_version(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def record_first_version(self, request, object_id) -> None:
        """Before the first change made in the admin, record the record as it was.

        Demo content and imported rows were not saved through the admin and have no history;
        this keeps their original state restorable.
        """
        obj = self.get_object(request, unquote(object_id))
        if obj is None or Version.objects.get_for_object(obj).exists():
            return
        with reversion.create_revision():
            reversion.set_comment(gettext("As it was before its first change in the admin"))
            reversion.add_to_revision(obj)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        opts = self.model._meta
        for action in response.context_data.get("action_list", []):
            version_id = action["url"].rstrip("/").rsplit("/", 1)[-1]
            action["changes_url"] = reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changes",
                args=[object_id, version_id],
            )
        return response

    def changes_view(self, request, object_id, version_id):
        """What one save changed: each field before and after, with a word-level diff."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        version = get_object_or_404(Version, pk=version_id, object_id=object_id)
        if version._model is not self.model:
            raise PermissionDenied
        before_version = history.previous_version(version)
        before = before_version.field_dict if before_version else {}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Changes saved on %(time)s")
            % {"time": local_time(version.revision.date_created)},
            "object_repr": version.object_repr,
            "object_id": object_id,
            "version": version,
            "changes": history.changes(self.model, before, version.field_dict),
            "restore_url": reverse(
                f"{self.admin_site.name}:{self.model._meta.app_label}_"
                f"{self.model._meta.model_name}_revision",
                args=[object_id, version.pk],
            ),
        }
        return TemplateResponse(request, "admin/portal/version_changes.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        response = super().revision_view(request, object_id, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302:
            version = Version.objects.get(pk=version_id)
            AuditEntry.record(
                request.user,
                AuditEntry.Action.RESTORE,
                self.model._base_manager.filter(pk=version.object_id).first(),
                detail=gettext("Version saved on %(time)s")
                % {"time": local_time(version.revision.date_created)},
                model=self.model,
            )
        return response

    def recover_view(self, request, version_id, extra_context=None):
        response = super().recover_view(request, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302:
            version = Version.objects.get(pk=version_id)
            obj = self.model._base_manager.filter(pk=version.object_id).first()
            if obj is not None:
                restore_incoming_links(obj)
            AuditEntry.record(request.user, AuditEntry.Action.RECOVER, obj, model=self.model)
        return response

    def snapshot_before_delete(self, request, objects) -> None:
        """Record the records as they are, with their inline rows, so they can be recovered.

        Records that were never saved through the admin (demo content, imports) have no history
        yet; without this they could not be brought back.
        """
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(gettext("Deleted"))
            for obj in objects:
                reversion.add_to_revision(obj)

    def delete_model(self, request, obj):
        self.snapshot_before_delete(request, [obj])
        AuditEntry.record(request.user, AuditEntry.Action.DELETE, obj, links=incoming_links(obj))
        super().delete_model(request, obj)
        touch_parents(obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        touch_parents(obj)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        rows = [
            *formset.new_objects,
            *(obj for obj, _fields in formset.changed_objects),
            *formset.deleted_objects,
        ]
        for row in rows:
            touch_parents(row, exclude=form.instance)

    def delete_queryset(self, request, queryset):
        if any(not self.has_delete_permission(request, obj) for obj in queryset):
            raise PermissionDenied
        self.snapshot_before_delete(request, queryset)
        for obj in queryset:
            AuditEntry.record(
                request.user, AuditEntry.Action.DELETE, obj, links=incoming_links(obj)
            )
        super().delete_queryset(request, queryset)


def live_record_message(record) -> str:
    return gettext(
        "“%(record)s” is live: make this change in its own form, where it is kept as a pending "
        "draft for a Publisher to review."
    ) % {"record": record}


def incoming_links(obj) -> dict[str, list]:
    """The many-to-many links other records hold to `obj` ("news.release.enterprises": [pks]).

    Reversion's snapshot of `obj` keeps its own links (an enterprise's sectors) but not these
    (the releases naming the enterprise), which a delete removes. One query per relation.
    """
    links = {}
    for relation in obj._meta.related_objects:
        if not relation.many_to_many or not relation.through._meta.auto_created:
            continue
        pks = list(getattr(obj, relation.get_accessor_name()).values_list("pk", flat=True))
        if pks:
            links[f"{relation.related_model._meta.label_lower}.{relation.field.name}"] = pks
    return links


def restore_incoming_links(obj) -> None:
    """Give a recovered record back the links its delete removed (see `incoming_links`)."""
    deleted = (
        AuditEntry.objects.filter(
            action=AuditEntry.Action.DELETE,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if deleted is None:
        return
    for relation in obj._meta.related_objects:
        key = f"{relation.related_model._meta.label_lower}.{relation.field.name}"
        if relation.many_to_many and key in deleted.links:
            existing = relation.related_model._base_manager.filter(pk__in=deleted.links[key])
            getattr(obj, relation.get_accessor_name()).add(*existing)


def touch_parents(obj, exclude=None) -> None:
    """Give the publishable records `obj` belongs to a new version number.

    A figure saved on its own page, or a membership saved from the enterprise's page, changes
    what the release's or the platform's form shows in its inlines; a form opened before then
    must not save over it. Records that are publishable themselves are skipped: their own
    version covers them.
    """
    if isinstance(obj, Publishable):
        return
    for field in obj._meta.concrete_fields:
        target = field.related_model if field.many_to_one else None
        if target is None or not issubclass(target, Publishable):
            continue
        pk = getattr(obj, field.attname)
        if pk is None or (exclude is not None and isinstance(exclude, target) and exclude.pk == pk):
            continue
        target._base_manager.filter(pk=pk).update(version=F("version") + 1)


class UploadsAdminMixin:
    """Images are checked by content and re-encoded before they are stored (portal.images)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        from django.db import models

        if isinstance(db_field, models.ImageField):
            kwargs["form_class"] = ValidatedImageField
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class PublishableForm(forms.ModelForm):
    """Carries the version the editor started from, and refuses a save made over someone else's."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The saves of the record's pending draft the editor started from (see WorkflowAdmin).
    seen_draft = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Set by the admin when the form edits a live record's pending draft: its number of saves.
    pending_number: int | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version
        self.fields["seen_draft"].initial = self.pending_number

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        if (
            self.pending_number is not None
            and cleaned_data.get("seen_draft") != self.pending_number
        ):
            self.data = self.data.copy()
            self.data[self.add_prefix("seen_draft")] = str(self.pending_number)
            raise ValidationError(
                [
                    gettext("Someone else saved this record's pending draft after you opened it."),
                    gettext(
                        "Your input is still in the form. Open the pending draft in another tab "
                        "to see their changes, then save again to keep yours."
                    ),
                ]
            )
        seen = cleaned_data.get("seen_version")
        model = type(self.instance)
        # Locks the row until the save commits (the admin saves in one transaction), so that
        # two saves cannot both pass this check. SQLite serialises writes anyway.
        stored = (
            model._base_manager.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if stored is not None and seen != stored:
            # The next save from this form is a deliberate one, made with the changes in view.
            self.data = self.data.copy()
            self.data[self.add_prefix("seen_version")] = str(stored)
            raise ValidationError(self.conflict_messages(seen))
        return cleaned_data

    def conflict_messages(self, seen: int | None) -> list[str]:
        obj = self.instance
        latest = Version.objects.get_for_object(obj).select_related("revision__user").first()
        if latest is not None and latest.revision.user is not None:
            who = gettext("%(user)s saved this record at %(time)s, after you opened it.") % {
                "user": latest.revision.user.get_username(),
                "time": local_time(latest.revision.date_created),
            }
        else:
            who = gettext("Someone else saved this record after you opened it.")
        lines = [
            who,
            gettext(
                "Your input is still in the form. Compare it with their changes below, then "
                "save again to keep yours."
            ),
        ]
        seen_version = history.version_with_number(obj, seen) if seen else None
        if seen_version is not None:
            stored = history.current_values(type(obj)._base_manager.get(pk=obj.pk))
            for change in history.changes(type(obj), seen_version.field_dict, stored):
                lines.append(
                    gettext("They changed %(field)s: “%(before)s” → “%(after)s”")
                    % {
                        "field": change.field,
                        "before": history.short(change.before),
                        "after": history.short(change.after),
                    }
                )
            lines += inline_changes(seen_version)
        return lines


def inline_changes(seen_version: Version) -> list[str]:
    """Rows of inlines (figures, names, memberships…) added, changed or removed since then."""
    lines = []
    for version in seen_version.revision.version_set.exclude(pk=seen_version.pk):
        model = version._model
        if model is None:
            continue
        current = model._base_manager.filter(pk=version.object_id).first()
        if current is None:
            lines.append(
                gettext("They removed %(kind)s “%(record)s”.")
                % {"kind": model._meta.verbose_name, "record": version.object_repr}
            )
        elif history.changes(model, version.field_dict, history.current_values(current)):
            lines.append(
                gettext("They changed %(kind)s “%(record)s”.")
                % {"kind": model._meta.verbose_name, "record": current}
            )
    return lines


class WorkflowAdmin(HistoryAdmin):
    """Status filter and column, workflow actions, guarded status, locking and preview."""

    form = PublishableForm
    change_form_template = "admin/portal/change_form.html"
    actions = ("submit_for_review", "publish", "unpublish", "archive")

    # Permissions.

    def has_publish_permission(self, request: HttpRequest, obj=None) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if self.has_publish_permission(request):
            return fields
        if obj is not None and self.stages_changes(request, obj):
            # The live record's status is not part of its draft.
            return (*fields, "status", "published_at")
        return (*fields, "published_at")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "published_at" and field is not None:
            field.help_text = format_html(
                "{} {}",
                db_field.help_text,
                gettext("Times are in %(zone)s.") % {"zone": timezone.get_current_timezone_name()},
            )
        return field

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not self.has_publish_permission(request):
            kwargs["choices"] = [
                (Status.DRAFT, Status.DRAFT.label),
                (Status.REVIEW, Status.REVIEW.label),
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # The hidden version rides along in the last fieldset (Publishing).
        name, options = fieldsets[-1]
        if "seen_version" not in options["fields"]:
            fieldsets = [
                *fieldsets[:-1],
                (name, {**options, "fields": (*options["fields"], "seen_version", "seen_draft")}),
            ]
        return fieldsets

    def save_model(self, request, obj, form, change):
        previous = type(obj)._base_manager.filter(pk=obj.pk).first() if change else None
        old_status = previous.status if previous else Status.DRAFT
        old_time = previous.published_at if previous else None
        status_changed = obj.status != old_status
        public_change = editorial.is_live(obj) or old_status in editorial.LIVE_STATES
        if (
            (status_changed and public_change) or obj.published_at != old_time
        ) and not self.has_publish_permission(request):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
        rescheduled = obj.status == Status.PUBLISHED and obj.published_at != old_time
        if status_changed or rescheduled:
            self.audit_status(request, obj, old_status)
            # Said instead of Django's "… was changed successfully" (see message_user).
            request.status_message = status_message(obj, old_status)

    def audit_status(self, request, obj, old_status: str) -> None:
        action = {
            Status.REVIEW: AuditEntry.Action.SUBMIT,
            Status.PUBLISHED: AuditEntry.Action.PUBLISH,
            Status.ARCHIVED: AuditEntry.Action.ARCHIVE,
            Status.DRAFT: AuditEntry.Action.UNPUBLISH,
        }[obj.status]
        if obj.status == Status.DRAFT and old_status != Status.PUBLISHED:
            return
        if action == AuditEntry.Action.PUBLISH and obj.is_scheduled():
            action = AuditEntry.Action.SCHEDULE
        AuditEntry.record(
            request.user,
            action,
            obj,
            detail=gettext("Publication time: %(time)s") % {"time": local_time(obj.published_at)},
        )

    # Columns.

    @admin.display(description=_("status"), ordering="status")
    def status_column(self, obj) -> str:
        if obj.is_scheduled():
            return gettext("scheduled for %(time)s") % {"time": local_time(obj.published_at)}
        return obj.get_status_display()

    @admin.display(description=_("publication time"), ordering="published_at")
    def publication_time(self, obj) -> str:
        return local_time(obj.published_at)

    def get_list_display(self, request):
        return tuple(
            "status_column"
            if name == "status"
            else "publication_time"
            if name == "published_at"
            else name
            for name in super().get_list_display(request)
        )

    # Actions: each saves record by record, so history, version numbers and audit are kept.

    def _move(self, request, queryset, status: str, allowed_from: tuple[str, ...]) -> list:
        """Move the selected records in `allowed_from` to `status`; returns those moved."""
        moved = []
        with (
            transaction.atomic(using=router.db_for_write(self.model)),
            self.create_revision(request),
        ):
            locked = self.model._default_manager.select_for_update().filter(
                pk__in=list(queryset.values_list("pk", flat=True))
            )
            for obj in locked:
                if obj.status not in allowed_from:
                    continue
                old_status = obj.status
                obj.status = status
                obj.save()
                self.audit_status(request, obj, old_status)
                moved.append(obj)
        return moved

    def _say(self, request, message: str, count: int, **values) -> None:
        self.message_user(request, message % {"count": count, **values}, messages.SUCCESS)

    @admin.action(description=_("Submit selected for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        moved = self._move(request, queryset, Status.REVIEW, (Status.DRAFT,))
        count = len(moved)
        self._say(
            request,
            ngettext(
                "Submitted for review: %(count)d record.",
                "Submitted for review: %(count)d records.",
                count,
            ),
            count,
        )

    @admin.action(description=_("Publish selected"), permissions=["publish"])
    def publish(self, request, queryset):
        moved = self._move(
            request, queryset, Status.PUBLISHED, (Status.DRAFT, Status.REVIEW, Status.ARCHIVED)
        )
        scheduled = [obj for obj in moved if obj.is_scheduled()]
        now = len(moved) - len(scheduled)
        if now or not scheduled:
            self._say(
                request,
                ngettext("Published: %(count)d record.", "Published: %(count)d records.", now),
                now,
            )
        times = {obj.published_at for obj in scheduled}
        if len(times) == 1:
            self._say(
                request,
                ngettext(
                    "Scheduled for %(time)s: %(count)d record.",
                    "Scheduled for %(time)s: %(count)d records.",
                    len(scheduled),
                ),
                len(scheduled),
                time=long_local_time(times.pop()),
            )
        elif times:
            self._say(
                request,
                ngettext(
                    "Scheduled: %(count)d record, which visitors see from its publication time.",
                    "Scheduled: %(count)d records, which visitors see from their publication "
                    "times.",
                    len(scheduled),
                ),
                len(scheduled),
            )

    @admin.action(description=_("Unpublish selected (back to draft)"), permissions=["publish"])
    def unpublish(self, request, queryset):
        moved = self._move(
            request, queryset, Status.DRAFT, (Status.PUBLISHED, Status.REVIEW, Status.ARCHIVED)
        )
        count = len(moved)
        self._say(
            request,
            ngettext(
                "Unpublished (back to draft): %(count)d record.",
                "Unpublished (back to draft): %(count)d records.",
                count,
            ),
            count,
        )

    @admin.action(description=_("Archive selected"), permissions=["publish"])
    def archive(self, request, queryset):
        moved = self._move(
            request, queryset, Status.ARCHIVED, (Status.DRAFT, Status.REVIEW, Status.PUBLISHED)
        )
        count = len(moved)
        self._say(
            request,
            ngettext("Archived: %(count)d record.", "Archived: %(count)d records.", count),
            count,
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Restoring writes the old version's fields back, its version number included; keep the
        # number the record has now, so the restore saves as the next one and an editor who
        # saved meanwhile is not overwritten unseen.
        request.stored_version = (
            self.model._base_manager.filter(pk=unquote(object_id))
            .values_list("version", flat=True)
            .first()
        )
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.stages_changes(request, obj):
            return super().revision_view(request, object_id, version_id, extra_context)
        # An Editor's restore of a live record becomes its pending draft; the live record, its
        # status and any draft it had stay as they are until a Publisher decides.
        request.restoring = True
        request.stages = True
        with self.staging(request, obj):
            response = super().revision_view(request, object_id, version_id, extra_context)
        if getattr(request, "staged", None) is not None:
            version = Version.objects.get(pk=version_id)
            AuditEntry.record(
                request.user,
                AuditEntry.Action.RESTORE,
                obj,
                detail=gettext("Version saved on %(time)s, kept as a pending draft")
                % {"time": local_time(version.revision.date_created)},
            )
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        stored = getattr(request, "stored_version", None)
        if stored is not None and object_id is not None:
            self.model._base_manager.filter(pk=unquote(object_id)).update(version=stored)
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if obj is None or not self.stages_changes(request, obj):
            return super().changeform_view(request, object_id, form_url, extra_context)
        with self.staging(request, obj):
            pending = PendingChange.objects.for_record(obj)
            if pending is not None and not getattr(request, "restoring", False):
                drafts.apply(obj, pending.snapshot)
            request.pending_number = pending.number if pending else 0
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    # Pending drafts of live records (portal/drafts.py).

    def stages_changes(self, request: HttpRequest, obj) -> bool:
        """Whether this user's changes to `obj` wait for review instead of going live."""
        return editorial.is_live(obj) and not self.has_publish_permission(request)

    @contextmanager
    def create_revision(self, request: HttpRequest):
        # A change kept as a pending draft is no version of the live record: it enters the
        # history when a Publisher publishes it (portal/drafts.py).
        if getattr(request, "stages", False):
            with reversion.create_revision(manage_manually=True):
                yield
            return
        with super().create_revision(request):
            yield

    @contextmanager
    def staging(self, request: HttpRequest, obj):
        """Run a form view over `obj` in a transaction that is rolled back; what its save wrote
        becomes the record's pending draft (`request.staged` is then that draft).

        Nested calls (a restore runs the change form) leave the keeping to the outermost one.
        """
        if getattr(request, "staging", False):
            yield
            return
        request.staging = True
        request.staged_snapshot = None
        request.staged = None
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                yield
                transaction.set_rollback(True)
        finally:
            request.staging = False
        if request.staged_snapshot is not None and "_preview" not in request.POST:
            request.staged = drafts.keep(obj, request.staged_snapshot, request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if getattr(request, "staging", False):
            request.staged_snapshot = drafts.take_snapshot(form.instance)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.pending_number = getattr(request, "pending_number", None)
        return form

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # Django's "changed successfully" would be wrong for a change kept as a draft.
        if getattr(request, "staging", False):
            return
        # A save that moved the status says what happened instead of "changed successfully"
        # (Django's response_add and response_change send that as the save's one success).
        named = getattr(request, "status_message", None)
        if named and level == messages.SUCCESS:
            request.status_message = None
            message = named
        super().message_user(request, message, level, *args, **kwargs)

    def response_change(self, request, obj):
        if "_preview" in request.POST:
            return render_as_public(request, obj)
        if getattr(request, "staging", False):
            messages.success(
                request,
                gettext(
                    "Saved as a pending draft of “%(record)s”. Visitors still see the published "
                    "version until a Publisher publishes the draft."
                )
                % {"record": obj},
            )
            if "_continue" in request.POST:
                return HttpResponseRedirect(request.path)
            return HttpResponseRedirect(self.draft_url(obj))
        return super().response_change(request, obj)

    def draft_url(self, obj) -> str:
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_draft", args=[obj.pk]
        )

    def draft_view(self, request, object_id):
        """The pending draft of a live record: what it changes, and what may be done with it."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        pending = PendingChange.objects.for_record(obj)
        may_publish = self.has_publish_permission(request)
        if request.method == "POST":
            return self.act_on_draft(request, obj, pending, request.POST.get("action", ""))
        if pending is None:
            messages.info(request, gettext("“%(record)s” has no pending draft.") % {"record": obj})
            return HttpResponseRedirect(self.change_url(obj))
        with transaction.atomic(using=router.db_for_write(self.model)):
            changes = drafts.diff(obj, pending.snapshot)
            transaction.set_rollback(True)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Pending draft of “%(record)s”") % {"record": obj},
            "original": obj,
            "pending": pending,
            "changes": changes,
            "live_changed": pending.base_version != obj.version,
            "since": local_time(pending.created_at),
            "saved": local_time(pending.updated_at),
            "may_publish": may_publish,
            "may_edit": self.has_change_permission(request, obj),
            "preview_urls": [
                (code, name, f"{self.draft_url(obj)}preview/?lang={code}")
                for code, name in settings.LANGUAGES
            ],
            "change_url": self.change_url(obj),
        }
        return TemplateResponse(request, "admin/portal/pending_draft.html", context)

    def change_url(self, obj) -> str:
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]
        )

    def act_on_draft(self, request, obj, pending, action: str) -> HttpResponse:
        """Submit, publish, send back or discard a pending draft."""
        if pending is None:
            messages.error(request, gettext("This draft was published or discarded meanwhile."))
            return HttpResponseRedirect(self.change_url(obj))
        may_publish = self.has_publish_permission(request)
        if action == "submit" and self.has_change_permission(request, obj):
            pending.state = PendingChange.State.REVIEW
            pending.submitted_at = timezone.now()
            pending.comment = ""
            pending.save(update_fields=["state", "submitted_at", "comment"])
            AuditEntry.record(request.user, AuditEntry.Action.SUBMIT, obj, gettext("Pending draft"))
            notify.submitted(request, pending, obj)
            messages.success(request, gettext("Submitted for review: a Publisher has been told."))
            return HttpResponseRedirect(self.draft_url(obj))
        if action == "publish" and may_publish:
            drafts.publish(obj, pending, request.user)
            notify.published(request, pending, obj)
            messages.success(
                request,
                gettext("Published the pending draft: visitors now see the change."),
            )
            return HttpResponseRedirect(self.change_url(obj))
        if action == "send_back" and may_publish:
            pending.state = PendingChange.State.DRAFT
            pending.comment = request.POST.get("comment", "").strip()[:2000]
            pending.save(update_fields=["state", "comment"])
            AuditEntry.record(request.user, AuditEntry.Action.SEND_BACK, obj, pending.comment)
            notify.sent_back(request, pending, obj)
            messages.success(request, gettext("Sent back to the author with your comment."))
            return HttpResponseRedirect(self.draft_url(obj))
        if action == "discard" and (may_publish or pending.created_by_id == request.user.pk):
            pending.delete()
            AuditEntry.record(request.user, AuditEntry.Action.DISCARD, obj)
            messages.success(request, gettext("Discarded the pending draft."))
            return HttpResponseRedirect(self.change_url(obj))
        raise PermissionDenied

    def draft_preview_view(self, request, object_id):
        """The public page as it will be once the pending draft is published."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        pending = PendingChange.objects.for_record(obj)
        if pending is None:
            raise Http404
        language = request.GET.get("lang")
        if language not in dict(settings.LANGUAGES):
            language = translation.get_language()
        with (
            translation.override(language),
            transaction.atomic(using=router.db_for_write(self.model)),
        ):
            response = render_as_public(request, drafts.apply(obj, pending.snapshot))
            transaction.set_rollback(True)
        return response

    # Preview.

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/draft/",
                self.admin_site.admin_view(self.draft_view),
                name=f"{opts.app_label}_{opts.model_name}_draft",
            ),
            path(
                "<path:object_id>/draft/preview/",
                self.admin_site.admin_view(self.draft_preview_view),
                name=f"{opts.app_label}_{opts.model_name}_draft_preview",
            ),
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name=f"{opts.app_label}_{opts.model_name}_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        """The stored record's public page, as visitors would see it once it is published."""
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(self.model)):
            response = render_as_public(request, obj)
            transaction.set_rollback(True)
        return response

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "POST" and "_preview" in request.POST:
            return self.preview_unsaved(request, None, form_url, extra_context)
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        request.stages = obj is not None and self.stages_changes(request, obj)
        if request.method == "POST" and "_preview" in request.POST:
            return self.preview_unsaved(request, object_id, form_url, extra_context)
        return super().change_view(request, object_id, form_url, extra_context)

    def preview_unsaved(self, request, object_id, form_url, extra_context):
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

    def response_add(self, request, obj, post_url_continue=None):
        if "_preview" in request.POST:
            return render_as_public(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            pending = PendingChange.objects.for_record(obj)
            context |= {
                "status_badge": status_badge(obj),
                "pending": pending,
                "staging": getattr(request, "staging", False),
                "draft_url": self.draft_url(obj),
            }
            if pending is not None:
                context["pending_since"] = local_time(pending.created_at)
                context["pending_saved"] = local_time(pending.updated_at)
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


def status_message(obj, old_status: str) -> str:
    """What a save that moved `obj`'s status (or its publication time) did, in words."""
    values = {"record": obj}
    if obj.is_scheduled():
        return gettext("Scheduled for %(time)s: visitors see “%(record)s” from then.") % {
            **values,
            "time": long_local_time(obj.published_at),
        }
    if obj.status == Status.PUBLISHED:
        return gettext("Published: visitors now see “%(record)s”.") % values
    if obj.status == Status.REVIEW:
        return gettext("Submitted for review: “%(record)s” waits for a Publisher.") % values
    if obj.status == Status.ARCHIVED:
        return gettext("Archived: visitors are told that “%(record)s” was withdrawn.") % values
    if old_status in editorial.LIVE_STATES:
        return gettext("Unpublished (back to draft): visitors no longer see “%(record)s”.") % values
    return gettext("Back to draft: “%(record)s” no longer waits for review.") % values


def status_badge(obj) -> dict[str, str]:
    """Where a record stands, for the top of its change form."""
    if obj.is_scheduled():
        return {
            "state": "scheduled",
            "label": gettext("Scheduled"),
            "detail": gettext("Visitors see it from %(time)s.")
            % {"time": local_time(obj.published_at)},
        }
    details = {
        Status.DRAFT: gettext("Visitors do not see it."),
        Status.REVIEW: gettext("Waiting for a Publisher; visitors do not see it."),
        Status.PUBLISHED: gettext("Visitors see it."),
        Status.ARCHIVED: gettext("Visitors are told it was withdrawn."),
    }
    return {
        "state": obj.status,
        "label": obj.get_status_display().capitalize(),
        "detail": details[obj.status],
    }


def render_as_public(request: HttpRequest, obj) -> HttpResponse:
    """Render `obj`'s public page through the public view itself, as if it were published.

    Must run inside a transaction the caller rolls back: the record is marked published (with a
    publication time that has come) for the length of the render only.
    """
    type(obj)._base_manager.filter(pk=obj.pk).update(
        status=Status.PUBLISHED, published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
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


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are written by the actions they record."""

    list_display = ("created_at", "user", "action", "content_type", "object_repr", "detail")
    list_filter = ("action", "content_type", "user")
    list_select_related = ("user", "content_type")
    search_fields = ("object_repr", "detail", "user__username")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
