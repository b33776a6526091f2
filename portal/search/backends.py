"""The two index backends: SQLite FTS5 and PostgreSQL full text with pg_trgm.

Both answer the same questions (which entries match and in what order, how many per kind, which
object ids of a kind match, which vocabulary words look like a misspelt word) from the same
parsed query, and order results the same way:

1. what the query finds as typed, before what its spelling corrections find;
2. a name that is the query, then a name that starts with it, then any other name match, then a
   match in the text only;
3. among name matches, the shorter names first (the closer match);
4. the newer publication first.

Query text only reaches SQL as parameters, and only as the tokens text.py lets through
([a-z0-9] words and Chinese characters).
"""

from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from portal.models import KIND_SPAN, SearchEntry
from portal.search.text import Query, Term, pairs
from zones.models import published_q

NAME_WEIGHTS = "ABC"  # names, other names, pinyin (body is D)
# Results are fully ranked within this many best candidates; pages beyond it (rarely visited)
# keep the cheaper order: as typed, name match, kind, newest record.
RANK_WINDOW = 1000
# Suggestions are picked from this many name matches per kind.
SUGGESTION_CANDIDATES = 40
# With more scheduled entries than this, visibility is checked by joining the entries.
MAX_HIDDEN_LISTED = 500


@dataclass
class Hit:
    entry_id: int
    exact: bool
    name_rank: int


def published_sql(table: str = SearchEntry._meta.db_table) -> tuple[str, list]:
    """The visibility rule (zones.models.published_q) as SQL on the entries table."""
    query = SearchEntry.objects.filter(published_q()).query
    compiler = query.get_compiler(connection=connection)
    sql, params = query.where.as_sql(compiler, connection)
    return sql.replace(f'"{SearchEntry._meta.db_table}"', table), list(params)


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


def name_rank(entry: SearchEntry, query: Query, in_name: bool) -> int:
    """The ranking's step 2 for one entry, in Python (for suggestions)."""
    keys = [query.key()] + ([query.key(corrected=True)] if query.corrected else [])
    if any(key + "\n" in entry.name_keys for key in keys):
        return 3
    if any(key in entry.name_keys for key in keys):
        return 2
    return 1 if in_name else 0


class Backend:
    entry_table = SearchEntry._meta.db_table
    position_function = "instr"

    # Expressions, written per backend.

    def term_expr(self, term: Term, names_only: bool, corrected: bool) -> str:
        raise NotImplementedError

    def all_of(self, parts: list[str]) -> str:
        raise NotImplementedError

    def any_of(self, parts: list[str]) -> str:
        raise NotImplementedError

    def expression(self, query: Query, names_only: bool = False, fuzzy: bool = True) -> str:
        """The match expression: every term, each in any of its forms; with fuzzy, a corrected
        term may also match as one of its corrections."""
        exact = self.all_of([self.term_expr(t, names_only, False) for t in query.terms])
        if not (fuzzy and query.corrected):
            return exact
        corrected = self.all_of([self.term_expr(t, names_only, True) for t in query.terms])
        return self.any_of([exact, corrected])

    def order_sql(self, query: Query, table: str) -> tuple[str, str, list]:
        """The name rank column and the ORDER BY of steps 2 to 4, over rows of the entries
        table aliased `table` with boolean columns `exact` and `in_name`."""
        keys = [query.key()] + ([query.key(corrected=True)] if query.corrected else [])
        find = " OR ".join(f"{self.position_function}({table}.name_keys, %s) > 0" for _ in keys)
        rank = f"CASE WHEN {find} THEN 3 WHEN {find} THEN 2 WHEN in_name THEN 1 ELSE 0 END"
        params = [*(key + "\n" for key in keys), *keys]
        order = (
            "exact DESC, name_rank DESC, "
            f"CASE WHEN name_rank > 0 THEN LENGTH({table}.name_keys) ELSE 0 END, "
            f"{table}.published_at DESC, {table}.id DESC"
        )
        return rank, order, params

    # Questions.

    def hits(self, query: Query, kind: str | None, limit: int, offset: int) -> list[Hit]:
        raise NotImplementedError

    def counts(self, query: Query) -> dict[str, tuple[int, int]]:
        """Per kind: (matches, matches as typed)."""
        raise NotImplementedError

    def suggestion_ids(self, query: Query, kind: str) -> list[int]:
        """Some entries of a kind whose names match, to pick suggestions from."""
        raise NotImplementedError

    def object_ids_sql(self, query: Query, kind: str, names_only: bool, fuzzy: bool):
        raise NotImplementedError

    def similar_terms(self, word: str, limit: int = 50) -> list[str]:
        raise NotImplementedError


