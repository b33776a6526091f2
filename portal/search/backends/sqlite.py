"""The SQLite backend: FTS5 over the entries, and a trigram FTS5 table over the vocabulary
(portal/migrations/0002_search_index.py)."""

import json

from django.db import connection

from portal.search.backends.base import AS_TYPED, ON_NAME, Backend
from portal.search.models import SearchEntry
from portal.search.text import pairs


class SQLiteBackend(Backend):
    """FTS5 over the entries (external content, kept in step by triggers)."""

    table = "portal_search_fts"
    id = "rowid"
    # To the millisecond, as far as julianday() reads a time.
    published_seconds = "(julianday(published_at) - 2440587.5) * 86400.0"

    def published_time(self, value):
        # sqlite3 reads a naive time, in the connection's time zone.
        return connection.ops.convert_datetimefield_value(value, None, connection)

    def match_sql(self, expr):
        return f"{self.table} MATCH %s", [expr]

    def flag_sql(self, expr):
        return f"rowid IN (SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s)", [expr]

    def record_matches(self, query, kind):
        """As Backend.record_matches, in two parts: the records whose names match as typed,
        then the other matches. Each part is one FTS5 scan; a flag for the names on every row
        looked each one up in the names' matches as well, and took about twice as long for a
        broad word (`technology`, 16,555 enterprises: 31 ms against 18)."""
        low, _ = SearchEntry.id_range(kind)
        names = self.expression(query, names_only=True, fuzzy=False)
        exact, exact_params = self.exact_sql(query)
        of_kind = self.of_kind_sql(kind)
        sql = f"""
            SELECT (rowid - {low:d}) * 4 + {ON_NAME + AS_TYPED} FROM {self.table}
            WHERE {self.table} MATCH %s AND {of_kind}
            UNION ALL
            SELECT (rowid - {low:d}) * 4 + CASE WHEN {exact} THEN {AS_TYPED} ELSE 0 END
            FROM {self.table}
            WHERE {self.table} MATCH %s AND {of_kind}
        """
        others = self.but_not(self.expression(query), names)
        params = [names, *exact_params, others]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def quote(self, tokens: list[str], prefix: bool = False) -> str:
        return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")

    def term_expr(self, term, names_only, corrected):
        if term.cjk:
            options = [self.quote(pairs(term.text), prefix=len(term.text) == 1)]
            if term.spelled:
                options.append(self.quote([term.spelled]))
        elif corrected and term.corrections:
            options = [self.quote([word]) for word in term.corrections]
        else:
            options = [self.quote([term.text], prefix=True)] if term.matches_as_word else []
            if spellings := term.pinyin_spellings():
                options += [self.quote(spelling) for spelling in spellings]
            elif term.pinyin:
                options.append(self.quote(term.pinyin, prefix=True))
        expr = self.any_of(options)
        if names_only:
            expr = "{names aliases pinyin} : " + expr
        return expr

    def names_phrase(self, tokens):
        return "{names aliases pinyin} : " + self.quote(tokens)

    def all_of(self, parts):
        return "(" + " AND ".join(parts) + ")"

    def any_of(self, parts):
        return "(" + " OR ".join(parts) + ")"

    def but_not(self, expr, excluded):
        return f"({expr} NOT {excluded})"

    def ids_sql(self):
        return "id IN (SELECT value FROM json_each(%s))"

    def ids_param(self, ids):
        return json.dumps(ids)

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
