"""Pending drafts: an Editor's change to a live record, kept for review while visitors see the
published version.

A change is made as any save is (the admin form with its inlines, a restore, an import), inside
a transaction that is rolled back; what the save wrote is kept as a *snapshot*: Django's
serialised rows of the record and of its parts (the reverse relations named in the model's
`parts`, e.g. a release's figures, attachments and event links). Applying a snapshot writes it
back with ordinary saves, so every save hook runs (sanitising, version numbers, the search and
directory indexes). It is applied:

- inside a rolled-back transaction, to show the draft in the form, the diff and the preview;
- for good, in one transaction, when a Publisher publishes the draft.

The record's workflow fields (status, publication time) are never part of a draft: they change
only through a Publisher's own actions.
"""

import copy
from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.serializers.base import DeserializedObject
from django.db import models, transaction
from modeltranslation.fields import TranslationField
from reversion.models import Revision, Version

from portal.publishing import history, notes
from portal.publishing.models import AuditEntry, PendingChange

# Kept from the live record whatever the draft says.
WORKFLOW_FIELDS = ("status", "published_at", "created_at", "was_public")
# Earlier saves of a draft kept for editors whose form is older (PendingChange.earlier).
EARLIER_SAVES_KEPT = 10


def parts_of(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """(model of the rows, name of their foreign key to the record) for each part."""
    found = []
    for name in getattr(model, "parts", ()):
        relation = model._meta.get_field(name)
        if relation.many_to_many:
            # The rows of an m2m declared on the other side (a release's events) are the
            # through table's, keyed by its foreign key to this model.
            found.append((relation.through, relation.field.m2m_reverse_field_name()))
        else:
            found.append((relation.related_model, relation.field.name))
    return found


def rows_of(record: models.Model) -> list[models.Model]:
    """The record and the rows of its parts, as stored. One query per part."""
    rows = [record]
    for model, key in parts_of(type(record)):
        rows += model._base_manager.filter(**{key: record.pk}).order_by("pk")
    return rows


def take_snapshot(record: models.Model) -> str:
    return serializers.serialize("json", rows_of(record))


def _read(snapshot: str) -> list[DeserializedObject]:
    return list(serializers.deserialize("json", snapshot, ignorenonexistent=True))


def _existing(model: type[models.Model], pks) -> set:
    return set(model._base_manager.filter(pk__in=list(pks)).values_list("pk", flat=True))


def _targets_exist(row: models.Model) -> bool:
    """Point a row's links at records that still exist: a nullable link to a deleted record is
    cleared; a row whose required link is gone is dropped (False)."""
    for model_field in row._meta.concrete_fields:
        if not model_field.many_to_one:
            continue
        pk = getattr(row, model_field.attname)
        if pk is None or _existing(model_field.related_model, [pk]):
            continue
        if not model_field.null:
            return False
        setattr(row, model_field.attname, None)
    return True


def lock(record: models.Model) -> models.Model:
    """The live record read again, its row locked until the transaction ends.

    Whoever saves, publishes, sends back or discards a record's draft takes this lock before
    reading the draft, so that each waits for the one under way and then sees what it did:
    none acts on a draft that changed since it was read. SQLite has no row locks: there, two
    requests at the same moment can still both read the draft before either writes.
    """
    return type(record)._base_manager.select_for_update().get(pk=record.pk)


class DraftConflict(Exception):
    """The pending draft holds values another record has taken since it was saved (a slug, say):
    it cannot be written as it stands. `names` says which, as an editor reads them."""

    def __init__(self, names: list[str]):
        self.names = names
        super().__init__(", ".join(names))


def taken_values(row: models.Model) -> dict[str, str]:
    """What of `row` another row holds under a constraint: field name → the field as an editor
    reads it, or the row itself ("park “Port area”") for a constraint on several fields."""
    try:
        row.validate_unique()
        row.validate_constraints()
    except ValidationError as error:
        return {
            name: (
                f"{row._meta.verbose_name} “{row}”"
                if name == NON_FIELD_ERRORS
                else str(row._meta.get_field(name).verbose_name)
            )
            for name in error.error_dict
        }
    return {}


def base_values(record: models.Model, pending: PendingChange) -> dict | None:
    """The live record's own values that the draft was last saved against, if they are known:
    the snapshot kept at that save, or (a draft kept before such snapshots) the history's
    version of the record the draft started from."""
    if pending.live_snapshot:
        return record_values(pending.live_snapshot)
    version = history.version_with_number(record, pending.base_version)
    return version.field_dict if version is not None else None


def _follow_live(record: models.Model, draft: DeserializedObject, base: dict | None) -> None:
    """A field of the record that the draft left as the live record was at the draft's last
    save takes the live record's value now, so that what a Publisher changed since is kept,
    not undone.

    A field both changed keeps the draft's value (rows of parts: `_row_unchanged`).
    modeltranslation's original field (`title`, which reads and writes the active language's)
    is left alone: its per-language fields are compared, each as stored.
    """
    if base is None:
        return
    obj = draft.object
    fields = obj._meta.concrete_fields
    originals = {f.translated_field.name for f in fields if isinstance(f, TranslationField)}
    for model_field in fields:
        name = model_field.attname
        if model_field.primary_key or name in history.IGNORED_FIELDS or name not in base:
            continue
        if model_field.name in originals:
            continue
        if history.same_value(getattr(obj, name), base[name]):
            setattr(obj, name, getattr(record, name))
    for name, pks in (draft.m2m_data or {}).items():
        if name in base and history.same_value(pks, base[name]):
            draft.m2m_data[name] = list(getattr(record, name).values_list("pk", flat=True))


def _follow_live_rows(rows: list[DeserializedObject], base_parts: dict, live: dict) -> None:
    """`_follow_live` for each row of a part that the draft changed and that is still live
    (`live`: the stored rows by (model, pk)): a field of the row that only a Publisher changed
    since the draft's last save keeps the Publisher's value."""
    for row in rows:
        key = (type(row.object), row.object.pk)
        if key in base_parts and key in live:
            _follow_live(live[key], row, base_parts[key])


def _row_unchanged(row: DeserializedObject, base_parts: dict) -> bool:
    """Whether the draft holds a row of a part as the live record had it at the draft's last
    save (`base_parts`, see `part_values`)."""
    model = type(row.object)
    base = base_parts.get((model, row.object.pk))
    return base is not None and not history.changes(model, base, _values(row))


def apply(record: models.Model, pending: PendingChange, lenient: bool = False) -> models.Model:
    """Write the pending draft over `record` (the live record) and its parts; returns the
    record as saved.

    A value the draft holds that another record has taken since (a slug, a park's slug in its
    zone) raises DraftConflict before anything is written. `lenient`, to show the draft rather
    than publish it: such a field keeps its live value and such a part row is left out instead,
    and the record as saved lists them in `draft_conflicts`.

    Fields and rows of parts the draft did not change follow the live record (`_follow_live`,
    `_row_unchanged`). Rows of parts the draft removed are deleted, rows it added are created,
    the others it changed are updated. A row the draft added keeps the number it was given
    when the draft was saved unless another record's row has taken that number since (only
    possible on SQLite), in which case it gets a new one. Runs a few queries per row.
    """
    rows = _read(pending.snapshot)
    draft, part_rows = rows[0], rows[1:]
    _follow_live(record, draft, base_values(record, pending))
    saved = draft.object
    for name in WORKFLOW_FIELDS:
        if hasattr(record, name):
            setattr(saved, name, getattr(record, name))
    saved._state.adding = False
    saved._state.db = record._state.db
    _targets_exist(saved)
    conflicts = []
    if taken := taken_values(saved):
        if not lenient:
            raise DraftConflict(list(taken.values()))
        conflicts += taken.values()
        # The live values of the fields taken; where a constraint on several fields failed, of
        # every field under a unique constraint.
        names = set(taken)
        if NON_FIELD_ERRORS in taken:
            for constraint in saved._meta.total_unique_constraints:
                names.update(constraint.fields)
        for name in names - {NON_FIELD_ERRORS}:
            model_field = saved._meta.get_field(name)
            setattr(saved, model_field.attname, getattr(record, model_field.attname))
    saved.save()
    for name, pks in draft.m2m_data.items():
        target = saved._meta.get_field(name).related_model
        getattr(saved, name).set(_existing(target, pks))

    base_parts = part_values(pending.live_snapshot) if pending.live_snapshot else None
    for model, key in parts_of(type(record)):
        mine = [row for row in part_rows if type(row.object) is model]
        live = {(model, row.pk): row for row in model._base_manager.filter(**{key: record.pk})}
        stored = {pk for _, pk in live}
        drafted = {row.object.pk for row in mine}
        if base_parts is None:
            removed = stored - drafted
        else:
            # A row the draft left as it was at its last save follows the live record: it
            # stays as it is now, or gone if a Publisher removed it since; so does a field of
            # a row the draft changed that the draft left as it was.
            mine = [row for row in mine if not _row_unchanged(row, base_parts)]
            _follow_live_rows(mine, base_parts, live)
            # The draft removes only the rows it knew of: one added to the live record since
            # stays.
            known = {pk for kind, pk in base_parts if kind is model}
            removed = (stored & known) - drafted
        # Removed rows go first, so that a row added with a name a removed one had does not
        # collide with it on a unique constraint.
        model._base_manager.filter(pk__in=removed).delete()
        taken = _existing(model, [row.object.pk for row in mine if row.object.pk not in stored])
        link = model._meta.get_field(key).attname
        for row in mine:
            part = row.object
            if part.pk in taken:
                part.pk = None
            setattr(part, link, record.pk)
            if not _targets_exist(part):
                continue
            part._state.adding = part.pk is None
            if taken := taken_values(part):
                if not lenient:
                    raise DraftConflict(list(taken.values()))
                conflicts += taken.values()
                continue
            part.save()
            for name, pks in (row.m2m_data or {}).items():
                target = model._meta.get_field(name).related_model
                getattr(part, name).set(_existing(target, pks))
    saved.draft_conflicts = conflicts
    return saved


@dataclass
class PartChange:
    """A row of a part that the draft adds, removes or changes."""

    kind: str
    record: str
    action: str
    changes: list[history.Change] = field(default_factory=list)


@dataclass
class Diff:
    fields: list[history.Change]
    parts: list[PartChange]

    def __bool__(self) -> bool:
        return bool(self.fields or self.parts)


def _values(row: DeserializedObject) -> dict:
    obj = row.object
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    return values | dict(row.m2m_data or {})


def record_values(snapshot: str) -> dict:
    """The record's own values in `snapshot`, keyed like `history.current_values`, without the
    workflow fields."""
    return {k: v for k, v in _values(_read(snapshot)[0]).items() if k not in WORKFLOW_FIELDS}


def _part_changes(model: type[models.Model], before: dict, after: dict) -> list[PartChange]:
    """The rows of parts added, changed and removed from `before` to `after`, each a dict of
    {(model, pk): (model of the row, its values, its name)} (see `_snapshot_parts`)."""
    parts = []
    for part_model, _key in parts_of(model):
        kind = str(part_model._meta.verbose_name)
        old = {pk: row for pk, row in before.items() if row[0] is part_model}
        new = {pk: row for pk, row in after.items() if row[0] is part_model}
        for pk, (_, values, name) in new.items():
            if pk not in old:
                parts.append(PartChange(kind, name, "added"))
            elif changed := history.changes(part_model, old[pk][1], values):
                parts.append(PartChange(kind, name, "changed", changed))
        parts += [PartChange(kind, row[2], "removed") for pk, row in old.items() if pk not in new]
    return parts


def part_values(snapshot: str) -> dict:
    """The values of each row of the record's parts in `snapshot`, by (model, pk)."""
    return {key: values for key, (_, values, _) in _snapshot_parts(_read(snapshot)[1:]).items()}


def _snapshot_parts(rows: list[DeserializedObject]) -> dict:
    return {
        (type(row.object), row.object.pk): (type(row.object), _values(row), str(row.object))
        for row in rows
    }


def diff(record: models.Model, pending: PendingChange) -> Diff:
    """What publishing the draft would change, field by field, against the live record.

    Runs a query per changed relation field and per row of the record's parts.
    """
    rows = _read(pending.snapshot)
    model = type(record)
    _follow_live(record, rows[0], base_values(record, pending))
    draft = {k: v for k, v in _values(rows[0]).items() if k not in WORKFLOW_FIELDS}
    fields = history.changes(model, history.current_values(record), draft)
    live_rows = {
        (part_model, row.pk): row
        for part_model, key in parts_of(model)
        for row in part_model._base_manager.filter(**{key: record.pk})
    }
    live = {key: (key[0], history.current_values(row), str(row)) for key, row in live_rows.items()}
    if pending.live_snapshot:
        base_parts = part_values(pending.live_snapshot)
        _follow_live_rows(
            [row for row in rows[1:] if not _row_unchanged(row, base_parts)], base_parts, live_rows
        )
    after = _snapshot_parts(rows[1:])
    if pending.live_snapshot:
        # As `apply` writes them: rows the draft left alone, and rows added since, as they
        # are live.
        for row in rows[1:]:
            key = (type(row.object), row.object.pk)
            if _row_unchanged(row, base_parts):
                if key in live:
                    after[key] = live[key]
                else:
                    del after[key]
        known = base_parts.keys() | after.keys()
        after |= {key: row for key, row in live.items() if key not in known}
    return Diff(fields, _part_changes(model, live, after))


def between(model: type[models.Model], before: str, after: str) -> Diff:
    """What changed from one snapshot of a record to a later one (two saves of its draft)."""
    old, new = _read(before), _read(after)
    fields = history.changes(model, record_values(before), record_values(after))
    return Diff(fields, _part_changes(model, _snapshot_parts(old[1:]), _snapshot_parts(new[1:])))


def revision_parts(model: type[models.Model], record_pk, revision: Revision) -> dict:
    """The rows of the record's parts that a revision of its history holds, keyed like
    `_snapshot_parts`. One query per part."""
    found = {}
    for part_model, key in parts_of(model):
        link = part_model._meta.get_field(key).attname
        content_type = ContentType.objects.get_for_model(part_model)
        for version in revision.version_set.filter(content_type=content_type):
            values = version.field_dict
            if str(values.get(link)) == str(record_pk):
                found[(part_model, version.object_id)] = (part_model, values, version.object_repr)
    return found


def between_versions(before: Version | None, after: Version) -> list[PartChange]:
    """What a save in the history changed in the record's parts (`before`: the version the
    record had until then, if any).

    A row saved elsewhere between the two versions (a figure on its own page, by an import) is
    compared from that save on, and a row deleted or moved elsewhere is not this save's
    removal (a delete keeps a version of the row): the history names each change once, under
    whoever made it. Two queries per part.
    """
    model, record_pk = after._model, after.object_id
    now = revision_parts(model, record_pk, after.revision)
    if before is None:
        return _part_changes(model, {}, now)
    then = revision_parts(model, record_pk, before.revision)
    elsewhere = {}
    for part_model, _key in parts_of(model):
        rows = {object_id for row_model, object_id in (*now, *then) if row_model is part_model}
        versions = (
            Version.objects.get_for_model(part_model)
            .filter(
                object_id__in=rows,
                revision_id__gt=before.revision_id,
                revision_id__lt=after.revision_id,
            )
            .order_by("-revision_id")
        )
        for version in versions:
            elsewhere.setdefault((part_model, version.object_id), version)
    earlier = {key: row for key, row in then.items() if key not in elsewhere}
    for key, version in elsewhere.items():
        if key in now:
            earlier[key] = (key[0], version.field_dict, version.object_repr)
    return _part_changes(model, earlier, now)


def keep(record: models.Model, snapshot: str, user) -> PendingChange:
    """Store `snapshot` as the record's pending draft, continuing the draft it has, if any."""
    with transaction.atomic():
        pending = (
            PendingChange.objects.select_for_update()
            .filter(
                content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
            )
            .first()
        )
        live = take_snapshot(type(record)._base_manager.get(pk=record.pk))
        if pending is None:
            return PendingChange.objects.create(
                content_type=ContentType.objects.get_for_model(record),
                object_id=str(record.pk),
                object_repr=str(record)[:300],
                snapshot=snapshot,
                base_version=record.version,
                created_by=user,
                updated_by=user,
                earlier={"0": live},
                live_snapshot=live,
            )
        earlier = {**pending.earlier, str(pending.number): pending.snapshot}
        # The first, the live record when the draft was started, is kept for good.
        later = sorted(set(earlier) - {"0"}, key=int)[-EARLIER_SAVES_KEPT:]
        pending.earlier = {number: earlier[number] for number in ("0", *later) if number in earlier}
        pending.snapshot = snapshot
        pending.live_snapshot = live
        pending.number += 1
        pending.updated_by = user
        pending.save(
            update_fields=[
                "snapshot",
                "live_snapshot",
                "number",
                "updated_by",
                "updated_at",
                "earlier",
            ]
        )
        return pending


def publish(record: models.Model, pending: PendingChange, user) -> models.Model:
    """Make the pending draft the live record, in one transaction, recorded in the history and
    the audit log. The caller holds the record's lock (`lock`) since it read `pending`."""
    with transaction.atomic():
        live = lock(record)
        history.keep_first_state(live)
        author = pending.created_by.get_username() if pending.created_by else "—"
        with reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(notes.note(notes.PUBLISHED_DRAFT, author=author))
            saved = apply(live, pending)
            # Its parts as written: the rows of a link table are saved without the signal
            # that adds a saved row to the revision (admin/history.py, save_related).
            reversion.add_to_revision(saved)
        AuditEntry.record(
            user,
            AuditEntry.Action.PUBLISH,
            saved,
            detail=notes.note(notes.PENDING_DRAFT_BY, author=author),
        )
        pending.delete()
    return saved


def stage(record: models.Model, user, change) -> PendingChange:
    """Make the writes of `change(current)` a pending draft of `record`.

    `change` gets the record as its draft stands (the live record with the pending draft, if
    any, applied) and writes to it or its parts; nothing it writes stays, but what the record
    and its parts then hold becomes the pending draft. For paths that change a record outside
    its admin form: imports, scripts.
    """
    with transaction.atomic():
        lock(record)
        # What the draft's saves would add to a revision under way (an import's) is not a
        # version of the record: the draft enters the history when it is published.
        with reversion.create_revision(manage_manually=True), transaction.atomic():
            pending = PendingChange.objects.for_record(record)
            # A copy, so that `record` itself keeps the live values.
            current = apply(record, pending, lenient=True) if pending else copy.copy(record)
            change(current)
            snapshot = take_snapshot(type(record)._base_manager.get(pk=record.pk))
            transaction.set_rollback(True)
        return keep(record, snapshot, user)