class SQLiteBackend(Backend):
    """FTS5 over portal_searchentry (external content, kept in step by triggers).

    Reading an entry row costs far more than reading the FTS index, so everything that can be
    answered from the index alone is: the kind is in the entry id, and visibility is checked
    against the (usually empty) list of scheduled entries. Only the best RANK_WINDOW candidates
    are joined to their entries to be ranked.
    """

    fts = "portal_search_fts"

    def quote(self, tokens: list[str], prefix: bool = False) -> str:
        return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")

    def term_expr(self, term: Term, names_only: bool, corrected: bool) -> str:
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

    def all_of(self, parts: list[str]) -> str:
        return "(" + " AND ".join(parts) + ")"

    def any_of(self, parts: list[str]) -> str:
        return "(" + " OR ".join(parts) + ")"

    def in_match(self, expr: str) -> tuple[str, list]:
        return f"rowid IN (SELECT rowid FROM {self.fts} WHERE {self.fts} MATCH %s)", [expr]

    def visible_sql(self) -> tuple[str, list]:
        hidden = hidden_entry_ids()
        if not hidden:
            return "1", []
        if len(hidden) > MAX_HIDDEN_LISTED:
            published, params = published_sql()
            return f"rowid IN (SELECT id FROM {self.entry_table} WHERE {published})", params
        return f"rowid NOT IN ({', '.join(['%s'] * len(hidden))})", hidden

    def candidates_sql(self, query: Query, kind: str | None) -> tuple[str, list]:
        """Matching entry ids with `exact` and `in_name`, from the FTS index alone."""
        if query.corrected:
            exact, exact_params = self.in_match(self.expression(query, fuzzy=False))
        else:
            exact, exact_params = "1", []
        in_name, in_name_params = self.in_match(self.expression(query, names_only=True))
        visible, visible_params = self.visible_sql()
        where, where_params = "", []
        if kind:
            where, where_params = "AND rowid BETWEEN %s AND %s", list(SearchEntry.id_range(kind))
        sql = f"""
            SELECT rowid AS id, {exact} AS exact, {in_name} AS in_name
            FROM {self.fts} WHERE {self.fts} MATCH %s AND {visible} {where}
            ORDER BY exact DESC, in_name DESC, rowid DESC
        """
        params = [
            *exact_params,
            *in_name_params,
            self.expression(query),
            *visible_params,
            *where_params,
        ]
        return sql, params

    def hits(self, query, kind, limit, offset):
        candidates, params = self.candidates_sql(query, kind)
        if offset + limit > RANK_WINDOW:
            with connection.cursor() as cursor:
                cursor.execute(f"{candidates} LIMIT %s OFFSET %s", [*params, limit, offset])
                return [Hit(row[0], bool(row[1]), int(row[2])) for row in cursor.fetchall()]
        rank, order, rank_params = self.order_sql(query, "entry")
        sql = f"""
            WITH candidates AS ({candidates} LIMIT %s)
            SELECT id, exact, name_rank FROM (
                SELECT entry.id, entry.name_keys, entry.published_at, candidates.exact,
                    {rank} AS name_rank
                FROM candidates CROSS JOIN {self.entry_table} AS entry
                    ON entry.id = candidates.id
            ) AS entry
            ORDER BY {order}
            LIMIT %s OFFSET %s
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, RANK_WINDOW, *rank_params, limit, offset])
            return [Hit(row[0], bool(row[1]), row[2]) for row in cursor.fetchall()]

    def counts(self, query):
        if query.corrected:
            exact, exact_params = self.in_match(self.expression(query, fuzzy=False))
        else:
            exact, exact_params = "1", []
        visible, visible_params = self.visible_sql()
        sql = f"""
            SELECT rowid / {KIND_SPAN} AS code, COUNT(*), SUM({exact})
            FROM {self.fts} WHERE {self.fts} MATCH %s AND {visible}
            GROUP BY code
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*exact_params, self.expression(query), *visible_params])
            return {
                SearchEntry.kind_of_id(code * KIND_SPAN): (count, exact or 0)
                for code, count, exact in cursor.fetchall()
            }

    def suggestion_ids(self, query, kind):
        visible, visible_params = self.visible_sql()
        sql = f"""
            SELECT rowid FROM {self.fts}
            WHERE {self.fts} MATCH %s AND {visible} AND rowid BETWEEN %s AND %s
            ORDER BY rowid DESC LIMIT %s
        """
        params = [
            self.expression(query, names_only=True),
            *visible_params,
            *SearchEntry.id_range(kind),
            SUGGESTION_CANDIDATES,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def object_ids_sql(self, query, kind, names_only, fuzzy):
        low, high = SearchEntry.id_range(kind)
        sql = f"""
            SELECT rowid - %s FROM {self.fts}
            WHERE {self.fts} MATCH %s AND rowid BETWEEN %s AND %s
        """
        return sql, [low, self.expression(query, names_only=names_only, fuzzy=fuzzy), low, high]

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
    """A generated tsvector column with a GIN index; pg_trgm over the vocabulary."""

    position_function = "strpos"

    def lexeme(self, token: str, prefix: bool, names_only: bool) -> str:
        marks = ("*" if prefix else "") + (NAME_WEIGHTS if names_only else "")
        return f"'{token}'" + (f":{marks}" if marks else "")

    def phrase(self, tokens: list[str], prefix: bool, names_only: bool) -> str:
        parts = [
            self.lexeme(token, prefix and i == len(tokens) - 1, names_only)
            for i, token in enumerate(tokens)
        ]
        return "(" + " <-> ".join(parts) + ")"

    def term_expr(self, term: Term, names_only: bool, corrected: bool) -> str:
        if term.cjk:
            options = [self.phrase(pairs(term.text), len(term.text) == 1, names_only)]
        elif corrected and term.corrections:
            options = [self.lexeme(word, False, names_only) for word in term.corrections]
        else:
            options = [self.lexeme(term.text, True, names_only)]
            if term.pinyin:
                options.append(self.phrase(term.pinyin, True, names_only))
        return self.any_of(options)

    def all_of(self, parts: list[str]) -> str:
        return "(" + " & ".join(parts) + ")"

    def any_of(self, parts: list[str]) -> str:
        return "(" + " | ".join(parts) + ")"

    def hits(self, query, kind, limit, offset):
        published, published_params = published_sql("entry")
        where, where_params = "", []
        if kind:
            where, where_params = "AND entry.kind = %s", [kind]
        rank, order, rank_params = self.order_sql(query, "entry")
        sql = f"""
            SELECT id, exact, name_rank FROM (
                SELECT entry.id, entry.name_keys, entry.published_at, exact, {rank} AS name_rank
                FROM (
                    SELECT entry.*,
                        document @@ to_tsquery('simple', %s) AS exact,
                        document @@ to_tsquery('simple', %s) AS in_name
                    FROM {self.entry_table} AS entry
                    WHERE document @@ to_tsquery('simple', %s) AND {published} {where}
                ) AS entry
            ) AS entry
            ORDER BY {order}
            LIMIT %s OFFSET %s
        """
        params = [
            *rank_params,
            self.expression(query, fuzzy=False),
            self.expression(query, names_only=True),
            self.expression(query),
            *published_params,
            *where_params,
            limit,
            offset,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [Hit(row[0], bool(row[1]), row[2]) for row in cursor.fetchall()]

    def counts(self, query):
        published, published_params = published_sql()
        sql = f"""
            SELECT kind, COUNT(*),
                COUNT(*) FILTER (WHERE document @@ to_tsquery('simple', %s))
            FROM {self.entry_table}
            WHERE document @@ to_tsquery('simple', %s) AND {published}
            GROUP BY kind
        """
        params = [self.expression(query, fuzzy=False), self.expression(query), *published_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {kind: (count, exact) for kind, count, exact in cursor.fetchall()}

    def suggestion_ids(self, query, kind):
        published, published_params = published_sql()
        sql = f"""
            SELECT id FROM {self.entry_table}
            WHERE kind = %s AND document @@ to_tsquery('simple', %s) AND {published}
            LIMIT %s
        """
        params = [
            kind,
            self.expression(query, names_only=True),
            *published_params,
            SUGGESTION_CANDIDATES,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def object_ids_sql(self, query, kind, names_only, fuzzy):
        sql = f"""
            SELECT object_id FROM {self.entry_table}
            WHERE kind = %s AND document @@ to_tsquery('simple', %s)
        """
        return sql, [kind, self.expression(query, names_only=names_only, fuzzy=fuzzy)]

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


def backend() -> Backend:
    """The backend for the database in use."""
    if connection.vendor == "postgresql":
        return PostgreSQLBackend()
    return SQLiteBackend()
