from django.db import migrations, models

# The names the README gives a zone's own areas. Until now every figure in km² was shown as an
# area of the zone: a metric so named (or slugged) keeps its place at a glance, and any other
# area (the factory floor space built) becomes a figure like the rest. A Publisher marks
# another metric in its form.
ZONE_AREAS = {"planned area", "built up area"}


def names_a_zone_area(name: str) -> bool:
    return name.strip().casefold().replace("-", " ") in ZONE_AREAS


def mark_zone_areas(apps, schema_editor):
    Metric = apps.get_model("news", "Metric")
    areas = Metric.objects.filter(indicators__unit="km2").distinct()
    marked = [
        metric.pk
        for metric in areas.only("pk", "slug", "name_en")
        if names_a_zone_area(metric.name_en or "") or names_a_zone_area(metric.slug)
    ]
    Metric.objects.filter(pk__in=marked).update(is_zone_area=True)


class Migration(migrations.Migration):

    dependencies = [
        ('news', '0017_english_sort_keys'),
    ]

    operations = [
        migrations.AddField(
            model_name='metric',
            name='is_zone_area',
            field=models.BooleanField(default=False, help_text="The zone's own area, such as its planned or built-up area: its newest figure in km² is shown at a glance on the zone's profile. Not an area built or used in the zone, such as factory floor space.", verbose_name='area of the zone'),
        ),
        migrations.RunPython(mark_zone_areas, migrations.RunPython.noop),
    ]
