"""Link suggestions: records a release's body names but the release does not link yet.

The body is read as text (tags dropped, entities decoded, typographic apostrophes made plain)
and searched for every name a record goes by, as the site search knows them (the record's
declaration in its app's search_indexes module: its name and short name in each language, a
zone's former and other names), and for a name without its trailing qualifier ("Dalian
Institute of Chemical Physics" for "…, Chinese Academy of Sciences"). A Latin name must stand
as whole words: "Allychem" is not found in "Allychemical". A name found only inside a longer
name that is also found ("Sanhuan" inside "Dalian Sanhuan Composite Material …") is not
suggested either.

Reading every record's names for each request took seconds at 100,000 enterprises, for every
opening of a release's form, every save and every pause in typing. So each process reads them
once for as long as no record holding names is saved, into a `NameIndex`: a hash of every name
beside the record it names, and the lengths of the names that begin with each three characters.
A body is looked up in it place by place, and only the records named there are read and matched
as above: a request costs in proportion to the body, not to the records.
"""

import re
import threading
import uuid
from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from modeltranslation.utils import build_localized_fieldname

from news.models import Release
from portal.publishing.models import ContentVersion
from portal.search import registry
from portal.search.registry import SearchIndex
from portal.search.text import plain_text, simplified_forms
from zones.models import Enterprise, IndexStamp, Institution, Platform, Zone, ZoneAlias

# The release's link fields and what they point to.
LINK_FIELDS = (
    ("zones", Zone),
    ("enterprises", Enterprise),
    ("institutions", Institution),
    ("platforms", Platform),
)
# The models whose rows hold those records' names: theirs, and a zone's other names
# (ZoneIndex.other_names). A save of one of them makes the NameIndex out of date.
NAME_SOURCES = (Zone, ZoneAlias, Enterprise, Institution, Platform)
# "…, Chinese Academy of Sciences" or "… (Chinese Academy of Sciences)" at the end of a name.
QUALIFIER = re.compile(r"\s*(?:,\s*[^,]+|\([^)]*\))$")
LATIN = "A-Za-z0-9"
# Names shorter than this are too likely to turn up by chance.
MIN_LENGTH = 3
# The IndexStamp whose token changes with every save of a NAME_SOURCES row.
STAMP = "link names"


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
    return names_from(declared.names_of(record))


def names_from(written: Iterable[str]) -> set[str]:
    """`names` of a record whose names are written so (empty ones left out)."""
    found = {text_of(name) for name in written if name}
    for name in list(found):
        shorter = QUALIFIER.sub("", name)
        if shorter != name and len(shorter.split()) >= 3:
            found.add(shorter)
    return {name for name in found if len(name) >= MIN_LENGTH}


def is_latin(char: str) -> bool:
    """A Latin letter or digit: a name that begins or ends with one is found as whole words."""
    return char.isascii() and char.isalnum()


def pattern(name: str) -> re.Pattern:
    """`name` as a regex: whole words at Latin edges; Chinese has no spaces to stop at."""
    before = f"(?<![{LATIN}])" if is_latin(name[0]) else ""
    after = f"(?![{LATIN}])" if is_latin(name[-1]) else ""
    return re.compile(before + re.escape(name) + after, re.IGNORECASE)


def names_changed(*args, **kwargs) -> None:
    """Mark the NameIndex of every process out of date (a post_save handler, connected in
    news/apps.py; a change made with bulk SQL, outside the ORM, must call it).

    One UPDATE of one row, in the caller's transaction, so that a change rolled back takes its
    token with it. A deletion needs none: a deleted record, or a zone's deleted other name,
    that the index still finds is matched against the records as they are, which no longer
    hold it.
    """
    # The content's version first, as every other change writes it first
    # (pagecache.content_changed): transactions that write several of these one-row tokens
    # write them in the same order, and so never wait for each other in a circle.
    ContentVersion.renew()
    token = uuid.uuid4().hex
    if not IndexStamp.objects.filter(name=STAMP).update(token=token):
        IndexStamp.objects.update_or_create(name=STAMP, defaults={"token": token})


