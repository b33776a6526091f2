"""Readable differences between versions of a record, from django-reversion's snapshots.

The admin uses them twice: on a record's history page ("what changed in this save") and when a
save is refused because someone else saved first ("what the other editor changed").
"""

import datetime
import difflib
import html
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import reversion
from django.db import models
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from modeltranslation.fields import TranslationField
from reversion.models import Version

from portal.publishing import notes
from portal.publishing.numbers import as_entered
from portal.publishing.richtext import RichTextField, readable_text
from portal.publishing.times import local_time, same_minute

# Bookkeeping that changes on every save and says nothing to an editor.
IGNORED_FIELDS = {"version", "updated_at", "created_at"}


@dataclass
class Change:
    field: str
    before: str
    after: str

    @property
    def diff(self) -> SafeString:
        """Word-level difference, removed words in <del>, added ones in <ins>."""
        return word_diff(self.before, self.after)


def current_values(obj: models.Model) -> dict[str, Any]:
    """The record's stored values keyed like reversion's `Version.field_dict`."""
    values = {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            if field.remote_field.through._meta.auto_created:
                values[field.attname] = list(getattr(obj, field.name).values_list("pk", flat=True))
    return values


def _display(field: models.Field, value: Any) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, datetime.datetime):
        return local_time(value)
    if isinstance(value, Decimal):
        return as_entered(value)
    if field.many_to_many:
        related = field.related_model._base_manager.filter(pk__in=value)
        return ", ".join(sorted(str(o) for o in related))
    if field.many_to_one or field.one_to_one:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, RichTextField):
        return readable_text(str(value))
    if isinstance(field, models.TextField):
        return html.unescape(strip_tags(str(value))).strip()
    return str(value)


def same_value(a: Any, b: Any) -> bool:
    """Whether two values of a field, as `current_values` or a version holds them, are the same."""
    if isinstance(a, list) or isinstance(b, list):
        return sorted(map(str, a or [])) == sorted(map(str, b or []))
    if a in (None, "") and b in (None, ""):
        return True
    # Compared as values, not as text: "5" and "5.0000", or a time with and without its
    # microseconds, are the same.
    if isinstance(a, datetime.datetime) and isinstance(b, datetime.datetime):
        return same_minute(a, b)
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b
    return str(a) == str(b)


def changes(model: type[models.Model], before: dict, after: dict) -> list[Change]:
    """The fields that differ between two value dicts, for people: labels and display values.

    Runs a query per changed relation field, to name the related records.
    """
    found = []
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    # modeltranslation keeps the original field (`title`) beside the per-language ones
    # (`title_en`, `title_zh_hans`); it repeats one of them, so only those are compared.
    translated = {f.translated_field.name for f in fields if isinstance(f, TranslationField)}
    for field in fields:
        name = field.attname
        if field.name in IGNORED_FIELDS or field.name in translated or field.primary_key:
            continue
        # Values the record derives itself (a sort key), which no editor changes.
        if not field.editable:
            continue
        if name not in after:
            continue
        if same_value(before.get(name), after.get(name)):
            continue
        found.append(
            Change(
                field=str(field.verbose_name),
                before=_display(field, before.get(name)),
                after=_display(field, after.get(name)),
            )
        )
    return found


def word_diff(before: str, after: str) -> SafeString:
    a, b = re.findall(r"\S+|\s+", before), re.findall(r"\S+|\s+", after)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(format_html("<del>{}</del>", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(format_html("<ins>{}</ins>", "".join(b[j1:j2])))
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


def short(text: str, words: int = 25) -> str:
    return Truncator(text).words(words)


def version_with_number(obj: models.Model, number: int) -> Version | None:
    """The history entry of `obj` saved as edit number `number` (its `version` field)."""
    for version in Version.objects.get_for_object(obj).select_related("revision"):
        if version.field_dict.get("version") == number:
            return version
    return None


def previous_version(version: Version) -> Version | None:
    return (
        Version.objects.get_for_object_reference(version._model, version.object_id)
        .filter(revision__date_created__lte=version.revision.date_created, pk__lt=version.pk)
        .order_by("-revision__date_created", "-pk")
        .first()
    )


def keep_first_state(record: models.Model) -> None:
    """Record `record` as it is, if nothing has recorded it yet, so that its first change can
    be undone: demo content, and rows written by a command, have no history until then. Called
    before the admin changes a record in any way: its form, an import, publishing a draft."""
    if not reversion.is_registered(type(record)) or Version.objects.get_for_object(record).exists():
        return
    with reversion.create_revision():
        reversion.set_comment(notes.note(notes.FIRST_STATE))
        reversion.add_to_revision(record)
