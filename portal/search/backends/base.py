"""What both index backends share: SQLite FTS5 (sqlite.py) and PostgreSQL full text with pg_trgm
(postgresql.py).

Both answer the same questions (which entries match and in what order, how many per kind, which
records of a kind match, which vocabulary words look like a misspelt word) from the same
parsed query, and order results the same way:

1. what the query finds as typed, before what its spelling corrections find;
2. a name that is the query, then a name that starts with it, then one that holds its words as
   whole words, then any other name match, then a match in the text only;
3. among name matches, the shorter names first (the closer match);
4. the newer publication first.

Query text only reaches SQL as parameters, and only as the tokens text.py lets through
([a-z0-9] words and Chinese characters).
"""

import abc
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.utils import timezone

from portal.publishing.models import Status
from portal.search import registry
from portal.search.models import KIND_SPAN, SearchEntry, SearchTerm
from portal.search.text import Query, Term, pairs

# Results are fully ranked within this many best candidates, the first ten pages of twenty;
# pages beyond them (rarely visited) keep the cheaper order: as typed, name match, kind, newest
# record. 200 rather than 500 takes a tenth to a quarter off a broad search's time.
RANK_WINDOW = 200
# Matches are counted up to this many per kind; more show as "1,000+".
COUNT_CAP = 1000
# Suggestions are picked from this many name matches per kind.
SUGGESTION_CANDIDATES = 40
# The flags of Backend.record_matches.
ON_NAME, AS_TYPED = 2, 1
# With more scheduled entries than this, visibility is checked by joining the entries.
MAX_HIDDEN_LISTED = 500


@dataclass
class Hit:
    entry_id: int
    exact: bool
    in_name: bool


def hidden_sql() -> tuple[str, list]:
    """The ids of the entries that are not visible now, as SQL.

    published_q() spelt in SQL, since every search and every set of suggestions asks: built
    through the ORM, the statement cost five times as long to build as to run. Only published
    records with a publication time are indexed (index.py), so of its two conditions the time
    can fail, and the status only for the entries kept hidden while the record they are public
    with is not (a zone's enterprises). Each is read from its own index: the status from one
    holding only the entries that are not published (none, usually), the time from the time's.
    Joined by OR in one statement, they made SQLite read every entry, since its statistics say
    that each status holds them all.
    """
    table = SearchEntry._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = f"""
        SELECT id FROM {table} WHERE NOT (status = %s)
        UNION SELECT id FROM {table} WHERE published_at > %s OR published_at IS NULL
    """
    return sql, [Status.PUBLISHED, now]


def hidden_entry_ids() -> list[int]:
    """Up to MAX_HIDDEN_LISTED + 1 of the ids of hidden_sql()."""
    sql, params = hidden_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s", [*params, MAX_HIDDEN_LISTED + 1])
        return [row[0] for row in cursor.fetchall()]


def name_ranker(query: Query) -> Callable[[str, bool], int]:
    """The ranking's step 2 for entries matching the query, given an entry's name keys and
    whether its names match: 4 for a name that is the query, 3 for one that starts with it, 2
    for one that holds the query's words as whole words, 1 for another name match, 0 for a
    match in the text only. The keys are worked out once.

    Level 2 puts "Panjin Tianhe" above "Dalian Tianheng" for `tianhe`, and "Dalian Jiaxin" above
    "Dalian Hejia New Energy" (和佳新能源, he-jia-xin-neng-yuan) for `jiaxin`: both others match
    only through pinyin, by a syllable the query starts or across the name's words. Words are
    read from a name's key lines (name_keys): a Latin name's words, and a Chinese name's runs as
    written. The pinyin of a Chinese name is one word with no boundaries to tell 嘉信 from 和佳
    新, so it holds the query's words only when it is the query, level 4 already.
    """
    keys = [query.key()] + ([query.key(corrected=True)] if query.corrected else [])
    whole = [key + "\n" for key in keys]
    # The query's words between spaces, to find among a name's, its lines joined by spaces.
    words = [" " + key[1:] + " " for key in keys]

    def rank(name_keys: str, in_name: bool) -> int:
        if any(key in name_keys for key in whole):
            return 4
        if any(key in name_keys for key in keys):
            return 3
        if not in_name:
            return 0
        spaced = name_keys.replace("\n", " ")
        return 2 if any(each in spaced for each in words) else 1

    return rank


