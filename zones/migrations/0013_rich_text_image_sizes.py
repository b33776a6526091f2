"""Images in zones' and enterprises' texts saved before their renditions were made on save get
them now (portal/publishing/richtext.py's for_display), as a save would."""

from django.db import migrations

from portal.publishing.richtext import resize_images

LANGUAGES = ("en", "zh_hans")


def add_sizes(apps, schema_editor):
    zone_texts = ("description", "preferential_policies")
    resize_images(
        apps.get_model("zones", "Zone"),
        [f"{name}_{language}" for name in zone_texts for language in LANGUAGES],
    )
    resize_images(
        apps.get_model("zones", "Enterprise"),
        [f"description_{language}" for language in LANGUAGES],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("zones", "0012_publication_time_from_1900"),
    ]

    operations = [
        migrations.RunPython(add_sizes, migrations.RunPython.noop),
    ]
