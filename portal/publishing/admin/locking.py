"""No overwritten work: the form carries the record's version and the saves of its pending
draft (records without a version, such as figures and parks: the record as the form opened it);
a save made from an older version, or over a pending draft someone saved meanwhile, is refused
with the other editor's changes listed and the form's input kept. Saving again keeps that input,
and the other editor's changes to the fields it left alone.
"""

from django import forms
from django.contrib.admin.utils import unquote
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from reversion.models import Version

from portal.publishing import drafts, history
from portal.publishing.admin.history import record_pk
from portal.publishing.admin.slugs import SlugFromNameForm
from portal.publishing.models import PendingChange
from portal.publishing.times import local_time


class ConcurrentEditForm(SlugFromNameForm):
    """What both forms below share: a save after a refused one keeps the other's changes."""

    # The hidden fields that follow other editors' saves: never a change to the record.
    tracking_fields: tuple[str, ...] = ()
    # The fields that keep another editor's change (keep_their_changes).
    kept_theirs: frozenset[str] = frozenset()

    @cached_property
    def changed_data(self) -> list[str]:
        """What this editor changed, as the history names it: not the tracking fields, nor a
        field left alone that keeps another editor's change."""
        ignored = {*self.tracking_fields, *self.kept_theirs}
        return [name for name in super().changed_data if name not in ignored]

    def keep_their_changes(self, base: dict, cleaned_data: dict) -> None:
        """A deliberate save after a refused one: a field this editor left as it was in `base`
        (the values when they opened the form), and someone else changed since, takes the other
        editor's value rather than writing the old one back. A field both changed keeps this
        editor's input, which the refusal showed beside theirs.

        The record as stored is the other editor's: the live record, or inside the admin's
        rolled-back transaction the live record with its pending draft applied.
        """
        current = type(self.instance)._base_manager.get(pk=self.instance.pk)
        stored = history.current_values(current)
        for name, field in model_fields(self.instance, cleaned_data).items():
            before = base.get(field.attname)
            theirs = stored.get(field.attname)
            if history.same_value(before, theirs):
                continue
            if history.same_value(before, stored_form(field, cleaned_data[name])):
                cleaned_data[name] = (
                    list(getattr(current, field.name).all())
                    if field.many_to_many
                    else getattr(current, field.name)
                )
                self.kept_theirs |= {name}


