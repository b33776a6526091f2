"""Images in releases saved before their renditions were made on save get them now
(portal/publishing/richtext.py's for_display), as a save would."""

from django.db import migrations

from portal.publishing.richtext import resize_images


def add_sizes(apps, schema_editor):
    resize_images(apps.get_model("news", "Release"), ["body_en", "body_zh_hans"])


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0012_figures_newest_release_first"),
    ]

    operations = [
        migrations.RunPython(add_sizes, migrations.RunPython.noop),
    ]
