"""Link suggestions: records a release's body names but the release does not link yet.

The body is read as text (tags dropped, entities decoded, typographic apostrophes made plain)
and searched for every name a record goes by, as the site search knows them (the record's
declaration in its app's search_indexes module: its name and short name in each language, a
zone's former and other names), and for a name without its trailing qualifier ("Dalian
Institute of Chemical Physics" for "…, Chinese Academy of Sciences"). A Latin name must stand
as whole words: "Allychem" is not found in "Allychemical". A name found only inside a longer
name that is also found ("Sanhuan" inside "Dalian Sanhuan Composite Material …") is not
suggested either.
"""

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from modeltranslation.utils import build_localized_fieldname

from news.models import Release
from portal.search import registry
from portal.search.registry import SearchIndex
from portal.search.text import plain_text, simplified_forms
from zones.models import Enterprise, Institution, Platform, Zone

# The release's link fields and what they point to.
LINK_FIELDS = (
    ("zones", Zone),
    ("enterprises", Enterprise),
    ("institutions", Institution),
    ("platforms", Platform),
)
# "…, Chinese Academy of Sciences" or "… (Chinese Academy of Sciences)" at the end of a name.
QUALIFIER = re.compile(r"\s*(?:,\s*[^,]+|\([^)]*\))$")
LATIN = "A-Za-z0-9"
# Names shorter than this are too likely to turn up by chance.
MIN_LENGTH = 3


@dataclass(frozen=True)
class Suggestion:
    field: str  # the release's link field: zones, enterprises, institutions or platforms
    record: models.Model
    found: str  # the name as the body has it
    # Whether visitors see the record: the release's page shows a link to it only then.
    public: bool = True

    @property
    def kind(self) -> str:
        return str(self.record._meta.verbose_name)


def text_of(html: str) -> str:
    """Rich text or a name as plain text, with typographic apostrophes made plain."""
    return plain_text(html).replace("’", "'").replace("‘", "'")


def names(record: models.Model, declared: SearchIndex) -> set[str]:
    """Every name the record goes by (its other names prefetched), and each without its
    trailing qualifier."""
    found = {text_of(name) for name in declared.names_of(record)}
    for name in list(found):
        shorter = QUALIFIER.sub("", name)
        if shorter != name and len(shorter.split()) >= 3:
            found.add(shorter)
    return {name for name in found if len(name) >= MIN_LENGTH}


def pattern(name: str) -> re.Pattern:
    """`name` as a regex: whole words at Latin edges; Chinese has no spaces to stop at."""
    before = f"(?<![{LATIN}])" if name[0].isascii() and name[0].isalnum() else ""
    after = f"(?![{LATIN}])" if name[-1].isascii() and name[-1].isalnum() else ""
    return re.compile(before + re.escape(name) + after, re.IGNORECASE)


def suggest_links(
    bodies: Iterable[str],
    linked: Mapping[str, Collection[int]] | None = None,
    fields: Collection[str] | None = None,
) -> list[Suggestion]:
    """Records named in `bodies` (a release's body in each language, as HTML) and not among
    the `linked` ids of their link field, in the order the bodies name them.

    Works on what the release's form holds, saved or not. `fields` limits the search to some
    link fields (those whose records the user may see). Runs one query per link field (two for
    zones, with their other names) and reads every unlinked record's names: fine for the
    thousands of records the portal holds; and one per link field with suggestions, for which
    of them visitors see.
    """
    linked = linked or {}
    text = " ".join(text_of(body) for body in bodies)
    # Traditional characters read as simplified, as the site search reads them: one character
    # for one, so a match's place in the one is its place in the other.
    forms = simplified_forms()
    folded = text.translate(forms)
    lowered = folded.lower()
    matches = []  # (start, end, field, record, found)
    for field, model in LINK_FIELDS:
        if fields is not None and field not in fields:
            continue
        declared = registry.for_model(model)
        records = model._default_manager.exclude(pk__in=list(linked.get(field, ())))
        records = declared.with_names(records.only("pk", *declared.name_fields))
        for record in records:
            for name in names(record, declared):
                name = name.translate(forms)
                if name.lower() not in lowered:
                    continue
                for match in pattern(name).finditer(folded):
                    written = text[match.start() : match.end()]
                    matches.append((match.start(), match.end(), field, record, written))

    def inside_another(start: int, end: int, record) -> bool:
        return any(
            other is not record and s <= start and end <= e and (s, e) != (start, end)
            for s, e, _field, other, _found in matches
        )

    public = set()
    for field, model in LINK_FIELDS:
        found_ids = [record.pk for _s, _e, of, record, _f in matches if of == field]
        if found_ids:
            seen = model._default_manager.published().filter(pk__in=found_ids)
            public |= {(field, pk) for pk in seen.values_list("pk", flat=True)}

    suggestions: dict[tuple[str, int], tuple[int, Suggestion]] = {}
    # In the order the bodies name them; at one place, the longest name the body writes first
    # ("Liaobin Marine Equipment Co., Ltd.", not the same name without "Ltd.").
    for start, end, field, record, found in sorted(matches, key=lambda m: (m[0], m[0] - m[1])):
        key = (field, record.pk)
        if key in suggestions or inside_another(start, end, record):
            continue
        suggestions[key] = (start, Suggestion(field, record, found, public=key in public))
    return [suggestion for _start, suggestion in sorted(suggestions.values(), key=lambda s: s[0])]


def body_fields() -> list[str]:
    """The release's body field in each language: body_en, body_zh_hans."""
    return [build_localized_fieldname("body", code) for code, _name in settings.LANGUAGES]


def suggest_links_for(release: Release, fields: Collection[str] | None = None) -> list[Suggestion]:
    """`suggest_links` for a release as stored (its links only once it is saved)."""
    linked = {
        field: list(getattr(release, field).values_list("pk", flat=True)) if release.pk else []
        for field, _model in LINK_FIELDS
    }
    bodies = [getattr(release, name, "") or "" for name in body_fields()]
    return suggest_links(bodies, linked, fields)
