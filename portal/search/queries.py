"""Searching the index: the search page, search as you type, and a list page's `q` filter.

    results = search("沈阳", kind=None)       # for the search page: counts, pages of results
    suggest("shenya")                         # for search as you type
    filter_queryset(SomeModel.objects..., q)  # for a list page's `q` filter
    record_matches(SomeModel, prepare(q))     # the same, as ids with how they matched

How a query is read is in text.py, what each app indexes in its search_indexes module
(registry.py), when it is written in index.py, the SQL per database in backends/.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import NamedTuple

from django.db.models import BooleanField, Case, F, IntegerField, QuerySet, Value, When
from django.db.models.expressions import Expression
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from portal.search import backends, registry, text
from portal.search.backends import (
    COUNT_CAP,
    RANK_WINDOW,
    Backend,
    Hit,
    backend,
    name_ranker,
    rank_key_for,
)

# How a match of record_matches() was found, for its callers to unpack.
AS_TYPED = backends.AS_TYPED
ON_NAME = backends.ON_NAME

MATCHED_ON = {
    "name": _("name"),
    "alias": _("former or other name"),
    "pinyin": _("pinyin"),
    "body": _("text"),
    "corrected": _("corrected spelling"),
}

SNIPPET_CHARS = 180


def prepare(
    raw: str,
    correct: bool = True,
    engine: Backend | None = None,
    finds_a_name: bool | None = None,
) -> text.Query:
    """Parse a query and, with `correct`, find spelling corrections for its longer words
    (`corrected`)."""
    query = text.parse(raw)
    if not correct:
        return query
    return corrected(query, engine, finds_a_name)


def corrected(
    query: text.Query, engine: Backend | None = None, finds_a_name: bool | None = None
) -> text.Query:
    """The parsed `query`, given spelling corrections for its longer words (in place).

    A word is corrected to indexed words close to it (one edit for 5 to 7 letters, two for
    more), other than those it starts, which it already finds, unless it finds a visible entry
    as typed beside a word that finds nothing or a Chinese word (a word spelt right), and
    only to words that an entry visible now holds: the vocabulary also keeps words of
    scheduled records and of records removed in bulk, which no answer may confirm. The search
    ranks what the words find as typed above what their corrections find.

    A correction widens a query that finds no name as typed; one that does has found its answer
    (`jianping` its zone), and the names that are one letter away (Jiaming, Tianming) would only
    pad it. So when some word could be corrected, one query first asks whether the query as
    typed matches a visible name; if not, one query per such word, and two more when some word
    has candidates. A caller that knows whether the query as typed matches a visible name says
    so in `finds_a_name`, and that query is not asked. Before all that, a word being typed as
    pinyin whose syllables no entry holds is no longer read as pinyin (drop_unheld_pinyin).
    """
    engine = engine or backend()
    engine.drop_unheld_pinyin(query)
    correctable = [
        index
        for index, term in enumerate(query.terms)
        if not term.cjk and len(term.text) >= text.MIN_CORRECTABLE and term.text.isalpha()
    ]
    if not correctable:
        return query
    if finds_a_name is None:
        finds_a_name = engine.finds_a_name(query)
    if finds_a_name:
        return query
    candidates: dict[int, list[str]] = {}
    # The words each word finds as typed (itself, and those it starts).
    spelt: dict[int, list[str]] = {}
    for index in correctable:
        word = query.terms[index].text
        limit = text.allowed_distance(word)
        scored = []
        spelt[index] = [word]
        for candidate in engine.similar_terms(word):
            if candidate.startswith(word):
                spelt[index].append(candidate)
                continue
            distance = text.edit_distance(word, candidate, limit)
            similarity = text.similarity(word, candidate)
            # Only what both databases offer (PostgreSQL's trigram match stops at its
            # threshold), ties broken alike, since each lists candidates in an order of its own:
            # the closer by trigrams, then the word.
            if distance <= limit and similarity >= text.SIMILARITY_THRESHOLD:
                scored.append((distance, -similarity, candidate))
        if scored:
            candidates[index] = [candidate for _, _, candidate in sorted(scored)]
    asked = {word for words in (*candidates.values(), *spelt.values()) for word in words}
    public = engine.public_terms(sorted(asked))
    found_as_typed = {index for index in correctable if any(w in public for w in spelt[index])}
    for index, found in candidates.items():
        # Beside a word that finds nothing, or a Chinese word, a word that finds a visible entry
        # as typed is spelt right: in "Dalian Universty", "dalian" is a place, not a misspelt
        # "datian", and only "universty" is corrected; in "大连 shenyang", which no name
        # holds, "shenyang" is not read as "shengyong". Alone, or beside words that all find
        # something, it may be a misspelling some text holds ("universty" in a release).
        beside_chinese = any(term.cjk for term in query.terms)
        if index in found_as_typed and (len(found_as_typed) < len(correctable) or beside_chinese):
            continue
        query.terms[index].corrections = [word for word in found if word in public][:3]
    return query


def shown_count(count: int, capped: bool) -> str:
    """A count for the page: "1,000+" for a count that stopped at the cap."""
    if capped:
        return _("%(count)s+") % {"count": number_format(count, force_grouping=True)}
    return number_format(count, force_grouping=True)


class ShownEntry(NamedTuple):
    """What a result shows of its index entry, read as a row: building twenty SearchEntry
    instances cost more than reading them."""

    id: int
    kind: str
    slug: str
    published_at: datetime | None = None
    title_en: str = ""
    title_zh_hans: str = ""
    text_en: str = ""
    text_zh_hans: str = ""
    names: str = ""
    aliases: str = ""
    pinyin: str = ""


# The columns of a ShownEntry after its id, in its order.
SHOWN_COLUMNS = ShownEntry._fields[1:]


@dataclass
class Result:
    entry: ShownEntry
    kind: str
    title: str
    url: str
    snippet: SafeString
    matched_on: str
    # As the page shows them, worked out once per page: rendering them is most of a result's
    # time in the template.
    kind_label: str = ""
    matched_on_text: str = ""


def language_order() -> tuple[str, str]:
    """The suffixes of a field's two languages, the current language's first."""
    if (get_language() or "en").startswith("zh"):
        return ("zh_hans", "en")
    return ("en", "zh_hans")


def localised(entry: ShownEntry, field: str, order: tuple[str, str] | None = None) -> str:
    """A field of an entry in the current language, falling back to the other one. A list of
    results passes the `language_order()` it read once."""
    values = (getattr(entry, f"{field}_{suffix}") for suffix in order or language_order())
    return next((value for value in values if value), "")


def url_of(entry: ShownEntry) -> str:
    return registry.get(entry.kind).url(entry.slug)


def highlight_pattern(query: text.Query) -> re.Pattern | None:
    """What a snippet marks: query words at the start of a word, Chinese runs anywhere, however
    the text writes them (the query's words are normalised: text.normalise): in simplified or
    traditional characters, with accents or without, café as cafe, Straße as strasse."""
    parts = []
    for word in sorted(set(query.words()), key=len, reverse=True):
        if text.is_cjk(word):
            forms = text.written_forms()
            parts.append("".join(f"[{forms[char]}]" if char in forms else char for char in word))
        else:
            parts.append(r"\b" + written_word(word))
    if not parts:
        return None
    return re.compile("|".join(parts), re.IGNORECASE)


def written_word(word: str) -> str:
    """A pattern of a normalised word as a text may write it (text.written_letters)."""
    single, double = text.written_letters()

    def letter(char: str) -> str:
        return f"[{re.escape(char + single.get(char, ''))}]"

    parts, position = [], 0
    while position < len(word):
        pair = word[position : position + 2]
        if len(pair) == 2 and pair in double:
            written = re.escape(double[pair])
            parts.append(f"(?:{letter(pair[0])}{letter(pair[1])}|[{written}])")
            position += 2
        else:
            parts.append(letter(word[position]))
            position += 1
    return "".join(parts)


def snippet(value: str, pattern: re.Pattern | None) -> SafeString:
    """An escaped extract of value around the first match, with every match in <mark>."""
    match = pattern.search(value) if pattern else None
    start = 0
    if match:
        start = max(0, match.start() - SNIPPET_CHARS // 3)
        # Start at a word boundary rather than mid-word.
        space = value.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = start + SNIPPET_CHARS
    # And end at one: "membe …" read as a word. (Chinese, without spaces, ends anywhere.)
    if end < len(value) and not value[end].isspace():
        space = value.rfind(" ", start, end)
        end = space if space >= 0 and end - space < 20 else end
    extract = value[start:end].rstrip()
    before = "… " if start > 0 else ""
    after = " …" if end < len(value) else ""
    # Escaped here rather than by format_html, whose lazy-string checks cost more than the
    # escaping on a page of twenty snippets.
    pieces, position = [before], 0
    if pattern:
        for found in pattern.finditer(extract):
            pieces += [escape(extract[position : found.start()]), "<mark>"]
            pieces += [escape(found.group()), "</mark>"]
            position = found.end()
    pieces += [escape(extract[position:]), after]
    return SafeString("".join(pieces))


def term_in(term: text.Term, column: str) -> bool:
    if term.cjk:
        return " ".join(text.pairs(term.text)) in column or term.spelled in column.split()
    words = column.split()
    if any(word.startswith(term.text) for word in words):
        return True
    return bool(term.pinyin) and " ".join(term.pinyin) in column


def matched_on(entry: ShownEntry, query: text.Query, exact: bool) -> str:
    """What the entry matched on, as a key of MATCHED_ON."""
    if not exact:
        return "corrected"
    for key, column in (("name", entry.names), ("alias", entry.aliases), ("pinyin", entry.pinyin)):
        if all(term_in(term, column) for term in query.terms):
            return key
    return "body"


def results_for(hits, query: text.Query, engine: Backend) -> list[Result]:
    """Hits turned into results, in the hits' order; one query."""
    entries = shown_entries(engine, [hit.entry_id for hit in hits])
    pattern = highlight_pattern(query)
    order = language_order()
    labels = {kind: str(label) for kind, label in registry.kind_choices()}
    matched_on_texts = {
        key: gettext("Matched on: %(field)s") % {"field": field}
        for key, field in MATCHED_ON.items()
    }
    results = []
    for hit in hits:
        entry = entries.get(hit.entry_id)
        if entry is None:
            continue
        key = matched_on(entry, query, hit.exact)
        results.append(
            Result(
                entry=entry,
                kind=entry.kind,
                title=localised(entry, "title", order),
                url=url_of(entry),
                snippet=snippet(localised(entry, "text", order), pattern),
                matched_on=MATCHED_ON[key],
                kind_label=labels.get(entry.kind, entry.kind),
                matched_on_text=matched_on_texts[key],
            )
        )
    return results


def shown_entries(engine: Backend, ids: list[int]) -> dict[int, ShownEntry]:
    """The entries of ids that are still there."""
    entries = {}
    for entry_id, row in engine.rank_data(ids, *SHOWN_COLUMNS).items():
        kind, slug, published_at, *texts = row[2:]
        published_at = engine.published_time(published_at)
        entries[entry_id] = ShownEntry(entry_id, kind, slug, published_at, *texts)
    return entries


class SearchResults:
    """The results of a query, counted once and fetched a page at a time (a Paginator's
    object_list). `engine`, the backend that prepared the query, has the hidden entries looked
    up already."""

    def __init__(self, query: text.Query, kind: str | None = None, engine: Backend | None = None):
        self.query = query
        self.kind = kind
        self.engine = engine or backend()
        self._counts: dict[str, tuple[int, int]] | None = None
        self._window: list[Hit] = []
        self._ranked: list[Hit] | None = None

    @property
    def counts(self) -> dict[str, tuple[int, int]]:
        if self._counts is None:
            if self.query.is_empty:
                self._counts = {}
            else:
                self._counts, self._window = self.engine.matches(self.query, self.kind)
        return self._counts

    def ranked(self) -> list[Hit]:
        """The window of best matches in the ranking's order; one query, on narrow columns."""
        if self._ranked is None:
            self.counts  # noqa: B018 -- fetches the window along with the counts
            rows = self.engine.rank_data([hit.entry_id for hit in self._window])
            hits = [hit for hit in self._window if hit.entry_id in rows]
            key = rank_key_for(self.query)
            hits.sort(key=lambda hit: key(hit, *rows[hit.entry_id]))
            self._ranked = hits
        return self._ranked

    def kind_count(self, kind: str) -> int:
        """Matches of a kind, at most COUNT_CAP (see `capped`)."""
        return min(self.counts.get(kind, (0, 0))[0], COUNT_CAP)

    def kind_capped(self, kind: str) -> bool:
        return self.counts.get(kind, (0, 0))[0] > COUNT_CAP

    def count_by_kind(self) -> list[tuple[str, str, int]]:
        """(kind, label, count) for every kind, in a fixed order; counts stop at the cap."""
        return [(kind, label, self.kind_count(kind)) for kind, label in registry.kind_choices()]

    def shown_by_kind(self) -> list[tuple[str, str, int, str]]:
        """count_by_kind with each count as the page shows it ("1,000+" over the cap)."""
        return [
            (kind, label, count, shown_count(count, self.kind_capped(kind)))
            for kind, label, count in self.count_by_kind()
        ]

    def count(self) -> int:
        if self.kind:
            return self.kind_count(self.kind)
        return self.total()

    def total(self) -> int:
        """Matches of every kind, whichever kind is shown (each kind counted up to the cap)."""
        return sum(self.kind_count(kind) for kind in self.counts)

    def capped(self) -> bool:
        """Whether count() is a lower bound: some kind it covers has more than the cap."""
        kinds = [self.kind] if self.kind else list(self.counts)
        return any(self.kind_capped(kind) for kind in kinds)

    def total_capped(self) -> bool:
        return any(self.kind_capped(kind) for kind in self.counts)

    def shown_count(self) -> str:
        return shown_count(self.count(), self.capped())

    def shown_total(self) -> str:
        return shown_count(self.total(), self.total_capped())

    def exact_count(self) -> int:
        # Counted among the first matches of each kind only; the window reads matches as typed
        # first, so it holds one whenever there is one.
        return sum(exact for _, exact in self.counts.values()) + sum(
            hit.exact for hit in self._window
        )

    def did_you_mean(self) -> str:
        """The corrected query, when the query as typed finds nothing and the corrected one
        finds something (every correction is a word of some visible entry, see prepare)."""
        if self.query.corrected and self.exact_count() == 0 and self.total():
            return self.query.corrected_as_written()
        return ""

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        if self.query.is_empty:
            return []
        start, stop = key.start or 0, key.stop
        if stop <= RANK_WINDOW:
            hits = self.ranked()[start:stop]
        else:
            hits = self.engine.hits_beyond_window(self.query, self.kind, stop - start, start)
        return results_for(hits, self.query, self.engine)


def search(raw: str, kind: str | None = None) -> SearchResults:
    if kind not in registry.kinds():
        kind = None
    engine = backend()
    return SearchResults(prepare(raw, engine=engine), kind, engine)


def suggest(raw: str, per_kind: int = 5) -> list[tuple[str, str, list[Result]]]:
    """The best name matches per kind, for search as you type: (kind, label, results).

    Spelling is corrected only when the query as typed finds nothing.
    """
    query = prepare(raw, correct=False)
    if query.is_empty:
        return []
    engine = backend()
    ids = engine.suggestions(query)
    if not any(ids.values()):
        # Every name matching the query as typed was looked for: there is none. The same
        # query, so that what the lookup learnt of its words (drop_unheld_pinyin) holds.
        query = corrected(query, engine, finds_a_name=False)
        if not query.corrected:
            return []
        ids = engine.suggestions(query)
    # The candidates are ranked on their name keys alone, read with what a suggestion shows.
    rows = engine.rank_data(
        [entry_id for found in ids.values() for entry_id in found],
        "slug",
        "title_en",
        "title_zh_hans",
    )
    name_rank = name_ranker(query)
    groups = []
    for kind, label in registry.kind_choices():
        found = [entry_id for entry_id in ids[kind] if entry_id in rows]
        found.sort(
            key=lambda entry_id: (
                -name_rank(rows[entry_id][0], True),
                len(rows[entry_id][0]),
                -rows[entry_id][1],
            )
        )
        results = []
        for entry_id in found[:per_kind]:
            _, _, slug, title_en, title_zh_hans = rows[entry_id]
            entry = ShownEntry(entry_id, kind, slug, title_en=title_en, title_zh_hans=title_zh_hans)
            results.append(
                Result(
                    entry=entry,
                    kind=kind,
                    title=localised(entry, "title"),
                    url=url_of(entry),
                    snippet=SafeString(""),
                    matched_on="",
                )
            )
        if results:
            groups.append((kind, label, results))
    return groups


def record_matches(model, query: text.Query) -> list[int]:
    """Every record of the model that matches a prepared query, visible or not (the caller
    keeps the visible ones), in no particular order, for lists that filter in memory: as
    `id * 4 + ON_NAME + AS_TYPED`, each flag there when the record matched on a name as typed,
    or as typed rather than through a spelling correction."""
    if query.is_empty:
        return []
    return backend().record_matches(query, registry.for_model(model).kind)


class Number(Value):
    """A whole number written in the SQL rather than passed as a parameter, for the search rank
    (see PostgreSQLBackend.record_ids_sql)."""

    def as_sql(self, compiler, connection):
        return str(int(self.value)), []


class RecordMatch(Expression):
    """The condition "this record matches the query", for the queryset's own rows.

    The record's primary key is compiled by Django, so the condition holds wherever the queryset
    goes, including inside the subqueries of the directory's facet counts.
    """

    output_field = BooleanField()

    def __init__(self, engine, query, kind: str, names_only: bool, fuzzy: bool):
        super().__init__()
        self.engine, self.query, self.kind = engine, query, kind
        self.names_only, self.fuzzy = names_only, fuzzy
        self.pk = F("pk")

    # Compared by identity: the parsed query is not hashable, and two matches are never merged.
    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, expressions):
        (self.pk,) = expressions

    def as_sql(self, compiler, connection):
        pk_sql, pk_params = compiler.compile(self.pk)
        sql, params = self.engine.record_match_sql(
            self.query, self.kind, pk_sql, self.names_only, self.fuzzy
        )
        # A column reference has no parameters of its own, so `params` stay in order.
        assert not pk_params
        return sql, params


