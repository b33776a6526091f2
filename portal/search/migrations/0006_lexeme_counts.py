"""PostgreSQL counts how many documents of each kind hold each word.

A broad word's count stops at COUNT_CAP + 1 matches, and reading them still meant reading
about four thousand documents at 100,000 enterprises (6 to 15 ms of a search for `dalian` or
`manufac`). A kind in which a word of the query is held by more documents than the cap (less
the hidden entries) needs no count: it shows "1,000+" (PostgreSQLBackend.crowded_kinds).

The counts are kept by a trigger on the documents, in rows of +1 and -1 that add up to the
count, so that writers never wait for each other on a common word's row. The trigger folds the
rows of the words it has just written into one each, when no other transaction is folding
(an advisory lock it does not wait for). Writing in bulk (a rebuild, synthetic data) turns the
trigger off for the connection (`portal.search_recount`) and counts everything once at the end.

SQLite is unchanged: FTS5 counts a broad word's first matches from its index alone.
"""

from django.db import migrations

SPAN = 10**12
# Byte order, so that the words starting with a prefix are one range of the index.
TABLE = """CREATE TABLE portal_search_lexeme (
    lexeme text COLLATE "C" NOT NULL,
    kind smallint NOT NULL,
    documents integer NOT NULL
)"""
INDEX = """CREATE INDEX portal_search_lexeme_idx
    ON portal_search_lexeme (lexeme, kind) INCLUDE (documents)"""
COUNT_ALL = f"""INSERT INTO portal_search_lexeme (lexeme, kind, documents)
    SELECT lexeme, id / {SPAN}, COUNT(*)
    FROM portal_search_document, unnest(tsvector_to_array(document)) AS lexeme
    GROUP BY lexeme, id / {SPAN}"""
FUNCTION = f"""CREATE FUNCTION portal_search_lexeme_count() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        lexemes text[];
        entry_kind smallint;
        change integer;
    BEGIN
        IF current_setting('portal.search_recount', true) = 'on' THEN
            RETURN NULL;
        END IF;
        IF TG_OP = 'INSERT' THEN
            lexemes := tsvector_to_array(NEW.document);
            entry_kind := NEW.id / {SPAN};
            change := 1;
        ELSE
            lexemes := tsvector_to_array(OLD.document);
            entry_kind := OLD.id / {SPAN};
            change := -1;
        END IF;
        INSERT INTO portal_search_lexeme (lexeme, kind, documents)
            SELECT lexeme, entry_kind, change FROM unnest(lexemes) AS lexeme;
        IF pg_try_advisory_xact_lock('portal_search_lexeme'::regclass::oid::bigint) THEN
            WITH folded AS (
                DELETE FROM portal_search_lexeme AS counted
                WHERE counted.kind = entry_kind
                    AND counted.lexeme = ANY(lexemes)
                RETURNING counted.lexeme, counted.documents
            )
            INSERT INTO portal_search_lexeme (lexeme, kind, documents)
                SELECT folded.lexeme, entry_kind, SUM(folded.documents) FROM folded
                GROUP BY folded.lexeme HAVING SUM(folded.documents) <> 0;
        END IF;
        RETURN NULL;
    END
$$"""
TRUNCATE_FUNCTION = """CREATE OR REPLACE FUNCTION portal_search_document_truncate()
    RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {tables};
        RETURN NULL;
    END
$$"""

FORWARD = [
    TABLE,
    COUNT_ALL,
    INDEX,
    FUNCTION,
    """CREATE TRIGGER portal_search_document_lexeme AFTER INSERT OR DELETE
        ON portal_search_document FOR EACH ROW EXECUTE FUNCTION portal_search_lexeme_count()""",
    # Emptied with the entries (a rebuild), as the documents are.
    TRUNCATE_FUNCTION.format(tables="portal_search_document, portal_search_lexeme"),
    "ANALYZE portal_search_lexeme",
]
BACKWARD = [
    TRUNCATE_FUNCTION.format(tables="portal_search_document"),
    "DROP TRIGGER IF EXISTS portal_search_document_lexeme ON portal_search_document",
    "DROP FUNCTION IF EXISTS portal_search_lexeme_count()",
    "DROP TABLE IF EXISTS portal_search_lexeme",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_sqlite_prefix_indexes"),
    ]

    operations = [
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
