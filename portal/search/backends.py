"""The two index backends: SQLite FTS5 and PostgreSQL full text with pg_trgm.

Both answer the same questions (which entries match, how many per kind, which object ids of a
kind match, which vocabulary words look like a misspelt word) from the same parsed query, so the
search behaves the same on both. Query text only reaches SQL as parameters, and only as the
tokens portal/search/text.py lets through ([a-z0-9] words and Chinese characters).
"""

from dataclasses import dataclass

from django.db import connection

from portal.models import SearchEntry
from portal.search.text import Query, Term, pairs
from zones.models import published_q

NAME_WEIGHTS = "ABC"  # names, other names, pinyin (body is D)


@dataclass
class Hit:
    entry_id: int
    exact: bool
    name_rank: int


def published_sql() -> tuple[str, list]:
    """The visibility rule (zones.models.published_q) as SQL on portal_searchentry."""
    query = SearchEntry.objects.filter(published_q()).query
    compiler = query.get_compiler(connection=connection)
    sql, params = query.where.as_sql(compiler, connection)
    return sql, list(params)


class Backend:
    entry_table = SearchEntry._meta.db_table

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

    position_function = "instr"

    def name_rank_sql(self, query: Query, in_name_sql: str) -> tuple[str, list]:
        """3 when a name is the query, 2 when one starts with it, 1 for another name match, 0
        for a match in the text only. Computed for matching rows only, on short strings."""
        keys = [query.key()]
        if query.corrected:
            keys.append(query.key(corrected=True))
        table, position = self.entry_table, self.position_function
        exact = " OR ".join(f"{position}({table}.name_keys, %s) > 0" for _ in keys)
        prefix = " OR ".join(f"{position}({table}.name_keys, %s) > 0" for _ in keys)
        sql = f"CASE WHEN {exact} THEN 3 WHEN {prefix} THEN 2 WHEN {in_name_sql} THEN 1 ELSE 0 END"
        # (exact and prefix are the same SQL: the parameters differ by the closing newline.)
        return sql, [*(key + "\n" for key in keys), *keys]

    # Questions.

    def hits(self, query: Query, kind: str | None, limit: int, offset: int) -> list[Hit]:
        raise NotImplementedError

    def counts(self, query: Query) -> dict[str, tuple[int, int]]:
        """Per kind: (matches, exact matches)."""
        raise NotImplementedError

    def suggestions(self, query: Query, per_kind: int) -> list[int]:
        raise NotImplementedError

    def object_ids_sql(self, query: Query, kind: str, names_only: bool, fuzzy: bool):
        raise NotImplementedError

    def similar_terms(self, word: str, limit: int = 50) -> list[str]:
        raise NotImplementedError


