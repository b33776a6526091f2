"""The PostgreSQL backend: full text over tables of tsvectors with GIN indexes, pg_trgm over
the vocabulary (portal/migrations/0002_search_index.py and 0003_search_names.py), and counts of
the documents holding each word (search/migrations/0006_lexeme_counts.py)."""

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain

from django.db import connection, transaction
from psycopg import sql

from portal.search import registry
from portal.search.backends.base import (
    COUNT_CAP,
    MAX_HIDDEN_LISTED,
    RANK_WINDOW,
    SUGGESTION_CANDIDATES,
    Backend,
    Hit,
)
from portal.search.models import KIND_SPAN, SearchEntry
from portal.search.text import Query, pairs

# This backend reads this many times the rows it needs, newest first, before it reads every
# match from the index (PostgreSQLBackend.newest_in).
PROBE_FACTOR = 20
# The weights of names, other names and pinyin in a document (body is D), and a lexeme of a
# tsquery this module writes: tokens never hold a quote (text.py).
NAME_WEIGHTS = "ABC"
WEIGHTED_LEXEME = re.compile(r"'([^']*)'(?::(\*))?")
# A word shorter than this is not looked up in the lexeme counts as a prefix: it starts too many
# words of the index, and matches so many documents that counting the first of them is quick.
MIN_COUNTED_PREFIX = 3
# Every document's words, counted per kind (search/migrations/0006_lexeme_counts.py).
COUNT_LEXEMES = f"""
    SELECT lexeme, id / {KIND_SPAN:d}, COUNT(*)
    FROM portal_search_document, unnest(tsvector_to_array(document)) AS lexeme
    GROUP BY lexeme, id / {KIND_SPAN:d}
"""


