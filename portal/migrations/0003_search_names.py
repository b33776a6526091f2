from django.db import migrations

# PostgreSQL only; SQLite's FTS5 table already reads the names columns on their own.
#
# A second full-text table holding only names, other names and pinyin, with no weights. Matching
# on names alone against the document needs its weights (`:ABC`), and phrases (Chinese, pinyin)
# need its positions: the GIN index can check neither, so every candidate row of the wide
# document was read again. The names table is a fraction of its width, so those rereads are
# cheap. Its positions are those of the same words in the document: both are built by `||` from
# the same columns in the same order, so a phrase matches the names exactly where `:ABC` did.
#
# Both tables are partitioned by kind (the entry id is code * 10**12 + the record's id; the codes
# are SearchEntry.CODES as they were when this was written). A query of one kind then reads
# that kind's index and rows only, with statistics of its own, instead of skipping the other
# kinds' matches row by row; and a query over every kind reads the kinds in id order and can
# stop early. The outer partitions are open-ended, so every id has a partition.
SPAN = 10**12
PARTITIONS = [
    ("release", "MINVALUE", 2 * SPAN),
    ("enterprise", 2 * SPAN, 3 * SPAN),
    ("platform", 3 * SPAN, 4 * SPAN),
    ("institution", 4 * SPAN, 5 * SPAN),
    ("zone", 5 * SPAN, "MAXVALUE"),
]


def partitioned(table: str, column: str, parent: str) -> list[str]:
    """A table of (id, tsvector) partitioned like the kinds, with no indexes yet."""
    statements = [
        f"""CREATE TABLE {table} (
            id bigint NOT NULL,
            {column} tsvector NOT NULL
        ) PARTITION BY RANGE (id)"""
    ]
    for kind, low, high in PARTITIONS:
        statements.append(
            f"CREATE TABLE {parent}_{kind} PARTITION OF {table} FOR VALUES FROM ({low}) TO ({high})"
        )
    return statements


def indexed(table: str, column: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY (id)",
        f"CREATE INDEX {table}_idx ON {table} USING gin ({column})",
    ]


NAMES = """to_tsvector('simple', {row}.names)
    || to_tsvector('simple', {row}.aliases)
    || to_tsvector('simple', {row}.pinyin)"""

FORWARD = [
    # The document, copied into its partitioned form (only live rows are copied).
    *partitioned("portal_search_document_new", "document", "portal_search_document"),
    """INSERT INTO portal_search_document_new (id, document)
        SELECT id, document FROM portal_search_document""",
    "DROP TABLE portal_search_document",
    "ALTER TABLE portal_search_document_new RENAME TO portal_search_document",
    *indexed("portal_search_document", "document"),
    # The names, filled from the entries and kept in step with them like the document.
    *partitioned("portal_search_name", "names", "portal_search_name"),
    f"""INSERT INTO portal_search_name (id, names)
        SELECT id, {NAMES.format(row="portal_searchentry")} FROM portal_searchentry""",
    *indexed("portal_search_name", "names"),
    f"""CREATE FUNCTION portal_search_name_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM portal_search_name WHERE id = OLD.id;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        INSERT INTO portal_search_name (id, names) VALUES (NEW.id, {NAMES.format(row="NEW")});
        RETURN NEW;
    END
    $$""",
    """CREATE TRIGGER portal_searchentry_name AFTER INSERT OR UPDATE OR DELETE
        ON portal_searchentry FOR EACH ROW EXECUTE FUNCTION portal_search_name_sync()""",
    """CREATE FUNCTION portal_search_name_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE portal_search_name;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER portal_searchentry_name_truncate AFTER TRUNCATE
        ON portal_searchentry FOR EACH STATEMENT EXECUTE FUNCTION portal_search_name_truncate()""",
    "ANALYZE portal_search_document",
    "ANALYZE portal_search_name",
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS portal_searchentry_name_truncate ON portal_searchentry",
    "DROP TRIGGER IF EXISTS portal_searchentry_name ON portal_searchentry",
    "DROP FUNCTION IF EXISTS portal_search_name_truncate()",
    "DROP FUNCTION IF EXISTS portal_search_name_sync()",
    "DROP TABLE IF EXISTS portal_search_name",
    # The document back in one table, as 0002 made it.
    """CREATE TABLE portal_search_document_old (
        id bigint PRIMARY KEY,
        document tsvector NOT NULL
    )""",
    """INSERT INTO portal_search_document_old (id, document)
        SELECT id, document FROM portal_search_document""",
    "DROP TABLE portal_search_document",
    "ALTER TABLE portal_search_document_old RENAME TO portal_search_document",
    "ALTER INDEX portal_search_document_old_pkey RENAME TO portal_search_document_pkey",
    "CREATE INDEX portal_search_document_idx ON portal_search_document USING gin (document)",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_search_index"),
    ]

    operations = [
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
