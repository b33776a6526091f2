"""Pending drafts of live records in the admin (the model side is portal/publishing/drafts.py):
an Editor's save or restore of a published record runs in a transaction that is rolled back
and is kept as the record's pending draft, with its own page to review, preview, submit,
publish, send back or discard it.
"""

from contextlib import contextmanager

import reversion
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from reversion.models import Version

from portal.publishing import drafts, editorial, notes, notify
from portal.publishing.admin.preview import render_as_public
from portal.publishing.models import AuditEntry, PendingChange
from portal.publishing.times import local_time, long_local_time


class PendingDraftsMixin:
    """An Editor's change to a live record is kept as its pending draft, never saved over it.

    Needs `has_publish_permission` (WorkflowAdmin) and a preview (`render_as_public`).
    """

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
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        request.stages = obj is not None and self.stages_changes(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def revision_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.stages_changes(request, obj):
            return super().revision_view(request, object_id, version_id, extra_context)
        # An Editor's restore of a live record becomes its pending draft; the live record, its
        # status and any draft it had stay as they are until a Publisher decides.
        request.live_record = str(obj)
        request.live_public = obj.is_published()
        request.restoring = True
        request.stages = True
        with self.holding_draft(request, obj), self.staging(request, obj):
            response = super().revision_view(request, object_id, version_id, extra_context)
        if getattr(request, "staged", None) is not None:
            version = Version.objects.get(pk=version_id)
            AuditEntry.record(
                request.user,
                AuditEntry.Action.RESTORE,
                obj,
                detail=notes.note(
                    notes.VERSION_KEPT, time=local_time(version.revision.date_created)
                ),
            )
        return response

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if obj is None or not self.stages_changes(request, obj):
            return super().changeform_view(request, object_id, form_url, extra_context)
        with self.holding_draft(request, obj) as obj:
            return self.staged_changeform_view(request, obj, object_id, form_url, extra_context)

    def staged_changeform_view(
        self,
        request: HttpRequest,
        obj: Model,
        object_id: str,
        form_url: str,
        extra_context: dict | None,
    ) -> HttpResponse:
        # The record as visitors know it, for the messages (the form shows the draft), and as
        # stored, to say what someone else changed in it if the form is refused. (A restore
        # has written the version it restores into the record by now: revision_view says.)
        if not getattr(request, "restoring", False):
            request.live_record = str(obj)
            request.live_public = obj.is_published()
        request.live_version = obj.version
        if request.method == "POST":
            request.live_snapshot = drafts.take_snapshot(obj)
        with self.staging(request, obj):
            pending = PendingChange.objects.for_record(obj)
            if pending is not None and not getattr(request, "restoring", False):
                shown = drafts.apply(obj, pending, lenient=True)
                if shown.draft_conflicts and request.method == "GET":
                    messages.warning(
                        request,
                        gettext(
                            "Another record has taken what the pending draft gives as "
                            "%(names)s. The form shows the published value instead: choose "
                            "another and save the draft again."
                        )
                        % {"names": ", ".join(shown.draft_conflicts)},
                    )
            request.pending = pending
            request.pending_number = pending.number if pending else 0
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    @contextmanager
    def holding_draft(self, request: HttpRequest, obj: Model):
        """For a POST, a transaction holding the record's lock (drafts.lock) from before its
        draft is read until what the request does to it is kept: two people saving, publishing
        or discarding one draft at once take turns, and the second is checked against what the
        first did. Gives the record as read under the lock."""
        if request.method != "POST":
            yield obj
            return
        with transaction.atomic(using=router.db_for_write(self.model)):
            yield drafts.lock(obj)

    def stages_changes(self, request: HttpRequest, obj: Model) -> bool:
        """Whether this user's changes to `obj` wait for review instead of going live."""
        return editorial.is_live(obj) and not self.has_publish_permission(request)

    @contextmanager
    def create_revision(self, request: HttpRequest):
        # A change kept as a pending draft is no version of the live record: it enters the
        # history when a Publisher publishes it (portal/publishing/drafts.py).
        if getattr(request, "stages", False):
            with reversion.create_revision(manage_manually=True):
                yield
            return
        with super().create_revision(request):
            yield

    @contextmanager
    def staging(self, request: HttpRequest, obj: Model):
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

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if getattr(request, "staging", False):
            snapshot = drafts.take_snapshot(form.instance)
            starts_draft = getattr(request, "pending", None) is None
            if (
                starts_draft
                and not getattr(request, "restoring", False)
                and not drafts.between(self.model, request.live_snapshot, snapshot)
            ):
                # A save with nothing changed starts no draft for a Publisher to review. (A
                # restore is compared in the draft; the record here is already the version.)
                request.unchanged = True
                return
            request.staged_snapshot = snapshot

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, **kwargs
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, **kwargs)
        form.pending = getattr(request, "pending", None)
        form.live_snapshot = getattr(request, "live_snapshot", None)
        form.live_version = getattr(request, "live_version", None)
        form.pending_number = getattr(request, "pending_number", None)
        return form

    def message_user(self, request: HttpRequest, message: str, *args, **kwargs) -> None:
        # Django's "changed successfully" would be wrong for a change kept as a draft.
        if not getattr(request, "staging", False):
            super().message_user(request, message, *args, **kwargs)

    def response_change(self, request: HttpRequest, obj: Model) -> HttpResponse:
        if getattr(request, "unchanged", False) and "_preview" not in request.POST:
            messages.info(
                request,
                gettext("Nothing was changed in “%(record)s”, so no pending draft was made.")
                % {"record": getattr(request, "live_record", obj)},
            )
            return HttpResponseRedirect(request.path)
        if getattr(request, "staging", False) and "_preview" not in request.POST:
            if getattr(request, "live_public", True):
                saved = gettext(
                    "Saved as a pending draft of “%(record)s”. Visitors still see the published "
                    "version until a Publisher publishes the draft."
                )
            else:
                # Archived, or published for a time to come: visitors see no version now.
                saved = gettext(
                    "Saved as a pending draft of “%(record)s”, which stays as it is until a "
                    "Publisher publishes the draft."
                )
            messages.success(request, saved % {"record": getattr(request, "live_record", obj)})
            if "_continue" in request.POST:
                return HttpResponseRedirect(request.path)
            return HttpResponseRedirect(self.draft_url(obj))
        return super().response_change(request, obj)

    def draft_url(self, obj) -> str:
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_draft", args=[obj.pk]
        )

    def draft_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The pending draft of a live record: what it changes, and what may be done with it."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        may_publish = self.has_publish_permission(request)
        if request.method == "POST":
            with self.holding_draft(request, obj) as obj:
                pending = PendingChange.objects.for_record(obj)
                return self.act_on_draft(request, obj, pending, request.POST.get("action", ""))
        pending = PendingChange.objects.for_record(obj)
        if pending is None:
            messages.info(request, gettext("“%(record)s” has no pending draft.") % {"record": obj})
            return HttpResponseRedirect(self.change_url(obj))
        with transaction.atomic(using=router.db_for_write(self.model)):
            changes = drafts.diff(obj, pending)
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

    def act_on_draft(self, request: HttpRequest, obj: Model, pending, action: str) -> HttpResponse:
        """Submit, publish, send back or discard a pending draft."""
        if pending is None:
            messages.error(request, gettext("This draft was published or discarded meanwhile."))
            return HttpResponseRedirect(self.change_url(obj))
        if request.POST.get("number") != str(pending.number) or request.POST.get("draft") != str(
            pending.pk
        ):
            # Someone saved the draft after this page showed it, or discarded it and started
            # another: what would be published, sent back or discarded is not what it showed.
            messages.error(
                request,
                gettext(
                    "The draft was saved again after this page showed it. See what it changes "
                    "now, then choose again."
                ),
            )
            return HttpResponseRedirect(self.draft_url(obj))
        may_publish = self.has_publish_permission(request)
        if action == "submit" and self.has_change_permission(request, obj):
            pending.state = PendingChange.State.REVIEW
            pending.submitted_at = timezone.now()
            pending.comment = ""
            pending.save(update_fields=["state", "submitted_at", "comment"])
            AuditEntry.record(
                request.user, AuditEntry.Action.SUBMIT, obj, notes.note(notes.PENDING_DRAFT)
            )
            notify.submitted(request, obj, "draft")
            messages.success(request, gettext("Submitted for review: a Publisher has been told."))
            return HttpResponseRedirect(self.draft_url(obj))
        if action == "publish" and may_publish:
            try:
                saved = drafts.publish(obj, pending, request.user)
            except drafts.DraftConflict as conflict:
                messages.error(
                    request,
                    gettext(
                        "The draft cannot be published: another record has taken what it gives "
                        "as %(names)s since it was saved. Edit the draft, choose another and "
                        "save it again."
                    )
                    % {"names": ", ".join(conflict.names)},
                )
                return HttpResponseRedirect(self.draft_url(obj))
            notify.published(request, obj, [pending.created_by, pending.updated_by])
            messages.success(request, published_message(saved))
            return HttpResponseRedirect(self.change_url(obj))
        if action == "send_back" and may_publish and pending.state == PendingChange.State.REVIEW:
            comment = request.POST.get("comment", "").strip()[:2000]
            if not comment:
                messages.error(request, gettext("Say what the author should change."))
                return HttpResponseRedirect(self.draft_url(obj))
            pending.state = PendingChange.State.DRAFT
            pending.comment = comment
            pending.save(update_fields=["state", "comment"])
            AuditEntry.record(request.user, AuditEntry.Action.SEND_BACK, obj, pending.comment)
            notify.sent_back(
                request, obj, [pending.created_by, pending.updated_by], pending.comment
            )
            messages.success(request, gettext("Sent back to the author with your comment."))
            return HttpResponseRedirect(self.draft_url(obj))
        if action == "discard" and (may_publish or pending.created_by_id == request.user.pk):
            if request.POST.get("confirmed") != "yes":
                # Nothing keeps a discarded draft: asked once more.
                context = {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": gettext("Discard the pending draft of “%(record)s”?")
                    % {"record": obj},
                    "original": obj,
                    "pending": pending,
                    "change_url": self.change_url(obj),
                    "draft_url": self.draft_url(obj),
                }
                return TemplateResponse(request, "admin/portal/discard_draft.html", context)
            pending.delete()
            AuditEntry.record(request.user, AuditEntry.Action.DISCARD, obj)
            messages.success(request, gettext("Discarded the pending draft."))
            return HttpResponseRedirect(self.change_url(obj))
        raise PermissionDenied

    def draft_preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The public page as it will be once the pending draft is published."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
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
            response = render_as_public(request, drafts.apply(obj, pending, lenient=True))
            transaction.set_rollback(True)
        return response

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
            pending = PendingChange.objects.for_record(obj)
            context |= {
                "pending": pending,
                "staging": getattr(request, "staging", False),
                "draft_url": self.draft_url(obj),
            }
            if pending is not None:
                context["pending_since"] = local_time(pending.created_at)
                context["pending_saved"] = local_time(pending.updated_at)
        return super().render_change_form(request, context, add, change, form_url, obj)


def published_message(record: Model) -> str:
    """What publishing a record's pending draft changed for visitors."""
    if record.is_published():
        return gettext("Published the pending draft: visitors now see the change.")
    if record.is_scheduled():
        return gettext(
            "Published the pending draft: visitors see the change from %(time)s, when the record "
            "is published."
        ) % {"time": long_local_time(record.published_at)}
    return gettext(
        "Published the pending draft into the record, which visitors do not see: it is %(status)s."
    ) % {"status": record.get_status_display()}
