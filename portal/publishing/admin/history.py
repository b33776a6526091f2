"""History: django-reversion records every save (who, when, the whole record with its inline
rows and links); the history page shows what each save changed, and any version can be
restored. Deleted records are recovered from the same snapshots, with the links other records
held to them.
"""

import reversion
from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import F, Field, Model, ProtectedError, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, pgettext
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Revision, Version
from reversion.utils import mute_signals

from portal.publishing import bulk, drafts, history, notes
from portal.publishing.models import AuditEntry, Publishable
from portal.publishing.times import local_time
from portal.publishing.translations import listed


class HistoryAdmin(VersionAdmin):
    """Every save recorded; a readable diff per save; restore and recover, both audited."""

    object_history_template = "admin/portal/object_history.html"
    history_latest_first = True

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

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            self.record_first_version(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def log_addition(self, request: HttpRequest, obj: Model, message) -> LogEntry:
        entry = super().log_addition(request, obj, message)
        keep_untranslated(entry)
        return entry

    def log_change(self, request: HttpRequest, obj: Model, message) -> LogEntry:
        entry = super().log_change(request, obj, message)
        keep_untranslated(entry)
        return entry

    def record_first_version(self, request: HttpRequest, object_id: str) -> None:
        """Before the first change made in the admin, record the record as it was.

        Demo content and imported rows were not saved through the admin and have no history;
        this keeps their original state restorable.
        """
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            history.keep_first_state(obj)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        if not hasattr(response, "context_data"):
            # A record that no longer exists: Django's redirect with its message.
            return response
        opts = self.model._meta
        for action in response.context_data.get("action_list", []):
            version_id = action["url"].rstrip("/").rsplit("/", 1)[-1]
            action["changes_url"] = reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changes",
                args=[object_id, version_id],
            )
        return response

    def own_version(self, version_id: str, object_id: str | None = None) -> Version:
        """A version of this admin's model (of the record `object_id`, when given), or 404.

        Restoring a version restores the whole revision it belongs to: a version of another
        model, reached through this admin's address, would restore that record outside its own
        admin's permissions and workflow (a zone an Editor may not publish, say).
        """
        filters = {"pk": version_id, "content_type": ContentType.objects.get_for_model(self.model)}
        if object_id is not None:
            filters["object_id"] = unquote(object_id)
        return get_object_or_404(Version, **filters)

    def changes_view(self, request: HttpRequest, object_id: str, version_id: str) -> HttpResponse:
        """What one save changed: each field before and after, with a word-level diff."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        version = self.own_version(version_id, object_id)
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
            "parts": drafts.between_versions(before_version, version),
            "restore_url": reverse(
                f"{self.admin_site.name}:{self.model._meta.app_label}_"
                f"{self.model._meta.model_name}_revision",
                args=[object_id, version.pk],
            ),
        }
        return TemplateResponse(request, "admin/portal/version_changes.html", context)

    def revision_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> HttpResponse:
        version = self.own_version(version_id, object_id)
        revision_of_its_own(version)
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if refusal := restore_blocked_by(version):
            return self.restore_refused(request, object_id, refusal)
        try:
            response = super().revision_view(request, object_id, version_id, extra_context)
        except IntegrityError:
            # The database checks references when the restore commits; the trial above should
            # have seen this, but a record deleted in between would still end here.
            return self.restore_refused(request, object_id, missing_message(version.revision))
        if request.method == "POST" and response.status_code == 302:
            version = Version.objects.get(pk=version_id)
            saved_on = local_time(version.revision.date_created)
            note_restored(self.model, version.object_id, saved_on)
            AuditEntry.record(
                request.user,
                AuditEntry.Action.RESTORE,
                self.model._base_manager.filter(pk=version.object_id).first(),
                detail=notes.note(notes.VERSION_SAVED, time=saved_on),
                model=self.model,
            )
        return response

    def restore_refused(self, request: HttpRequest, object_id: str, message: str) -> HttpResponse:
        """Back to the record's history, saying why the version was not restored."""
        self.message_user(request, message, messages.ERROR)
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_history",
                args=[object_id],
            )
        )

    def recover_view(
        self, request: HttpRequest, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        revision_of_its_own(self.own_version(version_id))
        response = super().recover_view(request, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302:
            version = Version.objects.get(pk=version_id)
            obj = self.model._base_manager.filter(pk=version.object_id).first()
            if obj is not None:
                restore_incoming_links(obj)
            note_restored(self.model, version.object_id, local_time(version.revision.date_created))
            AuditEntry.record(request.user, AuditEntry.Action.RECOVER, obj, model=self.model)
        return response

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        if request.method == "POST" and request.POST.get("action") == "delete_selected":
            # Outside the revision VersionAdmin opens around the list: reversion saves a
            # revision when its outermost block ends, and leaves out the records that are gone
            # by then, so the snapshots taken before the delete would be lost.
            return super(VersionAdmin, self).changelist_view(request, extra_context)
        return super().changelist_view(request, extra_context)

    def snapshot_before_delete(self, request: HttpRequest, objects) -> None:
        """Record the records as they are, with their inline rows, so they can be recovered.

        Records that were never saved through the admin (demo content, imports) have no history
        yet; without this they could not be brought back. Each in a revision of its own, so
        that recovering one brings back that one alone.
        """
        for obj in objects:
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(notes.note(notes.DELETED))
                reversion.add_to_revision(obj)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        self.snapshot_before_delete(request, [obj])
        AuditEntry.record(request.user, AuditEntry.Action.DELETE, obj, links=incoming_links(obj))
        super().delete_model(request, obj)
        touch_parents(obj)

    def save_model(self, request: HttpRequest, obj: Model, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        touch_parents(obj)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Django saves the rows of a link table it made (a release's events) without the
        # signal by which reversion adds a saved row to the revision, and the record's links
        # were read when the record was saved, before its rows: read again, as saved.
        if reversion.is_active() and not reversion.is_manage_manually():
            reversion.add_to_revision(form.instance)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        rows = [
            *formset.new_objects,
            *(obj for obj, _fields in formset.changed_objects),
            *formset.deleted_objects,
        ]
        for row in rows:
            touch_parents(row, exclude=form.instance)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        if any(not self.has_delete_permission(request, obj) for obj in queryset):
            raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(self.model)), bulk.many_saves():
            self.snapshot_before_delete(request, queryset)
            for obj in queryset:
                AuditEntry.record(
                    request.user, AuditEntry.Action.DELETE, obj, links=incoming_links(obj)
                )
            super().delete_queryset(request, queryset)


def record_pk(model: type[Model], object_id: str):
    """The primary key an admin address names (quoted as the admin quotes it), or 404: the
    history's pages read the record before the admin's own lookup would refuse a bad one."""
    try:
        return model._meta.pk.to_python(unquote(object_id))
    except ValidationError:
        raise Http404 from None


def keep_untranslated(entry: LogEntry) -> None:
    """The revision's comment as the admin's log keeps it (JSON), which the history translates
    for whoever reads it (notes.py); reversion stores it translated, in the saver's language."""
    if reversion.is_active():
        reversion.set_comment(entry.change_message)


def note_restored(model: type[Model], object_id, saved_on: str) -> None:
    """The newest revision of the record, which a restore or a recovery just wrote, says what
    it restored, in the reader's language (reversion writes its own note in the restorer's)."""
    latest = Version.objects.get_for_object_reference(model, object_id).first()
    if latest is not None:
        Revision.objects.filter(pk=latest.revision_id).update(
            comment=notes.note(notes.RESTORED, time=saved_on)
        )


def restore_blocked_by(version: Version) -> str:
    """Why `version` cannot be restored, in a sentence for the admin, or "" when it can.

    Restoring deletes the rows added since (a park), and a protected reference to one of them
    (a release's figure of the park) refuses that; and it writes back the rows it holds, whose
    references the database checks only when the restore commits (its foreign keys are
    deferred), so a figure whose metric was deleted since would be refused then, not here: the
    trial checks them itself. Tried and rolled back, with the signals muted as when the restore
    form itself is shown: the page cache and the search index hear of nothing.
    """
    signals = (pre_save, post_save, pre_delete, post_delete, m2m_changed)
    try:
        with mute_signals(*signals), transaction.atomic(using=version.db):
            version.revision.revert(delete=True)
            connections[version.db].check_constraints(table_names=tables_of(version.revision))
            transaction.set_rollback(True)
    except ProtectedError as error:
        message = gettext(
            "This version cannot be restored: restoring it would delete a part of the "
            "record that other records refer to (%(records)s). Change them first."
        )
        records = listed(sorted({str(record) for record in error.protected_objects}))
        return message % {"records": records}
    except IntegrityError:
        return missing_message(version.revision)
    except RevertError:  # the restore refuses it in its own words
        pass
    return ""


def tables_of(revision: Revision) -> list[str]:
    """The tables a restore of `revision` writes to: its rows' and their links'. SQLite checks
    each one whole; PostgreSQL checks what the transaction wrote, whatever the list."""
    models = {version._model for version in revision.version_set.all()} - {None}
    tables = set()
    for model in models:
        tables.add(model._meta.db_table)
        tables.update(
            field.remote_field.through._meta.db_table for field in model._meta.many_to_many
        )
    return sorted(tables)


def missing_message(revision: Revision) -> str:
    """Why the database refuses `revision`: the records its rows refer to that are gone."""
    missing = missing_records(revision)
    if not missing:
        return gettext(
            "This version cannot be restored: it refers to records that no longer exist."
        )
    message = gettext(
        "This version cannot be restored: it refers to records deleted since (%(records)s). "
        "Recover them first."
    )
    return message % {"records": listed(missing)}


def missing_records(revision: Revision) -> list[str]:
    """The records the rows of `revision` refer to that are no longer in the database, and
    that the revision does not bring back itself, named with their kind ("metric “Patents”").
    One query per reference, and one per missing record for its name."""
    versions = list(revision.version_set.all())
    restored = {(version.content_type_id, version.object_id) for version in versions}
    missing = set()
    for version in versions:
        if version._model is None:  # a model that no longer exists
            continue
        for field, pks in references(version):
            target = field.related_model
            content_type = ContentType.objects.get_for_model(target)
            for pk in pks:
                if (content_type.pk, str(pk)) in restored:
                    continue
                if not target._base_manager.filter(pk=pk).exists():
                    missing.add(deleted_name(target, pk))
    return sorted(missing)


def references(version: Version) -> list[tuple[Field, list]]:
    """Each relation of the row `version` holds, with the primary keys it refers to."""
    fields = version.field_dict
    found = []
    for field in version._model._meta.get_fields():
        if not field.concrete or not field.is_relation:
            continue
        if field.many_to_many:
            found.append((field, list(fields.get(field.attname) or [])))
        # A foreign key to another field than the primary key (to_field) is left to the
        # database: its refusal is then told without names.
        elif field.target_field.primary_key and fields.get(field.attname) is not None:
            found.append((field, [fields[field.attname]]))
    return found


def deleted_name(model: type[Model], pk) -> str:
    """A deleted record named with its kind, as its last version (the one taken before it was
    deleted) names it; by its number when it has none."""
    last = Version.objects.get_for_object_reference(model, pk).first()
    return pgettext("a kind of record and its name", "%(kind)s “%(record)s”") % {
        "kind": model._meta.verbose_name,
        "record": last.object_repr if last else pk,
    }


def revision_of_its_own(version: Version) -> None:
    """Leave `version` in a revision of its record alone, with the record's inline rows.

    Restoring or recovering a version reverts its whole revision, and one revision may hold
    several records: those a list action moved or deleted together, or an import wrote. Reverted
    with it, another record would take back its old state too, published perhaps, by the hand
    of someone who may not publish it. The record's versions move to a revision of their own,
    with the same time, author and comment, so that every record's history reads as before.
    """
    record_id = str(version.object_id)
    parts = []
    others = False
    for other in version.revision.version_set.exclude(pk=version.pk):
        if is_part_of(other, version._model, record_id):
            parts.append(other.pk)
        else:
            others = True
    if not others:
        return
    revision = version.revision
    own = Revision.objects.create(
        date_created=revision.date_created, user_id=revision.user_id, comment=revision.comment
    )
    Version.objects.filter(pk__in=[version.pk, *parts]).update(revision=own)


def is_part_of(version: Version, model: type[Model], record_id: str) -> bool:
    """Whether the version is of a row that belongs to the record `record_id` of `model`: an
    inline row, or a link through a model of its own, holding a foreign key to it."""
    row_model = version._model
    if row_model is None:  # a model that no longer exists
        return False
    return any(
        field.is_relation
        and field.related_model is model
        and str(version.field_dict.get(field.attname)) == record_id
        for field in row_model._meta.concrete_fields
    )


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
    """Give the publishable records `obj` is a part of a new version number.

    A figure saved on its own page, or a membership saved from the enterprise's page, changes
    what the release's or the platform's form shows in its inlines; a form opened before then
    must not save over it. Only the records whose form shows `obj`: those it is a part of, and
    both ends of a link (a release's event inline links the event, whose form lists its
    releases). A figure's zone is not touched, as nothing on the zone's form changed, and its
    form or pending draft would otherwise read as overtaken by someone else's save. Records
    that are publishable themselves are skipped: their own version covers them.
    """
    if isinstance(obj, Publishable):
        return
    link = obj._meta.auto_created
    for field in obj._meta.concrete_fields:
        target = field.related_model if field.many_to_one else None
        if target is None or not issubclass(target, Publishable):
            continue
        if not link and (type(obj), field.name) not in drafts.parts_of(target):
            continue
        pk = getattr(obj, field.attname)
        if pk is None or (exclude is not None and isinstance(exclude, target) and exclude.pk == pk):
            continue
        target._base_manager.filter(pk=pk).update(version=F("version") + 1)