class StoredStateForm(ConcurrentEditForm):
    """For records without a version number (figures, parks, sectors…): the form carries the
    record as it was when opened, signed, and a save over someone else's is refused with their
    changes listed. Saving again keeps this editor's input and the other's changes to the
    fields this one left alone."""

    seen_state = forms.CharField(widget=forms.HiddenInput, required=False)
    # After a refused save: the record as this editor first saw it (see `keep_their_changes`).
    state_based_on = forms.CharField(widget=forms.HiddenInput, required=False)
    tracking_fields = ("seen_state", "state_based_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only for the page that opens the form: a form sent back carries what it was sent.
        if self.instance.pk is not None and not self.is_bound:
            self.fields["seen_state"].initial = signed(drafts.take_snapshot(self.instance))

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        model = type(self.instance)
        # Locks the row until the save commits, so that two saves cannot both pass.
        stored = model._base_manager.select_for_update().filter(pk=self.instance.pk).first()
        if stored is None:
            return cleaned_data
        now = drafts.take_snapshot(stored)
        seen = unsigned(cleaned_data.get("seen_state"))
        changes = drafts.between(model, seen, now) if seen is not None else None
        if changes is None or changes:
            self.data = self.data.copy()
            self.data[self.add_prefix("seen_state")] = signed(now)
            if not cleaned_data.get("state_based_on") and seen is not None:
                self.data[self.add_prefix("state_based_on")] = signed(seen)
            raise ValidationError(self.conflict_messages(changes))
        based_on = unsigned(cleaned_data.get("state_based_on"))
        if based_on is not None:
            self.keep_their_changes(drafts.record_values(based_on), cleaned_data)
        return cleaned_data

    def conflict_messages(self, changes: drafts.Diff | None) -> list[str]:
        lines = saved_meanwhile(self.instance)
        if changes is None:
            return lines
        return [
            *lines,
            *(their_change(change) for change in changes.fields),
            *(their_part_change(part) for part in changes.parts),
        ]


# The record as a form opened it, signed so that what comes back is what the portal sent.
STATE_SALT = "portal.publishing.admin.locking.StoredStateForm"


def signed(snapshot: str) -> str:
    return signing.dumps(snapshot, salt=STATE_SALT, compress=True)


def unsigned(value: str | None) -> str | None:
    try:
        return signing.loads(value or "", salt=STATE_SALT)
    except signing.BadSignature:
        return None


class PublishableForm(ConcurrentEditForm):
    """Carries the version the editor started from, and refuses a save made over someone else's."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # After a refused save: the version the editor first started from, so that the next save
    # keeps the other editor's changes to the fields this one left as they were.
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The saves of the record's pending draft the editor started from (see WorkflowAdmin), and
    # which draft it was: a draft discarded and started again counts its saves from one again.
    seen_draft = forms.IntegerField(widget=forms.HiddenInput, required=False)
    seen_draft_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # After a save refused over someone else's save of the pending draft: the number of saves
    # the editor first started from, as `based_on` is for the live record.
    draft_based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)
    tracking_fields = ("seen_version", "based_on", "seen_draft", "seen_draft_id", "draft_based_on")
    # Set by the admin when the form edits a live record's pending draft: the draft (None
    # before its first save) and its number of saves.
    pending: PendingChange | None = None
    pending_number: int | None = None
    # The live record as stored, and its version, when the form edits its pending draft: the
    # database then holds the draft, saved over the live record in a rolled-back transaction.
    live_snapshot: str | None = None
    live_version: int | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = (
            self.instance.version if self.live_version is None else self.live_version
        )
        self.fields["seen_draft"].initial = self.pending_number
        self.fields["seen_draft_id"].initial = self.pending.pk if self.pending else None

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        seen_draft = cleaned_data.get("seen_draft")
        if self.pending_number is not None and (
            seen_draft != self.pending_number or not self.same_draft(cleaned_data)
        ):
            replaced = not self.same_draft(cleaned_data)
            if replaced:
                # The draft this editor opened was discarded and another started since: what
                # the other editor changed is the new draft against the live record it began from.
                seen_draft = 0
            self.data = self.data.copy()
            if self.pending is None and self.live_version is not None:
                # Published or discarded: the next save starts a draft of the live record as
                # it is now, keeping what publishing changed in the fields left alone.
                seen = cleaned_data.get("seen_version")
                self.data[self.add_prefix("seen_version")] = str(self.live_version)
                if not cleaned_data.get("based_on") and seen != self.live_version:
                    self.data[self.add_prefix("based_on")] = str(seen or "")
            self.data[self.add_prefix("seen_draft")] = str(self.pending_number)
            self.data[self.add_prefix("seen_draft_id")] = str(
                self.pending.pk if self.pending else ""
            )
            if cleaned_data.get("draft_based_on") is None and seen_draft is not None:
                self.data[self.add_prefix("draft_based_on")] = str(seen_draft)
            raise ValidationError(self.draft_conflict_messages(seen_draft, replaced))
        seen = cleaned_data.get("seen_version")
        model = type(self.instance)
        # Locks the row until the save commits (the admin saves in one transaction), so that
        # two saves cannot both pass this check. SQLite serialises writes anyway.
        stored = (
            model._base_manager.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
            if self.live_version is None
            else self.live_version
        )
        if stored is not None and seen != stored:
            # The next save from this form is a deliberate one, made with the changes in view.
            self.data = self.data.copy()
            self.data[self.add_prefix("seen_version")] = str(stored)
            if not cleaned_data.get("based_on"):
                self.data[self.add_prefix("based_on")] = str(seen or "")
            raise ValidationError(self.conflict_messages(seen))
        if cleaned_data.get("based_on"):
            base = history.version_with_number(self.instance, cleaned_data["based_on"])
            if base is not None:
                self.keep_their_changes(base.field_dict, cleaned_data)
        elif cleaned_data.get("draft_based_on") is not None:
            base = self.earlier_draft(cleaned_data["draft_based_on"])
            if base is not None:
                self.keep_their_changes(drafts.record_values(base), cleaned_data)
        return cleaned_data

    def same_draft(self, cleaned_data: dict) -> bool:
        """Whether the form was opened on the pending draft there is now (or on none, before
        the first save of the one there is now)."""
        seen_id = cleaned_data.get("seen_draft_id")
        return seen_id is None or (self.pending is not None and seen_id == self.pending.pk)

    def earlier_draft(self, number: int | None) -> str | None:
        """The snapshot of the pending draft after its `number`th save, if it is still kept."""
        if self.pending is None or number is None:
            return None
        return self.pending.earlier.get(str(number))

    def draft_conflict_messages(self, seen_draft: int | None, replaced: bool = False) -> list[str]:
        """Why a save over the pending draft was refused: who saved it, and what they changed.
        With `replaced`, the draft this form was opened on was discarded and another started."""
        pending = self.pending
        if pending is None:
            return [
                gettext("The pending draft you opened was published or discarded meanwhile."),
                gettext(
                    "Your input is still in the form. Save again to start a new draft with it."
                ),
            ]
        if pending.updated_by is not None:
            who = gettext(
                "%(user)s saved this record's pending draft at %(time)s, after you opened it."
            ) % {"user": pending.updated_by.get_username(), "time": local_time(pending.updated_at)}
        else:
            who = gettext("Someone else saved this record's pending draft after you opened it.")
        base = self.earlier_draft(seen_draft)
        changes = (
            None if base is None else drafts.between(type(self.instance), base, pending.snapshot)
        )
        if replaced:
            # The form still holds the discarded draft's changes, which are nobody's now.
            lines = [
                gettext("The pending draft you opened was discarded meanwhile."),
                who,
                gettext(
                    "Your form still holds the discarded draft's changes as well as yours: "
                    "check each field against the published record before saving again, or "
                    "they go into this draft."
                ),
            ]
        elif changes is None:
            lines = [
                who,
                gettext(
                    "Your input is still in the form. Open the pending draft in another tab "
                    "to see their changes, then save again to keep yours."
                ),
            ]
        else:
            lines = [
                who,
                gettext(
                    "Your input is still in the form. Compare it with their changes below, then "
                    "save again to keep yours."
                ),
            ]
        if changes is not None:
            lines += [their_change(change) for change in changes.fields]
            lines += [their_part_change(part) for part in changes.parts]
        return lines

    def conflict_messages(self, seen: int | None) -> list[str]:
        obj = self.instance
        lines = saved_meanwhile(obj)
        seen_version = history.version_with_number(obj, seen) if seen else None
        if seen_version is None:
            return lines
        if self.live_snapshot is not None:
            stored = drafts.record_values(self.live_snapshot)
            rows = drafts.part_values(self.live_snapshot)
        else:
            stored = history.current_values(type(obj)._base_manager.get(pk=obj.pk))
            rows = None
        lines += [
            their_change(change)
            for change in history.changes(type(obj), seen_version.field_dict, stored)
        ]
        return lines + inline_changes(seen_version, rows)


def saved_meanwhile(obj) -> list[str]:
    """The start of a refusal: who saved the record last, and when; the input is kept."""
    latest = Version.objects.get_for_object(obj).select_related("revision__user").first()
    if latest is not None and latest.revision.user is not None:
        who = gettext("%(user)s saved this record at %(time)s, after you opened it.") % {
            "user": latest.revision.user.get_username(),
            "time": local_time(latest.revision.date_created),
        }
    else:
        who = gettext("Someone else saved this record after you opened it.")
    return [
        who,
        gettext(
            "Your input is still in the form. Compare it with their changes below, then "
            "save again to keep yours."
        ),
    ]


def their_change(change: history.Change) -> str:
    return gettext("They changed %(field)s: “%(before)s” → “%(after)s”") % {
        "field": change.field,
        "before": history.short(change.before),
        "after": history.short(change.after),
    }


def their_part_change(part: drafts.PartChange) -> str:
    message = {
        "added": gettext("They added %(kind)s “%(record)s”."),
        "changed": gettext("They changed %(kind)s “%(record)s”."),
        "removed": gettext("They removed %(kind)s “%(record)s”."),
    }[part.action]
    return message % {"kind": part.kind, "record": part.record}


def model_fields(instance, cleaned_data: dict) -> dict:
    """The record's fields that the form edits, by name."""
    opts = instance._meta
    fields = {field.name: field for field in [*opts.concrete_fields, *opts.many_to_many]}
    return {name: fields[name] for name in cleaned_data if name in fields}


def stored_form(field, value):
    """A form's cleaned value as `history.current_values` keeps it (a related record's key)."""
    if field.many_to_many:
        return [related.pk for related in value or []]
    if field.many_to_one or field.one_to_one:
        return value.pk if value is not None else None
    return value


def inline_changes(seen_version: Version, rows: dict | None = None) -> list[str]:
    """Rows of inlines (figures, names, memberships…) changed or removed since then, against
    `rows` ({(model, pk): values}, see `drafts.part_values`) or else the stored rows."""
    lines = []
    parts = {model for model, _ in drafts.parts_of(seen_version._model)}
    for version in seen_version.revision.version_set.exclude(pk=seen_version.pk):
        model = version._model
        if model is None:
            continue
        if rows is None or model not in parts:
            current = model._base_manager.filter(pk=version.object_id).first()
            values = history.current_values(current) if current is not None else None
        else:
            values = rows.get((model, model._meta.pk.to_python(version.object_id)))
            current = version.object_repr
        if values is None:
            lines.append(
                gettext("They removed %(kind)s “%(record)s”.")
                % {"kind": model._meta.verbose_name, "record": version.object_repr}
            )
        elif history.changes(model, version.field_dict, values):
            lines.append(
                gettext("They changed %(kind)s “%(record)s”.")
                % {"kind": model._meta.verbose_name, "record": current}
            )
    return lines


class LockingMixin:
    """The form carries the record's version; restores keep the number the record has now."""

    form = PublishableForm

    def revision_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> HttpResponse:
        # Restoring writes the old version's fields back, its version number included; keep the
        # number the record has now, so the restore saves as the next one and an editor who
        # saved meanwhile is not overwritten unseen.
        request.stored_version = (
            self.model._base_manager.filter(pk=record_pk(self.model, object_id))
            .values_list("version", flat=True)
            .first()
        )
        return super().revision_view(request, object_id, version_id, extra_context)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        stored = getattr(request, "stored_version", None)
        if stored is not None and object_id is not None:
            self.model._base_manager.filter(pk=unquote(object_id)).update(version=stored)
        return super().changeform_view(request, object_id, form_url, extra_context)
