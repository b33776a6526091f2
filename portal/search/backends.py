"""The two index backends: SQLite FTS5 and PostgreSQL full text with pg_trgm.

Both answer the same questions (which entries match and in what order, how many per kind, which
records of a kind match, which vocabulary words look like a misspelt word) from the same
parsed query, and order results the same way:

1. what the query finds as typed, before what its spelling corrections find;
2. a name that is the query, then a name that starts with it, then any other name match, then a
   match in the text only;
3. among name matches, the shorter names first (the closer match);
4. the newer publication first.

Query text only reaches SQL as parameters, and only as the tokens text.py lets through
([a-z0-9] words and Chinese characters).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from portal.models import SearchEntry, SearchTerm
from portal.publishing.models import published_q
from portal.search.text import Query, Term, pairs

Kind = SearchEntry.Kind

# Results are fully ranked within this many best candidates; pages beyond it (rarely visited)
# keep the cheaper order: as typed, name match, kind, newest record.
RANK_WINDOW = 500
# Matches are counted up to this many per kind; more show as "1,000+".
COUNT_CAP = 1000
# Suggestions are picked from this many name matches per kind.
SUGGESTION_CANDIDATES = 40
# PostgreSQL reads this many times the rows it needs, newest first, before it reads every match
# from the index (PostgreSQLBackend.newest_in).
PROBE_FACTOR = 20
# The flags of Backend.record_matches.
ON_NAME, AS_TYPED = 2, 1
# The weights of names, other names and pinyin in a PostgreSQL document (body is D), and a
# lexeme of a tsquery this module writes: tokens never hold a quote (text.py).
NAME_WEIGHTS = "ABC"
WEIGHTED_LEXEME = re.compile(r"'([^']*)'(?::(\*))?")
# With more scheduled entries than this, visibility is checked by joining the entries.
MAX_HIDDEN_LISTED = 500


@dataclass
class Hit:
    entry_id: int
    exact: bool
    in_name: bool


def published_sql() -> tuple[str, list]:
    """The visibility rule (zones.models.published_q) as SQL on the entries table."""
    query = SearchEntry.objects.filter(published_q()).query
    compiler = query.get_compiler(connection=connection)
    sql, params = query.where.as_sql(compiler, connection)
    return sql, list(params)


def hidden_entry_ids() -> list[int]:
    """Entries that are not visible yet.

    Only published records with a publication time are indexed (index.py), so of the two
    conditions of published_q() only the time can fail: the filter on it lets the database use
    its index on the time, the exclude keeps the rule the one in zones.models.
    """
    scheduled = SearchEntry.objects.filter(published_at__gt=timezone.now())
    return list(
        scheduled.exclude(published_q()).values_list("id", flat=True)[: MAX_HIDDEN_LISTED + 1]
    )


def name_ranker(query: Query) -> Callable[[str, bool], int]:
    """The ranking's step 2 for entries matching the query, given an entry's name keys and
    whether its names match: 3 for a name that is the query, 2 for one that starts with it, 1
    for another name match, 0 for a match in the text only. The keys are worked out once."""
    keys = [query.key()] + ([query.key(corrected=True)] if query.corrected else [])
    whole = [key + "\n" for key in keys]

    def rank(name_keys: str, in_name: bool) -> int:
        if any(key in name_keys for key in whole):
            return 3
        if any(key in name_keys for key in keys):
            return 2
        return 1 if in_name else 0

    return rank


class Backend:
    """What both databases share; subclasses say how to match and to spell an expression.

    Reading an entry row costs far more than reading the full-text index, so everything that can
    be answered from the index alone is: the kind is in the entry id, and visibility is checked
    against the (usually empty) list of scheduled entries. Only the best RANK_WINDOW matches are
    read from the entries, to be ranked by rank_key_for.
    """

    entry_table = SearchEntry._meta.db_table
    table = ""  # the full-text table, one row per entry
    id = ""  # its column holding the entry id
    position_function = ""  # instr / strpos

    def __init__(self):
        self.hidden: list[int] | None = None

    def match_sql(self, expr: str) -> tuple[str, list]:
        """A condition on `table`: the row matches expr."""
        raise NotImplementedError

    def flag_sql(self, expr: str) -> tuple[str, list]:
        """A column of `table` rows that already match something: whether it matches expr."""
        raise NotImplementedError

    def term_expr(self, term: Term, names_only: bool, corrected: bool) -> str:
        raise NotImplementedError

    def all_of(self, parts: list[str]) -> str:
        raise NotImplementedError

    def any_of(self, parts: list[str]) -> str:
        raise NotImplementedError

    def but_not(self, expr: str, excluded: str) -> str:
        raise NotImplementedError

    def similar_terms(self, word: str, limit: int = 50) -> list[str]:
        """Words of the index that look like word, most alike first."""
        raise NotImplementedError

    def word_match_sql(self, column: str) -> str:
        """A condition on `table`: the row holds the vocabulary word in the SQL `column`."""
        raise NotImplementedError

    def public_terms(self, words: list[str]) -> set[str]:
        """Those of the vocabulary words that an entry visible now holds; one query.

        The vocabulary also holds words of scheduled records, and of records removed in bulk,
        so a correction is checked here before it is offered. Each word is one lookup in the
        full-text index that stops at its first visible row.
        """
        if not words:
            return set()
        visible, visible_params = self.visible_sql()
        sql = f"""
            SELECT word FROM ({self.words_sql(len(words))}) AS words
            WHERE EXISTS (
                SELECT 1 FROM {self.table} WHERE {self.word_match_sql("words.word")} AND {visible}
            )
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*self.words_params(words), *visible_params])
            return {row[0] for row in cursor.fetchall()}

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

    def words_sql(self, count: int) -> str:
        """A table of `count` words as parameters, in a column `word`."""
        raise NotImplementedError

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
            published, params = published_sql()
            return f"{self.id} IN (SELECT id FROM {self.entry_table} WHERE {published})", params
        return f"{self.id} NOT IN ({', '.join(['%s'] * len(hidden))})", hidden

    def candidates_sql(self, query: Query, kind: str | None) -> tuple[str, list]:
        """Matching entry ids with `exact` and `in_name`, from the full-text table alone."""
        exact, exact_params = self.exact_sql(query)
        in_name, in_name_params = self.in_name_sql(query)
        match, match_params = self.match_sql(self.expression(query))
        visible, visible_params = self.visible_sql()
        where, where_params = "", []
        if kind:
            where, where_params = f"AND {self.id} BETWEEN %s AND %s", [*SearchEntry.id_range(kind)]
        sql = f"""
            SELECT {self.id} AS id, {exact} AS exact, {in_name} AS in_name
            FROM {self.table} WHERE {match} AND {visible} {where}
        """
        return sql, [*exact_params, *in_name_params, *match_params, *visible_params, *where_params]

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

    def counts(self, query: Query) -> dict[str, tuple[int, int]]:
        """Per kind, (matches, matches as typed), each counted up to COUNT_CAP + 1."""
        exact, exact_params = self.exact_sql(query)
        match, match_params = self.match_sql(self.expression(query))
        visible, visible_params = self.visible_sql()
        # Each kind is counted up to COUNT_CAP + 1 matches, so a broad query stops early instead
        # of reading every match; above the cap the page says "1,000+".
        parts, params = [], []
        for kind_value in SearchEntry.Kind.values:
            parts.append(f"""
                SELECT %s, COUNT(*), SUM(CASE WHEN exact THEN 1 ELSE 0 END) FROM (
                    SELECT {exact} AS exact FROM {self.table}
                    WHERE {match} AND {visible} AND {self.id} BETWEEN %s AND %s
                    LIMIT %s
                ) AS capped
            """)
            params += [
                kind_value,
                *exact_params,
                *match_params,
                *visible_params,
                *SearchEntry.id_range(kind_value),
                COUNT_CAP + 1,
            ]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            return {
                kind_value: (count, exact_count or 0)
                for kind_value, count, exact_count in cursor.fetchall()
                if count
            }

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
        where, where_params = "", []
        if kind:
            where, where_params = f"AND {self.id} BETWEEN %s AND %s", [*SearchEntry.id_range(kind)]
        sql = f"""
            SELECT {self.id} FROM {self.table} WHERE {match} AND {visible} {where}
            ORDER BY {self.id} DESC LIMIT %s
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*match_params, *visible_params, *where_params, limit])
            return [row[0] for row in cursor.fetchall()]

    def rank_data(self, ids: list[int]) -> dict[int, tuple[str, float]]:
        """What rank_key_for needs of each entry: its name keys and its publication time as a
        POSIX timestamp. Entries no longer there are left out."""
        rows = SearchEntry.objects.filter(id__in=ids).values_list("id", "name_keys", "published_at")
        return {entry_id: (keys, published.timestamp()) for entry_id, keys, published in rows}

    def hits_beyond_window(self, query: Query, kind: str | None, limit: int, offset: int):
        """A page past the ranked window, in the cheap order."""
        candidates, params = self.candidates_sql(query, kind)
        sql = f"{candidates} ORDER BY exact DESC, in_name DESC, {self.id} DESC LIMIT %s OFFSET %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit, offset])
            return [Hit(row[0], bool(row[1]), int(row[2])) for row in cursor.fetchall()]

    def suggestions(self, query: Query) -> dict[str, list[int]]:
        """Per kind, some entries whose names match, to pick suggestions from: the newest."""
        return {kind: self.suggestion_ids(query, kind) for kind in Kind.values}

    def suggestion_ids(self, query: Query, kind: str) -> list[int]:
        """Some entries of a kind whose names match, to pick suggestions from: the newest.

        Cheap on both databases: FTS5 walks its index in id order, and PostgreSQL can walk the
        primary key backwards and stop early.
        """
        match, match_params = self.match_sql(self.expression(query, names_only=True))
        visible, visible_params = self.visible_sql()
        sql = f"""
            SELECT {self.id} FROM {self.table}
            WHERE {match} AND {visible} AND {self.id} BETWEEN %s AND %s
            ORDER BY {self.id} DESC LIMIT %s
        """
        params = [
            *match_params,
            *visible_params,
            *SearchEntry.id_range(kind),
            SUGGESTION_CANDIDATES,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def record_ids_sql(
        self, query: Query, kind: str, names_only: bool, fuzzy: bool
    ) -> tuple[str, list]:
        """A query for the ids of the records of a kind that match, visible or not."""
        low, high = SearchEntry.id_range(kind)
        expr = self.expression(query, names_only=names_only, fuzzy=fuzzy)
        match, params = self.match_sql(expr)
        sql = f"""
            SELECT {self.id} - %s FROM {self.table}
            WHERE {match} AND {self.id} BETWEEN %s AND %s
        """
        return sql, [low, *params, low, high]

    def record_matches(self, query: Query, kind: str) -> list[int]:
        """Every record of a kind that matches, visible or not, in no particular order, as
        `id * 4 + ON_NAME + AS_TYPED` (each flag there when it holds); one query.

        Packed into one number because at 25,000 matches, reading three columns costs twice
        as long as reading one.
        """
        low, high = SearchEntry.id_range(kind)
        match, match_params = self.match_sql(self.expression(query))
        on_name, on_name_params = self.row_on_name_sql(query)
        exact, exact_params = self.exact_sql(query)
        sql = f"""
            SELECT ({self.id} - %s) * 4
                + CASE WHEN {on_name} THEN {ON_NAME} ELSE 0 END
                + CASE WHEN {exact} THEN {AS_TYPED} ELSE 0 END
            FROM {self.table}
            WHERE {match} AND {self.id} BETWEEN %s AND %s
        """
        params = [low, *on_name_params, *exact_params, *match_params, low, high]
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


class SQLiteBackend(Backend):
    """FTS5 over the entries (external content, kept in step by triggers)."""

    table = "portal_search_fts"
    id = "rowid"
    position_function = "instr"

    def match_sql(self, expr):
        return f"{self.table} MATCH %s", [expr]

    def flag_sql(self, expr):
        return f"rowid IN (SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s)", [expr]

    def quote(self, tokens: list[str], prefix: bool = False) -> str:
        return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")

    def term_expr(self, term, names_only, corrected):
        if term.cjk:
            options = [self.quote(pairs(term.text), prefix=len(term.text) == 1)]
        elif corrected and term.corrections:
            options = [self.quote([word]) for word in term.corrections]
        else:
            options = [self.quote([term.text], prefix=True)]
            if term.pinyin:
                options.append(self.quote(term.pinyin, prefix=True))
        expr = self.any_of(options)
        if names_only:
            expr = "{names aliases pinyin} : " + expr
        return expr

    def all_of(self, parts):
        return "(" + " AND ".join(parts) + ")"

    def any_of(self, parts):
        return "(" + " OR ".join(parts) + ")"

    def but_not(self, expr, excluded):
        return f"({expr} NOT {excluded})"

    def word_match_sql(self, column):
        # Vocabulary words are letters only (index.words_of), so quoting them is enough.
        return f"""{self.table} MATCH '"' || {column} || '"'"""

    def words_sql(self, count):
        rows = ", ".join(["(%s)"] * count)
        return f"SELECT column1 AS word FROM (VALUES {rows})"

    def similar_terms(self, word, limit=50):
        trigrams = {word[i : i + 3] for i in range(len(word) - 2)}
        if not trigrams:
            return []
        sql = """
            SELECT portal_searchterm.term
            FROM portal_searchterm_fts
            CROSS JOIN portal_searchterm ON portal_searchterm.id = portal_searchterm_fts.rowid
            WHERE portal_searchterm_fts MATCH %s AND portal_searchterm.length BETWEEN %s AND %s
            ORDER BY portal_searchterm_fts.rank
            LIMIT %s
        """
        expr = " OR ".join(f'"{trigram}"' for trigram in sorted(trigrams))
        with connection.cursor() as cursor:
            cursor.execute(sql, [expr, len(word) - 2, len(word) + 2, limit])
            return [row[0] for row in cursor.fetchall()]


class PostgreSQLBackend(Backend):
    """Two tables of tsvectors with GIN indexes, kept in step with the entries by triggers and
    partitioned by kind (portal/migrations/0003_search_names.py): the document, every column of
    the entry, and the names, only names, other names and pinyin. pg_trgm over the vocabulary.

    Anything that matches names alone reads the names table: the GIN index cannot check phrases
    (Chinese, pinyin), so every candidate row is read again, and a names row is a fraction of
    the width of a document row.
    """

    table = "portal_search_document"
    names_table = "portal_search_name"
    id = "id"
    position_function = "strpos"

    def match_sql(self, expr):
        return "document @@ to_tsquery('simple', %s)", [expr]

    def flag_sql(self, expr):
        return self.match_sql(expr)

    def in_name_sql(self, query, fuzzy=True):
        expr = self.expression(query, names_only=True, fuzzy=fuzzy)
        sql = f"id IN (SELECT id FROM {self.names_table} WHERE names @@ to_tsquery('simple', %s))"
        return sql, [expr]

    def row_on_name_sql(self, query):
        # Checked on the document row already read, rather than by reading every matching row
        # of the names table as well (a third of the time at 25,000 matches): the document's
        # names, other names and pinyin carry the weights A, B and C (0002_search_index).
        expr = WEIGHTED_LEXEME.sub(
            lambda lexeme: f"'{lexeme[1]}':{lexeme[2] or ''}{NAME_WEIGHTS}",
            self.expression(query, names_only=True, fuzzy=False),
        )
        return self.match_sql(expr)

    def source(self, names_only: bool) -> tuple[str, str]:
        """The table and column to match on: the names, or the whole document."""
        return (self.names_table, "names") if names_only else (self.table, "document")

    def record_ids_sql(self, query, kind, names_only, fuzzy):
        low, high = SearchEntry.id_range(kind)
        table, column = self.source(names_only)
        expr = self.expression(query, names_only=names_only, fuzzy=fuzzy)
        sql = f"""
            SELECT id - %s FROM {table}
            WHERE {column} @@ to_tsquery('simple', %s) AND id BETWEEN %s AND %s
        """
        return sql, [low, expr, low, high]

    def window(self, query, kind, counts):
        """As Backend.window, with tiers on the names or the document by turn; each tier
        excludes the ids the tiers before it found, which are all their matches (a tier that
        fills the window is the last one read). A corrected query with few matches reads the
        names once for both name tiers."""
        scope = [counts.get(k, (0, 0)) for k in ([kind] if kind else Kind.values)]
        wanted = min(sum(count for count, _ in scope), RANK_WINDOW)
        if not wanted:
            return []
        # With more matches than the cap in some kind (and, for the tiers as typed, half of
        # those counted there as typed), the newest rows are likely to hold enough of them to
        # fill the window, so they are read first (see newest_in).
        crowded = any(count > COUNT_CAP for count, _ in scope)
        crowded_exact = any(count > COUNT_CAP and 2 * exact > count for count, exact in scope)
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
            read(True, exact, True)
            if len(window) < wanted:
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
        where, where_params = "", []
        if kind:
            where, where_params = "AND id BETWEEN %s AND %s", [*SearchEntry.id_range(kind)]
        sql = f"""
            WITH matches AS MATERIALIZED (
                SELECT id, names @@ to_tsquery('simple', %s) FROM {self.names_table}
                WHERE names @@ to_tsquery('simple', %s) AND {visible} {where}
            )
            SELECT * FROM matches ORDER BY id DESC
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [flag, expr, *visible_params, *where_params])
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
        where, where_params = "", []
        if kind:
            where, where_params = "AND id BETWEEN %s AND %s", [*SearchEntry.id_range(kind)]
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
                    WHERE {column} @@ to_tsquery('simple', %s)
                    ORDER BY id DESC LIMIT %s
                    """,
                    [*visible_params, *where_params, PROBE_FACTOR * limit, expr, wanted],
                )
                found = [row[0] for row in cursor.fetchall()]
            if len(found) < wanted:
                cursor.execute(
                    f"""
                    WITH matches AS MATERIALIZED (
                        SELECT id FROM {table}
                        WHERE {column} @@ to_tsquery('simple', %s) AND {visible} {where}
                    )
                    SELECT id FROM matches ORDER BY id DESC LIMIT %s
                    """,
                    [expr, *visible_params, *where_params, wanted],
                )
                found = [row[0] for row in cursor.fetchall()]
        skip = set(excluded)
        return [entry_id for entry_id in found if entry_id not in skip][:limit]

    def rank_data(self, ids):
        # The same as Backend.rank_data in a third of the time: through the ORM, each of up
        # to RANK_WINDOW ids is adapted on its own, and each time parsed with its time zone.
        sql = f"""
            SELECT id, name_keys, EXTRACT(EPOCH FROM published_at)::float8
            FROM {self.entry_table} WHERE id = ANY(%s::bigint[])
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, ["{" + ",".join(str(entry_id) for entry_id in ids) + "}"])
            return {entry_id: (keys, published) for entry_id, keys, published in cursor}

    def suggestions(self, query):
        """As Backend.suggestions, in one statement for every kind: for each, the newest
        PROBE_FACTOR * SUGGESTION_CANDIDATES names are read in id order (see newest_in). A kind
        whose newest names hold too few matches, and that has more names than were read, is
        read again from the index, in a second statement."""
        expr = self.expression(query, names_only=True)
        visible, visible_params = self.visible_sql()
        read = PROBE_FACTOR * SUGGESTION_CANDIDATES
        parts, params = [], []
        for kind in Kind.values:
            parts.append(f"""
                SELECT %s, COUNT(*), (ARRAY_AGG(id ORDER BY id DESC) FILTER (WHERE hit))[1:%s]
                FROM (
                    SELECT id, names @@ to_tsquery('simple', %s) AS hit
                    FROM {self.names_table}
                    WHERE {visible} AND id BETWEEN %s AND %s
                    ORDER BY id DESC LIMIT %s
                ) AS newest
            """)
            params += [
                kind,
                SUGGESTION_CANDIDATES,
                expr,
                *visible_params,
                *SearchEntry.id_range(kind),
                read,
            ]
        found, unread = {}, []
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for kind, rows, ids in cursor.fetchall():
                found[kind] = ids or []
                if len(found[kind]) < SUGGESTION_CANDIDATES and rows == read:
                    unread.append(kind)
            if unread:
                parts, params = [], []
                for kind in unread:
                    # Every match, then the newest (see newest_in).
                    parts.append(f"""(
                        WITH matches AS MATERIALIZED (
                            SELECT id FROM {self.names_table}
                            WHERE names @@ to_tsquery('simple', %s) AND {visible}
                                AND id BETWEEN %s AND %s
                        )
                        SELECT %s, id FROM matches ORDER BY id DESC LIMIT %s
                    )""")
                    params += [
                        expr,
                        *visible_params,
                        *SearchEntry.id_range(kind),
                        kind,
                        SUGGESTION_CANDIDATES,
                    ]
                cursor.execute(" UNION ALL ".join(parts), params)
                for kind in unread:
                    found[kind] = []
                for kind, entry_id in cursor.fetchall():
                    found[kind].append(entry_id)
        return found

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
        elif corrected and term.corrections:
            options = [self.lexeme(word, False) for word in term.corrections]
        else:
            options = [self.lexeme(term.text, True)]
            if term.pinyin:
                options.append(self.phrase(term.pinyin, True))
        return self.any_of(options)

    def all_of(self, parts):
        return "(" + " & ".join(parts) + ")"

    def any_of(self, parts):
        return "(" + " | ".join(parts) + ")"

    def word_match_sql(self, column):
        return f"document @@ to_tsquery('simple', quote_literal({column}))"

    def words_sql(self, count):
        return "SELECT unnest(%s::text[]) AS word"

    def words_params(self, words):
        return [list(words)]

    def similar_terms(self, word, limit=50):
        sql = """
            SELECT term FROM portal_searchterm
            WHERE term %% %s AND length BETWEEN %s AND %s
            ORDER BY similarity(term, %s) DESC
            LIMIT %s
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [word, len(word) - 2, len(word) + 2, word, limit])
            return [row[0] for row in cursor.fetchall()]


def rank_key_for(query: Query) -> Callable[[Hit, str, float], tuple]:
    """The ranking (see the top of this module) as a sort key, given a hit, its entry's name
    keys and its publication time as a POSIX timestamp."""
    name_rank = name_ranker(query)

    def key(hit: Hit, name_keys: str, published: float) -> tuple:
        rank = name_rank(name_keys, hit.in_name)
        return (not hit.exact, -rank, len(name_keys) if rank else 0, -published, -hit.entry_id)

    return key


def backend() -> Backend:
    """The backend for the database in use."""
    if connection.vendor == "postgresql":
        return PostgreSQLBackend()
    return SQLiteBackend()