@dataclass(frozen=True)
class NameIndex:
    """Every name of every link field's records, as `names` gives them, folded as a body is
    (traditional characters simplified, lower case), to find the records a body may name.

    Its cost at 100,000 enterprises: 300,000 names in two arrays of 8 bytes a name (hashes
    and records) and a few hundred prefixes, 6 MB (22 MB while it is read); read in 2 to 4
    seconds, at most once per process for each state of the names.
    """

    token: str
    # A name's first MIN_LENGTH characters → the lengths of the names that begin with them:
    # for names that begin with a Latin letter or digit, found only where a word begins, and
    # for the others, found anywhere.
    at_word_start: dict[str, tuple[int, ...]]
    anywhere: dict[str, tuple[int, ...]]
    # The hash of each name, in order, and the record it names at the same place, as its id
    # times len(LINK_FIELDS) plus its field's place in LINK_FIELDS.
    hashes: array
    records: array

    @classmethod
    def build(cls, token: str) -> "NameIndex":
        """Reads every record's names: one query per link field (two for zones)."""
        forms = simplified_forms()
        prefixes: dict[bool, dict[str, set[int]]] = {True: {}, False: {}}
        # (hash, record) as one int, which sorts as the pair and takes less room than a tuple.
        packed = []
        for place, (_field, model) in enumerate(LINK_FIELDS):
            for pk, written in written_names(model):
                reference = pk * len(LINK_FIELDS) + place
                for name in names_from(written):
                    # Only Chinese characters have a simplified form.
                    folded = (name if name.isascii() else name.translate(forms)).lower()
                    starts = prefixes[is_latin(name[0])].setdefault(folded[:MIN_LENGTH], set())
                    starts.add(len(folded))
                    packed.append((hash(folded) + 2**63) << 64 | reference)
        packed.sort()
        hashes, records = array("q"), array("q")
        previous = None
        for pair in packed:
            if pair != previous:  # a record's name written twice ("ABC" and "Abc")
                hashes.append((pair >> 64) - 2**63)
                records.append(pair & (2**64 - 1))
                previous = pair
        return cls(
            token=token,
            at_word_start={key: tuple(sorted(v)) for key, v in prefixes[True].items()},
            anywhere={key: tuple(sorted(v)) for key, v in prefixes[False].items()},
            hashes=hashes,
            records=records,
        )

    def records_named(self, folded: str, lowered: str) -> dict[str, set[int]]:
        """The ids of the records, by link field, with a name that `lowered` (the body folded
        and lower-cased) holds where it may be found: anywhere, and a Latin name where a word
        begins in `folded` (the body before lower-casing). A few more records may come with
        them, that share a name's hash: matching them as before leaves them out.

        One or two dictionary look-ups for each character of the body, and one look-up in the
        hashes for each length of name that begins there."""
        found = set()
        # Lower-casing turns every character into one, but a very few into two: then places in
        # the one are not places in the other, and Latin names are looked for everywhere.
        same_places = len(folded) == len(lowered)
        hashes, records, count = self.hashes, self.records, len(self.hashes)
        for start in range(len(lowered) - MIN_LENGTH + 1):
            prefix = lowered[start : start + MIN_LENGTH]
            lengths = self.anywhere.get(prefix, ())
            if start == 0 or not same_places or not is_latin(folded[start - 1]):
                lengths += self.at_word_start.get(prefix, ())
            for length in lengths:
                wanted = hash(lowered[start : start + length])
                place = bisect_left(hashes, wanted)
                while place < count and hashes[place] == wanted:
                    found.add(records[place])
                    place += 1
        named: dict[str, set[int]] = {}
        for reference in found:
            pk, place = divmod(reference, len(LINK_FIELDS))
            named.setdefault(LINK_FIELDS[place][0], set()).add(pk)
        return named


def written_names(model: type[models.Model]) -> Iterator[tuple[int, list[str]]]:
    """Each record's id and the names it goes by as written (`SearchIndex.names_of`), read as
    rows where it has no other names: as model instances, 100,000 enterprises took seconds."""
    declared = registry.for_model(model)
    records = model._default_manager.order_by()
    if declared.other_names:
        records = declared.with_names(records.only("pk", *declared.name_fields))
        for record in records.iterator(chunk_size=2000):
            yield record.pk, declared.names_of(record)
    else:
        rows = records.values_list("pk", *declared.name_fields).iterator(chunk_size=2000)
        for pk, *written in rows:
            yield pk, written


_lock = threading.Lock()
_index: NameIndex | None = None


def name_index() -> NameIndex:
    """The NameIndex of the names as they are now: one query when it is built already."""
    global _index
    token = IndexStamp.objects.filter(name=STAMP).values_list("token", flat=True).first() or ""
    index = _index
    if index is not None and index.token == token:
        return index
    with _lock:
        if _index is None or _index.token != token:
            _index = None  # the old one is let go before the new one is read
            _index = NameIndex.build(token)
        return _index


def suggest_links(
    bodies: Iterable[str],
    linked: Mapping[str, Collection[int]] | None = None,
    fields: Collection[str] | None = None,
) -> list[Suggestion]:
    """Records named in `bodies` (a release's body in each language, as HTML) and not among
    the `linked` ids of their link field, in the order the bodies name them.

    Works on what the release's form holds, saved or not. `fields` limits the search to some
    link fields (those whose records the user may see). Runs no query for a body without
    text; else one for the state of the names (and reads them all when this process has not
    read them since they changed: see NameIndex), one per link field whose records the body
    may name (two for zones, with their other names), and one per link field with
    suggestions, for which of them visitors see.
    """
    linked = linked or {}
    text = " ".join(text_of(body) for body in bodies)
    if len(text.strip()) < MIN_LENGTH:
        return []
    # Traditional characters read as simplified, as the site search reads them: one character
    # for one, so a match's place in the one is its place in the other.
    forms = simplified_forms()
    folded = text.translate(forms)
    lowered = folded.lower()
    named = name_index().records_named(folded, lowered)
    matches = []  # (start, end, field, record, found)
    for field, model in LINK_FIELDS:
        if (fields is not None and field not in fields) or not named.get(field):
            continue
        declared = registry.for_model(model)
        records = model._default_manager.filter(pk__in=named[field])
        records = records.exclude(pk__in=list(linked.get(field, ())))
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
