"""The content type of the rows linking events to releases, which a release's history keeps.

Django makes content types for the models an app declares, not for the link tables it makes
itself; a version of a link row needs one. Made here rather than on first use, so that every
process reads the same row from the start.
"""

from django.db import migrations


def add_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).get_or_create(
        app_label="news", model="event_releases"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("news", "0019_titles_in_either_language"),
    ]

    operations = [migrations.RunPython(add_content_type, migrations.RunPython.noop)]
