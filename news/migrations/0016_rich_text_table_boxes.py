"""Tables in releases saved before they were boxed on save get their box now
(portal/publishing/richtext.py's for_display), as a save would."""

from django.db import migrations

from portal.publishing.richtext import redisplay


def box_tables(apps, schema_editor):
    redisplay(apps.get_model("news", "Release"), ["body_en", "body_zh_hans"], ("<table",))


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0015_title_sort_keys"),
    ]

    operations = [
        migrations.RunPython(box_tables, migrations.RunPython.noop),
    ]
