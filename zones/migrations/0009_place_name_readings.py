from django.db import migrations

from portal.publishing.pinyin import PLACE_NAME_READINGS
from zones.collation import pinyin_sort_key

SORTED_MODELS = ("Sector", "Zone", "Qualification", "Enterprise", "Institution", "Platform")


def refresh_sort_keys(apps, schema_editor):
    """The Chinese sort key of each record whose Chinese name holds a place name that pypinyin
    read as another word (朝阳 as zhāoyáng): the others keep theirs."""
    for model_name in SORTED_MODELS:
        model = apps.get_model("zones", model_name)
        for place in PLACE_NAME_READINGS:
            rows = model.objects.filter(name_zh_hans__contains=place).only("pk", "name_zh_hans")
            for row in rows:
                row.sort_key_zh = pinyin_sort_key(row.name_zh_hans)
                row.save(update_fields=["sort_key_zh"])


class Migration(migrations.Migration):
    dependencies = [
        ("zones", "0008_chinese_sort_keys"),
    ]

    operations = [
        migrations.RunPython(refresh_sort_keys, migrations.RunPython.noop),
    ]