class SQLiteBackend(Backend):
    """FTS5 over portal_searchentry (external content, kept in step by triggers).

    The joins are CROSS JOINs because SQLite then keeps the FTS table as the outer loop; left
    to itself, the planner may scan the entries and run the MATCH once per row.
    """

    fts = "portal_search_fts"
    source = f"{fts} CROSS JOIN {Backend.entry_table} ON {Backend.entry_table}.id = {fts}.rowid"
    # bm25 weights of names, other names, pinyin, body.
    rank = "bm25(portal_search_fts, 10.0, 8.0, 5.0, 1.0)"

    def quote(self, tokens: list[str], prefix: bool = False) -> str:
        return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")

    def term_expr(self, term: Term, names_only: bool, corrected: bool) -> str:
        if term.cjk:
            run = pairs(term.text)
            options = [self.quote(run, prefix=len(term.text) == 1)]
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

    def _in_match(self, expr: str) -> tuple[str, list]:
        return (
            f"{self.entry_table}.id IN (SELECT rowid FROM {self.fts} WHERE {self.fts} MATCH %s)",
            [expr],
        )

    def hits(self, query, kind, limit, offset):
        published, published_params = published_sql()
        if query.corrected:
            exact_sql, exact_params = self._in_match(self.expression(query, fuzzy=False))
        else:
            exact_sql, exact_params = "1", []
        in_name_sql, in_name_params = self._in_match(self.expression(query, names_only=True))
        name_sql, name_params = self.name_rank_sql(query, in_name_sql)
        name_params += in_name_params
        where, where_params = "", []
        if kind:
            where, where_params = f"AND {self.entry_table}.kind = %s", [kind]
        sql = f"""
            SELECT {self.entry_table}.id, {exact_sql} AS exact, {name_sql} AS in_name
            FROM {self.source}
            WHERE {self.fts} MATCH %s AND {published} {where}
            ORDER BY exact DESC, in_name DESC, ROUND({self.rank}, 2),
                {self.entry_table}.published_at DESC
            LIMIT %s OFFSET %s
        """
        params = [
            *exact_params,
            *name_params,
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
        if query.corrected:
            exact_sql, exact_params = self._in_match(self.expression(query, fuzzy=False))
        else:
            exact_sql, exact_params = "1", []
        sql = f"""
            SELECT {self.entry_table}.kind, COUNT(*), SUM({exact_sql})
            FROM {self.source}
            WHERE {self.fts} MATCH %s AND {published}
            GROUP BY {self.entry_table}.kind
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*exact_params, self.expression(query), *published_params])
            return {kind: (count, exact or 0) for kind, count, exact in cursor.fetchall()}

    def suggestions(self, query, per_kind):
        published, published_params = published_sql()
        name_sql, name_params = self.name_rank_sql(query, "1")
        # bm25() can only be called where the MATCH is, so it is ranked in an inner query.
        sql = f"""
            SELECT id FROM (
                SELECT id, ROW_NUMBER() OVER (
                    PARTITION BY kind ORDER BY in_name DESC, score, published_at DESC
                ) AS position
                FROM (
                    SELECT {self.entry_table}.id, {self.entry_table}.kind,
                        {self.entry_table}.published_at, {self.rank} AS score,
                        {name_sql} AS in_name
                    FROM {self.source}
                    WHERE {self.fts} MATCH %s AND {published}
                )
            ) WHERE position <= %s
        """
        params = [
            *name_params,
            self.expression(query, names_only=True),
            *published_params,
            per_kind,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def object_ids_sql(self, query, kind, names_only, fuzzy):
        sql = f"""
            SELECT {self.entry_table}.object_id
            FROM {self.source}
            WHERE {self.fts} MATCH %s AND {self.entry_table}.kind = %s
        """
        return sql, [self.expression(query, names_only=names_only, fuzzy=fuzzy), kind]

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
        weights = NAME_WEIGHTS if names_only else ""
        marks = ("*" if prefix else "") + weights
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
        published, published_params = published_sql()
        where, where_params = "", []
        if kind:
            where, where_params = "AND kind = %s", [kind]
        exact_expr = self.expression(query, fuzzy=False)
        name_sql, name_params = self.name_rank_sql(query, "document @@ to_tsquery('simple', %s)")
        sql = f"""
            SELECT id, document @@ to_tsquery('simple', %s) AS exact, {name_sql} AS in_name
            FROM {self.entry_table}
            WHERE document @@ to_tsquery('simple', %s) AND {published} {where}
            ORDER BY exact DESC, in_name DESC,
                ROUND(ts_rank(document, to_tsquery('simple', %s), 1)::numeric, 3) DESC,
                published_at DESC
            LIMIT %s OFFSET %s
        """
        full = self.expression(query)
        params = [
            exact_expr,
            *name_params,
            self.expression(query, names_only=True),
            full,
            *published_params,
            *where_params,
            full,
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

    def suggestions(self, query, per_kind):
        published, published_params = published_sql()
        name_sql, name_params = self.name_rank_sql(query, "TRUE")
        sql = f"""
            SELECT id FROM (
                SELECT id, ROW_NUMBER() OVER (
                    PARTITION BY kind
                    ORDER BY {name_sql} DESC,
                        ts_rank(document, to_tsquery('simple', %s), 1) DESC, published_at DESC
                ) AS position
                FROM {self.entry_table}
                WHERE document @@ to_tsquery('simple', %s) AND {published}
            ) AS ranked WHERE position <= %s
        """
        expr = self.expression(query, names_only=True)
        with connection.cursor() as cursor:
            cursor.execute(sql, [*name_params, expr, expr, *published_params, per_kind])
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
