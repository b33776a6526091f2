"""The full-text tables follow an entry only when its indexed text changes.

They hold the text alone; an entry's status and publication time are read from the entry. A
zone withdrawn or published again updates those two columns of its enterprises' entries in one
statement (portal/search/index.py), which no longer rewrites their full-text rows.
"""

from django.db import migrations

COLUMNS = "id, names, aliases, pinyin, body"

SQLITE_AFTER_UPDATE = """CREATE TRIGGER portal_searchentry_au AFTER UPDATE{columns}
    ON portal_searchentry BEGIN
        INSERT INTO portal_search_fts(portal_search_fts, rowid, names, aliases, pinyin, body)
        VALUES ('delete', old.id, old.names, old.aliases, old.pinyin, old.body);
        INSERT INTO portal_search_fts(rowid, names, aliases, pinyin, body)
        VALUES (new.id, new.names, new.aliases, new.pinyin, new.body);
    END"""

POSTGRESQL_TRIGGERS = {
    "portal_searchentry_document": "portal_search_document_sync",
    "portal_searchentry_name": "portal_search_name_sync",
}


def statements(vendor: str, columns: str) -> list[str]:
    if vendor == "sqlite":
        return [
            "DROP TRIGGER IF EXISTS portal_searchentry_au",
            SQLITE_AFTER_UPDATE.format(columns=f" OF {columns}" if columns else ""),
        ]
    if vendor == "postgresql":
        update = f"UPDATE OF {columns}" if columns else "UPDATE"
        return [
            statement
            for trigger, function in POSTGRESQL_TRIGGERS.items()
            for statement in (
                f"DROP TRIGGER IF EXISTS {trigger} ON portal_searchentry",
                f"""CREATE TRIGGER {trigger} AFTER INSERT OR {update} OR DELETE
                    ON portal_searchentry FOR EACH ROW EXECUTE FUNCTION {function}()""",
            )
        ]
    return []


def run(columns: str):
    def operation(apps, schema_editor):
        for statement in statements(schema_editor.connection.vendor, columns):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_search_models_move"),
        ("search", "0002_search_entry_status_index"),
    ]

    operations = [
        migrations.RunPython(run(COLUMNS), run("")),
    ]
