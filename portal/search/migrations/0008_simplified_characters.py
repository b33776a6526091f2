"""Entries written before traditional characters were read as simplified ones get the tokens
they now have (portal/search/text.py's normalise), so 沈阳 finds a name entered as 瀋陽.

Each character of a token has one simplified form, so the tokens of a text, simplified, are the
tokens of the simplified text: the columns are folded as they are, without reading the records.
Only entries holding a traditional character are written; the full-text tables follow them by
their triggers. The spelling vocabulary holds no Chinese.
"""

from django.db import migrations

from portal.search.text import simplified_forms

COLUMNS = ("name_keys", "names", "aliases", "body")


def simplify(apps, schema_editor):
    entry_model = apps.get_model("search", "SearchEntry")
    forms = simplified_forms()
    traditional = {chr(code) for code in forms}
    rows = entry_model.objects.values_list("id", *COLUMNS).iterator(chunk_size=2000)
    changed = {}
    for entry_id, *values in rows:
        if any(not traditional.isdisjoint(value) for value in values):
            changed[entry_id] = [value.translate(forms) for value in values]
    for entry_id, values in changed.items():
        entry_model.objects.filter(id=entry_id).update(**dict(zip(COLUMNS, values)))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_event_partitions"),
    ]

    operations = [
        migrations.RunPython(simplify, migrations.RunPython.noop),
    ]
