"""Tables in zones' and enterprises' texts saved before they were boxed on save get their box
now (portal/publishing/richtext.py's for_display), as a save would."""

from django.db import migrations

from portal.publishing.richtext import redisplay

LANGUAGES = ("en", "zh_hans")


def box_tables(apps, schema_editor):
    zone_texts = ("description", "preferential_policies")
    redisplay(
        apps.get_model("zones", "Zone"),
        [f"{name}_{language}" for name in zone_texts for language in LANGUAGES],
        ("<table",),
    )
    redisplay(
        apps.get_model("zones", "Enterprise"),
        [f"description_{language}" for language in LANGUAGES],
        ("<table",),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("zones", "0015_title_sort_keys"),
    ]

    operations = [
        migrations.RunPython(box_tables, migrations.RunPython.noop),
    ]