def words_of(query: Query, corrected: bool) -> list[str]:
    """The query's words as the index stores them in a name that holds them one after the other
    (text.index_text): a Chinese word as its pairs, and its last character when another word
    follows it, which the name's run ends before; each Latin word whole (with `corrected`, as
    its first correction). Each is a way the word matches, so the names holding them are some
    of those that match."""
    tokens = []
    last = len(query.terms) - 1
    for position, term in enumerate(query.terms):
        if term.cjk:
            tokens += pairs(term.text)
            if len(term.text) > 1 and position < last:
                tokens.append(term.text[-1])
        elif corrected and term.corrections:
            tokens.append(term.corrections[0])
        elif term.matches_as_word:
            tokens.append(term.text)
        else:  # syllables written apart, which match only so ("xi an")
            tokens += term.pinyin
    return tokens


class Backend(abc.ABC):
    """What both databases share; subclasses say how to match and to spell an expression.

    Reading an entry row costs far more than reading the full-text index, so everything that can
    be answered from the index alone is: the kind is in the entry id, and visibility is checked
    against the (usually empty) list of scheduled entries. Only the best RANK_WINDOW matches are
    read from the entries, to be ranked by rank_key_for.
    """

    entry_table = SearchEntry._meta.db_table
    table = ""  # the full-text table, one row per entry
    id = ""  # its column holding the entry id
    published_seconds = ""  # an entry's publication time in seconds since 1970, in SQL

    def __init__(self):
        self.hidden: list[int] | None = None

    @abc.abstractmethod
    def match_sql(self, expr: str) -> tuple[str, list]:
        """A condition on `table`: the row matches expr."""

    @abc.abstractmethod
    def flag_sql(self, expr: str) -> tuple[str, list]:
        """A column of `table` rows that already match something: whether it matches expr."""

    @abc.abstractmethod
    def term_expr(self, term: Term, names_only: bool, corrected: bool) -> str:
        """A term in any of its forms (with `corrected`, as one of its corrections), on the
        names alone or on every column."""

    @abc.abstractmethod
    def all_of(self, parts: list[str]) -> str:
        """An expression matching every one of the parts."""

    @abc.abstractmethod
    def any_of(self, parts: list[str]) -> str:
        """An expression matching any one of the parts."""

    @abc.abstractmethod
    def but_not(self, expr: str, excluded: str) -> str:
        """An expression matching expr where excluded does not match."""

    @abc.abstractmethod
    def similar_terms(self, word: str, limit: int = 50) -> list[str]:
        """Words of the index that look like word, most alike first."""

    @abc.abstractmethod
    def word_match_sql(self, column: str) -> str:
        """A condition on `table`: the row holds the vocabulary word in the SQL `column`."""

    def drop_unheld_pinyin(self, query: Query) -> None:  # noqa: B027 -- a hook, not abstract
        """Reads no term of the query as pinyin whose syllables, but for the one being typed, no
        entry holds, on a database that pays for such a reading whether or not it matches."""

    def finds_a_name(self, query: Query) -> bool:
        """Whether the query as typed matches a name of an entry visible now; one query that
        stops at the first."""
        match, match_params = self.match_sql(self.expression(query, names_only=True, fuzzy=False))
        visible, visible_params = self.visible_sql()
        sql = f"SELECT 1 FROM {self.table} WHERE {match} AND {visible} LIMIT 1"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*match_params, *visible_params])
            return cursor.fetchone() is not None

    def public_terms(self, words: list[str]) -> set[str]:
        """Those of the vocabulary words that an entry visible now holds; one query.

        The vocabulary also holds words of scheduled records, and of records removed in bulk,
        so a correction is checked here before it is offered. Each word is one lookup in the
        full-text index that stops at its first visible row.
        """
        if not words:
            return set()
        visible, visible_params = self.visible_sql()
        held, held_params = self.exists_sql(
            self.table, f"{self.word_match_sql('words.word')} AND {visible}", visible_params
        )
        sql = f"SELECT word FROM ({self.words_sql(len(words))}) AS words WHERE {held}"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*self.words_params(words), *held_params])
            return {row[0] for row in cursor.fetchall()}

    def exists_sql(self, table: str, condition: str, params: list) -> tuple[str, list]:
        """A condition: some row of the full-text `table` meets `condition` (with `params`)."""
        return f"EXISTS (SELECT 1 FROM {table} WHERE {condition})", params

    def prune_terms(self, words: list[str]) -> None:
        """Remove those of the words that no entry holds any more from the vocabulary; one
        statement (none without words)."""
        if not words:
            return
        term = f"{SearchTerm._meta.db_table}.term"
        sql = f"""
            DELETE FROM {SearchTerm._meta.db_table}
            WHERE term IN (SELECT word FROM ({self.words_sql(len(words))}) AS words)
            AND NOT EXISTS (SELECT 1 FROM {self.table} WHERE {self.word_match_sql(term)})
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, self.words_params(words))

    @abc.abstractmethod
    def words_sql(self, count: int) -> str:
        """A table of `count` words as parameters, in a column `word`."""

    def words_params(self, words: list[str]) -> list:
        return list(words)

    def expression(self, query: Query, names_only: bool = False, fuzzy: bool = True) -> str:
        """The match expression: every term, each in any of its forms; with fuzzy, a corrected
        term may also match as one of its corrections."""
        exact = self.all_of([self.term_expr(t, names_only, False) for t in query.terms])
        if not (fuzzy and query.corrected):
            return exact
        corrected = self.all_of([self.term_expr(t, names_only, True) for t in query.terms])
        return self.any_of([exact, corrected])

    def exact_sql(self, query: Query) -> tuple[str, list]:
        if query.corrected:
            return self.flag_sql(self.expression(query, fuzzy=False))
        return "1 = 1", []

    def visible_sql(self) -> tuple[str, list]:
        # Looked up once per backend object, that is once per search or set of suggestions,
        # rather than before each of its statements.
        if self.hidden is None:
            self.hidden = hidden_entry_ids()
        hidden = self.hidden
        if not hidden:
            return "1 = 1", []
        if len(hidden) > MAX_HIDDEN_LISTED:
            # NOT IN: the database reads the hidden ids once, then checks each match against
            # them. `IN (the visible ids)` let SQLite look every visible id up in the full-text
            # index, one by one: minutes at 100,000 entries.
            sql, params = hidden_sql()
            return f"{self.id} NOT IN ({sql})", params
        return f"{self.id} NOT IN ({', '.join(['%s'] * len(hidden))})", hidden

    def candidates_sql(self, query: Query, kind: str | None) -> tuple[str, list]:
        """Matching entry ids with `exact` and `in_name`, from the full-text table alone."""
        exact, exact_params = self.exact_sql(query)
        in_name, in_name_params = self.in_name_sql(query)
        match, match_params = self.match_sql(self.expression(query))
        visible, visible_params = self.visible_sql()
        where = f"AND {self.of_kind_sql(kind)}" if kind else ""
        sql = f"""
            SELECT {self.id} AS id, {exact} AS exact, {in_name} AS in_name
            FROM {self.table} WHERE {match} AND {visible} {where}
        """
        return sql, [*exact_params, *in_name_params, *match_params, *visible_params]

    def in_name_sql(self, query: Query, fuzzy: bool = True) -> tuple[str, list]:
        """A column of `table` rows: whether the row's names match the query (with `fuzzy`,
        through its spelling corrections too)."""
        return self.flag_sql(self.expression(query, names_only=True, fuzzy=fuzzy))

    def matches(
        self, query: Query, kind: str | None
    ) -> tuple[dict[str, tuple[int, int]], list[Hit]]:
        """Per kind, (matches, matches as typed); and the best RANK_WINDOW matches of `kind` (or
        of all kinds) in the cheap order (as typed, name match, kind, newest record), for
        rank_key_for to order."""
        counts = self.counts(query)
        return counts, self.window(query, kind, counts)

    def counts(self, query: Query, kinds: list[str] | None = None) -> dict[str, tuple[int, int]]:
        """Per kind (of `kinds`, every kind by default), (matches, matches as typed), each
        counted up to COUNT_CAP + 1."""
        kinds = registry.kinds() if kinds is None else kinds
        if not kinds:
            return {}
        exact, exact_params = self.exact_sql(query)
        match, match_params = self.match_sql(self.expression(query))
        visible, visible_params = self.visible_sql()
        # Each kind is counted up to COUNT_CAP + 1 matches, so a broad query stops early instead
        # of reading every match; above the cap the page says "1,000+".
        parts, params = [], []
        for kind_value in kinds:
            table, of_kind, of_kind_params = self.rows_of_kind(kind_value)
            parts.append(f"""
                SELECT %s, COUNT(*), SUM(CASE WHEN exact THEN 1 ELSE 0 END) FROM (
                    SELECT {exact} AS exact FROM {table}
                    WHERE {match} AND {visible} AND {of_kind}
                    LIMIT %s
                ) AS capped
            """)
            params += [
                kind_value,
                *exact_params,
                *match_params,
                *visible_params,
                *of_kind_params,
                COUNT_CAP + 1,
            ]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            return {
                kind_value: (count, exact_count or 0)
                for kind_value, count, exact_count in cursor.fetchall()
                if count
            }

    def of_kind_sql(self, kind: str) -> str:
        """The condition "the entry is of kind" on its id (each kind has a range of ids), with
        the range written in the statement. PostgreSQL keeps each kind's rows in a table of
        their own and picks the one to read as it plans the statement; a statement the
        connection prepares is planned before its parameters are known, and would read every
        kind's table."""
        low, high = SearchEntry.id_range(kind)
        return f"{self.id} BETWEEN {low:d} AND {high:d}"

    def rows_of_kind(self, kind: str) -> tuple[str, str, list]:
        """Where to read the full-text rows of one kind: a table, and a condition on it."""
        return self.table, self.of_kind_sql(kind), []

    def window(self, query: Query, kind: str | None, counts: dict) -> list[Hit]:
        """The best RANK_WINDOW matches of `kind` (or of all kinds) in the cheap order.

        Read tier by tier, each newest first with a LIMIT, which both databases can stop early
        on, rather than by sorting every match.
        """
        wanted = sum(counts.get(k, (0, 0))[0] for k in ([kind] if kind else counts))
        window: list[Hit] = []
        for expr, is_exact, in_name in self.tiers(query):
            if len(window) >= min(wanted, RANK_WINDOW):
                break
            window += [
                Hit(entry_id, is_exact, in_name)
                for entry_id in self.newest(expr, kind, RANK_WINDOW - len(window))
            ]
        return window

    def tiers(self, query: Query) -> list[tuple[str, bool, bool]]:
        """(expression, as typed, on a name) for each tier of the cheap order; each expression
        excludes the tiers before it."""
        exact = self.expression(query, fuzzy=False)
        exact_names = self.expression(query, names_only=True, fuzzy=False)
        tiers = [(exact_names, True, True), (self.but_not(exact, exact_names), True, False)]
        if query.corrected:
            fuzzy = self.expression(query)
            fuzzy_names = self.expression(query, names_only=True)
            tiers += [
                (self.but_not(fuzzy_names, exact), False, True),
                (self.but_not(fuzzy, self.any_of([fuzzy_names, exact])), False, False),
            ]
        return tiers

    def newest(self, expr: str, kind: str | None, limit: int) -> list[int]:
        match, match_params = self.match_sql(expr)
        visible, visible_params = self.visible_sql()
        where = f"AND {self.of_kind_sql(kind)}" if kind else ""
        sql = f"""
            SELECT {self.id} FROM {self.table} WHERE {match} AND {visible} {where}
            ORDER BY {self.id} DESC LIMIT %s
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*match_params, *visible_params, limit])
            return [row[0] for row in cursor.fetchall()]

    def writing_in_bulk(self) -> AbstractContextManager:
        """Wraps writing many entries at once (a rebuild, synthetic data), for a backend that
        would rather bring what it derives from them up to date once, at the end."""
        return nullcontext()

    def rank_data(self, ids: list[int], *columns: str) -> dict[int, tuple]:
        """What rank_key_for needs of each entry: its name keys and its publication time as a
        POSIX timestamp, followed by the entry's `columns`. Entries no longer there are left out.

        Written in SQL: through the ORM, each of up to RANK_WINDOW publication times was parsed
        on its own, and the ids adapted one by one.
        """
        select = ", ".join(["id", "name_keys", self.published_seconds, *columns])
        sql = f"SELECT {select} FROM {self.entry_table} WHERE {self.ids_sql()}"
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.ids_param(ids)])
            return {row[0]: row[1:] for row in cursor.fetchall()}

    def published_time(self, value: datetime | None) -> datetime | None:
        """A publication time as rank_data reads it, made aware; PostgreSQL's driver reads it
        so."""
        return value

    @abc.abstractmethod
    def ids_sql(self) -> str:
        """A condition on an entry: its id is one of a list, given as the one parameter
        ids_param makes."""

    @abc.abstractmethod
    def ids_param(self, ids: list[int]) -> str:
        """A list of ids as one parameter, for ids_sql."""

    def hits_beyond_window(self, query: Query, kind: str | None, limit: int, offset: int):
        """A page past the ranked window, in the cheap order."""
        candidates, params = self.candidates_sql(query, kind)
        sql = f"{candidates} ORDER BY exact DESC, in_name DESC, {self.id} DESC LIMIT %s OFFSET %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit, offset])
            return [Hit(row[0], bool(row[1]), bool(row[2])) for row in cursor.fetchall()]

    def suggestions(self, query: Query) -> dict[str, list[int]]:
        """Per kind, some entries whose names match, to pick suggestions from: the newest, and
        the newest of those whose names hold the query's words (words_expression); one
        statement.

        The second part keeps an older name that is the query, or holds it, among the
        candidates when newer names match only through pinyin or a word the query starts:
        `panjin new energy` matches every "Panjin … New Energy Co." as well. Cheap: FTS5 walks
        its index in id order and stops at the first rows.
        """
        visible, visible_params = self.visible_sql()
        parts, params = [], []
        for expr in self.part_expressions(query):
            match, match_params = self.match_sql(expr)
            for kind in registry.kinds():
                parts.append(f"""
                    SELECT * FROM (
                        SELECT %s, {self.id} FROM {self.table}
                        WHERE {match} AND {visible} AND {self.of_kind_sql(kind)}
                        ORDER BY {self.id} DESC LIMIT %s
                    ) AS newest
                """)
                params += [
                    kind,
                    *match_params,
                    *visible_params,
                    SUGGESTION_CANDIDATES,
                ]
        found: dict[str, list[int]] = {kind: [] for kind in registry.kinds()}
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for kind, entry_id in cursor.fetchall():
                if entry_id not in found[kind]:
                    found[kind].append(entry_id)
        return found

    def part_expressions(self, query: Query) -> list[str]:
        """The two parts of the suggestions' candidates, as match expressions: names that
        match the query, and names that hold its words (words_expression)."""
        return [self.expression(query, names_only=True), self.words_expression(query)]

    def words_expression(self, query: Query) -> str:
        """Names holding the query's words, as typed or as corrected, in its order and each in
        full: those that name_ranker ranks above other name matches, when the query's last word
        is typed in full."""
        phrases = [self.names_phrase(words_of(query, corrected=False))]
        if query.corrected:
            phrases.append(self.names_phrase(words_of(query, corrected=True)))
        return self.any_of(phrases)

    @abc.abstractmethod
    def names_phrase(self, tokens: list[str]) -> str:
        """An expression matching names that hold the index's tokens in this order."""

    def record_ids_sql(
        self, query: Query, kind: str, names_only: bool, fuzzy: bool
    ) -> tuple[str, list]:
        """A query for the ids of the records of a kind that match, visible or not."""
        low, _ = SearchEntry.id_range(kind)
        expr = self.expression(query, names_only=names_only, fuzzy=fuzzy)
        match, params = self.match_sql(expr)
        sql = f"""
            SELECT {self.id} - {low:d} FROM {self.table}
            WHERE {match} AND {self.of_kind_sql(kind)}
        """
        return sql, params

    def record_matches(self, query: Query, kind: str) -> list[int]:
        """Every record of a kind that matches, visible or not, in no particular order, as
        `id * 4 + ON_NAME + AS_TYPED` (each flag there when it holds); one query.

        Packed into one number because at 25,000 matches, reading three columns costs twice
        as long as reading one.
        """
        low, _ = SearchEntry.id_range(kind)
        match, match_params = self.match_sql(self.expression(query))
        on_name, on_name_params = self.row_on_name_sql(query)
        exact, exact_params = self.exact_sql(query)
        sql = f"""
            SELECT ({self.id} - {low:d}) * 4
                + CASE WHEN {on_name} THEN {ON_NAME} ELSE 0 END
                + CASE WHEN {exact} THEN {AS_TYPED} ELSE 0 END
            FROM {self.table}
            WHERE {match} AND {self.of_kind_sql(kind)}
        """
        params = [*on_name_params, *exact_params, *match_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def row_on_name_sql(self, query: Query) -> tuple[str, list]:
        """A column of `table` rows, for record_matches: whether the row's names match the query
        as typed."""
        return self.in_name_sql(query, fuzzy=False)

    def record_match_sql(
        self, query: Query, kind: str, pk_column: str, names_only: bool, fuzzy: bool
    ) -> tuple[str, list]:
        """A condition on a table of records of a kind (its primary key is the SQL pk_column):
        the record matches. Their visibility is left to the caller's queryset.

        Uncorrelated, so that the database runs the match once: SQLite materialises the ids
        into a list it can start from, and PostgreSQL may start from them (one GIN scan) or
        hash them once for the other filters' rows.
        """
        sql, params = self.record_ids_sql(query, kind, names_only, fuzzy)
        return f"{pk_column} IN ({sql})", params


def rank_key_for(query: Query) -> Callable[[Hit, str, float], tuple]:
    """The ranking (see the top of this module) as a sort key, given a hit, its entry's name
    keys and its publication time as a POSIX timestamp."""
    name_rank = name_ranker(query)

    def key(hit: Hit, name_keys: str, published: float) -> tuple:
        rank = name_rank(name_keys, hit.in_name)
        # Among names that match, the kind's code comes before how well the name matches: a
        # zone, then an institution, whose name holds the query ranks above the enterprises
        # named after the same place. A name that is the query still comes first.
        code = hit.entry_id // KIND_SPAN if 0 < rank < 4 else 0
        return (
            not hit.exact,
            rank < 4,
            -code,
            -rank,
            len(name_keys) if rank else 0,
            -published,
            -hit.entry_id,
        )

    return key