def filter_queryset(queryset: QuerySet, raw: str | text.Query) -> QuerySet:
    """The queryset restricted to records matching the query, best first.

    For a list page's `q` filter, so that the query composes with its other filters. Adds a
    `search_rank` annotation: 0 for a match on a name, 1 on the text, 2 on a corrected spelling.
    An empty query leaves the queryset as it is. A page that filters several querysets by one
    query passes it `prepare()`d, so the spelling lookups run once.
    """
    query = prepare(raw) if isinstance(raw, str) else raw
    if query.is_empty:
        return queryset
    kind = registry.for_model(queryset.model).kind
    engine = backend()
    model = queryset.model

    def matches(names_only: bool, fuzzy: bool) -> RecordMatch:
        return RecordMatch(engine, query, kind, names_only=names_only, fuzzy=fuzzy)

    rank = [When(matches(names_only=True, fuzzy=False), then=Number(0))]
    default = 1
    if query.corrected:
        rank.append(When(matches(names_only=False, fuzzy=False), then=Number(1)))
        default = 2
    ordering = list(queryset.query.order_by or model._meta.ordering or ["pk"])
    return (
        queryset.filter(matches(names_only=False, fuzzy=True))
        .annotate(search_rank=Case(*rank, default=Number(default), output_field=IntegerField()))
        .order_by("search_rank", *ordering)
    )
