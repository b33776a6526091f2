"""Chinese lists in pinyin order, as a Chinese reader looks for a name.

Databases sort Chinese by code point, which is no order a reader knows (大连 before 阿城, since
大 is U+5927 and 阿 U+963F). Each named record keeps a sort key, the pinyin of its Chinese name
with tones (`a1 cheng2 …`), made when it is saved; Chinese pages order by it. A name with no
Chinese is shown in English there, and sorts by its English letters among the pinyin.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.search.text import pypinyin

SORT_KEY_LENGTH = 255


def pinyin_sort_key(name: str) -> str:
    """`大连普湾` → `da4 lian2 pu3 wan1`: syllables with their tone, so that `da` sorts before
    `dai` and first tone before fourth, as in a dictionary; other text lower-cased as it is.

    pypinyin is imported on first use (portal.search.text.pypinyin): a process that never
    saves a name nor orders the Chinese directory's countries need not hold its dictionary.
    """
    converter = pypinyin()
    syllables = converter.lazy_pinyin(
        name, style=converter.Style.TONE3, neutral_tone_with_five=True
    )
    words = (word.strip().lower() for syllable in syllables for word in syllable.split())
    return " ".join(word for word in words if word)[:SORT_KEY_LENGTH]


class PinyinSorted(models.Model):
    """A record listed by name (or by its `sorted_by` field, a release's title):
    `sort_key_zh` is its Chinese order, refreshed on every save.

    Rows written without save() (bulk_create, update) must set it themselves.
    """

    sorted_by = "name"

    sort_key_zh = models.CharField(
        _("Chinese sort key"),
        max_length=SORT_KEY_LENGTH,
        blank=True,
        editable=False,
        db_index=True,
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.sort_key_zh = self.chinese_sort_key()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "sort_key_zh" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "sort_key_zh"]
        super().save(*args, **kwargs)

    def chinese_sort_key(self) -> str:
        """The name shown on a Chinese page: its Chinese, else its English, else the slug."""
        field = self.sorted_by
        return pinyin_sort_key(
            getattr(self, f"{field}_zh_hans", "")
            or getattr(self, f"{field}_en", "")
            or getattr(self, "slug", "")
        )
