"""What the history and the audit log say of an action, in the language of whoever reads it.

A note is stored as its message as the code writes it, in English, with its values (JSON), and
is translated when it is shown: a save by a Publisher working in Chinese reads in English to an
Editor working in English, and the other way round. The admin's own change messages are kept
the same way (Django's LogEntry JSON, which reversion's `get_comment` translates). Any other text
(a Publisher's comment to an author, a note written before) is shown as it was written.
"""

import json
import re

from django.contrib.admin.models import LogEntry
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop

from portal.publishing.models import Status

FIRST_STATE = gettext_noop("As it was before its first change in the admin")
DELETED = gettext_noop("Deleted")
IMPORTED = gettext_noop("Imported from a file")
IMPORTED_KEPT = gettext_noop("Imported from a file, kept as a pending draft")
STATUS_FROM_LIST = gettext_noop("Status changed to “%(status)s” from the list")
PUBLISHED_DRAFT = gettext_noop("Published the pending draft by %(author)s")
RESTORED = gettext_noop("Restored the version saved on %(time)s")
VERSION_SAVED = gettext_noop("Version saved on %(time)s")
VERSION_KEPT = gettext_noop("Version saved on %(time)s, kept as a pending draft")
PUBLICATION_TIME = gettext_noop("Publication time: %(time)s")
PENDING_DRAFT = gettext_noop("Pending draft")
PENDING_DRAFT_BY = gettext_noop("Pending draft by %(author)s")

# A field in one language, as modeltranslation labels it: "Name [zh-hans]".
LANGUAGE_LABEL = re.compile(r"(.+) \[([a-z]{2}(?:-[a-z]+)?)\]")

MESSAGES = frozenset(
    {
        FIRST_STATE,
        DELETED,
        IMPORTED,
        IMPORTED_KEPT,
        STATUS_FROM_LIST,
        PUBLISHED_DRAFT,
        RESTORED,
        VERSION_SAVED,
        VERSION_KEPT,
        PUBLICATION_TIME,
        PENDING_DRAFT,
        PENDING_DRAFT_BY,
    }
)


def note(message: str, **values: str) -> str:
    """A note to store: one of MESSAGES and its values (a status by its value, times as
    portal.publishing.times.local_time writes them, which reads the same in both languages)."""
    return json.dumps({"note": message, "values": values}, ensure_ascii=False)


def read(stored: str) -> str:
    """A stored note in the active language; any other text as it is."""
    try:
        data = json.loads(stored)
    except ValueError:
        return stored
    shown = note_text(data)
    return stored if shown is None else shown


def read_comment(comment: str) -> str:
    """A history comment in the active language: a note, or the admin's change message."""
    try:
        data = json.loads(comment)
    except ValueError:
        return comment
    shown = note_text(data)
    if shown is not None:
        return shown
    if not (isinstance(data, list) and all(isinstance(part, dict) for part in data)):
        return comment
    for part in data:
        changed = part.get("changed")
        if isinstance(changed, dict) and isinstance(changed.get("fields"), list):
            changed["fields"] = [field_label(label) for label in changed["fields"]]
    return LogEntry(change_message=json.dumps(data)).get_change_message()


def note_text(data) -> str | None:
    """A note as `note` stored it, read back from its JSON, in the active language; None for
    anything else."""
    try:
        message, values = data["note"], dict(data["values"])
    except (TypeError, KeyError, ValueError):
        return None
    # A Publisher's comment to an author is stored as written, and may look like a note.
    if not isinstance(message, str) or message not in MESSAGES:
        return None
    if "status" in values and values["status"] in Status.values:
        values["status"] = Status(values["status"]).label
    try:
        return gettext(message) % values
    except (KeyError, TypeError, ValueError):
        return None


def field_label(label) -> str:
    """A field's label as the admin's log keeps it (in English), in the active language. The
    admin translates the log's labels as it shows them, but not those of a field in one
    language ("Name [zh-hans]"), which the catalogue holds as the field's name alone."""
    found = LANGUAGE_LABEL.fullmatch(str(label))
    if found is None:
        return label
    name, language = found.groups()
    translated = gettext(name)
    if translated == name:  # "Name": the catalogue has the verbose name, "name"
        translated = capfirst(gettext(name[:1].lower() + name[1:]))
    return f"{translated} [{language}]"
