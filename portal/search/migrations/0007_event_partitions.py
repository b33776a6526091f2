"""PostgreSQL gives events (code 0, entry ids below 10**12) partitions of their own.

The full-text tables are partitioned by kind (portal/migrations/0003_search_names.py), and the
backend reads a kind's partition by its name. The releases' partition took every id below
2 * 10**12; it now starts at 10**12, and the events' partition holds the ids below. No entry of
code 0 existed, so no row moves. SQLite's full-text table is not partitioned.
"""

from django.db import migrations

SPAN = 10**12
TABLES = ("portal_search_document", "portal_search_name")

FORWARD = [
    statement
    for table in TABLES
    for statement in (
        f"ALTER TABLE {table} DETACH PARTITION {table}_release",
        f"ALTER TABLE {table} ATTACH PARTITION {table}_release FOR VALUES FROM ({SPAN}) TO ({2 * SPAN})",
        f"CREATE TABLE {table}_event PARTITION OF {table} FOR VALUES FROM (MINVALUE) TO ({SPAN})",
    )
]
BACKWARD = [
    # The events' entries go (their full-text rows with them, by the entries' triggers).
    f"DELETE FROM portal_searchentry WHERE id < {SPAN}",
    *(
        statement
        for table in TABLES
        for statement in (
            f"DROP TABLE {table}_event",
            f"ALTER TABLE {table} DETACH PARTITION {table}_release",
            f"ALTER TABLE {table} ATTACH PARTITION {table}_release FOR VALUES FROM (MINVALUE) TO ({2 * SPAN})",
        )
    ),
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_lexeme_counts"),
    ]

    operations = [
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
