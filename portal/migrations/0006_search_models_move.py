from django.db import migrations


class Migration(migrations.Migration):
    """The search index's models now belong to the search app, tables and all. The full-text
    tables and triggers made by 0002 and 0003 stay as they are: they are made in SQL over the
    tables, which keep their names."""

    dependencies = [
        ("portal", "0005_publishing_models_move"),
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="SearchTerm"),
                migrations.DeleteModel(name="SearchEntry"),
            ],
        ),
    ]
