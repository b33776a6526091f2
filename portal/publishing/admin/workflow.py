"""The publishing workflow in the admin: Editors draft and submit for review; only users with
the model's `publish` permission (the Publishers group) publish, schedule, unpublish or
archive, whether through an action, the form or a hand-made POST. Every status change is
audited and says what happened.
"""

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from portal.publishing import bulk, editorial, notes, notify
from portal.publishing.admin.drafts import PendingDraftsMixin
from portal.publishing.admin.history import HistoryAdmin, record_pk
from portal.publishing.admin.locking import LockingMixin
from portal.publishing.admin.preview import PreviewMixin
from portal.publishing.models import AuditEntry, Publishable, Status, published_q
from portal.publishing.times import local_time, long_local_time, same_minute
from portal.publishing.translations import listed


class WorkflowAdmin(LockingMixin, PendingDraftsMixin, PreviewMixin, HistoryAdmin):
    """Status filter and column, workflow actions, guarded status, locking, drafts and preview."""

    change_form_template = "admin/portal/change_form.html"
    actions = ("submit_for_review", "publish", "unpublish", "archive")

    # Permissions.

    def has_publish_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple:
        fields = tuple(super().get_readonly_fields(request, obj))
        if self.has_publish_permission(request):
            return fields
        # The publication time as the lists write it, with its time zone (see get_fieldsets).
        if obj is not None and self.stages_changes(request, obj):
            # The live record's status is not part of its draft.
            return (*fields, "status", "publication_time")
        return (*fields, "publication_time")

    def get_view_on_site_url(self, obj: Model | None = None) -> str | None:
        # A record visitors do not see (a draft, one in review, scheduled or archived, or one
        # in a zone that is not public) has no page to view: its previews show it instead.
        if obj is None or not type(obj)._default_manager.filter(pk=obj.pk).published().exists():
            return None
        return super().get_view_on_site_url(obj)

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

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> list:
        fieldsets = super().get_fieldsets(request, obj)
        # The hidden versions ride along in the last fieldset (Publishing).
        name, options = fieldsets[-1]
        if not self.has_publish_permission(request):
            # Who may not schedule reads the time, without the help on scheduling.
            shown = tuple(
                "publication_time" if field == "published_at" else field
                for field in options["fields"]
            )
            options = {**options, "fields": shown}
            fieldsets = [*fieldsets[:-1], (name, options)]
        if "seen_version" not in options["fields"]:
            hidden = (
                "seen_version",
                "seen_draft",
                "seen_draft_id",
                "based_on",
                "draft_based_on",
            )
            fieldsets = [
                *fieldsets[:-1],
                (name, {**options, "fields": (*options["fields"], *hidden)}),
            ]
        return fieldsets

    def save_model(self, request: HttpRequest, obj: Model, form, change: bool) -> None:
        # A restore has already written the old version's status to the row: the status it
        # changes is the one the record had before (see revision_view).
        before = getattr(request, "status_before_restore", None)
        previous = type(obj)._base_manager.filter(pk=obj.pk).first() if change else None
        if before is not None:
            old_status, old_time = before
        else:
            old_status = previous.status if previous else Status.DRAFT
            old_time = previous.published_at if previous else None
        if obj.published_at and old_time and same_minute(obj.published_at, old_time):
            # The form drops the stored time's microseconds: sent back as shown, it is the
            # same time, not a new publication.
            obj.published_at = old_time
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

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        # After the links are saved: a release published with the zones and enterprises it
        # names still drafts showed none of them, and an enterprise published in a draft zone
        # was said to be seen.
        stored = type(obj)._default_manager.filter(pk=obj.pk)
        if not getattr(request, "status_message", None) or not stored.filter(published_q()):
            return
        if not stored.published().exists():
            request.status_message = gettext(
                "Published, but visitors do not see “%(record)s” until what it sits in is "
                "published too: %(records)s."
            ) % {"record": obj, "records": named(hidden_links([obj], sits_in=True))}
            request.status_level = messages.WARNING
        elif hidden := hidden_links([obj]):
            message = gettext("Not shown with “%(record)s” until they are published: %(records)s.")
            values = {"record": obj, "records": named(hidden)}
            self.message_user(request, message % values, messages.WARNING)

    # Restores. A version holds the status and publication time the record had then; restoring
    # it must not publish, unpublish or reschedule for a user who may not.

    def revision_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> HttpResponse:
        request.status_before_restore = self.model._base_manager.filter(
            pk=record_pk(self.model, object_id)
        ).values_list("status", "published_at").first() or (Status.DRAFT, None)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(
        self, request: HttpRequest, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        # A deleted record is public nowhere: recovered, it is public only if a Publisher says.
        request.status_before_restore = (Status.DRAFT, None)
        return super().recover_view(request, version_id, extra_context)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        before = getattr(request, "status_before_restore", None)
        if before is not None and object_id and not self.has_publish_permission(request):
            self.keep_status(unquote(object_id), *before)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def keep_status(self, pk: str, status: str, published_at) -> None:
        """Give the restored row back the status and publication time it had before the restore
        wrote the version's; saved, so that the search index and the page cache follow. Inside
        the restore's transaction: rolled back with it when the form is only shown."""
        obj = self.model._base_manager.filter(pk=pk).first()
        if obj is not None and (obj.status, obj.published_at) != (status, published_at):
            obj.status, obj.published_at = status, published_at
            obj.save(update_fields=["status", "published_at"])

    def audit_status(self, request: HttpRequest, obj: Model, old_status: str) -> None:
        action = {
            Status.REVIEW: AuditEntry.Action.SUBMIT,
            Status.PUBLISHED: AuditEntry.Action.PUBLISH,
            Status.ARCHIVED: AuditEntry.Action.ARCHIVE,
            Status.DRAFT: AuditEntry.Action.UNPUBLISH,
        }[obj.status]
        if obj.status == Status.DRAFT and old_status == Status.REVIEW:
            # A Publisher asking for changes before publishing: the authors hear of it.
            AuditEntry.record(request.user, AuditEntry.Action.SEND_BACK, obj)
            notify.returned(request, obj, notify.authors(obj))
            return
        if obj.status == Status.DRAFT and old_status != Status.PUBLISHED:
            return
        if action == AuditEntry.Action.PUBLISH and obj.is_scheduled():
            action = AuditEntry.Action.SCHEDULE
        detail = ""
        if obj.published_at is not None:
            detail = notes.note(notes.PUBLICATION_TIME, time=local_time(obj.published_at))
        AuditEntry.record(request.user, action, obj, detail=detail)
        if action == AuditEntry.Action.SUBMIT:
            notify.submitted(request, obj)
        elif action in (AuditEntry.Action.PUBLISH, AuditEntry.Action.SCHEDULE):
            notify.published(request, obj, notify.authors(obj))

    # Columns.

    @admin.display(description=_("status"), ordering="status")
    def status_column(self, obj) -> str:
        if obj.is_scheduled():
            return gettext("scheduled for %(time)s") % {"time": local_time(obj.published_at)}
        return obj.get_status_display()

    @admin.display(description=_("publication time"), ordering="published_at")
    def publication_time(self, obj) -> str:
        return local_time(obj.published_at)

    def get_list_display(self, request: HttpRequest) -> tuple:
        return tuple(
            "status_column"
            if name == "status"
            else "publication_time"
            if name == "published_at"
            else name
            for name in super().get_list_display(request)
        )

    # Actions: each saves record by record, so history, version numbers and audit are kept.

    def _move(
        self, request: HttpRequest, queryset: QuerySet, status: str, allowed_from: tuple[str, ...]
    ) -> list:
        """Move the selected records in `allowed_from` to `status`; returns those moved, and
        says why the others were left as they were."""
        moved = []
        left = 0
        with (
            transaction.atomic(using=router.db_for_write(self.model)),
            bulk.many_saves(),
            self.create_revision(request),
        ):
            locked = self.model._default_manager.select_for_update().filter(
                pk__in=list(queryset.values_list("pk", flat=True))
            )
            for obj in locked:
                if obj.status not in allowed_from:
                    left += 1
                    continue
                old_status = obj.status
                obj.status = status
                obj.save()
                self.audit_status(request, obj, old_status)
                moved.append(obj)
            # The history's "Action" column: what the save was, as a change form's message says.
            reversion.set_comment(notes.note(notes.STATUS_FROM_LIST, status=status))
        if left:
            self.message_user(request, left_as_they_were(status, left), messages.WARNING)
        return moved

    def _say(self, request: HttpRequest, message: str, count: int, **values) -> None:
        self.message_user(request, message % {"count": count, **values}, messages.SUCCESS)

    @admin.action(description=_("Submit selected for review"), permissions=["change"])
    def submit_for_review(self, request: HttpRequest, queryset: QuerySet) -> None:
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
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
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
            self.warn_of_what_is_not_shown(
                request, [obj for obj in moved if not obj.is_scheduled()]
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

    def warn_of_what_is_not_shown(self, request: HttpRequest, published: list[Model]) -> None:
        """After a list action published `published`: which of them visitors still do not see
        (what they sit in is not public), and the records they link to that visitors do not
        see, as the change form says of one record. A few queries, however many were published."""
        seen = set(
            self.model._default_manager.filter(pk__in=[obj.pk for obj in published])
            .published()
            .values_list("pk", flat=True)
        )
        unseen = [(obj._meta.verbose_name, obj) for obj in published if obj.pk not in seen]
        hidden = hidden_links([obj for obj in published if obj.pk in seen])
        if unseen:
            message = gettext(
                "Visitors do not see these until what they sit in is published too: %(records)s."
            )
            self.message_user(request, message % {"records": named(unseen)}, messages.WARNING)
        if hidden:
            message = gettext("Not shown with them until they are published: %(records)s.")
            self.message_user(request, message % {"records": named(hidden)}, messages.WARNING)

    @admin.action(description=_("Unpublish selected (back to draft)"), permissions=["publish"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
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
    def archive(self, request: HttpRequest, queryset: QuerySet) -> None:
        moved = self._move(
            request, queryset, Status.ARCHIVED, (Status.DRAFT, Status.REVIEW, Status.PUBLISHED)
        )
        count = len(moved)
        self._say(
            request,
            ngettext("Archived: %(count)d record.", "Archived: %(count)d records.", count),
            count,
        )

    def message_user(
        self, request: HttpRequest, message: str, level: int = messages.INFO, *args, **kwargs
    ) -> None:
        # A save that moved the status says what happened instead of "changed successfully"
        # (Django's response_add and response_change send that as the save's one success).
        named = getattr(request, "status_message", None)
        if named and level == messages.SUCCESS:
            request.status_message = None
            message = named
            level = getattr(request, "status_level", level)
        super().message_user(request, message, level, *args, **kwargs)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict,
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Model | None = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk:
            context["status_badge"] = status_badge(obj)
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


# At most this many records are named in a warning; the others are counted.
NAMED_AT_MOST = 5


def hidden_links(records: list[Model], sits_in: bool = False) -> list[tuple[str, Model]]:
    """The records that `records` (of one model) link to and visitors do not see, as (kind,
    record), at most NAMED_AT_MOST + 1 of each kind: their pages do not show them. With
    `sits_in`, only those they sit in (their foreign keys: an enterprise's zone), without which
    visitors do not see them at all. One query per kind of link."""
    if not records:
        return []
    hidden = []
    for field in records[0]._meta.get_fields():
        model = field.related_model
        if not (field.is_relation and model and issubclass(model, Publishable)):
            continue
        if field.many_to_many and not sits_in:
            # The name the linked model filters by to reach `records`.
            back = field.related_query_name() if field.concrete else field.field.name
            linked = model._default_manager.filter(**{f"{back}__in": records}).values("pk")
        elif field.many_to_one and field.concrete:
            linked = {getattr(record, field.attname) for record in records} - {None}
        else:
            continue
        public = model._default_manager.published().values("pk")
        hidden += [
            (model._meta.verbose_name, record)
            for record in model._default_manager.filter(pk__in=linked).exclude(pk__in=public)[
                : NAMED_AT_MOST + 1
            ]
        ]
    return hidden


def named(records: list[tuple[str, Model]]) -> str:
    """Records named with their kind, at most NAMED_AT_MOST of them."""
    text = listed(
        pgettext("a kind of record and its name", "%(kind)s “%(record)s”")
        % {"kind": kind, "record": record}
        for kind, record in records[:NAMED_AT_MOST]
    )
    if len(records) > NAMED_AT_MOST:
        text = gettext("%(records)s and more") % {"records": text}
    return text


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


def left_as_they_were(status: str, count: int) -> str:
    """Why a list action moving records to `status` left `count` of the selected ones alone."""
    if status == Status.REVIEW:
        message = ngettext(
            "Left as it was: %(count)d record that is not a draft. The changes to a live record "
            "are submitted from its pending draft's page.",
            "Left as they were: %(count)d records that are not drafts. The changes to a live "
            "record are submitted from its pending draft's page.",
            count,
        )
    elif status == Status.PUBLISHED:
        message = ngettext(
            "Left as it was: %(count)d record already published.",
            "Left as they were: %(count)d records already published.",
            count,
        )
    elif status == Status.DRAFT:
        message = ngettext(
            "Left as it was: %(count)d record already a draft.",
            "Left as they were: %(count)d records already drafts.",
            count,
        )
    else:
        message = ngettext(
            "Left as it was: %(count)d record already archived.",
            "Left as they were: %(count)d records already archived.",
            count,
        )
    return message % {"count": count}
