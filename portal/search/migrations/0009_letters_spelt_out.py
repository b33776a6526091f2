"""Entries written before letters such as ß, ø and æ were spelt out (portal/search/text.py's
SPELT_OUT) held those words broken at the letter: Straße as "stra" and "e". The entries whose
titles or texts hold such a letter are written again from their records, so that `strasse`
finds them. A letter only in a record's other names is caught by `rebuild_search_index`.

The records are read through the search engine as it is now, as the entries are written by it.
"""

from django.db import migrations
from django.db.models import Q

from portal.search.text import SPELT_OUT

COLUMNS = ("title_en", "title_zh_hans", "text_en", "text_zh_hans")


def spell_out(apps, schema_editor):
    from portal.search import index, registry

    entry_model = apps.get_model("search", "SearchEntry")
    letters = {chr(code) for code in SPELT_OUT} | {"ẞ"}
    # Their capitals where they have one of their own (ß's is SS, ı's is I: not these).
    letters |= {letter.upper() for letter in letters if letter.upper().lower() == letter}
    condition = Q()
    for letter in letters:
        for column in COLUMNS:
            condition |= Q(**{f"{column}__contains": letter})
    written = list(entry_model.objects.filter(condition).values_list("kind", "object_id"))
    for kind, object_id in written:
        if kind not in registry.kinds():
            continue
        model = registry.get(kind).model
        record = model._default_manager.filter(pk=object_id).first()
        if record is not None:
            index.update(record)


class Migration(migrations.Migration):
    # After the content apps' migrations: the records are read through their models as they
    # are now, which must match their tables.
    dependencies = [
        ("search", "0008_simplified_characters"),
        ("news", "0013_rich_text_image_sizes"),
        ("zones", "0013_rich_text_image_sizes"),
    ]

    operations = [
        migrations.RunPython(spell_out, migrations.RunPython.noop),
    ]