class PostgreSQLBackend(Backend):
    """Two tables of tsvectors with GIN indexes, kept in step with the entries by triggers and
    partitioned by kind (portal/migrations/0003_search_names.py): the document, every column of
    the entry, and the names, only names, other names and pinyin. pg_trgm over the vocabulary.

    Anything that matches names alone reads the names table: the GIN index cannot check phrases
    (Chinese, pinyin), so every candidate row is read again, and a names row is a fraction of
    the width of a document row.

    A third table, kept by a trigger on the document, counts the documents of each kind that
    hold each word, which tells a broad word from others without reading its matches.
    """

    table = "portal_search_document"
    names_table = "portal_search_name"
    lexeme_table = "portal_search_lexeme"
    id = "id"
    published_seconds = "EXTRACT(EPOCH FROM published_at)::float8"

    def __init__(self):
        super().__init__()
        # The kinds whose last counts counted the matches as typed on their own (counts).
        self.counted_as_typed: set[str] = set()

    def tsquery(self, expr: str) -> str:
        """`to_tsquery('simple', expr)`, with expr written into the statement as a literal.

        The connection prepares a statement it runs again (settings.py), and a prepared
        statement is planned once for any value of its parameters: such a plan cannot tell a
        word in 25,000 names from a word in three, and took 20 ms to count `shenyang`'s
        matches where a plan for the word takes 8. Written in, a query is planned for its words.
        """
        return f"to_tsquery('simple', {sql.Literal(expr).as_string()})"

    def match_sql(self, expr):
        return f"document @@ {self.tsquery(expr)}", []

    def flag_sql(self, expr):
        return self.match_sql(expr)

    def in_name_sql(self, query, fuzzy=True):
        expr = self.expression(query, names_only=True, fuzzy=fuzzy)
        return f"id IN (SELECT id FROM {self.names_table} WHERE names @@ {self.tsquery(expr)})", []

    def finds_a_name(self, query):
        # On the names table: a term matches names or text alike, the table says which.
        visible, visible_params = self.visible_sql()
        expr = self.expression(query, names_only=True, fuzzy=False)
        found, params = self.exists_sql(
            self.names_table,
            f"names @@ {self.tsquery(expr)} AND {visible}",
            visible_params,
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {found}", params)
            return cursor.fetchone()[0]

    def drop_unheld_pinyin(self, query):
        # A phrase ending in a prefix (`shen <-> ya <-> g:*` for `shenyag`) makes the GIN index
        # gather every word the prefix starts before it looks at the others: 4 to 7 ms a
        # statement at 100,000 enterprises, though no document holds `ya`. Whether some
        # document holds the whole syllables is one lookup each, which stops at the first.
        typed = [
            term
            for term in query.terms
            if term.pinyin
            and len(term.pinyin) > 1
            and not term.written_apart
            and not term.pinyin_spellings()
        ]
        if not typed:
            return
        checks = []
        for term in typed:
            syllables = self.all_of([self.lexeme(syllable, False) for syllable in term.pinyin[:-1]])
            found, _ = self.exists_sql(self.table, f"document @@ {self.tsquery(syllables)}", [])
            checks.append(found)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(checks)}")
            held = cursor.fetchone()
        for term, is_held in zip(typed, held, strict=True):
            if not is_held:
                term.pinyin = None

    def exists_sql(self, table, condition, params):
        # One EXISTS per kind's partition, the first that holds a row ending it. Through the
        # partitioned table, the planner costs each partition as if every match were read (see
        # rows_of_kind), and looked for a broad word's first row by building the bitmap of all
        # of them: about a millisecond, against a quarter of one.
        checks = [
            f"EXISTS (SELECT 1 FROM {table}_{kind} WHERE {condition})" for kind in registry.kinds()
        ]
        return "(" + " OR ".join(checks) + ")", params * len(checks)

    def row_on_name_sql(self, query):
        # Checked on the document row already read, rather than by reading every matching row
        # of the names table as well (a third of the time at 25,000 matches): the document's
        # names, other names and pinyin carry the weights A, B and C (0002_search_index).
        expr = WEIGHTED_LEXEME.sub(
            lambda lexeme: f"'{lexeme[1]}':{lexeme[2] or ''}{NAME_WEIGHTS}",
            self.expression(query, names_only=True, fuzzy=False),
        )
        return self.match_sql(expr)

    def counts(self, query, kinds=None):
        """As Backend.counts, except in the kinds where the query is sure to have more matches
        than the cap (crowded_kinds): those are not read. A corrected query's matches as typed
        are still counted there, usually few, and in full up to the cap."""
        kinds = registry.kinds() if kinds is None else kinds
        crowded = self.crowded_kinds(query, kinds)
        self.counted_as_typed = set(crowded)
        if not crowded:
            return super().counts(query, kinds)
        found = super().counts(query, [kind for kind in kinds if kind not in crowded])
        as_typed = super().counts(query.as_typed(), crowded) if query.corrected else {}
        for kind in crowded:
            exact = as_typed.get(kind, (0, 0))[0] if query.corrected else COUNT_CAP + 1
            found[kind] = (COUNT_CAP + 1, exact)
        return found

    def crowded_kinds(self, query: Query, kinds: list[str]) -> list[str]:
        """Those of the kinds in which a query of one word surely has more than COUNT_CAP
        visible matches; one query, on the lexeme counts.

        A word matches as typed every document holding a lexeme it starts (a Chinese pair: that
        lexeme), and as corrected every one holding a correction; each is only one of its ways
        to match. So the documents holding the most common of those lexemes, less the kind's
        hidden entries, are at most as many as its matches. Counting the first COUNT_CAP + 1 of
        those read about four thousand documents at 100,000 enterprises for `dalian`.
        """
        if len(query.terms) != 1:
            return []
        term = query.terms[0]
        words, prefix = list(term.corrections), ""
        if term.cjk and len(term.text) == 2:  # one pair: a lexeme
            words.append(term.text)
        elif term.cjk and len(term.text) == 1:
            prefix = term.text  # 'text':*
        elif not term.cjk and term.matches_as_word and len(term.text) >= MIN_COUNTED_PREFIX:
            prefix = term.text
        if term.spelled:  # its pinyin as one word (text.spelled): another way to match
            words.append(term.spelled)
        self.visible_sql()
        if not (words or prefix) or len(self.hidden) > MAX_HIDDEN_LISTED:
            return []
        # The lexemes starting with the prefix: one range of the index, in byte order.
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT kind, MAX(documents) FROM (
                    SELECT kind, SUM(documents) AS documents FROM {self.lexeme_table}
                    WHERE (lexeme >= %s AND lexeme < %s) OR lexeme = ANY(%s)
                    GROUP BY kind, lexeme
                ) AS held
                GROUP BY kind
                """,
                [prefix, after, words],
            )
            held = dict(cursor.fetchall())
        hidden = Counter(entry_id // KIND_SPAN for entry_id in self.hidden)
        return [
            kind
            for kind in kinds
            if held.get(code := registry.get(kind).code, 0) - hidden[code] > COUNT_CAP
        ]

    @contextmanager
    def writing_in_bulk(self) -> Iterator[None]:
        """The lexeme counts are emptied, left alone by their trigger on this connection while
        the entries are written, then counted from the documents at once: a few seconds at
        100,000 enterprises, rather than about eighty rows written and folded for each entry.
        Meanwhile they count too few, and searches count their matches."""
        with self.locked_lexemes() as cursor:
            cursor.execute(f"DELETE FROM {self.lexeme_table}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('portal.search_recount', 'on', false)")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('portal.search_recount', 'off', false)")
            with self.locked_lexemes() as cursor:
                # One statement, so that it reads the documents as it empties the counts: the
                # rows other connections write meanwhile are either in both or in neither.
                cursor.execute(
                    f"""
                    WITH emptied AS (DELETE FROM {self.lexeme_table})
                    INSERT INTO {self.lexeme_table} (lexeme, kind, documents) {COUNT_LEXEMES}
                    """
                )

    @contextmanager
    def locked_lexemes(self) -> Iterator:
        """A cursor in a transaction holding the lock under which the trigger folds a word's
        rows, once other transactions folding have ended. A fold in progress would write back,
        after the statements here, the rows it had taken away before them, counted twice."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s::regclass::oid::bigint)", [self.lexeme_table]
            )
            yield cursor

    def rows_of_kind(self, kind):
        # The kind's partition itself. Through the partitioned table, the planner picks the
        # partition's plan by the cost of reading every match, so a count that stops at
        # COUNT_CAP + 1 built the GIN index's bitmap of all of them (20 ms for `shenyang`);
        # on the partition it weighs the LIMIT, and reads rows until it has enough when
        # matches are many.
        return f"{self.table}_{kind}", "TRUE", []

    def source(self, names_only: bool) -> tuple[str, str]:
        """The table and column to match on: the names, or the whole document."""
        return (self.names_table, "names") if names_only else (self.table, "document")

    def record_ids_sql(self, query, kind, names_only, fuzzy):
        # With no parameters: a list sorted by its search rank (queries.filter_queryset) and
        # made DISTINCT by its other filters repeats the rank, and this with it, in its select
        # list. PostgreSQL gets parameters apart from the statement, so the two copies would
        # differ ($1 here, $7 there), and it would refuse the sort.
        low, _ = SearchEntry.id_range(kind)
        table, column = self.source(names_only)
        expr = self.expression(query, names_only=names_only, fuzzy=fuzzy)
        statement = f"""
            SELECT id - {low:d} FROM {table}
            WHERE {column} @@ {self.tsquery(expr)} AND {self.of_kind_sql(kind)}
        """
        return statement, []

    def window(self, query, kind, counts):
        """As Backend.window, with tiers on the names or the document by turn; each tier
        excludes the ids the tiers before it found, which are all their matches (a tier that
        fills the window is the last one read). A corrected query with few matches reads the
        names once for both name tiers."""
        kinds = [kind] if kind else registry.kinds()
        scope = [counts.get(k, (0, 0)) for k in kinds]
        wanted = min(sum(count for count, _ in scope), RANK_WINDOW)
        if not wanted:
            return []
        # With more matches than the cap in some kind (and, for the tiers as typed, half of
        # those counted there as typed), the newest rows are likely to hold enough of them to
        # fill the window, so they are read first (see newest_in).
        crowded = any(count > COUNT_CAP for count, _ in scope)
        crowded_exact = any(count > COUNT_CAP and 2 * exact > count for count, exact in scope)
        # A count that stopped at the cap says how many of the matches it read were as typed,
        # not how many there are, unless the matches as typed were counted on their own.
        none_as_typed = all(
            not exact and (count <= COUNT_CAP or k in self.counted_as_typed)
            for k, (count, exact) in zip(kinds, scope, strict=True)
        )
        exact = self.expression(query, fuzzy=False)
        fuzzy = self.expression(query)
        window: list[Hit] = []

        def read(names_only: bool, expr: str, is_exact: bool) -> None:
            found = self.newest_in(
                names_only,
                expr,
                kind,
                RANK_WINDOW - len(window),
                excluded=[hit.entry_id for hit in window],
                crowded=crowded_exact if is_exact else crowded,
            )
            window.extend(Hit(entry_id, is_exact, names_only) for entry_id in found)

        if crowded or not query.corrected:
            # A corrected query matches no visible name as typed: queries.prepare asked that
            # before it looked for corrections. Looking for matches that are not there costs
            # what finding them would: a prefix as typed makes the index gather every word it
            # starts (4 to 7 ms a statement for `g:*` at 100,000 enterprises).
            if not query.corrected:
                read(True, exact, True)
            if len(window) < wanted and not none_as_typed:
                read(False, exact, True)
            if query.corrected and len(window) < wanted:
                read(True, fuzzy, False)
            if query.corrected and len(window) < wanted:
                read(False, fuzzy, False)
            return window
        # Under the cap the counts are complete, those as typed too, and the matches are few:
        # the names are read once for both name tiers, and the text tier as typed is read only
        # if the names as typed hold fewer matches than were counted as typed.
        names = self.names_matching(fuzzy, exact, kind)
        window += [Hit(entry_id, True, True) for entry_id, as_typed in names if as_typed]
        del window[RANK_WINDOW:]
        if len(window) < min(wanted, sum(exact for _, exact in scope)):
            read(False, exact, True)
        found = {hit.entry_id for hit in window}
        window += [
            Hit(entry_id, False, True)
            for entry_id, as_typed in names
            if not as_typed and entry_id not in found
        ]
        del window[RANK_WINDOW:]
        if len(window) < wanted:
            read(False, fuzzy, False)
        return window

    def names_matching(self, expr: str, flag: str, kind: str | None) -> list[tuple[int, bool]]:
        """Every visible entry (of kind) whose names match expr, newest first, with whether
        they also match flag; for queries with few matches."""
        visible, visible_params = self.visible_sql()
        where = f"AND {self.of_kind_sql(kind)}" if kind else ""
        statement = f"""
            WITH matches AS MATERIALIZED (
                SELECT id, names @@ {self.tsquery(flag)} FROM {self.names_table}
                WHERE names @@ {self.tsquery(expr)} AND {visible} {where}
            )
            SELECT * FROM matches ORDER BY id DESC
        """
        with connection.cursor() as cursor:
            cursor.execute(statement, visible_params)
            return cursor.fetchall()

    def newest_in(
        self,
        names_only: bool,
        expr: str,
        kind: str | None,
        limit: int,
        excluded: list[int],
        crowded: bool,
    ) -> list[int]:
        """The newest matches of kind (or of every kind), other than the excluded ids.

        Left to itself, the planner guesses from how many rows it expects to match whether to
        walk the primary key backwards until it has `limit` matches, or to read every match from
        the GIN index and sort them. Its guesses fail both ways: it takes the parts of a phrase
        or of several words to be unrelated and expects too few matches (装备 <-> 备制 <-> 制造
        are three words to it, matching 0.1% of rows rather than 8%), and a short prefix makes
        it expect too many. So the choice is made here: with `crowded`, the newest
        PROBE_FACTOR * limit rows are read first, in id order, stopping at `limit` matches,
        which on a crowded query is all it takes; otherwise, or if they hold too few, every
        match is read from the index (a CTE the planner keeps as it is) and sorted.

        The excluded ids are left out here rather than in SQL, where a long list of constants
        costs the planner more than the query: as many more matches are read as there are
        excluded ids.
        """
        table, column = self.source(names_only)
        visible, visible_params = self.visible_sql()
        where = f"AND {self.of_kind_sql(kind)}" if kind else ""
        wanted = limit + len(excluded)
        found = []
        with connection.cursor() as cursor:
            if crowded:
                cursor.execute(
                    f"""
                    SELECT id FROM (
                        SELECT id, {column} FROM {table} WHERE {visible} {where}
                        ORDER BY id DESC LIMIT %s
                    ) AS newest
                    WHERE {column} @@ {self.tsquery(expr)}
                    ORDER BY id DESC LIMIT %s
                    """,
                    [*visible_params, PROBE_FACTOR * limit, wanted],
                )
                found = [row[0] for row in cursor.fetchall()]
            if len(found) < wanted:
                cursor.execute(
                    f"""
                    WITH matches AS MATERIALIZED (
                        SELECT id FROM {table}
                        WHERE {column} @@ {self.tsquery(expr)} AND {visible} {where}
                    )
                    SELECT id FROM matches ORDER BY id DESC LIMIT %s
                    """,
                    [*visible_params, wanted],
                )
                found = [row[0] for row in cursor.fetchall()]
        skip = set(excluded)
        return [entry_id for entry_id in found if entry_id not in skip][:limit]

    def ids_sql(self):
        return "id = ANY(%s::bigint[])"

    def ids_param(self, ids):
        return "{" + ",".join(str(entry_id) for entry_id in ids) + "}"

    def suggestions(self, query):
        """As Backend.suggestions, in one statement for every kind: for each, the newest
        PROBE_FACTOR * SUGGESTION_CANDIDATES names are read in id order (see newest_in), for
        both parts. A part that finds too few there, in a kind that has more names than were
        read, is read again from the index, in a second statement."""
        exprs = self.part_expressions(query)
        visible, visible_params = self.visible_sql()
        read = PROBE_FACTOR * SUGGESTION_CANDIDATES
        # The newest ids of those read that match a part (hit or named), as an array.
        first = SUGGESTION_CANDIDATES
        newest = f"(ARRAY_AGG(id ORDER BY id DESC) FILTER (WHERE {{}}))[1:{first:d}]"
        parts, params = [], []
        # The query is a parameter here, and the limits are written in: the plan (the
        # newest names, by id) is the same for any word, so the connection prepares the
        # statement and plans it once rather than on every keystroke (0.47 ms a statement
        # instead of 0.86). Cast rather than parsed by to_tsquery, which a generic plan
        # would call on every row: the expression's words are already the index's tokens
        # (text.tokens: lower case, letters and digits or a Chinese run), which the
        # 'simple' configuration keeps as they are.
        for kind in registry.kinds():
            parts.append(f"""
                SELECT %s, COUNT(*), {newest.format("hit")}, {newest.format("named")}
                FROM (
                    SELECT id, names @@ %s::tsquery AS hit, names @@ %s::tsquery AS named
                    FROM {self.names_table}
                    WHERE {visible} AND {self.of_kind_sql(kind)}
                    ORDER BY id DESC LIMIT {read:d}
                ) AS newest
            """)
            params += [kind, *exprs, *visible_params]
        found: dict[str, list[list[int]]] = {}
        unread: list[tuple[str, int]] = []
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for kind, rows, *ids in cursor.fetchall():
                found[kind] = [each or [] for each in ids]
                unread += [
                    (kind, part)
                    for part, each in enumerate(found[kind])
                    if len(each) < SUGGESTION_CANDIDATES and rows == read
                ]
            if unread:
                # Read from the index, a word being typed as pinyin costs as much when no entry
                # holds its syllables as when one does (drop_unheld_pinyin); the newest names
                # above cost the same either way, so the check waits until now.
                self.drop_unheld_pinyin(query)
                exprs = self.part_expressions(query)
                parts, params = [], []
                for kind, part in unread:
                    # Every match, then the newest (see newest_in).
                    parts.append(f"""(
                        WITH matches AS MATERIALIZED (
                            SELECT id FROM {self.names_table}
                            WHERE names @@ {self.tsquery(exprs[part])} AND {visible}
                                AND {self.of_kind_sql(kind)}
                        )
                        SELECT %s, %s, id FROM matches ORDER BY id DESC LIMIT %s
                    )""")
                    params += [
                        *visible_params,
                        kind,
                        part,
                        SUGGESTION_CANDIDATES,
                    ]
                cursor.execute(" UNION ALL ".join(parts), params)
                for kind, part in unread:
                    found[kind][part] = []
                for kind, part, entry_id in cursor.fetchall():
                    found[kind][part].append(entry_id)
        return {kind: list(dict.fromkeys(chain(*lists))) for kind, lists in found.items()}

    def lexeme(self, token: str, prefix: bool) -> str:
        return f"'{token}'" + (":*" if prefix else "")

    def phrase(self, tokens: list[str], prefix: bool) -> str:
        last = len(tokens) - 1
        parts = [self.lexeme(token, prefix and i == last) for i, token in enumerate(tokens)]
        return "(" + " <-> ".join(parts) + ")"

    def term_expr(self, term, names_only, corrected):
        # The same on both tables: which table is read says whether names alone may match.
        if term.cjk:
            options = [self.phrase(pairs(term.text), len(term.text) == 1)]
            if term.spelled:
                options.append(self.lexeme(term.spelled, False))
        elif corrected and term.corrections:
            options = [self.lexeme(word, False) for word in term.corrections]
        else:
            options = [self.lexeme(term.text, True)] if term.matches_as_word else []
            if spellings := term.pinyin_spellings():
                options += [self.phrase(spelling, False) for spelling in spellings]
            elif term.pinyin:
                options.append(self.phrase(term.pinyin, True))
        return self.any_of(options)

    def names_phrase(self, tokens):
        return self.phrase(tokens, False)

    def all_of(self, parts):
        return "(" + " & ".join(parts) + ")"

    def any_of(self, parts):
        return "(" + " | ".join(parts) + ")"

    def but_not(self, expr, excluded):
        # Unused by this backend's own window, which excludes earlier tiers by id.
        return f"({expr} & !{excluded})"

    def word_match_sql(self, column):
        return f"document @@ to_tsquery('simple', quote_literal({column}))"

    def words_sql(self, count):
        return "SELECT unnest(%s::text[]) AS word"

    def words_params(self, words):
        return [list(words)]

    def similar_terms(self, word, limit=50):
        statement = """
            SELECT term FROM portal_searchterm
            WHERE term %% %s AND length BETWEEN %s AND %s
            ORDER BY similarity(term, %s) DESC
            LIMIT %s
        """
        with connection.cursor() as cursor:
            cursor.execute(statement, [word, len(word) - 2, len(word) + 2, word, limit])
            return [row[0] for row in cursor.fetchall()]
