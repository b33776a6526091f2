from django.db import migrations, models

import portal.search.registry


def move_content_types(apps, schema_editor):
    """Keep the models' content types (and the permissions that point at them) under the new
    app label, rather than leaving them stale and making new ones."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db_alias = schema_editor.connection.alias
    for model in ("searchentry", "searchterm"):
        if not ContentType.objects.using(db_alias).filter(app_label="search", model=model).exists():
            ContentType.objects.using(db_alias).filter(app_label="portal", model=model).update(
                app_label="search"
            )


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db_alias = schema_editor.connection.alias
    for model in ("searchentry", "searchterm"):
        if not ContentType.objects.using(db_alias).filter(app_label="portal", model=model).exists():
            ContentType.objects.using(db_alias).filter(app_label="search", model=model).update(
                app_label="portal"
            )


class Migration(migrations.Migration):

    initial = True

    # The tables, and the full-text tables and triggers over them, were made by the portal app's
    # migrations (0002_search_index, 0003_search_names), under the names they keep; this app
    # takes the models over without touching the database.
    dependencies = [
        ('portal', '0005_publishing_models_move'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='SearchEntry',
                    fields=[
                        ('id', models.BigIntegerField(primary_key=True, serialize=False)),
                        ('kind', models.CharField(choices=portal.search.registry.kind_choices, max_length=20, verbose_name='kind')),
                        ('object_id', models.BigIntegerField(verbose_name='object id')),
                        ('slug', models.CharField(max_length=150, verbose_name='slug')),
                        ('status', models.CharField(choices=[('draft', 'draft'), ('review', 'in review'), ('published', 'published'), ('archived', 'archived')], max_length=10, verbose_name='status')),
                        ('published_at', models.DateTimeField(null=True, verbose_name='publication time')),
                        ('title_en', models.CharField(blank=True, max_length=300, verbose_name='title (English)')),
                        ('title_zh_hans', models.CharField(blank=True, max_length=300, verbose_name='title (Chinese)')),
                        ('text_en', models.TextField(blank=True, verbose_name='text (English)')),
                        ('text_zh_hans', models.TextField(blank=True, verbose_name='text (Chinese)')),
                        ('name_keys', models.TextField(blank=True, verbose_name='name keys')),
                        ('names', models.TextField(blank=True, verbose_name='names')),
                        ('aliases', models.TextField(blank=True, verbose_name='other names')),
                        ('pinyin', models.TextField(blank=True, verbose_name='pinyin')),
                        ('body', models.TextField(blank=True, verbose_name='body')),
                    ],
                    options={
                        'verbose_name': 'search entry',
                        'verbose_name_plural': 'search entries',
                        'db_table': 'portal_searchentry',
                        'indexes': [models.Index(fields=['published_at'], name='portal_searchentry_time_idx')],
                        'constraints': [models.UniqueConstraint(fields=('kind', 'object_id'), name='portal_searchentry_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='SearchTerm',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('term', models.CharField(max_length=60, verbose_name='term')),
                        ('length', models.PositiveSmallIntegerField(verbose_name='length')),
                    ],
                    options={
                        'verbose_name': 'search term',
                        'verbose_name_plural': 'search terms',
                        'db_table': 'portal_searchterm',
                        'constraints': [models.UniqueConstraint(fields=('term',), name='portal_searchterm_unique')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
